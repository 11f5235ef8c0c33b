#!/usr/bin/env python3
"""Seeded generator of a wide table shaped like the Ames housing data (issue 15's
"2,930 x 74 table"): 2,930 rows, 36 numeric and 38 text columns, and the target `price`.

Usage: gen_wide.py OUT.csv [ROWS]   (default 2,930 rows)

The text columns have 2 to 28 levels (most at or below lazypredict's one-hot limit of 11, three
above it), drawn with skewed frequencies so that some levels are rare (and may be missing from
the training rows), and holes from none to 95 % (as Ames's Alley, Fence, Pool QC). Numeric
columns: integers, counts, areas with a long tail, years, some with holes. The target depends
on a dozen numeric columns and four text columns, with noise, on Ames's scale (about 180,000).
Depends only on the seed; numpy only.
"""

import sys

import numpy as np

# (levels, share of holes) of the 38 text columns
TEXT = [
    (7, 0.0), (2, 0.0), (2, 0.93), (4, 0.0), (4, 0.0), (3, 0.0), (5, 0.0), (3, 0.0),
    (28, 0.0), (9, 0.0), (8, 0.0), (5, 0.0), (8, 0.0), (6, 0.0), (8, 0.0), (16, 0.0),
    (17, 0.0), (5, 0.01), (4, 0.0), (5, 0.0), (6, 0.0), (5, 0.03), (5, 0.03), (4, 0.03),
    (6, 0.03), (6, 0.03), (6, 0.0), (5, 0.0), (2, 0.0), (5, 0.0), (5, 0.0), (8, 0.0),
    (5, 0.49), (6, 0.05), (3, 0.05), (5, 0.05), (10, 0.0), (6, 0.0),
]
N_NUM = 36


def main():
    out = sys.argv[1]
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 2930
    rng = np.random.RandomState(2930)
    cols, names = [], []
    num = np.empty((n, N_NUM))
    for j in range(N_NUM):
        kind = j % 6
        if kind == 0:  # a count, 0..10
            v = rng.poisson(1.0 + j % 4, n).astype(float)
        elif kind == 1:  # an area with a long tail
            v = np.round(rng.lognormal(6.5 + (j % 5) * 0.3, 0.5, n))
        elif kind == 2:  # a year
            v = rng.randint(1880, 2011, n).astype(float)
        elif kind == 3:  # mostly zero (porch, pool, misc value)
            v = np.where(rng.rand(n) < 0.7, 0.0, np.round(rng.gamma(2.0, 80.0, n)))
        elif kind == 4:  # a rating 1..10
            v = np.clip(np.round(rng.normal(6, 1.4, n)), 1, 10)
        else:  # a plain measure
            v = np.round(rng.normal(70, 22, n), 1)
        num[:, j] = v
        names.append(f"n{j:02d}")
    text = np.empty((n, len(TEXT)), dtype=object)
    codes = np.empty((n, len(TEXT)), dtype=int)
    for j, (levels, holes) in enumerate(TEXT):
        p = 1.0 / np.arange(1, levels + 1) ** 1.3
        p /= p.sum()
        c = rng.choice(levels, n, p=p)
        codes[:, j] = c
        t = np.array([f"L{j:02d}_{k}" for k in range(levels)], dtype=object)[c]
        t[rng.rand(n) < holes] = ""
        text[:, j] = t
        names.append(f"c{j:02d}")
    effect = {j: rng.normal(0, 0.08, TEXT[j][0]) for j in (0, 8, 15, 30)}
    w = rng.normal(0, 1, N_NUM) * (rng.rand(N_NUM) < 0.35)
    z = (num - num.mean(0)) / num.std(0)
    log_price = 12.0 + 0.12 * z @ w / max(1.0, np.abs(w).sum() ** 0.5)
    for j, e in effect.items():
        log_price += e[codes[:, j]]
    price = np.round(np.exp(log_price + rng.normal(0, 0.12, n)))
    holes = {1: 0.17, 7: 0.05, 13: 0.01, 20: 0.05}
    with open(out, "w") as f:
        f.write(",".join(names + ["price"]) + "\n")
        for i in range(n):
            row = []
            for j in range(N_NUM):
                v = num[i, j]
                row.append("" if rng.rand() < holes.get(j, 0.0) else ("%g" % v))
            row.extend(text[i])
            row.append("%d" % price[i])
            f.write(",".join(row) + "\n")


if __name__ == "__main__":
    main()
