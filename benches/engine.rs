//! Issues 3, 4, 5 and 7: scenarios run through the real engine (the same `run_scenario`
//! `interp run` calls), next to the native and CPython equivalents.
//! `cargo bench --bench engine` (all), or `cargo bench --bench engine -- NAME...` with
//! NAME among `lock`, `constructs`, `thread`, `process`, `deadlock`, `idle`, `threads2`, `memory`,
//! `suite`. CPython numbers come from `benches/python/*.py` when `python3` is on PATH.
//!
//! The machine is shared: every figure is the median of several repetitions, and CPU
//! time (getrusage) is printed next to wall time, since wall time includes waiting for a
//! core.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use common::{cpu_self_and_children, cpu_thread, median, percentile, show_cpython, timed};
use interp::checker::run_record::{RunEnd, RunRecord};
use interp::engine::run::{RunSettings, run_scenario};
use interp::plan::ir::Program;
use interp::syntax::span::SourceFile;

const REPS: usize = 5;

fn plan(name: &str, text: &str) -> Arc<Program> {
    let file = Arc::new(SourceFile::new(name, text.to_string()));
    let ast = interp::syntax::parse_scenario(&file).unwrap_or_else(|_| panic!("{name} parses"));
    Arc::new(interp::plan::build(file, &ast).unwrap_or_else(|_| panic!("{name} plans")))
}

/// Runs `p` `runs` times; every record goes to `each`.
fn run(p: &Arc<Program>, runs: u32, each: impl FnMut(RunRecord)) {
    run_jobs(p, runs, 1, each);
}

/// Runs `p` `runs` times, `jobs` at once (`--jobs`); every record goes to `each`.
fn run_jobs(p: &Arc<Program>, runs: u32, jobs: u32, each: impl FnMut(RunRecord)) {
    let mut s = RunSettings::from_program(p);
    s.runs = runs;
    s.jobs = jobs;
    run_scenario(p, &s, each).expect("the engine runs");
}

/// Wall and CPU (this process and its reaped children: the supervisor and the scenario)
/// of `runs` runs, in ms; every run must complete.
fn run_timed(p: &Arc<Program>, runs: u32) -> (f64, f64) {
    run_timed_jobs(p, runs, 1)
}

/// `run_timed` with `jobs` runs at once.
fn run_timed_jobs(p: &Arc<Program>, runs: u32, jobs: u32) -> (f64, f64) {
    let (w, c) = timed(cpu_self_and_children, || {
        run_jobs(p, runs, jobs, |r| {
            assert!(
                matches!(r.end, RunEnd::Completed),
                "run did not complete: {:?}",
                r.end
            )
        })
    });
    (w.as_secs_f64() * 1e3, c.as_secs_f64() * 1e3)
}

/// Median over `REPS` of `run_timed`.
fn median_run(p: &Arc<Program>, runs: u32) -> (f64, f64) {
    let (mut ws, mut cs): (Vec<f64>, Vec<f64>) = (0..REPS).map(|_| run_timed(p, runs)).unzip();
    (median(&mut ws), median(&mut cs))
}

fn lock_loop(n: u64) -> String {
    format!(
        r#"scenario "lock loop" {{
    config {{ runs = 1, timeout = 600 }}
    import threading
    v = 0
    lock = threading.Lock()
    def work(n) {{
        global v
        for _ in range(n) {{
            with lock {{ v += 1 }}
        }}
    }}
    t1 = threading.Thread(target=work, args=({n},))
    t2 = threading.Thread(target=work, args=({n},))
    t1.start(); t2.start()
    t1.join(); t2.join()
    expect {{ final v == {} }}
}}"#,
        2 * n
    )
}

/// CPython's figures from `benches/python/NAME.py`, medians over `REPS` (see
/// `common::cpython`).
fn cpython(name: &str, args: &[&str]) -> Option<Vec<f64>> {
    common::cpython(name, args, REPS)
}

/// Issue 3: `with lock: v += 1` in 2 threads.
fn bench_lock() {
    const N: u64 = 1_000_000;
    println!("issue 3: 2 threads x {N} iterations of `with lock: v += 1` (median of {REPS})");
    let (w0, c0) = median_run(&plan("lock0", &lock_loop(0)), 1);
    let (w, c) = median_run(&plan("lock", &lock_loop(N)), 1);
    let per = |total: f64, base: f64| (total - base) * 1e6 / (2 * N) as f64;
    println!(
        "  interp: {:.1} ns/iter wall, {:.1} ns/iter CPU (fixed cost of the run subtracted: {w0:.1} ms wall)",
        per(w, w0),
        per(c, c0)
    );
    let m = Mutex::new(0u64);
    let (mut ws, mut cs) = (Vec::new(), Vec::new());
    for _ in 0..REPS {
        let (w, c) = timed(common::cpu_self, || {
            std::thread::scope(|s| {
                for _ in 0..2 {
                    s.spawn(|| {
                        for _ in 0..N {
                            *std::hint::black_box(&m).lock().unwrap() += 1;
                        }
                    });
                }
            })
        });
        ws.push(w.as_nanos() as f64 / (2 * N) as f64);
        cs.push(c.as_nanos() as f64 / (2 * N) as f64);
    }
    println!(
        "  native std Mutex: {:.1} ns/iter wall, {:.1} ns/iter CPU",
        median(&mut ws),
        median(&mut cs)
    );
    show_cpython(
        "threading.Lock, ns/iter [wall, CPU]",
        cpython("lock_loop", &["1000000"]),
    );
}

/// Single statements in a one-thread loop: what each construct costs.
const CONSTRUCTS: [(&str, &str); 6] = [
    ("pass", "pass"),
    ("w += 1 (local)", "w += 1"),
    ("v += 1 (global)", "v += 1"),
    ("with lock: pass", "with lock { pass }"),
    ("with lock: v += 1", "with lock { v += 1 }"),
    (
        "lock.acquire(); lock.release()",
        "lock.acquire(); lock.release()",
    ),
];

fn construct_loop(body: &str, n: u64) -> String {
    format!(
        r#"scenario "construct" {{
    config {{ runs = 1, timeout = 600 }}
    import threading
    v = 0
    lock = threading.Lock()
    def f(n) {{
        global v
        w = 0
        for _ in range(n) {{ {body} }}
    }}
    f({n})
    expect {{ final v >= 0 }}
}}"#
    )
}

/// Issue 3: CPU per iteration of single statements, one thread, against CPython.
fn bench_constructs() {
    const N: u64 = 1_000_000;
    println!("issue 3: CPU ns per loop iteration, one thread, {N} iterations (median of {REPS})");
    let py = cpython("constructs", &[]);
    let (_, base) = median_run(&plan("c0", &construct_loop("pass", 0)), 1);
    for (i, (name, body)) in CONSTRUCTS.iter().enumerate() {
        let (_, c) = median_run(&plan(name, &construct_loop(body, N)), 1);
        let ours = (c - base) * 1e6 / N as f64;
        match py.as_ref().and_then(|p| p.get(i)) {
            Some(p) => println!("  {name:32} interp {ours:6.1} ns   CPython {p:6.1} ns"),
            None => println!("  {name:32} interp {ours:6.1} ns"),
        }
    }
}

const EMPTY: &str = r#"scenario "empty" { config { runs = 1 }
    v = 0
    expect { final v == 0 } }"#;

const ONE_THREAD: &str = r#"scenario "one thread" { config { runs = 1 }
    import threading
    def f() { pass }
    t = threading.Thread(target=f)
    t.start(); t.join()
    expect { final not t.is_alive() } }"#;

/// Issue 3: what one thread costs in a run, against a bare spawn+join. The empty and
/// the one-thread runs alternate, and the thread's cost is the median of the paired
/// differences, so a load spike on the shared machine hits both sides of a pair.
fn bench_thread() {
    const RUNS: u32 = 200;
    println!("issue 3: cost of a thread in a scenario run ({RUNS} runs, median of {REPS} pairs)");
    let (empty, thread) = (plan("empty", EMPTY), plan("thread", ONE_THREAD));
    let r = f64::from(RUNS);
    let (mut base, mut with, mut dw, mut dc) = (vec![], vec![], vec![], vec![]);
    for _ in 0..REPS {
        let (we, ce) = run_timed(&empty, RUNS);
        let (wt, ct) = run_timed(&thread, RUNS);
        base.push(ce * 1e3 / r);
        with.push(ct * 1e3 / r);
        dw.push((wt - we) * 1e3 / r);
        dc.push((ct - ce) * 1e3 / r);
    }
    println!(
        "  CPU per run: empty {:.0} us, with one thread {:.0} us; the thread: {:.0} us wall, {:.0} us CPU",
        median(&mut base),
        median(&mut with),
        median(&mut dw),
        median(&mut dc)
    );
    let mut v: Vec<f64> = (0..REPS)
        .map(|_| {
            let t = Instant::now();
            for _ in 0..1000 {
                std::thread::spawn(|| {}).join().unwrap();
            }
            t.elapsed().as_secs_f64() * 1e6 / 1000.0
        })
        .collect();
    println!("  bare std::thread spawn+join: {:.1} us", median(&mut v));
}

const TWO_PROCESSES: &str = r#"scenario "two processes" { config { runs = 1 }
    import multiprocessing as mp
    def job(v, n) { with v.get_lock() { v.value += n } }
    v = mp.Value('i', 0)
    p1 = mp.Process(target=job, args=(v, 1))
    p2 = mp.Process(target=job, args=(v, 2))
    p1.start(); p2.start()
    p1.join(); p2.join()
    expect { final v.value == 3 } }"#;

const TWO_THREADS: &str = r#"scenario "two threads" { config { runs = 1 }
    import threading
    v = 0
    def job(n) { global v; v += n }
    t1 = threading.Thread(target=job, args=(1,))
    t2 = threading.Thread(target=job, args=(2,))
    t1.start(); t2.start()
    t1.join(); t2.join()
    expect { final v == 3 } }"#;

/// `fork`, `_exit(0)` in the child, `waitpid`: the floor of a process scenario run.
fn bare_forks(n: u32) -> f64 {
    let t = Instant::now();
    for _ in 0..n {
        // SAFETY: the child calls only `_exit`, which is async-signal-safe.
        let pid = unsafe { libc::fork() };
        if pid == 0 {
            // SAFETY: ends the child at once without running any Rust code.
            unsafe { libc::_exit(0) };
        }
        assert!(pid > 0, "fork failed");
        let mut status = 0;
        // SAFETY: `pid` is our child; `status` is a valid out pointer.
        unsafe { libc::waitpid(pid, &mut status, 0) };
    }
    t.elapsed().as_secs_f64() * 1e6 / f64::from(n)
}

/// Issue 4: runs/s of a 2-process scenario, against CPython and bare forks.
fn bench_process() {
    const RUNS: u32 = 1000;
    println!("issue 4/7: 2-process scenario, --runs {RUNS} (median of {REPS})");
    let p = plan("2p", TWO_PROCESSES);
    let (w, c) = median_run(&p, RUNS);
    let per_run = w * 1e3 / f64::from(RUNS);
    println!(
        "  interp: {:.0} runs/s wall ({per_run:.0} us/run), CPU {:.0} us/run",
        f64::from(RUNS) * 1e3 / w,
        c * 1e3 / f64::from(RUNS)
    );
    // Both cores busy: what `--jobs 2` gives a user on this machine.
    let (mut ws, mut cs): (Vec<f64>, Vec<f64>) =
        (0..REPS).map(|_| run_timed_jobs(&p, RUNS, 2)).unzip();
    let (w2, c2) = (median(&mut ws), median(&mut cs));
    println!(
        "  interp --jobs 2: {:.0} runs/s wall ({:.0} us/run), CPU {:.0} us/run",
        f64::from(RUNS) * 1e3 / w2,
        w2 * 1e3 / f64::from(RUNS),
        c2 * 1e3 / f64::from(RUNS)
    );
    let mut v: Vec<f64> = (0..REPS).map(|_| bare_forks(1000)).collect();
    let fork = median(&mut v);
    println!(
        "  bare fork+_exit+waitpid: {fork:.0} us; a run costs {:.1} bare forks",
        per_run / fork
    );
    show_cpython(
        "2 mp.Process + mp.Value, runs/s [wall]",
        cpython("two_processes", &["300"]),
    );
}

/// Issue 7: runs/s of a 2-thread scenario.
fn bench_threads2() {
    const RUNS: u32 = 1000;
    println!("issue 7: 2-thread scenario, --runs {RUNS} (median of {REPS})");
    let (w, c) = median_run(&plan("2t", TWO_THREADS), RUNS);
    println!(
        "  interp: {:.0} runs/s wall ({:.0} us/run), CPU {:.0} us/run",
        f64::from(RUNS) * 1e3 / w,
        w * 1e3 / f64::from(RUNS),
        c * 1e3 / f64::from(RUNS)
    );
}

const CYCLE: &str = r#"scenario "cycle" { config { runs = 1 }
    import threading
    a = threading.Lock()
    b = threading.Lock()
    both = threading.Barrier(2)
    def left() { with a { both.wait(); with b { pass } } }
    def right() { with b { both.wait(); with a { pass } } }
    t1 = threading.Thread(target=left)
    t2 = threading.Thread(target=right)
    t1.start(); t2.start()
    t1.join(); t2.join()
    expect { deadlock lock_cycle [t1, t2] } }"#;

/// The same threads and barrier, taking the locks in one order: no deadlock.
const NO_CYCLE: &str = r#"scenario "no cycle" { config { runs = 1 }
    import threading
    a = threading.Lock()
    b = threading.Lock()
    both = threading.Barrier(2)
    def left() { both.wait(); with a { with b { pass } } }
    def right() { both.wait(); with a { with b { pass } } }
    t1 = threading.Thread(target=left)
    t2 = threading.Thread(target=right)
    t1.start(); t2.start()
    t1.join(); t2.join()
    expect { no deadlock } }"#;

/// Issue 5: from the deadlock forming to its report.
fn bench_deadlock() {
    const RUNS: u32 = 100;
    println!("issue 5: deadlock detection latency, lock cycle, {RUNS} runs");
    let (mut after, mut wall) = (Vec::new(), Vec::new());
    run(&plan("cycle", CYCLE), RUNS, |r| match r.end {
        RunEnd::Deadlock(d) => {
            after.push(d.after.as_secs_f64() * 1e3);
            wall.push(r.duration.as_secs_f64() * 1e3);
        }
        other => panic!("expected a deadlock, got {other:?}"),
    });
    let mut base = Vec::new();
    run(&plan("no cycle", NO_CYCLE), RUNS, |r| {
        base.push(r.duration.as_secs_f64() * 1e3)
    });
    let b = median(&mut base);
    println!(
        "  report 'after': median {:.1} ms, p99 {:.1} ms; run wall: median {:.1} ms, p99 {:.1} ms",
        median(&mut after.clone()),
        percentile(&mut after, 99.0),
        median(&mut wall.clone()),
        percentile(&mut wall, 99.0)
    );
    println!(
        "  the same run without the cycle takes {b:.1} ms (median): latency ~ wall - that: \
         median {:.1} ms, p99 {:.1} ms",
        median(&mut wall.clone()) - b,
        percentile(&mut wall, 99.0) - b
    );
}

const SLEEPER: &str = r#"scenario "sleeper" { config { runs = 1, time_scale = 1 }
    import time
    time.sleep(2)
    expect { no deadlock } }"#;

/// Issue 5: the supervisor's (checker's) CPU while the scenario sleeps.
fn bench_idle() {
    println!("issue 5: supervisor CPU while a scenario sleeps 2 s (median of 3)");
    let p = plan("sleeper", SLEEPER);
    let mut v: Vec<f64> = (0..3)
        .map(|_| {
            let (w, c) = timed(cpu_thread, || run(&p, 1, |_| {}));
            c.as_secs_f64() / w.as_secs_f64() * 100.0
        })
        .collect();
    println!("  supervisor thread CPU: {:.2} % of a core", median(&mut v));
}

fn interp_bin() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("target/release/interp")
}

/// Issue 7: `interp test scenarios/`, through the release binary.
fn bench_suite() {
    let bin = interp_bin();
    if !bin.exists() {
        println!("issue 7: build target/release/interp first (cargo build --release)");
        return;
    }
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios");
    let mut summary = String::new();
    let mut v: Vec<f64> = (0..3)
        .map(|_| {
            let t = Instant::now();
            let out = Command::new(&bin).arg("test").arg(&dir).output().unwrap();
            let wall = t.elapsed().as_secs_f64();
            let text = String::from_utf8_lossy(&out.stdout).into_owned();
            summary = text.lines().last().unwrap_or("").to_string();
            for failed in text.lines().filter(|l| l.contains(" FAIL ")) {
                println!("  {failed}");
            }
            wall
        })
        .collect();
    println!(
        "issue 7: `interp test scenarios/`: {:.2} s wall (median of 3); last: {summary}",
        median(&mut v)
    );
}

/// Peak RSS (VmHWM, KiB) of `interp run FILE` and of every process under it, read from
/// /proc while it runs: (interp itself, the largest scenario process).
fn peak_rss(file: &Path, extra: &[&str]) -> (u64, u64) {
    let mut child = Command::new(interp_bin())
        .arg("run")
        .arg(file)
        .args(extra)
        .stdout(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let (mut sup, mut scen) = (0, 0);
    loop {
        sup = sup.max(vm_hwm(child.id()).unwrap_or(0));
        for pid in descendants(child.id()) {
            scen = scen.max(vm_hwm(pid).unwrap_or(0));
        }
        if child.try_wait().unwrap().is_some() {
            return (sup, scen);
        }
        std::thread::sleep(Duration::from_millis(2));
    }
}

fn vm_hwm(pid: u32) -> Option<u64> {
    let s = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = s.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

fn descendants(pid: u32) -> Vec<u32> {
    let mut out = Vec::new();
    let mut todo = vec![pid];
    while let Some(p) = todo.pop() {
        let Ok(tasks) = std::fs::read_dir(format!("/proc/{p}/task")) else {
            continue;
        };
        for t in tasks.flatten() {
            let kids = std::fs::read_to_string(t.path().join("children")).unwrap_or_default();
            for k in kids.split_whitespace().filter_map(|k| k.parse().ok()) {
                out.push(k);
                todo.push(k);
            }
        }
    }
    out
}

/// Issues 3 and 7: peak memory of a small 2-thread run, and flat memory over many runs.
fn bench_memory() {
    if !interp_bin().exists() {
        println!("memory: build target/release/interp first (cargo build --release)");
        return;
    }
    let dir = std::env::temp_dir().join(format!("interp-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    // The main process sleeps at the end so its peak can be read while it lives.
    let small = dir.join("small.scn");
    std::fs::write(
        &small,
        TWO_THREADS
            .replace(
                "t1.join(); t2.join()",
                "t1.join(); t2.join()\n    import time\n    time.sleep(0.3)",
            )
            .replace("config { runs = 1 }", "config { runs = 1, time_scale = 1 }"),
    )
    .unwrap();
    let (sup, main) = peak_rss(&small, &[]);
    println!(
        "issue 3: peak RSS, small 2-thread scenario: interp (supervisor) {:.1} MiB, forked main {:.1} MiB",
        sup as f64 / 1024.0,
        main as f64 / 1024.0
    );
    let two = dir.join("two.scn");
    std::fs::write(&two, TWO_THREADS).unwrap();
    for runs in ["1000", "100000"] {
        let t = Instant::now();
        let (sup, main) = peak_rss(&two, &["--runs", runs]);
        println!(
            "issue 7: 2-thread scenario --runs {runs}: interp peak {:.1} MiB, scenario process peak {:.1} MiB ({:.1} s)",
            sup as f64 / 1024.0,
            main as f64 / 1024.0,
            t.elapsed().as_secs_f64()
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
}

fn main() {
    let picked: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with('-'))
        .collect();
    let all: [(&str, fn()); 9] = [
        ("lock", bench_lock),
        ("constructs", bench_constructs),
        ("thread", bench_thread),
        ("process", bench_process),
        ("threads2", bench_threads2),
        ("deadlock", bench_deadlock),
        ("idle", bench_idle),
        ("suite", bench_suite),
        ("memory", bench_memory),
    ];
    for (name, f) in all {
        if picked.is_empty() || picked.iter().any(|p| p == name) {
            f();
        }
    }
}
