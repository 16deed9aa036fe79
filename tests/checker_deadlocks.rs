//! Deadlock detection and classification over hand-built snapshots.

mod checker_support;

use checker_support::*;
use interp::checker::deadlock::{find_deadlock, stuck_actors};
use interp::checker::snapshot::{ActorState, WaitOp};
use interp::core::names::Method;
use interp::core::value::HandleKind;
use interp::plan::ir::ResKind;

/// The verdict as grading sees it: kind name and cycle labels.
fn verdict(s: &Scn) -> Option<(String, Vec<String>)> {
    let snap = s.snapshot();
    let dl = find_deadlock(&snap, &s.facts())?;
    let labels = dl
        .cycle
        .iter()
        .map(|&a| snap.actors[a as usize].label.clone())
        .collect();
    Some((dl.kind.name().to_string(), labels))
}

fn expect(s: &Scn, kind: &str, actors: &[&str]) {
    let want = (
        kind.to_string(),
        actors.iter().map(|a| a.to_string()).collect::<Vec<_>>(),
    );
    assert_eq!(verdict(s), Some(want));
}

#[test]
fn self_deadlock_on_a_nested_lock_with_others_queued_behind() {
    let mut s = Scn::new();
    let t: Vec<_> = (1..=5).map(|i| s.thread(&format!("t{i}"))).collect();
    let l = s.lock("lock", Some(t[0]));
    for &x in &t {
        s.acquire(x, l);
    }
    s.join(MAIN, t[0]);
    expect(&s, "self_deadlock", &["t1"]);
    assert_eq!(stuck_actors(&s.snapshot(), &s.facts()).len(), 6);
}

#[test]
fn lock_cycle_between_threads_main_joining() {
    let mut s = Scn::new();
    let t1 = s.thread("t1");
    let t2 = s.thread("t2");
    let a = s.lock("lock_a", Some(t1));
    let b = s.lock("lock_b", Some(t2));
    s.acquire(t1, b).acquire(t2, a).join(MAIN, t1);
    expect(&s, "lock_cycle", &["t1", "t2"]);
}

#[test]
fn lock_cycle_walk_starts_from_main_when_it_is_in_the_cycle() {
    let mut s = Scn::new();
    let t1 = s.thread("t1");
    let t2 = s.thread("t2");
    let a = s.lock("lock_a", Some(t2));
    let b = s.lock("lock_b", Some(MAIN));
    let c = s.lock("lock_c", Some(t1));
    // t1 → lock_a (t2) → t2 → lock_b (main) → main → lock_c (t1)
    s.acquire(t1, a).acquire(t2, b).acquire(MAIN, c);
    expect(&s, "lock_cycle", &["main", "t1", "t2"]);
}

#[test]
fn lock_cycle_between_processes() {
    let mut s = Scn::new();
    let p1 = s.process("p1");
    let p2 = s.process("p2");
    let a = s.res("lock_a", MP_LOCK);
    let b = s.res("lock_b", MP_LOCK);
    s.r(a).owner = Some(p1);
    s.r(b).owner = Some(p2);
    s.acquire(p1, b).acquire(p2, a).join(MAIN, p1);
    expect(&s, "lock_cycle", &["p1", "p2"]);
}

#[test]
fn lock_cycle_between_a_thread_and_a_process() {
    let mut s = Scn::new();
    let t = s.thread("t");
    let p = s.process("p");
    let a = s.res("lock_a", MP_LOCK);
    let b = s.res("lock_b", MP_LOCK);
    s.r(a).owner = Some(t);
    s.r(b).owner = Some(p);
    s.acquire(t, b).acquire(p, a).join(MAIN, t);
    expect(&s, "lock_cycle", &["t", "p"]);
}

#[test]
fn partial_lock_cycle_is_reported_while_a_third_actor_keeps_running() {
    let mut s = Scn::new();
    let t1 = s.thread("t1");
    let t2 = s.thread("t2");
    let busy = s.thread("busy");
    s.can(busy, &[(ResKind::Event, Method::Set)]);
    let a = s.lock("lock_a", Some(t1));
    let b = s.lock("lock_b", Some(t2));
    s.acquire(t1, b).acquire(t2, a);
    assert_eq!(s.actors[busy as usize].state, ActorState::Running);
    expect(&s, "lock_cycle", &["t1", "t2"]);
}

#[test]
fn a_running_actor_that_may_release_a_lock_keeps_a_lock_cycle_open() {
    // A plain Lock may be released by any thread (Python's Lock has no owner), and the
    // facts say only that t3 may release *some* Lock: the cycle is not proven while t3
    // runs. (Soundness over completeness: the run is reported as a hang at its time limit
    // if t3 never does. Facts per creation site would tell the locks apart.)
    let mut s = Scn::new();
    let t1 = s.thread("t1");
    let t2 = s.thread("t2");
    let t3 = s.thread("t3");
    s.can(t3, &[(ResKind::Lock, Method::Release)]);
    let a = s.lock("lock_a", Some(t1));
    let b = s.lock("lock_b", Some(t2));
    s.acquire(t1, b).acquire(t2, a);
    assert_eq!(verdict(&s), None);
    // Once t3 is stuck too, nothing can release anything.
    let l = s.lock("nested", Some(t3));
    s.acquire(t3, l);
    assert!(verdict(&s).is_some());
}

#[test]
fn another_thread_may_release_a_lock_its_holder_waits_on() {
    // main holds a Lock and acquires it again, while a running thread will release it
    // (allowed in Python): not a self-deadlock.
    let mut s = Scn::new();
    let t = s.thread("t");
    s.can(t, &[(ResKind::Lock, Method::Release)]);
    let l = s.lock("lock", Some(MAIN));
    s.acquire(MAIN, l);
    assert_eq!(verdict(&s), None);
}

#[test]
fn join_before_drain_through_a_queue_feeder() {
    let mut s = Scn::new();
    let p = s.process("p");
    let q = s.res("q", MP_QUEUE);
    s.r(q).limit = 65536;
    s.r(q).pending_bytes = 65536;
    s.can(
        MAIN,
        &[
            (ResKind::MpQueue, Method::Get),
            (ResKind::Process, Method::Join),
        ],
    );
    s.can(p, &[(ResKind::MpQueue, Method::Put)]);
    s.join(MAIN, p)
        .wait_on(p, WaitOp::QueueFlush, q)
        .detail(p, 1_000_013);
    expect(&s, "join_before_drain", &["main", "p"]);
}

#[test]
fn join_before_drain_through_a_duplex_pipe() {
    let mut s = Scn::new();
    let p = s.process("p");
    let c = s.res("child_conn", HandleKind::Connection);
    s.r(c).limit = 212_992;
    s.r(c).pending_bytes = 212_992;
    s.can(MAIN, &[(ResKind::Connection, Method::Recv)]);
    s.can(p, &[(ResKind::Connection, Method::Send)]);
    s.join(MAIN, p).wait_on(p, WaitOp::PipeSend, c);
    expect(&s, "join_before_drain", &["main", "p"]);
}

#[test]
fn mutual_join_of_two_threads() {
    let mut s = Scn::new();
    let t1 = s.thread("t1");
    let t2 = s.thread("t2");
    s.join(t1, t2).join(t2, t1).join(MAIN, t2);
    expect(&s, "mutual_join", &["t1", "t2"]);
}

#[test]
fn join_cycle_of_three_processes() {
    let mut s = Scn::new();
    let a = s.process("a");
    let b = s.process("b");
    let c = s.process("c");
    s.join(b, c).join(c, a).join(a, b);
    expect(&s, "join_cycle", &["a", "b", "c"]);
}

#[test]
fn join_cycle_through_a_lock_the_joiner_holds() {
    let mut s = Scn::new();
    let t = s.thread("t");
    let l = s.lock("lock", Some(MAIN));
    s.join(MAIN, t).acquire(t, l);
    expect(&s, "join_cycle", &["main", "t"]);
}

#[test]
fn join_cycle_through_an_event_only_the_joiner_sets() {
    let mut s = Scn::new();
    let t = s.thread("t");
    let ev = s.res("ev", EVENT);
    s.can(MAIN, &[(ResKind::Event, Method::Set)]);
    s.join(MAIN, t).wait_on(t, WaitOp::EventWait, ev);
    expect(&s, "join_cycle", &["main", "t"]);
}

#[test]
fn futures_waiting_on_each_other() {
    let mut s = Scn::new();
    let w1 = s.thread("w1");
    let w2 = s.thread("w2");
    let a = s.future("a", Some(w1));
    let b = s.future("b", Some(w2));
    s.wait_on(w1, WaitOp::FutureResult, b)
        .wait_on(w2, WaitOp::FutureResult, a)
        .wait_on(MAIN, WaitOp::FutureResult, a);
    expect(&s, "futures_cycle", &["w1", "w2"]);
}

#[test]
fn pool_starvation_with_one_worker_waiting_on_a_queued_task() {
    let mut s = Scn::new();
    let w = s.thread("worker");
    let outer = s.future("outer", Some(w));
    let inner = s.future("inner", None);
    s.wait_on(MAIN, WaitOp::FutureResult, outer)
        .wait_on(w, WaitOp::FutureResult, inner);
    expect(&s, "pool_starvation", &["main", "worker"]);
}

#[test]
fn pipe_full_with_both_ends_sending() {
    let mut s = Scn::new();
    let p1 = s.process("p1");
    let p2 = s.process("p2");
    let a = s.res("a", HandleKind::Connection);
    let b = s.res("b", HandleKind::Connection);
    for r in [a, b] {
        s.r(r).limit = 65536;
        s.r(r).pending_bytes = 65536;
    }
    for p in [p1, p2] {
        s.can(
            p,
            &[
                (ResKind::Connection, Method::Send),
                (ResKind::Connection, Method::Recv),
            ],
        );
    }
    s.wait_on(p1, WaitOp::PipeSend, a)
        .wait_on(p2, WaitOp::PipeSend, b)
        .join(MAIN, p1);
    expect(&s, "pipe_full", &["p1", "p2"]);
}

#[test]
fn no_signaller_for_an_event_nobody_sets() {
    let mut s = Scn::new();
    let t = s.thread("t");
    s.can(t, &[(ResKind::Event, Method::Set)])
        .state(t, ActorState::Exited);
    let ev = s.res("ev", EVENT);
    s.wait_on(MAIN, WaitOp::EventWait, ev);
    expect(&s, "no_signaller", &["main"]);
}

#[test]
fn no_signaller_for_a_condition_behind_a_join() {
    let mut s = Scn::new();
    let t1 = s.thread("t1");
    let t2 = s.thread("t2");
    let c = s.res("cond", COND);
    s.wait_on(t1, WaitOp::CondWait, c)
        .wait_on(t2, WaitOp::CondWait, c)
        .join(MAIN, t1);
    expect(&s, "no_signaller", &["t1", "t2"]);
}

#[test]
fn a_signaller_not_yet_started_keeps_a_wait_open_while_its_starter_runs() {
    // main started w (waiting on cond) and was preempted before starting n, the only
    // notifier: not a deadlock, main will start n.
    let mut s = Scn::new();
    let w = s.thread("w");
    let n = s.thread("n");
    s.can(n, &[(ResKind::Condition, Method::Notify)])
        .state(n, ActorState::New);
    let c = s.res("cond", COND);
    s.wait_on(w, WaitOp::CondWait, c);
    assert_eq!(verdict(&s), None);
    // Once main is stuck too (joining w before starting n), nobody can start n.
    s.join(MAIN, w);
    expect(&s, "no_signaller", &["w"]);
}

#[test]
fn a_signaller_not_created_yet_keeps_a_wait_open_while_its_creator_sleeps() {
    // main sleeps, then creates and starts the thread that sets the event: no slot
    // exists for the setter yet, only main's code says it will exist.
    let mut s = Scn::new();
    let w = s.process("w");
    let ev = s.res("ev", EVENT);
    s.may_start(MAIN, &[(ResKind::Event, Method::Set)]);
    s.wait_on(w, WaitOp::EventWait, ev).block_at(
        MAIN,
        WaitOp::Sleep,
        None,
        None,
        Default::default(),
    );
    assert_eq!(verdict(&s), None);
    // Running rather than sleeping: the same.
    s.state(MAIN, ActorState::Running);
    assert_eq!(verdict(&s), None);
    // Once main itself waits for w, the setter can never be created.
    s.join(MAIN, w);
    expect(&s, "no_signaller", &["w"]);
}

#[test]
fn what_a_joiner_may_start_does_not_make_a_join_cycle() {
    // main started the notifier, which is stuck too: main's own code notifies nothing,
    // so main's join is behind the wait, not part of a cycle.
    let mut s = Scn::new();
    let w = s.thread("w");
    let c = s.res("cond", COND);
    s.may_start(MAIN, &[(ResKind::Condition, Method::Notify)]);
    s.wait_on(w, WaitOp::CondWait, c).join(MAIN, w);
    expect(&s, "no_signaller", &["w"]);
}

#[test]
fn no_signaller_for_a_queue_get_in_a_process() {
    let mut s = Scn::new();
    let p = s.process("p");
    let q = s.res("q", MP_QUEUE);
    s.can(p, &[(ResKind::MpQueue, Method::Get)]);
    s.wait_on(p, WaitOp::QueueGet, q).join(MAIN, p);
    expect(&s, "no_signaller", &["p"]);
}

#[test]
fn no_signaller_for_a_lock_whose_holder_exited() {
    let mut s = Scn::new();
    let t1 = s.thread("t1");
    let t2 = s.thread("t2");
    let l = s.lock("lock", Some(t1));
    s.state(t1, ActorState::Exited)
        .acquire(t2, l)
        .join(MAIN, t2);
    expect(&s, "no_signaller", &["t2"]);
}

#[test]
fn barrier_shortfall_with_two_of_three_parties() {
    let mut s = Scn::new();
    let t1 = s.thread("t1");
    let t2 = s.thread("t2");
    let b = s.res("barrier", BARRIER);
    s.r(b).count = 2;
    s.r(b).limit = 3;
    s.can(MAIN, &[(ResKind::Barrier, Method::Wait)]);
    s.wait_on(t1, WaitOp::BarrierWait, b)
        .wait_on(t2, WaitOp::BarrierWait, b)
        .join(MAIN, t1);
    expect(&s, "barrier_shortfall", &["t1", "t2"]);
}

#[test]
fn queue_join_with_no_consumer_left() {
    let mut s = Scn::new();
    let c = s.thread("consumer");
    s.can(c, &[(ResKind::ThreadQueue, Method::TaskDone)]);
    s.state(c, ActorState::Exited);
    let q = s.res(
        "q",
        HandleKind::ThreadQueue(interp::core::value::ThreadQueueKind::Fifo),
    );
    s.r(q).count = 3;
    s.wait_on(MAIN, WaitOp::QueueJoin, q);
    expect(&s, "queue_join", &["main"]);
}

// ---- No false positives ----------------------------------------------------------

/// Scenarios where every blocked actor can still be freed.
fn live_cases() -> Vec<(&'static str, Scn)> {
    let mut cases = Vec::new();
    let mut case = |name: &'static str, build: &dyn Fn(&mut Scn)| {
        let mut s = Scn::new();
        build(&mut s);
        cases.push((name, s));
    };
    case("timed lock wait breaks an ABBA cycle", &|s| {
        let t1 = s.thread("t1");
        let t2 = s.thread("t2");
        let a = s.lock("a", Some(t1));
        let b = s.lock("b", Some(t2));
        s.acquire(t1, b).timed(t1).acquire(t2, a).join(MAIN, t1);
    });
    case("joining a sleeper", &|s| {
        let t = s.thread("t");
        s.block_at(t, WaitOp::Sleep, None, None, Default::default());
        s.join(MAIN, t);
    });
    case("a running producer may put", &|s| {
        let t = s.thread("producer");
        s.can(t, &[(ResKind::ThreadQueue, Method::Put)]);
        let q = s.res(
            "q",
            HandleKind::ThreadQueue(interp::core::value::ThreadQueueKind::Fifo),
        );
        s.wait_on(MAIN, WaitOp::QueueGet, q);
    });
    case("a producer in a timed wait may put", &|s| {
        let t = s.thread("producer");
        s.can(t, &[(ResKind::MpQueue, Method::PutNowait)]);
        let q = s.res("q", MP_QUEUE);
        let ev = s.res("ev", EVENT);
        s.wait_on(t, WaitOp::EventWait, ev).timed(t);
        s.wait_on(MAIN, WaitOp::QueueGet, q);
    });
    case("the queue already holds items", &|s| {
        let q = s.res("q", MP_QUEUE);
        s.r(q).count = 2;
        s.wait_on(MAIN, WaitOp::QueueGet, q);
    });
    case("an exited holder, another live releaser", &|s| {
        let t1 = s.thread("t1");
        let t2 = s.thread("t2");
        let t3 = s.thread("t3");
        s.can(t3, &[(ResKind::Lock, Method::Release)]);
        let l = s.lock("lock", Some(t1));
        s.state(t1, ActorState::Exited)
            .acquire(t2, l)
            .join(MAIN, t2);
    });
    case("a future whose worker is running", &|s| {
        let w = s.thread("w");
        let f = s.future("f", Some(w));
        s.wait_on(MAIN, WaitOp::FutureResult, f);
    });
    case("a queued future with a running worker", &|s| {
        let _w = s.thread("w");
        let f = s.future("f", None);
        s.wait_on(MAIN, WaitOp::FutureResult, f);
    });
    case("a future already done", &|s| {
        let w = s.thread("w");
        let f = s.future("f", Some(w));
        s.r(f).count = 1;
        s.state(w, ActorState::Exited)
            .wait_on(MAIN, WaitOp::FutureResult, f);
    });
    case("joining a thread not started yet", &|s| {
        let t = s.thread("t");
        s.state(t, ActorState::New).join(MAIN, t);
    });
    case(
        "a new thread a running starter may start to set the event",
        &|s| {
            let t1 = s.thread("t1");
            let t2 = s.thread("setter");
            s.can(t2, &[(ResKind::Event, Method::Set)]);
            s.state(t2, ActorState::New);
            let starter = s.thread("starter");
            s.can(
                starter,
                &[
                    (ResKind::Event, Method::Set),
                    (ResKind::Thread, Method::Start),
                ],
            );
            let ev = s.res("ev", EVENT);
            s.wait_on(t1, WaitOp::EventWait, ev).join(MAIN, t1);
        },
    );
    case("the event is already set", &|s| {
        let ev = s.res("ev", EVENT);
        s.r(ev).count = 1;
        s.wait_on(MAIN, WaitOp::EventWait, ev);
    });
    case("the semaphore has a permit", &|s| {
        let sem = s.res("sem", SEM);
        s.r(sem).count = 1;
        s.wait_on(MAIN, WaitOp::SemAcquire, sem);
    });
    case("the lock was just released", &|s| {
        let t = s.thread("t");
        let l = s.lock("lock", None);
        s.acquire(t, l).join(MAIN, t);
    });
    case("the join target has exited", &|s| {
        let t = s.thread("t");
        s.state(t, ActorState::Exited).join(MAIN, t);
    });
    case("a daemon thread stuck on get while main runs", &|s| {
        let t = s.thread("t");
        s.actor(t).daemon = true;
        let q = s.res("q", MP_QUEUE);
        s.wait_on(t, WaitOp::QueueGet, q);
    });
    case("a daemon process stuck while its parent runs", &|s| {
        let p = s.process("p");
        s.actor(p).daemon = true;
        let ev = s.res("ev", EVENT);
        s.wait_on(p, WaitOp::EventWait, ev);
    });
    case("a child process that main may terminate", &|s| {
        let p = s.process("p");
        s.can(MAIN, &[(ResKind::Process, Method::Terminate)]);
        let ev = s.res("ev", EVENT);
        s.wait_on(p, WaitOp::EventWait, ev);
    });
    case("unknown code may signal anything", &|s| {
        let w = s.thread("worker");
        s.actor(w).func = None;
        let c = s.res("cond", COND);
        let t = s.thread("t");
        s.wait_on(t, WaitOp::CondWait, c).join(MAIN, t);
    });
    case("a put on an untyped receiver may feed any queue", &|s| {
        let t = s.thread("t");
        s.can_any(t, Method::Put);
        let q = s.res("q", MP_QUEUE);
        s.wait_on(MAIN, WaitOp::QueueGet, q);
    });
    case("every party has arrived at the barrier", &|s| {
        let b = s.res("b", BARRIER);
        s.r(b).count = 2;
        s.r(b).limit = 2;
        s.wait_on(MAIN, WaitOp::BarrierWait, b);
    });
    case("a running party may still arrive", &|s| {
        let t = s.thread("t");
        s.can(t, &[(ResKind::Barrier, Method::Wait)]);
        let b = s.res("b", BARRIER);
        s.r(b).count = 1;
        s.r(b).limit = 2;
        s.wait_on(MAIN, WaitOp::BarrierWait, b);
    });
    case("the queue has room", &|s| {
        let q = s.res("q", MP_QUEUE);
        s.r(q).count = 1;
        s.r(q).limit = 2;
        s.wait_on(MAIN, WaitOp::QueuePut, q);
    });
    case("a running reader drains the pipe", &|s| {
        let p = s.process("p");
        let r = s.thread("reader");
        s.can(r, &[(ResKind::MpQueue, Method::Get)]);
        let q = s.res("q", MP_QUEUE);
        s.r(q).limit = 65536;
        s.r(q).pending_bytes = 65536;
        s.wait_on(p, WaitOp::QueueFlush, q).join(MAIN, p);
    });
    case("data is waiting in the pipe", &|s| {
        let c = s.res("conn", HandleKind::Connection);
        s.r(c).pending_bytes = 10;
        s.wait_on(MAIN, WaitOp::PipeRecv, c);
    });
    case("a thread of an exited process", &|s| {
        let p = s.process("p");
        let t = s.thread_in("t", p);
        let ev = s.res("ev", EVENT);
        s.state(p, ActorState::Exited)
            .wait_on(t, WaitOp::EventWait, ev);
    });
    case("an rlock held by a running owner", &|s| {
        let t = s.thread("t");
        let r = s.res("rlock", RLOCK);
        s.r(r).owner = Some(t);
        s.acquire(MAIN, r);
    });
    case("a condition with a running notifier", &|s| {
        let t = s.thread("t");
        s.can(t, &[(ResKind::Condition, Method::NotifyAll)]);
        let c = s.res("cond", COND);
        s.wait_on(MAIN, WaitOp::CondWait, c);
    });
    case("a wait on a resource missing from the snapshot", &|s| {
        s.wait_on(MAIN, WaitOp::SemAcquire, 999);
    });
    case("waiting for input", &|s| {
        s.block_at(MAIN, WaitOp::Input, None, None, Default::default());
    });
    case("a pool join while a worker runs", &|s| {
        let _w = s.thread("w");
        let pool = s.res("pool", HandleKind::Pool { threads: true });
        s.wait_on(MAIN, WaitOp::PoolJoin, pool);
    });
    case("an idle pool worker while main runs", &|s| {
        let w = s.thread("worker");
        let pool = s.res("pool", HandleKind::Executor { processes: false });
        s.wait_on(w, WaitOp::QueueGet, pool);
    });
    case("a blocked actor with no wait record", &|s| {
        let t = s.thread("t");
        s.actor(t).state = ActorState::Blocked;
        s.join(MAIN, t);
    });
    cases
}

#[test]
fn live_scenarios_are_never_called_deadlocked() {
    let cases = live_cases();
    assert!(cases.len() >= 20);
    for (name, s) in &cases {
        let snap = s.snapshot();
        let stuck = stuck_actors(&snap, &s.facts());
        assert!(stuck.is_empty(), "{name}: stuck {stuck:?}");
        assert_eq!(find_deadlock(&snap, &s.facts()), None, "{name}");
    }
}

#[test]
fn removing_the_rescuer_turns_live_cases_into_deadlocks() {
    // The same shapes with their rescuer gone: proves the cases above test the rescue.
    let mut s = Scn::new();
    let t = s.thread("producer");
    s.can(t, &[(ResKind::ThreadQueue, Method::Put)]);
    let q = s.res(
        "q",
        HandleKind::ThreadQueue(interp::core::value::ThreadQueueKind::Fifo),
    );
    s.wait_on(MAIN, WaitOp::QueueGet, q);
    assert!(verdict(&s).is_none());
    s.state(t, ActorState::Exited);
    expect(&s, "no_signaller", &["main"]);

    let mut s = Scn::new();
    let w = s.thread("w");
    let f = s.future("f", Some(w));
    let ev = s.res("ev", EVENT);
    s.wait_on(MAIN, WaitOp::FutureResult, f);
    assert!(verdict(&s).is_none());
    s.wait_on(w, WaitOp::EventWait, ev);
    expect(&s, "no_signaller", &["w"]);
}

// ---- The settle window -----------------------------------------------------------

use interp::checker::detector::Detector;

/// main and t in an ABBA lock cycle.
fn abba() -> Scn {
    let mut s = Scn::new();
    let t = s.thread("t");
    let a = s.lock("a", Some(MAIN));
    let b = s.lock("b", Some(t));
    s.acquire(MAIN, b).acquire(t, a);
    s
}

/// Feeds `abba()` snapshots at the given times, `change` applied before each, and
/// returns the times at which the detector reported.
fn reports(times: &[u64], mut change: impl FnMut(u64, &mut Scn)) -> Vec<u64> {
    let mut d = Detector::new(10);
    let mut out = Vec::new();
    for &t in times {
        let mut s = abba();
        s.at_ms = t;
        change(t, &mut s);
        if let Some(dl) = d.observe(&s.snapshot(), &s.facts()) {
            assert_eq!(dl.kind.name(), "lock_cycle");
            assert_eq!(dl.at_ms, t);
            out.push(t);
        }
    }
    out
}

#[test]
fn a_stable_deadlock_is_reported_once_the_window_has_passed() {
    assert_eq!(reports(&[0, 4, 8, 12, 16], |_, _| {}), vec![12, 16]);
}

#[test]
fn one_snapshot_is_never_enough_however_late() {
    assert_eq!(reports(&[50], |_, _| {}), Vec::<u64>::new());
    assert_eq!(reports(&[50, 51], |_, _| {}), Vec::<u64>::new());
    assert_eq!(reports(&[50, 60], |_, _| {}), vec![60]);
}

#[test]
fn a_deadlock_seen_in_one_snapshot_only_is_not_reported() {
    // At 5 ms main has got lock b: the cycle was a wake-up in flight.
    let got = reports(&[0, 5, 10, 15, 20, 25], |t, s| {
        if t == 5 {
            s.state(MAIN, ActorState::Running);
        }
    });
    assert_eq!(got, vec![20, 25]);
}

#[test]
fn changing_progress_resets_the_window() {
    let got = reports(&[0, 5, 10, 15, 20, 25, 30], |t, s| {
        s.actor(1).progress = t.min(15);
    });
    assert_eq!(got, vec![25, 30]);
}

#[test]
fn a_changed_wait_resets_the_window() {
    let got = reports(&[0, 5, 10, 15, 20], |t, s| {
        if t >= 10 {
            s.detail(1, 1);
        }
    });
    assert_eq!(got, vec![20]);
}

#[test]
fn a_changed_resource_state_resets_the_window() {
    let got = reports(&[0, 5, 10, 15, 20], |t, s| {
        if t >= 10 {
            s.r(100).count = 1;
        }
    });
    assert_eq!(got, vec![20]);
}

#[test]
fn a_live_scenario_is_never_reported_however_long() {
    let mut d = Detector::default();
    for (name, mut s) in live_cases() {
        for t in (0..200).step_by(5) {
            s.at_ms = t;
            assert_eq!(d.observe(&s.snapshot(), &s.facts()), None, "{name}");
        }
    }
}

// ---- Properties over arbitrary snapshots -----------------------------------------

mod properties {
    use super::*;
    use interp::checker::dot::to_dot;
    use interp::checker::snapshot::{Snapshot, Wait};
    use interp::plan::ir::Facts;
    use interp::syntax::span::Span;
    use proptest::prelude::*;
    use proptest::strategy::ValueTree;

    const OPS: &[WaitOp] = &[
        WaitOp::LockAcquire,
        WaitOp::SemAcquire,
        WaitOp::CondWait,
        WaitOp::EventWait,
        WaitOp::BarrierWait,
        WaitOp::QueueGet,
        WaitOp::QueuePut,
        WaitOp::QueueJoin,
        WaitOp::QueueFlush,
        WaitOp::PipeRecv,
        WaitOp::PipeSend,
        WaitOp::Join,
        WaitOp::FutureResult,
        WaitOp::PoolJoin,
        WaitOp::Sleep,
    ];
    const KINDS: &[HandleKind] = &[
        LOCK,
        RLOCK,
        EVENT,
        COND,
        SEM,
        BARRIER,
        MP_QUEUE,
        HandleKind::Connection,
        HandleKind::Future,
    ];
    const SIGNALS: &[(ResKind, Method)] = &[
        (ResKind::Lock, Method::Release),
        (ResKind::Event, Method::Set),
        (ResKind::MpQueue, Method::Put),
        (ResKind::MpQueue, Method::Get),
        (ResKind::Condition, Method::Notify),
        (ResKind::Process, Method::Terminate),
    ];

    type ActorSpec = (bool, u8, u8, usize, u8, u8, bool, u8, bool);
    type ResSpec = (usize, Option<u8>, i64, i64, u64, Option<u8>);

    fn build(actors: &[ActorSpec], resources: &[ResSpec]) -> Scn {
        let mut s = Scn::new();
        for (i, &(thread, parent, ..)) in actors.iter().enumerate() {
            let parent = parent as u32 % (i as u32 + 1);
            let label = format!("a{}", i + 1);
            if thread {
                s.thread_in(&label, parent);
            } else {
                s.process(&label);
            }
        }
        for (i, &(kind, owner, count, limit, pending, link)) in resources.iter().enumerate() {
            let r = s.res(&format!("r{i}"), KINDS[kind % KINDS.len()]);
            let x = s.r(r);
            x.owner = owner.map(u32::from);
            x.count = count;
            x.limit = limit;
            x.pending_bytes = pending;
            x.link = link.map(u32::from);
        }
        let n = s.actors.len() as u32;
        for (i, &(_, _, state, op, res, target, timed, sigs, daemon)) in actors.iter().enumerate() {
            let a = i as u32 + 1;
            s.actor(a).daemon = daemon;
            let chosen: Vec<_> = (0..SIGNALS.len())
                .filter(|b| sigs & (sigs >> 1) & (1 << b) != 0)
                .map(|b| SIGNALS[b])
                .collect();
            s.can(a, &chosen);
            // Mostly blocked, rarely timed, few signals: deadlocks must be common.
            match state % 8 {
                0 => {
                    s.state(a, ActorState::New);
                }
                1 => {
                    s.state(a, ActorState::Exited);
                }
                2 => {}
                _ => {
                    let w = Wait {
                        op: OPS[op % OPS.len()],
                        res: Some(100 + u32::from(res)),
                        target: Some(u32::from(target) % (n + 1)),
                        span: Span::default(),
                        timed: timed && sigs % 5 == 0,
                        detail: 0,
                    };
                    s.actor(a).state = ActorState::Blocked;
                    s.actor(a).wait = Some(w);
                }
            }
        }
        // main waits too, so most snapshots have something blocked.
        s.join(MAIN, 1);
        s
    }

    fn snapshots() -> impl Strategy<Value = Scn> {
        let actor = (
            any::<bool>(),
            any::<u8>(),
            any::<u8>(),
            any::<usize>(),
            0u8..6,
            any::<u8>(),
            any::<bool>(),
            any::<u8>(),
            any::<bool>(),
        );
        let res = (
            any::<usize>(),
            proptest::option::of(0u8..6),
            0i64..3,
            0i64..3,
            0u64..3,
            proptest::option::of(0u8..6),
        );
        (
            proptest::collection::vec(actor, 1..6),
            proptest::collection::vec(res, 0..5),
        )
            .prop_map(|(a, r)| build(&a, &r))
    }

    fn stuck(snap: &Snapshot, facts: &Facts) -> std::collections::BTreeSet<u32> {
        stuck_actors(snap, facts)
    }

    proptest! {
        #[test]
        fn stuck_actors_are_untimed_blocked_and_verdicts_never_panic(s in snapshots()) {
            let (snap, facts) = (s.snapshot(), s.facts());
            let st = stuck(&snap, &facts);
            for a in &st {
                let x = &snap.actors[*a as usize];
                prop_assert_eq!(x.state, ActorState::Blocked);
                let w = x.wait.as_ref().unwrap();
                prop_assert!(!w.timed && w.op != WaitOp::Sleep);
            }
            if let Some(dl) = find_deadlock(&snap, &facts) {
                prop_assert!(!dl.cycle.is_empty());
                prop_assert!(dl.cycle.iter().all(|a| st.contains(a)));
                let prog = interp::plan::ir::Program {
                    source: std::sync::Arc::new(interp::syntax::span::SourceFile::new("x", "")),
                    name: "x".into(),
                    config: Default::default(),
                    globals: Vec::new(),
                    functions: Vec::new(),
                    main: 0,
                    expects: Vec::new(),
                    facts: s.facts(),
                    labels: Vec::new(),
                };
                let sum = interp::checker::explain::summary(&prog, &snap, &dl);
                prop_assert!(sum.explanation.contains("  fix: "));
                let _ = interp::checker::hang::hang_report(&prog, &snap);
            } else {
                prop_assert!(st.is_empty());
            }
            let _ = to_dot(&snap, &st);
        }

        #[test]
        fn another_able_actor_never_adds_to_the_stuck_set(s in snapshots()) {
            let before = stuck(&s.snapshot(), &s.facts());
            let mut more = s;
            let x = more.thread("anyone");
            more.actor(x).func = None;
            let after = stuck(&more.snapshot(), &more.facts());
            prop_assert!(after.is_subset(&before), "{:?} ⊄ {:?}", after, before);
        }

        #[test]
        fn a_timeout_never_adds_to_the_stuck_set(s in snapshots()) {
            let before = stuck(&s.snapshot(), &s.facts());
            let Some(&a) = before.iter().next() else { return Ok(()) };
            let mut more = s;
            more.timed(a);
            let after = stuck(&more.snapshot(), &more.facts());
            prop_assert!(after.is_subset(&before) && !after.contains(&a));
        }
    }

    #[test]
    fn the_generator_makes_deadlocks_too() {
        // Keeps the properties honest: they must see stuck sets, not only live ones.
        let mut runner = proptest::test_runner::TestRunner::deterministic();
        let strategy = snapshots();
        let stuck_ones = (0..200)
            .filter(|_| {
                let s = strategy.new_tree(&mut runner).unwrap().current();
                !stuck(&s.snapshot(), &s.facts()).is_empty()
            })
            .count();
        assert!(
            stuck_ones > 20,
            "only {stuck_ones} of 200 had a stuck actor"
        );
    }
}
