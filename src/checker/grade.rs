//! Grading a scenario's claims over many runs.
//!
//! `Grader` sees each `RunRecord` once and keeps only counters, one example run per
//! distinct outcome and the first failure of each claim, so memory stays flat however
//! many runs there are.
//!
//! Rules for runs that did not complete (also in docs/grading.md):
//! - `final` and `outcome` claims cannot be evaluated in a run that deadlocked or hung.
//!   Such a run is skipped by `final` (and counted as `<not observed: ended as
//!   expected>` by `outcome`) when the scenario also claims that end (`deadlock` for a
//!   deadlock, `hang` for a hang); otherwise it fails them.
//! - Runs stopped by a cap or an interrupt always fail `final` and `outcome`.

use std::collections::BTreeSet;
use std::time::Instant;

use crate::checker::claim_verdict::ClaimVerdict;
use crate::checker::const_repr::const_expr_repr;
use crate::checker::example_run::{ExampleRun, end_brief};
use crate::checker::histogram::{CaseSpec, Histogram, Observation, OutcomeTally};
use crate::checker::run_record::{RunEnd, RunRecord};
use crate::checker::scenario_report::{EndCounts, EndExplanation, ScenarioReport};
use crate::cli::RunOptions;
use crate::core::names::ExcType;
use crate::plan::ir::{ExpectKind, Program};

/// Claim texts longer than this are shortened in reports.
const CLAIM_TEXT_CHARS: usize = 60;

/// Grades the runs of one scenario against its claims.
#[derive(Debug)]
pub struct Grader {
    file: String,
    name: String,
    runs_planned: u32,
    replay_flags: Vec<String>,
    started: Instant,
    claims: Vec<ClaimState>,
    runs: u32,
    ends: EndCounts,
    first_deadlock: Option<EndExplanation>,
    first_hang: Option<EndExplanation>,
    first_cap: Option<EndExplanation>,
    /// The scenario's text, to quote the line where a cap was hit.
    source: std::sync::Arc<crate::syntax::span::SourceFile>,
    /// The scenario claims `deadlock` / `hang`: runs ending so are not failures of
    /// `final` and `outcome` claims.
    expects_deadlock: bool,
    expects_hang: bool,
    /// Exception classes some `raises` claim expects.
    claimed_exceptions: Vec<crate::core::names::ExcType>,
    /// Runs with an uncaught exception no claim expects, and the first of them: such a
    /// run is an outcome nobody claimed, so it fails the scenario.
    uncaught_runs: u64,
    first_uncaught: Option<(ExampleRun, String, usize)>,
    /// Some `exitcode main == N` claim exists.
    claims_main_exit: bool,
}

#[derive(Debug)]
struct ClaimState {
    claim: String,
    line: usize,
    check: Check,
    /// Runs in which the claim did not hold (not used by `outcome`).
    failed_runs: u64,
    /// The first failing run and what was wrong in it.
    first_failure: Option<(ExampleRun, String)>,
}

#[derive(Debug)]
enum Check {
    Deadlock {
        kind: Option<String>,
        actors: BTreeSet<String>,
    },
    NoDeadlock,
    Hang,
    Output(String),
    OutputContains(String),
    Order {
        first: String,
        then: String,
    },
    Final {
        index: usize,
        skipped: u64,
    },
    Raises {
        exc: ExcType,
        actor: Option<String>,
        message: Option<String>,
    },
    ExitCode {
        actor: String,
        code: i64,
    },
    Outcome {
        index: usize,
        observe: String,
        tally: Box<OutcomeTally>,
    },
}

/// Sizes of what a `Grader` keeps, per claim: the proof that memory stays flat.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClaimMemory {
    /// Distinct outcomes counted (0 for claims other than `outcome`).
    pub buckets: usize,
    /// Example runs kept.
    pub examples: usize,
}

impl Grader {
    /// A grader for `program`'s claims over `runs_planned` runs.
    pub fn new(program: &Program, runs_planned: u32) -> Grader {
        let source = &program.source;
        let mut finals = 0;
        let mut outcomes = 0;
        let claims = program
            .expects
            .iter()
            .map(|e| {
                let line = source.line_col(e.span.start).0;
                let (claim, check) = describe(&e.kind, &mut finals, &mut outcomes);
                ClaimState {
                    claim: shorten(&claim, CLAIM_TEXT_CHARS),
                    line,
                    check,
                    failed_runs: 0,
                    first_failure: None,
                }
            })
            .collect::<Vec<_>>();
        let expects_deadlock = claims
            .iter()
            .any(|c| matches!(c.check, Check::Deadlock { .. }));
        let expects_hang = claims.iter().any(|c| matches!(c.check, Check::Hang));
        let claims_main_exit = claims
            .iter()
            .any(|c| matches!(&c.check, Check::ExitCode { actor, .. } if actor == "main"));
        let claimed_exceptions = claims
            .iter()
            .filter_map(|c| match c.check {
                Check::Raises { exc, .. } => Some(exc),
                _ => None,
            })
            .collect();
        Grader {
            file: source.name.clone(),
            name: program.name.clone(),
            runs_planned,
            replay_flags: Vec::new(),
            started: Instant::now(),
            claims,
            runs: 0,
            ends: EndCounts::default(),
            first_deadlock: None,
            first_hang: None,
            first_cap: None,
            source: program.source.clone(),
            expects_deadlock,
            expects_hang,
            claims_main_exit,
            claimed_exceptions,
            uncaught_runs: 0,
            first_uncaught: None,
        }
    }

    /// Records the command-line options the runs used, so that replay commands repeat
    /// them (`--stress`, `--time-scale`, `--gil`, `--timeout`).
    pub fn with_options(mut self, opts: &RunOptions) -> Grader {
        let mut flags = Vec::new();
        if opts.stress {
            flags.push("--stress".to_string());
        }
        if let Some(t) = opts.time_scale {
            flags.push(format!("--time-scale {t}"));
        }
        if let Some(g) = opts.gil {
            flags.push(format!("--gil {g}"));
        }
        if let Some(t) = opts.timeout {
            flags.push(format!("--timeout {t}"));
        }
        self.replay_flags = flags;
        self
    }

    /// Grades one run.
    pub fn add(&mut self, run: &RunRecord) {
        self.runs += 1;
        self.count_end(run);
        let output = run.output_text();
        // A run stopped by a cap already fails the scenario; the cap's RuntimeError in
        // the scenario is how it was stopped, not a separate outcome.
        let capped = matches!(run.end, RunEnd::CapExceeded { .. });
        let unclaimed = match run
            .exceptions
            .iter()
            .find(|e| !capped && !self.claimed_exceptions.contains(&e.ty))
        {
            Some(e) => {
                let line = self.source.line_col(e.span.start).0;
                Some((
                    format!(
                        "uncaught {}: {} in {} (line {line})",
                        e.ty.name(),
                        e.msg,
                        e.actor
                    ),
                    line,
                ))
            }
            // A main process killed by a signal (SIGABRT: a failed allocation under the
            // memory cap; SIGKILL/SIGTERM from outside) is an outcome nobody claimed.
            None => run
                .exit_codes
                .iter()
                .find(|(a, c)| a == "main" && c.is_some_and(|c| c < 0) && !self.claims_main_exit)
                .map(|(_, c)| (describe_signal(-c.unwrap_or(0)), 1)),
        };
        if let Some((why, line)) = unclaimed {
            self.uncaught_runs += 1;
            if self.first_uncaught.is_none() {
                self.first_uncaught = Some((ExampleRun::of(run, &output), why, line));
            }
        }
        let ended_as_expected = match run.end {
            RunEnd::Deadlock(_) => self.expects_deadlock,
            RunEnd::Hang { .. } => self.expects_hang,
            _ => false,
        };
        for claim in &mut self.claims {
            let result = match &mut claim.check {
                Check::Outcome { index, tally, .. } => {
                    let obs = match run.observed.get(*index) {
                        Some(Some(v)) => Observation::Value(v),
                        _ if ended_as_expected => Observation::MissingAsExpected,
                        _ => Observation::Missing,
                    };
                    tally.add(obs, |with_output| {
                        if with_output {
                            ExampleRun::of(run, &output)
                        } else {
                            ExampleRun::without_output(run)
                        }
                    });
                    Ok(())
                }
                Check::Final { skipped, .. } if ended_as_expected => {
                    *skipped += 1;
                    Ok(())
                }
                check => check_run(check, run, &output),
            };
            if let Err(why) = result {
                claim.failed_runs += 1;
                if claim.first_failure.is_none() {
                    claim.first_failure = Some((ExampleRun::of(run, &output), why));
                }
            }
        }
    }

    fn count_end(&mut self, run: &RunRecord) {
        let first = |explanation: &str, graph: &str| EndExplanation {
            run: run.index,
            seed: run.seed,
            explanation: explanation.to_string(),
            graph: graph.to_string(),
        };
        match &run.end {
            RunEnd::Completed => self.ends.completed += 1,
            RunEnd::Deadlock(d) => {
                *self.ends.deadlock.entry(d.kind.clone()).or_default() += 1;
                self.first_deadlock
                    .get_or_insert_with(|| first(&d.explanation, &d.graph));
            }
            RunEnd::Hang { explanation } => {
                self.ends.hang += 1;
                self.first_hang
                    .get_or_insert_with(|| first(explanation, ""));
            }
            RunEnd::CapExceeded { message, span } => {
                self.ends.cap_exceeded += 1;
                if self.first_cap.is_none() {
                    let (line, _) = self.source.line_col(span.start);
                    let text = self.source.line_text(line).trim();
                    self.first_cap = Some(first(&format!("{message}\nat line {line}: {text}"), ""));
                }
            }
            RunEnd::Interrupted => self.ends.interrupted += 1,
        }
    }

    /// What the grader keeps, per claim.
    pub fn memory(&self) -> Vec<ClaimMemory> {
        self.claims
            .iter()
            .map(|c| match &c.check {
                Check::Outcome { tally, .. } => ClaimMemory {
                    buckets: tally.distinct(),
                    examples: tally.examples(),
                },
                _ => ClaimMemory {
                    buckets: 0,
                    examples: usize::from(c.first_failure.is_some()),
                },
            })
            .collect()
    }

    /// The verdicts and histograms over all runs added.
    pub fn finish(self) -> ScenarioReport {
        let runs = self.runs;
        let mut verdicts = Vec::with_capacity(self.claims.len());
        let mut histograms = Vec::new();
        for (i, c) in self.claims.into_iter().enumerate() {
            let (passed, detail, example) = match c.check {
                Check::Outcome { observe, tally, .. } => {
                    let t = (*tally).finish(runs);
                    histograms.push(Histogram {
                        claim: i,
                        line: c.line,
                        observe,
                        rows: t.rows,
                    });
                    (t.passed, t.detail, t.example)
                }
                check => match c.first_failure {
                    None => (true, held(&check, runs), None),
                    Some((example, why)) => {
                        let detail = format!(
                            "failed in {} of {runs} runs; run {}: {why}",
                            c.failed_runs, example.index
                        );
                        (false, detail, Some(example))
                    }
                },
            };
            verdicts.push(ClaimVerdict {
                claim: c.claim,
                line: c.line,
                passed,
                detail,
                example,
            });
        }
        if let Some((example, why, line)) = self.first_uncaught {
            verdicts.push(ClaimVerdict {
                claim: "no uncaught exception or signal but those claimed".to_string(),
                line,
                passed: false,
                detail: format!(
                    "failed in {} of {runs} runs; run {}: {why}",
                    self.uncaught_runs, example.index
                ),
                example: Some(example),
            });
        }
        ScenarioReport {
            file: self.file,
            name: self.name,
            runs,
            runs_planned: self.runs_planned,
            duration: self.started.elapsed(),
            verdicts,
            histograms,
            ends: self.ends,
            first_deadlock: self.first_deadlock,
            first_hang: self.first_hang,
            first_cap: self.first_cap,
            replay_flags: self.replay_flags,
        }
    }
}

/// The claim's text and what to check, numbering `final` and `outcome` claims in order
/// (their index into `RunRecord::finals` / `observed`).
fn describe(kind: &ExpectKind, finals: &mut usize, outcomes: &mut usize) -> (String, Check) {
    match kind {
        ExpectKind::Deadlock { kind, actors } => {
            let mut text = "deadlock".to_string();
            if let Some(k) = kind {
                text = format!("{text} {k}");
            }
            if !actors.is_empty() {
                text = format!("{text} [{}]", actors.join(", "));
            }
            let actors = actors.iter().cloned().collect();
            (
                text,
                Check::Deadlock {
                    kind: kind.clone(),
                    actors,
                },
            )
        }
        ExpectKind::NoDeadlock => ("no deadlock".into(), Check::NoDeadlock),
        ExpectKind::Hang => ("hang".into(), Check::Hang),
        ExpectKind::Output(t) => (format!("output {t:?}"), Check::Output(t.clone())),
        ExpectKind::OutputContains(t) => (
            format!("output contains {t:?}"),
            Check::OutputContains(t.clone()),
        ),
        ExpectKind::Order { first, then } => (
            format!("order {first:?} before {then:?}"),
            Check::Order {
                first: first.clone(),
                then: then.clone(),
            },
        ),
        ExpectKind::Final { source, .. } => {
            let index = *finals;
            *finals += 1;
            (
                format!("final {source}"),
                Check::Final { index, skipped: 0 },
            )
        }
        ExpectKind::Raises {
            exc,
            actor,
            message,
        } => {
            let mut text = format!("raises {}", exc.name());
            if let Some(a) = actor {
                text = format!("{text} in {a}");
            }
            if let Some(m) = message {
                text = format!("{text} {m:?}");
            }
            let check = Check::Raises {
                exc: *exc,
                actor: actor.clone(),
                message: message.clone(),
            };
            (text, check)
        }
        ExpectKind::ExitCode { actor, code } => (
            format!("exitcode {actor} == {code}"),
            Check::ExitCode {
                actor: actor.clone(),
                code: *code,
            },
        ),
        ExpectKind::Outcome { sources, cases, .. } => {
            let index = *outcomes;
            *outcomes += 1;
            let observe = sources.join(", ");
            let cases = cases
                .iter()
                .map(|c| CaseSpec {
                    // A pattern that is not constant matches nothing: the plan rejects
                    // those, so this only keeps grading total.
                    pattern: c.pattern.as_ref().map(|p| {
                        const_expr_repr(p).unwrap_or_else(|| "<non-constant>".to_string())
                    }),
                    grade: c.grade,
                    description: c.description.clone(),
                })
                .collect();
            let check = Check::Outcome {
                index,
                observe: observe.clone(),
                tally: Box::new(OutcomeTally::new(cases)),
            };
            (format!("outcome {observe}"), check)
        }
    }
}

/// Whether `run` satisfies one per-run claim; `Err` says what was wrong.
fn check_run(check: &Check, run: &RunRecord, output: &str) -> Result<(), String> {
    match check {
        Check::Deadlock { kind, actors } => {
            let RunEnd::Deadlock(d) = &run.end else {
                return Err(format!("the run ended: {}", end_brief(&run.end)));
            };
            if kind.as_ref().is_some_and(|k| *k != d.kind) {
                return Err(format!("the deadlock was {}", end_brief(&run.end)));
            }
            let seen: BTreeSet<String> = d.actors.iter().cloned().collect();
            if !actors.is_empty() && *actors != seen {
                return Err(format!("the deadlock was {}", end_brief(&run.end)));
            }
            Ok(())
        }
        Check::NoDeadlock => match run.end {
            RunEnd::Deadlock(_) | RunEnd::Hang { .. } => {
                Err(format!("the run ended: {}", end_brief(&run.end)))
            }
            _ => Ok(()),
        },
        Check::Hang => match run.end {
            RunEnd::Hang { .. } => Ok(()),
            _ => Err(format!("the run ended: {}", end_brief(&run.end))),
        },
        Check::Output(want) if output == want => Ok(()),
        Check::Output(want) => Err(first_difference(want, output)),
        Check::OutputContains(want) if output.contains(want.as_str()) => Ok(()),
        Check::OutputContains(want) => Err(format!("{want:?} was not printed")),
        Check::Order { first, then } => {
            let line_of = |s: &str| output.lines().position(|l| l.contains(s));
            match (line_of(first), line_of(then)) {
                (Some(a), Some(b)) if a < b => Ok(()),
                (None, _) => Err(format!("{first:?} was not printed")),
                (_, None) => Err(format!("{then:?} was not printed")),
                (Some(a), Some(b)) => Err(format!(
                    "{then:?} (output line {}) came before or with {first:?} (output line {})",
                    b + 1,
                    a + 1
                )),
            }
        }
        Check::Final { index, .. } => match run.finals.get(*index) {
            Some(Some(true)) => Ok(()),
            Some(Some(false)) => Err("it was false".to_string()),
            _ => Err(format!(
                "it could not be evaluated (the run ended: {})",
                end_brief(&run.end)
            )),
        },
        Check::Raises {
            exc,
            actor,
            message,
        } => {
            let matches = run.exceptions.iter().any(|e| {
                e.ty == *exc
                    && actor.as_ref().is_none_or(|a| *a == e.actor)
                    && message.as_ref().is_none_or(|m| *m == e.msg)
            });
            if matches {
                return Ok(());
            }
            if run.exceptions.is_empty() {
                return Err("no actor ended with an exception".to_string());
            }
            let seen: Vec<String> = run
                .exceptions
                .iter()
                .take(3)
                .map(|e| format!("{}: {} in {}", e.ty.name(), e.msg, e.actor))
                .collect();
            Err(format!("exceptions were: {}", seen.join("; ")))
        }
        Check::ExitCode { actor, code } => match run.exit_codes.iter().find(|(a, _)| a == actor) {
            Some((_, Some(c))) if i64::from(*c) == *code => Ok(()),
            Some((_, Some(c))) => Err(format!("{actor} exited with {c}")),
            Some((_, None)) => Err(format!("{actor} was still running")),
            None => Err(format!("no process {actor} ran")),
        },
        Check::Outcome { .. } => Ok(()),
    }
}

/// The confirmation shown for a claim that held.
fn held(check: &Check, runs: u32) -> String {
    match check {
        Check::Final { skipped, .. } if *skipped > 0 => {
            format!(
                "held in {} runs ({skipped} runs ended as expected and were skipped)",
                u64::from(runs) - skipped
            )
        }
        _ => format!("held in all {runs} runs"),
    }
}

/// The first line where `actual` differs from `want`.
fn first_difference(want: &str, actual: &str) -> String {
    let mut w = want.split('\n');
    let mut a = actual.split('\n');
    let mut line = 1;
    loop {
        match (w.next(), a.next()) {
            (Some(x), Some(y)) if x == y => line += 1,
            (Some(x), Some(y)) => {
                return format!("output line {line}: expected {x:?}, got {y:?}");
            }
            (Some(x), None) => return format!("output line {line}: expected {x:?}, got nothing"),
            (None, Some(y)) => return format!("output line {line}: unexpected {y:?}"),
            (None, None) => return "outputs differ".to_string(),
        }
    }
}

/// Shortens `s` to `max` characters, with an ellipsis.
fn shorten(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        return s.to_string();
    }
    let mut out: String = s.chars().take(max.saturating_sub(1)).collect();
    out.push('…');
    out
}

/// "main was killed by signal 6 (SIGABRT: ...)".
fn describe_signal(sig: i32) -> String {
    let what = match sig {
        6 => "SIGABRT: most likely an allocation failed under the memory cap",
        9 => "SIGKILL",
        11 => "SIGSEGV: most likely its stack overflowed",
        15 => "SIGTERM",
        _ => "",
    };
    if what.is_empty() {
        format!("main was killed by signal {sig}")
    } else {
        format!("main was killed by signal {sig} ({what})")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_difference_names_the_line() {
        assert_eq!(
            first_difference("a\nb\nc\n", "a\nx\nc\n"),
            r#"output line 2: expected "b", got "x""#
        );
        assert_eq!(
            first_difference("a\n", "a\nb\n"),
            r#"output line 2: expected "", got "b""#
        );
        assert_eq!(
            first_difference("a\nb", "a"),
            r#"output line 2: expected "b", got nothing"#
        );
    }

    #[test]
    fn shorten_keeps_short_text() {
        assert_eq!(shorten("abc", 5), "abc");
        assert_eq!(shorten("abcdef", 4), "abc…");
    }
}
