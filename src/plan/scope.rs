//! Which names a scope binds, by Python's rules: a name assigned anywhere in a function
//! (and not declared `global`) is local to it; a module-body assignment makes a global.
//! Comprehension targets are bound in the enclosing scope (Python 3 gives them their own
//! scope; scenarios never observe the difference). Lambda bodies are separate scopes.

use crate::plan::fx_hash::FxHashSet;
use crate::syntax::ast::{Block, Expr, ExprKind, FStrPart, Ident, StmtKind};
use crate::syntax::span::Span;

/// Names bound in a block, in order of first binding, with where.
#[derive(Default)]
pub struct Bindings {
    pub assigned: Vec<(String, Span)>,
    /// `global x` declarations, with the span of each name.
    pub globals: Vec<Ident>,
    /// The names in `assigned`: a module body binds thousands, and a scan per binding
    /// made this quadratic.
    seen: FxHashSet<String>,
}

impl Bindings {
    fn bind(&mut self, name: &str, span: Span) {
        if !self.seen.contains(name) {
            self.seen.insert(name.to_string());
            self.assigned.push((name.to_string(), span));
        }
    }

    pub fn is_global(&self, name: &str) -> bool {
        self.globals.iter().any(|g| g.name == name)
    }
}

/// The names a block binds (not descending into lambdas, which are their own scopes).
pub fn block_bindings(block: &Block) -> Bindings {
    let mut b = Bindings::default();
    collect_block(block, &mut b);
    b
}

/// The `global` declarations of a block: statements only, without the walk through
/// every expression that [`block_bindings`] needs.
pub fn block_globals(block: &Block) -> Vec<Ident> {
    let mut out = Vec::new();
    globals_in(block, &mut out);
    out
}

fn globals_in(block: &Block, out: &mut Vec<Ident>) {
    for s in block {
        match &s.kind {
            StmtKind::Global(names) => out.extend(names.iter().cloned()),
            StmtKind::If { branches, orelse } => {
                for (_, body) in branches {
                    globals_in(body, out);
                }
                if let Some(o) = orelse {
                    globals_in(o, out);
                }
            }
            StmtKind::While { body, .. }
            | StmtKind::For { body, .. }
            | StmtKind::With { body, .. } => globals_in(body, out),
            StmtKind::Try {
                body,
                handlers,
                orelse,
                finally,
            } => {
                globals_in(body, out);
                for h in handlers {
                    globals_in(&h.body, out);
                }
                for blk in [orelse, finally].into_iter().flatten() {
                    globals_in(blk, out);
                }
            }
            _ => {}
        }
    }
}

/// The names an expression binds: its comprehension targets.
pub fn expr_bindings(e: &Expr) -> Bindings {
    let mut b = Bindings::default();
    collect_expr(e, &mut b);
    b
}

fn collect_block(block: &Block, b: &mut Bindings) {
    for s in block {
        match &s.kind {
            StmtKind::Expr(e) => collect_expr(e, b),
            StmtKind::Assign { target, value } => {
                collect_target(target, b);
                collect_expr(value, b);
            }
            StmtKind::AugAssign { target, value, .. } => {
                collect_target(target, b);
                collect_expr(value, b);
            }
            StmtKind::If { branches, orelse } => {
                for (c, body) in branches {
                    collect_expr(c, b);
                    collect_block(body, b);
                }
                if let Some(o) = orelse {
                    collect_block(o, b);
                }
            }
            StmtKind::While { cond, body } => {
                collect_expr(cond, b);
                collect_block(body, b);
            }
            StmtKind::For { target, iter, body } => {
                collect_target(target, b);
                collect_expr(iter, b);
                collect_block(body, b);
            }
            StmtKind::With { items, body } => {
                for (e, t) in items {
                    collect_expr(e, b);
                    if let Some(t) = t {
                        collect_target(t, b);
                    }
                }
                collect_block(body, b);
            }
            StmtKind::Try {
                body,
                handlers,
                orelse,
                finally,
            } => {
                collect_block(body, b);
                for h in handlers {
                    for t in &h.types {
                        collect_expr(t, b);
                    }
                    if let Some(n) = &h.name {
                        b.bind(&n.name, n.span);
                    }
                    collect_block(&h.body, b);
                }
                for blk in [orelse, finally].into_iter().flatten() {
                    collect_block(blk, b);
                }
            }
            StmtKind::Return(Some(e)) | StmtKind::Raise(Some(e)) => collect_expr(e, b),
            StmtKind::Assert { cond, msg } => {
                collect_expr(cond, b);
                if let Some(m) = msg {
                    collect_expr(m, b);
                }
            }
            StmtKind::Del(t) => collect_target(t, b),
            StmtKind::Global(names) => b.globals.extend(names.iter().cloned()),
            StmtKind::Break
            | StmtKind::Continue
            | StmtKind::Pass
            | StmtKind::Return(None)
            | StmtKind::Raise(None) => {}
        }
    }
}

fn collect_target(t: &Expr, b: &mut Bindings) {
    match &t.kind {
        ExprKind::Name(n) => b.bind(n, t.span),
        ExprKind::Tuple(items) | ExprKind::List(items) => {
            for i in items {
                collect_target(i, b);
            }
        }
        _ => collect_expr(t, b),
    }
}

/// Visits the direct subexpressions of `e` (not a lambda's body).
pub fn children<'e>(e: &'e Expr, mut f: impl FnMut(&'e Expr)) {
    match &e.kind {
        ExprKind::Name(_)
        | ExprKind::None
        | ExprKind::Bool(_)
        | ExprKind::Int(_)
        | ExprKind::Float(_)
        | ExprKind::Str(_)
        | ExprKind::Bytes(_) => {}
        ExprKind::FStr(parts) => {
            for p in parts {
                if let FStrPart::Expr { expr, .. } = p {
                    f(expr);
                }
            }
        }
        ExprKind::List(items) | ExprKind::Tuple(items) => items.iter().for_each(f),
        ExprKind::Dict(pairs) => {
            for (k, v) in pairs {
                f(k);
                f(v);
            }
        }
        ExprKind::Attr { obj, .. } => f(obj),
        ExprKind::Index { obj, index } => {
            f(obj);
            f(index);
        }
        ExprKind::Slice { obj, lo, hi, step } => {
            f(obj);
            for x in [lo, hi, step].into_iter().flatten() {
                f(x);
            }
        }
        ExprKind::Call { func, args } => {
            f(func);
            for a in args {
                f(&a.value);
            }
        }
        ExprKind::Unary { operand, .. } => f(operand),
        ExprKind::Binary { left, right, .. } | ExprKind::BoolOp { left, right, .. } => {
            f(left);
            f(right);
        }
        ExprKind::Compare { left, rest } => {
            f(left);
            for (_, r) in rest {
                f(r);
            }
        }
        ExprKind::IfExp { cond, then, orelse } => {
            f(cond);
            f(then);
            f(orelse);
        }
        ExprKind::Lambda { params, .. } => {
            for p in params {
                if let Some(d) = &p.default {
                    f(d);
                }
            }
        }
        ExprKind::ListComp {
            elt,
            target,
            iter,
            cond,
        } => {
            f(elt);
            f(target);
            f(iter);
            if let Some(c) = cond {
                f(c);
            }
        }
    }
}

fn collect_expr(e: &Expr, b: &mut Bindings) {
    if let ExprKind::ListComp { target, .. } = &e.kind {
        collect_target(target, b);
    }
    children(e, &mut |c| collect_expr(c, b));
}

/// Names read inside a lambda body that the lambda does not bind itself: the names it
/// may capture from the enclosing scope, in order of first use.
pub fn lambda_free_names(params: &[crate::syntax::ast::Param], body: &Expr) -> Vec<String> {
    let own = expr_bindings(body);
    let mut out: Vec<String> = Vec::new();
    let mut reads = Vec::new();
    names_read(body, &mut reads);
    for n in reads {
        let bound =
            params.iter().any(|p| p.name.name == n) || own.assigned.iter().any(|(a, _)| *a == n);
        if !bound && !out.contains(&n) {
            out.push(n);
        }
    }
    out
}

fn names_read(e: &Expr, out: &mut Vec<String>) {
    match &e.kind {
        ExprKind::Name(n) => out.push(n.clone()),
        ExprKind::Lambda { params, body } => {
            for p in params {
                if let Some(d) = &p.default {
                    names_read(d, out);
                }
            }
            out.extend(lambda_free_names(params, body));
        }
        _ => children(e, &mut |c| names_read(c, out)),
    }
}
