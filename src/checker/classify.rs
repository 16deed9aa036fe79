//! Naming a deadlock: which kind it is and which actors form it, in cycle order.
//!
//! Exact edges (lock holder, join target, future worker) are facts of the snapshot, so a
//! cycle through them is the most specific verdict. Without one, the stuck set ends in
//! waits that nobody can signal; the chain leading to that wait names the kind.

use std::collections::BTreeSet;

use crate::checker::capability;
use crate::checker::snapshot::{ActorId, WaitOp};
use crate::checker::wait_graph::{EdgeKind, WaitGraph};
use crate::core::value::HandleKind;
use crate::plan::ir::Facts;

/// The kinds of deadlock, named as scenarios' `expect deadlock(kind=...)` name them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum DeadlockKind {
    /// A thread waits for a (non-reentrant) Lock it holds.
    SelfDeadlock,
    /// Actors wait for locks held by each other.
    LockCycle,
    /// A join whose target is stuck writing into a pipe only the joiner reads.
    JoinBeforeDrain,
    /// Two actors join each other.
    MutualJoin,
    /// A longer join cycle, or a join of an actor waiting for the joiner another way.
    JoinCycle,
    /// Future results waited for in a cycle through the workers running them.
    FuturesCycle,
    /// A result waited for on a still-queued future while every worker is stuck.
    PoolStarvation,
    /// Both ends of a Pipe blocked sending.
    PipeFull,
    /// A wait that no live actor can ever signal.
    NoSignaller,
    /// Fewer live arrivals at a barrier than its parties.
    BarrierShortfall,
    /// A queue join with unfinished tasks and no consumer left.
    QueueJoin,
}

impl DeadlockKind {
    /// The name used in scenarios and reports.
    pub fn name(self) -> &'static str {
        match self {
            DeadlockKind::SelfDeadlock => "self_deadlock",
            DeadlockKind::LockCycle => "lock_cycle",
            DeadlockKind::JoinBeforeDrain => "join_before_drain",
            DeadlockKind::MutualJoin => "mutual_join",
            DeadlockKind::JoinCycle => "join_cycle",
            DeadlockKind::FuturesCycle => "futures_cycle",
            DeadlockKind::PoolStarvation => "pool_starvation",
            DeadlockKind::PipeFull => "pipe_full",
            DeadlockKind::NoSignaller => "no_signaller",
            DeadlockKind::BarrierShortfall => "barrier_shortfall",
            DeadlockKind::QueueJoin => "queue_join",
        }
    }
}

/// Classifies a non-empty stuck set: the kind and the actors that form it.
pub fn classify(
    g: &WaitGraph,
    facts: &Facts,
    stuck: &BTreeSet<ActorId>,
) -> (DeadlockKind, Vec<ActorId>) {
    let order = start_order(g, stuck);
    if let Some(&a) = order.iter().find(|&&a| holds_what_it_waits_for(g, a)) {
        return (DeadlockKind::SelfDeadlock, vec![a]);
    }
    if let Some((cycle, kinds)) = exact_cycle(g, stuck, &order) {
        let kind = if kinds.iter().all(|&k| k == EdgeKind::Lock) {
            DeadlockKind::LockCycle
        } else if kinds.iter().all(|&k| k == EdgeKind::Join) && cycle.len() == 2 {
            DeadlockKind::MutualJoin
        } else if kinds.contains(&EdgeKind::Join) {
            DeadlockKind::JoinCycle
        } else if kinds.contains(&EdgeKind::Future) {
            DeadlockKind::FuturesCycle
        } else {
            DeadlockKind::LockCycle
        };
        return (kind, cycle);
    }
    let mut senders: Vec<ActorId> = order
        .iter()
        .copied()
        .filter(|&a| g.wait(a).is_some_and(|w| w.op == WaitOp::PipeSend))
        .collect();
    senders.sort_by_key(|&a| (Some(a) != g.main(), a));
    if senders.len() >= 2 {
        return (DeadlockKind::PipeFull, senders);
    }
    terminal(g, facts, stuck, &order)
}

/// Stuck actors in the order walks start from: main, then those no stuck actor waits
/// for exactly (the heads of chains), then the rest, each group by id.
fn start_order(g: &WaitGraph, stuck: &BTreeSet<ActorId>) -> Vec<ActorId> {
    let main = g.main().filter(|m| stuck.contains(m));
    let pointed: BTreeSet<ActorId> = stuck
        .iter()
        .filter_map(|&a| g.exact_edge(a).map(|(t, _)| t))
        .collect();
    let mut order: Vec<ActorId> = main.into_iter().collect();
    order.extend(
        stuck
            .iter()
            .filter(|a| Some(**a) != main && !pointed.contains(a)),
    );
    order.extend(
        stuck
            .iter()
            .filter(|a| Some(**a) != main && pointed.contains(a)),
    );
    order
}

fn holds_what_it_waits_for(g: &WaitGraph, a: ActorId) -> bool {
    g.wait(a).is_some_and(|w| w.op == WaitOp::LockAcquire)
        && g.waited_res(a)
            .is_some_and(|r| matches!(r.kind, HandleKind::Lock { .. }) && r.owner == Some(a))
}

/// The first cycle of exact edges among stuck actors, rotated to start at main (when in
/// it) or its lowest id, with the kind of each edge (edge `i` leaves `cycle[i]`).
fn exact_cycle(
    g: &WaitGraph,
    stuck: &BTreeSet<ActorId>,
    order: &[ActorId],
) -> Option<(Vec<ActorId>, Vec<EdgeKind>)> {
    for &start in order {
        let mut path: Vec<(ActorId, EdgeKind)> = Vec::new();
        let mut at = start;
        while let Some((next, kind)) = g.exact_edge(at).filter(|(n, _)| stuck.contains(n)) {
            path.push((at, kind));
            if let Some(i) = path.iter().position(|&(a, _)| a == next) {
                let mut cycle = path.split_off(i);
                let main = g.main().filter(|m| cycle.iter().any(|(a, _)| a == m));
                let first =
                    main.unwrap_or_else(|| cycle.iter().map(|&(a, _)| a).min().unwrap_or(at));
                let k = cycle.iter().position(|&(a, _)| a == first).unwrap_or(0);
                cycle.rotate_left(k);
                return Some(cycle.into_iter().unzip());
            }
            at = next;
        }
    }
    None
}

/// No exact cycle: follow the exact chain from the first start to the wait it ends in,
/// and name the deadlock after that wait.
fn terminal(
    g: &WaitGraph,
    facts: &Facts,
    stuck: &BTreeSet<ActorId>,
    order: &[ActorId],
) -> (DeadlockKind, Vec<ActorId>) {
    let Some(&start) = order.first() else {
        return (DeadlockKind::NoSignaller, Vec::new());
    };
    let mut chain = vec![start];
    while let Some((next, _)) = g.exact_edge(chain[chain.len() - 1]) {
        if !stuck.contains(&next) || chain.contains(&next) {
            break;
        }
        chain.push(next);
    }
    let end = chain[chain.len() - 1];
    let joiner = (chain.len() >= 2)
        .then(|| chain[chain.len() - 2])
        .filter(|&j| g.wait(j).is_some_and(|w| w.op == WaitOp::Join));
    let Some(w) = g.wait(end) else {
        return (DeadlockKind::NoSignaller, vec![end]);
    };
    let res_kind = g.waited_res(end).map(|r| r.kind.res_kind());
    let joiner_signals = |j: ActorId| {
        capability::signal_for(w.op, res_kind)
            .is_some_and(|s| capability::may_perform(facts, g.actor(j).and_then(|a| a.func), s))
    };
    if let Some(j) = joiner
        && matches!(w.op, WaitOp::QueueFlush | WaitOp::PipeSend)
        && joiner_signals(j)
    {
        return (DeadlockKind::JoinBeforeDrain, vec![j, end]);
    }
    if w.op == WaitOp::FutureResult && g.waited_res(end).is_some_and(|r| r.link.is_none()) {
        return (DeadlockKind::PoolStarvation, chain);
    }
    // Facts credit an actor with what the actors it starts do, so "the joiner could
    // signal it" is weaker evidence than a barrier or queue join: check those first.
    let kind = match w.op {
        WaitOp::BarrierWait => DeadlockKind::BarrierShortfall,
        WaitOp::QueueJoin => DeadlockKind::QueueJoin,
        _ => match joiner.filter(|&j| joiner_signals(j)) {
            Some(j) => return (DeadlockKind::JoinCycle, vec![j, end]),
            None => DeadlockKind::NoSignaller,
        },
    };
    // Everyone stuck in the same wait on the same resource shares the verdict.
    let mut same: Vec<ActorId> = order
        .iter()
        .copied()
        .filter(|&a| {
            g.wait(a)
                .is_some_and(|o| o.op == w.op && o.res == w.res && o.target == w.target)
        })
        .collect();
    same.sort_by_key(|&a| (Some(a) != g.main(), a));
    (kind, same)
}
