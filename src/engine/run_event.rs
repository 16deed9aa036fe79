//! The records actors write into the arena's event log during a run, and their decoding.
//!
//! Every process and thread of a run appends to the same log, so the order of records is
//! the order in which output was written across the whole run. The supervisor decodes the
//! log once the run is over.

use crate::core::names::ExcType;
use crate::syntax::span::Span;

/// Tags of event-log records.
pub mod tag {
    /// Printed text (a whole `print` call, with its `end`).
    pub const OUTPUT: u8 = 1;
    /// An exception that ended an actor.
    pub const EXCEPTION: u8 = 2;
    /// A process actor's exit code.
    pub const EXIT: u8 = 3;
    /// The value of a `final` claim, evaluated by main at its end.
    pub const FINAL: u8 = 4;
    /// The observation of an `outcome` claim.
    pub const OBSERVED: u8 = 5;
    /// A cap (processes, threads) was hit: the run must stop.
    pub const CAP: u8 = 6;
}

/// A decoded event-log record.
#[derive(Clone, Debug, PartialEq)]
pub enum RunEvent {
    Output(String),
    Exception {
        ty: ExcType,
        msg: String,
        span: Span,
    },
    Exit(i32),
    /// `Some(bool)` or `None` when evaluating raised.
    Final {
        index: u32,
        value: Option<bool>,
    },
    /// The observed value's repr, or `None` when evaluating raised.
    Observed {
        index: u32,
        repr: Option<String>,
    },
    Cap {
        message: String,
        span: Span,
    },
}

impl RunEvent {
    pub fn encode(&self) -> (u8, Vec<u8>) {
        let mut b = Vec::new();
        let t = match self {
            RunEvent::Output(s) => {
                b.extend_from_slice(s.as_bytes());
                tag::OUTPUT
            }
            RunEvent::Exception { ty, msg, span } => {
                put_span(&mut b, *span);
                put_str(&mut b, ty.name());
                b.extend_from_slice(msg.as_bytes());
                tag::EXCEPTION
            }
            RunEvent::Exit(code) => {
                b.extend_from_slice(&code.to_le_bytes());
                tag::EXIT
            }
            RunEvent::Final { index, value } => {
                b.extend_from_slice(&index.to_le_bytes());
                b.push(match value {
                    Some(false) => 0,
                    Some(true) => 1,
                    None => 2,
                });
                tag::FINAL
            }
            RunEvent::Observed { index, repr } => {
                b.extend_from_slice(&index.to_le_bytes());
                if let Some(r) = repr {
                    b.extend_from_slice(r.as_bytes());
                }
                b.push(u8::from(repr.is_some()));
                tag::OBSERVED
            }
            RunEvent::Cap { message, span } => {
                put_span(&mut b, *span);
                b.extend_from_slice(message.as_bytes());
                tag::CAP
            }
        };
        (t, b)
    }

    /// `None` for a record this version does not know or a truncated one.
    pub fn decode(t: u8, b: &[u8]) -> Option<RunEvent> {
        Some(match t {
            tag::OUTPUT => RunEvent::Output(String::from_utf8_lossy(b).into_owned()),
            tag::EXCEPTION => {
                let (span, rest) = get_span(b)?;
                let (ty, rest) = get_str(rest)?;
                RunEvent::Exception {
                    ty: ExcType::from_name(&ty)?,
                    msg: String::from_utf8_lossy(rest).into_owned(),
                    span,
                }
            }
            tag::EXIT => RunEvent::Exit(i32::from_le_bytes(b.get(..4)?.try_into().ok()?)),
            tag::FINAL => RunEvent::Final {
                index: u32::from_le_bytes(b.get(..4)?.try_into().ok()?),
                value: match b.get(4)? {
                    0 => Some(false),
                    1 => Some(true),
                    _ => None,
                },
            },
            tag::OBSERVED => {
                let index = u32::from_le_bytes(b.get(..4)?.try_into().ok()?);
                let (flag, text) = b[4..].split_last()?;
                let repr = (*flag == 1).then(|| String::from_utf8_lossy(text).into_owned());
                RunEvent::Observed { index, repr }
            }
            tag::CAP => {
                let (span, rest) = get_span(b)?;
                RunEvent::Cap {
                    message: String::from_utf8_lossy(rest).into_owned(),
                    span,
                }
            }
            _ => return None,
        })
    }
}

fn put_span(b: &mut Vec<u8>, s: Span) {
    b.extend_from_slice(&s.start.to_le_bytes());
    b.extend_from_slice(&s.end.to_le_bytes());
}

fn get_span(b: &[u8]) -> Option<(Span, &[u8])> {
    let start = u32::from_le_bytes(b.get(..4)?.try_into().ok()?);
    let end = u32::from_le_bytes(b.get(4..8)?.try_into().ok()?);
    Some((Span { start, end }, &b[8..]))
}

fn put_str(b: &mut Vec<u8>, s: &str) {
    b.extend_from_slice(&(s.len() as u32).to_le_bytes());
    b.extend_from_slice(s.as_bytes());
}

fn get_str(b: &[u8]) -> Option<(String, &[u8])> {
    let n = u32::from_le_bytes(b.get(..4)?.try_into().ok()?) as usize;
    let s = std::str::from_utf8(b.get(4..4 + n)?).ok()?.to_string();
    Some((s, &b[4 + n..]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_event_round_trips() {
        let events = [
            RunEvent::Output("子进程num：101\n".into()),
            RunEvent::Exception {
                ty: ExcType::QueueEmpty,
                msg: String::new(),
                span: Span::new(3, 9),
            },
            RunEvent::Exit(-15),
            RunEvent::Final {
                index: 2,
                value: Some(true),
            },
            RunEvent::Final {
                index: 0,
                value: None,
            },
            RunEvent::Observed {
                index: 1,
                repr: Some("(20, 5)".into()),
            },
            RunEvent::Observed {
                index: 1,
                repr: None,
            },
            RunEvent::Cap {
                message: "too many processes".into(),
                span: Span::new(1, 2),
            },
        ];
        for e in events {
            let (t, b) = e.encode();
            assert_eq!(RunEvent::decode(t, &b), Some(e));
        }
    }

    #[test]
    fn truncated_records_decode_to_none() {
        assert_eq!(RunEvent::decode(tag::EXIT, &[1, 2]), None);
        assert_eq!(RunEvent::decode(tag::EXCEPTION, &[0; 5]), None);
        assert_eq!(RunEvent::decode(99, b"x"), None);
    }
}
