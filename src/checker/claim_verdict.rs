//! The verdict on one claim after all runs.

use crate::checker::example_run::ExampleRun;

/// Whether one claim of the scenario held over all runs, and why not.
#[derive(Clone, Debug, PartialEq)]
pub struct ClaimVerdict {
    /// The claim as the author would write it: `deadlock join_before_drain [main, p]`.
    pub claim: String,
    /// 1-based line of the claim in the scenario file.
    pub line: usize,
    pub passed: bool,
    /// Why it failed (`forbidden 19 seen in 3 of 1000 runs`), or a short confirmation.
    pub detail: String,
    /// A run that shows the failure (`None` when it passed, or when the failure is an
    /// absence, like a required outcome never seen).
    pub example: Option<ExampleRun>,
}
