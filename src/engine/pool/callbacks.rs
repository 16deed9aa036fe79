//! The callback thread of a process pool: CPython runs `apply_async` callbacks in the
//! pool's result-handler thread and a `ProcessPoolExecutor` future's done-callbacks in
//! its manager thread, both in the parent. Here one daemon thread per process pool,
//! started with the first callback, sleeps on the pool's completion word and runs the
//! callbacks of records that completed.

use std::collections::BTreeSet;
use std::sync::Arc;

use super::future::{FINISHED, FutureRec, READY};
use super::pool_rec::{CLOSE, PoolRec, TERMINATE};
use super::registry::{self, PoolLocal};
use super::seq_word;
use crate::checker::snapshot::{ActorId, ActorKind, ResId, Wait, WaitOp};
use crate::core::names::ExcType;
use crate::core::value::{Res, Unwind};
use crate::engine::actor_world::ActorWorld;
use crate::engine::runtime::Runtime;
use crate::syntax::span::Span;

impl ActorWorld {
    /// Starts the pool's callback thread unless it runs already (thread pools run
    /// callbacks in their workers and need none).
    pub(super) fn ensure_handler(
        &self,
        local: &Arc<PoolLocal>,
        pool: ResId,
        span: Span,
    ) -> Res<()> {
        if !local.kind.processes || local.with(&local.handler, |h| h.is_some()) {
            return Ok(());
        }
        let n = self
            .rt
            .thread_counter
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed)
            + 1;
        let func = if local.kind.executor {
            "_executor_manager_thread"
        } else {
            "_handle_results"
        };
        let name = format!("Thread-{n} ({func})");
        let id = self.alloc_actor(ActorKind::Thread, &name, &name, None, true, span)?;
        local.with(&local.handler, |h| *h = Some(id));
        let rt = self.rt.clone();
        crate::engine::thread_spawn::spawn(
            std::thread::Builder::new().stack_size(16 << 20),
            move || handler_main(rt, id, pool),
        )
        .map_err(|e| {
            Unwind::raise(
                ExcType::RuntimeError,
                format!("can't start new thread: {e}"),
                span,
            )
        })?;
        Ok(())
    }

    /// Closed and nothing left to call back: once every worker is gone for an executor
    /// (a pending future may still get a done-callback), at once for a `Pool` (nothing
    /// can be added after `close()`).
    fn handler_may_leave(&self, local: &PoolLocal) -> bool {
        local.with(&local.callbacks, |c| c.is_empty())
            && (!local.kind.executor
                || local
                    .with(&local.workers, |w| w.clone())
                    .iter()
                    .all(|&w| self.actor_exited(w)))
    }

    /// One pass of the handler: every record with callbacks that completed.
    fn handle_completed(&self, local: &PoolLocal) {
        let recs: BTreeSet<ResId> =
            local.with(&local.callbacks, |c| c.iter().map(|(r, _)| *r).collect());
        for r in recs {
            let fut = FutureRec::of(&self.rt.arena, r);
            if fut.state() == READY {
                fut.rec.set_link(Some(self.actor()));
                self.run_callbacks(local, fut, false);
                fut.complete(FINISHED);
            }
            if fut.done() {
                self.run_callbacks(local, fut, false);
                self.run_callbacks(local, fut, true);
            }
        }
    }
}

fn handler_main(rt: Arc<Runtime>, id: ActorId, pool: ResId) {
    let world = ActorWorld::new(rt.clone(), id);
    world.actor_started();
    if let Some(local) = registry::local(&rt.arena, pool) {
        let p = PoolRec::of(&rt.arena, pool);
        loop {
            let seq = seq_word::read(p.done_seq());
            world.handle_completed(&local);
            if p.state() >= TERMINATE || (p.state() >= CLOSE && world.handler_may_leave(&local)) {
                break;
            }
            world.begin_wait(Wait {
                op: WaitOp::QueueGet,
                res: Some(pool),
                target: None,
                span: Span::default(),
                timed: false,
                detail: 0,
            });
            seq_word::wait(p.done_seq(), seq, None);
            world.end_wait();
        }
    }
    world.actor_exited_now(None);
}
