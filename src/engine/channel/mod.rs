//! multiprocessing channels on real OS pipes: `Queue`, `JoinableQueue`, `SimpleQueue`
//! (one `os.pipe()` each, a feeder thread per process for the first two) and `Pipe()`
//! (a socketpair when duplex, an `os.pipe()` otherwise), plus the value wire format.
//!
//! What lives where, and why:
//! - Cross-process state (semaphore, reader/writer locks, unfinished-task counter, byte
//!   counters the checker reads) is a `#[repr(C)]` struct of atomics in shared memory:
//!   [`MpQueueShared`], [`ConnShared`]. Its address is the same meaning in every process.
//! - File descriptors and per-process flags (closed, join cancelled, the feeder's unsent
//!   buffer) are process-local, in a registry keyed by the resource id. A fork copies the
//!   registry; [`prepare_fork`] / [`ForkGuard::in_child`] reset what CPython's
//!   `Queue._after_fork` resets (no feeder thread, empty buffer, flags cleared).
//! - Every blocking wait goes through `poll(2)` or a futex, bracketed by
//!   `WaitRecorder::begin_wait`/`end_wait`, so the checker always sees what an actor
//!   waits for. All channel fds are `O_NONBLOCK`; nothing blocks inside `read`/`write`.
//!
//! What the engine must do: call [`prepare_fork`] before every `fork()` and
//! [`ForkGuard::in_child`] / [`ForkGuard::in_parent`] right after (otherwise a child
//! inherits feeder state with no thread behind it); call [`flush_at_exit`] when a
//! process actor ends, after joining its non-daemon children (CPython's order); pass a
//! negative Python timeout as zero.
//!
//! Every message on the wire is CPython's framing: a 4-byte big-endian length, then the
//! payload. The payload is our own value encoding, zero-padded to the size CPython's
//! pickle (protocol 4) would have, so a pipe fills exactly as it does under CPython: the
//! join-before-drain threshold (`'X'*65515`) is the real one.

mod connection;
mod fdio;
mod feeder;
mod futex_word;
mod message;
mod mp_queue;
mod registry;
mod shared_state;

pub mod pickle_size;
pub mod wire;

pub use connection::{
    ConnInfo, conn_close, conn_info, conn_poll, conn_recv, conn_recv_bytes, conn_send,
    conn_send_bytes, create_pipe,
};
pub use mp_queue::{
    QueueKind, cancel_join_thread, create_queue, flush_at_exit, queue_close, queue_empty,
    queue_full, queue_get, queue_join, queue_join_thread, queue_put, queue_qsize, queue_task_done,
    queue_unsent,
};
pub use registry::{ForkGuard, forget_local, prepare_fork};
pub use shared_state::{ConnShared, MpQueueShared, SEM_VALUE_MAX};

use crate::core::names::ExcType;
use crate::core::value::Unwind;
use crate::syntax::span::Span;

/// A deterministic stand-in for CPython's `id()`-based address in reprs such as
/// `<multiprocessing.queues.Queue object at 0x7f...>`: stable across runs and processes,
/// distinct per resource.
pub fn fake_address(id: u32) -> String {
    format!("0x7f{:010x}", 0x5c_1000_0000u64 + u64::from(id) * 0x50)
}

/// `OSError('handle is closed')`, as every `Connection` method raises on a closed end.
pub(crate) fn handle_closed(span: Span) -> Unwind {
    Unwind::raise(ExcType::OSError, "handle is closed", span)
}
