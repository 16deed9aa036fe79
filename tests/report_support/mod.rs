//! Real graded reports for the report tests: a program with one claim of each common
//! kind, graded over synthetic runs.

use std::sync::Arc;
use std::time::Duration;

use interp::checker::grade::Grader;
use interp::checker::run_record::{DeadlockSummary, OutputChunk, RunEnd, RunRecord};
use interp::checker::scenario_report::ScenarioReport;
use interp::cli::RunOptions;
use interp::plan::ir::{
    Config, Const, Expect, ExpectKind, Expr, ExprKind, Facts, OutcomeCaseIr, Program,
};
use interp::syntax::ast::Grade;
use interp::syntax::span::{SourceFile, Span};

fn int(i: i128) -> Option<Expr> {
    Some(Expr {
        kind: ExprKind::Const(Const::Int(i)),
        span: Span::default(),
    })
}

fn case(pattern: Option<Expr>, grade: Grade, description: &str) -> OutcomeCaseIr {
    OutcomeCaseIr {
        pattern,
        grade,
        description: Some(description.into()),
        span: Span::default(),
    }
}

/// `lost_update.scn`: an outcome claim (20 acceptable, 19 interesting, 18 forbidden,
/// 17 required), `no deadlock`, and `output contains "done"`.
pub fn program() -> Program {
    let text = "scenario lost_update\n\nexpect {\n  outcome v.value { ... }\n  no deadlock\n  output contains \"done\"\n}\n";
    let line = |n: usize| {
        let start: usize = text.split_inclusive('\n').take(n - 1).map(str::len).sum();
        Span::new(start, start + 1)
    };
    let expects = vec![
        Expect {
            kind: ExpectKind::Outcome {
                observe: vec![],
                sources: vec!["v.value".into()],
                cases: vec![
                    case(int(20), Grade::Acceptable, "no update lost"),
                    case(int(19), Grade::Interesting, "one update lost"),
                    case(
                        int(18),
                        Grade::Forbidden,
                        "two lost: impossible with 2 workers",
                    ),
                    case(int(17), Grade::Required, "never happens"),
                ],
            },
            span: line(4),
        },
        Expect {
            kind: ExpectKind::NoDeadlock,
            span: line(5),
        },
        Expect {
            kind: ExpectKind::OutputContains("done".into()),
            span: line(6),
        },
    ];
    Program {
        source: Arc::new(SourceFile::new("scenarios/lost_update.scn", text)),
        name: "lost_update".into(),
        config: Config::default(),
        globals: vec![],
        functions: vec![],
        main: 0,
        expects,
        facts: Facts::default(),
        labels: vec![],
    }
}

pub fn run(index: u32, value: &str) -> RunRecord {
    RunRecord {
        index,
        seed: 0xdead_beef_0000 + u64::from(index),
        output: vec![
            OutputChunk {
                actor: "main".into(),
                text: format!("value {value}\n"),
            },
            OutputChunk {
                actor: "main".into(),
                text: "done\n".into(),
            },
        ],
        exceptions: vec![],
        exit_codes: vec![],
        end: RunEnd::Completed,
        finals: vec![],
        observed: vec![Some(value.into())],
        duration: Duration::from_millis(2),
    }
}

/// Every claim holds except `required 17`; run 3 deadlocks when `deadlock` is true
/// (failing `no deadlock` too).
pub fn report(deadlock: bool) -> ScenarioReport {
    let p = program();
    let opts = RunOptions {
        runs: Some(6),
        jobs: None,
        seed: None,
        time_scale: None,
        timeout: None,
        stress: true,
        gil: None,
    };
    let mut g = Grader::new(&p, 6).with_options(&opts);
    for (i, v) in ["20", "20", "19", "20", "19", "20"].into_iter().enumerate() {
        let mut r = run(i as u32, v);
        if deadlock && i == 3 {
            r.end = RunEnd::Deadlock(DeadlockSummary {
                kind: "lock_cycle".into(),
                actors: vec!["t1".into(), "t2".into()],
                explanation: "t1 holds lock_a (line 5), waits for lock_b (line 6)\nt2 holds lock_b (line 9), waits for lock_a (line 10)".into(),
                after: Duration::from_millis(12),
                graph: String::new(),
            });
            r.observed = vec![None];
            r.output.truncate(1);
        }
        g.add(&r);
    }
    g.finish()
}

/// All claims hold.
pub fn passing_report() -> ScenarioReport {
    let mut p = program();
    if let ExpectKind::Outcome { cases, .. } = &mut p.expects[0].kind {
        cases.pop();
    }
    let mut g = Grader::new(&p, 2);
    g.add(&run(0, "20"));
    g.add(&run(1, "19"));
    g.finish()
}
