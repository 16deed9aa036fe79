//! The TOML front end: the same scenario as the DSL, with statements and expressions
//! as DSL text inside TOML strings.
//!
//! ```toml
//! name = "join before drain"
//! main = '''
//! queue = Queue()
//! '''
//! [config]
//! runs = 1
//! [functions.f]
//! params = ["q", "n=1"]
//! body = "q.put(n)"
//! [expect]
//! deadlock = "join_before_drain"
//! ```

mod expect_table;
mod reader;
mod toml_string;

use toml::de::{DeTable, DeValue};

use crate::diag::Diagnostic;
use crate::syntax::ast::{ConfigItem, FuncDef, Scenario};
use crate::syntax::dsl;
use crate::syntax::span::{SourceFile, Span};
use reader::{Key, Reader, Value, span_of};

const TOP_KEYS: &[&str] = &["name", "main", "config", "functions", "expect"];
const FUNCTION_KEYS: &[&str] = &["params", "body"];

/// Parses a `.toml` scenario. Errors are collected: every TOML syntax error, and every
/// error of every DSL string (each string is parsed on its own).
pub fn parse_toml(file: &SourceFile) -> Result<Scenario, Vec<Diagnostic>> {
    let (doc, errors) = DeTable::parse_recoverable(&file.text);
    if !errors.is_empty() {
        let mut diags: Vec<Diagnostic> = errors.iter().map(|e| toml_error(file, e)).collect();
        diags.sort_by_key(|d| d.span().start);
        return Err(diags);
    }
    let mut r = Reader::new(file);
    let mut sc = Scenario::empty(Span::new(0, file.text.len()));
    let doc = doc.get_ref();
    r.check_keys(doc, TOP_KEYS, "the scenario");
    for (k, v) in doc.iter() {
        let key = k.get_ref().as_ref();
        match key {
            "name" => {
                if let Some((name, map)) = r.string(key, v) {
                    let span = map.span(0, name.len());
                    sc.name = Some((name, span));
                }
            }
            "main" => {
                if let Some((text, map)) = r.string(key, v)
                    && let Some(items) = r.dsl(dsl::parse_module_items(&text, &map))
                {
                    sc.imports = items.imports;
                    sc.functions.extend(items.functions);
                    sc.body = items.body;
                }
            }
            "config" => {
                if let Some(t) = r.table(key, v) {
                    sc.config = config(&mut r, t);
                }
            }
            "functions" => {
                if let Some(t) = r.table(key, v) {
                    for (name, f) in t.iter() {
                        if let Some(def) = function(&mut r, name, f) {
                            sc.functions.push(def);
                        }
                    }
                }
            }
            "expect" => {
                if let Some(t) = r.table(key, v) {
                    sc.expects = expect_table::expects(&mut r, t);
                }
            }
            _ => {}
        }
    }
    // toml's tables are sorted by key; the file's order is the order people expect.
    sc.functions.sort_by_key(|f| f.span.start);
    if r.diags.is_empty() {
        Ok(sc)
    } else {
        r.diags.sort_by_key(|d| d.span().start);
        Err(r.diags)
    }
}

fn toml_error(file: &SourceFile, e: &toml::de::Error) -> Diagnostic {
    let span = e
        .span()
        .map_or(Span::new(0, 0), |r| Span::new(r.start, r.end));
    let mut lines = e.message().lines();
    let first = lines.next().unwrap_or("invalid TOML").trim_end_matches('.');
    let mut d = Diagnostic::error(format!("invalid TOML: {first}"), span);
    let rest: Vec<&str> = lines.filter(|l| !l.trim().is_empty()).collect();
    if !rest.is_empty() {
        d = d.with_label(rest.join("; "));
    }
    let _ = file;
    d
}

fn config(r: &mut Reader<'_>, t: &DeTable<'_>) -> Vec<ConfigItem> {
    let mut out = Vec::new();
    for (k, v) in t.iter() {
        let name = k.get_ref().as_ref();
        if let Some(value) = r.literal(name, v) {
            let key = crate::syntax::ast::Ident {
                name: name.to_string(),
                span: span_of(k),
            };
            let span = key.span.to(value.span);
            out.push(ConfigItem { key, value, span });
        }
    }
    out.sort_by_key(|c| c.span.start);
    out
}

fn function(r: &mut Reader<'_>, name: &Key<'_>, v: &Value<'_>) -> Option<FuncDef> {
    let key = name.get_ref().as_ref();
    let t = r.table(&format!("functions.{key}"), v)?;
    r.check_keys(t, FUNCTION_KEYS, &format!("`[functions.{key}]`"));
    let name_id = crate::syntax::ast::Ident {
        name: key.to_string(),
        span: span_of(name),
    };
    let mut params = Vec::new();
    if let Some(ps) = t.get("params") {
        match ps.get_ref() {
            DeValue::Array(items) => {
                for p in items.iter() {
                    if let Some((text, map)) = r.string("params", p)
                        && let Some(param) = r.dsl(dsl::parse_param(&text, &map))
                    {
                        params.push(param);
                    }
                }
            }
            _ => r.wrong_type("params", ps, "an array of strings"),
        }
    }
    let Some(body_v) = t.get("body") else {
        let d = Diagnostic::error(format!("function `{key}` has no `body`"), name_id.span)
            .with_help("add `body = '''...'''` with the function's statements");
        r.diags.push(d);
        return None;
    };
    let (text, map) = r.string("body", body_v)?;
    let body = r.dsl(dsl::parse_block(&text, &map))?;
    let span = name_id.span.to(span_of(body_v));
    Some(FuncDef {
        name: name_id,
        params,
        body,
        span,
    })
}
