//! The wait-for graph of one snapshot: an index over its actors and resources, and the
//! edges that name exactly one actor (a lock's holder, a join's target, a future's
//! worker). Waits ended by "whoever signals" have no exact edge: `capability` answers
//! those.

use std::collections::HashMap;

use crate::checker::snapshot::{
    ActorId, ActorSnap, ActorState, ResId, ResSnap, Snapshot, Wait, WaitOp,
};
use crate::core::value::HandleKind;

/// Why one actor waits for another.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum EdgeKind {
    /// Acquiring a lock held by the other actor.
    Lock,
    /// Joining the other actor.
    Join,
    /// Waiting for the result of a future the other actor is running.
    Future,
}

/// A resource node's edge to an actor, for pictures.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ResEdge {
    /// A lock and its holder.
    HeldBy(ActorId),
    /// A future and the worker running it.
    RunBy(ActorId),
}

/// An index over one snapshot.
#[derive(Debug)]
pub struct WaitGraph<'s> {
    /// The snapshot indexed.
    pub snap: &'s Snapshot,
    actors: HashMap<ActorId, &'s ActorSnap>,
    resources: HashMap<ResId, &'s ResSnap>,
}

impl<'s> WaitGraph<'s> {
    pub fn new(snap: &'s Snapshot) -> WaitGraph<'s> {
        WaitGraph {
            snap,
            actors: snap.actors.iter().map(|a| (a.id, a)).collect(),
            resources: snap.resources.iter().map(|r| (r.id, r)).collect(),
        }
    }

    pub fn actor(&self, id: ActorId) -> Option<&'s ActorSnap> {
        self.actors.get(&id).copied()
    }

    pub fn res(&self, id: ResId) -> Option<&'s ResSnap> {
        self.resources.get(&id).copied()
    }

    /// The main actor: the one nobody started (the lowest such id, to be deterministic).
    pub fn main(&self) -> Option<ActorId> {
        self.snap
            .actors
            .iter()
            .filter(|a| a.parent.is_none())
            .map(|a| a.id)
            .min()
    }

    /// The wait of a blocked actor (`None` when it is not blocked).
    pub fn wait(&self, id: ActorId) -> Option<&'s Wait> {
        let a = self.actor(id)?;
        if a.state == ActorState::Blocked {
            a.wait.as_ref()
        } else {
            None
        }
    }

    /// The resource a blocked actor waits on.
    pub fn waited_res(&self, id: ActorId) -> Option<&'s ResSnap> {
        self.wait(id).and_then(|w| w.res).and_then(|r| self.res(r))
    }

    /// The one actor whose progress `id`'s wait depends on, when the wait names one.
    pub fn exact_edge(&self, id: ActorId) -> Option<(ActorId, EdgeKind)> {
        let w = self.wait(id)?;
        match w.op {
            WaitOp::LockAcquire => Some((self.res(w.res?)?.owner?, EdgeKind::Lock)),
            WaitOp::Join => Some((w.target?, EdgeKind::Join)),
            WaitOp::FutureResult => Some((self.res(w.res?)?.link?, EdgeKind::Future)),
            _ => None,
        }
    }

    /// Edges out of resource nodes: lock holders and future workers.
    pub fn res_edges(&self) -> Vec<(ResId, ResEdge)> {
        let mut edges = Vec::new();
        for r in &self.snap.resources {
            if is_lock(r.kind) {
                if let Some(o) = r.owner {
                    edges.push((r.id, ResEdge::HeldBy(o)));
                }
            } else if is_future(r.kind)
                && let Some(w) = r.link
            {
                edges.push((r.id, ResEdge::RunBy(w)));
            }
        }
        edges
    }

    /// The locks `id` holds, in resource order.
    pub fn held_by(&self, id: ActorId) -> Vec<&'s ResSnap> {
        self.snap
            .resources
            .iter()
            .filter(|r| is_lock(r.kind) && r.owner == Some(id))
            .collect()
    }

    /// How reports name an actor: its label, else `actor <id>`.
    pub fn label(&self, id: ActorId) -> String {
        match self.actor(id) {
            Some(a) if !a.label.is_empty() => a.label.clone(),
            _ => format!("actor {id}"),
        }
    }

    /// How reports name a resource: its label, else `resource <id>`.
    pub fn res_label(&self, id: ResId) -> String {
        match self.res(id) {
            Some(r) if !r.label.is_empty() => r.label.clone(),
            _ => format!("resource {id}"),
        }
    }
}

/// A Lock or RLock (the kinds with a holder).
pub fn is_lock(kind: HandleKind) -> bool {
    matches!(kind, HandleKind::Lock { .. } | HandleKind::RLock { .. })
}

/// A Future, AsyncResult or imap iterator (the kinds run by a worker).
pub fn is_future(kind: HandleKind) -> bool {
    matches!(
        kind,
        HandleKind::Future | HandleKind::AsyncResult | HandleKind::ImapIter
    )
}
