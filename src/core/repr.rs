//! `repr()` and `str()` of values, as Python prints them.
//!
//! Addresses in `<... at 0x...>` are fake but deterministic: the same object always
//! shows the same address, different objects different ones.

use std::sync::Arc;

use crate::core::float_fmt::repr_float;
use crate::core::names::{Builtin, ExcType};
use crate::core::value::{Handle, Value};
use crate::plan::ir::{FuncId, Program};

/// Function names for `<function f at 0x...>`: a `Value::Func` is only an index.
pub trait FuncNames {
    fn func_name(&self, f: FuncId) -> Option<&str>;
}

/// No names known: functions print as `<function #3 at 0x...>`.
impl FuncNames for () {
    fn func_name(&self, _: FuncId) -> Option<&str> {
        None
    }
}

impl FuncNames for Program {
    fn func_name(&self, f: FuncId) -> Option<&str> {
        self.functions
            .get(f as usize)
            .map(|func| func.name.as_str())
    }
}

/// `repr(v)`.
pub fn repr(v: &Value) -> String {
    repr_with(v, &())
}

/// `str(v)`: strings are themselves, exceptions their message, the rest their repr.
pub fn str(v: &Value) -> String {
    str_with(v, &())
}

/// `repr(v)`, naming functions from `names`.
pub fn repr_with(v: &Value, names: &dyn FuncNames) -> String {
    let mut w = Writer {
        out: String::new(),
        names,
        open: Vec::new(),
    };
    w.value(v);
    w.out
}

/// `str(v)`, naming functions from `names`.
pub fn str_with(v: &Value, names: &dyn FuncNames) -> String {
    match v {
        Value::Str(s) => s.to_string(),
        Value::Exception(e) => e.msg.clone(),
        _ => repr_with(v, names),
    }
}

/// `ascii(v)` / `%a` / `!a`: the repr with every non-ASCII character escaped.
pub fn ascii(v: &Value) -> String {
    let mut out = String::new();
    for c in repr(v).chars() {
        if c.is_ascii() {
            out.push(c);
        } else {
            push_escape(&mut out, c);
        }
    }
    out
}

/// The repr of a string: single quotes unless it holds `'` and no `"`.
pub fn repr_str(s: &str) -> String {
    let quote = if s.contains('\'') && !s.contains('"') {
        '"'
    } else {
        '\''
    };
    let mut out = String::with_capacity(s.len() + 2);
    out.push(quote);
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c == quote => {
                out.push('\\');
                out.push(c);
            }
            c if is_printable(c) => out.push(c),
            c => push_escape(&mut out, c),
        }
    }
    out.push(quote);
    out
}

/// The repr of bytes: `b'...'` with printable ASCII kept and the rest as `\xNN`.
pub fn repr_bytes(b: &[u8]) -> String {
    let quote = if b.contains(&b'\'') && !b.contains(&b'"') {
        b'"'
    } else {
        b'\''
    };
    let mut out = String::with_capacity(b.len() + 3);
    out.push('b');
    out.push(quote as char);
    for &c in b {
        match c {
            b'\\' => out.push_str("\\\\"),
            b'\n' => out.push_str("\\n"),
            b'\r' => out.push_str("\\r"),
            b'\t' => out.push_str("\\t"),
            c if c == quote => {
                out.push('\\');
                out.push(c as char);
            }
            0x20..=0x7e => out.push(c as char),
            c => out.push_str(&format!("\\x{c:02x}")),
        }
    }
    out.push(quote as char);
    out
}

/// A deterministic fake address for an object identified by `key`, shaped like the
/// heap addresses CPython prints.
pub fn fake_address(key: u64) -> u64 {
    0x7f00_0000_0000 + (key.wrapping_mul(0x9E37_79B9) & 0xff_ffff_fff0)
}

/// The fake address of a handle (kind and index together identify it).
pub fn handle_address(h: Handle) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    h.kind.hash(&mut hasher);
    fake_address((hasher.finish() << 20) ^ u64::from(h.id))
}

/// `<class 'int'>` for the builtins that are classes, `None` for plain functions.
pub fn builtin_class_name(b: Builtin) -> Option<&'static str> {
    use Builtin::*;
    Some(match b {
        Str => "str",
        Int => "int",
        Float => "float",
        Bool => "bool",
        List => "list",
        Tuple => "tuple",
        Dict => "dict",
        Range => "range",
        Object => "object",
        Enumerate => "enumerate",
        Zip => "zip",
        Reversed => "reversed",
        Set => "set",
        Thread => "threading.Thread",
        Condition => "threading.Condition",
        Semaphore => "threading.Semaphore",
        BoundedSemaphore => "threading.BoundedSemaphore",
        Event => "threading.Event",
        Barrier => "threading.Barrier",
        Timer => "threading.Timer",
        Queue => "queue.Queue",
        LifoQueue => "queue.LifoQueue",
        PriorityQueue => "queue.PriorityQueue",
        SimpleQueue => "_queue.SimpleQueue",
        Process => "multiprocessing.context.Process",
        Pool => "multiprocessing.pool.Pool",
        ThreadPool => "multiprocessing.pool.ThreadPool",
        ThreadPoolExecutor => "concurrent.futures.thread.ThreadPoolExecutor",
        ProcessPoolExecutor => "concurrent.futures.process.ProcessPoolExecutor",
        _ => return None,
    })
}

/// Python's `str.isprintable()` for one character without Unicode tables: controls,
/// separators other than space, format characters, surrogates and private use are
/// escaped. Matches CPython 3.11 on every assigned code point; unassigned ones (which
/// CPython escapes) print as themselves.
fn is_printable(c: char) -> bool {
    let u = c as u32;
    !matches!(u,
        0x00..=0x1f | 0x7f..=0xa0 | 0xad
        | 0x600..=0x605 | 0x61c | 0x6dd | 0x70f | 0x890 | 0x891 | 0x8e2 | 0x1680 | 0x180e
        | 0x2000..=0x200f | 0x2028..=0x202f | 0x205f..=0x2064 | 0x2066..=0x206f
        | 0x3000 | 0xd800..=0xf8ff | 0xfeff | 0xfff9..=0xfffb | 0x110bd | 0x110cd
        | 0x13430..=0x13438 | 0x1bca0..=0x1bca3 | 0x1d173..=0x1d17a
        | 0xe0000..=0xe007f | 0xf0000..=0x10ffff)
}

fn push_escape(out: &mut String, c: char) {
    let u = c as u32;
    if u <= 0xff {
        out.push_str(&format!("\\x{u:02x}"));
    } else if u <= 0xffff {
        out.push_str(&format!("\\u{u:04x}"));
    } else {
        out.push_str(&format!("\\U{u:08x}"));
    }
}

struct Writer<'a> {
    out: String,
    names: &'a dyn FuncNames,
    /// Containers being printed, by address: a container inside itself prints as
    /// `[...]` / `{...}` instead of recursing forever.
    open: Vec<usize>,
}

impl Writer<'_> {
    fn value(&mut self, v: &Value) {
        match v {
            Value::None => self.out.push_str("None"),
            Value::Bool(true) => self.out.push_str("True"),
            Value::Bool(false) => self.out.push_str("False"),
            Value::Int(i) => self.out.push_str(&i.to_string()),
            Value::Float(f) => self.out.push_str(&repr_float(*f)),
            Value::Str(s) => self.out.push_str(&repr_str(s)),
            Value::Bytes(b) => self.out.push_str(&repr_bytes(b)),
            Value::List(l) => {
                let key = Arc::as_ptr(l) as usize;
                if self.open.contains(&key) {
                    self.out.push_str("[...]");
                    return;
                }
                // Copy out of the lock: an element may be this very list.
                let items = l.lock().clone();
                self.open.push(key);
                self.seq("[", &items, "]");
                self.open.pop();
            }
            Value::Tuple(t) => {
                if t.len() == 1 {
                    self.out.push('(');
                    self.value(&t[0]);
                    self.out.push_str(",)");
                } else {
                    self.seq("(", t, ")");
                }
            }
            Value::Dict(d) => {
                let key = Arc::as_ptr(d) as usize;
                if self.open.contains(&key) {
                    self.out.push_str("{...}");
                    return;
                }
                let items = d.lock().clone();
                self.open.push(key);
                self.out.push('{');
                for (i, (k, v)) in items.iter().enumerate() {
                    if i > 0 {
                        self.out.push_str(", ");
                    }
                    self.value(k);
                    self.out.push_str(": ");
                    self.value(v);
                }
                self.out.push('}');
                self.open.pop();
            }
            Value::Range(a, b, 1) => self.out.push_str(&format!("range({a}, {b})")),
            Value::Range(a, b, s) => self.out.push_str(&format!("range({a}, {b}, {s})")),
            Value::Func(f) => self.function(*f, fake_address(u64::from(*f) + 1)),
            Value::Closure(c) => self.function(c.func, Arc::as_ptr(c) as u64),
            Value::Builtin(b) => match builtin_class_name(*b) {
                Some(name) => self.out.push_str(&format!("<class '{name}'>")),
                None => self
                    .out
                    .push_str(&format!("<built-in function {}>", b.name())),
            },
            Value::BoundMethod(bm) => {
                let (recv, m) = &**bm;
                match recv {
                    Value::Handle(h) => {
                        let r = self.nested(recv);
                        self.out.push_str(&format!(
                            "<bound method {}.{} of {r}>",
                            short(h.kind.python_name()),
                            m.name()
                        ));
                    }
                    _ => self.out.push_str(&format!(
                        "<built-in method {} of {} object at {:#x}>",
                        m.name(),
                        recv.type_name(),
                        object_address(recv)
                    )),
                }
            }
            Value::ExcType(t) => self.out.push_str(&format!("<class '{}'>", t.name())),
            Value::Exception(e) => {
                let name = e.ty.short_name();
                if e.msg.is_empty() {
                    self.out.push_str(&format!("{name}()"));
                } else if e.ty == ExcType::KeyError {
                    // A KeyError's message is already the repr of its key.
                    self.out.push_str(&format!("{name}({})", e.msg));
                } else {
                    self.out.push_str(&format!("{name}({})", repr_str(&e.msg)));
                }
            }
            Value::Handle(h) => self.out.push_str(&format!(
                "<{} object at {:#x}>",
                h.kind.python_name(),
                handle_address(*h)
            )),
            Value::Object(id) => self
                .out
                .push_str(&format!("<object object at {:#x}>", fake_address(*id))),
        }
    }

    fn nested(&mut self, v: &Value) -> String {
        let mut w = Writer {
            out: String::new(),
            names: self.names,
            open: std::mem::take(&mut self.open),
        };
        w.value(v);
        self.open = w.open;
        w.out
    }

    fn seq(&mut self, open: &str, items: &[Value], close: &str) {
        self.out.push_str(open);
        for (i, item) in items.iter().enumerate() {
            if i > 0 {
                self.out.push_str(", ");
            }
            self.value(item);
        }
        self.out.push_str(close);
    }

    fn function(&mut self, f: FuncId, addr: u64) {
        match self.names.func_name(f) {
            Some(name) => self
                .out
                .push_str(&format!("<function {name} at {addr:#x}>")),
            None => self.out.push_str(&format!("<function #{f} at {addr:#x}>")),
        }
    }
}

/// `multiprocessing.synchronize.Lock` → `Lock`, for `<bound method Lock.acquire ...>`.
fn short(name: &str) -> &str {
    name.rsplit('.').next().unwrap_or(name)
}

/// The address shown for a plain object: its allocation when it has one.
pub fn object_address(v: &Value) -> u64 {
    match v {
        Value::List(l) => Arc::as_ptr(l) as u64,
        Value::Dict(d) => Arc::as_ptr(d) as u64,
        Value::Tuple(t) => Arc::as_ptr(t) as *const u8 as u64,
        Value::Str(s) => Arc::as_ptr(s) as *const u8 as u64,
        Value::Bytes(b) => Arc::as_ptr(b) as *const u8 as u64,
        Value::Closure(c) => Arc::as_ptr(c) as u64,
        Value::Exception(e) => Arc::as_ptr(e) as u64,
        Value::BoundMethod(b) => Arc::as_ptr(b) as u64,
        Value::Handle(h) => handle_address(*h),
        Value::Object(id) => fake_address(*id),
        Value::Func(f) => fake_address(u64::from(*f) + 1),
        other => fake_address(crate::core::hash_eq::hash_value(other).unwrap_or(0) as u64),
    }
}
