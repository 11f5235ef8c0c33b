#!/usr/bin/env python3
"""Makespan simulator (issue 18): how long a run's measured tasks would take on W workers,
with and without fitting forests and bagging ensembles in parts.

Usage:
  scripts/bench/makespan.py --whole WHOLE.jsonl --parts PARTS.jsonl [--workers 2,4,16,64,256]
                            [--min-part 0.03] [--title TEXT]

WHOLE.jsonl is the journal of a run with `--split never` (one wall time per task); PARTS.jsonl
the journal of the same run with `--split 32` (every splittable model in one part per block:
its `part` lines give the relative time of each block). Both runs' tasks must match.

The model, stated so the table can be checked:
- A task that cannot be split takes its measured wall time (WHOLE).
- A splittable task's wall time W_t (WHOLE) is spread over its blocks in proportion to the
  blocks' measured times (PARTS); each part costs the sum of its blocks plus a per-part overhead
  o_t = max(0, (sum of its PARTS walls - W_t) / (parts - 1)): the fork-side work a part repeats
  (a fold's preprocessing, the spec down the pipe, the block sums back).
- Splitting follows fitpool's rule (`Plan::split`, SplitMode::Auto) with measured times as the
  costs: a task is split only when it holds more than one worker's share (sum / W), into
  k = min(ceil(2 t / share), blocks, 2 W, floor(t / min_part)) parts of consecutive blocks, the
  longer ones first.
- Dispatch: the pool's order, longest expected first (here: longest measured first, the same
  order in both columns), each piece to the first worker free (list scheduling).
- The bound: max(sum of work / W, the longest piece that cannot be split further).
"""
import argparse
import heapq
import json
import math
import sys


def read(path):
    tasks, parts = {}, {}
    with open(path) as f:
        for line in f:
            line = line.strip()
            if not line:
                continue
            try:
                d = json.loads(line)
            except json.JSONDecodeError:
                continue  # a torn last line
            key = (d.get("key") or d.get("model"), d.get("fold"))
            if d.get("type") == "task" and d.get("status") == "ok":
                tasks[key] = d
            elif d.get("type") == "part":
                parts.setdefault(key, []).append(d)
    return tasks, parts


def blocks_of(part_lines):
    """Block -> measured time share, from one part per block (or several blocks a part)."""
    out = {}
    for p in part_lines:
        first, end = p["blocks"]
        n = max(1, end - first)
        for b in range(first, end):
            out[b] = p["wall_seconds"] / n
    return [out[b] for b in sorted(out)]


def cut(blocks, k):
    base, extra = divmod(blocks, k)
    start, ranges = 0, []
    for i in range(k):
        n = base + (1 if i < extra else 0)
        ranges.append((start, start + n))
        start += n
    return ranges


def schedule(pieces, workers):
    """List scheduling in the given order; returns the makespan."""
    free = [0.0] * workers
    heapq.heapify(free)
    end = 0.0
    for t in pieces:
        start = heapq.heappop(free)
        heapq.heappush(free, start + t)
        end = max(end, start + t)
    return end


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--whole", required=True)
    ap.add_argument("--parts", required=True)
    ap.add_argument("--workers", default="2,4,16,64,256")
    ap.add_argument("--min-part", type=float, default=0.03,
                    help="seconds: the smallest part worth a worker (MIN_PART_COST, ~20-40 ms)")
    ap.add_argument("--title", default="")
    a = ap.parse_args()
    whole, _ = read(a.whole)
    _, parts = read(a.parts)
    if not whole:
        sys.exit(f"{a.whole}: no finished task")
    tasks = []  # (name, seconds, [block seconds] or None, overhead)
    for key, rec in whole.items():
        t = rec["wall_seconds"]
        if key in parts and len(parts[key]) > 1:
            raw = blocks_of(parts[key])
            total_raw = sum(raw)
            overhead = max(0.0, (total_raw - t) / (len(parts[key]) - 1))
            body = max(t - overhead, 0.0)
            blocks = [body * r / total_raw for r in raw] if total_raw > 0 else None
            tasks.append((key, t, blocks, overhead))
        else:
            tasks.append((key, t, None, 0.0))
    print(f"## Makespan, simulated{': ' + a.title if a.title else ''}")
    print()
    n_split = sum(1 for t in tasks if t[2])
    work = sum(t[1] for t in tasks)
    longest = max(tasks, key=lambda t: t[1])
    print(f"{len(tasks)} task(s), {n_split} splittable; measured work {work:.2f} s; "
          f"longest task {longest[1]:.2f} s ({longest[0][0]}"
          f"{'' if longest[0][1] is None else ', fold ' + str(longest[0][1])}).")
    print()
    print("| workers | without splitting s | with splitting s | speed-up | bound s | "
          "with / bound | pieces |")
    print("|---|---|---|---|---|---|---|")
    for w in [int(x) for x in a.workers.split(",")]:
        order = sorted(tasks, key=lambda t: -t[1])
        plain = schedule([t[1] for t in order], w)
        share = work / w
        pieces, longest_piece, split_work = [], 0.0, 0.0
        for name, t, blocks, o in order:
            k = 1
            if blocks and w >= 2 and t > share:
                k = min(math.ceil(2 * t / share), len(blocks), 2 * w,
                        max(1, math.floor(t / a.min_part)))
            if k < 2:
                pieces.append(t)
                unsplit = max(blocks) + o if blocks else t
                longest_piece = max(longest_piece, unsplit)
                continue
            for s, e in cut(len(blocks), k):
                p = sum(blocks[s:e]) + o
                pieces.append(p)
            longest_piece = max(longest_piece, max(blocks) + o)
        pieces.sort(reverse=True)
        split_work = sum(pieces)
        split = schedule(pieces, w)
        bound = max(split_work / w, longest_piece)
        print(f"| {w} | {plain:.2f} | {split:.2f} | {plain / split:.2f}x | {bound:.2f} | "
              f"{split / bound:.3f} | {len(pieces)} |")
    print()


if __name__ == "__main__":
    main()
