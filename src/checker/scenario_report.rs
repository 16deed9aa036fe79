//! Everything `interp` reports about one scenario after its runs: the graded claims, the
//! outcome histograms and how runs ended. Built by `Grader::finish`; rendered by `report`.

use std::collections::BTreeMap;
use std::time::Duration;

use crate::checker::claim_verdict::ClaimVerdict;
use crate::checker::example_run::ExampleRun;
use crate::checker::histogram::Histogram;

/// The graded result of running one scenario many times.
#[derive(Clone, Debug, PartialEq)]
pub struct ScenarioReport {
    /// The scenario file as the user named it.
    pub file: String,
    /// The scenario's name.
    pub name: String,
    /// Runs that were graded.
    pub runs: u32,
    /// Runs that were asked for (more than `runs` when interrupted).
    pub runs_planned: u32,
    /// Wall-clock time from the first run to grading.
    pub duration: Duration,
    /// One per claim, in the scenario's order.
    pub verdicts: Vec<ClaimVerdict>,
    /// One per `outcome` claim, in the scenario's order.
    pub histograms: Vec<Histogram>,
    pub ends: EndCounts,
    /// The first deadlock seen, explained.
    pub first_deadlock: Option<EndExplanation>,
    /// The first hang seen, with each live actor's state.
    pub first_hang: Option<EndExplanation>,
    /// The first run stopped by a cap: the cap's message and the line that hit it.
    pub first_cap: Option<EndExplanation>,
    /// Flags that, after `--replay SEED`, reproduce a run's conditions (`--stress`, ...).
    pub replay_flags: Vec<String>,
}

/// How many runs ended each way.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct EndCounts {
    pub completed: u64,
    /// By deadlock kind (`join_before_drain`, `lock_cycle`, ...).
    pub deadlock: BTreeMap<String, u64>,
    pub hang: u64,
    pub cap_exceeded: u64,
    pub interrupted: u64,
}

impl EndCounts {
    /// All deadlocks, whatever their kind.
    pub fn deadlocks(&self) -> u64 {
        self.deadlock.values().sum()
    }
}

/// The explanation of an abnormal run end, with the run that showed it.
#[derive(Clone, Debug, PartialEq)]
pub struct EndExplanation {
    pub run: u32,
    pub seed: u64,
    /// Multi-line, in the scenario's own terms.
    pub explanation: String,
    /// A deadlock's wait-for graph as DOT (empty for a hang).
    pub graph: String,
}

impl ScenarioReport {
    /// Every claim held, over at least one run, and no run was stopped by a cap (a
    /// fork bomb fails its scenario even when it makes no claim).
    /// Every claim held, over at least one run, and no run was stopped by a cap or an
    /// interrupt (an interrupted invocation proves nothing about the runs it skipped).
    pub fn passed(&self) -> bool {
        self.runs > 0
            && self.ends.cap_exceeded == 0
            && self.ends.interrupted == 0
            && self.verdicts.iter().all(|v| v.passed)
    }

    /// How many claims failed.
    pub fn failed_claims(&self) -> usize {
        self.verdicts.iter().filter(|v| !v.passed).count()
    }

    /// Distinct outcomes seen over all `outcome` claims (rows with a count).
    pub fn distinct_outcomes(&self) -> usize {
        self.histograms
            .iter()
            .map(|h| h.rows.iter().filter(|r| r.count > 0).count())
            .sum()
    }

    /// The command that replays `example`.
    pub fn replay_command(&self, example: &ExampleRun) -> String {
        let mut cmd = format!(
            "interp run {} --replay {}",
            shell_quote(&self.file),
            example.seed
        );
        for flag in &self.replay_flags {
            cmd.push(' ');
            cmd.push_str(flag);
        }
        cmd
    }
}

/// Quotes a path for a POSIX shell when it needs it.
fn shell_quote(s: &str) -> String {
    let plain = !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || "/._-+=:,@%".contains(c));
    if plain {
        s.to_string()
    } else {
        format!("'{}'", s.replace('\'', r"'\''"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_quoted_only_when_needed() {
        assert_eq!(shell_quote("scenarios/a_b.scn"), "scenarios/a_b.scn");
        assert_eq!(shell_quote("my dir/it's.scn"), r"'my dir/it'\''s.scn'");
    }
}
