//! `pool.map` over 10,000 trivial tasks on 4 workers, as processes (`Pool(4)`) and as
//! threads (`ThreadPool(4)`, and `ThreadPoolExecutor(4)`: one task per item), timed inside the scenario (the pool's creation and the map,
//! not the run's fork and teardown). Prints the median tasks/s of 5 runs.
//! `cargo bench --bench pool`.

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

/// Median seconds of the timed section over the runs.
fn bench(name: &str, text: &str) {
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
        secs.push(t);
    })
    .unwrap();
    let _ = std::fs::remove_file(&path);
    secs.sort_by(f64::total_cmp);
    let median = secs[secs.len() / 2];
    println!(
        "{name:<24} {:>10.0} tasks/s  (median map {:.1} ms over {} runs, {:.2} s in all)",
        TASKS as f64 / median,
        median * 1e3,
        secs.len(),
        started.elapsed().as_secs_f64()
    );
}

fn main() {
    bench(
        "Pool(4).map",
        &scenario(
            "Pool",
            "from multiprocessing import Pool",
            "pool.close(); pool.join()",
        ),
    );
    bench(
        "ThreadPool(4).map",
        &scenario(
            "ThreadPool",
            "from multiprocessing.pool import ThreadPool",
            "pool.close(); pool.join()",
        ),
    );
    bench(
        "ThreadPoolExecutor(4).map",
        &scenario(
            "ThreadPoolExecutor",
            "from concurrent.futures import ThreadPoolExecutor",
            "pool.shutdown()",
        ),
    );
}
