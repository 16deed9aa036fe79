//! Pool workers: starting them (threads, or processes forked from the pool's creator),
//! the loop each runs (take a task, run its chunk, store the result, wake the waiters),
//! and what a task's result looks like on its way back.

use std::sync::Arc;

use super::blobs;
use super::chunk_codec;
use super::future::{FINISHED, FutureRec, Mode, now_ns};
use super::local_work::{ChunkOutcome, LocalWork};
use super::pool_rec::{BROKEN, CLOSE, PoolRec, TERMINATE};
use super::registry::{self, Callback, PoolKind, PoolLocal};
use super::seq_word;
use super::task_queue::{self, Task};
use crate::checker::snapshot::{ActorId, ActorKind, ResId, Wait, WaitOp};
use crate::core::interp::Interp;
use crate::core::names::ExcType;
use crate::core::value::{Exception, HandleKind, Res, Unwind, Value};
use crate::core::world::Args;
use crate::engine::actor_world::ActorWorld;
use crate::engine::futex::Guard;
use crate::engine::run_event::RunEvent;
use crate::engine::runtime::{ActorObj, Runtime};
use crate::plan::ir::Kw;
use crate::syntax::span::Span;

/// Stack of a worker thread: deep enough for the interpreter's frames.
const WORKER_STACK: usize = 16 << 20;

/// What a process-pool task's death reports to its future.
const BROKEN_RUNNING: &str = "A process in the process pool was terminated abruptly while the future was running or pending.";

/// The pool kind of a pool record.
pub fn kind_of(arena: &crate::engine::arena::Arena, pool: ResId) -> PoolKind {
    match arena.res(pool).kind() {
        Some(HandleKind::Pool { threads }) => PoolKind {
            processes: !threads,
            executor: false,
        },
        Some(HandleKind::Executor { processes }) => PoolKind {
            processes,
            executor: true,
        },
        _ => PoolKind {
            processes: false,
            executor: true,
        },
    }
}

impl ActorWorld {
    /// Starts one more worker for `pool`.
    pub(super) fn spawn_worker(&self, local: &Arc<PoolLocal>, pool: ResId, span: Span) -> Res<()> {
        use std::sync::atomic::Ordering::Relaxed;
        let rec = PoolRec::of(&self.rt.arena, pool);
        let n = rec.add_started();
        let kind = local.kind;
        let (akind, name, daemon) = match (kind.processes, kind.executor) {
            (false, true) => (
                ActorKind::Thread,
                format!("{}_{n}", local.name_prefix),
                false,
            ),
            (false, false) => {
                let t = self.rt.thread_counter.fetch_add(1, Relaxed) + 1;
                (ActorKind::Thread, format!("Thread-{t} (worker)"), true)
            }
            (true, executor) => {
                let p = self.rt.process_counter.fetch_add(1, Relaxed) + 1;
                let prefix = if executor {
                    "ForkProcess"
                } else {
                    "ForkPoolWorker"
                };
                (ActorKind::Process, format!("{prefix}-{p}"), !executor)
            }
        };
        let id = self.alloc_actor(akind, &name, &name, None, daemon, span)?;
        local.with(&local.workers, |w| w.push(id));
        let rt = self.rt.clone();
        if akind == ActorKind::Thread {
            crate::engine::thread_spawn::spawn(
                std::thread::Builder::new().stack_size(WORKER_STACK),
                move || worker_thread_main(rt, id, pool),
            )
            .map_err(|e| {
                Unwind::raise(
                    ExcType::RuntimeError,
                    format!("can't start new thread: {e}"),
                    span,
                )
            })?;
            return Ok(());
        }
        self.rt.actors.lock().insert(
            id,
            ActorObj {
                target: None,
                args: Args::default(),
                daemon,
                started: true,
                timer_delay: None,
                timer_event: None,
                thread: None,
                pid: None,
                exitcode: None,
                creator: self.actor(),
            },
        );
        let pid = self.fork_child(id, span, move || worker_process_main(rt, id, pool))?;
        if let Some(o) = self.rt.actors.lock().get_mut(&id) {
            o.pid = Some(pid);
        }
        Ok(())
    }

    /// Takes the next task, sleeping on the pool while there is none; `None` once the
    /// pool is closed and drained, terminated or broken.
    fn take_task(&self, pool: PoolRec<'_>, span: Span) -> Option<Task> {
        loop {
            let seq = {
                let _g = Guard::lock(pool.mutex());
                let st = pool.state();
                if st >= TERMINATE {
                    return None;
                }
                if let Some(t) = task_queue::pop_locked(&self.rt.arena, pool) {
                    return Some(t);
                }
                if st == CLOSE {
                    return None;
                }
                seq_word::read(pool.work_seq())
            };
            // Idle: the checker frees a worker waiting on its pool while anyone can act.
            self.begin_wait(Wait {
                op: WaitOp::QueueGet,
                res: Some(pool.id),
                target: None,
                span,
                timed: false,
                detail: 0,
            });
            seq_word::wait(pool.work_seq(), seq, None);
            self.end_wait();
        }
    }

    /// The worker loop; `Some(code)` when a task ended the process with `os._exit`.
    fn worker_loop(&self, pool_id: ResId) -> Option<i32> {
        let arena = &self.rt.arena;
        let pool = PoolRec::of(arena, pool_id);
        let kind = kind_of(arena, pool_id);
        let local = registry::local(arena, pool_id);
        // Idle waits point at where the pool was created.
        let idle_span = local.as_ref().map_or(Span::default(), |l| l.span);
        // The record this worker last ran a chunk of, and its work: a map's chunks come
        // one after another, so most tasks need no lookup.
        let mut current: Option<(ResId, Arc<LocalWork>)> = None;
        // One interpreter for every call this worker makes: its frames and prepared
        // function bodies are reused from chunk to chunk.
        let mut interp = Interp::new(&self.rt.program, &self.rt.globals, self);
        while let Some(task) = self.take_task(pool, idle_span) {
            let fut = FutureRec::of(arena, task.rec);
            if !fut.start(self.actor()) {
                continue;
            }
            let work = match (&current, &local) {
                _ if task.body.is_some() => None,
                (Some((rec, w)), _) if *rec == task.rec => Some(w.clone()),
                (_, Some(l)) => {
                    current = l.work(task.rec).map(|w| (task.rec, w));
                    current.as_ref().map(|(_, w)| w.clone())
                }
                (_, None) => None,
            };
            let ran = match (&work, task.body) {
                (Some(w), _) => run_chunk(
                    &mut interp,
                    &w.func,
                    w.star,
                    w.chunk_items(task.chunk),
                    &w.kwargs,
                ),
                (None, Some(blob)) => self.run_encoded(&mut interp, blob),
                (None, None) => Err(Unwind::raise(
                    ExcType::RuntimeError,
                    "interp: task body missing",
                    Span::default(),
                )),
            };
            let w = work.as_deref();
            match ran {
                Ok(values) => {
                    self.store_chunk(local.as_deref(), w, kind, fut, task.chunk, Ok(values))
                }
                Err(Unwind::Raise(e)) => {
                    self.store_chunk(local.as_deref(), w, kind, fut, task.chunk, Err(e))
                }
                Err(Unwind::Exit { code, hard: false }) => {
                    let e = Arc::new(Exception {
                        ty: ExcType::SystemExit,
                        msg: code.to_string(),
                        span: Span::default(),
                    });
                    self.store_chunk(local.as_deref(), w, kind, fut, task.chunk, Err(e));
                }
                Err(Unwind::Exit { code, hard: true }) => {
                    if !kind.processes {
                        self.hard_exit(code);
                    }
                    if kind.executor {
                        self.break_pool(kind, pool, Some(task));
                    }
                    return Some(code);
                }
            }
            if kind.executor && !kind.processes {
                // CPython's idle semaphore: a finished worker is one submit need not spawn for.
                pool.add_idle();
            }
        }
        None
    }

    /// Runs a process pool's chunk from its encoded body.
    fn run_encoded(&self, interp: &mut Interp<'_>, blob: blobs::Blob) -> Res<Vec<Value>> {
        let bytes = blobs::load(&self.rt.arena, blob);
        let task = chunk_codec::decode_task(&bytes).map_err(|e| {
            Unwind::raise(
                ExcType::RuntimeError,
                format!("interp: bad task message: {}", e.0),
                Span::default(),
            )
        })?;
        run_chunk(interp, &task.func, task.star, &task.items, &task.kw)
    }

    /// Stores a chunk's outcome where the pool's waiters read it and completes the
    /// record when it was the last chunk (running a thread pool's callbacks here).
    pub(super) fn store_chunk(
        &self,
        local: Option<&PoolLocal>,
        work: Option<&LocalWork>,
        kind: PoolKind,
        fut: FutureRec<'_>,
        chunk: u32,
        outcome: ChunkOutcome,
    ) {
        let ok = outcome.is_ok();
        if kind.processes {
            let bytes = chunk_codec::encode_outcome(outcome.as_deref());
            match blobs::store(&self.rt.arena, &bytes) {
                Some(b) => fut.set_chunk_blob(chunk, b),
                None => {
                    let _ =
                        self.cap_unwind("the arena's heap is full (pool results)", Span::default());
                    return;
                }
            }
        } else if let Some(w) = work {
            w.store(chunk, outcome, now_ns());
        }
        let completed = fut.chunk_done(chunk, ok);
        if kind.processes
            && let Some(pool) = fut.pool()
        {
            // Only a process pool has a callback thread to tell.
            PoolRec::of(&self.rt.arena, pool).bump_done();
        }
        if kind.processes || !completed {
            return;
        }
        // A thread pool: this worker runs the callbacks, before the result is visible
        // (apply_async) or after (add_done_callback), as CPython does.
        if let Some(l) = local {
            if fut.has_callbacks() {
                self.run_callbacks(l, fut, false);
                fut.complete(FINISHED);
            }
            self.run_callbacks(l, fut, true);
        }
    }

    /// Runs (and forgets) the callbacks registered on `fut`: the result callbacks, or
    /// (`done`) the done-callbacks.
    pub(super) fn run_callbacks(&self, local: &PoolLocal, fut: FutureRec<'_>, done: bool) {
        let mine: Vec<Callback> = local.with(&local.callbacks, |cbs| {
            let mut taken = Vec::new();
            cbs.retain(|(r, cb)| {
                let take = *r == fut.id && matches!(cb, Callback::Done(_)) == done;
                if take {
                    taken.push(cb.clone());
                }
                !take
            });
            taken
        });
        if mine.is_empty() {
            return;
        }
        let outcome = self.record_outcome(Some(local), fut);
        let span = Span::default();
        let mut interp = Interp::new(&self.rt.program, &self.rt.globals, self);
        for cb in mine {
            let call = match (&cb, &outcome) {
                (Callback::Success(f), Some(Ok(v))) => Some((f, v.clone())),
                (Callback::Error(f), Some(Err(e))) => Some((f, Value::Exception(e.clone()))),
                (Callback::Done(f), _) => Some((
                    f,
                    Value::Handle(crate::core::value::Handle {
                        kind: HandleKind::Future,
                        id: fut.id,
                    }),
                )),
                _ => None,
            };
            if let Some((f, arg)) = call
                && let Err(Unwind::Raise(e)) = interp.call(f, Args::new(vec![arg]), span)
            {
                self.emit(&RunEvent::Exception {
                    ty: e.ty,
                    msg: e.msg.clone(),
                    span: e.span,
                });
            }
        }
    }

    /// Calls `f` with a chunk's stored outcome (its results, or the exception), if it
    /// has one. `work` is the record's [`LocalWork`] for a thread pool (read in place:
    /// no copy of the results), `None` for a process pool (decoded from the arena).
    pub(super) fn with_chunk<R>(
        &self,
        work: Option<&LocalWork>,
        fut: FutureRec<'_>,
        chunk: u32,
        f: impl FnOnce(Result<&[Value], &Arc<Exception>>) -> R,
    ) -> Option<R> {
        if let Some(w) = work {
            return Some(match w.outcome(chunk)? {
                Ok(v) => f(Ok(v)),
                Err(e) => f(Err(e)),
            });
        }
        let mut values = Vec::new();
        match self.decode_chunk(fut, chunk, &mut values)? {
            Ok(()) => Some(f(Ok(&values))),
            Err(e) => Some(f(Err(&e))),
        }
    }

    /// Appends a process pool's stored chunk results to `into` (or gives its
    /// exception); `None` while the chunk has no outcome.
    fn decode_chunk(
        &self,
        fut: FutureRec<'_>,
        chunk: u32,
        into: &mut Vec<Value>,
    ) -> Option<Result<(), Arc<Exception>>> {
        let bytes = blobs::load(&self.rt.arena, fut.chunk_blob(chunk)?);
        chunk_codec::decode_outcome_into(&bytes, into).ok()
    }

    /// When chunk `chunk` completed (0 while it has not); `work` as for `with_chunk`.
    pub(super) fn chunk_stamp(work: Option<&LocalWork>, fut: &FutureRec<'_>, chunk: u32) -> u64 {
        match work {
            Some(w) => w.stamp(chunk),
            None => fut.chunk_stamp(chunk),
        }
    }

    /// The whole record's outcome, once complete: one value (apply/submit), or the
    /// list of all items (map), or the failure.
    pub(super) fn record_outcome(
        &self,
        local: Option<&PoolLocal>,
        fut: FutureRec<'_>,
    ) -> Option<Result<Value, Arc<Exception>>> {
        let work = local.and_then(|l| l.work(fut.id));
        let work = work.as_deref();
        if let Some(c) = fut.failed_chunk()
            && matches!(fut.mode(), Mode::Apply | Mode::Map)
        {
            return self
                .with_chunk(work, fut, c, |o| o.err().cloned())?
                .map(Err);
        }
        let mut all = Vec::with_capacity(fut.items());
        if work.is_none() {
            prefault(&mut all);
        }
        for c in 0..fut.chunks() as u32 {
            if work.is_none() {
                // A process pool's results are decoded straight into the list.
                if let Err(e) = self.decode_chunk(fut, c, &mut all)? {
                    return Some(Err(e));
                }
                continue;
            }
            let failed = self.with_chunk(work, fut, c, |o| match o {
                Ok(v) => {
                    all.extend_from_slice(v);
                    None
                }
                Err(e) => Some(e.clone()),
            })?;
            if let Some(e) = failed {
                return Some(Err(e));
            }
        }
        if fut.mode() == Mode::Apply {
            return Some(Ok(all.into_iter().next().unwrap_or(Value::None)));
        }
        Some(Ok(Value::list(all)))
    }

    /// A process-pool worker died abruptly: the executor is broken; its running task
    /// and every queued one fail with `BrokenProcessPool`.
    fn break_pool(&self, kind: PoolKind, pool: PoolRec<'_>, running: Option<Task>) {
        pool.set_state(BROKEN);
        let mut tasks: Vec<Task> = running.into_iter().collect();
        tasks.extend(task_queue::clear(&self.rt.arena, pool));
        for t in tasks {
            let fut = FutureRec::of(&self.rt.arena, t.rec);
            if fut.done() {
                continue;
            }
            let _ = fut.start(self.actor());
            let e = Arc::new(Exception {
                ty: ExcType::BrokenProcessPool,
                msg: BROKEN_RUNNING.to_string(),
                span: Span::default(),
            });
            self.store_chunk(None, None, kind, fut, t.chunk, Err(e));
        }
    }
}

/// The body of a worker thread.
fn worker_thread_main(rt: Arc<Runtime>, id: ActorId, pool: ResId) {
    let world = ActorWorld::new(rt, id);
    world.actor_started();
    world.worker_loop(pool);
    world.actor_exited_now(None);
    // A callback thread waiting for the workers to leave looks again.
    PoolRec::of(&world.rt.arena, pool).bump_done();
}

/// The body of a forked worker process.
fn worker_process_main(rt: Arc<Runtime>, id: ActorId, pool: ResId) -> i32 {
    let world = ActorWorld::new(rt, id);
    world.actor_started();
    let code = match world.worker_loop(pool) {
        Some(code) => code,
        None => {
            world.process_epilogue(false, Span::default());
            0
        }
    };
    world.actor_exited_now(Some(code));
    PoolRec::of(&world.rt.arena, pool).bump_done();
    code
}

/// Runs every call of a chunk on `interp`; the list of their results.
fn run_chunk(
    interp: &mut Interp<'_>,
    func: &Value,
    star: bool,
    items: &[Value],
    kw: &[(Kw, Value)],
) -> Res<Vec<Value>> {
    let span = Span::default();
    let mut out = Vec::with_capacity(items.len());
    for item in items {
        let v = match (star, kw.is_empty()) {
            (false, true) => interp.call_positional(func, std::slice::from_ref(item), span)?,
            (true, true) => {
                let pos = crate::core::iter::to_vec(item, span)?;
                interp.call_positional(func, &pos, span)?
            }
            (_, false) => {
                let pos = if star {
                    crate::core::iter::to_vec(item, span)?
                } else {
                    vec![item.clone()]
                };
                interp.call(
                    func,
                    Args {
                        pos,
                        kw: kw.to_vec(),
                    },
                    span,
                )?
            }
        };
        out.push(v);
    }
    Ok(out)
}

/// Faults in the pages of `v`'s spare capacity with one `madvise` call. A big map's
/// result list is fresh memory (hundreds of KiB, mapped on demand): touching it page by
/// page while decoding took one page fault per 4 KiB on the map's serial tail.
fn prefault(v: &mut Vec<Value>) {
    const PAGE: usize = 4096;
    let spare = v.spare_capacity_mut();
    let bytes = std::mem::size_of_val(spare);
    if bytes < 16 * PAGE {
        return;
    }
    let start = spare.as_mut_ptr() as usize;
    let first = start.next_multiple_of(PAGE);
    let end = (start + bytes) & !(PAGE - 1);
    if end <= first {
        return;
    }
    // SAFETY: [first, end) lies inside `v`'s allocation (its spare capacity, rounded in to
    // whole pages), which this function borrows mutably; MADV_POPULATE_WRITE only faults
    // those private pages in and never changes their contents. Failure (an old kernel)
    // only means the pages fault in later, one by one, as before.
    unsafe {
        libc::madvise(
            first as *mut libc::c_void,
            end - first,
            libc::MADV_POPULATE_WRITE,
        );
    }
}
