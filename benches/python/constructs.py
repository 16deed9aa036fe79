"""Issue 3, CPython side: the cost of single statements in a loop, one thread.
Prints one line of CPU ns per iteration (process_time, median of 5), in the order of
CONSTRUCTS in benches/engine.rs."""
import threading
import time

v = 0
lock = threading.Lock()
N = 1_000_000


def f_pass(n):
    for _ in range(n):
        pass


def f_local(n):
    w = 0
    for _ in range(n):
        w += 1


def f_glob(n):
    global v
    for _ in range(n):
        v += 1


def f_with(n):
    for _ in range(n):
        with lock:
            pass


def f_withg(n):
    global v
    for _ in range(n):
        with lock:
            v += 1


def f_acq(n):
    for _ in range(n):
        lock.acquire()
        lock.release()


out = []
for f in (f_pass, f_local, f_glob, f_with, f_withg, f_acq):
    ts = []
    for _ in range(5):
        c = time.process_time()
        f(N)
        ts.append(time.process_time() - c)
    ts.sort()
    out.append(f"{ts[2] * 1e9 / N:.1f}")
print(" ".join(out))
