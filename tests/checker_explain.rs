//! Explanations, pictures and hang reports, in the scenario's own words.

mod checker_support;

use std::sync::Arc;
use std::time::Duration;

use checker_support::*;
use interp::checker::deadlock::find_deadlock;
use interp::checker::dot::to_dot;
use interp::checker::explain::summary;
use interp::checker::hang::hang_report;
use interp::checker::snapshot::{ActorState, WaitOp};
use interp::core::names::Method;
use interp::plan::ir::{
    Config, Expr, ExprKind, Function, GlobalInfo, Place, Program, ResKind, Stmt, StmtKind, Target,
};
use interp::syntax::span::{SourceFile, Span};

/// The span of the first occurrence of `needle` in `text`.
fn span_of(text: &str, needle: &str) -> Span {
    let start = text
        .find(needle)
        .unwrap_or_else(|| panic!("{needle:?} not in text"));
    Span::new(start, start + needle.len())
}

fn function(name: &str, body: Vec<Stmt>) -> Function {
    Function {
        name: name.to_string(),
        params: Vec::new(),
        n_locals: 0,
        local_names: Vec::new(),
        body,
        span: Span::default(),
    }
}

fn program(file: &str, text: &str, globals: &[&str], functions: Vec<Function>, s: &Scn) -> Program {
    Program {
        source: Arc::new(SourceFile::new(file, text)),
        name: file.trim_end_matches(".scn").to_string(),
        config: Config::default(),
        globals: globals
            .iter()
            .map(|g| GlobalInfo {
                name: g.to_string(),
                span: Span::default(),
            })
            .collect(),
        functions,
        main: 0,
        expects: Vec::new(),
        facts: s.facts(),
        labels: Vec::new(),
    }
}

const QUEUE_DEADLOCK: &str = "\
from multiprocessing import Process, Queue

def f(q):
    q.put('X' * 1_000_000)

q = Queue()
p = Process(target=f, args=(q,))
p.start()
p.join()
obj = q.get()
";

/// The docs' join-before-drain example, stuck: main in `p.join()`, p flushing 1 MB.
fn queue_deadlock() -> (Scn, Program) {
    let text = QUEUE_DEADLOCK;
    let mut s = Scn::new();
    let p = s.process("p");
    let q = s.res("q", MP_QUEUE);
    s.r(q).limit = 65536;
    s.r(q).pending_bytes = 65536;
    s.can(
        MAIN,
        &[
            (ResKind::MpQueue, Method::Get),
            (ResKind::MpQueue, Method::Put),
            (ResKind::Process, Method::Join),
        ],
    );
    s.can(p, &[(ResKind::MpQueue, Method::Put)]);
    s.block_at(MAIN, WaitOp::Join, None, Some(p), span_of(text, "p.join()"));
    s.block_at(
        p,
        WaitOp::QueueFlush,
        Some(q),
        None,
        span_of(text, "q.put("),
    );
    s.detail(p, 1_000_013);
    s.at_ms = 3;
    // main's body: `obj = q.get()` (the rest does not matter to the explanation).
    let get = Expr {
        kind: ExprKind::Method {
            obj: Box::new(Expr {
                kind: ExprKind::Load(Place::Global(0)),
                span: span_of(text, "q.get"),
            }),
            method: Method::Get,
            args: Vec::new(),
            kwargs: Vec::new(),
        },
        span: span_of(text, "q.get()"),
    };
    let main_body = vec![Stmt {
        kind: StmtKind::Assign(Target::Place(Place::Global(2)), get),
        span: span_of(text, "obj = q.get()"),
    }];
    let functions = vec![function("<module>", main_body), function("f", Vec::new())];
    let prog = program(
        "queue_deadlock.scn",
        text,
        &["q", "p", "obj"],
        functions,
        &s,
    );
    (s, prog)
}

#[test]
fn join_before_drain_explained_in_the_scenarios_words() {
    let (s, prog) = queue_deadlock();
    let snap = s.snapshot();
    let dl = find_deadlock(&snap, &prog.facts).expect("deadlock");
    let sum = summary(&prog, &snap, &dl);
    assert_eq!(sum.kind, "join_before_drain");
    assert_eq!(sum.actors, vec!["main", "p"]);
    assert_eq!(sum.after, Duration::from_millis(3));
    assert_eq!(
        sum.explanation,
        "\
deadlock (join_before_drain) after 3 ms
  main  waits for p to exit             at queue_deadlock.scn:9   p.join()
  p     waits to write 1,000,013 bytes  at queue_deadlock.scn:4   q.put('X' * 1_000_000)
        into q; its pipe is full (65,536 bytes) and only main reads q, at line 10, after the join
  fix: read from q before joining p (or let p call q.cancel_join_thread())
"
    );
}

#[test]
fn another_reader_drops_the_word_only() {
    let (mut s, mut prog) = queue_deadlock();
    let r = s.thread("reader");
    s.can(r, &[(ResKind::MpQueue, Method::Get)]);
    // The reader is stuck elsewhere, so the deadlock stands.
    let ev = s.res("ev", EVENT);
    s.wait_on(r, WaitOp::EventWait, ev);
    prog.facts = s.facts();
    let snap = s.snapshot();
    let dl = find_deadlock(&snap, &prog.facts).expect("deadlock");
    let text = summary(&prog, &snap, &dl).explanation;
    assert!(
        text.contains("(65,536 bytes) and main reads q, at line 10"),
        "{text}"
    );
    assert!(text.contains("  reader  waits for ev to be set"), "{text}");
}

const ABBA: &str = "\
lock_a = Lock()
lock_b = Lock()

def one():
    with lock_a:
        with lock_b:
            pass

def two():
    with lock_b:
        with lock_a:
            pass

t1 = Thread(target=one)
t2 = Thread(target=two)
t1.start(); t2.start()
t1.join(); t2.join()
";

/// Threads one/two in ABBA order, main joining t1.
fn abba() -> (Scn, Program) {
    let text = ABBA;
    let mut s = Scn::new();
    let t1 = s.thread("t1");
    let t2 = s.thread("t2");
    let a = s.lock("lock_a", Some(t1));
    let b = s.lock("lock_b", Some(t2));
    let inner_b = span_of(text, "with lock_b:\n            pass");
    let inner_a = span_of(text, "with lock_a:\n            pass");
    s.block_at(t1, WaitOp::LockAcquire, Some(b), None, inner_b);
    s.block_at(t2, WaitOp::LockAcquire, Some(a), None, inner_a);
    s.block_at(
        MAIN,
        WaitOp::Join,
        None,
        Some(t1),
        span_of(text, "t1.join()"),
    );
    s.at_ms = 12;
    let functions = vec![function("<module>", Vec::new())];
    let prog = program(
        "abba.scn",
        text,
        &["lock_a", "lock_b", "t1", "t2"],
        functions,
        &s,
    );
    (s, prog)
}

#[test]
fn lock_cycle_explained_with_holders_and_a_fix() {
    let (s, prog) = abba();
    let snap = s.snapshot();
    let dl = find_deadlock(&snap, &prog.facts).expect("deadlock");
    let sum = summary(&prog, &snap, &dl);
    assert_eq!(sum.kind, "lock_cycle");
    assert_eq!(sum.actors, vec!["t1", "t2"]);
    assert_eq!(
        sum.explanation,
        "\
deadlock (lock_cycle) after 12 ms
  t1    waits for lock_b, held by t2  at abba.scn:6   with lock_b:
        holds lock_a
  t2    waits for lock_a, held by t1  at abba.scn:11  with lock_a:
        holds lock_b
  main  waits for t1 to exit          at abba.scn:17  t1.join(); t2.join()
  fix: acquire lock_a and lock_b in one fixed order in every thread
"
    );
}

#[test]
fn dot_draws_the_cycle_in_red() {
    let (s, prog) = abba();
    let snap = s.snapshot();
    let dl = find_deadlock(&snap, &prog.facts).expect("deadlock");
    let dot = to_dot(&snap, &dl.stuck);
    assert!(dot.starts_with("digraph waits {\n"), "{dot}");
    assert!(dot.ends_with("}\n"), "{dot}");
    for line in [
        "  a1 [shape=box, label=\"t1\", color=red, fontcolor=red];",
        "  r100 [shape=ellipse, label=\"lock_a\", color=red, fontcolor=red];",
        "  a1 -> r101 [label=\"waits for\", color=red, fontcolor=red];",
        "  r101 -> a2 [label=\"held by\", color=red, fontcolor=red];",
        "  a2 -> r100 [label=\"waits for\", color=red, fontcolor=red];",
        "  r100 -> a1 [label=\"held by\", color=red, fontcolor=red];",
        "  a0 -> a1 [label=\"waits for\", color=red, fontcolor=red];",
    ] {
        assert!(dot.lines().any(|l| l == line), "missing {line:?} in\n{dot}");
    }
}

#[test]
fn dot_leaves_live_actors_black() {
    let mut s = Scn::new();
    let t = s.thread("t \"quoted\"");
    let l = s.lock("lock", Some(t));
    s.acquire(MAIN, l);
    let dot = to_dot(&s.snapshot(), &Default::default());
    assert!(
        dot.contains("  a1 [shape=box, label=\"t \\\"quoted\\\"\"];"),
        "{dot}"
    );
    assert!(dot.contains("  a0 -> r100 [label=\"waits for\"];"), "{dot}");
    assert!(dot.contains("  r100 -> a1 [label=\"held by\"];"), "{dot}");
    assert!(!dot.contains("red"), "{dot}");
}

#[test]
fn hang_report_lists_every_live_actor() {
    let text = "\
q = Queue()
def spin():
    while True:
        work(1)
def nap():
    sleep(100)
t = Thread(target=spin)
n = Thread(target=nap)
x = q.get()
";
    let mut s = Scn::new();
    let t = s.thread("t");
    let n = s.thread("n");
    let later = s.thread("later");
    let done = s.thread("done");
    let q = s.res("q", MP_QUEUE);
    s.can(t, &[(ResKind::MpQueue, Method::Put)]);
    s.block_at(
        MAIN,
        WaitOp::QueueGet,
        Some(q),
        None,
        span_of(text, "q.get()"),
    );
    s.block_at(n, WaitOp::Sleep, None, None, span_of(text, "sleep(100)"));
    s.state(later, ActorState::New)
        .state(done, ActorState::Exited);
    s.at_ms = 10_000;
    let prog = program("spin.scn", text, &["q", "t", "n", "x"], Vec::new(), &s);
    assert_eq!(find_deadlock(&s.snapshot(), &prog.facts), None);
    assert_eq!(
        hang_report(&prog, &s.snapshot()),
        "\
hang: still running after 10,000 ms with no provable deadlock
  main   blocked      waits for an item from q  at spin.scn:9  x = q.get()
  t      running
  n      sleeping     sleeps                    at spin.scn:6  sleep(100)
  later  not started
"
    );
    let _ = t;
}

/// Explains `s` against a one-line-per-actor source and returns the text.
fn explain_plain(s: &Scn) -> String {
    let prog = program("x.scn", "line one\nline two\n", &[], Vec::new(), s);
    let snap = s.snapshot();
    let dl = find_deadlock(&snap, &prog.facts).expect("deadlock");
    summary(&prog, &snap, &dl).explanation
}

#[test]
fn every_kind_gets_its_own_fix() {
    let mut s = Scn::new();
    let t = s.thread("t");
    let l = s.lock("lock", Some(t));
    s.acquire(t, l).join(MAIN, t);
    let text = explain_plain(&s);
    assert!(
        text.starts_with("deadlock (self_deadlock) after 0 ms\n"),
        "{text}"
    );
    assert!(
        text.contains("  t     waits for lock, which it holds itself  at x.scn:1  line one\n"),
        "{text}"
    );
    assert!(
        text.ends_with(
            "  fix: use an RLock for lock, or do not acquire lock again while holding it\n"
        ),
        "{text}"
    );

    let mut s = Scn::new();
    let w = s.thread("worker");
    let outer = s.future("outer", Some(w));
    let inner = s.future("inner", None);
    s.wait_on(MAIN, WaitOp::FutureResult, outer)
        .wait_on(w, WaitOp::FutureResult, inner);
    let text = explain_plain(&s);
    assert!(
        text.contains("main    waits for the result of outer, run by worker"),
        "{text}"
    );
    assert!(
        text.contains("worker  waits for the result of inner, still queued"),
        "{text}"
    );
    assert!(
        text.contains("fix: do not wait inside a pool task for another task of the same pool"),
        "{text}"
    );

    let mut s = Scn::new();
    let t = s.thread("t");
    let p = s.process("p");
    let a = s.res("a", MP_LOCK);
    let b = s.res("b", MP_LOCK);
    s.r(a).owner = Some(t);
    s.r(b).owner = Some(p);
    s.acquire(t, b).acquire(p, a);
    let text = explain_plain(&s);
    assert!(
        text.ends_with("fix: acquire a and b in one fixed order in every thread and process\n"),
        "{text}"
    );

    let mut s = Scn::new();
    let b = s.res("barrier", BARRIER);
    s.r(b).count = 1;
    s.r(b).limit = 3;
    s.wait_on(MAIN, WaitOp::BarrierWait, b);
    let text = explain_plain(&s);
    assert!(
        text.contains("main  waits at barrier (1 of 3 parties arrived)"),
        "{text}"
    );
    assert!(
        text.contains("fix: make 3 parties reach barrier, or create it with parties=1"),
        "{text}"
    );

    let mut s = Scn::new();
    let ev = s.res("ev", EVENT);
    s.wait_on(MAIN, WaitOp::EventWait, ev);
    let text = explain_plain(&s);
    assert!(
        text.ends_with(
            "fix: make sure an actor that is still running calls ev.set(), or pass a timeout\n"
        ),
        "{text}"
    );
}
