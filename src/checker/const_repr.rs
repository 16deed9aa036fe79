//! Python `repr` of the constant expressions that outcome patterns are made of.
//!
//! Outcome claims compare what a run observed (already rendered with `repr` by the
//! interpreter) with each case's pattern; rendering the pattern the same way turns the
//! match into a string comparison, so grading never needs runtime values.

use crate::plan::ir::{Const, Expr, ExprKind};
use crate::syntax::ast::UnaryOp;

/// The `repr` of a constant expression (constants, tuples, lists, unary `-`/`+` on
/// numbers), or `None` when the expression is not constant.
pub fn const_expr_repr(e: &Expr) -> Option<String> {
    match &e.kind {
        ExprKind::Const(c) => Some(const_repr(c)),
        ExprKind::Tuple(items) => {
            let parts = items
                .iter()
                .map(const_expr_repr)
                .collect::<Option<Vec<_>>>()?;
            Some(match parts.len() {
                1 => format!("({},)", parts[0]),
                _ => format!("({})", parts.join(", ")),
            })
        }
        ExprKind::List(items) => {
            let parts = items
                .iter()
                .map(const_expr_repr)
                .collect::<Option<Vec<_>>>()?;
            Some(format!("[{}]", parts.join(", ")))
        }
        ExprKind::Unary(op, inner) => match (&inner.kind, op) {
            (ExprKind::Const(Const::Int(i)), UnaryOp::Neg) => Some(i.checked_neg()?.to_string()),
            (ExprKind::Const(Const::Float(f)), UnaryOp::Neg) => Some(float_repr(-f)),
            (ExprKind::Const(c @ (Const::Int(_) | Const::Float(_))), UnaryOp::Pos) => {
                Some(const_repr(c))
            }
            _ => None,
        },
        _ => None,
    }
}

/// The `repr` of one constant.
pub fn const_repr(c: &Const) -> String {
    match c {
        Const::None => "None".to_string(),
        Const::Bool(true) => "True".to_string(),
        Const::Bool(false) => "False".to_string(),
        Const::Int(i) => i.to_string(),
        Const::Float(f) => float_repr(*f),
        Const::Str(s) => str_repr(s),
        Const::Bytes(b) => bytes_repr(b),
    }
}

/// Python's `repr(float)`: the shortest round-tripping digits, positional for decimal
/// exponents in `-4..16`, scientific (`1e+16`, `1e-05`) outside.
pub fn float_repr(f: f64) -> String {
    if f.is_nan() {
        return "nan".to_string();
    }
    if f.is_infinite() {
        return if f > 0.0 { "inf" } else { "-inf" }.to_string();
    }
    // `{:e}` gives the shortest round-tripping digits: `-1.2345e-7`.
    let sci = format!("{f:e}");
    let (mantissa, exp) = sci.split_once('e').unwrap_or((&sci, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    let (sign, mantissa) = match mantissa.strip_prefix('-') {
        Some(m) => ("-", m),
        None => ("", mantissa),
    };
    let digits: String = mantissa.chars().filter(|c| *c != '.').collect();
    if (-4..16).contains(&exp) {
        let point = exp + 1;
        let body = if point <= 0 {
            format!("0.{}{}", "0".repeat((-point) as usize), digits)
        } else if point as usize >= digits.len() {
            format!("{}{}.0", digits, "0".repeat(point as usize - digits.len()))
        } else {
            let (int, frac) = digits.split_at(point as usize);
            format!("{int}.{frac}")
        };
        format!("{sign}{body}")
    } else {
        let (first, rest) = digits.split_at(1);
        let frac = if rest.is_empty() {
            String::new()
        } else {
            format!(".{rest}")
        };
        let exp_sign = if exp < 0 { '-' } else { '+' };
        format!("{sign}{first}{frac}e{exp_sign}{:02}", exp.abs())
    }
}

/// Python's `repr(str)`: single quotes unless the text has `'` and no `"`.
pub fn str_repr(s: &str) -> String {
    let quote = if s.contains('\'') && !s.contains('"') {
        '"'
    } else {
        '\''
    };
    let mut out = String::with_capacity(s.len() + 2);
    out.push(quote);
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c == quote => {
                out.push('\\');
                out.push(c);
            }
            c if (c as u32) < 0x20 || c as u32 == 0x7f => {
                out.push_str(&format!("\\x{:02x}", c as u32));
            }
            c => out.push(c),
        }
    }
    out.push(quote);
    out
}

/// Python's `repr(bytes)`.
pub fn bytes_repr(b: &[u8]) -> String {
    let quote = if b.contains(&b'\'') && !b.contains(&b'"') {
        b'"'
    } else {
        b'\''
    };
    let mut out = String::from("b");
    out.push(quote as char);
    for &c in b {
        match c {
            b'\\' => out.push_str("\\\\"),
            b'\n' => out.push_str("\\n"),
            b'\r' => out.push_str("\\r"),
            b'\t' => out.push_str("\\t"),
            c if c == quote => {
                out.push('\\');
                out.push(c as char);
            }
            0x20..=0x7e => out.push(c as char),
            c => out.push_str(&format!("\\x{c:02x}")),
        }
    }
    out.push(quote as char);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::syntax::span::Span;

    fn c(k: Const) -> Expr {
        Expr {
            kind: ExprKind::Const(k),
            span: Span::default(),
        }
    }

    fn e(kind: ExprKind) -> Expr {
        Expr {
            kind,
            span: Span::default(),
        }
    }

    #[test]
    fn floats_render_like_python() {
        let cases = [
            (1.0, "1.0"),
            (0.1, "0.1"),
            (-2.5, "-2.5"),
            (1e16, "1e+16"),
            (1.5e16, "1.5e+16"),
            (123456789012345.0, "123456789012345.0"),
            (0.0001, "0.0001"),
            (0.00001, "1e-05"),
            (-0.0, "-0.0"),
            (100.0, "100.0"),
            (f64::INFINITY, "inf"),
        ];
        for (f, want) in cases {
            assert_eq!(float_repr(f), want, "{f}");
        }
    }

    #[test]
    fn strings_pick_quotes_like_python() {
        assert_eq!(str_repr("ab"), "'ab'");
        assert_eq!(str_repr("it's"), "\"it's\"");
        assert_eq!(str_repr("a'b\"c"), "'a\\'b\"c'");
        assert_eq!(str_repr("x\ny"), "'x\\ny'");
        assert_eq!(str_repr("进程"), "'进程'");
        assert_eq!(bytes_repr(b"a\x00"), "b'a\\x00'");
    }

    #[test]
    fn tuples_lists_and_negation() {
        let one = e(ExprKind::Tuple(vec![c(Const::Int(1))]));
        assert_eq!(const_expr_repr(&one).as_deref(), Some("(1,)"));
        let neg = e(ExprKind::Unary(UnaryOp::Neg, Box::new(c(Const::Int(3)))));
        let t = e(ExprKind::Tuple(vec![
            neg,
            c(Const::Str("a".into())),
            e(ExprKind::List(vec![c(Const::Bool(true)), c(Const::None)])),
        ]));
        assert_eq!(
            const_expr_repr(&t).as_deref(),
            Some("(-3, 'a', [True, None])")
        );
        assert_eq!(
            const_expr_repr(&e(ExprKind::Tuple(vec![]))).as_deref(),
            Some("()")
        );
    }

    #[test]
    fn non_constants_have_no_repr() {
        let load = e(ExprKind::Load(crate::plan::ir::Place::Global(0)));
        assert_eq!(const_expr_repr(&load), None);
        let not = e(ExprKind::Unary(
            UnaryOp::Not,
            Box::new(c(Const::Bool(true))),
        ));
        assert_eq!(const_expr_repr(&not), None);
    }
}
