//! The text report: histogram table, run ends, deadlock explanation, verdict lines.

mod report_support;

use interp::report::TextStyle;
use interp::report::text::render;

#[test]
fn plain_report_has_every_section_without_ansi() {
    let r = report_support::report(true);
    let text = render(&r, TextStyle::PLAIN);
    assert!(!text.contains('\x1b'), "{text}");
    assert!(text.starts_with("scenario lost_update (scenarios/lost_update.scn)\n6 runs in "));
    // Histogram: header, rows by count, the interesting mark, failing marks.
    assert!(text.contains("outcome v.value  (line 4)"), "{text}");
    let rows: Vec<&str> = text
        .lines()
        .filter(|l| {
            l.starts_with("  20")
                || l.starts_with("  19")
                || l.starts_with("  17")
                || l.starts_with("  <not")
        })
        .collect();
    assert_eq!(rows.len(), 4, "{text}");
    assert!(
        rows[0].starts_with("  20                  3  50.0%  acceptable   no update lost"),
        "{:?}",
        rows[0]
    );
    assert!(rows[1].ends_with("* interesting"), "{:?}", rows[1]);
    assert!(
        rows[2].starts_with("  <not observed>") && rows[2].ends_with("FAIL"),
        "{:?}",
        rows[2]
    );
    assert!(
        rows[3].contains("required") && rows[3].ends_with("FAIL"),
        "{:?}",
        rows[3]
    );
    // Run ends and the first deadlock, indented.
    assert!(
        text.contains("run ends: 5 completed, 1 deadlock (lock_cycle)\n"),
        "{text}"
    );
    assert!(
        text.contains("first deadlock (run 3, seed 244837814042627):\n  t1 holds lock_a"),
        "{text}"
    );
    // Verdict lines with evidence and replay.
    assert!(text.contains("  FAIL line 4: outcome v.value\n"), "{text}");
    assert!(text.contains("required 17 never seen in 6 runs"), "{text}");
    assert!(text.contains("  FAIL line 5: no deadlock\n      failed in 1 of 6 runs; run 3: the run ended: deadlock lock_cycle [t1, t2]\n"), "{text}");
    assert!(text.contains("      example: run 3 (seed 244837814042627), deadlock lock_cycle [t1, t2]\n      output:\n        | value 20\n"), "{text}");
    assert!(
        text.contains(
            "replay: interp run scenarios/lost_update.scn --replay 244837814042627 --stress\n"
        ),
        "{text}"
    );
    assert!(
        text.trim_end().ends_with("FAILED: 3 of 3 claims failed"),
        "{text}"
    );
}

#[test]
fn passing_report_uses_check_marks_on_a_terminal() {
    let r = report_support::passing_report();
    let text = render(
        &r,
        TextStyle {
            color: false,
            unicode: true,
        },
    );
    assert!(text.contains("  ✓ line 4: outcome v.value\n"), "{text}");
    assert!(
        text.contains("  ✓ line 6: output contains \"done\"\n"),
        "{text}"
    );
    assert!(text.contains("★ interesting"), "{text}");
    assert!(!text.contains("first deadlock"));
    assert!(!text.contains("replay:"));
    assert!(text.trim_end().ends_with("PASSED: all 3 claims held"));
}

#[test]
fn color_adds_ansi_only_when_asked() {
    let r = report_support::report(false);
    let colored = render(
        &r,
        TextStyle {
            color: true,
            unicode: true,
        },
    );
    assert!(colored.contains("\x1b["));
    assert!(colored.contains("✗"));
    let stripped = strip_ansi(&colored);
    assert_eq!(
        stripped,
        render(
            &r,
            TextStyle {
                color: false,
                unicode: true
            }
        )
    );
}

fn strip_ansi(s: &str) -> String {
    let mut out = String::new();
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c == '\x1b' {
            for d in chars.by_ref() {
                if d.is_ascii_alphabetic() {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}
