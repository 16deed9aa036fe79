//! A thread pool's work for one result record, kept in the creating process: the calls
//! to make and, per chunk, the outcome and when it was stored.
//!
//! Shared by reference between the submitter and the workers, so a chunk costs no copy
//! of its arguments, no map lookup under a lock (workers keep the record they work on)
//! and no heap words in the arena: a worker writes its chunk's slot once, then bumps
//! the record's sequence word.

use std::sync::atomic::AtomicU64;
use std::sync::atomic::Ordering::SeqCst;
use std::sync::{Arc, OnceLock};

use crate::core::value::{Exception, Value};
use crate::plan::ir::Kw;

/// A chunk's outcome: its calls' results, or the exception one raised.
pub type ChunkOutcome = Result<Vec<Value>, Arc<Exception>>;

/// The calls of one record and their outcomes.
pub struct LocalWork {
    pub func: Value,
    /// Each item is an argument tuple to unpack (`starmap`, `submit`), not one argument.
    pub star: bool,
    /// One entry per call.
    pub items: Vec<Value>,
    pub kwargs: Vec<(Kw, Value)>,
    pub chunksize: usize,
    slots: Vec<Slot>,
}

#[derive(Default)]
struct Slot {
    outcome: OnceLock<ChunkOutcome>,
    /// `CLOCK_MONOTONIC` ns when the outcome was stored; 0 before.
    stamp: AtomicU64,
}

impl LocalWork {
    pub fn new(
        func: Value,
        star: bool,
        items: Vec<Value>,
        kwargs: Vec<(Kw, Value)>,
        chunksize: usize,
    ) -> LocalWork {
        let chunksize = chunksize.max(1);
        let chunks = items.len().div_ceil(chunksize);
        LocalWork {
            func,
            star,
            items,
            kwargs,
            chunksize,
            slots: (0..chunks).map(|_| Slot::default()).collect(),
        }
    }

    /// The calls of chunk `chunk`.
    pub fn chunk_items(&self, chunk: u32) -> &[Value] {
        let from = (chunk as usize * self.chunksize).min(self.items.len());
        let to = (from + self.chunksize).min(self.items.len());
        &self.items[from..to]
    }

    /// Stores chunk `chunk`'s outcome (the first store wins) stamped `now_ns`.
    pub fn store(&self, chunk: u32, outcome: ChunkOutcome, now_ns: u64) {
        if let Some(s) = self.slots.get(chunk as usize)
            && s.outcome.set(outcome).is_ok()
        {
            s.stamp.store(now_ns.max(1), SeqCst);
        }
    }

    /// When chunk `chunk`'s outcome was stored (0 while it has not been).
    pub fn stamp(&self, chunk: u32) -> u64 {
        self.slots
            .get(chunk as usize)
            .map_or(0, |s| s.stamp.load(SeqCst))
    }

    /// Chunk `chunk`'s outcome, once stored.
    pub fn outcome(&self, chunk: u32) -> Option<&ChunkOutcome> {
        self.slots.get(chunk as usize)?.outcome.get()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chunks_cover_the_items_and_store_once() {
        let items: Vec<Value> = (0..5).map(Value::Int).collect();
        let w = LocalWork::new(Value::None, false, items, Vec::new(), 2);
        assert_eq!(w.chunk_items(0).len(), 2);
        assert_eq!(w.chunk_items(2).len(), 1);
        assert!(w.chunk_items(3).is_empty());
        assert_eq!(w.stamp(1), 0);
        assert!(w.outcome(1).is_none());
        w.store(1, Ok(vec![Value::Int(9)]), 5);
        w.store(1, Ok(vec![Value::Int(10)]), 6);
        assert!(matches!(w.outcome(1), Some(Ok(v)) if matches!(v[..], [Value::Int(9)])));
        assert_eq!(w.stamp(1), 5);
        // Out of range: ignored, never a panic.
        w.store(9, Ok(Vec::new()), 1);
        assert_eq!(w.stamp(9), 0);
    }
}
