//! `ActorWorld`: the real `World`, one per OS thread running scenario code.
//!
//! It knows which actor it is (changes in a forked child that continues after
//! `os.fork()`), its random stream, and the run's `Runtime`. Method calls are dispatched on
//! the handle's kind to the files that implement each family of objects.

use std::cell::{Cell, RefCell};
use std::sync::Arc;

use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

use crate::checker::snapshot::ActorId;
use crate::core::names::{Attr, Builtin, ExcType, Method};
use crate::core::value::{Handle, HandleKind, Res, Unwind, Value};
use crate::core::world::{Args, Caller, World};
use crate::engine::run_event::RunEvent;
use crate::engine::runtime::Runtime;
use crate::engine::stress::{SHARED_OP, TICK};
use crate::engine::sync_calls::{is_bare_sync_call, is_sync_acquire_release};
use crate::syntax::span::Span;

pub struct ActorWorld {
    pub rt: Arc<Runtime>,
    actor: Cell<ActorId>,
    pub(crate) rng: RefCell<ChaCha8Rng>,
}

impl ActorWorld {
    pub fn new(rt: Arc<Runtime>, actor: ActorId) -> ActorWorld {
        let rng = ChaCha8Rng::seed_from_u64(rt.seed ^ (u64::from(actor) << 32) ^ 0x9e37_79b9);
        ActorWorld {
            rt,
            actor: Cell::new(actor),
            rng: RefCell::new(rng),
        }
    }

    pub fn actor(&self) -> ActorId {
        self.actor.get()
    }

    /// After `os.fork()` the child's thread is a new actor.
    pub(crate) fn become_actor(&self, actor: ActorId) {
        self.actor.set(actor);
        *self.rng.borrow_mut() =
            ChaCha8Rng::seed_from_u64(self.rt.seed ^ (u64::from(actor) << 32) ^ 0x9e37_79b9);
    }
}

impl World for ActorWorld {
    fn call_builtin(&self, cx: &mut dyn Caller, b: Builtin, args: Args, span: Span) -> Res<Value> {
        self.builtin(cx, b, args, span)
    }

    fn call_method(
        &self,
        cx: &mut dyn Caller,
        recv: Handle,
        m: Method,
        args: Args,
        span: Span,
    ) -> Res<Value> {
        if !self.rt.stress && is_bare_sync_call(recv, m, &args) {
            // `with lock`, `lock.acquire()`, `lock.release()`: no arguments to read, no
            // generic dispatch, the result written once (same primitives and errors as
            // the general path).
            // Both vectors are empty and unallocated (checked): dropping them would
            // free nothing, but costs an out-of-line call per lock operation.
            std::mem::forget(args);
            return self.bare_sync_call(recv, m, span).map(|got| match m {
                Method::Acquire => Value::Bool(got),
                _ => Value::None,
            });
        }
        self.perturb(SHARED_OP);
        let r = self.dispatch_method(cx, recv, m, args, span);
        self.perturb(SHARED_OP);
        r
    }

    fn with_sync(&self, cx: &mut dyn Caller, recv: Handle, m: Method, span: Span) -> Res<()> {
        if !self.rt.stress && is_sync_acquire_release(recv, m) {
            return self.bare_sync_call(recv, m, span).map(|_| ());
        }
        self.call_method(cx, recv, m, Args::default(), span)
            .map(|_| ())
    }

    fn get_attr(&self, recv: Handle, attr: Attr, span: Span) -> Res<Value> {
        let r = self.dispatch_get_attr(recv, attr, span);
        // After a read of shared state: the window a racing writer needs.
        self.perturb(SHARED_OP);
        r
    }

    fn set_attr(&self, recv: Handle, attr: Attr, value: Value, span: Span) -> Res<()> {
        self.perturb(SHARED_OP);
        self.dispatch_set_attr(recv, attr, value, span)
    }

    fn get_item(&self, recv: Handle, index: &Value, span: Span) -> Res<Value> {
        let r = match recv.kind {
            HandleKind::Array => self.array_get(recv, index, span),
            _ => Err(Unwind::raise(
                ExcType::TypeError,
                format!("'{}' object is not subscriptable", recv.kind.python_name()),
                span,
            )),
        };
        self.perturb(SHARED_OP);
        r
    }

    fn set_item(&self, recv: Handle, index: &Value, value: Value, span: Span) -> Res<()> {
        self.perturb(SHARED_OP);
        match recv.kind {
            HandleKind::Array => self.array_set(recv, index, value, span),
            _ => Err(Unwind::raise(
                ExcType::TypeError,
                format!(
                    "'{}' object does not support item assignment",
                    recv.kind.python_name()
                ),
                span,
            )),
        }
    }

    fn run_output(&self) -> String {
        let mut out = String::new();
        for (_, t, b) in self.rt.arena.log().read_all() {
            if let Some(RunEvent::Output(s)) = RunEvent::decode(t, &b) {
                out.push_str(&s);
            }
        }
        out
    }

    fn tick(&self, _span: Span) -> Res<()> {
        self.progress();
        self.perturb(TICK);
        Ok(())
    }
}

impl ActorWorld {
    fn dispatch_method(
        &self,
        cx: &mut dyn Caller,
        recv: Handle,
        m: Method,
        args: Args,
        span: Span,
    ) -> Res<Value> {
        match recv.kind {
            HandleKind::Thread | HandleKind::Timer | HandleKind::Process => {
                self.actor_method(recv, m, args, span)
            }
            HandleKind::Value | HandleKind::Array => self.shared_method(recv, m, args, span),
            HandleKind::MpQueue { .. } | HandleKind::Connection => {
                self.channel_method(recv, m, args, span)
            }
            HandleKind::Pool { .. }
            | HandleKind::Executor { .. }
            | HandleKind::Future
            | HandleKind::AsyncResult
            | HandleKind::ImapIter => self.pool_family_method(cx, recv, m, args, span),
            _ => self.sync_method(cx, recv, m, args, span),
        }
    }

    fn dispatch_get_attr(&self, recv: Handle, attr: Attr, span: Span) -> Res<Value> {
        match recv.kind {
            HandleKind::Thread | HandleKind::Timer | HandleKind::Process => {
                self.actor_attr(recv, attr, span)
            }
            HandleKind::Value | HandleKind::Array => self.shared_attr(recv, attr, span),
            _ => self.sync_attr(recv, attr, span),
        }
    }

    fn dispatch_set_attr(&self, recv: Handle, attr: Attr, value: Value, span: Span) -> Res<()> {
        match recv.kind {
            HandleKind::Thread | HandleKind::Timer | HandleKind::Process => {
                self.set_actor_attr(recv, attr, value, span)
            }
            HandleKind::Value => self.set_shared_attr(recv, attr, value, span),
            _ => Err(no_attribute(recv, attr, span)),
        }
    }
}

pub(crate) fn no_attribute(recv: Handle, attr: Attr, span: Span) -> Unwind {
    Unwind::raise(
        ExcType::AttributeError,
        format!(
            "'{}' object has no attribute '{}'",
            recv.kind.python_name(),
            attr.name()
        ),
        span,
    )
}

pub(crate) fn no_method(recv: Handle, m: Method, span: Span) -> Unwind {
    Unwind::raise(
        ExcType::AttributeError,
        format!(
            "'{}' object has no attribute '{}'",
            recv.kind.python_name(),
            m.name()
        ),
        span,
    )
}
