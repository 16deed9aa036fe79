//! Executing statements.

use std::sync::Arc;

use crate::core::code::{Block, Code};
use crate::core::interp::{Frame, Interp};
use crate::core::names::{ExcType, Method};
use crate::core::value::{Exception, Handle, HandleKind, Res, Unwind, Value};
use crate::core::world::Args;
use crate::core::{ops, repr};
use crate::plan::ir::{Expr, Handler, Place, Stmt, StmtKind, Target};
use crate::syntax::ast::BinOp;
use crate::syntax::span::Span;

/// How a block ended, when it did not unwind. A `return`'s value waits in
/// `Frame::ret`, which keeps this (and every statement's `Res`) two words wide.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Ctl {
    Normal,
    Break,
    Continue,
    Return,
}

impl Interp<'_> {
    /// Runs a block's statements in order, until one leaves it (break, continue,
    /// return) or raises.
    pub(crate) fn run(&mut self, block: &[Code], frame: &mut Frame) -> Res<Ctl> {
        for code in block {
            match self.exec(code, frame)? {
                Ctl::Normal => {}
                other => return Ok(other),
            }
        }
        Ok(Ctl::Normal)
    }

    /// One statement: the world's tick with its span, then the statement.
    fn exec(&mut self, code: &Code, frame: &mut Frame) -> Res<Ctl> {
        match code {
            Code::Simple(stmt) => {
                self.world.tick(stmt.span)?;
                self.exec_simple(stmt, frame)?;
            }
            Code::AssignPlace { place, value, span } => {
                self.world.tick(*span)?;
                let v = self.eval(value, frame)?;
                self.store(*place, v, frame);
            }
            Code::AugPlace {
                place,
                op,
                rhs,
                k,
                span,
            } => {
                self.world.tick(*span)?;
                self.aug_place(*place, *op, rhs, *k, frame, *span)?;
            }
            Code::If {
                branches,
                orelse,
                span,
            } => {
                self.world.tick(*span)?;
                for (cond, body) in branches {
                    if self.eval(cond, frame)?.truthy() {
                        return self.run(body, frame);
                    }
                }
                return self.run(orelse, frame);
            }
            Code::While { cond, body, span } => {
                self.world.tick(*span)?;
                while self.eval(cond, frame)?.truthy() {
                    match self.run(body, frame)? {
                        Ctl::Break => break,
                        Ctl::Return => return Ok(Ctl::Return),
                        Ctl::Normal | Ctl::Continue => {}
                    }
                    self.world.tick(*span)?;
                }
            }
            Code::For {
                target,
                iter,
                body,
                span,
            } => {
                self.world.tick(*span)?;
                let it = self.eval(iter, frame)?;
                return self.exec_for(target, it, body, frame, *span);
            }
            Code::Break(span) => {
                self.world.tick(*span)?;
                return Ok(Ctl::Break);
            }
            Code::Continue(span) => {
                self.world.tick(*span)?;
                return Ok(Ctl::Continue);
            }
            Code::Return(e, span) => {
                self.world.tick(*span)?;
                frame.ret = match e {
                    Some(e) => self.eval(e, frame)?,
                    None => Value::None,
                };
                return Ok(Ctl::Return);
            }
            Code::Pass(span) => self.world.tick(*span)?,
            Code::With { items, body, span } => {
                self.world.tick(*span)?;
                return self.exec_with(items, 0, body, frame, *span);
            }
            Code::Try {
                body,
                handlers,
                orelse,
                finally,
                span,
            } => {
                self.world.tick(*span)?;
                return self.exec_try(body, handlers, orelse, finally, frame);
            }
        }
        Ok(Ctl::Normal)
    }

    /// A statement without a block of its own.
    fn exec_simple(&mut self, stmt: &Stmt, frame: &mut Frame) -> Res<()> {
        match &stmt.kind {
            StmtKind::Expr(e) => discard(self.eval(e, frame))?,
            StmtKind::Assign(target, value) => {
                let v = self.eval(value, frame)?;
                self.assign(target, v, frame, stmt.span)?;
            }
            StmtKind::AugAssign(target, op, value) => {
                self.aug_assign(target, *op, value, frame, stmt.span)?
            }
            StmtKind::Raise(e) => return Err(self.raise_stmt(e.as_ref(), frame, stmt.span)?),
            StmtKind::Assert(cond, msg) => {
                self.assert_stmt(cond, msg.as_ref(), frame, stmt.span)?
            }
            StmtKind::Del(target) => self.delete(target, frame, stmt.span)?,
            // Statements with blocks are `Code` of their own (see `code::compile`).
            _ => {}
        }
        Ok(())
    }

    fn assert_stmt(
        &mut self,
        cond: &Expr,
        msg: Option<&Expr>,
        frame: &mut Frame,
        span: Span,
    ) -> Res<()> {
        if self.eval(cond, frame)?.truthy() {
            return Ok(());
        }
        let msg = match msg {
            Some(m) => repr::str(&self.eval(m, frame)?),
            None => String::new(),
        };
        Err(Unwind::raise(ExcType::AssertionError, msg, span))
    }

    fn exec_for(
        &mut self,
        target: &Target,
        iterable: Value,
        body: &[Code],
        frame: &mut Frame,
        span: Span,
    ) -> Res<Ctl> {
        if let (Value::Range(start, stop, step), Target::Place(Place::Local(slot))) =
            (&iterable, target)
        {
            return self.for_range_local(*start, *stop, *step, *slot, body, frame);
        }
        let mut iter = self.iterate(&iterable, span)?;
        while let Some(item) = self.next_item(&mut iter, span)? {
            self.assign(target, item, frame, span)?;
            match self.run(body, frame)? {
                Ctl::Break => break,
                Ctl::Return => return Ok(Ctl::Return),
                Ctl::Normal | Ctl::Continue => {}
            }
        }
        Ok(Ctl::Normal)
    }

    /// `for i in range(...)` into a local: no iterator, the int written in place.
    fn for_range_local(
        &mut self,
        start: i128,
        stop: i128,
        step: i128,
        slot: u16,
        body: &[Code],
        frame: &mut Frame,
    ) -> Res<Ctl> {
        let mut next = Some(start);
        while let Some(i) = next {
            if !(if step > 0 { i < stop } else { i > stop }) {
                break;
            }
            // Past the end of i128 is past `stop` too.
            next = i.checked_add(step);
            match &mut frame.locals[slot as usize] {
                Some(Value::Int(x)) => *x = i,
                other => *other = Some(Value::Int(i)),
            }
            match self.run(body, frame)? {
                Ctl::Break => break,
                Ctl::Return => return Ok(Ctl::Return),
                Ctl::Normal | Ctl::Continue => {}
            }
        }
        Ok(Ctl::Normal)
    }

    /// Enters the context managers from `i` on, runs the body, exits them in reverse.
    fn exec_with(
        &mut self,
        items: &[(Expr, Option<Target>)],
        i: usize,
        body: &[Code],
        frame: &mut Frame,
        span: Span,
    ) -> Res<Ctl> {
        let Some((expr, target)) = items.get(i) else {
            return self.run(body, frame);
        };
        // Only engine objects are context managers.
        let h = match self.handle_in(expr, frame) {
            Some(h) => h,
            None => match self.eval(expr, frame)? {
                Value::Handle(h) => h,
                other => return Err(not_a_context_manager(&other, expr.span)),
            },
        };
        match target {
            Some(t) => {
                let entered = self.enter(h, expr.span)?;
                self.assign(t, entered, frame, span)?;
            }
            None => discard(self.enter(h, expr.span))?,
        }
        let result = self.exec_with(items, i + 1, body, frame, span);
        // A `with` exits on every path; an exception from exiting replaces the body's.
        self.exit(h, expr.span)?;
        result
    }

    /// `__enter__`: locks acquire (and give `True`), pools and executors give themselves.
    fn enter(&mut self, h: Handle, span: Span) -> Res<Value> {
        match h.kind {
            HandleKind::Lock { .. }
            | HandleKind::RLock { .. }
            | HandleKind::Condition { .. }
            | HandleKind::Semaphore { .. } => {
                // A blocking acquire() returns True; `with_sync` skips building it.
                self.world.with_sync(self, h, Method::Acquire, span)?;
                Ok(Value::Bool(true))
            }
            HandleKind::Pool { .. } | HandleKind::Executor { .. } | HandleKind::Connection => {
                Ok(Value::Handle(h))
            }
            _ => Err(not_a_context_manager(&Value::Handle(h), span)),
        }
    }

    /// `__exit__`: release; `Pool` terminates (as CPython's does), executors shut down
    /// and wait, connections close.
    fn exit(&mut self, h: Handle, span: Span) -> Res<()> {
        let m = match h.kind {
            HandleKind::Pool { .. } => Method::Terminate,
            HandleKind::Executor { .. } => Method::Shutdown,
            HandleKind::Connection => Method::Close,
            _ => return self.world.with_sync(self, h, Method::Release, span),
        };
        discard(self.world.call_method(self, h, m, Args::default(), span))
    }

    fn exec_try(
        &mut self,
        body: &[Code],
        handlers: &[(&Handler, Block)],
        orelse: &[Code],
        finally: &[Code],
        frame: &mut Frame,
    ) -> Res<Ctl> {
        let mut result = self.run(body, frame);
        if let Err(Unwind::Raise(exc)) = &result {
            let exc = exc.clone();
            if let Some((h, h_body)) = self.matching_handler(handlers, &exc, frame)? {
                if let Some(place) = h.bind {
                    self.store(place, Value::Exception(exc.clone()), frame);
                }
                self.handling.push(exc);
                result = self.run(h_body, frame);
                self.handling.pop();
            }
        } else if let Ok(Ctl::Normal) = result {
            result = self.run(orelse, frame);
        }
        if !finally.is_empty() {
            // A `return` pending through `finally` keeps its value unless `finally`
            // returns one of its own.
            match self.run(finally, frame)? {
                Ctl::Normal => {}
                // `return`/`break` in `finally` discards the pending exception, as in Python.
                other => return Ok(other),
            }
        }
        result
    }

    fn matching_handler<'h, 'p>(
        &mut self,
        handlers: &'h [(&'p Handler, Block<'p>)],
        exc: &Exception,
        frame: &mut Frame,
    ) -> Res<Option<&'h (&'p Handler, Block<'p>)>> {
        for entry in handlers {
            let h = entry.0;
            if h.types.is_empty() {
                return Ok(Some(entry));
            }
            for t in &h.types {
                let tv = self.eval(t, frame)?;
                if exc_matches(exc.ty, &tv, t.span)? {
                    return Ok(Some(entry));
                }
            }
        }
        Ok(None)
    }

    fn raise_stmt(&mut self, e: Option<&Expr>, frame: &mut Frame, span: Span) -> Res<Unwind> {
        let Some(e) = e else {
            return Ok(match self.handling.last() {
                Some(exc) => Unwind::Raise(exc.clone()),
                None => Unwind::raise(
                    ExcType::RuntimeError,
                    "No active exception to reraise",
                    span,
                ),
            });
        };
        Ok(match self.eval(e, frame)? {
            Value::Exception(exc) => {
                // Report where it was raised, not where it was built.
                Unwind::Raise(Arc::new(Exception {
                    span,
                    ..(*exc).clone()
                }))
            }
            Value::ExcType(t) => Unwind::raise(t, "", span),
            other => Unwind::raise(
                ExcType::TypeError,
                format!(
                    "exceptions must derive from BaseException, not {}",
                    other.type_name()
                ),
                span,
            ),
        })
    }

    pub(crate) fn store(&mut self, place: Place, v: Value, frame: &mut Frame) {
        match place {
            Place::Local(i) => frame.locals[i as usize] = Some(v),
            Place::Global(i) => self.globals.set(i, v),
        }
    }

    pub(crate) fn assign(
        &mut self,
        target: &Target,
        v: Value,
        frame: &mut Frame,
        span: Span,
    ) -> Res<()> {
        match target {
            Target::Place(p) => self.store(*p, v, frame),
            Target::Attr(obj, attr) => {
                let o = self.eval(obj, frame)?;
                match o {
                    Value::Handle(h) => self.world.set_attr(h, *attr, v, span)?,
                    other => {
                        return Err(Unwind::raise(
                            ExcType::AttributeError,
                            format!(
                                "'{}' object has no attribute '{}'",
                                other.type_name(),
                                attr.name()
                            ),
                            span,
                        ));
                    }
                }
            }
            Target::Index(obj, idx) => {
                let o = self.eval(obj, frame)?;
                let i = self.eval(idx, frame)?;
                self.set_item(&o, &i, v, span)?;
            }
            Target::Unpack(targets) => {
                let items = self.collect(&v, span)?;
                if items.len() != targets.len() {
                    let msg = if items.len() > targets.len() {
                        format!("too many values to unpack (expected {})", targets.len())
                    } else {
                        format!(
                            "not enough values to unpack (expected {}, got {})",
                            targets.len(),
                            items.len()
                        )
                    };
                    return Err(Unwind::raise(ExcType::ValueError, msg, span));
                }
                for (t, item) in targets.iter().zip(items) {
                    self.assign(t, item, frame, span)?;
                }
            }
        }
        Ok(())
    }

    /// `x op= rhs` on a variable: read, compute, write, three steps as in CPython's
    /// bytecode (a global's read and write are separate accesses, so concurrent
    /// increments can lose updates). Ints with a constant int operand skip the generic
    /// operator; a local int is updated in place.
    fn aug_place(
        &mut self,
        place: Place,
        op: BinOp,
        rhs: &Expr,
        k: Option<i128>,
        frame: &mut Frame,
        span: Span,
    ) -> Res<()> {
        if let Some(k) = k {
            match place {
                Place::Local(i) => {
                    if let Some(Value::Int(x)) = &mut frame.locals[i as usize]
                        && let Some(r) = ops::int_fast(op, *x, k)
                    {
                        *x = r;
                        return Ok(());
                    }
                }
                Place::Global(i) => {
                    if let Some(Value::Int(x)) = self.globals.get(i)
                        && let Some(r) = ops::int_fast(op, x, k)
                    {
                        self.globals.set(i, Value::Int(r));
                        return Ok(());
                    }
                }
            }
        }
        let cur = self.load(place, frame, span)?;
        let rhs = self.eval(rhs, frame)?;
        let new = ops::inplace_binary(op, &cur, &rhs, span)?;
        self.store(place, new, frame);
        Ok(())
    }

    fn aug_assign(
        &mut self,
        target: &Target,
        op: BinOp,
        value: &Expr,
        frame: &mut Frame,
        span: Span,
    ) -> Res<()> {
        // Read, compute, write: three steps, like CPython's bytecode, so that
        // `v.value += n` on a shared Value can lose updates.
        match target {
            Target::Place(p) => self.aug_place(*p, op, value, None, frame, span)?,
            Target::Attr(obj, attr) => {
                let o = self.eval(obj, frame)?;
                let Value::Handle(h) = o else {
                    return Err(Unwind::raise(
                        ExcType::AttributeError,
                        format!(
                            "'{}' object has no attribute '{}'",
                            o.type_name(),
                            attr.name()
                        ),
                        span,
                    ));
                };
                let cur = self.world.get_attr(h, *attr, span)?;
                let rhs = self.eval(value, frame)?;
                let new = ops::inplace_binary(op, &cur, &rhs, span)?;
                self.world.set_attr(h, *attr, new, span)?;
            }
            Target::Index(obj, idx) => {
                let o = self.eval(obj, frame)?;
                let i = self.eval(idx, frame)?;
                let cur = self.get_item(&o, &i, span)?;
                let rhs = self.eval(value, frame)?;
                let new = ops::inplace_binary(op, &cur, &rhs, span)?;
                self.set_item(&o, &i, new, span)?;
            }
            Target::Unpack(_) => {
                return Err(Unwind::raise(
                    ExcType::TypeError,
                    "illegal expression for augmented assignment",
                    span,
                ));
            }
        }
        Ok(())
    }

    fn delete(&mut self, target: &Target, frame: &mut Frame, span: Span) -> Res<()> {
        match target {
            Target::Place(Place::Local(i)) => frame.locals[*i as usize] = None,
            Target::Place(Place::Global(i)) => self.globals.unset(*i),
            Target::Index(obj, idx) => {
                let o = self.eval(obj, frame)?;
                let i = self.eval(idx, frame)?;
                crate::core::subscript::del_index(&o, &i, span)?;
            }
            _ => {
                return Err(Unwind::raise(
                    ExcType::TypeError,
                    "cannot delete this target",
                    span,
                ));
            }
        }
        Ok(())
    }
}

fn exc_matches(ty: ExcType, class: &Value, span: Span) -> Res<bool> {
    match class {
        Value::ExcType(base) => Ok(ty.is_subclass_of(*base)),
        Value::Tuple(items) => {
            for c in items.iter() {
                if exc_matches(ty, c, span)? {
                    return Ok(true);
                }
            }
            Ok(false)
        }
        _ => Err(Unwind::raise(
            ExcType::TypeError,
            "catching classes that do not inherit from BaseException is not allowed",
            span,
        )),
    }
}

/// The outcome of a call whose value is not used. The plain results that lock methods
/// give (`True`, `None`) are recognised by their tag alone: moving a whole `Res<Value>`
/// out of the callee's return slot costs more than the rest of this.
#[inline]
fn discard(r: Res<Value>) -> Res<()> {
    if let Ok(Value::Bool(_) | Value::None) = &r {
        // Owns nothing: forgetting it skips the destructor.
        std::mem::forget(r);
        return Ok(());
    }
    r.map(drop)
}

fn not_a_context_manager(v: &Value, span: Span) -> Unwind {
    Unwind::raise(
        ExcType::TypeError,
        format!(
            "'{}' object does not support the context manager protocol",
            v.type_name()
        ),
        span,
    )
}
