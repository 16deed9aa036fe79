//! Iterating plain values: materialising an iterable, and range arithmetic for the
//! interpreter's lazy `for` over `range`.

use crate::core::names::ExcType;
use crate::core::value::{Res, Unwind, Value};
use crate::syntax::span::Span;

/// The most elements a range (or a repetition) may be materialised into. CPython would
/// run out of memory (MemoryError) somewhere above this; we refuse cleanly instead.
pub const MAX_ITEMS: i128 = 1 << 28;

/// The items of a plain iterable: list (a snapshot), tuple, str (one-character
/// strings), bytes (ints), dict (keys), range. TypeError "'int' object is not
/// iterable" for anything else.
pub fn to_vec(v: &Value, span: Span) -> Res<Vec<Value>> {
    Ok(match v {
        Value::List(l) => l.lock().clone(),
        Value::Tuple(t) => t.to_vec(),
        Value::Str(s) => s
            .chars()
            .map(|c| Value::str(c.encode_utf8(&mut [0; 4])))
            .collect(),
        Value::Bytes(b) => b.iter().map(|&x| Value::Int(i128::from(x))).collect(),
        Value::Dict(d) => d.lock().iter().map(|(k, _)| k.clone()).collect(),
        Value::Range(a, b, s) => {
            let n = range_len(*a, *b, *s);
            if n > MAX_ITEMS {
                return Err(too_many(span));
            }
            (0..n).map(|i| Value::Int(range_get(*a, *s, i))).collect()
        }
        other => return Err(not_iterable(other, span)),
    })
}

/// `TypeError: 'int' object is not iterable`.
pub fn not_iterable(v: &Value, span: Span) -> Unwind {
    Unwind::raise(
        ExcType::TypeError,
        format!("'{}' object is not iterable", v.type_name()),
        span,
    )
}

/// The error for a result too large to build (where CPython raises MemoryError).
pub fn too_many(span: Span) -> Unwind {
    Unwind::raise(
        ExcType::OverflowError,
        format!("result has more than {MAX_ITEMS} items (too large to build)"),
        span,
    )
}

/// `len(range(start, stop, step))`; `step` is never 0 (range() rejects it).
pub fn range_len(start: i128, stop: i128, step: i128) -> i128 {
    if step > 0 && start < stop {
        // Widen through u128: `stop - start` may not fit in i128.
        let span = stop.abs_diff(start) - 1;
        (span / step.unsigned_abs()) as i128 + 1
    } else if step < 0 && start > stop {
        let span = start.abs_diff(stop) - 1;
        (span / step.unsigned_abs()) as i128 + 1
    } else {
        0
    }
}

/// The `i`-th element of a range (`0 <= i < range_len`), which always fits in i128
/// because it lies between `start` and `stop`.
pub fn range_get(start: i128, step: i128, i: i128) -> i128 {
    start.wrapping_add(step.wrapping_mul(i))
}

/// Whether the int `x` is an element of the range.
pub fn range_contains(start: i128, stop: i128, step: i128, x: i128) -> bool {
    let inside = if step > 0 {
        start <= x && x < stop
    } else {
        stop < x && x <= start
    };
    inside && x.abs_diff(start).is_multiple_of(step.unsigned_abs())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn range_lengths() {
        assert_eq!(range_len(0, 10, 1), 10);
        assert_eq!(range_len(0, 10, 3), 4);
        assert_eq!(range_len(10, 0, -3), 4);
        assert_eq!(range_len(5, 5, 1), 0);
        assert_eq!(range_len(0, -5, 1), 0);
        assert_eq!(range_len(i128::MIN, i128::MAX, i128::MAX), 3);
        assert_eq!(range_get(10, -3, 3), 1);
        assert!(range_contains(0, 10, 2, 4));
        assert!(!range_contains(0, 10, 2, 5));
        assert!(range_contains(10, 0, -2, 2));
        assert!(!range_contains(10, 0, -2, 0));
    }
}
