//! Floats as CPython writes them: `repr`, and the fixed, exponent and general forms
//! used by format specs and `%`-formatting.
//!
//! Rust's shortest round-trip and precision formatting produce the right digits (both
//! round exact ties to even, like CPython); only the layout differs (`1e16` vs
//! `1e+16`, `1e-5` vs `1e-05`), so everything here is re-layout of Rust's digits.

/// `repr(x)` (and `str(x)`): shortest digits that round-trip, in fixed notation when
/// the decimal point falls in `-4 < decpt <= 16`, otherwise `d.ddde±XX`.
pub fn repr_float(x: f64) -> String {
    if let Some(s) = non_finite(x, false) {
        return s;
    }
    let sign = if x.is_sign_negative() { "-" } else { "" };
    let (digits, exp) = shortest_digits(x.abs());
    let decpt = exp + 1;
    if decpt > -4 && decpt <= 16 {
        format!("{sign}{}", place_point(&digits, decpt, true))
    } else {
        format!("{sign}{}", exp_layout(&digits, exp, false))
    }
}

/// `inf`, `-inf`, `nan` (upper-cased for the `F`/`E`/`G` types), or `None` when finite.
pub fn non_finite(x: f64, upper: bool) -> Option<String> {
    let s = if x.is_nan() {
        "nan"
    } else if x.is_infinite() {
        if x < 0.0 { "-inf" } else { "inf" }
    } else {
        return None;
    };
    Some(if upper {
        s.to_uppercase()
    } else {
        s.to_string()
    })
}

/// Fixed notation with `prec` decimals of a finite `x` (`%.2f`); `alt` keeps a
/// trailing point when `prec` is 0 (`%#.0f` → `2.`).
pub fn fixed(x: f64, prec: usize, alt: bool) -> String {
    let mut s = format!("{x:.prec$}");
    if alt && prec == 0 {
        s.push('.');
    }
    s
}

/// Exponent notation with `prec` decimals of a finite `x` (`%.3e` → `1.235e+04`).
pub fn exponent(x: f64, prec: usize, alt: bool, upper: bool) -> String {
    let s = format!("{x:.prec$e}");
    let (mant, exp) = s.split_once('e').unwrap_or((&s, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    let point = if alt && prec == 0 { "." } else { "" };
    let e = if upper { 'E' } else { 'e' };
    let esign = if exp < 0 { '-' } else { '+' };
    format!("{mant}{point}{e}{esign}{:02}", exp.abs())
}

/// The general form (`%g`, `{:g}`) of a finite `x` with `prec` significant digits.
/// `add_dot_0` is the format-spec rule for an empty type with a precision (`{:.3}`):
/// switch to exponent one digit earlier, and always show a decimal digit.
pub fn general(x: f64, prec: usize, alt: bool, upper: bool, add_dot_0: bool) -> String {
    let p = prec.max(1);
    let probe = format!("{:.*e}", p - 1, x);
    let exp: i32 = probe
        .split_once('e')
        .and_then(|(_, e)| e.parse().ok())
        .unwrap_or(0);
    let limit = if add_dot_0 { p as i32 - 1 } else { p as i32 };
    let mut s = if exp < -4 || exp >= limit {
        exponent(x, p - 1, alt, upper)
    } else {
        fixed(x, (p as i32 - 1 - exp) as usize, alt)
    };
    if !alt {
        s = strip_zeros(&s);
    }
    if add_dot_0 && !s.contains(['.', 'e', 'E']) {
        s.push_str(".0");
    }
    s
}

/// Drops trailing zeros of the mantissa (and a bare point): `1.500e+01` → `1.5e+01`.
fn strip_zeros(s: &str) -> String {
    let (mant, rest) = match s.find(['e', 'E']) {
        Some(i) => s.split_at(i),
        None => (s, ""),
    };
    if !mant.contains('.') {
        return s.to_string();
    }
    let mant = mant.trim_end_matches('0').trim_end_matches('.');
    format!("{mant}{rest}")
}

/// Shortest round-trip digits of a finite non-negative `x` and the decimal exponent of
/// the first digit (`1234.5` → `("12345", 3)`).
fn shortest_digits(x: f64) -> (String, i32) {
    let s = format!("{x:e}");
    let (mant, exp) = s.split_once('e').unwrap_or((&s, "0"));
    (mant.replace('.', ""), exp.parse().unwrap_or(0))
}

/// `digits` with the decimal point after `decpt` digits; `dot_0` adds `.0` to integers.
fn place_point(digits: &str, decpt: i32, dot_0: bool) -> String {
    let n = digits.len() as i32;
    if decpt <= 0 {
        format!("0.{}{digits}", "0".repeat((-decpt) as usize))
    } else if decpt >= n {
        let zeros = "0".repeat((decpt - n) as usize);
        if dot_0 {
            format!("{digits}{zeros}.0")
        } else {
            format!("{digits}{zeros}")
        }
    } else {
        let (a, b) = digits.split_at(decpt as usize);
        format!("{a}.{b}")
    }
}

/// `d.ddde±XX` from digits and the exponent of the first digit.
fn exp_layout(digits: &str, exp: i32, upper: bool) -> String {
    let (first, rest) = digits.split_at(1);
    let point = if rest.is_empty() { "" } else { "." };
    let e = if upper { 'E' } else { 'e' };
    let esign = if exp < 0 { '-' } else { '+' };
    format!("{first}{point}{rest}{e}{esign}{:02}", exp.abs())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repr_matches_cpython() {
        let cases = [
            (1e16, "1e+16"),
            (1e15, "1000000000000000.0"),
            (0.0001, "0.0001"),
            (0.00001, "1e-05"),
            (1.2345678, "1.2345678"),
            (0.1 + 0.2, "0.30000000000000004"),
            (-0.0, "-0.0"),
            (0.0, "0.0"),
            (1.5e-10, "1.5e-10"),
            (123456789012345678.0, "1.2345678901234568e+17"),
            (f64::INFINITY, "inf"),
            (f64::NEG_INFINITY, "-inf"),
            (f64::NAN, "nan"),
            (100.0, "100.0"),
            (1e22, "1e+22"),
        ];
        for (x, want) in cases {
            assert_eq!(repr_float(x), want, "repr({x})");
        }
    }

    #[test]
    fn general_and_exponent() {
        assert_eq!(general(0.000012345, 6, false, false, false), "1.2345e-05");
        assert_eq!(general(123456789.0, 6, false, false, false), "1.23457e+08");
        assert_eq!(general(100000.0, 6, false, false, false), "100000");
        assert_eq!(general(1e6, 6, false, false, false), "1e+06");
        assert_eq!(general(2.0, 6, true, false, false), "2.00000");
        assert_eq!(general(12.0, 3, false, false, true), "12.0");
        assert_eq!(general(123.0, 3, false, false, true), "1.23e+02");
        assert_eq!(exponent(15000.0, 0, false, false), "2e+04");
        assert_eq!(exponent(1.5, 6, false, true), "1.500000E+00");
        assert_eq!(fixed(2.0, 0, true), "2.");
    }
}
