//! Semantics, misuse errors, timeouts and wait records of the arena primitives, between
//! threads of one process. (Forked processes: `sync_fork.rs`; queues: `sync_queue.rs`.)

use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

use interp::checker::snapshot::{ActorId, ActorKind, ActorState, Wait, WaitOp};
use interp::core::names::ExcType;
use interp::engine::arena::{ActorCtx, Arena, ArenaCaps};
use interp::engine::sync::{
    Barrier, BarrierArrival, Condition, Event, Lock, RLock, Semaphore, SyncError,
};
use interp::syntax::span::Span;

const LONG: Option<Duration> = Some(Duration::from_secs(10));
const SPAN: Span = Span { start: 10, end: 24 };

fn arena() -> Arena {
    Arena::new(ArenaCaps {
        actors: 16,
        resources: 32,
        log_bytes: 4096,
        heap_bytes: 4096,
    })
    .unwrap()
}

fn main_actor(a: &Arena) -> ActorId {
    a.alloc_actor(ActorKind::Process, None, None, "main", "MainProcess")
        .unwrap()
}

fn thread_actor(a: &Arena, name: &str) -> ActorId {
    a.alloc_actor(ActorKind::Thread, Some(0), Some(0), name, name)
        .unwrap()
}

fn ctx(arena: &Arena, actor: ActorId) -> ActorCtx<'_> {
    ActorCtx { arena, actor }
}

/// Polls the snapshot until `actor` is blocked, and returns its wait record.
fn blocked_wait(a: &Arena, actor: ActorId) -> Wait {
    let t0 = Instant::now();
    loop {
        let snap = a.snapshot();
        let s = snap.actors.iter().find(|s| s.id == actor).unwrap();
        if s.state == ActorState::Blocked
            && let Some(w) = &s.wait
        {
            return w.clone();
        }
        assert!(
            t0.elapsed() < Duration::from_secs(10),
            "actor {actor} never blocked"
        );
        thread::yield_now();
    }
}

/// `actor` is blocked and stays blocked for a short while.
fn stays_blocked(a: &Arena, actor: ActorId) {
    blocked_wait(a, actor);
    let before = a.actor(actor).progress();
    thread::sleep(Duration::from_millis(30));
    assert_eq!(a.actor(actor).state(), Some(ActorState::Blocked));
    assert_eq!(a.actor(actor).progress(), before);
}

fn py(e: SyncError, mp: bool) -> (ExcType, String) {
    let x = e.to_exception(mp, SPAN);
    assert_eq!(x.span, SPAN);
    (x.ty, x.msg)
}

fn exc(ty: ExcType, msg: &str) -> (ExcType, String) {
    (ty, msg.to_string())
}

// ---------------------------------------------------------------- Lock

#[test]
fn lock_acquire_release_and_misuse() {
    let a = arena();
    let me = ctx(&a, main_actor(&a));
    for mp in [false, true] {
        let l = Lock::new(&a, mp, "lock").unwrap();
        assert!(!l.locked(&a));
        assert!(l.acquire(&me, true, None, SPAN));
        assert!(l.locked(&a));
        assert_eq!(l.owner(&a), Some(me.actor));
        assert!(
            !l.acquire(&me, false, None, SPAN),
            "a Lock is not reentrant"
        );
        l.release(&me).unwrap();
        assert_eq!(l.owner(&a), None);
        let err = l.release(&me).unwrap_err();
        assert_eq!(err, SyncError::ReleaseUnlocked);
        let expected = if mp {
            exc(
                ExcType::ValueError,
                "semaphore or lock released too many times",
            )
        } else {
            exc(ExcType::RuntimeError, "release unlocked lock")
        };
        assert_eq!(py(err, mp), expected);
    }
}

#[test]
fn lock_released_by_another_thread_is_allowed() {
    let a = arena();
    let me = ctx(&a, main_actor(&a));
    let other = thread_actor(&a, "t1");
    let l = Lock::new(&a, false, "lock").unwrap();
    assert!(l.acquire(&me, true, None, SPAN));
    thread::scope(|s| {
        s.spawn(|| l.release(&ctx(&a, other)).unwrap());
    });
    assert!(!l.locked(&a));
}

#[test]
fn lock_timeout_returns_false_after_the_timeout() {
    let a = arena();
    let me = ctx(&a, main_actor(&a));
    let l = Lock::new(&a, false, "lock").unwrap();
    assert!(l.acquire(&me, true, None, SPAN));
    let t0 = Instant::now();
    assert!(!l.acquire(&me, true, Some(Duration::from_millis(40)), SPAN));
    assert!(t0.elapsed() >= Duration::from_millis(40));
    // The timed-out wait left no record behind.
    assert_eq!(a.actor(me.actor).wait(), None);
    assert_eq!(a.actor(me.actor).state(), Some(ActorState::Running));
}

#[test]
fn blocked_lock_acquire_is_visible_in_the_snapshot() {
    let a = arena();
    let me = ctx(&a, main_actor(&a));
    let t1 = thread_actor(&a, "t1");
    let l = Lock::new(&a, false, "lock_a").unwrap();
    assert!(l.acquire(&me, true, None, SPAN));
    thread::scope(|s| {
        let h = s.spawn(|| l.acquire(&ctx(&a, t1), true, None, Span::new(40, 52)));
        let w = blocked_wait(&a, t1);
        assert_eq!(w.op, WaitOp::LockAcquire);
        assert_eq!(w.res, Some(l.0));
        assert_eq!(w.span, Span::new(40, 52));
        assert!(!w.timed);
        let snap = a.snapshot();
        let res = snap.resources.iter().find(|r| r.id == l.0).unwrap();
        assert_eq!(res.label, "lock_a");
        assert_eq!(res.owner, Some(me.actor));
        assert_eq!(res.count, 1);
        l.release(&me).unwrap();
        assert!(h.join().unwrap());
    });
    assert_eq!(l.owner(&a), Some(t1));
    assert_eq!(a.actor(t1).wait(), None);
    assert_eq!(a.actor(t1).state(), Some(ActorState::Running));
}

#[test]
fn lock_counts_under_contention() {
    let a = arena();
    let me = ctx(&a, main_actor(&a));
    let l = Lock::new(&a, false, "lock").unwrap();
    let counter = std::sync::atomic::AtomicU64::new(0);
    let ids: Vec<ActorId> = (0..4).map(|i| thread_actor(&a, &format!("t{i}"))).collect();
    thread::scope(|s| {
        for &id in &ids {
            let (a, l, counter) = (&a, l, &counter);
            s.spawn(move || {
                let c = ctx(a, id);
                for _ in 0..2000 {
                    assert!(l.acquire(&c, true, None, SPAN));
                    // A non-atomic read-modify-write: lost updates if exclusion failed.
                    let v = counter.load(std::sync::atomic::Ordering::Relaxed);
                    counter.store(v + 1, std::sync::atomic::Ordering::Relaxed);
                    l.release(&c).unwrap();
                }
            });
        }
    });
    assert_eq!(counter.into_inner(), 8000);
    assert!(!l.locked(me.arena));
}

// ---------------------------------------------------------------- RLock

#[test]
fn rlock_is_reentrant_and_owned() {
    let a = arena();
    let me = ctx(&a, main_actor(&a));
    let other = thread_actor(&a, "t1");
    for mp in [false, true] {
        let r = RLock::new(&a, mp, "rlock").unwrap();
        assert!(r.acquire(&me, true, None, SPAN));
        assert!(r.acquire(&me, false, None, SPAN));
        assert_eq!(r.count(&a), 2);
        assert_eq!(a.snapshot().resources.last().unwrap().count, 2);
        let err = thread::scope(|s| s.spawn(|| r.release(&ctx(&a, other))).join().unwrap());
        let expected = if mp {
            exc(
                ExcType::AssertionError,
                "attempt to release recursive lock not owned by thread",
            )
        } else {
            exc(ExcType::RuntimeError, "cannot release un-acquired lock")
        };
        assert_eq!(py(err.unwrap_err(), mp), expected);
        // Another thread cannot take it meanwhile.
        let got = thread::scope(|s| {
            s.spawn(|| r.acquire(&ctx(&a, other), false, None, SPAN))
                .join()
                .unwrap()
        });
        assert!(!got);
        r.release(&me).unwrap();
        assert_eq!(r.owner(&a), Some(me.actor));
        r.release(&me).unwrap();
        assert_eq!(r.owner(&a), None);
        assert_eq!(r.release(&me), Err(SyncError::NotOwner));
    }
}

#[test]
fn rlock_release_save_and_restore() {
    let a = arena();
    let me = ctx(&a, main_actor(&a));
    let r = RLock::new(&a, false, "rlock").unwrap();
    assert_eq!(r.release_save(&me), Err(SyncError::NotOwner));
    for _ in 0..3 {
        assert!(r.acquire(&me, true, None, SPAN));
    }
    assert_eq!(r.release_save(&me), Ok(3));
    assert_eq!(r.owner(&a), None);
    r.acquire_restore(&me, 3, SPAN);
    assert_eq!(r.count(&a), 3);
    assert!(r.is_owned(&me));
}

// ---------------------------------------------------------------- Condition

#[test]
fn condition_misuse_errors() {
    let a = arena();
    let me = ctx(&a, main_actor(&a));
    for mp in [false, true] {
        let c = Condition::new(&a, mp, "cond", None).unwrap();
        let w = c.wait(&me, None, SPAN).unwrap_err();
        let n = c.notify(&me, 1).unwrap_err();
        let na = c.notify_all(&me).unwrap_err();
        assert_eq!(na, n);
        if mp {
            assert_eq!(
                py(w, mp),
                exc(
                    ExcType::AssertionError,
                    "must acquire() condition before using wait()"
                )
            );
            assert_eq!(py(n, mp), exc(ExcType::AssertionError, "lock is not owned"));
        } else {
            assert_eq!(
                py(w, mp),
                exc(ExcType::RuntimeError, "cannot wait on un-acquired lock")
            );
            assert_eq!(
                py(n, mp),
                exc(ExcType::RuntimeError, "cannot notify on un-acquired lock")
            );
        }
    }
}

#[test]
fn condition_wait_times_out_and_restores_a_nested_rlock() {
    let a = arena();
    let me = ctx(&a, main_actor(&a));
    let c = Condition::new(&a, false, "cond", None).unwrap();
    let lock = RLock(c.lock(&a));
    assert!(c.acquire(&me, true, None, SPAN));
    assert!(c.acquire(&me, true, None, SPAN));
    let t0 = Instant::now();
    assert_eq!(
        c.wait(&me, Some(Duration::from_millis(40)), SPAN),
        Ok(false)
    );
    assert!(t0.elapsed() >= Duration::from_millis(40));
    assert_eq!(lock.count(&a), 2);
    assert!(lock.is_owned(&me));
    assert_eq!(c.waiters(&a), 0);
    c.release(&me).unwrap();
    c.release(&me).unwrap();
}

#[test]
fn condition_notify_wakes_waiters_in_order_and_releases_the_lock_meanwhile() {
    let a = arena();
    let me = ctx(&a, main_actor(&a));
    let c = Condition::new(&a, false, "cond", None).unwrap();
    let ids: Vec<ActorId> = (0..3).map(|i| thread_actor(&a, &format!("w{i}"))).collect();
    let (tx, rx) = mpsc::channel();
    thread::scope(|s| {
        for (i, &id) in ids.iter().enumerate() {
            let (a, tx) = (&a, tx.clone());
            s.spawn(move || {
                let w = ctx(a, id);
                assert!(c.acquire(&w, true, None, SPAN));
                // Nested: wait must release both levels, and restore both.
                assert!(c.acquire(&w, true, None, SPAN));
                let r = c.wait(&w, None, SPAN).unwrap();
                assert_eq!(RLock(c.lock(a)).count(a), 2);
                tx.send(i).unwrap();
                c.release(&w).unwrap();
                c.release(&w).unwrap();
                assert!(r);
            });
            // Start the next waiter only once this one waits: FIFO order is then known.
            let w = blocked_wait(a, id);
            assert_eq!((w.op, w.res), (WaitOp::CondWait, Some(c.0)));
        }
        assert_eq!(c.waiters(&a), 3);
        assert!(c.acquire(&me, true, None, SPAN));
        c.notify(&me, 1).unwrap();
        c.release(&me).unwrap();
        assert_eq!(rx.recv().unwrap(), 0);
        stays_blocked(&a, ids[1]);
        stays_blocked(&a, ids[2]);
        assert!(rx.try_recv().is_err());
        assert!(c.acquire(&me, true, None, SPAN));
        c.notify_all(&me).unwrap();
        c.release(&me).unwrap();
        let mut rest = vec![rx.recv().unwrap(), rx.recv().unwrap()];
        rest.sort();
        assert_eq!(rest, vec![1, 2]);
    });
    assert_eq!(c.waiters(&a), 0);
}

#[test]
fn condition_over_a_plain_lock_and_notify_with_nobody_waiting() {
    let a = arena();
    let me = ctx(&a, main_actor(&a));
    let l = Lock::new(&a, false, "l").unwrap();
    let c = Condition::new(&a, false, "cond", Some(l.0)).unwrap();
    assert_eq!(c.lock(&a), l.0);
    assert!(c.acquire(&me, true, None, SPAN));
    assert!(
        !l.acquire(&me, false, None, SPAN),
        "Condition(Lock()) is not reentrant"
    );
    c.notify(&me, 5).unwrap();
    assert_eq!(c.wait(&me, Some(Duration::ZERO), SPAN), Ok(false));
    assert!(l.locked(&a));
    c.release(&me).unwrap();
    assert_eq!(a.snapshot().resources[1].link, Some(l.0));
}

#[test]
fn timed_out_waiter_does_not_swallow_a_notify() {
    let a = arena();
    let me = ctx(&a, main_actor(&a));
    let (t1, t2) = (thread_actor(&a, "t1"), thread_actor(&a, "t2"));
    let c = Condition::new(&a, false, "cond", None).unwrap();
    thread::scope(|s| {
        let short = s.spawn(|| {
            let w = ctx(&a, t1);
            assert!(c.acquire(&w, true, None, SPAN));
            let r = c.wait(&w, Some(Duration::from_millis(20)), SPAN).unwrap();
            c.release(&w).unwrap();
            r
        });
        blocked_wait(&a, t1);
        let long = s.spawn(|| {
            let w = ctx(&a, t2);
            assert!(c.acquire(&w, true, None, SPAN));
            let r = c.wait(&w, LONG, SPAN).unwrap();
            c.release(&w).unwrap();
            r
        });
        blocked_wait(&a, t2);
        assert!(!short.join().unwrap());
        // t1 left the list when it timed out: this notify goes to t2.
        assert!(c.acquire(&me, true, None, SPAN));
        c.notify(&me, 1).unwrap();
        c.release(&me).unwrap();
        assert!(long.join().unwrap());
    });
}

// ---------------------------------------------------------------- Semaphore

#[test]
fn semaphore_counts_and_errors() {
    let a = arena();
    let me = ctx(&a, main_actor(&a));
    assert_eq!(
        py(
            Semaphore::new(&a, false, false, -1, "s").unwrap_err(),
            false
        ),
        exc(ExcType::ValueError, "semaphore initial value must be >= 0")
    );
    assert_eq!(
        py(Semaphore::new(&a, true, false, -1, "s").unwrap_err(), true),
        exc(ExcType::OSError, "[Errno 22] Invalid argument")
    );
    let s = Semaphore::new(&a, false, false, 2, "s").unwrap();
    assert!(s.acquire(&me, false, None, SPAN));
    assert!(s.acquire(&me, false, None, SPAN));
    assert!(!s.acquire(&me, false, None, SPAN));
    assert_eq!(
        py(s.release(&me, 0).unwrap_err(), false),
        exc(ExcType::ValueError, "n must be one or more")
    );
    // Unbounded: over-release just grows the value.
    s.release(&me, 4).unwrap();
    assert_eq!(s.value(&a), 4);
    assert_eq!(a.snapshot().resources.last().unwrap().count, 4);

    for mp in [false, true] {
        let b = Semaphore::new(&a, mp, true, 1, "b").unwrap();
        assert_eq!(
            a.res(b.0).limit.load(std::sync::atomic::Ordering::Relaxed),
            1
        );
        assert!(b.acquire(&me, true, None, SPAN));
        let err = b.release(&me, 2).unwrap_err();
        assert_eq!(b.value(&a), 0, "a refused release changes nothing");
        b.release(&me, 1).unwrap();
        assert_eq!(err, b.release(&me, 1).unwrap_err());
        let expected = if mp {
            exc(
                ExcType::ValueError,
                "semaphore or lock released too many times",
            )
        } else {
            exc(ExcType::ValueError, "Semaphore released too many times")
        };
        assert_eq!(py(err, mp), expected);
    }
}

#[test]
fn semaphore_timeout_and_blocked_wait_record() {
    let a = arena();
    let me = ctx(&a, main_actor(&a));
    let t1 = thread_actor(&a, "t1");
    let s = Semaphore::new(&a, false, false, 0, "sem").unwrap();
    let t0 = Instant::now();
    assert!(!s.acquire(&me, true, Some(Duration::from_millis(40)), SPAN));
    assert!(t0.elapsed() >= Duration::from_millis(40));
    thread::scope(|sc| {
        let h = sc.spawn(|| s.acquire(&ctx(&a, t1), true, LONG, SPAN));
        let w = blocked_wait(&a, t1);
        assert_eq!(
            (w.op, w.res, w.timed),
            (WaitOp::SemAcquire, Some(s.0), true)
        );
        s.release(&me, 1).unwrap();
        assert!(h.join().unwrap());
    });
    assert_eq!(s.value(&a), 0);
}

#[test]
fn semaphore_release_n_wakes_n_sleepers() {
    let a = arena();
    let me = ctx(&a, main_actor(&a));
    let ids: Vec<ActorId> = (0..3).map(|i| thread_actor(&a, &format!("t{i}"))).collect();
    let s = Semaphore::new(&a, false, false, 0, "sem").unwrap();
    let (tx, rx) = mpsc::channel();
    thread::scope(|sc| {
        for &id in &ids {
            let (a, tx) = (&a, tx.clone());
            sc.spawn(move || {
                assert!(s.acquire(&ctx(a, id), true, None, SPAN));
                tx.send(id).unwrap();
            });
            blocked_wait(a, id);
        }
        s.release(&me, 2).unwrap();
        rx.recv().unwrap();
        rx.recv().unwrap();
        let last = ids
            .iter()
            .copied()
            .find(|&id| a.actor(id).state() == Some(ActorState::Blocked))
            .expect("exactly one sleeper is left");
        stays_blocked(&a, last);
        s.release(&me, 1).unwrap();
        assert_eq!(rx.recv().unwrap(), last);
    });
}

// ---------------------------------------------------------------- Event

#[test]
fn event_set_clear_wait() {
    let a = arena();
    let me = ctx(&a, main_actor(&a));
    let t1 = thread_actor(&a, "t1");
    let e = Event::new(&a, false, "ev").unwrap();
    assert!(!e.is_set(&a));
    let t0 = Instant::now();
    assert!(!e.wait(&me, Some(Duration::from_millis(40)), SPAN));
    assert!(t0.elapsed() >= Duration::from_millis(40));
    thread::scope(|s| {
        let h = s.spawn(|| e.wait(&ctx(&a, t1), None, SPAN));
        let w = blocked_wait(&a, t1);
        assert_eq!(
            (w.op, w.res, w.timed),
            (WaitOp::EventWait, Some(e.0), false)
        );
        assert_eq!(a.snapshot().resources[0].count, 0);
        e.set(&me);
        assert!(h.join().unwrap());
    });
    assert!(e.is_set(&a));
    assert_eq!(a.snapshot().resources[0].count, 1);
    assert!(e.wait(&me, None, SPAN));
    e.clear(&me);
    assert!(!e.is_set(&a));
}

#[test]
fn event_pulse_wakes_every_waiter() {
    let a = arena();
    let me = ctx(&a, main_actor(&a));
    let ids: Vec<ActorId> = (0..2).map(|i| thread_actor(&a, &format!("t{i}"))).collect();
    let e = Event::new(&a, false, "ev").unwrap();
    thread::scope(|s| {
        let hs: Vec<_> = ids
            .iter()
            .map(|&id| {
                let a = &a;
                let h = s.spawn(move || e.wait(&ctx(a, id), LONG, SPAN));
                blocked_wait(a, id);
                h
            })
            .collect();
        // set then clear at once: CPython's waiters still return True.
        e.set(&me);
        e.clear(&me);
        for h in hs {
            assert!(h.join().unwrap());
        }
    });
}

// ---------------------------------------------------------------- Barrier

#[test]
fn barrier_indices_and_action() {
    let a = arena();
    let ids: Vec<ActorId> = (0..3).map(|i| thread_actor(&a, &format!("t{i}"))).collect();
    let b = Barrier::new(&a, false, "bar", 3, None).unwrap();
    assert_eq!(b.parties(&a), 3);
    let (tx, rx) = mpsc::channel();
    thread::scope(|s| {
        for (i, &id) in ids.iter().enumerate() {
            let (a, tx) = (&a, tx.clone());
            s.spawn(move || {
                let c = ctx(a, id);
                match b.wait(&c, None, SPAN, true).unwrap() {
                    BarrierArrival::RunAction(index) => {
                        // Nobody passes while the action runs.
                        assert_eq!(b.n_waiting(a), 3);
                        tx.send(("action", index)).unwrap();
                        b.action_done(&c, true);
                        tx.send(("passed", index)).unwrap();
                    }
                    BarrierArrival::Passed(index) => tx.send(("passed", index)).unwrap(),
                }
            });
            if i < 2 {
                let w = blocked_wait(a, id);
                assert_eq!((w.op, w.res), (WaitOp::BarrierWait, Some(b.0)));
                assert_eq!(b.n_waiting(a), i as i64 + 1);
            }
        }
    });
    let got: Vec<(&str, i64)> = rx.try_iter().collect();
    assert_eq!(
        got[0],
        ("action", 2),
        "the last arrival runs the action first"
    );
    let mut passed: Vec<i64> = got[1..].iter().map(|g| g.1).collect();
    passed.sort();
    assert_eq!(passed, vec![0, 1, 2]);
    assert_eq!(b.n_waiting(&a), 0);
    assert!(!b.broken(&a));
    // Reusable: a second round works.
    thread::scope(|s| {
        let hs: Vec<_> = ids
            .iter()
            .map(|&id| {
                let a = &a;
                s.spawn(move || b.wait(&ctx(a, id), LONG, SPAN, false).unwrap())
            })
            .collect();
        let mut idx: Vec<i64> = hs
            .into_iter()
            .map(|h| match h.join().unwrap() {
                BarrierArrival::Passed(i) => i,
                other => panic!("{other:?}"),
            })
            .collect();
        idx.sort();
        assert_eq!(idx, vec![0, 1, 2]);
    });
}

#[test]
fn barrier_timeout_breaks_it_until_reset() {
    let a = arena();
    let me = ctx(&a, main_actor(&a));
    let b = Barrier::new(&a, false, "bar", 2, None).unwrap();
    let t0 = Instant::now();
    let err = b
        .wait(&me, Some(Duration::from_millis(40)), SPAN, false)
        .unwrap_err();
    assert!(t0.elapsed() >= Duration::from_millis(40));
    assert_eq!(py(err, false), exc(ExcType::BrokenBarrierError, ""));
    assert!(b.broken(&a));
    assert_eq!(
        b.wait(&me, LONG, SPAN, false),
        Err(SyncError::BrokenBarrier)
    );
    b.reset(&me);
    assert!(!b.broken(&a));
    // The default timeout given at creation applies when wait() has none.
    let d = Barrier::new(&a, true, "bar2", 2, Some(Duration::from_millis(20))).unwrap();
    assert_eq!(
        d.wait(&me, None, SPAN, false),
        Err(SyncError::BrokenBarrier)
    );
    // Barrier(0) is accepted and can only break.
    let z = Barrier::new(&a, false, "z", 0, None).unwrap();
    assert_eq!(
        z.wait(&me, Some(Duration::from_millis(1)), SPAN, false),
        Err(SyncError::BrokenBarrier)
    );
}

#[test]
fn barrier_abort_reset_and_failed_action_break_waiters() {
    let a = arena();
    let me = ctx(&a, main_actor(&a));
    let (t1, t2) = (thread_actor(&a, "t1"), thread_actor(&a, "t2"));
    let b = Barrier::new(&a, false, "bar", 3, None).unwrap();
    for how in ["abort", "reset"] {
        thread::scope(|s| {
            let h1 = s.spawn(|| b.wait(&ctx(&a, t1), None, SPAN, false));
            blocked_wait(&a, t1);
            let h2 = s.spawn(|| b.wait(&ctx(&a, t2), None, SPAN, false));
            blocked_wait(&a, t2);
            if how == "abort" {
                b.abort(&me);
            } else {
                b.reset(&me);
            }
            assert_eq!(h1.join().unwrap(), Err(SyncError::BrokenBarrier));
            assert_eq!(h2.join().unwrap(), Err(SyncError::BrokenBarrier));
        });
        assert_eq!(b.broken(&a), how == "abort", "{how}");
        b.reset(&me);
    }
    // An action that raised breaks the barrier for the others.
    let one = Barrier::new(&a, false, "one", 2, None).unwrap();
    thread::scope(|s| {
        let h = s.spawn(|| one.wait(&ctx(&a, t1), None, SPAN, true));
        blocked_wait(&a, t1);
        assert_eq!(
            one.wait(&me, None, SPAN, true),
            Ok(BarrierArrival::RunAction(1))
        );
        one.action_done(&me, false);
        assert_eq!(h.join().unwrap(), Err(SyncError::BrokenBarrier));
    });
    assert!(one.broken(&a));
}
