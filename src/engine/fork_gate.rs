//! The fork gate: a process-wide reader/writer gate that keeps `fork` from cutting a
//! critical section of another thread in half.
//!
//! After `fork` only the forking thread exists in the child. A process-local lock that
//! some other thread held at that instant stays locked forever in the child, so the
//! child would deadlock on its first use. The invariant:
//!
//! * every engine code path that holds a process-local lock (a parking_lot mutex, a
//!   `RefCell` borrow of shared bookkeeping, a half-written structure another thread
//!   reads) runs inside `with_fork_gate_shared`, which is cheap (one CAS in, one atomic
//!   decrement out, no syscall unless a fork is waiting) and reentrant per thread;
//! * `fork::fork_scenario_process` takes the gate exclusively around the `fork` call,
//!   so at the fork instant no other thread is inside such a section;
//! * a thread never forks from inside a shared section (`ForkError::GateHeldByCaller`):
//!   it would wait for itself.
//!
//! Scenario-visible resources live in the shared arena with futex primitives and are
//! not guarded by this gate: they are designed to be inherited mid-use, like CPython's.
//!
//! The state is one `AtomicU32`: bit 31 says a fork is pending or in progress, the low
//! bits count threads inside shared sections. A pending fork stops new readers
//! (writer preference, so forks cannot starve) and waits on the futex until the count
//! drains to zero. The gate is built on a raw futex rather than a parking_lot lock
//! because the child must be able to reset it without touching a parking table that
//! other, vanished, threads may have left locked.

use std::cell::Cell;
use std::sync::atomic::{AtomicU32, Ordering};

use rustix::thread::futex;

/// Bit set while a fork holds or waits for the gate.
const FORKING: u32 = 1 << 31;

/// The gate. Low bits: threads inside shared sections; `FORKING`: a fork is pending.
static GATE: AtomicU32 = AtomicU32::new(0);

thread_local! {
    /// How deep this thread is in nested shared sections. Only the outermost section
    /// touches `GATE`, so nesting never waits behind a pending fork.
    static DEPTH: Cell<u32> = const { Cell::new(0) };
}

/// Runs `f` with the fork gate held shared: no fork of this process starts while `f`
/// runs. Keep `f` short and never block in it on another thread or process.
pub fn with_fork_gate_shared<R>(f: impl FnOnce() -> R) -> R {
    let _section = SharedSection::enter();
    f()
}

/// Whether the calling thread is inside `with_fork_gate_shared`.
pub fn held_by_current_thread() -> bool {
    DEPTH.with(|depth| depth.get() > 0)
}

/// A process-local mutex that holds the fork gate shared while locked, so a fork by
/// another thread of the process never copies it locked into the child.
pub struct ForkSafeMutex<T>(parking_lot::Mutex<T>);

/// The guard of a `ForkSafeMutex`: the lock, then the gate (dropped in that order).
pub struct ForkSafeGuard<'a, T> {
    guard: parking_lot::MutexGuard<'a, T>,
    _section: SharedSection,
}

impl<T> ForkSafeMutex<T> {
    pub fn new(v: T) -> ForkSafeMutex<T> {
        ForkSafeMutex(parking_lot::Mutex::new(v))
    }

    pub fn lock(&self) -> ForkSafeGuard<'_, T> {
        let section = SharedSection::enter();
        ForkSafeGuard {
            guard: self.0.lock(),
            _section: section,
        }
    }
}

impl<T> std::ops::Deref for ForkSafeGuard<'_, T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.guard
    }
}

impl<T> std::ops::DerefMut for ForkSafeGuard<'_, T> {
    fn deref_mut(&mut self) -> &mut T {
        &mut self.guard
    }
}

/// An open shared section of the calling thread; leaving it (also by unwinding)
/// releases the gate.
struct SharedSection;

impl SharedSection {
    fn enter() -> SharedSection {
        DEPTH.with(|depth| {
            if depth.get() == 0 {
                acquire_shared();
            }
            depth.set(depth.get() + 1);
        });
        SharedSection
    }
}

impl Drop for SharedSection {
    fn drop(&mut self) {
        DEPTH.with(|depth| {
            depth.set(depth.get() - 1);
            if depth.get() == 0 {
                release_shared();
            }
        });
    }
}

fn acquire_shared() {
    loop {
        let state = GATE.load(Ordering::Relaxed);
        if state & FORKING == 0 {
            if GATE
                .compare_exchange_weak(state, state + 1, Ordering::Acquire, Ordering::Relaxed)
                .is_ok()
            {
                return;
            }
            continue;
        }
        // A wrong `state` or a signal just returns early; the loop re-reads.
        let _ = futex::wait(&GATE, futex::Flags::PRIVATE, state, None);
    }
}

fn release_shared() {
    let before = GATE.fetch_sub(1, Ordering::Release);
    if before == FORKING | 1 {
        // The last reader out lets the waiting fork in.
        wake_all();
    }
}

fn wake_all() {
    let _ = futex::wake(&GATE, futex::Flags::PRIVATE, i32::MAX as u32);
}

/// The gate held exclusively by a thread about to fork. Dropping it (in the parent)
/// reopens the gate; in the child, `reset_in_child` replaces the drop.
pub(crate) struct ExclusiveGate(());

impl ExclusiveGate {
    /// Waits until no other thread is in a shared section and keeps new ones out.
    /// `None` when the calling thread is itself inside a shared section.
    pub(crate) fn acquire() -> Option<ExclusiveGate> {
        if held_by_current_thread() {
            return None;
        }
        loop {
            let state = GATE.load(Ordering::Relaxed);
            if state & FORKING == 0 {
                if GATE
                    .compare_exchange_weak(
                        state,
                        state | FORKING,
                        Ordering::Acquire,
                        Ordering::Relaxed,
                    )
                    .is_ok()
                {
                    break;
                }
                continue;
            }
            // Another thread is forking: wait for it to reopen the gate.
            let _ = futex::wait(&GATE, futex::Flags::PRIVATE, state, None);
        }
        loop {
            let state = GATE.load(Ordering::Acquire);
            if state == FORKING {
                return Some(ExclusiveGate(()));
            }
            let _ = futex::wait(&GATE, futex::Flags::PRIVATE, state, None);
        }
    }

    /// In the forked child: the gate reopens without waking anyone, since the child
    /// has no other thread to wake.
    pub(crate) fn reset_in_child(self) {
        std::mem::forget(self);
        GATE.store(0, Ordering::Release);
    }
}

impl Drop for ExclusiveGate {
    fn drop(&mut self) {
        GATE.store(0, Ordering::Release);
        wake_all();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Barrier;
    use std::sync::atomic::AtomicBool;
    use std::sync::mpsc;
    use std::time::Duration;

    // The gate is process-wide, so these tests hold it only briefly and never assume
    // it is free of other tests' readers; each asserts only what it controls.

    #[test]
    fn shared_sections_nest_and_report_holding() {
        assert!(!held_by_current_thread());
        let inner = with_fork_gate_shared(|| with_fork_gate_shared(held_by_current_thread));
        assert!(inner);
        assert!(!held_by_current_thread());
    }

    #[test]
    fn fork_from_inside_a_shared_section_is_refused() {
        with_fork_gate_shared(|| assert!(ExclusiveGate::acquire().is_none()));
    }

    #[test]
    fn exclusive_waits_for_readers_to_leave_and_blocks_new_ones() {
        let reader_in = Barrier::new(2);
        let reader_may_leave = AtomicBool::new(false);
        let (got_exclusive, exclusive_rx) = mpsc::channel();
        std::thread::scope(|s| {
            s.spawn(|| {
                with_fork_gate_shared(|| {
                    reader_in.wait();
                    while !reader_may_leave.load(Ordering::SeqCst) {
                        std::thread::yield_now();
                    }
                })
            });
            reader_in.wait();
            let forker = s.spawn(|| {
                let gate = ExclusiveGate::acquire().expect("not inside a section");
                got_exclusive.send(()).unwrap();
                // While the gate is held exclusively a new reader must wait.
                let (entered_tx, entered_rx) = mpsc::channel();
                std::thread::scope(|s2| {
                    s2.spawn(move || with_fork_gate_shared(|| entered_tx.send(()).unwrap()));
                    assert!(entered_rx.recv_timeout(Duration::from_millis(30)).is_err());
                    drop(gate);
                    entered_rx
                        .recv_timeout(Duration::from_secs(5))
                        .expect("reader enters after fork");
                });
            });
            // The reader is still inside: the fork must stay blocked.
            assert!(
                exclusive_rx
                    .recv_timeout(Duration::from_millis(30))
                    .is_err()
            );
            reader_may_leave.store(true, Ordering::SeqCst);
            exclusive_rx
                .recv_timeout(Duration::from_secs(5))
                .expect("fork gets the gate");
            forker.join().unwrap();
        });
    }
}
