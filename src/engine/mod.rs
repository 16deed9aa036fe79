//! The real backend: the shared-memory arena, futex primitives, channels on real pipes,
//! threads, fork, and the supervisor. Only this module touches the OS.

pub mod arena;
pub mod channel;
pub mod exit_status;
pub mod fork;
pub mod fork_gate;
pub mod futex;
pub mod interrupt;
pub mod limits;
pub mod reaper;
pub mod supervisor;
pub mod sync;
pub mod wait_recorder;
