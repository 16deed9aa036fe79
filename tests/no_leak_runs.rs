//! The leak guarantees of real `interp` runs: whatever way a run ends (completes,
//! deadlocks across processes, hangs until the time limit, hits a cap, `interp` gets
//! SIGINT or SIGKILL), no process of it is left, not even a zombie, and no shared memory
//! file appears under /dev/shm (the arena is an anonymous mapping).
//!
//! Each body runs in a witness (`supervisor_support`): a subreaper that stays the
//! ancestor of everything the run starts, so a leak cannot escape by reparenting, and
//! that ends the body by checking it has no child left at all. `interp` is started in a
//! session of its own (`setsid`), and every scenario process it forks stays in that
//! session: the session id finds the run's processes in /proc.

#[macro_use]
mod supervisor_support;

use std::collections::BTreeSet;
use std::fs;
use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

use nix::sys::signal::{Signal, kill};
use nix::unistd::Pid;
use supervisor_support::{Outcome, in_witness, reap_all_children};

/// A process of a run's session, as /proc shows it.
struct Proc {
    pid: i32,
    /// The state letter of /proc/<pid>/stat (`Z` for a zombie).
    state: char,
    name: String,
}

impl std::fmt::Debug for Proc {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} ({}, state {})", self.pid, self.name, self.state)
    }
}

/// Every process (zombies included) of session `sid`.
fn session(sid: i32) -> Vec<Proc> {
    let mut found = Vec::new();
    let Ok(entries) = fs::read_dir("/proc") else {
        return found;
    };
    for entry in entries.flatten() {
        let Some(pid) = entry.file_name().to_str().and_then(|s| s.parse().ok()) else {
            continue;
        };
        let Ok(stat) = fs::read_to_string(format!("/proc/{pid}/stat")) else {
            continue;
        };
        let (Some(open), Some(close)) = (stat.find('('), stat.rfind(')')) else {
            continue;
        };
        // After the name: state, ppid, pgrp, session.
        let fields: Vec<&str> = stat[close + 1..].split_whitespace().collect();
        if fields.get(3).and_then(|s| s.parse::<i32>().ok()) == Some(sid) {
            found.push(Proc {
                pid,
                state: fields[0].chars().next().unwrap_or('?'),
                name: stat[open + 1..close].to_string(),
            });
        }
    }
    found
}

/// The entries of /dev/shm.
fn shm_entries() -> BTreeSet<String> {
    fs::read_dir("/dev/shm")
        .map(|d| {
            d.flatten()
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default()
}

/// A running `interp`, in a session of its own, its output going to files.
struct Interp {
    child: Child,
    out: tempfile::TempDir,
}

impl Interp {
    /// `interp args...` run in `dir`.
    fn start(dir: &Path, args: &[&str]) -> Interp {
        let out = tempfile::tempdir().unwrap();
        let stdout = fs::File::create(out.path().join("stdout")).unwrap();
        let stderr = fs::File::create(out.path().join("stderr")).unwrap();
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_interp"));
        cmd.args(args)
            .current_dir(dir)
            .stdin(Stdio::null())
            .stdout(stdout)
            .stderr(stderr);
        // SAFETY: the closure runs between fork and exec and only calls setsid, which
        // is async-signal-safe.
        unsafe {
            cmd.pre_exec(|| {
                if libc::setsid() < 0 {
                    return Err(std::io::Error::last_os_error());
                }
                Ok(())
            });
        }
        Interp {
            child: cmd.spawn().unwrap(),
            out,
        }
    }

    /// The session id (interp leads its session).
    fn sid(&self) -> i32 {
        self.child.id() as i32
    }

    /// Waits until at least `n` processes are in the session; returns them.
    fn wait_processes(&self, n: usize, timeout: Duration) -> Result<Vec<Proc>, String> {
        let deadline = Instant::now() + timeout;
        loop {
            let procs = session(self.sid());
            if procs.len() >= n {
                return Ok(procs);
            }
            if Instant::now() >= deadline {
                return Err(format!("only {procs:?} came up"));
            }
            std::thread::sleep(Duration::from_millis(5));
        }
    }

    fn signal(&self, signal: Signal) {
        kill(Pid::from_raw(self.sid()), signal).unwrap();
    }

    /// Waits for `interp` to exit, at most `timeout`.
    fn wait(&mut self, timeout: Duration) -> Result<ExitStatus, String> {
        let deadline = Instant::now() + timeout;
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return Ok(status);
            }
            if Instant::now() >= deadline {
                let _ = self.child.kill();
                let _ = self.child.wait();
                return Err(format!(
                    "interp still running after {timeout:?}; stdout:\n{}",
                    self.stdout()
                ));
            }
            std::thread::sleep(Duration::from_millis(5));
        }
    }

    fn stdout(&self) -> String {
        fs::read_to_string(self.out.path().join("stdout")).unwrap_or_default()
    }

    fn stderr(&self) -> String {
        fs::read_to_string(self.out.path().join("stderr")).unwrap_or_default()
    }
}

/// After `interp` exited: within `timeout`, no process of its session is left (what the
/// witness adopted is reaped as it ends, so a zombie would also count).
fn session_gone(sid: i32, timeout: Duration) -> Outcome {
    let deadline = Instant::now() + timeout;
    loop {
        reap_all_children(Duration::ZERO);
        let left = session(sid);
        if left.is_empty() {
            return Ok(());
        }
        ensure!(
            Instant::now() < deadline,
            "{timeout:?} after interp ended, its session still has {left:?}"
        );
        std::thread::sleep(Duration::from_millis(2));
    }
}

/// No process of the run maps a file under /dev/shm.
fn no_shm_mapping(procs: &[Proc]) -> Outcome {
    for p in procs {
        let maps = fs::read_to_string(format!("/proc/{}/maps", p.pid)).unwrap_or_default();
        ensure!(
            !maps.contains("/dev/shm/"),
            "{p:?} maps a /dev/shm file:\n{maps}"
        );
    }
    Ok(())
}

fn scenarios() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios"))
}

/// Runs `interp args...` in `dir` to its end (at most `timeout`) and checks that nothing
/// of the run is left; returns its exit code and stdout.
fn run_to_end(dir: &Path, args: &[&str], timeout: Duration) -> Result<(i32, String), String> {
    let shm_before = shm_entries();
    let mut interp = Interp::start(dir, args);
    let status = interp.wait(timeout)?;
    session_gone(interp.sid(), Duration::from_millis(500))?;
    let new_shm: Vec<String> = shm_entries().difference(&shm_before).cloned().collect();
    ensure!(new_shm.is_empty(), "new /dev/shm entries: {new_shm:?}");
    let code = status.code().ok_or(format!("interp died: {status:?}"))?;
    ensure!(
        interp.stderr().is_empty(),
        "stderr of interp {args:?}:\n{}",
        interp.stderr()
    );
    Ok((code, interp.stdout()))
}

/// Writes `text` as `name` into a fresh directory.
fn scenario_dir(name: &str, text: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join(name), text).unwrap();
    dir
}

#[test]
fn a_completed_run_with_processes_and_threads_leaves_nothing() {
    let text = r#"scenario "processes with threads" {
    config { runs = 3 }
    import threading
    import multiprocessing as mp

    def spin(q, n) {
        q.put(n)
    }

    def child(q, k) {
        ts = [threading.Thread(target=spin, args=(q, k * 10 + i)) for i in range(2)]
        for t in ts { t.start() }
        for t in ts { t.join() }
    }

    q = mp.Queue()
    ps = [mp.Process(target=child, args=(q, k)) for k in range(2)]
    for p in ps { p.start() }
    got = sorted([q.get() for _ in range(4)])
    for p in ps { p.join() }
    print(got)

    expect {
        no deadlock
        output "[0, 1, 10, 11]\n"
    }
}
"#;
    let dir = scenario_dir("tree.scn", text);
    in_witness(|_| -> Outcome {
        let (code, out) = run_to_end(dir.path(), &["run", "tree.scn"], Duration::from_secs(10))?;
        ensure!(code == 0, "exit {code}:\n{out}");
        ensure!(out.contains("run ends: 3 completed"), "{out}");
        Ok(())
    });
}

#[test]
fn a_queue_deadlock_between_processes_leaves_nothing() {
    in_witness(|_| -> Outcome {
        let (code, out) = run_to_end(
            scenarios(),
            &["run", "queue_deadlock.toml"],
            Duration::from_secs(10),
        )?;
        ensure!(code == 0, "exit {code}:\n{out}");
        ensure!(out.contains("3 deadlock (join_before_drain)"), "{out}");
        Ok(())
    });
}

#[test]
fn a_lock_cycle_between_processes_leaves_nothing() {
    let text = r#"scenario "processes take two locks in opposite orders" {
    config { runs = 2 }
    import multiprocessing as mp

    def left(a, b, both) {
        with a {
            both.wait()
            with b { print("left got both") }
        }
    }

    def right(a, b, both) {
        with b {
            both.wait()
            with a { print("right got both") }
        }
    }

    lock_a = mp.Lock()
    lock_b = mp.Lock()
    both = mp.Barrier(2)
    p1 = mp.Process(target=left, args=(lock_a, lock_b, both))
    p2 = mp.Process(target=right, args=(lock_a, lock_b, both))
    p1.start(); p2.start()
    p1.join(); p2.join()

    expect {
        deadlock lock_cycle [p1, p2]
    }
}
"#;
    let dir = scenario_dir("cycle.scn", text);
    in_witness(|_| -> Outcome {
        let (code, out) = run_to_end(dir.path(), &["run", "cycle.scn"], Duration::from_secs(10))?;
        ensure!(code == 0, "exit {code}:\n{out}");
        ensure!(out.contains("run ends: 2 deadlock (lock_cycle)"), "{out}");
        Ok(())
    });
}

#[test]
fn a_hang_until_the_time_limit_leaves_nothing() {
    in_witness(|_| -> Outcome {
        let (code, out) = run_to_end(
            scenarios(),
            &["run", "process_forever.scn"],
            Duration::from_secs(10),
        )?;
        ensure!(code == 0, "exit {code}:\n{out}");
        ensure!(out.contains("run ends: 1 hang"), "{out}");
        Ok(())
    });
}

/// `process_forever.scn` with a long time limit, once its main process and both
/// children are up (4 processes with interp), with no /dev/shm mapping among them.
fn forever_running() -> Result<Interp, String> {
    let interp = Interp::start(
        scenarios(),
        &[
            "run",
            "process_forever.scn",
            "--timeout",
            "30",
            "--runs",
            "3",
        ],
    );
    let procs = interp.wait_processes(4, Duration::from_secs(5))?;
    no_shm_mapping(&procs)?;
    Ok(interp)
}

#[test]
fn sigint_stops_the_run_with_a_partial_report_and_leaves_nothing() {
    in_witness(|_| -> Outcome {
        let shm_before = shm_entries();
        let mut interp = forever_running()?;
        interp.signal(Signal::SIGINT);
        let status = interp.wait(Duration::from_secs(3))?;
        session_gone(interp.sid(), Duration::from_millis(500))?;
        let out = interp.stdout();
        // The hang claim cannot hold in an interrupted run: a claim failed.
        ensure!(status.code() == Some(1), "{status:?}:\n{out}");
        ensure!(out.contains("1 runs of 3 planned"), "{out}");
        ensure!(out.contains("run ends: 1 interrupted"), "{out}");
        ensure!(out.contains("我是进程 0"), "no output of the run:\n{out}");
        let new_shm: Vec<String> = shm_entries().difference(&shm_before).cloned().collect();
        ensure!(new_shm.is_empty(), "new /dev/shm entries: {new_shm:?}");
        Ok(())
    });
}

#[test]
fn sigkilled_interp_leaves_nothing() {
    in_witness(|_| -> Outcome {
        let shm_before = shm_entries();
        let mut interp = forever_running()?;
        interp.signal(Signal::SIGKILL);
        let status = interp.wait(Duration::from_secs(3))?;
        ensure!(status.code().is_none(), "interp was not killed: {status:?}");
        // The scenario processes die by their parent-death signals; the witness adopts
        // and reaps them.
        session_gone(interp.sid(), Duration::from_secs(1))?;
        let new_shm: Vec<String> = shm_entries().difference(&shm_before).cloned().collect();
        ensure!(new_shm.is_empty(), "new /dev/shm entries: {new_shm:?}");
        Ok(())
    });
}

/// Runs a scenario that never stops creating actors: it must end quickly, fail, name
/// the cap and the line, and leave nothing.
fn bomb(text: &str, cap: &str, line: &str) {
    let dir = scenario_dir("bomb.scn", text);
    in_witness(|_| -> Outcome {
        let started = Instant::now();
        let (code, out) = run_to_end(dir.path(), &["run", "bomb.scn"], Duration::from_secs(10))?;
        ensure!(
            started.elapsed() < Duration::from_secs(5),
            "took {:?}",
            started.elapsed()
        );
        ensure!(code == 1, "exit {code}:\n{out}");
        ensure!(out.contains("run ends: 1 cap exceeded"), "{out}");
        ensure!(out.contains(cap), "no {cap:?} in\n{out}");
        ensure!(out.contains(line), "no {line:?} in\n{out}");
        ensure!(
            out.contains("FAILED: 1 of 1 runs stopped by a cap"),
            "{out}"
        );
        Ok(())
    });
}

#[test]
fn a_fork_bomb_is_stopped_at_the_process_cap() {
    bomb(
        r#"scenario "fork bomb" {
    import os
    while True {
        os.fork()
    }
}
"#,
        "too many live processes (cap: 64)",
        "at line 4: os.fork()",
    );
}

#[test]
fn processes_started_in_an_unbounded_loop_hit_the_cap() {
    bomb(
        r#"scenario "process bomb" {
    from multiprocessing import Process
    import time
    def f() {
        time.sleep(100)
    }
    while True {
        p = Process(target=f)
        p.start()
    }
}
"#,
        "too many live processes (cap: 64)",
        "at line 8: p = Process(target=f)",
    );
}

#[test]
fn threads_started_in_an_unbounded_loop_hit_the_cap() {
    bomb(
        r#"scenario "thread bomb" {
    config { max_threads = 100 }
    from threading import Thread
    import time
    def f() {
        time.sleep(100)
    }
    while True {
        t = Thread(target=f)
        t.start()
    }
}
"#,
        "too many live threads (cap: 100)",
        "at line 9: t = Thread(target=f)",
    );
}

#[test]
fn a_lock_bomb_that_ends_before_the_watch_looks_still_hits_the_cap() {
    // The cap's RuntimeError ends the main process within a few milliseconds, before
    // the supervisor's first look: the run must still count as stopped by the cap.
    bomb(
        r#"scenario "lock bomb" {
    import threading
    locks = []
    while True {
        locks.append(threading.Lock())
    }
}
"#,
        "too many synchronization objects in one run (cap: 4096)",
        "at line 5: locks.append(threading.Lock())",
    );
}
