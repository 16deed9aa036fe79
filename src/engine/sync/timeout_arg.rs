//! Python-level timeout arguments: the checks CPython makes before it blocks, and the
//! normalised timeout (seconds, `None` = forever) the caller then scales and passes on.

use std::time::Duration;

use super::SyncError;

/// `threading.Lock/RLock.acquire(blocking, timeout)` (`timeout` `None` = the default -1)
/// and `multiprocessing.Lock/RLock.acquire(block, timeout)`.
pub fn lock_timeout(
    mp: bool,
    blocking: bool,
    timeout: Option<f64>,
) -> Result<Option<f64>, SyncError> {
    let Some(t) = timeout else { return Ok(None) };
    if mp {
        // SemLock ignores the timeout of a non-blocking call and clamps negatives to 0.
        return Ok(Some(if t.is_nan() || t < 0.0 { 0.0 } else { t }));
    }
    // CPython converts to nanoseconds first, so conversion errors come first.
    if t.is_nan() {
        return Err(SyncError::NanTimeout);
    }
    if (t * 1e9).abs() >= 9.223_372_036_854_776e18 {
        return Err(SyncError::TimeoutOverflow);
    }
    if t == -1.0 {
        return Ok(None);
    }
    if !blocking {
        return Err(SyncError::TimeoutWithoutBlocking);
    }
    if t < 0.0 {
        return Err(SyncError::NegativeTimeout);
    }
    Ok(Some(t))
}

/// `Semaphore.acquire(blocking, timeout)`: a negative timeout means "do not wait".
pub fn semaphore_timeout(
    mp: bool,
    blocking: bool,
    timeout: Option<f64>,
) -> Result<Option<f64>, SyncError> {
    let Some(t) = timeout else { return Ok(None) };
    if !blocking && !mp {
        return Err(SyncError::SemTimeoutWithoutBlocking);
    }
    Ok(Some(clamp(t)))
}

/// `Condition.wait`, `Event.wait`, `Barrier.wait`: a negative timeout means "do not wait".
pub fn wait_timeout(timeout: Option<f64>) -> Option<f64> {
    timeout.map(clamp)
}

/// `queue.Queue.get/put(block, timeout)`: only a blocking call checks the timeout, and
/// `put` only on a bounded queue (`maxsize > 0`), as CPython does.
pub fn queue_timeout(block: bool, timeout: Option<f64>) -> Result<Option<f64>, SyncError> {
    match timeout {
        Some(t) if block && t < 0.0 => Err(SyncError::QueueNegativeTimeout),
        t => Ok(t),
    }
}

fn clamp(t: f64) -> f64 {
    if t.is_nan() || t < 0.0 { 0.0 } else { t }
}

/// Seconds to a `Duration`: negatives and NaN are zero, huge values saturate.
pub fn secs_to_duration(secs: f64) -> Duration {
    Duration::try_from_secs_f64(clamp(secs)).unwrap_or(Duration::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn threading_lock_arguments() {
        assert_eq!(lock_timeout(false, true, None), Ok(None));
        assert_eq!(lock_timeout(false, true, Some(-1.0)), Ok(None));
        assert_eq!(lock_timeout(false, false, Some(-1.0)), Ok(None));
        assert_eq!(lock_timeout(false, true, Some(0.5)), Ok(Some(0.5)));
        assert_eq!(
            lock_timeout(false, false, Some(1.0)),
            Err(SyncError::TimeoutWithoutBlocking)
        );
        assert_eq!(
            lock_timeout(false, true, Some(-2.0)),
            Err(SyncError::NegativeTimeout)
        );
        assert_eq!(
            lock_timeout(false, true, Some(1e12)),
            Err(SyncError::TimeoutOverflow)
        );
        assert_eq!(
            lock_timeout(false, true, Some(9_223_372_036.5)),
            Ok(Some(9_223_372_036.5))
        );
        assert_eq!(
            lock_timeout(false, true, Some(f64::NAN)),
            Err(SyncError::NanTimeout)
        );
    }

    #[test]
    fn multiprocessing_lock_arguments_never_fail() {
        assert_eq!(lock_timeout(true, false, Some(1.0)), Ok(Some(1.0)));
        assert_eq!(lock_timeout(true, true, Some(-3.0)), Ok(Some(0.0)));
    }

    #[test]
    fn semaphore_wait_and_queue_arguments() {
        assert_eq!(
            semaphore_timeout(false, false, Some(1.0)),
            Err(SyncError::SemTimeoutWithoutBlocking)
        );
        assert_eq!(semaphore_timeout(true, false, Some(1.0)), Ok(Some(1.0)));
        assert_eq!(semaphore_timeout(false, true, Some(-1.0)), Ok(Some(0.0)));
        assert_eq!(wait_timeout(Some(-5.0)), Some(0.0));
        assert_eq!(
            queue_timeout(true, Some(-1.0)),
            Err(SyncError::QueueNegativeTimeout)
        );
        assert_eq!(queue_timeout(false, Some(-1.0)), Ok(Some(-1.0)));
        assert_eq!(secs_to_duration(-1.0), Duration::ZERO);
        assert_eq!(secs_to_duration(1e300), Duration::MAX);
        assert_eq!(secs_to_duration(0.25), Duration::from_millis(250));
    }
}
