"""Issue 4, CPython side: the 2-process scenario (each adds to a shared Value under its
lock), repeated RUNS times. Prints runs per second (wall). Usage: python3 two_processes.py [RUNS]"""
import multiprocessing as mp
import sys
import time


def job(v, n):
    with v.get_lock():
        v.value += n


def once():
    v = mp.Value('i', 0)
    p1 = mp.Process(target=job, args=(v, 1))
    p2 = mp.Process(target=job, args=(v, 2))
    p1.start(); p2.start()
    p1.join(); p2.join()
    assert v.value == 3


if __name__ == "__main__":
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 300
    mp.set_start_method("fork")
    t0 = time.perf_counter()
    for _ in range(runs):
        once()
    print(f"{runs / (time.perf_counter() - t0):.1f}")
