//! The vocabulary of the scenario language: every builtin callable, method name,
//! attribute name and exception class the language knows, each with its Python name.
//!
//! `plan` resolves names to these enums (and reports unknown ones with suggestions);
//! `core` and `engine` dispatch on them. Adding a Python name means adding it here.

macro_rules! name_enum {
    ($(#[$m:meta])* $vis:vis enum $name:ident { $($(#[$vm:meta])* $variant:ident = $py:literal,)* }) => {
        $(#[$m])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        $vis enum $name { $($(#[$vm])* $variant,)* }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant,)*];

            /// The name as Python spells it.
            pub fn name(self) -> &'static str {
                match self { $($name::$variant => $py,)* }
            }

            pub fn from_name(s: &str) -> Option<$name> {
                match s { $($py => Some($name::$variant),)* _ => None }
            }
        }
    };
}

name_enum! {
    /// A callable provided by the language: Python builtins, module functions and classes.
    /// The Python name is the name inside its module (`Queue` for both `queue.Queue` and
    /// `multiprocessing.Queue`: the module decides which variant, see `plan::modules`).
    pub enum Builtin {
        // Python builtins (pure; evaluated by `core`).
        Print = "print",
        Len = "len",
        Range = "range",
        Str = "str",
        Int = "int",
        Float = "float",
        Bool = "bool",
        List = "list",
        Tuple = "tuple",
        Dict = "dict",
        Repr = "repr",
        Abs = "abs",
        Min = "min",
        Max = "max",
        Sum = "sum",
        Sorted = "sorted",
        Enumerate = "enumerate",
        Zip = "zip",
        Pow = "pow",
        Isinstance = "isinstance",
        Hasattr = "hasattr",
        Id = "id",
        Object = "object",
        Next = "next",
        Iter = "iter",
        Input = "input",
        Round = "round",
        Divmod = "divmod",
        Chr = "chr",
        Ord = "ord",
        Any = "any",
        All = "all",
        Reversed = "reversed",
        Set = "set",
        Hash = "hash",
        // time
        Sleep = "sleep",
        Time = "time",
        PerfCounter = "perf_counter",
        Monotonic = "monotonic",
        /// `work(n)`: burn CPU for n units (the language's stand-in for CPU-bound Python).
        Work = "work",
        // os / sys
        Getpid = "getpid",
        Getppid = "getppid",
        Fork = "fork",
        OsExit = "_exit",
        SysExit = "exit",
        Flush = "flush",
        CpuCount = "cpu_count",
        // random (seeded per run)
        RandInt = "randint",
        Choice = "choice",
        Random = "random",
        Uniform = "uniform",
        Shuffle = "shuffle",
        // threading
        Thread = "Thread",
        Lock = "Lock",
        RLock = "RLock",
        Condition = "Condition",
        Semaphore = "Semaphore",
        BoundedSemaphore = "BoundedSemaphore",
        Event = "Event",
        Barrier = "Barrier",
        Timer = "Timer",
        CurrentThread = "current_thread",
        MainThread = "main_thread",
        ActiveCount = "active_count",
        GetIdent = "get_ident",
        // queue (thread queues)
        Queue = "Queue",
        LifoQueue = "LifoQueue",
        PriorityQueue = "PriorityQueue",
        SimpleQueue = "SimpleQueue",
        // multiprocessing
        Process = "Process",
        MpQueue = "multiprocessing.Queue",
        JoinableQueue = "JoinableQueue",
        MpSimpleQueue = "multiprocessing.SimpleQueue",
        Pipe = "Pipe",
        Value = "Value",
        Array = "Array",
        MpLock = "multiprocessing.Lock",
        MpRLock = "multiprocessing.RLock",
        MpCondition = "multiprocessing.Condition",
        MpSemaphore = "multiprocessing.Semaphore",
        MpBoundedSemaphore = "multiprocessing.BoundedSemaphore",
        MpEvent = "multiprocessing.Event",
        MpBarrier = "multiprocessing.Barrier",
        Pool = "Pool",
        ThreadPool = "ThreadPool",
        CurrentProcess = "current_process",
        ActiveChildren = "active_children",
        // concurrent.futures
        ThreadPoolExecutor = "ThreadPoolExecutor",
        ProcessPoolExecutor = "ProcessPoolExecutor",
        Wait = "wait",
        AsCompleted = "as_completed",
    }
}

name_enum! {
    /// A method name. Which receivers accept which methods is in `plan::methods`; the
    /// receiver's runtime kind decides what a call does (`join` on a thread, a process,
    /// a queue, a pool or a string).
    pub enum Method {
        // locks, semaphores, conditions, events, barriers
        Acquire = "acquire",
        Release = "release",
        Locked = "locked",
        Wait = "wait",
        WaitFor = "wait_for",
        Notify = "notify",
        NotifyAll = "notify_all",
        Set = "set",
        Clear = "clear",
        IsSet = "is_set",
        Reset = "reset",
        Abort = "abort",
        // queues
        Put = "put",
        Get = "get",
        PutNowait = "put_nowait",
        GetNowait = "get_nowait",
        Qsize = "qsize",
        Empty = "empty",
        Full = "full",
        TaskDone = "task_done",
        Join = "join",
        Close = "close",
        JoinThread = "join_thread",
        CancelJoinThread = "cancel_join_thread",
        // pipes
        Send = "send",
        Recv = "recv",
        Poll = "poll",
        // actors
        Start = "start",
        Run = "run",
        IsAlive = "is_alive",
        Terminate = "terminate",
        Kill = "kill",
        Cancel = "cancel",
        GetName = "getName",
        SetName = "setName",
        SetDaemon = "setDaemon",
        IsDaemon = "isDaemon",
        // shared memory
        GetLock = "get_lock",
        GetObj = "get_obj",
        // pools and executors
        Apply = "apply",
        ApplyAsync = "apply_async",
        Map = "map",
        MapAsync = "map_async",
        Imap = "imap",
        ImapUnordered = "imap_unordered",
        Starmap = "starmap",
        StarmapAsync = "starmap_async",
        Submit = "submit",
        Shutdown = "shutdown",
        Result = "result",
        Exception = "exception",
        Done = "done",
        Running = "running",
        Cancelled = "cancelled",
        AddDoneCallback = "add_done_callback",
        Ready = "ready",
        Successful = "successful",
        Next = "next",
        // list / dict / str
        Append = "append",
        Extend = "extend",
        Insert = "insert",
        Pop = "pop",
        Remove = "remove",
        Index = "index",
        Count = "count",
        Sort = "sort",
        Reverse = "reverse",
        Copy = "copy",
        Keys = "keys",
        Values = "values",
        Items = "items",
        Update = "update",
        SetDefault = "setdefault",
        Format = "format",
        Upper = "upper",
        Lower = "lower",
        Strip = "strip",
        Split = "split",
        StartsWith = "startswith",
        EndsWith = "endswith",
        Replace = "replace",
        Encode = "encode",
        Decode = "decode",
        Add = "add",
        Discard = "discard",
    }
}

name_enum! {
    /// An attribute name readable (and for some, writable) on runtime objects.
    pub enum Attr {
        Name = "name",
        Ident = "ident",
        NativeId = "native_id",
        Pid = "pid",
        Exitcode = "exitcode",
        Daemon = "daemon",
        Value = "value",
        Raw = "raw",
        Parties = "parties",
        NWaiting = "n_waiting",
        Broken = "broken",
        Maxsize = "maxsize",
        UnfinishedTasks = "unfinished_tasks",
        Finished = "finished",
        Args = "args",
        Closed = "closed",
        Readable = "readable",
        Writable = "writable",
    }
}

name_enum! {
    /// Exception classes, with their Python qualified names as shown in reports.
    pub enum ExcType {
        BaseException = "BaseException",
        Exception = "Exception",
        SystemExit = "SystemExit",
        KeyboardInterrupt = "KeyboardInterrupt",
        ArithmeticError = "ArithmeticError",
        ZeroDivisionError = "ZeroDivisionError",
        OverflowError = "OverflowError",
        AssertionError = "AssertionError",
        AttributeError = "AttributeError",
        LookupError = "LookupError",
        IndexError = "IndexError",
        KeyError = "KeyError",
        NameError = "NameError",
        UnboundLocalError = "UnboundLocalError",
        RuntimeError = "RuntimeError",
        NotImplementedError = "NotImplementedError",
        RecursionError = "RecursionError",
        StopIteration = "StopIteration",
        TypeError = "TypeError",
        ValueError = "ValueError",
        EOFError = "EOFError",
        OSError = "OSError",
        BrokenPipeError = "BrokenPipeError",
        ConnectionError = "ConnectionError",
        TimeoutError = "TimeoutError",
        QueueEmpty = "queue.Empty",
        QueueFull = "queue.Full",
        BrokenBarrierError = "threading.BrokenBarrierError",
        ProcessError = "multiprocessing.ProcessError",
        MpTimeoutError = "multiprocessing.TimeoutError",
        CancelledError = "concurrent.futures.CancelledError",
        InvalidStateError = "concurrent.futures.InvalidStateError",
        BrokenExecutor = "concurrent.futures.BrokenExecutor",
        BrokenProcessPool = "concurrent.futures.process.BrokenProcessPool",
    }
}

impl ExcType {
    /// The direct base class, as in CPython 3.11.
    pub fn parent(self) -> Option<ExcType> {
        use ExcType::*;
        Some(match self {
            BaseException => return None,
            Exception | SystemExit | KeyboardInterrupt => BaseException,
            ArithmeticError | AssertionError | AttributeError | LookupError | NameError
            | RuntimeError | StopIteration | TypeError | ValueError | EOFError | OSError
            | QueueEmpty | QueueFull | ProcessError => Exception,
            ZeroDivisionError | OverflowError => ArithmeticError,
            IndexError | KeyError => LookupError,
            UnboundLocalError => NameError,
            NotImplementedError | RecursionError | BrokenBarrierError | BrokenExecutor => {
                RuntimeError
            }
            BrokenPipeError => ConnectionError,
            ConnectionError | TimeoutError => OSError,
            MpTimeoutError => ProcessError,
            CancelledError | InvalidStateError => Exception,
            BrokenProcessPool => BrokenExecutor,
        })
    }

    /// `except base` catches `self`.
    pub fn is_subclass_of(self, base: ExcType) -> bool {
        let mut t = Some(self);
        while let Some(c) = t {
            if c == base {
                return true;
            }
            t = c.parent();
        }
        false
    }

    /// The bare class name (`Empty` for `queue.Empty`), as Python's `type(e).__name__`.
    pub fn short_name(self) -> &'static str {
        let n = self.name();
        n.rsplit('.').next().unwrap_or(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exception_hierarchy_matches_cpython() {
        assert!(ExcType::BrokenPipeError.is_subclass_of(ExcType::OSError));
        assert!(ExcType::BrokenBarrierError.is_subclass_of(ExcType::RuntimeError));
        // multiprocessing.TimeoutError is not the builtin TimeoutError (S16).
        assert!(!ExcType::MpTimeoutError.is_subclass_of(ExcType::TimeoutError));
        assert!(!ExcType::SystemExit.is_subclass_of(ExcType::Exception));
        assert_eq!(ExcType::QueueEmpty.short_name(), "Empty");
    }

    #[test]
    fn names_round_trip() {
        for m in Method::ALL {
            assert_eq!(Method::from_name(m.name()), Some(*m));
        }
        for e in ExcType::ALL {
            assert_eq!(ExcType::from_name(e.name()), Some(*e));
        }
    }
}
