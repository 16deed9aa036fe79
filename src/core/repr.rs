//! `repr()` and `str()` of values, as Python prints them.

use crate::core::value::Value;

pub fn repr(v: &Value) -> String {
    let mut s = String::new();
    write_repr(&mut s, v);
    s
}

fn write_repr(out: &mut String, v: &Value) {
    let _ = (out, v);
    todo!()
}
