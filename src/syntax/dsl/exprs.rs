//! Expressions, with Python's precedence already encoded in the grammar's rule nesting.

use super::Rule;
use super::builder::{Builder, P, children, next};
use crate::diag::Diagnostic;
use crate::syntax::ast::{Arg, BinOp, BoolOp, CmpOp, Expr, ExprKind, UnaryOp};

fn bin_op(rule: Rule) -> BinOp {
    match rule {
        Rule::op_bitor => BinOp::BitOr,
        Rule::op_bitxor => BinOp::BitXor,
        Rule::op_bitand => BinOp::BitAnd,
        Rule::op_shl => BinOp::Shl,
        Rule::op_shr => BinOp::Shr,
        Rule::op_add => BinOp::Add,
        Rule::op_sub => BinOp::Sub,
        Rule::op_mul => BinOp::Mul,
        Rule::op_floordiv => BinOp::FloorDiv,
        Rule::op_div => BinOp::Div,
        Rule::op_mod => BinOp::Mod,
        _ => BinOp::Pow,
    }
}

fn cmp_op(rule: Rule) -> CmpOp {
    match rule {
        Rule::op_eq => CmpOp::Eq,
        Rule::op_ne => CmpOp::Ne,
        Rule::op_le => CmpOp::Le,
        Rule::op_ge => CmpOp::Ge,
        Rule::op_lt => CmpOp::Lt,
        Rule::op_gt => CmpOp::Gt,
        Rule::op_not_in => CmpOp::NotIn,
        Rule::op_in => CmpOp::In,
        Rule::op_is_not => CmpOp::IsNot,
        _ => CmpOp::Is,
    }
}

/// Nesting of expression rules beyond which the builder gives up (each operator chain
/// or bracket level adds a few).
const MAX_DEPTH: usize = 400;
const TOO_DEEP: &str = "expression is nested too deeply";

fn boxed(e: Expr) -> Box<Expr> {
    Box::new(e)
}

impl Builder<'_> {
    pub(super) fn expr(&mut self, p: P<'_>) -> Expr {
        if self.depth >= MAX_DEPTH {
            let span = self.span(&p);
            if !self.diags.iter().any(|d| d.message == TOO_DEEP) {
                self.error(Diagnostic::error(TOO_DEEP, span));
            }
            return Expr {
                kind: ExprKind::None,
                span,
            };
        }
        self.depth += 1;
        let e = self.expr_at_depth(p);
        self.depth -= 1;
        e
    }

    fn expr_at_depth(&mut self, p: P<'_>) -> Expr {
        // Most levels pass a single child through: only measure a span when a node is made.
        let whole = p.clone();
        let kind = match p.as_rule() {
            Rule::lambda => {
                let mut params = Vec::new();
                let mut body = None;
                for c in children(p) {
                    match c.as_rule() {
                        Rule::param => params.push(self.param(c)),
                        _ => body = Some(self.expr(c)),
                    }
                }
                let body = body.expect("a lambda has a body");
                ExprKind::Lambda {
                    params,
                    body: boxed(body),
                }
            }
            Rule::ternary => {
                let mut it = children(p);
                let then = self.expr(next(&mut it));
                let Some(cond) = it.next() else {
                    return then;
                };
                let cond = self.expr(cond);
                let orelse = self.expr(next(&mut it));
                ExprKind::IfExp {
                    cond: boxed(cond),
                    then: boxed(then),
                    orelse: boxed(orelse),
                }
            }
            Rule::or_test | Rule::and_test => {
                let op = if p.as_rule() == Rule::or_test {
                    BoolOp::Or
                } else {
                    BoolOp::And
                };
                let mut it = children(p);
                let mut acc = self.expr(next(&mut it));
                for c in it {
                    let right = self.expr(c);
                    acc = Expr {
                        span: acc.span.to(right.span),
                        kind: ExprKind::BoolOp {
                            op,
                            left: boxed(acc),
                            right: boxed(right),
                        },
                    };
                }
                return acc;
            }
            Rule::not_test => {
                let c = next(&mut children(p));
                if c.as_rule() != Rule::not_test {
                    return self.expr(c);
                }
                ExprKind::Unary {
                    op: UnaryOp::Not,
                    operand: boxed(self.expr(c)),
                }
            }
            Rule::comparison => {
                let mut it = children(p);
                let left = self.expr(next(&mut it));
                let mut rest = Vec::new();
                while let Some(op) = it.next() {
                    let right = self.expr(next(&mut it));
                    rest.push((cmp_op(op.as_rule()), right));
                }
                if rest.is_empty() {
                    return left;
                }
                ExprKind::Compare {
                    left: boxed(left),
                    rest,
                }
            }
            Rule::bit_or
            | Rule::bit_xor
            | Rule::bit_and
            | Rule::shift
            | Rule::arith
            | Rule::term => {
                let mut it = children(p);
                let mut acc = self.expr(next(&mut it));
                while let Some(op) = it.next() {
                    let right = self.expr(next(&mut it));
                    acc = Expr {
                        span: acc.span.to(right.span),
                        kind: ExprKind::Binary {
                            op: bin_op(op.as_rule()),
                            left: boxed(acc),
                            right: boxed(right),
                        },
                    };
                }
                return acc;
            }
            Rule::factor => {
                let mut it = children(p);
                let first = next(&mut it);
                let op = match first.as_rule() {
                    Rule::op_neg => UnaryOp::Neg,
                    Rule::op_pos => UnaryOp::Pos,
                    Rule::op_invert => UnaryOp::Invert,
                    _ => return self.expr(first),
                };
                ExprKind::Unary {
                    op,
                    operand: boxed(self.expr(next(&mut it))),
                }
            }
            Rule::power => {
                let mut it = children(p);
                let base = self.expr(next(&mut it));
                if it.next().is_none() {
                    return base;
                }
                let exp = self.expr(next(&mut it));
                ExprKind::Binary {
                    op: BinOp::Pow,
                    left: boxed(base),
                    right: boxed(exp),
                }
            }
            Rule::primary => return self.primary(p),
            Rule::expr_list => return self.expr_list(p),
            _ => return self.atom(p),
        };
        Expr {
            kind,
            span: self.span(&whole),
        }
    }

    /// `a, b` is a tuple, `a,` too; `a` alone is itself.
    pub(super) fn expr_list(&mut self, p: P<'_>) -> Expr {
        self.comma_list(p, Self::expr)
    }

    /// Assignment targets: `x`, `a.b`, `d[k]`, `(a, b)`, `[a, b]`, `a, b`.
    pub(super) fn target_list(&mut self, p: P<'_>) -> Expr {
        self.comma_list(p, Self::target)
    }

    /// Items separated by commas, each built by `item`: a tuple when there are several
    /// or a trailing comma, else the one item itself.
    fn comma_list(&mut self, p: P<'_>, item: fn(&mut Self, P<'_>) -> Expr) -> Expr {
        let span = self.span(&p);
        let mut items = Vec::new();
        let mut comma = false;
        for c in children(p) {
            if c.as_rule() == Rule::trailing_comma {
                comma = true;
            } else {
                items.push(item(self, c));
            }
        }
        if items.len() == 1 && !comma {
            return items.pop().expect("one item");
        }
        Expr {
            kind: ExprKind::Tuple(items),
            span,
        }
    }

    pub(super) fn target(&mut self, p: P<'_>) -> Expr {
        let span = self.span(&p);
        match p.as_rule() {
            Rule::paren_target => {
                let inner = self.target_list(next(&mut children(p)));
                Expr { span, ..inner }
            }
            Rule::bracket_target => {
                let inner = self.target_list(next(&mut children(p)));
                Expr::list_target(inner, span)
            }
            _ => self.expr(p),
        }
    }

    fn primary(&mut self, p: P<'_>) -> Expr {
        let mut it = children(p);
        let mut acc = self.expr(next(&mut it));
        for t in it {
            let span = acc.span.to(self.span(&t));
            let kind = match t.as_rule() {
                Rule::call => {
                    let args = children(t).map(|a| self.arg(a)).collect();
                    ExprKind::Call {
                        func: boxed(acc),
                        args,
                    }
                }
                Rule::attribute => {
                    let name = self.ident(&next(&mut children(t)));
                    ExprKind::Attr {
                        obj: boxed(acc),
                        name,
                    }
                }
                _ => {
                    let inner = next(&mut children(t));
                    if inner.as_rule() == Rule::slice {
                        let (mut lo, mut hi, mut step) = (None, None, None);
                        for part in children(inner) {
                            let rule = part.as_rule();
                            let e = Some(boxed(self.expr(next(&mut children(part)))));
                            match rule {
                                Rule::slice_lo => lo = e,
                                Rule::slice_hi => hi = e,
                                _ => step = e,
                            }
                        }
                        ExprKind::Slice {
                            obj: boxed(acc),
                            lo,
                            hi,
                            step,
                        }
                    } else {
                        ExprKind::Index {
                            obj: boxed(acc),
                            index: boxed(self.expr_list(inner)),
                        }
                    }
                }
            };
            acc = Expr { kind, span };
        }
        acc
    }

    fn arg(&mut self, p: P<'_>) -> Arg {
        match p.as_rule() {
            Rule::kwarg => {
                let mut it = children(p);
                let name = Some(self.ident(&next(&mut it)));
                let value = self.expr(next(&mut it));
                Arg {
                    name,
                    star: false,
                    value,
                }
            }
            Rule::star_arg => Arg {
                name: None,
                star: true,
                value: self.expr(next(&mut children(p))),
            },
            _ => Arg {
                name: None,
                star: false,
                value: self.expr(p),
            },
        }
    }

    fn atom(&mut self, p: P<'_>) -> Expr {
        let span = self.span(&p);
        let kind = match p.as_rule() {
            Rule::paren => {
                let mut items = Vec::new();
                let mut comma = false;
                for c in children(p) {
                    if c.as_rule() == Rule::trailing_comma {
                        comma = true;
                    } else {
                        items.push(self.expr(c));
                    }
                }
                if items.len() == 1 && !comma {
                    // Python's AST keeps the inner span; so do we.
                    return items.pop().expect("one item");
                }
                ExprKind::Tuple(items)
            }
            Rule::list_display => {
                let mut items = Vec::new();
                for c in children(p) {
                    if c.as_rule() == Rule::list_comp {
                        return self.list_comp(c, span);
                    }
                    items.push(self.expr(c));
                }
                ExprKind::List(items)
            }
            Rule::dict_display => {
                let mut items = Vec::new();
                for c in children(p) {
                    let mut kv = children(c);
                    let k = self.expr(next(&mut kv));
                    let v = self.expr(next(&mut kv));
                    items.push((k, v));
                }
                ExprKind::Dict(items)
            }
            Rule::none_lit => ExprKind::None,
            Rule::true_lit => ExprKind::Bool(true),
            Rule::false_lit => ExprKind::Bool(false),
            Rule::name => ExprKind::Name(p.as_str().to_string()),
            Rule::strings => return self.strings(p),
            Rule::unterminated_string => {
                self.unterminated_string(&p);
                ExprKind::None
            }
            _ => self.number(&p),
        };
        Expr { kind, span }
    }

    fn list_comp(&mut self, p: P<'_>, span: crate::syntax::span::Span) -> Expr {
        let mut it = children(p);
        let elt = self.expr(next(&mut it));
        let target = self.target_list(next(&mut it));
        self.check_target(&target, false);
        let iter = self.expr(next(&mut it));
        let cond = it.next().map(|c| boxed(self.expr(next(&mut children(c)))));
        Expr {
            kind: ExprKind::ListComp {
                elt: boxed(elt),
                target: boxed(target),
                iter: boxed(iter),
                cond,
            },
            span,
        }
    }
}
