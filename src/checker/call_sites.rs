//! Where a function calls a method on a variable: the explanation's "main reads q at
//! line 10". Matching is by variable name, so it is for words only, never for verdicts.

use crate::core::names::Method;
use crate::plan::ir::{Expr, ExprKind, FPart, FuncId, Place, Program, Stmt, StmtKind, Target};
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
    let mut go = |x: &Expr| walk_expr(x, f);
    match &e.kind {
        ExprKind::Const(_)
        | ExprKind::Load(_)
        | ExprKind::Func(_)
        | ExprKind::Builtin(_)
        | ExprKind::ExcType(_)
        | ExprKind::RunOutput
        | ExprKind::Lambda { .. } => {}
        ExprKind::Call {
            func,
            args,
            kwargs,
            star,
        } => {
            go(func);
            args.iter().for_each(&mut go);
            kwargs.iter().for_each(|(_, v)| go(v));
            if let Some(s) = star {
                go(s);
            }
        }
        ExprKind::Method {
            obj, args, kwargs, ..
        } => {
            go(obj);
            args.iter().for_each(&mut go);
            kwargs.iter().for_each(|(_, v)| go(v));
        }
        ExprKind::Attr { obj, .. } | ExprKind::BoundMethod { obj, .. } => go(obj),
        ExprKind::Index { obj, index } => {
            go(obj);
            go(index);
        }
        ExprKind::Slice { obj, lo, hi, step } => {
            go(obj);
            [lo, hi, step].into_iter().flatten().for_each(|x| go(x));
        }
        ExprKind::Unary(_, x) => go(x),
        ExprKind::Binary(_, a, b) | ExprKind::And(a, b) | ExprKind::Or(a, b) => {
            go(a);
            go(b);
        }
        ExprKind::Compare(a, rest) => {
            go(a);
            rest.iter().for_each(|(_, x)| go(x));
        }
        ExprKind::IfExp { cond, then, orelse } => {
            go(cond);
            go(then);
            go(orelse);
        }
        ExprKind::List(xs) | ExprKind::Tuple(xs) => xs.iter().for_each(&mut go),
        ExprKind::Dict(kvs) => kvs.iter().for_each(|(k, v)| {
            go(k);
            go(v);
        }),
        ExprKind::FStr(parts) => parts.iter().for_each(|p| {
            if let FPart::Expr { expr, .. } = p {
                go(expr);
            }
        }),
        ExprKind::ListComp {
            elt,
            target,
            iter,
            cond,
        } => {
            go(elt);
            walk_target(target, f);
            walk_expr(iter, f);
            if let Some(c) = cond {
                walk_expr(c, f);
            }
        }
    }
}
