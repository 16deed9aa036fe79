//! Static facts for the deadlock checker and the graph: per function, the signalling
//! operations it may perform and the creation sites it may use.
//!
//! Uses are closed over the functions it calls. Signals are closed over those *and* over
//! the actors and tasks it may start: a sleeping main that will start the thread that
//! sets an event may still set it, through that thread, and the checker must not call
//! the event's waiters deadlocked meanwhile.

use std::collections::BTreeSet;

use crate::core::names::Method;
use crate::plan::ir::{Facts, FuncId, ResKind};
use crate::plan::kinds::{Abs, Event, Kinds, SiteId};

/// Whether `m` on a receiver of kind `k` can unblock another actor.
pub fn is_signalling(k: Option<ResKind>, m: Method) -> bool {
    use Method::*;
    match m {
        Release | Notify | NotifyAll | Set | Put | PutNowait | TaskDone | Send | Recv | Abort
        | Reset | Submit | Apply | ApplyAsync | Map | MapAsync | Imap | ImapUnordered | Starmap
        | StarmapAsync | Cancel | Terminate | Kill | Close | Shutdown | Start => true,
        // Taking from a full queue unblocks its putter.
        Get | GetNowait => matches!(k, None | Some(ResKind::ThreadQueue | ResKind::MpQueue)),
        // A barrier's wait releases the others; a condition's wait releases its lock.
        Wait | WaitFor => matches!(k, None | Some(ResKind::Barrier | ResKind::Condition)),
        _ => false,
    }
}

/// What leaving a `with` block on a receiver of kind `k` performs.
fn with_exit(k: Option<ResKind>) -> &'static [Method] {
    match k {
        Some(
            ResKind::Lock
            | ResKind::RLock
            | ResKind::Condition
            | ResKind::Semaphore
            | ResKind::BoundedSemaphore,
        ) => &[Method::Release],
        Some(ResKind::Pool) => &[Method::Terminate],
        Some(ResKind::Executor) => &[Method::Shutdown],
        Some(ResKind::Connection) => &[Method::Close],
        Some(_) => &[],
        None => &[
            Method::Release,
            Method::Terminate,
            Method::Shutdown,
            Method::Close,
        ],
    }
}

type Signals = BTreeSet<(Option<ResKind>, Method)>;

/// Every signalling method on a receiver of any kind: code the plan cannot name.
fn anything() -> Signals {
    Method::ALL
        .iter()
        .filter(|&&m| is_signalling(None, m))
        .map(|&m| (None, m))
        .collect()
}

type Uses = BTreeSet<(u32, Method)>;

/// What each function may do, closed over the functions it calls.
pub struct Analysis {
    pub facts: Facts,
    /// `uses[f]`: the (site, method) pairs `f` may perform on objects created at known
    /// sites (`kinds.sites`). `with x:` counts as `acquire` plus its exit methods.
    pub uses: Vec<Vec<(SiteId, Method)>>,
}

/// Computes the facts for `n` functions from the inference result.
pub fn compute(n: usize, kinds: &Kinds) -> Analysis {
    let mut signals: Vec<Signals> = vec![BTreeSet::new(); n];
    let mut uses: Vec<Uses> = vec![BTreeSet::new(); n];
    let mut callees: Vec<BTreeSet<FuncId>> = vec![BTreeSet::new(); n];
    let mut spawns: Vec<BTreeSet<FuncId>> = vec![BTreeSet::new(); n];
    let mut spawns_anything = vec![false; n];
    let record = |f: FuncId, recv: &Abs, m: Method, signals: &mut [Signals], uses: &mut [Uses]| {
        let k = kinds.kind(recv);
        if is_signalling(k, m) {
            signals[f as usize].insert((k, m));
        }
        if !recv.top {
            for s in &recv.sites {
                uses[f as usize].insert((*s, m));
            }
        }
    };
    for ev in &kinds.events {
        match ev {
            Event::Method {
                func, method, recv, ..
            } => record(*func, recv, *method, &mut signals, &mut uses),
            Event::With { func, recv } => {
                let k = kinds.kind(recv);
                if !recv.top {
                    for s in &recv.sites {
                        uses[*func as usize].insert((*s, Method::Acquire));
                    }
                }
                for m in with_exit(k) {
                    record(*func, recv, *m, &mut signals, &mut uses);
                }
            }
            Event::Calls { func, callee } => {
                callees[*func as usize].insert(*callee);
            }
            Event::CallsUnknown { func } => {
                callees[*func as usize].extend(kinds.escaped.iter().copied());
            }
            Event::Spawns { func, target } => {
                spawns[*func as usize].insert(*target);
            }
            Event::SpawnsUnknown { func } => {
                // A bound method or a builtin may be the target (`Thread(target=ev.set)`),
                // so naming the escaped functions is not enough: anything goes.
                spawns_anything[*func as usize] = true;
            }
            Event::Attr { .. } => {}
        }
    }
    close(&mut signals, &mut uses, &callees, None);
    let mut reach = signals.clone();
    for (r, any) in reach.iter_mut().zip(spawns_anything) {
        if any {
            r.extend(anything());
        }
    }
    close(
        &mut reach,
        &mut vec![BTreeSet::new(); n],
        &callees,
        Some(&spawns),
    );
    Analysis {
        facts: Facts {
            signals: sorted(signals),
            reach: sorted(reach),
        },
        uses: uses.into_iter().map(|u| u.into_iter().collect()).collect(),
    }
}

fn sorted(sets: Vec<Signals>) -> Vec<Vec<(Option<ResKind>, Method)>> {
    sets.into_iter().map(|s| s.into_iter().collect()).collect()
}

/// Closes `signals` and `uses` over `callees` (and `signals` alone over `spawns`, when
/// given): iterate until nothing grows (sets only grow, bounded).
fn close(
    signals: &mut [Signals],
    uses: &mut [Uses],
    callees: &[BTreeSet<FuncId>],
    spawns: Option<&[BTreeSet<FuncId>]>,
) {
    loop {
        let mut changed = false;
        for f in 0..signals.len() {
            for &g in &callees[f] {
                changed |= absorb(signals, f, g as usize);
                changed |= absorb(uses, f, g as usize);
            }
            for &g in spawns.into_iter().flat_map(|s| &s[f]) {
                changed |= absorb(signals, f, g as usize);
            }
        }
        if !changed {
            return;
        }
    }
}

/// `sets[f] |= sets[g]`; whether it grew.
fn absorb<T: Ord + Clone>(sets: &mut [BTreeSet<T>], f: usize, g: usize) -> bool {
    if f == g {
        return false;
    }
    let add = sets[g].clone();
    let before = sets[f].len();
    sets[f].extend(add);
    before != sets[f].len()
}
