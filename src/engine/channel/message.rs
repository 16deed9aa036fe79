//! CPython's `Connection` framing around our value encoding, and the read/write loops
//! that block only in `poll`, each wait announced to the checker.
//!
//! A message is `!i` length + payload (or `!i -1` + `!Q` length above 2 GiB). The value
//! payload is a varint body length + body + zero padding up to the CPython pickle size.

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

/// A complete message carrying `v`, its payload as long as CPython's pickle would be
/// (longer only in the rare case our encoding is the bigger one).
pub(super) fn frame_value(v: &Value, span: Span) -> Res<Vec<u8>> {
    let target = pickle_size(v);
    let body = wire::encode(v, span)?;
    let mut out = Vec::with_capacity(HEADER + 10 + body.len().max(target));
    out.extend_from_slice(&[0; HEADER]);
    // A varint body length keeps tiny values (an int: 5 pickle bytes) within the pickle
    // size, so even they fill the pipe as under CPython.
    let mut n = body.len();
    loop {
        let byte = (n & 0x7f) as u8;
        n >>= 7;
        if n == 0 {
            out.push(byte);
            break;
        }
        out.push(byte | 0x80);
    }
    out.extend_from_slice(&body);
    let payload = (out.len() - HEADER).max(target);
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

/// The value in a message payload (the padding after the body is ignored).
pub(super) fn unframe_value(payload: &[u8]) -> Result<Value, DecodeError> {
    const TRUNCATED: DecodeError = DecodeError("pickle data was truncated");
    let mut body = 0usize;
    let mut pos = 0;
    for shift in (0..64).step_by(7) {
        let b = *payload.get(pos).ok_or(TRUNCATED)?;
        pos += 1;
        body |= usize::from(b & 0x7f).checked_shl(shift).ok_or(TRUNCATED)?;
        if b & 0x80 == 0 {
            let end = pos.checked_add(body).ok_or(TRUNCATED)?;
            return wire::decode(payload.get(pos..end).ok_or(TRUNCATED)?);
        }
    }
    Err(TRUNCATED)
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
        // An int pickles to 5 bytes; ours fits in that too.
        assert_eq!(
            frame_value(&Value::Int(7), Span::default()).unwrap().len(),
            4 + 5
        );
        assert!(unframe_value(&[0x85]).is_err());
        assert!(unframe_value(&[0xff; 12]).is_err());
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

#[cfg(test)]
mod size_props {
    use super::*;
    use proptest::prelude::*;
    use std::sync::Arc;

    fn plain() -> impl Strategy<Value = Value> {
        let leaf = prop_oneof![
            Just(Value::None),
            any::<bool>().prop_map(Value::Bool),
            any::<i128>().prop_map(Value::Int),
            (-300i128..70000).prop_map(Value::Int),
            any::<f64>().prop_map(Value::Float),
            ".{0,300}".prop_map(|s| Value::str(&s)),
            proptest::collection::vec(any::<u8>(), 0..300).prop_map(|b| Value::Bytes(Arc::from(b))),
        ];
        leaf.prop_recursive(4, 64, 8, |inner| {
            prop_oneof![
                proptest::collection::vec(inner.clone(), 0..8).prop_map(Value::list),
                proptest::collection::vec(inner.clone(), 0..8).prop_map(Value::tuple),
                proptest::collection::vec((inner.clone(), inner), 0..5)
                    .prop_map(|kv| { Value::Dict(Arc::new(parking_lot::Mutex::new(kv))) }),
            ]
        })
    }

    proptest! {
        /// For plain data the pipe sees exactly CPython's byte count: our encoding
        /// never outgrows the pickle it is padded to.
        #[test]
        fn plain_values_occupy_exactly_the_pickle_size(v in plain()) {
            let m = frame_value(&v, Span::default()).unwrap();
            prop_assert_eq!(m.len(), HEADER + pickle_size(&v));
            let back = unframe_value(&m[HEADER..]).unwrap();
            prop_assert_eq!(pickle_size(&back), pickle_size(&v));
        }
    }
}
