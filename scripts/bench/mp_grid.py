#!/usr/bin/env python3
"""Python's side of the scaling and per-model benchmarks: a lineup of scikit-learn models
through multiprocessing.Pool(n) (fork), the data loaded ONCE in the parent before the pool is
made, so the workers share it copy-on-write as fitpool's do. One BLAS/OpenMP thread per worker
(fitpool fits one model per core on one thread).

  mp_grid.py --train F --test F --workers N --specs-file FILE   (one model per line)
  mp_grid.py --train F --test F --workers 0 ...                  (0: a plain loop, no pool)

Prints JSON: {"results": [{index, model, rmse, fit_seconds, predict_seconds, wall_seconds,
pid, finished_at}], "load_seconds": .., "makespan_seconds": ..}. Needs only numpy and scikit-learn.
"""
import os

for _v in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_v, "1")

import argparse  # noqa: E402
import json  # noqa: E402
import multiprocessing  # noqa: E402
import time  # noqa: E402

import numpy as np  # noqa: E402
from sklearn.ensemble import (  # noqa: E402,F401
    ExtraTreesRegressor,
    GradientBoostingRegressor,
    RandomForestRegressor,
)
from sklearn.linear_model import ElasticNet, Lasso, LinearRegression, Ridge  # noqa: E402,F401
from sklearn.neighbors import KNeighborsRegressor  # noqa: E402,F401
from sklearn.svm import SVR, NuSVR  # noqa: E402,F401
from sklearn.tree import DecisionTreeRegressor  # noqa: E402,F401

DATA = {}  # filled in the parent before the fork: the workers inherit it copy-on-write
SPECS = []


def load(path):
    a = np.loadtxt(path, delimiter=",", ndmin=2)
    return np.ascontiguousarray(a[:, 1:-1]), np.ascontiguousarray(a[:, -1])


def run_one(i):
    t0 = time.perf_counter()
    reg = eval(SPECS[i])  # a scikit-learn constructor call, e.g. "Ridge(alpha=10.0)"
    reg.fit(DATA["X_train"], DATA["y_train"])
    t1 = time.perf_counter()
    y_out = reg.predict(DATA["X_test"])
    t2 = time.perf_counter()
    rmse = float(np.sqrt(np.mean((DATA["y_test"] - y_out) ** 2)))
    return {
        "index": i,
        "model": repr(reg),
        "rmse": rmse,
        "fit_seconds": t1 - t0,
        "predict_seconds": t2 - t1,
        "wall_seconds": time.perf_counter() - t0,
        "pid": os.getpid(),
        "finished_at": time.time(),
    }


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--train", required=True)
    ap.add_argument("--test", required=True)
    ap.add_argument("--workers", type=int, default=1)
    ap.add_argument("--specs-file", required=True)
    a = ap.parse_args()
    with open(a.specs_file) as f:
        SPECS.extend(line.strip() for line in f if line.strip())
    t0 = time.perf_counter()
    DATA["X_train"], DATA["y_train"] = load(a.train)
    DATA["X_test"], DATA["y_test"] = load(a.test)
    t1 = time.perf_counter()
    if a.workers == 0:
        results = [run_one(i) for i in range(len(SPECS))]
    else:
        with multiprocessing.get_context("fork").Pool(a.workers) as pool:
            results = pool.map(run_one, range(len(SPECS)), chunksize=1)
    t2 = time.perf_counter()
    print(json.dumps({"results": results, "load_seconds": t1 - t0, "makespan_seconds": t2 - t1}))


if __name__ == "__main__":
    main()
