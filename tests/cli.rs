//! The `interp` binary end to end: subcommands, exit codes (README: 0 every claim held,
//! 1 a claim failed, 2 invalid input or usage, 3 internal error), text/JSON/JUnit
//! output, partitions, `--fail-fast`, `--replay`, and the golden diagnostics of plan
//! errors (`tests/fixtures/plan/invalid/`, `UPDATE_GOLDEN=1` rewrites them).
//!
//! Each test writes its scenarios into a fresh directory and runs the binary there, so
//! the paths in the output are the short relative ones. Neither stream is a terminal:
//! no color, no progress bar.

mod golden_support;

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value as Json;

const PASS: &str = r#"scenario "passes" {
    print("hello")
    expect {
        output "hello\n"
    }
}
"#;

const FAIL: &str = r#"scenario "fails" {
    print("hello")
    expect {
        output "goodbye\n"
    }
}
"#;

const INVALID: &str = "count = 0\nprint(cont)\n";

const INVALID_STDERR: &str = "\
error: name 'cont' is not defined
 --> bad.scn:2:7
  |
2 | print(cont)
  |       ^^^^ not defined
  |
  = help: did you mean 'count'?
";

/// One invocation of `interp` in a scratch directory, and what it must produce.
struct Test {
    dir: tempfile::TempDir,
    args: Vec<String>,
    status: i32,
    stdout: Option<String>,
    stderr: Option<String>,
    stdout_has: Vec<String>,
    stderr_has: Vec<String>,
}

/// What an invocation produced, with its directory (for files it wrote).
struct Ran {
    dir: tempfile::TempDir,
    stdout: String,
    stderr: String,
}

impl Test {
    fn new() -> Test {
        Test {
            dir: tempfile::tempdir().unwrap(),
            args: Vec::new(),
            status: 0,
            stdout: None,
            stderr: None,
            stdout_has: Vec::new(),
            stderr_has: Vec::new(),
        }
    }

    /// Writes `text` to `path` (relative to the scratch directory).
    fn file(self, path: &str, text: &str) -> Test {
        let path = self.dir.path().join(path);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, text).unwrap();
        self
    }

    fn args(mut self, args: &[&str]) -> Test {
        self.args.extend(args.iter().map(|a| a.to_string()));
        self
    }

    fn status(mut self, code: i32) -> Test {
        self.status = code;
        self
    }

    fn stdout(mut self, text: &str) -> Test {
        self.stdout = Some(text.to_string());
        self
    }

    fn stderr(mut self, text: &str) -> Test {
        self.stderr = Some(text.to_string());
        self
    }

    fn stdout_has(mut self, text: &str) -> Test {
        self.stdout_has.push(text.to_string());
        self
    }

    fn stderr_has(mut self, text: &str) -> Test {
        self.stderr_has.push(text.to_string());
        self
    }

    /// Runs the binary and checks everything asked for.
    fn run(self) -> Ran {
        let out = interp(self.dir.path(), &self.args);
        let stdout = String::from_utf8(out.stdout).unwrap();
        let stderr = String::from_utf8(out.stderr).unwrap();
        let context = format!(
            "interp {}\n--- stdout\n{stdout}--- stderr\n{stderr}",
            self.args.join(" ")
        );
        assert_eq!(
            out.status.code(),
            Some(self.status),
            "exit code of {context}"
        );
        if let Some(want) = &self.stdout {
            assert_eq!(&stdout, want, "stdout of {context}");
        }
        if let Some(want) = &self.stderr {
            assert_eq!(&stderr, want, "stderr of {context}");
        }
        for want in &self.stdout_has {
            assert!(stdout.contains(want), "stdout lacks {want:?}: {context}");
        }
        for want in &self.stderr_has {
            assert!(stderr.contains(want), "stderr lacks {want:?}: {context}");
        }
        Ran {
            dir: self.dir,
            stdout,
            stderr,
        }
    }
}

fn interp(dir: &Path, args: &[String]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_interp"))
        .args(args)
        .current_dir(dir)
        .env_remove("NO_COLOR")
        .env_remove("UPDATE_GOLDEN")
        .output()
        .unwrap()
}

fn json(text: &str) -> Json {
    serde_json::from_str(text).unwrap_or_else(|e| panic!("not JSON ({e}):\n{text}"))
}

/// The `file` of every result of an `interp test --format json` document.
fn result_files(doc: &Json) -> Vec<String> {
    doc["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["file"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn check_accepts_a_valid_file_silently() {
    Test::new()
        .file("ok.scn", PASS)
        .args(&["check", "ok.scn"])
        .stdout("")
        .stderr("")
        .run();
}

#[test]
fn check_rejects_an_invalid_file_with_its_diagnostic() {
    Test::new()
        .file("bad.scn", INVALID)
        .args(&["check", "bad.scn"])
        .status(2)
        .stdout("")
        .stderr(INVALID_STDERR)
        .run();
}

#[test]
fn check_of_a_directory_reports_every_invalid_file() {
    Test::new()
        .file("d/a_ok.scn", PASS)
        .file("d/b_bad.scn", INVALID)
        .file(
            "d/c_bad.toml",
            "name = \"x\"\nmain = '''\nprint(undefined_name)\n'''\n",
        )
        .file("d/notes.txt", "not a scenario")
        .args(&["check", "d"])
        .status(2)
        .stderr_has("--> d/b_bad.scn:2:7")
        .stderr_has("--> d/c_bad.toml:3:7")
        .stderr_has("name 'undefined_name' is not defined")
        .run();
}

#[test]
fn run_of_a_passing_scenario_exits_0() {
    Test::new()
        .file("ok.scn", PASS)
        .args(&["run", "ok.scn"])
        .stderr("")
        .stdout_has("scenario passes (ok.scn)\n1 runs in ")
        .stdout_has("run ends: 1 completed\n")
        .stdout_has("  PASS line 4: output \"hello\\n\"\n")
        .stdout_has("PASSED: all 1 claims held\n")
        .run();
}

#[test]
fn run_of_a_failing_scenario_exits_1_with_evidence() {
    Test::new()
        .file("bad_claim.scn", FAIL)
        .args(&["run", "bad_claim.scn"])
        .status(1)
        .stderr("")
        .stdout_has("  FAIL line 4: output \"goodbye\\n\"\n")
        .stdout_has("output line 1: expected \"goodbye\", got \"hello\"")
        .stdout_has("replay: interp run bad_claim.scn --replay ")
        .stdout_has("FAILED: 1 of 1 claims failed\n")
        .run();
}

#[test]
fn run_of_an_invalid_scenario_exits_2_without_running() {
    Test::new()
        .file("bad.scn", INVALID)
        .args(&["run", "bad.scn"])
        .status(2)
        .stdout("")
        .stderr(INVALID_STDERR)
        .run();
}

#[test]
fn a_missing_file_is_invalid_input_with_a_clear_message() {
    Test::new()
        .args(&["run", "missing.scn"])
        .status(2)
        .stdout("")
        .stderr("interp: cannot read missing.scn: No such file or directory (os error 2)\n")
        .run();
    Test::new()
        .args(&["check", "missing.scn"])
        .status(2)
        .stderr("interp: missing.scn: no such file or directory\n")
        .run();
    Test::new()
        .args(&["graph", "missing.scn"])
        .status(2)
        .stderr("interp: cannot read missing.scn: No such file or directory (os error 2)\n")
        .run();
    Test::new()
        .args(&["test", "missing_dir"])
        .status(2)
        .stderr("interp test: missing_dir: no such file or directory\n")
        .run();
}

#[test]
fn usage_errors_exit_2_with_usage() {
    Test::new()
        .args(&["frob"])
        .status(2)
        .stdout("")
        .stderr_has("error: unrecognized subcommand 'frob'")
        .stderr_has("Usage: interp <COMMAND>")
        .run();
    Test::new()
        .file("ok.scn", PASS)
        .args(&["run", "--bogus", "ok.scn"])
        .status(2)
        .stderr_has("error: unexpected argument '--bogus' found")
        .stderr_has("Usage: interp run [OPTIONS] <FILE>")
        .run();
    Test::new()
        .file("ok.scn", PASS)
        .args(&["run", "ok.scn", "--runs", "many"])
        .status(2)
        .stderr_has("invalid value 'many' for '--runs <RUNS>'")
        .run();
    Test::new()
        .args(&["check"])
        .status(2)
        .stderr_has("Usage: interp check <FILES>...")
        .run();
    Test::new()
        .file("d/ok.scn", PASS)
        .args(&["test", "d", "--partition", "3/2"])
        .status(2)
        .stderr("interp test: invalid partition \"3/2\": expected i/n with 1 <= i <= n\n")
        .run();
}

#[test]
fn help_and_version_exit_0_on_stdout() {
    Test::new()
        .args(&["--help"])
        .stderr("")
        .stdout_has("Usage: interp <COMMAND>")
        .stdout_has("check")
        .run();
    Test::new()
        .args(&["--version"])
        .stdout(&format!("interp {}\n", env!("CARGO_PKG_VERSION")))
        .run();
}

#[test]
fn test_of_a_passing_directory_exits_0_with_a_summary() {
    Test::new()
        .file("d/a.scn", PASS)
        .file("d/sub/b.scn", PASS)
        .args(&["test", "d"])
        .stderr("")
        .stdout_has("d/a.scn ")
        .stdout_has("d/sub/b.scn ")
        .stdout_has("2 scenarios: 2 passed, 0 failed, 0 invalid, 0 internal; 2 runs in ")
        .run();
}

#[test]
fn test_with_one_failing_scenario_exits_1_and_reports_it() {
    let ran = Test::new()
        .file("d/a.scn", PASS)
        .file("d/b.scn", FAIL)
        .args(&["test", "d"])
        .status(1)
        .stdout_has("scenario fails (d/b.scn)")
        .stdout_has("2 scenarios: 1 passed, 1 failed, 0 invalid, 0 internal")
        .run();
    // Only the failure gets a full report.
    assert!(!ran.stdout.contains("scenario passes"), "{}", ran.stdout);
}

#[test]
fn test_with_one_invalid_scenario_exits_2() {
    Test::new()
        .file("d/a.scn", PASS)
        .file("d/b.scn", FAIL)
        .file("d/bad.scn", INVALID)
        .args(&["test", "d"])
        .status(2)
        .stdout_has(&INVALID_STDERR.replace("bad.scn", "d/bad.scn"))
        .stdout_has("3 scenarios: 1 passed, 1 failed, 1 invalid, 0 internal")
        .run();
}

#[test]
fn test_of_a_directory_without_scenarios_is_invalid() {
    Test::new()
        .file("d/readme.txt", "nothing here")
        .args(&["test", "d"])
        .status(2)
        .stderr("interp test: no scenarios (*.scn, *.toml) under d\n")
        .run();
}

#[test]
fn test_json_is_one_document_with_every_result() {
    let ran = Test::new()
        .file("d/a.scn", PASS)
        .file("d/b.scn", FAIL)
        .file("d/bad.scn", INVALID)
        .args(&["test", "d", "--format", "json"])
        .status(2)
        .run();
    let doc = json(&ran.stdout);
    assert_eq!(doc["schema_version"], 1);
    assert_eq!(result_files(&doc), ["d/a.scn", "d/b.scn", "d/bad.scn"]);
    let results = doc["results"].as_array().unwrap();
    let status: Vec<&str> = results
        .iter()
        .map(|r| r["status"].as_str().unwrap())
        .collect();
    assert_eq!(status, ["passed", "failed", "invalid"]);
    assert_eq!(results[0]["report"]["passed"], true);
    assert_eq!(results[1]["report"]["claims"][0]["passed"], false);
    assert_eq!(results[1]["report"]["claims"][0]["line"], 4);
    assert!(results[2]["report"].is_null());
    assert!(
        results[2]["error"]
            .as_str()
            .unwrap()
            .contains("name 'cont' is not defined")
    );
    let totals = &doc["totals"];
    assert_eq!(
        (
            &totals["scenarios"],
            &totals["passed"],
            &totals["failed"],
            &totals["invalid"],
            &totals["internal"],
            &totals["runs"]
        ),
        (
            &3.into(),
            &1.into(),
            &1.into(),
            &1.into(),
            &0.into(),
            &2.into()
        )
    );
}

#[test]
fn run_json_has_the_report_fields() {
    let ran = Test::new()
        .file("bad_claim.scn", FAIL)
        .args(&["run", "bad_claim.scn", "--format", "json", "--runs", "2"])
        .status(1)
        .run();
    let doc = json(&ran.stdout);
    let r = &doc["results"][0];
    assert_eq!(r["file"], "bad_claim.scn");
    assert_eq!(r["status"], "failed");
    let report = &r["report"];
    assert_eq!(report["name"], "fails");
    assert_eq!(
        (&report["runs"], &report["runs_planned"]),
        (&2.into(), &2.into())
    );
    assert_eq!(report["ends"]["completed"], 2);
    assert!(report["first_deadlock"].is_null() && report["first_cap"].is_null());
    let example = &report["claims"][0]["example"];
    assert_eq!(example["output"], "hello\n");
    let seed = example["seed"].as_str().unwrap();
    assert!(seed.parse::<u64>().is_ok(), "seed {seed:?}");
    assert_eq!(
        example["replay"],
        format!("interp run bad_claim.scn --replay {seed}")
    );
}

#[test]
fn junit_file_is_written() {
    let ran = Test::new()
        .file("d/a.scn", PASS)
        .file("d/b.scn", FAIL)
        .file("d/bad.scn", INVALID)
        .args(&["test", "d", "--junit", "out/report.xml"])
        .status(2)
        .run();
    // The directory does not exist: the report cannot be written, and says so.
    assert!(
        ran.stderr
            .starts_with("interp test: cannot write out/report.xml: "),
        "{}",
        ran.stderr
    );
    fs::create_dir(ran.dir.path().join("out")).unwrap();
    let out = interp(
        ran.dir.path(),
        &["test", "d", "--junit", "out/report.xml"].map(String::from),
    );
    assert_eq!(out.status.code(), Some(2));
    let xml = fs::read_to_string(ran.dir.path().join("out/report.xml")).unwrap();
    assert!(xml.starts_with("<?xml"), "{xml}");
    for want in [
        "<testsuites name=\"interp\" tests=\"3\" failures=\"1\" errors=\"1\"",
        "<testsuite name=\"d/a.scn\"",
        "<testcase name=\"line 4: output &quot;hello\\n&quot;\" classname=\"passes\"",
        "<failure message=\"failed in 1 of 1 runs; run 0: output line 1: expected &quot;goodbye&quot;, got &quot;hello&quot;\" type=\"claim failed\"",
        "<error message=\"invalid scenario\" type=\"invalid scenario\">",
    ] {
        assert!(xml.contains(want), "JUnit lacks {want:?}:\n{xml}");
    }
}

#[test]
fn partitions_split_a_directory_and_cover_it() {
    let mut t = Test::new();
    for name in ["a", "b", "c", "d", "e"] {
        t = t.file(&format!("d/{name}.scn"), PASS);
    }
    let all = t.args(&["test", "d", "--format", "json"]).run();
    let dir = all.dir.path();
    let files = |spec: &str| -> Vec<String> {
        let out = interp(
            dir,
            &["test", "d", "--format", "json", "--partition", spec].map(String::from),
        );
        assert_eq!(out.status.code(), Some(0), "partition {spec}");
        result_files(&json(&String::from_utf8(out.stdout).unwrap()))
    };
    let (first, second) = (files("1/2"), files("2/2"));
    assert_eq!(first, ["d/a.scn", "d/c.scn", "d/e.scn"]);
    assert_eq!(second, ["d/b.scn", "d/d.scn"]);
    let union: BTreeSet<String> = first.into_iter().chain(second).collect();
    let everything: BTreeSet<String> = result_files(&json(&all.stdout)).into_iter().collect();
    assert_eq!(union, everything);
    assert_eq!(everything.len(), 5);
}

#[test]
fn fail_fast_stops_at_the_first_failure() {
    let ran = Test::new()
        .file("d/a.scn", FAIL)
        .file("d/b.scn", FAIL)
        .file("d/c.scn", PASS)
        .args(&["test", "d", "--fail-fast"])
        .status(1)
        .stdout_has("scenario fails (d/a.scn)")
        .stdout_has("1 scenarios: 0 passed, 1 failed")
        .stdout_has("stopped at the first failure (--fail-fast): 2 scenarios not run\n")
        .run();
    assert!(!ran.stdout.contains("d/b.scn"), "{}", ran.stdout);
    // Without the flag every scenario runs.
    Test::new()
        .file("d/a.scn", FAIL)
        .file("d/b.scn", FAIL)
        .file("d/c.scn", PASS)
        .args(&["test", "d"])
        .status(1)
        .stdout_has("3 scenarios: 1 passed, 2 failed")
        .run();
}

#[test]
fn replay_reproduces_the_failing_run_of_the_report() {
    // Each run draws a number from its seeded `random`; the claim fails only for some
    // numbers, so the first failing run is found by the seed, and its replay must draw
    // the same number.
    let scenario = r#"scenario "seeded" {
    config { runs = 30, seed = 1 }
    import random
    x = random.randint(1, 1000000000)
    print(f"x={x}")
    expect {
        final x % 4 != 0
    }
}
"#;
    let ran = Test::new()
        .file("seeded.scn", scenario)
        .args(&["run", "seeded.scn", "--format", "json"])
        .status(1)
        .run();
    let doc = json(&ran.stdout);
    let example = &doc["results"][0]["report"]["claims"][0]["example"];
    let seed = example["seed"].as_str().unwrap().to_string();
    let output = example["output"].as_str().unwrap().to_string();
    assert_eq!(
        example["replay"],
        format!("interp run seeded.scn --replay {seed}")
    );
    let replayed = interp(
        ran.dir.path(),
        &["run", "seeded.scn", "--format", "json", "--replay", &seed].map(String::from),
    );
    assert_eq!(replayed.status.code(), Some(1));
    let doc = json(&String::from_utf8(replayed.stdout).unwrap());
    let report = &doc["results"][0]["report"];
    assert_eq!(
        (&report["runs"], &report["runs_planned"]),
        (&1.into(), &1.into())
    );
    let again = &report["claims"][0]["example"];
    assert_eq!(again["seed"].as_str(), Some(seed.as_str()));
    assert_eq!(again["output"].as_str(), Some(output.as_str()));
    // And the text report of the replay prints the same seed and output.
    Test::new()
        .file("seeded.scn", scenario)
        .args(&["run", "seeded.scn", "--replay", &seed])
        .status(1)
        .stdout_has(&format!("example: run 0 (seed {seed}), completed"))
        .stdout_has(&format!("| {}", output.trim_end()))
        .run();
}

const GRAPH_SCENARIO: &str = r#"scenario "two threads, one lock" {
    import threading
    lock = threading.Lock()
    def work_a() {
        with lock { print("a") }
    }
    t = threading.Thread(target=work_a)
    t.start()
    t.join()
}
"#;

#[test]
fn graph_prints_text_and_dot() {
    Test::new()
        .file("g.scn", GRAPH_SCENARIO)
        .args(&["graph", "g.scn"])
        .stderr("")
        .stdout(
            "scenario two threads, one lock
actors:
  main (module body)
  t = Thread -> work_a  (line 7)
resources:
  lock = Lock [Lock]  (line 3)
uses:
  main -> t: join, start
  t -> lock: acquire, release
",
        )
        .run();
    Test::new()
        .file("g.scn", GRAPH_SCENARIO)
        .args(&["graph", "--dot", "g.scn"])
        .stderr("")
        .stdout(
            "digraph \"two threads, one lock\" {
  main [shape=box, label=\"main\"];
  s0 [shape=ellipse, label=\"lock\\nLock line 3\"];
  s1 [shape=box, label=\"t\\nThread(work_a) line 7\"];
  main -> s1 [label=\"join, start\"];
  s1 -> s0 [label=\"acquire, release\"];
}
",
        )
        .run();
    Test::new()
        .file("bad.scn", INVALID)
        .args(&["graph", "bad.scn"])
        .status(2)
        .stdout("")
        .stderr(INVALID_STDERR)
        .run();
}

#[test]
fn command_line_overrides_reach_the_run() {
    // --runs overrides the scenario's runs; --seed changes every run's seed.
    let scenario = r#"scenario "counted" {
    config { runs = 7 }
    import random
    print(random.randint(1, 1000000000))
    expect {
        output "never"
    }
}
"#;
    let seed_of = |extra: &[&str]| -> (Json, String) {
        let mut args = vec!["run", "c.scn", "--format", "json"];
        args.extend_from_slice(extra);
        let ran = Test::new()
            .file("c.scn", scenario)
            .args(&args)
            .status(1)
            .run();
        let report = json(&ran.stdout)["results"][0]["report"].clone();
        let seed = report["claims"][0]["example"]["seed"]
            .as_str()
            .unwrap()
            .to_string();
        (report["runs"].clone(), seed)
    };
    let (runs, seed_default) = seed_of(&[]);
    assert_eq!(runs, 7);
    let (runs, seed_a) = seed_of(&["--runs", "2", "--seed", "11"]);
    assert_eq!(runs, 2);
    let (_, seed_b) = seed_of(&["--runs", "2", "--seed", "12"]);
    assert_ne!(seed_a, seed_b);
    assert_ne!(seed_a, seed_default);
    // Flags that change a run are repeated in the replay command.
    Test::new()
        .file("c.scn", scenario)
        .args(&[
            "run",
            "c.scn",
            "--runs",
            "1",
            "--stress",
            "--time-scale",
            "0.5",
        ])
        .status(1)
        .stdout_has("--stress --time-scale 0.5\n")
        .run();
}

#[test]
fn plan_errors_render_as_their_golden_files() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/plan/invalid");
    let files: Vec<PathBuf> = golden_support::fixtures(&dir);
    assert!(files.len() >= 20, "the corpus has {} inputs", files.len());
    let mut goldens = golden_support::Goldens::new();
    for path in files {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let out = interp(&dir, &["check".to_string(), name.clone()]);
        let stderr = String::from_utf8(out.stderr).unwrap();
        if out.status.code() != Some(2) || !out.stdout.is_empty() {
            goldens.fail(format!(
                "{name}: `interp check` exited {:?} (want 2), stdout {:?}\n{stderr}",
                out.status.code(),
                String::from_utf8_lossy(&out.stdout)
            ));
            continue;
        }
        goldens.compare(&path, &stderr);
    }
    goldens.finish();
}

#[test]
fn claims_are_graded_after_more_output_than_the_log_holds() {
    // About 6 MB of output, more than the run's event log keeps: the output is cut,
    // but the value of the final claim must still arrive.
    let scenario = r#"scenario "loud" {
    line = "x" * 200
    n = 0
    for i in range(25000) {
        print(line)
        n += 1
    }
    expect {
        final n == 25000
        output contains "xxxx"
    }
}
"#;
    Test::new()
        .file("loud.scn", scenario)
        .args(&["run", "loud.scn"])
        .stdout_has("PASS line 9: final n == 25000")
        .stdout_has("PASSED: all 2 claims held")
        .run();
}

#[test]
fn out_of_range_run_options_are_usage_errors() {
    for (flag, value, why) in [
        ("--runs", "0", "0 is not in 1..=4294967295"),
        ("--jobs", "0", "0 is not in 1..=4294967295"),
        ("--timeout", "0", "expected a positive number, got \"0\""),
        (
            "--time-scale",
            "-1",
            "expected a positive number, got \"-1\"",
        ),
        (
            "--time-scale",
            "inf",
            "expected a positive number, got \"inf\"",
        ),
    ] {
        Test::new()
            .file("ok.scn", PASS)
            .args(&["run", "ok.scn", &format!("{flag}={value}")])
            .status(2)
            .stdout("")
            .stderr_has(&format!("invalid value '{value}' for '{flag} "))
            .stderr_has(why)
            .run();
    }
}

#[test]
fn run_of_a_directory_is_invalid_input() {
    Test::new()
        .file("d/ok.scn", PASS)
        .args(&["run", "d"])
        .status(2)
        .stdout("")
        .stderr("interp: cannot read d: Is a directory (os error 21)\n")
        .run();
}
