//! Outcome histograms: counting the distinct values an `outcome` claim observed over the
//! runs, and grading each against the claim's cases (jcstress's grades plus `required`).

use std::collections::HashMap;

use crate::checker::example_run::ExampleRun;
use crate::syntax::ast::Grade;

/// Distinct outcomes past this many keep an example without its output, so that a
/// claim over a wide range of values (a lost-update counter) keeps memory bounded.
pub const EXAMPLES_WITH_OUTPUT: usize = 64;

/// Row label of runs whose observed expressions could not be evaluated.
pub const NOT_OBSERVED: &str = "<not observed>";
/// Row label of such runs when they ended in the deadlock or hang a claim expected.
pub const NOT_OBSERVED_EXPECTED: &str = "<not observed: ended as expected>";

/// One case of an outcome claim, with its pattern already rendered as a Python repr.
#[derive(Clone, Debug)]
pub struct CaseSpec {
    /// `None` is the `_` wildcard.
    pub pattern: Option<String>,
    pub grade: Grade,
    pub description: Option<String>,
}

/// What the runs of one outcome claim observed so far: a count and one example per
/// distinct value, never the runs themselves.
#[derive(Debug)]
pub struct OutcomeTally {
    cases: Vec<CaseSpec>,
    values: HashMap<String, Bucket>,
    not_observed: Option<Bucket>,
    not_observed_expected: Option<Bucket>,
}

#[derive(Debug)]
struct Bucket {
    count: u64,
    example: ExampleRun,
    /// Order of first sight, to break count ties deterministically.
    first_seen: usize,
}

/// A run's observation for one outcome claim, as `OutcomeTally::add` takes it.
pub enum Observation<'a> {
    Value(&'a str),
    /// Could not be evaluated in a run that ended unexpectedly (fails the claim).
    Missing,
    /// Could not be evaluated because the run ended in an expected deadlock or hang.
    MissingAsExpected,
}

impl OutcomeTally {
    pub fn new(cases: Vec<CaseSpec>) -> OutcomeTally {
        OutcomeTally {
            cases,
            values: HashMap::new(),
            not_observed: None,
            not_observed_expected: None,
        }
    }

    /// Counts one run; `example` is called only when this value is new.
    pub fn add(&mut self, obs: Observation<'_>, example: impl FnOnce(bool) -> ExampleRun) {
        let seen = self.distinct();
        let with_output = seen < EXAMPLES_WITH_OUTPUT;
        let slot = match obs {
            Observation::Value(v) => {
                if let Some(b) = self.values.get_mut(v) {
                    b.count += 1;
                    return;
                }
                let bucket = Bucket {
                    count: 1,
                    example: example(with_output),
                    first_seen: seen,
                };
                self.values.insert(v.to_string(), bucket);
                return;
            }
            Observation::Missing => &mut self.not_observed,
            Observation::MissingAsExpected => &mut self.not_observed_expected,
        };
        match slot {
            Some(b) => b.count += 1,
            None => {
                *slot = Some(Bucket {
                    count: 1,
                    example: example(with_output),
                    first_seen: seen,
                })
            }
        }
    }

    /// Number of distinct outcomes (including the not-observed buckets).
    pub fn distinct(&self) -> usize {
        self.values.len()
            + usize::from(self.not_observed.is_some())
            + usize::from(self.not_observed_expected.is_some())
    }

    /// Number of examples kept (one per distinct outcome).
    pub fn examples(&self) -> usize {
        self.distinct()
    }

    /// The index of the first case whose pattern matches `value`.
    fn case_of(&self, value: &str) -> Option<usize> {
        self.cases
            .iter()
            .position(|c| c.pattern.as_deref().is_none_or(|p| p == value))
    }

    /// Grades the histogram over `runs` runs: its rows, whether the claim passed, why
    /// not, and an example of the first failing row that was seen.
    pub fn finish(self, runs: u32) -> TallyVerdict {
        let mut rows = Vec::new();
        let mut case_seen = vec![false; self.cases.len()];
        for (value, b) in &self.values {
            let case = self.case_of(value);
            if let Some(i) = case {
                case_seen[i] = true;
            }
            let grade = case.map(|i| self.cases[i].grade);
            rows.push((
                b.first_seen,
                HistogramRow {
                    kind: RowKind::Value,
                    outcome: value.clone(),
                    count: b.count,
                    share: share(b.count, runs),
                    grade,
                    description: case.and_then(|i| self.cases[i].description.clone()),
                    failing: grade.is_none() || grade == Some(Grade::Forbidden),
                    example: Some(b.example.clone()),
                },
            ));
        }
        for (kind, label, bucket) in [
            (RowKind::NotObserved, NOT_OBSERVED, &self.not_observed),
            (
                RowKind::NotObservedAsExpected,
                NOT_OBSERVED_EXPECTED,
                &self.not_observed_expected,
            ),
        ] {
            if let Some(b) = bucket {
                rows.push((
                    b.first_seen,
                    HistogramRow {
                        kind,
                        outcome: label.to_string(),
                        count: b.count,
                        share: share(b.count, runs),
                        grade: None,
                        description: None,
                        failing: kind == RowKind::NotObserved,
                        example: Some(b.example.clone()),
                    },
                ));
            }
        }
        rows.sort_by(|(fa, a), (fb, b)| b.count.cmp(&a.count).then(fa.cmp(fb)));
        let mut rows: Vec<HistogramRow> = rows.into_iter().map(|(_, r)| r).collect();

        let mut problems = Vec::new();
        let mut example = None;
        for r in rows.iter().filter(|r| r.failing) {
            let what = match (r.kind, r.grade) {
                (RowKind::NotObserved, _) => "values not observed".to_string(),
                (_, Some(_)) => format!("forbidden {} seen", r.outcome),
                (_, None) => format!("unknown {} seen", r.outcome),
            };
            problems.push(format!("{what} in {} of {runs} runs", r.count));
            if example.is_none() {
                example = r.example.clone();
            }
        }
        for (i, case) in self.cases.iter().enumerate() {
            if case.grade == Grade::Required && !case_seen[i] {
                let outcome = case.pattern.clone().unwrap_or_else(|| "_".to_string());
                problems.push(format!("required {outcome} never seen in {runs} runs"));
                rows.push(HistogramRow {
                    kind: RowKind::NeverSeen,
                    outcome,
                    count: 0,
                    share: 0.0,
                    grade: Some(Grade::Required),
                    description: case.description.clone(),
                    failing: true,
                    example: None,
                });
            }
        }
        let passed = problems.is_empty();
        let detail = if passed {
            format!(
                "{} distinct outcome(s) in {runs} runs, all allowed",
                self.distinct()
            )
        } else {
            problems.join("; ")
        };
        TallyVerdict {
            rows,
            passed,
            detail,
            example,
        }
    }
}

fn share(count: u64, runs: u32) -> f64 {
    if runs == 0 {
        0.0
    } else {
        count as f64 * 100.0 / f64::from(runs)
    }
}

/// The graded rows of one outcome claim and the claim's verdict.
#[derive(Debug)]
pub struct TallyVerdict {
    pub rows: Vec<HistogramRow>,
    pub passed: bool,
    pub detail: String,
    pub example: Option<ExampleRun>,
}

/// The histogram of one `outcome` claim, graded.
#[derive(Clone, Debug, PartialEq)]
pub struct Histogram {
    /// Index of the claim's verdict in `ScenarioReport::verdicts`.
    pub claim: usize,
    /// 1-based line of the claim.
    pub line: usize,
    /// The observed expressions as written (`v.value, len(out)`).
    pub observe: String,
    /// Distinct outcomes, most frequent first; then required cases never seen.
    pub rows: Vec<HistogramRow>,
}

/// What a histogram row counts.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RowKind {
    /// Runs that observed this value.
    Value,
    /// Runs whose observed expressions could not be evaluated.
    NotObserved,
    /// Same, in runs that ended in a deadlock or hang the scenario claims.
    NotObservedAsExpected,
    /// A required case that no run matched (count 0).
    NeverSeen,
}

/// One distinct outcome and how it was graded.
#[derive(Clone, Debug, PartialEq)]
pub struct HistogramRow {
    pub kind: RowKind,
    /// The observed value's repr, `<not observed>`, or a required pattern never seen.
    pub outcome: String,
    pub count: u64,
    /// Percentage of the runs (0-100).
    pub share: f64,
    /// The grade of the first matching case; `None` for unknown and not-observed rows.
    pub grade: Option<Grade>,
    pub description: Option<String>,
    /// This row makes the claim fail (forbidden or unknown seen, not observed, required
    /// never seen).
    pub failing: bool,
    /// The first run with this outcome (`None` for a required case never seen).
    pub example: Option<ExampleRun>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ex(i: u32) -> ExampleRun {
        ExampleRun {
            index: i,
            seed: u64::from(i),
            output: String::new(),
            output_truncated: false,
            end: "completed".into(),
        }
    }

    fn case(p: Option<&str>, grade: Grade) -> CaseSpec {
        CaseSpec {
            pattern: p.map(str::to_string),
            grade,
            description: None,
        }
    }

    #[test]
    fn first_matching_case_wins_and_wildcard_catches_the_rest() {
        let mut t = OutcomeTally::new(vec![
            case(Some("1"), Grade::Forbidden),
            case(None, Grade::Acceptable),
        ]);
        t.add(Observation::Value("2"), |_| ex(0));
        t.add(Observation::Value("3"), |_| ex(1));
        t.add(Observation::Value("3"), |_| ex(2));
        let v = t.finish(3);
        assert!(v.passed, "{}", v.detail);
        assert_eq!(v.rows[0].outcome, "3");
        assert_eq!(v.rows[0].count, 2);
        assert_eq!(v.rows[0].example.as_ref().map(|e| e.index), Some(1));
    }

    #[test]
    fn examples_drop_output_past_the_cap() {
        let mut t = OutcomeTally::new(vec![case(None, Grade::Acceptable)]);
        let mut with_output = 0;
        for i in 0..(EXAMPLES_WITH_OUTPUT + 10) {
            t.add(Observation::Value(&i.to_string()), |w| {
                with_output += usize::from(w);
                ex(i as u32)
            });
        }
        assert_eq!(with_output, EXAMPLES_WITH_OUTPUT);
        assert_eq!(t.examples(), EXAMPLES_WITH_OUTPUT + 10);
    }
}
