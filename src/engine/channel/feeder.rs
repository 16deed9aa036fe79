//! The per-process feeder thread of a multiprocessing `Queue` (CPython's
//! `QueueFeederThread`): `put` appends an encoded message to an in-process buffer and
//! returns; the feeder writes buffered messages into the pipe, blocking while it is
//! full. A process cannot finish its exit until its feeders have written everything —
//! the join-before-drain deadlock — unless `cancel_join_thread()` was called.

use std::collections::VecDeque;
use std::io;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::thread::JoinHandle;

use parking_lot::{Condvar, Mutex};

use crate::checker::snapshot::WaitOp;
use crate::syntax::span::Span;

use super::message::{self, Waiter};
use super::registry::QueueLocal;

/// The feeder of one queue in one process.
#[derive(Default)]
pub(super) struct Feeder {
    state: Mutex<FeederState>,
    /// Signalled on every push, sentinel, written chunk and on exit.
    cond: Condvar,
}

#[derive(Default)]
struct FeederState {
    /// Whole messages (header + payload) not yet started.
    buffer: VecDeque<Vec<u8>>,
    /// Bytes still to write: the buffer plus the rest of the message being written.
    unsent: u64,
    /// The thread was started (lazily, by the first put).
    started: bool,
    /// Close was requested: exit once the buffer is empty.
    sentinel: bool,
    /// The thread has finished.
    exited: bool,
    thread: Option<JoinHandle<()>>,
}

impl Feeder {
    /// Queues `msg` for writing, starting the feeder thread on first use.
    pub fn push(q: &Arc<QueueLocal>, msg: Vec<u8>) -> io::Result<()> {
        let f = &q.feeder;
        let mut st = f.state.lock();
        if !st.started {
            let q2 = Arc::clone(q);
            let builder = std::thread::Builder::new().name("QueueFeederThread".into());
            let handle = crate::engine::thread_spawn::spawn(builder, move || run(&q2))?;
            st.thread = Some(handle);
            st.started = true;
        }
        st.unsent += msg.len() as u64;
        st.buffer.push_back(msg);
        f.cond.notify_all();
        Ok(())
    }

    /// CPython's `_finalize_close`: tells a started feeder to finish the buffer, close
    /// this process's pipe ends, and exit. False when no feeder was ever started.
    pub fn send_sentinel(&self) -> bool {
        let mut st = self.state.lock();
        if !st.started {
            return false;
        }
        st.sentinel = true;
        self.cond.notify_all();
        true
    }

    /// Bytes this process still has to write into the pipe.
    pub fn unsent(&self) -> u64 {
        self.state.lock().unsent
    }

    /// Waits for a started feeder to exit (`_finalize_join` / `join_thread`), recorded
    /// as `QueueFlush` with the bytes still to write while there are any, then joins it.
    pub fn wait_exit(&self, waiter: &Waiter<'_>) {
        let mut st = self.state.lock();
        let mut recorded: Option<u64> = None;
        while st.started && !st.exited {
            if st.unsent > 0 && recorded != Some(st.unsent) {
                if recorded.is_some() {
                    waiter.end();
                }
                waiter.begin(false, st.unsent);
                recorded = Some(st.unsent);
            }
            self.cond.wait(&mut st);
        }
        if recorded.is_some() {
            waiter.end();
        }
        let handle = st.thread.take();
        drop(st);
        if let Some(h) = handle {
            let _ = h.join();
        }
    }
}

/// The feeder thread's body.
fn run(q: &QueueLocal) {
    let f = &q.feeder;
    let waiter = Waiter {
        rec: None,
        op: WaitOp::QueueFlush,
        res: q.id,
        span: Span::default(),
    };
    loop {
        let next = {
            let mut st = f.state.lock();
            loop {
                if let Some(m) = st.buffer.pop_front() {
                    break Some(m);
                }
                if st.sentinel {
                    break None;
                }
                f.cond.wait(&mut st);
            }
        };
        let Some(msg) = next else {
            // CPython's feeder closes both ends in this process when it gets the
            // sentinel, after everything before it was written.
            q.close_fds();
            let mut st = f.state.lock();
            st.exited = true;
            f.cond.notify_all();
            return;
        };
        q.shared.wlock_acquire(true, None);
        let mut written = 0usize;
        let wfd = q.wfd.load(Ordering::SeqCst);
        let r = message::write_message(wfd, false, &msg, &waiter, |n| {
            q.shared.add_written(n);
            written += n;
            f.state.lock().unsent -= n as u64;
            f.cond.notify_all();
        });
        q.shared.wlock_release();
        if r.is_err() {
            // CPython's `_feed` on an error: release the semaphore and drop the item
            // (it prints the traceback; a helper thread here must not print).
            f.state.lock().unsent -= (msg.len() - written) as u64;
            f.cond.notify_all();
            q.shared.sem_release();
        }
    }
}
