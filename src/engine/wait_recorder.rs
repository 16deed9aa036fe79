//! How a blocking operation tells the checker what it waits for.

use crate::checker::snapshot::Wait;

/// Implemented by the calling actor's context. A blocking call does
/// `begin_wait(w)` just before it may block and `end_wait()` as soon as it stops
/// waiting (acquired, timed out, or failed), so the actor's arena slot always says what
/// the actor is blocked in. `progress()` marks a completed operation.
pub trait WaitRecorder {
    fn begin_wait(&self, wait: Wait);
    fn end_wait(&self);
    fn progress(&self);
}
