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

mod syntax_gen;

use proptest::prelude::*;
use syntax_gen::Gen;

/// Edits a text: (position, character to insert, or `None` to delete one).
fn garble(base: &str, edits: &[(usize, Option<char>)]) -> String {
    let mut chars: Vec<char> = base.chars().collect();
    for &(at, c) in edits {
        let at = at % (chars.len() + 1);
        match c {
            Some(c) => chars.insert(at, c),
            None if at < chars.len() => {
                chars.remove(at);
            }
            None => {}
        }
    }
    chars.into_iter().collect()
}

fn edits() -> impl Strategy<Value = Vec<(usize, Option<char>)>> {
    let ch = prop::option::of(prop::sample::select(vec![
        '{', '}', '(', ')', '[', ']', '"', '\'', '\n', ' ', ':', '=', ',', ';', '\\', 'x', '1',
        '.', '*', '-', '<', '#', 'f', 'é',
    ]));
    prop::collection::vec((0usize..100_000, ch), 1..4)
}

/// A generated program must be valid and (unless the generator wrote one of the
/// fast parser's deliberate give-ups) built by the fast parser alone.
fn well_formed(name: &str, make: impl FnOnce(&mut Gen) -> String, seed: u64) {
    let mut g = Gen::new(seed);
    let file = SourceFile::new(name, make(&mut g));
    let (counts, valid) = compare(&file);
    assert!(valid, "the generated program is invalid:\n{}", file.text);
    if !g.may_give_up() {
        assert_eq!(
            counts.gave_up, 0,
            "the fast parser gave up on:\n{}",
            file.text
        );
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 150, ..ProptestConfig::default() })]

    #[test]
    fn generated_programs_parse_fast_and_equal(seed in any::<u64>()) {
        well_formed("gen.scn", Gen::scn, seed);
        well_formed("gen.toml", Gen::toml, seed);
    }

    #[test]
    fn garbled_programs_parse_the_same_either_way(seed in any::<u64>(), e in edits()) {
        compare(&SourceFile::new("g.scn", garble(&Gen::new(seed).scn(), &e)));
        compare(&SourceFile::new("g.toml", garble(&Gen::new(seed).toml(), &e)));
    }
}
