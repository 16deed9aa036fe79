//! Methods of plain values: list, dict, str, bytes, tuple and range.
//!
//! Lists and dicts are shared (`Arc<Mutex<..>>`): a method that compares elements works
//! on a copy taken under the lock, never while holding it, since an element may be the
//! very list (or contain it) and comparing would lock it again.

use std::sync::Arc;

use parking_lot::Mutex;

use crate::core::builtins::{decode_utf8, index_arg, update_dict};
use crate::core::compare::sort_values;
use crate::core::format::str_format;
use crate::core::hash_eq::{dict_get, dict_remove, dict_set, eq, key_error};
use crate::core::iter::{range_contains, range_get, range_len, to_vec};
use crate::core::names::{ExcType, Method};
use crate::core::repr::{ascii, repr};
use crate::core::value::{Res, Unwind, Value};
use crate::core::world::{Args, Caller};
use crate::syntax::span::Span;

/// `recv.m(args)` for a plain receiver; `None` when that type has no such method (the
/// interpreter then raises AttributeError). `list.sort(key=f)` needs [`call_keyed`].
pub fn call(recv: &Value, m: Method, args: &Args, span: Span) -> Option<Res<Value>> {
    dispatch(recv, m, args, None, span)
}

/// [`call`], with a way to call a `key=` function of `list.sort`.
pub fn call_keyed(
    recv: &Value,
    m: Method,
    args: &Args,
    cx: &mut dyn Caller,
    span: Span,
) -> Option<Res<Value>> {
    dispatch(recv, m, args, Some(cx), span)
}

fn dispatch(
    recv: &Value,
    m: Method,
    args: &Args,
    cx: Option<&mut dyn Caller>,
    span: Span,
) -> Option<Res<Value>> {
    let a = A {
        args,
        span,
        ty: recv.type_name(),
        m: m.name(),
    };
    match recv {
        Value::List(l) => list_method(l, m, &a, cx),
        Value::Dict(d) => dict_method(d, m, &a),
        Value::Str(s) => str_method(s, m, &a),
        Value::Bytes(b) => match m {
            Method::Decode => Some(
                a.at_most_kw(2, &["encoding", "errors"])
                    .and_then(|()| decode(b, a.args.get(0, "encoding"), span)),
            ),
            _ => None,
        },
        Value::Tuple(t) => seq_method(t, m, &a),
        Value::Range(start, stop, step) => match m {
            Method::Index | Method::Count => Some(a.exactly_one().and_then(|x| {
                let found = match x {
                    Value::Int(i) => range_contains(*start, *stop, *step, *i),
                    Value::Bool(b) => range_contains(*start, *stop, *step, i128::from(*b)),
                    _ => {
                        let n = range_len(*start, *stop, *step);
                        (0..n).any(|k| eq(&Value::Int(range_get(*start, *step, k)), x))
                    }
                };
                match (m, found) {
                    (Method::Count, f) => Ok(Value::Int(i128::from(f))),
                    (_, true) => {
                        let i = match x {
                            Value::Int(i) => *i,
                            _ => i128::from(x.truthy()),
                        };
                        Ok(Value::Int((i - start) / step))
                    }
                    (_, false) => Err(Unwind::raise(
                        ExcType::ValueError,
                        format!("{} is not in range", repr(x)),
                        span,
                    )),
                }
            })),
            _ => None,
        },
        _ => None,
    }
}

/// One method call's arguments, with CPython's argument-count messages.
struct A<'a> {
    args: &'a Args,
    span: Span,
    /// The receiver's type name (`list`).
    ty: &'static str,
    /// The method name (`append`).
    m: &'static str,
}

impl A<'_> {
    fn err(&self, msg: String) -> Unwind {
        Unwind::raise(ExcType::TypeError, msg, self.span)
    }

    fn no_kw(&self) -> Res<()> {
        if self.args.kw.is_empty() {
            Ok(())
        } else {
            Err(self.err(format!(
                "{}.{}() takes no keyword arguments",
                self.ty, self.m
            )))
        }
    }

    /// `list.reverse() takes no arguments (1 given)`.
    fn none(&self) -> Res<()> {
        self.no_kw()?;
        match self.args.pos.len() {
            0 => Ok(()),
            n => Err(self.err(format!(
                "{}.{}() takes no arguments ({n} given)",
                self.ty, self.m
            ))),
        }
    }

    /// `list.append() takes exactly one argument (0 given)`.
    fn exactly_one(&self) -> Res<&Value> {
        self.no_kw()?;
        match self.args.pos.as_slice() {
            [v] => Ok(v),
            other => Err(self.err(format!(
                "{}.{}() takes exactly one argument ({} given)",
                self.ty,
                self.m,
                other.len()
            ))),
        }
    }

    /// `insert expected 2 arguments, got 1` / `get expected at least 1 argument, got 0`.
    fn between(&self, min: usize, max: usize) -> Res<()> {
        self.no_kw()?;
        let n = self.args.pos.len();
        let plural = |k: usize| if k == 1 { "" } else { "s" };
        let msg = if min == max && n != min {
            format!("{} expected {min} argument{}, got {n}", self.m, plural(min))
        } else if n < min {
            format!(
                "{} expected at least {min} argument{}, got {n}",
                self.m,
                plural(min)
            )
        } else if n > max {
            format!(
                "{} expected at most {max} argument{}, got {n}",
                self.m,
                plural(max)
            )
        } else {
            return Ok(());
        };
        Err(self.err(msg))
    }

    /// Keyword-capable methods: at most `max` arguments in all, keywords from `names`.
    fn at_most_kw(&self, max: usize, names: &[&str]) -> Res<()> {
        if let Some((k, _)) = self.args.kw.iter().find(|(k, _)| !names.contains(&&**k)) {
            return Err(self.err(format!(
                "{}() got an unexpected keyword argument '{k}'",
                self.m
            )));
        }
        let n = self.args.pos.len() + self.args.kw.len();
        if n > max {
            return Err(self.err(format!(
                "{}() takes at most {max} argument{} ({n} given)",
                self.m,
                if max == 1 { "" } else { "s" }
            )));
        }
        Ok(())
    }

    /// `count() takes at least 1 argument (0 given)` (str methods).
    fn at_least(&self, min: usize, max: usize) -> Res<()> {
        self.no_kw()?;
        let n = self.args.pos.len();
        if n < min {
            return Err(self.err(format!(
                "{}() takes at least {min} argument ({n} given)",
                self.m
            )));
        }
        if n > max {
            return Err(self.err(format!(
                "{}() takes at most {max} arguments ({n} given)",
                self.m
            )));
        }
        Ok(())
    }

    fn arg(&self, i: usize) -> Option<&Value> {
        self.args.pos.get(i)
    }
}

fn list_method(
    l: &Arc<Mutex<Vec<Value>>>,
    m: Method,
    a: &A,
    cx: Option<&mut dyn Caller>,
) -> Option<Res<Value>> {
    let span = a.span;
    let none = Ok(Value::None);
    Some(match m {
        Method::Append => a.exactly_one().map(|v| {
            l.lock().push(v.clone());
            Value::None
        }),
        Method::Extend => a.exactly_one().and_then(|v| {
            let extra = to_vec(v, span)?;
            l.lock().extend(extra);
            none
        }),
        Method::Insert => a.between(2, 2).and_then(|()| {
            let i = index_arg(&a.args.pos[0], span)?;
            let mut items = l.lock();
            let n = items.len() as i128;
            let at = if i < 0 { (i + n).max(0) } else { i.min(n) };
            items.insert(at as usize, a.args.pos[1].clone());
            none
        }),
        Method::Pop => a.between(0, 1).and_then(|()| {
            let i = match a.arg(0) {
                Some(v) => index_arg(v, span)?,
                None => -1,
            };
            let mut items = l.lock();
            if items.is_empty() {
                return Err(Unwind::raise(
                    ExcType::IndexError,
                    "pop from empty list",
                    span,
                ));
            }
            let n = items.len() as i128;
            let k = if i < 0 { i + n } else { i };
            if !(0..n).contains(&k) {
                return Err(Unwind::raise(
                    ExcType::IndexError,
                    "pop index out of range",
                    span,
                ));
            }
            Ok(items.remove(k as usize))
        }),
        Method::Remove => a.exactly_one().and_then(|x| {
            let items = l.lock().clone();
            match items.iter().position(|v| eq(v, x)) {
                Some(k) => {
                    let mut live = l.lock();
                    // Another thread may have changed the list meanwhile: find it again.
                    if k < live.len() && eq(&live[k], x) {
                        live.remove(k);
                    } else if let Some(k) = live.iter().position(|v| eq(v, x)) {
                        live.remove(k);
                    }
                    none
                }
                None => Err(Unwind::raise(
                    ExcType::ValueError,
                    "list.remove(x): x not in list",
                    span,
                )),
            }
        }),
        Method::Index => a.between(1, 3).and_then(|()| {
            let items = l.lock().clone();
            find_in(&items, a, |x| format!("{} is not in list", repr(x)))
        }),
        Method::Count => a.exactly_one().map(|x| {
            let items = l.lock().clone();
            Value::Int(items.iter().filter(|v| eq(v, x)).count() as i128)
        }),
        Method::Sort => sort_list(l, a, cx),
        Method::Reverse => a.none().map(|()| {
            l.lock().reverse();
            Value::None
        }),
        Method::Copy => a.none().map(|()| Value::list(l.lock().clone())),
        Method::Clear => a.none().map(|()| {
            l.lock().clear();
            Value::None
        }),
        _ => return None,
    })
}

fn sort_list(l: &Arc<Mutex<Vec<Value>>>, a: &A, cx: Option<&mut dyn Caller>) -> Res<Value> {
    let span = a.span;
    if !a.args.pos.is_empty() {
        return Err(a.err("sort() takes no positional arguments".into()));
    }
    if let Some((k, _)) = a
        .args
        .kw
        .iter()
        .find(|(k, _)| !matches!(&**k, "key" | "reverse"))
    {
        return Err(a.err(format!("sort() got an unexpected keyword argument '{k}'")));
    }
    let kw = |name: &str| a.args.kw.iter().find(|(k, _)| &**k == name).map(|(_, v)| v);
    let mut items = l.lock().clone();
    let keys = match kw("key").filter(|k| !matches!(k, Value::None)) {
        None => None,
        Some(key) => {
            let Some(cx) = cx else {
                return Err(a.err("key= functions need the interpreter (call_keyed)".into()));
            };
            Some(
                items
                    .iter()
                    .map(|item| cx.call_value(key, Args::new(vec![item.clone()]), span))
                    .collect::<Res<Vec<_>>>()?,
            )
        }
    };
    let reverse = kw("reverse").is_some_and(Value::truthy);
    let result = sort_values(&mut items, keys, reverse, span);
    *l.lock() = items;
    result.map(|()| Value::None)
}

/// `seq.index(x[, start[, end]])` over a snapshot.
fn find_in(items: &[Value], a: &A, missing: impl Fn(&Value) -> String) -> Res<Value> {
    let x = &a.args.pos[0];
    let n = items.len() as i128;
    let clamp = |v: Option<&Value>, default: i128| -> Res<i128> {
        Ok(match v {
            None => default,
            Some(v) => {
                let i = index_arg(v, a.span)?;
                if i < 0 { (i + n).max(0) } else { i.min(n) }
            }
        })
    };
    let start = clamp(a.arg(1), 0)?;
    let end = clamp(a.arg(2), n)?;
    (start..end)
        .find(|&k| eq(&items[k as usize], x))
        .map(Value::Int)
        .ok_or_else(|| Unwind::raise(ExcType::ValueError, missing(x), a.span))
}

fn seq_method(t: &[Value], m: Method, a: &A) -> Option<Res<Value>> {
    Some(match m {
        Method::Index => a
            .between(1, 3)
            .and_then(|()| find_in(t, a, |_| "tuple.index(x): x not in tuple".into())),
        Method::Count => a
            .exactly_one()
            .map(|x| Value::Int(t.iter().filter(|v| eq(v, x)).count() as i128)),
        _ => return None,
    })
}

fn dict_method(d: &Arc<Mutex<Vec<(Value, Value)>>>, m: Method, a: &A) -> Option<Res<Value>> {
    let span = a.span;
    Some(match m {
        Method::Keys => a
            .none()
            .map(|()| Value::list(d.lock().iter().map(|(k, _)| k.clone()).collect())),
        Method::Values => a
            .none()
            .map(|()| Value::list(d.lock().iter().map(|(_, v)| v.clone()).collect())),
        Method::Items => a.none().map(|()| {
            Value::list(
                d.lock()
                    .iter()
                    .map(|(k, v)| Value::tuple(vec![k.clone(), v.clone()]))
                    .collect(),
            )
        }),
        Method::Get => a.between(1, 2).and_then(|()| {
            Ok(dict_get(d, &a.args.pos[0], span)?
                .unwrap_or_else(|| a.arg(1).cloned().unwrap_or(Value::None)))
        }),
        Method::Pop => a.between(1, 2).and_then(|()| {
            let key = &a.args.pos[0];
            match (dict_remove(d, key, span)?, a.arg(1)) {
                (Some(v), _) => Ok(v),
                (None, Some(default)) => Ok(default.clone()),
                (None, None) => Err(key_error(key, span)),
            }
        }),
        Method::SetDefault => a.between(1, 2).and_then(|()| {
            let key = &a.args.pos[0];
            match dict_get(d, key, span)? {
                Some(v) => Ok(v),
                None => {
                    let v = a.arg(1).cloned().unwrap_or(Value::None);
                    dict_set(d, key.clone(), v.clone(), span)?;
                    Ok(v)
                }
            }
        }),
        Method::Update => {
            if a.args.pos.len() > 1 {
                return Some(Err(a.err(format!(
                    "update expected at most 1 argument, got {}",
                    a.args.pos.len()
                ))));
            }
            (|| {
                if let Some(src) = a.arg(0) {
                    update_dict(d, src, span)?;
                }
                for (k, v) in &a.args.kw {
                    dict_set(d, Value::str(k), v.clone(), span)?;
                }
                Ok(Value::None)
            })()
        }
        Method::Copy => a
            .none()
            .map(|()| Value::Dict(Arc::new(Mutex::new(d.lock().clone())))),
        Method::Clear => a.none().map(|()| {
            d.lock().clear();
            Value::None
        }),
        _ => return None,
    })
}

fn want_str<'v>(v: &'v Value, what: &str, span: Span) -> Res<&'v str> {
    match v {
        Value::Str(s) => Ok(s),
        other => Err(Unwind::raise(
            ExcType::TypeError,
            format!("{what}, not {}", other.type_name()),
            span,
        )),
    }
}

/// The character range `[start, end)` of `s` given optional slice-like bounds.
fn char_window<'s>(s: &'s str, a: &A, from: usize) -> Res<&'s str> {
    let n = s.chars().count() as i128;
    let clamp = |v: Option<&Value>, default: i128| -> Res<i128> {
        Ok(match v {
            None | Some(Value::None) => default,
            Some(v) => {
                let i = index_arg(v, a.span)?;
                if i < 0 { (i + n).max(0) } else { i.min(n) }
            }
        })
    };
    let start = clamp(a.arg(from), 0)?;
    let end = clamp(a.arg(from + 1), n)?.max(start);
    let byte = |c: i128| s.char_indices().nth(c as usize).map_or(s.len(), |(b, _)| b);
    Ok(&s[byte(start)..byte(end)])
}

fn str_method(s: &Arc<str>, m: Method, a: &A) -> Option<Res<Value>> {
    let span = a.span;
    let text = |t: String| Value::str(&t);
    Some(match m {
        Method::Format => str_format(s, a.args, span).map(text),
        Method::Upper => a.none().map(|()| text(s.to_uppercase())),
        Method::Lower => a.none().map(|()| text(s.to_lowercase())),
        Method::Strip => a.between(0, 1).and_then(|()| match a.arg(0) {
            None | Some(Value::None) => Ok(Value::str(s.trim())),
            Some(Value::Str(chars)) => Ok(Value::str(s.trim_matches(|c| chars.contains(c)))),
            Some(_) => Err(a.err("strip arg must be None or str".into())),
        }),
        Method::Split => a
            .at_most_kw(2, &["sep", "maxsplit"])
            .and_then(|()| split(s, a)),
        Method::Join => a.exactly_one().and_then(|it| {
            let items = to_vec(it, span)?;
            let mut out = String::new();
            for (i, item) in items.iter().enumerate() {
                match item {
                    Value::Str(part) => {
                        if i > 0 {
                            out.push_str(s);
                        }
                        out.push_str(part);
                    }
                    other => {
                        return Err(a.err(format!(
                            "sequence item {i}: expected str instance, {} found",
                            other.type_name()
                        )));
                    }
                }
            }
            Ok(text(out))
        }),
        Method::StartsWith | Method::EndsWith => a.at_least(1, 3).and_then(|()| {
            let window = char_window(s, a, 1)?;
            let test = |p: &str| {
                if m == Method::StartsWith {
                    window.starts_with(p)
                } else {
                    window.ends_with(p)
                }
            };
            let what = format!("{} first arg must be str or a tuple of str", a.m);
            let hit = match &a.args.pos[0] {
                Value::Tuple(t) => {
                    let mut hit = false;
                    for p in t.iter() {
                        hit |= test(want_str(p, &what, span)?);
                    }
                    hit
                }
                p => test(want_str(p, &what, span)?),
            };
            Ok(Value::Bool(hit))
        }),
        Method::Replace => a.between(2, 3).and_then(|()| {
            let old = want_str(&a.args.pos[0], "replace() argument 1 must be str", span)?;
            let new = want_str(&a.args.pos[1], "replace() argument 2 must be str", span)?;
            let count = match a.arg(2) {
                Some(v) => index_arg(v, span)?,
                None => -1,
            };
            Ok(text(if count < 0 {
                s.replace(old, new)
            } else {
                s.replacen(old, new, usize::try_from(count).unwrap_or(usize::MAX))
            }))
        }),
        Method::Encode => a
            .at_most_kw(2, &["encoding", "errors"])
            .and_then(|()| encode(s, a.args.get(0, "encoding"), span)),
        Method::Count => a.at_least(1, 3).and_then(|()| {
            let sub = want_str(&a.args.pos[0], "must be str", span)?;
            let window = char_window(s, a, 1)?;
            Ok(Value::Int(window.matches(sub).count() as i128))
        }),
        Method::Index => a.at_least(1, 3).and_then(|()| {
            let sub = want_str(&a.args.pos[0], "must be str", span)?;
            let window = char_window(s, a, 1)?;
            let offset = window.as_ptr() as usize - s.as_ptr() as usize;
            match window.find(sub) {
                Some(b) => Ok(Value::Int(s[..offset + b].chars().count() as i128)),
                None => Err(Unwind::raise(
                    ExcType::ValueError,
                    "substring not found",
                    span,
                )),
            }
        }),
        _ => return None,
    })
}

/// `str.split(sep=None, maxsplit=-1)`.
fn split(s: &str, a: &A) -> Res<Value> {
    let span = a.span;
    let sep = a.args.get(0, "sep");
    let max = match a.args.get(1, "maxsplit") {
        Some(v) => index_arg(v, span)?,
        None => -1,
    };
    let limit = usize::try_from(max).ok();
    let parts: Vec<Value> = match sep {
        None | Some(Value::None) => split_whitespace(s, limit)
            .into_iter()
            .map(Value::str)
            .collect(),
        Some(Value::Str(sep)) => {
            if sep.is_empty() {
                return Err(Unwind::raise(ExcType::ValueError, "empty separator", span));
            }
            match limit {
                Some(n) => s
                    .splitn(n.saturating_add(1), &**sep)
                    .map(Value::str)
                    .collect(),
                None => s.split(&**sep).map(Value::str).collect(),
            }
        }
        Some(other) => {
            return Err(a.err(format!("must be str or None, not {}", other.type_name())));
        }
    };
    Ok(Value::list(parts))
}

/// Python's whitespace split: runs of whitespace separate, ends are dropped; after
/// `limit` splits the rest (its leading whitespace dropped) is the last part.
fn split_whitespace(s: &str, limit: Option<usize>) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = s.trim_start();
    while !rest.is_empty() {
        if limit.is_some_and(|n| out.len() >= n) {
            out.push(rest);
            break;
        }
        let end = rest.find(char::is_whitespace).unwrap_or(rest.len());
        out.push(&rest[..end]);
        rest = rest[end..].trim_start();
    }
    out
}

fn encoding_name(v: Option<&Value>, span: Span) -> Res<String> {
    match v {
        None => Ok("utf-8".into()),
        Some(Value::Str(e)) => Ok(e.to_ascii_lowercase().replace('_', "-")),
        Some(other) => Err(Unwind::raise(
            ExcType::TypeError,
            format!(
                "encode() argument 'encoding' must be str, not {}",
                other.type_name()
            ),
            span,
        )),
    }
}

fn unknown_encoding(v: Option<&Value>, span: Span) -> Unwind {
    let shown = match v {
        Some(Value::Str(e)) => e.to_string(),
        _ => String::new(),
    };
    Unwind::raise(
        ExcType::LookupError,
        format!("unknown encoding: {shown}"),
        span,
    )
}

/// `str.encode`: UTF-8, ASCII and Latin-1.
fn encode(s: &str, encoding: Option<&Value>, span: Span) -> Res<Value> {
    let enc = encoding_name(encoding, span)?;
    let (codec, limit) = match enc.as_str() {
        "utf-8" | "utf8" => return Ok(Value::Bytes(Arc::from(s.as_bytes()))),
        "ascii" | "us-ascii" => ("ascii", 128u32),
        "latin-1" | "latin1" | "iso-8859-1" | "iso8859-1" => ("latin-1", 256),
        _ => return Err(unknown_encoding(encoding, span)),
    };
    let mut out = Vec::with_capacity(s.len());
    for (i, c) in s.chars().enumerate() {
        let u = c as u32;
        if u >= limit {
            let shown = ascii(&Value::str(c.encode_utf8(&mut [0; 4])));
            return Err(Unwind::raise(
                ExcType::ValueError,
                format!(
                    "'{codec}' codec can't encode character {shown} in position {i}: ordinal not in range({limit})"
                ),
                span,
            ));
        }
        out.push(u as u8);
    }
    Ok(Value::Bytes(Arc::from(out)))
}

/// `bytes.decode`: UTF-8, ASCII and Latin-1.
fn decode(b: &[u8], encoding: Option<&Value>, span: Span) -> Res<Value> {
    let enc = encoding_name(encoding, span)?;
    match enc.as_str() {
        "utf-8" | "utf8" => decode_utf8(b, span),
        "ascii" | "us-ascii" => match b.iter().position(|&x| x >= 128) {
            Some(i) => Err(Unwind::raise(
                ExcType::ValueError,
                format!(
                    "'ascii' codec can't decode byte {:#04x} in position {i}: ordinal not in range(128)",
                    b[i]
                ),
                span,
            )),
            None => Ok(Value::str(
                &b.iter().map(|&x| x as char).collect::<String>(),
            )),
        },
        "latin-1" | "latin1" | "iso-8859-1" | "iso8859-1" => Ok(Value::str(
            &b.iter().map(|&x| x as char).collect::<String>(),
        )),
        _ => Err(unknown_encoding(encoding, span)),
    }
}
