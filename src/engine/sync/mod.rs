//! Python's synchronization primitives on futexes in the arena: they work between the
//! threads of one process and between forked processes alike, and every blocking path
//! records what it waits for in the caller's actor slot.
//!
//! Each primitive is a `Copy` handle around its `ResId`; operations take the caller's
//! [`ActorCtx`](crate::engine::arena::ActorCtx), a real-time timeout (`None` = forever;
//! the caller applies the scenario's time scale, see [`timeout_arg`]) and the span of the
//! call for the wait record. Misuse returns a [`SyncError`].

pub mod barrier;
pub mod condition;
pub mod event;
pub mod lock;
pub mod rlock;
pub mod semaphore;
pub mod sync_error;
pub mod thread_queue;
pub mod timeout_arg;

pub use barrier::{Barrier, BarrierArrival};
pub use condition::Condition;
pub use event::Event;
pub use lock::Lock;
pub use rlock::RLock;
pub use semaphore::Semaphore;
pub use sync_error::SyncError;
pub use thread_queue::{ThreadQueue, ValueCmp};

use crate::checker::snapshot::{ResId, Wait, WaitOp};
use crate::syntax::span::Span;

/// The wait record of a blocking call on `res`.
fn wait_on(op: WaitOp, res: ResId, span: Span, timed: bool, detail: u64) -> Wait {
    Wait {
        op,
        res: Some(res),
        target: None,
        span,
        timed,
        detail,
    }
}
