//! Subscripts on plain values: `obj[i]`, `obj[a:b:c]`, `obj[i] = v`, `del obj[i]`, for
//! list, tuple, str, bytes, dict and range, with negative indices and CPython's errors.
//!
//! Engine objects (a shared `Array`) are subscripted through `World`, not here.

use crate::core::hash_eq::{dict_get, dict_remove, dict_set, key_error};
use crate::core::iter::{range_get, range_len, to_vec};
use crate::core::names::ExcType;
use crate::core::value::{Res, Unwind, Value};
use crate::syntax::span::Span;

fn type_error(msg: impl Into<String>, span: Span) -> Unwind {
    Unwind::raise(ExcType::TypeError, msg, span)
}

fn index_error(msg: &str, span: Span) -> Unwind {
    Unwind::raise(ExcType::IndexError, msg, span)
}

/// An int (or bool) index, or `None`.
fn as_index(v: &Value) -> Option<i128> {
    match v {
        Value::Int(i) => Some(*i),
        Value::Bool(b) => Some(i128::from(*b)),
        _ => None,
    }
}

/// `i` resolved against `len` (negative counts from the end); `None` when outside.
fn resolve(i: i128, len: usize) -> Option<usize> {
    let len = len as i128;
    let i = if i < 0 { i + len } else { i };
    (0..len).contains(&i).then_some(i as usize)
}

/// `obj[idx]`.
pub fn index(obj: &Value, idx: &Value, span: Span) -> Res<Value> {
    let wrong = |what: &str| {
        type_error(
            format!(
                "{what} indices must be integers or slices, not {}",
                idx.type_name()
            ),
            span,
        )
    };
    match obj {
        Value::List(l) => {
            let i = as_index(idx).ok_or_else(|| wrong("list"))?;
            let items = l.lock();
            resolve(i, items.len())
                .map(|k| items[k].clone())
                .ok_or_else(|| index_error("list index out of range", span))
        }
        Value::Tuple(t) => {
            let i = as_index(idx).ok_or_else(|| wrong("tuple"))?;
            resolve(i, t.len())
                .map(|k| t[k].clone())
                .ok_or_else(|| index_error("tuple index out of range", span))
        }
        Value::Str(s) => {
            let i = as_index(idx).ok_or_else(|| {
                type_error(
                    format!("string indices must be integers, not '{}'", idx.type_name()),
                    span,
                )
            })?;
            let ch = if s.is_ascii() {
                resolve(i, s.len()).map(|k| s[k..k + 1].to_string())
            } else {
                let chars: Vec<char> = s.chars().collect();
                resolve(i, chars.len()).map(|k| chars[k].to_string())
            };
            ch.map(|c| Value::str(&c))
                .ok_or_else(|| index_error("string index out of range", span))
        }
        Value::Bytes(b) => {
            let i = as_index(idx).ok_or_else(|| wrong("byte"))?;
            resolve(i, b.len())
                .map(|k| Value::Int(i128::from(b[k])))
                .ok_or_else(|| index_error("index out of range", span))
        }
        Value::Range(a, stop, s) => {
            let i = as_index(idx).ok_or_else(|| wrong("range"))?;
            let n = range_len(*a, *stop, *s);
            let k = if i < 0 { i + n } else { i };
            if (0..n).contains(&k) {
                Ok(Value::Int(range_get(*a, *s, k)))
            } else {
                Err(index_error("range object index out of range", span))
            }
        }
        Value::Dict(d) => dict_get(d, idx, span)?.ok_or_else(|| key_error(idx, span)),
        other => Err(type_error(
            format!("'{}' object is not subscriptable", other.type_name()),
            span,
        )),
    }
}

/// `obj[idx] = value`.
pub fn set_index(obj: &Value, idx: &Value, value: Value, span: Span) -> Res<()> {
    match obj {
        Value::List(l) => {
            let i = as_index(idx).ok_or_else(|| {
                type_error(
                    format!(
                        "list indices must be integers or slices, not {}",
                        idx.type_name()
                    ),
                    span,
                )
            })?;
            let mut items = l.lock();
            let k = resolve(i, items.len())
                .ok_or_else(|| index_error("list assignment index out of range", span))?;
            items[k] = value;
            Ok(())
        }
        Value::Dict(d) => dict_set(d, idx.clone(), value, span),
        other => Err(type_error(
            format!(
                "'{}' object does not support item assignment",
                other.type_name()
            ),
            span,
        )),
    }
}

/// `del obj[idx]`.
pub fn del_index(obj: &Value, idx: &Value, span: Span) -> Res<()> {
    match obj {
        Value::List(l) => {
            let i = as_index(idx).ok_or_else(|| {
                type_error(
                    format!(
                        "list indices must be integers or slices, not {}",
                        idx.type_name()
                    ),
                    span,
                )
            })?;
            let mut items = l.lock();
            let k = resolve(i, items.len())
                .ok_or_else(|| index_error("list assignment index out of range", span))?;
            items.remove(k);
            Ok(())
        }
        Value::Dict(d) => match dict_remove(d, idx, span)? {
            Some(_) => Ok(()),
            None => Err(key_error(idx, span)),
        },
        other => Err(type_error(
            format!(
                "'{}' object doesn't support item deletion",
                other.type_name()
            ),
            span,
        )),
    }
}

/// The positions a slice selects in a sequence of `len` items (CPython's
/// `PySlice_AdjustIndices`): `(start, step, count)`.
fn slice_positions(
    lo: Option<&Value>,
    hi: Option<&Value>,
    step: Option<&Value>,
    len: usize,
    span: Span,
) -> Res<(i128, i128, usize)> {
    let bound = |v: Option<&Value>| -> Res<Option<i128>> {
        match v {
            None | Some(Value::None) => Ok(None),
            Some(v) => as_index(v).map(Some).ok_or_else(|| {
                type_error(
                    "slice indices must be integers or None or have an __index__ method",
                    span,
                )
            }),
        }
    };
    let step = bound(step)?.unwrap_or(1);
    if step == 0 {
        return Err(Unwind::raise(
            ExcType::ValueError,
            "slice step cannot be zero",
            span,
        ));
    }
    let n = len as i128;
    let adjust = |v: Option<i128>, default: i128| -> i128 {
        match v {
            None => default,
            Some(mut i) => {
                if i < 0 {
                    i += n;
                    if i < 0 {
                        i = if step < 0 { -1 } else { 0 };
                    }
                } else if i >= n {
                    i = if step < 0 { n - 1 } else { n };
                }
                i
            }
        }
    };
    let (start, stop) = if step > 0 {
        (adjust(bound(lo)?, 0), adjust(bound(hi)?, n))
    } else {
        (adjust(bound(lo)?, n - 1), adjust(bound(hi)?, -1))
    };
    let count = range_len(start, stop, step) as usize;
    Ok((start, step, count))
}

fn pick<T: Clone>(items: &[T], start: i128, step: i128, count: usize) -> Vec<T> {
    (0..count as i128)
        .map(|k| items[(start + k * step) as usize].clone())
        .collect()
}

/// `obj[lo:hi:step]` (`None` bounds are omitted ones).
pub fn slice(
    obj: &Value,
    lo: Option<&Value>,
    hi: Option<&Value>,
    step: Option<&Value>,
    span: Span,
) -> Res<Value> {
    match obj {
        Value::List(l) => {
            let items = l.lock().clone();
            let (a, s, n) = slice_positions(lo, hi, step, items.len(), span)?;
            Ok(Value::list(pick(&items, a, s, n)))
        }
        Value::Tuple(t) => {
            let (a, s, n) = slice_positions(lo, hi, step, t.len(), span)?;
            Ok(Value::tuple(pick(t, a, s, n)))
        }
        Value::Str(text) => {
            let chars: Vec<char> = text.chars().collect();
            let (a, s, n) = slice_positions(lo, hi, step, chars.len(), span)?;
            Ok(Value::str(
                &pick(&chars, a, s, n).into_iter().collect::<String>(),
            ))
        }
        Value::Bytes(b) => {
            let (a, s, n) = slice_positions(lo, hi, step, b.len(), span)?;
            Ok(Value::Bytes(pick(b, a, s, n).into()))
        }
        Value::Range(r0, r1, rs) => {
            let len = range_len(*r0, *r1, *rs);
            let len = usize::try_from(len).map_err(|_| crate::core::ops::overflow(span))?;
            let (a, s, n) = slice_positions(lo, hi, step, len, span)?;
            let start = range_get(*r0, *rs, a);
            let new_step = rs * s;
            Ok(Value::Range(start, start + new_step * n as i128, new_step))
        }
        other => Err(type_error(
            format!("'{}' object is not subscriptable", other.type_name()),
            span,
        )),
    }
}

/// `lst[lo:hi:step] = iterable` on a list.
pub fn set_slice(
    obj: &Value,
    lo: Option<&Value>,
    hi: Option<&Value>,
    step: Option<&Value>,
    value: &Value,
    span: Span,
) -> Res<()> {
    let Value::List(l) = obj else {
        return Err(type_error(
            format!(
                "'{}' object does not support item assignment",
                obj.type_name()
            ),
            span,
        ));
    };
    let new = to_vec(value, span)?;
    let mut items = l.lock();
    let (a, s, n) = slice_positions(lo, hi, step, items.len(), span)?;
    if s == 1 {
        let a = a as usize;
        items.splice(a..a + n, new);
        return Ok(());
    }
    if new.len() != n {
        return Err(Unwind::raise(
            ExcType::ValueError,
            format!(
                "attempt to assign sequence of size {} to extended slice of size {n}",
                new.len()
            ),
            span,
        ));
    }
    for (k, v) in new.into_iter().enumerate() {
        items[(a + k as i128 * s) as usize] = v;
    }
    Ok(())
}

/// `del lst[lo:hi:step]` on a list.
pub fn del_slice(
    obj: &Value,
    lo: Option<&Value>,
    hi: Option<&Value>,
    step: Option<&Value>,
    span: Span,
) -> Res<()> {
    let Value::List(l) = obj else {
        return Err(type_error(
            format!("'{}' object doesn't support item deletion", obj.type_name()),
            span,
        ));
    };
    let mut items = l.lock();
    let (a, s, n) = slice_positions(lo, hi, step, items.len(), span)?;
    let mut doomed: Vec<usize> = (0..n as i128).map(|k| (a + k * s) as usize).collect();
    doomed.sort_unstable();
    for k in doomed.into_iter().rev() {
        items.remove(k);
    }
    Ok(())
}
