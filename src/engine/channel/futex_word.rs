//! The one place channel code sleeps on a shared 32-bit word.
//!
//! Kept tiny on purpose: the engine's own futex module can replace it without touching
//! the callers. Shared (not `FUTEX_PRIVATE`) because the words live in `MAP_SHARED`
//! memory and the waker may be another process.

use std::sync::atomic::AtomicU32;
use std::time::Duration;

use rustix::thread::futex;
use rustix::time::Timespec;

/// Sleeps while `*word == expected`, for at most `timeout` (`None`: no limit). Returns on
/// a wake, a value change, the timeout or a signal: callers always re-check their word.
pub(super) fn wait(word: &AtomicU32, expected: u32, timeout: Option<Duration>) {
    let ts = timeout.map(|d| Timespec {
        tv_sec: i64::try_from(d.as_secs()).unwrap_or(i64::MAX),
        tv_nsec: i64::from(d.subsec_nanos()),
    });
    // Errors (EAGAIN: the value changed; ETIMEDOUT; EINTR) all mean "re-check".
    let _ = futex::wait(word, futex::Flags::empty(), expected, ts.as_ref());
}

/// Wakes up to `n` sleepers on `word`, in any process.
pub(super) fn wake(word: &AtomicU32, n: u32) {
    let _ = futex::wake(word, futex::Flags::empty(), n);
}
