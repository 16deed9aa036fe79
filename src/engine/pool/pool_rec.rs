//! A pool's arena record: its run state, its worker counters, and the futex words its
//! workers and its callback handler sleep on.
//!
//! Fields: `word[0]` guards the task queue (a futex mutex), `word[1]` is bumped on every
//! new task and state change (idle workers sleep on it), `word[2]` is the run state,
//! `word[3]` is bumped on every completed task (the callback handler sleeps on it);
//! `count` is the number of queued tasks, `limit` the number of workers; the payload
//! holds the queue ends (see `task_queue`), the running-task count, the idle-worker count
//! and the number of workers started.

use std::sync::atomic::Ordering::SeqCst;

use crate::checker::snapshot::ResId;
use crate::engine::arena::{Arena, ResRecord};
use crate::engine::futex;

/// Accepting tasks.
pub const RUN: u32 = 0;
/// `close()` / `shutdown()`: no new tasks; workers leave once the queue is empty.
pub const CLOSE: u32 = 1;
/// `terminate()`: workers leave now; queued tasks never run.
pub const TERMINATE: u32 = 2;
/// A process-pool worker died abruptly: `BrokenProcessPool`.
pub const BROKEN: u32 = 3;

/// Payload slots.
pub(super) const HEAD: usize = 0;
pub(super) const TAIL: usize = 1;
const RUNNING: usize = 2;
const IDLE: usize = 3;
const STARTED: usize = 4;

/// View of a pool's record.
#[derive(Clone, Copy)]
pub struct PoolRec<'a> {
    pub id: ResId,
    pub rec: &'a ResRecord,
}

impl<'a> PoolRec<'a> {
    pub fn of(arena: &'a Arena, id: ResId) -> PoolRec<'a> {
        PoolRec {
            id,
            rec: arena.res(id),
        }
    }

    /// The queue's guard mutex word.
    pub fn mutex(&self) -> &'a std::sync::atomic::AtomicU32 {
        &self.rec.word[0]
    }

    /// The word idle workers sleep on.
    pub fn work_seq(&self) -> &'a std::sync::atomic::AtomicU32 {
        &self.rec.word[1]
    }

    /// The word the callback handler sleeps on.
    pub fn done_seq(&self) -> &'a std::sync::atomic::AtomicU32 {
        &self.rec.word[3]
    }

    pub fn state(&self) -> u32 {
        self.rec.word[2].load(SeqCst)
    }

    /// Moves to `state` (never back to `RUN`, never out of `TERMINATE`/`BROKEN` into a
    /// milder state) and wakes every worker and the handler to look.
    pub fn set_state(&self, state: u32) {
        let _ = self.rec.word[2].fetch_update(SeqCst, SeqCst, |s| (state > s).then_some(state));
        self.wake_workers();
        self.bump_done();
    }

    pub fn wake_workers(&self) {
        self.work_seq().fetch_add(1, SeqCst);
        futex::wake_all(self.work_seq());
    }

    pub fn bump_done(&self) {
        self.done_seq().fetch_add(1, SeqCst);
        futex::wake_all(self.done_seq());
    }

    pub fn max_workers(&self) -> usize {
        self.rec.limit.load(SeqCst).max(0) as usize
    }

    pub fn set_max_workers(&self, n: usize) {
        self.rec.limit.store(n as i64, SeqCst);
    }

    pub fn queued(&self) -> usize {
        self.rec.count.load(SeqCst).max(0) as usize
    }

    pub fn running(&self) -> u64 {
        self.rec.payload[RUNNING].load(SeqCst)
    }

    pub fn add_running(&self, delta: i64) {
        let _ = self.rec.payload[RUNNING]
            .fetch_update(SeqCst, SeqCst, |n| Some((n as i64 + delta).max(0) as u64));
    }

    pub fn idle(&self) -> u64 {
        self.rec.payload[IDLE].load(SeqCst)
    }

    pub fn add_idle(&self, delta: i64) {
        let _ = self.rec.payload[IDLE]
            .fetch_update(SeqCst, SeqCst, |n| Some((n as i64 + delta).max(0) as u64));
    }

    /// Workers started so far.
    pub fn started(&self) -> usize {
        self.rec.payload[STARTED].load(SeqCst) as usize
    }

    pub fn add_started(&self) -> usize {
        self.rec.payload[STARTED].fetch_add(1, SeqCst) as usize
    }
}
