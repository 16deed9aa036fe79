//! Reading Python call arguments with Python's errors.

use crate::core::names::ExcType;
use crate::core::value::{Res, Unwind, Value};
use crate::core::world::Args;
use crate::syntax::span::Span;

/// `name` at `index`, or keyword `name`; `None` when absent or `None`.
pub fn opt<'a>(args: &'a Args, index: usize, name: &str) -> Option<&'a Value> {
    match args.get(index, name) {
        None | Some(Value::None) => None,
        Some(v) => Some(v),
    }
}

pub fn float(v: &Value, span: Span) -> Res<f64> {
    match v {
        Value::Int(i) => Ok(*i as f64),
        Value::Float(f) => Ok(*f),
        Value::Bool(b) => Ok(f64::from(u8::from(*b))),
        other => Err(Unwind::raise(
            ExcType::TypeError,
            format!("must be real number, not {}", other.type_name()),
            span,
        )),
    }
}

pub fn int(v: &Value, span: Span) -> Res<i128> {
    match v {
        Value::Int(i) => Ok(*i),
        Value::Bool(b) => Ok(i128::from(*b)),
        other => Err(Unwind::raise(
            ExcType::TypeError,
            format!(
                "'{}' object cannot be interpreted as an integer",
                other.type_name()
            ),
            span,
        )),
    }
}

pub fn opt_float(args: &Args, index: usize, name: &str, span: Span) -> Res<Option<f64>> {
    opt(args, index, name).map(|v| float(v, span)).transpose()
}

pub fn opt_int(args: &Args, index: usize, name: &str, span: Span) -> Res<Option<i128>> {
    opt(args, index, name).map(|v| int(v, span)).transpose()
}

/// A boolean flag (`block=`, `daemon=`, `blocking=`), Python truthiness.
pub fn flag(args: &Args, index: usize, name: &str, default: bool) -> bool {
    match args.get(index, name) {
        None => default,
        Some(v) => v.truthy(),
    }
}

pub fn string(args: &Args, index: usize, name: &str) -> Option<String> {
    match opt(args, index, name) {
        Some(Value::Str(s)) => Some(s.to_string()),
        _ => None,
    }
}
