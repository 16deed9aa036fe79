//! The value wire format: how a [`Value`] crosses a process boundary through a pipe.
//!
//! A compact tagged encoding (varints, length-prefixed strings). Engine objects travel as
//! their [`Handle`] (kind + id): the object itself lives in the shared arena, so the id
//! means the same object in every process. Lists and dicts are memoised by identity, as
//! pickle does: shared references stay shared and self-containing lists round-trip.
//!
//! Values CPython cannot pickle raise what CPython raises (`TypeError: cannot pickle
//! '_thread.lock' object`, `RuntimeError: Queue objects should only be shared between
//! processes through inheritance`, ...), as an exception value, never a panic.

use std::collections::HashMap;
use std::sync::Arc;

use parking_lot::Mutex;

use crate::core::names::{Builtin, ExcType, Method};
use crate::core::value::{Closure, Exception, Handle, HandleKind, ThreadQueueKind, Unwind, Value};
use crate::syntax::span::Span;

/// Nesting deeper than this fails like CPython's pickler hitting the recursion limit.
pub const MAX_DEPTH: usize = 1000;

mod tag {
    pub const NONE: u8 = 0;
    pub const FALSE: u8 = 1;
    pub const TRUE: u8 = 2;
    pub const INT: u8 = 3;
    pub const FLOAT: u8 = 4;
    pub const STR: u8 = 5;
    pub const BYTES: u8 = 6;
    pub const LIST: u8 = 7;
    pub const TUPLE: u8 = 8;
    pub const DICT: u8 = 9;
    pub const RANGE: u8 = 10;
    pub const FUNC: u8 = 11;
    pub const CLOSURE: u8 = 12;
    pub const BUILTIN: u8 = 13;
    pub const BOUND_METHOD: u8 = 14;
    pub const EXC_TYPE: u8 = 15;
    pub const EXCEPTION: u8 = 16;
    pub const HANDLE: u8 = 17;
    pub const OBJECT: u8 = 18;
    /// A list or dict already seen in this message: its memo index follows.
    pub const MEMO_REF: u8 = 19;
}

/// Encodes `v`. `span` is where the sending operation is, for the exception raised when
/// `v` cannot cross a process boundary.
pub fn encode(v: &Value, span: Span) -> Result<Vec<u8>, Unwind> {
    let mut e = Encoder {
        out: Vec::new(),
        memo: HashMap::new(),
        span,
    };
    e.value(v, 0)?;
    Ok(e.out)
}

/// Why bytes did not decode to a value (a corrupted or truncated message).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DecodeError(pub &'static str);

/// Decodes one value that must fill `bytes` exactly.
pub fn decode(bytes: &[u8]) -> Result<Value, DecodeError> {
    let mut d = Decoder {
        buf: bytes,
        pos: 0,
        memo: Vec::new(),
    };
    let v = d.value(0)?;
    if d.pos != bytes.len() {
        return Err(DecodeError("trailing bytes after the value"));
    }
    Ok(v)
}

/// What CPython raises when pickling an object of this kind, if it refuses.
pub fn crossing_error(kind: HandleKind) -> Option<(ExcType, String)> {
    use HandleKind as K;
    let cannot = |what: &str| Some((ExcType::TypeError, format!("cannot pickle '{what}' object")));
    let inherit = |name: &str| {
        Some((
            ExcType::RuntimeError,
            format!("{name} objects should only be shared between processes through inheritance"),
        ))
    };
    let pool = || {
        Some((
            ExcType::NotImplementedError,
            "pool objects cannot be passed between processes or pickled".to_string(),
        ))
    };
    match kind {
        K::Lock { mp: false }
        | K::Semaphore { mp: false, .. }
        | K::Event { mp: false }
        | K::Barrier { mp: false }
        | K::Timer
        | K::Thread
        | K::ThreadQueue(
            ThreadQueueKind::Fifo | ThreadQueueKind::Lifo | ThreadQueueKind::Priority,
        )
        | K::Executor { processes: true } => cannot("_thread.lock"),
        // `Condition()` defaults to an RLock; a Future's first attribute is a Condition.
        K::RLock { mp: false } | K::Condition { mp: false } | K::Future => cannot("_thread.RLock"),
        // ThreadPoolExecutor's `_work_queue` is a `queue.SimpleQueue`.
        K::ThreadQueue(ThreadQueueKind::Simple) | K::Executor { processes: false } => {
            cannot("_queue.SimpleQueue")
        }
        K::Lock { mp: true } => inherit("Lock"),
        K::RLock { mp: true } => inherit("RLock"),
        // mp Event and Barrier pickle their Condition first.
        K::Condition { mp: true } | K::Event { mp: true } | K::Barrier { mp: true } => {
            inherit("Condition")
        }
        K::Semaphore { mp: true, bounded } => inherit(if bounded {
            "BoundedSemaphore"
        } else {
            "Semaphore"
        }),
        K::Value => inherit("Synchronized"),
        K::Array => inherit("SynchronizedArray"),
        K::MpQueue { joinable: true, .. } => inherit("JoinableQueue"),
        K::MpQueue { simple: true, .. } => inherit("SimpleQueue"),
        K::MpQueue { .. } => inherit("Queue"),
        K::Process => Some((
            ExcType::TypeError,
            "Pickling an AuthenticationString object is disallowed for security reasons"
                .to_string(),
        )),
        K::Pool { .. } | K::AsyncResult | K::ImapIter => pool(),
        K::Connection => None,
    }
}

struct Encoder {
    out: Vec<u8>,
    /// Identity (Arc address) of each list/dict already written → its memo index.
    memo: HashMap<usize, u64>,
    span: Span,
}

impl Encoder {
    fn value(&mut self, v: &Value, depth: usize) -> Result<(), Unwind> {
        if depth > MAX_DEPTH {
            return Err(Unwind::raise(
                ExcType::RecursionError,
                "maximum recursion depth exceeded while pickling an object",
                self.span,
            ));
        }
        match v {
            Value::None => self.out.push(tag::NONE),
            Value::Bool(false) => self.out.push(tag::FALSE),
            Value::Bool(true) => self.out.push(tag::TRUE),
            Value::Int(i) => {
                self.out.push(tag::INT);
                self.int(*i);
            }
            Value::Float(f) => {
                self.out.push(tag::FLOAT);
                self.out.extend_from_slice(&f.to_bits().to_le_bytes());
            }
            Value::Str(s) => {
                self.out.push(tag::STR);
                self.bytes(s.as_bytes());
            }
            Value::Bytes(b) => {
                self.out.push(tag::BYTES);
                self.bytes(b);
            }
            Value::List(l) => {
                let key = Arc::as_ptr(l) as usize;
                if self.memo_ref(key) {
                    return Ok(());
                }
                // Copy the items out so no lock is held while encoding nested values.
                let items = l.lock().clone();
                self.out.push(tag::LIST);
                self.seq(&items, depth)?;
            }
            Value::Tuple(t) => {
                self.out.push(tag::TUPLE);
                self.seq(t, depth)?;
            }
            Value::Dict(d) => {
                let key = Arc::as_ptr(d) as usize;
                if self.memo_ref(key) {
                    return Ok(());
                }
                let pairs = d.lock().clone();
                self.out.push(tag::DICT);
                self.uint(pairs.len() as u128);
                for (k, v) in &pairs {
                    self.value(k, depth + 1)?;
                    self.value(v, depth + 1)?;
                }
            }
            Value::Range(a, b, s) => {
                self.out.push(tag::RANGE);
                self.int(*a);
                self.int(*b);
                self.int(*s);
            }
            Value::Func(f) => {
                self.out.push(tag::FUNC);
                self.uint(u128::from(*f));
            }
            Value::Closure(c) => {
                self.out.push(tag::CLOSURE);
                self.uint(u128::from(c.func));
                self.seq(&c.captured, depth)?;
            }
            Value::Builtin(b) => {
                self.out.push(tag::BUILTIN);
                self.uint(*b as u128);
            }
            Value::BoundMethod(bm) => {
                self.out.push(tag::BOUND_METHOD);
                self.uint(bm.1 as u128);
                self.value(&bm.0, depth + 1)?;
            }
            Value::ExcType(t) => {
                self.out.push(tag::EXC_TYPE);
                self.uint(*t as u128);
            }
            Value::Exception(e) => {
                self.out.push(tag::EXCEPTION);
                self.uint(e.ty as u128);
                self.bytes(e.msg.as_bytes());
                self.uint(u128::from(e.span.start));
                self.uint(u128::from(e.span.end));
            }
            Value::Handle(h) => {
                if let Some((ty, msg)) = crossing_error(h.kind) {
                    return Err(Unwind::raise(ty, msg, self.span));
                }
                self.out.push(tag::HANDLE);
                let (k, flags) = kind_code(h.kind);
                self.out.push(k);
                self.out.push(flags);
                self.uint(u128::from(h.id));
            }
            Value::Object(o) => {
                self.out.push(tag::OBJECT);
                self.uint(u128::from(*o));
            }
        }
        Ok(())
    }

    /// Writes a back-reference if the container at `key` was already written; else
    /// assigns it the next memo index (decoding assigns indices in the same order).
    fn memo_ref(&mut self, key: usize) -> bool {
        if let Some(&idx) = self.memo.get(&key) {
            self.out.push(tag::MEMO_REF);
            self.uint(u128::from(idx));
            return true;
        }
        let next = self.memo.len() as u64;
        self.memo.insert(key, next);
        false
    }

    fn seq(&mut self, items: &[Value], depth: usize) -> Result<(), Unwind> {
        self.uint(items.len() as u128);
        for it in items {
            self.value(it, depth + 1)?;
        }
        Ok(())
    }

    fn bytes(&mut self, b: &[u8]) {
        self.uint(b.len() as u128);
        self.out.extend_from_slice(b);
    }

    fn int(&mut self, i: i128) {
        // Zigzag so small negative numbers stay short.
        self.uint(((i << 1) ^ (i >> 127)) as u128);
    }

    fn uint(&mut self, mut u: u128) {
        loop {
            let byte = (u & 0x7f) as u8;
            u >>= 7;
            if u == 0 {
                self.out.push(byte);
                return;
            }
            self.out.push(byte | 0x80);
        }
    }
}

struct Decoder<'a> {
    buf: &'a [u8],
    pos: usize,
    /// Lists and dicts in the order they were first written.
    memo: Vec<Value>,
}

impl Decoder<'_> {
    fn value(&mut self, depth: usize) -> Result<Value, DecodeError> {
        if depth > MAX_DEPTH {
            return Err(DecodeError("nesting too deep"));
        }
        let t = self.byte()?;
        Ok(match t {
            tag::NONE => Value::None,
            tag::FALSE => Value::Bool(false),
            tag::TRUE => Value::Bool(true),
            tag::INT => Value::Int(self.int()?),
            tag::FLOAT => {
                let b = self.take(8)?;
                let mut a = [0u8; 8];
                a.copy_from_slice(b);
                Value::Float(f64::from_bits(u64::from_le_bytes(a)))
            }
            tag::STR => {
                let b = self.blob()?;
                let s = std::str::from_utf8(b).map_err(|_| DecodeError("invalid utf-8"))?;
                Value::Str(Arc::from(s))
            }
            tag::BYTES => Value::Bytes(Arc::from(self.blob()?)),
            tag::LIST => {
                let cell = Arc::new(Mutex::new(Vec::new()));
                self.memo.push(Value::List(cell.clone()));
                let items = self.seq(depth)?;
                *cell.lock() = items;
                Value::List(cell)
            }
            tag::TUPLE => Value::Tuple(Arc::from(self.seq(depth)?)),
            tag::DICT => {
                let cell = Arc::new(Mutex::new(Vec::new()));
                self.memo.push(Value::Dict(cell.clone()));
                let n = self.len()?;
                let mut pairs = Vec::with_capacity(n.min(1024));
                for _ in 0..n {
                    let k = self.value(depth + 1)?;
                    let v = self.value(depth + 1)?;
                    pairs.push((k, v));
                }
                *cell.lock() = pairs;
                Value::Dict(cell)
            }
            tag::RANGE => Value::Range(self.int()?, self.int()?, self.int()?),
            tag::FUNC => Value::Func(self.u32()?),
            tag::CLOSURE => {
                let func = self.u32()?;
                let captured = self.seq(depth)?;
                Value::Closure(Arc::new(Closure { func, captured }))
            }
            tag::BUILTIN => Value::Builtin(*Builtin::ALL.get(self.len()?).ok_or(BAD_NAME)?),
            tag::BOUND_METHOD => {
                let m = *Method::ALL.get(self.len()?).ok_or(BAD_NAME)?;
                let recv = self.value(depth + 1)?;
                Value::BoundMethod(Arc::new((recv, m)))
            }
            tag::EXC_TYPE => Value::ExcType(self.exc_type()?),
            tag::EXCEPTION => {
                let ty = self.exc_type()?;
                let msg = std::str::from_utf8(self.blob()?)
                    .map_err(|_| DecodeError("invalid utf-8"))?
                    .to_string();
                let span = Span {
                    start: self.u32()?,
                    end: self.u32()?,
                };
                Value::Exception(Arc::new(Exception { ty, msg, span }))
            }
            tag::HANDLE => {
                let k = self.byte()?;
                let flags = self.byte()?;
                let kind = kind_from_code(k, flags).ok_or(DecodeError("unknown handle kind"))?;
                Value::Handle(Handle {
                    kind,
                    id: self.u32()?,
                })
            }
            tag::OBJECT => Value::Object(u64::try_from(self.uint()?).map_err(|_| OVERFLOW)?),
            tag::MEMO_REF => {
                let idx = self.len()?;
                self.memo
                    .get(idx)
                    .cloned()
                    .ok_or(DecodeError("memo reference to nothing"))?
            }
            _ => return Err(DecodeError("invalid load key")),
        })
    }

    fn seq(&mut self, depth: usize) -> Result<Vec<Value>, DecodeError> {
        let n = self.len()?;
        // Never trust a length for the allocation: a corrupted one could be huge.
        let mut items = Vec::with_capacity(n.min(1024));
        for _ in 0..n {
            items.push(self.value(depth + 1)?);
        }
        Ok(items)
    }

    fn exc_type(&mut self) -> Result<ExcType, DecodeError> {
        ExcType::ALL.get(self.len()?).copied().ok_or(BAD_NAME)
    }

    fn byte(&mut self) -> Result<u8, DecodeError> {
        Ok(self.take(1)?[0])
    }

    fn take(&mut self, n: usize) -> Result<&[u8], DecodeError> {
        let end = self.pos.checked_add(n).ok_or(TRUNCATED)?;
        let s = self.buf.get(self.pos..end).ok_or(TRUNCATED)?;
        self.pos = end;
        Ok(s)
    }

    fn blob(&mut self) -> Result<&[u8], DecodeError> {
        let n = self.len()?;
        self.take(n)
    }

    fn uint(&mut self) -> Result<u128, DecodeError> {
        let mut u: u128 = 0;
        for shift in (0..128).step_by(7) {
            let b = self.byte()?;
            u |= u128::from(b & 0x7f) << shift;
            if b & 0x80 == 0 {
                return Ok(u);
            }
        }
        Err(OVERFLOW)
    }

    fn int(&mut self) -> Result<i128, DecodeError> {
        let z = self.uint()?;
        Ok(((z >> 1) as i128) ^ -((z & 1) as i128))
    }

    fn len(&mut self) -> Result<usize, DecodeError> {
        usize::try_from(self.uint()?).map_err(|_| OVERFLOW)
    }

    fn u32(&mut self) -> Result<u32, DecodeError> {
        u32::try_from(self.uint()?).map_err(|_| OVERFLOW)
    }
}

const TRUNCATED: DecodeError = DecodeError("pickle data was truncated");
const OVERFLOW: DecodeError = DecodeError("number out of range");
const BAD_NAME: DecodeError = DecodeError("unknown name index");

fn kind_code(k: HandleKind) -> (u8, u8) {
    use HandleKind as K;
    let b = u8::from;
    match k {
        K::Lock { mp } => (0, b(mp)),
        K::RLock { mp } => (1, b(mp)),
        K::Condition { mp } => (2, b(mp)),
        K::Semaphore { mp, bounded } => (3, b(mp) | b(bounded) << 1),
        K::Event { mp } => (4, b(mp)),
        K::Barrier { mp } => (5, b(mp)),
        K::Timer => (6, 0),
        K::Thread => (7, 0),
        K::Process => (8, 0),
        K::ThreadQueue(q) => (
            9,
            match q {
                ThreadQueueKind::Fifo => 0,
                ThreadQueueKind::Lifo => 1,
                ThreadQueueKind::Priority => 2,
                ThreadQueueKind::Simple => 3,
            },
        ),
        K::MpQueue { joinable, simple } => (10, b(joinable) | b(simple) << 1),
        K::Connection => (11, 0),
        K::Value => (12, 0),
        K::Array => (13, 0),
        K::Pool { threads } => (14, b(threads)),
        K::Executor { processes } => (15, b(processes)),
        K::Future => (16, 0),
        K::AsyncResult => (17, 0),
        K::ImapIter => (18, 0),
    }
}

fn kind_from_code(k: u8, f: u8) -> Option<HandleKind> {
    use HandleKind as K;
    let bit0 = f & 1 != 0;
    let bit1 = f & 2 != 0;
    Some(match k {
        0 => K::Lock { mp: bit0 },
        1 => K::RLock { mp: bit0 },
        2 => K::Condition { mp: bit0 },
        3 => K::Semaphore {
            mp: bit0,
            bounded: bit1,
        },
        4 => K::Event { mp: bit0 },
        5 => K::Barrier { mp: bit0 },
        6 => K::Timer,
        7 => K::Thread,
        8 => K::Process,
        9 => K::ThreadQueue(match f {
            0 => ThreadQueueKind::Fifo,
            1 => ThreadQueueKind::Lifo,
            2 => ThreadQueueKind::Priority,
            3 => ThreadQueueKind::Simple,
            _ => return None,
        }),
        10 => K::MpQueue {
            joinable: bit0,
            simple: bit1,
        },
        11 => K::Connection,
        12 => K::Value,
        13 => K::Array,
        14 => K::Pool { threads: bit0 },
        15 => K::Executor { processes: bit0 },
        16 => K::Future,
        17 => K::AsyncResult,
        18 => K::ImapIter,
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sp() -> Span {
        Span::new(3, 9)
    }

    fn round(v: &Value) -> Value {
        decode(&encode(v, sp()).unwrap()).unwrap()
    }

    fn exc(r: Result<Vec<u8>, Unwind>) -> Arc<Exception> {
        match r {
            Err(Unwind::Raise(e)) => e,
            _ => panic!("expected an exception"),
        }
    }

    #[test]
    fn every_handle_kind_code_round_trips() {
        use HandleKind as K;
        let kinds = [
            K::Lock { mp: true },
            K::RLock { mp: false },
            K::Semaphore {
                mp: true,
                bounded: true,
            },
            K::ThreadQueue(ThreadQueueKind::Priority),
            K::MpQueue {
                joinable: false,
                simple: true,
            },
            K::Pool { threads: true },
            K::Executor { processes: false },
            K::ImapIter,
        ];
        for k in kinds {
            let (c, f) = kind_code(k);
            assert_eq!(kind_from_code(c, f), Some(k));
        }
    }

    #[test]
    fn connection_handle_crosses_and_keeps_its_id() {
        let h = Handle {
            kind: HandleKind::Connection,
            id: 77,
        };
        match round(&Value::Handle(h)) {
            Value::Handle(back) => assert_eq!(back, h),
            _ => panic!("not a handle"),
        }
    }

    #[test]
    fn unpicklable_handles_raise_cpython_errors() {
        let lock = Value::Handle(Handle {
            kind: HandleKind::Lock { mp: false },
            id: 1,
        });
        let e = exc(encode(&Value::list(vec![lock]), sp()));
        assert_eq!(e.ty, ExcType::TypeError);
        assert_eq!(e.msg, "cannot pickle '_thread.lock' object");
        assert_eq!(e.span, sp());
        let q = Value::Handle(Handle {
            kind: HandleKind::MpQueue {
                joinable: false,
                simple: false,
            },
            id: 2,
        });
        let e = exc(encode(&q, sp()));
        assert_eq!(e.ty, ExcType::RuntimeError);
        assert_eq!(
            e.msg,
            "Queue objects should only be shared between processes through inheritance"
        );
    }

    #[test]
    fn self_containing_list_round_trips_and_stays_shared() {
        let l = Value::list(vec![Value::Int(1)]);
        let Value::List(cell) = &l else {
            unreachable!()
        };
        cell.lock().push(l.clone());
        let Value::List(back) = round(&l) else {
            panic!("not a list")
        };
        let inner = back.lock()[1].clone();
        let Value::List(inner) = inner else {
            panic!("not a list")
        };
        assert!(Arc::ptr_eq(&back, &inner));
    }

    #[test]
    fn too_deep_nesting_is_a_recursion_error() {
        let mut v = Value::None;
        for _ in 0..(MAX_DEPTH + 5) {
            v = Value::tuple(vec![v]);
        }
        assert_eq!(exc(encode(&v, sp())).ty, ExcType::RecursionError);
    }

    #[test]
    fn corrupted_input_is_an_error_not_a_panic() {
        assert!(decode(&[]).is_err());
        assert!(decode(&[200]).is_err());
        assert!(decode(&[tag::STR, 0xff, 0xff, 0xff, 0xff, 0x0f]).is_err());
        assert!(decode(&[tag::NONE, tag::NONE]).is_err());
        assert!(decode(&[tag::MEMO_REF, 0]).is_err());
    }
}
