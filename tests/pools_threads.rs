//! Thread pools on the real engine: `ThreadPoolExecutor` futures and `multiprocessing.dummy`
//! pools, every method and error, with the order of events fixed by Events.

mod pools_support;
use pools_support::check;

#[test]
fn future_methods_and_states() {
    check(
        "future_methods",
        r#"
scenario "future methods" {
    config { runs = 3, time_scale = 0.01 }
    from concurrent.futures import ThreadPoolExecutor, CancelledError
    import threading

    go = threading.Event()
    started = threading.Event()
    def blocker() {
        started.set()
        go.wait()
        return "unblocked"
    }
    def fail() { raise KeyError("missing") }
    def add(a, b=0, c=0) { return a + b + c }

    ex = ThreadPoolExecutor(max_workers=1)
    first = ex.submit(blocker)
    queued = ex.submit(add, 1)
    started.wait()
    states = [first.running(), first.done(), queued.running(), queued.done()]
    timed_out = False
    try { first.result(timeout=0.5) } except TimeoutError { timed_out = True }
    cancel_running = first.cancel()
    cancel_queued = queued.cancel()
    try { queued.result() } except CancelledError { states.append("cancelled") }
    go.set()
    value = first.result()
    kw = ex.submit(add, 1, b=2, c=3).result()
    bad = ex.submit(fail)
    exc = bad.exception()
    msg = ""
    try { bad.result() } except KeyError as e { msg = str(e) }
    called = []
    bad.add_done_callback(lambda f: called.append(f.done()))
    ex.shutdown()
    try { ex.submit(add, 1) } except RuntimeError as e { called.append(str(e)) }
    try { ThreadPoolExecutor(0) } except ValueError as e { called.append(str(e)) }

    expect {
        no deadlock
        final states == [True, False, False, False, "cancelled"]
        final timed_out
        final cancel_running == False and cancel_queued == True and queued.cancelled()
        final value == "unblocked" and kw == 6
        final isinstance(exc, KeyError) and msg == "'missing'"
        final called == [True, "cannot schedule new futures after shutdown", "max_workers must be greater than 0"]
    }
}
"#,
    );
}

#[test]
fn done_callbacks_run_in_the_worker_after_completion() {
    check(
        "done_callbacks",
        r#"
scenario "done callbacks" {
    config { runs = 3, time_scale = 0.01 }
    from concurrent.futures import ThreadPoolExecutor
    import threading

    go = threading.Event()
    seen = []
    def job() {
        go.wait()
        return 7
    }
    def cb(f) { seen.append((threading.current_thread().name, f.result())) }

    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="w") as ex {
        f = ex.submit(job)
        f.add_done_callback(cb)
        go.set()
    }

    expect {
        no deadlock
        final seen == [("w_0", 7)]
    }
}
"#,
    );
}

#[test]
fn wait_and_as_completed() {
    check(
        "wait_as_completed",
        r#"
scenario "wait and as_completed" {
    config { runs = 3, time_scale = 0.01 }
    from concurrent.futures import ThreadPoolExecutor, wait, as_completed, FIRST_COMPLETED
    import threading

    gate_a = threading.Event()
    gate_b = threading.Event()
    def job(gate, v) {
        gate.wait()
        return v
    }

    ex = ThreadPoolExecutor(max_workers=2)
    a = ex.submit(job, gate_a, "a")
    b = ex.submit(job, gate_b, "b")
    done, not_done = wait([a, b], timeout=0.2)
    sizes = [len(done), len(not_done)]
    gate_b.set()
    done, not_done = wait([a, b], return_when=FIRST_COMPLETED)
    first = [f.result() for f in done]
    msg = ""
    try { as_completed([a, b], timeout=0.2) } except TimeoutError as e { msg = str(e) }
    gate_a.set()
    order = [f.result() for f in as_completed([a, b])]
    done, not_done = wait([a, b])
    ex.shutdown()

    expect {
        no deadlock
        final sizes == [0, 2]
        final first == ["b"]
        final msg == "1 (of 2) futures unfinished"
        final order == ["b", "a"]
        final len(done) == 2 and not_done == []
    }
}
"#,
    );
}

#[test]
fn executor_map_orders_results_and_times_out() {
    check(
        "executor_map",
        r#"
scenario "executor.map" {
    config { runs = 3, time_scale = 0.01 }
    from concurrent.futures import ThreadPoolExecutor
    import threading
    import time

    def slow(x) {
        time.sleep(2 - x)
        return x * 10
    }
    def bad(x) {
        if x == 2 { raise ValueError(f"item {x}") }
        return x
    }

    with ThreadPoolExecutor(max_workers=3) as ex {
        got = ex.map(slow, [0, 1, 2])
        pairs = ex.map(pow, [2, 3], [3, 2])
        err = ""
        try { ex.map(bad, range(4)) } except ValueError as e { err = str(e) }
        timed_out = False
        try { ex.map(time.sleep, [5], timeout=0.5) } except TimeoutError { timed_out = True }
    }

    expect {
        no deadlock
        final got == [0, 10, 20]
        final pairs == [8, 9]
        final err == "item 2"
        final timed_out
    }
}
"#,
    );
}

#[test]
fn shutdown_cancel_futures_cancels_only_the_queued() {
    check(
        "cancel_futures",
        r#"
scenario "shutdown(cancel_futures=True)" {
    config { runs = 3, time_scale = 0.01 }
    from concurrent.futures import ThreadPoolExecutor
    import threading

    started = threading.Event()
    go = threading.Event()
    def job() {
        started.set()
        go.wait()
        return 1
    }
    ex = ThreadPoolExecutor(max_workers=1)
    running = ex.submit(job)
    queued = [ex.submit(job) for _ in range(3)]
    started.wait()
    ex.shutdown(wait=False, cancel_futures=True)
    go.set()
    r = running.result()
    flags = [f.cancelled() for f in queued]

    expect {
        no deadlock
        final r == 1
        final flags == [True, True, True]
    }
}
"#,
    );
}

#[test]
fn thread_pool_methods_and_errors() {
    check(
        "thread_pool",
        r#"
scenario "ThreadPool methods" {
    config { runs = 3, time_scale = 0.01 }
    from multiprocessing.dummy import Pool as ThreadPool
    import multiprocessing
    import threading

    go = threading.Event()
    def blocked() {
        go.wait()
        return "late"
    }
    def sq(x) { return x * x }
    def bad(x) {
        if x == 3 { raise ValueError("three") }
        return x
    }

    results = []
    errors = []
    pool = ThreadPool(2)
    one = pool.apply(sq, (4,))
    r = pool.apply_async(blocked, callback=results.append)
    not_ready = r.ready()
    r.wait(0.2)
    timed_out = False
    try { r.get(timeout=0.2) } except multiprocessing.TimeoutError { timed_out = True }
    go.set()
    late = r.get()
    m = pool.map_async(sq, range(5), callback=results.append)
    m.wait()
    e = pool.map_async(bad, range(5), chunksize=1, error_callback=lambda x: errors.append(str(x)))
    e.wait()
    it = pool.imap(bad, range(5))
    items = []
    for _ in range(5) {
        try { items.append(next(it)) } except ValueError as x { items.append(str(x)) }
    }
    stars = pool.starmap(pow, [(2, 2), (2, 5)])
    workers = pool.map(lambda x: threading.current_thread().name.endswith("(worker)"), range(4))
    pool.close()
    pool.join()

    expect {
        no deadlock
        final one == 16 and late == "late"
        final not_ready == False and timed_out
        final results == ["late", [0, 1, 4, 9, 16]]
        final errors == ["three"] and not e.successful()
        final items == [0, 1, 2, "three", 4]
        final stars == [4, 32]
        final workers == [True, True, True, True]
    }
}
"#,
    );
}

#[test]
fn with_thread_pool_terminates_and_refuses_new_work() {
    check(
        "thread_pool_with",
        r#"
scenario "with ThreadPool" {
    config { runs = 3, time_scale = 0.01 }
    from multiprocessing.pool import ThreadPool

    with ThreadPool(3) as pool {
        squares = pool.map(lambda x: x * x, range(6))
    }
    err = ""
    try { pool.apply_async(print, ("x",)) } except ValueError as e { err = str(e) }

    expect {
        no deadlock
        final squares == [0, 1, 4, 9, 16, 25]
        final err == "Pool not running"
    }
}
"#,
    );
}
