//! The real backend: the shared-memory arena, futex primitives, channels on real pipes,
//! threads, fork, and the supervisor. Only this module touches the OS.

pub mod arena;
pub mod futex;
pub mod sync;
pub mod wait_recorder;
