//! The OS's word on a deadlock candidate, before it is reported.
//!
//! The checker proves a set of actors stuck from their wait records, and the detector
//! requires the records to hold still for a settle window. One case slips through both:
//! a waiter that has been woken (the barrier tripped, the lock was released) but has not
//! been scheduled yet still shows its old wait record. On a loaded machine that can last
//! longer than the settle window. Such a thread is *runnable* (`R` in
//! `/proc/<pid>/task/<tid>/stat`), while a really stuck one sleeps (`S`) in its futex or
//! poll: so a candidate with a runnable member is not reported yet.

use std::collections::BTreeSet;

use crate::checker::snapshot::ActorId;
use crate::engine::arena::Arena;

/// Whether any of `actors` is runnable (or running) right now, as far as the OS says.
/// Unreadable entries (the thread just ended) count as not runnable.
pub fn any_runnable(arena: &Arena, actors: &BTreeSet<ActorId>) -> bool {
    actors.iter().any(|&a| {
        let (pid, tid) = arena.actor(a).pid_tid();
        pid > 0 && tid > 0 && thread_state(pid, tid).is_some_and(|s| s == 'R')
    })
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
}
