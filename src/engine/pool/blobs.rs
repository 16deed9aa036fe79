//! Byte strings in the arena heap: how encoded task bodies and results cross from one
//! process of a process pool to another without a pipe.

use std::sync::atomic::Ordering;

use crate::engine::arena::Arena;

/// Where a blob lives: its first heap word and its length in bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Blob {
    pub word: usize,
    pub len: usize,
}

/// Copies `bytes` into freshly allocated heap words; `None` when the heap is full.
pub fn store(arena: &Arena, bytes: &[u8]) -> Option<Blob> {
    let words = bytes.len().div_ceil(8).max(1);
    let at = arena.heap_alloc(words)?;
    for (i, chunk) in bytes.chunks(8).enumerate() {
        let mut w = [0u8; 8];
        w[..chunk.len()].copy_from_slice(chunk);
        arena
            .heap_word(at + i)
            .store(u64::from_le_bytes(w), Ordering::Relaxed);
    }
    // Readers learn of the blob through a Release store of its location (see callers).
    std::sync::atomic::fence(Ordering::Release);
    Some(Blob {
        word: at,
        len: bytes.len(),
    })
}

/// The bytes of `blob`.
pub fn load(arena: &Arena, blob: Blob) -> Vec<u8> {
    std::sync::atomic::fence(Ordering::Acquire);
    let mut out = Vec::with_capacity(blob.len);
    for i in 0..blob.len.div_ceil(8) {
        let w = arena.heap_word(blob.word + i).load(Ordering::Relaxed);
        out.extend_from_slice(&w.to_le_bytes());
    }
    out.truncate(blob.len);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::arena::ArenaCaps;

    #[test]
    fn blobs_round_trip_at_every_length() {
        let a = Arena::new(ArenaCaps {
            actors: 1,
            resources: 1,
            log_bytes: 64,
            heap_bytes: 4096,
        })
        .unwrap();
        for n in [0usize, 1, 7, 8, 9, 100] {
            let bytes: Vec<u8> = (0..n).map(|i| i as u8 ^ 0x5a).collect();
            let b = store(&a, &bytes).unwrap();
            assert_eq!(load(&a, b), bytes);
        }
        assert!(store(&a, &[0u8; 8192]).is_none());
    }
}
