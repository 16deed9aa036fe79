//! The scenario AST: what both front ends (DSL and TOML) produce.
//!
//! Nothing after the front end knows which syntax a scenario came from. Every node
//! carries a [`Span`] into the file the user wrote. The statement and expression
//! language is a brace-delimited subset of Python; names of modules, classes and
//! methods are Python's, resolved later by `plan`.

use super::span::Span;

/// A name as written, with where it was written.
#[derive(Clone, Debug, PartialEq)]
pub struct Ident {
    pub name: String,
    pub span: Span,
}

/// One whole scenario.
#[derive(Clone, Debug, PartialEq)]
pub struct Scenario {
    /// `scenario "name" { ... }` / TOML `name = "..."`.
    pub name: Option<(String, Span)>,
    /// `config { runs = 100, time_scale = 0.01 }` / TOML `[config]`.
    pub config: Vec<ConfigItem>,
    /// `from multiprocessing import Process, Queue` / `import queue` / `import multiprocessing as mp`.
    pub imports: Vec<Import>,
    /// Top-level `def`s. Functions are global, like Python's module-level functions.
    pub functions: Vec<FuncDef>,
    /// The module body: top-level statements, run by the main actor (Python's `__main__`).
    /// Names assigned here are module globals.
    pub body: Block,
    /// `expect { ... }` / TOML `[expect]`: the claims about every run's outcome.
    pub expects: Vec<Expect>,
    /// The span of the whole scenario (for errors about the scenario as a whole).
    pub span: Span,
}

impl Scenario {
    /// A scenario with nothing in it yet, spanning `span`: what the front ends fill.
    pub fn empty(span: Span) -> Scenario {
        Scenario {
            name: None,
            config: Vec::new(),
            imports: Vec::new(),
            functions: Vec::new(),
            body: Vec::new(),
            expects: Vec::new(),
            span,
        }
    }
}

/// `key = literal` in the config block. Known keys are checked by `plan`.
#[derive(Clone, Debug, PartialEq)]
pub struct ConfigItem {
    pub key: Ident,
    pub value: Expr,
    pub span: Span,
}

/// `import a.b [as c]` or `from a.b import x [as y], ...`.
#[derive(Clone, Debug, PartialEq)]
pub enum Import {
    /// `import multiprocessing as mp`: `module` is the dotted path, `alias` the bound name.
    Module {
        module: Vec<Ident>,
        alias: Option<Ident>,
        span: Span,
    },
    /// `from queue import Queue as Q, Empty`.
    From {
        module: Vec<Ident>,
        names: Vec<(Ident, Option<Ident>)>,
        span: Span,
    },
}

#[derive(Clone, Debug, PartialEq)]
pub struct FuncDef {
    pub name: Ident,
    pub params: Vec<Param>,
    pub body: Block,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Param {
    pub name: Ident,
    pub default: Option<Expr>,
}

pub type Block = Vec<Stmt>;

#[derive(Clone, Debug, PartialEq)]
pub struct Stmt {
    pub kind: StmtKind,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub enum StmtKind {
    /// An expression evaluated for its effect: `p.start()`.
    Expr(Expr),
    /// `target = value`; `a, b = Pipe()`; `x = y = 0` is two statements in the AST.
    /// The target is a `Name`, `Attr`, `Index` or a `Tuple`/`List` of those.
    Assign {
        target: Expr,
        value: Expr,
    },
    /// `target op= value`: `v.value += num`.
    AugAssign {
        target: Expr,
        op: BinOp,
        value: Expr,
    },
    /// `if c {..} elif c {..} else {..}`: one `(cond, block)` per `if`/`elif`.
    If {
        branches: Vec<(Expr, Block)>,
        orelse: Option<Block>,
    },
    While {
        cond: Expr,
        body: Block,
    },
    /// `for target in iter { .. }`.
    For {
        target: Expr,
        iter: Expr,
        body: Block,
    },
    Break,
    Continue,
    Return(Option<Expr>),
    Pass,
    /// `with a as x, b { .. }`: each item is the context expression and its optional `as` target.
    With {
        items: Vec<(Expr, Option<Expr>)>,
        body: Block,
    },
    /// `try {..} except E as e {..} else {..} finally {..}`.
    Try {
        body: Block,
        handlers: Vec<Handler>,
        orelse: Option<Block>,
        finally: Option<Block>,
    },
    /// `raise` (re-raise) or `raise E("msg")` / `raise E`.
    Raise(Option<Expr>),
    /// `global num, total`.
    Global(Vec<Ident>),
    /// `assert cond, "message"`.
    Assert {
        cond: Expr,
        msg: Option<Expr>,
    },
    /// `del x[i]` / `del d[k]`.
    Del(Expr),
}

/// `except (A, B) as e { .. }`; `types` empty means a bare `except`.
#[derive(Clone, Debug, PartialEq)]
pub struct Handler {
    pub types: Vec<Expr>,
    pub name: Option<Ident>,
    pub body: Block,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Expr {
    pub kind: ExprKind,
    pub span: Span,
}

impl Expr {
    /// The bracketed target `[a, b]` around the target list `inner`: a list of its items
    /// (or of `inner` alone), spanning `span`.
    pub fn list_target(inner: Expr, span: Span) -> Expr {
        let items = match inner.kind {
            ExprKind::Tuple(items) => items,
            _ => vec![inner],
        };
        Expr {
            kind: ExprKind::List(items),
            span,
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub enum ExprKind {
    Name(String),
    None,
    Bool(bool),
    /// Python ints are unbounded; i128 covers what scenarios compute (S36 sums to ~5e23).
    Int(i128),
    Float(f64),
    Str(String),
    Bytes(Vec<u8>),
    /// `f"..{expr:spec}.."`: literal parts and formatted expressions.
    FStr(Vec<FStrPart>),
    List(Vec<Expr>),
    Tuple(Vec<Expr>),
    Dict(Vec<(Expr, Expr)>),
    /// `obj.name`
    Attr {
        obj: Box<Expr>,
        name: Ident,
    },
    /// `obj[index]`
    Index {
        obj: Box<Expr>,
        index: Box<Expr>,
    },
    /// `obj[lo:hi:step]`, each part optional.
    Slice {
        obj: Box<Expr>,
        lo: Option<Box<Expr>>,
        hi: Option<Box<Expr>>,
        step: Option<Box<Expr>>,
    },
    /// `func(a, b, key=c, *rest)`.
    Call {
        func: Box<Expr>,
        args: Vec<Arg>,
    },
    Unary {
        op: UnaryOp,
        operand: Box<Expr>,
    },
    Binary {
        op: BinOp,
        left: Box<Expr>,
        right: Box<Expr>,
    },
    /// `a < b <= c`: Python's chained comparison.
    Compare {
        left: Box<Expr>,
        rest: Vec<(CmpOp, Expr)>,
    },
    /// `a and b`, `a or b` (short-circuit, value of the deciding operand).
    BoolOp {
        op: BoolOp,
        left: Box<Expr>,
        right: Box<Expr>,
    },
    /// `a if cond else b`
    IfExp {
        cond: Box<Expr>,
        then: Box<Expr>,
        orelse: Box<Expr>,
    },
    /// `lambda x, y: expr`
    Lambda {
        params: Vec<Param>,
        body: Box<Expr>,
    },
    /// `[expr for target in iter if cond]`
    ListComp {
        elt: Box<Expr>,
        target: Box<Expr>,
        iter: Box<Expr>,
        cond: Option<Box<Expr>>,
    },
}

#[derive(Clone, Debug, PartialEq)]
pub enum FStrPart {
    Lit(String),
    /// `{expr!r:spec}`: the expression, an optional conversion (`r`, `s`) and a format spec.
    Expr {
        expr: Expr,
        conv: Option<char>,
        spec: Option<String>,
    },
}

#[derive(Clone, Debug, PartialEq)]
pub struct Arg {
    /// `Some` for `key=value`.
    pub name: Option<Ident>,
    /// `*args` unpacking in a call.
    pub star: bool,
    pub value: Expr,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum UnaryOp {
    Neg,
    Pos,
    Not,
    Invert,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum BinOp {
    Add,
    Sub,
    Mul,
    Div,
    FloorDiv,
    Mod,
    Pow,
    BitAnd,
    BitOr,
    BitXor,
    Shl,
    Shr,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum CmpOp {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    In,
    NotIn,
    Is,
    IsNot,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum BoolOp {
    And,
    Or,
}

/// One claim about the runs of a scenario.
#[derive(Clone, Debug, PartialEq)]
pub struct Expect {
    pub kind: ExpectKind,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub enum ExpectKind {
    /// `deadlock join_before_drain [main, p]`: every run deadlocks; the kind and the
    /// actors (by variable name, Python name, or `main`) are optional.
    Deadlock {
        kind: Option<Ident>,
        actors: Vec<Ident>,
    },
    /// `no deadlock`: no run deadlocks or hangs.
    NoDeadlock,
    /// `hang`: every run stops progressing without a provable deadlock (busy loop, livelock).
    Hang,
    /// `output "..."`: the whole printed output of every run, exactly.
    Output { text: String },
    /// `output contains "..."`: every run's output contains the text.
    OutputContains { text: String },
    /// `order "a" before "b"`: in every run, the first line containing `a` is printed
    /// before the first line containing `b`.
    Order { first: String, then: String },
    /// `final num == 100`: a boolean expression over main's variables, evaluated after
    /// main and its children finish; it must hold in every run that does not deadlock.
    Final(Expr),
    /// `raises TypeError [in p] ["message"]`: an uncaught exception of that type ends the
    /// actor (default: any actor) in every run.
    Raises {
        exc: Ident,
        actor: Option<Ident>,
        message: Option<String>,
    },
    /// `exitcode p == 1`: the process's exit code with Python's conventions.
    ExitCode { actor: Ident, code: i64 },
    /// `outcome v.value, len(out) { (20, 5) => acceptable "..." ... }`: a histogram over
    /// observed expressions, each case graded. Unlisted outcomes fail the claim.
    Outcome {
        observe: Vec<Expr>,
        cases: Vec<OutcomeCase>,
    },
}

#[derive(Clone, Debug, PartialEq)]
pub struct OutcomeCase {
    /// The value (a tuple when several expressions are observed), or `None` for `_`.
    pub pattern: Option<Expr>,
    pub grade: Grade,
    pub description: Option<String>,
    pub span: Span,
}

/// jcstress's grades plus `required`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Grade {
    /// May be seen.
    Acceptable,
    /// May be seen, and is highlighted when it is.
    Interesting,
    /// The claim fails if it is ever seen.
    Forbidden,
    /// The claim fails if it is never seen in the runs.
    Required,
}

impl Grade {
    pub fn from_name(s: &str) -> Option<Grade> {
        Some(match s {
            "acceptable" => Grade::Acceptable,
            "interesting" => Grade::Interesting,
            "forbidden" => Grade::Forbidden,
            "required" => Grade::Required,
            _ => return None,
        })
    }
}
