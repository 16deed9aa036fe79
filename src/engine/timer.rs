//! `threading.Timer`: a thread that waits on its `finished` Event for the interval, and
//! runs its function only if nobody cancelled it meanwhile.

use crate::checker::snapshot::ActorId;
use crate::core::value::{Handle, HandleKind, Res, Value};
use crate::engine::actor_world::ActorWorld;
use crate::syntax::span::Span;

impl ActorWorld {
    pub(crate) fn timer_init(&self, id: ActorId, span: Span) -> Res<()> {
        let ev = self.alloc_res(HandleKind::Event { mp: false }, "finished", span)?;
        if let Some(o) = self.rt.actors.lock().get_mut(&id) {
            o.timer_event = Some(ev);
        }
        Ok(())
    }

    fn timer_event(&self, id: ActorId) -> Option<u32> {
        self.rt.actors.lock().get(&id).and_then(|o| o.timer_event)
    }

    /// Waits out the interval; true when the function should run (not cancelled).
    pub(crate) fn timer_wait(&self, id: ActorId, delay: f64, span: Span) -> bool {
        match self.timer_event(id) {
            Some(ev) => !self.event_wait(ev, Some(self.rt.real(delay)), span),
            None => true,
        }
    }

    pub(crate) fn timer_done(&self, id: ActorId) {
        if let Some(ev) = self.timer_event(id) {
            self.event_set(ev);
        }
    }

    pub(crate) fn timer_cancel(&self, id: ActorId, _span: Span) -> Res<()> {
        self.timer_done(id);
        Ok(())
    }

    pub(crate) fn timer_finished(&self, id: ActorId) -> Res<Value> {
        Ok(match self.timer_event(id) {
            Some(ev) => Value::Handle(Handle {
                kind: HandleKind::Event { mp: false },
                id: ev,
            }),
            None => Value::None,
        })
    }
}
