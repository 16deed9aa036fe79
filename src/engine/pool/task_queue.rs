//! A pool's task FIFO: a singly linked list of task nodes in the arena heap, its ends in
//! the pool record's payload, guarded by the pool's futex mutex. Being in the arena, one
//! queue serves thread workers and forked worker processes alike.
//!
//! A node is five heap words: next node (`index + 1`, 0 = none), the result record, the
//! chunk number, and the encoded body's heap word (`+ 1`, 0 = the body is process-local)
//! and byte length.

use std::sync::atomic::Ordering::SeqCst;

use super::blobs::Blob;
use super::pool_rec::{HEAD, PoolRec, TAIL};
use crate::checker::snapshot::ResId;
use crate::engine::arena::Arena;
use crate::engine::futex::Guard;

const NODE_WORDS: usize = 5;

/// One queued task: chunk `chunk` of result record `rec`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Task {
    /// The node's first heap word: the task's identity (thread pools key bodies by it).
    pub node: usize,
    pub rec: ResId,
    pub chunk: u32,
    /// The encoded body, for a process pool.
    pub body: Option<Blob>,
}

/// Allocates a node for a task (not queued yet); `None` when the heap is full.
pub fn new_node(arena: &Arena, rec: ResId, chunk: u32, body: Option<Blob>) -> Option<Task> {
    let node = arena.heap_alloc(NODE_WORDS)?;
    let w = |i: usize, v: u64| arena.heap_word(node + i).store(v, SeqCst);
    w(0, 0);
    w(1, u64::from(rec));
    w(2, u64::from(chunk));
    w(3, body.map_or(0, |b| b.word as u64 + 1));
    w(4, body.map_or(0, |b| b.len as u64));
    Some(Task {
        node,
        rec,
        chunk,
        body,
    })
}

fn read(arena: &Arena, node: usize) -> Task {
    let r = |i: usize| arena.heap_word(node + i).load(SeqCst);
    Task {
        node,
        rec: r(1) as ResId,
        chunk: r(2) as u32,
        body: match r(3) {
            0 => None,
            w => Some(Blob {
                word: (w - 1) as usize,
                len: r(4) as usize,
            }),
        },
    }
}

/// Appends tasks (in order) and wakes idle workers.
pub fn push_all(arena: &Arena, pool: PoolRec<'_>, tasks: &[Task]) {
    if tasks.is_empty() {
        return;
    }
    {
        let _g = Guard::lock(pool.mutex());
        for t in tasks {
            let link = t.node as u64 + 1;
            match pool.rec.payload[TAIL].load(SeqCst) {
                0 => pool.rec.payload[HEAD].store(link, SeqCst),
                tail => arena.heap_word((tail - 1) as usize).store(link, SeqCst),
            }
            pool.rec.payload[TAIL].store(link, SeqCst);
            pool.rec.count.fetch_add(1, SeqCst);
        }
    }
    pool.wake_workers();
}

/// Removes and returns the first task, if any. The caller holds the pool's mutex.
pub fn pop_locked(arena: &Arena, pool: PoolRec<'_>) -> Option<Task> {
    let head = pool.rec.payload[HEAD].load(SeqCst);
    if head == 0 {
        return None;
    }
    let node = (head - 1) as usize;
    let next = arena.heap_word(node).load(SeqCst);
    pool.rec.payload[HEAD].store(next, SeqCst);
    if next == 0 {
        pool.rec.payload[TAIL].store(0, SeqCst);
    }
    pool.rec.count.fetch_sub(1, SeqCst);
    Some(read(arena, node))
}

/// Every queued task, in order (the queue is left as it is).
pub fn snapshot(arena: &Arena, pool: PoolRec<'_>) -> Vec<Task> {
    let _g = Guard::lock(pool.mutex());
    let mut out = Vec::new();
    let mut at = pool.rec.payload[HEAD].load(SeqCst);
    while at != 0 {
        let node = (at - 1) as usize;
        out.push(read(arena, node));
        at = arena.heap_word(node).load(SeqCst);
    }
    out
}

/// Empties the queue (`terminate()`); returns the dropped tasks.
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

    #[test]
    fn fifo_order_and_clear() {
        let a = Arena::new(ArenaCaps {
            actors: 1,
            resources: 2,
            log_bytes: 64,
            heap_bytes: 4096,
        })
        .unwrap();
        let id = a
            .alloc_res(HandleKind::Pool { threads: true }, "p")
            .unwrap();
        let pool = PoolRec::of(&a, id);
        let tasks: Vec<Task> = (0..3).map(|c| new_node(&a, 1, c, None).unwrap()).collect();
        push_all(&a, pool, &tasks[..2]);
        assert_eq!(pool.queued(), 2);
        {
            let _g = Guard::lock(pool.mutex());
            assert_eq!(pop_locked(&a, pool).map(|t| t.chunk), Some(0));
        }
        push_all(&a, pool, &tasks[2..]);
        let left: Vec<u32> = snapshot(&a, pool).iter().map(|t| t.chunk).collect();
        assert_eq!(left, vec![1, 2]);
        assert_eq!(clear(&a, pool).len(), 2);
        assert_eq!(pool.queued(), 0);
        let _g = Guard::lock(pool.mutex());
        assert_eq!(pop_locked(&a, pool), None);
    }
}
