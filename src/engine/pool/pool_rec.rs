//! A pool's arena record: its run state, its worker counters, and the futex words its
//! workers and its callback handler sleep on.
//!
//! Fields: `word[0]` guards the task queue (a futex mutex), `word[1]` is bumped on every
//! new task and state change (idle workers sleep on it), `word[2]` is the run state,
//! `word[3]` is bumped on every completed task of a process pool and at every worker's
//! exit (the callback handler sleeps on it); both bumped words are [`seq_word`]s.
//! `count` is the number of queued tasks, `limit` the number of workers; the payload
//! holds the queue ends (see `task_queue`), the idle-worker count and the number of
//! workers started.

use std::sync::atomic::Ordering::SeqCst;

use super::seq_word;
use crate::checker::snapshot::ResId;
use crate::engine::arena::{Arena, ResRecord};

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
        seq_word::bump(self.work_seq());
    }

    pub fn bump_done(&self) {
        seq_word::bump(self.done_seq());
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

    /// A thread-executor worker finished a task: one more idle worker.
    pub fn add_idle(&self) {
        self.rec.payload[IDLE].fetch_add(1, SeqCst);
    }

    /// Claims up to `n` idle workers (each will take one new task); how many it got.
    pub fn take_idle(&self, n: usize) -> usize {
        match self.rec.payload[IDLE].fetch_update(SeqCst, SeqCst, |idle| {
            (idle > 0).then(|| idle.saturating_sub(n as u64))
        }) {
            Ok(idle) => (idle as usize).min(n),
            Err(_) => 0,
        }
    }

    /// Workers started so far.
    pub fn started(&self) -> usize {
        self.rec.payload[STARTED].load(SeqCst) as usize
    }

    pub fn add_started(&self) -> usize {
        self.rec.payload[STARTED].fetch_add(1, SeqCst) as usize
    }
}
