//! Process actors seen from their parent: fork, join (a pidfd wait, so a join with a
//! timeout and a join of a killed child both work), reaping and exit codes; `os.fork()`.

use std::time::Duration;

use crate::checker::snapshot::{ActorId, ActorKind, Wait, WaitOp};
use crate::core::names::ExcType;
use crate::core::value::{Res, Unwind, Value};
use crate::engine::actor_world::ActorWorld;
use crate::engine::fork;
use crate::syntax::span::Span;

impl ActorWorld {
    /// Forks a scenario process that runs `child` as actor `id`.
    pub(crate) fn fork_child(
        &self,
        id: ActorId,
        span: Span,
        child: impl FnOnce() -> i32,
    ) -> Res<i32> {
        let rt = self.rt.clone();
        // The channel registry is locked across the fork so the child copies it whole.
        let guard = std::cell::RefCell::new(Some(crate::engine::channel::prepare_fork()));
        let forked = fork::fork_scenario_process(|| {
            if let Some(g) = guard.borrow_mut().take() {
                g.in_child();
            }
            after_fork_in_child(&rt, id);
            child()
        });
        if let Some(g) = guard.into_inner() {
            g.in_parent();
        }
        let pid = forked
            .map_err(|e| Unwind::raise(ExcType::OSError, format!("fork failed: {e}"), span))?
            .as_raw();
        self.rt.arena.actor(id).set_pid_tid(pid, pid);
        Ok(pid)
    }

    /// `os.fork()`: both processes return here; the child as a new actor.
    pub(crate) fn os_fork(&self, span: Span) -> Res<Value> {
        let label = self.rt.label_at(span);
        let name = format!("fork-{}", self.rt.arena.actor_count());
        let id = self.alloc_actor(
            ActorKind::Process,
            label.as_deref().unwrap_or(&name),
            &name,
            None,
            false,
            span,
        )?;
        let guard = crate::engine::channel::prepare_fork();
        let forked = fork::fork_returning();
        let in_child = matches!(forked, Ok(None));
        if in_child {
            guard.in_child();
        } else {
            guard.in_parent();
        }
        match forked
            .map_err(|e| Unwind::raise(ExcType::OSError, format!("fork failed: {e}"), span))?
            .map(|p| p.as_raw())
        {
            None => {
                after_fork_in_child(&self.rt, id);
                self.become_actor(id);
                self.actor_started();
                Ok(Value::Int(0))
            }
            Some(pid) => {
                self.rt.arena.actor(id).set_pid_tid(pid, pid);
                Ok(Value::Int(i128::from(pid)))
            }
        }
    }

    /// Waits for child process `id` to end (or `limit`), recording a Join wait, and
    /// reaps it: its exit code follows Python's conventions (-N when killed by signal N).
    pub(crate) fn join_process(&self, id: ActorId, limit: Option<Duration>, span: Span) {
        let pid = match self.rt.actors.lock().get(&id) {
            Some(o) if o.exitcode.is_none() => o.pid,
            _ => None,
        };
        let Some(pid) = pid else { return };
        self.begin_wait(Wait {
            op: WaitOp::Join,
            res: None,
            target: Some(id),
            span,
            timed: limit.is_some(),
            detail: 0,
        });
        let status = crate::engine::child_wait::wait_child(pid, limit);
        self.end_wait();
        if let Some(code) = status {
            if let Some(o) = self.rt.actors.lock().get_mut(&id) {
                o.exitcode = Some(code);
            }
            let slot = self.rt.arena.actor(id);
            let recorded = slot.exit_code();
            self.rt
                .arena
                .mark_exited(id, Some(recorded.unwrap_or(code)));
            slot.wake_joiners();
        }
    }

    pub(crate) fn actor_reaped(&self, id: ActorId) -> bool {
        self.rt
            .actors
            .lock()
            .get(&id)
            .is_some_and(|o| o.exitcode.is_some())
    }

    /// `p.exitcode`: `None` while running; polls without blocking, like CPython.
    pub(crate) fn process_exitcode(&self, id: ActorId) -> Option<i32> {
        if let Some(c) = self.rt.actors.lock().get(&id).and_then(|o| o.exitcode) {
            return Some(c);
        }
        let started = self
            .rt
            .actors
            .lock()
            .get(&id)
            .is_some_and(|o| o.pid.is_some());
        if started {
            self.join_process(id, Some(Duration::ZERO), Span::default());
        }
        self.rt.actors.lock().get(&id).and_then(|o| o.exitcode)
    }

    /// `os._exit(code)` from any thread: ends the process now, without cleanup.
    pub(crate) fn hard_exit(&self, code: i32) -> ! {
        let me = self.rt.process_actor();
        self.rt.arena.mark_exited(me, Some(code));
        self.rt.arena.actor(me).wake_joiners();
        // SAFETY: _exit ends the process at once; nothing of ours needs unwinding.
        unsafe { libc::_exit(code) }
    }
}

/// What a freshly forked child must reset: it is a new process actor, the parent's thread
/// and process objects are not its own, and per-process channel state (feeder threads) did
/// not survive the fork.
fn after_fork_in_child(rt: &crate::engine::runtime::Runtime, id: ActorId) {
    rt.process_actor
        .store(id, std::sync::atomic::Ordering::Relaxed);
    // Keep only the child's own object: it holds the target and arguments to run. The
    // parent's thread handles name threads that do not exist here: dropping one would
    // `pthread_detach` a thread control block that is not ours (a crash when its memory
    // was reused), so they are leaked instead.
    let mut actors = rt.actors.lock();
    for (k, o) in actors.iter_mut() {
        if *k != id
            && let Some(h) = o.thread.take()
        {
            std::mem::forget(h);
        }
    }
    actors.retain(|k, _| *k == id);
}
