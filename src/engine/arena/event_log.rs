//! The run's append-only event log in the arena: printed output, exceptions and exit
//! codes from every process and thread, in one order.
//!
//! A writer reserves its record with one `fetch_add` on the head (so record order is
//! reservation order), fills it, then publishes it with a Release store of its header.
//! Readers only ever copy published records. Appending never blocks; once the log is
//! full every later append fails.

use std::sync::atomic::{AtomicU64, Ordering};

use crate::checker::snapshot::ActorId;

/// Record header word: payload length (low 32 bits), tag (bits 32..40), state (48..).
const RESERVED: u64 = 1 << 48;
const READY: u64 = 2 << 48;
const STATE_MASK: u64 = 0xffff << 48;
/// Header word + actor word.
const REC_HEAD: usize = 16;

/// A view of the log area of an arena.
pub struct EventLog<'a> {
    /// Bytes reserved so far (the arena header's `log_head`).
    pub(super) head: &'a AtomicU64,
    /// Start of the log area (8-byte aligned) in the shared mapping.
    pub(super) base: *mut u8,
    /// Usable bytes (a multiple of 8).
    pub(super) cap: usize,
}

fn rec_len(payload: usize) -> usize {
    REC_HEAD + payload.div_ceil(8) * 8
}

impl EventLog<'_> {
    /// The header word of the record at byte `pos` (8-aligned, `pos + 16 <= cap`).
    fn word(&self, pos: usize) -> &AtomicU64 {
        debug_assert!(pos.is_multiple_of(8) && pos + REC_HEAD <= self.cap);
        // SAFETY: `base + pos` is inside the live mapping (checked by the callers against
        // `cap`), 8-byte aligned, and every access to log headers is atomic.
        unsafe { &*(self.base.add(pos) as *const AtomicU64) }
    }

    /// Appends one record. Returns false, without blocking, if the log is full.
    pub fn append(&self, actor: ActorId, tag: u8, bytes: &[u8]) -> bool {
        let Ok(len32) = u32::try_from(bytes.len()) else {
            return false;
        };
        let size = rec_len(bytes.len());
        let pos = self.head.fetch_add(size as u64, Ordering::Relaxed) as usize;
        if pos.checked_add(size).is_none_or(|end| end > self.cap) {
            return false;
        }
        let meta = u64::from(len32) | u64::from(tag) << 32;
        // Length first, so a reader can step over a record still being written.
        self.word(pos).store(meta | RESERVED, Ordering::Relaxed);
        self.word(pos + 8)
            .store(u64::from(actor), Ordering::Relaxed);
        // SAFETY: `pos..pos + size` was reserved by our fetch_add alone and lies inside
        // the mapping; no reader touches the payload before the Release store below.
        unsafe {
            std::ptr::copy_nonoverlapping(
                bytes.as_ptr(),
                self.base.add(pos + REC_HEAD),
                bytes.len(),
            );
        }
        self.word(pos).store(meta | READY, Ordering::Release);
        true
    }

    /// Appends one record unless fewer than `keep` bytes would be left after it, so
    /// that bulk records (printed output) can never crowd out the few that decide a
    /// run's verdict. Returns false, without blocking, when it does not append.
    pub fn append_leaving(&self, keep: usize, actor: ActorId, tag: u8, bytes: &[u8]) -> bool {
        let used = self.head.load(Ordering::Relaxed) as usize;
        // Checked before reserving: a failed reservation would still move the head.
        if used
            .saturating_add(rec_len(bytes.len()))
            .saturating_add(keep)
            > self.cap
        {
            return false;
        }
        self.append(actor, tag, bytes)
    }

    /// Every published record in order: (actor, tag, bytes). A record still being
    /// written (or whose writer died mid-write) is skipped.
    ///
    /// A writer killed between reserving its record and writing its header leaves a hole
    /// whose length nobody knows. The reader then resyncs: it resumes at the first later
    /// 8-byte offset from which a chain of well-formed headers runs on (see
    /// `chain_from`); payload bytes that happen to look like a header would also have to
    /// be followed by a valid chain, which text and encoded values do not produce.
    pub fn read_all(&self) -> Vec<(ActorId, u8, Vec<u8>)> {
        let end = (self.head.load(Ordering::Acquire) as usize).min(self.cap);
        let mut out = Vec::new();
        let mut pos = 0;
        while pos + REC_HEAD <= end {
            let w = self.word(pos).load(Ordering::Acquire);
            let state = w & STATE_MASK;
            if state == 0 {
                match self.resync(pos, end) {
                    Some(next) => {
                        pos = next;
                        continue;
                    }
                    // Reserved but not yet started, at the tail: nothing more is known.
                    None => break,
                }
            }
            let len = (w & 0xffff_ffff) as usize;
            let size = rec_len(len);
            if pos + size > self.cap {
                break;
            }
            if state == READY {
                let actor = self.word(pos + 8).load(Ordering::Relaxed) as ActorId;
                // SAFETY: the Acquire load saw READY, so the writer's payload copy
                // happened-before this read and nobody writes the record again.
                let bytes =
                    unsafe { std::slice::from_raw_parts(self.base.add(pos + REC_HEAD), len) };
                out.push((actor, (w >> 32) as u8, bytes.to_vec()));
            }
            pos += size;
        }
        out
    }

    /// The first offset after the hole at `hole` where a chain of headers starts.
    fn resync(&self, hole: usize, end: usize) -> Option<usize> {
        (hole + 8..end.saturating_sub(REC_HEAD - 1))
            .step_by(8)
            .find(|&q| self.chain_from(q, end))
    }

    /// Whether, from `pos`, well-formed headers (a known state, a tag, a length that
    /// fits) follow one another up to `end` or to a header not written yet, with at
    /// least one published record among them.
    fn chain_from(&self, mut pos: usize, end: usize) -> bool {
        let mut published = false;
        while pos + REC_HEAD <= end {
            let w = self.word(pos).load(Ordering::Acquire);
            let state = w & STATE_MASK;
            if state == 0 {
                return published;
            }
            let unused_bits = w & !(STATE_MASK | 0xff_ffff_ffff);
            if (state != READY && state != RESERVED) || unused_bits != 0 {
                return false;
            }
            published |= state == READY;
            pos += rec_len((w & 0xffff_ffff) as usize);
        }
        published && pos == end
    }

    /// Bytes in use (for `Arena::reset`).
    pub(super) fn used(&self) -> usize {
        (self.head.load(Ordering::Relaxed) as usize).min(self.cap)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with_log(cap: usize, f: impl FnOnce(&EventLog<'_>)) {
        let head = AtomicU64::new(0);
        let mut buf = vec![0u64; cap / 8];
        let log = EventLog {
            head: &head,
            base: buf.as_mut_ptr() as *mut u8,
            cap,
        };
        f(&log);
    }

    #[test]
    fn a_writer_killed_before_its_header_does_not_hide_later_records() {
        with_log(4096, |log| {
            assert!(log.append(1, 1, b"before"));
            // A reservation whose writer died before writing anything.
            log.head.fetch_add(rec_len(24) as u64, Ordering::Relaxed);
            assert!(log.append(2, 1, b"after one"));
            assert!(log.append(3, 4, b"after two"));
            let got: Vec<Vec<u8>> = log.read_all().into_iter().map(|r| r.2).collect();
            assert_eq!(
                got,
                vec![
                    b"before".to_vec(),
                    b"after one".to_vec(),
                    b"after two".to_vec()
                ]
            );
        });
    }

    #[test]
    fn records_come_back_in_order() {
        with_log(256, |log| {
            assert!(log.append(1, 7, b"hello\n"));
            assert!(log.append(2, 0, b""));
            assert!(log.append(0, 255, b"exactly8"));
            assert_eq!(
                log.read_all(),
                vec![
                    (1, 7, b"hello\n".to_vec()),
                    (2, 0, vec![]),
                    (0, 255, b"exactly8".to_vec())
                ]
            );
        });
    }

    #[test]
    fn full_log_refuses_and_keeps_what_fit() {
        with_log(64, |log| {
            assert!(log.append(0, 1, &[b'a'; 20])); // 16 + 24
            assert!(!log.append(0, 2, &[b'b'; 20]));
            assert!(!log.append(0, 3, b"")); // still full: the head only grows
            assert_eq!(log.read_all(), vec![(0, 1, vec![b'a'; 20])]);
        });
    }

    #[test]
    fn bulk_records_leave_the_headroom_to_the_others() {
        with_log(128, |log| {
            // 16 + 24 bytes each: two fit below 128 - 40 of headroom, the third not.
            assert!(log.append_leaving(40, 0, 1, &[b'a'; 20]));
            assert!(log.append_leaving(40, 0, 1, &[b'a'; 20]));
            assert!(!log.append_leaving(40, 0, 1, &[b'a'; 20]));
            assert!(!log.append_leaving(40, 0, 1, b""));
            // The refused ones did not move the head: the headroom is still there.
            assert!(log.append(0, 2, &[b'z'; 20]));
            let tags: Vec<u8> = log.read_all().iter().map(|r| r.1).collect();
            assert_eq!(tags, vec![1, 1, 2]);
        });
    }

    #[test]
    fn a_record_being_written_is_skipped() {
        with_log(128, |log| {
            assert!(log.append(0, 1, b"one"));
            // Simulate a writer that reserved 8 payload bytes and died before publishing.
            let pos = log.head.fetch_add(rec_len(8) as u64, Ordering::Relaxed) as usize;
            log.word(pos).store(8 | RESERVED, Ordering::Relaxed);
            assert!(log.append(0, 3, b"three"));
            let tags: Vec<u8> = log.read_all().iter().map(|r| r.1).collect();
            assert_eq!(tags, vec![1, 3]);
        });
    }
}
