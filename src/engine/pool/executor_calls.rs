//! `concurrent.futures` executors: `submit`, `map`, `shutdown`, and their workers started
//! on demand (a thread per submit while none is idle, up to `max_workers`; every worker
//! process at the first submit, as CPython 3.11 does under `fork`).

use std::sync::Arc;
use std::time::Instant;

use super::future::{FutureRec, Mode};
use super::pool_calls::{Items, Work};
use super::pool_rec::{BROKEN, CLOSE, PoolRec, RUN};
use super::registry::PoolLocal;
use super::task_queue;
use crate::checker::snapshot::ResId;
use crate::core::names::{ExcType, Method};
use crate::core::value::{Handle, HandleKind, Res, Unwind, Value};
use crate::core::world::Args;
use crate::engine::actor_world::{ActorWorld, no_method};
use crate::engine::arg;
use crate::syntax::span::Span;

impl ActorWorld {
    pub(super) fn executor_method(
        &self,
        h: Handle,
        m: Method,
        args: Args,
        span: Span,
    ) -> Res<Value> {
        let local = self.pool_local(h, span)?;
        match m {
            Method::Submit => {
                let func = args.pos.first().cloned().unwrap_or(Value::None);
                let fargs = Value::tuple(args.pos.iter().skip(1).cloned().collect());
                let kwargs = if args.kw.is_empty() {
                    Value::None
                } else {
                    Value::Dict(Arc::new(parking_lot::Mutex::new(
                        args.kw
                            .iter()
                            .map(|(k, v)| (Value::Str(k.clone()), v.clone()))
                            .collect(),
                    )))
                };
                let id = self.executor_queue(
                    &local,
                    h.id,
                    Work {
                        kind: HandleKind::Future,
                        mode: Mode::Apply,
                        func,
                        items: Items::Values(vec![fargs]),
                        star: true,
                        kwargs,
                        chunksize: 1,
                        callbacks: Vec::new(),
                    },
                    span,
                )?;
                Ok(Value::Handle(Handle {
                    kind: HandleKind::Future,
                    id,
                }))
            }
            Method::Map => self.executor_map(&local, h.id, &args, span),
            Method::Shutdown => {
                let wait = arg::flag(&args, 0, "wait", true);
                let cancel = arg::flag(&args, 1, "cancel_futures", false);
                let pool = PoolRec::of(&self.rt.arena, h.id);
                if cancel {
                    for t in task_queue::snapshot(&self.rt.arena, pool) {
                        FutureRec::of(&self.rt.arena, t.rec).cancel();
                    }
                }
                pool.set_state(CLOSE);
                if wait {
                    self.join_workers(&local, span);
                }
                Ok(Value::None)
            }
            _ => Err(no_method(h, m, span)),
        }
    }

    /// Queues work on an executor, refusing after shutdown, and starts workers.
    fn executor_queue(
        &self,
        local: &Arc<PoolLocal>,
        pool: ResId,
        work: Work,
        span: Span,
    ) -> Res<ResId> {
        let p = PoolRec::of(&self.rt.arena, pool);
        match p.state() {
            RUN => {}
            BROKEN => {
                return Err(Unwind::raise(
                    ExcType::BrokenProcessPool,
                    "A child process terminated abruptly, the process pool is not usable anymore",
                    span,
                ));
            }
            _ => {
                return Err(Unwind::raise(
                    ExcType::RuntimeError,
                    "cannot schedule new futures after shutdown",
                    span,
                ));
            }
        }
        let tasks = work.items.len().div_ceil(work.chunksize.max(1));
        let id = self.queue_work(local, pool, work, span)?;
        if local.kind.processes {
            while p.started() < p.max_workers() {
                self.spawn_worker(local, pool, span)?;
            }
        } else {
            // CPython's `_adjust_thread_count`, once per task: an idle worker takes the
            // task, else one more thread while under `max_workers`.
            let unclaimed = tasks - p.take_idle(tasks);
            for _ in 0..unclaimed {
                if p.started() >= p.max_workers() {
                    break;
                }
                self.spawn_worker(local, pool, span)?;
            }
        }
        Ok(id)
    }

    /// `executor.map(fn, *iterables, timeout=None, chunksize=1)`: the results as a list
    /// (see the module docs), raising at the first failed item in order.
    fn executor_map(
        &self,
        local: &Arc<PoolLocal>,
        pool: ResId,
        args: &Args,
        span: Span,
    ) -> Res<Value> {
        let func = args.pos.first().cloned().unwrap_or(Value::None);
        let lists = args
            .pos
            .iter()
            .skip(1)
            .map(|v| crate::core::iter::to_vec(v, span))
            .collect::<Res<Vec<_>>>()?;
        let n = lists.iter().map(Vec::len).min().unwrap_or(0);
        // One iterable: each item is the call's one argument (no tuple to build per item
        // and unpack per call).
        let star = lists.len() != 1;
        let items: Vec<Value> = if star {
            (0..n)
                .map(|i| Value::tuple(lists.iter().map(|l| l[i].clone()).collect()))
                .collect()
        } else {
            lists.into_iter().next().unwrap_or_default()
        };
        let timeout = match args.kw.iter().find(|(k, _)| &**k == "timeout") {
            Some((_, Value::None)) | None => None,
            Some((_, v)) => Some(arg::float(v, span)?),
        };
        let deadline = timeout.and_then(|t| Instant::now().checked_add(self.rt.real(t)));
        let chunksize = match args.kw.iter().find(|(k, _)| &**k == "chunksize") {
            Some((_, v)) if local.kind.processes => arg::int(v, span)?.max(1) as usize,
            _ => 1,
        };
        let id = self.executor_queue(
            local,
            pool,
            Work {
                kind: HandleKind::Future,
                mode: Mode::ExecMap,
                func,
                items: Items::Values(items),
                star,
                kwargs: Value::None,
                chunksize,
                callbacks: Vec::new(),
            },
            span,
        )?;
        let fut = FutureRec::of(&self.rt.arena, id);
        let work = local.work(id);
        let work = work.as_deref();
        let mut out = Vec::with_capacity(n);
        for c in 0..fut.chunks() as u32 {
            let done = |f: &FutureRec<'_>| ActorWorld::chunk_stamp(work, f, c) != 0;
            if !fut.wait_until(&self.ctx(), deadline, span, done) {
                return Err(Unwind::raise(ExcType::TimeoutError, "", span));
            }
            let failed = self.with_chunk(work, fut, c, |o| match o {
                Ok(v) => {
                    out.extend_from_slice(v);
                    None
                }
                Err(e) => Some(e.clone()),
            });
            if let Some(Some(e)) = failed {
                return Err(Unwind::Raise(e));
            }
        }
        // Every chunk ran and no handle to the record escapes: drop its calls and
        // outcomes (a loop of maps would otherwise keep all of them for the run).
        local.with(&local.works, |w| w.remove(&id));
        Ok(Value::list(out))
    }
}
