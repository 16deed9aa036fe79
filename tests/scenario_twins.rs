//! Scenarios written in both syntaxes (`x.scn` beside `x.toml`) must lower to the same
//! plan: nothing after the front end may depend on the syntax.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use interp::cli::load::{LoadError, load};
use interp::plan::ir::Program;

fn twins(dir: &Path, out: &mut BTreeMap<PathBuf, (bool, bool)>) {
    for entry in std::fs::read_dir(dir).expect("read scenarios") {
        let path = entry.expect("entry").path();
        if path.is_dir() {
            twins(&path, out);
            continue;
        }
        let ext = path.extension().and_then(|e| e.to_str());
        let slot = out.entry(path.with_extension("")).or_default();
        match ext {
            Some("scn") => slot.0 = true,
            Some("toml") => slot.1 = true,
            _ => {}
        }
    }
}

/// Removes every `Span { start: N, end: N }` from a debug dump: the two files place the
/// same code at different offsets.
fn without_spans(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find("Span { start: ") {
        out.push_str(&rest[..i]);
        let after = &rest[i..];
        let end = after.find('}').map_or(after.len(), |e| e + 1);
        rest = &after[end..];
    }
    out.push_str(rest);
    out
}

/// What must not depend on the syntax: everything but the source text and spans.
fn shape(p: &Program) -> String {
    let mut labels: Vec<&String> = p.labels.iter().map(|(_, l)| l).collect();
    labels.sort();
    let globals: Vec<&str> = p.globals.iter().map(|g| g.name.as_str()).collect();
    without_spans(&format!(
        "name={:?}\nconfig={:?}\nglobals={globals:?}\nfunctions={:?}\nmain={}\nexpects={:?}\nfacts={:?}\nlabels={labels:?}",
        p.name, p.config, p.functions, p.main, p.expects, p.facts
    ))
}

fn plan(path: &Path) -> std::sync::Arc<Program> {
    match load(path, false) {
        Ok(p) => p,
        Err(LoadError::Invalid(t) | LoadError::Io(t)) => panic!("{}: {t}", path.display()),
    }
}

#[test]
fn every_twin_pair_lowers_to_the_same_plan() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios");
    let mut found = BTreeMap::new();
    twins(&root, &mut found);
    let pairs: Vec<&PathBuf> = found
        .iter()
        .filter(|(_, (s, t))| *s && *t)
        .map(|(k, _)| k)
        .collect();
    assert!(
        pairs.len() >= 10,
        "only {} twin pairs: {pairs:?}",
        pairs.len()
    );
    for stem in pairs {
        let dsl = plan(&stem.with_extension("scn"));
        let toml = plan(&stem.with_extension("toml"));
        assert_eq!(
            shape(&dsl),
            shape(&toml),
            "{} differs between its two syntaxes",
            stem.display()
        );
    }
}

#[test]
fn span_erasure_keeps_everything_else() {
    assert_eq!(
        without_spans("Stmt { kind: Pass, span: Span { start: 3, end: 7 } }"),
        "Stmt { kind: Pass, span:  }"
    );
}
