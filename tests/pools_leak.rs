//! No pool worker outlives its run: after `interp run` returns, no process that carries
//! the run's environment marker is left, whether the pool was terminated, left open at
//! exit, or stuck in a deadlock the checker stopped.

mod pools_support;
use pools_support::{run_with_env, scenario_file};

/// Live processes whose environment holds `marker` (zombies included).
fn carrying(marker: &str) -> Vec<i32> {
    let needle = format!("POOLS_LEAK_MARKER={marker}");
    let mut found = Vec::new();
    for entry in std::fs::read_dir("/proc").unwrap().flatten() {
        let Some(pid) = entry
            .file_name()
            .to_str()
            .and_then(|s| s.parse::<i32>().ok())
        else {
            continue;
        };
        let Ok(env) = std::fs::read(format!("/proc/{pid}/environ")) else {
            continue;
        };
        if env.split(|b| *b == 0).any(|var| var == needle.as_bytes()) {
            found.push(pid);
        }
    }
    found
}

fn run_leaves_nothing(name: &str, text: &str, expect_rc: i32) {
    let marker = format!("{}-{name}", std::process::id());
    let path = scenario_file(name, text);
    let out = run_with_env(&path, &[("POOLS_LEAK_MARKER", &marker)]);
    let _ = std::fs::remove_file(&path);
    assert_eq!(
        out.status.code(),
        Some(expect_rc),
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    let left = carrying(&marker);
    assert!(left.is_empty(), "{name}: processes left behind: {left:?}");
}

#[test]
fn terminated_and_unclosed_pools_leave_no_process() {
    run_leaves_nothing(
        "terminate",
        r#"
scenario "pools at exit" {
    config { runs = 2, time_scale = 0.01 }
    from multiprocessing import Pool
    from concurrent.futures import ProcessPoolExecutor
    import time

    p = Pool(3)
    p.apply_async(time.sleep, (100,))
    p.terminate()
    left_open = Pool(2)
    left_open.apply_async(time.sleep, (100,))
    ex = ProcessPoolExecutor(2)
    f = ex.submit(pow, 2, 5)
    expect {
        no deadlock
        final f.result() == 32
    }
}
"#,
        0,
    );
}

#[test]
fn a_deadlocked_process_pool_leaves_no_process() {
    run_leaves_nothing(
        "deadlock",
        r#"
scenario "stuck on a pool task" {
    config { runs = 2, time_scale = 0.01, timeout = 3 }
    from multiprocessing import Pool, Event

    never = Event()
    def task() {
        never.wait()
        return 1
    }
    pool = Pool(2)
    r = pool.apply_async(task)
    print(r.get())
    expect {
        no deadlock
    }
}
"#,
        1,
    );
}
