//! Waiting for a child process to end: blocking, or with a timeout through a pidfd, then
//! reaping it and turning its status into Python's exit code.

use std::time::Duration;

use nix::unistd::Pid;

use crate::engine::exit_status::python_exitcode;
use crate::engine::fork::{open_pidfd, wait_readable};

/// Waits for child `pid` (at most `limit`) and reaps it. Returns its Python exit code, or
/// `None` if it is still running at the limit (or was reaped by someone else).
pub fn wait_child(pid: i32, limit: Option<Duration>) -> Option<i32> {
    if let Some(limit) = limit {
        let fd = open_pidfd(Pid::from_raw(pid)).ok()?;
        let ready = wait_readable(std::slice::from_ref(&fd), Some(limit)).ok()?;
        if !ready.first().copied().unwrap_or(false) {
            return None;
        }
    }
    loop {
        let mut status = 0;
        // SAFETY: waitpid on our own child with a valid status pointer.
        let r = unsafe { libc::waitpid(pid, &mut status, 0) };
        if r == pid {
            return python_exitcode(status);
        }
        if r < 0 && std::io::Error::last_os_error().raw_os_error() == Some(libc::EINTR) {
            continue;
        }
        return None;
    }
}
