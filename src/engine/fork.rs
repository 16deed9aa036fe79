//! Forking a scenario process, and the rules that keep every scenario process tied to
//! the life of `interp`.
//!
//! # Parent death
//!
//! Every scenario process arms `PR_SET_PDEATHSIG` right after fork, so when `interp`
//! is killed (even by SIGKILL) the whole tree dies in a cascade: the main process gets
//! SIGKILL when `interp`'s supervising thread dies, and each other process gets
//! `parent_death_signal()` when its parent dies.
//!
//! Two Linux details shape this:
//!
//! * The parent-death signal fires when the **thread** that forked exits, not the
//!   process. A scenario thread that starts a `Process` and then ends would kill the
//!   process it started if the signal were SIGKILL.
//! * Python lets a process outlive its parent (`os.fork` without `waitpid`, or a parent
//!   that leaves via `os._exit`): the orphan must survive, be adopted by `interp` (the
//!   child subreaper) and still die with `interp`.
//!
//! So below the main process the signal is a reserved real-time signal whose handler
//! decides: if the process's parent is still the process that forked it (only the
//! forking thread ended) or is now `interp` (it was orphaned and adopted), it lives on;
//! otherwise `interp` is gone and it kills itself with SIGKILL. The kernel keeps the
//! parent-death setting after firing, so an adopted orphan's next parent death (that of
//! `interp`) fires it again. If the handler is missing, the real-time signal's default
//! action terminates the process, which errs on the side of no leak.
//!
//! Rules for the engine:
//!
//! * scenario processes never block or handle `parent_death_signal()`;
//! * a blocking call may see one `EINTR` when its process's parent (or forking thread)
//!   ends: engine wait loops retry, as they must for spurious wake-ups anyway;
//! * `interp` calls `Supervisor::run` on a thread that lives until `run` returns (the
//!   main process's SIGKILL is tied to that thread);
//! * an engine thread that forked a still-running process may end at any time;
//!   `linger_until_exited` lets it wait for its children first when it prefers to
//!   spare them the signal.
//!
//! # Threads and fork
//!
//! Only the forking thread exists in the child, so the fork takes the fork gate
//! exclusively (see `fork_gate`): no other thread of the parent is inside a critical
//! section holding a process-local lock at that instant.

use std::io;
use std::os::fd::{AsFd, OwnedFd};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::atomic::{AtomicI32, Ordering};
use std::time::{Duration, Instant};

use nix::errno::Errno;
use nix::poll::{PollFd, PollFlags, ppoll};
use nix::sys::signal::{SigSet, SigmaskHow, pthread_sigmask};
use nix::sys::time::TimeSpec;
use nix::unistd::{ForkResult, Pid, fork, getpid, setpgid};

use crate::engine::fork_gate::ExclusiveGate;
use crate::engine::{interrupt, limits};

/// Exit status of a forked process whose setup failed before it ran scenario code
/// (its parent died during the fork, or the memory limit could not be applied).
pub const EXIT_SETUP_FAILED: i32 = 125;
/// Exit status of a forked process whose body panicked (an engine bug, reported as
/// such; Rust's own panic exit status).
pub const EXIT_PANICKED: i32 = 101;

/// Pid of the `interp` process supervising this scenario, inherited by every scenario
/// process; 0 outside a supervised run. Read by the parent-death handler.
static SUPERVISOR_PID: AtomicI32 = AtomicI32::new(0);
/// Pid of the process this one expects as parent: the one that forked it, or
/// `interp` once adopted. Read and written by the parent-death handler.
static EXPECTED_PARENT: AtomicI32 = AtomicI32::new(0);

/// Why a fork failed.
#[derive(Debug, thiserror::Error)]
pub enum ForkError {
    /// `fork(2)` itself failed (`EAGAIN` at the process limit, `ENOMEM`).
    #[error("fork failed: {0}")]
    Fork(#[from] Errno),
    /// The calling thread is inside `with_fork_gate_shared`: forking there would wait
    /// for itself.
    #[error("fork called inside a fork-gate critical section")]
    GateHeldByCaller,
}

impl From<ForkError> for io::Error {
    fn from(error: ForkError) -> io::Error {
        match error {
            ForkError::Fork(errno) => errno.into(),
            other => io::Error::other(other),
        }
    }
}

/// What the child sets up before running its body.
pub(crate) enum ChildRole {
    /// The scenario's main process, forked by `interp`: new process group, SIGKILL on
    /// parent death, `interp`'s signal handlers removed, memory limit.
    Main {
        /// `RLIMIT_AS` in bytes, when the run has one.
        memory_bytes: Option<u64>,
    },
    /// A process forked by a scenario process: inherits group, limit and handlers.
    Descendant,
}

/// The real-time signal a scenario process below main receives when its parent (or
/// forking thread) dies. Reserved for this purpose: scenarios cannot send it.
pub fn parent_death_signal() -> i32 {
    libc::SIGRTMIN() + 4
}

/// Forks a scenario process that runs `child` and exits with its return value (the
/// Python exit code). Called by a scenario process; the new process inherits its
/// process group, memory limit and signal set-up. Returns the child's pid in the
/// parent; never returns in the child.
///
/// The engine never buffers stdout, so the child's `_exit` loses no output; anything
/// `child` leaves in Rust's `stdout()` line buffer is lost, by design of `_exit`.
pub fn fork_scenario_process(child: impl FnOnce() -> i32) -> Result<Pid, ForkError> {
    fork_with(ChildRole::Descendant, child)
}

/// Forks a process with the set-up of `role`; see `fork_scenario_process`.
pub(crate) fn fork_with(role: ChildRole, child: impl FnOnce() -> i32) -> Result<Pid, ForkError> {
    let parent = getpid();
    let gate = ExclusiveGate::acquire().ok_or(ForkError::GateHeldByCaller)?;
    crate::engine::thread_spawn::wait_for_exiting_threads();
    // SAFETY: after fork in a possibly multi-threaded process the child may only rely
    // on state no vanished thread could have left half-changed. The fork gate is held
    // exclusively, so no engine thread was inside a section holding a process-local
    // lock; glibc's malloc takes its arena locks around fork (atfork handlers), so the
    // allocator is usable in the child; scenario resources are shared-memory futex
    // primitives designed to be inherited mid-use. The child never returns from this
    // function: it ends in `_exit`, so no destructor of the parent's state runs twice.
    match unsafe { fork() }? {
        ForkResult::Parent { child: pid } => {
            if matches!(role, ChildRole::Main { .. }) {
                // Both sides set the group so that neither can act on the group before
                // it exists. Failure here means the child already did it (or died).
                let _ = setpgid(pid, pid);
            }
            drop(gate);
            Ok(pid)
        }
        ForkResult::Child => {
            gate.reset_in_child();
            crate::engine::thread_spawn::forget_in_child();
            run_child(parent, role, child)
        }
    }
}

/// The child side: ties the process to its parent, applies the role, runs the body.
fn run_child(parent: Pid, role: ChildRole, child: impl FnOnce() -> i32) -> ! {
    setup_child(parent, role);
    let code = catch_unwind(AssertUnwindSafe(child)).unwrap_or(EXIT_PANICKED);
    _exit(code)
}

/// Ties a freshly forked child to its parent and applies the role; `_exit`s on failure.
fn setup_child(parent: Pid, role: ChildRole) {
    let main = matches!(role, ChildRole::Main { .. });
    if main {
        // Before any process of the scenario can exist, so all of them inherit it.
        SUPERVISOR_PID.store(parent.as_raw(), Ordering::SeqCst);
        if setpgid(Pid::from_raw(0), Pid::from_raw(0)).is_err() {
            _exit(EXIT_SETUP_FAILED);
        }
    }
    EXPECTED_PARENT.store(parent.as_raw(), Ordering::SeqCst);
    if install_parent_death_handler().is_err() {
        _exit(EXIT_SETUP_FAILED);
    }
    let signal = if main {
        libc::SIGKILL
    } else {
        parent_death_signal()
    };
    // SAFETY: PR_SET_PDEATHSIG takes a signal number and touches no memory of ours.
    let armed = unsafe { libc::prctl(libc::PR_SET_PDEATHSIG, signal as libc::c_ulong, 0, 0, 0) };
    // The parent may have died before the signal was armed: then nobody will send it,
    // and we have already been reparented, which the same check as the handler's sees.
    // (A parent that exits right after forking is normal Python: the orphan lives.)
    if armed != 0 || !still_tied_to_interp() {
        _exit(EXIT_SETUP_FAILED);
    }
    // The forking thread's mask is inherited; a blocked signal could never kill us.
    let _ = pthread_sigmask(SigmaskHow::SIG_SETMASK, Some(&SigSet::empty()), None);
    if let ChildRole::Main { memory_bytes } = role {
        interrupt::restore_default_in_child();
        if let Some(bytes) = memory_bytes
            && limits::apply_memory_limit(bytes).is_err()
        {
            _exit(EXIT_SETUP_FAILED);
        }
    }
    crate::engine::term_deferral::install_in_child();
}

/// `os.fork()`: forks a scenario process that continues where the caller is. Returns
/// `Some(pid)` in the parent and `None` in the child, which is set up like any
/// descendant (parent-death signal, same group).
pub fn fork_returning() -> Result<Option<Pid>, ForkError> {
    let parent = getpid();
    let gate = ExclusiveGate::acquire().ok_or(ForkError::GateHeldByCaller)?;
    crate::engine::thread_spawn::wait_for_exiting_threads();
    // SAFETY: as in `fork_with`; the child returns into the interpreter's thread, which
    // is the only thread it has, and every lock it may take was free at the fork (fork
    // gate) or is a shared-memory primitive meant to be inherited.
    match unsafe { fork() }? {
        ForkResult::Parent { child: pid } => {
            drop(gate);
            Ok(Some(pid))
        }
        ForkResult::Child => {
            gate.reset_in_child();
            crate::engine::thread_spawn::forget_in_child();
            setup_child(parent, ChildRole::Descendant);
            Ok(None)
        }
    }
}

/// Ends the forked child at once: no atexit handlers, no destructors, no flushing of
/// state copied from the parent.
fn _exit(code: i32) -> ! {
    // SAFETY: _exit has no preconditions; it never returns.
    unsafe { libc::_exit(code) }
}

fn install_parent_death_handler() -> io::Result<()> {
    // SAFETY: a zeroed sigaction is a valid value (empty mask, no flags) that we fill.
    let mut action: libc::sigaction = unsafe { std::mem::zeroed() };
    action.sa_sigaction = on_parent_death as *const () as libc::sighandler_t;
    action.sa_flags = libc::SA_RESTART;
    // SAFETY: the handler only makes async-signal-safe calls (getppid, getpid, kill)
    // and atomic accesses, and restores errno.
    let result = unsafe { libc::sigaction(parent_death_signal(), &action, std::ptr::null_mut()) };
    if result == 0 {
        Ok(())
    } else {
        Err(io::Error::last_os_error())
    }
}

extern "C" fn on_parent_death(_signal: libc::c_int) {
    // SAFETY: __errno_location returns this thread's errno slot, valid for the thread's
    // life; saved and restored so the interrupted code sees its own errno.
    let errno = unsafe { *libc::__errno_location() };
    if !still_tied_to_interp() {
        // SAFETY: kill and getpid are async-signal-safe; SIGKILL ends this process.
        unsafe { libc::kill(libc::getpid(), libc::SIGKILL) };
    }
    // SAFETY: as above, this thread's errno slot.
    unsafe { *libc::__errno_location() = errno };
}

/// Whether this process's parent is still the process that forked it (only the forking
/// thread may have ended) or is `interp`, which adopted it as an orphan; in the latter
/// case `interp` becomes the expected parent. False means `interp` is gone. Only
/// async-signal-safe calls: it runs in the parent-death handler.
fn still_tied_to_interp() -> bool {
    // SAFETY: getppid has no preconditions and is async-signal-safe.
    let parent = unsafe { libc::getppid() };
    let supervisor = SUPERVISOR_PID.load(Ordering::SeqCst);
    if parent == EXPECTED_PARENT.load(Ordering::SeqCst) {
        true
    } else if supervisor != 0 && parent == supervisor {
        EXPECTED_PARENT.store(supervisor, Ordering::SeqCst);
        true
    } else {
        false
    }
}

/// Waits until every process in `pids` has exited (it may still be an unreaped
/// zombie), or `timeout` passes. Returns whether all exited. Works from any thread and
/// for any process, parent or not, since it waits on pidfds rather than `waitpid`; a
/// pid that no longer exists counts as exited. Pass only pids that cannot have been
/// reaped and reused yet (the caller's own unreaped children).
///
/// For an engine thread that forked processes and wants to spare them the parent-death
/// signal its own exit would send (see the module docs).
pub fn linger_until_exited(pids: &[Pid], timeout: Option<Duration>) -> io::Result<bool> {
    let deadline = timeout.map(|t| Instant::now() + t);
    let mut pidfds = Vec::with_capacity(pids.len());
    for &pid in pids {
        match open_pidfd(pid) {
            Ok(fd) => pidfds.push(fd),
            Err(e) if e.raw_os_error() == Some(libc::ESRCH) => {}
            Err(e) => return Err(e),
        }
    }
    while !pidfds.is_empty() {
        let left = match deadline {
            Some(deadline) => match deadline.checked_duration_since(Instant::now()) {
                Some(left) => Some(left),
                None => return Ok(false),
            },
            None => None,
        };
        let ready = wait_readable(&pidfds, left)?;
        let mut index = 0;
        pidfds.retain(|_| {
            index += 1;
            !ready[index - 1]
        });
    }
    Ok(true)
}

/// A pidfd for `pid`: readable once the process has exited.
pub(crate) fn open_pidfd(pid: Pid) -> io::Result<OwnedFd> {
    let pid = rustix::process::Pid::from_raw(pid.as_raw())
        .ok_or_else(|| io::Error::from_raw_os_error(libc::ESRCH))?;
    Ok(rustix::process::pidfd_open(
        pid,
        rustix::process::PidfdFlags::empty(),
    )?)
}

/// Polls `fds` for readability for up to `timeout` (forever when `None`); returns
/// which are readable. An interrupting signal returns early with none ready.
pub(crate) fn wait_readable(fds: &[OwnedFd], timeout: Option<Duration>) -> io::Result<Vec<bool>> {
    let mut poll_fds: Vec<PollFd<'_>> = fds
        .iter()
        .map(|fd| PollFd::new(fd.as_fd(), PollFlags::POLLIN))
        .collect();
    let timeout = timeout.map(TimeSpec::from_duration);
    match ppoll(&mut poll_fds, timeout, None) {
        Ok(_) => {}
        Err(Errno::EINTR) => return Ok(vec![false; fds.len()]),
        Err(e) => return Err(e.into()),
    }
    Ok(poll_fds
        .iter()
        .map(|p| p.revents().is_some_and(|r| !r.is_empty()))
        .collect())
}
