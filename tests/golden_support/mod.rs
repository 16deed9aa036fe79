//! Golden files shared by the diagnostic corpora (`syntax_golden`, `cli`): every input
//! `x.scn` / `x.toml` of a fixture directory has its expected output next to it in
//! `x.scn.stderr` / `x.toml.stderr`. `UPDATE_GOLDEN=1` rewrites the golden files from
//! what the test produced instead of comparing.

#![allow(dead_code)] // each test binary uses a different part of the helper

use std::fs;
use std::path::{Path, PathBuf};

/// The scenario inputs (`*.scn`, `*.toml`) of `dir`, sorted by name.
pub fn fixtures(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| matches!(p.extension().and_then(|e| e.to_str()), Some("scn" | "toml")))
        .collect();
    files.sort();
    files
}

/// `dir/x.scn` → `dir/x.scn.stderr`.
pub fn golden_path(input: &Path) -> PathBuf {
    let mut name = input.file_name().unwrap().to_os_string();
    name.push(".stderr");
    input.with_file_name(name)
}

/// Compares outputs with their golden files (or rewrites them), collecting every
/// difference so one run shows them all.
pub struct Goldens {
    update: bool,
    failures: Vec<String>,
}

impl Goldens {
    pub fn new() -> Goldens {
        Goldens {
            update: std::env::var_os("UPDATE_GOLDEN").is_some(),
            failures: Vec::new(),
        }
    }

    /// Checks `got`, produced from `input`, against `input`'s golden file.
    pub fn compare(&mut self, input: &Path, got: &str) {
        let golden = golden_path(input);
        let name = input.file_name().unwrap().to_string_lossy();
        if self.update {
            fs::write(&golden, got).unwrap();
            return;
        }
        match fs::read_to_string(&golden) {
            Ok(want) if want == got => {}
            Ok(want) => self.failures.push(format!(
                "{name}: output differs from {}\n--- want\n{want}\n--- got\n{got}",
                golden.display()
            )),
            Err(_) => self.failures.push(format!(
                "{name}: no golden file (UPDATE_GOLDEN=1 writes it); got\n{got}"
            )),
        }
    }

    /// Records a failure that is not a difference (the input was accepted, ...).
    pub fn fail(&mut self, message: String) {
        self.failures.push(message);
    }

    /// Panics with every failure recorded.
    pub fn finish(self) {
        assert!(self.failures.is_empty(), "{}", self.failures.join("\n\n"));
    }
}
