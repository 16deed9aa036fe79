//! Where a function calls a method on a variable: the explanation's "main reads q at
//! line 10". Matching is by variable name, so it is for words only, never for verdicts.

use crate::core::names::Method;
use crate::plan::ir::{Expr, ExprKind, FuncId, Place, Program, Stmt, StmtKind, Target};
use crate::syntax::span::Span;

/// Spans of `name.m(...)` calls in `func`'s own body, for `m` in `methods`, in source
/// order.
pub fn method_calls(program: &Program, func: FuncId, name: &str, methods: &[Method]) -> Vec<Span> {
    let Some(f) = program.functions.get(func as usize) else {
        return Vec::new();
    };
    let place_name = |p: Place| match p {
        Place::Local(i) => f.local_names.get(i as usize).map(String::as_str),
        Place::Global(i) => program.globals.get(i as usize).map(|g| g.name.as_str()),
    };
    let mut spans = Vec::new();
    let mut visit = |e: &Expr| {
        if let ExprKind::Method { obj, method, .. } = &e.kind
            && let ExprKind::Load(p) = obj.kind
            && methods.contains(method)
            && place_name(p) == Some(name)
        {
            spans.push(e.span);
        }
    };
    for s in &f.body {
        walk_stmt(s, &mut visit);
    }
    spans.sort();
    spans
}

fn walk_stmts(body: &[Stmt], f: &mut impl FnMut(&Expr)) {
    for s in body {
        walk_stmt(s, f);
    }
}

fn walk_stmt(s: &Stmt, f: &mut impl FnMut(&Expr)) {
    match &s.kind {
        StmtKind::Expr(e) => walk_expr(e, f),
        StmtKind::Assign(t, e) | StmtKind::AugAssign(t, _, e) => {
            walk_target(t, f);
            walk_expr(e, f);
        }
        StmtKind::If(arms, orelse) => {
            for (c, body) in arms {
                walk_expr(c, f);
                walk_stmts(body, f);
            }
            walk_stmts(orelse, f);
        }
        StmtKind::While(c, body) => {
            walk_expr(c, f);
            walk_stmts(body, f);
        }
        StmtKind::For(t, it, body) => {
            walk_target(t, f);
            walk_expr(it, f);
            walk_stmts(body, f);
        }
        StmtKind::Return(e) | StmtKind::Raise(e) => {
            if let Some(e) = e {
                walk_expr(e, f);
            }
        }
        StmtKind::With(items, body) => {
            for (e, t) in items {
                walk_expr(e, f);
                if let Some(t) = t {
                    walk_target(t, f);
                }
            }
            walk_stmts(body, f);
        }
        StmtKind::Try {
            body,
            handlers,
            orelse,
            finally,
        } => {
            walk_stmts(body, f);
            for h in handlers {
                h.types.iter().for_each(|e| walk_expr(e, f));
                walk_stmts(&h.body, f);
            }
            walk_stmts(orelse, f);
            walk_stmts(finally, f);
        }
        StmtKind::Assert(c, msg) => {
            walk_expr(c, f);
            if let Some(m) = msg {
                walk_expr(m, f);
            }
        }
        StmtKind::Del(t) => walk_target(t, f),
        StmtKind::Break | StmtKind::Continue | StmtKind::Pass => {}
    }
}

fn walk_target(t: &Target, f: &mut impl FnMut(&Expr)) {
    match t {
        Target::Place(_) => {}
        Target::Attr(e, _) => walk_expr(e, f),
        Target::Index(e, i) => {
            walk_expr(e, f);
            walk_expr(i, f);
        }
        Target::Unpack(ts) => ts.iter().for_each(|t| walk_target(t, f)),
    }
}

fn walk_expr(e: &Expr, f: &mut impl FnMut(&Expr)) {
    f(e);
    crate::plan::kinds::children(e, &mut |x| walk_expr(x, f));
}
