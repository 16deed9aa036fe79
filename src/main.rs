use std::io::IsTerminal;
use std::process::ExitCode;

use clap::Parser;
use interp::cli::{Cli, Command, check_cmd, exit, run_cmd, test_cmd};

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let _ = e.print();
            return exit::code(if e.use_stderr() {
                exit::INVALID
            } else {
                exit::OK
            });
        }
    };
    let color = std::io::stderr().is_terminal();
    let code = match &cli.command {
        Command::Check { files } => check_cmd::check(files, color),
        Command::Graph { file, dot } => check_cmd::graph(file, *dot, color),
        Command::Run(args) => {
            let _ = interp::engine::interrupt::install();
            run_cmd::run(args)
        }
        Command::Test(args) => {
            let _ = interp::engine::interrupt::install();
            test_cmd::run_tests(args, &mut |path, opts| {
                run_cmd::run_and_grade(path, opts, None, false)
            })
        }
    };
    exit::code(code)
}
