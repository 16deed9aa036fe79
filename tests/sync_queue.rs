//! `queue.Queue`, `LifoQueue`, `PriorityQueue`, `SimpleQueue` on the arena.

use std::cmp::Ordering;
use std::thread;
use std::time::{Duration, Instant};

use interp::checker::snapshot::{ActorId, ActorKind, ActorState, Wait, WaitOp};
use interp::core::names::ExcType;
use interp::core::value::{Exception, ThreadQueueKind, Value};
use interp::engine::arena::{ActorCtx, Arena, ArenaCaps};
use interp::engine::sync::timeout_arg::queue_timeout;
use interp::engine::sync::{SyncError, ThreadQueue};
use interp::syntax::span::Span;

const SPAN: Span = Span { start: 5, end: 12 };
const LONG: Option<Duration> = Some(Duration::from_secs(10));

fn arena() -> Arena {
    Arena::new(ArenaCaps {
        actors: 8,
        resources: 8,
        log_bytes: 1024,
        heap_bytes: 4096,
    })
    .unwrap()
}

fn actors(a: &Arena, threads: usize) -> (ActorId, Vec<ActorId>) {
    let main = a
        .alloc_actor(ActorKind::Process, None, None, "main", "MainProcess")
        .unwrap();
    let ts = (0..threads)
        .map(|i| {
            a.alloc_actor(
                ActorKind::Thread,
                Some(main),
                Some(main),
                &format!("t{i}"),
                "T",
            )
            .unwrap()
        })
        .collect();
    (main, ts)
}

fn ctx(arena: &Arena, actor: ActorId) -> ActorCtx<'_> {
    ActorCtx { arena, actor }
}

fn type_error(a: &Value, b: &Value) -> Exception {
    Exception {
        ty: ExcType::TypeError,
        msg: format!(
            "'<' not supported between instances of '{}' and '{}'",
            a.type_name(),
            b.type_name()
        ),
        span: Span::new(99, 100),
    }
}

/// Ints and strs compare among themselves; a tuple compares by its first item only
/// (like a dataclass whose other fields have `compare=False`).
fn cmp(a: &Value, b: &Value) -> Result<Ordering, Exception> {
    match (a, b) {
        (Value::Int(x), Value::Int(y)) => Ok(x.cmp(y)),
        (Value::Str(x), Value::Str(y)) => Ok(x.cmp(y)),
        (Value::Tuple(x), Value::Tuple(y)) => cmp(&x[0], &y[0]),
        _ => Err(type_error(a, b)),
    }
}

fn int(v: &Value) -> i128 {
    match v {
        Value::Int(i) => *i,
        other => panic!("not an int: {other:?}"),
    }
}

fn blocked_wait(a: &Arena, actor: ActorId) -> Wait {
    let t0 = Instant::now();
    loop {
        if a.actor(actor).state() == Some(ActorState::Blocked)
            && let Some(w) = a.actor(actor).wait()
        {
            return w;
        }
        assert!(t0.elapsed() < Duration::from_secs(10), "never blocked");
        thread::yield_now();
    }
}

#[test]
fn fifo_and_lifo_order_and_sizes() {
    let a = arena();
    let (main, _) = actors(&a, 0);
    let me = ctx(&a, main);
    let q = ThreadQueue::new(&a, ThreadQueueKind::Fifo, 5, "q").unwrap();
    let l = ThreadQueue::new(&a, ThreadQueueKind::Lifo, 0, "l").unwrap();
    for i in 1..=3 {
        q.put(&me, Value::Int(i), true, None, SPAN, &cmp).unwrap();
        l.put(&me, Value::Int(i), true, None, SPAN, &cmp).unwrap();
    }
    assert_eq!((q.qsize(&a), q.empty(&a), q.full(&a)), (3, false, false));
    assert_eq!(q.maxsize(&a), 5);
    assert_eq!(q.unfinished_tasks(&a), 3);
    let got: Vec<i128> = (0..3)
        .map(|_| int(&q.get(&me, true, None, SPAN, &cmp).unwrap()))
        .collect();
    assert_eq!(got, vec![1, 2, 3]);
    let got: Vec<i128> = (0..3)
        .map(|_| int(&l.get(&me, false, None, SPAN, &cmp).unwrap()))
        .collect();
    assert_eq!(got, vec![3, 2, 1]);
    assert!(q.empty(&a));
    let snap = a.snapshot();
    assert_eq!((snap.resources[0].count, snap.resources[0].limit), (0, 5));
}

#[test]
fn empty_full_and_timeouts() {
    let a = arena();
    let (main, _) = actors(&a, 0);
    let me = ctx(&a, main);
    let q = ThreadQueue::new(&a, ThreadQueueKind::Fifo, 1, "q").unwrap();
    let e = q.get(&me, false, None, SPAN, &cmp).unwrap_err();
    assert_eq!(e, SyncError::Empty);
    let x = e.to_exception(false, SPAN);
    assert_eq!((x.ty, x.msg.as_str()), (ExcType::QueueEmpty, ""));
    let t0 = Instant::now();
    assert_eq!(
        q.get(&me, true, Some(Duration::from_millis(40)), SPAN, &cmp)
            .unwrap_err(),
        SyncError::Empty
    );
    assert!(t0.elapsed() >= Duration::from_millis(40));

    q.put(&me, Value::Int(1), false, None, SPAN, &cmp).unwrap();
    assert!(q.full(&a));
    let e = q
        .put(&me, Value::Int(2), false, None, SPAN, &cmp)
        .unwrap_err();
    let x = e.to_exception(false, SPAN);
    assert_eq!((x.ty, x.msg.as_str()), (ExcType::QueueFull, ""));
    let t0 = Instant::now();
    assert_eq!(
        q.put(
            &me,
            Value::Int(2),
            true,
            Some(Duration::from_millis(40)),
            SPAN,
            &cmp
        ),
        Err(SyncError::Full)
    );
    assert!(t0.elapsed() >= Duration::from_millis(40));
    assert_eq!(q.qsize(&a), 1);
    assert_eq!(a.actor(main).wait(), None);

    let e = queue_timeout(true, Some(-1.0)).unwrap_err();
    let x = e.to_exception(false, SPAN);
    assert_eq!(
        (x.ty, x.msg.as_str()),
        (
            ExcType::ValueError,
            "'timeout' must be a non-negative number"
        )
    );
}

#[test]
fn blocked_get_and_put_have_wait_records() {
    let a = arena();
    let (main, ts) = actors(&a, 1);
    let me = ctx(&a, main);
    let q = ThreadQueue::new(&a, ThreadQueueKind::Fifo, 1, "q").unwrap();
    thread::scope(|s| {
        let h = s.spawn(|| q.get(&ctx(&a, ts[0]), true, None, Span::new(1, 8), &cmp));
        let w = blocked_wait(&a, ts[0]);
        assert_eq!(
            (w.op, w.res, w.span),
            (WaitOp::QueueGet, Some(q.0), Span::new(1, 8))
        );
        q.put(&me, Value::Int(7), true, None, SPAN, &cmp).unwrap();
        assert_eq!(int(&h.join().unwrap().unwrap()), 7);
    });
    q.put(&me, Value::Int(8), true, None, SPAN, &cmp).unwrap();
    thread::scope(|s| {
        let h = s.spawn(|| q.put(&ctx(&a, ts[0]), Value::Int(9), true, LONG, SPAN, &cmp));
        let w = blocked_wait(&a, ts[0]);
        assert_eq!((w.op, w.res, w.timed), (WaitOp::QueuePut, Some(q.0), true));
        assert_eq!(int(&q.get(&me, true, None, SPAN, &cmp).unwrap()), 8);
        h.join().unwrap().unwrap();
    });
    assert_eq!(int(&q.get(&me, true, None, SPAN, &cmp).unwrap()), 9);
}

#[test]
fn task_done_and_join() {
    let a = arena();
    let (main, ts) = actors(&a, 1);
    let me = ctx(&a, main);
    let q = ThreadQueue::new(&a, ThreadQueueKind::Fifo, 0, "q").unwrap();
    let e = q.task_done(&me).unwrap_err();
    let x = e.to_exception(false, SPAN);
    assert_eq!(
        (x.ty, x.msg.as_str()),
        (ExcType::ValueError, "task_done() called too many times")
    );
    q.put(&me, Value::Int(1), true, None, SPAN, &cmp).unwrap();
    q.put(&me, Value::Int(2), true, None, SPAN, &cmp).unwrap();
    thread::scope(|s| {
        let h = s.spawn(|| q.join(&ctx(&a, ts[0]), SPAN));
        let w = blocked_wait(&a, ts[0]);
        assert_eq!((w.op, w.res, w.detail), (WaitOp::QueueJoin, Some(q.0), 2));
        q.get(&me, true, None, SPAN, &cmp).unwrap();
        q.task_done(&me).unwrap();
        thread::sleep(Duration::from_millis(20));
        assert_eq!(a.actor(ts[0]).state(), Some(ActorState::Blocked));
        q.get(&me, true, None, SPAN, &cmp).unwrap();
        q.task_done(&me).unwrap();
        h.join().unwrap();
    });
    assert_eq!(q.unfinished_tasks(&a), 0);
    q.join(&me, SPAN); // nothing unfinished: returns at once
    assert_eq!(q.task_done(&me), Err(SyncError::TaskDoneTooMany));
}

#[test]
fn priority_queue_matches_heapq_order_for_equal_priorities() {
    let a = arena();
    let (main, _) = actors(&a, 0);
    let me = ctx(&a, main);
    let q = ThreadQueue::new(&a, ThreadQueueKind::Priority, 0, "pq").unwrap();
    for (p, n) in [
        (2, "a"),
        (1, "b"),
        (2, "c"),
        (1, "d"),
        (3, "e"),
        (2, "f"),
        (1, "g"),
        (2, "h"),
    ] {
        let item = Value::tuple(vec![Value::Int(p), Value::str(n)]);
        q.put(&me, item, true, None, SPAN, &cmp).unwrap();
    }
    let got: Vec<String> = (0..8)
        .map(|_| match q.get(&me, true, None, SPAN, &cmp).unwrap() {
            Value::Tuple(t) => format!(
                "{}{}",
                int(&t[0]),
                match &t[1] {
                    Value::Str(s) => s.to_string(),
                    _ => unreachable!(),
                }
            ),
            other => panic!("{other:?}"),
        })
        .collect();
    // CPython 3.11: [1b, 1g, 1d, 2c, 2f, 2a, 2h, 3e]
    assert_eq!(got, ["1b", "1g", "1d", "2c", "2f", "2a", "2h", "3e"]);
}

#[test]
fn priority_queue_comparison_errors_propagate_like_cpython() {
    let a = arena();
    let (main, _) = actors(&a, 0);
    let me = ctx(&a, main);
    let q = ThreadQueue::new(&a, ThreadQueueKind::Priority, 0, "pq").unwrap();
    q.put(&me, Value::Int(1), true, None, SPAN, &cmp).unwrap();
    let e = q
        .put(&me, Value::str("x"), true, None, SPAN, &cmp)
        .unwrap_err();
    let x = e.to_exception(false, SPAN);
    assert_eq!(x.ty, ExcType::TypeError);
    assert_eq!(
        x.msg,
        "'<' not supported between instances of 'str' and 'int'"
    );
    assert_eq!(x.span, Span::new(99, 100), "the comparison's own span");
    // heappush appended before comparing: the item stays, but is not a task.
    assert_eq!((q.qsize(&a), q.unfinished_tasks(&a)), (2, 1));
    assert_eq!(int(&q.get(&me, true, None, SPAN, &cmp).unwrap()), 1);
    assert_eq!(q.qsize(&a), 1);
}

#[test]
fn simple_queue_never_blocks_on_put() {
    let a = arena();
    let (main, _) = actors(&a, 0);
    let me = ctx(&a, main);
    let q = ThreadQueue::new(&a, ThreadQueueKind::Simple, 1, "sq").unwrap();
    for i in 0..5 {
        q.put(&me, Value::Int(i), true, None, SPAN, &cmp).unwrap();
    }
    assert!(!q.full(&a));
    assert_eq!(q.qsize(&a), 5);
    for i in 0..5 {
        assert_eq!(int(&q.get(&me, true, None, SPAN, &cmp).unwrap()), i);
    }
    let t0 = Instant::now();
    assert_eq!(
        q.get(&me, true, Some(Duration::from_millis(30)), SPAN, &cmp)
            .unwrap_err(),
        SyncError::Empty
    );
    assert!(t0.elapsed() >= Duration::from_millis(30));
}

#[test]
fn many_producers_and_consumers_lose_nothing() {
    let a = arena();
    let (_, ts) = actors(&a, 4);
    let q = ThreadQueue::new(&a, ThreadQueueKind::Fifo, 3, "q").unwrap();
    let total: i128 = thread::scope(|s| {
        for &p in &ts[..2] {
            let a = &a;
            s.spawn(move || {
                for i in 0..500 {
                    q.put(&ctx(a, p), Value::Int(i), true, None, SPAN, &cmp)
                        .unwrap();
                }
            });
        }
        let consumers: Vec<_> = ts[2..]
            .iter()
            .map(|&c| {
                let a = &a;
                s.spawn(move || {
                    (0..500)
                        .map(|_| int(&q.get(&ctx(a, c), true, None, SPAN, &cmp).unwrap()))
                        .sum::<i128>()
                })
            })
            .collect();
        consumers.into_iter().map(|h| h.join().unwrap()).sum()
    });
    assert_eq!(total, 2 * (0..500).sum::<i128>());
    assert!(q.empty(&a));
}
