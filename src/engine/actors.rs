//! Thread, Timer and Process objects: creation, start, join, the attributes Python gives
//! them, and what an actor does when its code ends (Python's exit protocol).

use std::sync::Arc;
use std::time::Duration;

use crate::checker::snapshot::{ActorId, ActorKind};
use crate::core::interp::Interp;
use crate::core::names::{Attr, Builtin, ExcType, Method};
use crate::core::value::{Handle, HandleKind, Res, Unwind, Value};
use crate::core::world::Args;
use crate::engine::actor_world::{ActorWorld, no_attribute, no_method};
use crate::engine::arg;
use crate::engine::run_event::RunEvent;
use crate::engine::runtime::{ActorObj, Runtime};
use crate::syntax::span::Span;

/// Stack of a scenario thread: deep enough for `MAX_DEPTH` interpreter frames.
const THREAD_STACK: usize = 16 << 20;

impl ActorWorld {
    /// `Thread(...)`, `Timer(interval, function, args)`, `Process(...)`: a new actor in
    /// state New.
    pub(crate) fn new_actor(&self, b: Builtin, args: Args, span: Span) -> Res<Value> {
        let (kind, hkind) = match b {
            Builtin::Process => (ActorKind::Process, HandleKind::Process),
            Builtin::Timer => (ActorKind::Thread, HandleKind::Timer),
            _ => (ActorKind::Thread, HandleKind::Thread),
        };
        let (target, fargs, timer_delay) = if b == Builtin::Timer {
            let delay = arg::float(args.get(0, "interval").unwrap_or(&Value::None), span)?;
            let f = args.get(1, "function").cloned();
            (
                f,
                call_args(&args, 2, "args", 3, "kwargs", span)?,
                Some(delay),
            )
        } else {
            (
                arg::opt(&args, 1, "target").cloned(),
                call_args(&args, 3, "args", 4, "kwargs", span)?,
                None,
            )
        };
        let label = self.rt.label_at(span);
        let name = match arg::string(&args, 2, "name") {
            Some(n) if b != Builtin::Timer => n,
            _ => self.default_name(kind, target.as_ref()),
        };
        let daemon = match args.get(5, "daemon") {
            Some(Value::None) | None => {
                // Threads inherit the creating thread's daemon flag (a process never does).
                kind == ActorKind::Thread && self.is_daemon(self.actor())
            }
            Some(v) => v.truthy(),
        };
        let func = match &target {
            Some(Value::Func(f)) => Some(*f),
            Some(Value::Closure(c)) => Some(c.func),
            _ => None,
        };
        let id = self.alloc_actor(
            kind,
            label.as_deref().unwrap_or(&name),
            &name,
            func,
            daemon,
            span,
        )?;
        self.rt.actors.lock().insert(
            id,
            ActorObj {
                target,
                args: fargs,
                daemon,
                started: false,
                timer_delay,
                timer_event: None,
                thread: None,
                pid: None,
                exitcode: None,
                creator: self.actor(),
            },
        );
        if b == Builtin::Timer {
            self.timer_init(id, span)?;
        }
        Ok(Value::Handle(Handle { kind: hkind, id }))
    }

    fn default_name(&self, kind: ActorKind, target: Option<&Value>) -> String {
        use std::sync::atomic::Ordering::Relaxed;
        match kind {
            ActorKind::Process => {
                let n = self.rt.process_counter.fetch_add(1, Relaxed) + 1;
                format!("Process-{n}")
            }
            ActorKind::Thread => {
                let n = self.rt.thread_counter.fetch_add(1, Relaxed) + 1;
                match target {
                    Some(Value::Func(f)) => {
                        format!(
                            "Thread-{n} ({})",
                            self.rt.program.functions[*f as usize].name
                        )
                    }
                    _ => format!("Thread-{n}"),
                }
            }
        }
    }

    pub(crate) fn actor_method(&self, h: Handle, m: Method, args: Args, span: Span) -> Res<Value> {
        match (h.kind, m) {
            (_, Method::Start) => self.start(h, span).map(|_| Value::None),
            (_, Method::Join) => {
                let timeout = arg::opt_float(&args, 0, "timeout", span)?;
                self.join(h, timeout, span).map(|_| Value::None)
            }
            (_, Method::IsAlive) => Ok(Value::Bool(self.is_alive(h))),
            (_, Method::Run) => self.run_inline(h, span),
            (HandleKind::Thread | HandleKind::Timer, Method::GetName) => {
                self.actor_attr(h, Attr::Name, span)
            }
            (HandleKind::Thread | HandleKind::Timer, Method::SetName) => {
                let v = args.pos.first().cloned().unwrap_or(Value::None);
                self.set_actor_attr(h, Attr::Name, v, span)
                    .map(|_| Value::None)
            }
            (HandleKind::Thread | HandleKind::Timer, Method::SetDaemon) => {
                let v = args.pos.first().cloned().unwrap_or(Value::None);
                self.set_actor_attr(h, Attr::Daemon, v, span)
                    .map(|_| Value::None)
            }
            (HandleKind::Thread | HandleKind::Timer, Method::IsDaemon) => {
                Ok(Value::Bool(self.is_daemon(h.id)))
            }
            (HandleKind::Timer, Method::Cancel) => {
                self.timer_cancel(h.id, span).map(|_| Value::None)
            }
            (HandleKind::Process, Method::Terminate) => self.signal_process(h, libc::SIGTERM, span),
            (HandleKind::Process, Method::Kill) => self.signal_process(h, libc::SIGKILL, span),
            (HandleKind::Process, Method::Close) => {
                if self.is_alive(h) {
                    return Err(Unwind::raise(
                        ExcType::ValueError,
                        "Cannot close a process while it is still running. You should first call join() or terminate().",
                        span,
                    ));
                }
                Ok(Value::None)
            }
            _ => Err(no_method(h, m, span)),
        }
    }

    fn start(&self, h: Handle, span: Span) -> Res<()> {
        let is_process = h.kind == HandleKind::Process;
        {
            let mut actors = self.rt.actors.lock();
            let Some(obj) = actors.get_mut(&h.id) else {
                return Err(Unwind::raise(
                    ExcType::RuntimeError,
                    "thread.__init__() not called",
                    span,
                ));
            };
            if obj.started {
                return Err(if is_process {
                    Unwind::raise(
                        ExcType::AssertionError,
                        "cannot start a process twice",
                        span,
                    )
                } else {
                    Unwind::raise(
                        ExcType::RuntimeError,
                        "threads can only be started once",
                        span,
                    )
                });
            }
            obj.started = true;
        }
        // Running from the moment start() returns: the new thread or process may not be
        // scheduled for a while, and until then the checker must count it as able to act
        // (it will put, set, release...), or a waiter on it would look stuck.
        self.rt
            .arena
            .actor(h.id)
            .set_state(crate::checker::snapshot::ActorState::Running);
        if is_process {
            if self.is_daemon(self.rt.process_actor()) && self.rt.process_actor() != 0 {
                return Err(Unwind::raise(
                    ExcType::AssertionError,
                    "daemonic processes are not allowed to have children",
                    span,
                ));
            }
            self.start_process(h.id, span)
        } else {
            self.start_thread(h.id, span)
        }
    }

    fn start_thread(&self, id: ActorId, span: Span) -> Res<()> {
        let rt = self.rt.clone();
        let builder = std::thread::Builder::new().stack_size(THREAD_STACK);
        let handle = crate::engine::thread_spawn::spawn(builder, move || thread_main(rt, id, span))
            .map_err(|e| {
                Unwind::raise(
                    ExcType::RuntimeError,
                    format!("can't start new thread: {e}"),
                    span,
                )
            })?;
        if let Some(obj) = self.rt.actors.lock().get_mut(&id) {
            obj.thread = Some(handle);
        }
        Ok(())
    }

    fn start_process(&self, id: ActorId, span: Span) -> Res<()> {
        let rt = self.rt.clone();
        let pid = self.fork_child(id, span, move || process_main(rt, id))?;
        if let Some(obj) = self.rt.actors.lock().get_mut(&id) {
            obj.pid = Some(pid);
        }
        Ok(())
    }

    /// `t.join(timeout)` / `p.join(timeout)`.
    fn join(&self, h: Handle, timeout: Option<f64>, span: Span) -> Res<()> {
        let is_process = h.kind == HandleKind::Process;
        let (started, creator) = {
            let actors = self.rt.actors.lock();
            match actors.get(&h.id) {
                Some(o) => (o.started, o.creator),
                // Not ours: a process can only join its own children; main_thread() etc.
                None => (true, u32::MAX),
            }
        };
        if h.id == self.actor() || (is_process && h.id == self.rt.process_actor()) {
            return Err(if is_process {
                Unwind::raise(
                    ExcType::AssertionError,
                    "can only join a child process",
                    span,
                )
            } else {
                Unwind::raise(ExcType::RuntimeError, "cannot join current thread", span)
            });
        }
        if !started {
            return Err(if is_process {
                Unwind::raise(
                    ExcType::AssertionError,
                    "can only join a started process",
                    span,
                )
            } else {
                Unwind::raise(
                    ExcType::RuntimeError,
                    "cannot join thread before it is started",
                    span,
                )
            });
        }
        if is_process && creator == u32::MAX {
            return Err(Unwind::raise(
                ExcType::AssertionError,
                "can only join a child process",
                span,
            ));
        }
        let limit = timeout.map(|t| self.rt.real(t));
        if is_process {
            self.join_process(h.id, limit, span);
        } else {
            self.join_thread(h.id, limit, span);
        }
        Ok(())
    }

    fn join_thread(&self, id: ActorId, limit: Option<Duration>, span: Span) {
        if self.wait_actor_exit(id, limit, span) {
            let handle = self
                .rt
                .actors
                .lock()
                .get_mut(&id)
                .and_then(|o| o.thread.take());
            if let Some(h) = handle {
                let _ = h.join();
            }
        }
    }

    pub(crate) fn is_alive(&self, h: Handle) -> bool {
        let started = self.rt.actors.lock().get(&h.id).is_none_or(|o| o.started);
        started && !self.actor_exited(h.id)
    }

    /// `t.run()` called directly: runs the target in the calling thread.
    fn run_inline(&self, h: Handle, span: Span) -> Res<Value> {
        let (target, args) = {
            let actors = self.rt.actors.lock();
            let Some(o) = actors.get(&h.id) else {
                return Ok(Value::None);
            };
            (o.target.clone(), o.args.clone())
        };
        match target {
            Some(t) => {
                let mut interp = Interp::new(&self.rt.program, &self.rt.globals, self);
                interp.call(&t, args, span).map(|_| Value::None)
            }
            None => Ok(Value::None),
        }
    }

    fn signal_process(&self, h: Handle, sig: i32, span: Span) -> Res<Value> {
        let pid = self.rt.actors.lock().get(&h.id).and_then(|o| o.pid);
        match pid {
            // SAFETY: kill(2) on a pid this process forked and has not reaped yet, so the
            // pid cannot have been reused by an unrelated process.
            Some(pid) if !self.actor_reaped(h.id) => unsafe {
                libc::kill(pid, sig);
            },
            Some(_) => {}
            None => {
                return Err(Unwind::raise(
                    ExcType::AttributeError,
                    format!(
                        "'NoneType' object has no attribute '{}'",
                        if sig == libc::SIGTERM {
                            "terminate"
                        } else {
                            "kill"
                        }
                    ),
                    span,
                ));
            }
        }
        Ok(Value::None)
    }

    pub(crate) fn actor_attr(&self, h: Handle, attr: Attr, span: Span) -> Res<Value> {
        match attr {
            Attr::Name => Ok(Value::str(&self.actor_name(h.id))),
            Attr::Daemon => Ok(Value::Bool(self.is_daemon(h.id))),
            Attr::Ident | Attr::NativeId => Ok(if self.is_alive(h) || self.actor_exited(h.id) {
                Value::Int(i128::from(h.id) + 1)
            } else {
                Value::None
            }),
            Attr::Pid if h.kind == HandleKind::Process => Ok(match self.actor_pid(h.id) {
                Some(p) => Value::Int(i128::from(p)),
                None => Value::None,
            }),
            Attr::Exitcode if h.kind == HandleKind::Process => {
                Ok(match self.process_exitcode(h.id) {
                    Some(c) => Value::Int(i128::from(c)),
                    None => Value::None,
                })
            }
            Attr::Finished if h.kind == HandleKind::Timer => self.timer_finished(h.id),
            _ => Err(no_attribute(h, attr, span)),
        }
    }

    pub(crate) fn set_actor_attr(&self, h: Handle, attr: Attr, v: Value, span: Span) -> Res<()> {
        match attr {
            Attr::Daemon => {
                let started = self.rt.actors.lock().get(&h.id).is_some_and(|o| o.started);
                if started {
                    return Err(if h.kind == HandleKind::Process {
                        Unwind::raise(ExcType::AssertionError, "process has already started", span)
                    } else {
                        Unwind::raise(
                            ExcType::RuntimeError,
                            "cannot set daemon status of active thread",
                            span,
                        )
                    });
                }
                if let Some(o) = self.rt.actors.lock().get_mut(&h.id) {
                    o.daemon = v.truthy();
                }
                self.set_daemon(h.id, v.truthy());
                Ok(())
            }
            Attr::Name => {
                self.set_actor_name(h.id, &crate::core::repr::str(&v));
                Ok(())
            }
            _ => Err(no_attribute(h, attr, span)),
        }
    }

    /// Non-daemon threads created by this process that have not ended.
    fn pending_threads(&self) -> Vec<ActorId> {
        let here = self.rt.process_actor();
        let actors = self.rt.actors.lock();
        let mut ids: Vec<ActorId> = actors
            .iter()
            .filter(|(id, o)| o.started && !o.daemon && o.thread.is_some() && **id != here)
            .map(|(id, _)| *id)
            .collect();
        ids.sort_unstable();
        ids
    }

    fn child_processes(&self, daemon: bool) -> Vec<ActorId> {
        let actors = self.rt.actors.lock();
        let mut ids: Vec<ActorId> = actors
            .iter()
            .filter(|(_, o)| o.started && o.pid.is_some() && o.daemon == daemon)
            .map(|(id, _)| *id)
            .collect();
        ids.sort_unstable();
        ids
    }

    pub(crate) fn live_threads_here(&self) -> usize {
        1 + self
            .pending_threads()
            .into_iter()
            .filter(|id| !self.actor_exited(*id))
            .count()
    }

    pub(crate) fn live_children_here(&self) -> Vec<Value> {
        let mut out = Vec::new();
        for daemon in [false, true] {
            for id in self.child_processes(daemon) {
                if !self.actor_reaped(id) {
                    out.push(Value::Handle(Handle {
                        kind: HandleKind::Process,
                        id,
                    }));
                }
            }
        }
        out
    }

    /// What a process does after its code: Python's `threading._shutdown` (join the
    /// non-daemon threads) and multiprocessing's exit function (terminate daemonic
    /// children, join the others, flush queue feeders). Main does threads first, a child
    /// process does them last, as in CPython.
    pub(crate) fn process_epilogue(&self, is_main: bool, span: Span) {
        // CPython's `concurrent.futures` exit hook runs before the thread joins.
        self.pools_at_exit();
        if is_main {
            self.join_threads_at_exit(span);
        }
        for id in self.child_processes(true) {
            if !self.actor_reaped(id) {
                let _ = self.signal_process(
                    Handle {
                        kind: HandleKind::Process,
                        id,
                    },
                    libc::SIGTERM,
                    span,
                );
            }
        }
        for daemon in [false, true] {
            for id in self.child_processes(daemon) {
                self.join_process(id, None, span);
            }
        }
        self.flush_queues_at_exit();
        if !is_main {
            self.join_threads_at_exit(span);
        }
    }

    fn join_threads_at_exit(&self, span: Span) {
        loop {
            let pending: Vec<ActorId> = self
                .pending_threads()
                .into_iter()
                .filter(|id| !self.actor_exited(*id))
                .collect();
            if pending.is_empty() {
                break;
            }
            for id in pending {
                self.join_thread(id, None, span);
            }
        }
    }

    /// Records an uncaught exception or exit of the running actor; returns its exit code.
    pub(crate) fn finish_code(&self, result: Res<()>) -> i32 {
        match result {
            Ok(()) => 0,
            Err(Unwind::Exit { code, .. }) => code,
            Err(Unwind::Raise(e)) => {
                self.emit(&RunEvent::Exception {
                    ty: e.ty,
                    msg: e.msg.clone(),
                    span: e.span,
                });
                1
            }
        }
    }
}

/// `args=(...)` and `kwargs={...}` of a Thread/Process/Timer, as call arguments.
fn call_args(args: &Args, ai: usize, an: &str, ki: usize, kn: &str, span: Span) -> Res<Args> {
    let pos = match arg::opt(args, ai, an) {
        None => Vec::new(),
        Some(v) => crate::core::iter::to_vec(v, span)?,
    };
    let mut kw = Vec::new();
    if let Some(Value::Dict(d)) = arg::opt(args, ki, kn) {
        for (k, v) in d.lock().iter() {
            if let Value::Str(s) = k {
                kw.push((s.clone(), v.clone()));
            }
        }
    }
    Ok(Args { pos, kw })
}

/// The body of a scenario thread (a `Thread` or a `Timer`).
fn thread_main(rt: Arc<Runtime>, id: ActorId, span: Span) {
    let world = ActorWorld::new(rt.clone(), id);
    world.actor_started();
    let (target, args, delay) = {
        let actors = rt.actors.lock();
        match actors.get(&id) {
            Some(o) => (o.target.clone(), o.args.clone(), o.timer_delay),
            None => (None, Args::default(), None),
        }
    };
    let run = delay.is_none_or(|d| world.timer_wait(id, d, span));
    let result = match (run, target) {
        (true, Some(t)) => {
            let mut interp = Interp::new(&rt.program, &rt.globals, &world);
            interp.call(&t, args, span).map(|_| ())
        }
        _ => Ok(()),
    };
    if delay.is_some() {
        world.timer_done(id);
    }
    match result {
        // SystemExit ends a thread silently, as in Python.
        Err(Unwind::Exit { hard: false, .. }) | Ok(()) => {}
        Err(Unwind::Exit { code, hard: true }) => world.hard_exit(code),
        Err(Unwind::Raise(e)) => {
            world.emit(&RunEvent::Exception {
                ty: e.ty,
                msg: e.msg.clone(),
                span: e.span,
            });
        }
    }
    world.actor_exited_now(None);
}

/// The body of a forked scenario process: runs the target, then the exit protocol.
fn process_main(rt: Arc<Runtime>, id: ActorId) -> i32 {
    let world = ActorWorld::new(rt.clone(), id);
    world.actor_started();
    let (target, args) = {
        let actors = rt.actors.lock();
        match actors.get(&id) {
            Some(o) => (o.target.clone(), o.args.clone()),
            None => (None, Args::default()),
        }
    };
    let target_func = match &target {
        Some(Value::Func(f)) => Some(*f),
        _ => None,
    };
    let result = match target {
        Some(t) => {
            let mut interp = Interp::new(&rt.program, &rt.globals, &world);
            interp.call(&t, args, Span::default()).map(|_| ())
        }
        None => Ok(()),
    };
    if let Err(Unwind::Exit { code, hard: true }) = result {
        world.actor_exited_now(Some(code));
        return code;
    }
    let code = world.finish_code(result);
    world.process_epilogue(false, end_span(&rt, target_func));
    world.actor_exited_now(Some(code));
    code
}

/// Where the implicit waits at the end of a function's actor are shown: its last
/// statement (the code has run to there when the exit protocol waits).
pub(crate) fn end_span(rt: &Runtime, func: Option<crate::plan::ir::FuncId>) -> Span {
    func.and_then(|f| rt.program.functions.get(f as usize))
        .and_then(|f| f.body.last())
        .map_or(Span::default(), |s| s.span)
}
