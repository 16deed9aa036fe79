//! `interp run FILE` and the runner `interp test` uses: load, run, grade.

use std::io::{IsTerminal, Write};
use std::path::Path;
use std::time::Instant;

use crate::checker::grade::Grader;
use crate::cli::load::{LoadError, load};
use crate::cli::settings::settings;
use crate::cli::{Format, RunArgs, RunOptions, exit};
use crate::engine::run::run_scenario;
use crate::report::{ScenarioOutcome, ScenarioResult, TextStyle};

/// Loads, runs and grades one scenario.
pub fn run_and_grade(
    path: &Path,
    opts: &RunOptions,
    replay: Option<u64>,
    color: bool,
) -> ScenarioOutcome {
    let program = match load(path, color) {
        Ok(p) => p,
        Err(LoadError::Invalid(text)) => return ScenarioOutcome::Invalid(text),
        Err(LoadError::Io(msg)) => return ScenarioOutcome::Invalid(format!("{msg}\n")),
    };
    let mut s = settings(&program, opts);
    s.replay = replay;
    let planned = if replay.is_some() { 1 } else { s.runs.max(1) };
    let mut grader = Grader::new(&program, planned).with_options(opts);
    match run_scenario(&program, &s, |record| grader.add(&record)) {
        Ok(()) => ScenarioOutcome::Ok(Box::new(grader.finish())),
        Err(e) => ScenarioOutcome::Internal(format!("interp: {e}")),
    }
}

pub fn run(args: &RunArgs) -> u8 {
    let color = std::io::stderr().is_terminal();
    let started = Instant::now();
    let outcome = run_and_grade(&args.file, &args.opts, args.replay, color);
    let mut out = std::io::stdout().lock();
    match &outcome {
        ScenarioOutcome::Ok(report) => {
            if let Some(path) = &args.graph {
                let dot = report
                    .first_deadlock
                    .as_ref()
                    .map_or("", |d| d.graph.as_str());
                if let Err(e) = std::fs::write(path, dot) {
                    eprintln!("interp: cannot write {}: {e}", path.display());
                    return exit::INVALID;
                }
            }
            let text = match args.format {
                Format::Text => {
                    let tty = std::io::stdout().is_terminal();
                    crate::report::text::render(
                        report,
                        TextStyle {
                            color: tty,
                            unicode: tty,
                        },
                    )
                }
                Format::Json => {
                    let result = ScenarioResult {
                        file: args.file.clone(),
                        outcome: outcome.clone(),
                        duration: started.elapsed(),
                    };
                    crate::report::json::to_string(std::slice::from_ref(&result))
                }
            };
            let _ = out.write_all(text.as_bytes());
            if report.passed() {
                exit::OK
            } else {
                exit::CLAIM_FAILED
            }
        }
        ScenarioOutcome::Invalid(text) => {
            eprint!("{text}");
            exit::INVALID
        }
        ScenarioOutcome::Internal(msg) => {
            eprintln!("{msg}");
            exit::INTERNAL
        }
    }
}
