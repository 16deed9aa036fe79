//! A short string stored inline in shared memory, readable by another process while a
//! thread rewrites it (`t.name = ...`): a seqlock over atomic words.

use std::hint::spin_loop;
use std::sync::atomic::{AtomicU32, AtomicU64, Ordering, fence};

/// How many times a reader retries a record that keeps changing (or whose writer was
/// killed mid-write) before giving up: a snapshot must never hang.
pub const READ_RETRIES: u32 = 10_000;

/// At most `W * 8` bytes of UTF-8, truncated at a character boundary.
#[repr(C)]
pub struct InlineStr<const W: usize> {
    /// Odd while a write is in progress.
    seq: AtomicU32,
    len: AtomicU32,
    words: [AtomicU64; W],
}

impl<const W: usize> Default for InlineStr<W> {
    fn default() -> Self {
        InlineStr {
            seq: AtomicU32::new(0),
            len: AtomicU32::new(0),
            words: std::array::from_fn(|_| AtomicU64::new(0)),
        }
    }
}

impl<const W: usize> InlineStr<W> {
    /// Capacity in bytes.
    pub const CAP: usize = W * 8;

    /// Stores `s` (truncated). Safe against concurrent writers and readers.
    pub fn set(&self, s: &str) {
        let mut cut = s.len().min(Self::CAP);
        while !s.is_char_boundary(cut) {
            cut -= 1;
        }
        let bytes = &s.as_bytes()[..cut];
        // Claim the write: several threads may rename the same actor at once.
        let seq = loop {
            let cur = self.seq.load(Ordering::Relaxed);
            if cur & 1 == 0
                && self
                    .seq
                    .compare_exchange_weak(cur, cur + 1, Ordering::Relaxed, Ordering::Relaxed)
                    .is_ok()
            {
                break cur;
            }
            spin_loop();
        };
        fence(Ordering::Release);
        for (i, w) in self.words.iter().enumerate() {
            let mut buf = [0u8; 8];
            let from = (i * 8).min(bytes.len());
            let to = (i * 8 + 8).min(bytes.len());
            buf[..to - from].copy_from_slice(&bytes[from..to]);
            w.store(u64::from_le_bytes(buf), Ordering::Relaxed);
        }
        self.len.store(cut as u32, Ordering::Relaxed);
        self.seq.store(seq + 2, Ordering::Release);
    }

    /// The stored string; empty if it could not be read consistently.
    pub fn get(&self) -> String {
        const { assert!(W <= 32, "the read buffer holds 256 bytes") };
        for _ in 0..READ_RETRIES {
            let s1 = self.seq.load(Ordering::Acquire);
            if s1 & 1 == 1 {
                spin_loop();
                continue;
            }
            let mut buf = [0u8; 256];
            for (i, w) in self.words.iter().enumerate() {
                buf[i * 8..i * 8 + 8].copy_from_slice(&w.load(Ordering::Relaxed).to_le_bytes());
            }
            let len = (self.len.load(Ordering::Relaxed) as usize).min(Self::CAP);
            fence(Ordering::Acquire);
            if self.seq.load(Ordering::Relaxed) == s1 {
                return String::from_utf8_lossy(&buf[..len]).into_owned();
            }
        }
        String::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_truncates_on_char_boundaries() {
        let s = InlineStr::<2>::default();
        assert_eq!(s.get(), "");
        s.set("Thread-1");
        assert_eq!(s.get(), "Thread-1");
        s.set("abcdefghijklmnopqrstuvwxyz");
        assert_eq!(s.get(), "abcdefghijklmnop");
        // 'é' is two bytes; the 16-byte cut would split the last one.
        s.set("ééééééééé");
        assert_eq!(s.get(), "éééééééé");
        s.set("x");
        assert_eq!(s.get(), "x");
    }
}
