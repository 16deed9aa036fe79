//! Runs a scenario text through the real `interp` binary and checks that every claim held.
#![allow(dead_code)] // each test binary uses a different part of it

use std::path::PathBuf;
use std::process::{Command, Output};
use std::sync::atomic::{AtomicU32, Ordering};

static NEXT: AtomicU32 = AtomicU32::new(0);

/// Writes `text` into a fresh temporary scenario file.
pub fn scenario_file(name: &str, text: &str) -> PathBuf {
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    let path = std::env::temp_dir().join(format!("pools-{}-{n}-{name}.scn", std::process::id()));
    std::fs::write(&path, text).unwrap();
    path
}

/// `interp run FILE` with extra environment.
pub fn run_with_env(path: &PathBuf, env: &[(&str, &str)]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_interp"));
    cmd.arg("run").arg(path);
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().unwrap()
}

/// Runs the scenario and panics with its report unless every claim held.
pub fn check(name: &str, text: &str) {
    let path = scenario_file(name, text);
    let out = run_with_env(&path, &[]);
    let _ = std::fs::remove_file(&path);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{name}:\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}
