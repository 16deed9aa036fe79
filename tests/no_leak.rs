//! The product's leak guarantees: nothing a run starts outlives `interp`, even when
//! `interp` is SIGKILLed, and the parent-death rules hold for processes forked from
//! threads that end. Every body runs in a witness process (see `supervisor_support`)
//! that catches any survivor as its own descendant.

#[macro_use]
mod supervisor_support;

use std::time::{Duration, Instant};

use interp::engine::exit_status::python_exitcode;
use interp::engine::fork::{ForkError, fork_scenario_process, linger_until_exited};
use interp::engine::fork_gate::with_fork_gate_shared;
use interp::engine::limits::RunLimits;
use interp::engine::supervisor::{Supervisor, Watch};
use nix::sys::signal::{Signal, kill};
use nix::unistd::{ForkResult, Pid, fork, getppid};
use supervisor_support::{Outcome, Signal1, Witness, block_forever, in_witness, scan};

/// Blocks until `pid` (a child of this process) ends; its Python exit code.
fn wait_exitcode(pid: Pid) -> Option<i32> {
    let mut status = 0;
    // SAFETY: waitpid writes only to the status word.
    let reaped = unsafe { libc::waitpid(pid.as_raw(), &mut status, 0) };
    if reaped == pid.as_raw() {
        python_exitcode(status)
    } else {
        None
    }
}

/// The scenario of the SIGKILL test: every kind of descendant a run can have, each
/// posting on `ready` once it is in place, then blocking forever.
fn busy_tree(w: Witness, ready: &Signal1) -> i32 {
    w.mark("m");
    let interp = getppid();
    // A child with a grandchild.
    fork_scenario_process(|| {
        w.mark("c1");
        fork_scenario_process(|| {
            w.mark("g1");
            ready.post(b'g');
            block_forever()
        })
        .unwrap();
        ready.post(b'c');
        block_forever()
    })
    .unwrap();
    std::thread::scope(|s| {
        // A child forked by a thread that lingers until it exits (never, here).
        s.spawn(|| {
            let child = fork_scenario_process(|| {
                w.mark("c2");
                ready.post(b'l');
                block_forever()
            })
            .unwrap();
            let _ = linger_until_exited(&[child], None);
        });
        // A child forked by a thread that ends at once.
        s.spawn(|| {
            fork_scenario_process(|| {
                w.mark("c3");
                ready.post(b't');
                block_forever()
            })
            .unwrap();
        })
        .join()
        .unwrap();
        // An orphan: its parent exits at once; it waits to be adopted by interp.
        let parent = fork_scenario_process(|| {
            fork_scenario_process(|| {
                w.mark("o");
                let deadline = Instant::now() + Duration::from_secs(5);
                while getppid() != interp && Instant::now() < deadline {
                    std::thread::sleep(Duration::from_millis(1));
                }
                ready.post(if getppid() == interp { b'o' } else { b'?' });
                block_forever()
            })
            .unwrap();
            0
        })
        .unwrap();
        let _ = nix::sys::wait::waitpid(parent, None);
        ready.post(b'm');
        // Still inside the scope: the lingering thread never ends.
        block_forever()
    })
}

#[test]
fn sigkilled_interp_takes_the_whole_scenario_tree_down() {
    in_witness(|w| -> Outcome {
        let ready = Signal1::new();
        // SAFETY: the witness is single-threaded; the child runs the supervisor and
        // ends in _exit.
        let interp = match unsafe { fork() }.unwrap() {
            ForkResult::Child => {
                w.mark("interp");
                let limits = RunLimits {
                    wall: Duration::from_secs(15),
                    ..RunLimits::default()
                };
                let _ = Supervisor::new(limits)
                    .unwrap()
                    .run(|| busy_tree(w, &ready), |_| Watch::Continue);
                // SAFETY: _exit has no preconditions.
                unsafe { libc::_exit(0) }
            }
            ForkResult::Parent { child } => child,
        };
        let mut posts = ready
            .take(6, Duration::from_secs(5))
            .ok_or("the tree did not come up")?;
        posts.sort();
        ensure!(
            posts == b"cglmot".to_vec(),
            "ready posts {:?}",
            String::from_utf8_lossy(&posts)
        );
        let alive = scan(&w.marker());
        ensure!(
            alive.len() == 7 && alive.iter().all(|p| p.state != 'Z'),
            "expected interp + 6 live scenario processes, saw {alive:?}"
        );
        kill(interp, Signal::SIGKILL).unwrap();
        // Every process must be gone within ~1 s: reaped here (the witness is the
        // nearest subreaper once interp is dead), so not even a zombie is left.
        let deadline = Instant::now() + Duration::from_secs(1);
        loop {
            supervisor_support::reap_all_children(Duration::ZERO);
            let left = scan(&w.marker());
            if left.is_empty() {
                break;
            }
            ensure!(
                Instant::now() < deadline,
                "survivors 1 s after interp died: {left:?}"
            );
            std::thread::sleep(Duration::from_millis(2));
        }
        Ok(())
    });
}

#[test]
fn child_of_a_thread_that_ended_lives_on() {
    in_witness(|w| -> Outcome {
        let go = Signal1::new();
        let (child, tid) = std::thread::scope(|s| {
            s.spawn(|| {
                let child = fork_scenario_process(|| {
                    w.mark("c");
                    // Blocked here when the forking thread ends: the parent-death signal
                    // interrupts the wait, and the handler lets the process live.
                    if go.take(1, Duration::from_secs(5)).is_some() {
                        42
                    } else {
                        1
                    }
                })
                .unwrap();
                (child, rustix::thread::gettid().as_raw_nonzero().get())
            })
            .join()
            .unwrap()
        });
        // Once the thread's /proc entry is gone its exit has run, and so has the
        // sending of the parent-death signal.
        let task = format!("/proc/self/task/{tid}");
        let deadline = Instant::now() + Duration::from_secs(1);
        while std::path::Path::new(&task).exists() {
            ensure!(Instant::now() < deadline, "thread {tid} never went away");
            std::thread::sleep(Duration::from_millis(1));
        }
        go.post(1);
        let code = wait_exitcode(child);
        ensure!(
            code == Some(42),
            "child of the ended thread ended with {code:?}"
        );
        Ok(())
    });
}

#[test]
fn linger_waits_for_the_children_of_its_thread() {
    in_witness(|w| -> Outcome {
        let go = Signal1::new();
        let forked = Signal1::new();
        std::thread::scope(|s| -> Outcome {
            let lingering = s.spawn(|| {
                let child = fork_scenario_process(|| {
                    w.mark("c");
                    if go.take(1, Duration::from_secs(5)).is_some() {
                        0
                    } else {
                        1
                    }
                })
                .unwrap();
                forked.post(0);
                // The child is blocked: a short linger times out.
                let early = linger_until_exited(&[child], Some(Duration::from_millis(30)));
                let full = linger_until_exited(&[child], Some(Duration::from_secs(5)));
                (child, early.unwrap(), full.unwrap())
            });
            forked.take(1, Duration::from_secs(5)).ok_or("no fork")?;
            std::thread::sleep(Duration::from_millis(40));
            go.post(1);
            let (child, early, full) = lingering.join().unwrap();
            ensure!(!early, "linger returned before the child exited");
            ensure!(full, "linger gave up on a child that exited");
            let code = wait_exitcode(child);
            ensure!(code == Some(0), "child ended with {code:?}");
            // A reaped pid no longer exists: nothing to wait for.
            ensure!(
                linger_until_exited(&[child], Some(Duration::ZERO)).unwrap(),
                "linger on a reaped pid"
            );
            Ok(())
        })
    });
}

#[test]
fn fork_inside_a_fork_gate_section_is_refused() {
    let refused = with_fork_gate_shared(|| fork_scenario_process(|| 0));
    assert!(
        matches!(refused, Err(ForkError::GateHeldByCaller)),
        "{refused:?}"
    );
}
