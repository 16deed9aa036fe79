//! The grader's memory stays flat over many runs: counters and one example per distinct
//! outcome, never the runs.

use std::sync::Arc;
use std::time::Duration;

use interp::checker::grade::{ClaimMemory, Grader};
use interp::checker::run_record::{OutputChunk, RunEnd, RunRecord};
use interp::plan::ir::{
    Config, Const, Expect, ExpectKind, Expr, ExprKind, Facts, OutcomeCaseIr, Program,
};
use interp::syntax::ast::Grade;
use interp::syntax::span::{SourceFile, Span};

#[test]
fn hundred_thousand_runs_keep_at_most_one_example_per_distinct_outcome() {
    let case = |v: Option<i128>, grade| OutcomeCaseIr {
        pattern: v.map(|i| Expr {
            kind: ExprKind::Const(Const::Int(i)),
            span: Span::default(),
        }),
        grade,
        description: None,
        span: Span::default(),
    };
    let expects = vec![
        ExpectKind::Outcome {
            observe: vec![],
            sources: vec!["x".into()],
            cases: vec![
                case(Some(0), Grade::Acceptable),
                case(Some(1), Grade::Interesting),
                case(Some(2), Grade::Forbidden),
            ],
        },
        ExpectKind::OutputContains("never printed".into()),
        ExpectKind::NoDeadlock,
    ];
    let program = Program {
        source: Arc::new(SourceFile::new("m.scn", "a\nb\nc\n")),
        name: "m".into(),
        config: Config::default(),
        globals: vec![],
        functions: vec![],
        main: 0,
        expects: expects
            .into_iter()
            .map(|kind| Expect {
                kind,
                span: Span::default(),
            })
            .collect(),
        facts: Facts::default(),
        labels: vec![],
    };
    const RUNS: u32 = 100_000;
    let mut g = Grader::new(&program, RUNS);
    let mut record = RunRecord {
        index: 0,
        seed: 0,
        output: vec![OutputChunk {
            actor: "main".into(),
            text: "hello\n".into(),
        }],
        exceptions: vec![],
        exit_codes: vec![],
        end: RunEnd::Completed,
        finals: vec![],
        observed: vec![None],
        duration: Duration::from_micros(10),
    };
    for i in 0..RUNS {
        record.index = i;
        record.seed = u64::from(i) * 7;
        record.observed[0] = Some((i % 3).to_string());
        g.add(&record);
        if i % 10_000 == 0 {
            for m in g.memory() {
                assert!(m.buckets <= 3 && m.examples <= 3, "{m:?} after {i} runs");
            }
        }
    }
    assert_eq!(
        g.memory(),
        vec![
            ClaimMemory {
                buckets: 3,
                examples: 3
            },
            ClaimMemory {
                buckets: 0,
                examples: 1
            },
            ClaimMemory {
                buckets: 0,
                examples: 0
            },
        ]
    );
    let report = g.finish();
    assert_eq!(report.runs, RUNS);
    let counts: Vec<u64> = report.histograms[0].rows.iter().map(|r| r.count).collect();
    assert_eq!(counts.iter().sum::<u64>(), u64::from(RUNS));
    assert_eq!(
        report.verdicts[0].detail,
        "forbidden 2 seen in 33333 of 100000 runs"
    );
    assert_eq!(
        report.verdicts[1].detail.split(';').next(),
        Some("failed in 100000 of 100000 runs")
    );
    assert_eq!(report.ends.completed, u64::from(RUNS));
}
