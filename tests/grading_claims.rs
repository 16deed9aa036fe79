//! Grading claims over synthetic runs: every claim kind's pass and fail paths.

use std::sync::Arc;
use std::time::Duration;

use interp::checker::grade::Grader;
use interp::checker::run_record::{DeadlockSummary, ExcRecord, OutputChunk, RunEnd, RunRecord};
use interp::checker::scenario_report::ScenarioReport;
use interp::cli::RunOptions;
use interp::core::names::ExcType;
use interp::plan::ir::{
    Config, Const, Expect, ExpectKind, Expr, ExprKind, Facts, OutcomeCaseIr, Program,
};
use interp::syntax::ast::{Grade, UnaryOp};
use interp::syntax::span::{SourceFile, Span};

/// A program whose claim `i` sits on line `i + 2` of its source.
fn program(expects: Vec<ExpectKind>) -> Program {
    let mut text = String::from("scenario s\n");
    let mut spans = Vec::new();
    for i in 0..expects.len() {
        let start = text.len();
        text.push_str(&format!("claim {i}\n"));
        spans.push(Span::new(start, text.len() - 1));
    }
    Program {
        source: Arc::new(SourceFile::new("scenarios/s.scn", text)),
        name: "s".into(),
        config: Config::default(),
        globals: vec![],
        functions: vec![],
        main: 0,
        expects: expects
            .into_iter()
            .zip(spans)
            .map(|(kind, span)| Expect { kind, span })
            .collect(),
        facts: Facts::default(),
        labels: vec![],
    }
}

fn run(index: u32) -> RunRecord {
    RunRecord {
        index,
        seed: 1000 + u64::from(index),
        output: vec![],
        exceptions: vec![],
        exit_codes: vec![],
        end: RunEnd::Completed,
        finals: vec![],
        observed: vec![],
        duration: Duration::from_millis(1),
    }
}

fn with_output(mut r: RunRecord, text: &str) -> RunRecord {
    r.output = text
        .split_inclusive('\n')
        .map(|l| OutputChunk {
            actor: "main".into(),
            text: l.into(),
        })
        .collect();
    r
}

fn deadlocked(mut r: RunRecord, kind: &str, actors: &[&str]) -> RunRecord {
    r.end = RunEnd::Deadlock(DeadlockSummary {
        kind: kind.into(),
        actors: actors.iter().map(|a| a.to_string()).collect(),
        explanation: format!("{kind}: explained"),
        after: Duration::from_millis(5),
        graph: String::new(),
    });
    r
}

fn grade(expects: Vec<ExpectKind>, runs: Vec<RunRecord>) -> ScenarioReport {
    let p = program(expects);
    let mut g = Grader::new(&p, runs.len() as u32);
    for r in &runs {
        g.add(r);
    }
    g.finish()
}

fn c(k: Const) -> Expr {
    Expr {
        kind: ExprKind::Const(k),
        span: Span::default(),
    }
}

fn int(i: i128) -> Expr {
    c(Const::Int(i))
}

fn case(pattern: Option<Expr>, grade: Grade) -> OutcomeCaseIr {
    OutcomeCaseIr {
        pattern,
        grade,
        description: Some(format!("{grade:?}")),
        span: Span::default(),
    }
}

fn outcome(cases: Vec<OutcomeCaseIr>) -> ExpectKind {
    ExpectKind::Outcome {
        observe: vec![],
        sources: vec!["v.value".into()],
        cases,
    }
}

fn observed(i: u32, v: &str) -> RunRecord {
    let mut r = run(i);
    r.observed = vec![Some(v.to_string())];
    r
}

#[test]
fn deadlock_claim_matches_kind_and_actors_as_a_set() {
    let claim = || ExpectKind::Deadlock {
        kind: Some("join_before_drain".into()),
        actors: vec!["main".into(), "p".into()],
    };
    let ok = grade(
        vec![claim()],
        vec![deadlocked(run(0), "join_before_drain", &["p", "main"])],
    );
    assert!(ok.passed(), "{:?}", ok.verdicts);
    assert_eq!(ok.verdicts[0].claim, "deadlock join_before_drain [main, p]");
    assert_eq!(ok.verdicts[0].line, 2);
    assert_eq!(ok.first_deadlock.as_ref().map(|d| d.run), Some(0));

    let wrong_kind = grade(
        vec![claim()],
        vec![deadlocked(run(0), "lock_cycle", &["main", "p"])],
    );
    assert!(!wrong_kind.passed());
    assert!(
        wrong_kind.verdicts[0].detail.contains("lock_cycle"),
        "{}",
        wrong_kind.verdicts[0].detail
    );

    let wrong_actors = grade(
        vec![claim()],
        vec![deadlocked(run(0), "join_before_drain", &["main", "q"])],
    );
    assert!(!wrong_actors.passed());

    let completed = grade(
        vec![claim()],
        vec![
            run(0),
            deadlocked(run(1), "join_before_drain", &["main", "p"]),
        ],
    );
    let v = &completed.verdicts[0];
    assert!(!v.passed);
    assert_eq!(v.example.as_ref().map(|e| e.index), Some(0));
    assert!(
        v.detail.starts_with("failed in 1 of 2 runs"),
        "{}",
        v.detail
    );
}

#[test]
fn deadlock_claim_without_kind_or_actors_accepts_any_deadlock() {
    let claim = ExpectKind::Deadlock {
        kind: None,
        actors: vec![],
    };
    let r = grade(
        vec![claim],
        vec![deadlocked(run(0), "lock_cycle", &["a", "b"])],
    );
    assert!(r.passed());
    assert_eq!(r.verdicts[0].claim, "deadlock");
    assert_eq!(r.ends.deadlock.get("lock_cycle"), Some(&1));
}

#[test]
fn no_deadlock_fails_on_deadlock_and_hang() {
    assert!(grade(vec![ExpectKind::NoDeadlock], vec![run(0), run(1)]).passed());
    let dl = grade(
        vec![ExpectKind::NoDeadlock],
        vec![run(0), deadlocked(run(1), "lock_cycle", &[])],
    );
    assert!(!dl.passed());
    let mut hung = run(0);
    hung.end = RunEnd::Hang {
        explanation: "main spins at line 3".into(),
    };
    let h = grade(vec![ExpectKind::NoDeadlock], vec![hung.clone()]);
    assert!(!h.passed());
    assert_eq!(
        h.first_hang.as_ref().map(|e| e.explanation.as_str()),
        Some("main spins at line 3")
    );
    assert!(grade(vec![ExpectKind::Hang], vec![hung]).passed());
    assert!(!grade(vec![ExpectKind::Hang], vec![run(0)]).passed());
}

#[test]
fn output_claim_shows_the_first_differing_line() {
    let claim = || ExpectKind::Output("a\nb\nc\n".into());
    assert!(grade(vec![claim()], vec![with_output(run(0), "a\nb\nc\n")]).passed());
    let r = grade(vec![claim()], vec![with_output(run(0), "a\nx\nc\n")]);
    let v = &r.verdicts[0];
    assert!(!v.passed);
    assert!(
        v.detail.contains(r#"output line 2: expected "b", got "x""#),
        "{}",
        v.detail
    );
    assert_eq!(
        v.example.as_ref().map(|e| e.output.as_str()),
        Some("a\nx\nc\n")
    );
}

#[test]
fn output_contains_claim() {
    let claim = || ExpectKind::OutputContains("done".into());
    assert!(grade(vec![claim()], vec![with_output(run(0), "all done\n")]).passed());
    assert!(!grade(vec![claim()], vec![with_output(run(0), "all good\n")]).passed());
}

#[test]
fn order_claim_compares_first_lines_containing_each_text() {
    let claim = || ExpectKind::Order {
        first: "child".into(),
        then: "parent".into(),
    };
    assert!(
        grade(
            vec![claim()],
            vec![with_output(run(0), "child 1\nparent\nchild 2\n")]
        )
        .passed()
    );
    let reversed = grade(vec![claim()], vec![with_output(run(0), "parent\nchild\n")]);
    assert!(!reversed.passed());
    assert!(
        reversed.verdicts[0]
            .detail
            .contains("\"parent\" (output line 1)")
    );
    let missing = grade(vec![claim()], vec![with_output(run(0), "child\n")]);
    assert!(
        missing.verdicts[0]
            .detail
            .contains("\"parent\" was not printed")
    );
    let same_line = grade(vec![claim()], vec![with_output(run(0), "child parent\n")]);
    assert!(!same_line.passed());
}

fn final_claim() -> ExpectKind {
    ExpectKind::Final {
        expr: c(Const::Bool(true)),
        source: "num == 100".into(),
    }
}

#[test]
fn final_claim_holds_only_when_true_in_every_completed_run() {
    let mut t = run(0);
    t.finals = vec![Some(true)];
    let mut f = run(1);
    f.finals = vec![Some(false)];
    assert!(grade(vec![final_claim()], vec![t.clone()]).passed());
    let r = grade(vec![final_claim()], vec![t.clone(), f]);
    assert!(!r.passed());
    assert_eq!(r.verdicts[0].claim, "final num == 100");
    assert_eq!(r.verdicts[0].example.as_ref().map(|e| e.index), Some(1));

    // A deadlocked run fails a final claim, unless a deadlock is also claimed.
    let mut d = deadlocked(run(2), "lock_cycle", &["a", "b"]);
    d.finals = vec![None];
    let r = grade(vec![final_claim()], vec![t.clone(), d.clone()]);
    assert!(!r.passed());
    assert!(
        r.verdicts[0].detail.contains("could not be evaluated"),
        "{}",
        r.verdicts[0].detail
    );
    let deadlock = ExpectKind::Deadlock {
        kind: None,
        actors: vec![],
    };
    let r = grade(vec![final_claim(), deadlock], vec![d]);
    assert!(r.verdicts[0].passed, "{}", r.verdicts[0].detail);
    assert!(r.verdicts[0].detail.contains("skipped"));
}

#[test]
fn raises_claim_matches_type_actor_and_message() {
    let mut r0 = run(0);
    r0.exceptions = vec![ExcRecord {
        actor: "p".into(),
        ty: ExcType::ValueError,
        msg: "bad".into(),
        span: Span::default(),
    }];
    let claim = |actor: Option<&str>, message: Option<&str>| ExpectKind::Raises {
        exc: ExcType::ValueError,
        actor: actor.map(Into::into),
        message: message.map(Into::into),
    };
    assert!(grade(vec![claim(None, None)], vec![r0.clone()]).passed());
    assert!(grade(vec![claim(Some("p"), Some("bad"))], vec![r0.clone()]).passed());
    assert!(!grade(vec![claim(Some("q"), None)], vec![r0.clone()]).passed());
    let wrong_msg = grade(vec![claim(None, Some("good"))], vec![r0.clone()]);
    assert!(!wrong_msg.passed());
    assert!(
        wrong_msg.verdicts[0]
            .detail
            .contains("ValueError: bad in p")
    );
    let other_type = ExpectKind::Raises {
        exc: ExcType::TypeError,
        actor: None,
        message: None,
    };
    assert!(!grade(vec![other_type], vec![r0]).passed());
    let none = grade(vec![claim(None, None)], vec![run(0)]);
    assert!(
        none.verdicts[0]
            .detail
            .contains("no actor ended with an exception")
    );
}

#[test]
fn exit_code_claim() {
    let claim = || ExpectKind::ExitCode {
        actor: "p".into(),
        code: 1,
    };
    let mut r = run(0);
    r.exit_codes = vec![("p".into(), Some(1))];
    assert!(grade(vec![claim()], vec![r.clone()]).passed());
    r.exit_codes = vec![("p".into(), Some(0))];
    assert!(
        grade(vec![claim()], vec![r.clone()]).verdicts[0]
            .detail
            .contains("p exited with 0")
    );
    r.exit_codes = vec![("p".into(), None)];
    assert!(
        grade(vec![claim()], vec![r]).verdicts[0]
            .detail
            .contains("still running")
    );
}

#[test]
fn acceptable_and_interesting_outcomes_pass() {
    let claim = outcome(vec![
        case(Some(int(20)), Grade::Acceptable),
        case(Some(int(19)), Grade::Interesting),
    ]);
    let r = grade(
        vec![claim],
        vec![observed(0, "20"), observed(1, "19"), observed(2, "20")],
    );
    assert!(r.passed(), "{}", r.verdicts[0].detail);
    let h = &r.histograms[0];
    assert_eq!(h.observe, "v.value");
    assert_eq!(h.rows.len(), 2);
    assert_eq!((h.rows[0].outcome.as_str(), h.rows[0].count), ("20", 2));
    assert_eq!(h.rows[1].grade, Some(Grade::Interesting));
    assert!((h.rows[0].share - 66.666).abs() < 0.01);
    assert_eq!(r.distinct_outcomes(), 2);
}

#[test]
fn forbidden_outcome_fails_with_an_example_only_when_seen() {
    let claim = || {
        outcome(vec![
            case(Some(int(20)), Grade::Acceptable),
            case(Some(int(18)), Grade::Forbidden),
        ])
    };
    assert!(grade(vec![claim()], vec![observed(0, "20")]).passed());
    let r = grade(
        vec![claim()],
        vec![observed(0, "20"), observed(1, "18"), observed(2, "18")],
    );
    let v = &r.verdicts[0];
    assert!(!v.passed);
    assert_eq!(v.detail, "forbidden 18 seen in 2 of 3 runs");
    assert_eq!(v.example.as_ref().map(|e| e.index), Some(1));
    assert!(
        r.histograms[0]
            .rows
            .iter()
            .any(|row| row.outcome == "18" && row.failing)
    );
    let replay = r.replay_command(v.example.as_ref().unwrap());
    assert_eq!(replay, "interp run scenarios/s.scn --replay 1001");
}

fn pair(a: i128, b: i128) -> Expr {
    let neg = |i: i128| {
        if i < 0 {
            Expr {
                kind: ExprKind::Unary(UnaryOp::Neg, Box::new(int(-i))),
                span: Span::default(),
            }
        } else {
            int(i)
        }
    };
    Expr {
        kind: ExprKind::Tuple(vec![neg(a), neg(b)]),
        span: Span::default(),
    }
}

#[test]
fn required_outcome_never_seen_fails_with_the_run_count() {
    let claim = || ExpectKind::Outcome {
        observe: vec![],
        sources: vec!["a".into(), "b".into()],
        cases: vec![
            case(Some(pair(5, -1)), Grade::Required),
            case(None, Grade::Acceptable),
        ],
    };
    let r = grade(
        vec![claim()],
        vec![observed(0, "(5, 5)"), observed(1, "(5, 5)")],
    );
    let v = &r.verdicts[0];
    assert!(!v.passed);
    assert_eq!(v.detail, "required (5, -1) never seen in 2 runs");
    assert_eq!(v.example, None);
    let never = r.histograms[0].rows.last().unwrap();
    assert_eq!(
        (never.outcome.as_str(), never.count, never.failing),
        ("(5, -1)", 0, true)
    );
    assert_eq!(r.histograms[0].observe, "a, b");

    let seen = grade(
        vec![claim()],
        vec![observed(0, "(5, 5)"), observed(1, "(5, -1)")],
    );
    assert!(seen.passed(), "{}", seen.verdicts[0].detail);
}

#[test]
fn unknown_outcome_fails() {
    let claim = outcome(vec![case(Some(int(20)), Grade::Acceptable)]);
    let r = grade(vec![claim], vec![observed(0, "20"), observed(1, "17")]);
    assert!(!r.passed());
    assert_eq!(r.verdicts[0].detail, "unknown 17 seen in 1 of 2 runs");
    let row = r.histograms[0]
        .rows
        .iter()
        .find(|row| row.outcome == "17")
        .unwrap();
    assert_eq!((row.grade, row.failing), (None, true));
}

#[test]
fn string_patterns_compare_by_python_repr() {
    let claim = outcome(vec![case(
        Some(c(Const::Str("it's".into()))),
        Grade::Acceptable,
    )]);
    assert!(grade(vec![claim], vec![observed(0, "\"it's\"")]).passed());
}

#[test]
fn not_observed_fails_unless_the_run_deadlocked_as_claimed() {
    let claim = || outcome(vec![case(None, Grade::Acceptable)]);
    let mut d = deadlocked(run(0), "lock_cycle", &["a", "b"]);
    d.observed = vec![None];
    let r = grade(vec![claim()], vec![d.clone()]);
    assert!(!r.passed());
    assert_eq!(r.histograms[0].rows[0].outcome, "<not observed>");
    assert_eq!(r.verdicts[0].detail, "values not observed in 1 of 1 runs");

    let deadlock = ExpectKind::Deadlock {
        kind: None,
        actors: vec![],
    };
    let r = grade(vec![claim(), deadlock], vec![d]);
    assert!(r.passed(), "{:?}", r.verdicts);
    assert!(!r.histograms[0].rows[0].failing);
}

#[test]
fn replay_command_repeats_stress_and_options() {
    let p = program(vec![ExpectKind::OutputContains("x".into())]);
    let opts = RunOptions {
        runs: Some(10),
        jobs: None,
        seed: Some(3),
        time_scale: Some(0.01),
        timeout: None,
        stress: true,
        gil: None,
    };
    let mut g = Grader::new(&p, 1).with_options(&opts);
    g.add(&run(0));
    let r = g.finish();
    let ex = r.verdicts[0].example.clone().unwrap();
    assert_eq!(
        r.replay_command(&ex),
        "interp run scenarios/s.scn --replay 1000 --stress --time-scale 0.01"
    );
}

#[test]
fn no_runs_is_not_a_pass() {
    let r = grade(vec![ExpectKind::NoDeadlock], vec![]);
    assert!(r.verdicts[0].passed);
    assert!(!r.passed());
}
