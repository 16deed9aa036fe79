//! Futex wait/wake on 32-bit words that may live in memory shared across `fork`, and the
//! three-state mutex every arena primitive builds on.
//!
//! Nothing here uses `FUTEX_PRIVATE_FLAG`: a private futex is keyed by the process's own
//! address space, so a waiter in a forked child would never see a wake from its parent.

use std::hint::spin_loop;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

use rustix::thread::futex;

/// How a [`wait`] ended. A wake-up may be spurious: callers always re-check their word.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Wake {
    /// Woken, interrupted, or the word no longer held the expected value.
    Woken,
    /// The deadline passed.
    TimedOut,
}

/// The deadline `timeout` from now; `None` for no timeout, or for one so far away that
/// `Instant` cannot represent it (waiting forever is what such a timeout means anyway).
pub fn deadline_after(timeout: Option<Duration>) -> Option<Instant> {
    timeout.and_then(|t| Instant::now().checked_add(t))
}

/// Time left before `deadline`; `None` once it has passed.
fn remaining(deadline: Instant) -> Option<Duration> {
    deadline
        .checked_duration_since(Instant::now())
        .filter(|d| !d.is_zero())
}

/// Sleeps while `*word == expected`, until woken or `deadline` passes.
pub fn wait(word: &AtomicU32, expected: u32, deadline: Option<Instant>) -> Wake {
    let ts = match deadline {
        None => None,
        Some(d) => match remaining(d) {
            None => return Wake::TimedOut,
            Some(left) => Some(futex::Timespec {
                tv_sec: i64::try_from(left.as_secs()).unwrap_or(i64::MAX),
                tv_nsec: i64::from(left.subsec_nanos()),
            }),
        },
    };
    match futex::wait(word, futex::Flags::empty(), expected, ts.as_ref()) {
        Err(rustix::io::Errno::TIMEDOUT) => Wake::TimedOut,
        // EAGAIN (value changed), EINTR (signal) and success all mean "look again".
        _ => Wake::Woken,
    }
}

/// Wakes at most `n` waiters sleeping on `word`.
pub fn wake(word: &AtomicU32, n: u32) {
    // The only documented failures are a bad address or bad flags, neither possible
    // for a reference; a failed wake could only lose a wake-up, never corrupt state.
    let _ = futex::wake(word, futex::Flags::empty(), n);
}

/// Wakes every waiter sleeping on `word`.
pub fn wake_all(word: &AtomicU32) {
    wake(word, i32::MAX as u32);
}

/// Mutex states (Drepper, "Futexes are tricky", mutex 2).
const UNLOCKED: u32 = 0;
const LOCKED: u32 = 1;
/// Locked, and some thread may be asleep on the word: unlock must wake one.
const CONTENDED: u32 = 2;

/// Rounds of backoff before sleeping: a critical section of a few instructions ends
/// sooner than a futex round trip (tens of µs on this machine).
const SPIN_ROUNDS: u32 = 10;

/// Between two looks at a held mutex: a few pauses the first time, then `sched_yield`
/// (parking_lot's `SpinWait` goes the same way, with more spinning first). Looking at
/// the word less often leaves its cache line with the holder, which releases and
/// re-acquires it without a transfer: a thread looping on a lock runs several critical
/// sections in a row instead of handing the lock (and the data it guards) to the other
/// core at every iteration. Yielding early measured best here: the 2-thread
/// `with lock: v += 1` loop took 0.29 s wall / 0.37 s CPU for 6M iterations, against
/// 0.35 / 0.60 with 2-16 pauses before yielding and 0.50 / 0.90 with 100 flat spins.
#[inline]
fn backoff(round: u32) {
    if round == 0 {
        for _ in 0..4 {
            spin_loop();
        }
    } else {
        std::thread::yield_now();
    }
}

/// The uncontended path: one CAS.
#[inline]
pub fn mutex_try_lock(word: &AtomicU32) -> bool {
    word.compare_exchange(UNLOCKED, LOCKED, Ordering::Acquire, Ordering::Relaxed)
        .is_ok()
}

/// Locks `word` as a mutex, giving up at `deadline`. `on_block` runs once, just before
/// the first sleep (blocking calls write their wait record there). Returns whether the
/// mutex was acquired.
#[inline]
pub fn mutex_lock(word: &AtomicU32, deadline: Option<Instant>, on_block: impl FnOnce()) -> bool {
    mutex_try_lock(word) || mutex_lock_contended(word, deadline, on_block)
}

#[cold]
fn mutex_lock_contended(
    word: &AtomicU32,
    deadline: Option<Instant>,
    on_block: impl FnOnce(),
) -> bool {
    let mut state = word.load(Ordering::Relaxed);
    for round in 0..SPIN_ROUNDS {
        if state == UNLOCKED {
            match word.compare_exchange(UNLOCKED, LOCKED, Ordering::Acquire, Ordering::Relaxed) {
                Ok(_) => return true,
                Err(s) => state = s,
            }
        }
        if state == CONTENDED {
            break;
        }
        backoff(round);
        state = word.load(Ordering::Relaxed);
    }
    let mut on_block = Some(on_block);
    loop {
        // Marking the word contended before sleeping makes the holder's unlock wake us.
        if word.swap(CONTENDED, Ordering::Acquire) == UNLOCKED {
            return true;
        }
        if let Some(f) = on_block.take() {
            f();
        }
        if wait(word, CONTENDED, deadline) == Wake::TimedOut {
            // One last look: the holder may have released just as the deadline passed.
            return word.swap(CONTENDED, Ordering::Acquire) == UNLOCKED;
        }
    }
}

/// Unlocks `word`. Returns false (and leaves it unlocked) if it was not locked.
#[inline]
pub fn mutex_unlock(word: &AtomicU32) -> bool {
    match word.swap(UNLOCKED, Ordering::Release) {
        UNLOCKED => false,
        CONTENDED => {
            wake(word, 1);
            true
        }
        _ => true,
    }
}

/// True while some thread holds the mutex.
#[inline]
pub fn mutex_is_locked(word: &AtomicU32) -> bool {
    word.load(Ordering::Relaxed) != UNLOCKED
}

/// Holds an internal guard mutex (a primitive's bookkeeping lock) until dropped. Never
/// held across a sleep, so nobody records a wait for it.
pub struct Guard<'a>(&'a AtomicU32);

impl<'a> Guard<'a> {
    /// Locks the guard mutex in `word`, sleeping if needed.
    pub fn lock(word: &'a AtomicU32) -> Guard<'a> {
        // A SIGTERM from here to the release waits for it (see `term_deferral`).
        crate::engine::term_deferral::enter();
        mutex_lock(word, None, || {});
        Guard(word)
    }
}

impl Drop for Guard<'_> {
    fn drop(&mut self) {
        mutex_unlock(self.0);
        crate::engine::term_deferral::leave();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wait_returns_at_once_when_the_word_differs() {
        let w = AtomicU32::new(1);
        assert_eq!(wait(&w, 0, None), Wake::Woken);
    }

    #[test]
    fn wait_times_out() {
        let w = AtomicU32::new(0);
        let t0 = Instant::now();
        let d = deadline_after(Some(Duration::from_millis(20)));
        assert_eq!(wait(&w, 0, d), Wake::TimedOut);
        assert!(t0.elapsed() >= Duration::from_millis(20));
    }

    #[test]
    fn mutex_states() {
        let w = AtomicU32::new(0);
        assert!(mutex_try_lock(&w));
        assert!(mutex_is_locked(&w));
        assert!(!mutex_try_lock(&w));
        let d = deadline_after(Some(Duration::from_millis(10)));
        let mut blocked = false;
        assert!(!mutex_lock(&w, d, || blocked = true));
        assert!(blocked);
        assert!(mutex_unlock(&w));
        assert!(!mutex_unlock(&w));
        assert!(!mutex_is_locked(&w));
    }

    #[test]
    fn huge_timeouts_mean_forever() {
        assert_eq!(deadline_after(Some(Duration::MAX)), None);
    }
}
