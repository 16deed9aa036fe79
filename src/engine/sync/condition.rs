//! `threading.Condition` / `multiprocessing.Condition` over a Lock or RLock.
//!
//! Waiters form a FIFO list threaded through their actor slots (`cond_next`), guarded by
//! an internal mutex in `word[0]` (a `Condition(Lock())` may be notified by any thread
//! while the lock is held, so the user's lock alone cannot protect the list). `notify(n)`
//! pops the first `n` waiters and sets each one's own `park` word, so it wakes at most
//! `n` of the threads waiting at that moment, in CPython's order, and a waiter returns
//! `True` only if a notify picked it.

use std::sync::atomic::Ordering;
use std::time::Duration;

use super::lock::Lock;
use super::rlock::RLock;
use super::{SyncError, wait_on};
use crate::checker::snapshot::{ActorId, ResId, WaitOp};
use crate::core::value::HandleKind;
use crate::engine::arena::actor_slot::{dec, enc};
use crate::engine::arena::{ActorCtx, Arena, ResRecord};
use crate::engine::futex::{self, Guard, Wake};
use crate::engine::wait_recorder::WaitRecorder;
use crate::syntax::span::Span;

/// A Condition: `link` is its lock, `count` the number of waiters, `payload[0]`/`[1]`
/// the head and tail of the waiter list (`enc`oded actor ids).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Condition(pub ResId);

/// The lock under a condition.
#[derive(Clone, Copy, Debug)]
enum CondLock {
    Plain { lock: Lock, mp: bool },
    Re(RLock),
}

impl CondLock {
    fn of(arena: &Arena, lock: ResId) -> CondLock {
        match arena.res(lock).kind() {
            Some(HandleKind::RLock { .. }) => CondLock::Re(RLock(lock)),
            kind => CondLock::Plain {
                lock: Lock(lock),
                mp: matches!(kind, Some(HandleKind::Lock { mp: true })),
            },
        }
    }

    fn is_owned(self, ctx: &ActorCtx<'_>) -> bool {
        match self {
            // threading tests a plain Lock by trying it: any holder counts.
            CondLock::Plain { lock, mp: false } => lock.locked(ctx.arena),
            // multiprocessing's SemLock remembers which thread acquired it.
            CondLock::Plain { lock, mp: true } => {
                lock.locked(ctx.arena) && lock.owner(ctx.arena) == Some(ctx.actor)
            }
            CondLock::Re(r) => r.is_owned(ctx),
        }
    }

    /// Releases the lock completely; returns the RLock depth to restore (1 for a Lock).
    fn release_save(self, ctx: &ActorCtx<'_>) -> Result<i64, SyncError> {
        match self {
            CondLock::Plain { lock, .. } => lock.release(ctx).map(|()| 1),
            CondLock::Re(r) => r.release_save(ctx),
        }
    }

    fn acquire_restore(self, ctx: &ActorCtx<'_>, depth: i64, span: Span) {
        match self {
            CondLock::Plain { lock, .. } => {
                lock.acquire(ctx, true, None, span);
            }
            CondLock::Re(r) => r.acquire_restore(ctx, depth, span),
        }
    }
}

impl Condition {
    /// `Condition(lock)`; with `lock = None`, a new RLock (labelled like the condition).
    pub fn new(
        arena: &Arena,
        mp: bool,
        label: &str,
        lock: Option<ResId>,
    ) -> Result<Condition, SyncError> {
        let lock = match lock {
            Some(l) => l,
            None => RLock::new(arena, mp, label)?.0,
        };
        let id = arena.alloc_res(HandleKind::Condition { mp }, label)?;
        arena.res(id).set_link(Some(lock));
        Ok(Condition(id))
    }

    /// The lock the condition is over.
    pub fn lock(self, arena: &Arena) -> ResId {
        arena.res(self.0).link().unwrap_or(self.0)
    }

    fn cond_lock(self, arena: &Arena) -> CondLock {
        CondLock::of(arena, self.lock(arena))
    }

    /// `acquire(...)` / `with cond:`: acquires the underlying lock.
    pub fn acquire(
        self,
        ctx: &ActorCtx<'_>,
        blocking: bool,
        timeout: Option<Duration>,
        span: Span,
    ) -> bool {
        match self.cond_lock(ctx.arena) {
            CondLock::Plain { lock, .. } => lock.acquire(ctx, blocking, timeout, span),
            CondLock::Re(r) => r.acquire(ctx, blocking, timeout, span),
        }
    }

    /// `release()`: releases the underlying lock (with that lock's errors).
    pub fn release(self, ctx: &ActorCtx<'_>) -> Result<(), SyncError> {
        match self.cond_lock(ctx.arena) {
            CondLock::Plain { lock, .. } => lock.release(ctx),
            CondLock::Re(r) => r.release(ctx),
        }
    }

    /// `wait(timeout)`: true if notified, false on timeout.
    pub fn wait(
        self,
        ctx: &ActorCtx<'_>,
        timeout: Option<Duration>,
        span: Span,
    ) -> Result<bool, SyncError> {
        let lock = self.cond_lock(ctx.arena);
        if !lock.is_owned(ctx) {
            return Err(SyncError::WaitUnowned);
        }
        let rec = ctx.arena.res(self.0);
        let me = ctx.slot();
        {
            let _g = Guard::lock(&rec.word[0]);
            me.park.store(0, Ordering::Relaxed);
            me.cond_next.store(0, Ordering::Relaxed);
            match dec(rec.payload[1].load(Ordering::Relaxed) as u32) {
                None => rec.payload[0].store(u64::from(enc(Some(ctx.actor))), Ordering::Relaxed),
                Some(tail) => ctx
                    .arena
                    .actor(tail)
                    .cond_next
                    .store(enc(Some(ctx.actor)), Ordering::Relaxed),
            }
            rec.payload[1].store(u64::from(enc(Some(ctx.actor))), Ordering::Relaxed);
            rec.count.fetch_add(1, Ordering::Relaxed);
        }
        let depth = match lock.release_save(ctx) {
            Ok(d) => d,
            Err(e) => {
                let _g = Guard::lock(&rec.word[0]);
                unlink(ctx.arena, rec, ctx.actor);
                return Err(e);
            }
        };
        ctx.begin_wait(wait_on(
            WaitOp::CondWait,
            self.0,
            span,
            timeout.is_some(),
            0,
        ));
        let deadline = futex::deadline_after(timeout);
        let mut notified = loop {
            if me.park.load(Ordering::Acquire) == 1 {
                break true;
            }
            if futex::wait(&me.park, 0, deadline) == Wake::TimedOut {
                break false;
            }
        };
        if !notified {
            let _g = Guard::lock(&rec.word[0]);
            // A notify may have picked us between the timeout and the guard: honour it.
            notified = me.park.load(Ordering::Acquire) == 1;
            if !notified {
                unlink(ctx.arena, rec, ctx.actor);
            }
        }
        ctx.end_wait();
        lock.acquire_restore(ctx, depth, span);
        Ok(notified)
    }

    /// `notify(n)`: wakes the first `n` waiters.
    pub fn notify(self, ctx: &ActorCtx<'_>, n: usize) -> Result<(), SyncError> {
        if !self.cond_lock(ctx.arena).is_owned(ctx) {
            return Err(SyncError::NotifyUnowned);
        }
        let rec = ctx.arena.res(self.0);
        let _g = Guard::lock(&rec.word[0]);
        for _ in 0..n {
            let Some(first) = dec(rec.payload[0].load(Ordering::Relaxed) as u32) else {
                break;
            };
            let slot = ctx.arena.actor(first);
            let next = slot.cond_next.load(Ordering::Relaxed);
            rec.payload[0].store(u64::from(next), Ordering::Relaxed);
            if next == 0 {
                rec.payload[1].store(0, Ordering::Relaxed);
            }
            rec.count.fetch_sub(1, Ordering::Relaxed);
            slot.park.store(1, Ordering::Release);
            futex::wake(&slot.park, 1);
        }
        ctx.progress();
        Ok(())
    }

    /// `notify_all()`.
    pub fn notify_all(self, ctx: &ActorCtx<'_>) -> Result<(), SyncError> {
        self.notify(ctx, usize::MAX)
    }

    /// How many actors are waiting.
    pub fn waiters(self, arena: &Arena) -> i64 {
        arena.res(self.0).count.load(Ordering::Relaxed)
    }
}

/// Removes `actor` from the waiter list (guard held).
fn unlink(arena: &Arena, rec: &ResRecord, actor: ActorId) {
    let me = enc(Some(actor));
    let mut prev: Option<ActorId> = None;
    let mut cur = rec.payload[0].load(Ordering::Relaxed) as u32;
    while cur != 0 {
        let slot = arena.actor(cur - 1);
        let next = slot.cond_next.load(Ordering::Relaxed);
        if cur == me {
            match prev {
                None => rec.payload[0].store(u64::from(next), Ordering::Relaxed),
                Some(p) => arena.actor(p).cond_next.store(next, Ordering::Relaxed),
            }
            if next == 0 {
                rec.payload[1].store(u64::from(enc(prev)), Ordering::Relaxed);
            }
            rec.count.fetch_sub(1, Ordering::Relaxed);
            return;
        }
        prev = Some(cur - 1);
        cur = next;
    }
}
