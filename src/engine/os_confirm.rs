//! The OS's word on a deadlock candidate, before it is reported.
//!
//! The checker proves a set of actors stuck from their wait records, and the detector
//! requires the records to hold still for a settle window. Two cases slip through both,
//! and both last longer than the window on a loaded machine:
//!
//! - a waiter that has been woken (the barrier tripped, the lock was released) but has
//!   not been scheduled yet still shows its old wait record;
//! - a thread that is no actor, such as a queue's feeder with room left in its pipe, has
//!   work to do that will change what the actors wait for (the child's flush at exit
//!   ends once its feeder writes), but has not been given the CPU yet.
//!
//! Such a thread is *runnable* (`R` in `/proc/<pid>/task/<tid>/stat`), while a really
//! stuck one sleeps (`S`) in its futex or poll: so a candidate is not reported while a
//! stuck actor's thread, or any thread of the run's live processes that is no actor's,
//! is runnable. Actors outside the stuck set need no look: the checker already counts
//! them as able.

use std::collections::{BTreeSet, HashSet};

use crate::checker::snapshot::{ActorId, ActorState};
use crate::engine::arena::Arena;

/// Whether the OS shows a thread runnable that could still change the stuck actors'
/// waits: one of `stuck`'s own, or an engine helper in any live process of the run.
/// Unreadable entries (the thread just ended) count as not runnable.
pub fn any_runnable(arena: &Arena, stuck: &BTreeSet<ActorId>) -> bool {
    let mut actor_tids = HashSet::new();
    let mut pids = BTreeSet::new();
    for id in 0..arena.actor_count() {
        let slot = arena.actor(id);
        let (pid, tid) = slot.pid_tid();
        if tid > 0 {
            actor_tids.insert(tid);
        }
        if pid > 0 && slot.state() != Some(ActorState::Exited) {
            pids.insert(pid);
        }
    }
    let stuck_runnable = stuck.iter().any(|&a| {
        let (pid, tid) = arena.actor(a).pid_tid();
        pid > 0 && tid > 0 && may_run(pid, tid)
    });
    stuck_runnable
        || pids.iter().any(|&pid| {
            threads_of(pid)
                .into_iter()
                .any(|tid| !actor_tids.contains(&tid) && may_run(pid, tid))
        })
}

/// Runnable, or in an uninterruptible sleep that ends by itself (a page fault, a
/// write to a slow device).
fn may_run(pid: i32, tid: i32) -> bool {
    thread_state(pid, tid).is_some_and(|s| s == 'R' || s == 'D')
}

/// The thread ids of a process (empty once it is gone).
fn threads_of(pid: i32) -> Vec<i32> {
    let Ok(dir) = std::fs::read_dir(format!("/proc/{pid}/task")) else {
        return Vec::new();
    };
    dir.filter_map(|e| e.ok()?.file_name().to_str()?.parse().ok())
        .collect()
}

/// The state letter of a thread (`R`, `S`, `D`, `Z`...).
fn thread_state(pid: i32, tid: i32) -> Option<char> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/task/{tid}/stat")).ok()?;
    // The command name is in parentheses and may contain spaces: the state follows the
    // last ')'.
    stat.rsplit_once(')')?.1.trim_start().chars().next()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_calling_thread_is_running() {
        // SAFETY: getpid/gettid have no preconditions.
        let (pid, tid) = unsafe { (libc::getpid(), libc::gettid()) };
        assert_eq!(thread_state(pid, tid), Some('R'));
    }

    #[test]
    fn the_threads_of_this_process_include_the_caller() {
        // SAFETY: getpid/gettid have no preconditions.
        let (pid, tid) = unsafe { (libc::getpid(), libc::gettid()) };
        assert!(threads_of(pid).contains(&tid));
        assert!(threads_of(-1).is_empty());
    }

    #[test]
    fn a_sleeping_thread_is_not_runnable() {
        let (tx, rx) = std::sync::mpsc::channel();
        let (done_tx, done_rx) = std::sync::mpsc::channel::<()>();
        let t = std::thread::spawn(move || {
            // SAFETY: gettid has no preconditions.
            tx.send(unsafe { libc::gettid() }).unwrap();
            let _ = done_rx.recv();
        });
        let tid = rx.recv().unwrap();
        // SAFETY: getpid has no preconditions.
        let pid = unsafe { libc::getpid() };
        // It blocks in recv: wait until the OS shows it asleep.
        let mut state = None;
        for _ in 0..1000 {
            state = thread_state(pid, tid);
            if state == Some('S') {
                break;
            }
            std::thread::sleep(std::time::Duration::from_millis(1));
        }
        assert_eq!(state, Some('S'));
        done_tx.send(()).unwrap();
        t.join().unwrap();
    }

    /// A stuck actor asleep, and a thread of its process that is no actor: runnable
    /// while it spins, not once it sleeps.
    #[test]
    fn a_runnable_helper_thread_holds_the_verdict_back() {
        use crate::checker::snapshot::ActorKind;
        use crate::engine::arena::ArenaCaps;
        use std::sync::atomic::{AtomicBool, Ordering};
        let arena = Arena::new(ArenaCaps {
            actors: 4,
            resources: 1,
            log_bytes: 256,
            heap_bytes: 4096,
        })
        .unwrap();
        let actor = arena
            .alloc_actor(ActorKind::Process, None, None, "main", "MainProcess")
            .unwrap();
        let (tx, rx) = std::sync::mpsc::channel();
        let (done_tx, done_rx) = std::sync::mpsc::channel::<()>();
        let sleeper = std::thread::spawn(move || {
            // SAFETY: getpid/gettid have no preconditions.
            tx.send(unsafe { (libc::getpid(), libc::gettid()) })
                .unwrap();
            let _ = done_rx.recv();
        });
        let (pid, tid) = rx.recv().unwrap();
        arena.actor(actor).set_pid_tid(pid, tid);
        while thread_state(pid, tid) != Some('S') {
            std::thread::sleep(std::time::Duration::from_millis(1));
        }
        let stuck: BTreeSet<ActorId> = [actor].into();
        // The test harness's own thread (this one) is no actor and is running.
        assert!(any_runnable(&arena, &stuck));
        // Registered as an actor outside the stuck set, it no longer counts...
        let me = arena
            .alloc_actor(ActorKind::Thread, Some(actor), Some(actor), "me", "me")
            .unwrap();
        // SAFETY: gettid has no preconditions.
        arena.actor(me).set_pid_tid(pid, unsafe { libc::gettid() });
        // (The harness's other threads sleep; one may be caught waking briefly.)
        assert!((0..1000).any(|_| {
            std::thread::sleep(std::time::Duration::from_millis(1));
            !any_runnable(&arena, &stuck)
        }));
        // ...and a helper that spins does.
        let spin = std::sync::Arc::new(AtomicBool::new(true));
        let s2 = spin.clone();
        let helper = std::thread::spawn(move || {
            while s2.load(Ordering::Relaxed) {
                std::hint::spin_loop();
            }
        });
        assert!(any_runnable(&arena, &stuck));
        spin.store(false, Ordering::Relaxed);
        helper.join().unwrap();
        done_tx.send(()).unwrap();
        sleeper.join().unwrap();
    }
}
