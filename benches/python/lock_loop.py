"""Issue 3, CPython side: 2 threads x N iterations of `with lock: v += 1`.
Prints ns per iteration: wall, then CPU (process_time). Usage: python3 lock_loop.py [N]"""
import sys
import threading
import time

N = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
v = 0
lock = threading.Lock()


def work(n):
    global v
    for _ in range(n):
        with lock:
            v += 1


t0, c0 = time.perf_counter(), time.process_time()
t1 = threading.Thread(target=work, args=(N,))
t2 = threading.Thread(target=work, args=(N,))
t1.start(); t2.start()
t1.join(); t2.join()
dt, dc = time.perf_counter() - t0, time.process_time() - c0
assert v == 2 * N
print(f"{dt * 1e9 / (2 * N):.1f} {dc * 1e9 / (2 * N):.1f}")
