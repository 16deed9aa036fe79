//! `round()` (ties to even, like Python 3) and three-argument `pow()`.

use crate::core::conversions::float_to_int;
use crate::core::names::ExcType;
use crate::core::value::{Res, Unwind, Value};
use crate::syntax::span::Span;

fn type_error(msg: impl Into<String>, span: Span) -> Unwind {
    Unwind::raise(ExcType::TypeError, msg, span)
}

/// `round(x)` → int, `round(x, n)` → same type as `x`.
pub fn round(x: &Value, ndigits: Option<&Value>, span: Span) -> Res<Value> {
    let nd = match ndigits {
        None | Some(Value::None) => None,
        Some(Value::Int(n)) => Some(*n),
        Some(Value::Bool(b)) => Some(i128::from(*b)),
        Some(other) => {
            return Err(type_error(
                format!(
                    "'{}' object cannot be interpreted as an integer",
                    other.type_name()
                ),
                span,
            ));
        }
    };
    match x {
        Value::Int(_) | Value::Bool(_) => {
            let i = match x {
                Value::Int(i) => *i,
                _ => i128::from(x.truthy()),
            };
            Ok(Value::Int(match nd {
                Some(n) if n < 0 => round_int(i, n),
                _ => i,
            }))
        }
        Value::Float(f) => match nd {
            None => float_to_int(f.round_ties_even(), span).map(Value::Int),
            Some(n) => Ok(Value::Float(round_float(*f, n))),
        },
        other => Err(type_error(
            format!("type {} doesn't define __round__ method", other.type_name()),
            span,
        )),
    }
}

/// `round(i, n)` for `n < 0`: to a multiple of `10^-n`, ties to even.
fn round_int(i: i128, n: i128) -> i128 {
    let Some(p) = u32::try_from(-n).ok().and_then(|e| 10i128.checked_pow(e)) else {
        return 0;
    };
    let q = i.div_euclid(p);
    let r = i.rem_euclid(p);
    let up = match (2 * r).cmp(&p) {
        std::cmp::Ordering::Greater => true,
        std::cmp::Ordering::Less => false,
        std::cmp::Ordering::Equal => q % 2 != 0,
    };
    (q + i128::from(up)).saturating_mul(p)
}

/// `round(f, n)`: correctly rounded through the exact decimal expansion (Rust's
/// fixed-precision formatting rounds exact ties to even, as CPython does).
fn round_float(f: f64, n: i128) -> f64 {
    if !f.is_finite() || f == 0.0 {
        return f;
    }
    if n > 330 {
        return f;
    }
    if n >= 0 {
        return format!("{f:.*}", n as usize).parse().unwrap_or(f);
    }
    if n < -330 {
        return 0.0f64.copysign(f);
    }
    let p = 10f64.powi((-n) as i32);
    let r = (f / p).round_ties_even() * p;
    if r.is_finite() { r } else { f }
}

/// `pow(base, exp, mod)`: all ints; a negative exponent means the modular inverse.
pub fn pow3(base: &Value, exp: &Value, modulus: &Value, span: Span) -> Res<Value> {
    let int = |v: &Value| match v {
        Value::Int(i) => Some(*i),
        Value::Bool(b) => Some(i128::from(*b)),
        _ => None,
    };
    let (Some(b), Some(e), Some(m)) = (int(base), int(exp), int(modulus)) else {
        return Err(type_error(
            "pow() 3rd argument not allowed unless all arguments are integers",
            span,
        ));
    };
    if m == 0 {
        return Err(Unwind::raise(
            ExcType::ValueError,
            "pow() 3rd argument cannot be 0",
            span,
        ));
    }
    let um = m.unsigned_abs();
    let mut ub = b.rem_euclid(m.abs()) as u128;
    if e < 0 {
        ub = inverse(ub, um).ok_or_else(|| {
            Unwind::raise(
                ExcType::ValueError,
                "base is not invertible for the given modulus",
                span,
            )
        })?;
    }
    let mut r = 1 % um;
    let mut k = e.unsigned_abs();
    while k > 0 {
        if k & 1 == 1 {
            r = mul_mod(r, ub, um);
        }
        ub = mul_mod(ub, ub, um);
        k >>= 1;
    }
    // Python's result takes the modulus's sign.
    let r = r as i128;
    Ok(Value::Int(if m < 0 && r != 0 { r + m } else { r }))
}

/// `a * b mod m` without overflow (operands already reduced below `m`).
fn mul_mod(a: u128, b: u128, m: u128) -> u128 {
    if let Some(p) = a.checked_mul(b) {
        return p % m;
    }
    let (mut a, mut b, mut r) = (a % m, b, 0u128);
    while b > 0 {
        if b & 1 == 1 {
            r = add_mod(r, a, m);
        }
        a = add_mod(a, a, m);
        b >>= 1;
    }
    r
}

fn add_mod(a: u128, b: u128, m: u128) -> u128 {
    if a >= m - b { a - (m - b) } else { a + b }
}

/// The inverse of `a` modulo `m`, when `gcd(a, m) == 1`.
fn inverse(a: u128, m: u128) -> Option<u128> {
    // Extended Euclid on signed values; the moduli involved fit in i128.
    let (mut old_r, mut r) = (a as i128, m as i128);
    let (mut old_s, mut s) = (1i128, 0i128);
    while r != 0 {
        let q = old_r / r;
        (old_r, r) = (r, old_r - q * r);
        (old_s, s) = (s, old_s.checked_sub(q.checked_mul(s)?)?);
    }
    (old_r == 1).then(|| old_s.rem_euclid(m as i128) as u128)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn r(x: Value, n: Option<i128>) -> String {
        let n = n.map(Value::Int);
        match round(&x, n.as_ref(), Span::default()) {
            Ok(v) => crate::core::repr::repr(&v),
            Err(Unwind::Raise(e)) => format!("!! {}: {}", e.ty.short_name(), e.msg),
            Err(other) => format!("{other:?}"),
        }
    }

    #[test]
    fn bankers_rounding() {
        assert_eq!(r(Value::Float(2.5), None), "2");
        assert_eq!(r(Value::Float(0.5), None), "0");
        assert_eq!(r(Value::Float(1.5), None), "2");
        assert_eq!(r(Value::Float(-0.5), None), "0");
        assert_eq!(r(Value::Float(2.675), Some(2)), "2.67");
        assert_eq!(r(Value::Float(2.5), Some(0)), "2.0");
        assert_eq!(r(Value::Int(1234), Some(-2)), "1200");
        assert_eq!(r(Value::Int(1250), Some(-2)), "1200");
        assert_eq!(r(Value::Int(1350), Some(-2)), "1400");
        assert_eq!(r(Value::Int(-1250), Some(-2)), "-1200");
        assert_eq!(
            r(Value::Float(f64::INFINITY), None),
            "!! OverflowError: cannot convert float infinity to integer"
        );
        assert_eq!(
            r(Value::Float(f64::NAN), None),
            "!! ValueError: cannot convert float NaN to integer"
        );
    }

    #[test]
    fn modular_pow() {
        let p = |b: i128, e: i128, m: i128| match pow3(
            &Value::Int(b),
            &Value::Int(e),
            &Value::Int(m),
            Span::default(),
        ) {
            Ok(Value::Int(i)) => Ok(i),
            Ok(_) => Err(String::from("not an int")),
            Err(Unwind::Raise(e)) => Err(e.msg.clone()),
            Err(_) => Err(String::from("exit")),
        };
        assert_eq!(p(2, 10, 1000), Ok(24));
        assert_eq!(p(3, -1, 7), Ok(5));
        assert_eq!(p(2, 3, -5), Ok(-2));
        assert_eq!(
            p(2, -1, 4),
            Err("base is not invertible for the given modulus".into())
        );
        assert_eq!(p(2, 3, 0), Err("pow() 3rd argument cannot be 0".into()));
        assert_eq!(
            p(7, 1 << 100, (1 << 100) + 277),
            Ok(335087633234575521485423546767)
        );
        assert_eq!(
            p(123456789, 65537, i128::MAX),
            Ok(142853123101158166119999597599049700840)
        );
    }
}
