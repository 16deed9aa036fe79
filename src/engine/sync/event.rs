//! `threading.Event` / `multiprocessing.Event`.
//!
//! `word[0]` is the flag. Waiters sleep on a generation word (`word[1]`) that every
//! `set` of a clear flag bumps, so a `set(); clear()` pulse still wakes (and returns
//! `True` to) everyone who was waiting, as CPython's `notify_all` does.

use std::sync::atomic::Ordering::{Relaxed, SeqCst};
use std::time::Duration;

use super::{SyncError, wait_on};
use crate::checker::snapshot::{ResId, WaitOp};
use crate::core::value::HandleKind;
use crate::engine::arena::{ActorCtx, Arena};
use crate::engine::futex::{self, Wake};
use crate::engine::wait_recorder::WaitRecorder;
use crate::syntax::span::Span;

/// An Event: `word[0]` flag, `word[1]` generation, `payload[0]` number of sleepers.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Event(pub ResId);

impl Event {
    /// `threading.Event()` or `multiprocessing.Event()`, initially clear.
    pub fn new(arena: &Arena, mp: bool, label: &str) -> Result<Event, SyncError> {
        Ok(Event(arena.alloc_res(HandleKind::Event { mp }, label)?))
    }

    /// `set()`.
    pub fn set(self, ctx: &ActorCtx<'_>) {
        let rec = ctx.arena.res(self.0);
        if rec.word[0].swap(1, SeqCst) == 0 {
            rec.word[1].fetch_add(1, SeqCst);
            if rec.payload[0].load(SeqCst) > 0 {
                futex::wake_all(&rec.word[1]);
            }
        }
        ctx.progress();
    }

    /// `clear()`.
    pub fn clear(self, ctx: &ActorCtx<'_>) {
        ctx.arena.res(self.0).word[0].store(0, SeqCst);
        ctx.progress();
    }

    /// `is_set()`.
    pub fn is_set(self, arena: &Arena) -> bool {
        arena.res(self.0).word[0].load(SeqCst) != 0
    }

    /// `wait(timeout)`: true if the flag is (or was, while we waited) set.
    pub fn wait(self, ctx: &ActorCtx<'_>, timeout: Option<Duration>, span: Span) -> bool {
        let rec = ctx.arena.res(self.0);
        if rec.word[0].load(SeqCst) != 0 {
            ctx.progress();
            return true;
        }
        let (flag, gen_word, sleepers) = (&rec.word[0], &rec.word[1], &rec.payload[0]);
        sleepers.fetch_add(1, SeqCst);
        let gen0 = gen_word.load(SeqCst);
        let deadline = futex::deadline_after(timeout);
        let mut recorded = false;
        let signaled = loop {
            if flag.load(SeqCst) != 0 || gen_word.load(SeqCst) != gen0 {
                break true;
            }
            if !recorded {
                recorded = true;
                ctx.begin_wait(wait_on(
                    WaitOp::EventWait,
                    self.0,
                    span,
                    timeout.is_some(),
                    0,
                ));
            }
            if futex::wait(gen_word, gen0, deadline) == Wake::TimedOut {
                break flag.load(SeqCst) != 0 || gen_word.load(SeqCst) != gen0;
            }
        };
        sleepers.fetch_sub(1, Relaxed);
        if recorded {
            ctx.end_wait();
        } else {
            ctx.progress();
        }
        signaled
    }
}
