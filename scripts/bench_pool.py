#!/usr/bin/env python3
"""Python's multiprocessing.Pool on the same two measurements as `benches/pool.rs`:
(a) Pool(2).map(f, range(10000), chunksize=1), microseconds per task (pool already started);
(b) time to start Pool(N) (fork) with a 100,000 x 20 float64 numpy array loaded."""
import multiprocessing as mp
import statistics
import sys
import time

import numpy as np

X = None


def f(x):
    return x * 2


def g(i):
    return float(X[i % X.shape[0], 0])


def round_trip(reps):
    per_task = []
    with mp.Pool(2) as pool:
        pool.map(f, range(100), chunksize=1)
        for _ in range(reps):
            t0 = time.perf_counter()
            out = pool.map(f, range(10000), chunksize=1)
            dt = time.perf_counter() - t0
            assert len(out) == 10000
            per_task.append(dt * 1e6 / 10000)
    return min(per_task), statistics.median(per_task)


def start_time(n, reps):
    """(Pool(n) constructor, constructor + one task answered per worker), in ms."""
    fork_ms, ready_ms = [], []
    for _ in range(reps):
        t0 = time.perf_counter()
        pool = mp.Pool(n)
        fork_ms.append((time.perf_counter() - t0) * 1e3)
        assert len(pool.map(g, range(n), chunksize=1)) == n
        ready_ms.append((time.perf_counter() - t0) * 1e3)
        pool.close()
        pool.join()
        time.sleep(0.02)
    return (min(fork_ms), statistics.median(fork_ms)), (min(ready_ms), statistics.median(ready_ms))


def main():
    global X
    quick = "--quick" in sys.argv
    reps = 3 if quick else 10
    mp.set_start_method("fork")
    X = np.arange(100_000 * 20, dtype=np.float64).reshape(100_000, 20) * 0.5
    best, med = round_trip(reps)
    print(f"python round_trip tasks=10000 workers=2 chunksize=1: best {best:.2f} us/task, median {med:.2f} us/task")
    for n in (2, 16):
        (fb, fm), (rb, rm) = start_time(n, min(reps, 5))
        print(f"python Pool({n}) start matrix=100000x20 f64: fork best {fb:.2f} ms, median {fm:.2f} ms; "
              f"all answered best {rb:.2f} ms, median {rm:.2f} ms")

if __name__ == "__main__":
    main()
