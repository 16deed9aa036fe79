//! `Semaphore` / `BoundedSemaphore`, threading and multiprocessing flavours.
//!
//! The value lives in `count` (changed by CAS). Sleepers wait on a sequence word that a
//! release bumps only when someone sleeps, so an uncontended acquire or release is one
//! CAS plus one load.

use std::sync::atomic::Ordering::{Relaxed, SeqCst};
use std::time::Duration;

use super::{SyncError, wait_on};
use crate::checker::snapshot::{ResId, WaitOp};
use crate::core::value::HandleKind;
use crate::engine::arena::{ActorCtx, Arena, ResRecord};
use crate::engine::futex::{self, Wake};
use crate::engine::wait_recorder::WaitRecorder;
use crate::syntax::span::Span;

/// A semaphore: `count` is the value, `limit` the bound of a bounded one (-1 when
/// unbounded), `word[0]` the wake sequence, `payload[0]` the number of sleepers.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Semaphore(pub ResId);

/// Takes one unit if there is one.
fn try_take(rec: &ResRecord) -> bool {
    let mut v = rec.count.load(SeqCst);
    while v > 0 {
        match rec.count.compare_exchange_weak(v, v - 1, SeqCst, SeqCst) {
            Ok(_) => return true,
            Err(now) => v = now,
        }
    }
    false
}

impl Semaphore {
    /// `Semaphore(value)` / `BoundedSemaphore(value)`.
    pub fn new(
        arena: &Arena,
        mp: bool,
        bounded: bool,
        value: i64,
        label: &str,
    ) -> Result<Semaphore, SyncError> {
        if value < 0 {
            return Err(SyncError::NegativeInitial);
        }
        let id = arena.alloc_res(HandleKind::Semaphore { mp, bounded }, label)?;
        let rec = arena.res(id);
        rec.count.store(value, Relaxed);
        rec.limit.store(if bounded { value } else { -1 }, Relaxed);
        Ok(Semaphore(id))
    }

    /// `acquire(blocking, timeout)`: true if a unit was taken.
    #[inline]
    pub fn acquire(
        self,
        ctx: &ActorCtx<'_>,
        blocking: bool,
        timeout: Option<Duration>,
        span: Span,
    ) -> bool {
        let rec = ctx.arena.res(self.0);
        let got = try_take(rec) || (blocking && self.acquire_slow(ctx, rec, timeout, span));
        if got {
            ctx.progress();
        }
        got
    }

    #[cold]
    fn acquire_slow(
        self,
        ctx: &ActorCtx<'_>,
        rec: &ResRecord,
        timeout: Option<Duration>,
        span: Span,
    ) -> bool {
        let seq = &rec.word[0];
        // SeqCst pairs with `release`: either it sees us counted as a sleeper, or we see
        // its new value.
        rec.payload[0].fetch_add(1, SeqCst);
        let deadline = futex::deadline_after(timeout);
        let mut recorded = false;
        let got = loop {
            let s = seq.load(SeqCst);
            if try_take(rec) {
                break true;
            }
            if !recorded {
                recorded = true;
                ctx.begin_wait(wait_on(
                    WaitOp::SemAcquire,
                    self.0,
                    span,
                    timeout.is_some(),
                    0,
                ));
            }
            if futex::wait(seq, s, deadline) == Wake::TimedOut {
                break try_take(rec);
            }
        };
        rec.payload[0].fetch_sub(1, SeqCst);
        if recorded {
            ctx.end_wait();
        }
        got
    }

    /// `release(n)`.
    #[inline]
    pub fn release(self, ctx: &ActorCtx<'_>, n: i64) -> Result<(), SyncError> {
        if n < 1 {
            return Err(SyncError::ReleaseCount);
        }
        let rec = ctx.arena.res(self.0);
        let bound = rec.limit.load(Relaxed);
        let bounded = matches!(
            rec.kind(),
            Some(HandleKind::Semaphore { bounded: true, .. })
        );
        rec.count
            .fetch_update(SeqCst, SeqCst, |v| {
                let next = v.checked_add(n)?;
                (!bounded || next <= bound).then_some(next)
            })
            .map_err(|_| SyncError::OverRelease)?;
        if rec.payload[0].load(SeqCst) > 0 {
            rec.word[0].fetch_add(1, SeqCst);
            futex::wake(&rec.word[0], u32::try_from(n).unwrap_or(u32::MAX));
        }
        ctx.progress();
        Ok(())
    }

    /// The current value (`get_value()`, `_value`).
    pub fn value(self, arena: &Arena) -> i64 {
        arena.res(self.0).count.load(Relaxed)
    }
}
