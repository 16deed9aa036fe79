//! One run kept as evidence: enough to show what happened and to replay it, small
//! enough that keeping one per distinct outcome keeps memory flat over many runs.

use crate::checker::run_record::{RunEnd, RunRecord};

/// How much of a run's printed output an example keeps.
pub const OUTPUT_EXCERPT_BYTES: usize = 4096;

/// A run shown to the user as an example of an outcome or of a failed claim.
#[derive(Clone, Debug, PartialEq)]
pub struct ExampleRun {
    /// 0-based run number within the invocation.
    pub index: u32,
    /// The run's seed: `interp run FILE --replay SEED` repeats it.
    pub seed: u64,
    /// The start of the run's printed output (at most `OUTPUT_EXCERPT_BYTES`).
    pub output: String,
    /// The output was longer than `output`.
    pub output_truncated: bool,
    /// How the run ended, in one line (`completed`, `deadlock lock_cycle [a, b]`, ...).
    pub end: String,
}

impl ExampleRun {
    /// Keeps `run` as an example; `output` is its whole printed text (already computed
    /// by the caller, which needs it for other claims too).
    pub fn of(run: &RunRecord, output: &str) -> ExampleRun {
        let mut example = ExampleRun::without_output(run);
        let cut = floor_char_boundary(output, OUTPUT_EXCERPT_BYTES);
        example.output = output[..cut].to_string();
        example.output_truncated = cut < output.len();
        example
    }

    /// Keeps only the run's identity and end: used once many distinct outcomes have
    /// already kept their output, so that memory stays bounded.
    pub fn without_output(run: &RunRecord) -> ExampleRun {
        ExampleRun {
            index: run.index,
            seed: run.seed,
            output: String::new(),
            output_truncated: false,
            end: end_brief(&run.end),
        }
    }
}

/// A run's end in one line.
pub fn end_brief(end: &RunEnd) -> String {
    match end {
        RunEnd::Completed => "completed".to_string(),
        RunEnd::Deadlock(d) => {
            if d.actors.is_empty() {
                format!("deadlock {}", d.kind)
            } else {
                format!("deadlock {} [{}]", d.kind, d.actors.join(", "))
            }
        }
        RunEnd::Hang { .. } => "hang".to_string(),
        RunEnd::CapExceeded { message, .. } => format!("cap exceeded: {message}"),
        RunEnd::Interrupted => "interrupted".to_string(),
    }
}

fn floor_char_boundary(s: &str, i: usize) -> usize {
    if i >= s.len() {
        return s.len();
    }
    let mut i = i;
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn output_is_cut_at_a_char_boundary() {
        let run = RunRecord {
            index: 4,
            seed: 9,
            output: vec![],
            exceptions: vec![],
            exit_codes: vec![],
            end: RunEnd::Hang {
                explanation: "x".into(),
            },
            finals: vec![],
            observed: vec![],
            duration: std::time::Duration::ZERO,
        };
        // 3-byte characters: the excerpt cannot end mid-character.
        let long = "进".repeat(OUTPUT_EXCERPT_BYTES);
        let ex = ExampleRun::of(&run, &long);
        assert!(ex.output_truncated);
        assert!(ex.output.len() <= OUTPUT_EXCERPT_BYTES && ex.output.len().is_multiple_of(3));
        assert_eq!(ex.end, "hang");
        let short = ExampleRun::of(&run, "ok\n");
        assert_eq!(
            (short.output.as_str(), short.output_truncated),
            ("ok\n", false)
        );
    }
}
