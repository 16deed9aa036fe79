//! Methods of result objects: `Future` (`result`, `exception`, `done`, `running`,
//! `cancelled`, `cancel`, `add_done_callback`), `AsyncResult` (`get`, `wait`, `ready`,
//! `successful`) and `imap` iterators (`next`).

use std::sync::Arc;
use std::time::Instant;

use super::future::{CANCELLED, FutureRec, Mode, READY, RUNNING};
use super::registry::{self, Callback, ImapPos};
use crate::checker::snapshot::ResId;
use crate::core::names::{ExcType, Method};
use crate::core::value::{Exception, Handle, HandleKind, Res, Unwind, Value};
use crate::core::world::{Args, Caller};
use crate::engine::actor_world::{ActorWorld, no_method};
use crate::engine::arg;
use crate::engine::channel::fake_address;
use crate::syntax::span::Span;

impl ActorWorld {
    fn deadline(&self, args: &Args, span: Span) -> Res<Option<Instant>> {
        let t = arg::opt_float(args, 0, "timeout", span)?;
        Ok(t.and_then(|t| Instant::now().checked_add(self.rt.real(t.max(0.0)))))
    }

    /// Waits for a record to be done; `false` on timeout.
    fn wait_done(&self, id: ResId, deadline: Option<Instant>, span: Span) -> bool {
        FutureRec::of(&self.rt.arena, id).wait_until(&self.ctx(), deadline, span, |f| f.done())
    }

    /// The outcome of a done record.
    fn outcome_of(&self, id: ResId) -> Option<Result<Value, Arc<Exception>>> {
        let fut = FutureRec::of(&self.rt.arena, id);
        let local = fut.pool().and_then(|p| registry::local(&self.rt.arena, p));
        self.record_outcome(local.as_deref(), fut)
    }

    /// `AsyncResult.get(timeout)`, also what `apply()` and `map()` return through.
    pub(super) fn async_get(&self, id: ResId, deadline: Option<Instant>, span: Span) -> Res<Value> {
        if !self.wait_done(id, deadline, span) {
            return Err(Unwind::raise(ExcType::MpTimeoutError, "", span));
        }
        match self.outcome_of(id) {
            Some(Ok(v)) => Ok(v),
            Some(Err(e)) => Err(Unwind::Raise(e)),
            // Terminated before it ran: CPython would block forever; a done record
            // without a result only comes from a broken engine invariant.
            None => Err(Unwind::raise(ExcType::MpTimeoutError, "", span)),
        }
    }

    pub(super) fn result_method(
        &self,
        cx: &mut dyn Caller,
        h: Handle,
        m: Method,
        args: Args,
        span: Span,
    ) -> Res<Value> {
        let fut = FutureRec::of(&self.rt.arena, h.id);
        match (h.kind, m) {
            (HandleKind::Future, Method::Result | Method::Exception) => {
                let deadline = self.deadline(&args, span)?;
                if !self.wait_done(h.id, deadline, span) {
                    return Err(Unwind::raise(ExcType::TimeoutError, "", span));
                }
                if fut.state() == CANCELLED {
                    return Err(Unwind::raise(ExcType::CancelledError, "", span));
                }
                match (m, self.outcome_of(h.id)) {
                    (Method::Result, Some(Ok(v))) => Ok(v),
                    (Method::Result, Some(Err(e))) => Err(Unwind::Raise(e)),
                    (_, Some(Err(e))) => Ok(Value::Exception(e)),
                    _ => Ok(Value::None),
                }
            }
            (HandleKind::Future, Method::Done) => Ok(Value::Bool(fut.done())),
            (HandleKind::Future, Method::Running) => {
                Ok(Value::Bool(matches!(fut.state(), RUNNING | READY)))
            }
            (HandleKind::Future, Method::Cancelled) => Ok(Value::Bool(fut.state() == CANCELLED)),
            (HandleKind::Future, Method::Cancel) => Ok(Value::Bool(fut.cancel())),
            (HandleKind::Future, Method::AddDoneCallback) => {
                let f = args.get(0, "fn").cloned().unwrap_or(Value::None);
                let pool = fut.pool();
                let local = pool.and_then(|p| registry::local(&self.rt.arena, p));
                let registered = match (&local, pool) {
                    (Some(l), Some(p)) => {
                        self.ensure_handler(l, p, span)?;
                        l.with(&l.callbacks, |c| {
                            // Checked under the lock the completing side takes too.
                            if fut.done() {
                                false
                            } else {
                                c.push((h.id, Callback::Done(f.clone())));
                                true
                            }
                        })
                    }
                    _ => false,
                };
                if !registered {
                    cx.call_value(&f, Args::new(vec![Value::Handle(h)]), span)?;
                }
                Ok(Value::None)
            }
            (HandleKind::AsyncResult, Method::Get) => {
                let deadline = self.deadline(&args, span)?;
                self.async_get(h.id, deadline, span)
            }
            (HandleKind::AsyncResult | HandleKind::ImapIter, Method::Wait) => {
                let deadline = self.deadline(&args, span)?;
                self.wait_done(h.id, deadline, span);
                Ok(Value::None)
            }
            (HandleKind::AsyncResult, Method::Ready) => Ok(Value::Bool(fut.done())),
            (HandleKind::AsyncResult, Method::Successful) => {
                if !fut.done() {
                    let class = if fut.mode() == Mode::Apply {
                        "ApplyResult"
                    } else {
                        "MapResult"
                    };
                    return Err(Unwind::raise(
                        ExcType::ValueError,
                        format!(
                            "<multiprocessing.pool.{class} object at {}> not ready",
                            fake_address(h.id)
                        ),
                        span,
                    ));
                }
                Ok(Value::Bool(fut.failed_chunk().is_none()))
            }
            (HandleKind::ImapIter, Method::Next) => {
                let deadline = self.deadline(&args, span)?;
                self.imap_next(h.id, deadline, span)
            }
            _ => Err(no_method(h, m, span)),
        }
    }

    /// `next(it)` / `it.next(timeout)` on an `imap` / `imap_unordered` iterator.
    fn imap_next(&self, id: ResId, deadline: Option<Instant>, span: Span) -> Res<Value> {
        let fut = FutureRec::of(&self.rt.arena, id);
        let local = fut
            .pool()
            .and_then(|p| registry::local(&self.rt.arena, p))
            .ok_or_else(|| Unwind::raise(ExcType::StopIteration, "", span))?;
        let mut pos: ImapPos = local.with(&local.imap, |m| m.get(&id).cloned().unwrap_or_default());
        let work = local.work(id);
        let work = work.as_deref();
        let stamp = |f: &FutureRec<'_>, c: u32| ActorWorld::chunk_stamp(work, f, c);
        let chunksize = fut.chunksize().max(1);
        let item = loop {
            if let Some(item) = pos.buffer.pop_front() {
                break Some(item);
            }
            if fut.mode() == Mode::Imap {
                if pos.next >= fut.items() {
                    break None;
                }
                let chunk = (pos.next / chunksize) as u32;
                if !fut.wait_until(&self.ctx(), deadline, span, |f| stamp(f, chunk) != 0) {
                    local.with(&local.imap, |m| m.insert(id, pos.clone()));
                    return Err(Unwind::raise(ExcType::MpTimeoutError, "", span));
                }
                let at = pos.next % chunksize;
                match self.with_chunk(work, fut, chunk, |o| match o {
                    Ok(v) => Ok(v.get(at).cloned().unwrap_or(Value::None)),
                    Err(e) => Err(e.clone()),
                }) {
                    Some(Ok(v)) => {
                        pos.next += 1;
                        break Some(Ok(v));
                    }
                    Some(Err(e)) => {
                        pos.next = (chunk as usize + 1) * chunksize;
                        break Some(Err(Value::Exception(e)));
                    }
                    None => break None,
                }
            }
            if pos.consumed.len() >= fut.chunks() {
                break None;
            }
            let unconsumed = |f: &FutureRec<'_>| -> Option<u32> {
                (0..f.chunks() as u32)
                    .filter(|c| !pos.consumed.contains(c) && stamp(f, *c) != 0)
                    .min_by_key(|c| stamp(f, *c))
            };
            if !fut.wait_until(&self.ctx(), deadline, span, |f| unconsumed(f).is_some()) {
                local.with(&local.imap, |m| m.insert(id, pos.clone()));
                return Err(Unwind::raise(ExcType::MpTimeoutError, "", span));
            }
            let Some(c) = unconsumed(&fut) else { continue };
            pos.consumed.push(c);
            let buffer = &mut pos.buffer;
            self.with_chunk(work, fut, c, |o| match o {
                Ok(v) => buffer.extend(v.iter().cloned().map(Ok)),
                Err(e) => buffer.push_back(Err(Value::Exception(e.clone()))),
            });
        };
        local.with(&local.imap, |m| m.insert(id, pos));
        match item {
            Some(Ok(v)) => Ok(v),
            Some(Err(Value::Exception(e))) => Err(Unwind::Raise(e)),
            _ => Err(Unwind::raise(ExcType::StopIteration, "", span)),
        }
    }
}
