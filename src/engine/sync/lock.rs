//! `threading.Lock` / `multiprocessing.Lock`: a futex mutex in the resource record.
//!
//! Python's Lock has no owner and may be released by any thread; the record still names
//! the last acquirer as `owner`, which is who will release it in every sane program and
//! what the checker needs to draw a lock cycle.

use std::sync::atomic::Ordering;
use std::time::Duration;

use super::{SyncError, wait_on};
use crate::checker::snapshot::{ResId, WaitOp};
use crate::core::value::HandleKind;
use crate::engine::arena::{ActorCtx, Arena};
use crate::engine::futex;
use crate::engine::wait_recorder::WaitRecorder;
use crate::syntax::span::Span;

/// A Lock: `word[0]` is the mutex, `owner` the last acquirer, `count` 1 while held.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Lock(pub ResId);

/// Acquires the mutex in `word` of record `res`, recording a `LockAcquire` wait if it
/// has to sleep. Shared by Lock, RLock and Condition's re-acquire. The uncontended case
/// is one CAS, inlined into the caller.
#[inline]
pub(super) fn acquire_word(
    ctx: &ActorCtx<'_>,
    res: ResId,
    blocking: bool,
    timeout: Option<Duration>,
    span: Span,
) -> bool {
    futex::mutex_try_lock(&ctx.arena.res(res).word[0])
        || (blocking && acquire_word_contended(ctx, res, timeout, span))
}

#[cold]
fn acquire_word_contended(
    ctx: &ActorCtx<'_>,
    res: ResId,
    timeout: Option<Duration>,
    span: Span,
) -> bool {
    let word = &ctx.arena.res(res).word[0];
    let mut blocked = false;
    let got = futex::mutex_lock(word, futex::deadline_after(timeout), || {
        blocked = true;
        ctx.begin_wait(wait_on(
            WaitOp::LockAcquire,
            res,
            span,
            timeout.is_some(),
            0,
        ));
    });
    if blocked {
        ctx.end_wait();
    }
    got
}

impl Lock {
    /// `threading.Lock()` (`mp = false`) or `multiprocessing.Lock()`.
    pub fn new(arena: &Arena, mp: bool, label: &str) -> Result<Lock, SyncError> {
        Ok(Lock(arena.alloc_res(HandleKind::Lock { mp }, label)?))
    }

    /// `acquire(blocking, timeout)`: true if acquired.
    #[inline]
    pub fn acquire(
        self,
        ctx: &ActorCtx<'_>,
        blocking: bool,
        timeout: Option<Duration>,
        span: Span,
    ) -> bool {
        let got = acquire_word(ctx, self.0, blocking, timeout, span);
        if got {
            let rec = ctx.arena.res(self.0);
            rec.set_owner(Some(ctx.actor));
            rec.count.store(1, Ordering::Relaxed);
            ctx.progress();
        }
        got
    }

    /// `release()`, from any thread or process.
    #[inline]
    pub fn release(self, ctx: &ActorCtx<'_>) -> Result<(), SyncError> {
        let rec = ctx.arena.res(self.0);
        if !futex::mutex_is_locked(&rec.word[0]) {
            return Err(SyncError::ReleaseUnlocked);
        }
        // Still inside the critical section: the next owner's stores come after ours.
        rec.set_owner(None);
        rec.count.store(0, Ordering::Relaxed);
        if !futex::mutex_unlock(&rec.word[0]) {
            return Err(SyncError::ReleaseUnlocked);
        }
        ctx.progress();
        Ok(())
    }

    /// `locked()`.
    pub fn locked(self, arena: &Arena) -> bool {
        futex::mutex_is_locked(&arena.res(self.0).word[0])
    }

    /// The last acquirer, while the lock is held.
    pub fn owner(self, arena: &Arena) -> Option<crate::checker::snapshot::ActorId> {
        arena.res(self.0).owner()
    }
}
