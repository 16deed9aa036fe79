//! The process-local half of every channel: its fds and per-process flags, keyed by
//! resource id. A fork copies it; [`ForkGuard::in_child`] rebuilds it the way CPython's
//! `Queue._after_fork` resets a queue (no feeder thread, empty buffer, not closed, join
//! not cancelled), without touching any lock another thread may have held at the fork.

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicI32, AtomicPtr, Ordering};

use parking_lot::{Mutex, MutexGuard};

use super::fdio;
use super::feeder::Feeder;
use super::mp_queue::QueueKind;
use super::shared_state::{ConnShared, MpQueueShared};

/// One queue as this process sees it.
pub(super) struct QueueLocal {
    pub id: u32,
    pub kind: QueueKind,
    pub shared: &'static MpQueueShared,
    /// Read end of the pipe; -1 once closed in this process.
    pub rfd: AtomicI32,
    /// Write end of the pipe; -1 once closed in this process.
    pub wfd: AtomicI32,
    /// `close()` was called in this process.
    pub closed: AtomicBool,
    /// `cancel_join_thread()` was called in this process.
    pub join_cancelled: AtomicBool,
    pub feeder: Feeder,
}

impl QueueLocal {
    pub fn new(id: u32, kind: QueueKind, shared: &'static MpQueueShared, r: i32, w: i32) -> Self {
        QueueLocal {
            id,
            kind,
            shared,
            rfd: AtomicI32::new(r),
            wfd: AtomicI32::new(w),
            closed: AtomicBool::new(false),
            join_cancelled: AtomicBool::new(false),
            feeder: Feeder::default(),
        }
    }

    /// Closes both ends in this process (what the feeder does on its sentinel, and
    /// `SimpleQueue.close()`).
    pub fn close_fds(&self) {
        fdio::close_fd(self.rfd.swap(-1, Ordering::SeqCst));
        fdio::close_fd(self.wfd.swap(-1, Ordering::SeqCst));
    }
}

/// One `Connection` (an end of a `Pipe()`) as this process sees it.
pub(super) struct ConnLocal {
    pub id: u32,
    /// -1 once closed in this process.
    pub fd: AtomicI32,
    pub readable: bool,
    pub writable: bool,
    /// A socketpair end (duplex) rather than a pipe end.
    pub socket: bool,
    pub shared: &'static ConnShared,
}

#[derive(Default)]
struct Registry {
    queues: HashMap<u32, Arc<QueueLocal>>,
    conns: HashMap<u32, Arc<ConnLocal>>,
}

/// Replaced wholesale in a forked child, so it is a pointer rather than a static Mutex.
static REGISTRY: AtomicPtr<Mutex<Registry>> = AtomicPtr::new(std::ptr::null_mut());

fn registry() -> &'static Mutex<Registry> {
    let p = REGISTRY.load(Ordering::Acquire);
    if !p.is_null() {
        // SAFETY: non-null pointers stored here come from `Box::leak` and are never freed.
        return unsafe { &*p };
    }
    let fresh: *mut Mutex<Registry> = Box::leak(Box::default());
    match REGISTRY.compare_exchange(p, fresh, Ordering::AcqRel, Ordering::Acquire) {
        Ok(_) => {
            // SAFETY: just leaked, never freed.
            unsafe { &*fresh }
        }
        Err(winner) => {
            // SAFETY: `fresh` lost the race and was never shared; reclaim it.
            drop(unsafe { Box::from_raw(fresh) });
            // SAFETY: the winner's pointer comes from `Box::leak` and is never freed.
            unsafe { &*winner }
        }
    }
}

pub(super) fn insert_queue(q: QueueLocal) {
    registry().lock().queues.insert(q.id, Arc::new(q));
}

pub(super) fn insert_conn(c: ConnLocal) {
    registry().lock().conns.insert(c.id, Arc::new(c));
}

pub(super) fn queue(id: u32) -> Option<Arc<QueueLocal>> {
    registry().lock().queues.get(&id).cloned()
}

pub(super) fn conn(id: u32) -> Option<Arc<ConnLocal>> {
    registry().lock().conns.get(&id).cloned()
}

/// Every queue this process knows, newest first (CPython runs exit finalizers in
/// reverse order of registration).
pub(super) fn all_queues() -> Vec<Arc<QueueLocal>> {
    let mut v: Vec<_> = registry().lock().queues.values().cloned().collect();
    v.sort_by_key(|q| std::cmp::Reverse(q.id));
    v
}

/// Drops this process's view of resource `id` (a queue or a connection end) and
/// closes its fds here. A queue whose feeder is still running gets the sentinel
/// instead, and the feeder closes the fds once its buffer is written.
pub fn forget_local(id: u32) {
    let (q, c) = {
        let mut r = registry().lock();
        (r.queues.remove(&id), r.conns.remove(&id))
    };
    if let Some(q) = q
        && !q.feeder.send_sentinel()
    {
        q.close_fds();
    }
    if let Some(c) = c {
        fdio::close_fd(c.fd.swap(-1, Ordering::SeqCst));
    }
}

/// Holds the registry locked across `fork()`, so the child copies it in a consistent
/// state. Call [`prepare_fork`] just before forking, then exactly one of
/// [`ForkGuard::in_parent`] / [`ForkGuard::in_child`] on each side.
#[must_use = "call in_parent() or in_child() after the fork"]
pub struct ForkGuard {
    guard: MutexGuard<'static, Registry>,
}

/// Locks the channel registry for a fork (see [`ForkGuard`]).
pub fn prepare_fork() -> ForkGuard {
    ForkGuard {
        guard: registry().lock(),
    }
}

impl ForkGuard {
    /// In the parent after `fork()`: unlocks the registry.
    pub fn in_parent(self) {
        drop(self.guard);
    }

    /// In the child after `fork()`: installs a fresh registry in which every queue has
    /// no feeder thread, an empty buffer, and its closed / join-cancelled flags cleared
    /// (CPython's `Queue._after_fork`); connections keep their state. The old registry,
    /// and whatever the parent's other threads held in it, is leaked untouched: those
    /// threads do not exist here, so neither their locks nor their buffers are valid.
    pub fn in_child(self) {
        let old = &*self.guard;
        let mut fresh = Registry::default();
        for (id, q) in &old.queues {
            let nq = QueueLocal::new(
                q.id,
                q.kind,
                q.shared,
                q.rfd.load(Ordering::SeqCst),
                q.wfd.load(Ordering::SeqCst),
            );
            fresh.queues.insert(*id, Arc::new(nq));
        }
        for (id, c) in &old.conns {
            let nc = ConnLocal {
                id: c.id,
                fd: AtomicI32::new(c.fd.load(Ordering::SeqCst)),
                readable: c.readable,
                writable: c.writable,
                socket: c.socket,
                shared: c.shared,
            };
            fresh.conns.insert(*id, Arc::new(nc));
        }
        std::mem::forget(self.guard);
        let boxed: *mut Mutex<Registry> = Box::leak(Box::new(Mutex::new(fresh)));
        REGISTRY.store(boxed, Ordering::Release);
    }
}
