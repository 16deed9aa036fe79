//! Shared helpers for the `core_*` table tests: value constructors and a table runner.
//!
//! Each row is `(python, expected, actual)`: the Python expression the row stands for,
//! what CPython 3.11 prints for it (its `repr`, or `Type: message` when it raises), and
//! the result of our implementation.

#![allow(dead_code)]

use interp::core::repr::repr;
use interp::core::value::{Res, Unwind, Value};
use interp::core::world::Args;
use interp::syntax::span::Span;

pub const SP: Span = Span { start: 0, end: 0 };

pub fn i(n: i128) -> Value {
    Value::Int(n)
}

pub fn f(x: f64) -> Value {
    Value::Float(x)
}

pub fn s(text: &str) -> Value {
    Value::str(text)
}

pub fn bo(b: bool) -> Value {
    Value::Bool(b)
}

pub fn by(b: &[u8]) -> Value {
    Value::Bytes(b.into())
}

pub fn l(items: Vec<Value>) -> Value {
    Value::list(items)
}

pub fn t(items: Vec<Value>) -> Value {
    Value::tuple(items)
}

pub fn d(pairs: Vec<(Value, Value)>) -> Value {
    Value::Dict(std::sync::Arc::new(parking_lot::Mutex::new(pairs)))
}

pub fn none() -> Value {
    Value::None
}

pub fn args(pos: Vec<Value>) -> Args {
    Args::new(pos)
}

pub fn kwargs(pos: Vec<Value>, kw: Vec<(&str, Value)>) -> Args {
    Args {
        pos,
        kw: kw.into_iter().map(|(k, v)| (k.into(), v)).collect(),
    }
}

/// A result as the table writes it: the value's repr, or `Type: message`.
pub fn show(r: Res<Value>) -> String {
    match r {
        Ok(v) => repr(&v),
        Err(Unwind::Raise(e)) => format!("{}: {}", e.ty.short_name(), e.msg),
        Err(Unwind::Exit { code, .. }) => format!("exit {code}"),
    }
}

/// `show` for results that are not values.
pub fn show_with<T>(r: Res<T>, ok: impl FnOnce(T) -> String) -> String {
    match r {
        Ok(v) => ok(v),
        Err(e) => show(Err(e)),
    }
}

/// A table row: the Python expression, CPython's answer, ours.
pub type Row = (&'static str, &'static str, String);

/// Checks every row and reports all mismatches at once.
pub fn check(rows: Vec<Row>) {
    let bad: Vec<String> = rows
        .iter()
        .filter(|(_, want, got)| want != got)
        .map(|(py, want, got)| format!("  {py}\n    want: {want}\n    got:  {got}"))
        .collect();
    assert!(
        bad.is_empty(),
        "{} of {} rows differ:\n{}",
        bad.len(),
        rows.len(),
        bad.join("\n")
    );
}
