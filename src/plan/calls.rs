//! Lowering of calls, attributes and module paths, with the checks that need only the
//! callee: builtin arity and keywords, `def` arity, and `target=`/`args=` agreement.

use crate::core::names::{Attr, Builtin, ExcType, Method};
use crate::diag::Diagnostic;
use crate::diag::did_you_mean::did_you_mean;
use crate::plan::ir::{Const, Expr, ExprKind, FuncId, Kw};
use crate::plan::lower::{Lowerer, Resolved};
use crate::plan::modules::{self, Entity};
use crate::plan::signatures::{CallShape, Sig, builtin_sig, check_call};
use crate::syntax::ast;
use crate::syntax::span::Span;

/// A call's arguments, split as the IR wants them.
struct LoweredArgs {
    pos: Vec<Expr>,
    kwargs: Vec<(Kw, Expr)>,
    star: Option<Box<Expr>>,
}

fn none(span: Span) -> Expr {
    Expr {
        kind: ExprKind::Const(Const::None),
        span,
    }
}

/// The argument at position `index` or passed as keyword `name`, as written.
fn arg<'e>(args: &'e [ast::Arg], index: usize, name: &str) -> Option<&'e ast::Expr> {
    args.iter()
        .find(|a| a.name.as_ref().is_some_and(|n| n.name == name))
        .or_else(|| {
            args.iter()
                .filter(|a| a.name.is_none() && !a.star)
                .nth(index)
        })
        .map(|a| &a.value)
}

fn shape(args: &[ast::Arg]) -> CallShape<'_> {
    CallShape {
        positional: args.iter().filter(|a| a.name.is_none() && !a.star).count(),
        keywords: args
            .iter()
            .filter_map(|a| a.name.as_ref().map(|n| (n.name.as_str(), n.span)))
            .collect(),
        star: args.iter().any(|a| a.star),
    }
}

fn plural(n: usize, what: &str) -> String {
    format!("{n} {what}{}", if n == 1 { "" } else { "s" })
}

impl Lowerer<'_> {
    /// What a path through modules denotes: `None` when `e` is not such a path (a
    /// variable, a call...), `Some(None)` when it is but is wrong (reported).
    fn static_member(&mut self, e: &ast::Expr) -> Option<Option<Entity>> {
        match &e.kind {
            ast::ExprKind::Name(n) => match self.resolve(n) {
                Resolved::Entity(ent) => Some(Some(ent)),
                _ => None,
            },
            ast::ExprKind::Attr { obj, name } => match self.static_member(obj)? {
                Some(Entity::Module(m)) => match modules::member(m, &name.name) {
                    Some(x) => Some(Some(x)),
                    None => {
                        let mut d = Diagnostic::error(
                            format!("module '{m}' has no attribute '{}'", name.name),
                            name.span,
                        )
                        .with_label(format!("not in '{m}'"));
                        let names = modules::members(m).iter().map(|(n, _)| *n);
                        if let Some(s) = did_you_mean(&name.name, names) {
                            d = d.with_help(format!("did you mean '{s}'?"));
                        }
                        self.error(d);
                        Some(None)
                    }
                },
                Some(_) => None,
                None => Some(None),
            },
            _ => None,
        }
    }

    pub fn unknown_attr(&mut self, name: &str, span: Span) {
        let mut d = Diagnostic::error(format!("unknown attribute '{name}'"), span)
            .with_label("no object in the language has this attribute");
        let names = Attr::ALL
            .iter()
            .map(|a| a.name())
            .chain(Method::ALL.iter().map(|m| m.name()));
        if let Some(s) = did_you_mean(name, names) {
            d = d.with_help(format!("did you mean '{s}'?"));
        }
        self.error(d);
    }

    pub fn lower_attr(&mut self, e: &ast::Expr, obj: &ast::Expr, name: &ast::Ident) -> Expr {
        if self.unbound_root(obj) {
            return self.lower_expr(obj);
        }
        match self.static_member(e) {
            Some(Some(ent)) => {
                let kind = self.entity_value(ent, e.span);
                return Expr { kind, span: e.span };
            }
            Some(None) => return none(e.span),
            None => {}
        }
        let o = Box::new(self.lower_expr(obj));
        let kind = if let Some(attr) = Attr::from_name(&name.name) {
            self.side.attrs.insert(e.span, name.span);
            ExprKind::Attr { obj: o, attr }
        } else if let Some(method) = Method::from_name(&name.name) {
            self.side.methods.insert(e.span, (name.span, Vec::new()));
            ExprKind::BoundMethod { obj: o, method }
        } else {
            self.unknown_attr(&name.name, name.span);
            ExprKind::Const(Const::None)
        };
        Expr { kind, span: e.span }
    }

    fn lower_args(&mut self, args: &[ast::Arg]) -> LoweredArgs {
        let mut out = LoweredArgs {
            pos: Vec::new(),
            kwargs: Vec::new(),
            star: None,
        };
        for a in args {
            let v = self.lower_expr(&a.value);
            if a.star {
                if out.star.is_some() {
                    let d =
                        Diagnostic::error("only one `*args` per call is supported", a.value.span)
                            .with_label("second `*` argument");
                    self.error(d);
                }
                out.star = Some(Box::new(v));
            } else if let Some(n) = &a.name {
                if out.kwargs.iter().any(|(k, _)| **k == *n.name) {
                    let d = Diagnostic::error(
                        format!("keyword argument repeated: '{}'", n.name),
                        n.span,
                    )
                    .with_label("repeated");
                    self.error(d);
                }
                out.kwargs.push((Kw::from(n.name.as_str()), v));
            } else {
                out.pos.push(v);
            }
        }
        out
    }

    pub fn lower_call(&mut self, e: &ast::Expr, func: &ast::Expr, args: &[ast::Arg]) -> Expr {
        if self.unbound_root(func) {
            return self.lower_expr(func);
        }
        let callee = match &func.kind {
            ast::ExprKind::Attr { obj, name } => match self.static_member(func) {
                None => return self.lower_method_call(e, func, obj, name, args),
                Some(Some(ent)) => {
                    let kind = self.entity_value(ent, func.span);
                    Expr {
                        kind,
                        span: func.span,
                    }
                }
                Some(None) => none(func.span),
            },
            _ => self.lower_expr(func),
        };
        match callee.kind {
            ExprKind::Builtin(b) => self.check_builtin_call(b, e.span, args),
            ExprKind::Func(f) if !self.claims(ExcType::TypeError) => {
                self.check_def_call(f, e.span, args)
            }
            _ => {}
        }
        let a = self.lower_args(args);
        Expr {
            kind: ExprKind::Call {
                func: Box::new(callee),
                args: a.pos,
                kwargs: a.kwargs,
                star: a.star,
            },
            span: e.span,
        }
    }

    fn lower_method_call(
        &mut self,
        e: &ast::Expr,
        func: &ast::Expr,
        obj: &ast::Expr,
        name: &ast::Ident,
        args: &[ast::Arg],
    ) -> Expr {
        let o = self.lower_expr(obj);
        let Some(method) = Method::from_name(&name.name) else {
            let mut d = Diagnostic::error(format!("unknown method '{}'", name.name), name.span)
                .with_label("no object in the language has this method");
            if Attr::from_name(&name.name).is_some() {
                d = d.with_help(format!("'{}' is an attribute, not a method", name.name));
            } else if let Some(s) = did_you_mean(&name.name, Method::ALL.iter().map(|m| m.name())) {
                d = d.with_help(format!("did you mean '{s}'?"));
            }
            self.error(d);
            self.lower_args(args);
            return none(e.span);
        };
        let kws = args
            .iter()
            .filter_map(|a| a.name.as_ref().map(|n| (n.name.clone(), n.span)))
            .collect();
        self.side.methods.insert(e.span, (name.span, kws));
        if !self.claims(ExcType::TypeError) {
            self.check_task_call(method, e.span, args);
        }
        let a = self.lower_args(args);
        let kind = match a.star {
            Some(star) => {
                self.side.methods.insert(func.span, (name.span, Vec::new()));
                ExprKind::Call {
                    func: Box::new(Expr {
                        kind: ExprKind::BoundMethod {
                            obj: Box::new(o),
                            method,
                        },
                        span: func.span,
                    }),
                    args: a.pos,
                    kwargs: a.kwargs,
                    star: Some(star),
                }
            }
            None => ExprKind::Method {
                obj: Box::new(o),
                method,
                args: a.pos,
                kwargs: a.kwargs,
            },
        };
        Expr { kind, span: e.span }
    }

    fn check_builtin_call(&mut self, b: Builtin, span: Span, args: &[ast::Arg]) {
        if matches!(b, Builtin::Thread | Builtin::Process | Builtin::Timer)
            && let Some(n) = arg(args, usize::MAX, "name")
            && let ast::ExprKind::Str(s) = &n.kind
        {
            self.actor_names.push(s.clone());
        }
        if self.claims(ExcType::TypeError) {
            return;
        }
        let what = format!("{}()", b.name());
        let diags = check_call(&what, &builtin_sig(b), &shape(args), span);
        let ok = diags.is_empty();
        self.diags.extend(diags);
        if !ok {
            return;
        }
        match b {
            Builtin::Thread | Builtin::Process => {
                if let Some(t) = arg(args, 1, "target") {
                    let has_kwargs = arg(args, 4, "kwargs").is_some();
                    self.check_target(t, arg(args, 3, "args"), has_kwargs, "args=");
                }
            }
            Builtin::Timer => {
                if let Some(t) = arg(args, 1, "function") {
                    let has_kwargs = arg(args, 3, "kwargs").is_some();
                    self.check_target(t, arg(args, 2, "args"), has_kwargs, "args=");
                }
            }
            _ => {}
        }
    }

    /// `pool.apply_async(f, (a,))`, `ex.submit(f, a)`: the task's arguments against `f`.
    fn check_task_call(&mut self, m: Method, span: Span, args: &[ast::Arg]) {
        match m {
            Method::Apply | Method::ApplyAsync => {
                if let Some(t) = arg(args, 0, "func") {
                    let has_kwargs = arg(args, 2, "kwds").is_some();
                    self.check_target(t, arg(args, 1, "args"), has_kwargs, "args");
                }
            }
            Method::Submit => {
                let s = shape(args);
                if s.star || !s.keywords.is_empty() || s.positional == 0 {
                    return;
                }
                let Some(f) = arg(args, 0, "fn").and_then(|a| self.def_of(a)) else {
                    return;
                };
                let given = s.positional - 1;
                self.arity_mismatch(f, given, span, "submit() passes");
            }
            _ => {}
        }
    }

    /// The `def` an expression names directly, if any.
    fn def_of(&self, e: &ast::Expr) -> Option<FuncId> {
        match &e.kind {
            ast::ExprKind::Name(n) => match self.resolve(n) {
                Resolved::Func(f) => Some(f),
                _ => None,
            },
            _ => None,
        }
    }

    /// A `target=` def against the literal tuple of arguments it will get.
    fn check_target(
        &mut self,
        target: &ast::Expr,
        args: Option<&ast::Expr>,
        has_kwargs: bool,
        what: &str,
    ) {
        let Some(f) = self.def_of(target) else {
            return;
        };
        if has_kwargs {
            return;
        }
        let given = match args.map(|a| &a.kind) {
            None => 0,
            Some(ast::ExprKind::Tuple(items) | ast::ExprKind::List(items)) => items.len(),
            Some(ast::ExprKind::Str(s)) => {
                let a = args.expect("matched Some");
                let d = Diagnostic::error(format!("{what} must be a tuple, not a string"), a.span)
                    .with_label(format!(
                        "passes {} one-character arguments",
                        s.chars().count()
                    ))
                    .with_help(format!(
                        "a one-element tuple needs a trailing comma: ({},)",
                        &self.file.text[a.span.range()].trim_matches(|c| c == '(' || c == ')')
                    ));
                self.error(d);
                return;
            }
            Some(_) => return,
        };
        let span = args.map_or(target.span, |a| a.span);
        self.arity_mismatch(f, given, span, &format!("{what} passes"));
    }

    fn arity_mismatch(&mut self, f: FuncId, given: usize, span: Span, passes: &str) {
        let def = &self.defs[f as usize];
        let total = def.params.len();
        let required = def.params.iter().filter(|p| p.default.is_none()).count();
        if (required..=total).contains(&given) {
            return;
        }
        let takes = if required == total {
            plural(total, "argument")
        } else {
            format!("from {required} to {total} arguments")
        };
        let d = Diagnostic::error(
            format!("'{}' takes {takes} but {passes} {given}", def.name.name),
            span,
        )
        .with_label(plural(given, "argument"))
        .with_secondary(def.name.span, format!("'{}' defined here", def.name.name));
        self.error(d);
    }

    fn check_def_call(&mut self, f: FuncId, span: Span, args: &[ast::Arg]) {
        let def = &self.defs[f as usize];
        let params: Vec<&str> = def.params.iter().map(|p| p.name.name.as_str()).collect();
        let sig = Sig {
            params: &params,
            required: def.params.iter().filter(|p| p.default.is_none()).count(),
            by_keyword: true,
            kwonly: &[],
            var_pos: false,
            var_kw: false,
        };
        let what = format!("{}()", def.name.name);
        let mut diags = check_call(&what, &sig, &shape(args), span);
        for d in &mut diags {
            *d = d
                .clone()
                .with_secondary(def.name.span, format!("'{}' defined here", def.name.name));
        }
        self.diags.extend(diags);
    }
}
