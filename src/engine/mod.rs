//! The real backend: the shared-memory arena, futex primitives, channels on real pipes,
//! threads, fork, and the supervisor. Only this module touches the OS.

pub mod channel;
pub mod wait_recorder;
