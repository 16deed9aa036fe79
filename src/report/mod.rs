//! Rendering what the checker graded: text for people, JSON and JUnit for machines, and
//! the summary table of `interp test`. Functions here return strings; the caller owns
//! stdout.

use std::path::PathBuf;
use std::time::Duration;

use crate::checker::scenario_report::ScenarioReport;

pub mod json;
pub mod junit;
pub mod summary_table;
pub mod text;

/// What running one scenario produced.
#[derive(Clone, Debug)]
pub enum ScenarioOutcome {
    /// It ran and its claims were graded.
    Ok(Box<ScenarioReport>),
    /// It did not parse or check: the rendered diagnostics.
    Invalid(String),
    /// `interp` itself failed while running it.
    Internal(String),
}

/// The one-word verdict on a scenario.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    Passed,
    Failed,
    Invalid,
    Internal,
}

impl Status {
    /// `passed`, `failed`, `invalid`, `internal` (the JSON spelling).
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Passed => "passed",
            Status::Failed => "failed",
            Status::Invalid => "invalid",
            Status::Internal => "internal",
        }
    }

    /// `PASS`, `FAIL`, `INVALID`, `INTERNAL` (the table spelling).
    pub fn label(self) -> &'static str {
        match self {
            Status::Passed => "PASS",
            Status::Failed => "FAIL",
            Status::Invalid => "INVALID",
            Status::Internal => "INTERNAL",
        }
    }
}

impl ScenarioOutcome {
    pub fn status(&self) -> Status {
        match self {
            ScenarioOutcome::Ok(r) if r.passed() => Status::Passed,
            ScenarioOutcome::Ok(_) => Status::Failed,
            ScenarioOutcome::Invalid(_) => Status::Invalid,
            ScenarioOutcome::Internal(_) => Status::Internal,
        }
    }
}

/// One scenario of an `interp test` invocation.
#[derive(Clone, Debug)]
pub struct ScenarioResult {
    /// The scenario file as discovered.
    pub file: PathBuf,
    pub outcome: ScenarioOutcome,
    /// Wall-clock time spent on it, parsing included.
    pub duration: Duration,
}

impl ScenarioResult {
    pub fn status(&self) -> Status {
        self.outcome.status()
    }

    /// Runs graded (0 when it did not run).
    pub fn runs(&self) -> u32 {
        match &self.outcome {
            ScenarioOutcome::Ok(r) => r.runs,
            _ => 0,
        }
    }
}

/// How text output may look: it depends on where it goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TextStyle {
    /// ANSI colors.
    pub color: bool,
    /// `✓`/`✗` marks; `PASS`/`FAIL` when false.
    pub unicode: bool,
}

impl TextStyle {
    /// No color, ASCII only: for files, pipes and tests.
    pub const PLAIN: TextStyle = TextStyle {
        color: false,
        unicode: false,
    };
}

/// Counts over the scenarios of one invocation.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Totals {
    pub scenarios: usize,
    pub passed: usize,
    pub failed: usize,
    pub invalid: usize,
    pub internal: usize,
    /// Runs graded, over all scenarios.
    pub runs: u64,
    pub duration: Duration,
}

impl Totals {
    pub fn of(results: &[ScenarioResult]) -> Totals {
        let mut t = Totals {
            scenarios: results.len(),
            ..Totals::default()
        };
        for r in results {
            match r.status() {
                Status::Passed => t.passed += 1,
                Status::Failed => t.failed += 1,
                Status::Invalid => t.invalid += 1,
                Status::Internal => t.internal += 1,
            }
            t.runs += u64::from(r.runs());
            t.duration += r.duration;
        }
        t
    }
}
