//! `--stress`: seeded perturbation at operation boundaries.
//!
//! Each actor draws from its own seeded stream (see `ActorWorld::new`), so a run's
//! choices are a function of its seed: `--replay SEED` makes the same choices. The OS
//! schedule is not replayed; the perturbation only makes rare interleavings frequent.

use rand::RngExt;

use crate::engine::actor_world::ActorWorld;

/// Out of 1024 ticks: how many yield the CPU, and how many also pause briefly.
const YIELD_PER_1024: u32 = 96;
const PAUSE_PER_1024: u32 = 24;
/// Longest pause, in microseconds: long enough for another actor to run a few steps.
const MAX_PAUSE_US: u64 = 200;

impl ActorWorld {
    pub(crate) fn perturb(&self) {
        let (roll, pause) = {
            let mut rng = self.rng.borrow_mut();
            (
                rng.random_range(0..1024u32),
                rng.random_range(1..=MAX_PAUSE_US),
            )
        };
        if roll < PAUSE_PER_1024 {
            std::thread::sleep(std::time::Duration::from_micros(pause));
        } else if roll < YIELD_PER_1024 {
            std::thread::yield_now();
        }
    }
}
