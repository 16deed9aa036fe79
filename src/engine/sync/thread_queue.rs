//! `queue.Queue`, `LifoQueue`, `PriorityQueue` and `SimpleQueue`.
//!
//! The items are Python values, so they stay in process-local memory (attached to the
//! arena with `local_insert`; a fork copies them, as it copies a Python queue). The
//! mutex, the three condition variables and the counters live in the arena record, so
//! the checker sees the length, the unfinished tasks and every blocked `get`/`put`/`join`.
//! A thread queue is only meaningful inside the process that uses it, as in Python.

use std::any::Any;
use std::cmp::Ordering as CmpOrdering;
use std::collections::VecDeque;
use std::sync::Arc;
use std::sync::atomic::Ordering::Relaxed;
use std::time::{Duration, Instant};

use parking_lot::Mutex;

use super::{SyncError, wait_on};
use crate::checker::snapshot::{ResId, WaitOp};
use crate::core::value::{Exception, HandleKind, ThreadQueueKind, Value};
use crate::engine::arena::{ActorCtx, Arena, ResRecord};
use crate::engine::futex::{self, Wake};
use crate::engine::wait_recorder::WaitRecorder;
use crate::syntax::span::Span;

/// Python's `<`-based ordering of two values (`Less` iff `a < b`); the error (usually a
/// `TypeError`) propagates out of `put`/`get` of a `PriorityQueue`.
pub type ValueCmp<'a> = &'a dyn Fn(&Value, &Value) -> Result<CmpOrdering, Exception>;

/// A thread queue. Record: `word[0]` mutex, `word[1..4]` the `not_empty`, `not_full`
/// and `all_tasks_done` sequences; `count` = qsize, `limit` = maxsize, `payload[0]`
/// unfinished tasks, `payload[1..4]` sleepers on each sequence.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct ThreadQueue(pub ResId);

/// The process-local items.
enum Items {
    Fifo(VecDeque<Value>),
    Lifo(Vec<Value>),
    /// A binary heap in `heapq`'s exact layout (so equal priorities come out in
    /// CPython's order).
    Heap(Vec<Value>),
}

type Store = Mutex<Items>;

impl Items {
    fn new(kind: ThreadQueueKind) -> Items {
        match kind {
            ThreadQueueKind::Fifo | ThreadQueueKind::Simple => Items::Fifo(VecDeque::new()),
            ThreadQueueKind::Lifo => Items::Lifo(Vec::new()),
            ThreadQueueKind::Priority => Items::Heap(Vec::new()),
        }
    }

    fn len(&self) -> usize {
        match self {
            Items::Fifo(q) => q.len(),
            Items::Lifo(v) | Items::Heap(v) => v.len(),
        }
    }

    fn put(&mut self, item: Value, cmp: ValueCmp<'_>) -> Result<(), Exception> {
        match self {
            Items::Fifo(q) => q.push_back(item),
            Items::Lifo(v) => v.push(item),
            Items::Heap(h) => {
                // heappush: the item stays in the list even if a comparison raises.
                h.push(item);
                let last = h.len() - 1;
                sift_down(h, 0, last, cmp)?;
            }
        }
        Ok(())
    }

    /// Callers check emptiness first.
    fn get(&mut self, cmp: ValueCmp<'_>) -> Result<Value, Exception> {
        Ok(match self {
            Items::Fifo(q) => q.pop_front().unwrap_or(Value::None),
            Items::Lifo(v) => v.pop().unwrap_or(Value::None),
            Items::Heap(h) => {
                let last = h.pop().unwrap_or(Value::None);
                if h.is_empty() {
                    last
                } else {
                    // heappop: if sifting raises, the popped item is lost, as in C.
                    let top = std::mem::replace(&mut h[0], last);
                    sift_up(h, 0, cmp)?;
                    top
                }
            }
        })
    }
}

fn lt(a: &Value, b: &Value, cmp: ValueCmp<'_>) -> Result<bool, Exception> {
    Ok(cmp(a, b)? == CmpOrdering::Less)
}

/// `_heapq` `siftdown`: bubbles `h[pos]` up towards `start`, swapping as it goes.
fn sift_down(
    h: &mut [Value],
    start: usize,
    mut pos: usize,
    cmp: ValueCmp<'_>,
) -> Result<(), Exception> {
    while pos > start {
        let parent = (pos - 1) >> 1;
        if !lt(&h[pos], &h[parent], cmp)? {
            break;
        }
        h.swap(pos, parent);
        pos = parent;
    }
    Ok(())
}

/// `_heapq` `siftup`: moves the smaller child up until a leaf, then sifts down.
fn sift_up(h: &mut [Value], mut pos: usize, cmp: ValueCmp<'_>) -> Result<(), Exception> {
    let end = h.len();
    let start = pos;
    let limit = end >> 1;
    while pos < limit {
        let mut child = 2 * pos + 1;
        if child + 1 < end && !lt(&h[child], &h[child + 1], cmp)? {
            child += 1;
        }
        h.swap(pos, child);
        pos = child;
    }
    sift_down(h, start, pos, cmp)
}

/// Holds the queue's arena mutex; `wait` sleeps on one of its condition sequences.
struct Held<'a> {
    rec: &'a ResRecord,
}

impl<'a> Held<'a> {
    fn lock(rec: &'a ResRecord) -> Held<'a> {
        futex::mutex_lock(&rec.word[0], None, || {});
        Held { rec }
    }

    /// Condition wait on `word[cv]` (sleepers counted in `payload[cv]`).
    fn wait(&self, cv: usize, deadline: Option<Instant>) -> Wake {
        let (seq, sleepers) = (&self.rec.word[cv], &self.rec.payload[cv]);
        // Read under the mutex: a notify (which needs the mutex) can only come later.
        let s = seq.load(Relaxed);
        sleepers.fetch_add(1, Relaxed);
        futex::mutex_unlock(&self.rec.word[0]);
        let r = futex::wait(seq, s, deadline);
        futex::mutex_lock(&self.rec.word[0], None, || {});
        sleepers.fetch_sub(1, Relaxed);
        r
    }

    /// Wakes up to `n` sleepers of `word[cv]`.
    fn notify(&self, cv: usize, n: u32) {
        if self.rec.payload[cv].load(Relaxed) > 0 {
            self.rec.word[cv].fetch_add(1, Relaxed);
            futex::wake(&self.rec.word[cv], n);
        }
    }
}

impl Drop for Held<'_> {
    fn drop(&mut self) {
        futex::mutex_unlock(&self.rec.word[0]);
    }
}

const NOT_EMPTY: usize = 1;
const NOT_FULL: usize = 2;
const ALL_DONE: usize = 3;

/// Waits on `cv` until `ready()` (mutex held), recording `op`; `Err(())` on timeout.
#[allow(clippy::too_many_arguments)]
fn wait_until(
    held: &Held<'_>,
    ctx: &ActorCtx<'_>,
    res: ResId,
    cv: usize,
    op: WaitOp,
    timeout: Option<Duration>,
    span: Span,
    ready: impl Fn() -> bool,
    detail: impl Fn() -> u64,
) -> Result<(), ()> {
    let deadline = futex::deadline_after(timeout);
    let mut recorded = false;
    let r = loop {
        if ready() {
            break Ok(());
        }
        if deadline.is_some_and(|d| Instant::now() >= d) {
            break Err(());
        }
        if !recorded {
            recorded = true;
            ctx.begin_wait(wait_on(op, res, span, timeout.is_some(), detail()));
        }
        held.wait(cv, deadline);
    };
    if recorded {
        ctx.end_wait();
    }
    r
}

fn unfinished(rec: &ResRecord) -> i64 {
    rec.payload[0].load(Relaxed) as i64
}

impl ThreadQueue {
    /// `Queue(maxsize)` and friends (`maxsize <= 0`: unbounded; ignored for Simple).
    pub fn new(
        arena: &Arena,
        kind: ThreadQueueKind,
        maxsize: i64,
        label: &str,
    ) -> Result<ThreadQueue, SyncError> {
        let id = arena.alloc_res(HandleKind::ThreadQueue(kind), label)?;
        let maxsize = if kind == ThreadQueueKind::Simple {
            0
        } else {
            maxsize
        };
        arena.res(id).limit.store(maxsize, Relaxed);
        let store: Arc<Store> = Arc::new(Mutex::new(Items::new(kind)));
        arena.local_insert(id, store);
        Ok(ThreadQueue(id))
    }

    fn store(self, arena: &Arena) -> Arc<Store> {
        if let Some(s) = arena.local_get(self.0)
            && let Ok(s) = Arc::<dyn Any + Send + Sync>::downcast::<Store>(s)
        {
            return s;
        }
        // Not created in this process's history (cannot happen through `new`): start
        // empty rather than fail.
        let kind = match arena.res(self.0).kind() {
            Some(HandleKind::ThreadQueue(k)) => k,
            _ => ThreadQueueKind::Fifo,
        };
        let s: Arc<Store> = Arc::new(Mutex::new(Items::new(kind)));
        arena.local_insert(self.0, s.clone());
        s
    }

    fn is_simple(rec: &ResRecord) -> bool {
        rec.kind() == Some(HandleKind::ThreadQueue(ThreadQueueKind::Simple))
    }

    /// `put(item, block, timeout)`.
    pub fn put(
        self,
        ctx: &ActorCtx<'_>,
        item: Value,
        block: bool,
        timeout: Option<Duration>,
        span: Span,
        cmp: ValueCmp<'_>,
    ) -> Result<(), SyncError> {
        let rec = ctx.arena.res(self.0);
        let store = self.store(ctx.arena);
        let held = Held::lock(rec);
        let maxsize = rec.limit.load(Relaxed);
        if maxsize > 0 {
            let not_full = || rec.count.load(Relaxed) < maxsize;
            if !block {
                if !not_full() {
                    return Err(SyncError::Full);
                }
            } else if wait_until(
                &held,
                ctx,
                self.0,
                NOT_FULL,
                WaitOp::QueuePut,
                timeout,
                span,
                not_full,
                || 0,
            )
            .is_err()
            {
                return Err(SyncError::Full);
            }
        }
        let mut items = store.lock();
        let pushed = items.put(item, cmp);
        rec.count.store(items.len() as i64, Relaxed);
        drop(items);
        pushed.map_err(SyncError::Compare)?;
        if !Self::is_simple(rec) {
            rec.payload[0].fetch_add(1, Relaxed);
        }
        held.notify(NOT_EMPTY, 1);
        ctx.progress();
        Ok(())
    }

    /// `get(block, timeout)`.
    pub fn get(
        self,
        ctx: &ActorCtx<'_>,
        block: bool,
        timeout: Option<Duration>,
        span: Span,
        cmp: ValueCmp<'_>,
    ) -> Result<Value, SyncError> {
        let rec = ctx.arena.res(self.0);
        let store = self.store(ctx.arena);
        let held = Held::lock(rec);
        let not_empty = || rec.count.load(Relaxed) > 0;
        if !block {
            if !not_empty() {
                return Err(SyncError::Empty);
            }
        } else if wait_until(
            &held,
            ctx,
            self.0,
            NOT_EMPTY,
            WaitOp::QueueGet,
            timeout,
            span,
            not_empty,
            || 0,
        )
        .is_err()
        {
            return Err(SyncError::Empty);
        }
        let mut items = store.lock();
        let got = items.get(cmp);
        rec.count.store(items.len() as i64, Relaxed);
        drop(items);
        held.notify(NOT_FULL, 1);
        ctx.progress();
        got.map_err(SyncError::Compare)
    }

    /// `task_done()`.
    pub fn task_done(self, ctx: &ActorCtx<'_>) -> Result<(), SyncError> {
        let rec = ctx.arena.res(self.0);
        let held = Held::lock(rec);
        let left = unfinished(rec) - 1;
        if left <= 0 {
            if left < 0 {
                return Err(SyncError::TaskDoneTooMany);
            }
            held.notify(ALL_DONE, u32::MAX);
        }
        rec.payload[0].store(left as u64, Relaxed);
        ctx.progress();
        Ok(())
    }

    /// `join()`: blocks until every item put has been marked done.
    pub fn join(self, ctx: &ActorCtx<'_>, span: Span) {
        let rec = ctx.arena.res(self.0);
        let held = Held::lock(rec);
        let _ = wait_until(
            &held,
            ctx,
            self.0,
            ALL_DONE,
            WaitOp::QueueJoin,
            None,
            span,
            || unfinished(rec) <= 0,
            || unfinished(rec) as u64,
        );
        ctx.progress();
    }

    /// `qsize()`.
    pub fn qsize(self, arena: &Arena) -> i64 {
        arena.res(self.0).count.load(Relaxed)
    }

    /// `empty()`.
    pub fn empty(self, arena: &Arena) -> bool {
        self.qsize(arena) == 0
    }

    /// `full()`: `0 < maxsize <= qsize()`.
    pub fn full(self, arena: &Arena) -> bool {
        let max = arena.res(self.0).limit.load(Relaxed);
        0 < max && max <= self.qsize(arena)
    }

    /// `maxsize`.
    pub fn maxsize(self, arena: &Arena) -> i64 {
        arena.res(self.0).limit.load(Relaxed)
    }

    /// `unfinished_tasks`.
    pub fn unfinished_tasks(self, arena: &Arena) -> i64 {
        unfinished(arena.res(self.0))
    }
}
