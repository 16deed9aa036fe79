//! Python `==` and `hash()` for values, and dict lookups built on them.
//!
//! Dicts are insertion-ordered vectors searched linearly, so hashing is only needed to
//! reject unhashable keys and for `hash()` itself; numeric hashes follow CPython so that
//! `hash(1) == hash(1.0) == hash(True)` like in Python.

use std::sync::Arc;

use parking_lot::Mutex;

use crate::core::names::ExcType;
use crate::core::value::{Res, Unwind, Value};
use crate::syntax::span::Span;

/// Nesting beyond which `==` gives up (a list containing itself compares forever in
/// CPython too, which raises RecursionError; `==` here never raises).
const MAX_DEPTH: u32 = 500;

/// Python `a == b`. Never raises: values of unrelated types are simply unequal.
pub fn eq(a: &Value, b: &Value) -> bool {
    eq_depth(a, b, 0)
}

fn eq_depth(a: &Value, b: &Value, depth: u32) -> bool {
    if depth > MAX_DEPTH {
        return false;
    }
    use Value::*;
    match (a, b) {
        (None, None) => true,
        (Bool(_) | Int(_) | Float(_), Bool(_) | Int(_) | Float(_)) => num_eq(a, b),
        (Str(x), Str(y)) => x == y,
        (Bytes(x), Bytes(y)) => x == y,
        (List(x), List(y)) => {
            if Arc::ptr_eq(x, y) {
                return true;
            }
            // Copies, not nested locks: an element may be the other list.
            let xs = x.lock().clone();
            let ys = y.lock().clone();
            seq_eq(&xs, &ys, depth)
        }
        (Tuple(x), Tuple(y)) => Arc::ptr_eq(x, y) || seq_eq(x, y, depth),
        (Dict(x), Dict(y)) => {
            if Arc::ptr_eq(x, y) {
                return true;
            }
            let xs = x.lock().clone();
            let ys = y.lock().clone();
            xs.len() == ys.len()
                && xs
                    .iter()
                    .all(|(k, v)| find(&ys, k).is_some_and(|i| eq_depth(v, &ys[i].1, depth + 1)))
        }
        (Range(..), Range(..)) => range_eq(a, b),
        (Func(x), Func(y)) => x == y,
        (Closure(x), Closure(y)) => Arc::ptr_eq(x, y),
        (Builtin(x), Builtin(y)) => x == y,
        (BoundMethod(x), BoundMethod(y)) => {
            Arc::ptr_eq(x, y) || (x.1 == y.1 && crate::core::compare::is(&x.0, &y.0))
        }
        (ExcType(x), ExcType(y)) => x == y,
        (Exception(x), Exception(y)) => Arc::ptr_eq(x, y),
        (Handle(x), Handle(y)) => x == y,
        (Object(x), Object(y)) => x == y,
        _ => false,
    }
}

fn seq_eq(xs: &[Value], ys: &[Value], depth: u32) -> bool {
    xs.len() == ys.len() && xs.iter().zip(ys).all(|(x, y)| eq_depth(x, y, depth + 1))
}

/// Ranges are equal when they hold the same numbers (`range(0) == range(2, 2)`).
fn range_eq(a: &Value, b: &Value) -> bool {
    let (Value::Range(a0, a1, as_), Value::Range(b0, b1, bs)) = (a, b) else {
        return false;
    };
    let la = crate::core::iter::range_len(*a0, *a1, *as_);
    let lb = crate::core::iter::range_len(*b0, *b1, *bs);
    la == lb && (la == 0 || (a0 == b0 && (la == 1 || as_ == bs)))
}

/// Exact numeric equality across bool, int and float (no rounding of big ints).
fn num_eq(a: &Value, b: &Value) -> bool {
    match (as_num(a), as_num(b)) {
        (Some(Num::I(x)), Some(Num::I(y))) => x == y,
        (Some(Num::F(x)), Some(Num::F(y))) => x == y,
        (Some(Num::I(i)), Some(Num::F(f))) | (Some(Num::F(f)), Some(Num::I(i))) => {
            int_float_cmp(i, f) == Some(std::cmp::Ordering::Equal)
        }
        _ => false,
    }
}

/// A number, with bools as ints.
#[derive(Clone, Copy, Debug)]
pub enum Num {
    I(i128),
    F(f64),
}

/// The numeric view of a bool, int or float.
pub fn as_num(v: &Value) -> Option<Num> {
    match v {
        Value::Bool(b) => Some(Num::I(i128::from(*b))),
        Value::Int(i) => Some(Num::I(*i)),
        Value::Float(f) => Some(Num::F(*f)),
        _ => None,
    }
}

/// Exact comparison of an int with a float; `None` when the float is NaN.
pub fn int_float_cmp(i: i128, f: f64) -> Option<std::cmp::Ordering> {
    use std::cmp::Ordering;
    if f.is_nan() {
        return None;
    }
    // Every i128 lies strictly inside ±2^127, and floats at or beyond that are integral.
    const LIMIT: f64 = 170141183460469231731687303715884105728.0; // 2^127
    if f >= LIMIT {
        return Some(Ordering::Less);
    }
    if f < -LIMIT {
        return Some(Ordering::Greater);
    }
    let t = f.trunc();
    let ti = t as i128;
    Some(match i.cmp(&ti) {
        Ordering::Equal => {
            let frac = f - t;
            if frac > 0.0 {
                Ordering::Less
            } else if frac < 0.0 {
                Ordering::Greater
            } else {
                Ordering::Equal
            }
        }
        o => o,
    })
}

/// Index of `key` among a dict's entries. Keys are hashable, so comparing them never
/// locks a container.
pub fn find(items: &[(Value, Value)], key: &Value) -> Option<usize> {
    items.iter().position(|(k, _)| eq(k, key))
}

/// `TypeError: unhashable type: 'list'` unless `v` can be a dict key.
pub fn check_hashable(v: &Value, span: Span) -> Res<()> {
    match unhashable_part(v) {
        Some(name) => Err(Unwind::raise(
            ExcType::TypeError,
            format!("unhashable type: '{name}'"),
            span,
        )),
        None => Ok(()),
    }
}

/// The type name of the first unhashable thing in `v` (itself or inside a tuple).
fn unhashable_part(v: &Value) -> Option<&'static str> {
    match v {
        Value::List(_) | Value::Dict(_) => Some(v.type_name()),
        Value::Tuple(t) => t.iter().find_map(unhashable_part),
        _ => None,
    }
}

/// `d[key]`: the value, `None` when absent; TypeError for an unhashable key.
pub fn dict_get(d: &Mutex<Vec<(Value, Value)>>, key: &Value, span: Span) -> Res<Option<Value>> {
    check_hashable(key, span)?;
    let items = d.lock();
    Ok(find(&items, key).map(|i| items[i].1.clone()))
}

/// `d[key] = value`: replaces in place (keeping the first key, like Python) or appends.
pub fn dict_set(d: &Mutex<Vec<(Value, Value)>>, key: Value, value: Value, span: Span) -> Res<()> {
    check_hashable(&key, span)?;
    let mut items = d.lock();
    match find(&items, &key) {
        Some(i) => items[i].1 = value,
        None => items.push((key, value)),
    }
    Ok(())
}

/// Removes `key`, returning its value when it was there.
pub fn dict_remove(d: &Mutex<Vec<(Value, Value)>>, key: &Value, span: Span) -> Res<Option<Value>> {
    check_hashable(key, span)?;
    let mut items = d.lock();
    Ok(find(&items, key).map(|i| items.remove(i).1))
}

/// `KeyError` for a missing key: its message is the key's repr, as `str(e)` shows.
pub fn key_error(key: &Value, span: Span) -> Unwind {
    Unwind::raise(ExcType::KeyError, crate::core::repr::repr(key), span)
}

/// `hash(v)`, or TypeError for unhashable values.
pub fn hash(v: &Value, span: Span) -> Res<i64> {
    check_hashable(v, span)?;
    Ok(hash_value(v).unwrap_or(0))
}

/// CPython's modulus for numeric hashes (`sys.hash_info.modulus`).
const MODULUS: u64 = (1 << 61) - 1;

/// `hash(v)` when hashable. Numbers and tuples hash exactly as in CPython 3.11; strings
/// and bytes use FNV-1a (CPython randomises them per process anyway).
pub fn hash_value(v: &Value) -> Option<i64> {
    Some(match v {
        Value::None => 0xFCA8_6420,
        Value::Bool(b) => i64::from(*b),
        Value::Int(i) => hash_int(*i),
        Value::Float(f) => hash_float(*f),
        Value::Str(s) => fnv(s.as_bytes()),
        Value::Bytes(b) => fnv(b),
        Value::Tuple(t) => hash_tuple(t)?,
        Value::List(_) | Value::Dict(_) => return None,
        Value::Range(a, b, s) => hash_tuple(&[Value::Int(*a), Value::Int(*b), Value::Int(*s)])?,
        Value::Func(f) => i64::from(*f) + 0x5EED,
        Value::Builtin(b) => *b as i64 + 0xB1,
        Value::ExcType(t) => *t as i64 + 0xE7,
        Value::BoundMethod(m) => hash_value(&m.0)? ^ (m.1 as i64),
        other => (crate::core::repr::object_address(other) >> 4) as i64,
    })
}

fn hash_int(i: i128) -> i64 {
    let m = (i.unsigned_abs() % u128::from(MODULUS)) as i64;
    let h = if i < 0 { -m } else { m };
    if h == -1 { -2 } else { h }
}

fn hash_float(f: f64) -> i64 {
    if f.is_nan() {
        return 0;
    }
    if f.is_infinite() {
        return if f > 0.0 { 314_159 } else { -314_159 };
    }
    let (mut m, mut e) = frexp(f.abs());
    let mut h: u64 = 0;
    while m != 0.0 {
        h = ((h << 28) & MODULUS) | (h >> (61 - 28));
        m *= 268_435_456.0; // 2^28
        e -= 28;
        let y = m as u64;
        m -= y as f64;
        h += y;
        if h >= MODULUS {
            h -= MODULUS;
        }
    }
    let e = if e >= 0 {
        e % 61
    } else {
        61 - 1 - ((-1 - e) % 61)
    } as u32;
    h = ((h << e) & MODULUS) | (h >> (61 - e));
    let h = if f < 0.0 { -(h as i64) } else { h as i64 };
    if h == -1 { -2 } else { h }
}

/// `(m, e)` with `x = m * 2^e`, `0.5 <= m < 1` (C's `frexp`) for finite positive `x`.
fn frexp(x: f64) -> (f64, i32) {
    if x == 0.0 {
        return (0.0, 0);
    }
    let bits = x.to_bits();
    let exp = ((bits >> 52) & 0x7ff) as i32;
    if exp == 0 {
        // Subnormal: scale into the normal range first.
        let (m, e) = frexp(x * 2f64.powi(64));
        return (m, e - 64);
    }
    let m = f64::from_bits((bits & !(0x7ff << 52)) | (1022 << 52));
    (m, exp - 1022)
}

fn hash_tuple(items: &[Value]) -> Option<i64> {
    const P1: u64 = 11_400_714_785_074_694_791;
    const P2: u64 = 14_029_467_366_897_019_727;
    const P5: u64 = 2_870_177_450_012_600_261;
    let mut acc = P5;
    for item in items {
        let lane = hash_value(item)? as u64;
        acc = acc.wrapping_add(lane.wrapping_mul(P2));
        acc = acc.rotate_left(31);
        acc = acc.wrapping_mul(P1);
    }
    acc = acc.wrapping_add((items.len() as u64) ^ (P5 ^ 3_527_539));
    Some(if acc == u64::MAX {
        1_546_275_796
    } else {
        acc as i64
    })
}

fn fnv(bytes: &[u8]) -> i64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in bytes {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    let h = h as i64;
    if h == -1 { -2 } else { h }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numeric_hashes_match_cpython() {
        let cases: [(Value, i64); 10] = [
            (Value::Int(-1), -2),
            (Value::Int(1), 1),
            (Value::Int(1 << 61), 1),
            (Value::Float(1.5), 1_152_921_504_606_846_977),
            (Value::Bool(true), 1),
            (Value::Float(0.1), 230_584_300_921_369_408),
            (Value::Float(-1.5), -1_152_921_504_606_846_977),
            (Value::Float(f64::INFINITY), 314_159),
            (Value::tuple(vec![]), 5_740_354_900_026_072_187),
            (
                Value::tuple(vec![Value::Int(1), Value::Int(2)]),
                -3_550_055_125_485_641_917,
            ),
        ];
        for (v, want) in cases {
            assert_eq!(hash_value(&v), Some(want), "hash({v:?})");
        }
        assert_eq!(hash_value(&Value::Float(2.0)), hash_value(&Value::Int(2)));
    }

    #[test]
    fn equality_across_numeric_types() {
        assert!(eq(&Value::Int(1), &Value::Float(1.0)));
        assert!(eq(&Value::Bool(true), &Value::Int(1)));
        assert!(!eq(&Value::Float(f64::NAN), &Value::Float(f64::NAN)));
        // 2^53 + 1 is not exactly representable: it must not equal 2^53 as a float.
        assert!(!eq(
            &Value::Int((1 << 53) + 1),
            &Value::Float(9007199254740992.0)
        ));
        assert!(!eq(
            &Value::list(vec![Value::Int(1)]),
            &Value::tuple(vec![Value::Int(1)])
        ));
    }

    #[test]
    fn self_containing_list_equals_itself() {
        let l = Value::list(vec![]);
        if let Value::List(inner) = &l {
            inner.lock().push(l.clone());
        }
        assert!(eq(&l, &l.clone()));
        if let Value::List(inner) = &l {
            inner.lock().clear(); // break the cycle so the test frees it
        }
    }
}
