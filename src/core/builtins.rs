//! The pure builtins (`len`, `int`, `sorted`, `isinstance`, ...), evaluated without the
//! engine. Builtins with an effect (`print`, `sleep`, `Lock()`...) are `World`'s.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use parking_lot::Mutex;

use crate::core::compare::{lt, sort_values};
use crate::core::conversions::{to_float, to_int};
use crate::core::hash_eq::{Num, as_num, dict_set, hash};
use crate::core::iter::{range_len, to_vec};
use crate::core::names::{Builtin, ExcType};
use crate::core::ops::{binary, float_divmod, floor_div, floor_mod, overflow};
use crate::core::repr::{object_address, repr, str};
use crate::core::value::{HandleKind, Res, ThreadQueueKind, Unwind, Value};
use crate::core::world::{Args, Caller};
use crate::syntax::ast::BinOp;
use crate::syntax::span::Span;

pub use crate::core::rounding::{pow3, round};

/// A pure builtin's result, or `None` when `b` is not pure (the interpreter then asks
/// `World`). Iterating builtins (`len`, `list`, `sorted`, `sum`, ...) also return `None`
/// when given an engine object: a shared `Array` or an `imap` iterator is the engine's
/// to measure or iterate. `key=` functions need [`call_pure_keyed`].
pub fn call_pure(b: Builtin, args: &Args, span: Span) -> Option<Res<Value>> {
    call_inner(b, args, None, span)
}

/// [`call_pure`], with a way to call `key=` functions of `sorted`, `min` and `max`.
pub fn call_pure_keyed(
    b: Builtin,
    args: &Args,
    cx: &mut dyn Caller,
    span: Span,
) -> Option<Res<Value>> {
    call_inner(b, args, Some(cx), span)
}

fn type_error(msg: impl Into<String>, span: Span) -> Unwind {
    Unwind::raise(ExcType::TypeError, msg, span)
}

/// Builtins that iterate or measure their argument.
fn iterates(b: Builtin) -> bool {
    use Builtin as B;
    matches!(
        b,
        B::Len
            | B::List
            | B::Tuple
            | B::Dict
            | B::Min
            | B::Max
            | B::Sum
            | B::Sorted
            | B::Enumerate
            | B::Zip
            | B::Any
            | B::All
            | B::Reversed
    )
}

fn call_inner(
    b: Builtin,
    args: &Args,
    cx: Option<&mut dyn Caller>,
    span: Span,
) -> Option<Res<Value>> {
    if iterates(b) && args.pos.iter().any(|v| matches!(v, Value::Handle(_))) {
        return None;
    }
    let a = Call {
        args,
        span,
        name: b.name(),
    };
    Some(match b {
        Builtin::Len => a.exactly_one().and_then(|v| len(v, span)),
        Builtin::Range => a.no_kw().and_then(|()| range(args, span)),
        Builtin::Str => a.str(),
        Builtin::Int => a.int(),
        Builtin::Float => a
            .at_most(1)
            .map(|()| match args.pos.first() {
                None => Ok(Value::Float(0.0)),
                Some(v) => to_float(v, span),
            })
            .and_then(|r| r),
        Builtin::Bool => a
            .at_most(1)
            .map(|()| Value::Bool(args.pos.first().is_some_and(Value::truthy))),
        Builtin::List => a
            .at_most(1)
            .and_then(|()| opt_items(args, span))
            .map(Value::list),
        Builtin::Tuple => a
            .at_most(1)
            .and_then(|()| opt_items(args, span))
            .map(Value::tuple),
        Builtin::Dict => dict(args, span),
        Builtin::Repr => a.exactly_one().map(|v| Value::str(&repr(v))),
        Builtin::Abs => a.exactly_one().and_then(|v| abs(v, span)),
        Builtin::Min => min_max(args, cx, false, span),
        Builtin::Max => min_max(args, cx, true, span),
        Builtin::Sum => sum(args, span),
        Builtin::Sorted => sorted(args, cx, span),
        Builtin::Enumerate => enumerate(args, span),
        Builtin::Zip => zip(args, span),
        Builtin::Pow => pow(args, span),
        Builtin::Isinstance => a
            .exactly(2)
            .and_then(|()| isinstance(&args.pos[0], &args.pos[1], span).map(Value::Bool)),
        Builtin::Id => a
            .exactly_one()
            .map(|v| Value::Int(i128::from(object_address(v)))),
        Builtin::Object => a.exactly(0).map(|()| {
            static NEXT: AtomicU64 = AtomicU64::new(1);
            Value::Object(NEXT.fetch_add(1, Ordering::Relaxed))
        }),
        Builtin::Round => a.at_most(2).and_then(|()| match args.get(0, "number") {
            None => Err(type_error(
                "round() missing required argument 'number' (pos 1)",
                span,
            )),
            Some(x) => round(x, args.get(1, "ndigits"), span),
        }),
        Builtin::Divmod => a
            .exactly(2)
            .and_then(|()| divmod(&args.pos[0], &args.pos[1], span)),
        Builtin::Chr => a.exactly_one().and_then(|v| chr(v, span)),
        Builtin::Ord => a.exactly_one().and_then(|v| ord(v, span)),
        Builtin::Any => a
            .exactly_one()
            .and_then(|v| to_vec(v, span))
            .map(|items| Value::Bool(items.iter().any(Value::truthy))),
        Builtin::All => a
            .exactly_one()
            .and_then(|v| to_vec(v, span))
            .map(|items| Value::Bool(items.iter().all(Value::truthy))),
        Builtin::Reversed => a.exactly_one().and_then(|v| reversed(v, span)),
        Builtin::Hash => a
            .exactly_one()
            .and_then(|v| hash(v, span))
            .map(|h| Value::Int(i128::from(h))),
        _ => return None,
    })
}

/// Argument-count checks, with CPython's messages.
struct Call<'a> {
    args: &'a Args,
    span: Span,
    name: &'static str,
}

impl Call<'_> {
    fn no_kw(&self) -> Res<()> {
        if self.args.kw.is_empty() {
            Ok(())
        } else {
            Err(type_error(
                format!("{}() takes no keyword arguments", self.name),
                self.span,
            ))
        }
    }

    fn exactly_one(&self) -> Res<&Value> {
        self.no_kw()?;
        match self.args.pos.as_slice() {
            [v] => Ok(v),
            other => Err(type_error(
                format!(
                    "{}() takes exactly one argument ({} given)",
                    self.name,
                    other.len()
                ),
                self.span,
            )),
        }
    }

    fn exactly(&self, n: usize) -> Res<()> {
        self.no_kw()?;
        let got = self.args.pos.len();
        if got == n {
            return Ok(());
        }
        let msg = if n == 0 {
            format!("{}() takes no arguments ({got} given)", self.name)
        } else {
            format!("{} expected {n} arguments, got {got}", self.name)
        };
        Err(type_error(msg, self.span))
    }

    fn at_most(&self, n: usize) -> Res<()> {
        let got = self.args.pos.len();
        if got <= n {
            return Ok(());
        }
        Err(type_error(
            format!(
                "{} expected at most {n} argument{}, got {got}",
                self.name,
                if n == 1 { "" } else { "s" }
            ),
            self.span,
        ))
    }

    fn str(&self) -> Res<Value> {
        let args = self.args;
        if args.pos.len() > 3 {
            return Err(type_error(
                format!("str() takes at most 3 arguments ({} given)", args.pos.len()),
                self.span,
            ));
        }
        match (args.get(0, "object"), args.get(1, "encoding")) {
            (None, _) => Ok(Value::str("")),
            (Some(Value::Bytes(b)), Some(_)) => decode_utf8(b, self.span),
            (Some(v), Some(_)) => Err(type_error(
                format!(
                    "decoding to str: need a bytes-like object, {} found",
                    v.type_name()
                ),
                self.span,
            )),
            (Some(v), None) => Ok(Value::str(&str(v))),
        }
    }

    fn int(&self) -> Res<Value> {
        let args = self.args;
        if args.pos.len() > 2 {
            return Err(type_error(
                format!("int() takes at most 2 arguments ({} given)", args.pos.len()),
                self.span,
            ));
        }
        match args.get(0, "x") {
            None => Ok(Value::Int(0)),
            Some(v) => to_int(v, args.get(1, "base"), self.span),
        }
    }
}

/// `bytes.decode()` / `str(b, 'utf-8')`.
pub fn decode_utf8(b: &[u8], span: Span) -> Res<Value> {
    match std::str::from_utf8(b) {
        Ok(s) => Ok(Value::str(s)),
        Err(e) => {
            let pos = e.valid_up_to();
            let reason = match e.error_len() {
                None => "unexpected end of data",
                Some(_) if (0x80..0xc2).contains(&b[pos]) || b[pos] >= 0xf5 => "invalid start byte",
                Some(_) => "invalid continuation byte",
            };
            Err(Unwind::raise(
                ExcType::ValueError,
                format!(
                    "'utf-8' codec can't decode byte {:#04x} in position {pos}: {reason}",
                    b[pos]
                ),
                span,
            ))
        }
    }
}

fn opt_items(args: &Args, span: Span) -> Res<Vec<Value>> {
    match args.pos.first() {
        None => Ok(Vec::new()),
        Some(v) => to_vec(v, span),
    }
}

fn len(v: &Value, span: Span) -> Res<Value> {
    let n = match v {
        Value::Str(s) => s.chars().count() as i128,
        Value::Bytes(b) => b.len() as i128,
        Value::List(l) => l.lock().len() as i128,
        Value::Tuple(t) => t.len() as i128,
        Value::Dict(d) => d.lock().len() as i128,
        Value::Range(a, b, s) => {
            let n = range_len(*a, *b, *s);
            if n > i128::from(i64::MAX) {
                return Err(Unwind::raise(
                    ExcType::OverflowError,
                    "Python int too large to convert to C ssize_t",
                    span,
                ));
            }
            n
        }
        other => {
            return Err(type_error(
                format!("object of type '{}' has no len()", other.type_name()),
                span,
            ));
        }
    };
    Ok(Value::Int(n))
}

/// An int argument where Python wants an index (`range`, `chr`).
pub fn index_arg(v: &Value, span: Span) -> Res<i128> {
    match v {
        Value::Int(i) => Ok(*i),
        Value::Bool(b) => Ok(i128::from(*b)),
        other => Err(type_error(
            format!(
                "'{}' object cannot be interpreted as an integer",
                other.type_name()
            ),
            span,
        )),
    }
}

fn range(args: &Args, span: Span) -> Res<Value> {
    let n: Vec<i128> = args
        .pos
        .iter()
        .map(|v| index_arg(v, span))
        .collect::<Res<_>>()?;
    let (a, b, s) = match n.as_slice() {
        [] => {
            return Err(type_error(
                "range expected at least 1 argument, got 0",
                span,
            ));
        }
        [b] => (0, *b, 1),
        [a, b] => (*a, *b, 1),
        [a, b, s] => (*a, *b, *s),
        more => {
            return Err(type_error(
                format!("range expected at most 3 arguments, got {}", more.len()),
                span,
            ));
        }
    };
    if s == 0 {
        return Err(Unwind::raise(
            ExcType::ValueError,
            "range() arg 3 must not be zero",
            span,
        ));
    }
    Ok(Value::Range(a, b, s))
}

fn dict(args: &Args, span: Span) -> Res<Value> {
    if args.pos.len() > 1 {
        return Err(type_error(
            format!("dict expected at most 1 argument, got {}", args.pos.len()),
            span,
        ));
    }
    let d = Arc::new(Mutex::new(Vec::new()));
    if let Some(src) = args.pos.first() {
        update_dict(&d, src, span)?;
    }
    for (k, v) in &args.kw {
        dict_set(&d, Value::str(k), v.clone(), span)?;
    }
    Ok(Value::Dict(d))
}

/// `d.update(src)`: from a dict, or from an iterable of key/value pairs.
pub fn update_dict(d: &Mutex<Vec<(Value, Value)>>, src: &Value, span: Span) -> Res<()> {
    let pairs: Vec<(Value, Value)> = match src {
        Value::Dict(other) => other.lock().clone(),
        other => {
            let mut pairs = Vec::new();
            for (i, item) in to_vec(other, span)?.into_iter().enumerate() {
                let kv = match &item {
                    Value::List(_)
                    | Value::Tuple(_)
                    | Value::Str(_)
                    | Value::Bytes(_)
                    | Value::Dict(_)
                    | Value::Range(..) => to_vec(&item, span)?,
                    _ => {
                        return Err(type_error(
                            format!(
                                "cannot convert dictionary update sequence element #{i} to a sequence"
                            ),
                            span,
                        ));
                    }
                };
                if kv.len() != 2 {
                    return Err(Unwind::raise(
                        ExcType::ValueError,
                        format!(
                            "dictionary update sequence element #{i} has length {}; 2 is required",
                            kv.len()
                        ),
                        span,
                    ));
                }
                let mut kv = kv.into_iter();
                if let (Some(k), Some(v)) = (kv.next(), kv.next()) {
                    pairs.push((k, v));
                }
            }
            pairs
        }
    };
    for (k, v) in pairs {
        dict_set(d, k, v, span)?;
    }
    Ok(())
}

fn abs(v: &Value, span: Span) -> Res<Value> {
    match as_num(v) {
        Some(Num::I(i)) => i
            .checked_abs()
            .map(Value::Int)
            .ok_or_else(|| overflow(span)),
        Some(Num::F(f)) => Ok(Value::Float(f.abs())),
        None => Err(type_error(
            format!("bad operand type for abs(): '{}'", v.type_name()),
            span,
        )),
    }
}

fn bool_kw(args: &Args, name: &str) -> bool {
    args.kw
        .iter()
        .find(|(k, _)| &**k == name)
        .is_some_and(|(_, v)| v.truthy())
}

fn kw<'a>(args: &'a Args, name: &str) -> Option<&'a Value> {
    args.kw.iter().find(|(k, _)| &**k == name).map(|(_, v)| v)
}

/// Checks keyword names against the allowed ones.
fn only_kw(args: &Args, allowed: &[&str], func: &str, span: Span) -> Res<()> {
    match args.kw.iter().find(|(k, _)| !allowed.contains(&&**k)) {
        Some((k, _)) => Err(type_error(
            format!("{func}() got an unexpected keyword argument '{k}'"),
            span,
        )),
        None => Ok(()),
    }
}

/// The `key=` values of `items`, calling `key` through the interpreter.
fn keys_of(
    items: &[Value],
    key: Option<&Value>,
    cx: Option<&mut dyn Caller>,
    span: Span,
) -> Res<Option<Vec<Value>>> {
    let Some(key) = key.filter(|k| !matches!(k, Value::None)) else {
        return Ok(None);
    };
    let Some(cx) = cx else {
        return Err(type_error(
            "key= functions need the interpreter (call_pure_keyed)",
            span,
        ));
    };
    items
        .iter()
        .map(|item| cx.call_value(key, Args::new(vec![item.clone()]), span))
        .collect::<Res<Vec<_>>>()
        .map(Some)
}

fn min_max(args: &Args, cx: Option<&mut dyn Caller>, max: bool, span: Span) -> Res<Value> {
    let name = if max { "max" } else { "min" };
    only_kw(args, &["key", "default"], name, span)?;
    let items = match args.pos.as_slice() {
        [] => {
            return Err(type_error(
                format!("{name} expected at least 1 argument, got 0"),
                span,
            ));
        }
        [one] => to_vec(one, span)?,
        many => {
            if kw(args, "default").is_some() {
                return Err(type_error(
                    format!(
                        "Cannot specify a default for {name}() with multiple positional arguments"
                    ),
                    span,
                ));
            }
            many.to_vec()
        }
    };
    if items.is_empty() {
        return match kw(args, "default") {
            Some(d) => Ok(d.clone()),
            None => Err(Unwind::raise(
                ExcType::ValueError,
                format!("{name}() arg is an empty sequence"),
                span,
            )),
        };
    }
    let keys = keys_of(&items, kw(args, "key"), cx, span)?.unwrap_or_else(|| items.clone());
    let mut best = 0;
    for i in 1..items.len() {
        // CPython asks `item > best` for max and `item < best` for min.
        let better = if max {
            crate::core::compare::compare(
                crate::syntax::ast::CmpOp::Gt,
                &keys[i],
                &keys[best],
                span,
            )?
        } else {
            lt(&keys[i], &keys[best], span)?
        };
        if better {
            best = i;
        }
    }
    Ok(items[best].clone())
}

fn sum(args: &Args, span: Span) -> Res<Value> {
    only_kw(args, &["start"], "sum", span)?;
    let Some(it) = args.pos.first() else {
        return Err(type_error(
            "sum() takes at least 1 positional argument (0 given)",
            span,
        ));
    };
    let start = args.get(1, "start").cloned().unwrap_or(Value::Int(0));
    match start {
        Value::Str(_) => {
            return Err(type_error(
                "sum() can't sum strings [use ''.join(seq) instead]",
                span,
            ));
        }
        Value::Bytes(_) => {
            return Err(type_error(
                "sum() can't sum bytes [use b''.join(seq) instead]",
                span,
            ));
        }
        _ => {}
    }
    let mut acc = start;
    for item in to_vec(it, span)? {
        acc = binary(BinOp::Add, &acc, &item, span)?;
    }
    Ok(acc)
}

fn sorted(args: &Args, cx: Option<&mut dyn Caller>, span: Span) -> Res<Value> {
    only_kw(args, &["key", "reverse"], "sort", span)?;
    let [it] = args.pos.as_slice() else {
        return Err(type_error(
            format!("sorted expected 1 argument, got {}", args.pos.len()),
            span,
        ));
    };
    let mut items = to_vec(it, span)?;
    let keys = keys_of(&items, kw(args, "key"), cx, span)?;
    sort_values(&mut items, keys, bool_kw(args, "reverse"), span)?;
    Ok(Value::list(items))
}

fn enumerate(args: &Args, span: Span) -> Res<Value> {
    only_kw(args, &["iterable", "start"], "enumerate", span)?;
    let Some(it) = args.get(0, "iterable") else {
        return Err(type_error(
            "enumerate() missing required argument 'iterable' (pos 1)",
            span,
        ));
    };
    let start = match args.get(1, "start") {
        None => 0,
        Some(v) => index_arg(v, span)?,
    };
    let items = to_vec(it, span)?;
    let mut out = Vec::with_capacity(items.len());
    for (i, v) in items.into_iter().enumerate() {
        let n = start.checked_add(i as i128).ok_or_else(|| overflow(span))?;
        out.push(Value::tuple(vec![Value::Int(n), v]));
    }
    Ok(Value::list(out))
}

fn zip(args: &Args, span: Span) -> Res<Value> {
    only_kw(args, &["strict"], "zip", span)?;
    let cols: Vec<Vec<Value>> = args
        .pos
        .iter()
        .map(|v| to_vec(v, span))
        .collect::<Res<_>>()?;
    let n = cols.iter().map(Vec::len).min().unwrap_or(0);
    Ok(Value::list(
        (0..n)
            .map(|i| Value::tuple(cols.iter().map(|c| c[i].clone()).collect()))
            .collect(),
    ))
}

fn pow(args: &Args, span: Span) -> Res<Value> {
    let base = args.get(0, "base");
    let exp = args.get(1, "exp");
    let modulus = args.get(2, "mod").filter(|m| !matches!(m, Value::None));
    match (base, exp, modulus) {
        (None, _, _) => Err(type_error(
            "pow() missing required argument 'base' (pos 1)",
            span,
        )),
        (Some(_), None, _) => Err(type_error(
            "pow() missing required argument 'exp' (pos 2)",
            span,
        )),
        (Some(b), Some(e), None) => binary(BinOp::Pow, b, e, span),
        (Some(b), Some(e), Some(m)) => pow3(b, e, m, span),
    }
}

fn divmod(a: &Value, b: &Value, span: Span) -> Res<Value> {
    match (as_num(a), as_num(b)) {
        (Some(Num::I(x)), Some(Num::I(y))) => {
            if y == 0 {
                return Err(Unwind::raise(
                    ExcType::ZeroDivisionError,
                    "integer division or modulo by zero",
                    span,
                ));
            }
            let q = floor_div(x, y).ok_or_else(|| overflow(span))?;
            Ok(Value::tuple(vec![
                Value::Int(q),
                Value::Int(floor_mod(x, y)),
            ]))
        }
        (Some(x), Some(y)) => {
            let f = |n: Num| match n {
                Num::I(i) => i as f64,
                Num::F(f) => f,
            };
            let (x, y) = (f(x), f(y));
            if y == 0.0 {
                return Err(Unwind::raise(
                    ExcType::ZeroDivisionError,
                    "float divmod()",
                    span,
                ));
            }
            let (q, r) = float_divmod(x, y);
            Ok(Value::tuple(vec![Value::Float(q), Value::Float(r)]))
        }
        _ => Err(type_error(
            format!(
                "unsupported operand type(s) for divmod(): '{}' and '{}'",
                a.type_name(),
                b.type_name()
            ),
            span,
        )),
    }
}

fn chr(v: &Value, span: Span) -> Res<Value> {
    let i = index_arg(v, span)?;
    u32::try_from(i)
        .ok()
        .and_then(char::from_u32)
        .map(|c| Value::str(c.encode_utf8(&mut [0; 4])))
        .ok_or_else(|| {
            Unwind::raise(
                ExcType::ValueError,
                "chr() arg not in range(0x110000)",
                span,
            )
        })
}

fn ord(v: &Value, span: Span) -> Res<Value> {
    match v {
        Value::Str(s) => {
            let mut it = s.chars();
            match (it.next(), it.next()) {
                (Some(c), None) => Ok(Value::Int(i128::from(c as u32))),
                _ => Err(type_error(
                    format!(
                        "ord() expected a character, but string of length {} found",
                        s.chars().count()
                    ),
                    span,
                )),
            }
        }
        Value::Bytes(b) if b.len() == 1 => Ok(Value::Int(i128::from(b[0]))),
        Value::Bytes(b) => Err(type_error(
            format!(
                "ord() expected a character, but string of length {} found",
                b.len()
            ),
            span,
        )),
        other => Err(type_error(
            format!(
                "ord() expected string of length 1, but {} found",
                other.type_name()
            ),
            span,
        )),
    }
}

fn reversed(v: &Value, span: Span) -> Res<Value> {
    match v {
        Value::List(_)
        | Value::Tuple(_)
        | Value::Str(_)
        | Value::Bytes(_)
        | Value::Range(..)
        | Value::Dict(_) => {
            let mut items = to_vec(v, span)?;
            items.reverse();
            Ok(Value::list(items))
        }
        other => Err(type_error(
            format!("'{}' object is not reversible", other.type_name()),
            span,
        )),
    }
}

/// `isinstance(v, cls)` where `cls` is a class or a tuple of classes.
pub fn isinstance(v: &Value, cls: &Value, span: Span) -> Res<bool> {
    let bad = || {
        type_error(
            "isinstance() arg 2 must be a type, a tuple of types, or a union",
            span,
        )
    };
    match cls {
        Value::Tuple(t) => {
            for c in t.iter() {
                if isinstance(v, c, span)? {
                    return Ok(true);
                }
            }
            Ok(false)
        }
        Value::ExcType(t) => Ok(matches!(v, Value::Exception(e) if e.ty.is_subclass_of(*t))),
        Value::Builtin(b) => instance_of_builtin(v, *b).ok_or_else(bad),
        _ => Err(bad()),
    }
}

/// Whether `v` is an instance of builtin class `b`; `None` when `b` is not a class.
fn instance_of_builtin(v: &Value, b: Builtin) -> Option<bool> {
    use Builtin as B;
    use HandleKind as K;
    let kind = match v {
        Value::Handle(h) => Some(h.kind),
        _ => None,
    };
    Some(match b {
        B::Object => true,
        B::Int => matches!(v, Value::Int(_) | Value::Bool(_)),
        B::Bool => matches!(v, Value::Bool(_)),
        B::Float => matches!(v, Value::Float(_)),
        B::Str => matches!(v, Value::Str(_)),
        B::List => matches!(v, Value::List(_)),
        B::Tuple => matches!(v, Value::Tuple(_)),
        B::Dict => matches!(v, Value::Dict(_)),
        B::Range => matches!(v, Value::Range(..)),
        B::Set | B::Enumerate | B::Zip | B::Reversed => false,
        B::Thread => matches!(kind, Some(K::Thread | K::Timer)),
        B::Timer => matches!(kind, Some(K::Timer)),
        B::Process => matches!(kind, Some(K::Process)),
        B::Queue => matches!(
            kind,
            Some(K::ThreadQueue(
                ThreadQueueKind::Fifo | ThreadQueueKind::Lifo | ThreadQueueKind::Priority
            ))
        ),
        B::LifoQueue => matches!(kind, Some(K::ThreadQueue(ThreadQueueKind::Lifo))),
        B::PriorityQueue => matches!(kind, Some(K::ThreadQueue(ThreadQueueKind::Priority))),
        B::SimpleQueue => matches!(kind, Some(K::ThreadQueue(ThreadQueueKind::Simple))),
        B::Condition => matches!(kind, Some(K::Condition { mp: false })),
        B::Semaphore => matches!(kind, Some(K::Semaphore { mp: false, .. })),
        B::BoundedSemaphore => {
            matches!(
                kind,
                Some(K::Semaphore {
                    mp: false,
                    bounded: true
                })
            )
        }
        B::Event => matches!(kind, Some(K::Event { mp: false })),
        B::Barrier => matches!(kind, Some(K::Barrier { mp: false })),
        B::Pool => matches!(kind, Some(K::Pool { .. })),
        B::ThreadPool => matches!(kind, Some(K::Pool { threads: true })),
        B::ThreadPoolExecutor => matches!(kind, Some(K::Executor { processes: false })),
        B::ProcessPoolExecutor => matches!(kind, Some(K::Executor { processes: true })),
        _ => return None,
    })
}
