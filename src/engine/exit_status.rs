//! Python's `exitcode` for a process that ended: `n` when it exited with status `n`,
//! `-N` when signal `N` killed it (`terminate()` → -15, `kill()` → -9).

use nix::sys::wait::WaitStatus;

/// The Python `exitcode` of a raw `waitpid` status word, or `None` when the status
/// does not say the process ended (stopped or continued).
///
/// The engine decodes raw statuses itself because nix's `waitpid` rejects a process
/// killed by a real-time signal (it has no `Signal` variant for it), and scenario
/// processes can die by one (see `fork::parent_death_signal`).
pub fn python_exitcode(raw_status: i32) -> Option<i32> {
    if libc::WIFEXITED(raw_status) {
        Some(libc::WEXITSTATUS(raw_status))
    } else if libc::WIFSIGNALED(raw_status) {
        Some(-libc::WTERMSIG(raw_status))
    } else {
        None
    }
}

/// The Python `exitcode` of a nix `WaitStatus`, or `None` when it is not an ending.
pub fn python_exitcode_of(status: WaitStatus) -> Option<i32> {
    match status {
        WaitStatus::Exited(_, code) => Some(code),
        WaitStatus::Signaled(_, signal, _) => Some(-(signal as i32)),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use nix::sys::signal::Signal;
    use nix::unistd::Pid;

    /// Builds raw statuses the way the kernel encodes them (wait(2) layout).
    fn exited(code: i32) -> i32 {
        (code & 0xff) << 8
    }
    fn signaled(signal: i32) -> i32 {
        signal & 0x7f
    }

    #[test]
    fn raw_statuses_map_to_python_exitcodes() {
        let table = [
            (exited(0), Some(0)),
            (exited(3), Some(3)),
            (exited(255), Some(255)),
            (signaled(libc::SIGTERM), Some(-15)),
            (signaled(libc::SIGKILL), Some(-9)),
            (signaled(libc::SIGSEGV), Some(-11)),
            (
                signaled(libc::SIGRTMIN() + 4),
                Some(-(libc::SIGRTMIN() + 4)),
            ),
            (0x137f, None), // stopped by SIGSTOP
            (0xffff, None), // continued
        ];
        for (raw, want) in table {
            assert_eq!(python_exitcode(raw), want, "raw status {raw:#x}");
        }
    }

    #[test]
    fn nix_statuses_map_to_python_exitcodes() {
        let pid = Pid::from_raw(1);
        assert_eq!(python_exitcode_of(WaitStatus::Exited(pid, 7)), Some(7));
        assert_eq!(
            python_exitcode_of(WaitStatus::Signaled(pid, Signal::SIGTERM, false)),
            Some(-15)
        );
        assert_eq!(python_exitcode_of(WaitStatus::StillAlive), None);
    }
}
