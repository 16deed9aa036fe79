//! `ActorWorld`'s access to arena slots: allocation with caps, lifecycle, names, wait
//! records, the event log.

use std::time::Duration;

use crate::checker::snapshot::{ActorId, ActorKind, ActorState, ResId, Wait, WaitOp};
use crate::core::names::ExcType;
use crate::core::value::{HandleKind, Res, Unwind};
use crate::engine::actor_world::ActorWorld;
use crate::engine::arena::ActorCtx;
use crate::engine::run_event::RunEvent;
use crate::engine::wait_recorder::WaitRecorder;
use crate::plan::ir::FuncId;
use crate::syntax::span::Span;

/// Bytes of the event log that printed output leaves to the other records.
const VERDICT_HEADROOM: usize = 64 << 10;

impl ActorWorld {
    pub(crate) fn ctx(&self) -> ActorCtx<'_> {
        ActorCtx {
            arena: &self.rt.arena,
            actor: self.actor(),
        }
    }

    pub(crate) fn emit(&self, e: &RunEvent) {
        let (t, b) = e.encode();
        let log = self.rt.arena.log();
        // A full log drops the record: output is capped, the run goes on. Output stops
        // short of the end, so exceptions, exit codes, caps and the claims' values
        // still fit after any amount of printing.
        let _ = match e {
            RunEvent::Output(_) => log.append_leaving(VERDICT_HEADROOM, self.actor(), t, &b),
            _ => log.append(self.actor(), t, &b),
        };
    }

    pub(crate) fn begin_wait(&self, w: Wait) {
        self.ctx().begin_wait(w);
    }

    pub(crate) fn end_wait(&self) {
        self.ctx().end_wait();
    }

    pub(crate) fn progress(&self) {
        self.rt.arena.actor(self.actor()).bump_progress();
    }

    /// A new actor slot; a cap hit is reported to the supervisor (which stops the run)
    /// and raised in the scenario.
    pub(crate) fn alloc_actor(
        &self,
        kind: ActorKind,
        label: &str,
        name: &str,
        func: Option<FuncId>,
        daemon: bool,
        span: Span,
    ) -> Res<ActorId> {
        let process = match kind {
            ActorKind::Process => None,
            ActorKind::Thread => Some(self.rt.process_actor()),
        };
        match self.rt.arena.alloc_actor(
            kind,
            Some(self.actor()),
            process,
            &self.unique_label(label),
            name,
        ) {
            Ok(id) => {
                let slot = self.rt.arena.actor(id);
                slot.set_func(func);
                slot.set_daemon(daemon);
                Ok(id)
            }
            Err(e) => Err(self.cap_unwind(&e.to_string(), span)),
        }
    }

    /// Actors made at one site in a loop share a variable name: the second and later
    /// get `#2`, `#3`..., so reports tell them apart (`t`, `t#2`, `t#3`).
    fn unique_label(&self, label: &str) -> String {
        let arena = &self.rt.arena;
        let prefix = format!("{label}#");
        let same = (0..arena.actor_count())
            .map(|i| arena.actor(i).label())
            .filter(|l| l == label || l.starts_with(&prefix))
            .count();
        if same == 0 {
            label.to_string()
        } else {
            format!("{label}#{}", same + 1)
        }
    }

    pub(crate) fn alloc_res(&self, kind: HandleKind, label: &str, span: Span) -> Res<ResId> {
        self.rt
            .arena
            .alloc_res(kind, label)
            .map_err(|e| self.cap_unwind(&e.to_string(), span))
    }

    pub(crate) fn heap_alloc(&self, words: usize, span: Span) -> Res<usize> {
        self.rt
            .arena
            .heap_alloc(words)
            .ok_or_else(|| self.cap_unwind("the arena's shared-array space is full", span))
    }

    pub(crate) fn cap_unwind(&self, message: &str, span: Span) -> Unwind {
        self.emit(&RunEvent::Cap {
            message: message.to_string(),
            span,
        });
        self.rt.arena.flag_cap_hit();
        Unwind::raise(ExcType::RuntimeError, format!("interp: {message}"), span)
    }

    /// The calling OS thread now runs this actor.
    pub(crate) fn actor_started(&self) {
        let slot = self.rt.arena.actor(self.actor());
        // SAFETY: getpid/gettid have no preconditions.
        let (pid, tid) = unsafe { (libc::getpid(), libc::gettid()) };
        slot.set_pid_tid(pid, tid);
        slot.set_state(ActorState::Running);
    }

    /// The actor ended (with `code` for a process); wakes its joiners.
    pub(crate) fn actor_exited_now(&self, code: Option<i32>) {
        if let Some(c) = code {
            self.emit(&RunEvent::Exit(c));
        }
        self.rt.arena.mark_exited(self.actor(), code);
        self.rt.arena.actor(self.actor()).wake_joiners();
    }

    pub(crate) fn actor_exited(&self, id: ActorId) -> bool {
        self.rt.arena.actor(id).state() == Some(ActorState::Exited)
    }

    /// Blocks until actor `id` has exited (or `limit` passed), recording a Join wait.
    /// Returns whether it exited.
    pub(crate) fn wait_actor_exit(&self, id: ActorId, limit: Option<Duration>, span: Span) -> bool {
        if self.actor_exited(id) {
            return true;
        }
        self.begin_wait(Wait {
            op: WaitOp::Join,
            res: None,
            target: Some(id),
            span,
            timed: limit.is_some(),
            detail: 0,
        });
        let exited = self.rt.arena.actor(id).wait_exited(limit);
        self.end_wait();
        exited
    }

    pub(crate) fn is_daemon(&self, id: ActorId) -> bool {
        self.rt.arena.actor(id).daemon()
    }

    pub(crate) fn set_daemon(&self, id: ActorId, daemon: bool) {
        self.rt.arena.actor(id).set_daemon(daemon);
    }

    pub(crate) fn actor_name(&self, id: ActorId) -> String {
        if id == 0 {
            return "MainProcess".to_string();
        }
        self.rt.arena.actor(id).name()
    }

    pub(crate) fn set_actor_name(&self, id: ActorId, name: &str) {
        self.rt.arena.actor(id).set_name(name);
    }

    pub(crate) fn actor_pid(&self, id: ActorId) -> Option<i32> {
        match self.rt.arena.actor(id).pid_tid().0 {
            0 => None,
            p => Some(p),
        }
    }
}
