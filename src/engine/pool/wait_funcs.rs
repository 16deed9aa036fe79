//! `concurrent.futures.wait(fs, timeout, return_when)` and `as_completed(fs, timeout)`,
//! plus the dispatch of the pool builtins and of methods on pool-family handles.

use std::time::Instant;

use super::future::{CANCELLED, FutureRec, wait_any};
use crate::checker::snapshot::ResId;
use crate::core::names::{Builtin, ExcType, Method};
use crate::core::value::{Handle, HandleKind, Res, Unwind, Value};
use crate::core::world::{Args, Caller};
use crate::engine::actor_world::ActorWorld;
use crate::engine::arg;
use crate::syntax::span::Span;

impl ActorWorld {
    /// The pool builtins: constructors, `wait`, `as_completed`.
    pub(crate) fn pool_builtin(&self, b: Builtin, args: Args, span: Span) -> Res<Value> {
        match b {
            Builtin::Wait => self.futures_wait(&args, span),
            Builtin::AsCompleted => self.as_completed(&args, span),
            _ => self.new_pool(b, &args, span),
        }
    }

    /// Methods on pools, executors and their result objects.
    pub(crate) fn pool_family_method(
        &self,
        cx: &mut dyn Caller,
        h: Handle,
        m: Method,
        args: Args,
        span: Span,
    ) -> Res<Value> {
        match h.kind {
            HandleKind::Pool { .. } => self.pool_method(cx, h, m, args, span),
            HandleKind::Executor { .. } => self.executor_method(h, m, args, span),
            _ => self.result_method(cx, h, m, args, span),
        }
    }

    fn future_ids(&self, args: &Args, span: Span) -> Res<Vec<(Value, ResId)>> {
        let fs = args.get(0, "fs").cloned().unwrap_or(Value::None);
        crate::core::iter::to_vec(&fs, span)?
            .into_iter()
            .map(|v| match &v {
                Value::Handle(h) if h.kind == HandleKind::Future => Ok((v.clone(), h.id)),
                other => Err(Unwind::raise(
                    ExcType::AttributeError,
                    format!(
                        "'{}' object has no attribute '_condition'",
                        other.type_name()
                    ),
                    span,
                )),
            })
            .collect()
    }

    fn deadline_arg(&self, args: &Args, span: Span) -> Res<Option<Instant>> {
        let t = arg::opt_float(args, 1, "timeout", span)?;
        Ok(t.and_then(|t| Instant::now().checked_add(self.rt.real(t.max(0.0)))))
    }

    /// `wait(fs, timeout=None, return_when=ALL_COMPLETED)` → `(done, not_done)`.
    fn futures_wait(&self, args: &Args, span: Span) -> Res<Value> {
        let fs = self.future_ids(args, span)?;
        let deadline = self.deadline_arg(args, span)?;
        let when = arg::string(args, 2, "return_when").unwrap_or_else(|| "ALL_COMPLETED".into());
        let arena = &self.rt.arena;
        let ids: Vec<ResId> = fs.iter().map(|(_, id)| *id).collect();
        let failed = |r: ResId| {
            let f = FutureRec::of(arena, r);
            f.done() && f.state() != CANCELLED && f.failed_chunk().is_some()
        };
        let all_done = |rs: &[ResId]| rs.iter().all(|&r| FutureRec::of(arena, r).done());
        let any_done = |rs: &[ResId]| rs.iter().any(|&r| FutureRec::of(arena, r).done());
        match when.as_str() {
            "FIRST_COMPLETED" => {
                wait_any(&self.ctx(), arena, &ids, deadline, span, |rs| {
                    rs.is_empty() || any_done(rs)
                });
            }
            "FIRST_EXCEPTION" => {
                wait_any(&self.ctx(), arena, &ids, deadline, span, |rs| {
                    all_done(rs) || rs.iter().any(|&r| failed(r))
                });
            }
            _ => {
                for &r in &ids {
                    let f = FutureRec::of(arena, r);
                    if !f.wait_until(&self.ctx(), deadline, span, |f| f.done()) {
                        break;
                    }
                }
            }
        }
        let (done, not_done): (Vec<_>, Vec<_>) = fs
            .into_iter()
            .partition(|(_, r)| FutureRec::of(arena, *r).done());
        Ok(Value::tuple(vec![
            Value::list(done.into_iter().map(|(v, _)| v).collect()),
            Value::list(not_done.into_iter().map(|(v, _)| v).collect()),
        ]))
    }

    /// `as_completed(fs, timeout=None)`: every future, in completion order, once all are
    /// done; `TimeoutError('N (of M) futures unfinished')` when the timeout comes first.
    fn as_completed(&self, args: &Args, span: Span) -> Res<Value> {
        let mut fs = self.future_ids(args, span)?;
        // Duplicates are yielded once, as CPython's set does.
        let mut seen = std::collections::HashSet::new();
        fs.retain(|(_, r)| seen.insert(*r));
        let deadline = self.deadline_arg(args, span)?;
        let arena = &self.rt.arena;
        for (_, r) in &fs {
            let f = FutureRec::of(arena, *r);
            if !f.wait_until(&self.ctx(), deadline, span, |f| f.done()) {
                let left = fs
                    .iter()
                    .filter(|(_, r)| !FutureRec::of(arena, *r).done())
                    .count();
                return Err(Unwind::raise(
                    ExcType::TimeoutError,
                    format!("{left} (of {}) futures unfinished", fs.len()),
                    span,
                ));
            }
        }
        fs.sort_by_key(|(_, r)| FutureRec::of(arena, *r).stamp());
        Ok(Value::list(fs.into_iter().map(|(v, _)| v).collect()))
    }
}
