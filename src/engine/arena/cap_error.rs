//! A run hit one of the arena's caps.

/// Which cap was hit, and its value. Reported to the user as a cap, not as a Python error.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum CapError {
    #[error("too many actors in one run (cap: {0})")]
    Actors(u32),
    #[error("too many live processes (cap: {0})")]
    Processes(u32),
    #[error("too many live threads (cap: {0})")]
    Threads(u32),
    #[error("too many synchronization objects in one run (cap: {0})")]
    Resources(u32),
}
