//! `multiprocessing.Queue`, `JoinableQueue` and `SimpleQueue` over one `os.pipe()`.
//!
//! Semantics follow CPython 3.11 `Lib/multiprocessing/queues.py`: `put` takes a
//! semaphore slot and hands the item to this process's feeder thread; `get` takes the
//! reader lock, waits (with the timeout) for the first byte only, then reads the whole
//! message; `qsize()` counts puts minus gets; `empty()` only sees bytes already in the
//! pipe. One deliberate deviation: the item is serialised in `put`, so an unpicklable
//! item raises at `put` (CPython's feeder prints the error and drops the item).

use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use crate::checker::snapshot::{Wait, WaitOp};
use crate::core::names::ExcType;
use crate::core::value::{HandleKind, Res, Unwind, Value};
use crate::engine::wait_recorder::WaitRecorder;
use crate::syntax::span::Span;

use super::fdio::{self, Ready};
use super::feeder::Feeder;
use super::message::{self, Waiter};
use super::registry::{self, QueueLocal};
use super::shared_state::{MpQueueShared, remaining};
use super::{fake_address, handle_closed};

/// Which multiprocessing queue class.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum QueueKind {
    /// `multiprocessing.Queue`.
    Queue,
    /// `multiprocessing.JoinableQueue`: a Queue with `task_done()` / `join()`.
    Joinable,
    /// `multiprocessing.SimpleQueue`: no feeder, no maxsize, synchronous `put`.
    Simple,
}

impl QueueKind {
    /// The kind of an `HandleKind::MpQueue` handle; `None` for other handles.
    pub fn of(kind: HandleKind) -> Option<QueueKind> {
        match kind {
            HandleKind::MpQueue { joinable: true, .. } => Some(QueueKind::Joinable),
            HandleKind::MpQueue { simple: true, .. } => Some(QueueKind::Simple),
            HandleKind::MpQueue { .. } => Some(QueueKind::Queue),
            _ => None,
        }
    }

    /// The class name as `type(q).__name__` gives it.
    pub fn class_name(self) -> &'static str {
        match self {
            QueueKind::Queue => "Queue",
            QueueKind::Joinable => "JoinableQueue",
            QueueKind::Simple => "SimpleQueue",
        }
    }
}

/// `repr(q)` as CPython prints it, with a deterministic fake address.
fn repr(q: &QueueLocal) -> String {
    format!(
        "<multiprocessing.queues.{} object at {}>",
        q.kind.class_name(),
        fake_address(q.id)
    )
}

/// Creates queue `id` in this process: the pipe, and the shared record's initial
/// state. Processes forked afterwards inherit it.
pub fn create_queue(
    id: u32,
    kind: QueueKind,
    maxsize: i64,
    shared: &'static MpQueueShared,
    span: Span,
) -> Res<()> {
    let (r, w) = fdio::pipe_pair().map_err(|e| message::os_error(&e, span))?;
    shared.init(maxsize);
    registry::insert_queue(QueueLocal::new(id, kind, shared, r, w));
    Ok(())
}

fn lookup(id: u32, span: Span) -> Res<Arc<QueueLocal>> {
    registry::queue(id).ok_or_else(|| {
        Unwind::raise(
            ExcType::RuntimeError,
            "Queue objects should only be shared between processes through inheritance",
            span,
        )
    })
}

fn no_attr(q: &QueueLocal, attr: &str, span: Span) -> Unwind {
    Unwind::raise(
        ExcType::AttributeError,
        format!("'{}' object has no attribute '{attr}'", q.kind.class_name()),
        span,
    )
}

fn check_open(q: &QueueLocal, span: Span) -> Res<()> {
    if q.closed.load(Ordering::SeqCst) {
        return Err(Unwind::raise(
            ExcType::ValueError,
            format!("Queue {} is closed", repr(q)),
            span,
        ));
    }
    Ok(())
}

fn waiter<'a>(q: &QueueLocal, op: WaitOp, span: Span, rec: &'a dyn WaitRecorder) -> Waiter<'a> {
    Waiter {
        rec: Some(rec),
        op,
        res: q.id,
        span,
    }
}

/// `q.put(v, block, timeout)`. `timeout` is ignored when `block` is false; a negative
/// Python timeout should be passed as zero (CPython's semaphore treats it so).
pub fn queue_put(
    id: u32,
    v: &Value,
    block: bool,
    timeout: Option<Duration>,
    span: Span,
    rec: &dyn WaitRecorder,
) -> Res<()> {
    let q = lookup(id, span)?;
    if q.kind == QueueKind::Simple {
        return simple_put(&q, v, span, rec);
    }
    check_open(&q, span)?;
    let deadline = timeout.map(|t| Instant::now() + t);
    if !q.shared.sem_try() {
        if !block {
            return Err(Unwind::raise(ExcType::QueueFull, "", span));
        }
        let w = waiter(&q, WaitOp::QueuePut, span, rec);
        w.begin(timeout.is_some(), 0);
        let ok = q.shared.sem_acquire(deadline);
        w.end();
        if !ok {
            return Err(Unwind::raise(ExcType::QueueFull, "", span));
        }
    }
    let msg = match message::frame_value(v, span) {
        Ok(m) => m,
        Err(e) => {
            q.shared.sem_release();
            return Err(e);
        }
    };
    if q.kind == QueueKind::Joinable {
        q.shared.add_unfinished();
    }
    if let Err(e) = Feeder::push(&q, msg) {
        q.shared.sem_release();
        return Err(Unwind::raise(
            ExcType::RuntimeError,
            format!("can't start new thread ({e})"),
            span,
        ));
    }
    rec.progress();
    Ok(())
}

/// `SimpleQueue.put`: serialise, then write synchronously under the writer lock.
fn simple_put(q: &QueueLocal, v: &Value, span: Span, rec: &dyn WaitRecorder) -> Res<()> {
    let msg = message::frame_value(v, span)?;
    let w = waiter(q, WaitOp::QueuePut, span, rec);
    if !q.shared.wlock_acquire(false, None) {
        w.begin(false, msg.len() as u64);
        q.shared.wlock_acquire(true, None);
        w.end();
    }
    let wfd = q.wfd.load(Ordering::SeqCst);
    let r = if wfd < 0 {
        Err(handle_closed(span))
    } else {
        message::write_message(wfd, false, &msg, &w, |n| q.shared.add_written(n))
            .map_err(|e| message::os_error(&e, span))
    };
    q.shared.wlock_release();
    r?;
    rec.progress();
    Ok(())
}

/// `q.get(block, timeout)`. The timeout covers the reader lock and the first byte
/// only: a message that is partly in the pipe is then read to its end, like CPython.
pub fn queue_get(
    id: u32,
    block: bool,
    timeout: Option<Duration>,
    span: Span,
    rec: &dyn WaitRecorder,
) -> Res<Value> {
    let q = lookup(id, span)?;
    if q.kind != QueueKind::Simple {
        check_open(&q, span)?;
    }
    let timed = !block || timeout.is_some();
    let deadline = if block {
        timeout.map(|t| Instant::now() + t)
    } else {
        Some(Instant::now())
    };
    let w = waiter(&q, WaitOp::QueueGet, span, rec);
    if !q.shared.rlock_acquire(false, None) {
        if !block {
            return Err(Unwind::raise(ExcType::QueueEmpty, "", span));
        }
        w.begin(timed, 0);
        let ok = q.shared.rlock_acquire(true, deadline);
        w.end();
        if !ok {
            return Err(Unwind::raise(ExcType::QueueEmpty, "", span));
        }
    }
    let payload = read_locked(&q, timed, deadline, &w, span);
    if payload.is_ok() && q.kind != QueueKind::Simple {
        q.shared.sem_release();
    }
    q.shared.rlock_release();
    // Decode after releasing the lock, as CPython unpickles outside it.
    let v = message::unframe_value(&payload?).map_err(|e| message::unpickling_error(e, span))?;
    rec.progress();
    Ok(v)
}

/// With the reader lock held: wait for the first byte (bounded by `deadline` when
/// `timed`), then read one message.
fn read_locked(
    q: &QueueLocal,
    timed: bool,
    deadline: Option<Instant>,
    w: &Waiter<'_>,
    span: Span,
) -> Res<Vec<u8>> {
    let fd = q.rfd.load(Ordering::SeqCst);
    if fd < 0 {
        return Err(handle_closed(span));
    }
    if timed {
        let left = remaining(deadline).flatten().unwrap_or(Duration::ZERO);
        let ready = if left.is_zero() {
            fdio::wait_ready(fd, false, Some(Duration::ZERO))
        } else {
            w.begin(true, 0);
            let r = fdio::wait_ready(fd, false, Some(left));
            w.end();
            r
        };
        match ready {
            Ok(Ready::Yes) => {}
            Ok(Ready::TimedOut) => return Err(Unwind::raise(ExcType::QueueEmpty, "", span)),
            Err(e) => return Err(message::os_error(&e, span)),
        }
    }
    message::read_message(fd, w, |n| q.shared.add_read(n)).map_err(|e| e.into_unwind(span))
}

/// `q.qsize()`: items put and not yet got, in any process (buffered ones included).
pub fn queue_qsize(id: u32, span: Span) -> Res<i64> {
    let q = lookup(id, span)?;
    if q.kind == QueueKind::Simple {
        return Err(no_attr(&q, "qsize", span));
    }
    Ok(q.shared.qsize())
}

/// `q.empty()`: nothing readable in the pipe right now (so `True` right after a `put`
/// whose feeder has not written yet, as in CPython).
pub fn queue_empty(id: u32, span: Span) -> Res<bool> {
    let q = lookup(id, span)?;
    let fd = q.rfd.load(Ordering::SeqCst);
    if fd < 0 {
        return Err(handle_closed(span));
    }
    let readable = fdio::readable_now(fd).map_err(|e| message::os_error(&e, span))?;
    Ok(!readable)
}

/// `q.full()`: every semaphore slot is taken.
pub fn queue_full(id: u32, span: Span) -> Res<bool> {
    let q = lookup(id, span)?;
    if q.kind == QueueKind::Simple {
        return Err(no_attr(&q, "full", span));
    }
    Ok(q.shared.is_full())
}

/// `q.close()`. Queue: no more put/get here; a started feeder finishes its buffer,
/// then closes this process's pipe ends. SimpleQueue: closes both ends at once.
pub fn queue_close(id: u32, span: Span) -> Res<()> {
    let q = lookup(id, span)?;
    if q.kind == QueueKind::Simple {
        q.close_fds();
        return Ok(());
    }
    q.closed.store(true, Ordering::SeqCst);
    q.feeder.send_sentinel();
    Ok(())
}

/// `q.join_thread()`: after `close()`, waits until the feeder has written everything.
pub fn queue_join_thread(id: u32, span: Span, rec: &dyn WaitRecorder) -> Res<()> {
    let q = lookup(id, span)?;
    if q.kind == QueueKind::Simple {
        return Err(no_attr(&q, "join_thread", span));
    }
    if !q.closed.load(Ordering::SeqCst) {
        return Err(Unwind::raise(
            ExcType::AssertionError,
            format!("Queue {} not closed", repr(&q)),
            span,
        ));
    }
    if !q.join_cancelled.load(Ordering::SeqCst) {
        q.feeder
            .wait_exit(&waiter(&q, WaitOp::QueueFlush, span, rec));
    }
    rec.progress();
    Ok(())
}

/// `q.cancel_join_thread()`: this process may exit without flushing the queue.
pub fn cancel_join_thread(id: u32, span: Span) -> Res<()> {
    let q = lookup(id, span)?;
    if q.kind == QueueKind::Simple {
        return Err(no_attr(&q, "cancel_join_thread", span));
    }
    q.join_cancelled.store(true, Ordering::SeqCst);
    Ok(())
}

/// `JoinableQueue.task_done()`.
pub fn queue_task_done(id: u32, span: Span) -> Res<()> {
    let q = lookup(id, span)?;
    if q.kind != QueueKind::Joinable {
        return Err(no_attr(&q, "task_done", span));
    }
    if !q.shared.task_done() {
        return Err(Unwind::raise(
            ExcType::ValueError,
            "task_done() called too many times",
            span,
        ));
    }
    Ok(())
}

/// `JoinableQueue.join()`: waits until every item put has been `task_done()`.
pub fn queue_join(id: u32, span: Span, rec: &dyn WaitRecorder) -> Res<()> {
    let q = lookup(id, span)?;
    if q.kind != QueueKind::Joinable {
        return Err(no_attr(&q, "join", span));
    }
    loop {
        let n = q.shared.unfinished();
        if n == 0 {
            break;
        }
        rec.begin_wait(Wait {
            op: WaitOp::QueueJoin,
            res: Some(id),
            target: None,
            span,
            timed: false,
            detail: u64::from(n),
        });
        q.shared.wait_unfinished_change(n);
        rec.end_wait();
    }
    rec.progress();
    Ok(())
}

/// What a process does with its queues when it ends (CPython's `_exit_function`
/// finalizers): every started feeder gets the sentinel, then the process waits until
/// each feeder has written all it holds — recorded as `QueueFlush` with the bytes
/// still to write — except for queues whose join was cancelled. This is where a
/// process that put more than a pipe holds hangs when nobody reads.
///
/// CPython joins the process's non-daemon children *before* this step.
pub fn flush_at_exit(span: Span, rec: &dyn WaitRecorder) {
    let queues = registry::all_queues();
    for q in &queues {
        q.feeder.send_sentinel();
    }
    for q in &queues {
        if !q.join_cancelled.load(Ordering::SeqCst) {
            q.feeder
                .wait_exit(&waiter(q, WaitOp::QueueFlush, span, rec));
        }
    }
}

/// Bytes this process still has to write into queue `id`'s pipe (0 if unknown here).
pub fn queue_unsent(id: u32) -> u64 {
    registry::queue(id).map_or(0, |q| q.feeder.unsent())
}
