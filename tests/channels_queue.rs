//! multiprocessing Queue / JoinableQueue / SimpleQueue across real forked processes.

mod channels_common;

use std::time::{Duration, Instant};

use channels_common::{Rec, fork, next_id, raised, same, serial, shared, str_len, xs};
use interp::checker::snapshot::WaitOp;
use interp::core::value::{Handle, HandleKind, Value};
use interp::engine::channel::{
    MpQueueShared, QueueKind, cancel_join_thread, create_queue, flush_at_exit, forget_local,
    queue_close, queue_empty, queue_full, queue_get, queue_join, queue_join_thread, queue_put,
    queue_qsize, queue_task_done,
};
use interp::syntax::span::Span;

const SP: Span = Span { start: 1, end: 2 };
const LONG: Duration = Duration::from_secs(5);

/// What the pipe holds when `'X'*65515` is stuck, as under CPython: the 4-byte header
/// is written alone into the first page; the 65533-byte payload write cannot merge its
/// 4093-byte head into that page, so it fills the 15 free pages (61440 bytes) and waits.
const STUCK_FILL: u64 = 4 + 15 * 4096;

/// Waits (1 ms steps) until the pipe holds `bytes`.
fn wait_pending(sh: &MpQueueShared, bytes: u64) {
    let t0 = Instant::now();
    while sh.pending_bytes() != bytes {
        assert!(t0.elapsed() < LONG, "pipe holds {}", sh.pending_bytes());
        std::thread::sleep(Duration::from_millis(1));
    }
}

fn new_queue(kind: QueueKind, maxsize: i64) -> (u32, &'static MpQueueShared) {
    let id = next_id();
    let sh = shared::<MpQueueShared>();
    create_queue(id, kind, maxsize, sh, SP).unwrap();
    (id, sh)
}

/// A child that puts `v` and then does what a process does at its end.
fn child_puts(id: u32, v: Value, cancel: bool) -> impl FnOnce() -> i32 {
    move || {
        let rec = Rec::new();
        queue_put(id, &v, true, None, SP, &rec).unwrap();
        if cancel {
            cancel_join_thread(id, SP).unwrap();
        }
        flush_at_exit(SP, &rec);
        0
    }
}

#[test]
fn s07_child_puts_a_list_parent_gets_it() {
    let _g = serial();
    let (q, _) = new_queue(QueueKind::Queue, 0);
    let item = Value::list(vec![Value::Int(42), Value::None, Value::str("hello")]);
    let mut child = fork(child_puts(q, item.clone(), false));
    let rec = Rec::new();
    let got = queue_get(q, true, None, SP, &rec).unwrap();
    assert!(same(&got, &item));
    assert_eq!(child.exit_within(LONG), Some(0));
    forget_local(q);
}

#[test]
fn item_of_65514_chars_fits_the_pipe_so_the_child_exits_without_a_reader() {
    let _g = serial();
    let (q, sh) = new_queue(QueueKind::Queue, 0);
    let mut child = fork(child_puts(q, xs(65514), false));
    // Nobody reads until the child is gone: 4 + 65532 bytes fit in 65536.
    assert_eq!(child.exit_within(LONG), Some(0));
    assert_eq!(sh.pending_bytes(), 65536);
    assert_eq!(queue_qsize(q, SP).unwrap(), 1);
    let got = queue_get(q, true, None, SP, &Rec::new()).unwrap();
    assert_eq!(str_len(&got), 65514);
    assert_eq!(sh.pending_bytes(), 0);
    forget_local(q);
}

#[test]
fn item_of_65515_chars_blocks_the_childs_exit_until_the_parent_reads() {
    let _g = serial();
    let (q, sh) = new_queue(QueueKind::Queue, 0);
    let rec = Rec::new();
    let mut child = fork({
        let v = xs(65515);
        move || {
            queue_put(q, &v, true, None, SP, &rec).unwrap();
            flush_at_exit(SP, &rec);
            0
        }
    });
    let seen = rec.wait_blocked_in(WaitOp::QueueFlush, LONG);
    assert_eq!(seen.res, q);
    assert!(!seen.timed);
    assert!(seen.detail > 0, "bytes still to write: {seen:?}");
    // It stays stuck: the pipe is full and nobody reads.
    std::thread::sleep(Duration::from_millis(100));
    assert!(child.still_running());
    let now = rec.seen();
    assert!(now.blocked && now.op == WaitOp::QueueFlush as u32);
    assert_eq!(sh.pending_bytes(), STUCK_FILL);
    // Reading unblocks it.
    let got = queue_get(q, true, None, SP, &Rec::new()).unwrap();
    assert_eq!(str_len(&got), 65515);
    assert_eq!(child.exit_within(LONG), Some(0));
    assert!(!rec.seen().blocked);
    forget_local(q);
}

#[test]
fn get_before_join_completes_with_a_megabyte_item() {
    let _g = serial();
    let (q, _) = new_queue(QueueKind::Queue, 0);
    let mut child = fork(child_puts(q, xs(1_000_000), false));
    let got = queue_get(q, true, None, SP, &Rec::new()).unwrap();
    assert_eq!(str_len(&got), 1_000_000);
    assert_eq!(child.exit_within(LONG), Some(0));
    forget_local(q);
}

#[test]
fn cancel_join_thread_lets_the_child_exit_with_unflushed_data() {
    let _g = serial();
    let (q, sh) = new_queue(QueueKind::Queue, 0);
    let mut child = fork(child_puts(q, xs(1_000_000), true));
    assert_eq!(child.exit_within(LONG), Some(0));
    // The item counts in qsize, but at most a pipe's worth of it ever arrived.
    assert_eq!(queue_qsize(q, SP).unwrap(), 1);
    assert!(sh.pending_bytes() <= 65536);
    forget_local(q);
}

#[test]
fn get_with_timeout_raises_empty_after_the_timeout() {
    let _g = serial();
    let (q, _) = new_queue(QueueKind::Queue, 0);
    let rec = Rec::new();
    let t0 = Instant::now();
    let r = queue_get(q, true, Some(Duration::from_millis(50)), SP, &rec);
    assert!(t0.elapsed() >= Duration::from_millis(50));
    assert_eq!(raised(r), ("queue.Empty".into(), String::new()));
    let s = rec.seen();
    assert!(s.begins >= 1 && s.op == WaitOp::QueueGet as u32 && s.timed && !s.blocked);
    let t0 = Instant::now();
    let r = queue_get(q, false, None, SP, &rec);
    assert_eq!(raised(r).0, "queue.Empty");
    assert!(t0.elapsed() < Duration::from_millis(500));
    forget_local(q);
}

#[test]
fn put_on_a_full_queue_raises_full() {
    let _g = serial();
    let (q, _) = new_queue(QueueKind::Queue, 1);
    let rec = Rec::new();
    queue_put(q, &Value::Int(1), true, None, SP, &rec).unwrap();
    assert_eq!(queue_qsize(q, SP).unwrap(), 1);
    assert!(queue_full(q, SP).unwrap());
    let r = queue_put(q, &Value::Int(2), false, None, SP, &rec);
    assert_eq!(raised(r), ("queue.Full".into(), String::new()));
    let t0 = Instant::now();
    let r = queue_put(
        q,
        &Value::Int(2),
        true,
        Some(Duration::from_millis(30)),
        SP,
        &rec,
    );
    assert_eq!(raised(r).0, "queue.Full");
    assert!(t0.elapsed() >= Duration::from_millis(30));
    let s = rec.seen();
    assert!(s.op == WaitOp::QueuePut as u32 && s.timed && !s.blocked);
    let got = queue_get(q, true, None, SP, &rec).unwrap();
    assert!(same(&got, &Value::Int(1)));
    assert!(!queue_full(q, SP).unwrap());
    queue_close(q, SP).unwrap();
    queue_join_thread(q, SP, &rec).unwrap();
    forget_local(q);
}

#[test]
fn qsize_counts_buffered_items_and_empty_only_sees_the_pipe() {
    let _g = serial();
    let (q, sh) = new_queue(QueueKind::Queue, 0);
    assert_eq!(queue_qsize(q, SP).unwrap(), 0);
    assert!(queue_empty(q, SP).unwrap());
    let rec = Rec::new();
    let mut child = fork(move || {
        queue_put(q, &xs(65515), true, None, SP, &rec).unwrap();
        queue_put(q, &xs(10), true, None, SP, &rec).unwrap();
        flush_at_exit(SP, &rec);
        0
    });
    rec.wait_blocked_in(WaitOp::QueueFlush, LONG);
    wait_pending(sh, STUCK_FILL);
    // Two puts, though only part of the first item is in the pipe.
    assert_eq!(queue_qsize(q, SP).unwrap(), 2);
    assert!(!queue_empty(q, SP).unwrap());
    let a = queue_get(q, true, None, SP, &Rec::new()).unwrap();
    let b = queue_get(q, true, None, SP, &Rec::new()).unwrap();
    assert_eq!((str_len(&a), str_len(&b)), (65515, 10));
    assert_eq!(child.exit_within(LONG), Some(0));
    assert_eq!(queue_qsize(q, SP).unwrap(), 0);
    assert!(queue_empty(q, SP).unwrap());
    forget_local(q);
}

#[test]
fn put_and_get_after_close_raise_value_error() {
    let _g = serial();
    let (q, _) = new_queue(QueueKind::Joinable, 0);
    queue_close(q, SP).unwrap();
    let rec = Rec::new();
    let (ty, msg) = raised(queue_put(q, &Value::None, true, None, SP, &rec));
    assert_eq!(ty, "ValueError");
    assert!(
        msg.starts_with("Queue <multiprocessing.queues.JoinableQueue object at 0x7f")
            && msg.ends_with("> is closed"),
        "{msg}"
    );
    assert_eq!(raised(queue_get(q, true, None, SP, &rec)).0, "ValueError");
    forget_local(q);
}

#[test]
fn join_thread_before_close_is_an_assertion_error() {
    let _g = serial();
    let (q, _) = new_queue(QueueKind::Queue, 0);
    let (ty, msg) = raised(queue_join_thread(q, SP, &Rec::new()));
    assert_eq!(ty, "AssertionError");
    assert!(msg.ends_with("> not closed"), "{msg}");
    forget_local(q);
}

#[test]
fn unpicklable_item_raises_at_put_and_frees_its_slot() {
    let _g = serial();
    let (q, _) = new_queue(QueueKind::Queue, 1);
    let lock = Value::Handle(Handle {
        kind: HandleKind::Lock { mp: false },
        id: 3,
    });
    let r = queue_put(q, &lock, true, None, SP, &Rec::new());
    assert_eq!(
        raised(r),
        (
            "TypeError".into(),
            "cannot pickle '_thread.lock' object".into()
        )
    );
    assert_eq!(queue_qsize(q, SP).unwrap(), 0);
    forget_local(q);
}

#[test]
fn joinable_queue_join_waits_for_task_done_in_another_process() {
    let _g = serial();
    let (jq, _) = new_queue(QueueKind::Joinable, 0);
    let (go, _) = new_queue(QueueKind::Queue, 0);
    let rec = Rec::new();
    let r = queue_task_done(jq, SP);
    assert_eq!(
        raised(r),
        (
            "ValueError".into(),
            "task_done() called too many times".into()
        )
    );
    for i in 0..3 {
        queue_put(jq, &Value::Int(i), true, None, SP, &rec).unwrap();
    }
    let mut child = fork(move || {
        let crec = Rec::new();
        for i in 0..3 {
            let v = queue_get(jq, true, None, SP, &crec).unwrap();
            assert!(same(&v, &Value::Int(i)));
        }
        // Finish only once the parent is known to be inside join().
        queue_get(go, true, None, SP, &crec).unwrap();
        for _ in 0..3 {
            queue_task_done(jq, SP).unwrap();
        }
        assert!(queue_task_done(jq, SP).is_err());
        flush_at_exit(SP, &crec);
        0
    });
    let joiner = std::thread::spawn(move || queue_join(jq, SP, &rec).is_ok());
    let seen = rec.wait_blocked_in(WaitOp::QueueJoin, LONG);
    assert_eq!((seen.res, seen.detail), (jq, 3));
    let main_rec = Rec::new();
    queue_put(go, &Value::None, true, None, SP, &main_rec).unwrap();
    assert!(joiner.join().unwrap());
    assert_eq!(child.exit_within(LONG), Some(0));
    for q in [jq, go] {
        queue_close(q, SP).unwrap();
        queue_join_thread(q, SP, &main_rec).unwrap();
        forget_local(q);
    }
}

#[test]
fn simple_queue_is_synchronous_and_close_closes_the_handles() {
    let _g = serial();
    let (q, _) = new_queue(QueueKind::Simple, 0);
    let mut child = fork(move || {
        let rec = Rec::new();
        let v = Value::tuple(vec![Value::str("done"), Value::Float(2.5)]);
        queue_put(q, &v, true, None, SP, &rec).unwrap();
        // No feeder: nothing is left to flush.
        flush_at_exit(SP, &rec);
        0
    });
    assert_eq!(child.exit_within(LONG), Some(0));
    assert!(!queue_empty(q, SP).unwrap());
    let got = queue_get(q, true, None, SP, &Rec::new()).unwrap();
    assert!(same(
        &got,
        &Value::tuple(vec![Value::str("done"), Value::Float(2.5)])
    ));
    assert_eq!(raised(queue_qsize(q, SP)).0, "AttributeError");
    queue_close(q, SP).unwrap();
    let rec = Rec::new();
    assert_eq!(
        raised(queue_get(q, true, None, SP, &rec)),
        ("OSError".into(), "handle is closed".into())
    );
    assert_eq!(
        raised(queue_put(q, &Value::None, true, None, SP, &rec)),
        ("OSError".into(), "handle is closed".into())
    );
    forget_local(q);
}

#[test]
fn an_id_this_process_never_got_raises_the_inheritance_error() {
    let _g = serial();
    let (q, _) = new_queue(QueueKind::Queue, 0);
    let mut child = fork(move || {
        let r = queue_put(q + 100_000, &Value::None, true, None, SP, &Rec::new());
        let (ty, msg) = raised(r);
        i32::from(
            ty == "RuntimeError"
                && msg
                    == "Queue objects should only be shared between processes through inheritance",
        )
    });
    assert_eq!(child.exit_within(LONG), Some(1));
    forget_local(q);
}

/// CPython's `Queue._after_fork`: a forked child starts with the queue open, its join
/// not cancelled, and no feeder of its own, whatever the parent did.
#[test]
fn fork_resets_closed_and_cancelled_flags_in_the_child() {
    let _g = serial();
    let (closed_q, closed_sh) = new_queue(QueueKind::Queue, 0);
    let (cancelled_q, _) = new_queue(QueueKind::Queue, 0);
    let prec = Rec::new();
    // The parent's own feeder for `cancelled_q` has something buffered: it must not be
    // flushed (or waited for) by the child.
    queue_put(cancelled_q, &Value::str("parent's"), true, None, SP, &prec).unwrap();
    queue_close(closed_q, SP).unwrap();
    cancel_join_thread(cancelled_q, SP).unwrap();
    let rec = Rec::new();
    let mut child = fork(move || {
        if queue_put(closed_q, &Value::Int(7), true, None, SP, &rec).is_err() {
            return 2;
        }
        queue_put(cancelled_q, &xs(65515), true, None, SP, &rec).unwrap();
        flush_at_exit(SP, &rec);
        0
    });
    // The child's join is not cancelled: it waits for its big item to be read.
    rec.wait_blocked_in(WaitOp::QueueFlush, LONG);
    // The child's feeders run side by side: the flush wait can show up while the other
    // queue's feeder is still writing its item, so wait for the bytes to land.
    let want = pickle_wire(&Value::Int(7));
    let deadline = std::time::Instant::now() + LONG;
    while closed_sh.pending_bytes() != want && std::time::Instant::now() < deadline {
        std::thread::sleep(std::time::Duration::from_millis(1));
    }
    assert_eq!(closed_sh.pending_bytes(), want);
    let first = queue_get(cancelled_q, true, None, SP, &prec).unwrap();
    let second = queue_get(cancelled_q, true, None, SP, &prec).unwrap();
    let mut lens = [str_len(&first), str_len(&second)];
    lens.sort();
    assert_eq!(lens, [8, 65515]);
    assert_eq!(child.exit_within(LONG), Some(0));
    queue_close(cancelled_q, SP).unwrap();
    forget_local(closed_q);
    forget_local(cancelled_q);
}

/// Bytes a put of `v` writes into the pipe: header + CPython pickle size.
fn pickle_wire(v: &Value) -> u64 {
    4 + interp::engine::channel::pickle_size::pickle_size(v) as u64
}
