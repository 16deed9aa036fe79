//! The raw fd operations channels need: non-blocking pipe/socketpair creation, `poll`,
//! and reads/writes that never raise SIGPIPE (CPython ignores SIGPIPE and reports
//! `BrokenPipeError`; we must not die of it either, whatever the process disposition).

use std::io;
use std::time::{Duration, Instant};

/// `os.pipe()`: (read end, write end), both `O_NONBLOCK | O_CLOEXEC`.
pub(super) fn pipe_pair() -> io::Result<(i32, i32)> {
    let mut fds = [0i32; 2];
    // SAFETY: `fds` is a valid, writable array of two ints, as pipe2 requires.
    let r = unsafe { libc::pipe2(fds.as_mut_ptr(), libc::O_NONBLOCK | libc::O_CLOEXEC) };
    if r < 0 {
        return Err(io::Error::last_os_error());
    }
    Ok((fds[0], fds[1]))
}

/// `socket.socketpair()` as `Pipe(duplex=True)` uses it: AF_UNIX, SOCK_STREAM.
pub(super) fn socket_pair() -> io::Result<(i32, i32)> {
    let mut fds = [0i32; 2];
    let ty = libc::SOCK_STREAM | libc::SOCK_NONBLOCK | libc::SOCK_CLOEXEC;
    // SAFETY: `fds` is a valid, writable array of two ints, as socketpair requires.
    let r = unsafe { libc::socketpair(libc::AF_UNIX, ty, 0, fds.as_mut_ptr()) };
    if r < 0 {
        return Err(io::Error::last_os_error());
    }
    Ok((fds[0], fds[1]))
}

pub(super) fn close_fd(fd: i32) {
    if fd >= 0 {
        // SAFETY: closing an fd this module created; callers forget it right after.
        unsafe { libc::close(fd) };
    }
}

/// Readiness `poll(2)` reported.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Ready {
    /// The requested event (or an error/hangup, which the next read/write reports).
    Yes,
    TimedOut,
}

/// Waits until `fd` is readable (`POLLIN`) or writable (`POLLOUT`), at most `timeout`
/// (`None`: forever). Retries on EINTR with the time that is left.
pub(super) fn wait_ready(fd: i32, write: bool, timeout: Option<Duration>) -> io::Result<Ready> {
    let deadline = timeout.map(|t| Instant::now() + t);
    let events = if write { libc::POLLOUT } else { libc::POLLIN };
    loop {
        let ms: i32 = match deadline {
            None => -1,
            Some(d) => {
                let left = d.saturating_duration_since(Instant::now());
                // Round up so a 1.5 ms wait does not become a 1 ms one.
                i32::try_from(left.as_nanos().div_ceil(1_000_000)).unwrap_or(i32::MAX)
            }
        };
        let mut pfd = libc::pollfd {
            fd,
            events,
            revents: 0,
        };
        // SAFETY: one valid pollfd, count 1.
        let r = unsafe { libc::poll(&mut pfd, 1, ms) };
        if r < 0 {
            let e = io::Error::last_os_error();
            if e.kind() == io::ErrorKind::Interrupted {
                continue;
            }
            return Err(e);
        }
        if r > 0 {
            if pfd.revents & libc::POLLNVAL != 0 {
                return Err(io::Error::from_raw_os_error(libc::EBADF));
            }
            return Ok(Ready::Yes);
        }
        if ms == 0 || deadline.is_some_and(|d| Instant::now() >= d) {
            return Ok(Ready::TimedOut);
        }
    }
}

/// One `read(2)`: `Ok(0)` is end of file; `WouldBlock` when nothing is there yet.
pub(super) fn read_some(fd: i32, buf: &mut [u8]) -> io::Result<usize> {
    loop {
        // SAFETY: `buf` is valid for writes of `buf.len()` bytes.
        let r = unsafe { libc::read(fd, buf.as_mut_ptr().cast(), buf.len()) };
        if r >= 0 {
            return Ok(r as usize);
        }
        let e = io::Error::last_os_error();
        if e.kind() != io::ErrorKind::Interrupted {
            return Err(e);
        }
    }
}

/// One non-blocking write that reports EPIPE as an error instead of raising SIGPIPE.
/// `WouldBlock` when the pipe/socket buffer is full.
pub(super) fn write_some(fd: i32, buf: &[u8], socket: bool) -> io::Result<usize> {
    loop {
        let r = if socket {
            // SAFETY: `buf` is valid for reads of `buf.len()` bytes.
            unsafe {
                libc::send(
                    fd,
                    buf.as_ptr().cast(),
                    buf.len(),
                    libc::MSG_NOSIGNAL | libc::MSG_DONTWAIT,
                )
            }
        } else {
            write_pipe_nosigpipe(fd, buf)
        };
        if r >= 0 {
            return Ok(r as usize);
        }
        let e = io::Error::last_os_error();
        if e.kind() != io::ErrorKind::Interrupted {
            return Err(e);
        }
    }
}

/// `write(2)` on a pipe with SIGPIPE blocked for this thread; a SIGPIPE the write
/// raised is consumed before the old mask comes back. Returns the raw result with
/// `errno` preserved for the caller.
fn write_pipe_nosigpipe(fd: i32, buf: &[u8]) -> isize {
    // SAFETY: sigset_t is plain data; sigemptyset/sigaddset initialise it fully.
    let mut set: libc::sigset_t = unsafe { std::mem::zeroed() };
    // SAFETY: as above, for the saved mask (pthread_sigmask fills it).
    let mut old: libc::sigset_t = unsafe { std::mem::zeroed() };
    // SAFETY: `set` and `old` are valid sigset_t objects owned by this frame.
    unsafe {
        libc::sigemptyset(&mut set);
        libc::sigaddset(&mut set, libc::SIGPIPE);
        libc::pthread_sigmask(libc::SIG_BLOCK, &set, &mut old);
    }
    // SAFETY: `buf` is valid for reads of `buf.len()` bytes.
    let r = unsafe { libc::write(fd, buf.as_ptr().cast(), buf.len()) };
    let err = io::Error::last_os_error();
    // SAFETY: sigismember reads a valid sigset_t.
    let was_blocked = unsafe { libc::sigismember(&old, libc::SIGPIPE) } == 1;
    if r < 0 && err.raw_os_error() == Some(libc::EPIPE) && !was_blocked {
        let zero = libc::timespec {
            tv_sec: 0,
            tv_nsec: 0,
        };
        // SAFETY: valid set and timespec; a null siginfo pointer is allowed.
        unsafe { libc::sigtimedwait(&set, std::ptr::null_mut(), &zero) };
    }
    // SAFETY: restores the mask saved above.
    unsafe { libc::pthread_sigmask(libc::SIG_SETMASK, &old, std::ptr::null_mut()) };
    if r < 0 {
        // Put the write's errno back: the calls above may have changed it.
        // SAFETY: __errno_location returns this thread's errno slot.
        unsafe { *libc::__errno_location() = err.raw_os_error().unwrap_or(libc::EIO) };
    }
    r
}

/// Something (data, or EOF) is readable right now: `poll` with a zero timeout, like
/// CPython's `Connection.poll()`.
pub(super) fn readable_now(fd: i32) -> io::Result<bool> {
    Ok(wait_ready(fd, false, Some(Duration::ZERO))? == Ready::Yes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pipe_holds_exactly_64_kib_and_epipe_does_not_kill() {
        let (r, w) = pipe_pair().unwrap();
        let chunk = vec![7u8; 100_000];
        let n = write_some(w, &chunk, false).unwrap();
        assert_eq!(n, 65536);
        let e = write_some(w, &chunk, false).unwrap_err();
        assert_eq!(e.kind(), io::ErrorKind::WouldBlock);
        assert_eq!(
            wait_ready(w, true, Some(Duration::from_millis(5))).unwrap(),
            Ready::TimedOut
        );
        close_fd(r);
        let e = write_some(w, &chunk, false).unwrap_err();
        assert_eq!(e.raw_os_error(), Some(libc::EPIPE));
        close_fd(w);
    }
}
