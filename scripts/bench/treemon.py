#!/usr/bin/env python3
"""Run a command and measure its wall time and the peak memory of its whole process tree.

Every ~50 ms (10 ms during the first second) a sampler thread walks /proc (ppid chains from the root) and sums, over the root
and all its descendants alive at that instant:
  - RSS (field 24 of /proc/PID/stat), which counts a page shared by N processes N times;
  - PSS (the `Pss:` line of /proc/PID/smaps_rollup), which charges a shared page 1/N to each
    sharer, so the sum over a tree counts every page once.
  - USS (Private_Clean + Private_Dirty of smaps_rollup), the pages no other process maps.
The peaks of the sums are reported. Processes that live less than one interval can be missed;
`max_single_rss_bytes` (the kernel's exact ru_maxrss of the largest process in the tree) is
reported as a cross-check.

Library: measure(argv, stdout_path=None, interval=0.05, env=None, cwd=None, stderr_path=None)
CLI:     treemon.py [--interval S] -- CMD ARGS...   (prints the result as JSON on stderr)
"""
import json
import os
import subprocess
import sys
import threading
import time

PAGE = os.sysconf("SC_PAGE_SIZE")


def _proc_table():
    """{pid: (ppid, rss_bytes)} for every process visible in /proc."""
    table = {}
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open("/proc/%s/stat" % name, "rb") as f:
                stat = f.read()
        except OSError:
            continue  # exited meanwhile
        rest = stat[stat.rfind(b")") + 2 :].split()  # comm may contain spaces and parens
        # rest[0] is the state (field 3), so field k is rest[k - 3]
        table[int(name)] = (int(rest[1]), int(rest[21]) * PAGE)
    return table


def tree(root):
    """[(pid, rss_bytes)] of root and all its live descendants."""
    table = _proc_table()
    children = {}
    for pid, (ppid, _) in table.items():
        children.setdefault(ppid, []).append(pid)
    out, todo = [], [root]
    while todo:
        pid = todo.pop()
        if pid in table:
            out.append((pid, table[pid][1]))
            todo.extend(children.get(pid, ()))
    return out


def busy_seconds():
    """CPU seconds the whole machine has spent not idle since boot (all CPUs, /proc/stat)."""
    try:
        with open("/proc/stat") as f:
            v = [int(x) for x in f.readline().split()[1:]]
    except OSError:
        return 0.0
    # user nice system idle iowait irq softirq steal ...
    return (sum(v[:8]) - v[3] - v[4]) / os.sysconf("SC_CLK_TCK")


def cpu_stats(ru, wall, busy0):
    """Our tree's CPU seconds and the share of the machine's CPUs that OTHER processes used
    meanwhile (0: we had the machine to ourselves; a noisy neighbour shows up here)."""
    ours = ru.ru_utime + ru.ru_stime
    others = max(0.0, busy_seconds() - busy0 - ours)
    ncpu = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return {"cpu_seconds": ours, "others_cpu_share": others / (wall * (os.cpu_count() or ncpu)) if wall else 0.0}


def pss_uss_bytes(pid):
    """(Pss, Private_Clean + Private_Dirty) of a process, from /proc/PID/smaps_rollup."""
    pss = uss = 0
    try:
        with open("/proc/%d/smaps_rollup" % pid, "rb") as f:
            for line in f:
                if line.startswith(b"Pss:"):
                    pss = int(line.split()[1]) * 1024
                elif line.startswith(b"Private_"):
                    uss += int(line.split()[1]) * 1024
    except OSError:
        pass
    return pss, uss


def pss_bytes(pid):
    return pss_uss_bytes(pid)[0]


class Sampler(threading.Thread):
    def __init__(self, root, interval):
        super().__init__(daemon=True)
        self.root, self.interval = root, interval
        self.stop = threading.Event()
        self.peak_rss = self.peak_pss = self.peak_uss = self.max_procs = self.samples = 0

    def sample(self):
        procs = tree(self.root)
        if not procs:
            return
        rss = sum(r for _, r in procs)
        pu = [pss_uss_bytes(p) for p, _ in procs]
        pss, uss = sum(x[0] for x in pu), sum(x[1] for x in pu)
        self.peak_rss = max(self.peak_rss, rss)
        self.peak_pss = max(self.peak_pss, pss)
        self.peak_uss = max(self.peak_uss, uss)
        self.max_procs = max(self.max_procs, len(procs))
        self.samples += 1

    def run(self):
        t0 = time.perf_counter()
        while not self.stop.is_set():
            self.sample()
            # 10 ms during the first second, so that short runs get more than one sample
            fast = time.perf_counter() - t0 < 1.0
            self.stop.wait(min(self.interval, 0.01) if fast else self.interval)


def measure(argv, stdout_path=None, interval=0.05, env=None, cwd=None, stderr_path=None):
    """Runs argv (stdout to stdout_path, stderr to stderr_path, or inherited) and returns
    {rc, wall_seconds, peak_rss_bytes, peak_pss_bytes, max_single_rss_bytes, max_procs, samples}."""
    out = open(stdout_path, "wb") if stdout_path else None
    err = open(stderr_path, "wb") if stderr_path else None
    try:
        busy0 = busy_seconds()
        t0 = time.perf_counter()
        proc = subprocess.Popen(argv, stdout=out, stderr=err, env=env, cwd=cwd)
        sampler = Sampler(proc.pid, interval)
        sampler.start()
        # wait4 rather than proc.wait(): it also gives the child's rusage (ru_maxrss covers the
        # largest process among the child and the descendants it waited for).
        _, status, ru = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - t0
        proc.returncode = os.waitstatus_to_exitcode(status)
        sampler.stop.set()
        sampler.join()
    finally:
        for f in (out, err):
            if f:
                f.close()
    return dict(cpu_stats(ru, wall, busy0), **{
        "rc": proc.returncode,
        "wall_seconds": wall,
        "peak_rss_bytes": sampler.peak_rss,
        "peak_pss_bytes": sampler.peak_pss,
        "peak_uss_bytes": sampler.peak_uss,
        "max_single_rss_bytes": ru.ru_maxrss * 1024,
        "max_procs": sampler.max_procs,
        "samples": sampler.samples,
    })


def main():
    args = sys.argv[1:]
    interval = 0.05
    if args[:1] == ["--interval"]:
        interval, args = float(args[1]), args[2:]
    if args[:1] == ["--"]:
        args = args[1:]
    if not args:
        sys.exit(__doc__)
    res = measure(args, interval=interval)
    print(json.dumps(res), file=sys.stderr)
    sys.exit(res["rc"] if res["rc"] >= 0 else 128 - res["rc"])


if __name__ == "__main__":
    main()
