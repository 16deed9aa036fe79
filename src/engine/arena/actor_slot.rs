//! One actor's slot in the arena: who it is, what state it is in, and what it waits for.
//!
//! Every field is an atomic in shared memory; all-zero bytes are a valid empty slot.
//! Optional ids are stored as `id + 1`, so 0 means "none".

use std::hint::spin_loop;
use std::sync::atomic::{AtomicI32, AtomicU32, AtomicU64, Ordering, fence};

use super::inline_str::{InlineStr, READ_RETRIES};
use crate::checker::snapshot::{ActorId, ActorKind, ActorSnap, ActorState, Wait, WaitOp};
use crate::plan::ir::FuncId;
use crate::syntax::span::Span;

/// Stores an optional id as `id + 1` (0 = none).
pub(crate) fn enc(id: Option<u32>) -> u32 {
    id.map_or(0, |v| v + 1)
}

/// Inverse of [`enc`].
pub(crate) fn dec(v: u32) -> Option<u32> {
    v.checked_sub(1)
}

fn state_code(s: ActorState) -> u32 {
    match s {
        ActorState::New => 1,
        ActorState::Running => 2,
        ActorState::Blocked => 3,
        ActorState::Exited => 4,
    }
}

fn state_from(code: u32) -> Option<ActorState> {
    Some(match code {
        1 => ActorState::New,
        2 => ActorState::Running,
        3 => ActorState::Blocked,
        4 => ActorState::Exited,
        _ => return None,
    })
}

/// Every `WaitOp`, indexed by its discriminant minus one.
const WAIT_OPS: [WaitOp; 16] = [
    WaitOp::LockAcquire,
    WaitOp::SemAcquire,
    WaitOp::CondWait,
    WaitOp::EventWait,
    WaitOp::BarrierWait,
    WaitOp::QueueGet,
    WaitOp::QueuePut,
    WaitOp::QueueJoin,
    WaitOp::QueueFlush,
    WaitOp::PipeRecv,
    WaitOp::PipeSend,
    WaitOp::Join,
    WaitOp::FutureResult,
    WaitOp::PoolJoin,
    WaitOp::Sleep,
    WaitOp::Input,
];

fn op_from(code: u32) -> Option<WaitOp> {
    WAIT_OPS.get((code as usize).checked_sub(1)?).copied()
}

/// The wait record, under a single-writer seqlock: only the actor itself writes it (and
/// the supervisor between runs), while the supervisor reads it at any moment.
#[repr(C)]
#[derive(Default)]
struct WaitCell {
    /// Odd while the actor is rewriting the record.
    seq: AtomicU32,
    /// `WaitOp as u32`; 0 = not waiting.
    op: AtomicU32,
    res: AtomicU32,
    target: AtomicU32,
    span_start: AtomicU32,
    span_end: AtomicU32,
    timed: AtomicU32,
    detail: AtomicU64,
}

impl WaitCell {
    fn write(&self, w: Option<&Wait>) {
        let seq = self.seq.load(Ordering::Relaxed);
        self.seq.store(seq.wrapping_add(1), Ordering::Relaxed);
        fence(Ordering::Release);
        match w {
            Some(w) => {
                self.res.store(enc(w.res), Ordering::Relaxed);
                self.target.store(enc(w.target), Ordering::Relaxed);
                self.span_start.store(w.span.start, Ordering::Relaxed);
                self.span_end.store(w.span.end, Ordering::Relaxed);
                self.timed.store(u32::from(w.timed), Ordering::Relaxed);
                self.detail.store(w.detail, Ordering::Relaxed);
                self.op.store(w.op as u32, Ordering::Relaxed);
            }
            None => self.op.store(0, Ordering::Relaxed),
        }
        self.seq.store(seq.wrapping_add(2), Ordering::Release);
    }

    fn read(&self) -> Option<Wait> {
        for _ in 0..READ_RETRIES {
            let s1 = self.seq.load(Ordering::Acquire);
            if s1 & 1 == 1 {
                spin_loop();
                continue;
            }
            let op = self.op.load(Ordering::Relaxed);
            let w = (
                self.res.load(Ordering::Relaxed),
                self.target.load(Ordering::Relaxed),
                self.span_start.load(Ordering::Relaxed),
                self.span_end.load(Ordering::Relaxed),
                self.timed.load(Ordering::Relaxed),
                self.detail.load(Ordering::Relaxed),
            );
            fence(Ordering::Acquire);
            if self.seq.load(Ordering::Relaxed) != s1 {
                continue;
            }
            return op_from(op).map(|op| Wait {
                op,
                res: dec(w.0),
                target: dec(w.1),
                span: Span {
                    start: w.2,
                    end: w.3,
                },
                timed: w.4 != 0,
                detail: w.5,
            });
        }
        None
    }
}

/// One actor. Aligned to 128 bytes so no two actors share a cache line (or an adjacent
/// prefetched one): an actor's blocking registration touches only its own lines.
#[repr(C, align(128))]
#[derive(Default)]
pub struct ActorSlot {
    /// 0 while the slot is unpublished, then an `ActorState` code.
    state: AtomicU32,
    /// Condition-variable wake flag (futex word): set to 1 by the `notify` that picked
    /// this actor; reset to 0 when the actor enqueues itself.
    pub park: AtomicU32,
    /// Next actor in the waiter list of the condition this actor waits on (`enc`oded).
    pub cond_next: AtomicU32,
    /// Bumped on every operation; unchanged between two snapshots = no progress.
    progress: AtomicU64,
    wait: WaitCell,
    /// 1 = process, 2 = thread.
    kind: AtomicU32,
    process: AtomicU32,
    parent: AtomicU32,
    pid: AtomicI32,
    tid: AtomicI32,
    daemon: AtomicU32,
    func: AtomicU32,
    /// 0 = not exited yet, else `1 << 32 | code as u32`.
    exit_code: AtomicU64,
    /// Python's `name`.
    name: InlineStr<6>,
    /// The scenario's name for the actor (`t1`, `main`).
    label: InlineStr<4>,
}

impl ActorSlot {
    /// Fills a freshly allocated slot and publishes it (state `New`).
    pub(super) fn init(
        &self,
        kind: ActorKind,
        process: ActorId,
        parent: Option<ActorId>,
        label: &str,
        name: &str,
    ) {
        let kind = match kind {
            ActorKind::Process => 1,
            ActorKind::Thread => 2,
        };
        self.kind.store(kind, Ordering::Relaxed);
        self.process.store(process, Ordering::Relaxed);
        self.parent.store(enc(parent), Ordering::Relaxed);
        self.label.set(label);
        self.name.set(name);
        self.state
            .store(state_code(ActorState::New), Ordering::Release);
    }

    /// `None` while the slot is unpublished.
    pub fn state(&self) -> Option<ActorState> {
        state_from(self.state.load(Ordering::Acquire))
    }

    /// Wakes every thread blocked in `wait_exited` on this slot (in any process).
    pub fn wake_joiners(&self) {
        crate::engine::futex::wake_all(&self.state);
    }

    /// Blocks until the actor's state is `Exited` or `limit` passed; true if exited.
    /// Whoever sets `Exited` calls `wake_joiners`.
    pub fn wait_exited(&self, limit: Option<std::time::Duration>) -> bool {
        let deadline = crate::engine::futex::deadline_after(limit);
        loop {
            let s = self.state.load(Ordering::Acquire);
            if state_from(s) == Some(ActorState::Exited) {
                return true;
            }
            if deadline.is_some_and(|d| std::time::Instant::now() >= d) {
                return false;
            }
            crate::engine::futex::wait(&self.state, s, deadline);
        }
    }

    /// Returns the previous state.
    pub fn set_state(&self, s: ActorState) -> Option<ActorState> {
        state_from(self.state.swap(state_code(s), Ordering::AcqRel))
    }

    /// Process (a main thread) or thread.
    pub fn kind(&self) -> ActorKind {
        if self.kind.load(Ordering::Relaxed) == 1 {
            ActorKind::Process
        } else {
            ActorKind::Thread
        }
    }

    /// The process actor this actor lives in (itself for a process).
    pub fn process(&self) -> ActorId {
        self.process.load(Ordering::Relaxed)
    }

    /// The actor that started this one (`None` for main).
    pub fn parent(&self) -> Option<ActorId> {
        dec(self.parent.load(Ordering::Relaxed))
    }

    /// OS process id and thread id, once the actor runs (0 before).
    pub fn pid_tid(&self) -> (i32, i32) {
        (
            self.pid.load(Ordering::Relaxed),
            self.tid.load(Ordering::Relaxed),
        )
    }

    /// Records the OS ids once the actor runs.
    pub fn set_pid_tid(&self, pid: i32, tid: i32) {
        self.pid.store(pid, Ordering::Relaxed);
        self.tid.store(tid, Ordering::Relaxed);
    }

    /// The `daemon` flag.
    pub fn daemon(&self) -> bool {
        self.daemon.load(Ordering::Relaxed) != 0
    }

    /// Sets the `daemon` flag.
    pub fn set_daemon(&self, daemon: bool) {
        self.daemon.store(u32::from(daemon), Ordering::Relaxed);
    }

    /// The scenario function the actor runs.
    pub fn func(&self) -> Option<FuncId> {
        dec(self.func.load(Ordering::Relaxed))
    }

    /// Sets the function the actor runs.
    pub fn set_func(&self, func: Option<FuncId>) {
        self.func.store(enc(func), Ordering::Relaxed);
    }

    /// `None` until the actor exited with a code.
    pub fn exit_code(&self) -> Option<i32> {
        let v = self.exit_code.load(Ordering::Acquire);
        (v != 0).then_some(v as u32 as i32)
    }

    /// Records the exit code (negative: killed by that signal).
    pub fn set_exit_code(&self, code: i32) {
        self.exit_code
            .store(1 << 32 | u64::from(code as u32), Ordering::Release);
    }

    /// The progress counter.
    pub fn progress(&self) -> u64 {
        self.progress.load(Ordering::Relaxed)
    }

    /// Only the actor itself bumps its counter, so a plain load and store suffice (no
    /// locked read-modify-write on the hot path).
    #[inline]
    pub fn bump_progress(&self) {
        let n = self.progress.load(Ordering::Relaxed);
        self.progress.store(n.wrapping_add(1), Ordering::Relaxed);
    }

    /// Python's `name`.
    pub fn name(&self) -> String {
        self.name.get()
    }

    /// Renames the actor (`t.name = ...`); truncated to 48 bytes.
    pub fn set_name(&self, name: &str) {
        self.name.set(name);
    }

    /// The scenario's name for the actor.
    pub fn label(&self) -> String {
        self.label.get()
    }

    /// Relabels the actor (truncated to 32 bytes).
    pub fn set_label(&self, label: &str) {
        self.label.set(label);
    }

    /// The current wait record (a consistent copy, never torn).
    pub fn wait(&self) -> Option<Wait> {
        self.wait.read()
    }

    /// Writes or clears the wait record. Only the actor itself may call this while the
    /// run is live (the record has a single writer).
    pub fn set_wait(&self, w: Option<&Wait>) {
        self.wait.write(w);
    }

    /// A copy for the checker; `None` if the slot is unpublished.
    pub fn snap(&self, id: ActorId) -> Option<ActorSnap> {
        let state = self.state()?;
        Some(ActorSnap {
            id,
            label: self.label(),
            name: self.name(),
            kind: self.kind(),
            process: self.process(),
            parent: self.parent(),
            state,
            wait: self.wait(),
            func: self.func(),
            progress: self.progress(),
            daemon: self.daemon(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_slot_is_unpublished() {
        let s = ActorSlot::default();
        assert_eq!(s.state(), None);
        assert!(s.snap(0).is_none());
    }

    #[test]
    fn wait_record_round_trips() {
        let s = ActorSlot::default();
        s.init(ActorKind::Thread, 0, Some(0), "t1", "Thread-1 (run)");
        let w = Wait {
            op: WaitOp::QueueJoin,
            res: Some(0),
            target: None,
            span: Span { start: 3, end: 9 },
            timed: true,
            detail: 7,
        };
        s.set_wait(Some(&w));
        assert_eq!(s.wait(), Some(w));
        s.set_wait(None);
        assert_eq!(s.wait(), None);
        let snap = s.snap(1).unwrap();
        assert_eq!(snap.label, "t1");
        assert_eq!(snap.name, "Thread-1 (run)");
        assert_eq!(snap.parent, Some(0));
        assert_eq!(snap.state, ActorState::New);
    }

    #[test]
    fn exit_code_distinguishes_zero_from_none() {
        let s = ActorSlot::default();
        assert_eq!(s.exit_code(), None);
        s.set_exit_code(0);
        assert_eq!(s.exit_code(), Some(0));
        s.set_exit_code(-15);
        assert_eq!(s.exit_code(), Some(-15));
    }

    #[test]
    fn every_op_decodes() {
        for (i, op) in WAIT_OPS.iter().enumerate() {
            assert_eq!(*op as u32, i as u32 + 1);
            assert_eq!(op_from(*op as u32), Some(*op));
        }
        assert_eq!(op_from(0), None);
        assert_eq!(op_from(17), None);
    }
}
