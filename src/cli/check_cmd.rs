//! `interp check FILE...` and `interp graph FILE`.

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::cli::exit;
use crate::cli::load::{LoadError, load};

/// Checks every scenario named, or found under a directory named.
pub fn check(paths: &[PathBuf], color: bool) -> u8 {
    let files = match crate::cli::discover::discover(paths) {
        Ok(f) => f,
        Err(e) => {
            eprintln!("interp: {e}");
            return exit::INVALID;
        }
    };
    let mut worst = exit::OK;
    for f in &files {
        match load(f, color) {
            Ok(_) => {}
            Err(LoadError::Invalid(text)) => {
                eprint!("{text}");
                worst = worst.max(exit::INVALID);
            }
            Err(LoadError::Io(msg)) => {
                eprintln!("{msg}");
                worst = worst.max(exit::INVALID);
            }
        }
    }
    worst
}

pub fn graph(file: &Path, dot: bool, color: bool) -> u8 {
    match load(file, color) {
        Ok(p) => {
            let text = if dot {
                crate::plan::graph::render_dot(&p)
            } else {
                crate::plan::graph::render_text(&p)
            };
            let _ = std::io::stdout().write_all(text.as_bytes());
            exit::OK
        }
        Err(LoadError::Invalid(text)) => {
            eprint!("{text}");
            exit::INVALID
        }
        Err(LoadError::Io(msg)) => {
            eprintln!("{msg}");
            exit::INVALID
        }
    }
}
