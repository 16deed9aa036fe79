//! `str.format`: `"{} {name} {0:>5} {0[1]} {:{width}}".format(...)`.

use crate::core::format::format_value;
use crate::core::hash_eq::key_error;
use crate::core::names::ExcType;
use crate::core::repr;
use crate::core::subscript::index;
use crate::core::value::{Res, Unwind, Value};
use crate::core::world::Args;
use crate::syntax::span::Span;

/// `template.format(*args.pos, **args.kw)`.
pub fn str_format(template: &str, args: &Args, span: Span) -> Res<String> {
    let mut f = Formatter {
        args,
        span,
        numbering: Numbering::Unknown,
    };
    f.render(template, 0)
}

fn value_error(msg: impl Into<String>, span: Span) -> Unwind {
    Unwind::raise(ExcType::ValueError, msg, span)
}

/// Fields are numbered automatically (`{}`) or manually (`{0}`), never both.
#[derive(Clone, Copy, PartialEq)]
enum Numbering {
    Unknown,
    Auto(usize),
    Manual,
}

struct Formatter<'a> {
    args: &'a Args,
    span: Span,
    numbering: Numbering,
}

impl Formatter<'_> {
    /// Renders a template; `depth` 1 is a format spec inside a field (`{:{width}}`),
    /// which may hold fields, but their specs (depth 2) may not.
    fn render(&mut self, template: &str, depth: u32) -> Res<String> {
        let c: Vec<char> = template.chars().collect();
        let mut out = String::with_capacity(template.len());
        let mut i = 0;
        while i < c.len() {
            match c[i] {
                '{' if c.get(i + 1) == Some(&'{') => {
                    out.push('{');
                    i += 2;
                }
                '}' if c.get(i + 1) == Some(&'}') => {
                    out.push('}');
                    i += 2;
                }
                '}' => {
                    return Err(value_error(
                        "Single '}' encountered in format string",
                        self.span,
                    ));
                }
                '{' => {
                    if i + 1 == c.len() {
                        return Err(value_error(
                            "Single '{' encountered in format string",
                            self.span,
                        ));
                    }
                    let start = i + 1;
                    let mut nest = 1;
                    let mut j = start;
                    while j < c.len() {
                        match c[j] {
                            '{' => nest += 1,
                            '}' => {
                                nest -= 1;
                                if nest == 0 {
                                    break;
                                }
                            }
                            _ => {}
                        }
                        j += 1;
                    }
                    if j == c.len() {
                        return Err(value_error("expected '}' before end of string", self.span));
                    }
                    if depth > 1 {
                        return Err(value_error("Max string recursion exceeded", self.span));
                    }
                    let field: String = c[start..j].iter().collect();
                    out.push_str(&self.field(&field, depth)?);
                    i = j + 1;
                }
                ch => {
                    out.push(ch);
                    i += 1;
                }
            }
        }
        Ok(out)
    }

    /// One replacement field's text, between its braces: `name[!conv][:spec]`.
    fn field(&mut self, field: &str, depth: u32) -> Res<String> {
        let span = self.span;
        // The name ends at the first `!` or `:` outside `[...]`.
        let mut in_bracket = false;
        let mut end = field.len();
        for (k, ch) in field.char_indices() {
            match ch {
                '[' => in_bracket = true,
                ']' => in_bracket = false,
                '!' | ':' if !in_bracket => {
                    end = k;
                    break;
                }
                _ => {}
            }
        }
        let (name, rest) = field.split_at(end);
        let (conv, spec) = if let Some(r) = rest.strip_prefix('!') {
            let mut it = r.chars();
            let conv = it.next().ok_or_else(|| {
                value_error("end of string while looking for conversion specifier", span)
            })?;
            let after = it.as_str();
            let spec = match after.strip_prefix(':') {
                Some(s) => s,
                None if after.is_empty() => "",
                None => {
                    return Err(value_error("expected ':' after conversion specifier", span));
                }
            };
            (Some(conv), spec)
        } else {
            (None, rest.strip_prefix(':').unwrap_or(""))
        };
        let mut value = self.lookup(name)?;
        match conv {
            None => {}
            Some('r') => value = Value::str(&repr::repr(&value)),
            Some('s') => value = Value::str(&repr::str(&value)),
            Some('a') => value = Value::str(&repr::ascii(&value)),
            Some(other) => {
                return Err(value_error(
                    format!("Unknown conversion specifier {other}"),
                    span,
                ));
            }
        }
        let spec = if spec.contains('{') {
            self.render(spec, depth + 1)?
        } else {
            spec.to_string()
        };
        format_value(&value, &spec, span)
    }

    /// The value a field name refers to: `""`, `0`, `name`, then `[key]` / `.attr` parts.
    fn lookup(&mut self, name: &str) -> Res<Value> {
        let span = self.span;
        let first_end = name.find(['[', '.']).unwrap_or(name.len());
        let (first, mut rest) = name.split_at(first_end);
        let mut value = if first.is_empty() {
            let n = match self.numbering {
                Numbering::Manual => {
                    return Err(value_error(
                        "cannot switch from manual field specification to automatic field numbering",
                        span,
                    ));
                }
                Numbering::Unknown => 0,
                Numbering::Auto(n) => n,
            };
            self.numbering = Numbering::Auto(n + 1);
            self.positional(n)?
        } else if first.bytes().all(|b| b.is_ascii_digit()) {
            if let Numbering::Auto(_) = self.numbering {
                return Err(value_error(
                    "cannot switch from automatic field numbering to manual field specification",
                    span,
                ));
            }
            self.numbering = Numbering::Manual;
            let n = first.parse::<usize>().unwrap_or(usize::MAX);
            self.positional(n)?
        } else {
            let key = Value::str(first);
            self.args
                .kw
                .iter()
                .find(|(k, _)| &**k == first)
                .map(|(_, v)| v.clone())
                .ok_or_else(|| key_error(&key, span))?
        };
        while !rest.is_empty() {
            if let Some(r) = rest.strip_prefix('[') {
                let close = r
                    .find(']')
                    .ok_or_else(|| value_error("Missing ']' in format string", span))?;
                let key = &r[..close];
                let idx = match key.parse::<i128>() {
                    Ok(i) if key.bytes().all(|b| b.is_ascii_digit()) => Value::Int(i),
                    _ => Value::str(key),
                };
                value = index(&value, &idx, span)?;
                rest = &r[close + 1..];
            } else if let Some(r) = rest.strip_prefix('.') {
                let end = r.find(['[', '.']).unwrap_or(r.len());
                return Err(Unwind::raise(
                    ExcType::AttributeError,
                    format!(
                        "'{}' object has no attribute '{}'",
                        value.type_name(),
                        &r[..end]
                    ),
                    span,
                ));
            } else {
                return Err(value_error(
                    "Only '.' or '[' may follow ']' in format field specifier",
                    span,
                ));
            }
        }
        Ok(value)
    }

    fn positional(&self, n: usize) -> Res<Value> {
        self.args.pos.get(n).cloned().ok_or_else(|| {
            Unwind::raise(
                ExcType::IndexError,
                format!("Replacement index {n} out of range for positional args tuple"),
                self.span,
            )
        })
    }
}
