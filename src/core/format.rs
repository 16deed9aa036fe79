//! The format-spec mini-language (`f"{x:>8.2f}"`, `format(x, spec)`, and the fields of
//! `str.format`): `[[fill]align][sign][z][#][0][width][grouping][.precision][type]`.
//!
//! `str.format` templates and `%`-formatting live in their own files and are
//! re-exported here, so every kind of formatting is reached through this module.

use crate::core::float_fmt::{exponent, fixed, general, non_finite, repr_float};
use crate::core::names::ExcType;
use crate::core::repr;
use crate::core::value::{Res, Unwind, Value};
use crate::syntax::span::Span;

pub use crate::core::percent_format::percent_format;
pub use crate::core::str_format::str_format;

/// A parsed format spec.
#[derive(Clone, Debug, Default, PartialEq)]
struct Spec {
    fill: Option<char>,
    align: Option<char>,
    /// `+`, `-` or ` `.
    sign: Option<char>,
    /// `z`: negative zero prints as zero.
    z: bool,
    /// `#`: alternate form (`0x` prefixes, keep the decimal point).
    alt: bool,
    /// `0` before the width: zero padding after the sign.
    zero: bool,
    width: usize,
    /// `,` or `_`.
    grouping: Option<char>,
    precision: Option<usize>,
    ty: Option<char>,
}

/// `format(v, spec)`: what an f-string field `{v:spec}` produces (after any `!r`/`!s`
/// conversion, which the caller applies first).
pub fn format_value(v: &Value, spec: &str, span: Span) -> Res<String> {
    match v {
        Value::Str(s) => format_str(s, &parse(spec, v, span)?, span),
        Value::Bool(b) if spec.is_empty() => Ok(if *b { "True" } else { "False" }.into()),
        Value::Int(_) | Value::Bool(_) => {
            let i = match v {
                Value::Int(i) => *i,
                _ => i128::from(v.truthy()),
            };
            format_int(i, v, &parse(spec, v, span)?, span)
        }
        Value::Float(f) => format_float(*f, v, &parse(spec, v, span)?, span),
        _ if spec.is_empty() => Ok(repr::str(v)),
        _ => Err(Unwind::raise(
            ExcType::TypeError,
            format!(
                "unsupported format string passed to {}.__format__",
                v.type_name()
            ),
            span,
        )),
    }
}

fn value_error(msg: impl Into<String>, span: Span) -> Unwind {
    Unwind::raise(ExcType::ValueError, msg, span)
}

fn parse(spec: &str, v: &Value, span: Span) -> Res<Spec> {
    let c: Vec<char> = spec.chars().collect();
    let mut s = Spec::default();
    let mut i = 0;
    let is_align = |ch: char| matches!(ch, '<' | '>' | '=' | '^');
    if c.len() >= 2 && is_align(c[1]) {
        s.fill = Some(c[0]);
        s.align = Some(c[1]);
        i = 2;
    } else if !c.is_empty() && is_align(c[0]) {
        s.align = Some(c[0]);
        i = 1;
    }
    if i < c.len() && matches!(c[i], '+' | '-' | ' ') {
        s.sign = Some(c[i]);
        i += 1;
    }
    if i < c.len() && c[i] == 'z' {
        s.z = true;
        i += 1;
    }
    if i < c.len() && c[i] == '#' {
        s.alt = true;
        i += 1;
    }
    if i < c.len() && c[i] == '0' {
        s.zero = true;
        i += 1;
    }
    let (width, next) = digits(&c, i, span)?;
    s.width = width.unwrap_or(0);
    i = next;
    if i < c.len() && matches!(c[i], ',' | '_') {
        s.grouping = Some(c[i]);
        i += 1;
        if i < c.len() && matches!(c[i], ',' | '_') {
            return Err(value_error("Cannot specify both ',' and '_'.", span));
        }
    }
    if i < c.len() && c[i] == '.' {
        let (p, next) = digits(&c, i + 1, span)?;
        if p.is_none() {
            return Err(value_error("Format specifier missing precision", span));
        }
        s.precision = p;
        i = next;
    }
    match c.len() - i {
        0 => {}
        1 => s.ty = Some(c[i]),
        _ => {
            return Err(value_error(
                format!(
                    "Invalid format specifier '{spec}' for object of type '{}'",
                    v.type_name()
                ),
                span,
            ));
        }
    }
    if s.zero && s.fill.is_none() {
        s.fill = Some('0');
        if s.align.is_none() && !matches!(v, Value::Str(_)) {
            s.align = Some('=');
        }
    }
    Ok(s)
}

/// A run of decimal digits starting at `i`: its value (if any) and where it ends.
fn digits(c: &[char], mut i: usize, span: Span) -> Res<(Option<usize>, usize)> {
    let start = i;
    let mut n: usize = 0;
    while i < c.len() && c[i].is_ascii_digit() {
        n = n
            .checked_mul(10)
            .and_then(|n| n.checked_add(c[i] as usize - '0' as usize))
            .filter(|n| *n <= 1 << 30)
            .ok_or_else(|| value_error("Too many decimal digits in format string", span))?;
        i += 1;
    }
    Ok(((i > start).then_some(n), i))
}

fn unknown_code(ty: char, v: &Value, span: Span) -> Unwind {
    value_error(
        format!(
            "Unknown format code '{ty}' for object of type '{}'",
            v.type_name()
        ),
        span,
    )
}

fn cannot_group(g: char, ty: char, span: Span) -> Unwind {
    value_error(format!("Cannot specify '{g}' with '{ty}'."), span)
}

fn format_str(s: &str, spec: &Spec, span: Span) -> Res<String> {
    let ty = spec.ty.unwrap_or('s');
    if ty != 's' {
        return Err(unknown_code(ty, &Value::str(""), span));
    }
    if spec.sign.is_some() {
        return Err(value_error(
            "Sign not allowed in string format specifier",
            span,
        ));
    }
    if spec.alt {
        return Err(value_error(
            "Alternate form (#) not allowed in string format specifier",
            span,
        ));
    }
    if let Some(g) = spec.grouping {
        return Err(cannot_group(g, 's', span));
    }
    if spec.align == Some('=') {
        return Err(value_error(
            "'=' alignment not allowed in string format specifier",
            span,
        ));
    }
    let body: String = match spec.precision {
        Some(p) => s.chars().take(p).collect(),
        None => s.to_string(),
    };
    Ok(pad("", &body, spec, '<'))
}

fn format_int(i: i128, v: &Value, spec: &Spec, span: Span) -> Res<String> {
    let ty = spec.ty.unwrap_or('d');
    if matches!(ty, 'e' | 'E' | 'f' | 'F' | 'g' | 'G' | '%') {
        return format_float(i as f64, v, spec, span);
    }
    if !matches!(ty, 'd' | 'n' | 'b' | 'o' | 'x' | 'X' | 'c') {
        return Err(unknown_code(ty, v, span));
    }
    if spec.precision.is_some() {
        return Err(value_error(
            "Precision not allowed in integer format specifier",
            span,
        ));
    }
    match (spec.grouping, ty) {
        (Some(','), 'b' | 'o' | 'x' | 'X' | 'c' | 'n') | (Some('_'), 'c' | 'n') => {
            return Err(cannot_group(spec.grouping.unwrap_or(','), ty, span));
        }
        _ => {}
    }
    if ty == 'c' {
        if spec.sign.is_some() {
            return Err(value_error(
                "Sign not allowed with integer format specifier 'c'",
                span,
            ));
        }
        if spec.alt {
            return Err(value_error(
                "Alternate form (#) not allowed with integer format specifier 'c'",
                span,
            ));
        }
        let ch = u32::try_from(i)
            .ok()
            .and_then(char::from_u32)
            .ok_or_else(|| {
                Unwind::raise(
                    ExcType::OverflowError,
                    "%c arg not in range(0x110000)",
                    span,
                )
            })?;
        return Ok(pad("", &ch.to_string(), spec, '>'));
    }
    let mag = i.unsigned_abs();
    let (digits, prefix, group) = match ty {
        'b' => (format!("{mag:b}"), "0b", 4),
        'o' => (format!("{mag:o}"), "0o", 4),
        'x' => (format!("{mag:x}"), "0x", 4),
        'X' => (format!("{mag:X}"), "0X", 4),
        _ => (mag.to_string(), "", 3),
    };
    let prefix = if spec.alt { prefix } else { "" };
    Ok(number(i < 0, prefix, &digits, "", spec, group))
}

fn format_float(x: f64, v: &Value, spec: &Spec, span: Span) -> Res<String> {
    let ty = spec.ty;
    if let Some(t) = ty
        && !matches!(t, 'e' | 'E' | 'f' | 'F' | 'g' | 'G' | 'n' | '%')
    {
        return Err(unknown_code(t, v, span));
    }
    if let (Some(g), Some('n')) = (spec.grouping, ty) {
        return Err(cannot_group(g, 'n', span));
    }
    let upper = matches!(ty, Some('E' | 'F' | 'G'));
    let a = x.abs();
    let body = if let Some(s) = non_finite(a, upper) {
        s
    } else {
        let prec = spec.precision;
        match ty {
            None => match prec {
                None => repr_float(a),
                Some(p) => general(a, p, spec.alt, false, true),
            },
            Some('f' | 'F') => fixed(a, prec.unwrap_or(6), spec.alt),
            Some('e' | 'E') => exponent(a, prec.unwrap_or(6), spec.alt, upper),
            Some('g' | 'G' | 'n') => general(a, prec.unwrap_or(6), spec.alt, upper, false),
            _ => format!("{}%", fixed(a * 100.0, prec.unwrap_or(6), spec.alt)),
        }
    };
    let mut neg = x.is_sign_negative() && !x.is_nan();
    if neg && spec.z && !body.chars().any(|c| c.is_ascii_digit() && c != '0') {
        neg = false;
    }
    let split = body
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(body.len());
    let (int_digits, rest) = body.split_at(split);
    Ok(number(neg, "", int_digits, rest, spec, 3))
}

/// Lays out a number: sign, prefix, grouped integer digits, the rest (fraction,
/// exponent, `%`), then padding. With `0`-padding (fill `0`, align `=`) the zeros are
/// part of the digits and get grouped too, as CPython does (`-0,001,234.50`).
fn number(
    neg: bool,
    prefix: &str,
    int_digits: &str,
    rest: &str,
    spec: &Spec,
    group: usize,
) -> String {
    let sign = if neg {
        "-"
    } else {
        match spec.sign {
            Some('+') => "+",
            Some(' ') => " ",
            _ => "",
        }
    };
    let mut digits = int_digits.to_string();
    if let Some(sep) = spec.grouping {
        if spec.fill == Some('0') && spec.align == Some('=') && !digits.is_empty() {
            let fixed_len = sign.len() + prefix.len() + rest.chars().count();
            let need = spec.width.saturating_sub(fixed_len);
            let mut n = digits.len();
            while n + (n - 1) / group < need {
                n += 1;
            }
            digits = format!("{}{digits}", "0".repeat(n - digits.len()));
        }
        digits = group_digits(&digits, sep, group);
    }
    pad(
        &format!("{sign}{prefix}"),
        &format!("{digits}{rest}"),
        spec,
        '>',
    )
}

/// `1234567` → `1,234,567` (groups of `size` from the right).
fn group_digits(digits: &str, sep: char, size: usize) -> String {
    let n = digits.len();
    let mut out = String::with_capacity(n + n / size);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (n - i).is_multiple_of(size) {
            out.push(sep);
        }
        out.push(c);
    }
    out
}

/// Pads `head` + `body` to the spec's width; `=` puts the padding between them.
fn pad(head: &str, body: &str, spec: &Spec, default_align: char) -> String {
    let len = head.chars().count() + body.chars().count();
    let fill = spec.fill.unwrap_or(' ');
    let total = spec.width.saturating_sub(len);
    let fills = |n: usize| std::iter::repeat_n(fill, n).collect::<String>();
    match spec.align.unwrap_or(default_align) {
        '<' => format!("{head}{body}{}", fills(total)),
        '^' => format!(
            "{}{head}{body}{}",
            fills(total / 2),
            fills(total - total / 2)
        ),
        '=' => format!("{head}{}{body}", fills(total)),
        _ => format!("{}{head}{body}", fills(total)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn f(v: Value, spec: &str) -> String {
        match format_value(&v, spec, Span::default()) {
            Ok(s) => s,
            Err(Unwind::Raise(e)) => format!("!! {}: {}", e.ty.short_name(), e.msg),
            Err(other) => format!("{other:?}"),
        }
    }

    #[test]
    fn spec_parsing() {
        let s = parse("*^+#012,.3f", &Value::Float(0.0), Span::default()).ok();
        assert_eq!(
            s,
            Some(Spec {
                fill: Some('*'),
                align: Some('^'),
                sign: Some('+'),
                alt: true,
                zero: true,
                width: 12,
                grouping: Some(','),
                precision: Some(3),
                ty: Some('f'),
                z: false,
            })
        );
        assert_eq!(
            f(Value::Int(1), "abc"),
            "!! ValueError: Invalid format specifier 'abc' for object of type 'int'"
        );
        assert_eq!(
            f(Value::Int(1), ",_"),
            "!! ValueError: Cannot specify both ',' and '_'."
        );
    }

    #[test]
    fn grouped_zero_padding() {
        assert_eq!(f(Value::Float(-1234.5), "020,.2f"), "-0,000,000,001,234.50");
        assert_eq!(f(Value::Int(1234567), "_"), "1_234_567");
        assert_eq!(f(Value::Int(255), "_b"), "1111_1111");
        assert_eq!(f(Value::Int(123456789), "_x"), "75b_cd15");
    }
}
