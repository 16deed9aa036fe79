//! `gil = true`: the threads of one process take turns for CPU work, as under CPython's
//! GIL (switch interval 5 ms), so "threads do not speed up CPU-bound work" can be
//! reproduced. Only `work(n)` takes it: waits, sleeps and I/O release it in CPython too.

use std::time::{Duration, Instant};

use parking_lot::{Mutex, MutexGuard};

use crate::engine::actor_world::ActorWorld;

/// CPython's default `sys.getswitchinterval()`.
const SWITCH_INTERVAL: Duration = Duration::from_millis(5);

/// One per process. Only a thread inside `work` holds it, and `work` never forks, so a
/// fork always copies it unlocked.
static GIL: Mutex<()> = Mutex::new(());

/// Held for the duration of one `work(n)` call (nothing when the GIL is off).
pub(crate) struct GilGuard {
    guard: Option<MutexGuard<'static, ()>>,
    since: Instant,
}

impl GilGuard {
    /// After a switch interval, hands the GIL to a waiting thread (fair unlock) and waits
    /// for its turn again, as CPython's eval loop does.
    pub(crate) fn maybe_switch(&mut self) {
        if let Some(g) = self.guard.as_mut()
            && self.since.elapsed() >= SWITCH_INTERVAL
        {
            MutexGuard::bump(g);
            self.since = Instant::now();
        }
    }
}

impl ActorWorld {
    pub(crate) fn gil_enter(&self) -> GilGuard {
        let guard = self.rt.gil.then(|| GIL.lock());
        GilGuard {
            guard,
            since: Instant::now(),
        }
    }
}
