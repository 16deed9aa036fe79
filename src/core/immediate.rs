//! Values that fit in one machine word (small ints, `None`, bools, engine handles), and
//! their encoding: what lets a global slot be read and written without a lock.
//!
//! Word layout, low two bits the tag:
//! - `0` exactly: [`BOXED`], not an immediate;
//! - `..01`: an int, the word shifted right arithmetically by 2 (62-bit range);
//! - `..10`: a handle, kind code in bits 2..10, id in bits 32..64;
//! - `..11`: `None` (payload 0), `False` (1), `True` (2).

use crate::core::value::{Handle, HandleKind, ThreadQueueKind, Value};

/// The word of a slot whose value is not an immediate (or is unset).
pub const BOXED: u64 = 0;

const TAG_INT: u64 = 0b01;
const TAG_HANDLE: u64 = 0b10;
const TAG_OTHER: u64 = 0b11;

/// Smallest and largest int stored inline (62-bit two's complement).
const INT_MIN: i128 = -(1 << 61);
const INT_MAX: i128 = (1 << 61) - 1;

/// The word for `v`, if `v` is an immediate.
#[inline]
pub fn encode(v: &Value) -> Option<u64> {
    match v {
        Value::Int(i) if (INT_MIN..=INT_MAX).contains(i) => {
            Some(((*i as i64 as u64) << 2) | TAG_INT)
        }
        Value::Handle(h) => {
            Some((u64::from(h.id) << 32) | (u64::from(kind_code(h.kind)) << 2) | TAG_HANDLE)
        }
        Value::None => Some(TAG_OTHER),
        Value::Bool(b) => Some((u64::from(*b) + 1) << 2 | TAG_OTHER),
        _ => None,
    }
}

/// The value a word holds; `None` for [`BOXED`].
#[inline]
pub fn decode(w: u64) -> Option<Value> {
    match w & 0b11 {
        TAG_INT => Some(Value::Int(i128::from((w as i64) >> 2))),
        TAG_HANDLE => decode_handle(w).map(Value::Handle),
        TAG_OTHER => Some(match w >> 2 {
            0 => Value::None,
            1 => Value::Bool(false),
            _ => Value::Bool(true),
        }),
        _ => None,
    }
}

/// The handle a word holds, if it holds one.
#[inline]
pub fn decode_handle(w: u64) -> Option<Handle> {
    (w & 0b11 == TAG_HANDLE).then(|| Handle {
        kind: KINDS[((w >> 2) & 0xff) as usize],
        id: (w >> 32) as u32,
    })
}

/// Every handle kind, indexed by [`kind_code`].
const KINDS: [HandleKind; 35] = [
    HandleKind::Lock { mp: false },
    HandleKind::Lock { mp: true },
    HandleKind::RLock { mp: false },
    HandleKind::RLock { mp: true },
    HandleKind::Condition { mp: false },
    HandleKind::Condition { mp: true },
    HandleKind::Semaphore {
        mp: false,
        bounded: false,
    },
    HandleKind::Semaphore {
        mp: false,
        bounded: true,
    },
    HandleKind::Semaphore {
        mp: true,
        bounded: false,
    },
    HandleKind::Semaphore {
        mp: true,
        bounded: true,
    },
    HandleKind::Event { mp: false },
    HandleKind::Event { mp: true },
    HandleKind::Barrier { mp: false },
    HandleKind::Barrier { mp: true },
    HandleKind::Timer,
    HandleKind::Thread,
    HandleKind::Process,
    HandleKind::ThreadQueue(ThreadQueueKind::Fifo),
    HandleKind::ThreadQueue(ThreadQueueKind::Lifo),
    HandleKind::ThreadQueue(ThreadQueueKind::Priority),
    HandleKind::ThreadQueue(ThreadQueueKind::Simple),
    HandleKind::MpQueue {
        joinable: false,
        simple: false,
    },
    HandleKind::MpQueue {
        joinable: false,
        simple: true,
    },
    HandleKind::MpQueue {
        joinable: true,
        simple: false,
    },
    HandleKind::MpQueue {
        joinable: true,
        simple: true,
    },
    HandleKind::Connection,
    HandleKind::Value,
    HandleKind::Array,
    HandleKind::Pool { threads: false },
    HandleKind::Pool { threads: true },
    HandleKind::Executor { processes: false },
    HandleKind::Executor { processes: true },
    HandleKind::Future,
    HandleKind::AsyncResult,
    HandleKind::ImapIter,
];

/// The index of `k` in [`KINDS`]; an exhaustive match, so a new kind cannot be missed.
fn kind_code(k: HandleKind) -> u8 {
    let flag = |b: bool| u8::from(b);
    match k {
        HandleKind::Lock { mp } => flag(mp),
        HandleKind::RLock { mp } => 2 + flag(mp),
        HandleKind::Condition { mp } => 4 + flag(mp),
        HandleKind::Semaphore { mp, bounded } => 6 + 2 * flag(mp) + flag(bounded),
        HandleKind::Event { mp } => 10 + flag(mp),
        HandleKind::Barrier { mp } => 12 + flag(mp),
        HandleKind::Timer => 14,
        HandleKind::Thread => 15,
        HandleKind::Process => 16,
        HandleKind::ThreadQueue(q) => {
            17 + match q {
                ThreadQueueKind::Fifo => 0,
                ThreadQueueKind::Lifo => 1,
                ThreadQueueKind::Priority => 2,
                ThreadQueueKind::Simple => 3,
            }
        }
        HandleKind::MpQueue { joinable, simple } => 21 + 2 * flag(joinable) + flag(simple),
        HandleKind::Connection => 25,
        HandleKind::Value => 26,
        HandleKind::Array => 27,
        HandleKind::Pool { threads } => 28 + flag(threads),
        HandleKind::Executor { processes } => 30 + flag(processes),
        HandleKind::Future => 32,
        HandleKind::AsyncResult => 33,
        HandleKind::ImapIter => 34,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_round_trips() {
        for (i, k) in KINDS.iter().enumerate() {
            assert_eq!(usize::from(kind_code(*k)), i, "{k:?}");
            let v = Value::Handle(Handle {
                kind: *k,
                id: u32::MAX - i as u32,
            });
            let w = encode(&v).expect("handles are immediates");
            assert_ne!(w, BOXED);
            assert_eq!(
                decode_handle(w),
                Some(Handle {
                    kind: *k,
                    id: u32::MAX - i as u32
                })
            );
            match decode(w) {
                Some(Value::Handle(h)) => assert_eq!(
                    h,
                    Handle {
                        kind: *k,
                        id: u32::MAX - i as u32
                    }
                ),
                other => panic!("{other:?}"),
            }
        }
    }

    #[test]
    fn ints_round_trip_inside_62_bits_only() {
        for i in [0, 1, -1, 42, -42, INT_MIN, INT_MAX, i128::from(i32::MIN)] {
            let w = encode(&Value::Int(i)).expect("in range");
            assert!(matches!(decode(w), Some(Value::Int(j)) if j == i), "{i}");
        }
        for i in [INT_MIN - 1, INT_MAX + 1, i128::MAX, i128::MIN] {
            assert_eq!(encode(&Value::Int(i)), None, "{i}");
        }
    }

    #[test]
    fn none_bools_and_boxed() {
        assert!(matches!(
            decode(encode(&Value::None).unwrap()),
            Some(Value::None)
        ));
        for b in [false, true] {
            let w = encode(&Value::Bool(b)).unwrap();
            assert!(matches!(decode(w), Some(Value::Bool(c)) if c == b));
        }
        assert!(decode(BOXED).is_none());
        assert_eq!(decode_handle(BOXED), None);
        assert_eq!(decode_handle(encode(&Value::Int(3)).unwrap()), None);
        assert_eq!(encode(&Value::str("x")), None);
        assert_eq!(encode(&Value::Float(1.0)), None);
    }
}
