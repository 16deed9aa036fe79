//! The JSON report: one document for any number of scenarios. Field names are stable;
//! docs/report.schema.json describes the document and a test validates real output
//! against it. Seeds are strings: they are 64-bit and JSON readers often are not.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::checker::example_run::ExampleRun;
use crate::checker::histogram::{HistogramRow, RowKind};
use crate::checker::scenario_report::{EndExplanation, ScenarioReport};
use crate::report::{ScenarioOutcome, ScenarioResult, Totals};
use crate::syntax::ast::Grade;

/// Bumped when a field changes meaning or disappears (adding fields does not bump it).
pub const SCHEMA_VERSION: u32 = 1;

/// The whole JSON report.
#[derive(Debug, Serialize)]
pub struct Document {
    pub schema_version: u32,
    pub results: Vec<ResultJson>,
    pub totals: TotalsJson,
}

/// One scenario: `report` when it ran, `error` (diagnostics or internal error) when not.
#[derive(Debug, Serialize)]
pub struct ResultJson {
    pub file: String,
    /// `passed`, `failed`, `invalid` or `internal`.
    pub status: &'static str,
    pub duration_secs: f64,
    pub report: Option<ScenarioJson>,
    pub error: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct ScenarioJson {
    pub name: String,
    pub file: String,
    pub runs: u32,
    pub runs_planned: u32,
    pub duration_secs: f64,
    pub passed: bool,
    pub ends: EndsJson,
    pub first_deadlock: Option<EndJson>,
    pub first_hang: Option<EndJson>,
    pub first_cap: Option<EndJson>,
    pub claims: Vec<ClaimJson>,
    pub histograms: Vec<HistogramJson>,
}

#[derive(Debug, Serialize)]
pub struct EndsJson {
    pub completed: u64,
    /// By deadlock kind.
    pub deadlock: BTreeMap<String, u64>,
    pub hang: u64,
    pub cap_exceeded: u64,
    pub interrupted: u64,
}

#[derive(Debug, Serialize)]
pub struct EndJson {
    pub run: u32,
    pub seed: String,
    pub explanation: String,
}

#[derive(Debug, Serialize)]
pub struct ClaimJson {
    pub claim: String,
    pub line: usize,
    pub passed: bool,
    pub detail: String,
    pub example: Option<ExampleJson>,
}

#[derive(Debug, Serialize)]
pub struct ExampleJson {
    pub run: u32,
    pub seed: String,
    pub end: String,
    pub output: String,
    pub output_truncated: bool,
    /// The command that replays this run.
    pub replay: String,
}

#[derive(Debug, Serialize)]
pub struct HistogramJson {
    /// Index of the claim in `claims`.
    pub claim: usize,
    pub line: usize,
    pub observe: String,
    pub rows: Vec<RowJson>,
}

#[derive(Debug, Serialize)]
pub struct RowJson {
    /// `value`, `not_observed`, `not_observed_as_expected` or `never_seen`.
    pub kind: RowKind,
    pub outcome: String,
    pub count: u64,
    /// Percentage of the runs.
    pub share: f64,
    /// `null` for unknown and not-observed outcomes.
    pub grade: Option<Grade>,
    pub description: Option<String>,
    pub failing: bool,
    pub example: Option<ExampleJson>,
}

#[derive(Debug, Serialize)]
pub struct TotalsJson {
    pub scenarios: usize,
    pub passed: usize,
    pub failed: usize,
    pub invalid: usize,
    pub internal: usize,
    pub runs: u64,
    pub duration_secs: f64,
}

/// The document for `results`.
pub fn document(results: &[ScenarioResult]) -> Document {
    let t = Totals::of(results);
    Document {
        schema_version: SCHEMA_VERSION,
        results: results.iter().map(result).collect(),
        totals: TotalsJson {
            scenarios: t.scenarios,
            passed: t.passed,
            failed: t.failed,
            invalid: t.invalid,
            internal: t.internal,
            runs: t.runs,
            duration_secs: t.duration.as_secs_f64(),
        },
    }
}

/// The document for `results`, pretty-printed.
pub fn to_string(results: &[ScenarioResult]) -> String {
    // Serializing plain structs of strings and numbers cannot fail.
    serde_json::to_string_pretty(&document(results)).unwrap_or_default()
}

fn result(r: &ScenarioResult) -> ResultJson {
    let (report, error) = match &r.outcome {
        ScenarioOutcome::Ok(s) => (Some(scenario(s)), None),
        ScenarioOutcome::Invalid(e) | ScenarioOutcome::Internal(e) => (None, Some(e.clone())),
    };
    ResultJson {
        file: r.file.display().to_string(),
        status: r.status().as_str(),
        duration_secs: r.duration.as_secs_f64(),
        report,
        error,
    }
}

/// One scenario's report.
pub fn scenario(s: &ScenarioReport) -> ScenarioJson {
    let example = |e: &Option<ExampleRun>| e.as_ref().map(|e| example_json(s, e));
    ScenarioJson {
        name: s.name.clone(),
        file: s.file.clone(),
        runs: s.runs,
        runs_planned: s.runs_planned,
        duration_secs: s.duration.as_secs_f64(),
        passed: s.passed(),
        ends: EndsJson {
            completed: s.ends.completed,
            deadlock: s.ends.deadlock.clone(),
            hang: s.ends.hang,
            cap_exceeded: s.ends.cap_exceeded,
            interrupted: s.ends.interrupted,
        },
        first_deadlock: s.first_deadlock.as_ref().map(end_json),
        first_hang: s.first_hang.as_ref().map(end_json),
        first_cap: s.first_cap.as_ref().map(end_json),
        claims: s
            .verdicts
            .iter()
            .map(|v| ClaimJson {
                claim: v.claim.clone(),
                line: v.line,
                passed: v.passed,
                detail: v.detail.clone(),
                example: example(&v.example),
            })
            .collect(),
        histograms: s
            .histograms
            .iter()
            .map(|h| HistogramJson {
                claim: h.claim,
                line: h.line,
                observe: h.observe.clone(),
                rows: h.rows.iter().map(|r| row_json(s, r)).collect(),
            })
            .collect(),
    }
}

fn row_json(s: &ScenarioReport, r: &HistogramRow) -> RowJson {
    RowJson {
        kind: r.kind,
        outcome: r.outcome.clone(),
        count: r.count,
        share: r.share,
        grade: r.grade,
        description: r.description.clone(),
        failing: r.failing,
        example: r.example.as_ref().map(|e| example_json(s, e)),
    }
}

fn example_json(s: &ScenarioReport, e: &ExampleRun) -> ExampleJson {
    ExampleJson {
        run: e.index,
        seed: e.seed.to_string(),
        end: e.end.clone(),
        output: e.output.clone(),
        output_truncated: e.output_truncated,
        replay: s.replay_command(e),
    }
}

fn end_json(e: &EndExplanation) -> EndJson {
    EndJson {
        run: e.run,
        seed: e.seed.to_string(),
        explanation: e.explanation.clone(),
    }
}
