//! Evaluating expressions, iterating, indexing, and dispatching method calls.

use std::sync::Arc;

use crate::core::interp::{Frame, Interp};
use crate::core::names::{Builtin, ExcType, Method};
use crate::core::value::{Closure, Handle, HandleKind, Res, Unwind, Value};
use crate::core::world::Args;
use crate::core::{compare, format, iter, ops, plain_methods, repr};
use crate::plan::ir::{Const, Expr, ExprKind, FPart, Kw, Place};
use crate::syntax::ast::{BinOp, CmpOp};
use crate::syntax::span::Span;

/// A running iteration: plain sequences are walked by index (so a list appended to
/// while iterated yields the new items, as in Python); engine iterables by method calls.
pub(crate) enum ValueIter {
    Range {
        next: i128,
        stop: i128,
        step: i128,
    },
    List {
        list: Value,
        i: usize,
    },
    Items {
        items: Vec<Value>,
        i: usize,
    },
    /// Shared `Array`: `get_item` by index until IndexError.
    Array {
        h: Handle,
        i: i128,
    },
    /// `pool.imap(...)`: `next()` until StopIteration.
    Next(Handle),
}

impl Interp<'_> {
    /// Evaluates `e`. Inlined where called for the two commonest leaves, a local's
    /// value and an int constant; everything else is [`Self::eval_full`].
    #[inline]
    pub(crate) fn eval(&mut self, e: &Expr, frame: &mut Frame) -> Res<Value> {
        match &e.kind {
            ExprKind::Load(Place::Local(i)) => {
                if let Some(v) = &frame.locals[*i as usize] {
                    return Ok(v.clone());
                }
            }
            ExprKind::Const(Const::Int(i)) => return Ok(Value::Int(*i)),
            ExprKind::Binary(op, a, b) => return self.eval_binary(*op, a, b, frame, e.span),
            ExprKind::Compare(first, rest) => return self.eval_compare(first, rest, frame, e.span),
            _ => {}
        }
        self.eval_full(e, frame)
    }

    /// `a op b`; two ints skip the generic operator. Kept out of `eval_full`, whose
    /// frame (sized for its largest arm) every call would otherwise pay for.
    fn eval_binary(
        &mut self,
        op: BinOp,
        a: &Expr,
        b: &Expr,
        frame: &mut Frame,
        span: Span,
    ) -> Res<Value> {
        let a = self.eval(a, frame)?;
        let b = self.eval(b, frame)?;
        if let (Value::Int(x), Value::Int(y)) = (&a, &b)
            && let Some(r) = ops::int_fast(op, *x, *y)
        {
            return Ok(Value::Int(r));
        }
        ops::binary(op, &a, &b, span)
    }

    /// `a < b < c...`: pairwise, stopping at the first false; ints compared directly.
    fn eval_compare(
        &mut self,
        first: &Expr,
        rest: &[(CmpOp, Expr)],
        frame: &mut Frame,
        span: Span,
    ) -> Res<Value> {
        let mut left = self.eval(first, frame)?;
        for (op, right) in rest {
            let right = self.eval(right, frame)?;
            let holds = match (&left, &right) {
                (Value::Int(x), Value::Int(y)) => compare::int_fast(*op, *x, *y),
                _ => None,
            };
            let holds = match holds {
                Some(b) => b,
                None => compare::compare(*op, &left, &right, span)?,
            };
            if !holds {
                return Ok(Value::Bool(false));
            }
            left = right;
        }
        Ok(Value::Bool(true))
    }

    fn eval_full(&mut self, e: &Expr, frame: &mut Frame) -> Res<Value> {
        let span = e.span;
        Ok(match &e.kind {
            ExprKind::Const(c) => const_value(c),
            ExprKind::Load(p) => self.load(*p, frame, span)?,
            ExprKind::Func(f) => Value::Func(*f),
            ExprKind::Builtin(b) => Value::Builtin(*b),
            ExprKind::ExcType(t) => Value::ExcType(*t),
            ExprKind::Call {
                func,
                args,
                kwargs,
                star,
            } => {
                if let ExprKind::Func(id) = func.kind
                    && kwargs.is_empty()
                    && star.is_none()
                    && let Some(r) = self.call_direct(id, args, frame, span)
                {
                    return r;
                }
                let f = self.eval(func, frame)?;
                let args = self.eval_args(args, kwargs, star.as_deref(), frame)?;
                self.call(&f, args, span)?
            }
            ExprKind::Method {
                obj,
                method,
                args,
                kwargs,
            } => {
                if args.is_empty()
                    && kwargs.is_empty()
                    && let Some(h) = self.handle_in(obj, frame)
                {
                    return self.handle_method(h, *method, Args::default(), span);
                }
                let recv = self.eval(obj, frame)?;
                let args = self.eval_args(args, kwargs, None, frame)?;
                self.call_method(&recv, *method, args, span)?
            }
            ExprKind::RunOutput => Value::str(&self.world.run_output()),
            ExprKind::BoundMethod { obj, method } => {
                let recv = self.eval(obj, frame)?;
                Value::BoundMethod(Arc::new((recv, *method)))
            }
            ExprKind::Attr { obj, attr } => match self.eval(obj, frame)? {
                Value::Handle(h) => self.world.get_attr(h, *attr, span)?,
                Value::Exception(exc) if attr.name() == "args" => {
                    Value::tuple(vec![Value::str(&exc.msg)])
                }
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
            },
            ExprKind::Index { obj, index } => {
                let o = self.eval(obj, frame)?;
                let i = self.eval(index, frame)?;
                self.get_item(&o, &i, span)?
            }
            ExprKind::Slice { obj, lo, hi, step } => {
                let o = self.eval(obj, frame)?;
                let lo = self.eval_opt(lo.as_deref(), frame)?;
                let hi = self.eval_opt(hi.as_deref(), frame)?;
                let step = self.eval_opt(step.as_deref(), frame)?;
                match &o {
                    Value::Handle(h) => {
                        let triple = Value::tuple(vec![lo, hi, step]);
                        self.world.get_item(*h, &triple, span)?
                    }
                    _ => crate::core::subscript::slice(
                        &o,
                        opt_ref(&lo),
                        opt_ref(&hi),
                        opt_ref(&step),
                        span,
                    )?,
                }
            }
            ExprKind::Unary(op, v) => {
                let v = self.eval(v, frame)?;
                ops::unary(*op, &v, span)?
            }
            ExprKind::Binary(op, a, b) => self.eval_binary(*op, a, b, frame, span)?,
            ExprKind::Compare(first, rest) => self.eval_compare(first, rest, frame, span)?,
            ExprKind::And(a, b) => {
                let a = self.eval(a, frame)?;
                if !a.truthy() { a } else { self.eval(b, frame)? }
            }
            ExprKind::Or(a, b) => {
                let a = self.eval(a, frame)?;
                if a.truthy() { a } else { self.eval(b, frame)? }
            }
            ExprKind::IfExp { cond, then, orelse } => {
                if self.eval(cond, frame)?.truthy() {
                    self.eval(then, frame)?
                } else {
                    self.eval(orelse, frame)?
                }
            }
            ExprKind::List(items) => Value::list(self.eval_all(items, frame)?),
            ExprKind::Tuple(items) => Value::tuple(self.eval_all(items, frame)?),
            ExprKind::Dict(pairs) => {
                let out = parking_lot::Mutex::new(Vec::with_capacity(pairs.len()));
                for (k, v) in pairs {
                    let k = self.eval(k, frame)?;
                    let v = self.eval(v, frame)?;
                    crate::core::hash_eq::dict_set(&out, k, v, span)?;
                }
                Value::Dict(Arc::new(out))
            }
            ExprKind::FStr(parts) => {
                let mut s = String::new();
                for p in parts {
                    match p {
                        FPart::Lit(l) => s.push_str(l),
                        FPart::Expr { expr, conv, spec } => {
                            let v = self.eval(expr, frame)?;
                            let v = match conv {
                                Some('r') => Value::str(&repr::repr(&v)),
                                Some(_) => Value::str(&repr::str(&v)),
                                None => v,
                            };
                            match spec {
                                Some(spec) => {
                                    s.push_str(&format::format_value(&v, spec, expr.span)?)
                                }
                                None => s.push_str(&repr::str(&v)),
                            }
                        }
                    }
                }
                Value::str(&s)
            }
            ExprKind::Lambda { func, captures } => {
                let mut captured = Vec::with_capacity(captures.len());
                for p in captures {
                    captured.push(self.load(*p, frame, span)?);
                }
                Value::Closure(Arc::new(Closure {
                    func: *func,
                    captured,
                }))
            }
            ExprKind::ListComp {
                elt,
                target,
                iter: it,
                cond,
            } => {
                let src = self.eval(it, frame)?;
                let mut iter = self.iterate(&src, span)?;
                let mut out = Vec::new();
                while let Some(item) = self.next_item(&mut iter, span)? {
                    self.assign(target, item, frame, span)?;
                    if let Some(c) = cond
                        && !self.eval(c, frame)?.truthy()
                    {
                        continue;
                    }
                    out.push(self.eval(elt, frame)?);
                }
                Value::list(out)
            }
        })
    }

    fn eval_opt(&mut self, e: Option<&Expr>, frame: &mut Frame) -> Res<Value> {
        match e {
            Some(e) => self.eval(e, frame),
            None => Ok(Value::None),
        }
    }

    fn eval_all(&mut self, items: &[Expr], frame: &mut Frame) -> Res<Vec<Value>> {
        items.iter().map(|e| self.eval(e, frame)).collect()
    }

    fn eval_args(
        &mut self,
        args: &[Expr],
        kwargs: &[(Kw, Expr)],
        star: Option<&Expr>,
        frame: &mut Frame,
    ) -> Res<Args> {
        let mut pos = self.eval_all(args, frame)?;
        if let Some(s) = star {
            let v = self.eval(s, frame)?;
            pos.extend(self.collect(&v, s.span)?);
        }
        let mut kw = Vec::with_capacity(kwargs.len());
        for (k, e) in kwargs {
            kw.push((k.clone(), self.eval(e, frame)?));
        }
        Ok(Args { pos, kw })
    }

    /// The handle `e` gives when `e` is a variable holding one (the receiver of
    /// `with lock`, `lock.acquire()`): no `Value` built or moved. `None` means: evaluate
    /// `e` the general way (it may still give a handle).
    #[inline]
    pub(crate) fn handle_in(&self, e: &Expr, frame: &Frame) -> Option<Handle> {
        match e.kind {
            ExprKind::Load(Place::Local(i)) => match frame.locals[i as usize] {
                Some(Value::Handle(h)) => Some(h),
                _ => None,
            },
            ExprKind::Load(Place::Global(i)) => self.globals.get_handle(i),
            _ => None,
        }
    }

    pub(crate) fn load(&mut self, p: Place, frame: &Frame, span: Span) -> Res<Value> {
        match p {
            Place::Local(i) => frame.locals[i as usize].clone().ok_or_else(|| {
                let f = &self.program.functions[frame.func as usize];
                let name = f.local_names.get(i as usize).map_or("?", |s| s.as_str());
                Unwind::raise(
                    ExcType::UnboundLocalError,
                    format!("cannot access local variable '{name}' where it is not associated with a value"),
                    span,
                )
            }),
            Place::Global(i) => self.globals.get(i).ok_or_else(|| {
                let name = self.program.globals.get(i as usize).map_or("?", |g| g.name.as_str());
                Unwind::raise(ExcType::NameError, format!("name '{name}' is not defined"), span)
            }),
        }
    }

    /// `recv.m(args)`: engine objects go to the world; plain values to `plain_methods`.
    pub(crate) fn call_method(
        &mut self,
        recv: &Value,
        m: Method,
        args: Args,
        span: Span,
    ) -> Res<Value> {
        match recv {
            Value::Handle(h) => self.handle_method(*h, m, args, span),
            _ => match plain_methods::call_keyed(recv, m, &args, self, span) {
                Some(r) => r,
                None => Err(Unwind::raise(
                    ExcType::AttributeError,
                    format!(
                        "'{}' object has no attribute '{}'",
                        recv.type_name(),
                        m.name()
                    ),
                    span,
                )),
            },
        }
    }

    /// `h.m(args)` on an engine object.
    fn handle_method(&mut self, h: Handle, m: Method, args: Args, span: Span) -> Res<Value> {
        if m == Method::WaitFor && matches!(h.kind, HandleKind::Condition { .. }) {
            return self.condition_wait_for(h, args, span);
        }
        self.world.call_method(self, h, m, args, span)
    }

    /// `Condition.wait_for(predicate, timeout)`, exactly as CPython writes it: the
    /// predicate runs with the lock held, between waits.
    fn condition_wait_for(&mut self, cond: Handle, args: Args, span: Span) -> Res<Value> {
        let pred = args.get(0, "predicate").cloned().unwrap_or(Value::None);
        let timeout = match args.get(1, "timeout") {
            None | Some(Value::None) => None,
            Some(v) => Some(to_f64(v, span)?),
        };
        let mut result = self.call(&pred, Args::default(), span)?;
        let mut end = None;
        while !result.truthy() {
            let mut wait_args = Args::default();
            if let Some(t) = timeout {
                let now = self.now(span)?;
                let end = *end.get_or_insert(now + t);
                let left = end - now;
                if left <= 0.0 {
                    break;
                }
                wait_args.pos.push(Value::Float(left));
            }
            self.world
                .call_method(self, cond, Method::Wait, wait_args, span)?;
            result = self.call(&pred, Args::default(), span)?;
        }
        Ok(result)
    }

    fn now(&mut self, span: Span) -> Res<f64> {
        let t = self
            .world
            .call_builtin(self, Builtin::Monotonic, Args::default(), span)?;
        to_f64(&t, span)
    }

    pub(crate) fn get_item(&mut self, obj: &Value, idx: &Value, span: Span) -> Res<Value> {
        match obj {
            Value::Handle(h) => self.world.get_item(*h, idx, span),
            _ => crate::core::subscript::index(obj, idx, span),
        }
    }

    pub(crate) fn set_item(&mut self, obj: &Value, idx: &Value, v: Value, span: Span) -> Res<()> {
        match obj {
            Value::Handle(h) => self.world.set_item(*h, idx, v, span),
            _ => crate::core::subscript::set_index(obj, idx, v, span),
        }
    }

    pub(crate) fn iterate(&mut self, v: &Value, span: Span) -> Res<ValueIter> {
        Ok(match v {
            Value::Range(a, b, s) => ValueIter::Range {
                next: *a,
                stop: *b,
                step: *s,
            },
            Value::List(_) => ValueIter::List {
                list: v.clone(),
                i: 0,
            },
            Value::Handle(h) => match h.kind {
                HandleKind::Array => ValueIter::Array { h: *h, i: 0 },
                HandleKind::ImapIter => ValueIter::Next(*h),
                _ => {
                    return Err(Unwind::raise(
                        ExcType::TypeError,
                        format!("'{}' object is not iterable", v.type_name()),
                        span,
                    ));
                }
            },
            _ => ValueIter::Items {
                items: iter::to_vec(v, span)?,
                i: 0,
            },
        })
    }

    pub(crate) fn next_item(&mut self, it: &mut ValueIter, span: Span) -> Res<Option<Value>> {
        Ok(match it {
            ValueIter::Range { next, stop, step } => {
                let more = if *step > 0 {
                    *next < *stop
                } else {
                    *next > *stop
                };
                if !more {
                    return Ok(None);
                }
                let v = *next;
                *next += *step;
                Some(Value::Int(v))
            }
            ValueIter::List {
                list: Value::List(l),
                i,
            } => {
                let item = l.lock().get(*i).cloned();
                *i += 1;
                item
            }
            ValueIter::List { .. } => None,
            ValueIter::Items { items, i } => {
                let item = items.get(*i).cloned();
                *i += 1;
                item
            }
            ValueIter::Array { h, i } => match self.world.get_item(*h, &Value::Int(*i), span) {
                Ok(v) => {
                    *i += 1;
                    Some(v)
                }
                Err(Unwind::Raise(e)) if e.ty == ExcType::IndexError => None,
                Err(e) => return Err(e),
            },
            ValueIter::Next(h) => {
                match self
                    .world
                    .call_method(self, *h, Method::Next, Args::default(), span)
                {
                    Ok(v) => Some(v),
                    Err(Unwind::Raise(e)) if e.ty == ExcType::StopIteration => None,
                    Err(e) => return Err(e),
                }
            }
        })
    }

    /// All items of an iterable, for unpacking and `*args`.
    pub(crate) fn collect(&mut self, v: &Value, span: Span) -> Res<Vec<Value>> {
        let mut it = self.iterate(v, span)?;
        let mut out = Vec::new();
        while let Some(x) = self.next_item(&mut it, span)? {
            out.push(x);
        }
        Ok(out)
    }
}

pub fn const_value(c: &Const) -> Value {
    match c {
        Const::None => Value::None,
        Const::Bool(b) => Value::Bool(*b),
        Const::Int(i) => Value::Int(*i),
        Const::Float(f) => Value::Float(*f),
        Const::Str(s) => Value::Str(s.clone()),
        Const::Bytes(b) => Value::Bytes(b.clone()),
    }
}

/// A number as `f64` (a timeout, a time): TypeError for anything else.
fn to_f64(v: &Value, span: Span) -> Res<f64> {
    match v {
        Value::Int(i) => Ok(*i as f64),
        Value::Float(f) => Ok(*f),
        Value::Bool(b) => Ok(f64::from(u8::from(*b))),
        other => Err(Unwind::raise(
            ExcType::TypeError,
            format!("must be real number, not {}", other.type_name()),
            span,
        )),
    }
}

/// `None` for an omitted slice bound.
fn opt_ref(v: &Value) -> Option<&Value> {
    match v {
        Value::None => None,
        v => Some(v),
    }
}
