//! `--stress`: seeded perturbation at operation boundaries.
//!
//! Each actor draws from its own seeded stream (see `ActorWorld::new`), so a run's
//! choices are a function of its seed: `--replay SEED` makes the same choices. The OS
//! schedule is not replayed; the perturbation only makes rare interleavings frequent.
//!
//! Two strengths: between statements (`tick`), a light touch; at the boundaries of
//! operations on shared state (after a shared read, before a shared write, around lock,
//! queue and pipe operations), where races actually live, a heavier one — that is what
//! turns the narrow window of `v.value += n` into a lost update seen in most runs.

use rand::RngExt;

use crate::engine::actor_world::ActorWorld;

/// Chances out of 1024 of a yield and of a short pause.
#[derive(Clone, Copy)]
pub(crate) struct Strength {
    yield_in_1024: u32,
    pause_in_1024: u32,
    max_pause_us: u64,
}

/// Between statements.
pub(crate) const TICK: Strength = Strength {
    yield_in_1024: 64,
    pause_in_1024: 8,
    max_pause_us: 100,
};
/// At a boundary of an operation on shared state.
pub(crate) const SHARED_OP: Strength = Strength {
    yield_in_1024: 256,
    pause_in_1024: 160,
    max_pause_us: 300,
};

impl ActorWorld {
    /// Perturbs the schedule when the run is stressed; nothing otherwise.
    #[inline]
    pub(crate) fn perturb(&self, s: Strength) {
        if self.rt.stress {
            self.perturb_now(s);
        }
    }

    #[cold]
    fn perturb_now(&self, s: Strength) {
        let (roll, pause) = {
            let mut rng = self.rng.borrow_mut();
            (
                rng.random_range(0..1024u32),
                rng.random_range(1..=s.max_pause_us),
            )
        };
        if roll < s.pause_in_1024 {
            std::thread::sleep(std::time::Duration::from_micros(pause));
        } else if roll < s.pause_in_1024 + s.yield_in_1024 {
            std::thread::yield_now();
        }
    }
}
