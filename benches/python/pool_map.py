"""Issue 6, CPython side: `map` of a trivial function over 10,000 items on 4 workers,
with multiprocessing.Pool, multiprocessing.pool.ThreadPool and ThreadPoolExecutor.
Times the pool's creation and the map (not close/join/shutdown), as benches/pool.rs does
inside its scenario. Prints one line per pool, then the median tasks/s of each (Pool,
ThreadPool, ThreadPoolExecutor) on the last line. Usage: python3 pool_map.py [REPS]"""
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from multiprocessing import Pool
from multiprocessing.pool import ThreadPool

N = 10_000
REPS = int(sys.argv[1]) if len(sys.argv) > 1 else 5


def f(x):
    return x + 1


def timed_pool(ctor):
    t0 = time.perf_counter()
    p = ctor(4)
    out = p.map(f, range(N))
    t = time.perf_counter() - t0
    p.close()
    p.join()
    assert len(out) == N and out[-1] == N
    return t


def timed_executor():
    t0 = time.perf_counter()
    ex = ThreadPoolExecutor(4)
    out = list(ex.map(f, range(N)))
    t = time.perf_counter() - t0
    ex.shutdown()
    assert len(out) == N and out[-1] == N
    return t


def median(fn):
    ts = sorted(fn() for _ in range(REPS))
    return ts[len(ts) // 2]


if __name__ == "__main__":
    rates = []
    for name, fn in [
        ("Pool(4).map", lambda: timed_pool(Pool)),
        ("ThreadPool(4).map", lambda: timed_pool(ThreadPool)),
        ("ThreadPoolExecutor(4).map", timed_executor),
    ]:
        t = median(fn)
        rates.append(N / t)
        print(f"{name:<26} {N / t:>10.0f} tasks/s  (median {t * 1e3:.1f} ms of {REPS})")
    print(" ".join(f"{r:.0f}" for r in rates))
