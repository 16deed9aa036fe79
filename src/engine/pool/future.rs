//! A result object's arena record: a `Future`, an `AsyncResult` (`apply_async`,
//! `map_async`), an `imap` iterator, or the hidden record behind `executor.map`.
//!
//! A record stands for one or more chunks of work, each a task in the pool's queue.
//! Fields: `word[0]` the state, `word[1]` a [`seq_word`] bumped whenever a chunk completes
//! (but a `map`'s, whose waiters only wait for the end) and when the record ends (waiters sleep on it), `count` 1 once done (what the checker
//! reads), `link` the worker running it. Payload: the pool (`+ 1`), the number of chunks,
//! the chunks done, the first failed chunk (`+ 1`, in completion order), the heap table
//! of a process pool (`+ 1`; three words per chunk: the encoded result's word `+ 1` and
//! length, and the chunk's completion stamp; a thread pool keeps these in its
//! `LocalWork`), the mode and chunk size, the item count, the record's completion stamp.

use std::sync::atomic::Ordering::SeqCst;
use std::time::Instant;

use super::seq_word;
use crate::checker::snapshot::{ActorId, ResId, Wait, WaitOp};
use crate::engine::arena::{ActorCtx, Arena, ResRecord};
use crate::engine::wait_recorder::WaitRecorder;
use crate::syntax::span::Span;

/// Queued.
pub const PENDING: u32 = 0;
/// A worker runs one of its chunks.
pub const RUNNING: u32 = 1;
/// Done: a result or an exception is stored.
pub const FINISHED: u32 = 2;
/// `cancel()`ed before it ran.
pub const CANCELLED: u32 = 3;
/// The result is stored and the process pool's callback handler has yet to run the
/// callbacks (CPython sets the result's event only after them).
pub const READY: u32 = 4;

/// What the chunks' results make.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// `apply_async`, `submit`: one call, one value.
    Apply = 0,
    /// `map_async`/`map`/`starmap`: a list; the first failure ends it.
    Map = 1,
    /// `imap`: items in order, one `next()` at a time.
    Imap = 2,
    /// `imap_unordered`: items in completion order.
    ImapUnordered = 3,
    /// `executor.map`: a list in order, raising at the first failed item in order.
    ExecMap = 4,
}

impl Mode {
    fn from(v: u64) -> Mode {
        match v & 0xff {
            1 => Mode::Map,
            2 => Mode::Imap,
            3 => Mode::ImapUnordered,
            4 => Mode::ExecMap,
            _ => Mode::Apply,
        }
    }
}

/// `apply_async`/`map_async` was given a callback (see [`READY`]).
pub const FLAG_CALLBACKS: u64 = 1 << 8;

const POOL: usize = 0;
const CHUNKS: usize = 1;
const DONE: usize = 2;
const FAILED: usize = 3;
const TABLE: usize = 4;
const MODE: usize = 5;
const ITEMS: usize = 6;
const STAMP: usize = 7;

/// Words per chunk in the heap table.
const ROW: usize = 3;

/// Nanoseconds of `CLOCK_MONOTONIC`: the same clock in every process of the run, so
/// completion stamps order completions across processes.
pub fn now_ns() -> u64 {
    let t = rustix::time::clock_gettime(rustix::time::ClockId::Monotonic);
    (t.tv_sec as u64) * 1_000_000_000 + t.tv_nsec as u64
}

/// View of a result record.
#[derive(Clone, Copy)]
pub struct FutureRec<'a> {
    pub id: ResId,
    pub rec: &'a ResRecord,
    arena: &'a Arena,
}

impl<'a> FutureRec<'a> {
    pub fn of(arena: &'a Arena, id: ResId) -> FutureRec<'a> {
        FutureRec {
            id,
            rec: arena.res(id),
            arena,
        }
    }

    /// Fills a fresh record, with a heap table for its chunks' results if `table` (a
    /// process pool); `false` when the heap has no room for it.
    #[allow(clippy::too_many_arguments)]
    pub fn init(
        &self,
        pool: ResId,
        mode: Mode,
        flags: u64,
        chunks: usize,
        chunksize: usize,
        items: usize,
        table: bool,
    ) -> bool {
        let p = &self.rec.payload;
        if table {
            let Some(t) = self.arena.heap_alloc((chunks * ROW).max(1)) else {
                return false;
            };
            for i in 0..chunks * ROW {
                self.arena.heap_word(t + i).store(0, SeqCst);
            }
            p[TABLE].store(t as u64 + 1, SeqCst);
        }
        p[POOL].store(u64::from(pool) + 1, SeqCst);
        p[CHUNKS].store(chunks as u64, SeqCst);
        p[MODE].store(mode as u64 | flags | ((chunksize as u64) << 32), SeqCst);
        p[ITEMS].store(items as u64, SeqCst);
        if chunks == 0 {
            // `map` over nothing is done at once.
            self.complete(FINISHED);
        }
        true
    }

    pub fn pool(&self) -> Option<ResId> {
        match self.rec.payload[POOL].load(SeqCst) {
            0 => None,
            p => Some((p - 1) as ResId),
        }
    }

    pub fn state(&self) -> u32 {
        self.rec.word[0].load(SeqCst)
    }

    /// Finished or cancelled (a `READY` record is not done until its callbacks ran).
    pub fn done(&self) -> bool {
        matches!(self.state(), FINISHED | CANCELLED)
    }

    pub fn mode(&self) -> Mode {
        Mode::from(self.rec.payload[MODE].load(SeqCst))
    }

    pub fn has_callbacks(&self) -> bool {
        self.rec.payload[MODE].load(SeqCst) & FLAG_CALLBACKS != 0
    }

    pub fn chunksize(&self) -> usize {
        (self.rec.payload[MODE].load(SeqCst) >> 32) as usize
    }

    pub fn chunks(&self) -> usize {
        self.rec.payload[CHUNKS].load(SeqCst) as usize
    }

    pub fn items(&self) -> usize {
        self.rec.payload[ITEMS].load(SeqCst) as usize
    }

    /// The first chunk that failed, in completion order.
    pub fn failed_chunk(&self) -> Option<u32> {
        match self.rec.payload[FAILED].load(SeqCst) {
            0 => None,
            c => Some((c - 1) as u32),
        }
    }

    /// When the record completed (0 while it has not).
    pub fn stamp(&self) -> u64 {
        self.rec.payload[STAMP].load(SeqCst)
    }

    /// Heap word `i` of chunk `chunk`'s row; `None` without a table (a thread pool) or
    /// beyond the last chunk.
    fn cell(&self, chunk: u32, i: usize) -> Option<&'a std::sync::atomic::AtomicU64> {
        let table = self.rec.payload[TABLE].load(SeqCst) as usize;
        if table == 0 || chunk as usize >= self.chunks() {
            return None;
        }
        Some(self.arena.heap_word(table - 1 + chunk as usize * ROW + i))
    }

    /// When a process pool's chunk `chunk` completed (0 while it has not; always 0 for a
    /// thread pool, whose stamps are in its `LocalWork`).
    pub fn chunk_stamp(&self, chunk: u32) -> u64 {
        self.cell(chunk, 2).map_or(0, |c| c.load(SeqCst))
    }

    /// The encoded result of a process pool's chunk.
    pub fn chunk_blob(&self, chunk: u32) -> Option<super::blobs::Blob> {
        match self.cell(chunk, 0)?.load(SeqCst) {
            0 => None,
            w => Some(super::blobs::Blob {
                word: (w - 1) as usize,
                len: self.cell(chunk, 1)?.load(SeqCst) as usize,
            }),
        }
    }

    pub fn set_chunk_blob(&self, chunk: u32, blob: super::blobs::Blob) {
        if let (Some(len), Some(word)) = (self.cell(chunk, 1), self.cell(chunk, 0)) {
            len.store(blob.len as u64, SeqCst);
            word.store(blob.word as u64 + 1, SeqCst);
        }
    }

    /// Wakes everyone waiting on this record.
    pub fn bump(&self) {
        seq_word::bump(&self.rec.word[1]);
    }

    /// A worker starts one of its chunks: `false` if it was cancelled (skip it). No
    /// waiter sleeps until a record runs (`running()` only polls), so no bump: a busy
    /// pool would otherwise wake its waiters twice per task.
    pub fn start(&self, worker: ActorId) -> bool {
        let moved = self.rec.word[0]
            .compare_exchange(PENDING, RUNNING, SeqCst, SeqCst)
            .is_ok();
        if !moved && self.state() == CANCELLED {
            return false;
        }
        self.rec.set_link(Some(worker));
        true
    }

    /// `cancel()`: only a queued record can be cancelled.
    pub fn cancel(&self) -> bool {
        let state = self.state();
        if state == CANCELLED {
            return true;
        }
        if self.rec.word[0]
            .compare_exchange(PENDING, CANCELLED, SeqCst, SeqCst)
            .is_err()
        {
            return false;
        }
        self.mark_done();
        true
    }

    /// Records chunk `chunk` as done (its result already stored); returns `true` when
    /// this made the whole record complete (then the caller runs callbacks / finishes).
    pub fn chunk_done(&self, chunk: u32, ok: bool) -> bool {
        if let Some(stamp) = self.cell(chunk, 2) {
            stamp.store(now_ns().max(1), SeqCst);
        }
        let failed_first = !ok
            && self.rec.payload[FAILED]
                .compare_exchange(0, u64::from(chunk) + 1, SeqCst, SeqCst)
                .is_ok();
        let done = self.rec.payload[DONE].fetch_add(1, SeqCst) + 1;
        let all = done as usize >= self.chunks();
        let ends = all || (failed_first && matches!(self.mode(), Mode::Map | Mode::Apply));
        let target = if self.has_callbacks() {
            READY
        } else {
            FINISHED
        };
        let completed = ends
            && (self.rec.word[0]
                .compare_exchange(RUNNING, target, SeqCst, SeqCst)
                .is_ok()
                || self.rec.word[0]
                    .compare_exchange(PENDING, target, SeqCst, SeqCst)
                    .is_ok());
        if completed && target == FINISHED {
            self.mark_done();
        } else if completed || !matches!(self.mode(), Mode::Map | Mode::Apply) {
            // imap and executor.map wait for single chunks; a map's waiters only for
            // the record to be done, and waking them per chunk would only take a core
            // from the workers.
            self.bump();
        }
        completed
    }

    /// Moves a record to its final state (`FINISHED` after its callbacks ran).
    pub fn complete(&self, state: u32) {
        self.rec.word[0].store(state, SeqCst);
        self.mark_done();
    }

    fn mark_done(&self) {
        self.rec.payload[STAMP].store(now_ns().max(1), SeqCst);
        self.rec.count.store(1, SeqCst);
        self.bump();
    }

    /// Sleeps until `cond` holds or `deadline` passes, recording a `FutureResult` wait on
    /// this record; true if `cond` holds.
    pub fn wait_until(
        &self,
        ctx: &ActorCtx<'_>,
        deadline: Option<Instant>,
        span: Span,
        cond: impl Fn(&FutureRec<'a>) -> bool,
    ) -> bool {
        let mut waiting = false;
        let held = loop {
            let seq = seq_word::read(&self.rec.word[1]);
            if cond(self) {
                break true;
            }
            if deadline.is_some_and(|d| Instant::now() >= d) {
                break false;
            }
            if !waiting {
                ctx.begin_wait(Wait {
                    op: WaitOp::FutureResult,
                    res: Some(self.id),
                    target: None,
                    span,
                    timed: deadline.is_some(),
                    detail: 0,
                });
                waiting = true;
            }
            seq_word::wait(&self.rec.word[1], seq, deadline);
        };
        if waiting {
            ctx.end_wait();
        } else {
            ctx.progress();
        }
        held
    }
}

/// Sleeps until one of `recs` satisfies `cond` (or `deadline`), recording a wait on the
/// first record not yet done (`wait(FIRST_COMPLETED)`, `as_completed`).
pub fn wait_any(
    ctx: &ActorCtx<'_>,
    arena: &Arena,
    recs: &[ResId],
    deadline: Option<Instant>,
    span: Span,
    cond: impl Fn(&[ResId]) -> bool,
) -> bool {
    // Each record's sequence word is checked in turn with a short sleep: futexes cannot
    // wait on several words, and completions are rare events at this scale.
    let slice = std::time::Duration::from_millis(2);
    let mut waiting: Option<ResId> = None;
    let held = loop {
        if cond(recs) {
            break true;
        }
        let now = Instant::now();
        if deadline.is_some_and(|d| now >= d) {
            break false;
        }
        let Some(&pending) = recs.iter().find(|&&r| !FutureRec::of(arena, r).done()) else {
            break cond(recs);
        };
        if waiting != Some(pending) {
            ctx.begin_wait(Wait {
                op: WaitOp::FutureResult,
                res: Some(pending),
                target: None,
                span,
                timed: deadline.is_some() || recs.len() > 1,
                detail: 0,
            });
            waiting = Some(pending);
        }
        let f = FutureRec::of(arena, pending);
        let seq = seq_word::read(&f.rec.word[1]);
        let until = match deadline {
            Some(d) => d.min(now + slice),
            None => now + slice,
        };
        seq_word::wait(&f.rec.word[1], seq, Some(until));
    };
    if waiting.is_some() {
        ctx.end_wait();
    }
    held
}
