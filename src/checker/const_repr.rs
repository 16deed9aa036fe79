//! Python `repr` of the constant expressions that outcome patterns are made of.
//!
//! Outcome claims compare what a run observed (already rendered with `repr` by the
//! interpreter) with each case's pattern; rendering the pattern with the same `repr`
//! turns the match into a string comparison, so grading never evaluates anything.

use crate::core::value::Value;
use crate::plan::ir::{Const, Expr, ExprKind};
use crate::syntax::ast::UnaryOp;

/// The `repr` of a constant expression (constants, tuples, lists, unary `-`/`+` on
/// numbers), or `None` when the expression is not constant.
pub fn const_expr_repr(e: &Expr) -> Option<String> {
    const_value(e).map(|v| crate::core::repr::repr(&v))
}

fn const_value(e: &Expr) -> Option<Value> {
    Some(match &e.kind {
        ExprKind::Const(c) => crate::core::eval::const_value(c),
        ExprKind::Tuple(items) => {
            Value::tuple(items.iter().map(const_value).collect::<Option<_>>()?)
        }
        ExprKind::List(items) => Value::list(items.iter().map(const_value).collect::<Option<_>>()?),
        ExprKind::Unary(op, inner) => match (&inner.kind, op) {
            (ExprKind::Const(Const::Int(i)), UnaryOp::Neg) => Value::Int(i.checked_neg()?),
            (ExprKind::Const(Const::Float(f)), UnaryOp::Neg) => Value::Float(-f),
            (ExprKind::Const(c @ (Const::Int(_) | Const::Float(_))), UnaryOp::Pos) => {
                crate::core::eval::const_value(c)
            }
            _ => return None,
        },
        _ => return None,
    })
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
            assert_eq!(
                const_expr_repr(&c(Const::Float(f))).as_deref(),
                Some(want),
                "{f}"
            );
        }
    }

    #[test]
    fn strings_pick_quotes_like_python() {
        let r = |s: &str| const_expr_repr(&c(Const::Str(s.into()))).unwrap_or_default();
        assert_eq!(r("ab"), "'ab'");
        assert_eq!(r("it's"), "\"it's\"");
        assert_eq!(r("a'b\"c"), "'a\\'b\"c'");
        assert_eq!(r("x\ny"), "'x\\ny'");
        assert_eq!(r("进程"), "'进程'");
        let b = const_expr_repr(&c(Const::Bytes(std::sync::Arc::from(&b"a\x00"[..]))));
        assert_eq!(b.as_deref(), Some("b'a\\x00'"));
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
