//! What a run may use: wall time, memory, and the caps the engine counts.
//!
//! Processes and threads are counted by the engine in the shared arena (one counter for
//! the whole scenario, so a fork bomb is stopped however it spreads); when a count passes
//! its cap the engine's watch closure returns `Watch::Stop(StopReason::CapExceeded(..))`.
//! Memory is capped by the kernel: `RLIMIT_AS` on the scenario's main process, inherited
//! by every process it forks.

use std::fmt;
use std::time::Duration;

use nix::sys::resource::{Resource, getrlimit, setrlimit};

/// The limits of one supervised run.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RunLimits {
    /// The run is stopped (`StopReason::TimeLimit`) when it lasts longer than this,
    /// counted from the fork of the main process.
    pub wall: Duration,
    /// `RLIMIT_AS` of every scenario process, in bytes. It bounds the whole address
    /// space, including what the process inherited from `interp` at fork (binary,
    /// thread stacks, allocator arenas), so leave room above `interp`'s own size.
    pub memory_bytes: Option<u64>,
    /// The longest time between two calls of the run's watch closure (the deadlock
    /// checker). Shorter means faster verdicts and more wake-ups.
    pub poll_interval: Duration,
}

impl Default for RunLimits {
    fn default() -> Self {
        RunLimits {
            wall: Duration::from_secs(10),
            memory_bytes: None,
            poll_interval: Duration::from_millis(10),
        }
    }
}

/// A resource the engine counts against a cap.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Cap {
    /// Live scenario processes, the main process included.
    Processes,
    /// Live scenario threads, over all processes.
    Threads,
    /// Bytes of address space of one process (`RLIMIT_AS`).
    Memory,
}

/// A cap the scenario hit; carried by `StopReason::CapExceeded`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CapExceeded {
    /// Which cap.
    pub cap: Cap,
    /// The cap's value (a count, or bytes for `Cap::Memory`).
    pub limit: u64,
}

impl fmt::Display for CapExceeded {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.cap {
            Cap::Processes => write!(
                f,
                "the scenario exceeded its cap of {} processes",
                self.limit
            ),
            Cap::Threads => write!(f, "the scenario exceeded its cap of {} threads", self.limit),
            Cap::Memory => write!(
                f,
                "a scenario process exceeded its memory cap of {} bytes",
                self.limit
            ),
        }
    }
}

/// Caps this process's address space at `bytes` (soft and hard limit), never raising
/// an existing hard limit. Called in the scenario's main process right after fork;
/// every process it forks inherits the limit.
pub fn apply_memory_limit(bytes: u64) -> nix::Result<()> {
    let (_, hard) = getrlimit(Resource::RLIMIT_AS)?;
    let limit = bytes.min(hard);
    setrlimit(Resource::RLIMIT_AS, limit, limit)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cap_messages_name_the_cap_and_its_value() {
        let procs = CapExceeded {
            cap: Cap::Processes,
            limit: 64,
        };
        assert_eq!(
            procs.to_string(),
            "the scenario exceeded its cap of 64 processes"
        );
        let mem = CapExceeded {
            cap: Cap::Memory,
            limit: 1 << 20,
        };
        assert_eq!(
            mem.to_string(),
            "a scenario process exceeded its memory cap of 1048576 bytes"
        );
    }
}
