//! Process pools on the real engine: `multiprocessing.Pool` and `ProcessPoolExecutor`,
//! with worker processes forked from the pool's creator.

mod pools_support;
use pools_support::check;

#[test]
fn pool_tasks_run_in_other_processes_with_forked_globals() {
    check(
        "pool_processes",
        r#"
scenario "pool workers are processes" {
    config { runs = 3, time_scale = 0.01 }
    from multiprocessing import Pool, current_process
    import os

    counter = 0
    def task(x) {
        global counter
        counter += 1
        return (os.getpid(), current_process().name, counter, x * 2)
    }

    me = os.getpid()
    with Pool(2) as pool {
        rows = pool.map(task, range(8), chunksize=4)
    }
    pids = []
    for r in rows {
        if r[0] not in pids { pids.append(r[0]) }
    }
    names_ok = [r[1].startswith("ForkPoolWorker-") for r in rows] == [True] * 8
    doubled = [r[3] for r in rows]

    expect {
        no deadlock
        final me not in pids and len(pids) >= 1 and len(pids) <= 2
        final names_ok
        final counter == 0
        final [r[2] for r in rows][:4] == [1, 2, 3, 4]
        final doubled == [0, 2, 4, 6, 8, 10, 12, 14]
    }
}
"#,
    );
}

#[test]
fn pool_callbacks_run_in_the_parent_before_get_returns() {
    check(
        "pool_callbacks",
        r#"
scenario "pool callbacks" {
    config { runs = 3, time_scale = 0.01 }
    from multiprocessing import Pool
    import os

    got = []
    errs = []
    def sq(x) { return x * x }
    def bad(x) { raise KeyError(x) }
    def on_result(v) { got.append((v, os.getpid())) }

    pool = Pool(2)
    r = pool.apply_async(sq, (3,), callback=on_result)
    v = r.get()
    seen_at_get = len(got)
    m = pool.map_async(bad, [1, 2], error_callback=lambda e: errs.append(isinstance(e, KeyError)))
    m.wait()
    ok = m.successful()
    msg = ""
    try { m.get() } except KeyError as e { msg = str(e) }
    pool.close()
    pool.join()

    expect {
        no deadlock
        final v == 9 and seen_at_get == 1
        final got[0][1] == os.getpid()
        final errs == [True] and ok == False
        final msg == "1" or msg == "2"
    }
}
"#,
    );
}

#[test]
fn terminate_kills_a_running_task_and_its_result_never_comes() {
    check(
        "pool_terminate",
        r#"
scenario "terminate" {
    config { runs = 3, time_scale = 0.01 }
    from multiprocessing import Pool, TimeoutError
    import time

    pool = Pool(1)
    r = pool.apply_async(time.sleep, (100,))
    t0 = time.time()
    pool.terminate()
    took = time.time() - t0
    timed_out = False
    try { r.get(timeout=1) } except TimeoutError { timed_out = True }
    err = ""
    try { pool.apply_async(time.sleep, (1,)) } except ValueError as e { err = str(e) }
    pool.join()

    expect {
        no deadlock
        final took < 10
        final timed_out
        final err == "Pool not running"
    }
}
"#,
    );
}

#[test]
fn process_pool_executor_results_errors_and_broken_pool() {
    check(
        "process_executor",
        r#"
scenario "ProcessPoolExecutor" {
    config { runs = 3, time_scale = 0.01 }
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool
    import os

    def sq(x) { return x * x }
    def fail() { raise KeyError("k") }
    def die() { os._exit(5) }

    with ProcessPoolExecutor(max_workers=2) as ex {
        one = ex.submit(sq, 7).result()
        many = ex.map(sq, range(6), chunksize=2)
        err = ""
        try { ex.submit(fail).result() } except KeyError as e { err = str(e) }
        pid = ex.submit(os.getpid).result()
    }
    broken = ""
    later = ""
    ex2 = ProcessPoolExecutor(max_workers=1)
    try { ex2.submit(die).result() } except BrokenProcessPool as e { broken = str(e) }
    try { ex2.submit(sq, 1) } except BrokenProcessPool as e { later = str(e) }
    try { ProcessPoolExecutor(0) } except ValueError as e { later = later + "|" + str(e) }

    expect {
        no deadlock
        final one == 49 and many == [0, 1, 4, 9, 16, 25]
        final err == "'k'"
        final pid != os.getpid()
        final broken == "A process in the process pool was terminated abruptly while the future was running or pending."
        final later == "A child process terminated abruptly, the process pool is not usable anymore|max_workers must be greater than 0"
    }
}
"#,
    );
}

#[test]
fn futures_cycle_across_process_pool_workers_is_not_called_a_hang() {
    // A task waiting on a future of a process pool from inside a worker cannot reach it
    // (futures do not cross processes): here a thread executor runs the cycle instead and
    // the checker must name it.
    check(
        "cycle3",
        r#"
scenario "three workers, a data cycle" {
    config { runs = 2, time_scale = 0.01 }
    from concurrent.futures import ThreadPoolExecutor
    import time

    def wait_on_b() {
        time.sleep(1)
        return b.result()
    }
    def wait_on_a() {
        time.sleep(1)
        return a.result()
    }
    executor = ThreadPoolExecutor(max_workers=3)
    a = executor.submit(wait_on_b)
    b = executor.submit(wait_on_a)

    expect {
        deadlock futures_cycle
    }
}
"#,
    );
}
