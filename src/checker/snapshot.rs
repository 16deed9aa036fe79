//! What the checker sees of a running scenario: every actor's wait record and every
//! resource's owner/holder state, copied out of the arena at one moment.
//!
//! The engine writes these records (each actor into its own slot, before any blocking
//! call); the supervisor copies them into a [`Snapshot`]; the checker is a pure function
//! of snapshots and the plan's facts.

use crate::core::value::HandleKind;
use crate::plan::ir::FuncId;
use crate::syntax::span::Span;

/// Index of an actor's slot in the arena; also the actor's identity in reports.
pub type ActorId = u32;
/// Index of a resource record in the arena (the `id` of its `Handle`).
pub type ResId = u32;

/// The operation an actor is blocked in. Each names what would let it proceed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[repr(u32)]
pub enum WaitOp {
    /// `lock.acquire()` on a Lock or RLock held by `owner`.
    LockAcquire = 1,
    /// `sem.acquire()`; released by anyone who may `release` a semaphore.
    SemAcquire,
    /// `cond.wait()`: waiting for a `notify` (the lock is released meanwhile).
    CondWait,
    /// `event.wait()`: waiting for `set`.
    EventWait,
    /// `barrier.wait()`: waiting for the other parties.
    BarrierWait,
    /// `q.get()` on an empty queue (thread or multiprocessing).
    QueueGet,
    /// `q.put()` on a full queue.
    QueuePut,
    /// `q.join()`: waiting for `task_done` of every unfinished item.
    QueueJoin,
    /// A process at its exit waiting for its queue feeder to flush into a full pipe
    /// nobody reads: the join-before-drain mechanism.
    QueueFlush,
    /// `conn.recv()` on an empty pipe.
    PipeRecv,
    /// `conn.send()` into a full pipe/socket buffer.
    PipeSend,
    /// `t.join()` / `p.join()` / the implicit join of non-daemon children at exit.
    Join,
    /// `future.result()`, `async_result.get()`, `next(imap_iter)`.
    FutureResult,
    /// `pool.join()` / `executor.shutdown(wait=True)`: waiting for the workers.
    PoolJoin,
    /// `sleep(s)`: always able to proceed.
    Sleep,
    /// `input()`.
    Input,
}

/// An actor's current wait, as recorded in its slot.
#[derive(Clone, Debug, PartialEq)]
pub struct Wait {
    pub op: WaitOp,
    /// The resource waited on (lock, queue, event, future...).
    pub res: Option<ResId>,
    /// The actor waited for (join target).
    pub target: Option<ActorId>,
    /// The scenario span of the blocking call.
    pub span: Span,
    /// A timeout is pending: the wait ends by itself, so it is never part of a deadlock.
    pub timed: bool,
    /// Operation detail: bytes to write for `QueueFlush`/`PipeSend`, item count for
    /// `QueueJoin`...; 0 when meaningless.
    pub detail: u64,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ActorKind {
    /// A process's main thread (the scenario's main actor, a `Process`, a pool worker).
    Process,
    /// A thread (a `Thread`, a `Timer`, an executor or `ThreadPool` worker).
    Thread,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ActorState {
    /// Created, not started.
    New,
    Running,
    /// In a wait (see `wait`).
    Blocked,
    Exited,
}

#[derive(Clone, Debug, PartialEq)]
pub struct ActorSnap {
    pub id: ActorId,
    /// How the scenario names it: the variable it was assigned to (`p`, `t1`), else its
    /// Python name (`Process-1`, `Thread-2`), `main` for the main actor.
    pub label: String,
    /// Python's `name` (`Process-1`, `Thread-1 (run)`, or the `name=` given).
    pub name: String,
    pub kind: ActorKind,
    /// The process actor this actor lives in (itself for a process).
    pub process: ActorId,
    /// The actor that started it (`None` for main).
    pub parent: Option<ActorId>,
    pub state: ActorState,
    pub wait: Option<Wait>,
    /// The function it runs, for "can it still signal R?" questions.
    pub func: Option<FuncId>,
    /// Bumped on every operation; unchanged between two snapshots = no progress.
    pub progress: u64,
    pub daemon: bool,
}

#[derive(Clone, Debug, PartialEq)]
pub struct ResSnap {
    pub id: ResId,
    pub kind: HandleKind,
    /// The variable it was created into (`q`, `lock_a`), or its kind and number.
    pub label: String,
    /// Lock/RLock holder (for a threading.Lock: the last acquirer, which Python does not
    /// track but which is who will release it in every sane program).
    pub owner: Option<ActorId>,
    /// RLock recursion count, semaphore value, queue length, unfinished tasks, barrier
    /// arrivals, event flag (0/1): whichever the kind has.
    pub count: i64,
    /// Queue maxsize, semaphore bound, barrier parties, pipe capacity in bytes.
    pub limit: i64,
    /// Bytes written into the pipe and not yet read (multiprocessing Queue / Pipe).
    pub pending_bytes: u64,
    /// Condition: the lock it is over. Future/AsyncResult: the worker actor running it.
    pub link: Option<u32>,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Snapshot {
    pub actors: Vec<ActorSnap>,
    pub resources: Vec<ResSnap>,
    /// Milliseconds since the run started.
    pub at_ms: u64,
}
