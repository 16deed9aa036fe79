use std::process::ExitCode;

use clap::Parser;
use interp::cli::{Cli, Command, exit};

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
    match cli.command {
        Command::Check { .. } | Command::Graph { .. } | Command::Run(_) | Command::Test(_) => {
            eprintln!("interp: not implemented yet");
            exit::code(exit::INTERNAL)
        }
    }
}
