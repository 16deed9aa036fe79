//! Executing statements.

use std::sync::Arc;

use crate::core::interp::{Frame, Interp};
use crate::core::names::{ExcType, Method};
use crate::core::value::{Exception, HandleKind, Res, Unwind, Value};
use crate::core::world::Args;
use crate::core::{ops, repr};
use crate::plan::ir::{Handler, Place, Stmt, StmtKind, Target};
use crate::syntax::span::Span;

/// How a block ended, when it did not unwind.
pub enum Flow {
    Normal,
    Break,
    Continue,
    Return(Value),
}

impl Interp<'_> {
    pub(crate) fn exec_block(&mut self, block: &[Stmt], frame: &mut Frame) -> Res<Flow> {
        for stmt in block {
            match self.exec(stmt, frame)? {
                Flow::Normal => {}
                other => return Ok(other),
            }
        }
        Ok(Flow::Normal)
    }

    fn exec(&mut self, stmt: &Stmt, frame: &mut Frame) -> Res<Flow> {
        self.world.tick(stmt.span)?;
        match &stmt.kind {
            StmtKind::Expr(e) => {
                self.eval(e, frame)?;
            }
            StmtKind::Assign(target, value) => {
                let v = self.eval(value, frame)?;
                self.assign(target, v, frame, stmt.span)?;
            }
            StmtKind::AugAssign(target, op, value) => {
                self.aug_assign(target, *op, value, frame, stmt.span)?
            }
            StmtKind::If(branches, orelse) => {
                for (cond, body) in branches {
                    if self.eval(cond, frame)?.truthy() {
                        return self.exec_block(body, frame);
                    }
                }
                return self.exec_block(orelse, frame);
            }
            StmtKind::While(cond, body) => {
                while self.eval(cond, frame)?.truthy() {
                    match self.exec_block(body, frame)? {
                        Flow::Break => break,
                        Flow::Return(v) => return Ok(Flow::Return(v)),
                        Flow::Normal | Flow::Continue => {}
                    }
                    self.world.tick(stmt.span)?;
                }
            }
            StmtKind::For(target, iter, body) => {
                let it = self.eval(iter, frame)?;
                return self.exec_for(target, &it, body, frame, stmt.span);
            }
            StmtKind::Break => return Ok(Flow::Break),
            StmtKind::Continue => return Ok(Flow::Continue),
            StmtKind::Return(e) => {
                let v = match e {
                    Some(e) => self.eval(e, frame)?,
                    None => Value::None,
                };
                return Ok(Flow::Return(v));
            }
            StmtKind::Pass => {}
            StmtKind::With(items, body) => return self.exec_with(items, 0, body, frame, stmt.span),
            StmtKind::Try {
                body,
                handlers,
                orelse,
                finally,
            } => {
                return self.exec_try(body, handlers, orelse, finally, frame);
            }
            StmtKind::Raise(e) => return Err(self.raise_stmt(e.as_ref(), frame, stmt.span)?),
            StmtKind::Assert(cond, msg) => {
                if !self.eval(cond, frame)?.truthy() {
                    let msg = match msg {
                        Some(m) => repr::str(&self.eval(m, frame)?),
                        None => String::new(),
                    };
                    return Err(Unwind::raise(ExcType::AssertionError, msg, stmt.span));
                }
            }
            StmtKind::Del(target) => self.delete(target, frame, stmt.span)?,
        }
        Ok(Flow::Normal)
    }

    fn exec_for(
        &mut self,
        target: &Target,
        iterable: &Value,
        body: &[Stmt],
        frame: &mut Frame,
        span: Span,
    ) -> Res<Flow> {
        let mut iter = self.iterate(iterable, span)?;
        while let Some(item) = self.next_item(&mut iter, span)? {
            self.assign(target, item, frame, span)?;
            match self.exec_block(body, frame)? {
                Flow::Break => break,
                Flow::Return(v) => return Ok(Flow::Return(v)),
                Flow::Normal | Flow::Continue => {}
            }
        }
        Ok(Flow::Normal)
    }

    /// Enters the context managers from `i` on, runs the body, exits them in reverse.
    fn exec_with(
        &mut self,
        items: &[(crate::plan::ir::Expr, Option<Target>)],
        i: usize,
        body: &[Stmt],
        frame: &mut Frame,
        span: Span,
    ) -> Res<Flow> {
        let Some((expr, target)) = items.get(i) else {
            return self.exec_block(body, frame);
        };
        let mgr = self.eval(expr, frame)?;
        let entered = self.enter(&mgr, expr.span)?;
        if let Some(t) = target {
            self.assign(t, entered, frame, span)?;
        }
        let result = self.exec_with(items, i + 1, body, frame, span);
        // A `with` exits on every path; an exception from exiting replaces the body's.
        self.exit(&mgr, expr.span)?;
        result
    }

    /// `__enter__`: locks acquire (and give `True`), pools and executors give themselves.
    fn enter(&mut self, mgr: &Value, span: Span) -> Res<Value> {
        match mgr {
            Value::Handle(h) => match h.kind {
                HandleKind::Lock { .. }
                | HandleKind::RLock { .. }
                | HandleKind::Condition { .. }
                | HandleKind::Semaphore { .. } => {
                    self.world
                        .call_method(self, *h, Method::Acquire, Args::default(), span)
                }
                HandleKind::Pool { .. } | HandleKind::Executor { .. } | HandleKind::Connection => {
                    Ok(mgr.clone())
                }
                _ => Err(not_a_context_manager(mgr, span)),
            },
            _ => Err(not_a_context_manager(mgr, span)),
        }
    }

    /// `__exit__`: release; `Pool` terminates (as CPython's does), executors shut down
    /// and wait, connections close.
    fn exit(&mut self, mgr: &Value, span: Span) -> Res<()> {
        let Value::Handle(h) = mgr else { return Ok(()) };
        let m = match h.kind {
            HandleKind::Pool { .. } => Method::Terminate,
            HandleKind::Executor { .. } => Method::Shutdown,
            HandleKind::Connection => Method::Close,
            _ => Method::Release,
        };
        self.world
            .call_method(self, *h, m, Args::default(), span)
            .map(|_| ())
    }

    fn exec_try(
        &mut self,
        body: &[Stmt],
        handlers: &[Handler],
        orelse: &[Stmt],
        finally: &[Stmt],
        frame: &mut Frame,
    ) -> Res<Flow> {
        let mut result = self.exec_block(body, frame);
        if let Err(Unwind::Raise(exc)) = &result {
            let exc = exc.clone();
            if let Some(h) = self.matching_handler(handlers, &exc, frame)? {
                if let Some(Place::Local(_) | Place::Global(_)) = h.bind {
                    let place = h.bind.expect("checked above");
                    self.store(place, Value::Exception(exc.clone()), frame);
                }
                self.handling.push(exc);
                result = self.exec_block(&h.body, frame);
                self.handling.pop();
            }
        } else if let Ok(Flow::Normal) = result {
            result = self.exec_block(orelse, frame);
        }
        if !finally.is_empty() {
            match self.exec_block(finally, frame)? {
                Flow::Normal => {}
                // `return`/`break` in `finally` discards the pending exception, as in Python.
                other => return Ok(other),
            }
        }
        result
    }

    fn matching_handler<'h>(
        &mut self,
        handlers: &'h [Handler],
        exc: &Exception,
        frame: &mut Frame,
    ) -> Res<Option<&'h Handler>> {
        for h in handlers {
            if h.types.is_empty() {
                return Ok(Some(h));
            }
            for t in &h.types {
                let tv = self.eval(t, frame)?;
                if exc_matches(exc.ty, &tv, t.span)? {
                    return Ok(Some(h));
                }
            }
        }
        Ok(None)
    }

    fn raise_stmt(
        &mut self,
        e: Option<&crate::plan::ir::Expr>,
        frame: &mut Frame,
        span: Span,
    ) -> Res<Unwind> {
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

    fn aug_assign(
        &mut self,
        target: &Target,
        op: crate::syntax::ast::BinOp,
        value: &crate::plan::ir::Expr,
        frame: &mut Frame,
        span: Span,
    ) -> Res<()> {
        // Read, compute, write: three steps, like CPython's bytecode, so that
        // `v.value += n` on a shared Value can lose updates.
        match target {
            Target::Place(p) => {
                let cur = self.load(*p, frame, span)?;
                let rhs = self.eval(value, frame)?;
                let new = ops::inplace_binary(op, &cur, &rhs, span)?;
                self.store(*p, new, frame);
            }
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
