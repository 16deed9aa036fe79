//! A function body prepared for execution: the plan's statements with their blocks
//! nested in, and the shapes the hot loops use resolved once instead of at every
//! execution (an augmented assignment to a variable with a constant int, `break`,
//! `pass`...). Built per function on its first call (`Interp::body`); borrows the plan.
//!
//! Every statement keeps its span: `exec` ticks the world with it before running it,
//! as the tree walker always did.

use crate::plan::ir::{Const, Expr, ExprKind, Handler, Place, Stmt, StmtKind, Target};
use crate::syntax::ast::BinOp;
use crate::syntax::span::Span;

/// A block of statements.
pub(crate) type Block<'p> = Box<[Code<'p>]>;

/// One statement, ready to run.
pub(crate) enum Code<'p> {
    /// A statement without a block of its own (an expression, an assignment, `raise`,
    /// `assert`, `del`), run from the plan as is.
    Simple(&'p Stmt),
    /// `x = value` to a local or global.
    AssignPlace {
        place: Place,
        value: &'p Expr,
        span: Span,
    },
    /// `x op= rhs` on a local or global; `k` is `rhs` when it is an int constant (the
    /// `v += 1` of every counter), which lets ints skip the generic operator.
    AugPlace {
        place: Place,
        op: BinOp,
        rhs: &'p Expr,
        k: Option<i128>,
        span: Span,
    },
    If {
        branches: Box<[(&'p Expr, Block<'p>)]>,
        orelse: Block<'p>,
        span: Span,
    },
    While {
        cond: &'p Expr,
        body: Block<'p>,
        span: Span,
    },
    For {
        target: &'p Target,
        iter: &'p Expr,
        body: Block<'p>,
        span: Span,
    },
    With {
        items: &'p [(Expr, Option<Target>)],
        body: Block<'p>,
        span: Span,
    },
    Try {
        body: Block<'p>,
        handlers: Box<[(&'p Handler, Block<'p>)]>,
        orelse: Block<'p>,
        finally: Block<'p>,
        span: Span,
    },
    Return(Option<&'p Expr>, Span),
    Break(Span),
    Continue(Span),
    Pass(Span),
}

/// Prepares a block.
pub(crate) fn compile(stmts: &[Stmt]) -> Block<'_> {
    stmts.iter().map(compile_stmt).collect()
}

fn compile_stmt(s: &Stmt) -> Code<'_> {
    let span = s.span;
    match &s.kind {
        StmtKind::Assign(Target::Place(place), value) => Code::AssignPlace {
            place: *place,
            value,
            span,
        },
        StmtKind::AugAssign(Target::Place(place), op, rhs) => Code::AugPlace {
            place: *place,
            op: *op,
            rhs,
            k: match rhs.kind {
                ExprKind::Const(Const::Int(k)) => Some(k),
                _ => None,
            },
            span,
        },
        StmtKind::If(branches, orelse) => Code::If {
            branches: branches.iter().map(|(c, b)| (c, compile(b))).collect(),
            orelse: compile(orelse),
            span,
        },
        StmtKind::While(cond, body) => Code::While {
            cond,
            body: compile(body),
            span,
        },
        StmtKind::For(target, iter, body) => Code::For {
            target,
            iter,
            body: compile(body),
            span,
        },
        StmtKind::With(items, body) => Code::With {
            items,
            body: compile(body),
            span,
        },
        StmtKind::Try {
            body,
            handlers,
            orelse,
            finally,
        } => Code::Try {
            body: compile(body),
            handlers: handlers.iter().map(|h| (h, compile(&h.body))).collect(),
            orelse: compile(orelse),
            finally: compile(finally),
            span,
        },
        StmtKind::Return(e) => Code::Return(e.as_ref(), span),
        StmtKind::Break => Code::Break(span),
        StmtKind::Continue => Code::Continue(span),
        StmtKind::Pass => Code::Pass(span),
        StmtKind::Expr(_)
        | StmtKind::Assign(..)
        | StmtKind::AugAssign(..)
        | StmtKind::Raise(_)
        | StmtKind::Assert(..)
        | StmtKind::Del(_) => Code::Simple(s),
    }
}
