//! Misuse of a synchronization primitive, and the exact CPython exception it becomes.

use crate::core::names::ExcType;
use crate::core::value::Exception;
use crate::engine::arena::CapError;
use crate::syntax::span::Span;

/// What went wrong. [`SyncError::to_exception`] turns it into the exception CPython 3.11
/// raises for the `threading`/`queue` (`mp = false`) or `multiprocessing` (`mp = true`)
/// flavour of the primitive.
#[derive(Clone, Debug, PartialEq)]
pub enum SyncError {
    /// `Lock.release()` on an unlocked lock.
    ReleaseUnlocked,
    /// `RLock.release()` by a thread that does not hold it.
    NotOwner,
    /// A bounded semaphore released above its initial value.
    OverRelease,
    /// `Condition.wait()` without holding the condition's lock.
    WaitUnowned,
    /// `Condition.notify()`/`notify_all()` without holding the condition's lock.
    NotifyUnowned,
    /// `Lock.acquire(False, timeout)`.
    TimeoutWithoutBlocking,
    /// `threading.Semaphore.acquire(False, timeout)` (its own wording).
    SemTimeoutWithoutBlocking,
    /// `Lock.acquire(timeout=t)` with `t < 0` and `t != -1`.
    NegativeTimeout,
    /// `Lock.acquire(timeout=nan)`.
    NanTimeout,
    /// `Lock.acquire(timeout=t)` with `t` beyond what a `time_t` of nanoseconds holds.
    TimeoutOverflow,
    /// `Semaphore(value)` with `value < 0`.
    NegativeInitial,
    /// `Semaphore.release(n)` with `n < 1`.
    ReleaseCount,
    /// The barrier is broken (timeout, abort, reset, or a failed action).
    BrokenBarrier,
    /// `task_done()` more often than items were put.
    TaskDoneTooMany,
    /// `get` on an empty queue without blocking, or after the timeout.
    Empty,
    /// `put` on a full queue without blocking, or after the timeout.
    Full,
    /// `Queue.get/put(timeout=t)` with `t < 0`.
    QueueNegativeTimeout,
    /// Comparing two `PriorityQueue` items raised (usually `TypeError`).
    Compare(Exception),
    /// The arena ran out of records. The engine reports this as a cap; as an exception
    /// it is a `RuntimeError` naming the cap.
    Cap(CapError),
}

impl From<CapError> for SyncError {
    fn from(e: CapError) -> SyncError {
        SyncError::Cap(e)
    }
}

impl SyncError {
    /// CPython's exception class and `str(e)` for this misuse.
    pub fn python(&self, mp: bool) -> (ExcType, String) {
        use ExcType::*;
        let (ty, msg): (ExcType, &str) = match (self, mp) {
            (SyncError::ReleaseUnlocked, false) => (RuntimeError, "release unlocked lock"),
            (SyncError::ReleaseUnlocked | SyncError::OverRelease, true) => {
                (ValueError, "semaphore or lock released too many times")
            }
            (SyncError::NotOwner, false) => (RuntimeError, "cannot release un-acquired lock"),
            (SyncError::NotOwner, true) => (
                AssertionError,
                "attempt to release recursive lock not owned by thread",
            ),
            (SyncError::OverRelease, false) => (ValueError, "Semaphore released too many times"),
            (SyncError::WaitUnowned, false) => (RuntimeError, "cannot wait on un-acquired lock"),
            (SyncError::WaitUnowned, true) => (
                AssertionError,
                "must acquire() condition before using wait()",
            ),
            (SyncError::NotifyUnowned, false) => {
                (RuntimeError, "cannot notify on un-acquired lock")
            }
            (SyncError::NotifyUnowned, true) => (AssertionError, "lock is not owned"),
            (SyncError::TimeoutWithoutBlocking, _) => (
                ValueError,
                "can't specify a timeout for a non-blocking call",
            ),
            (SyncError::SemTimeoutWithoutBlocking, _) => {
                (ValueError, "can't specify timeout for non-blocking acquire")
            }
            (SyncError::NegativeTimeout, _) => (ValueError, "timeout value must be positive"),
            (SyncError::NanTimeout, _) => (ValueError, "Invalid value NaN (not a number)"),
            (SyncError::TimeoutOverflow, _) => {
                (OverflowError, "timestamp out of range for platform time_t")
            }
            (SyncError::NegativeInitial, false) => {
                (ValueError, "semaphore initial value must be >= 0")
            }
            // multiprocessing passes the value to sem_open, which refuses it.
            (SyncError::NegativeInitial, true) => (OSError, "[Errno 22] Invalid argument"),
            (SyncError::ReleaseCount, _) => (ValueError, "n must be one or more"),
            (SyncError::BrokenBarrier, _) => (BrokenBarrierError, ""),
            (SyncError::TaskDoneTooMany, _) => (ValueError, "task_done() called too many times"),
            (SyncError::Empty, _) => (QueueEmpty, ""),
            (SyncError::Full, _) => (QueueFull, ""),
            (SyncError::QueueNegativeTimeout, _) => {
                (ValueError, "'timeout' must be a non-negative number")
            }
            (SyncError::Compare(e), _) => return (e.ty, e.msg.clone()),
            (SyncError::Cap(c), _) => return (RuntimeError, c.to_string()),
        };
        (ty, msg.to_string())
    }

    /// The exception to raise at `span` (a comparison error keeps its own span).
    pub fn to_exception(&self, mp: bool, span: Span) -> Exception {
        if let SyncError::Compare(e) = self {
            return e.clone();
        }
        let (ty, msg) = self.python(mp);
        Exception { ty, msg, span }
    }
}
