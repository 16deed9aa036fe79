//! The table `interp test` ends with: one aligned row per scenario, then totals.

use std::fmt::Write;

use anstyle::{AnsiColor, Style};

use crate::report::{ScenarioOutcome, ScenarioResult, Status, TextStyle, Totals};

const HEADER: [&str; 5] = ["scenario", "runs", "outcomes", "verdict", "time"];

/// The table for `results` (numbers right-aligned), with a totals line.
pub fn render(results: &[ScenarioResult], style: TextStyle) -> String {
    let rows: Vec<([String; 5], Status)> = results
        .iter()
        .map(|r| {
            let (runs, outcomes) = match &r.outcome {
                ScenarioOutcome::Ok(s) => (s.runs.to_string(), s.distinct_outcomes().to_string()),
                _ => ("-".to_string(), "-".to_string()),
            };
            let status = r.status();
            let cells = [
                r.file.display().to_string(),
                runs,
                outcomes,
                status.label().to_string(),
                format!("{:.2}s", r.duration.as_secs_f64()),
            ];
            (cells, status)
        })
        .collect();
    let mut widths = HEADER.map(|h| h.chars().count());
    for (cells, _) in &rows {
        for (w, c) in widths.iter_mut().zip(cells) {
            *w = (*w).max(c.chars().count());
        }
    }
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{}",
        line(&HEADER.map(String::from), &widths).trim_end()
    );
    for (cells, status) in &rows {
        let text = line(cells, &widths);
        let text = text.trim_end();
        if style.color {
            let s = status_style(*status);
            let _ = writeln!(out, "{s}{text}{s:#}");
        } else {
            let _ = writeln!(out, "{text}");
        }
    }
    let t = Totals::of(results);
    let _ = writeln!(
        out,
        "{} scenarios: {} passed, {} failed, {} invalid, {} internal; {} runs in {:.2}s",
        t.scenarios,
        t.passed,
        t.failed,
        t.invalid,
        t.internal,
        t.runs,
        t.duration.as_secs_f64()
    );
    out
}

fn line(cells: &[String; 5], widths: &[usize; 5]) -> String {
    let mut s = String::new();
    for (i, (c, w)) in cells.iter().zip(widths).enumerate() {
        let pad = " ".repeat(w.saturating_sub(c.chars().count()));
        match i {
            1 | 2 | 4 => {
                s.push_str(&pad);
                s.push_str(c);
            }
            _ => {
                s.push_str(c);
                s.push_str(&pad);
            }
        }
        s.push_str("  ");
    }
    s
}

fn status_style(s: Status) -> Style {
    match s {
        Status::Passed => Style::new(),
        Status::Failed => AnsiColor::Red.on_default(),
        Status::Invalid | Status::Internal => AnsiColor::Magenta.on_default(),
    }
}
