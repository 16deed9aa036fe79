//! The JUnit report is well-formed XML that reads back with the expected structure.

mod report_support;

use std::path::PathBuf;
use std::time::Duration;

use interp::report::{ScenarioOutcome, ScenarioResult, junit};
use quick_junit::{NonSuccessKind, Report, TestCaseStatus};

#[test]
fn one_suite_per_scenario_one_case_per_claim() {
    let results = vec![
        ScenarioResult {
            file: PathBuf::from("scenarios/lost_update.scn"),
            outcome: ScenarioOutcome::Ok(Box::new(report_support::report(true))),
            duration: Duration::from_millis(40),
        },
        ScenarioResult {
            file: PathBuf::from("scenarios/ok.scn"),
            outcome: ScenarioOutcome::Ok(Box::new(report_support::passing_report())),
            duration: Duration::from_millis(10),
        },
        ScenarioResult {
            file: PathBuf::from("scenarios/bad <&> .scn"),
            outcome: ScenarioOutcome::Invalid(
                "error: expected `}` at line 3 <here> & \"there\"".into(),
            ),
            duration: Duration::from_millis(1),
        },
    ];
    let xml = junit::render(&results).unwrap();
    assert!(xml.starts_with("<?xml"), "{xml}");

    let report = Report::deserialize_from_str(&xml).unwrap();
    assert_eq!(report.name.as_str(), "interp");
    assert_eq!(report.test_suites.len(), 3);
    assert_eq!(report.tests, 7);
    assert_eq!(report.failures, 3);
    assert_eq!(report.errors, 1);

    let failing = &report.test_suites[0];
    assert_eq!(failing.name.as_str(), "scenarios/lost_update.scn");
    let names: Vec<&str> = failing.test_cases.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "line 4: outcome v.value",
            "line 5: no deadlock",
            "line 6: output contains \"done\""
        ]
    );
    match &failing.test_cases[1].status {
        TestCaseStatus::NonSuccess {
            kind,
            message,
            description,
            ..
        } => {
            assert_eq!(*kind, NonSuccessKind::Failure);
            assert!(
                message
                    .as_ref()
                    .unwrap()
                    .as_str()
                    .starts_with("failed in 1 of 6 runs")
            );
            let d = description.as_ref().unwrap().as_str();
            assert!(d.contains("example: run 3 (seed 244837814042627)"), "{d}");
            assert!(
                d.contains(
                    "replay: interp run scenarios/lost_update.scn --replay 244837814042627 --stress"
                ),
                "{d}"
            );
        }
        other => panic!("expected a failure, got {other:?}"),
    }
    assert_eq!(
        failing.test_cases[0].classname.as_ref().map(|c| c.as_str()),
        Some("lost_update")
    );

    let passing = &report.test_suites[1];
    assert!(
        passing
            .test_cases
            .iter()
            .all(|c| matches!(c.status, TestCaseStatus::Success { .. }))
    );

    let invalid = &report.test_suites[2];
    assert_eq!(invalid.name.as_str(), "scenarios/bad <&> .scn");
    match &invalid.test_cases[0].status {
        TestCaseStatus::NonSuccess {
            kind, description, ..
        } => {
            assert_eq!(*kind, NonSuccessKind::Error);
            assert!(
                description
                    .as_ref()
                    .unwrap()
                    .as_str()
                    .contains("<here> & \"there\"")
            );
        }
        other => panic!("expected an error, got {other:?}"),
    }
}
