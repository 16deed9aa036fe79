//! `threading.RLock` / `multiprocessing.RLock`: an owner and a recursion count over the
//! same futex mutex as [`Lock`](super::Lock).

use std::sync::atomic::Ordering;
use std::time::Duration;

use super::SyncError;
use super::lock::acquire_word;
use crate::checker::snapshot::{ActorId, ResId};
use crate::core::value::HandleKind;
use crate::engine::arena::{ActorCtx, Arena};
use crate::engine::futex;
use crate::engine::wait_recorder::WaitRecorder;
use crate::syntax::span::Span;

/// An RLock: `word[0]` is the mutex, `owner` the holder, `count` the recursion depth.
/// Only the owner writes `owner` and `count` while it holds the mutex.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct RLock(pub ResId);

impl RLock {
    /// `threading.RLock()` or `multiprocessing.RLock()`.
    pub fn new(arena: &Arena, mp: bool, label: &str) -> Result<RLock, SyncError> {
        Ok(RLock(arena.alloc_res(HandleKind::RLock { mp }, label)?))
    }

    /// `acquire(blocking, timeout)`: re-entrant for the owner.
    #[inline]
    pub fn acquire(
        self,
        ctx: &ActorCtx<'_>,
        blocking: bool,
        timeout: Option<Duration>,
        span: Span,
    ) -> bool {
        let rec = ctx.arena.res(self.0);
        if rec.owner() == Some(ctx.actor) {
            rec.count.fetch_add(1, Ordering::Relaxed);
            ctx.progress();
            return true;
        }
        let got = acquire_word(ctx, self.0, blocking, timeout, span);
        if got {
            rec.set_owner(Some(ctx.actor));
            rec.count.store(1, Ordering::Relaxed);
            ctx.progress();
        }
        got
    }

    /// `release()`: only the owner may release.
    #[inline]
    pub fn release(self, ctx: &ActorCtx<'_>) -> Result<(), SyncError> {
        let rec = ctx.arena.res(self.0);
        if rec.owner() != Some(ctx.actor) {
            return Err(SyncError::NotOwner);
        }
        let left = rec.count.load(Ordering::Relaxed) - 1;
        if left > 0 {
            rec.count.store(left, Ordering::Relaxed);
        } else {
            rec.count.store(0, Ordering::Relaxed);
            rec.set_owner(None);
            futex::mutex_unlock(&rec.word[0]);
        }
        ctx.progress();
        Ok(())
    }

    /// `_is_owned()`: held by the caller.
    pub fn is_owned(self, ctx: &ActorCtx<'_>) -> bool {
        ctx.arena.res(self.0).owner() == Some(ctx.actor)
    }

    /// The holder, if any.
    pub fn owner(self, arena: &Arena) -> Option<ActorId> {
        arena.res(self.0).owner()
    }

    /// The recursion depth (0 when free).
    pub fn count(self, arena: &Arena) -> i64 {
        arena.res(self.0).count.load(Ordering::Relaxed)
    }

    /// `_release_save()`: releases every level at once; returns the depth to restore.
    pub fn release_save(self, ctx: &ActorCtx<'_>) -> Result<i64, SyncError> {
        let rec = ctx.arena.res(self.0);
        if rec.owner() != Some(ctx.actor) {
            return Err(SyncError::NotOwner);
        }
        let depth = rec.count.swap(0, Ordering::Relaxed);
        rec.set_owner(None);
        futex::mutex_unlock(&rec.word[0]);
        Ok(depth)
    }

    /// `_acquire_restore(depth)`: blocks until acquired, then restores the depth.
    pub fn acquire_restore(self, ctx: &ActorCtx<'_>, depth: i64, span: Span) {
        acquire_word(ctx, self.0, true, None, span);
        let rec = ctx.arena.res(self.0);
        rec.set_owner(Some(ctx.actor));
        rec.count.store(depth, Ordering::Relaxed);
    }
}
