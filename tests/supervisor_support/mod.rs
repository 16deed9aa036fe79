//! Harness shared by the supervisor and leak tests.
//!
//! Each test body runs in a *witness*: a process forked from the test, made child
//! subreaper, so every process the body starts stays its descendant whatever happens
//! to the processes in between. After the body the witness checks that it has no child
//! at all (`waitpid(-1)` says `ECHILD`): a live or zombie descendant would be one. It
//! also scans /proc for processes carrying its marker (a comm name `ilk<witness pid>…`
//! that test processes give themselves). Witnesses are separate processes, so tests
//! run in parallel without reaping or signalling each other's processes, and a global
//! flag or disposition changed in a body stays in its witness.

#![allow(dead_code)] // each test binary uses a different part of the harness

use std::ffi::CString;
use std::io::Read;
use std::os::fd::{AsFd, OwnedFd};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::atomic::AtomicBool;
use std::time::{Duration, Instant};

use nix::fcntl::{FcntlArg, OFlag, fcntl};
use nix::poll::{PollFd, PollFlags, ppoll};
use nix::sys::signal::{Signal, kill};
use nix::sys::time::TimeSpec;
use nix::sys::wait::waitpid;
use nix::unistd::{ForkResult, Pid, fork, getpid, getppid, pipe};

/// The result of a test body: `Err` carries the failure message.
pub type Outcome = Result<(), String>;

/// Fails the body with a message, like `assert!` but as an `Outcome`.
#[macro_export]
macro_rules! ensure {
    ($cond:expr, $($fmt:tt)+) => {
        if !$cond {
            return Err(format!("{} (at line {})", format!($($fmt)+), line!()));
        }
    };
}

/// The witness a body runs in; hands out its marker.
#[derive(Clone, Copy, Debug)]
pub struct Witness {
    pid: i32,
}

impl Witness {
    /// The comm-name prefix of every marked process of this witness.
    pub fn marker(&self) -> String {
        format!("ilk{}", self.pid)
    }

    /// Names the calling process (its current thread) `<marker><role>`.
    pub fn mark(&self, role: &str) {
        let name = CString::new(format!("{}{}", self.marker(), role)).unwrap();
        // SAFETY: PR_SET_NAME reads a NUL-terminated string (truncated to 15 bytes).
        unsafe { libc::prctl(libc::PR_SET_NAME, name.as_ptr(), 0, 0, 0) };
    }
}

/// Runs `body` in a fresh witness process and panics (in the test) with its message if
/// it fails, if it leaves any process behind, or if the witness dies.
pub fn in_witness(body: impl FnOnce(Witness) -> Outcome) {
    let test_pid = getpid();
    let (read_end, write_end) = pipe().unwrap();
    // SAFETY: the child only allocates (glibc's malloc is fork-safe), runs the body, and
    // leaves with _exit; it never touches locks of the test harness's other threads
    // (the body never prints).
    match unsafe { fork() }.unwrap() {
        ForkResult::Child => {
            drop(read_end);
            // SAFETY: prctl/alarm take plain integers.
            unsafe {
                libc::prctl(
                    libc::PR_SET_PDEATHSIG,
                    libc::SIGKILL as libc::c_ulong,
                    0,
                    0,
                    0,
                );
                // A hard bound: a hung body kills the witness (and its tree, in cascade).
                libc::alarm(20);
            }
            if getppid() != test_pid {
                exit_now(1);
            }
            interp::engine::reaper::set_child_subreaper().unwrap();
            let witness = Witness {
                pid: getpid().as_raw(),
            };
            let outcome = catch_unwind(AssertUnwindSafe(|| body(witness)))
                .unwrap_or_else(|panic| Err(panic_message(&panic)))
                .and_then(|()| leak_check(witness));
            if outcome.is_err() {
                kill_marked_and_reap(witness);
            }
            let message = outcome.err().unwrap_or_default();
            let _ = nix::unistd::write(&write_end, message.as_bytes());
            exit_now(if message.is_empty() { 0 } else { 1 });
        }
        ForkResult::Parent { child } => {
            drop(write_end);
            let status = waitpid(child, None).unwrap();
            // Non-blocking: a leaked process could hold a copy of the write end.
            fcntl(read_end.as_fd(), FcntlArg::F_SETFL(OFlag::O_NONBLOCK)).unwrap();
            let mut message = String::new();
            let _ = std::fs::File::from(read_end).read_to_string(&mut message);
            let survivors = scan(&format!("ilk{}", child.as_raw()));
            assert!(message.is_empty(), "witness failed: {message}");
            assert!(
                matches!(status, nix::sys::wait::WaitStatus::Exited(_, 0)),
                "witness ended with {status:?}"
            );
            assert!(
                survivors.is_empty(),
                "processes outlived their witness: {survivors:?}"
            );
        }
    }
}

fn exit_now(code: i32) -> ! {
    // SAFETY: _exit has no preconditions.
    unsafe { libc::_exit(code) }
}

fn panic_message(panic: &Box<dyn std::any::Any + Send>) -> String {
    if let Some(s) = panic.downcast_ref::<&str>() {
        format!("panicked: {s}")
    } else if let Some(s) = panic.downcast_ref::<String>() {
        format!("panicked: {s}")
    } else {
        "panicked".to_string()
    }
}

/// In the witness: no child of any kind is left, and no marked process exists.
fn leak_check(witness: Witness) -> Outcome {
    let children = children_left();
    let marked = scan(&witness.marker());
    if children.is_some() || !marked.is_empty() {
        return Err(format!(
            "leak after the body: child left: {children:?}; marked processes: {marked:?}"
        ));
    }
    Ok(())
}

/// `None` when this process has no child at all (`waitpid` says ECHILD); otherwise a
/// description of what `waitpid` saw (the reaped pid, or "running").
pub fn children_left() -> Option<String> {
    let mut status = 0;
    // SAFETY: waitpid writes only to the status word.
    let pid = unsafe { libc::waitpid(-1, &mut status, libc::WNOHANG | libc::__WALL) };
    match pid {
        0 => Some("running children".to_string()),
        p if p > 0 => Some(format!("unreaped child {p} (status {status:#x})")),
        _ => None,
    }
}

/// Reaps every child of this process as they end, until none is left or `timeout`.
/// Returns whether none is left.
pub fn reap_all_children(timeout: Duration) -> bool {
    let deadline = Instant::now() + timeout;
    loop {
        let mut status = 0;
        // SAFETY: waitpid writes only to the status word.
        let pid = unsafe { libc::waitpid(-1, &mut status, libc::WNOHANG | libc::__WALL) };
        if pid < 0 {
            return true;
        }
        if pid == 0 {
            if Instant::now() >= deadline {
                return false;
            }
            std::thread::sleep(Duration::from_millis(1));
        }
    }
}

fn kill_marked_and_reap(witness: Witness) {
    for process in scan(&witness.marker()) {
        let _ = kill(Pid::from_raw(process.pid), Signal::SIGKILL);
    }
    reap_all_children(Duration::from_secs(2));
}

/// A process seen in /proc.
#[derive(Debug, Clone)]
pub struct ProcInfo {
    pub pid: i32,
    pub ppid: i32,
    /// The state letter of /proc/<pid>/stat (`Z` for a zombie).
    pub state: char,
    pub name: String,
}

/// Every process whose comm name starts with `marker`.
pub fn scan(marker: &str) -> Vec<ProcInfo> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir("/proc").unwrap().flatten() {
        let Some(pid) = entry
            .file_name()
            .to_str()
            .and_then(|s| s.parse::<i32>().ok())
        else {
            continue;
        };
        let Ok(stat) = std::fs::read_to_string(format!("/proc/{pid}/stat")) else {
            continue;
        };
        let (Some(open), Some(close)) = (stat.find('('), stat.rfind(')')) else {
            continue;
        };
        let name = &stat[open + 1..close];
        if !name.starts_with(marker) {
            continue;
        }
        let mut rest = stat[close + 1..].split_whitespace();
        let state = rest.next().and_then(|s| s.chars().next()).unwrap_or('?');
        let ppid = rest.next().and_then(|s| s.parse().ok()).unwrap_or(0);
        found.push(ProcInfo {
            pid,
            ppid,
            state,
            name: name.to_string(),
        });
    }
    found
}

/// Polls until no process carries `marker` or `timeout` passes; returns the survivors.
pub fn wait_marked_gone(marker: &str, timeout: Duration) -> Vec<ProcInfo> {
    let deadline = Instant::now() + timeout;
    loop {
        let left = scan(marker);
        if left.is_empty() || Instant::now() >= deadline {
            return left;
        }
        std::thread::sleep(Duration::from_millis(2));
    }
}

/// A one-way byte channel between processes (a pipe inherited across fork), used to
/// order events: `post` writes one byte, `take` waits for bytes with a timeout.
pub struct Signal1 {
    read_end: OwnedFd,
    write_end: OwnedFd,
}

impl Signal1 {
    pub fn new() -> Signal1 {
        let (read_end, write_end) = pipe().unwrap();
        Signal1 {
            read_end,
            write_end,
        }
    }

    /// Writes one byte `b`.
    pub fn post(&self, b: u8) {
        nix::unistd::write(&self.write_end, &[b]).unwrap();
    }

    /// Reads `n` bytes, waiting at most `timeout` overall; `None` on timeout.
    pub fn take(&self, n: usize, timeout: Duration) -> Option<Vec<u8>> {
        let deadline = Instant::now() + timeout;
        let mut got = Vec::with_capacity(n);
        while got.len() < n {
            let left = deadline.checked_duration_since(Instant::now())?;
            let mut fds = [PollFd::new(self.read_end.as_fd(), PollFlags::POLLIN)];
            match ppoll(&mut fds, Some(TimeSpec::from_duration(left)), None) {
                Ok(0) => return None,
                Ok(_) => {}
                Err(nix::errno::Errno::EINTR) => continue,
                Err(e) => panic!("poll: {e}"),
            }
            let mut buf = vec![0u8; n - got.len()];
            match nix::unistd::read(self.read_end.as_fd(), &mut buf) {
                Ok(k) => got.extend_from_slice(&buf[..k]),
                Err(nix::errno::Errno::EINTR) => continue,
                Err(e) => panic!("read: {e}"),
            }
        }
        Some(got)
    }
}

/// A fresh interrupt flag, so a body never depends on the process-wide one.
pub fn fresh_flag() -> &'static AtomicBool {
    Box::leak(Box::new(AtomicBool::new(false)))
}

/// Blocks the calling process until a signal kills it.
pub fn block_forever() -> ! {
    loop {
        nix::unistd::pause();
    }
}
