//! Comparison operators: `==`/`!=`, ordering (`<` ... with Python's lexicographic rule
//! for tuples and lists), membership (`in`) and identity (`is`), plus the stable sort
//! that `sorted`, `list.sort`, `min` and `max` share.

use std::cmp::Ordering;
use std::sync::Arc;

use crate::core::hash_eq::{Num, as_num, check_hashable, eq, find, int_float_cmp};
use crate::core::iter::range_contains;
use crate::core::names::ExcType;
use crate::core::value::{Res, Unwind, Value};
use crate::syntax::ast::CmpOp;
use crate::syntax::span::Span;

/// Nesting beyond which ordering gives up, as CPython does with RecursionError.
const MAX_DEPTH: u32 = 500;

/// `a <op> b` for every comparison operator.
pub fn compare(op: CmpOp, a: &Value, b: &Value, span: Span) -> Res<bool> {
    Ok(match op {
        CmpOp::Eq => eq(a, b),
        CmpOp::Ne => !eq(a, b),
        CmpOp::Is => is(a, b),
        CmpOp::IsNot => !is(a, b),
        CmpOp::In => contains(b, a, span)?,
        CmpOp::NotIn => !contains(b, a, span)?,
        CmpOp::Lt => partial("<", a, b, span, 0)? == Some(Ordering::Less),
        CmpOp::Gt => partial(">", a, b, span, 0)? == Some(Ordering::Greater),
        CmpOp::Le => matches!(
            partial("<=", a, b, span, 0)?,
            Some(Ordering::Less | Ordering::Equal)
        ),
        CmpOp::Ge => matches!(
            partial(">=", a, b, span, 0)?,
            Some(Ordering::Greater | Ordering::Equal)
        ),
    })
}

/// `x op y` on two ints, for the operators that order or equate them (`None` for
/// `in`/`is`): the fast path of loop conditions.
#[inline]
pub fn int_fast(op: CmpOp, x: i128, y: i128) -> Option<bool> {
    Some(match op {
        CmpOp::Eq => x == y,
        CmpOp::Ne => x != y,
        CmpOp::Lt => x < y,
        CmpOp::Le => x <= y,
        CmpOp::Gt => x > y,
        CmpOp::Ge => x >= y,
        CmpOp::In | CmpOp::NotIn | CmpOp::Is | CmpOp::IsNot => return None,
    })
}

/// `a < b` (what sorting, `min` and `PriorityQueue` use).
pub fn lt(a: &Value, b: &Value, span: Span) -> Res<bool> {
    compare(CmpOp::Lt, a, b, span)
}

/// A total order for sorting, raising like `a < b` for incomparable values; NaN
/// compares equal to everything (CPython's sort gives an arbitrary order there too).
pub fn ordering(a: &Value, b: &Value, span: Span) -> Res<Ordering> {
    Ok(partial("<", a, b, span, 0)?.unwrap_or(Ordering::Equal))
}

/// How `a` orders against `b`, `None` when unordered (NaN); TypeError naming `op` when
/// the types do not support ordering.
fn partial(op: &str, a: &Value, b: &Value, span: Span, depth: u32) -> Res<Option<Ordering>> {
    if depth > MAX_DEPTH {
        return Err(Unwind::raise(
            ExcType::RecursionError,
            "maximum recursion depth exceeded in comparison",
            span,
        ));
    }
    if let (Some(x), Some(y)) = (as_num(a), as_num(b)) {
        return Ok(match (x, y) {
            (Num::I(x), Num::I(y)) => Some(x.cmp(&y)),
            (Num::F(x), Num::F(y)) => x.partial_cmp(&y),
            (Num::I(i), Num::F(f)) => int_float_cmp(i, f),
            (Num::F(f), Num::I(i)) => int_float_cmp(i, f).map(Ordering::reverse),
        });
    }
    match (a, b) {
        // UTF-8 byte order is code-point order, which is Python's string order.
        (Value::Str(x), Value::Str(y)) => Ok(Some(x.cmp(y))),
        (Value::Bytes(x), Value::Bytes(y)) => Ok(Some(x.cmp(y))),
        (Value::List(x), Value::List(y)) => {
            if Arc::ptr_eq(x, y) {
                return Ok(Some(Ordering::Equal));
            }
            let xs = x.lock().clone();
            let ys = y.lock().clone();
            lexicographic(op, &xs, &ys, span, depth)
        }
        (Value::Tuple(x), Value::Tuple(y)) => lexicographic(op, x, y, span, depth),
        _ => Err(not_supported(op, a, b, span)),
    }
}

/// Python's sequence rule: the first pair of unequal items decides (compared with the
/// same operator), otherwise the shorter sequence is smaller.
fn lexicographic(
    op: &str,
    xs: &[Value],
    ys: &[Value],
    span: Span,
    depth: u32,
) -> Res<Option<Ordering>> {
    for (x, y) in xs.iter().zip(ys) {
        if !eq(x, y) {
            return partial(op, x, y, span, depth + 1);
        }
    }
    Ok(Some(xs.len().cmp(&ys.len())))
}

/// `TypeError: '<' not supported between instances of 'dict' and 'dict'`.
pub fn not_supported(op: &str, a: &Value, b: &Value, span: Span) -> Unwind {
    Unwind::raise(
        ExcType::TypeError,
        format!(
            "'{op}' not supported between instances of '{}' and '{}'",
            a.type_name(),
            b.type_name()
        ),
        span,
    )
}

/// `item in container`.
pub fn contains(container: &Value, item: &Value, span: Span) -> Res<bool> {
    match container {
        Value::Str(s) => match item {
            Value::Str(sub) => Ok(s.contains(&**sub)),
            other => Err(Unwind::raise(
                ExcType::TypeError,
                format!(
                    "'in <string>' requires string as left operand, not {}",
                    other.type_name()
                ),
                span,
            )),
        },
        Value::Bytes(b) => match item {
            Value::Int(_) | Value::Bool(_) => {
                let i = match item {
                    Value::Int(i) => *i,
                    _ => i128::from(item.truthy()),
                };
                match u8::try_from(i) {
                    Ok(byte) => Ok(b.contains(&byte)),
                    Err(_) => Err(Unwind::raise(
                        ExcType::ValueError,
                        "byte must be in range(0, 256)",
                        span,
                    )),
                }
            }
            Value::Bytes(sub) => Ok(sub.is_empty() || b.windows(sub.len()).any(|w| w == &sub[..])),
            other => Err(Unwind::raise(
                ExcType::TypeError,
                format!(
                    "a bytes-like object is required, not '{}'",
                    other.type_name()
                ),
                span,
            )),
        },
        Value::List(l) => {
            let items = l.lock().clone();
            Ok(items.iter().any(|x| is(x, item) || eq(x, item)))
        }
        Value::Tuple(t) => Ok(t.iter().any(|x| is(x, item) || eq(x, item))),
        Value::Dict(d) => {
            check_hashable(item, span)?;
            Ok(find(&d.lock(), item).is_some())
        }
        Value::Range(a, b, s) => Ok(match as_num(item) {
            Some(Num::I(i)) => range_contains(*a, *b, *s, i),
            Some(Num::F(f)) => {
                f.fract() == 0.0 && f.abs() < 1e38 && range_contains(*a, *b, *s, f as i128)
            }
            None => false,
        }),
        other => Err(Unwind::raise(
            ExcType::TypeError,
            format!("argument of type '{}' is not iterable", other.type_name()),
            span,
        )),
    }
}

/// `a is b`. Containers, closures and exceptions are the same object only when they
/// share an allocation; small immutable things (None, bools, numbers, strings) are
/// identical when equal, as CPython's caching and interning usually make them.
pub fn is(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::None, Value::None) => true,
        (Value::Bool(x), Value::Bool(y)) => x == y,
        (Value::Int(x), Value::Int(y)) => x == y,
        (Value::Float(x), Value::Float(y)) => x.to_bits() == y.to_bits(),
        (Value::Str(x), Value::Str(y)) => x == y,
        (Value::Bytes(x), Value::Bytes(y)) => Arc::ptr_eq(x, y) || x == y,
        (Value::List(x), Value::List(y)) => Arc::ptr_eq(x, y),
        (Value::Dict(x), Value::Dict(y)) => Arc::ptr_eq(x, y),
        (Value::Tuple(x), Value::Tuple(y)) => Arc::ptr_eq(x, y) || (x.is_empty() && y.is_empty()),
        (Value::Range(..), Value::Range(..)) => false,
        (Value::Closure(x), Value::Closure(y)) => Arc::ptr_eq(x, y),
        (Value::Exception(x), Value::Exception(y)) => Arc::ptr_eq(x, y),
        (Value::BoundMethod(x), Value::BoundMethod(y)) => Arc::ptr_eq(x, y),
        (Value::Func(_), Value::Func(_))
        | (Value::Builtin(_), Value::Builtin(_))
        | (Value::ExcType(_), Value::ExcType(_))
        | (Value::Handle(_), Value::Handle(_))
        | (Value::Object(_), Value::Object(_)) => eq(a, b),
        _ => false,
    }
}

/// Sorts `items` stably like `list.sort`: by `keys` when given (one per item), in
/// reverse order when `reverse` (equal items keep their order either way). Raises the
/// TypeError CPython raises for the first incomparable neighbours.
pub fn sort_values(
    items: &mut Vec<Value>,
    keys: Option<Vec<Value>>,
    reverse: bool,
    span: Span,
) -> Res<()> {
    let keys = keys.unwrap_or_else(|| items.clone());
    // CPython's timsort first asks `later < earlier` along the list: checking the
    // neighbours the same way reports the same pair of types in its TypeError.
    for w in keys.windows(2) {
        lt(&w[1], &w[0], span)?;
    }
    let mut pairs: Vec<(Value, Value)> = keys.into_iter().zip(items.drain(..)).collect();
    if reverse {
        pairs.reverse();
    }
    let mut err = None;
    pairs.sort_by(|(x, _), (y, _)| {
        if err.is_some() {
            return Ordering::Equal;
        }
        ordering(x, y, span).unwrap_or_else(|e| {
            err = Some(e);
            Ordering::Equal
        })
    });
    if let Some(e) = err {
        // Like CPython, a failed sort leaves every item in the list.
        items.extend(pairs.into_iter().map(|(_, v)| v));
        return Err(e);
    }
    if reverse {
        pairs.reverse();
    }
    items.extend(pairs.into_iter().map(|(_, v)| v));
    Ok(())
}
