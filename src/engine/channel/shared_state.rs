//! The cross-process part of a queue or a pipe end: plain atomics meant to live in a
//! shared-memory arena record (all-zero bytes are a valid, uninitialised state).

use std::sync::atomic::{AtomicU32, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use super::futex_word;

/// `_multiprocessing.SemLock.SEM_VALUE_MAX`: the bound of an "unbounded" queue.
pub const SEM_VALUE_MAX: u32 = 2_147_483_647;

/// Shared state of one multiprocessing `Queue` / `JoinableQueue` / `SimpleQueue`.
///
/// Mirrors CPython's `_sem` (`BoundedSemaphore(maxsize)`), `_rlock`, `_wlock` and
/// JoinableQueue's `_unfinished_tasks`, plus byte counters so the checker can tell how
/// many bytes sit in the pipe.
#[repr(C, align(8))]
#[derive(Default)]
pub struct MpQueueShared {
    /// Free slots: `maxsize - qsize()`. Futex word for blocked `put`s.
    sem: AtomicU32,
    /// Number of threads sleeping on `sem`, so `release` skips the syscall when none.
    sem_waiters: AtomicU32,
    /// The semaphore's bound: `maxsize`, or [`SEM_VALUE_MAX`] when `maxsize <= 0`.
    maxsize: AtomicU32,
    /// Serialises readers (`_rlock`): 0 free, 1 held, 2 held with sleepers.
    rlock: AtomicU32,
    /// Serialises writers (`_wlock`), same encoding as `rlock`.
    wlock: AtomicU32,
    /// `JoinableQueue` items put and not yet `task_done()`. Futex word for `join()`.
    unfinished: AtomicU32,
    _pad: [u32; 2],
    /// Bytes that entered the pipe (written by any process's feeder or `put`).
    bytes_written: AtomicU64,
    /// Bytes taken out of the pipe by `get`.
    bytes_read: AtomicU64,
}

const _: () = assert!(std::mem::size_of::<MpQueueShared>() <= 128);

impl MpQueueShared {
    /// Sets up a fresh queue: `maxsize <= 0` means unbounded, as in CPython.
    pub fn init(&self, maxsize: i64) {
        let bound = if maxsize <= 0 {
            SEM_VALUE_MAX
        } else {
            u32::try_from(maxsize)
                .unwrap_or(SEM_VALUE_MAX)
                .min(SEM_VALUE_MAX)
        };
        self.maxsize.store(bound, Ordering::SeqCst);
        self.sem.store(bound, Ordering::SeqCst);
        self.sem_waiters.store(0, Ordering::SeqCst);
        self.rlock.store(0, Ordering::SeqCst);
        self.wlock.store(0, Ordering::SeqCst);
        self.unfinished.store(0, Ordering::SeqCst);
        self.bytes_written.store(0, Ordering::SeqCst);
        self.bytes_read.store(0, Ordering::SeqCst);
    }

    /// The queue's `_maxsize` (`SEM_VALUE_MAX` when unbounded).
    pub fn maxsize(&self) -> u32 {
        self.maxsize.load(Ordering::SeqCst)
    }

    /// `qsize()`: puts minus gets, including items still in some feeder's buffer.
    pub fn qsize(&self) -> i64 {
        i64::from(self.maxsize()) - i64::from(self.sem.load(Ordering::SeqCst))
    }

    /// `full()`: the semaphore is at zero.
    pub fn is_full(&self) -> bool {
        self.sem.load(Ordering::SeqCst) == 0
    }

    /// JoinableQueue's unfinished task count.
    pub fn unfinished(&self) -> u32 {
        self.unfinished.load(Ordering::SeqCst)
    }

    /// Bytes written into the pipe and not yet read: `ResSnap::pending_bytes`.
    pub fn pending_bytes(&self) -> u64 {
        let w = self.bytes_written.load(Ordering::SeqCst);
        w.saturating_sub(self.bytes_read.load(Ordering::SeqCst))
    }

    pub(super) fn sem_try(&self) -> bool {
        let mut v = self.sem.load(Ordering::SeqCst);
        while v > 0 {
            match self
                .sem
                .compare_exchange_weak(v, v - 1, Ordering::SeqCst, Ordering::SeqCst)
            {
                Ok(_) => return true,
                Err(now) => v = now,
            }
        }
        false
    }

    /// Takes a slot, sleeping until `deadline` (`None`: forever). False on timeout.
    pub(super) fn sem_acquire(&self, deadline: Option<Instant>) -> bool {
        loop {
            if self.sem_try() {
                return true;
            }
            let Some(left) = remaining(deadline) else {
                return false;
            };
            // Register before the last check: a releaser that misses our registration
            // has made `sem` non-zero, which the futex compare then sees.
            self.sem_waiters.fetch_add(1, Ordering::SeqCst);
            if self.sem.load(Ordering::SeqCst) == 0 {
                futex_word::wait(&self.sem, 0, left);
            }
            self.sem_waiters.fetch_sub(1, Ordering::SeqCst);
        }
    }

    pub(super) fn sem_release(&self) {
        self.sem.fetch_add(1, Ordering::SeqCst);
        if self.sem_waiters.load(Ordering::SeqCst) > 0 {
            futex_word::wake(&self.sem, 1);
        }
    }

    pub(super) fn rlock_acquire(&self, block: bool, deadline: Option<Instant>) -> bool {
        word_lock(&self.rlock, block, deadline)
    }

    pub(super) fn rlock_release(&self) {
        word_unlock(&self.rlock);
    }

    pub(super) fn wlock_acquire(&self, block: bool, deadline: Option<Instant>) -> bool {
        word_lock(&self.wlock, block, deadline)
    }

    pub(super) fn wlock_release(&self) {
        word_unlock(&self.wlock);
    }

    pub(super) fn add_unfinished(&self) {
        self.unfinished.fetch_add(1, Ordering::SeqCst);
    }

    /// `task_done()`: false when there was nothing to finish (the ValueError case).
    pub(super) fn task_done(&self) -> bool {
        let mut v = self.unfinished.load(Ordering::SeqCst);
        loop {
            if v == 0 {
                return false;
            }
            match self.unfinished.compare_exchange_weak(
                v,
                v - 1,
                Ordering::SeqCst,
                Ordering::SeqCst,
            ) {
                Ok(_) => break,
                Err(now) => v = now,
            }
        }
        if v == 1 {
            futex_word::wake(&self.unfinished, u32::MAX);
        }
        true
    }

    /// Sleeps while the unfinished count is still `seen` (non-zero).
    pub(super) fn wait_unfinished_change(&self, seen: u32) {
        futex_word::wait(&self.unfinished, seen, None);
    }

    pub(super) fn add_written(&self, n: usize) {
        self.bytes_written.fetch_add(n as u64, Ordering::SeqCst);
    }

    pub(super) fn add_read(&self, n: usize) {
        self.bytes_read.fetch_add(n as u64, Ordering::SeqCst);
    }
}

/// Shared state of one end of a `Pipe()`: what went out of it and what came in.
#[repr(C, align(8))]
#[derive(Default)]
pub struct ConnShared {
    /// Bytes this end wrote into the channel.
    sent: AtomicU64,
    /// Bytes this end read out of the channel.
    received: AtomicU64,
    /// Resource id of the other end.
    peer: AtomicU32,
    /// 1 when the pair is duplex (a socketpair).
    duplex: AtomicU32,
}

impl ConnShared {
    /// Records the pairing; called once by `create_pipe`.
    pub(super) fn init(&self, peer: u32, duplex: bool) {
        self.sent.store(0, Ordering::SeqCst);
        self.received.store(0, Ordering::SeqCst);
        self.peer.store(peer, Ordering::SeqCst);
        self.duplex.store(u32::from(duplex), Ordering::SeqCst);
    }

    /// Resource id of the other end.
    pub fn peer(&self) -> u32 {
        self.peer.load(Ordering::SeqCst)
    }

    /// Bytes this end has written.
    pub fn sent(&self) -> u64 {
        self.sent.load(Ordering::SeqCst)
    }

    /// Bytes this end has read.
    pub fn received(&self) -> u64 {
        self.received.load(Ordering::SeqCst)
    }

    /// Bytes in flight towards this end: what `peer` sent minus what this end read.
    pub fn pending_from(&self, peer: &ConnShared) -> u64 {
        peer.sent().saturating_sub(self.received())
    }

    pub(super) fn add_sent(&self, n: usize) {
        self.sent.fetch_add(n as u64, Ordering::SeqCst);
    }

    pub(super) fn add_received(&self, n: usize) {
        self.received.fetch_add(n as u64, Ordering::SeqCst);
    }
}

/// Time left before `deadline`: `Some(None)` = no deadline, `None` = already passed.
pub(super) fn remaining(deadline: Option<Instant>) -> Option<Option<Duration>> {
    match deadline {
        None => Some(None),
        Some(d) => {
            let left = d.saturating_duration_since(Instant::now());
            if left.is_zero() {
                None
            } else {
                Some(Some(left))
            }
        }
    }
}

/// A futex mutex over one word (Drepper's three states), usable across processes.
fn word_lock(word: &AtomicU32, block: bool, deadline: Option<Instant>) -> bool {
    if word
        .compare_exchange(0, 1, Ordering::SeqCst, Ordering::SeqCst)
        .is_ok()
    {
        return true;
    }
    if !block {
        return false;
    }
    loop {
        if word.swap(2, Ordering::SeqCst) == 0 {
            return true;
        }
        let Some(left) = remaining(deadline) else {
            return false;
        };
        futex_word::wait(word, 2, left);
    }
}

fn word_unlock(word: &AtomicU32) {
    if word.swap(0, Ordering::SeqCst) == 2 {
        futex_word::wake(word, 1);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn semaphore_counts_and_times_out() {
        let s = MpQueueShared::default();
        s.init(1);
        assert_eq!(s.qsize(), 0);
        assert!(s.sem_try());
        assert!(s.is_full());
        assert_eq!(s.qsize(), 1);
        let t0 = Instant::now();
        assert!(!s.sem_acquire(Some(t0 + Duration::from_millis(30))));
        assert!(t0.elapsed() >= Duration::from_millis(30));
        s.sem_release();
        assert!(s.sem_acquire(None));
    }

    #[test]
    fn unbounded_queue_uses_sem_value_max() {
        let s = MpQueueShared::default();
        s.init(0);
        assert_eq!(s.maxsize(), SEM_VALUE_MAX);
        assert_eq!(s.qsize(), 0);
    }

    #[test]
    fn task_done_refuses_below_zero() {
        let s = MpQueueShared::default();
        s.init(0);
        assert!(!s.task_done());
        s.add_unfinished();
        assert!(s.task_done());
        assert!(!s.task_done());
    }

    #[test]
    fn word_lock_excludes_and_times_out() {
        let s = MpQueueShared::default();
        s.init(0);
        assert!(s.rlock_acquire(false, None));
        assert!(!s.rlock_acquire(false, None));
        let t0 = Instant::now();
        assert!(!s.rlock_acquire(true, Some(t0 + Duration::from_millis(20))));
        s.rlock_release();
        assert!(s.rlock_acquire(true, None));
        s.rlock_release();
    }
}
