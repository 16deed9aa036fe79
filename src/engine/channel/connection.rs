//! `multiprocessing.Pipe()`: two `Connection` ends over an AF_UNIX socketpair (duplex,
//! the default) or an `os.pipe()` (`duplex=False`: the first end reads, the second
//! writes). `send` writes the whole message synchronously — there is no feeder — so a
//! send bigger than the buffer blocks until the peer reads.

use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;

use crate::checker::snapshot::WaitOp;
use crate::core::names::ExcType;
use crate::core::value::{Res, Unwind, Value};
use crate::engine::wait_recorder::WaitRecorder;
use crate::syntax::span::Span;

use super::fdio::{self, Ready};
use super::handle_closed;
use super::message::{self, Waiter};
use super::registry::{self, ConnLocal};
use super::shared_state::ConnShared;

/// Creates both ends of a `Pipe(duplex)` in this process: `a` is the first returned
/// end (read-only when simplex), `b` the second (write-only when simplex).
pub fn create_pipe(
    duplex: bool,
    a: (u32, &'static ConnShared),
    b: (u32, &'static ConnShared),
    span: Span,
) -> Res<()> {
    let (fa, fb) = if duplex {
        fdio::socket_pair()
    } else {
        fdio::pipe_pair()
    }
    .map_err(|e| message::os_error(&e, span))?;
    a.1.init(b.0, duplex);
    b.1.init(a.0, duplex);
    let end = |id, fd: i32, readable, writable, shared| ConnLocal {
        id,
        fd: fd.into(),
        readable,
        writable,
        socket: duplex,
        shared,
    };
    registry::insert_conn(end(a.0, fa, true, duplex, a.1));
    registry::insert_conn(end(b.0, fb, duplex, true, b.1));
    Ok(())
}

/// What `conn.closed`, `conn.readable` and `conn.writable` report.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ConnInfo {
    /// `close()` was called on this end in this process.
    pub closed: bool,
    /// False for the second end of a simplex pipe.
    pub readable: bool,
    /// False for the first end of a simplex pipe.
    pub writable: bool,
}

/// The attributes of end `id` in this process, if this process has it.
pub fn conn_info(id: u32) -> Option<ConnInfo> {
    registry::conn(id).map(|c| ConnInfo {
        closed: c.fd.load(Ordering::SeqCst) < 0,
        readable: c.readable,
        writable: c.writable,
    })
}

fn lookup(id: u32, span: Span) -> Res<Arc<ConnLocal>> {
    registry::conn(id).ok_or_else(|| {
        Unwind::raise(
            ExcType::RuntimeError,
            "Connection objects can only be used in processes forked after the Pipe() was made",
            span,
        )
    })
}

/// The open fd, after CPython's `_check_closed` and `_check_writable`/`_check_readable`.
fn open_fd(c: &ConnLocal, write: bool, span: Span) -> Res<i32> {
    let fd = c.fd.load(Ordering::SeqCst);
    if fd < 0 {
        return Err(handle_closed(span));
    }
    if write && !c.writable {
        return Err(Unwind::raise(
            ExcType::OSError,
            "connection is read-only",
            span,
        ));
    }
    if !write && !c.readable {
        return Err(Unwind::raise(
            ExcType::OSError,
            "connection is write-only",
            span,
        ));
    }
    Ok(fd)
}

fn waiter<'a>(c: &ConnLocal, op: WaitOp, span: Span, rec: &'a dyn WaitRecorder) -> Waiter<'a> {
    Waiter {
        rec: Some(rec),
        op,
        res: c.id,
        span,
    }
}

/// `conn.send(v)`: serialise, then write the whole message, waiting (as `PipeSend`,
/// detail = bytes left) while the buffer is full.
pub fn conn_send(id: u32, v: &Value, span: Span, rec: &dyn WaitRecorder) -> Res<()> {
    let c = lookup(id, span)?;
    let fd = open_fd(&c, true, span)?;
    let msg = message::frame_value(v, span)?;
    send_message(&c, fd, &msg, span, rec)
}

/// `conn.send_bytes(b)`: the bytes as they are, with the length header.
pub fn conn_send_bytes(id: u32, bytes: &[u8], span: Span, rec: &dyn WaitRecorder) -> Res<()> {
    let c = lookup(id, span)?;
    let fd = open_fd(&c, true, span)?;
    send_message(&c, fd, &message::frame_raw(bytes), span, rec)
}

fn send_message(c: &ConnLocal, fd: i32, msg: &[u8], span: Span, rec: &dyn WaitRecorder) -> Res<()> {
    let w = waiter(c, WaitOp::PipeSend, span, rec);
    message::write_message(fd, c.socket, msg, &w, |n| c.shared.add_sent(n))
        .map_err(|e| message::os_error(&e, span))?;
    rec.progress();
    Ok(())
}

/// `conn.recv()`: one whole message, waiting (as `PipeRecv`) while nothing is there.
/// `EOFError` when every copy of the peer end is closed and nothing is left.
pub fn conn_recv(id: u32, span: Span, rec: &dyn WaitRecorder) -> Res<Value> {
    let payload = recv_payload(id, span, rec)?;
    message::unframe_value(&payload).map_err(|e| message::unpickling_error(e, span))
}

/// `conn.recv_bytes()`: one message's raw payload.
pub fn conn_recv_bytes(id: u32, span: Span, rec: &dyn WaitRecorder) -> Res<Value> {
    Ok(Value::Bytes(Arc::from(recv_payload(id, span, rec)?)))
}

fn recv_payload(id: u32, span: Span, rec: &dyn WaitRecorder) -> Res<Vec<u8>> {
    let c = lookup(id, span)?;
    let fd = open_fd(&c, false, span)?;
    let w = waiter(&c, WaitOp::PipeRecv, span, rec);
    let payload = message::read_message(fd, &w, |n| c.shared.add_received(n))
        .map_err(|e| e.into_unwind(span))?;
    rec.progress();
    Ok(payload)
}

/// `conn.poll(timeout)`: whether something (data or EOF) is readable, waiting at most
/// `timeout` (`None`: forever; CPython's default is `0.0`).
pub fn conn_poll(
    id: u32,
    timeout: Option<Duration>,
    span: Span,
    rec: &dyn WaitRecorder,
) -> Res<bool> {
    let c = lookup(id, span)?;
    let fd = open_fd(&c, false, span)?;
    let r = if timeout == Some(Duration::ZERO) {
        fdio::wait_ready(fd, false, timeout)
    } else {
        let w = waiter(&c, WaitOp::PipeRecv, span, rec);
        w.begin(timeout.is_some(), 0);
        let r = fdio::wait_ready(fd, false, timeout);
        w.end();
        r
    };
    r.map(|ready| ready == Ready::Yes)
        .map_err(|e| message::os_error(&e, span))
}

/// `conn.close()`: closes this process's copy of the end (idempotent).
pub fn conn_close(id: u32, span: Span) -> Res<()> {
    let c = lookup(id, span)?;
    fdio::close_fd(c.fd.swap(-1, Ordering::SeqCst));
    Ok(())
}
