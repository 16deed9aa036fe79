//! Many runs on the real engine: seeds, `--replay`, `--jobs`, `--stress`.

use std::path::PathBuf;

use interp::checker::scenario_report::ScenarioReport;
use interp::cli::RunOptions;
use interp::cli::run_cmd::run_and_grade;
use interp::report::ScenarioOutcome;

fn scenario(text: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("s.scn");
    std::fs::write(&path, text).expect("write scenario");
    (dir, path)
}

fn opts() -> RunOptions {
    RunOptions {
        runs: None,
        jobs: None,
        seed: None,
        time_scale: None,
        timeout: None,
        stress: false,
        gil: None,
    }
}

fn report(path: &PathBuf, o: &RunOptions, replay: Option<u64>) -> ScenarioReport {
    match run_and_grade(path, o, replay, false) {
        ScenarioOutcome::Ok(r) => *r,
        ScenarioOutcome::Invalid(t) | ScenarioOutcome::Internal(t) => panic!("{t}"),
    }
}

/// Prints random numbers drawn in main and in a thread, and claims an output that never
/// happens, so the failing claim carries an example run with its seed and output.
const RANDOM_OUTPUT: &str = r#"
scenario "seeded randomness" {
    config { runs = 5, stress = True }
    import random
    import threading

    def draw() { print("thread", random.randint(0, 1000000000)) }

    print("main", random.randint(0, 1000000000))
    t = threading.Thread(target=draw)
    t.start()
    t.join()
    expect { output "never" }
}
"#;

#[test]
fn replaying_a_failing_runs_seed_repeats_its_random_choices() {
    let (_dir, path) = scenario(RANDOM_OUTPUT);
    let first = report(&path, &opts(), None);
    let example = first.verdicts[0]
        .example
        .clone()
        .expect("a failing claim has an example");
    let again = report(&path, &opts(), Some(example.seed));
    let replayed = again.verdicts[0].example.clone().expect("example");
    assert_eq!(again.runs, 1);
    assert_eq!(replayed.seed, example.seed);
    assert_eq!(
        replayed.output, example.output,
        "the replay drew the same numbers"
    );
}

#[test]
fn different_runs_get_different_seeds() {
    let (_dir, path) = scenario(RANDOM_OUTPUT);
    let mut o = opts();
    o.runs = Some(20);
    let r = report(&path, &o, None);
    // Every run printed distinct numbers: all 20 outputs differ, so the histogram of
    // `output` claims is not what we check; the failing claim saw 20 failing runs.
    assert!(
        r.verdicts[0].detail.contains("20 of 20"),
        "{}",
        r.verdicts[0].detail
    );
}

#[test]
fn parallel_jobs_run_every_run_once() {
    let (_dir, path) = scenario(
        r#"
scenario "counted" {
    import multiprocessing as mp
    def add(v) { v.value += 1 }
    v = mp.Value('i', 0)
    p = mp.Process(target=add, args=(v,))
    p.start()
    p.join()
    expect {
        final v.value == 1
        exitcode p == 0
    }
}
"#,
    );
    let mut o = opts();
    o.runs = Some(40);
    o.jobs = Some(4);
    let r = report(&path, &o, None);
    assert_eq!(r.runs, 40);
    assert!(r.passed(), "{:?}", r.verdicts);
}

#[test]
fn stress_makes_the_lost_update_show() {
    // Without stress the window of `v.value += n` is a few instructions wide; the
    // perturbation between the read and the write makes the loss frequent. 60 runs
    // with a loss rate near one half make "never seen" practically impossible.
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("scenarios/lost_update.scn");
    let mut o = opts();
    o.runs = Some(60);
    o.jobs = Some(2);
    let r = report(&path, &o, None);
    assert!(r.passed(), "{:?}", r.verdicts);
}
