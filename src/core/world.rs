//! The one door between the interpreter and everything that is not plain computation.
//!
//! The interpreter (`core::interp`) evaluates expressions and control flow; every
//! builtin with an effect, every method on an engine object and every attribute of one
//! goes through [`World`]. The real engine implements it on OS threads, processes and
//! futexes; a deterministic model backend can implement it later and run the very same
//! plan. The interpreter itself makes no OS call.

use crate::core::names::{Attr, Builtin, Method};
use crate::core::value::{Handle, Res, Value};
use crate::plan::ir::Kw;
use crate::syntax::span::Span;

/// Arguments of one call, evaluated: positionals then keywords.
#[derive(Clone, Debug, Default)]
pub struct Args {
    pub pos: Vec<Value>,
    pub kw: Vec<(Kw, Value)>,
}

impl Args {
    pub fn new(pos: Vec<Value>) -> Args {
        Args {
            pos,
            kw: Vec::new(),
        }
    }

    /// The argument for parameter `name` at position `index`, by keyword or position.
    pub fn get(&self, index: usize, name: &str) -> Option<&Value> {
        self.kw
            .iter()
            .find(|(k, _)| &**k == name)
            .map(|(_, v)| v)
            .or(self.pos.get(index))
    }
}

/// How the engine calls back into the interpreter running on the current thread:
/// `Condition.wait_for(predicate)`, a `Barrier` action, a pool task run inline.
pub trait Caller {
    fn call_value(&mut self, func: &Value, args: Args, span: Span) -> Res<Value>;
}

/// Everything with an effect. `span` is the scenario span of the operation, recorded in
/// wait records and in exceptions raised. Methods take `&self`: a world call may call back
/// into the interpreter (a `wait_for` predicate, a barrier action), which may call the
/// world again; implementations keep per-thread state in cells.
pub trait World {
    /// A builtin that `core` does not evaluate itself: constructors of engine objects,
    /// `print`, `sleep`, `work`, `input`, `os.*`, `random.*`, `current_process()`...
    fn call_builtin(&self, cx: &mut dyn Caller, b: Builtin, args: Args, span: Span) -> Res<Value>;

    /// A method on an engine object.
    fn call_method(
        &self,
        cx: &mut dyn Caller,
        recv: Handle,
        m: Method,
        args: Args,
        span: Span,
    ) -> Res<Value>;

    /// `with` on a Lock, RLock, Condition or Semaphore: its argument-less `acquire()`
    /// (`m` = `Method::Acquire`, on entering) or `release()` (`Method::Release`, on
    /// exiting). The same call as `call_method(cx, recv, m, Args::default(), span)`,
    /// whose result is always `True` or `None` and is dropped here, so a backend can
    /// skip building it: this is the hottest call of a lock loop.
    fn with_sync(&self, cx: &mut dyn Caller, recv: Handle, m: Method, span: Span) -> Res<()> {
        self.call_method(cx, recv, m, Args::default(), span)
            .map(|_| ())
    }

    fn get_attr(&self, recv: Handle, attr: Attr, span: Span) -> Res<Value>;

    fn set_attr(&self, recv: Handle, attr: Attr, value: Value, span: Span) -> Res<()>;

    /// `arr[i]` / `arr[a:b]` on a shared `Array` (`index` is an int or a `Range`-like slice
    /// triple encoded as a tuple `(lo, hi, step)` with `None`s).
    fn get_item(&self, recv: Handle, index: &Value, span: Span) -> Res<Value>;

    fn set_item(&self, recv: Handle, index: &Value, value: Value, span: Span) -> Res<()>;

    /// Everything the run printed so far (all actors, in order): `output` in claims.
    fn run_output(&self) -> String;

    /// Called between statements: the engine's chance to record progress, honour a
    /// teardown request and, under `--stress`, perturb the schedule.
    fn tick(&self, span: Span) -> Res<()>;
}
