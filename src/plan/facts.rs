//! Static facts for the deadlock checker and the graph: per function, the signalling
//! operations it may perform and the creation sites it may use, each closed over the
//! functions it calls (not over the actors it starts).

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
            Event::Attr { .. } => {}
        }
    }
    // Close over calls: iterate until nothing grows (sets only grow, bounded).
    loop {
        let mut changed = false;
        for f in 0..n {
            for g in callees[f].clone() {
                let g = g as usize;
                if g == f {
                    continue;
                }
                let (s, u) = (signals[g].clone(), uses[g].clone());
                let before = (signals[f].len(), uses[f].len());
                signals[f].extend(s);
                uses[f].extend(u);
                changed |= before != (signals[f].len(), uses[f].len());
            }
        }
        if !changed {
            break;
        }
    }
    Analysis {
        facts: Facts {
            signals: signals
                .into_iter()
                .map(|s| s.into_iter().collect())
                .collect(),
        },
        uses: uses.into_iter().map(|u| u.into_iter().collect()).collect(),
    }
}
