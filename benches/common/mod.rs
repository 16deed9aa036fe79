//! Helpers shared by the benchmarks: medians, and CPU time next to wall time (the
//! machines these run on are shared, so wall time alone overstates our cost).

#![allow(dead_code)] // each bench uses a different subset

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

/// The median of `v` (sorted in place).
pub fn median(v: &mut [f64]) -> f64 {
    v.sort_by(f64::total_cmp);
    let n = v.len();
    if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2.0
    }
}

/// The `p`-th percentile (0..=100) of `v`, nearest rank (sorted in place).
pub fn percentile(v: &mut [f64], p: f64) -> f64 {
    v.sort_by(f64::total_cmp);
    let rank = ((p / 100.0) * v.len() as f64).ceil() as usize;
    v[rank.clamp(1, v.len()) - 1]
}

/// CPU time (user + system) of this process and of its waited-for descendants.
pub fn cpu_self_and_children() -> Duration {
    rusage(libc::RUSAGE_SELF) + rusage(libc::RUSAGE_CHILDREN)
}

/// CPU time (user + system) of this process only.
pub fn cpu_self() -> Duration {
    rusage(libc::RUSAGE_SELF)
}

/// CPU time of the calling thread.
pub fn cpu_thread() -> Duration {
    rusage(libc::RUSAGE_THREAD)
}

fn rusage(who: libc::c_int) -> Duration {
    // SAFETY: `getrusage` writes a plain C struct we own; an all-zero `rusage` is valid.
    let mut ru: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: `ru` is a valid, writable `rusage`; `who` is one of the RUSAGE_* constants.
    unsafe { libc::getrusage(who, &mut ru) };
    let tv = |t: libc::timeval| Duration::new(t.tv_sec as u64, t.tv_usec as u32 * 1000);
    tv(ru.ru_utime) + tv(ru.ru_stime)
}

/// Wall and CPU time of one call of `f`, CPU measured by `cpu`.
pub fn timed(cpu: fn() -> Duration, f: impl FnOnce()) -> (Duration, Duration) {
    let (w0, c0) = (Instant::now(), cpu());
    f();
    (w0.elapsed(), cpu().saturating_sub(c0))
}

/// Runs `f` `n` times; the median wall and median CPU time, in ms.
pub fn median_ms(n: usize, cpu: fn() -> Duration, mut f: impl FnMut()) -> (f64, f64) {
    let (mut walls, mut cpus) = (Vec::new(), Vec::new());
    for _ in 0..n {
        let (w, c) = timed(cpu, &mut f);
        walls.push(w.as_secs_f64() * 1e3);
        cpus.push(c.as_secs_f64() * 1e3);
    }
    (median(&mut walls), median(&mut cpus))
}

/// CPython's figures from `benches/python/NAME.py`: the numbers on the last line of its
/// stdout, each the median over `reps` runs of the script; `None` if python3 is not
/// available (or the script printed nothing).
pub fn cpython(name: &str, args: &[&str], reps: usize) -> Option<Vec<f64>> {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("benches/python/{name}.py"));
    let mut runs = Vec::new();
    for _ in 0..reps {
        let out = Command::new("python3")
            .arg(&script)
            .args(args)
            .output()
            .ok()?;
        let text = String::from_utf8_lossy(&out.stdout);
        let nums: Vec<f64> = text
            .lines()
            .last()?
            .split_whitespace()
            .filter_map(|x| x.parse().ok())
            .collect();
        runs.push(nums);
    }
    let n = runs.first()?.len();
    Some(
        (0..n)
            .map(|i| median(&mut runs.iter().map(|r| r[i]).collect::<Vec<_>>()))
            .collect(),
    )
}

/// Prints CPython's figures from `cpython`.
pub fn show_cpython(what: &str, v: Option<Vec<f64>>) {
    match v {
        Some(v) => println!("  CPython {what}: {v:.1?}"),
        None => println!("  CPython {what}: (python3 not available)"),
    }
}
