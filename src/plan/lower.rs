//! Lowering AST → IR: names become slots, `FuncId`s and builtins; statements and
//! expressions are rebuilt one to one. Checks that need only the syntax and the name
//! tables (undefined names, `break` outside a loop, ...) are reported here; checks that
//! need the receivers' kinds run after kind inference (`checks.rs`).
//!
//! Calls, attributes and module paths are lowered in `calls.rs`.

use crate::plan::fx_hash::{FxHashMap, FxHashSet};
use std::sync::Arc;

use crate::core::names::ExcType;
use crate::diag::Diagnostic;
use crate::diag::did_you_mean::did_you_mean;
use crate::plan::ir::ResKind;
use crate::plan::ir::{
    Const, Expr, ExprKind, FPart, FuncId, Function, GlobalInfo, Handler, ParamIr, Place, Stmt,
    StmtKind, Target,
};
use crate::plan::modules::{self, Entity};
use crate::plan::scope::{block_bindings, block_globals, expr_bindings, lambda_free_names};
use crate::plan::signatures::ctor_kind;
use crate::syntax::ast;
use crate::syntax::span::{SourceFile, Span};

/// What a module-level name statically denotes when it is not a variable.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Static {
    Entity(Entity),
    Func(FuncId),
}

/// What a name resolves to in the current scope.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Resolved {
    Place(Place),
    Func(FuncId),
    Entity(Entity),
    Unbound,
}

/// Exceptions the scenario claims are raised: the run-time errors Python would raise
/// for the corresponding static check are then left to run time, because the scenario
/// demonstrates them on purpose (the notes' S04 raises NameError).
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Claimed {
    pub name_error: bool,
    pub type_error: bool,
    pub attribute_error: bool,
}

impl Claimed {
    pub fn from_expects(expects: &[ast::Expect]) -> Claimed {
        let mut c = Claimed::default();
        for e in expects {
            if let ast::ExpectKind::Raises { exc, .. } = &e.kind {
                match exc.name.as_str() {
                    "NameError" => c.name_error = true,
                    "TypeError" => c.type_error = true,
                    "AttributeError" => c.attribute_error = true,
                    _ => {}
                }
            }
        }
        c
    }
}

/// Spans the IR does not keep but the post-inference checks point at, keyed by the
/// span of the IR expression they belong to.
#[derive(Default)]
pub(crate) struct SideSpans {
    /// Method call or bound method → (method name span, keyword name spans).
    pub methods: FxHashMap<Span, (Span, Vec<(String, Span)>)>,
    /// Attribute expression → attribute name span.
    pub attrs: FxHashMap<Span, Span>,
    /// Attribute assignment target, by its receiver's span → attribute name span.
    pub target_attrs: FxHashMap<Span, Span>,
}

struct Frame {
    /// The module body: its names are globals.
    module: bool,
    slots: FxHashMap<String, u16>,
    names: Vec<String>,
    loops: u32,
}

impl Frame {
    fn new(module: bool) -> Frame {
        Frame {
            module,
            slots: FxHashMap::default(),
            names: Vec::new(),
            loops: 0,
        }
    }

    fn add(&mut self, name: &str) -> u16 {
        if let Some(s) = self.slots.get(name) {
            return *s;
        }
        let s = self.names.len() as u16;
        self.slots.insert(name.to_string(), s);
        self.names.push(name.to_string());
        s
    }
}

/// Everything lowering produces besides diagnostics.
pub(crate) struct Lowered {
    pub globals: Vec<GlobalInfo>,
    pub functions: Vec<Function>,
    pub main: FuncId,
    pub labels: Vec<(Span, String)>,
    pub side: SideSpans,
}

pub(crate) struct Lowerer<'a> {
    pub file: &'a SourceFile,
    pub diags: Vec<Diagnostic>,
    pub claimed: Claimed,
    pub statics: FxHashMap<String, (Static, Span)>,
    globals: Vec<GlobalInfo>,
    global_slots: FxHashMap<String, u16>,
    /// Globals made for names that are never bound (see [`Lowerer::unbound`]).
    unbound_globals: FxHashSet<u16>,
    functions: Vec<Option<Function>>,
    /// The `def`s as written, for arity checks of calls and `target=`.
    pub defs: &'a [ast::FuncDef],
    frames: Vec<Frame>,
    /// Lowering an `expect` expression: undefined names are always errors there.
    in_expect: bool,
    pub side: SideSpans,
    pub labels: Vec<(Span, String)>,
    /// Names actors can be claimed by: labels of Thread/Process/Timer creation sites
    /// and the `name=` strings given at them.
    pub actor_names: Vec<String>,
}

impl<'a> Lowerer<'a> {
    pub fn new(file: &'a SourceFile, scenario: &'a ast::Scenario) -> Lowerer<'a> {
        let mut functions = Vec::new();
        functions.resize_with(scenario.functions.len() + 1, || None);
        Lowerer {
            file,
            diags: Vec::new(),
            claimed: Claimed::from_expects(&scenario.expects),
            statics: FxHashMap::default(),
            globals: Vec::new(),
            global_slots: FxHashMap::default(),
            unbound_globals: FxHashSet::default(),
            functions,
            defs: &scenario.functions,
            frames: vec![Frame::new(true)],
            in_expect: false,
            side: SideSpans::default(),
            labels: Vec::new(),
            actor_names: Vec::new(),
        }
    }

    pub fn error(&mut self, d: Diagnostic) {
        self.diags.push(d);
    }

    /// Lowers imports, defs and the module body. Expectations are lowered afterwards
    /// with [`Lowerer::lower_expect_expr`], then [`Lowerer::finish`].
    pub fn lower_program(&mut self, sc: &'a ast::Scenario) {
        for imp in &sc.imports {
            self.import(imp);
        }
        for (i, def) in sc.functions.iter().enumerate() {
            self.declare_def(i as FuncId, def);
        }
        let inits = self.declare_globals(sc);
        for (i, def) in sc.functions.iter().enumerate() {
            self.lower_def(i as FuncId, def);
        }
        let mut body = inits;
        body.extend(self.lower_block(&sc.body));
        let main = sc.functions.len();
        self.functions[main] = Some(Function {
            name: "<module>".into(),
            params: Vec::new(),
            n_locals: 0,
            local_names: Vec::new(),
            body,
            span: sc.span,
        });
    }

    pub fn finish(self) -> (Lowered, Vec<Diagnostic>) {
        let main = self.defs.len() as FuncId;
        let functions = self
            .functions
            .into_iter()
            .map(|f| f.expect("every declared function is lowered"))
            .collect();
        (
            Lowered {
                globals: self.globals,
                functions,
                main,
                labels: self.labels,
                side: self.side,
            },
            self.diags,
        )
    }

    fn import(&mut self, imp: &ast::Import) {
        match imp {
            ast::Import::Module { module, alias, .. } => {
                let Some(path) = self.module_path(module) else {
                    return;
                };
                match alias {
                    Some(a) => {
                        self.bind_static(&a.name, Static::Entity(Entity::Module(path)), a.span)
                    }
                    None => {
                        let top = modules::module(&module[0].name).unwrap_or(path);
                        self.bind_static(
                            &module[0].name,
                            Static::Entity(Entity::Module(top)),
                            module[0].span,
                        );
                    }
                }
            }
            ast::Import::From { module, names, .. } => {
                let Some(path) = self.module_path(module) else {
                    return;
                };
                for (name, alias) in names {
                    match modules::member(path, &name.name) {
                        Some(e) => {
                            let bound = alias.as_ref().unwrap_or(name);
                            self.bind_static(&bound.name, Static::Entity(e), bound.span);
                        }
                        None => {
                            let mut d = Diagnostic::error(
                                format!("cannot import name '{}' from '{path}'", name.name),
                                name.span,
                            )
                            .with_label(format!("not in '{path}'"));
                            let names = modules::members(path).iter().map(|(n, _)| *n);
                            if let Some(s) = did_you_mean(&name.name, names) {
                                d = d.with_help(format!("did you mean '{s}'?"));
                            }
                            self.error(d);
                        }
                    }
                }
            }
        }
    }

    /// The known module a dotted import path names, or an error.
    fn module_path(&mut self, parts: &[ast::Ident]) -> Option<&'static str> {
        let path: Vec<&str> = parts.iter().map(|p| p.name.as_str()).collect();
        let path = path.join(".");
        if let Some(m) = modules::module(&path) {
            return Some(m);
        }
        let span = parts[0].span.to(parts[parts.len() - 1].span);
        let mut d = Diagnostic::error(format!("no module named '{path}'"), span)
            .with_label("unknown module");
        if let Some(s) = did_you_mean(&path, modules::module_names()) {
            d = d.with_help(format!("did you mean '{s}'?"));
        }
        self.error(d);
        None
    }

    fn bind_static(&mut self, name: &str, s: Static, span: Span) {
        self.statics.insert(name.to_string(), (s, span));
    }

    fn declare_def(&mut self, id: FuncId, def: &ast::FuncDef) {
        if let Some((prev, prev_span)) = self.statics.get(&def.name.name) {
            let msg = match prev {
                Static::Func(_) => format!("function '{}' is defined twice", def.name.name),
                Static::Entity(_) => format!("'{}' is both imported and defined", def.name.name),
            };
            let d = Diagnostic::error(msg, def.name.span)
                .with_label("defined again here")
                .with_secondary(*prev_span, "first bound here");
            self.error(d);
            return;
        }
        self.bind_static(&def.name.name, Static::Func(id), def.name.span);
    }

    /// Allocates global slots: names the module body binds, then names declared `global`
    /// in functions. A global that shadows a builtin, an import or a def starts out
    /// holding it (Python falls back to those until the global is assigned).
    fn declare_globals(&mut self, sc: &ast::Scenario) -> Vec<Stmt> {
        let mut names = block_bindings(&sc.body).assigned;
        for def in &sc.functions {
            for g in block_globals(&def.body) {
                names.push((g.name, g.span));
            }
        }
        let mut inits = Vec::new();
        for (name, span) in names {
            if self.global_slots.contains_key(&name) {
                continue;
            }
            let shadowed = self.resolve(&name);
            let slot = self.add_global(&name, span);
            let value = match shadowed {
                Resolved::Func(f) => ExprKind::Func(f),
                Resolved::Entity(Entity::Module(m)) => {
                    let d = Diagnostic::error(
                        format!("'{name}' names the module '{m}' and cannot be reassigned"),
                        span,
                    )
                    .with_label("assigned here")
                    .with_help("use another variable name");
                    self.error(d);
                    continue;
                }
                Resolved::Entity(e) => self.entity_value(e, span),
                Resolved::Place(_) | Resolved::Unbound => continue,
            };
            inits.push(Stmt {
                kind: StmtKind::Assign(
                    Target::Place(Place::Global(slot)),
                    Expr { kind: value, span },
                ),
                span,
            });
        }
        inits
    }

    fn add_global(&mut self, name: &str, span: Span) -> u16 {
        let slot = self.globals.len() as u16;
        self.globals.push(GlobalInfo {
            name: name.to_string(),
            span,
        });
        self.global_slots.insert(name.to_string(), slot);
        slot
    }

    fn frame(&mut self) -> &mut Frame {
        self.frames
            .last_mut()
            .expect("the module frame is never popped")
    }

    pub fn resolve(&self, name: &str) -> Resolved {
        let f = self.frames.last().expect("module frame");
        if !f.module
            && let Some(s) = f.slots.get(name)
        {
            return Resolved::Place(Place::Local(*s));
        }
        if let Some(s) = self.global_slots.get(name) {
            return Resolved::Place(Place::Global(*s));
        }
        if let Some((st, _)) = self.statics.get(name) {
            return match st {
                Static::Entity(e) => Resolved::Entity(*e),
                Static::Func(f) => Resolved::Func(*f),
            };
        }
        match modules::builtin(name) {
            Some(e) => Resolved::Entity(e),
            None => Resolved::Unbound,
        }
    }

    /// Whether `e` is rooted (through attributes, calls and indexing) in a name that is
    /// never bound: the whole expression then lowers to that name, whose evaluation
    /// raises NameError first (or which is reported, when NameError is not claimed).
    pub fn unbound_root(&self, e: &ast::Expr) -> bool {
        match &e.kind {
            ast::ExprKind::Name(n) => {
                matches!(self.resolve(n), Resolved::Unbound)
                    || self
                        .global_slots
                        .get(n)
                        .is_some_and(|s| self.is_unbound_global(*s))
            }
            ast::ExprKind::Attr { obj, .. }
            | ast::ExprKind::Index { obj, .. }
            | ast::ExprKind::Slice { obj, .. } => self.unbound_root(obj),
            ast::ExprKind::Call { func, .. } => self.unbound_root(func),
            _ => false,
        }
    }

    fn is_unbound_global(&self, slot: u16) -> bool {
        self.unbound_globals.contains(&slot)
    }

    /// The value of a name.
    pub fn lower_name(&mut self, name: &str, span: Span) -> Expr {
        let kind = match self.resolve(name) {
            Resolved::Place(p) => ExprKind::Load(p),
            Resolved::Func(f) => ExprKind::Func(f),
            Resolved::Entity(e) => self.entity_value(e, span),
            Resolved::Unbound => self.unbound(name, span),
        };
        Expr { kind, span }
    }

    /// An undefined name: a compile error, or (when the scenario claims NameError) a load
    /// of a global slot that nothing ever assigns, which raises
    /// `NameError: name 'x' is not defined` at run time.
    fn unbound(&mut self, name: &str, span: Span) -> ExprKind {
        if self.claimed.name_error && !self.in_expect {
            let slot = self.add_global(name, span);
            self.unbound_globals.insert(slot);
            return ExprKind::Load(Place::Global(slot));
        }
        let mut d = Diagnostic::error(format!("name '{name}' is not defined"), span)
            .with_label("not defined");
        if modules::module(name).is_some() {
            d = d.with_help(format!("add `import {name}`"));
        } else if let Some(s) = self.suggest_name(name) {
            d = d.with_help(format!("did you mean '{s}'?"));
        } else if let Some(m) = modules::module_names().find(|m| modules::member(m, name).is_some())
        {
            d = d.with_help(format!("add `from {m} import {name}`"));
        }
        self.error(d);
        ExprKind::Const(Const::None)
    }

    /// The closest name to a misspelt `name`. Like CPython, the scenario's own names
    /// come first and builtins only when none of them is close, so `workr` suggests the
    /// scenario's `worker`, not the builtin `work`.
    fn suggest_name(&self, name: &str) -> Option<String> {
        let f = self.frames.last().expect("module frame");
        let mut own: Vec<&str> = if f.module {
            Vec::new()
        } else {
            f.names.iter().map(String::as_str).collect()
        };
        own.extend(self.global_slots.keys().map(String::as_str));
        own.extend(self.statics.keys().map(String::as_str));
        own.sort();
        did_you_mean(name, own)
            .or_else(|| did_you_mean(name, modules::builtin_names()))
            .map(String::from)
    }

    pub fn entity_value(&mut self, e: Entity, span: Span) -> ExprKind {
        match e {
            Entity::Builtin(b) => ExprKind::Builtin(b),
            Entity::Exc(x) => ExprKind::ExcType(x),
            Entity::Str(s) => ExprKind::Const(Const::Str(Arc::from(s))),
            Entity::Module(m) => {
                let d = Diagnostic::error(format!("module '{m}' cannot be used as a value"), span)
                    .with_label("a module")
                    .with_help("use one of its members, like `module.name`");
                self.error(d);
                ExprKind::Const(Const::None)
            }
        }
    }

    fn lower_def(&mut self, id: FuncId, def: &ast::FuncDef) {
        let b = block_bindings(&def.body);
        let mut frame = Frame::new(false);
        for p in &def.params {
            if frame.slots.contains_key(&p.name.name) {
                let d = Diagnostic::error(
                    format!(
                        "duplicate parameter '{}' in function definition",
                        p.name.name
                    ),
                    p.name.span,
                )
                .with_label("again here");
                self.error(d);
            }
            frame.add(&p.name.name);
            if let Some(g) = b.globals.iter().find(|g| g.name == p.name.name) {
                let d =
                    Diagnostic::error(format!("name '{}' is parameter and global", g.name), g.span)
                        .with_label("declared global here")
                        .with_secondary(p.name.span, "parameter here");
                self.error(d);
            }
        }
        for (name, _) in &b.assigned {
            if !b.is_global(name) {
                frame.add(name);
            }
        }
        let params = self.lower_params(&def.params);
        self.frames.push(frame);
        let body = self.lower_block(&def.body);
        let frame = self.frames.pop().expect("pushed above");
        self.functions[id as usize] = Some(Function {
            name: def.name.name.clone(),
            params,
            n_locals: frame.names.len() as u16,
            local_names: frame.names,
            body,
            span: def.span,
        });
    }

    fn lower_params(&mut self, params: &[ast::Param]) -> Vec<ParamIr> {
        params
            .iter()
            .map(|p| ParamIr {
                name: p.name.name.clone(),
                default: p.default.as_ref().and_then(|d| {
                    let c = lower_const(d);
                    if c.is_none() {
                        let e = Diagnostic::error("parameter defaults must be constants", d.span)
                            .with_label("not a constant")
                            .with_help("use None and compute the value in the body");
                        self.error(e);
                    }
                    c
                }),
            })
            .collect()
    }

    fn lower_lambda(&mut self, params: &[ast::Param], body: &ast::Expr, span: Span) -> Expr {
        let enclosing = self.frames.last().expect("module frame");
        let mut captures = Vec::new();
        let mut frame = Frame::new(false);
        if !enclosing.module {
            for n in lambda_free_names(params, body) {
                if let Some(s) = enclosing.slots.get(&n) {
                    captures.push(Place::Local(*s));
                    frame.add(&n);
                }
            }
        }
        for p in params {
            frame.add(&p.name.name);
        }
        for (n, _) in expr_bindings(body).assigned {
            frame.add(&n);
        }
        let id = self.functions.len() as FuncId;
        self.functions.push(None);
        let params_ir = self.lower_params(params);
        self.frames.push(frame);
        let value = self.lower_expr(body);
        let frame = self.frames.pop().expect("pushed above");
        self.functions[id as usize] = Some(Function {
            name: "<lambda>".into(),
            params: params_ir,
            n_locals: frame.names.len() as u16,
            local_names: frame.names,
            body: vec![Stmt {
                kind: StmtKind::Return(Some(value)),
                span: body.span,
            }],
            span,
        });
        Expr {
            kind: ExprKind::Lambda { func: id, captures },
            span,
        }
    }

    pub fn lower_block(&mut self, block: &[ast::Stmt]) -> Vec<Stmt> {
        block.iter().filter_map(|s| self.lower_stmt(s)).collect()
    }

    fn lower_loop_body(&mut self, block: &[ast::Stmt]) -> Vec<Stmt> {
        self.frame().loops += 1;
        let b = self.lower_block(block);
        self.frame().loops -= 1;
        b
    }

    fn lower_stmt(&mut self, s: &ast::Stmt) -> Option<Stmt> {
        use ast::StmtKind as S;
        let kind = match &s.kind {
            S::Expr(e) => StmtKind::Expr(self.lower_expr(e)),
            S::Assign { target, value } => {
                let v = self.lower_expr(value);
                self.label_assignment(target, &v);
                StmtKind::Assign(self.lower_target(target), v)
            }
            S::AugAssign { target, op, value } => {
                if matches!(
                    target.kind,
                    ast::ExprKind::Tuple(_) | ast::ExprKind::List(_)
                ) {
                    let d = Diagnostic::error(
                        "illegal expression for augmented assignment",
                        target.span,
                    )
                    .with_label("cannot be the target of an augmented assignment");
                    self.error(d);
                }
                let t = self.lower_target(target);
                StmtKind::AugAssign(t, *op, self.lower_expr(value))
            }
            S::If { branches, orelse } => StmtKind::If(
                branches
                    .iter()
                    .map(|(c, b)| (self.lower_expr(c), self.lower_block(b)))
                    .collect(),
                orelse
                    .as_ref()
                    .map_or_else(Vec::new, |b| self.lower_block(b)),
            ),
            S::While { cond, body } => {
                StmtKind::While(self.lower_expr(cond), self.lower_loop_body(body))
            }
            S::For { target, iter, body } => {
                let it = self.lower_expr(iter);
                let t = self.lower_target(target);
                StmtKind::For(t, it, self.lower_loop_body(body))
            }
            S::Break | S::Continue => {
                if self.frame().loops == 0 {
                    let word = if matches!(s.kind, S::Break) {
                        "break"
                    } else {
                        "continue"
                    };
                    let d = Diagnostic::error(format!("'{word}' outside loop"), s.span)
                        .with_label("not inside a `for` or `while`");
                    self.error(d);
                }
                if matches!(s.kind, S::Break) {
                    StmtKind::Break
                } else {
                    StmtKind::Continue
                }
            }
            S::Return(e) => {
                if self.frame().module {
                    let d = Diagnostic::error("'return' outside function", s.span)
                        .with_label("in the module body")
                        .with_help("use `sys.exit()` to end the main process early");
                    self.error(d);
                }
                StmtKind::Return(e.as_ref().map(|e| self.lower_expr(e)))
            }
            S::Pass => StmtKind::Pass,
            S::With { items, body } => {
                let items = items
                    .iter()
                    .map(|(e, t)| {
                        let v = self.lower_expr(e);
                        if let Some(t) = t {
                            self.label_assignment(t, &v);
                        }
                        (v, t.as_ref().map(|t| self.lower_target(t)))
                    })
                    .collect();
                StmtKind::With(items, self.lower_block(body))
            }
            S::Try {
                body,
                handlers,
                orelse,
                finally,
            } => StmtKind::Try {
                body: self.lower_block(body),
                handlers: handlers
                    .iter()
                    .map(|h| Handler {
                        types: h.types.iter().map(|t| self.lower_expr(t)).collect(),
                        bind: h.name.as_ref().and_then(|n| match self.resolve(&n.name) {
                            Resolved::Place(p) => Some(p),
                            _ => None,
                        }),
                        body: self.lower_block(&h.body),
                        span: h.span,
                    })
                    .collect(),
                orelse: orelse
                    .as_ref()
                    .map_or_else(Vec::new, |b| self.lower_block(b)),
                finally: finally
                    .as_ref()
                    .map_or_else(Vec::new, |b| self.lower_block(b)),
            },
            S::Raise(e) => StmtKind::Raise(e.as_ref().map(|e| self.lower_expr(e))),
            S::Global(_) => return None,
            S::Assert { cond, msg } => StmtKind::Assert(
                self.lower_expr(cond),
                msg.as_ref().map(|m| self.lower_expr(m)),
            ),
            S::Del(t) => StmtKind::Del(self.lower_target(t)),
        };
        Some(Stmt { kind, span: s.span })
    }

    /// Records a creation-site label for `x = Ctor(..)`, `a, b = Pipe()`,
    /// `with Ctor(..) as x` and `xs = [Ctor(..) for ..]`.
    fn label_assignment(&mut self, target: &ast::Expr, lowered: &Expr) {
        let name = match &target.kind {
            ast::ExprKind::Name(n) => n.clone(),
            ast::ExprKind::Tuple(items) | ast::ExprKind::List(items) => {
                let names: Option<Vec<&str>> = items
                    .iter()
                    .map(|i| match &i.kind {
                        ast::ExprKind::Name(n) => Some(n.as_str()),
                        _ => None,
                    })
                    .collect();
                match names {
                    Some(n) if n.len() == 2 && ctor_call_kind(lowered).is_some() => n.join("/"),
                    _ => return,
                }
            }
            _ => return,
        };
        let site = match &lowered.kind {
            ExprKind::ListComp { elt, .. } => &**elt,
            _ => lowered,
        };
        if let Some(kind) = ctor_call_kind(site) {
            if matches!(kind, ResKind::Thread | ResKind::Process | ResKind::Timer) {
                self.actor_names.push(name.clone());
            }
            self.labels.push((site.span, name));
        }
    }

    pub fn lower_target(&mut self, t: &ast::Expr) -> Target {
        match &t.kind {
            ast::ExprKind::Name(n) => match self.resolve(n) {
                Resolved::Place(p) => Target::Place(p),
                // Every assigned name was given a slot before lowering: only a name the
                // analysis could not bind (a module alias) gets here, already reported.
                _ => Target::Unpack(Vec::new()),
            },
            ast::ExprKind::Tuple(items) | ast::ExprKind::List(items) => {
                Target::Unpack(items.iter().map(|i| self.lower_target(i)).collect())
            }
            ast::ExprKind::Attr { obj, name } => {
                let o = self.lower_expr(obj);
                match crate::core::names::Attr::from_name(&name.name) {
                    Some(a) => {
                        self.side.target_attrs.insert(obj.span, name.span);
                        Target::Attr(o, a)
                    }
                    None => {
                        self.unknown_attr(&name.name, name.span);
                        Target::Unpack(Vec::new())
                    }
                }
            }
            ast::ExprKind::Index { obj, index } => {
                Target::Index(self.lower_expr(obj), self.lower_expr(index))
            }
            _ => {
                let d = Diagnostic::error("cannot assign to expression", t.span)
                    .with_label("not a variable, attribute or item");
                self.error(d);
                Target::Unpack(Vec::new())
            }
        }
    }

    pub fn lower_expr(&mut self, e: &ast::Expr) -> Expr {
        use ast::ExprKind as E;
        let kind = match &e.kind {
            // In a claim, `output` is the run's whole printed output, unless the
            // scenario has a variable of that name.
            E::Name(n)
                if self.in_expect
                    && n == "output"
                    && matches!(self.resolve(n), Resolved::Unbound) =>
            {
                ExprKind::RunOutput
            }
            E::Name(n) => return self.lower_name(n, e.span),
            E::None => ExprKind::Const(Const::None),
            E::Bool(b) => ExprKind::Const(Const::Bool(*b)),
            E::Int(i) => ExprKind::Const(Const::Int(*i)),
            E::Float(f) => ExprKind::Const(Const::Float(*f)),
            E::Str(s) => ExprKind::Const(Const::Str(Arc::from(s.as_str()))),
            E::Bytes(b) => ExprKind::Const(Const::Bytes(Arc::from(b.as_slice()))),
            E::FStr(parts) => ExprKind::FStr(
                parts
                    .iter()
                    .map(|p| match p {
                        ast::FStrPart::Lit(s) => FPart::Lit(Arc::from(s.as_str())),
                        ast::FStrPart::Expr { expr, conv, spec } => FPart::Expr {
                            expr: self.lower_expr(expr),
                            conv: *conv,
                            spec: spec.as_deref().map(Arc::from),
                        },
                    })
                    .collect(),
            ),
            E::List(items) => ExprKind::List(self.lower_exprs(items)),
            E::Tuple(items) => ExprKind::Tuple(self.lower_exprs(items)),
            E::Dict(pairs) => ExprKind::Dict(
                pairs
                    .iter()
                    .map(|(k, v)| (self.lower_expr(k), self.lower_expr(v)))
                    .collect(),
            ),
            E::Attr { obj, name } => return self.lower_attr(e, obj, name),
            E::Index { obj, index } => {
                if self.unbound_root(obj) {
                    return self.lower_expr(obj);
                }
                ExprKind::Index {
                    obj: Box::new(self.lower_expr(obj)),
                    index: Box::new(self.lower_expr(index)),
                }
            }
            E::Slice { obj, lo, hi, step } => ExprKind::Slice {
                obj: Box::new(self.lower_expr(obj)),
                lo: self.lower_opt(lo.as_deref()),
                hi: self.lower_opt(hi.as_deref()),
                step: self.lower_opt(step.as_deref()),
            },
            E::Call { func, args } => return self.lower_call(e, func, args),
            E::Unary { op, operand } => ExprKind::Unary(*op, Box::new(self.lower_expr(operand))),
            E::Binary { op, left, right } => ExprKind::Binary(
                *op,
                Box::new(self.lower_expr(left)),
                Box::new(self.lower_expr(right)),
            ),
            E::Compare { left, rest } => ExprKind::Compare(
                Box::new(self.lower_expr(left)),
                rest.iter()
                    .map(|(op, r)| (*op, self.lower_expr(r)))
                    .collect(),
            ),
            E::BoolOp { op, left, right } => {
                let (l, r) = (
                    Box::new(self.lower_expr(left)),
                    Box::new(self.lower_expr(right)),
                );
                match op {
                    ast::BoolOp::And => ExprKind::And(l, r),
                    ast::BoolOp::Or => ExprKind::Or(l, r),
                }
            }
            E::IfExp { cond, then, orelse } => ExprKind::IfExp {
                cond: Box::new(self.lower_expr(cond)),
                then: Box::new(self.lower_expr(then)),
                orelse: Box::new(self.lower_expr(orelse)),
            },
            E::Lambda { params, body } => return self.lower_lambda(params, body, e.span),
            E::ListComp {
                elt,
                target,
                iter,
                cond,
            } => {
                let iter = Box::new(self.lower_expr(iter));
                let target = Box::new(self.lower_target(target));
                ExprKind::ListComp {
                    elt: Box::new(self.lower_expr(elt)),
                    target,
                    iter,
                    cond: self.lower_opt(cond.as_deref()),
                }
            }
        };
        Expr { kind, span: e.span }
    }

    pub fn lower_exprs(&mut self, items: &[ast::Expr]) -> Vec<Expr> {
        items.iter().map(|i| self.lower_expr(i)).collect()
    }

    fn lower_opt(&mut self, e: Option<&ast::Expr>) -> Option<Box<Expr>> {
        e.map(|e| Box::new(self.lower_expr(e)))
    }

    /// Lowers an expression of the `expect` block, in the module scope.
    pub fn lower_expect_expr(&mut self, e: &ast::Expr) -> Expr {
        self.in_expect = true;
        let out = self.lower_expr(e);
        self.in_expect = false;
        out
    }

    /// Whether the scenario claims this exception (so its static check is left to run time).
    pub fn claims(&self, exc: ExcType) -> bool {
        match exc {
            ExcType::TypeError => self.claimed.type_error,
            ExcType::AttributeError => self.claimed.attribute_error,
            ExcType::NameError => self.claimed.name_error,
            _ => false,
        }
    }
}

/// The kind a call of a builtin creates, if `e` is one that creates an actor or a resource.
fn ctor_call_kind(e: &Expr) -> Option<ResKind> {
    match &e.kind {
        ExprKind::Call { func, .. } => match func.kind {
            ExprKind::Builtin(b) => ctor_kind(b),
            _ => None,
        },
        // `a = ex.submit(f)`: futures and async results are labelled like resources.
        ExprKind::Method { method, .. } => crate::plan::signatures::method_result_kind(*method),
        _ => None,
    }
}

/// A constant expression (literal, signed number, tuple or list of constants), lowered;
/// `None` when `e` is not constant.
pub fn lower_const(e: &ast::Expr) -> Option<Expr> {
    use ast::ExprKind as E;
    let kind = match &e.kind {
        E::None => ExprKind::Const(Const::None),
        E::Bool(b) => ExprKind::Const(Const::Bool(*b)),
        E::Int(i) => ExprKind::Const(Const::Int(*i)),
        E::Float(f) => ExprKind::Const(Const::Float(*f)),
        E::Str(s) => ExprKind::Const(Const::Str(Arc::from(s.as_str()))),
        E::Bytes(b) => ExprKind::Const(Const::Bytes(Arc::from(b.as_slice()))),
        E::Unary {
            op: op @ (ast::UnaryOp::Neg | ast::UnaryOp::Pos),
            operand,
        } if matches!(operand.kind, E::Int(_) | E::Float(_)) => {
            ExprKind::Unary(*op, Box::new(lower_const(operand)?))
        }
        E::Tuple(items) => ExprKind::Tuple(items.iter().map(lower_const).collect::<Option<_>>()?),
        E::List(items) => ExprKind::List(items.iter().map(lower_const).collect::<Option<_>>()?),
        _ => return None,
    };
    Some(Expr { kind, span: e.span })
}
