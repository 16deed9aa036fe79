//! A pool's task FIFO: a singly linked list of nodes in the arena heap, its ends in the
//! pool record's payload, guarded by the pool's futex mutex. Being in the arena, one
//! queue serves thread workers and forked worker processes alike.
//!
//! A node holds every chunk of one result record (a whole `map`, or one `submit`): a
//! worker takes the next chunk by advancing the node's cursor, and the node leaves the
//! queue with its last chunk. So queueing costs the same five heap words for 1 or
//! 10,000 chunks, and the heap (never freed during a run) is not used up by big maps.
//! Words: next node (`index + 1`, 0 = none), the result record, the next chunk, the end
//! chunk, and the table of encoded bodies (`+ 1`, 0 = the bodies are process-local):
//! two words per chunk, the body's heap word and byte length.

use std::sync::atomic::Ordering::SeqCst;

use super::blobs::Blob;
use super::pool_rec::{HEAD, PoolRec, TAIL};
use crate::checker::snapshot::ResId;
use crate::engine::arena::Arena;
use crate::engine::futex::Guard;

const NODE_WORDS: usize = 5;
const NEXT: usize = 0;
const REC: usize = 1;
const CURSOR: usize = 2;
const END: usize = 3;
const BODIES: usize = 4;

/// One queued chunk: chunk `chunk` of result record `rec`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Task {
    pub rec: ResId,
    pub chunk: u32,
    /// The encoded body, for a process pool.
    pub body: Option<Blob>,
}

/// A node not queued yet: `chunks` chunks of `rec`, with their encoded bodies (one per
/// chunk) for a process pool, none for a thread pool. `None` when the heap is full.
pub fn new_node(arena: &Arena, rec: ResId, chunks: u32, bodies: &[Blob]) -> Option<usize> {
    let table = if bodies.is_empty() {
        0
    } else {
        let t = arena.heap_alloc(bodies.len() * 2)?;
        for (i, b) in bodies.iter().enumerate() {
            arena.heap_word(t + 2 * i).store(b.word as u64, SeqCst);
            arena.heap_word(t + 2 * i + 1).store(b.len as u64, SeqCst);
        }
        t as u64 + 1
    };
    let node = arena.heap_alloc(NODE_WORDS)?;
    let w = |i: usize, v: u64| arena.heap_word(node + i).store(v, SeqCst);
    w(NEXT, 0);
    w(REC, u64::from(rec));
    w(CURSOR, 0);
    w(END, u64::from(chunks));
    w(BODIES, table);
    Some(node)
}

fn word(arena: &Arena, node: usize, i: usize) -> u64 {
    arena.heap_word(node + i).load(SeqCst)
}

fn task(arena: &Arena, node: usize, chunk: u32) -> Task {
    Task {
        rec: word(arena, node, REC) as ResId,
        chunk,
        body: match word(arena, node, BODIES) {
            0 => None,
            t => {
                let at = (t - 1) as usize + 2 * chunk as usize;
                Some(Blob {
                    word: arena.heap_word(at).load(SeqCst) as usize,
                    len: arena.heap_word(at + 1).load(SeqCst) as usize,
                })
            }
        },
    }
}

/// Appends a node from [`new_node`] and wakes idle workers.
pub fn push(arena: &Arena, pool: PoolRec<'_>, node: usize) {
    let chunks = word(arena, node, END) as i64;
    if chunks == 0 {
        return;
    }
    {
        let _g = Guard::lock(pool.mutex());
        let link = node as u64 + 1;
        match pool.rec.payload[TAIL].load(SeqCst) {
            0 => pool.rec.payload[HEAD].store(link, SeqCst),
            tail => arena
                .heap_word((tail - 1) as usize + NEXT)
                .store(link, SeqCst),
        }
        pool.rec.payload[TAIL].store(link, SeqCst);
        pool.rec.count.fetch_add(chunks, SeqCst);
    }
    pool.wake_workers();
}

/// Removes and returns the first chunk, if any. The caller holds the pool's mutex.
pub fn pop_locked(arena: &Arena, pool: PoolRec<'_>) -> Option<Task> {
    let head = pool.rec.payload[HEAD].load(SeqCst);
    if head == 0 {
        return None;
    }
    let node = (head - 1) as usize;
    let chunk = word(arena, node, CURSOR);
    arena.heap_word(node + CURSOR).store(chunk + 1, SeqCst);
    if chunk + 1 >= word(arena, node, END) {
        let next = word(arena, node, NEXT);
        pool.rec.payload[HEAD].store(next, SeqCst);
        if next == 0 {
            pool.rec.payload[TAIL].store(0, SeqCst);
        }
    }
    pool.rec.count.fetch_sub(1, SeqCst);
    Some(task(arena, node, chunk as u32))
}

/// Every queued chunk, in order (the queue is left as it is).
pub fn snapshot(arena: &Arena, pool: PoolRec<'_>) -> Vec<Task> {
    let _g = Guard::lock(pool.mutex());
    let mut out = Vec::new();
    let mut at = pool.rec.payload[HEAD].load(SeqCst);
    while at != 0 {
        let node = (at - 1) as usize;
        for c in word(arena, node, CURSOR)..word(arena, node, END) {
            out.push(task(arena, node, c as u32));
        }
        at = word(arena, node, NEXT);
    }
    out
}

/// Empties the queue (`terminate()`); returns the dropped chunks.
pub fn clear(arena: &Arena, pool: PoolRec<'_>) -> Vec<Task> {
    let _g = Guard::lock(pool.mutex());
    let mut out = Vec::new();
    while let Some(t) = pop_locked(arena, pool) {
        out.push(t);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::value::HandleKind;
    use crate::engine::arena::ArenaCaps;

    fn arena() -> Arena {
        Arena::new(ArenaCaps {
            actors: 1,
            resources: 2,
            log_bytes: 64,
            heap_bytes: 4096,
        })
        .unwrap()
    }

    #[test]
    fn fifo_order_across_nodes_and_clear() {
        let a = arena();
        let id = a
            .alloc_res(HandleKind::Pool { threads: true }, "p")
            .unwrap();
        let pool = PoolRec::of(&a, id);
        push(&a, pool, new_node(&a, 7, 2, &[]).unwrap());
        assert_eq!(pool.queued(), 2);
        {
            let _g = Guard::lock(pool.mutex());
            let t = pop_locked(&a, pool).unwrap();
            assert_eq!((t.rec, t.chunk, t.body), (7, 0, None));
        }
        push(&a, pool, new_node(&a, 8, 1, &[]).unwrap());
        let left: Vec<(ResId, u32)> = snapshot(&a, pool)
            .iter()
            .map(|t| (t.rec, t.chunk))
            .collect();
        assert_eq!(left, vec![(7, 1), (8, 0)]);
        assert_eq!(clear(&a, pool).len(), 2);
        assert_eq!(pool.queued(), 0);
        let _g = Guard::lock(pool.mutex());
        assert_eq!(pop_locked(&a, pool), None);
    }

    #[test]
    fn each_chunk_carries_its_own_body() {
        let a = arena();
        let id = a
            .alloc_res(HandleKind::Pool { threads: false }, "p")
            .unwrap();
        let pool = PoolRec::of(&a, id);
        let bodies = [Blob { word: 40, len: 3 }, Blob { word: 50, len: 9 }];
        push(&a, pool, new_node(&a, 3, 2, &bodies).unwrap());
        push(&a, pool, new_node(&a, 4, 0, &[]).unwrap());
        assert_eq!(pool.queued(), 2);
        let _g = Guard::lock(pool.mutex());
        assert_eq!(pop_locked(&a, pool).unwrap().body, Some(bodies[0]));
        assert_eq!(pop_locked(&a, pool).unwrap().body, Some(bodies[1]));
        assert_eq!(pop_locked(&a, pool), None);
    }
}
