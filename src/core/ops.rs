//! Arithmetic, bitwise and sequence operators on plain values, with Python's rules
//! (floor division and modulo take the divisor's sign, `/` always gives a float, `**`
//! with a negative int exponent gives a float) and CPython's error messages.
//!
//! Ints are 128-bit: where Python would grow a bignum we raise OverflowError rather
//! than return a wrong value.

use std::sync::Arc;

use crate::core::format::percent_format;
use crate::core::hash_eq::{Num, as_num, dict_set};
use crate::core::iter::{MAX_ITEMS, to_vec, too_many};
use crate::core::names::ExcType;
use crate::core::value::{Res, Unwind, Value};
use crate::syntax::ast::{BinOp, UnaryOp};
use crate::syntax::span::Span;

/// Python's spelling of an operator, for error messages.
pub fn symbol(op: BinOp) -> &'static str {
    match op {
        BinOp::Add => "+",
        BinOp::Sub => "-",
        BinOp::Mul => "*",
        BinOp::Div => "/",
        BinOp::FloorDiv => "//",
        BinOp::Mod => "%",
        BinOp::Pow => "**",
        BinOp::BitAnd => "&",
        BinOp::BitOr => "|",
        BinOp::BitXor => "^",
        BinOp::Shl => "<<",
        BinOp::Shr => ">>",
    }
}

/// `a <op> b`.
pub fn binary(op: BinOp, a: &Value, b: &Value, span: Span) -> Res<Value> {
    if let (Some(x), Some(y)) = (as_num(a), as_num(b)) {
        if let (Value::Bool(p), Value::Bool(q)) = (a, b) {
            match op {
                BinOp::BitAnd => return Ok(Value::Bool(p & q)),
                BinOp::BitOr => return Ok(Value::Bool(p | q)),
                BinOp::BitXor => return Ok(Value::Bool(p ^ q)),
                _ => {}
            }
        }
        return match (x, y) {
            (Num::I(x), Num::I(y)) => int_op(op, x, y, span),
            (Num::F(x), Num::F(y)) => float_op(op, x, y, a, b, span),
            (Num::I(x), Num::F(y)) => float_op(op, x as f64, y, a, b, span),
            (Num::F(x), Num::I(y)) => float_op(op, x, y as f64, a, b, span),
        };
    }
    match op {
        BinOp::Add => concat(a, b, span),
        BinOp::Mul => match (a, b) {
            (Value::Str(_) | Value::List(_) | Value::Tuple(_) | Value::Bytes(_), _) => {
                repeat(a, b, span)
            }
            (_, Value::Str(_) | Value::List(_) | Value::Tuple(_) | Value::Bytes(_)) => {
                repeat(b, a, span)
            }
            _ => Err(unsupported(op, a, b, span)),
        },
        BinOp::Mod => match a {
            Value::Str(template) => Ok(Value::str(&percent_format(template, b, span)?)),
            _ => Err(unsupported(op, a, b, span)),
        },
        BinOp::BitOr => match (a, b) {
            (Value::Dict(x), Value::Dict(y)) => {
                let merged = Value::Dict(Arc::new(parking_lot::Mutex::new(x.lock().clone())));
                let more = y.lock().clone();
                if let Value::Dict(m) = &merged {
                    for (k, v) in more {
                        dict_set(m, k, v, span)?;
                    }
                }
                Ok(merged)
            }
            _ => Err(unsupported(op, a, b, span)),
        },
        _ => Err(unsupported(op, a, b, span)),
    }
}

/// `a <op>= b`. Lists (`+=`, `*=`) and dicts (`|=`) change in place, visibly through
/// every reference; everything else is `a = a <op> b`. Returns the new value of `a`.
pub fn inplace_binary(op: BinOp, a: &Value, b: &Value, span: Span) -> Res<Value> {
    match (op, a) {
        (BinOp::Add, Value::List(l)) => {
            // Snapshot first: `a += a` must not lock `a` twice.
            let extra = to_vec(b, span)?;
            l.lock().extend(extra);
            Ok(a.clone())
        }
        (BinOp::Mul, Value::List(l)) => {
            let n = repeat_count(b, span)?;
            let items = l.lock().clone();
            let repeated = repeat_vec(&items, n, span)?;
            *l.lock() = repeated;
            Ok(a.clone())
        }
        (BinOp::BitOr, Value::Dict(d)) => match b {
            Value::Dict(other) => {
                // Bound first: a `for` header's lock guard would live through the loop,
                // and `d |= d` would then lock `d` twice.
                let more = other.lock().clone();
                for (k, v) in more {
                    dict_set(d, k, v, span)?;
                }
                Ok(a.clone())
            }
            _ => Err(unsupported(op, a, b, span)),
        },
        _ => binary(op, a, b, span),
    }
}

/// `<op> v`.
pub fn unary(op: UnaryOp, v: &Value, span: Span) -> Res<Value> {
    let bad = |sym: &str| {
        Unwind::raise(
            ExcType::TypeError,
            format!("bad operand type for unary {sym}: '{}'", v.type_name()),
            span,
        )
    };
    match op {
        UnaryOp::Not => Ok(Value::Bool(!v.truthy())),
        UnaryOp::Neg => match as_num(v) {
            Some(Num::I(i)) => Ok(Value::Int(i.checked_neg().ok_or_else(|| overflow(span))?)),
            Some(Num::F(f)) => Ok(Value::Float(-f)),
            None => Err(bad("-")),
        },
        UnaryOp::Pos => match as_num(v) {
            Some(Num::I(i)) => Ok(Value::Int(i)),
            Some(Num::F(f)) => Ok(Value::Float(f)),
            None => Err(bad("+")),
        },
        UnaryOp::Invert => match (v, as_num(v)) {
            (Value::Int(_) | Value::Bool(_), Some(Num::I(i))) => Ok(Value::Int(!i)),
            _ => Err(bad("~")),
        },
    }
}

/// The error for an int result beyond 128 bits.
pub fn overflow(span: Span) -> Unwind {
    Unwind::raise(
        ExcType::OverflowError,
        "integer result too large (ints are limited to 128 bits here)",
        span,
    )
}

fn zero_div(msg: &str, span: Span) -> Unwind {
    Unwind::raise(ExcType::ZeroDivisionError, msg, span)
}

/// `TypeError: unsupported operand type(s) for +: 'int' and 'str'`.
pub fn unsupported(op: BinOp, a: &Value, b: &Value, span: Span) -> Unwind {
    let sym = if op == BinOp::Pow {
        "** or pow()"
    } else {
        symbol(op)
    };
    Unwind::raise(
        ExcType::TypeError,
        format!(
            "unsupported operand type(s) for {sym}: '{}' and '{}'",
            a.type_name(),
            b.type_name()
        ),
        span,
    )
}

/// `x op y` for the operators whose int result is an int, when it fits: the fast path
/// of `v += 1`. `None` sends the caller to [`binary`] (which raises on overflow).
#[inline]
pub fn int_fast(op: BinOp, x: i128, y: i128) -> Option<i128> {
    match op {
        BinOp::Add => x.checked_add(y),
        BinOp::Sub => x.checked_sub(y),
        BinOp::Mul => x.checked_mul(y),
        BinOp::Mod if y != 0 => Some(floor_mod(x, y)),
        BinOp::BitAnd => Some(x & y),
        BinOp::BitOr => Some(x | y),
        BinOp::BitXor => Some(x ^ y),
        _ => None,
    }
}

fn int_op(op: BinOp, x: i128, y: i128, span: Span) -> Res<Value> {
    let ovf = || overflow(span);
    let r = match op {
        BinOp::Add => x.checked_add(y).ok_or_else(ovf)?,
        BinOp::Sub => x.checked_sub(y).ok_or_else(ovf)?,
        BinOp::Mul => x.checked_mul(y).ok_or_else(ovf)?,
        BinOp::Div => {
            if y == 0 {
                return Err(zero_div("division by zero", span));
            }
            return Ok(Value::Float(int_true_div(x, y)));
        }
        BinOp::FloorDiv => {
            if y == 0 {
                return Err(zero_div("integer division or modulo by zero", span));
            }
            floor_div(x, y).ok_or_else(ovf)?
        }
        BinOp::Mod => {
            if y == 0 {
                return Err(zero_div("integer modulo by zero", span));
            }
            floor_mod(x, y)
        }
        BinOp::Pow => return int_pow(x, y, span),
        BinOp::BitAnd => x & y,
        BinOp::BitOr => x | y,
        BinOp::BitXor => x ^ y,
        BinOp::Shl => {
            if y < 0 {
                return Err(Unwind::raise(
                    ExcType::ValueError,
                    "negative shift count",
                    span,
                ));
            }
            if x == 0 {
                0
            } else if y >= 127 {
                return Err(ovf());
            } else {
                let r = x << y;
                if r >> y != x {
                    return Err(ovf());
                }
                r
            }
        }
        BinOp::Shr => {
            if y < 0 {
                return Err(Unwind::raise(
                    ExcType::ValueError,
                    "negative shift count",
                    span,
                ));
            }
            x >> y.min(127)
        }
    };
    Ok(Value::Int(r))
}

/// `x / y` for ints, correctly rounded when both fit a float's 53-bit mantissa.
fn int_true_div(x: i128, y: i128) -> f64 {
    x as f64 / y as f64
}

/// Python's `//` on ints: rounds towards negative infinity. `None` on overflow.
pub fn floor_div(x: i128, y: i128) -> Option<i128> {
    let q = x.checked_div(y)?;
    if (x % y != 0) && ((x < 0) != (y < 0)) {
        Some(q - 1)
    } else {
        Some(q)
    }
}

/// Python's `%` on ints: the result has the divisor's sign.
pub fn floor_mod(x: i128, y: i128) -> i128 {
    // `checked_rem` fails only for MIN % -1, whose remainder is 0.
    let r = x.checked_rem(y).unwrap_or(0);
    if r != 0 && ((r < 0) != (y < 0)) {
        r + y
    } else {
        r
    }
}

fn int_pow(x: i128, y: i128, span: Span) -> Res<Value> {
    if y < 0 {
        if x == 0 {
            return Err(zero_div("0.0 cannot be raised to a negative power", span));
        }
        return float_pow(x as f64, y as f64, span);
    }
    let r = match x {
        0 => i128::from(y == 0),
        1 => 1,
        -1 => {
            if y % 2 == 0 {
                1
            } else {
                -1
            }
        }
        _ => {
            let e = u32::try_from(y).map_err(|_| overflow(span))?;
            x.checked_pow(e).ok_or_else(|| overflow(span))?
        }
    };
    Ok(Value::Int(r))
}

/// `x ** y` on floats, with CPython's errors.
pub fn float_pow(x: f64, y: f64, span: Span) -> Res<Value> {
    if x == 0.0 && y < 0.0 {
        return Err(zero_div("0.0 cannot be raised to a negative power", span));
    }
    if x < 0.0 && x.is_finite() && y.is_finite() && y.fract() != 0.0 {
        // CPython returns a complex number here; there is no complex type to return.
        return Err(Unwind::raise(
            ExcType::ValueError,
            "negative number cannot be raised to a fractional power (complex results are not supported)",
            span,
        ));
    }
    let r = x.powf(y);
    if r.is_infinite() && x.is_finite() && y.is_finite() {
        return Err(Unwind::raise(
            ExcType::OverflowError,
            "(34, 'Numerical result out of range')",
            span,
        ));
    }
    Ok(Value::Float(r))
}

/// Python's float `divmod`: `(floor quotient, remainder with the divisor's sign)`.
/// `y` must not be zero.
pub fn float_divmod(x: f64, y: f64) -> (f64, f64) {
    let mut m = x % y;
    let mut div = (x - m) / y;
    if m != 0.0 {
        if (y < 0.0) != (m < 0.0) {
            m += y;
            div -= 1.0;
        }
    } else {
        m = 0f64.copysign(y);
    }
    let q = if div != 0.0 {
        let f = div.floor();
        if div - f > 0.5 { f + 1.0 } else { f }
    } else {
        0f64.copysign(x / y)
    };
    (q, m)
}

fn float_op(op: BinOp, x: f64, y: f64, a: &Value, b: &Value, span: Span) -> Res<Value> {
    let r = match op {
        BinOp::Add => x + y,
        BinOp::Sub => x - y,
        BinOp::Mul => x * y,
        BinOp::Div => {
            if y == 0.0 {
                return Err(zero_div("float division by zero", span));
            }
            x / y
        }
        BinOp::FloorDiv => {
            if y == 0.0 {
                return Err(zero_div("float floor division by zero", span));
            }
            float_divmod(x, y).0
        }
        BinOp::Mod => {
            if y == 0.0 {
                return Err(zero_div("float modulo", span));
            }
            float_divmod(x, y).1
        }
        BinOp::Pow => return float_pow(x, y, span),
        _ => return Err(unsupported(op, a, b, span)),
    };
    Ok(Value::Float(r))
}

fn concat(a: &Value, b: &Value, span: Span) -> Res<Value> {
    let only = |what: &str| {
        Unwind::raise(
            ExcType::TypeError,
            format!(
                "can only concatenate {what} (not \"{}\") to {what}",
                b.type_name()
            ),
            span,
        )
    };
    match (a, b) {
        (Value::Str(x), Value::Str(y)) => {
            let mut s = String::with_capacity(x.len() + y.len());
            s.push_str(x);
            s.push_str(y);
            Ok(Value::str(&s))
        }
        (Value::Str(_), _) => Err(only("str")),
        (Value::List(x), Value::List(y)) => {
            let mut items = x.lock().clone();
            let more = y.lock().clone();
            items.extend(more);
            Ok(Value::list(items))
        }
        (Value::List(_), _) => Err(only("list")),
        (Value::Tuple(x), Value::Tuple(y)) => {
            Ok(Value::tuple(x.iter().chain(y.iter()).cloned().collect()))
        }
        (Value::Tuple(_), _) => Err(only("tuple")),
        (Value::Bytes(x), Value::Bytes(y)) => {
            Ok(Value::Bytes(x.iter().chain(y.iter()).copied().collect()))
        }
        (Value::Bytes(_), _) => Err(Unwind::raise(
            ExcType::TypeError,
            format!("can't concat {} to bytes", b.type_name()),
            span,
        )),
        _ => Err(unsupported(BinOp::Add, a, b, span)),
    }
}

/// The count of a sequence repetition; negative counts mean empty.
fn repeat_count(n: &Value, span: Span) -> Res<usize> {
    match (n, as_num(n)) {
        (Value::Int(_) | Value::Bool(_), Some(Num::I(i))) => {
            Ok(usize::try_from(i.max(0)).unwrap_or(usize::MAX))
        }
        _ => Err(Unwind::raise(
            ExcType::TypeError,
            format!(
                "can't multiply sequence by non-int of type '{}'",
                n.type_name()
            ),
            span,
        )),
    }
}

fn checked_total(len: usize, n: usize, span: Span) -> Res<()> {
    match len.checked_mul(n) {
        Some(t) if (t as i128) <= MAX_ITEMS => Ok(()),
        _ if len == 0 => Ok(()),
        _ => Err(too_many(span)),
    }
}

fn repeat_vec(items: &[Value], n: usize, span: Span) -> Res<Vec<Value>> {
    checked_total(items.len(), n, span)?;
    if items.is_empty() {
        return Ok(Vec::new());
    }
    let mut out = Vec::with_capacity(items.len() * n);
    for _ in 0..n {
        out.extend_from_slice(items);
    }
    Ok(out)
}

/// `seq * n` (also `n * seq`).
fn repeat(seq: &Value, n: &Value, span: Span) -> Res<Value> {
    let n = repeat_count(n, span)?;
    match seq {
        Value::Str(s) => {
            checked_total(s.len(), n, span)?;
            Ok(Value::str(&s.repeat(if s.is_empty() { 0 } else { n })))
        }
        Value::Bytes(b) => {
            checked_total(b.len(), n, span)?;
            Ok(Value::Bytes(Arc::from(b.repeat(if b.is_empty() {
                0
            } else {
                n
            }))))
        }
        Value::List(l) => {
            let items = l.lock().clone();
            Ok(Value::list(repeat_vec(&items, n, span)?))
        }
        Value::Tuple(t) => Ok(Value::tuple(repeat_vec(t, n, span)?)),
        _ => Err(unsupported(BinOp::Mul, seq, &Value::Int(n as i128), span)),
    }
}
