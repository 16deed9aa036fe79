//! `Supervisor::run`: exit codes, orphans, limits, stops, and that every run leaves
//! nothing behind (each body runs in a witness process that checks it has no child
//! left; see `supervisor_support`).

#[macro_use]
mod supervisor_support;

use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

use interp::engine::fork::{EXIT_PANICKED, fork_scenario_process};
use interp::engine::interrupt;
use interp::engine::limits::{Cap, CapExceeded, RunLimits};
use interp::engine::supervisor::{StopReason, Supervised, Supervisor, Watch};
use nix::sys::signal::{Signal, kill, raise};
use nix::sys::wait::waitpid;
use nix::unistd::getpid;
use supervisor_support::{Outcome, Witness, block_forever, fresh_flag, in_witness};

fn limits(wall_ms: u64) -> RunLimits {
    RunLimits {
        wall: Duration::from_millis(wall_ms),
        memory_bytes: None,
        poll_interval: Duration::from_millis(5),
    }
}

fn supervisor(limits: RunLimits) -> Supervisor {
    Supervisor::new(limits)
        .unwrap()
        .with_interrupt_flag(fresh_flag())
}

/// Runs `main` with no watch, under a 5 s wall limit.
fn run_plain(main: impl FnOnce() -> i32) -> Supervised {
    supervisor(limits(5_000))
        .run(main, |_| Watch::Continue)
        .unwrap()
}

#[test]
fn normal_end_reports_exit_zero_and_reaps_every_child() {
    in_witness(|w: Witness| -> Outcome {
        let result = run_plain(|| {
            w.mark("m");
            let mut children = Vec::new();
            for i in 0..3 {
                children.push(
                    fork_scenario_process(move || {
                        w.mark(&format!("c{i}"));
                        0
                    })
                    .unwrap(),
                );
            }
            let all_zero = children.into_iter().all(|pid| {
                matches!(
                    waitpid(pid, None),
                    Ok(nix::sys::wait::WaitStatus::Exited(_, 0))
                )
            });
            if all_zero { 0 } else { 9 }
        });
        ensure!(
            result.main_exit == Some(0),
            "main exit {:?}",
            result.main_exit
        );
        ensure!(result.stopped.is_none(), "stopped {:?}", result.stopped);
        Ok(())
    });
}

#[test]
fn exit_codes_follow_python() {
    in_witness(|_| -> Outcome {
        let returned = run_plain(|| 3);
        ensure!(
            returned.main_exit == Some(3),
            "return 3 gave {:?}",
            returned.main_exit
        );
        let terminated = run_plain(|| {
            let _ = kill(getpid(), Signal::SIGTERM);
            block_forever()
        });
        ensure!(
            terminated.main_exit == Some(-15),
            "SIGTERM gave {:?}",
            terminated.main_exit
        );
        let killed = run_plain(|| {
            let _ = kill(getpid(), Signal::SIGKILL);
            block_forever()
        });
        ensure!(
            killed.main_exit == Some(-9),
            "SIGKILL gave {:?}",
            killed.main_exit
        );
        let panicked = run_plain(|| panic!("engine bug"));
        ensure!(
            panicked.main_exit == Some(EXIT_PANICKED),
            "panic gave {:?}",
            panicked.main_exit
        );
        for result in [returned, terminated, killed, panicked] {
            ensure!(result.stopped.is_none(), "a run was stopped: {result:?}");
        }
        Ok(())
    });
}

#[test]
fn orphan_is_waited_for_then_reaped_by_the_subreaper() {
    in_witness(|w| -> Outcome {
        let result = run_plain(|| {
            w.mark("m");
            // os.fork without waitpid: main exits at once, its child lives on.
            fork_scenario_process(|| {
                w.mark("orphan");
                std::thread::sleep(Duration::from_millis(50));
                0
            })
            .unwrap();
            0
        });
        ensure!(
            result.main_exit == Some(0),
            "main exit {:?}",
            result.main_exit
        );
        ensure!(result.stopped.is_none(), "stopped {:?}", result.stopped);
        // The run lasted as long as the orphan: it survived main's exit and was awaited.
        ensure!(
            result.elapsed >= Duration::from_millis(50),
            "run ended after {:?}",
            result.elapsed
        );
        Ok(())
    });
}

#[test]
fn orphan_killed_by_its_parent_death_signal_is_not_reported_as_main_exit() {
    // A parent that dies by a signal leaves its child to the subreaper too; the child
    // must survive the parent-death signal and finish normally.
    in_witness(|w| -> Outcome {
        let result = run_plain(|| {
            w.mark("m");
            let middle = fork_scenario_process(move || {
                w.mark("mid");
                fork_scenario_process(move || {
                    w.mark("leaf");
                    std::thread::sleep(Duration::from_millis(20));
                    5
                })
                .unwrap();
                let _ = kill(getpid(), Signal::SIGKILL);
                block_forever()
            })
            .unwrap();
            match waitpid(middle, None) {
                Ok(nix::sys::wait::WaitStatus::Signaled(_, Signal::SIGKILL, _)) => 0,
                _ => 8,
            }
        });
        ensure!(
            result.main_exit == Some(0),
            "main exit {:?}",
            result.main_exit
        );
        ensure!(
            result.elapsed >= Duration::from_millis(20),
            "run ended after {:?}",
            result.elapsed
        );
        Ok(())
    });
}

#[test]
fn time_limit_kills_a_blocked_tree() {
    in_witness(|w| -> Outcome {
        let wall = Duration::from_millis(100);
        let started = Instant::now();
        let result = supervisor(limits(100))
            .run(
                || {
                    w.mark("m");
                    for i in 0..2 {
                        fork_scenario_process(move || {
                            w.mark(&format!("c{i}"));
                            block_forever()
                        })
                        .unwrap();
                    }
                    block_forever()
                },
                |_| Watch::Continue,
            )
            .unwrap();
        let took = started.elapsed();
        ensure!(
            result.stopped == Some(StopReason::TimeLimit),
            "stopped {:?}",
            result.stopped
        );
        ensure!(
            result.main_exit.is_none(),
            "main exit {:?}",
            result.main_exit
        );
        ensure!(
            took >= wall && took < wall + Duration::from_millis(300),
            "took {took:?}"
        );
        Ok(())
    });
}

#[test]
fn time_limit_with_only_orphans_left_keeps_main_exit() {
    in_witness(|w| -> Outcome {
        let result = supervisor(limits(60))
            .run(
                || {
                    fork_scenario_process(move || {
                        w.mark("orphan");
                        block_forever()
                    })
                    .unwrap();
                    4
                },
                |_| Watch::Continue,
            )
            .unwrap();
        ensure!(
            result.stopped == Some(StopReason::TimeLimit),
            "stopped {:?}",
            result.stopped
        );
        ensure!(
            result.main_exit == Some(4),
            "main exit {:?}",
            result.main_exit
        );
        Ok(())
    });
}

#[test]
fn panicking_watch_still_kills_the_group() {
    in_witness(|w| -> Outcome {
        let mut sup = supervisor(limits(5_000));
        let unwound = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            sup.run(
                || {
                    w.mark("m");
                    fork_scenario_process(move || {
                        w.mark("c");
                        block_forever()
                    })
                    .unwrap();
                    block_forever()
                },
                |_| panic!("checker bug"),
            )
        }));
        ensure!(unwound.is_err(), "the panic did not propagate");
        // The witness's leak check proves main and its child were killed and reaped.
        Ok(())
    });
}

#[test]
fn watch_stop_tears_the_run_down_on_the_nth_look() {
    in_witness(|w| -> Outcome {
        let looks = AtomicU32::new(0);
        let reason = StopReason::CapExceeded(CapExceeded {
            cap: Cap::Processes,
            limit: 2,
        });
        let result = supervisor(limits(5_000))
            .run(
                || {
                    w.mark("m");
                    fork_scenario_process(move || {
                        w.mark("c");
                        block_forever()
                    })
                    .unwrap();
                    block_forever()
                },
                |_| {
                    if looks.fetch_add(1, Ordering::SeqCst) + 1 == 3 {
                        Watch::Stop(reason)
                    } else {
                        Watch::Continue
                    }
                },
            )
            .unwrap();
        ensure!(
            result.stopped == Some(reason),
            "stopped {:?}",
            result.stopped
        );
        ensure!(
            looks.load(Ordering::SeqCst) == 3,
            "watch called {} times",
            looks.load(Ordering::SeqCst)
        );
        // Three looks at a 5 ms interval: well under the 5 s wall limit.
        ensure!(
            result.elapsed < Duration::from_millis(500),
            "took {:?}",
            result.elapsed
        );
        Ok(())
    });
}

#[test]
fn watch_is_called_every_poll_interval_with_growing_elapsed() {
    in_witness(|_| -> Outcome {
        let mut seen = Vec::new();
        let result = supervisor(limits(5_000))
            .run(
                || block_forever(),
                |elapsed| {
                    seen.push(elapsed);
                    if seen.len() == 10 {
                        Watch::Stop(StopReason::Deadlock)
                    } else {
                        Watch::Continue
                    }
                },
            )
            .unwrap();
        ensure!(
            result.stopped == Some(StopReason::Deadlock),
            "stopped {:?}",
            result.stopped
        );
        ensure!(
            seen.windows(2).all(|p| p[0] < p[1]),
            "elapsed not increasing: {seen:?}"
        );
        // 10 looks at 5 ms: at least 50 ms; generous upper bound for a loaded machine.
        ensure!(
            seen[9] >= Duration::from_millis(50),
            "10th look at {:?}",
            seen[9]
        );
        ensure!(
            seen[9] < Duration::from_millis(1_000),
            "10th look at {:?}",
            seen[9]
        );
        Ok(())
    });
}

#[test]
fn interrupt_tears_down_and_children_get_default_sigint_back() {
    in_witness(|w| -> Outcome {
        interrupt::install().map_err(|e| e.to_string())?;
        let mut sup = Supervisor::new(limits(5_000)).unwrap();
        // The main process must not inherit interp's handler: SIGINT kills it.
        let sigint = sup
            .run(
                || {
                    let _ = raise(Signal::SIGINT);
                    block_forever()
                },
                |_| Watch::Continue,
            )
            .unwrap();
        ensure!(
            sigint.main_exit == Some(-2),
            "SIGINT in main gave {:?}",
            sigint.main_exit
        );
        ensure!(
            !interrupt::interrupted(),
            "the child's SIGINT reached interp"
        );
        // Ctrl-C at interp: the handler raises the flag; the run is torn down.
        raise(Signal::SIGINT).unwrap();
        ensure!(interrupt::interrupted(), "handler did not raise the flag");
        let result = sup
            .run(
                || {
                    w.mark("m");
                    fork_scenario_process(move || {
                        w.mark("c");
                        block_forever()
                    })
                    .unwrap();
                    block_forever()
                },
                |_| Watch::Continue,
            )
            .unwrap();
        ensure!(
            result.stopped == Some(StopReason::Interrupted),
            "stopped {:?}",
            result.stopped
        );
        ensure!(
            result.main_exit.is_none(),
            "main exit {:?}",
            result.main_exit
        );
        Ok(())
    });
}

#[test]
fn interrupt_raised_mid_run_is_seen_within_a_poll_interval() {
    in_witness(|_| -> Outcome {
        let flag = fresh_flag();
        let mut raised_at = None;
        let result = Supervisor::new(limits(5_000))
            .unwrap()
            .with_interrupt_flag(flag)
            .run(
                || block_forever(),
                |elapsed| {
                    if raised_at.is_none() {
                        flag.store(true, Ordering::SeqCst);
                        raised_at = Some(elapsed);
                    }
                    Watch::Continue
                },
            )
            .unwrap();
        ensure!(
            result.stopped == Some(StopReason::Interrupted),
            "stopped {:?}",
            result.stopped
        );
        Ok(())
    });
}

/// Virtual memory size of this process, from /proc/self/status.
fn vm_size_bytes() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap();
    let line = status.lines().find(|l| l.starts_with("VmSize:")).unwrap();
    let kib: u64 = line.split_whitespace().nth(1).unwrap().parse().unwrap();
    kib * 1024
}

#[test]
fn memory_limit_fails_a_large_allocation() {
    in_witness(|_| -> Outcome {
        // RLIMIT_AS counts what the child inherits, so the cap sits above our size.
        let cap = vm_size_bytes() + (256 << 20);
        let mut sup = supervisor(RunLimits {
            memory_bytes: Some(cap),
            ..limits(5_000)
        });
        let result = sup
            .run(
                || {
                    let mut small: Vec<u8> = Vec::new();
                    let mut huge: Vec<u8> = Vec::new();
                    match (small.try_reserve(1 << 20), huge.try_reserve(2 << 30)) {
                        (Ok(()), Err(_)) => 7,
                        (Err(_), _) => 8,
                        (_, Ok(())) => 9,
                    }
                },
                |_| Watch::Continue,
            )
            .unwrap();
        ensure!(
            result.main_exit == Some(7),
            "main exit {:?} (8: small failed, 9: huge fit)",
            result.main_exit
        );
        // The cap is the child's alone: the witness can still reserve 2 GiB.
        let mut here: Vec<u8> = Vec::new();
        ensure!(
            here.try_reserve(2 << 30).is_ok(),
            "the limit leaked into interp"
        );
        Ok(())
    });
}

/// CPU time this process has used (user + system).
fn cpu_time() -> Duration {
    let usage = nix::sys::resource::getrusage(nix::sys::resource::UsageWho::RUSAGE_SELF).unwrap();
    let to_duration = |t: nix::sys::time::TimeVal| {
        Duration::from_secs(t.tv_sec() as u64) + Duration::from_micros(t.tv_usec() as u64)
    };
    to_duration(usage.user_time()) + to_duration(usage.system_time())
}

#[test]
fn supervising_a_sleeping_scenario_costs_little_cpu() {
    in_witness(|_| -> Outcome {
        let mut sup = supervisor(RunLimits {
            poll_interval: Duration::from_millis(10),
            ..limits(5_000)
        });
        let mut looks = 0;
        let before = cpu_time();
        let result = sup
            .run(
                || {
                    std::thread::sleep(Duration::from_millis(300));
                    0
                },
                |_| {
                    looks += 1;
                    Watch::Continue
                },
            )
            .unwrap();
        let used = cpu_time() - before;
        ensure!(
            result.main_exit == Some(0),
            "main exit {:?}",
            result.main_exit
        );
        ensure!(looks >= 20, "only {looks} looks in {:?}", result.elapsed);
        // < 2% of one core over the run (the fork itself included).
        ensure!(
            used * 50 < result.elapsed,
            "supervisor used {used:?} over {:?}",
            result.elapsed
        );
        Ok(())
    });
}

/// Median of `samples`.
fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

/// Not a check: prints the cost of a trivial run next to a bare fork+_exit+waitpid.
/// `cargo test --test supervisor_run -- --ignored --nocapture bench`
#[test]
#[ignore]
fn bench_trivial_run_vs_bare_fork() {
    in_witness(|_| -> Outcome {
        const RUNS: usize = 200;
        let mut sup = supervisor(limits(5_000));
        let mut supervised = Vec::with_capacity(RUNS);
        let mut bare = Vec::with_capacity(RUNS);
        for _ in 0..RUNS {
            let t = Instant::now();
            let result = sup.run(|| 0, |_| Watch::Continue).unwrap();
            supervised.push(t.elapsed());
            ensure!(
                result.main_exit == Some(0),
                "main exit {:?}",
                result.main_exit
            );
            let t = Instant::now();
            // SAFETY: the child only calls _exit.
            match unsafe { nix::unistd::fork() }.unwrap() {
                // SAFETY: _exit has no preconditions.
                nix::unistd::ForkResult::Child => unsafe { libc::_exit(0) },
                nix::unistd::ForkResult::Parent { child } => {
                    waitpid(child, None).unwrap();
                }
            }
            bare.push(t.elapsed());
        }
        let line = format!(
            "median over {RUNS}: Supervisor::run of a trivial main {:?}; bare fork+_exit+waitpid {:?}\n",
            median(supervised),
            median(bare)
        );
        // Straight to fd 2: the test harness's output capture does not cross fork.
        let _ = nix::unistd::write(std::io::stderr(), line.as_bytes());
        Ok(())
    });
}
