//! Command-line interface: argument types and the subcommands. Exit codes are documented
//! in README.md: 0 every claim held, 1 a claim failed, 2 invalid input or usage,
//! 3 internal error.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

pub mod check_cmd;
pub mod discover;
pub mod exit;
pub mod load;
pub mod run_cmd;
pub mod settings;
pub mod test_cmd;

#[derive(Debug, Parser)]
#[command(
    name = "interp",
    version,
    about = "Run concurrency scenarios on real processes and threads, catch deadlocks as they form, grade race outcomes."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Parse and check scenarios; exit 0 when all are valid.
    Check {
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
    /// Print the process/thread/resource graph of a scenario (text, or DOT with --dot).
    Graph {
        file: PathBuf,
        /// Print Graphviz DOT instead of text.
        #[arg(long)]
        dot: bool,
    },
    /// Run a scenario on real processes and threads and grade its claims.
    Run(RunArgs),
    /// Run every scenario under the given directories and report (for CI).
    Test(TestArgs),
}

#[derive(Debug, Args, Clone)]
pub struct RunOptions {
    /// Number of runs (default: the scenario's `runs`).
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..))]
    pub runs: Option<u32>,
    /// Runs executed in parallel.
    #[arg(long, short = 'j', value_parser = clap::value_parser!(u32).range(1..))]
    pub jobs: Option<u32>,
    /// Seed of the run seeds.
    #[arg(long)]
    pub seed: Option<u64>,
    /// Multiply every sleep and timeout by this factor.
    #[arg(long, value_parser = positive_number)]
    pub time_scale: Option<f64>,
    /// Per-run time limit in seconds (a run still going then is a hang).
    #[arg(long, value_parser = positive_number)]
    pub timeout: Option<f64>,
    /// Perturb schedules with seeded random yields and delays.
    #[arg(long)]
    pub stress: bool,
    /// Threads of one process take turns for CPU work, like CPython's GIL.
    #[arg(long)]
    pub gil: Option<bool>,
}

/// A finite number above zero, as the scenario's `time_scale` and `timeout` must be.
fn positive_number(s: &str) -> Result<f64, String> {
    match s.parse::<f64>() {
        Ok(x) if x > 0.0 && x.is_finite() => Ok(x),
        _ => Err(format!("expected a positive number, got {s:?}")),
    }
}

#[derive(Debug, Args)]
pub struct RunArgs {
    pub file: PathBuf,
    #[command(flatten)]
    pub opts: RunOptions,
    /// Replay one run by its seed (printed with every failing run).
    #[arg(long)]
    pub replay: Option<u64>,
    /// Write the wait-for graph of a detected deadlock as DOT.
    #[arg(long)]
    pub graph: Option<PathBuf>,
    /// Output format.
    #[arg(long, default_value = "text")]
    pub format: Format,
}

#[derive(Debug, Args)]
pub struct TestArgs {
    #[arg(required = true)]
    pub dirs: Vec<PathBuf>,
    #[command(flatten)]
    pub opts: RunOptions,
    #[arg(long, default_value = "text")]
    pub format: Format,
    /// Write a JUnit XML report.
    #[arg(long)]
    pub junit: Option<PathBuf>,
    /// Run only partition i of n (`--partition 1/3`).
    #[arg(long)]
    pub partition: Option<String>,
    /// Stop at the first failing scenario.
    #[arg(long)]
    pub fail_fast: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Text,
    Json,
}
