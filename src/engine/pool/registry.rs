//! What a pool keeps in the memory of the process that created it: its workers, the
//! calls and results of a thread pool, pending callbacks, `imap` positions. Kept
//! in the arena's local store under the pool's id (a fork copies it, as it copies the
//! Python pool object); every lock is taken inside the fork gate.

use std::collections::HashMap;
use std::sync::Arc;

use parking_lot::Mutex;

use super::local_work::LocalWork;
use crate::checker::snapshot::{ActorId, ResId};
use crate::core::value::Value;
use crate::engine::arena::Arena;
use crate::engine::fork_gate::with_fork_gate_shared;

/// Which of the four pools.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PoolKind {
    /// Workers are processes (`Pool`, `ProcessPoolExecutor`).
    pub processes: bool,
    /// `concurrent.futures` (futures, lazy workers) rather than `multiprocessing`.
    pub executor: bool,
}

/// A callback waiting for a record to complete.
#[derive(Clone)]
pub enum Callback {
    /// `apply_async(callback=)`: called with the result on success.
    Success(Value),
    /// `error_callback=`: called with the exception on failure.
    Error(Value),
    /// `future.add_done_callback(fn)`: called with the future.
    Done(Value),
}

/// The process-local side of one pool.
pub struct PoolLocal {
    pub kind: PoolKind,
    /// The process actor that created the pool: only it owns the workers.
    pub creator: ActorId,
    /// `ThreadPoolExecutor-N` / `ForkPoolWorker` naming.
    pub name_prefix: String,
    /// Where the pool was created: what its exit-time shutdown points at.
    pub span: crate::syntax::span::Span,
    pub workers: Mutex<Vec<ActorId>>,
    /// Thread pools: the calls and chunk outcomes of each result record.
    pub works: Mutex<HashMap<ResId, Arc<LocalWork>>>,
    /// Callbacks by record, in registration order.
    pub callbacks: Mutex<Vec<(ResId, Callback)>>,
    /// Process pools: the thread that runs callbacks, once started.
    pub handler: Mutex<Option<ActorId>>,
    /// `imap` iterators: items handed out so far, and for `imap_unordered` the chunks
    /// consumed and the items buffered.
    pub imap: Mutex<HashMap<ResId, ImapPos>>,
}

/// Where an `imap` iterator is.
#[derive(Default, Clone)]
pub struct ImapPos {
    pub next: usize,
    pub consumed: Vec<u32>,
    pub buffer: std::collections::VecDeque<Result<Value, Value>>,
}

impl PoolLocal {
    pub fn new(
        kind: PoolKind,
        creator: ActorId,
        name_prefix: String,
        span: crate::syntax::span::Span,
    ) -> PoolLocal {
        PoolLocal {
            kind,
            creator,
            name_prefix,
            span,
            workers: Mutex::new(Vec::new()),
            works: Mutex::new(HashMap::new()),
            callbacks: Mutex::new(Vec::new()),
            handler: Mutex::new(None),
            imap: Mutex::new(HashMap::new()),
        }
    }

    /// A thread pool's work for record `rec`.
    pub fn work(&self, rec: ResId) -> Option<Arc<LocalWork>> {
        self.with(&self.works, |w| w.get(&rec).cloned())
    }

    /// Runs `f` on a field under the fork gate.
    pub fn with<T, R>(&self, m: &Mutex<T>, f: impl FnOnce(&mut T) -> R) -> R {
        with_fork_gate_shared(|| f(&mut m.lock()))
    }
}

/// The pool `id`'s local side, if this process has it.
pub fn local(arena: &Arena, id: ResId) -> Option<Arc<PoolLocal>> {
    arena
        .local_get(id)
        .and_then(|a| a.downcast::<PoolLocal>().ok())
}

/// Pools created in this process, for the exit protocol.
static POOLS: Mutex<Vec<ResId>> = Mutex::new(Vec::new());

pub fn remember(id: ResId) {
    with_fork_gate_shared(|| POOLS.lock().push(id));
}

pub fn all() -> Vec<ResId> {
    with_fork_gate_shared(|| POOLS.lock().clone())
}
