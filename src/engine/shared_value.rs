//! `multiprocessing.Value` and `Array`: C-typed numbers in the arena, with CPython's
//! wrap-around on overflow and, by default, a recursive lock taken separately by each
//! read and each write (so `v.value += n` can lose updates, exactly as in CPython).

use std::sync::atomic::Ordering;

use crate::core::names::{Attr, Builtin, ExcType, Method};
use crate::core::value::{Handle, HandleKind, Res, Unwind, Value};
use crate::core::world::Args;
use crate::engine::actor_world::{ActorWorld, no_attribute, no_method};
use crate::engine::arg;
use crate::syntax::span::Span;

/// A ctypes type code, as `array` and `multiprocessing` spell them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TypeCode {
    I8,
    U8,
    I16,
    U16,
    I32,
    U32,
    I64,
    U64,
    F32,
    F64,
    Char,
}

impl TypeCode {
    pub fn parse(s: &str) -> Option<TypeCode> {
        Some(match s {
            "b" => TypeCode::I8,
            "B" => TypeCode::U8,
            "h" => TypeCode::I16,
            "H" => TypeCode::U16,
            "i" => TypeCode::I32,
            "I" => TypeCode::U32,
            "l" | "q" => TypeCode::I64,
            "L" | "Q" => TypeCode::U64,
            "f" => TypeCode::F32,
            "d" => TypeCode::F64,
            "c" => TypeCode::Char,
            _ => return None,
        })
    }

    fn code(self) -> u64 {
        self as u64 + 1
    }

    fn from_code(c: u64) -> TypeCode {
        use TypeCode::*;
        [I8, U8, I16, U16, I32, U32, I64, U64, F32, F64, Char][(c.max(1) - 1) as usize % 11]
    }

    fn is_float(self) -> bool {
        matches!(self, TypeCode::F32 | TypeCode::F64)
    }

    /// Python value → stored bits, wrapping integers like C does.
    fn store(self, v: &Value, span: Span) -> Res<u64> {
        if self == TypeCode::Char {
            return match v {
                Value::Bytes(b) if b.len() == 1 => Ok(u64::from(b[0])),
                // Zero-filling `Array('c', n)` and iterating a `bytes` initializer give
                // integers, as in CPython's c_char arrays.
                Value::Int(i) if (0..=255).contains(i) => Ok(*i as u64),
                other => Err(Unwind::raise(
                    ExcType::TypeError,
                    format!(
                        "one character bytes, bytearray or integer expected, not {}",
                        other.type_name()
                    ),
                    span,
                )),
            };
        }
        if self.is_float() {
            let f = match v {
                Value::Int(i) => *i as f64,
                Value::Float(f) => *f,
                Value::Bool(b) => f64::from(u8::from(*b)),
                other => {
                    return Err(Unwind::raise(
                        ExcType::TypeError,
                        format!("must be real number, not {}", other.type_name()),
                        span,
                    ));
                }
            };
            return Ok(if self == TypeCode::F32 {
                u64::from((f as f32).to_bits())
            } else {
                f.to_bits()
            });
        }
        let i = match v {
            Value::Int(i) => *i,
            Value::Bool(b) => i128::from(*b),
            other => {
                return Err(Unwind::raise(
                    ExcType::TypeError,
                    format!(
                        "'{}' object cannot be interpreted as an integer",
                        other.type_name()
                    ),
                    span,
                ));
            }
        };
        Ok(i as u64)
    }

    /// Stored bits → Python value, truncated to the C type.
    fn load(self, bits: u64) -> Value {
        use TypeCode::*;
        match self {
            I8 => Value::Int(i128::from(bits as i8)),
            U8 => Value::Int(i128::from(bits as u8)),
            I16 => Value::Int(i128::from(bits as i16)),
            U16 => Value::Int(i128::from(bits as u16)),
            I32 => Value::Int(i128::from(bits as i32)),
            U32 => Value::Int(i128::from(bits as u32)),
            I64 => Value::Int(i128::from(bits as i64)),
            U64 => Value::Int(i128::from(bits)),
            F32 => Value::Float(f64::from(f32::from_bits(bits as u32))),
            F64 => Value::Float(f64::from_bits(bits)),
            Char => Value::Bytes(std::sync::Arc::from(vec![bits as u8])),
        }
    }
}

// Payload words of a Value/Array record.
const TYPECODE: usize = 0;
const VALUE_BITS: usize = 1;
const ARRAY_LEN: usize = 1;
const ARRAY_HEAP: usize = 2;

impl ActorWorld {
    /// `Value(typecode, init=0, lock=True)` / `Array(typecode, size_or_init, lock=True)`.
    pub(crate) fn new_shared(&self, b: Builtin, args: Args, span: Span) -> Res<Value> {
        let Some(Value::Str(code)) = args.get(0, "typecode_or_type") else {
            return Err(Unwind::raise(
                ExcType::TypeError,
                format!(
                    "BaseContext.{}() missing 1 required positional argument: 'typecode_or_type'",
                    if b == Builtin::Value {
                        "Value"
                    } else {
                        "Array"
                    }
                ),
                span,
            ));
        };
        let Some(tc) = TypeCode::parse(code) else {
            return Err(Unwind::raise(
                ExcType::TypeError,
                "this type has no size",
                span,
            ));
        };
        let label = self.rt.label_at(span).unwrap_or_default();
        let kind = if b == Builtin::Value {
            HandleKind::Value
        } else {
            HandleKind::Array
        };
        let lock = match args.get(2, "lock") {
            None => Some(self.alloc_lock_for_shared(span)?),
            Some(Value::Handle(h)) => Some(h.id),
            Some(v) if v.truthy() => Some(self.alloc_lock_for_shared(span)?),
            Some(_) => None,
        };
        let id = self.alloc_res(kind, &label, span)?;
        let rec = self.rt.arena.res(id);
        rec.payload[TYPECODE].store(tc.code(), Ordering::Relaxed);
        rec.set_link(lock);
        if b == Builtin::Value {
            let init = args.get(1, "value").cloned().unwrap_or(Value::Int(0));
            rec.payload[VALUE_BITS].store(tc.store(&init, span)?, Ordering::Relaxed);
        } else {
            let init = args
                .get(1, "size_or_initializer")
                .cloned()
                .unwrap_or(Value::Int(0));
            let items = match &init {
                Value::Int(n) => vec![Value::Int(0); (*n).max(0) as usize],
                other => crate::core::iter::to_vec(other, span)?,
            };
            let at = self.heap_alloc(items.len(), span)?;
            rec.payload[ARRAY_LEN].store(items.len() as u64, Ordering::Relaxed);
            rec.payload[ARRAY_HEAP].store(at as u64, Ordering::Relaxed);
            for (i, v) in items.iter().enumerate() {
                if matches!(v, Value::List(_) | Value::Tuple(_)) {
                    return Err(Unwind::raise(
                        ExcType::TypeError,
                        format!(
                            "'{}' object cannot be interpreted as an integer",
                            v.type_name()
                        ),
                        span,
                    ));
                }
                self.rt
                    .arena
                    .heap_word(at + i)
                    .store(tc.store(v, span)?, Ordering::Relaxed);
            }
        }
        Ok(Value::Handle(Handle { kind, id }))
    }

    fn typecode(&self, h: Handle) -> TypeCode {
        TypeCode::from_code(self.rt.arena.res(h.id).payload[TYPECODE].load(Ordering::Relaxed))
    }

    /// Runs `f` under the object's lock, if it has one (each access separately: that is
    /// what makes `+=` racy).
    fn under_lock<T>(&self, h: Handle, span: Span, f: impl FnOnce() -> Res<T>) -> Res<T> {
        match self.rt.arena.res(h.id).link() {
            Some(lock) => {
                self.acquire_shared_lock(lock, span)?;
                let r = f();
                self.release_shared_lock(lock, span)?;
                r
            }
            None => f(),
        }
    }

    pub(crate) fn shared_attr(&self, h: Handle, attr: Attr, span: Span) -> Res<Value> {
        match (h.kind, attr) {
            (HandleKind::Value, Attr::Value) => {
                let tc = self.typecode(h);
                self.under_lock(h, span, || {
                    Ok(
                        tc.load(
                            self.rt.arena.res(h.id).payload[VALUE_BITS].load(Ordering::Relaxed),
                        ),
                    )
                })
            }
            _ => Err(no_attribute(h, attr, span)),
        }
    }

    pub(crate) fn set_shared_attr(&self, h: Handle, attr: Attr, v: Value, span: Span) -> Res<()> {
        match attr {
            Attr::Value => {
                let bits = self.typecode(h).store(&v, span)?;
                self.under_lock(h, span, || {
                    self.rt.arena.res(h.id).payload[VALUE_BITS].store(bits, Ordering::Relaxed);
                    Ok(())
                })
            }
            _ => Err(no_attribute(h, attr, span)),
        }
    }

    pub(crate) fn shared_method(
        &self,
        h: Handle,
        m: Method,
        _args: Args,
        span: Span,
    ) -> Res<Value> {
        match m {
            Method::GetLock => match self.rt.arena.res(h.id).link() {
                Some(lock) => Ok(Value::Handle(Handle {
                    kind: HandleKind::RLock { mp: true },
                    id: lock,
                })),
                None => Err(Unwind::raise(
                    ExcType::AttributeError,
                    format!(
                        "'{}' object has no attribute 'get_lock'",
                        if h.kind == HandleKind::Value {
                            "c_int"
                        } else {
                            "c_int_Array"
                        }
                    ),
                    span,
                )),
            },
            Method::GetObj => Ok(Value::Handle(h)),
            _ => Err(no_method(h, m, span)),
        }
    }

    fn array_bounds(&self, h: Handle) -> (usize, usize) {
        let rec = self.rt.arena.res(h.id);
        (
            rec.payload[ARRAY_HEAP].load(Ordering::Relaxed) as usize,
            rec.payload[ARRAY_LEN].load(Ordering::Relaxed) as usize,
        )
    }

    pub(crate) fn array_get(&self, h: Handle, index: &Value, span: Span) -> Res<Value> {
        let tc = self.typecode(h);
        let (at, len) = self.array_bounds(h);
        match index {
            Value::Tuple(parts) if parts.len() == 3 => {
                let idx = slice_indices(len, &parts[0], &parts[1], &parts[2], span)?;
                self.under_lock(h, span, || {
                    let items = idx
                        .iter()
                        .map(|i| tc.load(self.rt.arena.heap_word(at + i).load(Ordering::Relaxed)))
                        .collect::<Vec<_>>();
                    if tc == TypeCode::Char {
                        let bytes: Vec<u8> = items
                            .iter()
                            .filter_map(|v| {
                                if let Value::Bytes(b) = v {
                                    b.first().copied()
                                } else {
                                    None
                                }
                            })
                            .collect();
                        return Ok(Value::Bytes(std::sync::Arc::from(bytes)));
                    }
                    Ok(Value::list(items))
                })
            }
            _ => {
                let i = array_index(len, index, span)?;
                self.under_lock(h, span, || {
                    Ok(tc.load(self.rt.arena.heap_word(at + i).load(Ordering::Relaxed)))
                })
            }
        }
    }

    pub(crate) fn array_set(&self, h: Handle, index: &Value, v: Value, span: Span) -> Res<()> {
        let tc = self.typecode(h);
        let (at, len) = self.array_bounds(h);
        let i = array_index(len, index, span)?;
        let bits = tc.store(&v, span)?;
        self.under_lock(h, span, || {
            self.rt
                .arena
                .heap_word(at + i)
                .store(bits, Ordering::Relaxed);
            Ok(())
        })
    }
}

fn array_index(len: usize, index: &Value, span: Span) -> Res<usize> {
    let i = arg::int(index, span)?;
    let i = if i < 0 { i + len as i128 } else { i };
    if i < 0 || i >= len as i128 {
        return Err(Unwind::raise(ExcType::IndexError, "invalid index", span));
    }
    Ok(i as usize)
}

fn slice_indices(len: usize, lo: &Value, hi: &Value, step: &Value, span: Span) -> Res<Vec<usize>> {
    let n = len as i128;
    let step = match step {
        Value::None => 1,
        v => arg::int(v, span)?,
    };
    if step == 0 {
        return Err(Unwind::raise(
            ExcType::ValueError,
            "slice step cannot be zero",
            span,
        ));
    }
    let clamp = |v: &Value, default: i128| -> Res<i128> {
        Ok(match v {
            Value::None => default,
            v => {
                let i = arg::int(v, span)?;
                let i = if i < 0 { i + n } else { i };
                if step > 0 {
                    i.clamp(0, n)
                } else {
                    i.clamp(-1, n - 1)
                }
            }
        })
    };
    let (start, stop) = if step > 0 {
        (clamp(lo, 0)?, clamp(hi, n)?)
    } else {
        (clamp(lo, n - 1)?, clamp(hi, -1)?)
    };
    let mut out = Vec::new();
    let mut i = start;
    while (step > 0 && i < stop) || (step < 0 && i > stop) {
        out.push(i as usize);
        i += step;
    }
    Ok(out)
}
