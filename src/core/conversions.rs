//! `int(x[, base])` and `float(x)`: parsing numbers from text as CPython does
//! (surrounding whitespace, `_` between digits, base prefixes), and from other numbers.

use crate::core::names::ExcType;
use crate::core::repr::{repr_bytes, repr_str};
use crate::core::value::{Res, Unwind, Value};
use crate::syntax::span::Span;

fn type_error(msg: impl Into<String>, span: Span) -> Unwind {
    Unwind::raise(ExcType::TypeError, msg, span)
}

fn value_error(msg: impl Into<String>, span: Span) -> Unwind {
    Unwind::raise(ExcType::ValueError, msg, span)
}

/// `int(v)` / `int(v, base)`.
pub fn to_int(v: &Value, base: Option<&Value>, span: Span) -> Res<Value> {
    if let Some(base) = base {
        let base = match base {
            Value::Int(b) => *b,
            Value::Bool(b) => i128::from(*b),
            other => {
                return Err(type_error(
                    format!(
                        "'{}' object cannot be interpreted as an integer",
                        other.type_name()
                    ),
                    span,
                ));
            }
        };
        if base != 0 && !(2..=36).contains(&base) {
            return Err(value_error("int() base must be >= 2 and <= 36, or 0", span));
        }
        return match v {
            Value::Str(s) => parse_int_text(s, base as u32, &repr_str(s), span),
            Value::Bytes(b) => parse_bytes(b, base as u32, span),
            _ => Err(type_error(
                "int() can't convert non-string with explicit base",
                span,
            )),
        };
    }
    match v {
        Value::Int(i) => Ok(Value::Int(*i)),
        Value::Bool(b) => Ok(Value::Int(i128::from(*b))),
        Value::Float(f) => float_to_int(*f, span).map(Value::Int),
        Value::Str(s) => parse_int_text(s, 10, &repr_str(s), span),
        Value::Bytes(b) => parse_bytes(b, 10, span),
        other => Err(type_error(
            format!(
                "int() argument must be a string, a bytes-like object or a real number, not '{}'",
                other.type_name()
            ),
            span,
        )),
    }
}

fn parse_bytes(b: &[u8], base: u32, span: Span) -> Res<Value> {
    let shown = repr_bytes(b);
    match std::str::from_utf8(b) {
        Ok(s) => parse_int_text(s, base, &shown, span),
        Err(_) => Err(invalid_int(base, &shown, span)),
    }
}

fn invalid_int(base: u32, shown: &str, span: Span) -> Unwind {
    value_error(
        format!("invalid literal for int() with base {base}: {shown}"),
        span,
    )
}

/// Truncates towards zero, with CPython's errors for infinities and NaN.
pub fn float_to_int(f: f64, span: Span) -> Res<i128> {
    if f.is_nan() {
        return Err(value_error("cannot convert float NaN to integer", span));
    }
    if f.is_infinite() {
        return Err(Unwind::raise(
            ExcType::OverflowError,
            "cannot convert float infinity to integer",
            span,
        ));
    }
    let t = f.trunc();
    // 2^127: the first float outside i128.
    if t.abs() >= 170141183460469231731687303715884105728.0 {
        return Err(crate::core::ops::overflow(span));
    }
    Ok(t as i128)
}

fn parse_int_text(text: &str, base: u32, shown: &str, span: Span) -> Res<Value> {
    let invalid = || invalid_int(base, shown, span);
    let s = text.trim();
    let (neg, s) = match s.as_bytes().first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    };
    let lower = s.to_ascii_lowercase();
    let prefixed = |p: &str| lower.starts_with(p);
    let (base, digits, had_prefix) = match base {
        0 | 16 if prefixed("0x") => (16, &s[2..], true),
        0 | 8 if prefixed("0o") => (8, &s[2..], true),
        0 | 2 if prefixed("0b") => (2, &s[2..], true),
        0 => {
            // Base 0 without a prefix is decimal, where leading zeros are ambiguous.
            if s.len() > 1 && s.starts_with('0') && s.bytes().any(|b| b != b'0' && b != b'_') {
                return Err(invalid());
            }
            (10, s, false)
        }
        b => (b, s, false),
    };
    // Underscores only between digits (or right after a base prefix).
    let body = digits
        .strip_prefix('_')
        .filter(|_| had_prefix)
        .unwrap_or(digits);
    if body.is_empty() || body.starts_with('_') || body.ends_with('_') || body.contains("__") {
        return Err(invalid());
    }
    let mut n: i128 = 0;
    for c in body.chars().filter(|&c| c != '_') {
        let d = c.to_digit(base).ok_or_else(invalid)?;
        n = n
            .checked_mul(i128::from(base))
            .and_then(|n| n.checked_add(i128::from(d)))
            .ok_or_else(|| crate::core::ops::overflow(span))?;
    }
    Ok(Value::Int(if neg { -n } else { n }))
}

/// `float(v)`.
pub fn to_float(v: &Value, span: Span) -> Res<Value> {
    match v {
        Value::Float(f) => Ok(Value::Float(*f)),
        Value::Int(i) => Ok(Value::Float(*i as f64)),
        Value::Bool(b) => Ok(Value::Float(f64::from(u8::from(*b)))),
        Value::Str(s) => parse_float(s)
            .ok_or_else(|| {
                value_error(
                    format!("could not convert string to float: {}", repr_str(s)),
                    span,
                )
            })
            .map(Value::Float),
        Value::Bytes(b) => std::str::from_utf8(b)
            .ok()
            .and_then(parse_float)
            .ok_or_else(|| {
                value_error(
                    format!("could not convert string to float: {}", repr_bytes(b)),
                    span,
                )
            })
            .map(Value::Float),
        other => Err(type_error(
            format!(
                "float() argument must be a string or a real number, not '{}'",
                other.type_name()
            ),
            span,
        )),
    }
}

/// Python's float syntax: Rust's plus `_` between digits; `None` when invalid.
fn parse_float(text: &str) -> Option<f64> {
    let s = text.trim();
    if s.contains('_') {
        let b = s.as_bytes();
        for (i, &c) in b.iter().enumerate() {
            if c == b'_' {
                let before = i > 0 && b[i - 1].is_ascii_digit();
                let after = b.get(i + 1).is_some_and(u8::is_ascii_digit);
                if !(before && after) {
                    return None;
                }
            }
        }
    }
    let cleaned: String = s.chars().filter(|&c| c != '_').collect();
    if cleaned.is_empty() {
        return None;
    }
    cleaned.parse::<f64>().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn int_of(s: &str, base: Option<i128>) -> String {
        let b = base.map(Value::Int);
        match to_int(&Value::str(s), b.as_ref(), Span::default()) {
            Ok(v) => crate::core::repr::repr(&v),
            Err(Unwind::Raise(e)) => format!("!! {}: {}", e.ty.short_name(), e.msg),
            Err(other) => format!("{other:?}"),
        }
    }

    #[test]
    fn int_parsing() {
        assert_eq!(int_of(" 12 ", None), "12");
        assert_eq!(int_of("1_000", None), "1000");
        assert_eq!(int_of("+7", None), "7");
        assert_eq!(int_of("0x10", Some(16)), "16");
        assert_eq!(int_of("0x10", Some(0)), "16");
        assert_eq!(int_of("  -0b101 ", Some(0)), "-5");
        assert_eq!(int_of("z", Some(36)), "35");
        assert_eq!(int_of("0x_1f", Some(16)), "31");
        assert_eq!(
            int_of("x", None),
            "!! ValueError: invalid literal for int() with base 10: 'x'"
        );
        assert_eq!(
            int_of("12.5", None),
            "!! ValueError: invalid literal for int() with base 10: '12.5'"
        );
        assert_eq!(
            int_of("08", Some(0)),
            "!! ValueError: invalid literal for int() with base 0: '08'"
        );
        assert_eq!(
            int_of("1__0", None),
            "!! ValueError: invalid literal for int() with base 10: '1__0'"
        );
        assert_eq!(
            int_of("", None),
            "!! ValueError: invalid literal for int() with base 10: ''"
        );
        assert_eq!(
            int_of("10", Some(1)),
            "!! ValueError: int() base must be >= 2 and <= 36, or 0"
        );
    }

    #[test]
    fn float_parsing() {
        let f = parse_float;
        assert_eq!(f("  1e5  "), Some(1e5));
        assert_eq!(f("1_0.5"), Some(10.5));
        assert_eq!(f("-inf"), Some(f64::NEG_INFINITY));
        assert_eq!(f("1__0"), None);
        assert_eq!(f("_1"), None);
        assert_eq!(f("abc"), None);
        assert_eq!(f(""), None);
    }
}
