//! `[expect]`: the claims, one key per kind of claim.

use toml::de::{DeTable, DeValue};

use super::reader::{Reader, Value, span_of};
use crate::diag::Diagnostic;
use crate::syntax::ast::{Expect, ExpectKind, Grade, Ident, OutcomeCase};
use crate::syntax::dsl;
use crate::syntax::span::Span;

const EXPECT_KEYS: &[&str] = &[
    "deadlock",
    "deadlock_actors",
    "hang",
    "output",
    "output_contains",
    "order",
    "final",
    "raises",
    "exitcode",
    "outcome",
];
const RAISES_KEYS: &[&str] = &["type", "actor", "message"];
const OUTCOME_KEYS: &[&str] = &["observe", "cases"];
const CASE_KEYS: &[&str] = &["value", "grade", "description"];

/// Every claim of the `[expect]` table, in file order.
pub(super) fn expects(r: &mut Reader<'_>, t: &DeTable<'_>) -> Vec<Expect> {
    r.check_keys(t, EXPECT_KEYS, "`[expect]`");
    let mut out = Vec::new();
    for (k, v) in t.iter() {
        let key = k.get_ref().as_ref();
        let span = span_of(k).to(span_of(v));
        let mut push = |kind| out.push(Expect { kind, span });
        match key {
            "deadlock" => {
                let actors = match t.get("deadlock_actors") {
                    Some(a) => r
                        .strings("deadlock_actors", a)
                        .into_iter()
                        .filter_map(|s| r.ident("deadlock_actors", s))
                        .collect(),
                    None => Vec::new(),
                };
                match v.get_ref() {
                    DeValue::Boolean(true) => push(ExpectKind::Deadlock { kind: None, actors }),
                    DeValue::Boolean(false) if actors.is_empty() => push(ExpectKind::NoDeadlock),
                    DeValue::Boolean(false) => {
                        let d = Diagnostic::error(
                            "`deadlock_actors` with `deadlock = false`",
                            span_of(v),
                        )
                        .with_help("remove `deadlock_actors`, or claim a deadlock");
                        r.diags.push(d);
                    }
                    DeValue::String(_) => {
                        let kind = r.ident(key, v);
                        push(ExpectKind::Deadlock { kind, actors });
                    }
                    _ => r.wrong_type(key, v, "a deadlock kind (a string) or a boolean"),
                }
            }
            "deadlock_actors" if t.get("deadlock").is_none() => {
                let d = Diagnostic::error("`deadlock_actors` without `deadlock`", span_of(k))
                    .with_help("add `deadlock = true` or `deadlock = \"<kind>\"`");
                r.diags.push(d);
            }
            "hang" if r.bool(key, v) == Some(true) => push(ExpectKind::Hang),
            "output" => {
                if let Some((text, _)) = r.string(key, v) {
                    push(ExpectKind::Output { text });
                }
            }
            "output_contains" => {
                for s in r.strings(key, v) {
                    if let Some((text, _)) = r.string(key, s) {
                        out.push(Expect {
                            kind: ExpectKind::OutputContains { text },
                            span: span_of(s),
                        });
                    }
                }
            }
            "order" => order(r, v, &mut out),
            "final" => {
                for s in r.strings(key, v) {
                    if let Some((text, map)) = r.string(key, s)
                        && let Some(e) = r.dsl(dsl::parse_expr(&text, &map))
                    {
                        out.push(Expect {
                            kind: ExpectKind::Final(e),
                            span: span_of(s),
                        });
                    }
                }
            }
            "raises" => {
                for t in r.tables(key, v) {
                    out.extend(raises(r, t, span));
                }
            }
            "exitcode" => {
                if let Some(t) = r.table(key, v) {
                    for (actor, code) in t.iter() {
                        let name = actor.get_ref().as_ref();
                        let DeValue::Integer(i) = code.get_ref() else {
                            r.wrong_type(name, code, "an integer exit code");
                            continue;
                        };
                        let Ok(code_n) =
                            i64::from_str_radix(&i.as_str().replace('_', ""), i.radix())
                        else {
                            r.wrong_type(name, code, "a decimal integer exit code");
                            continue;
                        };
                        let actor_id = Ident {
                            name: name.to_string(),
                            span: span_of(actor),
                        };
                        out.push(Expect {
                            kind: ExpectKind::ExitCode {
                                actor: actor_id,
                                code: code_n,
                            },
                            span: span_of(actor).to(span_of(code)),
                        });
                    }
                }
            }
            "outcome" => {
                for t in r.tables(key, v) {
                    out.extend(outcome(r, t, span));
                }
            }
            _ => {}
        }
    }
    out.sort_by_key(|e| e.span.start);
    out
}

fn order(r: &mut Reader<'_>, v: &Value<'_>, out: &mut Vec<Expect>) {
    let DeValue::Array(pairs) = v.get_ref() else {
        r.wrong_type("order", v, "an array of [\"first\", \"then\"] pairs");
        return;
    };
    for p in pairs.iter() {
        let two = match p.get_ref() {
            DeValue::Array(items) if items.len() == 2 => Some(items),
            _ => None,
        };
        let Some(items) = two else {
            r.wrong_type("order", p, "a pair [\"first\", \"then\"]");
            continue;
        };
        let first = r.string("order", &items[0]);
        let then = r.string("order", &items[1]);
        if let (Some((first, _)), Some((then, _))) = (first, then) {
            out.push(Expect {
                kind: ExpectKind::Order { first, then },
                span: span_of(p),
            });
        }
    }
}

fn raises(r: &mut Reader<'_>, t: &DeTable<'_>, span: Span) -> Option<Expect> {
    r.check_keys(t, RAISES_KEYS, "a `raises` entry");
    let Some(ty) = t.get("type") else {
        let d = Diagnostic::error("`raises` entry without `type`", span)
            .with_help("name the exception: `{ type = \"TypeError\" }`");
        r.diags.push(d);
        return None;
    };
    let exc = r.ident("type", ty)?;
    let actor = match t.get("actor") {
        Some(a) => Some(r.ident("actor", a)?),
        None => None,
    };
    let message = match t.get("message") {
        Some(m) => Some(r.string("message", m)?.0),
        None => None,
    };
    Some(Expect {
        kind: ExpectKind::Raises {
            exc,
            actor,
            message,
        },
        span: span_of(ty).to(exc_end(t).unwrap_or(span_of(ty))),
    })
}

/// The span of the last value of an inline table (its entries are sorted by key).
fn exc_end(t: &DeTable<'_>) -> Option<Span> {
    t.iter().map(|(_, v)| span_of(v)).max_by_key(|s| s.end)
}

fn outcome(r: &mut Reader<'_>, t: &DeTable<'_>, span: Span) -> Option<Expect> {
    r.check_keys(t, OUTCOME_KEYS, "an `[[expect.outcome]]` table");
    let mut observe = Vec::new();
    match t.get("observe") {
        Some(o) => {
            for s in r.strings("observe", o) {
                if let Some((text, map)) = r.string("observe", s)
                    && let Some(e) = r.dsl(dsl::parse_expr(&text, &map))
                {
                    observe.push(e);
                }
            }
        }
        None => {
            let d = Diagnostic::error("outcome without `observe`", span)
                .with_help("list the observed expressions: `observe = [\"v.value\"]`");
            r.diags.push(d);
        }
    }
    let mut cases = Vec::new();
    match t.get("cases") {
        Some(c) => {
            for case in r.tables("cases", c) {
                cases.extend(outcome_case(r, case, span_of(c)));
            }
        }
        None => {
            let d = Diagnostic::error("outcome without `cases`", span)
                .with_help("add `cases = [{ value = \"1\", grade = \"acceptable\" }]`");
            r.diags.push(d);
        }
    }
    let whole = t
        .iter()
        .fold(span, |s, (k, v)| s.to(span_of(k)).to(span_of(v)));
    Some(Expect {
        kind: ExpectKind::Outcome { observe, cases },
        span: whole,
    })
}

fn outcome_case(r: &mut Reader<'_>, t: &DeTable<'_>, span: Span) -> Option<OutcomeCase> {
    r.check_keys(t, CASE_KEYS, "an outcome case");
    let case_span = t
        .iter()
        .map(|(k, v)| span_of(k).to(span_of(v)))
        .reduce(Span::to)
        .unwrap_or(span);
    let pattern = match t.get("value") {
        Some(v) if matches!(v.get_ref(), DeValue::String(_)) => {
            let (text, map) = r.string("value", v)?;
            if text.trim() == "_" {
                None
            } else {
                Some(r.dsl(dsl::parse_expr(&text, &map))?)
            }
        }
        Some(v) => Some(r.literal("value", v)?),
        None => {
            let d = Diagnostic::error("outcome case without `value`", case_span)
                .with_help("add `value = \"_\"` to match every other outcome");
            r.diags.push(d);
            return None;
        }
    };
    let Some(g) = t.get("grade") else {
        let d = Diagnostic::error("outcome case without `grade`", case_span)
            .with_help("add `grade = \"acceptable\"` (or interesting, forbidden, required)");
        r.diags.push(d);
        return None;
    };
    let grade_id = r.ident("grade", g)?;
    let grade = match Grade::from_name(&grade_id.name) {
        Some(g) => g,
        None => {
            r.diags.push(dsl::unknown_grade(&grade_id));
            return None;
        }
    };
    let description = match t.get("description") {
        Some(d) => Some(r.string("description", d)?.0),
        None => None,
    };
    Some(OutcomeCase {
        pattern,
        grade,
        description,
        span: case_span,
    })
}
