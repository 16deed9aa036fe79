//! Which actors are stuck for good in one snapshot, and the deadlock they form.
//!
//! The stuck set S is the largest set of untimed-blocked actors none of whose waits can
//! be satisfied by the resource state or by an actor outside S that is alive and able to
//! act. It is computed as a greatest fixpoint: start from every untimed-blocked actor and
//! remove, until nothing changes, each one some outside actor (or the state) could free.
//!
//! Every rule below errs towards "could be freed": a wait whose resource or satisfier is
//! not in the snapshot, code the plan knows nothing about, a lock whose holder exited
//! that another actor may release, a child process that someone may terminate, an actor
//! not started yet while a started one that may start it still runs. The one
//! assumption: a lock held by a live actor is released by that holder (as `ResSnap::owner`
//! says, who releases it "in every sane program"), so a lock cycle or a nested acquire
//! is reported even while a third actor that uses locks keeps running. A slow but live scenario must
//! never be called deadlocked; a missed deadlock only surfaces later, as a hang.
//!
//! Conventions read from `ResSnap` (the engine writes them): a queue's `count` is its
//! length and `limit` its maxsize (0: unbounded); a semaphore's `count` is its value; an
//! event's `count` is its flag; a barrier's `count` is the arrivals and `limit` the
//! parties; a pipe-backed queue or connection has `pending_bytes` unread and `limit`
//! capacity (0: unknown); a future's `count` is 1 once it is done, `link` its worker
//! (`None` while it is still queued). An idle pool worker waits on its pool's resource.

use std::collections::BTreeSet;

use crate::checker::capability::{self, LOCK_RELEASE, Signal, TERMINATE};
use crate::checker::classify::{self, DeadlockKind};
use crate::checker::snapshot::{ActorId, ActorKind, ActorState, Snapshot, Wait, WaitOp};
use crate::checker::wait_graph::WaitGraph;
use crate::core::value::HandleKind;
use crate::plan::ir::Facts;

/// A deadlock found in one snapshot.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Deadlock {
    pub kind: DeadlockKind,
    /// The actors of the cycle (or of the unsatisfiable wait), in cycle order: starting
    /// from the main actor when it is in the cycle, else from the lowest id.
    pub cycle: Vec<ActorId>,
    /// Every stuck actor, the cycle's and those stuck behind it.
    pub stuck: BTreeSet<ActorId>,
    /// The snapshot's time, in milliseconds since the run started.
    pub at_ms: u64,
}

/// Finds the deadlock of one snapshot, with no settle window (see `Detector` for the
/// live, debounced version).
pub fn find_deadlock(snap: &Snapshot, facts: &Facts) -> Option<Deadlock> {
    Deadlock::of_stuck(snap, facts, stuck_actors(snap, facts))
}

impl Deadlock {
    /// Classifies a stuck set computed by `stuck_actors` (`None` when it is empty).
    pub fn of_stuck(snap: &Snapshot, facts: &Facts, stuck: BTreeSet<ActorId>) -> Option<Deadlock> {
        if stuck.is_empty() {
            return None;
        }
        let (kind, cycle) = classify::classify(&WaitGraph::new(snap), facts, &stuck);
        Some(Deadlock {
            kind,
            cycle,
            stuck,
            at_ms: snap.at_ms,
        })
    }
}

/// The largest set of actors that can never proceed (see the module docs).
pub fn stuck_actors(snap: &Snapshot, facts: &Facts) -> BTreeSet<ActorId> {
    let graph = WaitGraph::new(snap);
    let mut stuck: BTreeSet<ActorId> = snap
        .actors
        .iter()
        .filter(|a| a.state == ActorState::Blocked)
        .filter(|a| a.wait.as_ref().is_some_and(is_untimed_block))
        .filter(|a| !process_gone(&graph, a.id))
        .map(|a| a.id)
        .collect();
    loop {
        let s = Liveness {
            graph: &graph,
            facts,
            stuck: stuck.clone(),
        };
        let before = stuck.len();
        stuck.retain(|&id| !s.can_be_freed(id));
        if stuck.len() == before {
            return stuck;
        }
    }
}

/// A wait that does not end by itself.
fn is_untimed_block(w: &Wait) -> bool {
    !w.timed && !matches!(w.op, WaitOp::Sleep | WaitOp::Input)
}

/// The actor's process has exited: the slot is stale, the thread is gone.
fn process_gone(g: &WaitGraph, id: ActorId) -> bool {
    let Some(a) = g.actor(id) else { return true };
    a.process != a.id
        && g.actor(a.process)
            .is_some_and(|p| p.state == ActorState::Exited)
}

/// One round of the fixpoint: the current candidate set S and questions about it.
struct Liveness<'g, 's> {
    graph: &'g WaitGraph<'s>,
    facts: &'g Facts,
    stuck: BTreeSet<ActorId>,
}

impl Liveness<'_, '_> {
    /// Not in S and alive: it can act, so it may free others. An actor created but not
    /// started yet acts once someone starts it, which any started actor still able may
    /// do: main preempted between `w.start()` and `n.start()` must not make `w`'s wait
    /// for `n` look hopeless.
    fn able(&self, id: ActorId) -> bool {
        match self.graph.actor(id).map(|a| a.state) {
            Some(ActorState::New) => {
                self.free(id)
                    && self.graph.snap.actors.iter().any(|a| {
                        a.id != id
                            && matches!(a.state, ActorState::Running | ActorState::Blocked)
                            && self.free(a.id)
                    })
            }
            Some(ActorState::Running | ActorState::Blocked) => self.free(id),
            Some(ActorState::Exited) | None => false,
        }
    }

    /// Neither in S nor in a process that has exited.
    fn free(&self, id: ActorId) -> bool {
        !self.stuck.contains(&id) && !process_gone(self.graph, id)
    }

    /// Some able actor's code may cause `signal`, itself or through an actor it may
    /// still start.
    fn someone_may(&self, signal: Signal) -> bool {
        self.graph
            .snap
            .actors
            .iter()
            .any(|a| self.able(a.id) && capability::may_cause(self.facts, a.func, signal))
    }

    fn anyone_able(&self) -> bool {
        self.graph.snap.actors.iter().any(|a| self.able(a.id))
    }

    /// Could something outside S end `id`'s wait (or end `id` itself)?
    fn can_be_freed(&self, id: ActorId) -> bool {
        let g = self.graph;
        let (Some(a), Some(w)) = (g.actor(id), g.wait(id)) else {
            return true;
        };
        if a.daemon {
            // A daemon dies with its process (thread) or its parent (process), so it
            // is stuck only while that one is.
            let killer = match a.kind {
                ActorKind::Thread => Some(a.process),
                ActorKind::Process => a.parent,
            };
            if killer.is_some_and(|k| !self.stuck.contains(&k)) {
                return true;
            }
        }
        let in_child_process = g.main().and_then(|m| g.actor(m)).map(|m| m.process);
        if in_child_process.is_some_and(|root| a.process != root) && self.someone_may(TERMINATE) {
            return true;
        }
        self.wait_satisfiable(id, w)
    }

    fn wait_satisfiable(&self, id: ActorId, w: &Wait) -> bool {
        let g = self.graph;
        let res = w.res.and_then(|r| g.res(r));
        match w.op {
            WaitOp::LockAcquire => {
                let Some(r) = res else { return true };
                let Some(owner) = r.owner else { return true };
                let reentrant = matches!(r.kind, HandleKind::RLock { .. });
                if owner == id && reentrant {
                    // Blocking on an RLock one holds cannot happen: a stale record.
                    return true;
                }
                if owner != id && (g.actor(owner).is_none() || self.able(owner)) {
                    return true;
                }
                // The holder cannot release it (it is stuck, exited, or the waiter
                // itself). A plain Lock has no owner in Python: any live actor whose code
                // may release a Lock may free it, and then this is no deadlock (yet). An
                // RLock only its owner can release.
                !reentrant && self.someone_may(LOCK_RELEASE)
            }
            WaitOp::Join => w.target.is_none_or(|t| !self.stuck.contains(&t)),
            WaitOp::FutureResult => {
                let Some(r) = res else { return true };
                if r.count > 0 {
                    return true;
                }
                match r.link {
                    Some(worker) => !self.stuck.contains(&worker),
                    // Queued: any able actor may be (or free) a worker, or cancel it.
                    None => self.anyone_able(),
                }
            }
            WaitOp::PoolJoin => self.anyone_able(),
            WaitOp::Sleep | WaitOp::Input => true,
            // An idle worker waiting for work on its pool: a submit, a shutdown or the
            // owner's exit wakes it, and those are not signals the facts record.
            _ if res.is_some_and(|r| {
                matches!(
                    r.kind,
                    HandleKind::Pool { .. } | HandleKind::Executor { .. }
                )
            }) =>
            {
                self.anyone_able()
            }
            op => {
                let state_frees = res.is_none_or(|r| match op {
                    WaitOp::QueueGet => r.count > 0 || r.pending_bytes > 0,
                    WaitOp::QueuePut => r.limit <= 0 || r.count < r.limit,
                    WaitOp::SemAcquire => r.count > 0,
                    WaitOp::EventWait => r.count != 0,
                    WaitOp::BarrierWait => r.limit > 0 && r.count >= r.limit,
                    WaitOp::PipeRecv => r.pending_bytes > 0,
                    // A blocked writer is itself the proof that the pipe is full (the
                    // kernel's page accounting makes "full" less than the capacity): only a
                    // reader frees it. A reader that drains it changes `pending_bytes`,
                    // which resets the detector's settle window.
                    _ => false,
                });
                state_frees
                    || capability::signal_for(op, res.map(|r| r.kind.res_kind()))
                        .is_none_or(|s| self.someone_may(s))
            }
        }
    }
}
