//! The scenario library is the product's own regression suite: every scenario under
//! `scenarios/` must hold all its claims. Split in four so the test runner can run the
//! parts side by side.

use std::process::Command;

fn run_partition(part: u32) {
    let out = Command::new(env!("CARGO_BIN_EXE_interp"))
        .args(["test", "scenarios/", "--partition", &format!("{part}/4")])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("run interp");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(0),
        "interp test scenarios/ --partition {part}/4 failed:\n{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        stdout.contains("0 failed, 0 invalid, 0 internal"),
        "{stdout}"
    );
}

#[test]
fn scenario_library_part_1() {
    run_partition(1);
}

#[test]
fn scenario_library_part_2() {
    run_partition(2);
}

#[test]
fn scenario_library_part_3() {
    run_partition(3);
}

#[test]
fn scenario_library_part_4() {
    run_partition(4);
}

/// No false deadlocks: every slow-but-live scenario, 100 runs each under `--stress`
/// (sleep-bound runs, so many jobs at once).
#[test]
fn live_scenarios_are_never_called_deadlocked_under_stress() {
    let out = Command::new(env!("CARGO_BIN_EXE_interp"))
        .args([
            "test",
            "scenarios/live",
            "--stress",
            "--runs",
            "100",
            "--jobs",
            "10",
        ])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("run interp");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}");
    assert!(
        stdout.contains("0 failed, 0 invalid, 0 internal"),
        "{stdout}"
    );
}
