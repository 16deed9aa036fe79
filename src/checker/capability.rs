//! Who may still signal what: which wait each signalling method can end, and whether an
//! actor's code may perform it, from the plan's static facts.
//!
//! Matching is by resource *kind*, never by object: an actor that may `put` into some
//! queue counts as a possible producer for every queue. That over-approximation can only
//! hide a deadlock (it then surfaces as a hang), never invent one.

use crate::checker::snapshot::WaitOp;
use crate::core::names::Method;
use crate::plan::ir::{Facts, FuncId, ResKind};

/// What would end a wait: a method on a receiver of one of `kinds`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Signal {
    /// Receiver kinds that count; empty means any kind (the resource is unknown).
    pub kinds: &'static [ResKind],
    /// Any one of these methods does.
    pub methods: &'static [Method],
}

const QUEUES: &[ResKind] = &[ResKind::ThreadQueue, ResKind::MpQueue];
const SEMAPHORES: &[ResKind] = &[ResKind::Semaphore, ResKind::BoundedSemaphore];
const PROCESS: &[ResKind] = &[ResKind::Process];
const LOCK: &[ResKind] = &[ResKind::Lock];

/// The signal that ends a wait of `op` on a resource of kind `kind` (`None` when the
/// resource is not in the snapshot). `None` for waits that a signalling method does not
/// end (lock acquires, joins, futures, sleeps): those name their satisfier exactly.
pub fn signal_for(op: WaitOp, kind: Option<ResKind>) -> Option<Signal> {
    use Method::*;
    let (kinds, methods): (&'static [ResKind], &'static [Method]) = match op {
        WaitOp::QueueGet => (queue_kinds(kind), &[Put, PutNowait]),
        WaitOp::QueuePut => (queue_kinds(kind), &[Get, GetNowait]),
        WaitOp::QueueJoin => (queue_kinds(kind), &[TaskDone]),
        // A full pipe drains when its reader reads, whatever end type the reader holds.
        WaitOp::QueueFlush | WaitOp::PipeSend => (&[], &[Get, GetNowait, Recv]),
        WaitOp::PipeRecv => (&[ResKind::Connection], &[Send, Close]),
        WaitOp::SemAcquire => (SEMAPHORES, &[Release]),
        WaitOp::EventWait => (&[ResKind::Event], &[Set]),
        WaitOp::CondWait => (&[ResKind::Condition], &[Notify, NotifyAll]),
        WaitOp::BarrierWait => (&[ResKind::Barrier], &[Wait, Abort, Reset]),
        WaitOp::LockAcquire
        | WaitOp::Join
        | WaitOp::FutureResult
        | WaitOp::PoolJoin
        | WaitOp::Sleep
        | WaitOp::Input => return None,
    };
    Some(Signal { kinds, methods })
}

fn queue_kinds(kind: Option<ResKind>) -> &'static [ResKind] {
    match kind {
        Some(ResKind::ThreadQueue) => &[ResKind::ThreadQueue],
        Some(ResKind::MpQueue) => &[ResKind::MpQueue],
        _ => QUEUES,
    }
}

/// `lock.release()` by someone other than the holder: legal on a `threading.Lock` and a
/// `multiprocessing.Lock`, so a Lock whose holder cannot release it is not yet lost.
pub const LOCK_RELEASE: Signal = Signal {
    kinds: LOCK,
    methods: &[Method::Release],
};

/// `p.terminate()` / `p.kill()`: ends any wait of an actor living in a child process.
pub const TERMINATE: Signal = Signal {
    kinds: PROCESS,
    methods: &[Method::Terminate, Method::Kill],
};

/// May code running `func` perform `signal` itself (or through the functions it calls)?
/// Unknown code (`func` is `None`, or the plan has no facts for it) may do anything.
pub fn may_perform(facts: &Facts, func: Option<FuncId>, signal: Signal) -> bool {
    matches(func.and_then(|f| facts.signals.get(f as usize)), signal)
}

/// May code running `func` cause `signal`, itself or through any actor or task it may
/// still start? This is what keeps a wait alive.
pub fn may_cause(facts: &Facts, func: Option<FuncId>, signal: Signal) -> bool {
    matches(func.and_then(|f| facts.reach.get(f as usize)), signal)
}

fn matches(ops: Option<&Vec<(Option<ResKind>, Method)>>, signal: Signal) -> bool {
    let Some(ops) = ops else {
        return true;
    };
    ops.iter().any(|&(kind, method)| {
        signal.methods.contains(&method)
            && (signal.kinds.is_empty() || kind.is_none_or(|k| signal.kinds.contains(&k)))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts(ops: Vec<(Option<ResKind>, Method)>) -> Facts {
        Facts {
            signals: vec![ops.clone()],
            reach: vec![ops],
        }
    }

    #[test]
    fn a_put_on_a_thread_queue_does_not_feed_a_multiprocessing_queue() {
        let f = facts(vec![(Some(ResKind::ThreadQueue), Method::Put)]);
        let get_mp = signal_for(WaitOp::QueueGet, Some(ResKind::MpQueue)).unwrap();
        let get_thread = signal_for(WaitOp::QueueGet, Some(ResKind::ThreadQueue)).unwrap();
        assert!(!may_perform(&f, Some(0), get_mp));
        assert!(may_perform(&f, Some(0), get_thread));
    }

    #[test]
    fn an_uninferred_receiver_matches_every_kind() {
        let f = facts(vec![(None, Method::Set)]);
        let ev = signal_for(WaitOp::EventWait, Some(ResKind::Event)).unwrap();
        let sem = signal_for(WaitOp::SemAcquire, Some(ResKind::Semaphore)).unwrap();
        assert!(may_perform(&f, Some(0), ev));
        assert!(!may_perform(&f, Some(0), sem));
    }

    #[test]
    fn unknown_code_may_do_anything() {
        let f = facts(vec![]);
        assert!(may_perform(&f, None, LOCK_RELEASE));
        assert!(may_perform(&f, Some(7), LOCK_RELEASE));
        assert!(!may_perform(&f, Some(0), LOCK_RELEASE));
    }

    #[test]
    fn waits_with_an_exact_satisfier_have_no_signal() {
        for op in [
            WaitOp::LockAcquire,
            WaitOp::Join,
            WaitOp::FutureResult,
            WaitOp::Sleep,
        ] {
            assert_eq!(signal_for(op, None), None);
        }
    }
}
