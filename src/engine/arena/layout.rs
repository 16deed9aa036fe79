//! Where things are inside the arena mapping: the header, then the actor slots, then the
//! resource records, then the event log.

use std::mem::{align_of, size_of};
use std::sync::atomic::{AtomicU32, AtomicU64};

use super::actor_slot::ActorSlot;
use super::res_record::ResRecord;

/// How much the arena holds. Untouched pages cost no memory, so generous caps are cheap.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ArenaCaps {
    /// Actor slots (processes and threads together, over one run).
    pub actors: u32,
    /// Resource records (locks, queues, handles...).
    pub resources: u32,
    /// Bytes of event log (printed output, exceptions, exit codes).
    pub log_bytes: usize,
    /// Bytes of shared heap (the elements of `multiprocessing.Array`s).
    pub heap_bytes: usize,
}

impl Default for ArenaCaps {
    fn default() -> ArenaCaps {
        ArenaCaps {
            actors: 1024,
            resources: 4096,
            log_bytes: 4 << 20,
            heap_bytes: 1 << 20,
        }
    }
}

/// Run-wide counters and flags, at offset 0.
#[repr(C, align(128))]
#[derive(Default)]
pub struct Header {
    /// Slots handed out so far this run.
    pub next_actor: AtomicU32,
    /// Records handed out so far this run.
    pub next_res: AtomicU32,
    /// Allocated, not yet exited process actors.
    pub live_processes: AtomicU32,
    /// Allocated, not yet exited thread actors.
    pub live_threads: AtomicU32,
    /// Cap on `live_processes` (see `Arena::set_limits`).
    pub max_processes: AtomicU32,
    /// Cap on `live_threads`.
    pub max_threads: AtomicU32,
    /// Nonzero once the supervisor asked every actor to stop.
    pub stop: AtomicU32,
    /// Bumped by every `reset`: tells runs apart.
    pub epoch: AtomicU64,
    /// CLOCK_MONOTONIC nanoseconds at the start of the run (shared by all processes).
    pub start_ns: AtomicU64,
    /// Bytes of the event log reserved so far (may overshoot the capacity once full).
    pub log_head: AtomicU64,
    /// Heap words handed out so far this run.
    pub heap_head: AtomicU64,
    /// Nonzero once an actor hit a cap (the supervisor then stops the run).
    pub cap_hit: AtomicU32,
}

/// Byte offsets of each area, computed once from the caps.
#[derive(Clone, Copy, Debug)]
pub struct Layout {
    pub actors_at: usize,
    pub res_at: usize,
    pub log_at: usize,
    /// Usable log bytes (a multiple of 8).
    pub log_len: usize,
    pub heap_at: usize,
    /// Heap words.
    pub heap_words: usize,
    /// Total mapping length (whole pages).
    pub len: usize,
}

const PAGE: usize = 4096;

fn round_up(n: usize, to: usize) -> usize {
    n.div_ceil(to) * to
}

impl Layout {
    /// `None` if the caps overflow the address space.
    pub fn new(caps: ArenaCaps) -> Option<Layout> {
        let actors_at = round_up(size_of::<Header>(), align_of::<ActorSlot>());
        let res_at = round_up(
            actors_at.checked_add(size_of::<ActorSlot>().checked_mul(caps.actors as usize)?)?,
            align_of::<ResRecord>(),
        );
        let log_at = round_up(
            res_at.checked_add(size_of::<ResRecord>().checked_mul(caps.resources as usize)?)?,
            128,
        );
        let log_len = caps.log_bytes / 8 * 8;
        let heap_at = round_up(log_at.checked_add(log_len)?, 128);
        let heap_words = caps.heap_bytes / 8;
        let len = round_up(heap_at.checked_add(heap_words * 8)?, PAGE).max(PAGE);
        Some(Layout {
            actors_at,
            res_at,
            log_at,
            log_len,
            heap_at,
            heap_words,
            len,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn areas_are_aligned_and_disjoint() {
        let l = Layout::new(ArenaCaps::default()).unwrap();
        assert_eq!(l.actors_at % 128, 0);
        assert_eq!(l.res_at % 128, 0);
        assert!(l.res_at >= l.actors_at + 1024 * size_of::<ActorSlot>());
        assert!(l.log_at >= l.res_at + 4096 * size_of::<ResRecord>());
        assert_eq!(l.len % PAGE, 0);
        assert!(l.len >= l.log_at + (4 << 20));
    }

    #[test]
    fn absurd_caps_are_refused() {
        let caps = ArenaCaps {
            actors: u32::MAX,
            resources: u32::MAX,
            log_bytes: usize::MAX,
            heap_bytes: 4096,
        };
        assert!(Layout::new(caps).is_none());
    }
}
