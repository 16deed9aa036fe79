//! The calling actor's view of the arena: what every engine operation is given so it can
//! record its waits and its ownership.

use super::{ActorSlot, Arena};
use crate::checker::snapshot::{ActorId, ActorState, Wait};
use crate::engine::wait_recorder::WaitRecorder;

/// "Me": the arena and the actor making the call.
#[derive(Clone, Copy)]
pub struct ActorCtx<'a> {
    pub arena: &'a Arena,
    pub actor: ActorId,
}

impl ActorCtx<'_> {
    /// This actor's slot.
    #[inline]
    pub fn slot(&self) -> &ActorSlot {
        self.arena.actor(self.actor)
    }
}

impl WaitRecorder for ActorCtx<'_> {
    fn begin_wait(&self, wait: Wait) {
        let slot = self.slot();
        slot.set_wait(Some(&wait));
        slot.set_state(ActorState::Blocked);
    }

    fn end_wait(&self) {
        let slot = self.slot();
        // Ending a wait is progress: the checker must not call this actor stuck.
        slot.bump_progress();
        slot.set_state(ActorState::Running);
        slot.set_wait(None);
    }

    #[inline]
    fn progress(&self) {
        self.slot().bump_progress();
    }
}
