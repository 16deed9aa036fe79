//! The live detector: fed successive snapshots, it reports a deadlock only once the same
//! stuck set has stood still for a settle window.
//!
//! One snapshot can catch a wake-up in flight (a lock just released, an item just put,
//! the woken actor not yet scheduled), so a verdict needs the same stuck actors, in the
//! same waits, with the same progress counters and the same state of the resources they
//! wait on, across at least two snapshots spanning the settle window.

use std::collections::BTreeSet;

use crate::checker::deadlock::{self, Deadlock};
use crate::checker::snapshot::{ActorId, ResSnap, Snapshot, Wait};
use crate::checker::wait_graph::WaitGraph;
use crate::plan::ir::Facts;

/// Default settle window, in milliseconds.
pub const DEFAULT_SETTLE_MS: u64 = 10;

/// Debounces `deadlock::find_deadlock` over a stream of snapshots.
#[derive(Debug)]
pub struct Detector {
    settle_ms: u64,
    /// The stuck set being watched, if any.
    candidate: Option<Candidate>,
}

#[derive(Debug)]
struct Candidate {
    /// What must not change: every stuck actor's wait and progress, and the resources
    /// involved.
    key: Key,
    /// When this exact key was first seen.
    since_ms: u64,
    /// How many consecutive snapshots showed it.
    seen: u32,
}

#[derive(Debug, PartialEq)]
struct Key {
    actors: Vec<(ActorId, Option<Wait>, u64)>,
    resources: Vec<ResSnap>,
}

impl Default for Detector {
    fn default() -> Detector {
        Detector::new(DEFAULT_SETTLE_MS)
    }
}

impl Detector {
    /// A detector that needs a stuck set to last `settle_ms` milliseconds.
    pub fn new(settle_ms: u64) -> Detector {
        Detector {
            settle_ms,
            candidate: None,
        }
    }

    /// Feeds the next snapshot (their `at_ms` must not decrease). Returns the deadlock
    /// once it has settled, and again for every later snapshot that still shows it.
    pub fn observe(&mut self, snap: &Snapshot, facts: &Facts) -> Option<Deadlock> {
        let stuck = deadlock::stuck_actors(snap, facts);
        if stuck.is_empty() {
            self.candidate = None;
            return None;
        }
        let key = key_of(snap, &stuck);
        let settled = match &mut self.candidate {
            Some(c) if c.key == key => {
                c.seen += 1;
                c.seen >= 2 && snap.at_ms.saturating_sub(c.since_ms) >= self.settle_ms
            }
            _ => {
                self.candidate = Some(Candidate {
                    key,
                    since_ms: snap.at_ms,
                    seen: 1,
                });
                false
            }
        };
        if settled {
            Deadlock::of_stuck(snap, facts, stuck)
        } else {
            None
        }
    }
}

fn key_of(snap: &Snapshot, stuck: &BTreeSet<ActorId>) -> Key {
    let g = WaitGraph::new(snap);
    let actors = stuck
        .iter()
        .map(|&id| {
            let a = g.actor(id);
            (
                id,
                a.and_then(|a| a.wait.clone()),
                a.map_or(0, |a| a.progress),
            )
        })
        .collect();
    let resources = snap
        .resources
        .iter()
        .filter(|r| {
            r.owner.is_some_and(|o| stuck.contains(&o))
                || stuck
                    .iter()
                    .any(|&a| g.wait(a).is_some_and(|w| w.res == Some(r.id)))
        })
        .cloned()
        .collect();
    Key { actors, resources }
}
