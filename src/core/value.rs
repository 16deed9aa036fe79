//! Runtime values.
//!
//! Plain data (numbers, strings, containers) lives in the interpreter's process memory:
//! a fork copies it, threads of one process share it. Everything the engine owns —
//! locks, queues, actors, futures — is a [`Handle`]: a small, `Copy` index that means
//! the same object in every process, because the object itself lives in the arena.

use std::fmt;
use std::sync::Arc;

use parking_lot::Mutex;

use crate::core::names::{Builtin, ExcType, Method};
use crate::plan::ir::{FuncId, ResKind};
use crate::syntax::span::Span;

// An 8-byte tag keeps every payload at an aligned offset, so a `Value` is copied in
// aligned 16-byte pieces matching how it was written (a one-byte tag made the copies
// start at byte 1 and stall on store forwarding).
#[derive(Clone)]
#[repr(u64)]
pub enum Value {
    None,
    Bool(bool),
    Int(i128),
    Float(f64),
    Str(Arc<str>),
    Bytes(Arc<[u8]>),
    List(Arc<Mutex<Vec<Value>>>),
    Tuple(Arc<[Value]>),
    /// Insertion-ordered, like Python's dict; linear lookup (scenario dicts are tiny).
    Dict(Arc<Mutex<Vec<(Value, Value)>>>),
    /// `range(a, b, step)`, iterated lazily.
    Range(i128, i128, i128),
    Func(FuncId),
    /// A lambda with the values it captured.
    Closure(Arc<Closure>),
    Builtin(Builtin),
    /// `obj.method` taken as a value (`target=q.put`).
    BoundMethod(Arc<(Value, Method)>),
    ExcType(ExcType),
    Exception(Arc<Exception>),
    /// An engine object.
    Handle(Handle),
    /// `object()`: identity only (the singleton example).
    Object(u64),
}

pub struct Closure {
    pub func: FuncId,
    pub captured: Vec<Value>,
}

/// A reference to an engine-owned object. `kind` says which table `id` indexes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Handle {
    pub kind: HandleKind,
    pub id: u32,
}

/// What a handle points at. Finer than `ResKind` where behaviour differs (the error
/// messages of `threading.Lock` and `multiprocessing.Lock` are not the same).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum HandleKind {
    Lock {
        mp: bool,
    },
    RLock {
        mp: bool,
    },
    Condition {
        mp: bool,
    },
    Semaphore {
        mp: bool,
        bounded: bool,
    },
    Event {
        mp: bool,
    },
    Barrier {
        mp: bool,
    },
    Timer,
    Thread,
    Process,
    ThreadQueue(ThreadQueueKind),
    MpQueue {
        joinable: bool,
        simple: bool,
    },
    /// One end of a `Pipe()`.
    Connection,
    Value,
    Array,
    Pool {
        threads: bool,
    },
    Executor {
        processes: bool,
    },
    Future,
    AsyncResult,
    /// `pool.imap(...)` iterator.
    ImapIter,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ThreadQueueKind {
    Fifo,
    Lifo,
    Priority,
    Simple,
}

impl HandleKind {
    pub fn res_kind(self) -> ResKind {
        match self {
            HandleKind::Lock { .. } => ResKind::Lock,
            HandleKind::RLock { .. } => ResKind::RLock,
            HandleKind::Condition { .. } => ResKind::Condition,
            HandleKind::Semaphore { bounded: false, .. } => ResKind::Semaphore,
            HandleKind::Semaphore { bounded: true, .. } => ResKind::BoundedSemaphore,
            HandleKind::Event { .. } => ResKind::Event,
            HandleKind::Barrier { .. } => ResKind::Barrier,
            HandleKind::Timer => ResKind::Timer,
            HandleKind::Thread => ResKind::Thread,
            HandleKind::Process => ResKind::Process,
            HandleKind::ThreadQueue(_) => ResKind::ThreadQueue,
            HandleKind::MpQueue { .. } => ResKind::MpQueue,
            HandleKind::Connection => ResKind::Connection,
            HandleKind::Value => ResKind::Value,
            HandleKind::Array => ResKind::Array,
            HandleKind::Pool { .. } => ResKind::Pool,
            HandleKind::Executor { .. } => ResKind::Executor,
            HandleKind::Future => ResKind::Future,
            HandleKind::AsyncResult | HandleKind::ImapIter => ResKind::AsyncResult,
        }
    }

    /// The Python class name, for `repr` and error messages.
    pub fn python_name(self) -> &'static str {
        match self {
            HandleKind::Lock { mp: false } => "_thread.lock",
            HandleKind::Lock { mp: true } => "multiprocessing.synchronize.Lock",
            HandleKind::RLock { mp: false } => "_thread.RLock",
            HandleKind::RLock { mp: true } => "multiprocessing.synchronize.RLock",
            HandleKind::Condition { .. } => "Condition",
            HandleKind::Semaphore { bounded: false, .. } => "Semaphore",
            HandleKind::Semaphore { bounded: true, .. } => "BoundedSemaphore",
            HandleKind::Event { .. } => "Event",
            HandleKind::Barrier { .. } => "Barrier",
            HandleKind::Timer => "Timer",
            HandleKind::Thread => "Thread",
            HandleKind::Process => "Process",
            HandleKind::ThreadQueue(ThreadQueueKind::Fifo) => "Queue",
            HandleKind::ThreadQueue(ThreadQueueKind::Lifo) => "LifoQueue",
            HandleKind::ThreadQueue(ThreadQueueKind::Priority) => "PriorityQueue",
            HandleKind::ThreadQueue(ThreadQueueKind::Simple) => "SimpleQueue",
            HandleKind::MpQueue { joinable: true, .. } => "JoinableQueue",
            HandleKind::MpQueue { simple: true, .. } => "SimpleQueue",
            HandleKind::MpQueue { .. } => "Queue",
            HandleKind::Connection => "Connection",
            HandleKind::Value => "Synchronized",
            HandleKind::Array => "SynchronizedArray",
            HandleKind::Pool { threads: false } => "Pool",
            HandleKind::Pool { threads: true } => "ThreadPool",
            HandleKind::Executor { processes: false } => "ThreadPoolExecutor",
            HandleKind::Executor { processes: true } => "ProcessPoolExecutor",
            HandleKind::Future => "Future",
            HandleKind::AsyncResult => "ApplyResult",
            HandleKind::ImapIter => "IMapIterator",
        }
    }
}

/// A raised exception: its class, its message (`str(e)`), and where it was raised.
#[derive(Clone, Debug, PartialEq)]
pub struct Exception {
    pub ty: ExcType,
    pub msg: String,
    /// The scenario span of the operation that raised it.
    pub span: Span,
}

/// Why evaluation stopped early: an exception propagating, or the process exiting.
#[derive(Clone, Debug)]
pub enum Unwind {
    Raise(Arc<Exception>),
    /// `sys.exit(code)` (unwinds like SystemExit) or `os._exit(code)` (`hard`: no cleanup).
    Exit {
        code: i32,
        hard: bool,
    },
}

impl Unwind {
    pub fn raise(ty: ExcType, msg: impl Into<String>, span: Span) -> Unwind {
        Unwind::Raise(Arc::new(Exception {
            ty,
            msg: msg.into(),
            span,
        }))
    }
}

pub type Res<T> = Result<T, Unwind>;

impl Value {
    pub fn str(s: &str) -> Value {
        Value::Str(Arc::from(s))
    }

    pub fn list(items: Vec<Value>) -> Value {
        Value::List(Arc::new(Mutex::new(items)))
    }

    pub fn tuple(items: Vec<Value>) -> Value {
        Value::Tuple(Arc::from(items))
    }

    /// Python's `type(x).__name__`, for error messages.
    pub fn type_name(&self) -> &'static str {
        match self {
            Value::None => "NoneType",
            Value::Bool(_) => "bool",
            Value::Int(_) => "int",
            Value::Float(_) => "float",
            Value::Str(_) => "str",
            Value::Bytes(_) => "bytes",
            Value::List(_) => "list",
            Value::Tuple(_) => "tuple",
            Value::Dict(_) => "dict",
            Value::Range(..) => "range",
            Value::Func(_) | Value::Closure(_) => "function",
            Value::Builtin(_) => "builtin_function_or_method",
            Value::BoundMethod(_) => "method",
            Value::ExcType(_) => "type",
            Value::Exception(e) => e.ty.short_name(),
            Value::Handle(h) => h.kind.python_name(),
            Value::Object(_) => "object",
        }
    }

    /// Python truthiness for plain values; handles are always true.
    pub fn truthy(&self) -> bool {
        match self {
            Value::None => false,
            Value::Bool(b) => *b,
            Value::Int(i) => *i != 0,
            Value::Float(f) => *f != 0.0,
            Value::Str(s) => !s.is_empty(),
            Value::Bytes(b) => !b.is_empty(),
            Value::List(l) => !l.lock().is_empty(),
            Value::Tuple(t) => !t.is_empty(),
            Value::Dict(d) => !d.lock().is_empty(),
            Value::Range(a, b, s) => {
                if *s > 0 {
                    a < b
                } else {
                    a > b
                }
            }
            _ => true,
        }
    }
}

impl fmt::Debug for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&crate::core::repr::repr(self))
    }
}

#[cfg(test)]
mod layout_tests {
    use super::*;

    #[test]
    fn value_and_its_wrappers_stay_64_bytes() {
        assert_eq!(std::mem::size_of::<Value>(), 64);
        assert_eq!(std::mem::size_of::<Option<Value>>(), 64);
        assert_eq!(std::mem::size_of::<Res<Value>>(), 64);
    }
}
