//! The execution plan: a scenario resolved, checked and lowered.
//!
//! Names are gone: variables are slots (`Place`), functions are `FuncId`s, builtins,
//! methods, attributes and exception classes are enums from `core::names`. The
//! interpreter (`core`) executes this and nothing else; the checker reads `facts`.

use std::sync::Arc;

use crate::core::names::{Attr, Builtin, ExcType, Method};
use crate::syntax::ast::{BinOp, CmpOp, Grade, UnaryOp};
use crate::syntax::span::{SourceFile, Span};

/// Index into `Program::functions`.
pub type FuncId = u32;

#[derive(Debug)]
pub struct Program {
    pub source: Arc<SourceFile>,
    /// The scenario's name (the file stem when the scenario gives none).
    pub name: String,
    pub config: Config,
    /// Module globals, by slot; the module body assigns them, threads of one process
    /// share them, a forked process gets a copy.
    pub globals: Vec<GlobalInfo>,
    /// Every function: `def`s, lambdas, and the module body (`main`).
    pub functions: Vec<Function>,
    /// The module body, run by the main actor.
    pub main: FuncId,
    pub expects: Vec<Expect>,
    /// Static facts for the deadlock checker.
    pub facts: Facts,
    /// Creation-site labels: for `p = Process(...)`, `lock_a = Lock()`, the span of the
    /// call expression and the variable it is assigned to. Reports name actors and
    /// resources by these (`p`, `lock_a`) rather than by `Process-1`. Also for
    /// `with Pool(2) as pool`, and `procs = [Process(..) for ..]` (labelled `procs`).
    /// `a, b = Pipe()` gives one label `"a/b"`: the part before `/` names end 0.
    pub labels: Vec<(Span, String)>,
}

#[derive(Clone, Debug)]
pub struct GlobalInfo {
    pub name: String,
    /// Where it is first assigned.
    pub span: Span,
}

/// Run settings: from the scenario's `config` block, overridable on the command line.
#[derive(Clone, Debug, PartialEq)]
pub struct Config {
    /// How many times `interp run` runs the scenario by default.
    pub runs: u32,
    /// Multiplies every `sleep` and timeout (0.01 makes a 0.1 s sleep last 1 ms).
    pub time_scale: f64,
    /// Wall-clock limit of one run, in seconds, after which it is ended as a hang.
    pub timeout: f64,
    /// Threads of one process take turns for CPU work (`work(n)`), like CPython's GIL.
    pub gil: bool,
    /// Seed of the run seeds (random module and `--stress` perturbation).
    pub seed: u64,
    /// Lines returned by successive `input()` calls; EOFError after the last.
    pub inputs: Vec<String>,
    /// Caps: live processes and live threads of one run.
    pub max_processes: u32,
    pub max_threads: u32,
    /// Perturb interleavings (random yields and delays at operation boundaries).
    pub stress: bool,
}

impl Default for Config {
    fn default() -> Config {
        Config {
            runs: 1,
            time_scale: 1.0,
            timeout: 10.0,
            gil: false,
            seed: 0,
            inputs: Vec::new(),
            max_processes: 64,
            max_threads: 256,
            stress: false,
        }
    }
}

#[derive(Debug)]
pub struct Function {
    /// `f`, `<lambda>` or `<module>`.
    pub name: String,
    pub params: Vec<ParamIr>,
    /// Number of local slots: a lambda's captures first (see `ExprKind::Lambda`), then
    /// parameters (in order), then other locals.
    pub n_locals: u16,
    pub local_names: Vec<String>,
    pub body: Vec<Stmt>,
    pub span: Span,
}

#[derive(Debug)]
pub struct ParamIr {
    pub name: String,
    /// Evaluated at each call where the argument is missing. Python evaluates defaults
    /// once at `def`: the two agree for immutable defaults, but a mutable one
    /// (`acc=[]`) is a fresh object at each call here (docs/language.md, Differences).
    pub default: Option<Expr>,
}

/// Where a variable lives.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Place {
    Local(u16),
    Global(u16),
}

#[derive(Debug)]
pub struct Stmt {
    pub kind: StmtKind,
    pub span: Span,
}

#[derive(Debug)]
pub enum StmtKind {
    Expr(Expr),
    Assign(Target, Expr),
    AugAssign(Target, BinOp, Expr),
    /// `(cond, body)` per `if`/`elif`, then the `else` body (empty when absent).
    If(Vec<(Expr, Vec<Stmt>)>, Vec<Stmt>),
    While(Expr, Vec<Stmt>),
    For(Target, Expr, Vec<Stmt>),
    Break,
    Continue,
    Return(Option<Expr>),
    Pass,
    /// Context managers in order, each with its `as` target.
    With(Vec<(Expr, Option<Target>)>, Vec<Stmt>),
    Try {
        body: Vec<Stmt>,
        handlers: Vec<Handler>,
        orelse: Vec<Stmt>,
        finally: Vec<Stmt>,
    },
    /// `raise` re-raises the exception being handled.
    Raise(Option<Expr>),
    Assert(Expr, Option<Expr>),
    Del(Target),
}

#[derive(Debug)]
pub struct Handler {
    /// Exception classes matched (expressions evaluating to `ExcType` values or tuples of
    /// them); empty for a bare `except`.
    pub types: Vec<Expr>,
    pub bind: Option<Place>,
    pub body: Vec<Stmt>,
    pub span: Span,
}

#[derive(Debug)]
pub enum Target {
    Place(Place),
    Attr(Expr, Attr),
    Index(Expr, Expr),
    Unpack(Vec<Target>),
}

#[derive(Debug)]
pub struct Expr {
    pub kind: ExprKind,
    pub span: Span,
}

/// A keyword argument's name.
pub type Kw = Arc<str>;

#[derive(Debug)]
pub enum ExprKind {
    Const(Const),
    /// Reading a variable; `NameError`/`UnboundLocalError` when unset at run time.
    Load(Place),
    /// A `def` used as a value (a `target=`).
    Func(FuncId),
    /// A builtin used as a value (`pow` passed to `submit`, `time.sleep` to `apply_async`).
    Builtin(Builtin),
    /// An exception class (`except queue.Empty`, `raise ValueError("x")`).
    ExcType(ExcType),
    /// A call of any callable value.
    Call {
        func: Box<Expr>,
        args: Vec<Expr>,
        kwargs: Vec<(Kw, Expr)>,
        star: Option<Box<Expr>>,
    },
    /// `obj.method` used as a value (`target=q.put`); also the callee of a method call
    /// with `*args` (`ex.submit(f, *xs)` is a `Call` of a `BoundMethod`).
    BoundMethod {
        obj: Box<Expr>,
        method: Method,
    },
    /// `output` in a claim: everything the run printed so far, as one string.
    RunOutput,
    /// `obj.method(args)`: dispatched on the receiver's runtime kind.
    Method {
        obj: Box<Expr>,
        method: Method,
        args: Vec<Expr>,
        kwargs: Vec<(Kw, Expr)>,
    },
    Attr {
        obj: Box<Expr>,
        attr: Attr,
    },
    Index {
        obj: Box<Expr>,
        index: Box<Expr>,
    },
    Slice {
        obj: Box<Expr>,
        lo: Option<Box<Expr>>,
        hi: Option<Box<Expr>>,
        step: Option<Box<Expr>>,
    },
    Unary(UnaryOp, Box<Expr>),
    Binary(BinOp, Box<Expr>, Box<Expr>),
    Compare(Box<Expr>, Vec<(CmpOp, Expr)>),
    And(Box<Expr>, Box<Expr>),
    Or(Box<Expr>, Box<Expr>),
    IfExp {
        cond: Box<Expr>,
        then: Box<Expr>,
        orelse: Box<Expr>,
    },
    List(Vec<Expr>),
    Tuple(Vec<Expr>),
    Dict(Vec<(Expr, Expr)>),
    FStr(Vec<FPart>),
    /// `lambda`: a function whose first `captures.len()` locals are copied from the
    /// enclosing scope's places when the lambda value is made; its parameters follow
    /// them (parameter `i` is local `captures.len() + i`).
    Lambda {
        func: FuncId,
        captures: Vec<Place>,
    },
    ListComp {
        elt: Box<Expr>,
        target: Box<Target>,
        iter: Box<Expr>,
        cond: Option<Box<Expr>>,
    },
}

#[derive(Clone, Debug, PartialEq)]
pub enum Const {
    None,
    Bool(bool),
    Int(i128),
    Float(f64),
    Str(Arc<str>),
    Bytes(Arc<[u8]>),
}

#[derive(Debug)]
pub enum FPart {
    Lit(Arc<str>),
    Expr {
        expr: Expr,
        conv: Option<char>,
        spec: Option<Arc<str>>,
    },
}

/// A claim, resolved. Expressions in claims are evaluated in main's scope after the run.
#[derive(Debug)]
pub struct Expect {
    pub kind: ExpectKind,
    pub span: Span,
}

#[derive(Debug)]
pub enum ExpectKind {
    Deadlock {
        kind: Option<String>,
        actors: Vec<String>,
    },
    NoDeadlock,
    Hang,
    Output(String),
    OutputContains(String),
    Order {
        first: String,
        then: String,
    },
    /// A boolean expression over main's globals; `source` is its text for reports.
    Final {
        expr: Expr,
        source: String,
    },
    Raises {
        exc: ExcType,
        actor: Option<String>,
        message: Option<String>,
    },
    ExitCode {
        actor: String,
        code: i64,
    },
    Outcome {
        observe: Vec<Expr>,
        sources: Vec<String>,
        cases: Vec<OutcomeCaseIr>,
    },
}

#[derive(Debug)]
pub struct OutcomeCaseIr {
    /// `None` for `_`; otherwise a constant expression (a tuple when several are observed).
    pub pattern: Option<Expr>,
    pub grade: Grade,
    pub description: Option<String>,
    pub span: Span,
}

/// Static facts about what code can do, for the deadlock checker: which functions may
/// perform which signalling operations. An actor blocked on a resource of kind K can be
/// unblocked only by a live actor whose remaining code may perform a signalling method
/// on a K; over-approximating this is what keeps the checker free of false positives.
#[derive(Debug, Default)]
pub struct Facts {
    /// `signals[f]`: the (receiver kind, method) pairs function `f` may perform, directly
    /// or through the functions it calls (not through the threads or processes it
    /// starts: those are other actors, with their own entries). Receiver kinds the plan
    /// could not infer are recorded as `None` (meaning: possibly any kind). Sorted.
    pub signals: Vec<Vec<(Option<ResKind>, Method)>>,
    /// `reach[f]`: `signals[f]` and what every actor or task `f` may start (a Thread,
    /// Process or Timer target, a pool or executor task, a callback) may perform,
    /// transitively. "Who may still signal this?" asks this: an actor that will start
    /// the signaller keeps a wait alive. Sorted.
    pub reach: Vec<Vec<(Option<ResKind>, Method)>>,
}

impl ResKind {
    /// Kinds whose sites start actors (threads, processes, pool or executor workers).
    pub fn is_actor(self) -> bool {
        matches!(
            self,
            ResKind::Thread | ResKind::Process | ResKind::Timer | ResKind::Pool | ResKind::Executor
        )
    }
}

/// The kinds of runtime objects that `engine` owns, as far as the plan can infer them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ResKind {
    Lock,
    RLock,
    Condition,
    Semaphore,
    BoundedSemaphore,
    Event,
    Barrier,
    Timer,
    Thread,
    Process,
    /// queue.Queue / LifoQueue / PriorityQueue / SimpleQueue
    ThreadQueue,
    /// multiprocessing.Queue / JoinableQueue / SimpleQueue
    MpQueue,
    Connection,
    Value,
    Array,
    Pool,
    Executor,
    Future,
    AsyncResult,
}
