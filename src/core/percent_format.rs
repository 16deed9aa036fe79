//! printf-style formatting: `"%s子进程开始，进程ID：%d" % (name, pid)`, `"%0.2f" % x`,
//! `"%(name)s" % mapping`, with CPython's argument-count rules and messages.

use crate::core::float_fmt::{exponent, fixed, general, non_finite};
use crate::core::hash_eq::dict_get;
use crate::core::hash_eq::key_error;
use crate::core::names::ExcType;
use crate::core::repr;
use crate::core::value::{Res, Unwind, Value};
use crate::syntax::span::Span;

/// `template % args`. A tuple supplies one argument per conversion; any other value is
/// a single argument; a dict also serves `%(key)s` conversions.
pub fn percent_format(template: &str, args: &Value, span: Span) -> Res<String> {
    let mut st = State::new(args);
    let chars: Vec<char> = template.chars().collect();
    let mut out = String::with_capacity(template.len());
    let mut i = 0;
    while i < chars.len() {
        if chars[i] != '%' {
            out.push(chars[i]);
            i += 1;
            continue;
        }
        i += 1;
        i = st.conversion(&chars, i, &mut out, span)?;
    }
    if st.unused() {
        return Err(type_error(
            "not all arguments converted during string formatting",
            span,
        ));
    }
    Ok(out)
}

fn type_error(msg: impl Into<String>, span: Span) -> Unwind {
    Unwind::raise(ExcType::TypeError, msg, span)
}

/// The arguments being consumed, following CPython's bookkeeping: a non-tuple argument
/// counts as one argument (`len = None`).
struct State<'a> {
    items: Vec<Value>,
    /// `Some(n)` for a tuple of `n`, `None` for a single non-tuple value.
    len: Option<usize>,
    next: usize,
    mapping: Option<&'a Value>,
}

impl<'a> State<'a> {
    fn new(args: &'a Value) -> State<'a> {
        match args {
            Value::Tuple(t) => State {
                items: t.to_vec(),
                len: Some(t.len()),
                next: 0,
                mapping: None,
            },
            other => State {
                items: vec![other.clone()],
                len: None,
                next: 0,
                mapping: matches!(other, Value::Dict(_)).then_some(other),
            },
        }
    }

    fn next_arg(&mut self, span: Span) -> Res<Value> {
        let limit = self.len.unwrap_or(1);
        if self.next < limit {
            self.next += 1;
            Ok(self.items[self.next - 1].clone())
        } else {
            Err(type_error("not enough arguments for format string", span))
        }
    }

    fn unused(&self) -> bool {
        self.mapping.is_none() && self.next < self.len.unwrap_or(1)
    }

    /// One conversion starting just after its `%`; returns where the template resumes.
    fn conversion(&mut self, c: &[char], mut i: usize, out: &mut String, span: Span) -> Res<usize> {
        let incomplete = || Unwind::raise(ExcType::ValueError, "incomplete format", span);
        let mut keyed: Option<Value> = None;
        if c.get(i) == Some(&'(') {
            let Some(Value::Dict(d)) = self.mapping else {
                return Err(type_error("format requires a mapping", span));
            };
            let mut depth = 1;
            let start = i + 1;
            i += 1;
            while i < c.len() && depth > 0 {
                match c[i] {
                    '(' => depth += 1,
                    ')' => depth -= 1,
                    _ => {}
                }
                i += 1;
            }
            if depth > 0 {
                return Err(Unwind::raise(
                    ExcType::ValueError,
                    "incomplete format key",
                    span,
                ));
            }
            let key = Value::str(&c[start..i - 1].iter().collect::<String>());
            keyed = Some(dict_get(d, &key, span)?.ok_or_else(|| key_error(&key, span))?);
        }
        let mut f = Flags::default();
        while let Some(&ch) = c.get(i) {
            match ch {
                '-' => f.left = true,
                '+' => f.plus = true,
                ' ' => f.space = true,
                '#' => f.alt = true,
                '0' => f.zero = true,
                _ => break,
            }
            i += 1;
        }
        if c.get(i) == Some(&'*') {
            let w = self.star(span)?;
            if w < 0 {
                f.left = true;
            }
            f.width = w.unsigned_abs() as usize;
            i += 1;
        } else {
            while let Some(d) = c.get(i).and_then(|ch| ch.to_digit(10)) {
                f.width = f.width.saturating_mul(10).saturating_add(d as usize);
                i += 1;
            }
        }
        if c.get(i) == Some(&'.') {
            i += 1;
            let mut p = 0usize;
            if c.get(i) == Some(&'*') {
                p = self.star(span)?.max(0) as usize;
                i += 1;
            } else {
                while let Some(d) = c.get(i).and_then(|ch| ch.to_digit(10)) {
                    p = p.saturating_mul(10).saturating_add(d as usize);
                    i += 1;
                }
            }
            f.prec = Some(p);
        }
        while matches!(c.get(i), Some('h' | 'l' | 'L')) {
            i += 1;
        }
        let ty = *c.get(i).ok_or_else(incomplete)?;
        if ty == '%' {
            out.push('%');
            return Ok(i + 1);
        }
        if !"diuoxXeEfFgGcrsa".contains(ty) {
            return Err(Unwind::raise(
                ExcType::ValueError,
                format!(
                    "unsupported format character '{ty}' ({:#x}) at index {i}",
                    ty as u32
                ),
                span,
            ));
        }
        let arg = match keyed {
            Some(v) => v,
            None => self.next_arg(span)?,
        };
        out.push_str(&convert(ty, &arg, &f, span)?);
        Ok(i + 1)
    }

    /// A `*` width or precision, taken from the arguments.
    fn star(&mut self, span: Span) -> Res<i128> {
        match self.next_arg(span)? {
            Value::Int(n) => Ok(n.clamp(-(1 << 30), 1 << 30)),
            Value::Bool(b) => Ok(i128::from(b)),
            _ => Err(type_error("* wants int", span)),
        }
    }
}

#[derive(Default)]
struct Flags {
    left: bool,
    plus: bool,
    space: bool,
    alt: bool,
    zero: bool,
    width: usize,
    prec: Option<usize>,
}

fn convert(ty: char, arg: &Value, f: &Flags, span: Span) -> Res<String> {
    match ty {
        's' | 'r' | 'a' => {
            let s = match ty {
                's' => repr::str(arg),
                'r' => repr::repr(arg),
                _ => repr::ascii(arg),
            };
            let s: String = match f.prec {
                Some(p) => s.chars().take(p).collect(),
                None => s,
            };
            Ok(pad("", &s, f, false))
        }
        'c' => {
            let ch = match arg {
                Value::Int(_) | Value::Bool(_) => {
                    let i = match arg {
                        Value::Int(i) => *i,
                        _ => i128::from(arg.truthy()),
                    };
                    u32::try_from(i)
                        .ok()
                        .and_then(char::from_u32)
                        .ok_or_else(|| {
                            Unwind::raise(
                                ExcType::OverflowError,
                                "%c arg not in range(0x110000)",
                                span,
                            )
                        })?
                }
                Value::Str(s) if s.chars().count() == 1 => s.chars().next().unwrap_or(' '),
                _ => return Err(type_error("%c requires int or char", span)),
            };
            Ok(pad("", &ch.to_string(), f, false))
        }
        'd' | 'i' | 'u' | 'o' | 'x' | 'X' => {
            let n = match arg {
                Value::Int(i) => *i,
                Value::Bool(b) => i128::from(*b),
                Value::Float(x) if matches!(ty, 'd' | 'i' | 'u') => float_to_int(*x, span)?,
                other => {
                    let what = if matches!(ty, 'd' | 'i' | 'u') {
                        "a real number"
                    } else {
                        "an integer"
                    };
                    return Err(type_error(
                        format!(
                            "%{ty} format: {what} is required, not {}",
                            other.type_name()
                        ),
                        span,
                    ));
                }
            };
            let m = n.unsigned_abs();
            let (mut digits, prefix) = match ty {
                'o' => (format!("{m:o}"), "0o"),
                'x' => (format!("{m:x}"), "0x"),
                'X' => (format!("{m:X}"), "0X"),
                _ => (m.to_string(), ""),
            };
            if let Some(p) = f.prec
                && digits.len() < p
            {
                digits = format!("{}{digits}", "0".repeat(p - digits.len()));
            }
            let prefix = if f.alt { prefix } else { "" };
            Ok(pad(
                &format!("{}{prefix}", sign(n < 0, f)),
                &digits,
                f,
                true,
            ))
        }
        _ => {
            let x = match arg {
                Value::Float(x) => *x,
                Value::Int(i) => *i as f64,
                Value::Bool(b) => f64::from(u8::from(*b)),
                other => {
                    return Err(type_error(
                        format!("must be real number, not {}", other.type_name()),
                        span,
                    ));
                }
            };
            let upper = ty.is_ascii_uppercase();
            let a = x.abs();
            let prec = f.prec.unwrap_or(6);
            let (body, finite) = match non_finite(a, upper) {
                Some(s) => (s, false),
                None => (
                    match ty {
                        'f' | 'F' => fixed(a, prec, f.alt),
                        'e' | 'E' => exponent(a, prec, f.alt, upper),
                        _ => general(a, prec, f.alt, upper, false),
                    },
                    true,
                ),
            };
            let neg = x.is_sign_negative() && !x.is_nan();
            Ok(pad(sign(neg, f), &body, f, finite))
        }
    }
}

/// `%d` of a float truncates, with `int()`'s errors for infinities and NaN.
fn float_to_int(x: f64, span: Span) -> Res<i128> {
    if x.is_nan() {
        return Err(Unwind::raise(
            ExcType::ValueError,
            "cannot convert float NaN to integer",
            span,
        ));
    }
    if x.is_infinite() || x.abs() >= 1.7e38 {
        return Err(Unwind::raise(
            ExcType::OverflowError,
            "cannot convert float infinity to integer",
            span,
        ));
    }
    Ok(x.trunc() as i128)
}

fn sign(neg: bool, f: &Flags) -> &'static str {
    if neg {
        "-"
    } else if f.plus {
        "+"
    } else if f.space {
        " "
    } else {
        ""
    }
}

/// Pads to the width: left with `-`, zeros after the sign with `0` (numbers only),
/// spaces on the left otherwise.
fn pad(head: &str, body: &str, f: &Flags, numeric: bool) -> String {
    let len = head.chars().count() + body.chars().count();
    let n = f.width.saturating_sub(len);
    if f.left {
        format!("{head}{body}{}", " ".repeat(n))
    } else if f.zero && numeric {
        format!("{head}{}{body}", "0".repeat(n))
    } else {
        format!("{}{head}{body}", " ".repeat(n))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pf(t: &str, args: Value) -> String {
        match percent_format(t, &args, Span::default()) {
            Ok(s) => s,
            Err(Unwind::Raise(e)) => format!("!! {}: {}", e.ty.short_name(), e.msg),
            Err(other) => format!("{other:?}"),
        }
    }

    #[test]
    fn notes_strings() {
        let args = Value::tuple(vec![Value::str("1"), Value::Int(123), Value::Float(2.0)]);
        assert_eq!(
            pf("%s子进程结束，进程ID：%d。耗时%0.2f", args),
            "1子进程结束，进程ID：123。耗时2.00"
        );
        assert_eq!(
            pf("%s%s", Value::tuple(vec![Value::Int(1)])),
            "!! TypeError: not enough arguments for format string"
        );
        assert_eq!(
            pf("abc", Value::Int(5)),
            "!! TypeError: not all arguments converted during string formatting"
        );
        assert_eq!(
            pf("%s", Value::tuple(vec![])),
            "!! TypeError: not enough arguments for format string"
        );
    }
}
