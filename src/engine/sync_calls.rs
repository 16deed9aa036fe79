//! Python calls on threading / multiprocessing synchronization objects and thread
//! queues, mapped onto the arena primitives of `engine::sync`.

use std::time::Duration;

use crate::core::names::{Attr, Builtin, ExcType, Method};
use crate::core::value::{Handle, HandleKind, Res, ThreadQueueKind, Unwind, Value};
use crate::core::world::{Args, Caller};
use crate::engine::actor_world::{ActorWorld, no_attribute, no_method};
use crate::engine::arg;
use crate::engine::sync::SyncError;
use crate::engine::sync::barrier::{Barrier, BarrierArrival};
use crate::engine::sync::condition::Condition;
use crate::engine::sync::event::Event;
use crate::engine::sync::lock::Lock;
use crate::engine::sync::rlock::RLock;
use crate::engine::sync::semaphore::Semaphore;
use crate::engine::sync::thread_queue::ThreadQueue;
use crate::engine::sync::timeout_arg;
use crate::syntax::span::Span;

impl ActorWorld {
    #[cold]
    fn sync_err(&self, e: SyncError, mp: bool, span: Span) -> Unwind {
        match e {
            SyncError::Cap(cap) => self.cap_unwind(&cap.to_string(), span),
            e => Unwind::Raise(std::sync::Arc::new(e.to_exception(mp, span))),
        }
    }

    fn scaled(&self, secs: Option<f64>) -> Option<Duration> {
        secs.map(|s| self.rt.real(s))
    }

    /// Constructors: `Lock()`, `Semaphore(3)`, `Barrier(2, action=f)`, `queue.Queue(5)`...
    pub(crate) fn new_sync(
        &self,
        cx: &mut dyn Caller,
        b: Builtin,
        args: Args,
        span: Span,
    ) -> Res<Value> {
        let _ = cx;
        let label = self.rt.label_at(span).unwrap_or_default();
        let a = &self.rt.arena;
        let (kind, made) = match b {
            Builtin::Lock | Builtin::MpLock => {
                let mp = b == Builtin::MpLock;
                (
                    HandleKind::Lock { mp },
                    Lock::new(a, mp, &label).map(|l| l.0),
                )
            }
            Builtin::RLock | Builtin::MpRLock => {
                let mp = b == Builtin::MpRLock;
                (
                    HandleKind::RLock { mp },
                    RLock::new(a, mp, &label).map(|l| l.0),
                )
            }
            Builtin::Condition | Builtin::MpCondition => {
                let mp = b == Builtin::MpCondition;
                let lock = match arg::opt(&args, 0, "lock") {
                    Some(Value::Handle(h))
                        if matches!(h.kind, HandleKind::Lock { .. } | HandleKind::RLock { .. }) =>
                    {
                        Some(h.id)
                    }
                    Some(other) => {
                        return Err(Unwind::raise(
                            ExcType::TypeError,
                            format!(
                                "Condition() needs a Lock or RLock, not {}",
                                other.type_name()
                            ),
                            span,
                        ));
                    }
                    None => None,
                };
                (
                    HandleKind::Condition { mp },
                    Condition::new(a, mp, &label, lock).map(|c| c.0),
                )
            }
            Builtin::Semaphore
            | Builtin::BoundedSemaphore
            | Builtin::MpSemaphore
            | Builtin::MpBoundedSemaphore => {
                let mp = matches!(b, Builtin::MpSemaphore | Builtin::MpBoundedSemaphore);
                let bounded = matches!(b, Builtin::BoundedSemaphore | Builtin::MpBoundedSemaphore);
                let value = arg::opt_int(&args, 0, "value", span)?.unwrap_or(1) as i64;
                (
                    HandleKind::Semaphore { mp, bounded },
                    Semaphore::new(a, mp, bounded, value, &label).map(|s| s.0),
                )
            }
            Builtin::Event | Builtin::MpEvent => {
                let mp = b == Builtin::MpEvent;
                (
                    HandleKind::Event { mp },
                    Event::new(a, mp, &label).map(|e| e.0),
                )
            }
            Builtin::Barrier | Builtin::MpBarrier => {
                let mp = b == Builtin::MpBarrier;
                let parties = arg::opt_int(&args, 0, "parties", span)?.unwrap_or(0) as i64;
                let timeout = self.scaled(arg::opt_float(&args, 2, "timeout", span)?);
                let made = Barrier::new(a, mp, &label, parties, timeout).map(|b| b.0);
                if let (Ok(id), Some(action)) = (&made, arg::opt(&args, 1, "action")) {
                    self.rt.barrier_actions.lock().insert(*id, action.clone());
                }
                (HandleKind::Barrier { mp }, made)
            }
            Builtin::Queue | Builtin::LifoQueue | Builtin::PriorityQueue | Builtin::SimpleQueue => {
                let kind = match b {
                    Builtin::LifoQueue => ThreadQueueKind::Lifo,
                    Builtin::PriorityQueue => ThreadQueueKind::Priority,
                    Builtin::SimpleQueue => ThreadQueueKind::Simple,
                    _ => ThreadQueueKind::Fifo,
                };
                let maxsize = arg::opt_int(&args, 0, "maxsize", span)?.unwrap_or(0) as i64;
                (
                    HandleKind::ThreadQueue(kind),
                    ThreadQueue::new(a, kind, maxsize, &label).map(|q| q.0),
                )
            }
            other => {
                return Err(Unwind::raise(
                    ExcType::NotImplementedError,
                    format!("{}() is not supported by interp yet", other.name()),
                    span,
                ));
            }
        };
        let mp = is_mp(kind);
        let id = made.map_err(|e| self.sync_err(e, mp, span))?;
        if let HandleKind::ThreadQueue(_) = kind {
            // Its items live in this process's memory: remember whose they are.
            self.rt
                .arena
                .res(id)
                .set_link(Some(self.rt.process_actor()));
        }
        Ok(Value::Handle(Handle { kind, id }))
    }

    /// The argument-less `acquire()` / `release()` of a Lock, RLock, Condition or
    /// Semaphore (what `with` calls): blocking, no timeout, one unit. Only for calls
    /// [`is_bare_sync_call`] accepts; it does what [`sync_method`](Self::sync_method)
    /// would, and gives `acquire()`'s result (`true` for a release). A `bool` comes back
    /// in a register, where a `Value` would go through memory.
    #[inline]
    pub(crate) fn bare_sync_call(&self, h: Handle, m: Method, span: Span) -> Res<bool> {
        let ctx = self.ctx();
        let released = match (h.kind, m) {
            (HandleKind::Lock { .. }, Method::Acquire) => {
                return Ok(Lock(h.id).acquire(&ctx, true, None, span));
            }
            (HandleKind::RLock { .. }, Method::Acquire) => {
                return Ok(RLock(h.id).acquire(&ctx, true, None, span));
            }
            (HandleKind::Semaphore { .. }, Method::Acquire) => {
                return Ok(Semaphore(h.id).acquire(&ctx, true, None, span));
            }
            (HandleKind::Condition { .. }, Method::Acquire) => {
                return Ok(Condition(h.id).acquire(&ctx, true, None, span));
            }
            (HandleKind::Lock { .. }, Method::Release) => Lock(h.id).release(&ctx),
            (HandleKind::RLock { .. }, Method::Release) => RLock(h.id).release(&ctx),
            (HandleKind::Semaphore { .. }, Method::Release) => Semaphore(h.id).release(&ctx, 1),
            (HandleKind::Condition { .. }, Method::Release) => Condition(h.id).release(&ctx),
            _ => return Err(no_method(h, m, span)),
        };
        match released {
            Ok(()) => Ok(true),
            Err(e) => Err(self.sync_err(e, is_mp(h.kind), span)),
        }
    }

    pub(crate) fn sync_method(
        &self,
        cx: &mut dyn Caller,
        h: Handle,
        m: Method,
        args: Args,
        span: Span,
    ) -> Res<Value> {
        let ctx = self.ctx();
        let mp = is_mp(h.kind);
        let err = |e| self.sync_err(e, mp, span);
        match (h.kind, m) {
            (
                HandleKind::Lock { .. } | HandleKind::RLock { .. } | HandleKind::Condition { .. },
                Method::Acquire,
            ) => {
                let blocking = arg::flag(&args, 0, if mp { "block" } else { "blocking" }, true);
                let t = timeout_arg::lock_timeout(
                    mp,
                    blocking,
                    arg::opt_float(&args, 1, "timeout", span)?,
                )
                .map_err(err)?;
                let t = self.scaled(t);
                let got = match h.kind {
                    HandleKind::Lock { .. } => Lock(h.id).acquire(&ctx, blocking, t, span),
                    HandleKind::RLock { .. } => RLock(h.id).acquire(&ctx, blocking, t, span),
                    _ => Condition(h.id).acquire(&ctx, blocking, t, span),
                };
                Ok(Value::Bool(got))
            }
            (HandleKind::Lock { .. }, Method::Release) => {
                Lock(h.id).release(&ctx).map(|_| Value::None).map_err(err)
            }
            (HandleKind::RLock { .. }, Method::Release) => {
                RLock(h.id).release(&ctx).map(|_| Value::None).map_err(err)
            }
            (HandleKind::Condition { .. }, Method::Release) => Condition(h.id)
                .release(&ctx)
                .map(|_| Value::None)
                .map_err(err),
            (HandleKind::Lock { .. }, Method::Locked) => {
                Ok(Value::Bool(Lock(h.id).locked(&self.rt.arena)))
            }
            (HandleKind::Condition { .. }, Method::Wait) => {
                let t = self.scaled(timeout_arg::wait_timeout(arg::opt_float(
                    &args, 0, "timeout", span,
                )?));
                Condition(h.id)
                    .wait(&ctx, t, span)
                    .map(Value::Bool)
                    .map_err(err)
            }
            (HandleKind::Condition { .. }, Method::Notify) => {
                let n = arg::opt_int(&args, 0, "n", span)?.unwrap_or(1).max(0) as usize;
                Condition(h.id)
                    .notify(&ctx, n)
                    .map(|_| Value::None)
                    .map_err(err)
            }
            (HandleKind::Condition { .. }, Method::NotifyAll) => Condition(h.id)
                .notify_all(&ctx)
                .map(|_| Value::None)
                .map_err(err),
            (HandleKind::Semaphore { .. }, Method::Acquire) => {
                let blocking = arg::flag(&args, 0, if mp { "block" } else { "blocking" }, true);
                let t = timeout_arg::semaphore_timeout(
                    mp,
                    blocking,
                    arg::opt_float(&args, 1, "timeout", span)?,
                )
                .map_err(err)?;
                Ok(Value::Bool(Semaphore(h.id).acquire(
                    &ctx,
                    blocking,
                    self.scaled(t),
                    span,
                )))
            }
            (HandleKind::Semaphore { .. }, Method::Release) => {
                let n = arg::opt_int(&args, 0, "n", span)?.unwrap_or(1) as i64;
                Semaphore(h.id)
                    .release(&ctx, n)
                    .map(|_| Value::None)
                    .map_err(err)
            }
            (HandleKind::Event { .. }, Method::Set) => {
                Event(h.id).set(&ctx);
                Ok(Value::None)
            }
            (HandleKind::Event { .. }, Method::Clear) => {
                Event(h.id).clear(&ctx);
                Ok(Value::None)
            }
            (HandleKind::Event { .. }, Method::IsSet) => {
                Ok(Value::Bool(Event(h.id).is_set(&self.rt.arena)))
            }
            (HandleKind::Event { .. }, Method::Wait) => {
                let t = self.scaled(timeout_arg::wait_timeout(arg::opt_float(
                    &args, 0, "timeout", span,
                )?));
                Ok(Value::Bool(Event(h.id).wait(&ctx, t, span)))
            }
            (HandleKind::Barrier { .. }, Method::Wait) => {
                let t = self.scaled(timeout_arg::wait_timeout(arg::opt_float(
                    &args, 0, "timeout", span,
                )?));
                let has_action = self.rt.barrier_actions.lock().contains_key(&h.id);
                match Barrier(h.id).wait(&ctx, t, span, has_action).map_err(err)? {
                    BarrierArrival::Passed(i) => Ok(Value::Int(i128::from(i))),
                    BarrierArrival::RunAction(i) => {
                        let action = self.rt.barrier_actions.lock().get(&h.id).cloned();
                        let ran = match action {
                            Some(f) => cx.call_value(&f, Args::default(), span).map(|_| ()),
                            None => Ok(()),
                        };
                        Barrier(h.id).action_done(&ctx, ran.is_ok());
                        ran.map(|_| Value::Int(i128::from(i)))
                    }
                }
            }
            (HandleKind::Barrier { .. }, Method::Abort) => {
                Barrier(h.id).abort(&ctx);
                Ok(Value::None)
            }
            (HandleKind::Barrier { .. }, Method::Reset) => {
                Barrier(h.id).reset(&ctx);
                Ok(Value::None)
            }
            (HandleKind::ThreadQueue(_), _) => self.thread_queue_method(h, m, args, span),
            _ => Err(no_method(h, m, span)),
        }
    }

    fn thread_queue_method(&self, h: Handle, m: Method, args: Args, span: Span) -> Res<Value> {
        if self.rt.arena.res(h.id).link() != Some(self.rt.process_actor()) {
            // CPython gives a forked child a private copy of a queue.Queue; interp keeps
            // the queue's counters in shared memory, so a copy cannot be made honestly.
            return Err(Unwind::raise(
                ExcType::RuntimeError,
                "a queue.Queue belongs to the process that made it; \
                 use multiprocessing.Queue to pass items between processes",
                span,
            ));
        }
        let ctx = self.ctx();
        let q = ThreadQueue(h.id);
        let err = |e| self.sync_err(e, false, span);
        let cmp = |a: &Value, b: &Value| {
            crate::core::compare::ordering(a, b, span).map_err(|u| match u {
                Unwind::Raise(e) => (*e).clone(),
                Unwind::Exit { .. } => crate::core::value::Exception {
                    ty: ExcType::SystemExit,
                    msg: String::new(),
                    span,
                },
            })
        };
        match m {
            Method::Put | Method::PutNowait => {
                let item = args.get(0, "item").cloned().unwrap_or(Value::None);
                let block = m == Method::Put && arg::flag(&args, 1, "block", true);
                let t =
                    timeout_arg::queue_timeout(block, arg::opt_float(&args, 2, "timeout", span)?)
                        .map_err(err)?;
                q.put(&ctx, item, block, self.scaled(t), span, &cmp)
                    .map(|_| Value::None)
                    .map_err(err)
            }
            Method::Get | Method::GetNowait => {
                let block = m == Method::Get && arg::flag(&args, 0, "block", true);
                let t =
                    timeout_arg::queue_timeout(block, arg::opt_float(&args, 1, "timeout", span)?)
                        .map_err(err)?;
                q.get(&ctx, block, self.scaled(t), span, &cmp).map_err(err)
            }
            Method::TaskDone => q.task_done(&ctx).map(|_| Value::None).map_err(err),
            Method::Join => {
                q.join(&ctx, span);
                Ok(Value::None)
            }
            Method::Qsize => Ok(Value::Int(i128::from(q.qsize(&self.rt.arena)))),
            Method::Empty => Ok(Value::Bool(q.empty(&self.rt.arena))),
            Method::Full => Ok(Value::Bool(q.full(&self.rt.arena))),
            _ => Err(no_method(h, m, span)),
        }
    }

    pub(crate) fn sync_attr(&self, h: Handle, attr: Attr, span: Span) -> Res<Value> {
        let a = &self.rt.arena;
        match (h.kind, attr) {
            (HandleKind::Barrier { .. }, Attr::Parties) => {
                Ok(Value::Int(i128::from(Barrier(h.id).parties(a))))
            }
            (HandleKind::Barrier { .. }, Attr::NWaiting) => {
                Ok(Value::Int(i128::from(Barrier(h.id).n_waiting(a))))
            }
            (HandleKind::Barrier { .. }, Attr::Broken) => Ok(Value::Bool(Barrier(h.id).broken(a))),
            (HandleKind::ThreadQueue(_), Attr::Maxsize) => {
                Ok(Value::Int(i128::from(ThreadQueue(h.id).maxsize(a))))
            }
            (HandleKind::ThreadQueue(_), Attr::UnfinishedTasks) => Ok(Value::Int(i128::from(
                ThreadQueue(h.id).unfinished_tasks(a),
            ))),
            (HandleKind::MpQueue { .. } | HandleKind::Connection, _) => {
                self.channel_attr(h, attr, span)
            }
            _ => Err(no_attribute(h, attr, span)),
        }
    }

    /// `Event.wait(limit)` for engine-internal use (Timer); true when set.
    pub(crate) fn event_wait(&self, ev: u32, limit: Option<Duration>, span: Span) -> bool {
        Event(ev).wait(&self.ctx(), limit, span)
    }

    pub(crate) fn event_set(&self, ev: u32) {
        Event(ev).set(&self.ctx());
    }

    /// The lock of a synchronized `Value`/`Array`: a multiprocessing RLock.
    pub(crate) fn alloc_lock_for_shared(&self, span: Span) -> Res<u32> {
        RLock::new(&self.rt.arena, true, "lock")
            .map(|r| r.0)
            .map_err(|e| self.sync_err(e, true, span))
    }

    pub(crate) fn acquire_shared_lock(&self, lock: u32, span: Span) -> Res<()> {
        match self.rt.arena.res(lock).kind() {
            Some(HandleKind::Lock { .. }) => {
                Lock(lock).acquire(&self.ctx(), true, None, span);
            }
            _ => {
                RLock(lock).acquire(&self.ctx(), true, None, span);
            }
        }
        Ok(())
    }

    pub(crate) fn release_shared_lock(&self, lock: u32, span: Span) -> Res<()> {
        let r = match self.rt.arena.res(lock).kind() {
            Some(HandleKind::Lock { .. }) => Lock(lock).release(&self.ctx()),
            _ => RLock(lock).release(&self.ctx()),
        };
        r.map_err(|e| self.sync_err(e, true, span))
    }
}

/// An argument-less `acquire()` or `release()` on a Lock, RLock, Condition or
/// Semaphore: what [`ActorWorld::bare_sync_call`] takes. The argument vectors must not
/// even be allocated (as `Args::default()` and an empty call's are), so that the caller
/// may skip dropping them.
#[inline]
pub(crate) fn is_bare_sync_call(h: Handle, m: Method, args: &Args) -> bool {
    is_sync_acquire_release(h, m) && args.pos.capacity() == 0 && args.kw.capacity() == 0
}

/// `acquire`/`release` on a Lock, RLock, Condition or Semaphore.
#[inline]
pub(crate) fn is_sync_acquire_release(h: Handle, m: Method) -> bool {
    matches!(m, Method::Acquire | Method::Release)
        && matches!(
            h.kind,
            HandleKind::Lock { .. }
                | HandleKind::RLock { .. }
                | HandleKind::Condition { .. }
                | HandleKind::Semaphore { .. }
        )
}

fn is_mp(kind: HandleKind) -> bool {
    matches!(
        kind,
        HandleKind::Lock { mp: true }
            | HandleKind::RLock { mp: true }
            | HandleKind::Condition { mp: true }
            | HandleKind::Semaphore { mp: true, .. }
            | HandleKind::Event { mp: true }
            | HandleKind::Barrier { mp: true }
    )
}
