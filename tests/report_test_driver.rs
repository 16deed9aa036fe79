//! `interp test`: discovery, partitions, and exit codes with fake runners.

mod report_support;

use std::fs;
use std::path::{Path, PathBuf};

use interp::cli::discover::{Partition, discover};
use interp::cli::test_cmd::{ScenarioOutcome, TestOutput, run_tests_with};
use interp::cli::{Format, RunOptions, TestArgs};
use interp::report::TextStyle;

fn touch(root: &Path, rel: &str) {
    let p = root.join(rel);
    fs::create_dir_all(p.parent().unwrap()).unwrap();
    fs::write(p, "").unwrap();
}

/// a.scn, b.toml, sub/c.scn, sub/z/d.toml; ignored: notes.md, .hidden/e.scn, .f.scn.
fn tree() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for f in [
        "b.toml",
        "a.scn",
        "sub/z/d.toml",
        "sub/c.scn",
        "notes.md",
        ".hidden/e.scn",
        ".f.scn",
    ] {
        touch(dir.path(), f);
    }
    dir
}

fn rel(root: &Path, files: &[PathBuf]) -> Vec<String> {
    files
        .iter()
        .map(|f| f.strip_prefix(root).unwrap().display().to_string())
        .collect()
}

#[test]
fn discover_walks_sorted_and_skips_hidden_entries() {
    let dir = tree();
    let files = discover(&[dir.path().to_path_buf()]).unwrap();
    assert_eq!(
        rel(dir.path(), &files),
        ["a.scn", "b.toml", "sub/c.scn", "sub/z/d.toml"]
    );
}

#[test]
fn discover_keeps_root_order_takes_files_as_given_and_dedups() {
    let dir = tree();
    let roots = [
        dir.path().join("sub"),
        dir.path().join("notes.md"),
        dir.path().to_path_buf(),
    ];
    let files = discover(&roots).unwrap();
    assert_eq!(
        rel(dir.path(), &files),
        ["sub/c.scn", "sub/z/d.toml", "notes.md", "a.scn", "b.toml"]
    );
}

#[test]
fn discover_reports_a_missing_path() {
    let dir = tempfile::tempdir().unwrap();
    let err = discover(&[dir.path().join("nope")]).unwrap_err();
    assert!(
        err.to_string().ends_with("nope: no such file or directory"),
        "{err}"
    );
}

#[test]
fn partition_parsing_and_math() {
    assert_eq!(
        Partition::parse("1/3"),
        Ok(Partition { index: 1, count: 3 })
    );
    for bad in ["0/3", "4/3", "1/0", "1", "a/b", "1/3/4", "-1/3", ""] {
        assert!(Partition::parse(bad).is_err(), "{bad}");
    }
    let items: Vec<usize> = (0..8).collect();
    let parts: Vec<Vec<usize>> = (1..=3)
        .map(|i| Partition { index: i, count: 3 }.select(items.clone()))
        .collect();
    assert_eq!(parts, [vec![0, 3, 6], vec![1, 4, 7], vec![2, 5]]);
    assert_eq!(
        Partition { index: 1, count: 1 }.select(items.clone()),
        items
    );
}

fn args(dirs: Vec<PathBuf>) -> TestArgs {
    TestArgs {
        dirs,
        opts: RunOptions {
            runs: Some(6),
            jobs: None,
            seed: None,
            time_scale: None,
            timeout: None,
            stress: false,
            gil: None,
        },
        format: Format::Text,
        junit: None,
        partition: None,
        fail_fast: false,
    }
}

/// Runs `interp test` with `fake` deciding each scenario's outcome by its file name;
/// returns the exit code, stdout, stderr and the files the runner saw.
fn drive(
    args: &TestArgs,
    fake: impl Fn(&str) -> ScenarioOutcome,
) -> (u8, String, String, Vec<String>) {
    let mut seen = Vec::new();
    let mut runner = |path: &Path, opts: &RunOptions| {
        assert_eq!(opts.runs, Some(6));
        let name = path.file_name().unwrap().to_str().unwrap().to_string();
        seen.push(name.clone());
        fake(&name)
    };
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let io = TestOutput {
        out: &mut out,
        err: &mut err,
        style: TextStyle::PLAIN,
        progress: false,
    };
    let code = run_tests_with(args, &mut runner, io);
    (
        code,
        String::from_utf8(out).unwrap(),
        String::from_utf8(err).unwrap(),
        seen,
    )
}

fn pass(_: &str) -> ScenarioOutcome {
    ScenarioOutcome::Ok(Box::new(report_support::passing_report()))
}

fn fail_on(name: &'static str) -> impl Fn(&str) -> ScenarioOutcome {
    move |n| {
        if n == name {
            ScenarioOutcome::Ok(Box::new(report_support::report(false)))
        } else {
            pass(n)
        }
    }
}

#[test]
fn all_passing_exits_0_with_a_summary_table() {
    let dir = tree();
    let (code, out, _, seen) = drive(&args(vec![dir.path().into()]), pass);
    assert_eq!(code, 0);
    assert_eq!(seen, ["a.scn", "b.toml", "c.scn", "d.toml"]);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 6, "{out}");
    assert!(
        lines[0].starts_with("scenario") && lines[0].contains("runs  outcomes  verdict"),
        "{out}"
    );
    assert!(
        lines[1].contains("a.scn") && lines[1].contains("PASS"),
        "{out}"
    );
    // Columns align: every verdict starts at the same place.
    let col = lines[0].find("verdict").unwrap();
    assert!(
        lines[1..5].iter().all(|l| &l[col..col + 4] == "PASS"),
        "{out}"
    );
    assert!(
        lines[5].starts_with("4 scenarios: 4 passed, 0 failed, 0 invalid, 0 internal; 8 runs in "),
        "{out}"
    );
}

#[test]
fn a_failed_claim_exits_1_and_prints_that_scenario_report() {
    let dir = tree();
    let (code, out, _, seen) = drive(&args(vec![dir.path().into()]), fail_on("b.toml"));
    assert_eq!(code, 1);
    assert_eq!(seen.len(), 4);
    assert!(out.contains("FAIL line 4: outcome v.value"), "{out}");
    assert_eq!(out.matches("scenario lost_update (").count(), 1, "{out}");
    assert!(out.contains("1 failed"), "{out}");
}

#[test]
fn fail_fast_stops_at_the_first_failure() {
    let dir = tree();
    let mut a = args(vec![dir.path().into()]);
    a.fail_fast = true;
    let (code, out, _, seen) = drive(&a, fail_on("b.toml"));
    assert_eq!(code, 1);
    assert_eq!(seen, ["a.scn", "b.toml"]);
    assert!(out.contains("2 scenarios not run"), "{out}");
}

#[test]
fn an_invalid_scenario_exits_2_unless_one_is_internal() {
    let dir = tree();
    let invalid = |n: &str| match n {
        "c.scn" => ScenarioOutcome::Invalid("error: unknown name `lokc`\n --> c.scn:3:5".into()),
        "a.scn" => fail_on("a.scn")(n),
        _ => pass(n),
    };
    let (code, out, _, _) = drive(&args(vec![dir.path().into()]), invalid);
    assert_eq!(code, 2);
    assert!(out.contains("error: unknown name `lokc`"), "{out}");
    assert!(out.contains("INVALID"), "{out}");

    let internal = |n: &str| match n {
        "d.toml" => ScenarioOutcome::Internal("fork failed".into()),
        _ => invalid(n),
    };
    let (code, out, _, _) = drive(&args(vec![dir.path().into()]), internal);
    assert_eq!(code, 3);
    assert!(out.contains("internal error while running"), "{out}");
    assert!(out.contains("1 failed, 1 invalid, 1 internal"), "{out}");
}

#[test]
fn partition_selects_every_nth_scenario() {
    let dir = tree();
    let mut a = args(vec![dir.path().into()]);
    a.partition = Some("2/3".into());
    let (code, _, _, seen) = drive(&a, pass);
    assert_eq!(code, 0);
    assert_eq!(seen, ["b.toml"]);
    a.partition = Some("1/3".into());
    assert_eq!(drive(&a, pass).3, ["a.scn", "d.toml"]);
}

#[test]
fn usage_errors_exit_2_without_running_anything() {
    let dir = tree();
    let mut a = args(vec![dir.path().into()]);
    a.partition = Some("4/3".into());
    let (code, out, err, seen) = drive(&a, pass);
    assert_eq!((code, out.as_str(), seen.len()), (2, "", 0));
    assert!(err.contains("invalid partition \"4/3\""), "{err}");

    let (code, _, err, _) = drive(&args(vec![dir.path().join("missing")]), pass);
    assert_eq!(code, 2);
    assert!(err.contains("no such file or directory"), "{err}");

    let empty = tempfile::tempdir().unwrap();
    let (code, _, err, _) = drive(&args(vec![empty.path().into()]), pass);
    assert_eq!(code, 2);
    assert!(err.contains("no scenarios"), "{err}");
}

#[test]
fn json_format_prints_one_document_and_junit_is_written() {
    let dir = tree();
    let out_dir = tempfile::tempdir().unwrap();
    let junit = out_dir.path().join("report.xml");
    let mut a = args(vec![dir.path().join("sub")]);
    a.format = Format::Json;
    a.junit = Some(junit.clone());
    let (code, out, _, _) = drive(&a, fail_on("c.scn"));
    assert_eq!(code, 1);
    let doc: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(doc["totals"]["scenarios"], 2);
    assert_eq!(doc["results"][0]["status"], "failed");
    let xml = fs::read_to_string(&junit).unwrap();
    let report = quick_junit::Report::deserialize_from_str(&xml).unwrap();
    assert_eq!(report.test_suites.len(), 2);

    a.junit = Some(out_dir.path().join("no/such/dir/report.xml"));
    let (code, _, err, _) = drive(&a, pass);
    assert_eq!(code, 2);
    assert!(err.contains("cannot write"), "{err}");
}
