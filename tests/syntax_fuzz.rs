//! Property tests: any input, however garbled, gives a scenario or a non-empty list of
//! diagnostics whose spans lie inside the file, and never a panic. Rendering them does
//! not panic either.

use interp::diag::render::render;
use interp::syntax::parse_scenario;
use interp::syntax::span::SourceFile;
use proptest::prelude::*;

const VALID_SCN: &str = include_str!("fixtures/syntax/valid/lost_update.scn");
const VALID_TOML: &str = include_str!("fixtures/syntax/valid/lost_update.toml");

fn check(name: &str, text: String) {
    let f = SourceFile::new(name, text);
    if let Err(diags) = parse_scenario(&f) {
        assert!(!diags.is_empty(), "empty error list for {:?}", f.text);
        for d in &diags {
            for l in &d.labels {
                assert!(
                    l.span.start <= l.span.end && l.span.end as usize <= f.text.len(),
                    "span {:?} outside {:?}: {}",
                    l.span,
                    f.text,
                    d.message
                );
            }
        }
        let _ = render(&f, &diags, false);
    }
}

/// Edits: (position, byte to insert or `None` to delete).
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

fn token_soup() -> impl Strategy<Value = String> {
    let atoms = prop::sample::select(vec![
        "x",
        "1",
        "'s'",
        "\"",
        "'''",
        "(",
        ")",
        "[",
        "]",
        "{",
        "}",
        ":",
        ",",
        ";",
        "\n",
        " ",
        "=",
        "==",
        "+",
        "**",
        "-",
        "not",
        "if",
        "else",
        "def",
        "for",
        "in",
        "lambda",
        "f\"{",
        "}\"",
        "\\",
        "#",
        "expect",
        "scenario",
        "config",
        "=>",
        "deadlock",
        "outcome",
        "中",
        "é",
        "[expect]",
        "main = ",
        "[[expect.outcome]]",
        "body",
        "\"\"\"",
    ]);
    prop::collection::vec(atoms, 0..40).prop_map(|v| v.concat())
}

fn edits() -> impl Strategy<Value = Vec<(usize, Option<char>)>> {
    let ch = prop::option::of(prop::sample::select(vec![
        '{', '}', '(', ')', '"', '\'', '\n', ' ', ':', '=', ',', '\\', 'x', '中', '#',
    ]));
    prop::collection::vec((0usize..4000, ch), 1..6)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 160, ..ProptestConfig::default() })]

    #[test]
    fn random_bytes_never_panic(s in "\\PC{0,80}") {
        check("r.scn", s.clone());
        check("r.toml", s);
    }

    #[test]
    fn token_soup_never_panics(s in token_soup()) {
        check("t.scn", s.clone());
        check("t.toml", s);
    }

    #[test]
    fn garbled_scenarios_never_panic(e in edits()) {
        check("g.scn", garble(VALID_SCN, &e));
        check("g.toml", garble(VALID_TOML, &e));
    }
}

#[test]
fn deep_nesting_is_an_error_not_a_crash() {
    for text in [
        "x = ".to_string() + &"(".repeat(5000),
        "x = ".to_string() + &"not ".repeat(5000) + "y",
        "x = ".to_string() + &"-".repeat(5000) + "y",
        "x = ".to_string() + &"2 ** ".repeat(3000) + "2",
        "x = ".to_string() + &"lambda: ".repeat(3000) + "1",
    ] {
        let f = SourceFile::new("d.scn", text);
        let diags = parse_scenario(&f).expect_err("too deep");
        assert!(
            diags[0].message.contains("too deeply"),
            "{}",
            diags[0].message
        );
    }
}
