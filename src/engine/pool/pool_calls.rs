//! Creating pools and executors, queueing work on them, and the `multiprocessing` pool
//! methods (`apply_async`, `map`, `imap`, `close`, `join`, `terminate`, ...).

use std::sync::Arc;

use super::blobs;
use super::chunk_codec::{self, ItemsRef};
use super::future::{FLAG_CALLBACKS, FutureRec, Mode};
use super::local_work::LocalWork;
use super::pool_rec::{CLOSE, PoolRec, RUN, TERMINATE};
use super::registry::{self, Callback, PoolKind, PoolLocal};
use super::task_queue;
use crate::checker::snapshot::{ActorKind, ResId};
use crate::core::names::{Builtin, ExcType, Method};
use crate::core::value::{Handle, HandleKind, Res, Unwind, Value};
use crate::core::world::{Args, Caller};
use crate::engine::actor_world::{ActorWorld, no_method};
use crate::engine::arg;
use crate::syntax::span::Span;

/// What one `queue_work` call asks for.
pub(super) struct Work {
    pub kind: HandleKind,
    pub mode: Mode,
    pub func: Value,
    /// Each item is one call: its argument (or, with `star`, its argument tuple).
    pub items: Items,
    pub star: bool,
    pub kwargs: Value,
    pub chunksize: usize,
    pub callbacks: Vec<Callback>,
}

/// A call's items: the values, or (a process pool's `map` over a `range`) the range
/// itself, so its slices cross to the workers as three numbers each.
pub(super) enum Items {
    Values(Vec<Value>),
    /// `len` ints from `start` by `step`.
    Range {
        start: i128,
        step: i128,
        len: usize,
    },
}

impl Items {
    /// How many calls.
    pub fn len(&self) -> usize {
        match self {
            Items::Values(v) => v.len(),
            Items::Range { len, .. } => *len,
        }
    }

    /// The values, materialised.
    fn into_values(self) -> Vec<Value> {
        match self {
            Items::Values(v) => v,
            Items::Range { start, step, len } => (0..len as i128)
                .map(|i| Value::Int(start + i * step))
                .collect(),
        }
    }

    /// Chunk `c` of `size` items (the last may be shorter).
    fn chunk(&self, c: usize, size: usize) -> ItemsRef<'_> {
        let from = c * size;
        let to = (from + size).min(self.len());
        match self {
            Items::Values(v) => ItemsRef::Values(&v[from..to]),
            Items::Range { start, step, .. } => ItemsRef::Range {
                start: start + from as i128 * step,
                step: *step,
                len: to - from,
            },
        }
    }
}

/// `ThreadPoolExecutor-N`: a per-process counter, as CPython's class counter.
static EXECUTOR_COUNTER: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);

impl ActorWorld {
    /// `Pool(n)`, `ThreadPool(n)`, `ThreadPoolExecutor(n)`, `ProcessPoolExecutor(n)`.
    pub(super) fn new_pool(&self, b: Builtin, args: &Args, span: Span) -> Res<Value> {
        let cpus = std::thread::available_parallelism().map_or(1, |n| n.get()) as i128;
        let (hkind, kind, name) = match b {
            Builtin::Pool => (
                HandleKind::Pool { threads: false },
                PoolKind {
                    processes: true,
                    executor: false,
                },
                "processes",
            ),
            Builtin::ThreadPool => (
                HandleKind::Pool { threads: true },
                PoolKind {
                    processes: false,
                    executor: false,
                },
                "processes",
            ),
            Builtin::ThreadPoolExecutor => (
                HandleKind::Executor { processes: false },
                PoolKind {
                    processes: false,
                    executor: true,
                },
                "max_workers",
            ),
            _ => (
                HandleKind::Executor { processes: true },
                PoolKind {
                    processes: true,
                    executor: true,
                },
                "max_workers",
            ),
        };
        let n = match arg::opt_int(args, 0, name, span)? {
            Some(n) => n,
            None if b == Builtin::ThreadPoolExecutor => (cpus + 4).min(32),
            None => cpus,
        };
        if n < 1 {
            let msg = if kind.executor {
                "max_workers must be greater than 0"
            } else {
                "Number of processes must be at least 1"
            };
            return Err(Unwind::raise(ExcType::ValueError, msg, span));
        }
        let prefix = match (b, arg::string(args, 1, "thread_name_prefix")) {
            (Builtin::ThreadPoolExecutor, Some(p)) if !p.is_empty() => p,
            (Builtin::ThreadPoolExecutor, _) => format!(
                "ThreadPoolExecutor-{}",
                EXECUTOR_COUNTER.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
            ),
            _ => String::new(),
        };
        let label = self.rt.label_at(span).unwrap_or_default();
        let id = self.alloc_res(hkind, &label, span)?;
        PoolRec::of(&self.rt.arena, id).set_max_workers(n as usize);
        let local = Arc::new(PoolLocal::new(kind, self.rt.process_actor(), prefix, span));
        self.rt.arena.local_insert(id, local.clone());
        registry::remember(id);
        if !kind.executor {
            for _ in 0..n {
                self.spawn_worker(&local, id, span)?;
            }
        }
        Ok(Value::Handle(Handle { kind: hkind, id }))
    }

    /// The pool's local side: only the process that created a pool can use it.
    pub(super) fn pool_local(&self, pool: Handle, span: Span) -> Res<Arc<PoolLocal>> {
        match registry::local(&self.rt.arena, pool.id) {
            Some(l) if l.creator == self.rt.process_actor() || !l.kind.processes => Ok(l),
            _ => Err(Unwind::raise(
                ExcType::NotImplementedError,
                "pool objects cannot be passed between processes or pickled",
                span,
            )),
        }
    }

    /// Creates the result record of `work`, registers its callbacks, and queues its
    /// chunks on `pool`.
    pub(super) fn queue_work(
        &self,
        local: &Arc<PoolLocal>,
        pool: ResId,
        work: Work,
        span: Span,
    ) -> Res<ResId> {
        let arena = &self.rt.arena;
        let chunksize = work.chunksize.max(1);
        let chunks = work.items.len().div_ceil(chunksize);
        let label = self.rt.label_at(span).unwrap_or_default();
        let id = self.alloc_res(work.kind, &label, span)?;
        let fut = FutureRec::of(arena, id);
        let flags = if work.callbacks.is_empty() {
            0
        } else {
            FLAG_CALLBACKS
        };
        let processes = local.kind.processes;
        if !fut.init(
            pool,
            work.mode,
            flags,
            chunks,
            chunksize,
            work.items.len(),
            processes,
        ) {
            return Err(self.cap_unwind("the arena's heap is full (pool tasks)", span));
        }
        if !work.callbacks.is_empty() {
            self.ensure_handler(local, pool, span)?;
            local.with(&local.callbacks, |c| {
                c.extend(work.callbacks.into_iter().map(|cb| (id, cb)));
            });
        }
        let full = || self.cap_unwind("the arena's heap is full (pool tasks)", span);
        let node = if processes {
            let mut bodies = Vec::with_capacity(chunks);
            for c in 0..chunks {
                let items = work.items.chunk(c, chunksize);
                let bytes =
                    chunk_codec::encode_task(&work.func, work.star, items, &work.kwargs, span)?;
                bodies.push(blobs::store(arena, &bytes).ok_or_else(full)?);
            }
            task_queue::new_node(arena, id, chunks as u32, &bodies).ok_or_else(full)?
        } else {
            let node = task_queue::new_node(arena, id, chunks as u32, &[]).ok_or_else(full)?;
            let mut kwargs = Vec::new();
            if let Value::Dict(d) = &work.kwargs {
                for (k, v) in d.lock().iter() {
                    if let Value::Str(s) = k {
                        kwargs.push((s.clone(), v.clone()));
                    }
                }
            }
            let items = work.items.into_values();
            let w = LocalWork::new(work.func, work.star, items, kwargs, chunksize);
            local.with(&local.works, |m| m.insert(id, Arc::new(w)));
            node
        };
        task_queue::push(arena, PoolRec::of(arena, pool), node);
        Ok(id)
    }

    pub(super) fn pool_method(
        &self,
        cx: &mut dyn Caller,
        h: Handle,
        m: Method,
        args: Args,
        span: Span,
    ) -> Res<Value> {
        let local = self.pool_local(h, span)?;
        let pool = PoolRec::of(&self.rt.arena, h.id);
        let running = || {
            if pool.state() == RUN {
                Ok(())
            } else {
                Err(Unwind::raise(ExcType::ValueError, "Pool not running", span))
            }
        };
        let func = || args.get(0, "func").cloned().unwrap_or(Value::None);
        let iterable = || -> Res<Vec<Value>> {
            let it = args.get(1, "iterable").cloned().unwrap_or(Value::None);
            crate::core::iter::to_vec(&it, span)
        };
        let callbacks = |cb_at: usize| {
            let mut cbs = Vec::new();
            if let Some(f) = arg::opt(&args, cb_at, "callback") {
                cbs.push(Callback::Success(f.clone()));
            }
            if let Some(f) = arg::opt(&args, cb_at + 1, "error_callback") {
                cbs.push(Callback::Error(f.clone()));
            }
            cbs
        };
        let result = |id: ResId, kind: HandleKind| Value::Handle(Handle { kind, id });
        match m {
            Method::Apply | Method::ApplyAsync => {
                running()?;
                let fargs = match arg::opt(&args, 1, "args") {
                    Some(v) => Value::tuple(crate::core::iter::to_vec(v, span)?),
                    None => Value::tuple(Vec::new()),
                };
                let kwargs = arg::opt(&args, 2, "kwds").cloned().unwrap_or(Value::None);
                let cbs = if m == Method::ApplyAsync {
                    callbacks(3)
                } else {
                    Vec::new()
                };
                let id = self.queue_work(
                    &local,
                    h.id,
                    Work {
                        kind: HandleKind::AsyncResult,
                        mode: Mode::Apply,
                        func: func(),
                        items: Items::Values(vec![fargs]),
                        star: true,
                        kwargs,
                        chunksize: 1,
                        callbacks: cbs,
                    },
                    span,
                )?;
                if m == Method::Apply {
                    return self.sync_get(&local, id, span);
                }
                Ok(result(id, HandleKind::AsyncResult))
            }
            Method::Map | Method::MapAsync | Method::Starmap | Method::StarmapAsync => {
                running()?;
                let items = match args.get(1, "iterable") {
                    // A process pool sends a range's slices, not its items.
                    Some(&Value::Range(start, stop, step))
                        if local.kind.processes
                            && crate::core::iter::range_len(start, stop, step)
                                <= i128::from(u32::MAX) =>
                    {
                        Items::Range {
                            start,
                            step,
                            len: crate::core::iter::range_len(start, stop, step) as usize,
                        }
                    }
                    _ => Items::Values(iterable()?),
                };
                let chunksize = match arg::opt_int(&args, 2, "chunksize", span)? {
                    Some(c) if c < 1 => {
                        return Err(Unwind::raise(
                            ExcType::ValueError,
                            format!("Chunksize must be 1+, not {c}"),
                            span,
                        ));
                    }
                    Some(c) => c as usize,
                    None => default_chunksize(items.len(), pool.max_workers()),
                };
                let is_async = matches!(m, Method::MapAsync | Method::StarmapAsync);
                let id = self.queue_work(
                    &local,
                    h.id,
                    Work {
                        kind: HandleKind::AsyncResult,
                        mode: Mode::Map,
                        func: func(),
                        items,
                        star: matches!(m, Method::Starmap | Method::StarmapAsync),
                        kwargs: Value::None,
                        chunksize,
                        callbacks: if is_async { callbacks(3) } else { Vec::new() },
                    },
                    span,
                )?;
                if is_async {
                    return Ok(result(id, HandleKind::AsyncResult));
                }
                self.sync_get(&local, id, span)
            }
            Method::Imap | Method::ImapUnordered => {
                running()?;
                let items = iterable()?;
                let chunksize = arg::opt_int(&args, 2, "chunksize", span)?.unwrap_or(1);
                if chunksize < 1 {
                    return Err(Unwind::raise(
                        ExcType::ValueError,
                        format!("Chunksize must be 1+, not {chunksize}"),
                        span,
                    ));
                }
                let id = self.queue_work(
                    &local,
                    h.id,
                    Work {
                        kind: HandleKind::ImapIter,
                        mode: if m == Method::Imap {
                            Mode::Imap
                        } else {
                            Mode::ImapUnordered
                        },
                        func: func(),
                        items: Items::Values(items),
                        star: false,
                        kwargs: Value::None,
                        chunksize: chunksize as usize,
                        callbacks: Vec::new(),
                    },
                    span,
                )?;
                Ok(result(id, HandleKind::ImapIter))
            }
            Method::Close => {
                if pool.state() == RUN {
                    pool.set_state(CLOSE);
                }
                Ok(Value::None)
            }
            Method::Terminate => {
                self.terminate_pool(&local, h.id, span);
                Ok(Value::None)
            }
            Method::Join => {
                if pool.state() == RUN {
                    return Err(Unwind::raise(
                        ExcType::ValueError,
                        "Pool is still running",
                        span,
                    ));
                }
                self.join_workers(&local, span);
                Ok(Value::None)
            }
            _ => {
                let _ = cx;
                Err(no_method(h, m, span))
            }
        }
    }

    /// The result of a blocking `apply`/`map`. No handle to its record escapes, so once
    /// every chunk ran (a success) a thread pool's calls and outcomes for it are dropped
    /// (a loop of maps would otherwise keep every argument and result of the run). After
    /// a failure, chunks may still be queued: they run, as in CPython, and need them.
    pub(super) fn sync_get(&self, local: &PoolLocal, id: ResId, span: Span) -> Res<Value> {
        let out = self.async_get(id, None, span)?;
        local.with(&local.works, |w| w.remove(&id));
        Ok(out)
    }

    /// `terminate()`: no task starts any more; process workers are killed (SIGTERM),
    /// thread workers finish the task they run; then all are joined.
    pub(super) fn terminate_pool(&self, local: &Arc<PoolLocal>, pool: ResId, span: Span) {
        let p = PoolRec::of(&self.rt.arena, pool);
        // Process workers are killed before the state change can wake them: a worker
        // woken into its exit path could be killed halfway through writing its exit
        // record into the shared event log.
        if local.kind.processes {
            for w in local.with(&local.workers, |w| w.clone()) {
                if self.rt.arena.actor(w).kind() == ActorKind::Process && !self.actor_reaped(w) {
                    let pid = self.rt.actors.lock().get(&w).and_then(|o| o.pid);
                    if let Some(pid) = pid {
                        // SAFETY: kill(2) on a child this process forked and has not reaped
                        // (checked above), so the pid cannot have been reused.
                        unsafe {
                            libc::kill(pid, libc::SIGTERM);
                        }
                    }
                }
            }
        }
        p.set_state(TERMINATE);
        task_queue::clear(&self.rt.arena, p);
        self.join_workers(local, span);
    }

    /// Waits for every worker (and the callback thread) to exit, one `Join` wait each
    /// (CPython joins them one by one too), reaping worker processes.
    pub(super) fn join_workers(&self, local: &Arc<PoolLocal>, span: Span) {
        let mut all = local.with(&local.workers, |w| w.clone());
        all.extend(local.with(&local.handler, |h| *h));
        for w in all {
            if w == self.actor() {
                continue;
            }
            if self.rt.arena.actor(w).kind() == ActorKind::Process {
                self.join_process(w, None, span);
            } else {
                self.wait_actor_exit(w, None, span);
            }
        }
    }

    /// At a process's exit, before its threads are joined: executors shut down and wait
    /// (CPython's `concurrent.futures` exit hook); pools are left to the daemon rules
    /// (their workers are daemonic and terminated with the other daemon children).
    pub fn pools_at_exit(&self) {
        let me = self.rt.process_actor();
        for id in registry::all() {
            let Some(local) = registry::local(&self.rt.arena, id) else {
                continue;
            };
            if local.creator != me || !local.kind.executor {
                continue;
            }
            PoolRec::of(&self.rt.arena, id).set_state(CLOSE);
            self.join_workers(&local, local.span);
        }
    }
}

/// CPython's `Pool.map` chunk size: `len / (4 * workers)`, rounded up.
fn default_chunksize(len: usize, workers: usize) -> usize {
    let per = (workers * 4).max(1);
    let (c, extra) = (len / per, len % per);
    if extra > 0 { c + 1 } else { c.max(1) }
}

#[cfg(test)]
mod tests {
    #[test]
    fn chunksize_follows_cpython() {
        assert_eq!(super::default_chunksize(10_000, 4), 625);
        assert_eq!(super::default_chunksize(10, 4), 1);
        assert_eq!(super::default_chunksize(0, 4), 1);
        assert_eq!(super::default_chunksize(17, 4), 2);
    }
}
