//! Every check of the plan, table-driven: the scenario, then the exact message, the text
//! under the primary span, and the help line.

mod plan_support;

use interp::syntax::ast::*;
use plan_support::*;

type Case = (
    &'static str,
    fn(&Src) -> Scenario,
    &'static str,
    &'static str,
    Option<&'static str>,
);

fn lock_scenario(s: &Src, body: Block) -> Scenario {
    s.scenario(
        vec![s.import_from("threading", &["Lock", "Thread"])],
        vec![],
        body,
        vec![],
    )
}

fn cases() -> Vec<Case> {
    vec![
        (
            "from queue import Queue\nq = Queue()\nq.pt(1)\n",
            |s| {
                let q = s.call(s.name("Queue", 1), vec![]);
                s.scenario(
                    vec![s.import_from("queue", &["Queue"])],
                    vec![],
                    vec![
                        assign(s.name("q", 0), q),
                        stmt(s.method(s.name("q", 1), "pt", vec![pos(s.int(1, 0))])),
                    ],
                    vec![],
                )
            },
            "unknown method 'pt'",
            "pt",
            Some("did you mean 'put'?"),
        ),
        (
            "from threading import Lock, Thread\nlock = Lock()\nlock.put(1)\n",
            |s| {
                lock_scenario(
                    s,
                    vec![
                        assign(s.name("lock", 0), s.call(s.name("Lock", 1), vec![])),
                        stmt(s.method(s.name("lock", 1), "put", vec![pos(s.int(1, 0))])),
                    ],
                )
            },
            "Lock has no method 'put'",
            "put",
            Some("'put' is a method of Queue, multiprocessing.Queue"),
        ),
        (
            "import queue\nq = queue.Quue()\n",
            |s| {
                let c = s.call(s.attr(s.name("queue", 1), "Quue"), vec![]);
                s.scenario(
                    vec![s.import("queue", None)],
                    vec![],
                    vec![assign(s.name("q", 0), c)],
                    vec![],
                )
            },
            "module 'queue' has no attribute 'Quue'",
            "Quue",
            Some("did you mean 'Queue'?"),
        ),
        (
            "count = 0\nprint(cont)\n",
            |s| {
                s.scenario(
                    vec![],
                    vec![],
                    vec![
                        assign(s.name("count", 0), s.int(0, 0)),
                        stmt(s.call(s.name("print", 0), vec![pos(s.name("cont", 0))])),
                    ],
                    vec![],
                )
            },
            "name 'cont' is not defined",
            "cont",
            Some("did you mean 'count'?"),
        ),
        (
            "from multiprocessing import Process\nprint(multiprocessing.cpu_count())\n",
            |s| {
                let c = s.call(s.attr(s.name("multiprocessing", 1), "cpu_count"), vec![]);
                s.scenario(
                    vec![s.import_from("multiprocessing", &["Process"])],
                    vec![],
                    vec![stmt(s.call(s.name("print", 0), vec![pos(c)]))],
                    vec![],
                )
            },
            "name 'multiprocessing' is not defined",
            "multiprocessing",
            Some("add `import multiprocessing`"),
        ),
        (
            "from threading import Lock, Thread\nlock = Lock()\nlock.acquire(True, 1, 2)\n",
            |s| {
                let args = vec![
                    pos(Expr {
                        kind: ExprKind::Bool(true),
                        span: s.word("True", 0),
                    }),
                    pos(s.int(1, 0)),
                    pos(s.int(2, 0)),
                ];
                lock_scenario(
                    s,
                    vec![
                        assign(s.name("lock", 0), s.call(s.name("Lock", 1), vec![])),
                        stmt(s.method(s.name("lock", 1), "acquire", args)),
                    ],
                )
            },
            "Lock.acquire() takes at most 2 positional arguments but 3 were given",
            "lock.acquire(True, 1, 2)",
            None,
        ),
        (
            "from queue import Queue\nq = Queue()\nq.put(1, blok=True)\n",
            |s| {
                let t = Expr {
                    kind: ExprKind::Bool(true),
                    span: s.word("True", 0),
                };
                s.scenario(
                    vec![s.import_from("queue", &["Queue"])],
                    vec![],
                    vec![
                        assign(s.name("q", 0), s.call(s.name("Queue", 1), vec![])),
                        stmt(s.method(
                            s.name("q", 1),
                            "put",
                            vec![pos(s.int(1, 0)), s.kw("blok", 0, t)],
                        )),
                    ],
                    vec![],
                )
            },
            "Queue.put() got an unexpected keyword argument 'blok'",
            "blok",
            Some("did you mean 'block'?"),
        ),
        (
            "from multiprocessing import Process\ndef f(a, b):\n    pass\np = Process(target=f, args=(1,))\n",
            |s| {
                let f = s.def(
                    "f",
                    0,
                    &["a", "b"],
                    vec![simple(StmtKind::Pass, s.word("pass", 0))],
                );
                let call = s.call(
                    s.name("Process", 1),
                    vec![
                        s.kw("target", 0, s.name("f", 1)),
                        s.kw("args", 0, s.tuple(vec![s.int(1, 0)])),
                    ],
                );
                s.scenario(
                    vec![s.import_from("multiprocessing", &["Process"])],
                    vec![f],
                    vec![assign(s.name("p", 0), call)],
                    vec![],
                )
            },
            "'f' takes 2 arguments but args= passes 1",
            "(1,)",
            None,
        ),
        (
            "from multiprocessing import Process\ndef f(name):\n    pass\np = Process(target=f, args=(\"john\"))\n",
            |s| {
                let f = s.def(
                    "f",
                    0,
                    &["name"],
                    vec![simple(StmtKind::Pass, s.word("pass", 0))],
                );
                let mut john = s.str("john", 0);
                john.span = s.sub("(\"john\")", 0);
                let call = s.call(
                    s.name("Process", 1),
                    vec![s.kw("target", 0, s.name("f", 1)), s.kw("args", 0, john)],
                );
                s.scenario(
                    vec![s.import_from("multiprocessing", &["Process"])],
                    vec![f],
                    vec![assign(s.name("p", 0), call)],
                    vec![],
                )
            },
            "args= must be a tuple, not a string",
            "(\"john\")",
            Some("a one-element tuple needs a trailing comma: (\"john\",)"),
        ),
        (
            "from threading import Lock, Thread\ndef f():\n    pass\nt = Thread(trget=f)\n",
            |s| {
                let f = s.def("f", 0, &[], vec![simple(StmtKind::Pass, s.word("pass", 0))]);
                let call = s.call(s.name("Thread", 1), vec![s.kw("trget", 0, s.name("f", 1))]);
                s.scenario(
                    vec![s.import_from("threading", &["Lock", "Thread"])],
                    vec![f],
                    vec![assign(s.name("t", 0), call)],
                    vec![],
                )
            },
            "Thread() got an unexpected keyword argument 'trget'",
            "trget",
            Some("did you mean 'target'?"),
        ),
        (
            "from multiprocessing import Value\nv = Value()\n",
            |s| {
                s.scenario(
                    vec![s.import_from("multiprocessing", &["Value"])],
                    vec![],
                    vec![assign(s.name("v", 0), s.call(s.name("Value", 1), vec![]))],
                    vec![],
                )
            },
            "Value() missing 1 required argument: 'typecode_or_type'",
            "Value()",
            None,
        ),
        (
            "x = 1\nbreak\n",
            |s| {
                s.scenario(
                    vec![],
                    vec![],
                    vec![
                        assign(s.name("x", 0), s.int(1, 0)),
                        simple(StmtKind::Break, s.word("break", 0)),
                    ],
                    vec![],
                )
            },
            "'break' outside loop",
            "break",
            None,
        ),
        (
            "def f():\n    while True:\n        pass\n    continue\n",
            |s| {
                let w = simple(
                    StmtKind::While {
                        cond: Expr {
                            kind: ExprKind::Bool(true),
                            span: s.word("True", 0),
                        },
                        body: vec![simple(StmtKind::Pass, s.word("pass", 0))],
                    },
                    s.word("while", 0).to(s.word("pass", 0)),
                );
                let f = s.def(
                    "f",
                    0,
                    &[],
                    vec![w, simple(StmtKind::Continue, s.word("continue", 0))],
                );
                s.scenario(vec![], vec![f], vec![], vec![])
            },
            "'continue' outside loop",
            "continue",
            None,
        ),
        (
            "x = 1\nreturn x\n",
            |s| {
                s.scenario(
                    vec![],
                    vec![],
                    vec![
                        assign(s.name("x", 0), s.int(1, 0)),
                        simple(StmtKind::Return(Some(s.name("x", 1))), s.sub("return x", 0)),
                    ],
                    vec![],
                )
            },
            "'return' outside function",
            "return x",
            Some("use `sys.exit()` to end the main process early"),
        ),
        (
            "def f(x):\n    global x\n    x = 1\n",
            |s| {
                let f = s.def(
                    "f",
                    0,
                    &["x"],
                    vec![
                        simple(
                            StmtKind::Global(vec![s.ident("x", 1)]),
                            s.sub("global x", 0),
                        ),
                        assign(s.name("x", 2), s.int(1, 0)),
                    ],
                );
                s.scenario(vec![], vec![f], vec![], vec![])
            },
            "name 'x' is parameter and global",
            "x",
            None,
        ),
        (
            "def f():\n    pass\ndef f():\n    pass\n",
            |s| {
                let f1 = s.def("f", 0, &[], vec![simple(StmtKind::Pass, s.word("pass", 0))]);
                let f2 = s.def("f", 1, &[], vec![simple(StmtKind::Pass, s.word("pass", 1))]);
                s.scenario(vec![], vec![f1, f2], vec![], vec![])
            },
            "function 'f' is defined twice",
            "f",
            None,
        ),
        (
            "from queue import Quue\n",
            |s| {
                s.scenario(
                    vec![s.import_from("queue", &["Quue"])],
                    vec![],
                    vec![],
                    vec![],
                )
            },
            "cannot import name 'Quue' from 'queue'",
            "Quue",
            Some("did you mean 'Queue'?"),
        ),
        (
            "import mutliprocessing\n",
            |s| {
                s.scenario(
                    vec![s.import("mutliprocessing", None)],
                    vec![],
                    vec![],
                    vec![],
                )
            },
            "no module named 'mutliprocessing'",
            "mutliprocessing",
            Some("did you mean 'multiprocessing'?"),
        ),
        (
            "from multiprocessing import Process\np = Process()\nprint(p.pidd)\n",
            |s| {
                let a = s.attr(s.name("p", 1), "pidd");
                s.scenario(
                    vec![s.import_from("multiprocessing", &["Process"])],
                    vec![],
                    vec![
                        assign(s.name("p", 0), s.call(s.name("Process", 1), vec![])),
                        stmt(s.call(s.name("print", 0), vec![pos(a)])),
                    ],
                    vec![],
                )
            },
            "unknown attribute 'pidd'",
            "pidd",
            Some("did you mean 'pid'?"),
        ),
        (
            "from threading import Lock, Thread\nlock = Lock()\nx = lock.value\n",
            |s| {
                lock_scenario(
                    s,
                    vec![
                        assign(s.name("lock", 0), s.call(s.name("Lock", 1), vec![])),
                        assign(s.name("x", 0), s.attr(s.name("lock", 1), "value")),
                    ],
                )
            },
            "Lock has no attribute 'value'",
            "value",
            None,
        ),
        (
            "from threading import Lock, Thread\ndef worker(l):\n    l.put(1)\nlock = Lock()\nt = Thread(target=worker, args=(lock,))\n",
            |s| {
                let w = s.def(
                    "worker",
                    0,
                    &["l"],
                    vec![stmt(s.method(
                        s.name("l", 1),
                        "put",
                        vec![pos(s.int(1, 0))],
                    ))],
                );
                let t = s.call(
                    s.name("Thread", 1),
                    vec![
                        s.kw("target", 0, s.name("worker", 1)),
                        s.kw("args", 0, s.tuple(vec![s.name("lock", 1)])),
                    ],
                );
                s.scenario(
                    vec![s.import_from("threading", &["Lock", "Thread"])],
                    vec![w],
                    vec![
                        assign(s.name("lock", 0), s.call(s.name("Lock", 1), vec![])),
                        assign(s.name("t", 0), t),
                    ],
                    vec![],
                )
            },
            "Lock has no method 'put'",
            "put",
            Some("'put' is a method of Queue, multiprocessing.Queue"),
        ),
        (
            "from multiprocessing import Process\nprocs = [Process(), Process()]\nfor p in procs:\n    p.send(1)\n",
            |s| {
                let l = s.list(
                    vec![
                        s.call(s.name("Process", 1), vec![]),
                        s.call(s.name("Process", 2), vec![]),
                    ],
                    s.sub("[Process(), Process()]", 0),
                );
                let body = vec![stmt(s.method(
                    s.name("p", 1),
                    "send",
                    vec![pos(s.int(1, 0))],
                ))];
                let f = simple(
                    StmtKind::For {
                        target: s.name("p", 0),
                        iter: s.name("procs", 1),
                        body,
                    },
                    s.word("for", 0).to(s.sub("send(1)", 0)),
                );
                s.scenario(
                    vec![s.import_from("multiprocessing", &["Process"])],
                    vec![],
                    vec![assign(s.name("procs", 0), l), f],
                    vec![],
                )
            },
            "Process has no method 'send'",
            "send",
            Some("'send' is a method of Connection"),
        ),
        (
            "from concurrent.futures import ThreadPoolExecutor\ndef f(a):\n    pass\nex = ThreadPoolExecutor(2)\nex.submit(f)\n",
            |s| {
                let f = s.def(
                    "f",
                    0,
                    &["a"],
                    vec![simple(StmtKind::Pass, s.word("pass", 0))],
                );
                s.scenario(
                    vec![s.import_from("concurrent.futures", &["ThreadPoolExecutor"])],
                    vec![f],
                    vec![
                        assign(
                            s.name("ex", 0),
                            s.call(s.name("ThreadPoolExecutor", 1), vec![pos(s.int(2, 0))]),
                        ),
                        stmt(s.method(s.name("ex", 1), "submit", vec![pos(s.name("f", 1))])),
                    ],
                    vec![],
                )
            },
            "'f' takes 1 argument but submit() passes 0",
            "ex.submit(f)",
            None,
        ),
        (
            "from threading import Lock, Thread\nt1 = Thread()\nexpect deadlock lock_cycle [main, t3]\n",
            |s| {
                let e = s.expect(
                    ExpectKind::Deadlock {
                        kind: Some(s.ident("lock_cycle", 0)),
                        actors: vec![s.ident("main", 0), s.ident("t3", 0)],
                    },
                    s.sub("deadlock lock_cycle [main, t3]", 0),
                );
                s.scenario(
                    vec![s.import_from("threading", &["Lock", "Thread"])],
                    vec![],
                    vec![assign(s.name("t1", 0), s.call(s.name("Thread", 1), vec![]))],
                    vec![e],
                )
            },
            "unknown actor 't3'",
            "t3",
            Some("did you mean 't1'?"),
        ),
        (
            "expect deadlock lock_cylce\n",
            |s| {
                let e = s.expect(
                    ExpectKind::Deadlock {
                        kind: Some(s.ident("lock_cylce", 0)),
                        actors: vec![],
                    },
                    s.sub("deadlock lock_cylce", 0),
                );
                s.scenario(vec![], vec![], vec![], vec![e])
            },
            "unknown deadlock kind 'lock_cylce'",
            "lock_cylce",
            Some("did you mean 'lock_cycle'?"),
        ),
        (
            "expect deadlock\nexpect no deadlock\n",
            |s| {
                let d = s.expect(
                    ExpectKind::Deadlock {
                        kind: None,
                        actors: vec![],
                    },
                    s.sub("deadlock", 0),
                );
                let n = s.expect(ExpectKind::NoDeadlock, s.sub("no deadlock", 0));
                s.scenario(vec![], vec![], vec![], vec![d, n])
            },
            "`deadlock` and `no deadlock` contradict each other",
            "no deadlock",
            None,
        ),
        (
            "expect raises ValuError\n",
            |s| {
                let e = s.expect(
                    ExpectKind::Raises {
                        exc: s.ident("ValuError", 0),
                        actor: None,
                        message: None,
                    },
                    s.sub("raises ValuError", 0),
                );
                s.scenario(vec![], vec![], vec![], vec![e])
            },
            "unknown exception class 'ValuError'",
            "ValuError",
            Some("did you mean 'ValueError'?"),
        ),
        (
            "x = 1\ny = 2\nexpect outcome x, y { (1) => acceptable }\n",
            |s| {
                let mut one = s.int(1, 1);
                one.span = s.sub("(1)", 0);
                let e = s.expect(
                    ExpectKind::Outcome {
                        observe: vec![s.name("x", 1), s.name("y", 1)],
                        cases: vec![OutcomeCase {
                            pattern: Some(one),
                            grade: Grade::Acceptable,
                            description: None,
                            span: s.sub("(1) => acceptable", 0),
                        }],
                    },
                    s.sub("outcome x, y { (1) => acceptable }", 0),
                );
                s.scenario(
                    vec![],
                    vec![],
                    vec![
                        assign(s.name("x", 0), s.int(1, 0)),
                        assign(s.name("y", 0), s.int(2, 0)),
                    ],
                    vec![e],
                )
            },
            "this outcome has 2 observed values but the pattern has a single value",
            "(1)",
            None,
        ),
        (
            "x = 1\nexpect outcome x { y => acceptable }\n",
            |s| {
                let e = s.expect(
                    ExpectKind::Outcome {
                        observe: vec![s.name("x", 1)],
                        cases: vec![OutcomeCase {
                            pattern: Some(s.name("y", 0)),
                            grade: Grade::Acceptable,
                            description: None,
                            span: s.sub("y => acceptable", 0),
                        }],
                    },
                    s.sub("outcome x { y => acceptable }", 0),
                );
                s.scenario(
                    vec![],
                    vec![],
                    vec![assign(s.name("x", 0), s.int(1, 0))],
                    vec![e],
                )
            },
            "an outcome pattern must be a constant",
            "y",
            Some("write the value itself, like `(20, 5)` or `\"done\"`, or `_`"),
        ),
        (
            "x = 1\nexpect final x == totl\n",
            |s| {
                let cmp = Expr {
                    kind: ExprKind::Compare {
                        left: Box::new(s.name("x", 1)),
                        rest: vec![(CmpOp::Eq, s.name("totl", 0))],
                    },
                    span: s.sub("x == totl", 0),
                };
                let e = s.expect(ExpectKind::Final(cmp), s.sub("final x == totl", 0));
                s.scenario(
                    vec![],
                    vec![],
                    vec![assign(s.name("x", 0), s.int(1, 0))],
                    vec![e],
                )
            },
            "name 'totl' is not defined",
            "totl",
            None,
        ),
        (
            "import multiprocessing as mp\nmp = 3\n",
            |s| {
                s.scenario(
                    vec![s.import("multiprocessing", Some("mp"))],
                    vec![],
                    vec![assign(s.name("mp", 1), s.int(3, 0))],
                    vec![],
                )
            },
            "'mp' names the module 'multiprocessing' and cannot be reassigned",
            "mp",
            Some("use another variable name"),
        ),
    ]
}

#[test]
fn each_check_reports_its_message_span_and_help() {
    let mut failures = Vec::new();
    for (text, build, message, span, help) in cases() {
        let s = Src::new(text);
        let sc = build(&s);
        let errors = s.errors(&sc);
        let want = (
            message.to_string(),
            span.to_string(),
            help.map(String::from),
        );
        if errors.len() != 1 || errors[0] != want {
            failures.push(format!("{text}\n  want {want:?}\n  got  {errors:?}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn all_errors_are_collected_in_source_order() {
    let s = Src::new("from queue import Quue\nprint(cont)\nbreak\n");
    let sc = s.scenario(
        vec![s.import_from("queue", &["Quue"])],
        vec![],
        vec![
            stmt(s.call(s.name("print", 0), vec![pos(s.name("cont", 0))])),
            simple(StmtKind::Break, s.word("break", 0)),
        ],
        vec![],
    );
    let spans: Vec<String> = s.errors(&sc).into_iter().map(|e| e.1).collect();
    assert_eq!(spans, ["Quue", "cont", "break"]);
}

#[test]
fn a_claimed_name_error_is_left_to_run_time() {
    let s = Src::new(
        "from multiprocessing import Process\nprint(multiprocessing.cpu_count())\nexpect raises NameError\n",
    );
    let c = s.call(s.attr(s.name("multiprocessing", 1), "cpu_count"), vec![]);
    let e = s.expect(
        ExpectKind::Raises {
            exc: s.ident("NameError", 0),
            actor: None,
            message: None,
        },
        s.sub("raises NameError", 0),
    );
    let sc = s.scenario(
        vec![s.import_from("multiprocessing", &["Process"])],
        vec![],
        vec![stmt(s.call(s.name("print", 0), vec![pos(c)]))],
        vec![e],
    );
    let p = s.build(&sc).expect("plans");
    assert_eq!(p.globals.len(), 1);
    assert_eq!(p.globals[0].name, "multiprocessing");
    // print(<load of the never-assigned global>): the attribute and call are dropped,
    // because evaluating the name raises first.
    let main = &p.functions[p.main as usize];
    let interp::plan::ir::StmtKind::Expr(call) = &main.body[0].kind else {
        panic!("expression statement");
    };
    let interp::plan::ir::ExprKind::Call { args, .. } = &call.kind else {
        panic!("call");
    };
    assert!(matches!(
        args[0].kind,
        interp::plan::ir::ExprKind::Load(interp::plan::ir::Place::Global(0))
    ));
    assert_eq!(s.text(args[0].span), "multiprocessing");
}

#[test]
fn a_claimed_type_error_leaves_arity_to_run_time() {
    let s = Src::new("from multiprocessing import Value\nv = Value()\nexpect raises TypeError\n");
    let e = s.expect(
        ExpectKind::Raises {
            exc: s.ident("TypeError", 0),
            actor: None,
            message: None,
        },
        s.sub("raises TypeError", 0),
    );
    let sc = s.scenario(
        vec![s.import_from("multiprocessing", &["Value"])],
        vec![],
        vec![assign(s.name("v", 0), s.call(s.name("Value", 1), vec![]))],
        vec![e],
    );
    assert!(s.build(&sc).is_ok());
}
