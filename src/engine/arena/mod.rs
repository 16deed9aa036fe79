//! The shared-memory arena: one `MAP_SHARED | MAP_ANONYMOUS` mapping created by the
//! supervisor before any fork and inherited by every scenario process. It holds a run
//! header, one slot per actor, one record per resource, and the event log; every shared
//! field is an atomic, and all-zero bytes are the empty state.

pub mod actor_ctx;
pub mod actor_slot;
pub mod cap_error;
pub mod event_log;
pub mod inline_str;
pub mod layout;
pub mod res_record;

use std::any::Any;
use std::collections::HashMap;
use std::io;
use std::num::NonZeroUsize;
use std::ptr::NonNull;
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, AtomicU64, Ordering};

use nix::sys::mman::{MapFlags, ProtFlags, mmap_anonymous, munmap};
use parking_lot::Mutex;

pub use actor_ctx::ActorCtx;
pub use actor_slot::ActorSlot;
pub use cap_error::CapError;
pub use event_log::EventLog;
pub use layout::ArenaCaps;
pub use res_record::ResRecord;

use crate::checker::snapshot::{ActorId, ActorKind, ActorState, ResId, Snapshot};
use crate::core::value::HandleKind;
use layout::{Header, Layout};

/// Process-local objects attached to a resource id (thread-queue items...): a fork
/// copies them, as it copies Python objects.
type LocalStore = Mutex<HashMap<ResId, Arc<dyn Any + Send + Sync>>>;

/// The arena mapping, as seen from one process.
pub struct Arena {
    base: NonNull<u8>,
    layout: Layout,
    caps: ArenaCaps,
    /// The process that mapped it: only it unmaps on drop.
    creator: u32,
    local: LocalStore,
}

// SAFETY: the mapping is only reached through atomics (or through the event log's
// reserve-then-publish protocol); `local` is behind a mutex. Sharing `&Arena` between
// threads is therefore as sound as sharing the atomics themselves.
unsafe impl Send for Arena {}
// SAFETY: see `Send` above.
unsafe impl Sync for Arena {}

fn now_ns() -> u64 {
    let t = rustix::time::clock_gettime(rustix::time::ClockId::Monotonic);
    (t.tv_sec as u64) * 1_000_000_000 + t.tv_nsec as u64
}

impl Arena {
    /// Maps a zeroed arena sized for `caps`.
    pub fn new(caps: ArenaCaps) -> io::Result<Arena> {
        let layout = Layout::new(caps)
            .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "arena caps too large"))?;
        let len = NonZeroUsize::new(layout.len).expect("layout is at least one page");
        // SAFETY: a fresh anonymous mapping at an address chosen by the kernel aliases no
        // existing Rust object.
        let base = unsafe {
            mmap_anonymous(
                None,
                len,
                ProtFlags::PROT_READ | ProtFlags::PROT_WRITE,
                MapFlags::MAP_SHARED,
            )
        }
        .map_err(io::Error::from)?;
        let arena = Arena {
            base: base.cast(),
            layout,
            caps,
            creator: std::process::id(),
            local: Mutex::new(HashMap::new()),
        };
        let h = arena.header();
        h.max_processes.store(u32::MAX, Ordering::Relaxed);
        h.max_threads.store(u32::MAX, Ordering::Relaxed);
        h.start_ns.store(now_ns(), Ordering::Relaxed);
        Ok(arena)
    }

    /// The caps the arena was sized for.
    pub fn caps(&self) -> ArenaCaps {
        self.caps
    }

    fn header(&self) -> &Header {
        // SAFETY: offset 0 of the mapping holds the header (page-aligned, zero-valid,
        // only atomics), and the mapping lives as long as `self`.
        unsafe { &*(self.base.as_ptr() as *const Header) }
    }

    /// The slot of actor `id`. Panics if `id` is beyond the cap (an engine bug: ids
    /// only come from `alloc_actor`).
    #[inline]
    pub fn actor(&self, id: ActorId) -> &ActorSlot {
        assert!(id < self.caps.actors, "actor id {id} out of range");
        // SAFETY: in range (checked above) of the actor area, which is aligned for
        // `ActorSlot` by `Layout`; slots are atomics only and valid when zeroed.
        unsafe {
            &*(self.base.as_ptr().add(self.layout.actors_at) as *const ActorSlot).add(id as usize)
        }
    }

    /// The record of resource `id`. Panics if `id` is beyond the cap (an engine bug).
    #[inline]
    pub fn res(&self, id: ResId) -> &ResRecord {
        assert!(id < self.caps.resources, "resource id {id} out of range");
        // SAFETY: as for `actor`, over the resource area.
        unsafe {
            &*(self.base.as_ptr().add(self.layout.res_at) as *const ResRecord).add(id as usize)
        }
    }

    /// The event log.
    pub fn log(&self) -> EventLog<'_> {
        EventLog {
            head: &self.header().log_head,
            // SAFETY: `log_at` is inside the mapping (see `Layout`).
            base: unsafe { self.base.as_ptr().add(self.layout.log_at) },
            cap: self.layout.log_len,
        }
    }

    /// Caps on live (allocated, not exited) process and thread actors.
    pub fn set_limits(&self, max_processes: u32, max_threads: u32) {
        let h = self.header();
        h.max_processes.store(max_processes, Ordering::Relaxed);
        h.max_threads.store(max_threads, Ordering::Relaxed);
    }

    /// Allocates and publishes an actor slot (state `New`). `process` is the process
    /// actor it lives in; `None` means the new actor is itself that process.
    pub fn alloc_actor(
        &self,
        kind: ActorKind,
        parent: Option<ActorId>,
        process: Option<ActorId>,
        label: &str,
        name: &str,
    ) -> Result<ActorId, CapError> {
        let h = self.header();
        let (live, max, err) = match kind {
            ActorKind::Process => (
                &h.live_processes,
                h.max_processes.load(Ordering::Relaxed),
                CapError::Processes(h.max_processes.load(Ordering::Relaxed)),
            ),
            ActorKind::Thread => (
                &h.live_threads,
                h.max_threads.load(Ordering::Relaxed),
                CapError::Threads(h.max_threads.load(Ordering::Relaxed)),
            ),
        };
        live.fetch_update(Ordering::Relaxed, Ordering::Relaxed, |n| {
            (n < max).then_some(n + 1)
        })
        .map_err(|_| err)?;
        let Some(id) = bump_below(&h.next_actor, self.caps.actors) else {
            live.fetch_sub(1, Ordering::Relaxed);
            return Err(CapError::Actors(self.caps.actors));
        };
        self.actor(id)
            .init(kind, process.unwrap_or(id), parent, label, name);
        Ok(id)
    }

    /// Marks `id` exited (recording `code` if given) and frees its live-count place.
    pub fn mark_exited(&self, id: ActorId, code: Option<i32>) {
        let slot = self.actor(id);
        if let Some(c) = code {
            slot.set_exit_code(c);
        }
        let prev = slot.set_state(ActorState::Exited);
        if prev.is_some() && prev != Some(ActorState::Exited) {
            let h = self.header();
            let live = match slot.kind() {
                ActorKind::Process => &h.live_processes,
                ActorKind::Thread => &h.live_threads,
            };
            live.fetch_sub(1, Ordering::Relaxed);
        }
    }

    /// Allocates and publishes a resource record.
    pub fn alloc_res(&self, kind: HandleKind, label: &str) -> Result<ResId, CapError> {
        let id = bump_below(&self.header().next_res, self.caps.resources)
            .ok_or(CapError::Resources(self.caps.resources))?;
        self.res(id).init(kind, label);
        Ok(id)
    }

    /// Actors allocated so far this run.
    pub fn actor_count(&self) -> u32 {
        self.header()
            .next_actor
            .load(Ordering::Acquire)
            .min(self.caps.actors)
    }

    /// Resources allocated so far this run.
    pub fn res_count(&self) -> u32 {
        self.header()
            .next_res
            .load(Ordering::Acquire)
            .min(self.caps.resources)
    }

    /// Asks every actor to stop (checked by the interpreter between operations).
    pub fn request_stop(&self) {
        self.header().stop.store(1, Ordering::Release);
    }

    /// True once `request_stop` was called this run.
    pub fn stop_requested(&self) -> bool {
        self.header().stop.load(Ordering::Acquire) != 0
    }

    /// Which run this is (bumped by `reset`).
    pub fn epoch(&self) -> u64 {
        self.header().epoch.load(Ordering::Relaxed)
    }

    /// Milliseconds since the run started (the same clock in every process).
    pub fn elapsed_ms(&self) -> u64 {
        now_ns().saturating_sub(self.header().start_ns.load(Ordering::Relaxed)) / 1_000_000
    }

    /// Copies every allocated actor and resource for the checker.
    pub fn snapshot(&self) -> Snapshot {
        Snapshot {
            actors: (0..self.actor_count())
                .filter_map(|id| self.actor(id).snap(id))
                .collect(),
            resources: (0..self.res_count())
                .filter_map(|id| self.res(id).snap(id))
                .collect(),
            at_ms: self.elapsed_ms(),
        }
    }

    /// Reserves `words` consecutive 8-byte words of shared heap for this run; returns
    /// the index of the first (see `heap_word`), or `None` when the heap is full.
    pub fn heap_alloc(&self, words: usize) -> Option<usize> {
        let h = &self.header().heap_head;
        let cap = self.layout.heap_words as u64;
        h.fetch_update(Ordering::AcqRel, Ordering::Relaxed, |n| {
            n.checked_add(words as u64).filter(|end| *end <= cap)
        })
        .ok()
        .map(|n| n as usize)
    }

    /// Heap word `i` (from `heap_alloc`). Panics beyond the heap (an engine bug).
    pub fn heap_word(&self, i: usize) -> &AtomicU64 {
        assert!(i < self.layout.heap_words, "heap word {i} out of range");
        // SAFETY: in range (checked above) of the heap area, which is 128-aligned; heap
        // words are only accessed atomically.
        unsafe { &*(self.base.as_ptr().add(self.layout.heap_at) as *const AtomicU64).add(i) }
    }

    /// Records that an actor hit a cap; the supervisor stops the run when it sees it.
    pub fn flag_cap_hit(&self) {
        self.header().cap_hit.store(1, Ordering::Release);
    }

    pub fn cap_hit(&self) -> bool {
        self.header().cap_hit.load(Ordering::Acquire) != 0
    }

    /// Attaches a process-local object to resource `res`, replacing any previous one.
    /// The store's lock is held only for a map lookup, but a fork taken while another
    /// thread holds it would leave it locked in the child: fork from a quiet moment.
    pub fn local_insert(&self, res: ResId, obj: Arc<dyn Any + Send + Sync>) {
        self.local.lock().insert(res, obj);
    }

    /// The process-local object attached to `res`.
    pub fn local_get(&self, res: ResId) -> Option<Arc<dyn Any + Send + Sync>> {
        self.local.lock().get(&res).cloned()
    }

    /// Re-zeroes everything the last run used and starts a new run (new epoch, clock
    /// restarted). Call between runs only: no actor of the last run may still be alive.
    /// Limits set by `set_limits` are kept.
    pub fn reset(&self) {
        let actors = self.actor_count() as usize;
        let resources = self.res_count() as usize;
        let log = self.log().used();
        let heap =
            (self.header().heap_head.load(Ordering::Relaxed) as usize).min(self.layout.heap_words);
        self.zero(self.layout.heap_at, heap * 8);
        self.zero(self.layout.actors_at, actors * size_of::<ActorSlot>());
        self.zero(self.layout.res_at, resources * size_of::<ResRecord>());
        self.zero(self.layout.log_at, log);
        let h = self.header();
        for w in [
            &h.next_actor,
            &h.next_res,
            &h.live_processes,
            &h.live_threads,
            &h.stop,
            &h.cap_hit,
        ] {
            w.store(0, Ordering::Relaxed);
        }
        h.log_head.store(0, Ordering::Relaxed);
        h.heap_head.store(0, Ordering::Relaxed);
        h.start_ns.store(now_ns(), Ordering::Relaxed);
        h.epoch.fetch_add(1, Ordering::Release);
        self.local.lock().clear();
    }

    /// Zeroes `len` bytes at `offset` with atomic stores: the bytes are shared memory,
    /// so even a misbehaving straggler would see stale values rather than a data race.
    fn zero(&self, offset: usize, len: usize) {
        debug_assert!(
            offset.is_multiple_of(8) && len.is_multiple_of(8) && offset + len <= self.layout.len
        );
        for i in (offset..offset + len).step_by(8) {
            // SAFETY: 8-aligned, inside the mapping (asserted by the callers' layout
            // arithmetic), and every shared field is accessed atomically.
            let w = unsafe { &*(self.base.as_ptr().add(i) as *const AtomicU64) };
            w.store(0, Ordering::Relaxed);
        }
    }
}

/// Increments `counter` unless it reached `cap`; returns the old value.
fn bump_below(counter: &AtomicU32, cap: u32) -> Option<u32> {
    counter
        .fetch_update(Ordering::AcqRel, Ordering::Relaxed, |n| {
            (n < cap).then_some(n + 1)
        })
        .ok()
}

impl Drop for Arena {
    fn drop(&mut self) {
        if std::process::id() == self.creator {
            // SAFETY: `base`/`len` are exactly the mapping made in `new`, and no
            // reference into it outlives `self` (all accessors borrow `self`).
            let _ = unsafe { munmap(self.base.cast(), self.layout.len) };
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checker::snapshot::{Wait, WaitOp};
    use crate::engine::wait_recorder::WaitRecorder;
    use crate::syntax::span::Span;

    fn small() -> Arena {
        Arena::new(ArenaCaps {
            actors: 4,
            resources: 3,
            log_bytes: 256,
            heap_bytes: 4096,
        })
        .unwrap()
    }

    #[test]
    fn allocation_respects_caps() {
        let a = small();
        a.set_limits(1, 2);
        let main = a
            .alloc_actor(ActorKind::Process, None, None, "main", "MainProcess")
            .unwrap();
        assert_eq!(a.actor(main).process(), main);
        assert_eq!(
            a.alloc_actor(ActorKind::Process, Some(main), None, "p", "Process-1"),
            Err(CapError::Processes(1))
        );
        let t1 = a
            .alloc_actor(ActorKind::Thread, Some(main), Some(main), "t1", "Thread-1")
            .unwrap();
        a.alloc_actor(ActorKind::Thread, Some(main), Some(main), "t2", "Thread-2")
            .unwrap();
        assert_eq!(
            a.alloc_actor(ActorKind::Thread, Some(main), Some(main), "t3", "Thread-3"),
            Err(CapError::Threads(2))
        );
        a.mark_exited(t1, Some(0));
        a.mark_exited(t1, Some(0)); // twice: counted once
        a.alloc_actor(ActorKind::Thread, Some(main), Some(main), "t3", "Thread-3")
            .unwrap();
        a.set_limits(10, 10);
        assert_eq!(
            a.alloc_actor(ActorKind::Thread, Some(main), Some(main), "t4", "Thread-4"),
            Err(CapError::Actors(4))
        );
        for i in 0..3 {
            a.alloc_res(HandleKind::Lock { mp: false }, &format!("l{i}"))
                .unwrap();
        }
        assert_eq!(
            a.alloc_res(HandleKind::Lock { mp: false }, "x"),
            Err(CapError::Resources(3))
        );
    }

    #[test]
    fn snapshot_shows_wait_records_and_reset_clears_the_run() {
        let a = small();
        let main = a
            .alloc_actor(ActorKind::Process, None, None, "main", "MainProcess")
            .unwrap();
        let q = a
            .alloc_res(
                HandleKind::ThreadQueue(crate::core::value::ThreadQueueKind::Fifo),
                "q",
            )
            .unwrap();
        let ctx = ActorCtx {
            arena: &a,
            actor: main,
        };
        let w = Wait {
            op: WaitOp::QueueGet,
            res: Some(q),
            target: None,
            span: Span::new(4, 11),
            timed: false,
            detail: 0,
        };
        ctx.begin_wait(w.clone());
        let s = a.snapshot();
        assert_eq!(s.actors.len(), 1);
        assert_eq!(s.actors[0].state, ActorState::Blocked);
        assert_eq!(s.actors[0].wait, Some(w));
        assert_eq!(s.resources[0].label, "q");
        ctx.end_wait();
        let s = a.snapshot();
        assert_eq!(s.actors[0].state, ActorState::Running);
        assert_eq!(s.actors[0].wait, None);
        assert_eq!(s.actors[0].progress, 1);

        assert!(a.log().append(main, 1, b"out"));
        let epoch = a.epoch();
        a.reset();
        assert_eq!(a.epoch(), epoch + 1);
        assert_eq!(
            a.snapshot(),
            Snapshot {
                at_ms: a.snapshot().at_ms,
                ..Snapshot::default()
            }
        );
        assert!(a.log().read_all().is_empty());
        let again = a
            .alloc_actor(ActorKind::Process, None, None, "main", "MainProcess")
            .unwrap();
        assert_eq!(again, 0);
        assert_eq!(a.actor(again).progress(), 0);
        assert_eq!(a.actor(again).wait(), None);
    }

    #[test]
    fn concurrent_appends_keep_every_record_whole_and_in_program_order() {
        let a = Arena::new(ArenaCaps {
            actors: 4,
            resources: 1,
            log_bytes: 1 << 16,
            heap_bytes: 4096,
        })
        .unwrap();
        std::thread::scope(|s| {
            for t in 0..4u32 {
                let a = &a;
                s.spawn(move || {
                    for i in 0..200u32 {
                        let line = format!("t{t} line {i}\n");
                        assert!(a.log().append(t, 1, line.as_bytes()));
                    }
                });
            }
            // A reader racing the writers only ever sees whole records.
            for _ in 0..50 {
                for (actor, _, bytes) in a.log().read_all() {
                    let text = String::from_utf8(bytes).unwrap();
                    assert!(text.starts_with(&format!("t{actor} line ")), "{text:?}");
                }
            }
        });
        let all = a.log().read_all();
        assert_eq!(all.len(), 800);
        for t in 0..4u32 {
            let mine: Vec<String> = all
                .iter()
                .filter(|r| r.0 == t)
                .map(|r| String::from_utf8(r.2.clone()).unwrap())
                .collect();
            let want: Vec<String> = (0..200).map(|i| format!("t{t} line {i}\n")).collect();
            assert_eq!(mine, want);
        }
    }

    #[test]
    fn local_store_is_per_arena() {
        let a = small();
        a.local_insert(0, Arc::new(5u32));
        let got = a.local_get(0).unwrap();
        assert_eq!(got.downcast_ref::<u32>(), Some(&5));
        assert!(small().local_get(0).is_none());
        a.reset();
        assert!(a.local_get(0).is_none());
    }
}
