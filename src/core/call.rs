//! Calling values: scenario functions (argument binding with Python's rules and
//! messages), lambdas, builtins, bound methods and exception classes.

use std::sync::Arc;

use crate::core::interp::{Frame, Interp};
use crate::core::names::{Builtin, ExcType, Method};
use crate::core::value::{Exception, HandleKind, Res, Unwind, Value};
use crate::core::world::Args;
use crate::core::{builtins, repr};
use crate::plan::ir::Function;
use crate::syntax::span::Span;

impl Interp<'_> {
    /// Calls any callable value.
    pub fn call(&mut self, func: &Value, args: Args, span: Span) -> Res<Value> {
        match func {
            Value::Func(id) => self.call_function(*id, Vec::new(), args, span),
            Value::Closure(c) => self.call_function(c.func, c.captured.clone(), args, span),
            Value::Builtin(b) => self.call_builtin(*b, args, span),
            Value::BoundMethod(bm) => {
                let (recv, m) = (&bm.0, bm.1);
                self.call_method(recv, m, args, span)
            }
            Value::ExcType(t) => Ok(make_exception(*t, &args, span)),
            other => Err(Unwind::raise(
                ExcType::TypeError,
                format!("'{}' object is not callable", other.type_name()),
                span,
            )),
        }
    }

    pub fn call_builtin(&mut self, b: Builtin, args: Args, span: Span) -> Res<Value> {
        match b {
            Builtin::Print => {
                let text = print_text(&args, span)?;
                self.world.call_builtin(
                    self,
                    Builtin::Print,
                    Args::new(vec![Value::str(&text)]),
                    span,
                )
            }
            Builtin::Next => {
                let it = args.pos.first().cloned().unwrap_or(Value::None);
                self.call_method(
                    &it,
                    Method::Next,
                    Args::new(args.pos.into_iter().skip(1).collect()),
                    span,
                )
            }
            _ => {
                // Shared Arrays and imap iterators are engine objects: builtins that
                // iterate (`len`, `list`, `sum`, `sorted`...) get their items as a list.
                let args = self.materialize_iterables(b, args, span)?;
                match builtins::call_pure_keyed(b, &args, self, span) {
                    Some(r) => r,
                    None => self.world.call_builtin(self, b, args, span),
                }
            }
        }
    }

    /// Replaces `Array`/`imap` handles among a pure builtin's positional arguments with
    /// lists of their items.
    fn materialize_iterables(&mut self, b: Builtin, mut args: Args, span: Span) -> Res<Args> {
        if !matches!(
            b,
            Builtin::Len
                | Builtin::List
                | Builtin::Tuple
                | Builtin::Sum
                | Builtin::Sorted
                | Builtin::Min
                | Builtin::Max
                | Builtin::Enumerate
                | Builtin::Zip
                | Builtin::Any
                | Builtin::All
                | Builtin::Reversed
        ) {
            return Ok(args);
        }
        for v in &mut args.pos {
            if let Value::Handle(h) = v
                && matches!(h.kind, HandleKind::Array | HandleKind::ImapIter)
            {
                let items = self.collect(&v.clone(), span)?;
                *v = Value::list(items);
            }
        }
        Ok(args)
    }

    /// Binds a call's arguments to `f`'s parameters in `frame`, as Python does.
    pub(crate) fn bind_args(
        &mut self,
        f: &Function,
        frame: &mut Frame,
        captured: Vec<Value>,
        args: Args,
        span: Span,
    ) -> Res<()> {
        // Locals: a lambda's captures first, then the parameters.
        let base = captured.len();
        for (j, v) in captured.into_iter().enumerate() {
            frame.locals[j] = Some(v);
        }
        let n = f.params.len();
        if args.pos.len() > n {
            let given = args.pos.len();
            return Err(Unwind::raise(
                ExcType::TypeError,
                format!(
                    "{}() takes {} positional argument{} but {} {} given",
                    f.name,
                    n,
                    if n == 1 { "" } else { "s" },
                    given,
                    if given == 1 { "was" } else { "were" }
                ),
                span,
            ));
        }
        let npos = args.pos.len();
        for (i, v) in args.pos.into_iter().enumerate() {
            frame.locals[base + i] = Some(v);
        }
        for (k, v) in args.kw {
            let Some(i) = f.params.iter().position(|p| *p.name == *k) else {
                return Err(Unwind::raise(
                    ExcType::TypeError,
                    format!("{}() got an unexpected keyword argument '{}'", f.name, k),
                    span,
                ));
            };
            if i < npos || frame.locals[base + i].is_some() {
                return Err(Unwind::raise(
                    ExcType::TypeError,
                    format!("{}() got multiple values for argument '{}'", f.name, k),
                    span,
                ));
            }
            frame.locals[base + i] = Some(v);
        }
        let mut missing = Vec::new();
        for (i, p) in f.params.iter().enumerate() {
            if frame.locals[base + i].is_none() {
                match &p.default {
                    Some(d) => {
                        let v = self.eval(d, frame)?;
                        frame.locals[base + i] = Some(v);
                    }
                    None => missing.push(format!("'{}'", p.name)),
                }
            }
        }
        if !missing.is_empty() {
            let list = match missing.len() {
                1 => missing[0].clone(),
                _ => {
                    let last = missing.pop().unwrap_or_default();
                    format!("{} and {}", missing.join(", "), last)
                }
            };
            let count = list.matches('\'').count() / 2;
            return Err(Unwind::raise(
                ExcType::TypeError,
                format!(
                    "{}() missing {} required positional argument{}: {}",
                    f.name,
                    count,
                    if count == 1 { "" } else { "s" },
                    list
                ),
                span,
            ));
        }
        Ok(())
    }
}

/// `ValueError("bad 1")`: the message is `str()` of the single argument (a tuple repr of
/// several, empty for none), as `str(e)` gives in Python.
pub fn make_exception(ty: ExcType, args: &crate::core::world::Args, span: Span) -> Value {
    let msg = match args.pos.len() {
        0 => String::new(),
        1 if ty == ExcType::KeyError => repr::repr(&args.pos[0]),
        1 => repr::str(&args.pos[0]),
        _ => repr::repr(&Value::tuple(args.pos.clone())),
    };
    Value::Exception(Arc::new(Exception { ty, msg, span }))
}

/// The text `print(*args, sep=' ', end='\n')` writes.
fn print_text(args: &Args, span: Span) -> Res<String> {
    let sep = kw_str(args, "sep", " ", span)?;
    let end = kw_str(args, "end", "\n", span)?;
    let mut out = String::new();
    for (i, v) in args.pos.iter().enumerate() {
        if i > 0 {
            out.push_str(&sep);
        }
        out.push_str(&repr::str(v));
    }
    out.push_str(&end);
    Ok(out)
}

fn kw_str(args: &Args, name: &str, default: &str, span: Span) -> Res<String> {
    match args.kw.iter().find(|(k, _)| &**k == name) {
        None | Some((_, Value::None)) => Ok(default.to_string()),
        Some((_, Value::Str(s))) => Ok(s.to_string()),
        Some((_, v)) => Err(Unwind::raise(
            ExcType::TypeError,
            format!("{name} must be None or a string, not {}", v.type_name()),
            span,
        )),
    }
}
