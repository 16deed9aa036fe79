//! `threading.Barrier` / `multiprocessing.Barrier`: CPython's state machine (filling,
//! draining, resetting, broken) kept in the record under an internal guard, with sleepers
//! on a sequence word bumped by every state change.
//!
//! The barrier's action is scenario code, run by the interpreter: the last arrival gets
//! [`BarrierArrival::RunAction`], runs it, and calls [`Barrier::action_done`]; nobody is
//! released before that, as in CPython where the action runs under the barrier's lock.

use std::cell::Cell;
use std::sync::atomic::AtomicU64;
use std::sync::atomic::Ordering::{Relaxed, Release};
use std::time::{Duration, Instant};

use super::{SyncError, wait_on};
use crate::checker::snapshot::{ResId, WaitOp};
use crate::core::value::HandleKind;
use crate::engine::arena::actor_slot::{dec, enc};
use crate::engine::arena::{ActorCtx, Arena, ResRecord};
use crate::engine::futex::{self, Guard};
use crate::engine::wait_recorder::WaitRecorder;
use crate::syntax::span::Span;

/// A Barrier: `limit` parties, `count` arrivals inside `wait`, `word[0]` guard, `word[1]`
/// wake sequence, `payload[0]` state, `payload[1]` default timeout (ns + 1, 0 = none),
/// `payload[2]` the actor running the action (`enc`oded).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Barrier(pub ResId);

/// What `wait` tells its caller.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BarrierArrival {
    /// Passed the barrier with this arrival index (0 for the first arrival).
    Passed(i64),
    /// Last arrival: run the action, then call `action_done`, then return this index
    /// (or raise the action's exception).
    RunAction(i64),
}

// CPython's `_state` values, plus one for "the last arrival is running the action".
const FILLING: i64 = 0;
const DRAINING: i64 = 1;
const RESETTING: i64 = -1;
const BROKEN: i64 = -2;
const ACTION: i64 = 2;

fn state(rec: &ResRecord) -> i64 {
    rec.payload[0].load(Relaxed) as i64
}

fn set_state(rec: &ResRecord, s: i64) {
    rec.payload[0].store(s as u64, Relaxed);
}

/// Wakes every sleeper (guard held).
fn notify_all(rec: &ResRecord) {
    rec.word[1].fetch_add(1, Release);
    futex::wake_all(&rec.word[1]);
}

/// CPython's `_exit`: the last one out of a draining or resetting barrier refills it.
fn leave(rec: &ResRecord) {
    let left = rec.count.fetch_sub(1, Relaxed) - 1;
    if left == 0 && matches!(state(rec), RESETTING | DRAINING) {
        set_state(rec, FILLING);
        notify_all(rec);
    }
}

/// Releases the guard, sleeps until the next state change (or `deadline`), re-locks.
fn sleep<'a>(rec: &'a ResRecord, g: Guard<'a>, deadline: Option<Instant>) -> Guard<'a> {
    let seq = rec.word[1].load(Relaxed);
    drop(g);
    futex::wait(&rec.word[1], seq, deadline);
    Guard::lock(&rec.word[0])
}

fn load_timeout(w: &AtomicU64) -> Option<Duration> {
    match w.load(Relaxed) {
        0 => None,
        n => Some(Duration::from_nanos(n - 1)),
    }
}

impl Barrier {
    /// `Barrier(parties, timeout=timeout)`. Like CPython 3.11, any `parties` is accepted
    /// (a barrier of 0 or fewer parties can only break).
    pub fn new(
        arena: &Arena,
        mp: bool,
        label: &str,
        parties: i64,
        timeout: Option<Duration>,
    ) -> Result<Barrier, SyncError> {
        let id = arena.alloc_res(HandleKind::Barrier { mp }, label)?;
        let rec = arena.res(id);
        rec.limit.store(parties, Relaxed);
        let ns = timeout.map_or(0, |t| {
            u64::try_from(t.as_nanos()).unwrap_or(u64::MAX - 1) + 1
        });
        rec.payload[1].store(ns, Relaxed);
        Ok(Barrier(id))
    }

    /// `wait(timeout)`; `timeout = None` uses the barrier's default. `has_action`: the
    /// barrier was given an action, which the last arrival must run.
    pub fn wait(
        self,
        ctx: &ActorCtx<'_>,
        timeout: Option<Duration>,
        span: Span,
        has_action: bool,
    ) -> Result<BarrierArrival, SyncError> {
        let rec = ctx.arena.res(self.0);
        let timeout = timeout.or_else(|| load_timeout(&rec.payload[1]));
        let deadline = futex::deadline_after(timeout);
        let recorded = Cell::new(false);
        let record = |timed: bool| {
            if !recorded.replace(true) {
                ctx.begin_wait(wait_on(WaitOp::BarrierWait, self.0, span, timed, 0));
            }
        };
        let mut g = Guard::lock(&rec.word[0]);
        // `_enter`: block while the previous round drains or resets.
        while matches!(state(rec), DRAINING | RESETTING | ACTION) {
            record(false);
            g = sleep(rec, g, None);
        }
        if recorded.replace(false) {
            // The wait for the barrier itself may be timed: record it afresh.
            ctx.end_wait();
        }
        let result = if state(rec) < 0 {
            Err(SyncError::BrokenBarrier)
        } else {
            let index = rec.count.fetch_add(1, Relaxed);
            if index + 1 == rec.limit.load(Relaxed) {
                if has_action {
                    set_state(rec, ACTION);
                    rec.payload[2].store(u64::from(enc(Some(ctx.actor))), Relaxed);
                    drop(g);
                    if recorded.get() {
                        ctx.end_wait();
                    }
                    return Ok(BarrierArrival::RunAction(index));
                }
                set_state(rec, DRAINING);
                notify_all(rec);
                leave(rec);
                Ok(BarrierArrival::Passed(index))
            } else {
                // `_wait`: until released, broken, or timed out. A timeout that expires
                // while the action runs does not count (CPython could not re-take the
                // lock before the action ended, and then sees the barrier released).
                let passed = loop {
                    match state(rec) {
                        DRAINING => break Ok(BarrierArrival::Passed(index)),
                        s if s < 0 => break Err(SyncError::BrokenBarrier),
                        FILLING if deadline.is_some_and(|d| Instant::now() >= d) => {
                            set_state(rec, BROKEN);
                            notify_all(rec);
                            break Err(SyncError::BrokenBarrier);
                        }
                        s => {
                            record(timeout.is_some());
                            g = sleep(rec, g, if s == ACTION { None } else { deadline });
                        }
                    }
                };
                leave(rec);
                passed
            }
        };
        drop(g);
        if recorded.get() {
            ctx.end_wait();
        }
        ctx.progress();
        result
    }

    /// The last arrival finished the action: release everyone (`ok`), or break the
    /// barrier because the action raised.
    pub fn action_done(self, ctx: &ActorCtx<'_>, ok: bool) {
        let rec = ctx.arena.res(self.0);
        let _g = Guard::lock(&rec.word[0]);
        rec.payload[2].store(0, Relaxed);
        set_state(rec, if ok { DRAINING } else { BROKEN });
        notify_all(rec);
        leave(rec);
        ctx.progress();
    }

    /// Waits (guard held) until no action is running, unless the caller runs it.
    fn settle<'a>(self, ctx: &ActorCtx<'_>, rec: &'a ResRecord) -> Guard<'a> {
        let mut g = Guard::lock(&rec.word[0]);
        while state(rec) == ACTION && dec(rec.payload[2].load(Relaxed) as u32) != Some(ctx.actor) {
            g = sleep(rec, g, None);
        }
        g
    }

    /// `abort()`: breaks the barrier; every waiter gets `BrokenBarrierError`.
    pub fn abort(self, ctx: &ActorCtx<'_>) {
        let rec = ctx.arena.res(self.0);
        let _g = self.settle(ctx, rec);
        set_state(rec, BROKEN);
        notify_all(rec);
        ctx.progress();
    }

    /// `reset()`: back to empty; current waiters get `BrokenBarrierError`.
    pub fn reset(self, ctx: &ActorCtx<'_>) {
        let rec = ctx.arena.res(self.0);
        let _g = self.settle(ctx, rec);
        if rec.count.load(Relaxed) > 0 {
            if matches!(state(rec), FILLING | BROKEN) {
                set_state(rec, RESETTING);
            }
        } else {
            set_state(rec, FILLING);
        }
        notify_all(rec);
        ctx.progress();
    }

    /// `parties`.
    pub fn parties(self, arena: &Arena) -> i64 {
        arena.res(self.0).limit.load(Relaxed)
    }

    /// `n_waiting` (while the action runs, CPython still counts every arrival).
    pub fn n_waiting(self, arena: &Arena) -> i64 {
        let rec = arena.res(self.0);
        let _g = Guard::lock(&rec.word[0]);
        if matches!(state(rec), FILLING | ACTION) {
            rec.count.load(Relaxed)
        } else {
            0
        }
    }

    /// `broken`.
    pub fn broken(self, arena: &Arena) -> bool {
        state(arena.res(self.0)) == BROKEN
    }
}
