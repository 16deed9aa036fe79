//! `interp test DIR...`: run every scenario under the directories, report each failure
//! as it happens, and end with a summary table (or one JSON document) and an exit code.

use std::io::{self, IsTerminal, Write};
use std::path::Path;
use std::time::Instant;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::cli::discover::{Partition, discover};
use crate::cli::{Format, RunOptions, TestArgs, exit};
pub use crate::report::ScenarioOutcome;
use crate::report::{ScenarioResult, Status, TextStyle, json, junit, summary_table, text};

/// Runs one scenario file with the given options: the engine, plugged in by `main`.
pub type Runner<'a> = dyn FnMut(&Path, &RunOptions) -> ScenarioOutcome + 'a;

/// Where `run_tests_with` writes, and how.
pub struct TestOutput<'a> {
    /// Reports, the summary table or the JSON document.
    pub out: &'a mut dyn Write,
    /// Usage errors and notes.
    pub err: &'a mut dyn Write,
    pub style: TextStyle,
    /// Show a progress bar on stderr.
    pub progress: bool,
}

/// `interp test` on the real stdout and stderr; returns the exit code.
pub fn run_tests(args: &TestArgs, runner: &mut Runner<'_>) -> u8 {
    let tty = io::stdout().is_terminal();
    let style = TextStyle {
        color: tty && std::env::var_os("NO_COLOR").is_none(),
        unicode: tty,
    };
    // Not locked for the whole run: the runner forks, and a child must not inherit a
    // held stdout lock. `Stdout` locks per write.
    let mut out = io::stdout();
    let mut err = io::stderr();
    let progress = io::stderr().is_terminal();
    run_tests_with(
        args,
        runner,
        TestOutput {
            out: &mut out,
            err: &mut err,
            style,
            progress,
        },
    )
}

/// `interp test` writing to `io`; returns the exit code: 3 if any scenario hit an
/// internal error, else 2 if any was invalid (or the arguments were), else 1 if any
/// claim failed, else 0.
pub fn run_tests_with(args: &TestArgs, runner: &mut Runner<'_>, io: TestOutput<'_>) -> u8 {
    let TestOutput {
        out,
        err,
        style,
        progress,
    } = io;
    let files = match scenario_files(args) {
        Ok(f) => f,
        Err(msg) => {
            let _ = writeln!(err, "interp test: {msg}");
            return exit::INVALID;
        }
    };
    let bar = progress_bar(progress, files.len());
    let mut results = Vec::with_capacity(files.len());
    for file in &files {
        bar.set_message(file.display().to_string());
        let started = Instant::now();
        let outcome = runner(file, &args.opts);
        let result = ScenarioResult {
            file: file.clone(),
            outcome,
            duration: started.elapsed(),
        };
        bar.inc(1);
        let status = result.status();
        if args.format == Format::Text && status != Status::Passed {
            bar.suspend(|| {
                let _ = out.write_all(scenario_text(&result, style).as_bytes());
            });
        }
        results.push(result);
        if args.fail_fast && status != Status::Passed {
            break;
        }
    }
    bar.finish_and_clear();

    match args.format {
        Format::Text => {
            let _ = out.write_all(summary_table::render(&results, style).as_bytes());
            if results.len() < files.len() {
                let skipped = files.len() - results.len();
                let _ = writeln!(
                    out,
                    "stopped at the first failure (--fail-fast): {skipped} scenarios not run"
                );
            }
        }
        Format::Json => {
            let _ = writeln!(out, "{}", json::to_string(&results));
        }
    }
    let _ = out.flush();

    let mut code = exit_code(&results);
    if let Some(path) = &args.junit {
        let written = junit::render(&results)
            .map_err(|e| e.to_string())
            .and_then(|xml| std::fs::write(path, xml).map_err(|e| e.to_string()));
        if let Err(e) = written {
            let _ = writeln!(err, "interp test: cannot write {}: {e}", path.display());
            code = code.max(exit::INVALID);
        }
    }
    code
}

/// The scenarios of this invocation's partition, or a usage error.
fn scenario_files(args: &TestArgs) -> Result<Vec<std::path::PathBuf>, String> {
    let partition = args
        .partition
        .as_deref()
        .map(Partition::parse)
        .transpose()?;
    let files = discover(&args.dirs).map_err(|e| e.to_string())?;
    if files.is_empty() {
        let dirs: Vec<String> = args.dirs.iter().map(|d| d.display().to_string()).collect();
        return Err(format!(
            "no scenarios (*.scn, *.toml) under {}",
            dirs.join(", ")
        ));
    }
    Ok(match partition {
        Some(p) => p.select(files),
        None => files,
    })
}

/// The exit code for `results`: the worst status wins.
pub fn exit_code(results: &[ScenarioResult]) -> u8 {
    let has = |s: Status| results.iter().any(|r| r.status() == s);
    if has(Status::Internal) {
        exit::INTERNAL
    } else if has(Status::Invalid) {
        exit::INVALID
    } else if has(Status::Failed) {
        exit::CLAIM_FAILED
    } else {
        exit::OK
    }
}

/// What is printed for a scenario that did not pass.
fn scenario_text(r: &ScenarioResult, style: TextStyle) -> String {
    let mut s = match &r.outcome {
        ScenarioOutcome::Ok(report) => text::render(report, style),
        ScenarioOutcome::Invalid(diag) => diag.clone(),
        ScenarioOutcome::Internal(e) => {
            format!("internal error while running {}: {e}\n", r.file.display())
        }
    };
    if !s.ends_with('\n') {
        s.push('\n');
    }
    s.push('\n');
    s
}

/// A bar on stderr, or a hidden one. It is redrawn only when a scenario ends: a steady
/// tick would start a thread, and the runner forks.
fn progress_bar(show: bool, len: usize) -> ProgressBar {
    if !show {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::with_draw_target(Some(len as u64), ProgressDrawTarget::stderr());
    if let Ok(style) = ProgressStyle::with_template("{pos}/{len} [{bar:30}] {elapsed} {wide_msg}") {
        bar.set_style(style.progress_chars("=> "));
    }
    bar
}
