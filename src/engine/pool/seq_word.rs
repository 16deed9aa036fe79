//! Sequence words that cost no syscall when nobody sleeps on them.
//!
//! Pool and result records wake their waiters by bumping a 32-bit sequence word. A
//! busy pool bumps a record's word for every finished task, and a `futex_wake` per bump
//! was most of a trivial task's cost. So bit 31 of the word says "someone may be
//! asleep here": a waiter sets it just before sleeping, a bump clears it and makes the
//! wake syscall only when it was set.
//!
//! Why no wake-up is lost: a waiter reads the word (`seen`), checks its condition, then
//! sets the bit with one atomic `fetch_or` and sleeps only if the counter still equals
//! `seen`'s. A bump that changed the condition before that `fetch_or` also changed the
//! counter (the waiter then looks again); one after it sees the bit and wakes. The
//! word lives in the shared arena and nothing here is process-private, so waiters and
//! bumpers may be in different processes.

use std::sync::atomic::AtomicU32;
use std::sync::atomic::Ordering::SeqCst;
use std::time::Instant;

use crate::engine::futex::{self, Wake};

/// Set while a waiter may be asleep on the word.
const SLEEPER: u32 = 1 << 31;

/// The word's current value, to pass to [`wait`] after checking a condition.
pub fn read(word: &AtomicU32) -> u32 {
    word.load(SeqCst)
}

/// Advances the counter (after a state change the waiters look for) and wakes the
/// sleepers, if any.
pub fn bump(word: &AtomicU32) {
    let prev = word
        .fetch_update(SeqCst, SeqCst, |v| Some(v.wrapping_add(1) & !SLEEPER))
        .unwrap_or_else(|v| v);
    if prev & SLEEPER != 0 {
        futex::wake_all(word);
    }
}

/// Sleeps until the counter moves on from `seen` (from [`read`]) or `deadline`
/// passes. May return early: callers re-check their condition.
pub fn wait(word: &AtomicU32, seen: u32, deadline: Option<Instant>) -> Wake {
    let prev = word.fetch_or(SLEEPER, SeqCst);
    if prev & !SLEEPER != seen & !SLEEPER {
        return Wake::Woken;
    }
    futex::wait(word, prev | SLEEPER, deadline)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;
    use std::sync::atomic::AtomicBool;
    use std::time::Duration;

    #[test]
    fn a_bump_without_sleepers_leaves_the_bit_clear() {
        let w = AtomicU32::new(0);
        bump(&w);
        bump(&w);
        assert_eq!(read(&w), 2);
    }

    #[test]
    fn a_stale_wait_returns_at_once() {
        let w = AtomicU32::new(0);
        let seen = read(&w);
        bump(&w);
        assert_eq!(wait(&w, seen, None), Wake::Woken);
    }

    #[test]
    fn the_counter_wraps_below_the_sleeper_bit() {
        let w = AtomicU32::new(SLEEPER - 1);
        bump(&w);
        assert_eq!(read(&w), 0);
    }

    #[test]
    fn a_sleeper_is_woken_by_the_bump_after_its_check() {
        let w = Arc::new(AtomicU32::new(0));
        let flag = Arc::new(AtomicBool::new(false));
        let (w2, f2) = (w.clone(), flag.clone());
        let t = std::thread::spawn(move || {
            loop {
                let seen = read(&w2);
                if f2.load(SeqCst) {
                    return;
                }
                // A deadline only so that a lost wake-up fails the test instead of hanging it.
                let d = Instant::now() + Duration::from_secs(5);
                assert_eq!(wait(&w2, seen, Some(d)), Wake::Woken, "lost wake-up");
            }
        });
        // Wait until the thread has announced itself asleep, then wake it.
        while read(&w) & SLEEPER == 0 {
            std::thread::yield_now();
        }
        flag.store(true, SeqCst);
        bump(&w);
        t.join().unwrap();
        assert_eq!(read(&w) & SLEEPER, 0);
    }
}
