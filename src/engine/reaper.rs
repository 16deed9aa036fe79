//! Reaping the scenario's processes and tearing its process group down.
//!
//! `interp` is the child subreaper, so every scenario process whose parent dies is
//! reparented to it; reaping with `waitpid(-pgid)` therefore collects every process of
//! the scenario that ends, and `ECHILD` from it means no process of the group is left.
//! (A live group member always has an ancestor chain inside the group ending at a
//! child of `interp`, since scenario processes never leave their group.)
//!
//! Reaping by group, not `waitpid(-1)`, leaves `interp`'s other children alone and lets
//! several supervisors share a process (as integration tests do).

use std::io;
use std::time::{Duration, Instant};

use nix::errno::Errno;
use nix::sys::signal::{Signal, killpg};
use nix::unistd::Pid;

/// One step of reaping a process group.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Reaped {
    /// A group member ended and was reaped, with its raw wait status.
    Ended { pid: Pid, raw_status: i32 },
    /// Members remain, none has ended yet. While this holds, at least one unreaped
    /// child of ours is in the group, so the group id cannot be reused.
    Running,
    /// No process of the group is left.
    Empty,
}

/// Makes this process the child subreaper: orphaned descendants are reparented to it
/// instead of to init, so it can reap them and kill them. Idempotent.
pub fn set_child_subreaper() -> io::Result<()> {
    Ok(rustix::process::set_child_subreaper(Some(
        rustix::process::getpid(),
    ))?)
}

/// Reaps one ended member of process group `pgid` without blocking.
pub(crate) fn reap_one(pgid: Pid) -> io::Result<Reaped> {
    let mut raw_status = 0;
    loop {
        // SAFETY: waitpid writes only the status word we pass a valid pointer to.
        let pid = unsafe {
            libc::waitpid(
                -pgid.as_raw(),
                &mut raw_status,
                libc::WNOHANG | libc::__WALL,
            )
        };
        return match pid {
            0 => Ok(Reaped::Running),
            pid if pid > 0 => Ok(Reaped::Ended {
                pid: Pid::from_raw(pid),
                raw_status,
            }),
            _ => match Errno::last() {
                Errno::EINTR => continue,
                Errno::ECHILD => Ok(Reaped::Empty),
                errno => Err(errno.into()),
            },
        };
    }
}

/// How long teardown waits for SIGKILLed processes to die before giving up.
pub(crate) const TEARDOWN_BOUND: Duration = Duration::from_secs(2);

/// Kills every process of group `pgid` with SIGKILL and reaps them all, calling
/// `on_end(pid, raw_status)` for each. Fails only if some process outlives SIGKILL by
/// `TEARDOWN_BOUND` (stuck in the kernel), or on an unexpected `waitpid` error.
pub(crate) fn kill_group_and_reap(pgid: Pid, mut on_end: impl FnMut(Pid, i32)) -> io::Result<()> {
    let deadline = Instant::now() + TEARDOWN_BOUND;
    let mut pause = Duration::from_micros(50);
    loop {
        match reap_one(pgid)? {
            Reaped::Ended { pid, raw_status } => on_end(pid, raw_status),
            Reaped::Empty => return Ok(()),
            Reaped::Running => {
                // Safe to signal the group: `Running` guarantees it still exists, so
                // `pgid` names it and no unrelated group. Repeating is harmless, and
                // covers members forked concurrently with the previous signal.
                match killpg(pgid, Signal::SIGKILL) {
                    Ok(()) | Err(Errno::ESRCH) => {}
                    Err(e) => return Err(e.into()),
                }
                if Instant::now() >= deadline {
                    return Err(io::Error::other(format!(
                        "processes of scenario group {pgid} still alive {TEARDOWN_BOUND:?} after SIGKILL"
                    )));
                }
                std::thread::sleep(pause);
                pause = (pause * 2).min(Duration::from_millis(5));
            }
        }
    }
}
