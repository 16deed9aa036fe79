//! A builder of hand-made snapshots and plan facts for the checker's tests.
#![allow(dead_code)] // each test binary uses a different part of the builder

use interp::checker::snapshot::{
    ActorId, ActorKind, ActorSnap, ActorState, ResId, ResSnap, Snapshot, Wait, WaitOp,
};
use interp::core::names::Method;
use interp::core::value::HandleKind;
use interp::plan::ir::{Facts, ResKind};
use interp::syntax::span::Span;

/// The main actor's id.
pub const MAIN: ActorId = 0;

pub const LOCK: HandleKind = HandleKind::Lock { mp: false };
pub const MP_LOCK: HandleKind = HandleKind::Lock { mp: true };
pub const RLOCK: HandleKind = HandleKind::RLock { mp: false };
pub const EVENT: HandleKind = HandleKind::Event { mp: false };
pub const COND: HandleKind = HandleKind::Condition { mp: false };
pub const SEM: HandleKind = HandleKind::Semaphore {
    mp: false,
    bounded: false,
};
pub const BARRIER: HandleKind = HandleKind::Barrier { mp: false };
pub const MP_QUEUE: HandleKind = HandleKind::MpQueue {
    joinable: false,
    simple: false,
};

/// A scenario state under construction: main (a running process, function 0) plus
/// whatever the test adds. Every actor runs its own function, whose signals are set
/// with `can`.
#[derive(Clone, Debug)]
pub struct Scn {
    pub actors: Vec<ActorSnap>,
    pub resources: Vec<ResSnap>,
    pub signals: Vec<Vec<(Option<ResKind>, Method)>>,
    /// What each function may cause only through actors it may still start.
    pub spawned: Vec<Vec<(Option<ResKind>, Method)>>,
    pub at_ms: u64,
}

impl Default for Scn {
    fn default() -> Scn {
        Scn::new()
    }
}

impl Scn {
    pub fn new() -> Scn {
        let mut s = Scn {
            actors: Vec::new(),
            resources: Vec::new(),
            signals: Vec::new(),
            spawned: Vec::new(),
            at_ms: 0,
        };
        s.add_actor("main", ActorKind::Process, None);
        s
    }

    fn add_actor(&mut self, label: &str, kind: ActorKind, parent: Option<ActorId>) -> ActorId {
        let id = self.actors.len() as ActorId;
        let func = self.signals.len() as u32;
        self.signals.push(Vec::new());
        self.spawned.push(Vec::new());
        self.actors.push(ActorSnap {
            id,
            label: label.to_string(),
            name: label.to_string(),
            kind,
            process: match kind {
                ActorKind::Process => id,
                ActorKind::Thread => parent.map_or(MAIN, |p| self.actors[p as usize].process),
            },
            parent,
            state: ActorState::Running,
            wait: None,
            func: Some(func),
            progress: 0,
            daemon: false,
        });
        id
    }

    /// A running thread started by main, in main's process.
    pub fn thread(&mut self, label: &str) -> ActorId {
        self.add_actor(label, ActorKind::Thread, Some(MAIN))
    }

    /// A running thread started by `parent`, in `parent`'s process.
    pub fn thread_in(&mut self, label: &str, parent: ActorId) -> ActorId {
        self.add_actor(label, ActorKind::Thread, Some(parent))
    }

    /// A running child process started by main.
    pub fn process(&mut self, label: &str) -> ActorId {
        self.add_actor(label, ActorKind::Process, Some(MAIN))
    }

    pub fn actor(&mut self, a: ActorId) -> &mut ActorSnap {
        &mut self.actors[a as usize]
    }

    /// `a`'s code may perform these methods on these kinds.
    pub fn can(&mut self, a: ActorId, ops: &[(ResKind, Method)]) -> &mut Scn {
        let f = self.actors[a as usize].func.unwrap() as usize;
        self.signals[f].extend(ops.iter().map(|&(k, m)| (Some(k), m)));
        self
    }

    /// `a`'s code may start an actor (not created yet) that performs `ops`.
    pub fn may_start(&mut self, a: ActorId, ops: &[(ResKind, Method)]) -> &mut Scn {
        let f = self.actors[a as usize].func.unwrap() as usize;
        self.spawned[f].extend(ops.iter().map(|&(k, m)| (Some(k), m)));
        self
    }

    /// `a`'s code may perform `m` on a receiver the plan could not type.
    pub fn can_any(&mut self, a: ActorId, m: Method) -> &mut Scn {
        let f = self.actors[a as usize].func.unwrap() as usize;
        self.signals[f].push((None, m));
        self
    }

    pub fn res(&mut self, label: &str, kind: HandleKind) -> ResId {
        let id = 100 + self.resources.len() as ResId;
        self.resources.push(ResSnap {
            id,
            kind,
            label: label.to_string(),
            owner: None,
            count: 0,
            limit: 0,
            pending_bytes: 0,
            link: None,
        });
        id
    }

    pub fn r(&mut self, r: ResId) -> &mut ResSnap {
        self.resources.iter_mut().find(|x| x.id == r).unwrap()
    }

    /// A `threading.Lock` held by `owner`.
    pub fn lock(&mut self, label: &str, owner: Option<ActorId>) -> ResId {
        let r = self.res(label, LOCK);
        self.r(r).owner = owner;
        r
    }

    /// A future run by `worker` (`None`: still queued).
    pub fn future(&mut self, label: &str, worker: Option<ActorId>) -> ResId {
        let r = self.res(label, HandleKind::Future);
        self.r(r).link = worker;
        r
    }

    /// Blocks `a` (untimed) in `op` on `res` / `target`, at `span`.
    pub fn block_at(
        &mut self,
        a: ActorId,
        op: WaitOp,
        res: Option<ResId>,
        target: Option<ActorId>,
        span: Span,
    ) -> &mut Scn {
        let x = self.actor(a);
        x.state = ActorState::Blocked;
        x.wait = Some(Wait {
            op,
            res,
            target,
            span,
            timed: false,
            detail: 0,
        });
        self
    }

    pub fn wait_on(&mut self, a: ActorId, op: WaitOp, res: ResId) -> &mut Scn {
        self.block_at(a, op, Some(res), None, Span::default())
    }

    pub fn acquire(&mut self, a: ActorId, lock: ResId) -> &mut Scn {
        self.wait_on(a, WaitOp::LockAcquire, lock)
    }

    pub fn join(&mut self, a: ActorId, target: ActorId) -> &mut Scn {
        self.block_at(a, WaitOp::Join, None, Some(target), Span::default())
    }

    /// Makes `a`'s current wait a timed one.
    pub fn timed(&mut self, a: ActorId) -> &mut Scn {
        self.actor(a).wait.as_mut().unwrap().timed = true;
        self
    }

    pub fn detail(&mut self, a: ActorId, detail: u64) -> &mut Scn {
        self.actor(a).wait.as_mut().unwrap().detail = detail;
        self
    }

    pub fn state(&mut self, a: ActorId, state: ActorState) -> &mut Scn {
        let x = self.actor(a);
        x.state = state;
        if state != ActorState::Blocked {
            x.wait = None;
        }
        self
    }

    pub fn snapshot(&self) -> Snapshot {
        Snapshot {
            actors: self.actors.clone(),
            resources: self.resources.clone(),
            at_ms: self.at_ms,
        }
    }

    pub fn facts(&self) -> Facts {
        let reach = self
            .signals
            .iter()
            .zip(&self.spawned)
            .map(|(s, x)| s.iter().chain(x).copied().collect())
            .collect();
        Facts {
            signals: self.signals.clone(),
            reach,
        }
    }
}
