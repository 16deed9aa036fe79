//! The JUnit XML report, for CI systems: one testsuite per scenario, one testcase per
//! claim, plus a failing `cap exceeded` testcase when a run was stopped by a cap. A
//! scenario that did not parse or crashed `interp` is one erroring testcase.

use quick_junit::{NonSuccessKind, Report, TestCase, TestCaseStatus, TestSuite};

use crate::checker::claim_verdict::ClaimVerdict;
use crate::checker::scenario_report::{EndExplanation, ScenarioReport};
use crate::report::{ScenarioOutcome, ScenarioResult, Totals};

/// The JUnit XML document for `results`.
pub fn render(results: &[ScenarioResult]) -> Result<String, quick_junit::SerializeError> {
    let mut report = Report::new("interp");
    report.set_time(Totals::of(results).duration);
    for r in results {
        report.add_test_suite(suite(r));
    }
    report.to_string()
}

fn suite(r: &ScenarioResult) -> TestSuite {
    let file = r.file.display().to_string();
    let mut suite = TestSuite::new(file.as_str());
    suite.set_time(r.duration);
    match &r.outcome {
        ScenarioOutcome::Ok(report) => {
            for v in &report.verdicts {
                suite.add_test_case(claim_case(report, v));
            }
            if let Some(cap) = &report.first_cap {
                suite.add_test_case(cap_case(report, cap));
            }
        }
        ScenarioOutcome::Invalid(diag) => {
            suite.add_test_case(error_case(&file, "check", "invalid scenario", diag));
        }
        ScenarioOutcome::Internal(err) => {
            suite.add_test_case(error_case(&file, "run", "internal error", err));
        }
    }
    suite
}

fn claim_case(report: &ScenarioReport, v: &ClaimVerdict) -> TestCase {
    let status = if v.passed {
        TestCaseStatus::success()
    } else {
        let mut s = TestCaseStatus::non_success(NonSuccessKind::Failure);
        let mut description = v.detail.clone();
        if let Some(ex) = &v.example {
            description.push_str(&format!(
                "\nexample: run {} (seed {}), {}\n",
                ex.index, ex.seed, ex.end
            ));
            if !ex.output.is_empty() {
                description.push_str("output:\n");
                description.push_str(&ex.output);
                if !ex.output.ends_with('\n') {
                    description.push('\n');
                }
            }
            description.push_str(&format!("replay: {}\n", report.replay_command(ex)));
        }
        s.set_message(v.detail.as_str())
            .set_type("claim failed")
            .set_description(description);
        s
    };
    let mut case = TestCase::new(format!("line {}: {}", v.line, v.claim), status);
    case.set_classname(report.name.as_str());
    case
}

/// The failure of a scenario whose runs were stopped by a cap (whatever its claims say).
fn cap_case(report: &ScenarioReport, cap: &EndExplanation) -> TestCase {
    let mut s = TestCaseStatus::non_success(NonSuccessKind::Failure);
    let message = format!(
        "{} of {} runs stopped by a cap",
        report.ends.cap_exceeded, report.runs
    );
    s.set_message(message.as_str())
        .set_type("cap exceeded")
        .set_description(format!(
            "run {} (seed {}): {}\n",
            cap.run, cap.seed, cap.explanation
        ));
    let mut case = TestCase::new("cap exceeded", s);
    case.set_classname(report.name.as_str());
    case
}

fn error_case(file: &str, name: &str, message: &str, text: &str) -> TestCase {
    let mut s = TestCaseStatus::non_success(NonSuccessKind::Error);
    s.set_message(message)
        .set_type(message)
        .set_description(text);
    let mut case = TestCase::new(name, s);
    case.set_classname(file);
    case
}
