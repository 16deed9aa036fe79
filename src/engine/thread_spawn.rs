//! Starting engine threads so that no fork ever copies std's thread registry mid-change.
//!
//! A thread that starts or exits takes an internal std lock (the registry behind the
//! stack-overflow handler). A process forked while another of its threads holds that
//! lock gets it locked forever: the child can then never start a thread — a queue feeder,
//! a pool worker, a scenario thread. Two rules keep forks out of those windows:
//!
//! - starting: `spawn` holds the fork gate shared until the new thread reports that it
//!   runs (std registered it before calling our code);
//! - ending: when a thread's code is done it records its tid; a forker, holding the gate
//!   exclusively, waits until each recorded thread is gone from `/proc/self/task` (std's
//!   cleanup is over) before it forks (`wait_for_exiting_threads`).

use std::io;
use std::thread::{Builder, JoinHandle};
use std::time::Duration;

use parking_lot::Mutex;

use crate::engine::fork_gate::with_fork_gate_shared;

/// Threads whose code has returned and that may still be inside std's exit path. Only
/// touched inside the fork gate (shared by exiting threads, exclusive by the forker).
static EXITING: Mutex<Vec<i32>> = Mutex::new(Vec::new());

/// Records the calling thread as exiting when dropped: at the end of its code, and also
/// when it unwinds.
struct ExitRecord;

impl Drop for ExitRecord {
    fn drop(&mut self) {
        // SAFETY: gettid has no preconditions.
        let tid = unsafe { libc::gettid() };
        with_fork_gate_shared(|| EXITING.lock().push(tid));
    }
}

/// Spawns `f` on a new thread built by `builder` (see the module doc).
pub fn spawn<F>(builder: Builder, f: F) -> io::Result<JoinHandle<()>>
where
    F: FnOnce() + Send + 'static,
{
    with_fork_gate_shared(|| {
        let (started_tx, started_rx) = std::sync::mpsc::sync_channel::<()>(1);
        let handle = builder.spawn(move || {
            let _ = started_tx.send(());
            let _exit = ExitRecord;
            f();
        })?;
        // The new thread needs nothing from us to send: this wait is short.
        let _ = started_rx.recv();
        Ok(handle)
    })
}

/// For a forker that holds the fork gate exclusively: waits until every thread that
/// finished its code has left std's exit path (its task is gone), so the child cannot
/// inherit std's thread registry locked. Bounded: a thread still there after ~200 ms
/// (cannot happen but by a bug) is waited for no longer.
pub fn wait_for_exiting_threads() {
    let mut exiting = EXITING.lock();
    for tid in exiting.drain(..) {
        let task = format!("/proc/self/task/{tid}");
        for _ in 0..4000 {
            if !std::path::Path::new(&task).exists() {
                break;
            }
            std::thread::sleep(Duration::from_micros(50));
        }
    }
}

/// In a forked child: the parent's exiting threads are not ours.
pub fn forget_in_child() {
    // The forker held the gate exclusively and had drained the list; nothing can hold
    // this lock in the child.
    EXITING.lock().clear();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_spawned_thread_is_waited_out_after_its_code() {
        let h = spawn(Builder::new(), || {}).expect("spawn");
        h.join().expect("join");
        // Its tid was recorded, and it is gone: the wait returns at once and empties the
        // list.
        wait_for_exiting_threads();
        assert!(EXITING.lock().is_empty());
    }

    #[test]
    fn spawn_returns_once_the_thread_runs() {
        let (tx, rx) = std::sync::mpsc::channel();
        let h = spawn(Builder::new(), move || {
            let _ = tx.send(std::thread::current().id());
        })
        .expect("spawn");
        let id = rx.recv().expect("the thread ran");
        assert_eq!(h.thread().id(), id);
        h.join().expect("join");
    }
}
