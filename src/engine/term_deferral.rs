//! SIGTERM deferred out of the arena's guard sections.
//!
//! `p.terminate()` and `pool.terminate()` send SIGTERM to scenario processes. A process
//! killed while it holds a guard of a shared primitive (a pool's task queue, a
//! barrier's or a condition's bookkeeping lock: `futex::Guard`) would leave that guard
//! locked for ever, and the next process to touch the primitive (the terminating parent
//! clearing the pool's queue) would spin on it with no wait record: a hang nobody can
//! explain. So every scenario process handles SIGTERM: outside a guard section the
//! handler dies of SIGTERM at once (same exit status as the default action); inside
//! one it only marks the signal pending, and the last guard to be released dies of it.
//! A guard section is a few instructions and never sleeps, so the delay is microseconds.
//! SIGKILL (`kill()`) cannot be deferred; CPython has the same hazard there.

use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};

/// Guard sections currently open in this process, over all its threads.
static OPEN: AtomicU32 = AtomicU32::new(0);
/// SIGTERM arrived while a section was open.
static PENDING: AtomicBool = AtomicBool::new(false);

/// A guard section begins (before taking the guard).
#[inline]
pub fn enter() {
    OPEN.fetch_add(1, Ordering::SeqCst);
}

/// A guard section ends (after releasing the guard); dies here if SIGTERM came during
/// it and no other section is open.
#[inline]
pub fn leave() {
    if OPEN.fetch_sub(1, Ordering::SeqCst) == 1 && PENDING.load(Ordering::SeqCst) {
        die_of_sigterm();
    }
}

extern "C" fn on_sigterm(_signal: libc::c_int) {
    if OPEN.load(Ordering::SeqCst) == 0 {
        die_of_sigterm();
    }
    PENDING.store(true, Ordering::SeqCst);
    // The last section may have closed between the load and the store, without seeing
    // PENDING: then nobody else will act on it. (If both sides die, the second raise is
    // harmless.)
    if OPEN.load(Ordering::SeqCst) == 0 {
        die_of_sigterm();
    }
}

/// Restores SIGTERM's default action and raises it: the process ends exactly as an
/// unhandled SIGTERM would have ended it. In the handler, the raised signal is blocked
/// until the handler returns, and kills then.
fn die_of_sigterm() {
    // SAFETY: signal(2) and raise(3) are async-signal-safe and take no pointers of ours.
    unsafe {
        libc::signal(libc::SIGTERM, libc::SIG_DFL);
        libc::raise(libc::SIGTERM);
    }
}

/// In a freshly forked scenario process (single-threaded, no section open): installs
/// the handler and forgets any count or pending signal copied from the parent.
pub(crate) fn install_in_child() {
    OPEN.store(0, Ordering::SeqCst);
    PENDING.store(false, Ordering::SeqCst);
    // SAFETY: a zeroed sigaction is a valid value (empty mask, no flags) that we fill;
    // the handler makes only async-signal-safe calls and atomic accesses.
    unsafe {
        let mut action: libc::sigaction = std::mem::zeroed();
        action.sa_sigaction = on_sigterm as *const () as libc::sighandler_t;
        action.sa_flags = libc::SA_RESTART;
        libc::sigaction(libc::SIGTERM, &action, std::ptr::null_mut());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Reads one byte from `fd`; `None` at end of file.
    fn read_byte(fd: i32) -> Option<u8> {
        let mut b = [0u8; 1];
        // SAFETY: reads into a live one-byte buffer.
        let n = unsafe { libc::read(fd, b.as_mut_ptr().cast(), 1) };
        (n == 1).then_some(b[0])
    }

    fn write_byte(fd: i32, b: u8) {
        // SAFETY: writes from a live one-byte buffer.
        unsafe { libc::write(fd, (&b as *const u8).cast(), 1) };
    }

    /// Forks a child that runs `body(write_end)` and then `_exit(0)`s; returns its pid
    /// and the read end of the pipe, whose write end the parent has closed (so a read
    /// sees end of file once the child is gone).
    fn fork_child(body: fn(i32)) -> (libc::pid_t, i32) {
        let mut fds = [0; 2];
        // SAFETY: pipe(2) fills the two-int array.
        assert_eq!(unsafe { libc::pipe(fds.as_mut_ptr()) }, 0);
        let (r, w) = (fds[0], fds[1]);
        // SAFETY: the children below make only async-signal-safe calls (sigaction,
        // write, nanosleep, pause, raise, _exit) before they end.
        let pid = unsafe { libc::fork() };
        assert!(pid >= 0);
        if pid == 0 {
            body(w);
            // SAFETY: ends the child at once.
            unsafe { libc::_exit(0) };
        }
        // SAFETY: closing our copy of the write end.
        unsafe { libc::close(w) };
        (pid, r)
    }

    /// Sends SIGTERM to `pid`.
    fn terminate(pid: libc::pid_t) {
        // SAFETY: signalling our own child, not yet reaped.
        unsafe { libc::kill(pid, libc::SIGTERM) };
    }

    /// Reaps `pid` and closes `r`; true if SIGTERM killed it.
    fn died_of_sigterm(pid: libc::pid_t, r: i32) -> bool {
        let mut status = 0;
        // SAFETY: reaps our child into a live status word, then closes our read end.
        unsafe {
            libc::waitpid(pid, &mut status, 0);
            libc::close(r);
        }
        libc::WIFSIGNALED(status) && libc::WTERMSIG(status) == libc::SIGTERM
    }

    #[test]
    fn sigterm_inside_a_section_kills_when_it_closes_and_not_before() {
        let (pid, r) = fork_child(|w| {
            install_in_child();
            enter();
            write_byte(w, b'i');
            // Stays in the section until the parent's SIGTERM has arrived (and been held).
            while !PENDING.load(Ordering::SeqCst) {
                std::thread::sleep(std::time::Duration::from_millis(1));
            }
            write_byte(w, b'l');
            leave();
            write_byte(w, b'!'); // never: leave() dies of the pending SIGTERM
        });
        assert_eq!(read_byte(r), Some(b'i'));
        terminate(pid);
        assert_eq!(read_byte(r), Some(b'l'), "died inside the section");
        assert_eq!(read_byte(r), None, "survived the end of the section");
        assert!(died_of_sigterm(pid, r));
    }

    #[test]
    fn sigterm_outside_a_section_kills_at_once() {
        let (pid, r) = fork_child(|w| {
            install_in_child();
            write_byte(w, b'h');
            loop {
                // SAFETY: pause(2) has no preconditions.
                unsafe { libc::pause() };
            }
        });
        assert_eq!(read_byte(r), Some(b'h'));
        terminate(pid);
        assert!(died_of_sigterm(pid, r));
    }
}
