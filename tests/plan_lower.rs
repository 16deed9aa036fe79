//! Lowering: slot layout, lambda captures, labels, static facts and the graph.

mod plan_support;

use interp::core::names::Method;
use interp::plan::graph;
use interp::plan::ir::{ExprKind, Place, ResKind, StmtKind as IrStmt};
use interp::syntax::ast::*;
use plan_support::*;

/// from queue import Queue / from threading import Thread, Lock
/// def helper(l): l.release()
/// def worker(q, l): n = 1; q.put(n); helper(l)
/// q = Queue(); lock = Lock()
/// t = Thread(target=worker, args=(q, lock)); t.start()
const TEXT: &str = "from queue import Queue\nfrom threading import Thread, Lock\n\
def helper(l):\n    l.release()\n\
def worker(q, l):\n    n = 1\n    q.put(n)\n    helper(l)\n\
q = Queue()\nlock = Lock()\nt = Thread(target=worker, args=(q, lock))\nt.start()\n";

fn scenario(s: &Src) -> Scenario {
    let helper = s.def(
        "helper",
        0,
        &["l"],
        vec![stmt(s.method(s.name("l", 1), "release", vec![]))],
    );
    let worker = s.def(
        "worker",
        0,
        &["q", "l"],
        vec![
            assign(s.name("n", 0), s.int(1, 0)),
            stmt(s.method(s.name("q", 1), "put", vec![pos(s.name("n", 1))])),
            stmt(s.call(s.name("helper", 1), vec![pos(s.name("l", 3))])),
        ],
    );
    let thread = s.call(
        s.name("Thread", 1),
        vec![
            s.kw("target", 0, s.name("worker", 1)),
            s.kw("args", 0, s.tuple(vec![s.name("q", 3), s.name("lock", 1)])),
        ],
    );
    s.scenario(
        vec![
            s.import_from("queue", &["Queue"]),
            s.import_from("threading", &["Thread", "Lock"]),
        ],
        vec![helper, worker],
        vec![
            assign(s.name("q", 2), s.call(s.name("Queue", 1), vec![])),
            assign(s.name("lock", 0), s.call(s.name("Lock", 1), vec![])),
            assign(s.name("t", 0), thread),
            stmt(s.method(s.name("t", 1), "start", vec![])),
        ],
        vec![],
    )
}

#[test]
fn slots_are_params_first_then_locals_and_globals_in_binding_order() {
    let s = Src::new(TEXT);
    let p = s.build(&scenario(&s)).expect("plans");
    let globals: Vec<&str> = p.globals.iter().map(|g| g.name.as_str()).collect();
    assert_eq!(globals, ["q", "lock", "t"]);
    assert_eq!(p.main, 2);
    let worker = &p.functions[1];
    assert_eq!(worker.name, "worker");
    assert_eq!(worker.local_names, ["q", "l", "n"]);
    assert_eq!(worker.n_locals, 3);
    // `q.put(n)` in worker reads local 0 and local 2, not the global `q`.
    let IrStmt::Expr(put) = &worker.body[1].kind else {
        panic!("expression statement");
    };
    let ExprKind::Method {
        obj, method, args, ..
    } = &put.kind
    else {
        panic!("method call");
    };
    assert_eq!(*method, Method::Put);
    assert!(matches!(obj.kind, ExprKind::Load(Place::Local(0))));
    assert!(matches!(args[0].kind, ExprKind::Load(Place::Local(2))));
    // `helper(l)` calls the def directly.
    let IrStmt::Expr(call) = &worker.body[2].kind else {
        panic!("expression statement");
    };
    let ExprKind::Call { func, .. } = &call.kind else {
        panic!("call");
    };
    assert!(matches!(func.kind, ExprKind::Func(0)));
}

#[test]
fn labels_name_creation_sites_by_their_variables() {
    let s = Src::new(TEXT);
    let p = s.build(&scenario(&s)).expect("plans");
    let labels: Vec<(&str, &str)> = p
        .labels
        .iter()
        .map(|(sp, l)| (s.text(*sp), l.as_str()))
        .collect();
    assert_eq!(
        labels,
        [
            ("Queue()", "q"),
            ("Lock()", "lock"),
            ("Thread(target=worker, args=(q, lock))", "t")
        ]
    );
}

#[test]
fn facts_follow_calls_but_not_started_actors() {
    let s = Src::new(TEXT);
    let p = s.build(&scenario(&s)).expect("plans");
    let sig = &p.facts.signals;
    // Kinds flow through `args=` into worker's parameters and on into helper's.
    assert_eq!(sig[0], [(Some(ResKind::Lock), Method::Release)]);
    assert!(sig[1].contains(&(Some(ResKind::ThreadQueue), Method::Put)));
    assert!(sig[1].contains(&(Some(ResKind::Lock), Method::Release)));
    // main starts the thread but does not put or release itself.
    assert_eq!(sig[2], [(Some(ResKind::Thread), Method::Start)]);
    // Through the thread it starts, main may put and release.
    let reach = &p.facts.reach;
    assert!(reach[2].contains(&(Some(ResKind::ThreadQueue), Method::Put)));
    assert!(reach[2].contains(&(Some(ResKind::Lock), Method::Release)));
    assert_eq!(reach[0], sig[0]);
}

#[test]
fn unknown_receivers_are_recorded_without_a_kind() {
    let s = Src::new("def f(x):\n    x.set()\nf(g)\ng = 1\n");
    let f = s.def(
        "f",
        0,
        &["x"],
        vec![stmt(s.method(s.name("x", 1), "set", vec![]))],
    );
    let sc = s.scenario(
        vec![],
        vec![f],
        vec![
            stmt(s.call(s.name("f", 1), vec![pos(s.name("g", 0))])),
            assign(s.name("g", 1), s.int(1, 0)),
        ],
        vec![],
    );
    let p = s.build(&sc).expect("plans");
    assert_eq!(p.facts.signals[0], [(None, Method::Set)]);
}

#[test]
fn lambdas_capture_enclosing_locals_before_their_parameters() {
    // def f(a): g = lambda b: a + b
    let s = Src::new("def f(a):\n    g = lambda b: a + b\n");
    let body = Expr {
        kind: binary(s.name("a", 1), s.name("b", 1)),
        span: s.sub("a + b", 0),
    };
    let lam = Expr {
        kind: interp::syntax::ast::ExprKind::Lambda {
            params: vec![Param {
                name: s.ident("b", 0),
                default: None,
            }],
            body: Box::new(body),
        },
        span: s.sub("lambda b: a + b", 0),
    };
    let f = s.def("f", 0, &["a"], vec![assign(s.name("g", 0), lam)]);
    let p = s
        .build(&s.scenario(vec![], vec![f], vec![], vec![]))
        .expect("plans");
    let IrStmt::Assign(_, value) = &p.functions[0].body[0].kind else {
        panic!("assignment");
    };
    let ExprKind::Lambda { func, captures } = &value.kind else {
        panic!("lambda");
    };
    assert_eq!(captures, &[Place::Local(0)]);
    let l = &p.functions[*func as usize];
    assert_eq!(l.name, "<lambda>");
    assert_eq!(l.local_names, ["a", "b"]);
}

fn binary(l: Expr, r: Expr) -> interp::syntax::ast::ExprKind {
    interp::syntax::ast::ExprKind::Binary {
        op: BinOp::Add,
        left: Box::new(l),
        right: Box::new(r),
    }
}

#[test]
fn a_pipe_pair_is_labelled_by_both_ends() {
    let s = Src::new("from multiprocessing import Pipe\na, b = Pipe()\na.send(1)\nb.recv()\n");
    let sc = s.scenario(
        vec![s.import_from("multiprocessing", &["Pipe"])],
        vec![],
        vec![
            assign(
                s.targets(vec![s.name("a", 0), s.name("b", 0)]),
                s.call(s.name("Pipe", 1), vec![]),
            ),
            stmt(s.method(s.name("a", 1), "send", vec![pos(s.int(1, 0))])),
            stmt(s.method(s.name("b", 1), "recv", vec![])),
        ],
        vec![],
    );
    let p = s.build(&sc).expect("plans");
    assert_eq!(p.labels, [(s.sub("Pipe()", 0), "a/b".to_string())]);
    let main = &p.facts.signals[p.main as usize];
    assert!(main.contains(&(Some(ResKind::Connection), Method::Send)));
    assert!(main.contains(&(Some(ResKind::Connection), Method::Recv)));
}

#[test]
fn the_graph_shows_actors_resources_and_uses() {
    let s = Src::new(TEXT);
    let p = s.build(&scenario(&s)).expect("plans");
    let text = graph::render_text(&p);
    assert_eq!(
        text,
        "scenario test\n\
         actors:\n  main (module body)\n  t = Thread -> worker  (line 11)\n\
         resources:\n  q = Queue [Queue]  (line 9)\n  lock = Lock [Lock]  (line 10)\n\
         uses:\n  main -> t: start\n  t -> q: put\n  t -> lock: release\n"
    );
    let dot = graph::render_dot(&p);
    assert!(dot.starts_with("digraph \"test\" {"), "{dot}");
    assert!(dot.contains("s2 -> s0 [label=\"put\"];"), "{dot}");
}
