#!/usr/bin/env python3
"""CPython's process pools, measured the way ProcessOverhead and ProcessChaos measure simul's (issue 5).

Usage: python3 simul-bench/scripts/python-pool.py overhead [warm-up rounds (5)] [rounds (10)]
       python3 simul-bench/scripts/python-pool.py startup [pools (10)]
       python3 simul-bench/scripts/python-pool.py cpu [runs (1)]
       python3 simul-bench/scripts/python-pool.py chaos [tasks (10000)]

overhead: pool.map(inc, range(10000), chunksize) on 2 workers, one pool per kind created before the rounds; each
  round's wall time divided by 10,000, in microseconds; medians of the measured rounds, for chunksize 1 and 100.
  Kinds: concurrent.futures.ProcessPoolExecutor with the fork and the spawn start methods, and
  multiprocessing.Pool (fork, the default on Linux up to 3.13). Every result is checked.
startup: a fresh ProcessPoolExecutor(2, spawn) (and, for comparison, fork) per pool: from its creation to the
  result of one trivial submit(); shutting down is not timed. With spawn, CPython starts workers on demand (one per
  submit that finds no idle worker), so "spawn x2" also submits a second task, to start both, and takes the first
  result.
cpu: seed 004's cpu_bound(9): 4 tasks each counting to 9**9, sequential and on a ProcessPoolExecutor(2) (fork),
  pool start included, as the lab times simul's modes.
chaos: what the two pools do when one worker is SIGKILLed every 100 ms while ~1 ms tasks run (fork): every
  outcome is collected. ProcessPoolExecutor (its pids from the private _processes) breaks as a whole;
  multiprocessing.Pool (pids from the private _pool) replaces the worker, and the task it ran never returns, so
  the wait ends when no result has come for 10 s. A worker killed while it holds the task queue's lock can leave
  the whole Pool stuck (no result ever again), and then Pool.terminate() and the interpreter's exit can hang too:
  the script kills what is left and leaves with os._exit.
"""
import concurrent.futures as cf
import multiprocessing as mp
import os
import signal
import statistics
import sys
import threading
import time

TASKS = 10_000
WORKERS = 2


def inc(x):
    return x + 1


def one():
    return 1


def spin(x, n):
    """n xorshift64 steps, as ProcessChaos.spin."""
    m = 0xFFFFFFFFFFFFFFFF
    h = x | 1
    for _ in range(n):
        h ^= (h << 13) & m
        h ^= h >> 7
        h ^= (h << 17) & m
    return h


def spin_ms(x):
    return spin(x, SPIN_N)


SPIN_N = 1


def calibrate(ms):
    n = 10_000
    spin(0, n)
    t0 = time.perf_counter()
    for i in range(20):
        spin(i, n)
    per = (time.perf_counter() - t0) / (20 * n)
    return max(1, int(ms / 1e3 / per))


def count(n):
    c = 0
    for _ in range(n):
        c += 1
    return c


def overhead(warmups, rounds):
    inputs = list(range(TASKS))
    expected = [x + 1 for x in inputs]
    kinds = [
        ("ProcessPoolExecutor fork", lambda: cf.ProcessPoolExecutor(WORKERS, mp_context=mp.get_context("fork"))),
        ("ProcessPoolExecutor spawn", lambda: cf.ProcessPoolExecutor(WORKERS, mp_context=mp.get_context("spawn"))),
        ("multiprocessing.Pool fork", lambda: mp.get_context("fork").Pool(WORKERS)),
    ]
    print(f"Python {sys.version.split()[0]}; map(inc, range({TASKS:,})) on {WORKERS} workers;"
          f" {warmups} warm-up + {rounds} rounds per chunksize")
    for name, make in kinds:
        with make() as pool:
            list(pool.map(inc, [0]))  # the workers are up before the clock starts
            for chunksize in (1, 100):
                us = []
                for r in range(-warmups, rounds):
                    t0 = time.perf_counter()
                    out = list(pool.map(inc, inputs, chunksize=chunksize))
                    t1 = time.perf_counter()
                    assert out == expected
                    per = (t1 - t0) / TASKS * 1e6
                    label = "warm-up" if r < 0 else f"round {r + 1}"
                    print(f"{name:26s} chunksize {chunksize:3d} {label:9s} {(t1 - t0) * 1e3:8.1f} ms"
                          f" {per:7.2f} us/task")
                    if r >= 0:
                        us.append(per)
                print(f"{name:26s} chunksize {chunksize:3d} median of {rounds} rounds: {statistics.median(us):.2f}"
                      f" us/task (min {min(us):.2f}, max {max(us):.2f})")


def startup(pools):
    print(f"Python {sys.version.split()[0]}; ProcessPoolExecutor({WORKERS}): creation to the first result")
    # With spawn, 3.11 starts workers on demand, one per submit that finds none idle: one submit starts one
    # worker. "spawn x2" submits two trivial tasks, so that both workers start, and waits for the first result.
    for kind in ("spawn", "spawn x2", "fork"):
        method, submits = kind.split(" x")[0], 2 if kind.endswith("x2") else 1
        ms = []
        for p in range(pools):
            t0 = time.perf_counter()
            pool = cf.ProcessPoolExecutor(WORKERS, mp_context=mp.get_context(method))
            futures = [pool.submit(one) for _ in range(submits)]
            done, _ = cf.wait(futures, return_when=cf.FIRST_COMPLETED)
            assert next(iter(done)).result() == 1
            t1 = time.perf_counter()
            started = len(pool._processes)
            pool.shutdown()
            ms.append((t1 - t0) * 1e3)
            print(f"{kind:8s} pool {p + 1:2d}: first result {ms[-1]:6.1f} ms ({started} worker processes started)")
        print(f"{kind:8s} median of {pools} pools: {statistics.median(ms):.1f} ms (first {ms[0]:.1f},"
              f" min {min(ms):.1f}, max {max(ms):.1f})")


def cpu(runs):
    n = 9 ** 9
    print(f"Python {sys.version.split()[0]}; 4 tasks counting to 9**9 = {n:,}; {runs} run(s) per mode")
    seq = []
    proc = []
    for r in range(runs):
        t0 = time.perf_counter()
        for _ in range(4):
            count(n)
        seq.append(time.perf_counter() - t0)
        print(f"sequential run {r + 1}: {seq[-1]:.2f} s")
        t0 = time.perf_counter()
        with cf.ProcessPoolExecutor(WORKERS, mp_context=mp.get_context("fork")) as pool:
            list(pool.map(count, [n] * 4))
        proc.append(time.perf_counter() - t0)
        print(f"processes run {r + 1}: {proc[-1]:.2f} s")
    s, p = statistics.median(seq), statistics.median(proc)
    print(f"median: sequential {s:.2f} s, processes ({WORKERS}) {p:.2f} s = {s / p:.2f}x")


def chaos(tasks):
    global SPIN_N
    SPIN_N = calibrate(1.0)
    print(f"Python {sys.version.split()[0]}; {tasks:,} tasks of ~1 ms (spin n={SPIN_N:,}) on {WORKERS} workers;"
          " SIGKILL of one worker every 100 ms")

    def killer(pids_of, stop, kills):
        while not stop.wait(0.1):
            pids = [p for p in pids_of() if p not in kills]
            if pids:
                p = pids[0]
                kills.add(p)
                try:
                    os.kill(p, signal.SIGKILL)
                except ProcessLookupError:
                    pass

    # ProcessPoolExecutor: one dead worker breaks the whole pool.
    pool = cf.ProcessPoolExecutor(WORKERS, mp_context=mp.get_context("fork"))
    pool.submit(one).result()
    stop, kills = threading.Event(), set()
    t = threading.Thread(target=killer, args=(lambda: list(pool._processes.keys()), stop, kills))
    t0 = time.perf_counter()
    futures = [pool.submit(spin_ms, i) for i in range(tasks)]
    t.start()
    ok, failed = 0, {}
    for f in futures:
        try:
            f.result(timeout=120)
            ok += 1
        except Exception as e:
            failed[type(e).__name__] = failed.get(type(e).__name__, 0) + 1
    stop.set()
    t.join()
    print(f"ProcessPoolExecutor: {time.perf_counter() - t0:.2f} s; results {ok:,}, failures {failed}, kills {len(kills)}")
    try:
        pool.submit(one).result(timeout=10)
        print("ProcessPoolExecutor afterwards: works")
    except Exception as e:
        print(f"ProcessPoolExecutor afterwards: {type(e).__name__}: {e}")
    pool.shutdown(wait=False, cancel_futures=True)

    # multiprocessing.Pool: replaces the dead worker, but the task it ran never returns.
    pool = mp.get_context("fork").Pool(WORKERS)
    if True:  # no "with": its terminate() can hang when the pool has deadlocked (see the docstring)
        pool.apply(one)
        stop, kills = threading.Event(), set()
        t = threading.Thread(target=killer, args=(lambda: [p.pid for p in pool._pool], stop, kills))
        t0 = time.perf_counter()
        results = [pool.apply_async(spin_ms, (i,)) for i in range(tasks)]
        t.start()
        done, last_change, kills_at_last = 0, time.perf_counter(), 0
        while done < tasks and time.perf_counter() - last_change < 10:
            time.sleep(0.05)
            now = sum(1 for r in results if r.ready())
            if now != done:
                done, last_change, kills_at_last = now, time.perf_counter(), len(kills)
        stop.set()
        t.join()
        ok = sum(1 for r in results if r.ready() and r.successful())
        print(f"multiprocessing.Pool: last result after {last_change - t0:.2f} s; results {ok:,}, never returned"
              f" (nothing more for 10 s) {tasks - done:,}, kills until the last result {kills_at_last}")
        for p in pool._pool:  # SIGKILL what is left: terminate() can wait forever on a deadlocked pool
            try:
                os.kill(p.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass


def main():
    what = sys.argv[1] if len(sys.argv) > 1 else "overhead"
    args = [int(a) for a in sys.argv[2:]]
    if what == "overhead":
        overhead(*(args or [5, 10]))
    elif what == "startup":
        startup(*(args or [10]))
    elif what == "cpu":
        cpu(*(args or [1]))
    elif what == "chaos":
        chaos(*(args or [10000]))
        sys.stdout.flush()
        os._exit(0)  # after a BrokenProcessPool, the interpreter's exit hook can wait forever for its manager thread
    else:
        sys.exit("overhead, startup, cpu or chaos")


if __name__ == "__main__":
    main()
