//! Static kind inference over the lowered program: which creation sites each variable
//! may hold, and from that its [`ResKind`] when all of them agree.
//!
//! Flow-insensitive: a variable's abstract value is the join of everything ever
//! assigned to it anywhere. A parameter gets the join of the arguments at every call
//! site the plan can see (direct calls, `target=`+`args=`, `submit`, `apply_async`,
//! `map`); a function that escapes as a value has parameters of unknown kind. Lists
//! and tuples built in the scenario track their elements, so `for p in procs:
//! p.join()` knows `p` is a Process.

use std::collections::BTreeSet;

use crate::plan::fx_hash::FxHashMap;

use crate::core::names::{Attr, Builtin, Method};
use crate::plan::ir::{
    Expr, ExprKind, FuncId, Function, Kw, Place, ResKind, Stmt, StmtKind, Target,
};
use crate::plan::signatures::{ctor_kind, method_result_kind};
use crate::syntax::span::Span;

pub type SiteId = u32;

/// Where an actor or a resource is created: `Process(...)`, `Lock()`, `ex.submit(...)`.
#[derive(Clone, Debug, PartialEq)]
pub struct Site {
    /// The span of the creating call.
    pub span: Span,
    pub kind: ResKind,
    /// What creates it, as Python spells it (`Process`, `multiprocessing.Queue`, `submit`).
    pub ctor: &'static str,
    /// The function whose body contains the call.
    pub func: FuncId,
    /// For an actor (Thread, Process, Timer) its target; for a pool or an executor the
    /// functions submitted to it. Sorted, deduplicated.
    pub targets: Vec<FuncId>,
}

/// What a value may be: any value (`top`), or one of the objects created at `sites`, or
/// (when `elems` is set) a list/tuple built in the scenario whose elements are `elems`.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Abs {
    pub top: bool,
    pub sites: BTreeSet<SiteId>,
    pub elems: Option<Box<Abs>>,
}

impl Abs {
    pub fn top() -> Abs {
        Abs {
            top: true,
            ..Abs::default()
        }
    }

    fn site(s: SiteId) -> Abs {
        Abs {
            sites: [s].into(),
            ..Abs::default()
        }
    }

    fn container(elems: Abs) -> Abs {
        Abs {
            elems: Some(Box::new(elems)),
            ..Abs::default()
        }
    }

    fn join(&mut self, other: &Abs) {
        self.join_changed(other);
    }

    /// Joins `other` in place; says whether that changed anything.
    fn join_changed(&mut self, other: &Abs) -> bool {
        let mut changed = other.top && !self.top;
        self.top |= other.top;
        for s in &other.sites {
            changed |= self.sites.insert(*s);
        }
        match (&mut self.elems, &other.elems) {
            (Some(a), Some(b)) => changed |= a.join_changed(b),
            (None, Some(b)) => {
                self.elems = Some(b.clone());
                changed = true;
            }
            _ => {}
        }
        changed
    }

    fn joined(mut self, other: &Abs) -> Abs {
        self.join(other);
        self
    }

    /// What iterating or indexing this value gives.
    fn elems(&self) -> Abs {
        if self.top || !self.sites.is_empty() {
            return Abs::top();
        }
        self.elems.as_deref().cloned().unwrap_or_default()
    }
}

/// Something the final pass saw, for checks, facts and the graph.
#[derive(Debug)]
pub enum Event {
    /// `recv.method(...)` (or `recv.method` as a value: `call` is `None`).
    Method {
        func: FuncId,
        span: Span,
        method: Method,
        recv: Abs,
        /// Plain positional count and whether `*args` was used, for calls.
        call: Option<(usize, bool)>,
    },
    /// `recv.attr`, read (`span` is the attribute expression's) or assigned (`target`:
    /// `span` is the receiver's).
    Attr {
        func: FuncId,
        span: Span,
        attr: Attr,
        recv: Abs,
        target: bool,
    },
    /// `with recv:`.
    With { func: FuncId, recv: Abs },
    /// A call of a def or lambda known statically.
    Calls { func: FuncId, callee: FuncId },
    /// A call of a callable the plan cannot name (a variable), or a method that runs a
    /// function value passed to it (`wait_for`, `add_done_callback`).
    CallsUnknown { func: FuncId },
    /// `func` creates an actor or submits a task that runs `target`: a Thread, Process
    /// or Timer target, a pool or executor task, a pool callback.
    Spawns { func: FuncId, target: FuncId },
    /// `func` creates an actor or submits a task whose code the plan cannot name
    /// (`Thread(target=q.put)`, `pool.map(fn_var, xs)`): it may run anything.
    SpawnsUnknown { func: FuncId },
}

/// The result of inference.
pub struct Kinds {
    pub sites: Vec<Site>,
    vars: Vars,
    /// Functions referenced as values other than as a thread/process/pool target.
    pub escaped: BTreeSet<FuncId>,
    pub events: Vec<Event>,
}

impl Kinds {
    /// The kind of a value, when every site it may come from has the same one.
    pub fn kind(&self, a: &Abs) -> Option<ResKind> {
        if a.top || a.elems.is_some() {
            return None;
        }
        let mut kinds = a.sites.iter().map(|s| self.sites[*s as usize].kind);
        let first = kinds.next()?;
        kinds.all(|k| k == first).then_some(first)
    }

    /// The abstract value of a variable.
    pub fn var(&self, func: FuncId, p: Place) -> Abs {
        self.vars.get(key(func, p)).cloned().unwrap_or_default()
    }
}

/// The abstract value of every variable: globals by slot, locals by function and slot
/// (dense: looked up at every use), each with the clock tick of its last change.
#[derive(Default)]
struct Vars {
    globals: Vec<(Abs, u64)>,
    locals: Vec<Vec<(Abs, u64)>>,
}

type Key = (Option<FuncId>, u16);

impl Vars {
    fn get(&self, k: Key) -> Option<&Abs> {
        self.entry(k).map(|(a, _)| a)
    }

    fn entry(&self, (func, slot): Key) -> Option<&(Abs, u64)> {
        match func {
            None => self.globals.get(slot as usize),
            Some(f) => self.locals.get(f as usize)?.get(slot as usize),
        }
    }

    /// When the variable last changed (0: never).
    fn stamp(&self, k: Key) -> u64 {
        self.entry(k).map_or(0, |(_, t)| *t)
    }

    fn slot(&mut self, (func, slot): Key) -> &mut (Abs, u64) {
        let v = match func {
            None => &mut self.globals,
            Some(f) => {
                if self.locals.len() <= f as usize {
                    self.locals.resize_with(f as usize + 1, Vec::new);
                }
                &mut self.locals[f as usize]
            }
        };
        if v.len() <= slot as usize {
            v.resize_with(slot as usize + 1, Default::default);
        }
        &mut v[slot as usize]
    }
}

fn key(func: FuncId, p: Place) -> Key {
    match p {
        Place::Global(s) => (None, s),
        Place::Local(s) => (Some(func), s),
    }
}

/// Runs inference over every function of the program.
pub fn infer(functions: &[Function]) -> Kinds {
    let n = functions.len();
    let mut a = Analyzer {
        functions,
        sites: Vec::new(),
        by_span: FxHashMap::default(),
        vars: Vars::default(),
        clock: 0,
        reads: Vec::new(),
        escaped: BTreeSet::new(),
        events: Vec::new(),
        targets: Vec::new(),
        runs: (0..n).map(|_| Run::default()).collect(),
    };
    for (f, func) in functions.iter().enumerate() {
        a.discover_block(f as FuncId, &func.body);
    }
    // A function is run again while a variable it read has changed since it read it;
    // its events are those of its last run, which then saw the final values. Values
    // only grow, bounded by the finite sets of sites: the loop ends. The cap is a
    // guard, far above what scenarios need. The order changes only how many runs it
    // takes: the main body (after the defs) first binds the globals and the targets'
    // parameters that the defs then read.
    for f in (0..n).rev() {
        a.run_function(f);
    }
    for _ in 0..64 {
        let mut again = false;
        for f in (0..n).rev() {
            let r = &a.runs[f];
            if r.reads.iter().any(|&(k, at)| a.vars.stamp(k) > at) {
                a.run_function(f);
                again = true;
            }
        }
        if !again {
            break;
        }
    }
    let mut events = Vec::new();
    for r in &mut a.runs {
        events.append(&mut r.events);
        for &(site, g) in &r.targets {
            a.sites[site as usize].targets.push(g);
        }
    }
    for s in &mut a.sites {
        s.targets.sort_unstable();
        s.targets.dedup();
    }
    Kinds {
        sites: a.sites,
        vars: a.vars,
        escaped: a.escaped,
        events,
    }
}

/// What the last run of one function read and saw.
#[derive(Default)]
struct Run {
    /// The variables it read, each with the clock when it did.
    reads: Vec<(Key, u64)>,
    events: Vec<Event>,
    /// (pool or executor site, function submitted to it).
    targets: Vec<(SiteId, FuncId)>,
}

struct Analyzer<'p> {
    functions: &'p [Function],
    sites: Vec<Site>,
    by_span: FxHashMap<Span, SiteId>,
    vars: Vars,
    /// Counts changes to variables.
    clock: u64,
    /// Variables read by the function being run, with the clock when they were.
    reads: Vec<(Key, u64)>,
    escaped: BTreeSet<FuncId>,
    /// What the function being run saw.
    events: Vec<Event>,
    targets: Vec<(SiteId, FuncId)>,
    /// Per function: its last run.
    runs: Vec<Run>,
}

/// The argument at position `i` or keyword `name`.
fn arg<'e>(args: &'e [Expr], kwargs: &'e [(Kw, Expr)], i: usize, name: &str) -> Option<&'e Expr> {
    kwargs
        .iter()
        .find(|(k, _)| &**k == name)
        .map(|(_, v)| v)
        .or(args.get(i))
}

/// The function a task argument names directly.
fn func_of(e: &Expr) -> Option<FuncId> {
    match &e.kind {
        ExprKind::Func(f) => Some(*f),
        ExprKind::Lambda { func, .. } => Some(*func),
        _ => None,
    }
}

impl Analyzer<'_> {
    fn discover_block(&mut self, f: FuncId, stmts: &[Stmt]) {
        for s in stmts {
            visit_stmt_exprs(s, &mut |e| self.discover(f, e));
        }
    }

    fn discover(&mut self, f: FuncId, e: &Expr) {
        let created = match &e.kind {
            ExprKind::Call { func, .. } => match &func.kind {
                ExprKind::Builtin(b) => ctor_kind(*b).map(|k| (k, b.name())),
                ExprKind::BoundMethod { method, .. } => {
                    method_result_kind(*method).map(|k| (k, method.name()))
                }
                _ => None,
            },
            ExprKind::Method { method, .. } => {
                method_result_kind(*method).map(|k| (k, method.name()))
            }
            _ => None,
        };
        if let Some((kind, ctor)) = created {
            let mut targets = Vec::new();
            if let ExprKind::Call {
                func, args, kwargs, ..
            } = &e.kind
            {
                let t = match func.kind {
                    ExprKind::Builtin(Builtin::Thread | Builtin::Process) => {
                        arg(args, kwargs, 1, "target")
                    }
                    ExprKind::Builtin(Builtin::Timer) => arg(args, kwargs, 1, "function"),
                    _ => None,
                };
                targets.extend(t.and_then(func_of));
            }
            self.by_span.insert(e.span, self.sites.len() as SiteId);
            self.sites.push(Site {
                span: e.span,
                kind,
                ctor,
                func: f,
                targets,
            });
        }
        children(e, &mut |c| self.discover(f, c));
    }

    fn run_function(&mut self, f: usize) {
        let body = &self.functions[f].body;
        self.block(f as FuncId, body);
        let r = &mut self.runs[f];
        r.reads = std::mem::take(&mut self.reads);
        r.events = std::mem::take(&mut self.events);
        r.targets = std::mem::take(&mut self.targets);
    }

    fn assign(&mut self, k: Key, a: &Abs) {
        let slot = self.vars.slot(k);
        if slot.0.join_changed(a) {
            self.clock += 1;
            slot.1 = self.clock;
        }
    }

    /// A variable's value, noted as read by the function being run.
    fn load(&mut self, k: Key) -> Abs {
        self.reads.push((k, self.clock));
        self.vars.get(k).cloned().unwrap_or_default()
    }

    fn emit(&mut self, ev: Event) {
        self.events.push(ev);
    }

    /// Records that `f` may start code `target` names, for the checker's "who may still
    /// signal" facts: an actor not created yet acts through its creator.
    fn spawn(&mut self, f: FuncId, target: &Expr) {
        self.emit(match func_of(target) {
            Some(g) => Event::Spawns { func: f, target: g },
            None => Event::SpawnsUnknown { func: f },
        });
    }

    fn block(&mut self, f: FuncId, stmts: &[Stmt]) {
        for s in stmts {
            self.stmt(f, s);
        }
    }

    fn stmt(&mut self, f: FuncId, s: &Stmt) {
        match &s.kind {
            StmtKind::Expr(e) | StmtKind::Return(Some(e)) | StmtKind::Raise(Some(e)) => {
                self.expr(f, e);
            }
            StmtKind::Assign(t, v) => {
                let a = self.expr(f, v);
                self.bind(f, t, a, Some(v));
            }
            StmtKind::AugAssign(t, _, v) => {
                self.expr(f, v);
                self.bind(f, t, Abs::top(), None);
            }
            StmtKind::If(branches, orelse) => {
                for (c, b) in branches {
                    self.expr(f, c);
                    self.block(f, b);
                }
                self.block(f, orelse);
            }
            StmtKind::While(c, b) => {
                self.expr(f, c);
                self.block(f, b);
            }
            StmtKind::For(t, it, b) => {
                let a = self.expr(f, it).elems();
                self.bind(f, t, a, None);
                self.block(f, b);
            }
            StmtKind::With(items, b) => {
                for (e, t) in items {
                    let a = self.expr(f, e);
                    self.emit(Event::With {
                        func: f,
                        recv: a.clone(),
                    });
                    if let Some(t) = t {
                        // Pools, executors and connections return themselves from
                        // `__enter__`; locks return True.
                        let keeps = a.sites.iter().all(|s| {
                            matches!(
                                self.sites[*s as usize].kind,
                                ResKind::Pool | ResKind::Executor | ResKind::Connection
                            )
                        });
                        let v = if keeps && !a.top && !a.sites.is_empty() {
                            a
                        } else {
                            Abs::top()
                        };
                        self.bind(f, t, v, None);
                    }
                }
                self.block(f, b);
            }
            StmtKind::Try {
                body,
                handlers,
                orelse,
                finally,
            } => {
                self.block(f, body);
                for h in handlers {
                    for t in &h.types {
                        self.expr(f, t);
                    }
                    if let Some(p) = h.bind {
                        self.assign(key(f, p), &Abs::top());
                    }
                    self.block(f, &h.body);
                }
                self.block(f, orelse);
                self.block(f, finally);
            }
            StmtKind::Assert(c, m) => {
                self.expr(f, c);
                if let Some(m) = m {
                    self.expr(f, m);
                }
            }
            StmtKind::Del(t) => self.bind(f, t, Abs::default(), None),
            StmtKind::Break
            | StmtKind::Continue
            | StmtKind::Return(None)
            | StmtKind::Raise(None)
            | StmtKind::Pass => {}
        }
    }

    /// Assigns `a` (the value of `value`, when known) to a target.
    fn bind(&mut self, f: FuncId, t: &Target, a: Abs, value: Option<&Expr>) {
        match t {
            Target::Place(p) => self.assign(key(f, *p), &a),
            Target::Unpack(ts) => {
                let items = match value.map(|v| &v.kind) {
                    Some(ExprKind::Tuple(items) | ExprKind::List(items))
                        if items.len() == ts.len() =>
                    {
                        Some(items)
                    }
                    _ => None,
                };
                let pipe = matches!(value.map(|v| &v.kind),
                    Some(ExprKind::Call { func, .. }) if matches!(func.kind, ExprKind::Builtin(Builtin::Pipe)));
                for (i, t) in ts.iter().enumerate() {
                    let v = match items {
                        Some(items) => self.expr(f, &items[i]),
                        None if pipe => a.clone(),
                        None => a.elems(),
                    };
                    self.bind(f, t, v, None);
                }
            }
            Target::Attr(o, attr) => {
                let recv = self.expr(f, o);
                self.emit(Event::Attr {
                    func: f,
                    span: o.span,
                    attr: *attr,
                    recv,
                    target: true,
                });
            }
            Target::Index(o, i) => {
                self.expr(f, o);
                self.expr(f, i);
                if let ExprKind::Load(p) = o.kind {
                    self.assign(key(f, p), &Abs::container(a));
                }
            }
        }
    }

    /// Binds the parameters of `g` from one call site.
    fn call_site(&mut self, g: FuncId, args: &[Abs], kwargs: &[(Kw, Abs)]) {
        let func = &self.functions[g as usize];
        if func.name == "<lambda>" {
            return;
        }
        for (i, p) in func.params.iter().enumerate() {
            let a = args
                .get(i)
                .cloned()
                .or_else(|| {
                    kwargs
                        .iter()
                        .find(|(k, _)| **k == *p.name)
                        .map(|(_, a)| a.clone())
                })
                .unwrap_or_else(|| {
                    if p.default.is_some() {
                        Abs::top()
                    } else {
                        Abs::default()
                    }
                });
            self.assign((Some(g), i as u16), &a);
        }
    }

    /// Parameters of a def called from where the plan cannot see the arguments. (A
    /// lambda's parameters are always unknown: set where the lambda is made.)
    fn params_top(&mut self, g: FuncId) {
        let func = &self.functions[g as usize];
        if func.name == "<lambda>" {
            return;
        }
        for i in 0..func.params.len() {
            self.assign((Some(g), i as u16), &Abs::top());
        }
    }

    /// A task (thread target, pool or executor task) with its argument tuple.
    fn task(&mut self, f: FuncId, target: &Expr, args: Option<&Expr>, unknown_kwargs: bool) {
        self.spawn(f, target);
        let Some(g) = func_of(target) else {
            self.expr(f, target);
            if let Some(a) = args {
                self.expr(f, a);
            }
            return;
        };
        if let ExprKind::Lambda { .. } = target.kind {
            self.expr(f, target);
        }
        match args.map(|a| (a, &a.kind)) {
            _ if unknown_kwargs => {
                if let Some(a) = args {
                    self.expr(f, a);
                }
                self.params_top(g);
            }
            None => self.call_site(g, &[], &[]),
            Some((_, ExprKind::Tuple(items) | ExprKind::List(items))) => {
                let abs: Vec<Abs> = items.iter().map(|i| self.expr(f, i)).collect();
                self.call_site(g, &abs, &[]);
            }
            Some((a, _)) => {
                self.expr(f, a);
                self.params_top(g);
            }
        }
    }

    fn expr(&mut self, f: FuncId, e: &Expr) -> Abs {
        match &e.kind {
            ExprKind::Load(p) => self.load(key(f, *p)),
            ExprKind::Func(g) => {
                self.escaped.insert(*g);
                self.params_top(*g);
                Abs::top()
            }
            ExprKind::Lambda { func, captures } => {
                self.escaped.insert(*func);
                for (i, p) in captures.iter().enumerate() {
                    let a = self.load(key(f, *p));
                    self.assign((Some(*func), i as u16), &a);
                }
                let n = self.functions[*func as usize].params.len();
                for i in 0..n {
                    self.assign((Some(*func), (captures.len() + i) as u16), &Abs::top());
                }
                Abs::top()
            }
            ExprKind::List(items) | ExprKind::Tuple(items) => {
                let mut el = Abs::default();
                for i in items {
                    let a = self.expr(f, i);
                    el.join(&a);
                }
                Abs::container(el)
            }
            ExprKind::ListComp {
                elt,
                target,
                iter,
                cond,
            } => {
                let it = self.expr(f, iter).elems();
                self.bind(f, target, it, None);
                if let Some(c) = cond {
                    self.expr(f, c);
                }
                Abs::container(self.expr(f, elt))
            }
            ExprKind::Index { obj, index } => {
                self.expr(f, index);
                self.expr(f, obj).elems()
            }
            ExprKind::IfExp { cond, then, orelse } => {
                self.expr(f, cond);
                let t = self.expr(f, then);
                t.joined(&self.expr(f, orelse))
            }
            ExprKind::And(l, r) | ExprKind::Or(l, r) => {
                let l = self.expr(f, l);
                l.joined(&self.expr(f, r))
            }
            ExprKind::Call {
                func,
                args,
                kwargs,
                star,
            } => self.call(f, e, func, args, kwargs, star.as_deref()),
            ExprKind::Method {
                obj,
                method,
                args,
                kwargs,
            } => self.method(f, e, obj, *method, args, kwargs),
            ExprKind::BoundMethod { obj, method } => {
                let recv = self.expr(f, obj);
                self.emit(Event::Method {
                    func: f,
                    span: e.span,
                    method: *method,
                    recv,
                    call: None,
                });
                Abs::top()
            }
            ExprKind::Attr { obj, attr } => {
                let recv = self.expr(f, obj);
                self.emit(Event::Attr {
                    func: f,
                    span: e.span,
                    attr: *attr,
                    recv,
                    target: false,
                });
                Abs::top()
            }
            _ => {
                children(e, &mut |c| {
                    self.expr(f, c);
                });
                Abs::top()
            }
        }
    }

    fn call(
        &mut self,
        f: FuncId,
        e: &Expr,
        func: &Expr,
        args: &[Expr],
        kwargs: &[(Kw, Expr)],
        star: Option<&Expr>,
    ) -> Abs {
        if let Some(s) = star {
            self.expr(f, s);
        }
        match &func.kind {
            ExprKind::Builtin(b @ (Builtin::Thread | Builtin::Process | Builtin::Timer)) => {
                let (ti, tn, ai) = if *b == Builtin::Timer {
                    (1, "function", 2)
                } else {
                    (1, "target", 3)
                };
                let target = arg(args, kwargs, ti, tn);
                let targs = arg(args, kwargs, ai, "args");
                let kw_i = if *b == Builtin::Timer { 3 } else { 4 };
                let unknown = arg(args, kwargs, kw_i, "kwargs").is_some() || star.is_some();
                for (i, a) in args.iter().enumerate() {
                    if i != ti && i != ai {
                        self.expr(f, a);
                    }
                }
                for (k, v) in kwargs {
                    if **k != *tn && &**k != "args" {
                        self.expr(f, v);
                    }
                }
                if let Some(t) = target {
                    self.task(f, t, targs, unknown);
                } else if let Some(a) = targs {
                    self.expr(f, a);
                }
            }
            ExprKind::Func(g) => {
                let a: Vec<Abs> = args.iter().map(|x| self.expr(f, x)).collect();
                let k: Vec<(Kw, Abs)> = kwargs
                    .iter()
                    .map(|(n, x)| (n.clone(), self.expr(f, x)))
                    .collect();
                if star.is_some() {
                    self.params_top(*g);
                } else {
                    self.call_site(*g, &a, &k);
                }
                self.emit(Event::Calls {
                    func: f,
                    callee: *g,
                });
            }
            _ => {
                let dynamic = !matches!(func.kind, ExprKind::Builtin(_) | ExprKind::ExcType(_));
                self.expr(f, func);
                for a in args {
                    self.expr(f, a);
                }
                for (_, v) in kwargs {
                    self.expr(f, v);
                }
                if dynamic {
                    self.emit(Event::CallsUnknown { func: f });
                }
            }
        }
        match self.by_span.get(&e.span) {
            Some(s) => Abs::site(*s),
            None => Abs::top(),
        }
    }

    fn method(
        &mut self,
        f: FuncId,
        e: &Expr,
        obj: &Expr,
        m: Method,
        args: &[Expr],
        kwargs: &[(Kw, Expr)],
    ) -> Abs {
        let recv = self.expr(f, obj);
        let task_target = match m {
            Method::Submit
            | Method::Apply
            | Method::ApplyAsync
            | Method::Map
            | Method::MapAsync
            | Method::Imap
            | Method::ImapUnordered
            | Method::Starmap
            | Method::StarmapAsync => {
                let t = arg(args, kwargs, 0, "func").or(arg(args, kwargs, 0, "fn"));
                if let Some(t) = t {
                    // `Apply*` reach `task`, which records the spawn itself.
                    if !matches!(m, Method::Apply | Method::ApplyAsync) || func_of(t).is_none() {
                        self.spawn(f, t);
                    }
                }
                for (k, v) in kwargs {
                    if matches!(&**k, "callback" | "error_callback") {
                        self.spawn(f, v);
                    }
                }
                t.filter(|t| func_of(t).is_some())
            }
            _ => None,
        };
        let mut arg_abs = Vec::new();
        if let Some(t) = task_target {
            let g = func_of(t).expect("filtered above");
            for s in &recv.sites {
                self.targets.push((*s, g));
            }
            match m {
                Method::Submit => {
                    if let ExprKind::Lambda { .. } = t.kind {
                        self.expr(f, t);
                    }
                    let a: Vec<Abs> = args[1..].iter().map(|x| self.expr(f, x)).collect();
                    for (_, v) in kwargs {
                        self.expr(f, v);
                    }
                    if kwargs.is_empty() {
                        self.call_site(g, &a, &[]);
                    } else {
                        self.params_top(g);
                    }
                }
                Method::Apply | Method::ApplyAsync => {
                    let kw = arg(args, kwargs, 2, "kwds").is_some();
                    self.task(f, t, arg(args, kwargs, 1, "args"), kw);
                    for x in args.iter().skip(2) {
                        self.expr(f, x);
                    }
                    for (k, v) in kwargs {
                        if &**k != "args" && &**k != "func" {
                            self.expr(f, v);
                        }
                    }
                }
                Method::Starmap | Method::StarmapAsync => {
                    self.expr(f, t);
                    for x in args.iter().skip(1) {
                        self.expr(f, x);
                    }
                    self.params_top(g);
                }
                _ => {
                    if let ExprKind::Lambda { .. } = t.kind {
                        self.expr(f, t);
                    }
                    // `map(f, xs)`: f gets the elements; an executor's map zips iterables.
                    let a: Vec<Abs> = args[1..].iter().map(|x| self.expr(f, x).elems()).collect();
                    for (_, v) in kwargs {
                        self.expr(f, v);
                    }
                    self.call_site(g, &a, &[]);
                }
            }
        } else {
            for a in args {
                arg_abs.push(self.expr(f, a));
            }
            for (_, v) in kwargs {
                self.expr(f, v);
            }
        }
        if matches!(m, Method::WaitFor | Method::AddDoneCallback) {
            self.emit(Event::CallsUnknown { func: f });
        }
        if let ExprKind::Load(p) = obj.kind {
            match m {
                Method::Append | Method::Insert => {
                    if let Some(last) = arg_abs.last() {
                        self.assign(key(f, p), &Abs::container(last.clone()));
                    }
                }
                Method::Extend => {
                    if let Some(first) = arg_abs.first() {
                        self.assign(key(f, p), &Abs::container(first.elems()));
                    }
                }
                _ => {}
            }
        }
        self.emit(Event::Method {
            func: f,
            span: e.span,
            method: m,
            recv: recv.clone(),
            call: Some((args.len(), false)),
        });
        match self.by_span.get(&e.span) {
            Some(s) => Abs::site(*s),
            None if m == Method::Pop => recv.elems(),
            None => Abs::top(),
        }
    }
}

/// Visits the direct subexpressions of an IR expression (a lambda's body is its own
/// function, not a child).
pub fn children(e: &Expr, f: &mut dyn FnMut(&Expr)) {
    match &e.kind {
        ExprKind::Const(_)
        | ExprKind::Load(_)
        | ExprKind::Func(_)
        | ExprKind::Builtin(_)
        | ExprKind::ExcType(_)
        | ExprKind::RunOutput
        | ExprKind::Lambda { .. } => {}
        ExprKind::Call {
            func,
            args,
            kwargs,
            star,
        } => {
            f(func);
            args.iter().for_each(&mut *f);
            kwargs.iter().for_each(|(_, v)| f(v));
            if let Some(s) = star {
                f(s);
            }
        }
        ExprKind::Method {
            obj, args, kwargs, ..
        } => {
            f(obj);
            args.iter().for_each(&mut *f);
            kwargs.iter().for_each(|(_, v)| f(v));
        }
        ExprKind::BoundMethod { obj, .. }
        | ExprKind::Attr { obj, .. }
        | ExprKind::Unary(_, obj) => f(obj),
        ExprKind::Index { obj, index } => {
            f(obj);
            f(index);
        }
        ExprKind::Slice { obj, lo, hi, step } => {
            f(obj);
            for x in [lo, hi, step].into_iter().flatten() {
                f(x);
            }
        }
        ExprKind::Binary(_, l, r) | ExprKind::And(l, r) | ExprKind::Or(l, r) => {
            f(l);
            f(r);
        }
        ExprKind::Compare(l, rest) => {
            f(l);
            rest.iter().for_each(|(_, r)| f(r));
        }
        ExprKind::IfExp { cond, then, orelse } => {
            f(cond);
            f(then);
            f(orelse);
        }
        ExprKind::List(items) | ExprKind::Tuple(items) => items.iter().for_each(f),
        ExprKind::Dict(pairs) => pairs.iter().for_each(|(k, v)| {
            f(k);
            f(v);
        }),
        ExprKind::FStr(parts) => {
            for p in parts {
                if let crate::plan::ir::FPart::Expr { expr, .. } = p {
                    f(expr);
                }
            }
        }
        ExprKind::ListComp {
            elt,
            target,
            iter,
            cond,
        } => {
            f(elt);
            visit_target_exprs(target, f);
            f(iter);
            if let Some(c) = cond {
                f(c);
            }
        }
    }
}

fn visit_target_exprs(t: &Target, f: &mut dyn FnMut(&Expr)) {
    match t {
        Target::Place(_) => {}
        Target::Attr(o, _) => f(o),
        Target::Index(o, i) => {
            f(o);
            f(i);
        }
        Target::Unpack(ts) => ts.iter().for_each(|t| visit_target_exprs(t, f)),
    }
}

/// Visits the top-level expressions of a statement and of the statements nested in it.
pub fn visit_stmt_exprs(s: &Stmt, f: &mut dyn FnMut(&Expr)) {
    let block =
        |b: &[Stmt], f: &mut dyn FnMut(&Expr)| b.iter().for_each(|s| visit_stmt_exprs(s, f));
    match &s.kind {
        StmtKind::Expr(e) | StmtKind::Return(Some(e)) | StmtKind::Raise(Some(e)) => f(e),
        StmtKind::Assign(t, e) | StmtKind::AugAssign(t, _, e) => {
            visit_target_exprs(t, f);
            f(e);
        }
        StmtKind::If(branches, orelse) => {
            for (c, b) in branches {
                f(c);
                block(b, f);
            }
            block(orelse, f);
        }
        StmtKind::While(c, b) => {
            f(c);
            block(b, f);
        }
        StmtKind::For(t, e, b) => {
            visit_target_exprs(t, f);
            f(e);
            block(b, f);
        }
        StmtKind::With(items, b) => {
            for (e, t) in items {
                f(e);
                if let Some(t) = t {
                    visit_target_exprs(t, f);
                }
            }
            block(b, f);
        }
        StmtKind::Try {
            body,
            handlers,
            orelse,
            finally,
        } => {
            block(body, f);
            for h in handlers {
                h.types.iter().for_each(&mut *f);
                block(&h.body, f);
            }
            block(orelse, f);
            block(finally, f);
        }
        StmtKind::Assert(c, m) => {
            f(c);
            if let Some(m) = m {
                f(m);
            }
        }
        StmtKind::Del(t) => visit_target_exprs(t, f),
        StmtKind::Break
        | StmtKind::Continue
        | StmtKind::Return(None)
        | StmtKind::Raise(None)
        | StmtKind::Pass => {}
    }
}
