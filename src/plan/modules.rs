//! The import table: which modules exist and what each of their members is.
//!
//! Scenarios import Python's concurrency modules by their real names; each member
//! resolves statically to a [`Builtin`], an [`ExcType`], a string constant or a
//! submodule. `multiprocessing.Queue` and `queue.Queue` are different builtins: the
//! module decides.

use crate::core::names::{Builtin, ExcType};

/// What a module member (or a Python builtin name) denotes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Entity {
    Builtin(Builtin),
    Exc(ExcType),
    /// A string constant (`concurrent.futures.FIRST_COMPLETED`, `__name__`).
    Str(&'static str),
    /// A module, by its dotted path (`concurrent.futures`, `sys.stdout`).
    Module(&'static str),
}

use Builtin as B;
use Entity::{Builtin as F, Exc as E, Module as M, Str as S};
use ExcType as X;

const THREADING: &[(&str, Entity)] = &[
    ("Thread", F(B::Thread)),
    ("Lock", F(B::Lock)),
    ("RLock", F(B::RLock)),
    ("Condition", F(B::Condition)),
    ("Semaphore", F(B::Semaphore)),
    ("BoundedSemaphore", F(B::BoundedSemaphore)),
    ("Event", F(B::Event)),
    ("Barrier", F(B::Barrier)),
    ("Timer", F(B::Timer)),
    ("current_thread", F(B::CurrentThread)),
    ("main_thread", F(B::MainThread)),
    ("active_count", F(B::ActiveCount)),
    ("get_ident", F(B::GetIdent)),
    ("BrokenBarrierError", E(X::BrokenBarrierError)),
];

const QUEUE: &[(&str, Entity)] = &[
    ("Queue", F(B::Queue)),
    ("LifoQueue", F(B::LifoQueue)),
    ("PriorityQueue", F(B::PriorityQueue)),
    ("SimpleQueue", F(B::SimpleQueue)),
    ("Empty", E(X::QueueEmpty)),
    ("Full", E(X::QueueFull)),
];

const MULTIPROCESSING: &[(&str, Entity)] = &[
    ("Process", F(B::Process)),
    ("Queue", F(B::MpQueue)),
    ("JoinableQueue", F(B::JoinableQueue)),
    ("SimpleQueue", F(B::MpSimpleQueue)),
    ("Pipe", F(B::Pipe)),
    ("Value", F(B::Value)),
    ("Array", F(B::Array)),
    ("Lock", F(B::MpLock)),
    ("RLock", F(B::MpRLock)),
    ("Condition", F(B::MpCondition)),
    ("Semaphore", F(B::MpSemaphore)),
    ("BoundedSemaphore", F(B::MpBoundedSemaphore)),
    ("Event", F(B::MpEvent)),
    ("Barrier", F(B::MpBarrier)),
    ("Pool", F(B::Pool)),
    ("cpu_count", F(B::CpuCount)),
    ("current_process", F(B::CurrentProcess)),
    ("active_children", F(B::ActiveChildren)),
    ("TimeoutError", E(X::MpTimeoutError)),
    ("ProcessError", E(X::ProcessError)),
    ("pool", M("multiprocessing.pool")),
    ("dummy", M("multiprocessing.dummy")),
];

const MP_POOL: &[(&str, Entity)] = &[("Pool", F(B::Pool)), ("ThreadPool", F(B::ThreadPool))];

/// `multiprocessing.dummy`: the multiprocessing API backed by threads.
const MP_DUMMY: &[(&str, Entity)] = &[
    ("Pool", F(B::ThreadPool)),
    ("Process", F(B::Thread)),
    ("Queue", F(B::Queue)),
    ("JoinableQueue", F(B::Queue)),
    ("Lock", F(B::Lock)),
    ("RLock", F(B::RLock)),
    ("Condition", F(B::Condition)),
    ("Semaphore", F(B::Semaphore)),
    ("BoundedSemaphore", F(B::BoundedSemaphore)),
    ("Event", F(B::Event)),
    ("Barrier", F(B::Barrier)),
    ("current_process", F(B::CurrentThread)),
    ("cpu_count", F(B::CpuCount)),
];

const CONCURRENT: &[(&str, Entity)] = &[("futures", M("concurrent.futures"))];

const FUTURES: &[(&str, Entity)] = &[
    ("ThreadPoolExecutor", F(B::ThreadPoolExecutor)),
    ("ProcessPoolExecutor", F(B::ProcessPoolExecutor)),
    ("wait", F(B::Wait)),
    ("as_completed", F(B::AsCompleted)),
    ("TimeoutError", E(X::TimeoutError)),
    ("CancelledError", E(X::CancelledError)),
    ("InvalidStateError", E(X::InvalidStateError)),
    ("BrokenExecutor", E(X::BrokenExecutor)),
    ("FIRST_COMPLETED", S("FIRST_COMPLETED")),
    ("FIRST_EXCEPTION", S("FIRST_EXCEPTION")),
    ("ALL_COMPLETED", S("ALL_COMPLETED")),
    ("process", M("concurrent.futures.process")),
];

const FUTURES_PROCESS: &[(&str, Entity)] = &[("BrokenProcessPool", E(X::BrokenProcessPool))];

const OS: &[(&str, Entity)] = &[
    ("getpid", F(B::Getpid)),
    ("getppid", F(B::Getppid)),
    ("fork", F(B::Fork)),
    ("_exit", F(B::OsExit)),
    ("cpu_count", F(B::CpuCount)),
];

const TIME: &[(&str, Entity)] = &[
    ("sleep", F(B::Sleep)),
    ("time", F(B::Time)),
    ("perf_counter", F(B::PerfCounter)),
    ("monotonic", F(B::Monotonic)),
];

const RANDOM: &[(&str, Entity)] = &[
    ("randint", F(B::RandInt)),
    ("choice", F(B::Choice)),
    ("random", F(B::Random)),
    ("uniform", F(B::Uniform)),
    ("shuffle", F(B::Shuffle)),
];

const SYS: &[(&str, Entity)] = &[
    ("exit", F(B::SysExit)),
    ("stdout", M("sys.stdout")),
    ("stderr", M("sys.stderr")),
];

/// `sys.stdout` / `sys.stderr`: only `.flush()` is modelled.
const STREAM: &[(&str, Entity)] = &[("flush", F(B::Flush))];

const MODULES: &[(&str, &[(&str, Entity)])] = &[
    ("threading", THREADING),
    ("queue", QUEUE),
    ("multiprocessing", MULTIPROCESSING),
    ("multiprocessing.pool", MP_POOL),
    ("multiprocessing.dummy", MP_DUMMY),
    ("concurrent", CONCURRENT),
    ("concurrent.futures", FUTURES),
    ("concurrent.futures.process", FUTURES_PROCESS),
    ("os", OS),
    ("time", TIME),
    ("random", RANDOM),
    ("sys", SYS),
    ("sys.stdout", STREAM),
    ("sys.stderr", STREAM),
];

/// The canonical `&'static` path of a known module.
pub fn module(path: &str) -> Option<&'static str> {
    MODULES.iter().find(|(p, _)| *p == path).map(|(p, _)| *p)
}

/// Every importable module path, for suggestions.
pub fn module_names() -> impl Iterator<Item = &'static str> {
    MODULES.iter().map(|(p, _)| *p)
}

/// The members of a known module (empty for an unknown one).
pub fn members(path: &str) -> &'static [(&'static str, Entity)] {
    MODULES
        .iter()
        .find(|(p, _)| *p == path)
        .map_or(&[], |(_, m)| *m)
}

/// `module.name`, if the module has that member.
pub fn member(path: &str, name: &str) -> Option<Entity> {
    members(path)
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, e)| *e)
}

/// Python builtins the language supports: visible everywhere without an import.
const PY_BUILTINS: &[Builtin] = &[
    B::Print,
    B::Len,
    B::Range,
    B::Str,
    B::Int,
    B::Float,
    B::Bool,
    B::List,
    B::Tuple,
    B::Dict,
    B::Repr,
    B::Abs,
    B::Min,
    B::Max,
    B::Sum,
    B::Sorted,
    B::Enumerate,
    B::Zip,
    B::Pow,
    B::Isinstance,
    B::Hasattr,
    B::Id,
    B::Object,
    B::Next,
    B::Iter,
    B::Input,
    B::Round,
    B::Divmod,
    B::Chr,
    B::Ord,
    B::Any,
    B::All,
    B::Reversed,
    B::Set,
    B::Hash,
    // The language's own CPU-burn builtin.
    B::Work,
];

/// A name visible without any import: a Python builtin function, a builtin exception
/// class (the ones without a module prefix), or `__name__` (always `"__main__"`).
pub fn builtin(name: &str) -> Option<Entity> {
    if name == "__name__" {
        return Some(S("__main__"));
    }
    if let Some(b) = PY_BUILTINS.iter().find(|b| b.name() == name) {
        return Some(F(*b));
    }
    ExcType::ALL
        .iter()
        .find(|e| !e.name().contains('.') && e.name() == name)
        .map(|e| E(*e))
}

/// Every name visible without an import, for suggestions.
pub fn builtin_names() -> impl Iterator<Item = &'static str> {
    PY_BUILTINS
        .iter()
        .map(|b| b.name())
        .chain(
            ExcType::ALL
                .iter()
                .map(|e| e.name())
                .filter(|n| !n.contains('.')),
        )
        .chain(["__name__"])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn modules_decide_which_queue() {
        assert_eq!(member("queue", "Queue"), Some(F(B::Queue)));
        assert_eq!(member("multiprocessing", "Queue"), Some(F(B::MpQueue)));
        assert_eq!(member("multiprocessing.dummy", "Queue"), Some(F(B::Queue)));
        assert_eq!(
            member("multiprocessing.dummy", "Pool"),
            Some(F(B::ThreadPool))
        );
        assert_eq!(
            member("multiprocessing", "TimeoutError"),
            Some(E(X::MpTimeoutError))
        );
        assert_eq!(
            member("concurrent.futures", "TimeoutError"),
            Some(E(X::TimeoutError))
        );
        assert_eq!(member("queue", "Quue"), None);
    }

    #[test]
    fn builtins_need_no_import_but_module_functions_do() {
        assert_eq!(builtin("print"), Some(F(B::Print)));
        assert_eq!(builtin("work"), Some(F(B::Work)));
        assert_eq!(builtin("ValueError"), Some(E(X::ValueError)));
        assert_eq!(builtin("sleep"), None);
        assert_eq!(builtin("Empty"), None);
        assert_eq!(builtin("BrokenBarrierError"), None);
    }
}
