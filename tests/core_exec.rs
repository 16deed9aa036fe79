//! The interpreter's prepared code paths, end to end on the real engine: each scenario
//! claims exactly what CPython prints, and every claim must hold in every run.

use std::path::Path;

use interp::cli::RunOptions;
use interp::cli::run_cmd::run_and_grade;
use interp::report::ScenarioOutcome;

/// Runs `text` (a scenario) `runs` times; panics with the report unless all claims held.
fn passes(text: &str, runs: u32) {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("s.scn");
    let path = path.to_path_buf();
    std::fs::write(&path, text).expect("write scenario");
    let o = RunOptions {
        runs: Some(runs),
        jobs: None,
        seed: None,
        time_scale: None,
        timeout: None,
        stress: false,
        gil: None,
    };
    // The main actor runs on the calling thread: give it the 8 MiB of a process's main
    // thread (as under the CLI), not the 2 MiB of a test thread.
    let outcome = std::thread::Builder::new()
        .stack_size(8 << 20)
        .spawn(move || run_and_grade(Path::new(&path), &o, None, false))
        .expect("spawn")
        .join()
        .expect("run_and_grade does not panic");
    match outcome {
        ScenarioOutcome::Ok(r) => assert!(r.passed(), "{:#?}", r.verdicts),
        ScenarioOutcome::Invalid(t) | ScenarioOutcome::Internal(t) => panic!("{t}"),
    }
}

#[test]
fn recursion_ends_in_recursion_error_on_every_call_path() {
    // A def called directly, a lambda, nested blocks in between; in main and a thread.
    passes(
        r#"scenario "recursion" {
    import threading
    lock = threading.Lock()
    def r(n) {
        for i in range(1) {
            try {
                with lock { pass }
                if n >= 0 { return 1 + r(n + 1) }
            } finally { pass }
        }
    }
    def q(n) { return (lambda x: 1 + q(x))(n + 1) }
    def both() {
        try { r(0) } except RecursionError as e { print("r", e) }
        try { q(0) } except RecursionError as e { print("q", e) }
    }
    t = threading.Thread(target=both)
    t.start(); t.join()
    both()
    expect { output "r maximum recursion depth exceeded\nq maximum recursion depth exceeded\nr maximum recursion depth exceeded\nq maximum recursion depth exceeded\n" }
}"#,
        1,
    );
}

#[test]
fn direct_calls_bind_like_python() {
    passes(
        r#"scenario "calls" {
    def f(a, b=2, c=[]) { c.append(a); return (a, b, len(c)) }
    def g(a) { return a }
    print(f(1), f(1, 3), f(b=5, a=0))
    try { g() } except TypeError as e { print(e) }
    try { g(1, 2) } except TypeError as e { print(e) }
    def boom() { raise ValueError("x") }
    try { g(boom()) } except ValueError as e { print("arg raised", e) }
    def nothing() { pass }
    print(nothing())
    # Claiming a TypeError (a thread's target called without its argument) keeps the
    # plan from rejecting the bad calls above before they run.
    import threading
    t = threading.Thread(target=g)
    t.start(); t.join()
    expect {
        output "(1, 2, 1) (1, 3, 1) (0, 5, 1)\ng() missing 1 required positional argument: 'a'\ng() takes 1 positional argument but 2 were given\narg raised x\nNone\n"
        raises TypeError "g() missing 1 required positional argument: 'a'"
    }
}"#,
        1,
    );
}

#[test]
fn return_values_survive_finally_and_loops() {
    passes(
        r#"scenario "returns" {
    def a() { try { return 1 } finally { print("finally") } }
    def b() { try { return 1 } finally { return 2 } }
    def c() { for i in range(10) { if i == 3 { return i } } }
    def d() { while True { try { break } finally { pass } }; return "after" }
    def e() { for i in range(3) { try { continue } finally { print("f", i) } }; return "done" }
    print(a(), b(), c(), d(), e())
    expect { output "finally\nf 0\nf 1\nf 2\n1 2 3 after done\n" }
}"#,
        1,
    );
}

#[test]
fn range_loops_cover_steps_edges_and_rebinding() {
    passes(
        r#"scenario "ranges" {
    def f() {
        out = []
        for i in range(10, 0, -3) { out.append(i) }
        for i in range(0) { out.append("never") }
        for i in range(3) { i = "x"; out.append(i) }
        for i in range(170141183460469231731687303715884105726, 170141183460469231731687303715884105727, 5) { out.append(i) }
        return out
    }
    print(f())
    total = 0
    for i in range(5) { total += i }
    print(total, i)
    expect { output "[10, 7, 4, 1, 'x', 'x', 'x', 170141183460469231731687303715884105726]\n10 4\n" }
}"#,
        1,
    );
}

#[test]
fn int_fast_paths_agree_with_the_general_operators() {
    passes(
        r#"scenario "ints" {
    def f() {
        w = 170141183460469231731687303715884105727
        try { w += 1 } except OverflowError { print("overflow kept", w == 170141183460469231731687303715884105727) }
        x = 7
        x -= 10
        x *= -3
        y = x % 4
        z = -7 % 3
        try { x % 0 } except ZeroDivisionError as e { print(e) }
        s = "a"
        s += "b"
        n = 1.5
        n += 1
        print(x, y, z, s, n, 3 < 4 < 5, 3 < 4 > 5, 1 == True, 2 != 2, 5 & 3, 5 | 3, 5 ^ 3)
    }
    f()
    v = 2305843009213693951
    v += 1
    v -= 1
    print(v)
    expect { output "overflow kept True\ninteger modulo by zero\n9 1 2 ab 2.5 True False True False 1 7 6\n2305843009213693951\n" }
}"#,
        1,
    );
}

#[test]
fn globals_change_type_and_stay_coherent_across_threads() {
    // Two threads each add 1000 under a lock: no update is lost; then the global takes
    // other types, and a deleted one is a NameError.
    passes(
        r#"scenario "globals" {
    import threading
    v = 0
    lock = threading.Lock()
    def work() {
        global v
        for _ in range(1000) { with lock { v += 1 } }
    }
    ts = [threading.Thread(target=work) for _ in range(2)]
    for t in ts { t.start() }
    for t in ts { t.join() }
    print(v)
    v = "text"
    v += "!"
    print(v)
    v = None
    print(v)
    v = lock
    with v { print("held", lock.locked()) }
    del v
    try { print(v) } except NameError as e { print(e) }
    expect { output "2000\ntext!\nNone\nheld True\nname 'v' is not defined\n" }
}"#,
        3,
    );
}

#[test]
fn with_on_non_managers_and_unbound_names_raise_like_python() {
    passes(
        r#"scenario "with errors" {
    import threading
    def f() {
        try { with 5 { pass } } except TypeError as e { print(e) }
        try { with lk { pass } } except UnboundLocalError as e { print(e) }
        lk = threading.Lock()
        try { lk.release() } except RuntimeError as e { print(e) }
        with lk { lk2 = lk }
        print(lk.locked())
    }
    f()
    expect { output "'int' object does not support the context manager protocol\ncannot access local variable 'lk' where it is not associated with a value\nrelease unlocked lock\nFalse\n" }
}"#,
        1,
    );
}
