//! The report for people: what ran, the outcome histograms, how runs ended, the first
//! deadlock explained, and one verdict line per claim with evidence for failures.

use std::fmt::Write;

use anstyle::{AnsiColor, Style};

use crate::checker::example_run::ExampleRun;
use crate::checker::histogram::{Histogram, HistogramRow, RowKind};
use crate::checker::scenario_report::{EndCounts, ScenarioReport};
use crate::report::TextStyle;
use crate::syntax::ast::Grade;

/// Output lines of an example shown under a failing claim.
const EXAMPLE_OUTPUT_LINES: usize = 12;

/// Renders `report` for a terminal (`style.color`, `style.unicode`) or a plain file.
pub fn render(report: &ScenarioReport, style: TextStyle) -> String {
    let p = Painter(style);
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{} {} ({})",
        p.paint(bold(), "scenario"),
        p.paint(bold(), &report.name),
        report.file
    );
    let planned = if report.runs_planned != report.runs {
        format!(" of {} planned", report.runs_planned)
    } else {
        String::new()
    };
    let _ = writeln!(
        out,
        "{} runs{planned} in {:.2}s",
        report.runs,
        report.duration.as_secs_f64()
    );

    for h in &report.histograms {
        out.push('\n');
        histogram(&mut out, h, &p);
    }

    out.push('\n');
    let _ = writeln!(out, "run ends: {}", end_counts(&report.ends));
    for (what, first) in [
        ("deadlock", &report.first_deadlock),
        ("hang", &report.first_hang),
        ("cap exceeded", &report.first_cap),
    ] {
        if let Some(e) = first {
            let _ = writeln!(out, "first {what} (run {}, seed {}):", e.run, e.seed);
            for line in e.explanation.lines() {
                let _ = writeln!(out, "  {line}");
            }
        }
    }

    out.push('\n');
    let _ = writeln!(out, "{}", p.paint(bold(), "claims"));
    for v in &report.verdicts {
        let mark = p.mark(v.passed);
        let _ = writeln!(out, "  {mark} line {}: {}", v.line, v.claim);
        if !v.passed {
            let _ = writeln!(out, "      {}", v.detail);
            if let Some(ex) = &v.example {
                example(&mut out, ex, report, &p);
            }
        }
    }

    out.push('\n');
    let failed = report.failed_claims();
    let total = report.verdicts.len();
    let summary = if report.passed() {
        p.paint(green().bold(), &format!("PASSED: all {total} claims held"))
    } else if report.runs == 0 {
        p.paint(red().bold(), "FAILED: no run completed")
    } else if failed == 0 {
        p.paint(
            red().bold(),
            &format!(
                "FAILED: {} of {} runs stopped by a cap",
                report.ends.cap_exceeded, report.runs
            ),
        )
    } else {
        p.paint(
            red().bold(),
            &format!("FAILED: {failed} of {total} claims failed"),
        )
    };
    let _ = writeln!(out, "{summary}");
    out
}

fn histogram(out: &mut String, h: &Histogram, p: &Painter) {
    let _ = writeln!(
        out,
        "{} {}  (line {})",
        p.paint(bold(), "outcome"),
        h.observe,
        h.line
    );
    let header = ["outcome", "count", "share", "grade", "description"];
    let cells: Vec<[String; 5]> = h
        .rows
        .iter()
        .map(|r| {
            [
                r.outcome.clone(),
                r.count.to_string(),
                format!("{:.1}%", r.share),
                match (r.grade, r.kind) {
                    (Some(g), _) => grade_name(g),
                    (None, RowKind::Value) => "unknown",
                    (None, _) => "-",
                }
                .to_string(),
                r.description.clone().unwrap_or_default(),
            ]
        })
        .collect();
    let mut widths = header.map(|s| s.chars().count());
    for row in &cells {
        for (w, c) in widths.iter_mut().zip(row) {
            *w = (*w).max(c.chars().count());
        }
    }
    let head: Vec<String> = header.iter().map(|s| s.to_string()).collect();
    let line = table_line(&head, &widths);
    let _ = writeln!(out, "  {}", p.paint(Style::new().dimmed(), line.trim_end()));
    for (row, r) in cells.iter().zip(&h.rows) {
        let text = table_line(row, &widths);
        let style = row_style(r);
        let _ = writeln!(
            out,
            "  {}{}",
            p.paint(style, text.trim_end()),
            row_mark(r, p)
        );
    }
}

/// Columns padded to `widths`: numbers right-aligned, text left-aligned.
fn table_line(cells: &[String], widths: &[usize; 5]) -> String {
    let mut s = String::new();
    for (i, (c, w)) in cells.iter().zip(widths).enumerate() {
        let pad = w.saturating_sub(c.chars().count());
        if i == 1 || i == 2 {
            s.push_str(&" ".repeat(pad));
            s.push_str(c);
        } else {
            s.push_str(c);
            s.push_str(&" ".repeat(pad));
        }
        s.push_str("  ");
    }
    s
}

fn row_style(r: &HistogramRow) -> Style {
    if r.failing {
        red()
    } else if r.grade == Some(Grade::Interesting) && r.count > 0 {
        AnsiColor::Yellow.on_default()
    } else {
        Style::new()
    }
}

fn row_mark(r: &HistogramRow, p: &Painter) -> String {
    if r.failing {
        format!("  {}", p.mark(false))
    } else if r.grade == Some(Grade::Interesting) && r.count > 0 {
        let star = if p.0.unicode {
            "★ interesting"
        } else {
            "* interesting"
        };
        format!("  {}", p.paint(AnsiColor::Yellow.on_default(), star))
    } else {
        String::new()
    }
}

fn grade_name(g: Grade) -> &'static str {
    match g {
        Grade::Acceptable => "acceptable",
        Grade::Interesting => "interesting",
        Grade::Forbidden => "forbidden",
        Grade::Required => "required",
    }
}

/// `997 completed, 3 deadlock (lock_cycle)`: only the ends that happened.
pub fn end_counts(e: &EndCounts) -> String {
    let mut parts = Vec::new();
    if e.completed > 0 {
        parts.push(format!("{} completed", e.completed));
    }
    for (kind, n) in &e.deadlock {
        parts.push(format!("{n} deadlock ({kind})"));
    }
    for (n, what) in [
        (e.hang, "hang"),
        (e.cap_exceeded, "cap exceeded"),
        (e.interrupted, "interrupted"),
    ] {
        if n > 0 {
            parts.push(format!("{n} {what}"));
        }
    }
    if parts.is_empty() {
        "none".to_string()
    } else {
        parts.join(", ")
    }
}

fn example(out: &mut String, ex: &ExampleRun, report: &ScenarioReport, p: &Painter) {
    let _ = writeln!(
        out,
        "      example: run {} (seed {}), {}",
        ex.index, ex.seed, ex.end
    );
    if !ex.output.is_empty() {
        let _ = writeln!(out, "      output:");
        let lines: Vec<&str> = ex.output.lines().collect();
        for line in lines.iter().take(EXAMPLE_OUTPUT_LINES) {
            let _ = writeln!(out, "        | {line}");
        }
        if lines.len() > EXAMPLE_OUTPUT_LINES || ex.output_truncated {
            let _ = writeln!(out, "        | ...");
        }
    }
    let cmd = report.replay_command(ex);
    let _ = writeln!(out, "      replay: {}", p.paint(bold(), &cmd));
}

fn bold() -> Style {
    Style::new().bold()
}

fn red() -> Style {
    AnsiColor::Red.on_default()
}

fn green() -> Style {
    AnsiColor::Green.on_default()
}

/// Applies styles only when color is on.
struct Painter(TextStyle);

impl Painter {
    fn paint(&self, style: Style, text: &str) -> String {
        if self.0.color {
            format!("{style}{text}{style:#}")
        } else {
            text.to_string()
        }
    }

    fn mark(&self, passed: bool) -> String {
        let (text, style) = match (passed, self.0.unicode) {
            (true, true) => ("✓", green()),
            (false, true) => ("✗", red()),
            (true, false) => ("PASS", green()),
            (false, false) => ("FAIL", red()),
        };
        self.paint(style, text)
    }
}
