//! The real backend: the shared-memory arena, futex primitives, channels on real pipes,
//! threads, fork, and the supervisor. Only this module touches the OS.

pub mod actor_slots;
pub mod actor_world;
pub mod actors;
pub mod arena;
pub mod arg;
pub mod builtin_calls;
pub mod channel;
pub mod channel_calls;
pub mod child_wait;
pub mod exit_status;
pub mod fork;
pub mod fork_gate;
pub mod futex;
pub mod gil;
pub mod interrupt;
pub mod limits;
pub mod os_confirm;
pub mod pool;
pub mod process_ops;
pub mod reaper;
pub mod run;
pub mod run_event;
pub mod runtime;
pub mod shared_value;
pub mod stress;
pub mod supervisor;
pub mod sync;
pub mod sync_calls;
pub mod term_deferral;
pub mod thread_spawn;
pub mod timer;
pub mod wait_recorder;
