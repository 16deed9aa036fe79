//! What one run of a scenario produced: the input of grading and of the run report.

use std::time::Duration;

use crate::core::names::ExcType;
use crate::syntax::span::Span;

/// A piece of printed output: `print` writes whole lines, `print(x, end="|")` fragments.
#[derive(Clone, Debug, PartialEq)]
pub struct OutputChunk {
    /// The actor's label (see `ActorSnap::label`).
    pub actor: String,
    pub text: String,
}

/// An exception that ended an actor (not caught by the scenario).
#[derive(Clone, Debug, PartialEq)]
pub struct ExcRecord {
    pub actor: String,
    pub ty: ExcType,
    pub msg: String,
    pub span: Span,
}

/// A deadlock as the checker explained it.
#[derive(Clone, Debug, PartialEq)]
pub struct DeadlockSummary {
    /// `join_before_drain`, `lock_cycle`, `self_deadlock`, ... (see docs/language.md).
    pub kind: String,
    /// Labels of the actors in the cycle, in cycle order.
    pub actors: Vec<String>,
    /// The full human explanation (multi-line, with scenario lines).
    pub explanation: String,
    /// When it was detected, since the run started.
    pub after: Duration,
    /// The wait-for graph at detection, as Graphviz DOT (`interp run --graph FILE`).
    pub graph: String,
}

#[derive(Clone, Debug, PartialEq)]
pub enum RunEnd {
    /// Main and every non-daemon actor finished.
    Completed,
    Deadlock(DeadlockSummary),
    /// Still running at the time limit with no provable deadlock: `explanation` lists each
    /// live actor's state and line.
    Hang {
        explanation: String,
    },
    /// A cap (processes, threads, memory) was hit: the run was stopped.
    CapExceeded {
        message: String,
        span: Span,
    },
    /// `interp` was interrupted (Ctrl-C / SIGTERM) during the run.
    Interrupted,
}

#[derive(Clone, Debug, PartialEq)]
pub struct RunRecord {
    /// 0-based run number within the invocation.
    pub index: u32,
    /// This run's derived seed (random module and `--stress` choices); replays the run.
    pub seed: u64,
    pub output: Vec<OutputChunk>,
    pub exceptions: Vec<ExcRecord>,
    /// Exit code of each process actor, by label, with Python's conventions (`None`
    /// while still running when the run ended).
    pub exit_codes: Vec<(String, Option<i32>)>,
    pub end: RunEnd,
    /// Per `Final` claim, in claim order: its value, or `None` when it could not be
    /// evaluated (the run did not complete, or evaluating raised).
    pub finals: Vec<Option<bool>>,
    /// Per `Outcome` claim, in claim order: the `repr` of the observed value (a tuple when
    /// several expressions are observed), or `None` when it could not be evaluated.
    pub observed: Vec<Option<String>>,
    pub duration: Duration,
}

impl RunRecord {
    /// The whole printed output as one string.
    pub fn output_text(&self) -> String {
        self.output.iter().map(|c| c.text.as_str()).collect()
    }
}
