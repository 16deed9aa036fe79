//! Golden corpus of the front ends: every invalid input under
//! `tests/fixtures/syntax/invalid/` renders (color off) exactly as its `.stderr` file;
//! every valid one parses, and each `.scn`/`.toml` twin parses to the same AST modulo
//! spans. `UPDATE_GOLDEN=1 cargo test --test syntax_golden` rewrites the `.stderr` files.

mod golden_support;

use std::fs;
use std::path::{Path, PathBuf};

use golden_support::Goldens;
use interp::diag::render::render;
use interp::syntax::ast::Scenario;
use interp::syntax::parse_scenario;
use interp::syntax::span::SourceFile;

fn fixtures(dir: &str) -> Vec<PathBuf> {
    golden_support::fixtures(
        &Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/syntax")
            .join(dir),
    )
}

fn load(path: &Path) -> SourceFile {
    let name = path.file_name().unwrap().to_string_lossy().into_owned();
    SourceFile::new(name, fs::read_to_string(path).unwrap())
}

#[test]
fn invalid_inputs_render_as_their_golden_files() {
    let files = fixtures("invalid");
    assert!(files.len() >= 25, "the corpus has {} inputs", files.len());
    let mut goldens = Goldens::new();
    for path in files {
        let file = load(&path);
        match parse_scenario(&file) {
            Ok(_) => goldens.fail(format!("{}: parsed without error", file.name)),
            Err(diags) => {
                assert!(!diags.is_empty(), "{}: empty error list", file.name);
                goldens.compare(&path, &render(&file, &diags, false));
            }
        }
    }
    goldens.finish();
}

/// The AST's `Debug` text with every span erased, for comparing the two front ends.
fn without_spans(sc: &Scenario) -> String {
    let text = format!("{sc:?}");
    let mut out = String::with_capacity(text.len());
    let mut rest = text.as_str();
    while let Some(i) = rest.find("Span { start: ") {
        out.push_str(&rest[..i]);
        let end = rest[i..].find('}').map_or(rest.len(), |j| i + j + 1);
        out.push_str("Span");
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
}

#[test]
fn valid_inputs_parse_and_twins_agree() {
    let files = fixtures("valid");
    assert!(files.len() >= 4);
    let mut twins = 0;
    for path in &files {
        let file = load(path);
        let sc = match parse_scenario(&file) {
            Ok(sc) => sc,
            Err(d) => panic!(
                "{} does not parse:\n{}",
                file.name,
                render(&file, &d, false)
            ),
        };
        if path.extension().unwrap() == "scn" {
            let twin = path.with_extension("toml");
            if twin.exists() {
                let tfile = load(&twin);
                let tsc = parse_scenario(&tfile)
                    .unwrap_or_else(|d| panic!("{}", render(&tfile, &d, false)));
                assert_eq!(
                    without_spans(&sc),
                    without_spans(&tsc),
                    "{} and its twin",
                    file.name
                );
                twins += 1;
            }
        }
    }
    assert!(twins >= 2, "only {twins} twin pairs");
}

#[test]
fn span_eraser_erases_only_spans() {
    let f = SourceFile::new("a.scn", "x = 1\n");
    let g = SourceFile::new("b.scn", "\n\nx   =   1");
    let a = parse_scenario(&f).unwrap();
    let b = parse_scenario(&g).unwrap();
    assert_ne!(a, b);
    assert_eq!(without_spans(&a), without_spans(&b));
    let h = SourceFile::new("c.scn", "x = 2\n");
    assert_ne!(
        without_spans(&a),
        without_spans(&parse_scenario(&h).unwrap())
    );
}
