//! The fast DSL parser against pest: on every input, parsing with the fast parser in
//! front gives exactly what pest alone gives (the same AST with the same spans, or the
//! same diagnostics), and on well-formed input the fast parser builds it itself.

#[path = "../benches/parse_gen/mod.rs"]
mod parse_gen;

use std::fs;
use std::path::{Path, PathBuf};

use interp::diag::render::render;
use interp::syntax::dsl::engine::{FastCounts, measure, pest_only};
use interp::syntax::parse_scenario;
use interp::syntax::span::SourceFile;

/// Parses `file` both ways; panics if they differ. Returns the fast parser's counts and
/// whether the input was valid.
fn compare(file: &SourceFile) -> (FastCounts, bool) {
    let (got, counts) = measure(|| parse_scenario(file));
    let want = pest_only(|| parse_scenario(file));
    match (&got, &want) {
        (Ok(a), Ok(b)) => assert!(
            a == b,
            "{}: ASTs differ\nfast: {a:#?}\npest: {b:#?}",
            file.name
        ),
        (Err(a), Err(b)) => assert_eq!(
            render(file, a, false),
            render(file, b, false),
            "{}: diagnostics differ",
            file.name
        ),
        (Ok(_), Err(d)) => panic!(
            "{}: the fast path accepted what pest rejects:\n{}",
            file.name,
            render(file, d, false)
        ),
        (Err(d), Ok(_)) => panic!(
            "{}: the fast path rejected what pest accepts:\n{}",
            file.name,
            render(file, d, false)
        ),
    }
    (counts, want.is_ok())
}

fn files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in fs::read_dir(dir).expect("read dir") {
        let path = entry.expect("entry").path();
        if path.is_dir() {
            files(&path, out);
        } else if matches!(
            path.extension().and_then(|e| e.to_str()),
            Some("scn" | "toml")
        ) {
            out.push(path);
        }
    }
}

fn corpus(dir: &str) -> Vec<SourceFile> {
    let mut paths = Vec::new();
    files(&Path::new(env!("CARGO_MANIFEST_DIR")).join(dir), &mut paths);
    paths.sort();
    paths
        .iter()
        .map(|p| {
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            SourceFile::new(name, fs::read_to_string(p).unwrap())
        })
        .collect()
}

/// Every valid input of a directory: equal ASTs, built by the fast parser alone.
fn all_fast(dir: &str) -> usize {
    let files = corpus(dir);
    for f in &files {
        let (counts, valid) = compare(f);
        assert!(valid, "{} is not valid", f.name);
        assert_eq!(counts.gave_up, 0, "{}: the fast parser gave up", f.name);
        assert!(counts.built > 0, "{}: the fast parser was not used", f.name);
    }
    files.len()
}

#[test]
fn shipped_scenarios_parse_fast_and_equal() {
    assert!(all_fast("scenarios") >= 100);
}

#[test]
fn valid_fixtures_parse_fast_and_equal() {
    assert!(all_fast("tests/fixtures/syntax/valid") >= 4);
    // The plan's invalid inputs are syntactically valid.
    assert!(all_fast("tests/fixtures/plan/invalid") >= 10);
}

#[test]
fn invalid_fixtures_are_left_to_pest() {
    let files = corpus("tests/fixtures/syntax/invalid");
    assert!(files.len() >= 25);
    for f in &files {
        let (counts, valid) = compare(f);
        assert!(!valid, "{} parses", f.name);
        if f.name.ends_with(".scn") {
            assert!(
                counts.gave_up > 0,
                "{}: the fast parser did not give up",
                f.name
            );
        }
    }
}

#[test]
fn the_bench_scenarios_parse_fast_and_equal() {
    for (name, text) in [
        ("generated.scn", parse_gen::generate_scn(2_000)),
        ("generated.toml", parse_gen::generate_toml(2_000)),
    ] {
        let (counts, valid) = compare(&SourceFile::new(name, text));
        assert!(valid, "{name} is not valid");
        assert_eq!(counts.gave_up, 0, "{name}: the fast parser gave up");
    }
}
