//! Arena primitives against `std::sync::Mutex`: uncontended acquire+release, and two
//! threads doing `lock; counter += 1; unlock`. Run with `cargo bench --bench sync`.

use std::hint::black_box;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::thread;
use std::time::Instant;

use interp::checker::snapshot::ActorKind;
use interp::engine::arena::{ActorCtx, Arena, ArenaCaps};
use interp::engine::sync::{Lock, Semaphore};
use interp::syntax::span::Span;

const UNCONTENDED: u64 = 2_000_000;
const PER_THREAD: u64 = 500_000;
const RUNS: usize = 5;

/// Median of `RUNS` runs of `f`, in ns per operation.
fn median_ns(ops: u64, mut f: impl FnMut()) -> f64 {
    let mut v: Vec<f64> = (0..RUNS)
        .map(|_| {
            let t0 = Instant::now();
            f();
            t0.elapsed().as_nanos() as f64 / ops as f64
        })
        .collect();
    v.sort_by(f64::total_cmp);
    v[RUNS / 2]
}

fn main() {
    let arena = Arena::new(ArenaCaps::default()).expect("map arena");
    let main = arena
        .alloc_actor(ActorKind::Process, None, None, "main", "MainProcess")
        .unwrap();
    let t1 = arena
        .alloc_actor(ActorKind::Thread, Some(main), Some(main), "t1", "Thread-1")
        .unwrap();
    let span = Span::default();
    let lock = Lock::new(&arena, false, "lock").unwrap();
    let sem = Semaphore::new(&arena, false, false, 1, "sem").unwrap();
    let me = ActorCtx {
        arena: &arena,
        actor: main,
    };

    let arena_lock = median_ns(UNCONTENDED, || {
        for _ in 0..UNCONTENDED {
            lock.acquire(&me, true, None, span);
            lock.release(&me).unwrap();
        }
    });
    let arena_sem = median_ns(UNCONTENDED, || {
        for _ in 0..UNCONTENDED {
            sem.acquire(&me, true, None, span);
            sem.release(&me, 1).unwrap();
        }
    });
    let std_mutex = Mutex::new(0u64);
    let std_lock = median_ns(UNCONTENDED, || {
        for _ in 0..UNCONTENDED {
            *black_box(&std_mutex).lock().unwrap() += 1;
        }
    });
    println!(
        "uncontended acquire+release: arena Lock {arena_lock:.1} ns, arena Semaphore {arena_sem:.1} ns, std Mutex {std_lock:.1} ns"
    );

    let counter = AtomicU64::new(0);
    let arena_2t = median_ns(2 * PER_THREAD, || {
        thread::scope(|s| {
            for actor in [main, t1] {
                let (arena, counter) = (&arena, &counter);
                s.spawn(move || {
                    let c = ActorCtx { arena, actor };
                    for _ in 0..PER_THREAD {
                        lock.acquire(&c, true, None, span);
                        // Plain read-modify-write: the lock provides the exclusion.
                        let v = counter.load(Ordering::Relaxed);
                        counter.store(v + 1, Ordering::Relaxed);
                        lock.release(&c).unwrap();
                    }
                });
            }
        });
    });
    assert_eq!(
        counter.load(Ordering::Relaxed),
        RUNS as u64 * 2 * PER_THREAD
    );
    let std_2t = median_ns(2 * PER_THREAD, || {
        thread::scope(|s| {
            for _ in 0..2 {
                s.spawn(|| {
                    for _ in 0..PER_THREAD {
                        *std_mutex.lock().unwrap() += 1;
                    }
                });
            }
        });
    });
    println!(
        "2 threads, lock; counter += 1; unlock: arena Lock {arena_2t:.1} ns/iter, std Mutex {std_2t:.1} ns/iter"
    );
}
