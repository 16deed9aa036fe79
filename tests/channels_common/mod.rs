//! Shared helpers for the channel tests: shared pages, a wait recorder other processes
//! can read, and forking a child that runs a closure and `_exit`s.

#![allow(dead_code)]

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::atomic::{AtomicU32, AtomicU64, Ordering};
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant};

use interp::checker::snapshot::{Wait, WaitOp};
use interp::core::value::{Unwind, Value};
use interp::engine::channel::prepare_fork;
use interp::engine::wait_recorder::WaitRecorder;

/// Channel tests fork: run them one at a time so no child inherits another test's
/// pipe ends (which would delay the EOFs and hangups the tests wait for).
static SERIAL: Mutex<()> = Mutex::new(());

pub fn serial() -> MutexGuard<'static, ()> {
    SERIAL.lock().unwrap_or_else(|e| e.into_inner())
}

static NEXT_ID: AtomicU32 = AtomicU32::new(1000);

/// A resource id no other test in this binary uses.
pub fn next_id() -> u32 {
    NEXT_ID.fetch_add(1, Ordering::SeqCst)
}

/// A zeroed `T` in a `MAP_SHARED | MAP_ANONYMOUS` page, so a fork shares it. Mapped for
/// the life of the test process (registry entries keep referring to it).
pub fn shared<T: Default>() -> &'static T {
    assert!(std::mem::size_of::<T>() <= 4096);
    // SAFETY: a fresh anonymous mapping; no fd, no address hint.
    let p = unsafe {
        libc::mmap(
            std::ptr::null_mut(),
            4096,
            libc::PROT_READ | libc::PROT_WRITE,
            libc::MAP_SHARED | libc::MAP_ANONYMOUS,
            -1,
            0,
        )
    };
    assert_ne!(p, libc::MAP_FAILED);
    // SAFETY: page-aligned, zeroed, never unmapped; the test types are atomics for
    // which all-zero bytes are a valid value.
    unsafe { &*(p as *const T) }
}

/// One actor's wait slot, in shared memory so the parent can watch a child.
#[derive(Default)]
#[repr(C)]
pub struct Slot {
    op: AtomicU32,
    res: AtomicU32,
    timed: AtomicU32,
    blocked: AtomicU32,
    detail: AtomicU64,
    begins: AtomicU32,
    progress: AtomicU32,
}

/// A `WaitRecorder` writing into a [`Slot`].
#[derive(Clone, Copy)]
pub struct Rec(pub &'static Slot);

impl Rec {
    pub fn new() -> Rec {
        Rec(shared::<Slot>())
    }
}

/// What a slot shows now.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Seen {
    pub op: u32,
    pub res: u32,
    pub timed: bool,
    pub blocked: bool,
    pub detail: u64,
    pub begins: u32,
}

impl Rec {
    pub fn seen(&self) -> Seen {
        let s = self.0;
        Seen {
            op: s.op.load(Ordering::SeqCst),
            res: s.res.load(Ordering::SeqCst),
            timed: s.timed.load(Ordering::SeqCst) != 0,
            blocked: s.blocked.load(Ordering::SeqCst) != 0,
            detail: s.detail.load(Ordering::SeqCst),
            begins: s.begins.load(Ordering::SeqCst),
        }
    }

    /// Polls (1 ms steps, at most `within`) until the slot shows a blocked `op`.
    pub fn wait_blocked_in(&self, op: WaitOp, within: Duration) -> Seen {
        let t0 = Instant::now();
        loop {
            let s = self.seen();
            if s.blocked && s.op == op as u32 {
                return s;
            }
            assert!(t0.elapsed() < within, "never blocked in {op:?}: {s:?}");
            std::thread::sleep(Duration::from_millis(1));
        }
    }
}

impl WaitRecorder for Rec {
    fn begin_wait(&self, w: Wait) {
        let s = self.0;
        s.op.store(w.op as u32, Ordering::SeqCst);
        s.res.store(w.res.unwrap_or(u32::MAX), Ordering::SeqCst);
        s.timed.store(u32::from(w.timed), Ordering::SeqCst);
        s.detail.store(w.detail, Ordering::SeqCst);
        s.begins.fetch_add(1, Ordering::SeqCst);
        s.blocked.store(1, Ordering::SeqCst);
    }

    fn end_wait(&self) {
        self.0.blocked.store(0, Ordering::SeqCst);
    }

    fn progress(&self) {
        self.0.progress.fetch_add(1, Ordering::SeqCst);
    }
}

/// A forked child, killed and reaped on drop if still there.
pub struct Child {
    pid: libc::pid_t,
    /// The exit code once reaped.
    code: Option<i32>,
}

/// Forks; the child runs `f` and `_exit`s with its result (101 on a panic).
pub fn fork(f: impl FnOnce() -> i32) -> Child {
    let guard = prepare_fork();
    // SAFETY: the child only runs `f` (channel calls) and then `_exit`s; it never
    // returns into the test harness.
    let pid = unsafe { libc::fork() };
    assert!(pid >= 0, "fork failed");
    if pid == 0 {
        guard.in_child();
        let code = catch_unwind(AssertUnwindSafe(f)).unwrap_or(101);
        // SAFETY: ends the child without running the parent's atexit handlers.
        unsafe { libc::_exit(code) };
    }
    guard.in_parent();
    Child { pid, code: None }
}

impl Child {
    /// The exit code if the child exits within `within`; `None` if it is still running.
    pub fn exit_within(&mut self, within: Duration) -> Option<i32> {
        let t0 = Instant::now();
        loop {
            if self.code.is_some() {
                return self.code;
            }
            let mut status = 0;
            // SAFETY: waits for our own child; `status` is a valid out pointer.
            let r = unsafe { libc::waitpid(self.pid, &mut status, libc::WNOHANG) };
            if r == self.pid {
                self.code = Some(if libc::WIFEXITED(status) {
                    libc::WEXITSTATUS(status)
                } else {
                    -libc::WTERMSIG(status)
                });
                continue;
            }
            if t0.elapsed() >= within {
                return None;
            }
            std::thread::sleep(Duration::from_millis(1));
        }
    }

    pub fn still_running(&mut self) -> bool {
        self.exit_within(Duration::ZERO).is_none()
    }
}

impl Drop for Child {
    fn drop(&mut self) {
        if self.code.is_none() {
            // SAFETY: kill and reap our own child so nothing outlives the test.
            unsafe {
                libc::kill(self.pid, libc::SIGKILL);
                libc::waitpid(self.pid, std::ptr::null_mut(), 0);
            }
        }
    }
}

/// Structural equality of plain values (floats by bits).
pub fn same(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::None, Value::None) => true,
        (Value::Bool(x), Value::Bool(y)) => x == y,
        (Value::Int(x), Value::Int(y)) => x == y,
        (Value::Float(x), Value::Float(y)) => x.to_bits() == y.to_bits(),
        (Value::Str(x), Value::Str(y)) => x == y,
        (Value::Bytes(x), Value::Bytes(y)) => x == y,
        (Value::List(x), Value::List(y)) => {
            let (x, y) = (x.lock().clone(), y.lock().clone());
            x.len() == y.len() && x.iter().zip(&y).all(|(a, b)| same(a, b))
        }
        (Value::Tuple(x), Value::Tuple(y)) => {
            x.len() == y.len() && x.iter().zip(y.iter()).all(|(a, b)| same(a, b))
        }
        (Value::Dict(x), Value::Dict(y)) => {
            let (x, y) = (x.lock().clone(), y.lock().clone());
            x.len() == y.len()
                && x.iter()
                    .zip(&y)
                    .all(|((k1, v1), (k2, v2))| same(k1, k2) && same(v1, v2))
        }
        (Value::Range(a1, b1, c1), Value::Range(a2, b2, c2)) => (a1, b1, c1) == (a2, b2, c2),
        (Value::Func(x), Value::Func(y)) => x == y,
        (Value::Closure(x), Value::Closure(y)) => {
            x.func == y.func
                && x.captured.len() == y.captured.len()
                && x.captured.iter().zip(&y.captured).all(|(a, b)| same(a, b))
        }
        (Value::Builtin(x), Value::Builtin(y)) => x == y,
        (Value::BoundMethod(x), Value::BoundMethod(y)) => x.1 == y.1 && same(&x.0, &y.0),
        (Value::ExcType(x), Value::ExcType(y)) => x == y,
        (Value::Exception(x), Value::Exception(y)) => x == y,
        (Value::Handle(x), Value::Handle(y)) => x == y,
        (Value::Object(x), Value::Object(y)) => x == y,
        _ => false,
    }
}

/// The exception in an `Err`, as (Python type name, message).
pub fn raised<T>(r: Result<T, Unwind>) -> (String, String) {
    match r {
        Err(Unwind::Raise(e)) => (e.ty.name().to_string(), e.msg.clone()),
        Err(Unwind::Exit { code, .. }) => panic!("expected an exception, got exit {code}"),
        Ok(_) => panic!("expected an exception, got Ok"),
    }
}

/// `'X' * n`.
pub fn xs(n: usize) -> Value {
    Value::str(&"X".repeat(n))
}

/// The length of a str value.
pub fn str_len(v: &Value) -> usize {
    match v {
        Value::Str(s) => s.len(),
        _ => panic!("not a str"),
    }
}
