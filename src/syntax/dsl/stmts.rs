//! Statements: blocks, assignments, control flow.

use super::Rule;
use super::builder::{Builder, P, children, keyword_as_name, next};
use crate::diag::Diagnostic;
use crate::syntax::ast::{BinOp, Block, Expr, ExprKind, Handler, Stmt, StmtKind};

impl Builder<'_> {
    pub(super) fn block(&mut self, p: P<'_>) -> Block {
        children(p).filter_map(|s| self.stmt(s)).collect()
    }

    /// One statement inside a block (or at the module's top level, where `items` has
    /// already taken `def` and `import` out).
    pub(super) fn stmt(&mut self, p: P<'_>) -> Option<Stmt> {
        let span = self.span(&p);
        let rule = p.as_rule();
        let kind = match rule {
            Rule::keyword_assign => {
                let id = self.ident(&next(&mut p.into_inner()));
                self.error(keyword_as_name(&id));
                return None;
            }
            Rule::if_stmt => {
                let mut branches = Vec::new();
                let mut orelse = None;
                let mut it = children(p);
                let cond = self.expr(next(&mut it));
                branches.push((cond, self.block(next(&mut it))));
                for c in it {
                    let mut parts = children(c.clone());
                    match c.as_rule() {
                        Rule::elif_clause => {
                            let cond = self.expr(next(&mut parts));
                            branches.push((cond, self.block(next(&mut parts))));
                        }
                        _ => orelse = Some(self.block(next(&mut parts))),
                    }
                }
                StmtKind::If { branches, orelse }
            }
            Rule::while_stmt => {
                let mut it = children(p);
                let cond = self.expr(next(&mut it));
                let body = self.block(next(&mut it));
                StmtKind::While { cond, body }
            }
            Rule::for_stmt => {
                let mut it = children(p);
                let target = self.target_list(next(&mut it));
                self.check_target(&target, false);
                let iter = self.expr_list(next(&mut it));
                let body = self.block(next(&mut it));
                StmtKind::For { target, iter, body }
            }
            Rule::with_stmt => {
                let mut items = Vec::new();
                let mut body = Vec::new();
                for c in children(p) {
                    if c.as_rule() == Rule::block {
                        body = self.block(c);
                        continue;
                    }
                    let mut parts = children(c);
                    let ctx = self.expr(next(&mut parts));
                    let target = parts.next().map(|t| self.target(t));
                    if let Some(t) = &target {
                        self.check_target(t, false);
                    }
                    items.push((ctx, target));
                }
                StmtKind::With { items, body }
            }
            Rule::try_stmt => {
                let head = p.as_span().start();
                self.try_stmt(p, self.map.span(head, head + 3))?
            }
            Rule::def_stmt => {
                let name = self.ident(&next(&mut children(p)));
                let d = Diagnostic::error("`def` is only allowed at the top level", name.span)
                    .with_label("function defined inside a block")
                    .with_help(format!(
                        "move `def {}` to the top level: functions are module-level, as in Python",
                        name.name
                    ));
                self.error(d);
                return None;
            }
            Rule::import_stmt | Rule::from_import => {
                let d = Diagnostic::error("imports are only allowed at the top level", span)
                    .with_help("move the import to the top level of the scenario");
                self.error(d);
                return None;
            }
            Rule::pass_stmt => StmtKind::Pass,
            Rule::break_stmt => StmtKind::Break,
            Rule::continue_stmt => StmtKind::Continue,
            Rule::return_stmt => StmtKind::Return(children(p).next().map(|e| self.expr_list(e))),
            Rule::raise_stmt => StmtKind::Raise(children(p).next().map(|e| self.expr(e))),
            Rule::global_stmt => {
                StmtKind::Global(children(p).map(|n| self.name_or_reserved(&n)).collect())
            }
            Rule::assert_stmt => {
                let mut it = children(p);
                let cond = self.expr(next(&mut it));
                let msg = it.next().map(|m| self.expr(m));
                StmtKind::Assert { cond, msg }
            }
            Rule::del_stmt => {
                let target = self.target_list(next(&mut children(p)));
                self.check_target(&target, false);
                StmtKind::Del(target)
            }
            _ => self.expr_stmt(p)?,
        };
        Some(Stmt { kind, span })
    }

    /// `head` is the span of the `try` keyword, for the error when no clause follows.
    fn try_stmt(&mut self, p: P<'_>, head: crate::syntax::span::Span) -> Option<StmtKind> {
        let mut it = children(p);
        let body = self.block(next(&mut it));
        let mut handlers = Vec::new();
        let mut orelse = None;
        let mut finally = None;
        for c in it {
            let cspan = self.span(&c);
            let rule = c.as_rule();
            let mut parts: Vec<P<'_>> = children(c).collect();
            let block = self.block(parts.pop().expect("a clause ends with its block"));
            match rule {
                Rule::except_clause => {
                    let mut types = Vec::new();
                    let mut name = None;
                    for part in parts {
                        if matches!(part.as_rule(), Rule::name | Rule::reserved) {
                            name = Some(self.name_or_reserved(&part));
                        } else {
                            let e = self.expr(part);
                            match e.kind {
                                ExprKind::Tuple(items) => types.extend(items),
                                _ => types.push(e),
                            }
                        }
                    }
                    handlers.push(Handler {
                        types,
                        name,
                        body: block,
                        span: cspan,
                    });
                }
                Rule::else_clause => orelse = Some(block),
                _ => finally = Some(block),
            }
        }
        if handlers.is_empty() && finally.is_none() {
            let d = Diagnostic::error("`try` needs an `except` or a `finally` block", head)
                .with_label("no `except` or `finally` after this block")
                .with_help("add `except Exception { ... }` or `finally { ... }` after the block");
            self.error(d);
            return None;
        }
        Some(StmtKind::Try {
            body,
            handlers,
            orelse,
            finally,
        })
    }

    /// `expr`, `target = value`, `target op= value`.
    fn expr_stmt(&mut self, p: P<'_>) -> Option<StmtKind> {
        let mut it = p.into_inner();
        let first_pair = next(&mut it);
        let first_text = first_pair.as_str().trim_end().to_string();
        let first = self.expr_list(first_pair);
        let Some(op) = it.next() else {
            return Some(StmtKind::Expr(first));
        };
        if op.as_rule() == Rule::aug_op {
            let value = self.expr_list(next(&mut it));
            self.check_target(&first, true);
            return Some(StmtKind::AugAssign {
                target: first,
                op: aug_op(op.as_str()),
                value,
            });
        }
        let second = next(&mut it);
        let second_text = second.as_str().trim_end().to_string();
        let value = self.expr_list(second);
        self.check_target(&first, false);
        if let Some(eq2) = it.next() {
            let rest = next(&mut it);
            let d = Diagnostic::error("chained assignment is not supported", self.span(&eq2))
                .with_label("second `=`")
                .with_help(format!(
                    "assign once and copy: `{} = {}` on one line, then `{} = {}`",
                    second_text,
                    rest.as_str().trim_end(),
                    first_text,
                    second_text
                ));
            self.error(d);
            return None;
        }
        Some(StmtKind::Assign {
            target: first,
            value,
        })
    }

    /// Checks that `e` can be assigned to (or, for `aug`, updated in place).
    pub(super) fn check_target(&mut self, e: &Expr, aug: bool) {
        let what = match &e.kind {
            ExprKind::Name(_) | ExprKind::Attr { .. } | ExprKind::Index { .. } => return,
            ExprKind::Slice { .. } if !aug => return,
            ExprKind::Tuple(items) | ExprKind::List(items) if !aug => {
                for i in items {
                    self.check_target(i, false);
                }
                return;
            }
            ExprKind::Tuple(_) | ExprKind::List(_) => "a tuple or list",
            ExprKind::Call { .. } => "a function call",
            ExprKind::None
            | ExprKind::Bool(_)
            | ExprKind::Int(_)
            | ExprKind::Float(_)
            | ExprKind::Str(_)
            | ExprKind::Bytes(_)
            | ExprKind::FStr(_)
            | ExprKind::Dict(_) => "a literal",
            _ => "an expression",
        };
        let msg = if aug {
            format!("cannot update {what} in place")
        } else {
            format!("cannot assign to {what}")
        };
        let d = Diagnostic::error(msg, e.span)
            .with_label("not a variable, attribute or item")
            .with_help("assign to a name (`x = ...`), an attribute (`v.value = ...`) or an item (`d[k] = ...`)");
        self.error(d);
    }
}

/// The operator of an augmented assignment token (`+=` is `Add`).
pub(super) fn aug_op(s: &str) -> BinOp {
    match s.trim_end_matches('=') {
        "+" => BinOp::Add,
        "-" => BinOp::Sub,
        "*" => BinOp::Mul,
        "/" => BinOp::Div,
        "//" => BinOp::FloorDiv,
        "%" => BinOp::Mod,
        "**" => BinOp::Pow,
        "&" => BinOp::BitAnd,
        "|" => BinOp::BitOr,
        "^" => BinOp::BitXor,
        "<<" => BinOp::Shl,
        _ => BinOp::Shr,
    }
}
