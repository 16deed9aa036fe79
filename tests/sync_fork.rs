//! The arena primitives between forked processes: the same arena object, inherited by a
//! `fork`ed child. The test process is multi-threaded, so a child only runs arena
//! (atomic/futex) code and leaves with `_exit`; it reports through its exit code.

use std::thread;
use std::time::{Duration, Instant};

use interp::checker::snapshot::{ActorId, ActorKind, ActorState, Wait, WaitOp};
use interp::engine::arena::{ActorCtx, Arena, ArenaCaps};
use interp::engine::sync::{
    Barrier, BarrierArrival, Condition, Event, Lock, RLock, Semaphore, SyncError,
};
use interp::syntax::span::Span;

const LONG: Option<Duration> = Some(Duration::from_secs(10));
const SPAN: Span = Span { start: 1, end: 2 };

/// A forked child; killed and reaped on drop if the test fails before `wait`.
struct Child {
    pid: libc::pid_t,
    reaped: bool,
}

impl Child {
    /// Runs `f` in a forked child, which exits with `f`'s result.
    fn spawn(f: impl FnOnce() -> i32) -> Child {
        // SAFETY: in the child, `f` only touches the inherited arena through atomics and
        // futex syscalls (no locks, no allocation), then leaves with `_exit`, which runs
        // no destructors or atexit handlers of the copied, multi-threaded parent state.
        let pid = unsafe { libc::fork() };
        assert!(pid >= 0, "fork failed");
        if pid == 0 {
            let code = f();
            // SAFETY: see above; `_exit` never returns.
            unsafe { libc::_exit(code) }
        }
        Child { pid, reaped: false }
    }

    /// Waits for the child; its exit code (128 + signal if killed).
    fn wait(mut self) -> i32 {
        let mut status = 0;
        // SAFETY: `pid` is our unreaped child; `status` is a valid out-pointer.
        let r = unsafe { libc::waitpid(self.pid, &mut status, 0) };
        assert_eq!(r, self.pid);
        self.reaped = true;
        if libc::WIFEXITED(status) {
            libc::WEXITSTATUS(status)
        } else {
            128 + libc::WTERMSIG(status)
        }
    }
}

impl Drop for Child {
    fn drop(&mut self) {
        if !self.reaped {
            // SAFETY: `pid` is our own unreaped child, so it cannot have been recycled.
            unsafe {
                libc::kill(self.pid, libc::SIGKILL);
                libc::waitpid(self.pid, std::ptr::null_mut(), 0);
            }
        }
    }
}

struct Setup {
    arena: Arena,
    parent: ActorId,
    child: ActorId,
}

fn setup() -> Setup {
    let arena = Arena::new(ArenaCaps {
        actors: 8,
        resources: 16,
        log_bytes: 4096,
        heap_bytes: 4096,
    })
    .unwrap();
    let parent = arena
        .alloc_actor(ActorKind::Process, None, None, "main", "MainProcess")
        .unwrap();
    let child = arena
        .alloc_actor(ActorKind::Process, Some(parent), None, "p", "Process-1")
        .unwrap();
    Setup {
        arena,
        parent,
        child,
    }
}

fn ctx(arena: &Arena, actor: ActorId) -> ActorCtx<'_> {
    ActorCtx { arena, actor }
}

/// Polls (from any process: atomics only) until `actor` is blocked in a wait.
fn await_blocked(a: &Arena, actor: ActorId) -> Option<Wait> {
    let t0 = Instant::now();
    while t0.elapsed() < Duration::from_secs(10) {
        if a.actor(actor).state() == Some(ActorState::Blocked)
            && let Some(w) = a.actor(actor).wait()
        {
            return Some(w);
        }
        thread::yield_now();
    }
    None
}

#[test]
fn lock_held_by_a_child_blocks_the_parent_until_released() {
    let Setup {
        arena: a,
        parent,
        child,
    } = setup();
    let lock = Lock::new(&a, true, "lock").unwrap();
    let held = Event::new(&a, true, "held").unwrap();
    let go = Event::new(&a, true, "go").unwrap();
    let kid = Child::spawn(|| {
        let c = ctx(&a, child);
        if !lock.acquire(&c, true, LONG, SPAN) {
            return 1;
        }
        held.set(&c);
        if !go.wait(&c, LONG, SPAN) {
            return 2;
        }
        if lock.release(&c).is_err() {
            return 3;
        }
        0
    });
    let me = ctx(&a, parent);
    assert!(held.wait(&me, LONG, SPAN));
    assert_eq!(lock.owner(&a), Some(child));
    assert!(!lock.acquire(&me, false, None, SPAN));
    thread::scope(|s| {
        let waiter = s.spawn(|| lock.acquire(&me, true, LONG, Span::new(7, 9)));
        let w = await_blocked(&a, parent).expect("parent blocks on the child's lock");
        assert_eq!((w.op, w.res), (WaitOp::LockAcquire, Some(lock.0)));
        go.set(&ctx(&a, child)); // the parent may set it on anyone's behalf
        assert!(waiter.join().unwrap());
    });
    assert_eq!(kid.wait(), 0);
    assert_eq!(lock.owner(&a), Some(parent));
    lock.release(&me).unwrap();
}

#[test]
fn mp_lock_acquired_in_parent_released_in_child() {
    let Setup {
        arena: a,
        parent,
        child,
    } = setup();
    let lock = Lock::new(&a, true, "lock").unwrap();
    let me = ctx(&a, parent);
    assert!(lock.acquire(&me, true, None, SPAN));
    let kid = Child::spawn(|| match lock.release(&ctx(&a, child)) {
        Ok(()) => 0,
        Err(_) => 1,
    });
    assert_eq!(kid.wait(), 0);
    assert!(!lock.locked(&a));
    assert!(lock.acquire(&me, false, None, SPAN));
}

#[test]
fn child_sets_an_event_the_parent_sleeps_on() {
    let Setup {
        arena: a,
        parent,
        child,
    } = setup();
    let ev = Event::new(&a, true, "ev").unwrap();
    let kid = Child::spawn(|| {
        // Set only once the parent really sleeps: the wake must cross the fork.
        match await_blocked(&a, parent) {
            Some(w) if w.op == WaitOp::EventWait => {
                ev.set(&ctx(&a, child));
                0
            }
            _ => 1,
        }
    });
    assert!(ev.wait(&ctx(&a, parent), LONG, SPAN));
    assert_eq!(kid.wait(), 0);
}

#[test]
fn semaphore_counts_across_processes() {
    let Setup {
        arena: a,
        parent,
        child,
    } = setup();
    let sem = Semaphore::new(&a, true, false, 0, "sem").unwrap();
    let back = Semaphore::new(&a, true, false, 0, "back").unwrap();
    let kid = Child::spawn(|| {
        let c = ctx(&a, child);
        for _ in 0..3 {
            if sem.release(&c, 1).is_err() {
                return 1;
            }
        }
        if !back.acquire(&c, true, LONG, SPAN) {
            return 2;
        }
        0
    });
    let me = ctx(&a, parent);
    for _ in 0..3 {
        assert!(sem.acquire(&me, true, LONG, SPAN));
    }
    assert!(!sem.acquire(&me, false, None, SPAN));
    let w = await_blocked(&a, child).expect("child blocks on back");
    assert_eq!(
        (w.op, w.res, w.timed),
        (WaitOp::SemAcquire, Some(back.0), true)
    );
    back.release(&me, 1).unwrap();
    assert_eq!(kid.wait(), 0);
    assert_eq!((sem.value(&a), back.value(&a)), (0, 0));
}

#[test]
fn rlock_owned_by_a_child_cannot_be_released_by_the_parent() {
    let Setup {
        arena: a,
        parent,
        child,
    } = setup();
    let r = RLock::new(&a, true, "rl").unwrap();
    let held = Event::new(&a, true, "held").unwrap();
    let go = Event::new(&a, true, "go").unwrap();
    let kid = Child::spawn(|| {
        let c = ctx(&a, child);
        if !(r.acquire(&c, true, LONG, SPAN) && r.acquire(&c, true, LONG, SPAN)) {
            return 1;
        }
        held.set(&c);
        if !go.wait(&c, LONG, SPAN) {
            return 2;
        }
        if r.release(&c).is_err() || r.release(&c).is_err() {
            return 3;
        }
        0
    });
    let me = ctx(&a, parent);
    assert!(held.wait(&me, LONG, SPAN));
    assert_eq!((r.owner(&a), r.count(&a)), (Some(child), 2));
    assert_eq!(r.release(&me), Err(SyncError::NotOwner));
    assert!(!r.acquire(&me, false, None, SPAN));
    go.set(&me);
    assert!(r.acquire(&me, true, LONG, SPAN));
    assert_eq!(kid.wait(), 0);
    assert_eq!(r.owner(&a), Some(parent));
}

#[test]
fn condition_notify_crosses_the_fork() {
    let Setup {
        arena: a,
        parent,
        child,
    } = setup();
    let cond = Condition::new(&a, true, "cond", None).unwrap();
    let kid = Child::spawn(|| {
        let c = ctx(&a, child);
        if !cond.acquire(&c, true, LONG, SPAN) {
            return 1;
        }
        match cond.wait(&c, LONG, SPAN) {
            Ok(true) => {}
            _ => return 2,
        }
        if !RLock(cond.lock(&a)).is_owned(&c) || cond.release(&c).is_err() {
            return 3;
        }
        0
    });
    let w = await_blocked(&a, child).expect("child waits on the condition");
    assert_eq!((w.op, w.res), (WaitOp::CondWait, Some(cond.0)));
    let me = ctx(&a, parent);
    assert!(
        cond.acquire(&me, true, LONG, SPAN),
        "wait released the lock"
    );
    assert_eq!(cond.waiters(&a), 1);
    cond.notify(&me, 1).unwrap();
    cond.release(&me).unwrap();
    assert_eq!(kid.wait(), 0);
}

#[test]
fn barrier_across_processes_gives_distinct_indices() {
    let Setup {
        arena: a,
        parent,
        child,
    } = setup();
    let b = Barrier::new(&a, true, "bar", 2, None).unwrap();
    let kid = Child::spawn(|| match b.wait(&ctx(&a, child), LONG, SPAN, false) {
        Ok(BarrierArrival::Passed(i)) => 10 + i as i32,
        _ => 1,
    });
    let mine = match b.wait(&ctx(&a, parent), LONG, SPAN, false).unwrap() {
        BarrierArrival::Passed(i) => i,
        other => panic!("{other:?}"),
    };
    let theirs = i64::from(kid.wait() - 10);
    let mut both = [mine, theirs];
    both.sort();
    assert_eq!(both, [0, 1]);
}

#[test]
fn event_log_and_slots_are_shared_with_children() {
    let Setup {
        arena: a,
        parent,
        child,
    } = setup();
    assert!(a.log().append(parent, 1, b"before\n"));
    let kid = Child::spawn(|| {
        let ok = a.log().append(child, 1, b"from child\n") && a.log().append(child, 2, b"\x01");
        a.mark_exited(child, Some(3));
        if ok { 0 } else { 1 }
    });
    assert_eq!(kid.wait(), 0);
    assert!(a.log().append(parent, 1, b"after\n"));
    assert_eq!(
        a.log().read_all(),
        vec![
            (parent, 1, b"before\n".to_vec()),
            (child, 1, b"from child\n".to_vec()),
            (child, 2, vec![1]),
            (parent, 1, b"after\n".to_vec()),
        ]
    );
    assert_eq!(a.actor(child).state(), Some(ActorState::Exited));
    assert_eq!(a.actor(child).exit_code(), Some(3));
}
