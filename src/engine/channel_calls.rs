//! Python calls on multiprocessing queues and `Pipe()` connections, mapped onto
//! `engine::channel`. Their cross-process state lives in the payload of the resource's
//! arena record.

use std::sync::atomic::Ordering;

use crate::core::names::{Attr, Builtin, ExcType, Method};
use crate::core::value::{Handle, HandleKind, Res, Unwind, Value};
use crate::core::world::Args;
use crate::engine::actor_world::{ActorWorld, no_attribute, no_method};
use crate::engine::arena::res_record::ResRecord;
use crate::engine::arg;
use crate::engine::channel::{self, ConnShared, MpQueueShared, QueueKind};
use crate::syntax::span::Span;

/// The payload area of a record viewed as `T`.
///
/// The arena is mapped for the whole life of every scenario process (it is unmapped only
/// by the supervisor, which never touches channels), hence `'static`.
fn payload_as<T>(rec: &ResRecord) -> &'static T {
    const { assert!(std::mem::size_of::<T>() <= 8 * 8) };
    const { assert!(std::mem::align_of::<T>() <= 8) };
    let p = rec.payload.as_ptr().cast::<T>();
    // SAFETY: the payload is 64 bytes of 8-aligned atomics (checked above to be enough
    // room and alignment for T); T is a repr(C) struct of atomics for which all-zero
    // bytes are a valid value (`Default` is all zeros), and every access to it is atomic,
    // so sharing it between threads and processes is sound. The mapping outlives every
    // use (see above).
    unsafe { &*p }
}

impl ActorWorld {
    /// `multiprocessing.Queue(maxsize)`, `JoinableQueue`, `SimpleQueue`, `Pipe(duplex)`.
    pub(crate) fn new_channel(&self, b: Builtin, args: Args, span: Span) -> Res<Value> {
        let label = self.rt.label_at(span).unwrap_or_default();
        if b == Builtin::Pipe {
            let duplex = arg::flag(&args, 0, "duplex", true);
            let (la, lb) = match label.split_once('/') {
                Some((a, b)) => (a.to_string(), b.to_string()),
                None => (label.clone(), label.clone()),
            };
            let a = self.alloc_res(HandleKind::Connection, &la, span)?;
            let bb = self.alloc_res(HandleKind::Connection, &lb, span)?;
            let sa = payload_as::<ConnShared>(self.rt.arena.res(a));
            let sb = payload_as::<ConnShared>(self.rt.arena.res(bb));
            channel::create_pipe(duplex, (a, sa), (bb, sb), span)?;
            for id in [a, bb] {
                self.rt.arena.res(id).limit.store(
                    if duplex {
                        SOCKET_CAPACITY
                    } else {
                        PIPE_CAPACITY
                    },
                    Ordering::Relaxed,
                );
            }
            return Ok(Value::tuple(vec![
                Value::Handle(Handle {
                    kind: HandleKind::Connection,
                    id: a,
                }),
                Value::Handle(Handle {
                    kind: HandleKind::Connection,
                    id: bb,
                }),
            ]));
        }
        let kind = match b {
            Builtin::JoinableQueue => HandleKind::MpQueue {
                joinable: true,
                simple: false,
            },
            Builtin::MpSimpleQueue => HandleKind::MpQueue {
                joinable: false,
                simple: true,
            },
            _ => HandleKind::MpQueue {
                joinable: false,
                simple: false,
            },
        };
        let maxsize = arg::opt_int(&args, 0, "maxsize", span)?.unwrap_or(0) as i64;
        let id = self.alloc_res(kind, &label, span)?;
        let rec = self.rt.arena.res(id);
        rec.limit.store(PIPE_CAPACITY, Ordering::Relaxed);
        let qk = QueueKind::of(kind).unwrap_or(QueueKind::Queue);
        channel::create_queue(id, qk, maxsize, payload_as::<MpQueueShared>(rec), span)?;
        Ok(Value::Handle(Handle { kind, id }))
    }

    pub(crate) fn channel_method(
        &self,
        h: Handle,
        m: Method,
        args: Args,
        span: Span,
    ) -> Res<Value> {
        let ctx = self.ctx();
        let r = match (h.kind, m) {
            (HandleKind::MpQueue { .. }, Method::Put | Method::PutNowait) => {
                let item = args.get(0, "obj").cloned().unwrap_or(Value::None);
                let block = m == Method::Put && arg::flag(&args, 1, "block", true);
                let t =
                    arg::opt_float(&args, 2, "timeout", span)?.map(|t| self.rt.real(t.max(0.0)));
                *LAST_PUT.lock() = span;
                channel::queue_put(h.id, &item, block, t, span, &ctx).map(|_| Value::None)
            }
            (HandleKind::MpQueue { .. }, Method::Get | Method::GetNowait) => {
                let block = m == Method::Get && arg::flag(&args, 0, "block", true);
                let t = arg::opt_float(&args, 1, "timeout", span)?;
                if block && t.is_some_and(|t| t < 0.0) {
                    return Err(Unwind::raise(
                        ExcType::ValueError,
                        "'timeout' must be a non-negative number",
                        span,
                    ));
                }
                channel::queue_get(h.id, block, t.map(|t| self.rt.real(t)), span, &ctx)
            }
            (HandleKind::MpQueue { .. }, Method::Qsize) => {
                channel::queue_qsize(h.id, span).map(|n| Value::Int(i128::from(n)))
            }
            (HandleKind::MpQueue { .. }, Method::Empty) => {
                channel::queue_empty(h.id, span).map(Value::Bool)
            }
            (HandleKind::MpQueue { .. }, Method::Full) => {
                channel::queue_full(h.id, span).map(Value::Bool)
            }
            (HandleKind::MpQueue { .. }, Method::Close) => {
                channel::queue_close(h.id, span).map(|_| Value::None)
            }
            (HandleKind::MpQueue { .. }, Method::JoinThread) => {
                channel::queue_join_thread(h.id, span, &ctx).map(|_| Value::None)
            }
            (HandleKind::MpQueue { .. }, Method::CancelJoinThread) => {
                channel::cancel_join_thread(h.id, span).map(|_| Value::None)
            }
            (HandleKind::MpQueue { joinable: true, .. }, Method::TaskDone) => {
                channel::queue_task_done(h.id, span).map(|_| Value::None)
            }
            (HandleKind::MpQueue { joinable: true, .. }, Method::Join) => {
                channel::queue_join(h.id, span, &ctx).map(|_| Value::None)
            }
            (HandleKind::Connection, Method::Send) => {
                let v = args.get(0, "obj").cloned().unwrap_or(Value::None);
                channel::conn_send(h.id, &v, span, &ctx).map(|_| Value::None)
            }
            (HandleKind::Connection, Method::Recv) => channel::conn_recv(h.id, span, &ctx),
            (HandleKind::Connection, Method::Poll) => {
                // CPython's default timeout is 0.0; `poll(None)` waits forever.
                let t = match args.get(0, "timeout") {
                    None => Some(std::time::Duration::ZERO),
                    Some(Value::None) => None,
                    Some(v) => Some(self.rt.real(arg::float(v, span)?.max(0.0))),
                };
                channel::conn_poll(h.id, t, span, &ctx).map(Value::Bool)
            }
            (HandleKind::Connection, Method::Close) => {
                channel::conn_close(h.id, span).map(|_| Value::None)
            }
            _ => return Err(no_method(h, m, span)),
        };
        self.progress();
        r
    }

    pub(crate) fn channel_attr(&self, h: Handle, attr: Attr, span: Span) -> Res<Value> {
        match (h.kind, attr) {
            (HandleKind::Connection, Attr::Closed | Attr::Readable | Attr::Writable) => {
                let info = channel::conn_info(h.id).ok_or_else(|| no_attribute(h, attr, span))?;
                Ok(Value::Bool(match attr {
                    Attr::Closed => info.closed,
                    Attr::Readable => info.readable,
                    _ => info.writable,
                }))
            }
            _ => Err(no_attribute(h, attr, span)),
        }
    }

    /// At a process's end: wait until its queue feeders flushed everything (the
    /// join-before-drain mechanism), with the wait recorded.
    pub(crate) fn flush_queues_at_exit(&self) {
        // The wait shows the last `put` of the process: what left data to flush.
        let span = *LAST_PUT.lock();
        channel::flush_at_exit(span, &self.ctx());
    }
}

/// Copies what the channels keep in their records' payloads (queue length, bytes in
/// the pipe) into the fields the checker reads.
pub fn fill_channel_state(
    arena: &crate::engine::arena::Arena,
    snap: &mut crate::checker::snapshot::Snapshot,
) {
    for r in &mut snap.resources {
        let rec = arena.res(r.id);
        match r.kind {
            HandleKind::MpQueue { .. } => {
                let q = payload_as::<MpQueueShared>(rec);
                r.count = q.qsize();
                r.pending_bytes = q.pending_bytes();
            }
            HandleKind::Connection => {
                let me = payload_as::<ConnShared>(rec);
                let peer = payload_as::<ConnShared>(arena.res(me.peer()));
                r.pending_bytes = me.pending_from(peer);
            }
            _ => {}
        }
    }
}

/// The span of this process's last `put` on a multiprocessing queue.
static LAST_PUT: parking_lot::Mutex<Span> = parking_lot::Mutex::new(Span { start: 0, end: 0 });

/// An anonymous pipe's capacity here (`F_GETPIPE_SZ`), what the checker compares with.
const PIPE_CAPACITY: i64 = 65_536;
/// A duplex `Pipe()` is an AF_UNIX socketpair: about this much fits before `send` blocks.
const SOCKET_CAPACITY: i64 = 212_992;
