//! Typed access to a parsed TOML document, with errors that point at keys and values.

use toml::Spanned;
use toml::de::{DeTable, DeValue};

use super::toml_string;
use crate::diag::Diagnostic;
use crate::diag::did_you_mean::did_you_mean;
use crate::syntax::ast::{Expr, ExprKind, Ident};
use crate::syntax::offset_map::OffsetMap;
use crate::syntax::span::{SourceFile, Span};

pub(super) type Value<'i> = Spanned<DeValue<'i>>;
pub(super) type Key<'i> = Spanned<std::borrow::Cow<'i, str>>;

/// Reads one TOML scenario file, collecting every error.
pub(super) struct Reader<'a> {
    pub file: &'a SourceFile,
    /// The file's identity map, which also knows its lines.
    pub lines: OffsetMap,
    pub diags: Vec<Diagnostic>,
}

pub(super) fn span_of<T>(v: &Spanned<T>) -> Span {
    let r = v.span();
    Span::new(r.start, r.end)
}

/// "a string", "an integer"...
fn type_name(v: &DeValue<'_>) -> &'static str {
    match v {
        DeValue::String(_) => "a string",
        DeValue::Integer(_) => "an integer",
        DeValue::Float(_) => "a float",
        DeValue::Boolean(_) => "a boolean",
        DeValue::Datetime(_) => "a date",
        DeValue::Array(_) => "an array",
        DeValue::Table(_) => "a table",
    }
}

impl<'a> Reader<'a> {
    pub fn new(file: &'a SourceFile) -> Reader<'a> {
        Reader {
            file,
            lines: OffsetMap::for_file(&file.text),
            diags: Vec::new(),
        }
    }

    /// Records `expected ..., found ...` at `v`.
    pub fn wrong_type(&mut self, key: &str, v: &Value<'_>, expected: &str) {
        let d = Diagnostic::error(
            format!(
                "`{key}` must be {expected}, found {}",
                type_name(v.get_ref())
            ),
            span_of(v),
        )
        .with_label(format!("expected {expected}"));
        self.diags.push(d);
    }

    /// Reports keys of `table` not in `allowed`, suggesting the closest allowed one.
    pub fn check_keys(&mut self, table: &DeTable<'_>, allowed: &[&str], place: &str) {
        for (k, _) in table.iter() {
            if allowed.contains(&k.get_ref().as_ref()) {
                continue;
            }
            let name = k.get_ref().as_ref();
            let mut d = Diagnostic::error(format!("unknown key `{name}` in {place}"), span_of(k))
                .with_label("unknown key");
            d = match did_you_mean(name, allowed.iter().copied()) {
                Some(s) => d.with_help(format!("did you mean `{s}`?")),
                None => d.with_note(format!("known keys: {}", allowed.join(", "))),
            };
            self.diags.push(d);
        }
    }

    pub fn table<'t, 'i>(&mut self, key: &str, v: &'t Value<'i>) -> Option<&'t DeTable<'i>> {
        match v.get_ref() {
            DeValue::Table(t) => Some(t),
            _ => {
                self.wrong_type(key, v, "a table");
                None
            }
        }
    }

    pub fn bool(&mut self, key: &str, v: &Value<'_>) -> Option<bool> {
        match v.get_ref() {
            DeValue::Boolean(b) => Some(*b),
            _ => {
                self.wrong_type(key, v, "a boolean");
                None
            }
        }
    }

    /// A string value, decoded, with the map from its decoded bytes to the file.
    pub fn string(&mut self, key: &str, v: &Value<'_>) -> Option<(String, OffsetMap)> {
        let DeValue::String(s) = v.get_ref() else {
            self.wrong_type(key, v, "a string");
            return None;
        };
        let r = v.span();
        match toml_string::decode(&self.file.text, r.start, r.end) {
            Some((decoded, map)) if decoded == s.as_ref() => {
                Some((decoded, map.with_lines_of(&self.lines)))
            }
            // Decoding disagreed with toml's (a form this decoder does not know): keep
            // toml's value and point every span at the start of the string.
            _ => Some((
                s.to_string(),
                OffsetMap::identity(r.start).with_lines_of(&self.lines),
            )),
        }
    }

    /// A string as a name: its content span, for claims naming actors and kinds.
    pub fn ident(&mut self, key: &str, v: &Value<'_>) -> Option<Ident> {
        let (name, map) = self.string(key, v)?;
        let span = map.span(0, name.len());
        Some(Ident { name, span })
    }

    /// A string, or an array of strings (`final = "x"` or `final = ["x", "y"]`).
    pub fn strings<'t, 'i>(&mut self, key: &str, v: &'t Value<'i>) -> Vec<&'t Value<'i>> {
        match v.get_ref() {
            DeValue::String(_) => vec![v],
            DeValue::Array(items) => {
                let mut out = Vec::new();
                for item in items.iter() {
                    if matches!(item.get_ref(), DeValue::String(_)) {
                        out.push(item);
                    } else {
                        self.wrong_type(key, item, "a string");
                    }
                }
                out
            }
            _ => {
                self.wrong_type(key, v, "a string or an array of strings");
                Vec::new()
            }
        }
    }

    /// A table, or an array of tables (`raises = {..}` or `raises = [{..}, {..}]`).
    pub fn tables<'t, 'i>(&mut self, key: &str, v: &'t Value<'i>) -> Vec<&'t DeTable<'i>> {
        match v.get_ref() {
            DeValue::Table(t) => vec![t],
            DeValue::Array(items) => {
                let mut out = Vec::new();
                for item in items.iter() {
                    if let Some(t) = self.table(key, item) {
                        out.push(t);
                    }
                }
                out
            }
            _ => {
                self.wrong_type(key, v, "a table or an array of tables");
                Vec::new()
            }
        }
    }

    /// Keeps the value of a DSL parse, or its errors.
    pub fn dsl<T>(&mut self, r: Result<T, Vec<Diagnostic>>) -> Option<T> {
        match r {
            Ok(v) => Some(v),
            Err(ds) => {
                self.diags.extend(ds);
                None
            }
        }
    }

    /// A TOML value as a literal expression (config values, outcome values).
    pub fn literal(&mut self, key: &str, v: &Value<'_>) -> Option<Expr> {
        let span = span_of(v);
        let kind = match v.get_ref() {
            DeValue::String(_) => ExprKind::Str(self.string(key, v)?.0),
            DeValue::Integer(i) => {
                let digits: String = i.as_str().chars().filter(|&c| c != '_').collect();
                let (sign, digits) = match digits.strip_prefix('-') {
                    Some(rest) => (-1, rest.to_string()),
                    None => (1, digits.trim_start_matches('+').to_string()),
                };
                let digits = if i.radix() == 10 {
                    digits.as_str()
                } else {
                    &digits[2..]
                };
                match i128::from_str_radix(digits, i.radix()) {
                    Ok(n) => ExprKind::Int(sign * n),
                    Err(_) => {
                        self.diags
                            .push(Diagnostic::error("integer is too large", span));
                        return None;
                    }
                }
            }
            DeValue::Float(f) => {
                let text: String = f.as_str().chars().filter(|&c| c != '_').collect();
                let value = match text.trim_start_matches('+') {
                    "inf" => f64::INFINITY,
                    "-inf" => f64::NEG_INFINITY,
                    "nan" | "-nan" => f64::NAN,
                    t => t.parse().unwrap_or(0.0),
                };
                ExprKind::Float(value)
            }
            DeValue::Boolean(b) => ExprKind::Bool(*b),
            DeValue::Array(items) => {
                let mut out = Vec::new();
                for item in items.iter() {
                    out.push(self.literal(key, item)?);
                }
                ExprKind::List(out)
            }
            DeValue::Datetime(_) | DeValue::Table(_) => {
                self.wrong_type(key, v, "a string, number, boolean or array");
                return None;
            }
        };
        Some(Expr { kind, span })
    }
}
