//! One resource's record in the arena: what the checker sees of it (kind, owner, count,
//! limit, link, pending bytes) and the futex words and payload its implementation uses.
//!
//! All-zero bytes are an unallocated record. Optional ids are stored as `id + 1`.

use std::sync::atomic::{AtomicI64, AtomicU32, AtomicU64, Ordering};

use super::actor_slot::{dec, enc};
use super::inline_str::InlineStr;
use crate::checker::snapshot::{ActorId, ResId, ResSnap};
use crate::core::value::{HandleKind, ThreadQueueKind};

/// One resource. Aligned to 128 bytes so two busy locks never share a cache line.
#[repr(C, align(128))]
#[derive(Default)]
pub struct ResRecord {
    /// `encode_kind` of the `HandleKind`; 0 while unallocated.
    kind: AtomicU32,
    /// Holder (`enc`oded actor id): Lock/RLock owner, Future/AsyncResult worker...
    pub owner: AtomicU32,
    /// Condition: its lock. Future/AsyncResult: the worker actor. `enc`oded.
    pub link: AtomicU32,
    /// Futex words, owned by the primitive's implementation. For an Event, `word[0]` is
    /// the flag, and the snapshot reads its count from there.
    pub word: [AtomicU32; 4],
    /// RLock recursion count, semaphore value, queue length, barrier arrivals...
    pub count: AtomicI64,
    /// Queue maxsize, semaphore bound, barrier parties, pipe capacity.
    pub limit: AtomicI64,
    /// Bytes written into a pipe and not yet read.
    pub pending_bytes: AtomicU64,
    /// Kind-specific state for other engine parts (queue counters, barrier state...).
    pub payload: [AtomicU64; 8],
    label: InlineStr<4>,
}

impl ResRecord {
    /// Fills a freshly allocated (zeroed) record and publishes it.
    pub(super) fn init(&self, kind: HandleKind, label: &str) {
        self.label.set(label);
        self.kind.store(encode_kind(kind), Ordering::Release);
    }

    /// `None` while unallocated.
    pub fn kind(&self) -> Option<HandleKind> {
        decode_kind(self.kind.load(Ordering::Acquire))
    }

    /// The scenario's name for the resource.
    pub fn label(&self) -> String {
        self.label.get()
    }

    /// The holder, if any.
    pub fn owner(&self) -> Option<ActorId> {
        dec(self.owner.load(Ordering::Relaxed))
    }

    /// Sets or clears the holder.
    pub fn set_owner(&self, owner: Option<ActorId>) {
        self.owner.store(enc(owner), Ordering::Relaxed);
    }

    /// The linked resource or actor, if any.
    pub fn link(&self) -> Option<u32> {
        dec(self.link.load(Ordering::Relaxed))
    }

    /// Sets or clears the link.
    pub fn set_link(&self, link: Option<u32>) {
        self.link.store(enc(link), Ordering::Relaxed);
    }

    /// A copy for the checker; `None` if unallocated.
    pub fn snap(&self, id: ResId) -> Option<ResSnap> {
        let kind = self.kind()?;
        let count = match kind {
            HandleKind::Event { .. } => i64::from(self.word[0].load(Ordering::Relaxed)),
            _ => self.count.load(Ordering::Relaxed),
        };
        Some(ResSnap {
            id,
            kind,
            label: self.label(),
            owner: self.owner(),
            count,
            limit: self.limit.load(Ordering::Relaxed),
            pending_bytes: self.pending_bytes.load(Ordering::Relaxed),
            link: self.link(),
        })
    }
}

// Kind tags (low byte) and flag bits.
const MP: u32 = 1 << 8;
const FLAG2: u32 = 1 << 9;

/// `HandleKind` as a nonzero `u32`: a tag in the low byte, flags above.
pub fn encode_kind(kind: HandleKind) -> u32 {
    let flag = |b: bool, bit: u32| if b { bit } else { 0 };
    match kind {
        HandleKind::Lock { mp } => 1 | flag(mp, MP),
        HandleKind::RLock { mp } => 2 | flag(mp, MP),
        HandleKind::Condition { mp } => 3 | flag(mp, MP),
        HandleKind::Semaphore { mp, bounded } => 4 | flag(mp, MP) | flag(bounded, FLAG2),
        HandleKind::Event { mp } => 5 | flag(mp, MP),
        HandleKind::Barrier { mp } => 6 | flag(mp, MP),
        HandleKind::Timer => 7,
        HandleKind::Thread => 8,
        HandleKind::Process => 9,
        HandleKind::ThreadQueue(q) => {
            10 | match q {
                ThreadQueueKind::Fifo => 0,
                ThreadQueueKind::Lifo => 1 << 8,
                ThreadQueueKind::Priority => 2 << 8,
                ThreadQueueKind::Simple => 3 << 8,
            }
        }
        HandleKind::MpQueue { joinable, simple } => 11 | flag(joinable, MP) | flag(simple, FLAG2),
        HandleKind::Connection => 12,
        HandleKind::Value => 13,
        HandleKind::Array => 14,
        HandleKind::Pool { threads } => 15 | flag(threads, MP),
        HandleKind::Executor { processes } => 16 | flag(processes, MP),
        HandleKind::Future => 17,
        HandleKind::AsyncResult => 18,
        HandleKind::ImapIter => 19,
    }
}

/// Inverse of [`encode_kind`]; `None` for 0 or garbage.
pub fn decode_kind(code: u32) -> Option<HandleKind> {
    let a = code & MP != 0;
    let b = code & FLAG2 != 0;
    Some(match code & 0xff {
        1 => HandleKind::Lock { mp: a },
        2 => HandleKind::RLock { mp: a },
        3 => HandleKind::Condition { mp: a },
        4 => HandleKind::Semaphore { mp: a, bounded: b },
        5 => HandleKind::Event { mp: a },
        6 => HandleKind::Barrier { mp: a },
        7 => HandleKind::Timer,
        8 => HandleKind::Thread,
        9 => HandleKind::Process,
        10 => HandleKind::ThreadQueue(match (code >> 8) & 3 {
            0 => ThreadQueueKind::Fifo,
            1 => ThreadQueueKind::Lifo,
            2 => ThreadQueueKind::Priority,
            _ => ThreadQueueKind::Simple,
        }),
        11 => HandleKind::MpQueue {
            joinable: a,
            simple: b,
        },
        12 => HandleKind::Connection,
        13 => HandleKind::Value,
        14 => HandleKind::Array,
        15 => HandleKind::Pool { threads: a },
        16 => HandleKind::Executor { processes: a },
        17 => HandleKind::Future,
        18 => HandleKind::AsyncResult,
        19 => HandleKind::ImapIter,
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_round_trips() {
        let mut kinds = vec![
            HandleKind::Timer,
            HandleKind::Thread,
            HandleKind::Process,
            HandleKind::Connection,
            HandleKind::Value,
            HandleKind::Array,
            HandleKind::Future,
            HandleKind::AsyncResult,
            HandleKind::ImapIter,
        ];
        for a in [false, true] {
            kinds.extend([
                HandleKind::Lock { mp: a },
                HandleKind::RLock { mp: a },
                HandleKind::Condition { mp: a },
                HandleKind::Event { mp: a },
                HandleKind::Barrier { mp: a },
                HandleKind::Pool { threads: a },
                HandleKind::Executor { processes: a },
            ]);
            for b in [false, true] {
                kinds.push(HandleKind::Semaphore { mp: a, bounded: b });
                kinds.push(HandleKind::MpQueue {
                    joinable: a,
                    simple: b,
                });
            }
        }
        for q in [
            ThreadQueueKind::Fifo,
            ThreadQueueKind::Lifo,
            ThreadQueueKind::Priority,
            ThreadQueueKind::Simple,
        ] {
            kinds.push(HandleKind::ThreadQueue(q));
        }
        for k in kinds {
            let code = encode_kind(k);
            assert_ne!(code, 0);
            assert_eq!(decode_kind(code), Some(k), "{k:?}");
        }
        assert_eq!(decode_kind(0), None);
        assert_eq!(decode_kind(200), None);
    }
}
