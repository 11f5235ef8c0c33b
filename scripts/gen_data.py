#!/usr/bin/env python3
"""Write the datasets fitpool's tests and benchmarks use, in the article's CSV layout:
no header, an id in column 0, the features, the target in the last column.

  scripts/gen_data.py diabetes OUTDIR                 # 442 rows, split 80/20 with seed 0
  scripts/gen_data.py friedman OUTDIR --train 5000 --test 5000 [--features 20] [--seed 0]

Writes OUTDIR/NAME_train.csv and OUTDIR/NAME_test.csv. Deterministic for a given seed.
"""
import argparse
import os

import numpy as np


def write(path, X, y, id0=0):
    with open(path, "w") as f:
        for i in range(X.shape[0]):
            cells = [str(id0 + i)] + ["%.10g" % v for v in X[i]] + ["%.10g" % y[i]]
            f.write(",".join(cells) + "\n")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("dataset", choices=["diabetes", "friedman"])
    ap.add_argument("outdir")
    ap.add_argument("--train", type=int, default=5000)
    ap.add_argument("--test", type=int, default=5000)
    ap.add_argument("--features", type=int, default=20)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--name", default=None, help="file name stem (default: the dataset's)")
    a = ap.parse_args()
    os.makedirs(a.outdir, exist_ok=True)
    if a.dataset == "diabetes":
        from sklearn.datasets import load_diabetes

        X, y = load_diabetes(return_X_y=True)
        rng = np.random.RandomState(a.seed)
        idx = rng.permutation(len(y))
        n_test = int(round(0.2 * len(y)))
        te, tr = idx[:n_test], idx[n_test:]
        parts = (X[tr], y[tr], X[te], y[te])
        stem = a.name or "diabetes"
    else:
        from sklearn.datasets import make_friedman1

        X, y = make_friedman1(n_samples=a.train + a.test, n_features=a.features, noise=1.0, random_state=a.seed)
        parts = (X[: a.train], y[: a.train], X[a.train :], y[a.train :])
        stem = a.name or "friedman"
    write(os.path.join(a.outdir, stem + "_train.csv"), parts[0], parts[1])
    write(os.path.join(a.outdir, stem + "_test.csv"), parts[2], parts[3], id0=len(parts[1]))
    print("wrote %s/%s_{train,test}.csv: %d + %d rows, %d features" % (a.outdir, stem, len(parts[1]), len(parts[3]), X.shape[1]))


if __name__ == "__main__":
    main()
