//! The supervisor: runs one scenario as a process tree under `interp`, watches it, and
//! guarantees nothing of it outlives the run.
//!
//! A run, as `Supervisor::run` does it:
//!
//! 1. fork the scenario's main process into a new process group (its pid is the group
//!    id), with SIGKILL as its parent-death signal (see `fork` for the cascade below);
//! 2. loop: reap every ended process of the group (orphans are reparented to `interp`,
//!    the child subreaper), call the watch closure every poll interval, stop at the
//!    wall limit or on Ctrl-C/SIGTERM;
//! 3. end when the main process has exited **and** no process of its group remains,
//!    or when stopped: then SIGKILL the group and reap until none is left.
//!
//! Orphans: Python does not wait for a process forked with `os.fork` that its parent
//! never waited for; the interpreter exits and the orphan runs on. A run waits for
//! such orphans (up to the wall limit), because their output and effects are part of
//! the outcome and because nothing may outlive the run; a run that hits the wall limit
//! only because of orphans still reports the main process's exit code.
//!
//! Waiting: while the main process lives the supervisor sleeps in `ppoll` on its pidfd,
//! so the main process's exit is seen at once; afterwards (only orphans left) it sleeps
//! 1 ms, doubling up to the poll interval. Either way it wakes at least once per poll
//! interval for the watch closure, which bounds checker latency and costs a few
//! microseconds per wake-up.

use std::io;
use std::slice;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use nix::sys::signal::{Signal, kill};
use nix::unistd::{Pid, getpgid};

use crate::engine::exit_status::python_exitcode;
use crate::engine::fork::{ChildRole, fork_with, open_pidfd, wait_readable};
use crate::engine::interrupt;
use crate::engine::limits::{CapExceeded, RunLimits};
use crate::engine::reaper::{Reaped, kill_group_and_reap, reap_one, set_child_subreaper};

/// The shortest poll interval honoured; shorter ones would only burn CPU.
const MIN_POLL_INTERVAL: Duration = Duration::from_micros(100);
/// The first sleep once only orphans are left.
const FIRST_NAP: Duration = Duration::from_millis(1);

/// Why a run was stopped before it ended by itself.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StopReason {
    /// The run lasted longer than `RunLimits::wall`.
    TimeLimit,
    /// `interp` got SIGINT or SIGTERM.
    Interrupted,
    /// The engine counted more processes or threads than allowed.
    CapExceeded(CapExceeded),
    /// The watch closure (the deadlock checker) proved a deadlock; its details stay
    /// with the checker.
    Deadlock,
}

/// What the watch closure tells the supervisor after each look at the run.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Watch {
    /// Keep running.
    Continue,
    /// Tear the run down now, for this reason.
    Stop(StopReason),
}

/// How a supervised run ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Supervised {
    /// The main process's Python exit code (`n` for exit status `n`, `-N` when killed
    /// by signal `N`), or `None` if it was still running when the run was stopped.
    pub main_exit: Option<i32>,
    /// Why the run was stopped, or `None` if it ended by itself.
    pub stopped: Option<StopReason>,
    /// From the fork of the main process to the moment nothing of the run was left.
    pub elapsed: Duration,
}

/// Runs scenarios as process trees. One per `interp` process; runs are sequential.
pub struct Supervisor {
    limits: RunLimits,
    interrupt: &'static AtomicBool,
}

impl Supervisor {
    /// A supervisor with these limits. Makes this process the child subreaper, so
    /// every orphaned scenario process is reparented here and reaped.
    pub fn new(limits: RunLimits) -> io::Result<Supervisor> {
        set_child_subreaper()?;
        Ok(Supervisor {
            limits,
            interrupt: interrupt::interrupt_flag(),
        })
    }

    /// Uses `flag` instead of the process-wide SIGINT/SIGTERM flag to decide that the
    /// run is interrupted (for embedding, and tests that share a process).
    pub fn with_interrupt_flag(mut self, flag: &'static AtomicBool) -> Supervisor {
        self.interrupt = flag;
        self
    }

    /// The limits every run uses.
    pub fn limits(&self) -> &RunLimits {
        &self.limits
    }

    /// Runs `main` as the scenario's main process and supervises it (see the module
    /// docs). `watch(elapsed)` is called on this thread every poll interval while the
    /// run lasts. Must be called on a thread that outlives the call, from outside any
    /// fork-gate section. Errors: the fork failed, or teardown could not kill the
    /// group; on error and on unwinding out of `watch`, the group is still killed.
    pub fn run(
        &mut self,
        main: impl FnOnce() -> i32,
        mut watch: impl FnMut(Duration) -> Watch,
    ) -> io::Result<Supervised> {
        let interval = self.limits.poll_interval.max(MIN_POLL_INTERVAL);
        let wall = self.limits.wall;
        let start = Instant::now();
        let main_pid = fork_with(
            ChildRole::Main {
                memory_bytes: self.limits.memory_bytes,
            },
            main,
        )?;
        let mut group = GroupGuard {
            pgid: main_pid,
            armed: true,
        };
        if getpgid(Some(main_pid)) != Ok(main_pid) {
            // Not in its own group (cannot happen short of a kernel refusal): kill it
            // alone, by pid, since there is no group to kill.
            let _ = kill(main_pid, Signal::SIGKILL);
            group.armed = false;
            let _ = nix::sys::wait::waitpid(main_pid, None);
            return Err(io::Error::other(
                "the scenario's main process could not get its own process group",
            ));
        }
        let mut main_fd = open_pidfd(main_pid).ok();
        let mut main_exit = None;
        let mut next_watch = interval;
        let mut nap = FIRST_NAP;
        let stopped = loop {
            let left = loop {
                match reap_one(group.pgid)? {
                    Reaped::Ended { pid, raw_status } => {
                        if pid == main_pid {
                            main_exit = python_exitcode(raw_status);
                            main_fd = None;
                        }
                    }
                    Reaped::Running => break true,
                    Reaped::Empty => break false,
                }
            };
            if !left {
                break None;
            }
            if self.interrupt.load(Ordering::SeqCst) {
                break Some(StopReason::Interrupted);
            }
            let elapsed = start.elapsed();
            if elapsed >= wall {
                break Some(StopReason::TimeLimit);
            }
            if elapsed >= next_watch {
                if let Watch::Stop(reason) = watch(elapsed) {
                    break Some(reason);
                }
                next_watch = (next_watch + interval).max(elapsed + interval / 2);
            }
            let wait = next_watch.min(wall).saturating_sub(start.elapsed());
            match &main_fd {
                Some(fd) => {
                    wait_readable(slice::from_ref(fd), Some(wait))?;
                }
                None => {
                    std::thread::sleep(nap.min(wait));
                    nap = (nap * 2).min(interval);
                }
            }
        };
        group.armed = false;
        if stopped.is_some() {
            kill_group_and_reap(group.pgid, |_, _| {})?;
        }
        Ok(Supervised {
            main_exit,
            stopped,
            elapsed: start.elapsed(),
        })
    }
}

/// Kills and reaps the run's group if `run` leaves early (an error or a panic in the
/// watch closure), so even then nothing outlives the run.
struct GroupGuard {
    pgid: Pid,
    armed: bool,
}

impl Drop for GroupGuard {
    fn drop(&mut self) {
        if self.armed {
            let _ = kill_group_and_reap(self.pgid, |_, _| {});
        }
    }
}
