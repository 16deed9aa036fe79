//! Issue 6: `map` of a trivial function over 10,000 items on 4 workers, as processes
//! (`Pool(4)`) and as threads (`ThreadPool(4)`, and `ThreadPoolExecutor(4)`: one task
//! per item), timed inside the scenario (the pool's creation and the map, not the run's
//! fork and teardown). Prints the median tasks/s of `RUNS` runs, then CPython's figures
//! for the same code (`benches/python/pool_map.py`, when python3 is on PATH) and the
//! ratios. `cargo bench --bench pool`.

mod common;

use std::time::Instant;

use interp::cli::load::load;
use interp::engine::run::{RunSettings, run_scenario};

const TASKS: usize = 10_000;
const RUNS: u32 = 5;

fn scenario(ctor: &str, import: &str, finish: &str) -> String {
    format!(
        "scenario \"bench\" {{\n\
         \x20   config {{ runs = {RUNS}, time_scale = 1.0, timeout = 120 }}\n\
         \x20   {import}\n\
         \x20   import time\n\
         \x20   def f(x) {{ return x + 1 }}\n\
         \x20   t0 = time.perf_counter()\n\
         \x20   pool = {ctor}(4)\n\
         \x20   out = pool.map(f, range({TASKS}))\n\
         \x20   t1 = time.perf_counter()\n\
         \x20   {finish}\n\
         \x20   print(t1 - t0, len(out), out[-1])\n\
         }}\n"
    )
}

/// Runs the scenario; prints and returns the median tasks/s of the timed section.
fn bench(name: &str, text: &str) -> f64 {
    let path = std::env::temp_dir().join(format!("pool-bench-{}-{name}.scn", std::process::id()));
    std::fs::write(&path, text).unwrap();
    let program = match load(&path, false) {
        Ok(p) => p,
        Err(_) => panic!("the bench scenario does not load"),
    };
    let settings = RunSettings::from_program(&program);
    let mut secs = Vec::new();
    let started = Instant::now();
    run_scenario(&program, &settings, |record| {
        let text: String = record.output.iter().map(|c| c.text.clone()).collect();
        let mut words = text.split_whitespace();
        let t: f64 = words
            .next()
            .and_then(|w| w.parse().ok())
            .unwrap_or(f64::NAN);
        assert_eq!(words.next(), Some(&*TASKS.to_string()), "{text}");
        assert_eq!(words.next(), Some(&*TASKS.to_string()), "{text}");
        secs.push(t);
    })
    .unwrap();
    let _ = std::fs::remove_file(&path);
    let median = common::median(&mut secs);
    let rate = TASKS as f64 / median;
    println!(
        "{name:<26} {rate:>10.0} tasks/s  (median {:.2} ms over {} runs, {:.2} s in all)",
        median * 1e3,
        secs.len(),
        started.elapsed().as_secs_f64()
    );
    rate
}

fn main() {
    let pools = [
        (
            "Pool(4).map",
            scenario(
                "Pool",
                "from multiprocessing import Pool",
                "pool.close(); pool.join()",
            ),
        ),
        (
            "ThreadPool(4).map",
            scenario(
                "ThreadPool",
                "from multiprocessing.pool import ThreadPool",
                "pool.close(); pool.join()",
            ),
        ),
        (
            "ThreadPoolExecutor(4).map",
            scenario(
                "ThreadPoolExecutor",
                "from concurrent.futures import ThreadPoolExecutor",
                "pool.shutdown()",
            ),
        ),
    ];
    println!("issue 6: map over {TASKS} trivial tasks on 4 workers (pool creation + map)");
    let ours: Vec<f64> = pools.iter().map(|(name, text)| bench(name, text)).collect();
    // The script takes the median of RUNS repetitions of each pool itself.
    let py = common::cpython("pool_map", &[&RUNS.to_string()], 1);
    common::show_cpython("tasks/s (Pool, ThreadPool, ThreadPoolExecutor)", py.clone());
    if let Some(py) = py.filter(|v| v.len() == ours.len()) {
        for ((name, _), (us, them)) in pools.iter().zip(ours.iter().zip(&py)) {
            println!("  {name:<26} interp / CPython = {:.1}x", us / them);
        }
    }
}
