//! CPython's `Connection` framing around our value encoding, and the read/write loops
//! that block only in `poll`, each wait announced to the checker.
//!
//! A message is `!i` length + payload (or `!i -1` + `!Q` length above 2 GiB). The value
//! payload is `u32 LE body length` + body + zero padding up to the CPython pickle size.

use std::io;

use crate::checker::snapshot::{Wait, WaitOp};
use crate::core::names::ExcType;
use crate::core::value::{Res, Unwind, Value};
use crate::engine::wait_recorder::WaitRecorder;
use crate::syntax::span::Span;

use super::fdio;
use super::pickle_size::pickle_size;
use super::wire::{self, DecodeError};

/// Bytes of the short header.
const HEADER: usize = 4;
/// Bytes in front of the body inside the payload (its true length).
const BODY_LEN: usize = 4;

/// A complete message carrying `v`, its payload as long as CPython's pickle would be.
pub(super) fn frame_value(v: &Value, span: Span) -> Res<Vec<u8>> {
    let target = pickle_size(v);
    let mut out = Vec::with_capacity(HEADER + BODY_LEN + target);
    out.extend_from_slice(&[0; HEADER + BODY_LEN]);
    wire::encode_into(&mut out, v, span)?;
    let body = out.len() - HEADER - BODY_LEN;
    let body32 = u32::try_from(body).map_err(|_| {
        Unwind::raise(
            ExcType::OverflowError,
            "cannot serialize a value over 4 GiB",
            span,
        )
    })?;
    out[HEADER..HEADER + BODY_LEN].copy_from_slice(&body32.to_le_bytes());
    let payload = (BODY_LEN + body).max(target);
    out.resize(HEADER + payload, 0);
    Ok(set_header(out, payload))
}

/// A complete message carrying raw bytes (`send_bytes`).
pub(super) fn frame_raw(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(HEADER + bytes.len());
    out.extend_from_slice(&[0; HEADER]);
    out.extend_from_slice(bytes);
    set_header(out, bytes.len())
}

fn set_header(mut out: Vec<u8>, payload: usize) -> Vec<u8> {
    match i32::try_from(payload) {
        Ok(n) => out[..HEADER].copy_from_slice(&n.to_be_bytes()),
        Err(_) => {
            // CPython: `!i -1` then `!Q n`.
            out[..HEADER].copy_from_slice(&(-1i32).to_be_bytes());
            let long = (payload as u64).to_be_bytes();
            out.splice(HEADER..HEADER, long);
        }
    }
    out
}

/// The value in a message payload.
pub(super) fn unframe_value(payload: &[u8]) -> Result<Value, DecodeError> {
    let len = payload
        .get(..BODY_LEN)
        .ok_or(DecodeError("pickle data was truncated"))?;
    let body = u32::from_le_bytes([len[0], len[1], len[2], len[3]]) as usize;
    let bytes = payload
        .get(BODY_LEN..BODY_LEN + body)
        .ok_or(DecodeError("pickle data was truncated"))?;
    wire::decode(bytes)
}

/// `_pickle.UnpicklingError` stand-in: an `Exception` (no builtin subclass catches it).
pub(super) fn unpickling_error(e: DecodeError, span: Span) -> Unwind {
    Unwind::raise(ExcType::Exception, e.0, span)
}

/// Who is waiting, for the wait records: the actor's recorder (none for a feeder
/// thread), the operation and the resource.
pub(super) struct Waiter<'a> {
    /// The actor's recorder; `None` for a feeder thread (not an actor).
    pub rec: Option<&'a dyn WaitRecorder>,
    pub op: WaitOp,
    /// The queue or connection id.
    pub res: u32,
    /// The scenario span of the blocking call.
    pub span: Span,
}

impl Waiter<'_> {
    /// Blocks until `fd` is ready, announced as an untimed wait with `detail`.
    pub fn block(&self, fd: i32, write: bool, detail: u64) -> io::Result<()> {
        self.begin(false, detail);
        let r = fdio::wait_ready(fd, write, None);
        self.end();
        r.map(|_| ())
    }

    pub fn begin(&self, timed: bool, detail: u64) {
        if let Some(rec) = self.rec {
            rec.begin_wait(Wait {
                op: self.op,
                res: Some(self.res),
                target: None,
                span: self.span,
                timed,
                detail,
            });
        }
    }

    pub fn end(&self) {
        if let Some(rec) = self.rec {
            rec.end_wait();
        }
    }
}

/// Above this payload size CPython's `_send_bytes` writes the header and the payload
/// with separate calls (below it, one call). On a socket the split changes how many
/// bytes fit before a send blocks, so we split the same way.
const SEPARATE_HEADER_ABOVE: usize = 16384;

/// Writes a framed message the way CPython's `Connection._send_bytes` does: header and
/// payload in one call for small payloads, separately for larger ones (and the long
/// header's two parts separately too).
pub(super) fn write_message(
    fd: i32,
    socket: bool,
    msg: &[u8],
    waiter: &Waiter<'_>,
    mut counted: impl FnMut(usize),
) -> io::Result<()> {
    let long = msg.len() >= HEADER && msg[..HEADER] == (-1i32).to_be_bytes();
    let header = if long { HEADER + 8 } else { HEADER };
    if msg.len() <= header || msg.len() - header <= SEPARATE_HEADER_ABOVE {
        return write_all(fd, socket, msg, waiter, counted);
    }
    if long {
        write_all(fd, socket, &msg[..HEADER], waiter, &mut counted)?;
    }
    write_all(
        fd,
        socket,
        &msg[header - HEADER..header],
        waiter,
        &mut counted,
    )?;
    write_all(fd, socket, &msg[header..], waiter, counted)
}

/// Writes all of `msg`, waiting in `poll` while the buffer is full. `counted` sees
/// every chunk that entered the pipe.
fn write_all(
    fd: i32,
    socket: bool,
    msg: &[u8],
    waiter: &Waiter<'_>,
    mut counted: impl FnMut(usize),
) -> io::Result<()> {
    let mut off = 0;
    while off < msg.len() {
        match fdio::write_some(fd, &msg[off..], socket) {
            Ok(n) => {
                off += n;
                counted(n);
            }
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => {
                waiter.block(fd, true, (msg.len() - off) as u64)?;
            }
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

/// Why a message could not be read.
#[derive(Debug)]
pub(super) enum ReadError {
    /// End of file before the first byte: `EOFError`.
    Eof,
    /// End of file inside a message.
    EofMidMessage,
    Io(io::Error),
}

impl ReadError {
    pub fn into_unwind(self, span: Span) -> Unwind {
        match self {
            ReadError::Eof => Unwind::raise(ExcType::EOFError, "", span),
            ReadError::EofMidMessage => {
                Unwind::raise(ExcType::OSError, "got end of file during message", span)
            }
            ReadError::Io(e) => os_error(&e, span),
        }
    }
}

/// Reads one whole message payload, waiting in `poll` when the pipe runs dry.
pub(super) fn read_message(
    fd: i32,
    waiter: &Waiter<'_>,
    mut counted: impl FnMut(usize),
) -> Result<Vec<u8>, ReadError> {
    let mut hdr = [0u8; HEADER];
    read_exact(fd, &mut hdr, true, waiter, &mut counted)?;
    let n = i32::from_be_bytes(hdr);
    let len = if n == -1 {
        let mut long = [0u8; 8];
        read_exact(fd, &mut long, false, waiter, &mut counted)?;
        u64::from_be_bytes(long)
    } else {
        u64::try_from(n).map_err(|_| ReadError::Io(io::Error::from(io::ErrorKind::InvalidData)))?
    };
    let len = usize::try_from(len).map_err(|_| ReadError::Io(io::ErrorKind::OutOfMemory.into()))?;
    let mut buf = Vec::new();
    // Grow with the data rather than trusting a (maybe corrupted) length up front.
    while buf.len() < len {
        let start = buf.len();
        let step = (len - start).min(1 << 20);
        buf.resize(start + step, 0);
        read_exact(fd, &mut buf[start..], false, waiter, &mut counted)?;
    }
    Ok(buf)
}

fn read_exact(
    fd: i32,
    buf: &mut [u8],
    at_start: bool,
    waiter: &Waiter<'_>,
    counted: &mut impl FnMut(usize),
) -> Result<(), ReadError> {
    let mut off = 0;
    while off < buf.len() {
        match fdio::read_some(fd, &mut buf[off..]) {
            Ok(0) => {
                return Err(if at_start && off == 0 {
                    ReadError::Eof
                } else {
                    ReadError::EofMidMessage
                });
            }
            Ok(n) => {
                off += n;
                counted(n);
            }
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => {
                waiter
                    .block(fd, false, (buf.len() - off) as u64)
                    .map_err(ReadError::Io)?;
            }
            Err(e) => return Err(ReadError::Io(e)),
        }
    }
    Ok(())
}

/// The Python exception for an OS error: `BrokenPipeError` for EPIPE, else `OSError`,
/// with CPython's `[Errno N] text` message.
pub(super) fn os_error(e: &io::Error, span: Span) -> Unwind {
    let Some(code) = e.raw_os_error() else {
        return Unwind::raise(ExcType::OSError, e.to_string(), span);
    };
    let text = e.to_string();
    let text = text
        .strip_suffix(&format!(" (os error {code})"))
        .unwrap_or(&text)
        .to_string();
    let ty = match code {
        libc::EPIPE => ExcType::BrokenPipeError,
        libc::ECONNRESET | libc::ECONNREFUSED | libc::ECONNABORTED => ExcType::ConnectionError,
        _ => ExcType::OSError,
    };
    Unwind::raise(ty, format!("[Errno {code}] {text}"), span)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn value_message_is_padded_to_the_pickle_size() {
        let v = Value::str(&"X".repeat(65514));
        let m = frame_value(&v, Span::default()).unwrap();
        assert_eq!(m.len(), 65536);
        assert_eq!(i32::from_be_bytes([m[0], m[1], m[2], m[3]]), 65532);
        let back = unframe_value(&m[HEADER..]).unwrap();
        let Value::Str(s) = back else {
            panic!("not a str")
        };
        assert_eq!(s.len(), 65514);
    }

    #[test]
    fn os_errors_read_like_python() {
        let e = io::Error::from_raw_os_error(libc::EPIPE);
        let Unwind::Raise(x) = os_error(&e, Span::default()) else {
            panic!()
        };
        assert_eq!(x.ty, ExcType::BrokenPipeError);
        assert_eq!(x.msg, "[Errno 32] Broken pipe");
    }
}
