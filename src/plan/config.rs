//! The `config` block → [`Config`]: known keys, each with its type.

use crate::diag::Diagnostic;
use crate::diag::did_you_mean::did_you_mean;
use crate::plan::ir::Config;
use crate::syntax::ast::{ConfigItem, Expr, ExprKind, UnaryOp};
use crate::syntax::span::Span;

const KEYS: &[&str] = &[
    "runs",
    "time_scale",
    "timeout",
    "gil",
    "seed",
    "inputs",
    "max_processes",
    "max_threads",
    "stress",
];

/// A literal number, with unary minus folded.
fn number(e: &Expr) -> Option<f64> {
    match &e.kind {
        ExprKind::Int(i) => Some(*i as f64),
        ExprKind::Float(f) => Some(*f),
        ExprKind::Unary {
            op: UnaryOp::Neg,
            operand,
        } => number(operand).map(|n| -n),
        _ => None,
    }
}

fn int(e: &Expr) -> Option<i128> {
    match &e.kind {
        ExprKind::Int(i) => Some(*i),
        ExprKind::Unary {
            op: UnaryOp::Neg,
            operand,
        } => int(operand).map(|n| -n),
        _ => None,
    }
}

fn wrong_type(key: &str, expected: &str, span: Span) -> Diagnostic {
    Diagnostic::error(format!("config key '{key}' expects {expected}"), span)
        .with_label(format!("expected {expected}"))
}

/// Reads the config items over the defaults; every error is pushed to `diags`.
pub fn lower_config(items: &[ConfigItem], diags: &mut Vec<Diagnostic>) -> Config {
    let mut c = Config::default();
    let mut seen: Vec<(&str, Span)> = Vec::new();
    for item in items {
        let key = item.key.name.as_str();
        let v = &item.value;
        if !KEYS.contains(&key) {
            let mut d = Diagnostic::error(format!("unknown config key '{key}'"), item.key.span)
                .with_label("unknown key");
            d = match did_you_mean(key, KEYS.iter().copied()) {
                Some(s) => d.with_help(format!("did you mean '{s}'?")),
                None => d.with_help(format!("known keys: {}", KEYS.join(", "))),
            };
            diags.push(d);
            continue;
        }
        if let Some((_, first)) = seen.iter().find(|(k, _)| *k == key) {
            diags.push(
                Diagnostic::error(format!("config key '{key}' is set twice"), item.key.span)
                    .with_label("set again here")
                    .with_secondary(*first, "first set here"),
            );
            continue;
        }
        seen.push((key, item.key.span));
        let count = |min: i128, max: i128| int(v).filter(|i| (min..=max).contains(i));
        match key {
            "runs" | "max_processes" | "max_threads" => match count(1, u32::MAX as i128) {
                Some(n) => {
                    let n = n as u32;
                    match key {
                        "runs" => c.runs = n,
                        "max_processes" => c.max_processes = n,
                        _ => c.max_threads = n,
                    }
                }
                None => diags.push(wrong_type(key, "a positive integer", v.span)),
            },
            "seed" => match count(0, u64::MAX as i128) {
                Some(n) => c.seed = n as u64,
                None => diags.push(wrong_type(key, "a non-negative integer", v.span)),
            },
            "time_scale" | "timeout" => match number(v).filter(|n| *n > 0.0 && n.is_finite()) {
                Some(n) if key == "time_scale" => c.time_scale = n,
                Some(n) => c.timeout = n,
                None => diags.push(wrong_type(key, "a positive number", v.span)),
            },
            "gil" | "stress" => match v.kind {
                ExprKind::Bool(b) if key == "gil" => c.gil = b,
                ExprKind::Bool(b) => c.stress = b,
                _ => diags.push(wrong_type(key, "true or false", v.span)),
            },
            _ => {
                let strings = match &v.kind {
                    ExprKind::List(items) | ExprKind::Tuple(items) => items
                        .iter()
                        .map(|i| match &i.kind {
                            ExprKind::Str(s) => Some(s.clone()),
                            _ => None,
                        })
                        .collect::<Option<Vec<_>>>(),
                    _ => None,
                };
                match strings {
                    Some(s) => c.inputs = s,
                    None => diags.push(wrong_type(key, "a list of strings", v.span)),
                }
            }
        }
    }
    c
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::syntax::ast::Ident;

    fn item(key: &str, kind: ExprKind, at: usize) -> ConfigItem {
        let span = Span::new(at, at + key.len());
        ConfigItem {
            key: Ident {
                name: key.into(),
                span,
            },
            value: Expr {
                kind,
                span: Span::new(at + 10, at + 12),
            },
            span,
        }
    }

    #[test]
    fn known_keys_set_the_config() {
        let mut d = Vec::new();
        let c = lower_config(
            &[
                item("runs", ExprKind::Int(100), 0),
                item("time_scale", ExprKind::Float(0.01), 20),
                item("gil", ExprKind::Bool(true), 40),
                item(
                    "inputs",
                    ExprKind::List(vec![Expr {
                        kind: ExprKind::Str("yes".into()),
                        span: Span::default(),
                    }]),
                    60,
                ),
            ],
            &mut d,
        );
        assert!(d.is_empty(), "{d:?}");
        assert_eq!((c.runs, c.time_scale, c.gil), (100, 0.01, true));
        assert_eq!(c.inputs, ["yes"]);
        assert_eq!(c.timeout, Config::default().timeout);
    }

    #[test]
    fn unknown_keys_wrong_types_and_repeats_are_errors() {
        let mut d = Vec::new();
        lower_config(
            &[
                item("runz", ExprKind::Int(1), 0),
                item("runs", ExprKind::Str("x".into()), 20),
                item("seed", ExprKind::Int(1), 40),
                item("seed", ExprKind::Int(2), 60),
                item("timeout", ExprKind::Int(0), 80),
            ],
            &mut d,
        );
        let got: Vec<(&str, Option<&str>, u32)> = d
            .iter()
            .map(|d| (d.message.as_str(), d.help.as_deref(), d.span().start))
            .collect();
        assert_eq!(
            got,
            [
                ("unknown config key 'runz'", Some("did you mean 'runs'?"), 0),
                ("config key 'runs' expects a positive integer", None, 30),
                ("config key 'seed' is set twice", None, 60),
                ("config key 'timeout' expects a positive number", None, 90),
            ]
        );
    }
}
