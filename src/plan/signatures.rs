//! Call signatures of builtins and of methods per receiver kind, and the check of a
//! call's argument shape against them (arity and keyword names, as Python's
//! `TypeError`s would report them at run time).

use crate::core::names::{Attr, Builtin, Method};
use crate::diag::Diagnostic;
use crate::diag::did_you_mean::did_you_mean;
use crate::plan::ir::ResKind;
use crate::syntax::span::Span;

/// A Python signature, reduced to what a static check can use.
#[derive(Clone, Copy, Debug)]
pub struct Sig<'a> {
    /// Positional parameters, in order.
    pub params: &'a [&'a str],
    /// How many leading `params` are required.
    pub required: usize,
    /// Whether `params` may also be passed by keyword (false for C builtins like `len`).
    pub by_keyword: bool,
    /// Keyword-only parameters.
    pub kwonly: &'a [&'a str],
    /// Accepts extra positionals (`*args`).
    pub var_pos: bool,
    /// Accepts any keyword (`**kwargs`).
    pub var_kw: bool,
}

const fn sig(params: &'static [&'static str], required: usize) -> Sig<'static> {
    Sig {
        params,
        required,
        by_keyword: true,
        kwonly: &[],
        var_pos: false,
        var_kw: false,
    }
}

/// Positional-only (a C builtin).
const fn posonly(params: &'static [&'static str], required: usize) -> Sig<'static> {
    Sig {
        by_keyword: false,
        ..sig(params, required)
    }
}

const fn star(params: &'static [&'static str], required: usize) -> Sig<'static> {
    Sig {
        var_pos: true,
        ..sig(params, required)
    }
}

const fn kwonly(mut s: Sig<'static>, kw: &'static [&'static str]) -> Sig<'static> {
    s.kwonly = kw;
    s
}

const NONE: Sig<'static> = sig(&[], 0);
const TIMEOUT: Sig<'static> = sig(&["timeout"], 0);

/// The signature of a builtin callable. Every builtin has one.
pub fn builtin_sig(b: Builtin) -> Sig<'static> {
    use Builtin::*;
    match b {
        Print => kwonly(star(&[], 0), &["sep", "end", "flush"]),
        Len | Repr | Abs | Id | Iter | Chr | Ord | Any | All | Reversed | Hash => {
            posonly(&["obj"], 1)
        }
        Range => posonly(&["start", "stop", "step"], 1),
        Str => sig(&["object"], 0),
        Int => posonly(&["x", "base"], 0),
        Float | Bool | List | Tuple | Set => posonly(&["x"], 0),
        Dict => Sig {
            var_kw: true,
            ..posonly(&["mapping"], 0)
        },
        Min | Max => kwonly(star(&[], 1), &["key", "default"]),
        Sum => sig(&["iterable", "start"], 1),
        Sorted => kwonly(posonly(&["iterable"], 1), &["key", "reverse"]),
        Enumerate => sig(&["iterable", "start"], 1),
        Zip => star(&[], 0),
        Pow => sig(&["base", "exp", "mod"], 2),
        Isinstance => posonly(&["obj", "class_or_tuple"], 2),
        Hasattr => posonly(&["obj", "name"], 2),
        Object | Time | PerfCounter | Monotonic | Getpid | Getppid | Fork | Flush | CpuCount
        | Random | CurrentThread | MainThread | ActiveCount | GetIdent | CurrentProcess
        | ActiveChildren | Lock | RLock | Event | SimpleQueue | MpSimpleQueue | MpLock
        | MpRLock | MpEvent => NONE,
        Next => posonly(&["iterator", "default"], 1),
        Input => posonly(&["prompt"], 0),
        Round => sig(&["number", "ndigits"], 1),
        Divmod => posonly(&["x", "y"], 2),
        Sleep => posonly(&["secs"], 1),
        Work => posonly(&["n"], 1),
        OsExit => posonly(&["status"], 1),
        SysExit => posonly(&["status"], 0),
        RandInt | Uniform => sig(&["a", "b"], 2),
        Choice => sig(&["seq"], 1),
        Shuffle => sig(&["x"], 1),
        Thread => kwonly(
            sig(&["group", "target", "name", "args", "kwargs"], 0),
            &["daemon"],
        ),
        Process => kwonly(
            sig(&["group", "target", "name", "args", "kwargs"], 0),
            &["daemon"],
        ),
        Timer => sig(&["interval", "function", "args", "kwargs"], 2),
        Condition | MpCondition => sig(&["lock"], 0),
        Semaphore | BoundedSemaphore | MpSemaphore | MpBoundedSemaphore => sig(&["value"], 0),
        Barrier | MpBarrier => sig(&["parties", "action", "timeout"], 1),
        Queue | LifoQueue | PriorityQueue | MpQueue | JoinableQueue => sig(&["maxsize"], 0),
        Pipe => sig(&["duplex"], 0),
        Value => kwonly(star(&["typecode_or_type"], 1), &["lock"]),
        Array => kwonly(
            sig(&["typecode_or_type", "size_or_initializer"], 2),
            &["lock"],
        ),
        Pool => sig(
            &["processes", "initializer", "initargs", "maxtasksperchild"],
            0,
        ),
        ThreadPool => sig(&["processes", "initializer", "initargs"], 0),
        ThreadPoolExecutor => sig(
            &[
                "max_workers",
                "thread_name_prefix",
                "initializer",
                "initargs",
            ],
            0,
        ),
        ProcessPoolExecutor => sig(&["max_workers", "mp_context", "initializer", "initargs"], 0),
        Wait => sig(&["fs", "timeout", "return_when"], 1),
        AsCompleted => sig(&["fs", "timeout"], 1),
    }
}

/// The resource kind a builtin call creates, if it creates one.
pub fn ctor_kind(b: Builtin) -> Option<ResKind> {
    use Builtin::*;
    Some(match b {
        Lock | MpLock => ResKind::Lock,
        RLock | MpRLock => ResKind::RLock,
        Condition | MpCondition => ResKind::Condition,
        Semaphore | MpSemaphore => ResKind::Semaphore,
        BoundedSemaphore | MpBoundedSemaphore => ResKind::BoundedSemaphore,
        Event | MpEvent => ResKind::Event,
        Barrier | MpBarrier => ResKind::Barrier,
        Timer => ResKind::Timer,
        Thread => ResKind::Thread,
        Process => ResKind::Process,
        Queue | LifoQueue | PriorityQueue | SimpleQueue => ResKind::ThreadQueue,
        MpQueue | JoinableQueue | MpSimpleQueue => ResKind::MpQueue,
        Pipe => ResKind::Connection,
        Value => ResKind::Value,
        Array => ResKind::Array,
        Pool | ThreadPool => ResKind::Pool,
        ThreadPoolExecutor | ProcessPoolExecutor => ResKind::Executor,
        _ => return None,
    })
}

/// The resource kind a method call creates (`ex.submit(..)` makes a Future).
pub fn method_result_kind(m: Method) -> Option<ResKind> {
    use Method::*;
    match m {
        Submit => Some(ResKind::Future),
        ApplyAsync | MapAsync | StarmapAsync | Imap | ImapUnordered => Some(ResKind::AsyncResult),
        _ => None,
    }
}

/// The Python class name of a kind, for messages.
pub fn kind_name(k: ResKind) -> &'static str {
    match k {
        ResKind::Lock => "Lock",
        ResKind::RLock => "RLock",
        ResKind::Condition => "Condition",
        ResKind::Semaphore => "Semaphore",
        ResKind::BoundedSemaphore => "BoundedSemaphore",
        ResKind::Event => "Event",
        ResKind::Barrier => "Barrier",
        ResKind::Timer => "Timer",
        ResKind::Thread => "Thread",
        ResKind::Process => "Process",
        ResKind::ThreadQueue => "Queue",
        ResKind::MpQueue => "multiprocessing.Queue",
        ResKind::Connection => "Connection",
        ResKind::Value => "Value",
        ResKind::Array => "Array",
        ResKind::Pool => "Pool",
        ResKind::Executor => "Executor",
        ResKind::Future => "Future",
        ResKind::AsyncResult => "AsyncResult",
    }
}

const ALL_KINDS: &[ResKind] = &[
    ResKind::Lock,
    ResKind::RLock,
    ResKind::Condition,
    ResKind::Semaphore,
    ResKind::BoundedSemaphore,
    ResKind::Event,
    ResKind::Barrier,
    ResKind::Timer,
    ResKind::Thread,
    ResKind::Process,
    ResKind::ThreadQueue,
    ResKind::MpQueue,
    ResKind::Connection,
    ResKind::Value,
    ResKind::Array,
    ResKind::Pool,
    ResKind::Executor,
    ResKind::Future,
    ResKind::AsyncResult,
];

/// The signature of `m` on a receiver of kind `k`; `None` when that kind has no such
/// method (Python's `AttributeError`).
pub fn method_sig(k: ResKind, m: Method) -> Option<Sig<'static>> {
    use Method::*;
    use ResKind as K;
    let actor = |m: Method| -> Option<Sig<'static>> {
        Some(match m {
            Start | Run | IsAlive => NONE,
            Join => TIMEOUT,
            _ => return None,
        })
    };
    let sync_wrapper = |m: Method| -> Option<Sig<'static>> {
        Some(match m {
            GetLock | GetObj | Release => NONE,
            Acquire => sig(&["block", "timeout"], 0),
            _ => return None,
        })
    };
    let queue = |m: Method| -> Option<Sig<'static>> {
        Some(match m {
            Put => sig(&["item", "block", "timeout"], 1),
            Get => sig(&["block", "timeout"], 0),
            PutNowait => sig(&["item"], 1),
            GetNowait | Qsize | Empty | Full | TaskDone | Join => NONE,
            _ => return None,
        })
    };
    match k {
        K::Lock => Some(match m {
            Acquire => sig(&["blocking", "timeout"], 0),
            Release | Locked => NONE,
            _ => return None,
        }),
        K::RLock => Some(match m {
            Acquire => sig(&["blocking", "timeout"], 0),
            Release => NONE,
            _ => return None,
        }),
        K::Condition => Some(match m {
            Acquire => sig(&["blocking", "timeout"], 0),
            Release | NotifyAll => NONE,
            Wait => TIMEOUT,
            WaitFor => sig(&["predicate", "timeout"], 1),
            Notify => sig(&["n"], 0),
            _ => return None,
        }),
        K::Semaphore | K::BoundedSemaphore => Some(match m {
            Acquire => sig(&["blocking", "timeout"], 0),
            Release => sig(&["n"], 0),
            _ => return None,
        }),
        K::Event => Some(match m {
            Set | Clear | IsSet => NONE,
            Wait => TIMEOUT,
            _ => return None,
        }),
        K::Barrier => Some(match m {
            Wait => TIMEOUT,
            Reset | Abort => NONE,
            _ => return None,
        }),
        K::Thread | K::Timer => match m {
            GetName | IsDaemon => Some(NONE),
            SetName => Some(sig(&["name"], 1)),
            SetDaemon => Some(sig(&["daemonic"], 1)),
            Cancel if k == K::Timer => Some(NONE),
            _ => actor(m),
        },
        K::Process => match m {
            Terminate | Kill | Close => Some(NONE),
            _ => actor(m),
        },
        K::ThreadQueue => queue(m),
        K::MpQueue => match m {
            Close | JoinThread | CancelJoinThread => Some(NONE),
            _ => queue(m),
        },
        K::Connection => Some(match m {
            Send => sig(&["obj"], 1),
            Recv | Close => NONE,
            Poll => TIMEOUT,
            _ => return None,
        }),
        K::Value | K::Array => sync_wrapper(m),
        K::Pool => Some(match m {
            Apply | ApplyAsync => sig(
                &["func", "args", "kwds", "callback", "error_callback"]
                    [..if m == Apply { 3 } else { 5 }],
                1,
            ),
            Map | Starmap | Imap | ImapUnordered => sig(&["func", "iterable", "chunksize"], 2),
            MapAsync | StarmapAsync => sig(
                &[
                    "func",
                    "iterable",
                    "chunksize",
                    "callback",
                    "error_callback",
                ],
                2,
            ),
            Close | Terminate | Join => NONE,
            _ => return None,
        }),
        K::Executor => Some(match m {
            Submit => Sig {
                var_kw: true,
                ..star(&["fn"], 1)
            },
            Map => kwonly(star(&["fn"], 1), &["timeout", "chunksize"]),
            Shutdown => sig(&["wait", "cancel_futures"], 0),
            _ => return None,
        }),
        K::Future => Some(match m {
            Result | Exception => TIMEOUT,
            Done | Running | Cancelled | Cancel => NONE,
            AddDoneCallback => sig(&["fn"], 1),
            _ => return None,
        }),
        K::AsyncResult => Some(match m {
            Get | Wait | Next => TIMEOUT,
            Ready | Successful => NONE,
            _ => return None,
        }),
    }
}

/// The kinds that have method `m`, for the help line of a "has no method" error.
pub fn kinds_with_method(m: Method) -> Vec<ResKind> {
    ALL_KINDS
        .iter()
        .copied()
        .filter(|k| method_sig(*k, m).is_some())
        .collect()
}

/// Whether a resource of kind `k` has attribute `a`.
pub fn has_attr(k: ResKind, a: Attr) -> bool {
    use Attr::*;
    use ResKind as K;
    match k {
        K::Thread | K::Timer => matches!(a, Name | Ident | NativeId | Daemon),
        K::Process => matches!(a, Name | Ident | Pid | Exitcode | Daemon),
        K::Barrier => matches!(a, Parties | NWaiting | Broken),
        K::ThreadQueue => matches!(a, Maxsize | UnfinishedTasks),
        K::Connection => matches!(a, Closed | Readable | Writable),
        K::Value => matches!(a, Value),
        K::Array => matches!(a, Raw),
        _ => false,
    }
}

/// The shape of one call: what a static check can see of its arguments.
pub struct CallShape<'a> {
    /// Number of plain positional arguments.
    pub positional: usize,
    /// Keyword names with their spans.
    pub keywords: Vec<(&'a str, Span)>,
    /// A `*args` argument is present: the positional count is unknown.
    pub star: bool,
}

/// Checks a call's shape against `sig`. `what` names the callee as Python would
/// (`Lock.acquire()`), `span` is the call's.
pub fn check_call(what: &str, sig: &Sig<'_>, call: &CallShape<'_>, span: Span) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let max = sig.params.len();
    if !call.star && !sig.var_pos && call.positional > max {
        let takes = if max == sig.required {
            format!("{max}")
        } else {
            format!("at most {max}")
        };
        out.push(
            Diagnostic::error(
                format!(
                    "{what} takes {takes} positional argument{} but {} {} given",
                    if max == 1 { "" } else { "s" },
                    call.positional,
                    if call.positional == 1 { "was" } else { "were" }
                ),
                span,
            )
            .with_label("too many arguments"),
        );
        return out;
    }
    let mut given: Vec<&str> = Vec::new();
    for (name, kspan) in &call.keywords {
        let pos = sig.params.iter().position(|p| p == name);
        let accepted = sig.kwonly.contains(name) || (sig.by_keyword && pos.is_some());
        if !accepted && !sig.var_kw {
            let candidates = sig
                .kwonly
                .iter()
                .chain(sig.params.iter().filter(|_| sig.by_keyword))
                .copied();
            let mut d = Diagnostic::error(
                format!("{what} got an unexpected keyword argument '{name}'"),
                *kspan,
            )
            .with_label("unknown keyword");
            if let Some(s) = did_you_mean(name, candidates) {
                d = d.with_help(format!("did you mean '{s}'?"));
            } else if pos.is_some() {
                d = d.with_help(format!("'{name}' can only be passed by position"));
            }
            out.push(d);
            continue;
        }
        if let Some(i) = pos
            && i < call.positional
            && !call.star
        {
            out.push(
                Diagnostic::error(
                    format!("{what} got multiple values for argument '{name}'"),
                    *kspan,
                )
                .with_label("already passed by position"),
            );
        }
        given.push(name);
    }
    if !call.star {
        let missing: Vec<&str> = sig.params[..sig.required.min(sig.params.len())]
            .iter()
            .enumerate()
            .filter(|(i, p)| *i >= call.positional && !given.contains(p))
            .map(|(_, p)| *p)
            .collect();
        if !missing.is_empty() {
            let list: Vec<String> = missing.iter().map(|m| format!("'{m}'")).collect();
            out.push(
                Diagnostic::error(
                    format!(
                        "{what} missing {} required argument{}: {}",
                        missing.len(),
                        if missing.len() == 1 { "" } else { "s" },
                        list.join(" and ")
                    ),
                    span,
                )
                .with_label("missing arguments"),
            );
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shape(positional: usize, kws: &[&'static str]) -> CallShape<'static> {
        CallShape {
            positional,
            keywords: kws.iter().map(|k| (*k, Span::new(5, 6))).collect(),
            star: false,
        }
    }

    #[test]
    fn lock_acquire_accepts_blocking_and_timeout() {
        let s = method_sig(ResKind::Lock, Method::Acquire).unwrap();
        assert!(check_call("acquire()", &s, &shape(1, &["timeout"]), Span::new(0, 9)).is_empty());
        let d = check_call("acquire()", &s, &shape(3, &[]), Span::new(0, 9));
        assert_eq!(
            d[0].message,
            "acquire() takes at most 2 positional arguments but 3 were given"
        );
        let d = check_call("acquire()", &s, &shape(0, &["timout"]), Span::new(0, 9));
        assert_eq!(d[0].help.as_deref(), Some("did you mean 'timeout'?"));
        assert_eq!(d[0].span(), Span::new(5, 6));
    }

    #[test]
    fn value_requires_a_typecode() {
        let d = check_call(
            "Value()",
            &builtin_sig(Builtin::Value),
            &shape(0, &[]),
            Span::new(0, 7),
        );
        assert_eq!(
            d[0].message,
            "Value() missing 1 required argument: 'typecode_or_type'"
        );
    }

    #[test]
    fn positional_only_builtins_reject_keywords() {
        let d = check_call(
            "len()",
            &builtin_sig(Builtin::Len),
            &shape(0, &["obj"]),
            Span::new(0, 5),
        );
        assert_eq!(d.len(), 2, "{d:?}");
        assert_eq!(
            d[0].help.as_deref(),
            Some("'obj' can only be passed by position")
        );
    }

    #[test]
    fn every_method_name_used_by_a_kind_is_known() {
        assert_eq!(
            kinds_with_method(Method::Put),
            vec![ResKind::ThreadQueue, ResKind::MpQueue]
        );
        assert!(method_sig(ResKind::Lock, Method::Put).is_none());
        assert!(method_sig(ResKind::Timer, Method::Cancel).is_some());
        assert!(method_sig(ResKind::Thread, Method::Cancel).is_none());
    }
}
