#!/usr/bin/env python3
"""Write the scikit-learn reference numbers for fitpool's gradient boosting fidelity tests.

  /opt/skl/bin/python scripts/reference_gbm.py > tests/fixtures/gbm_reference.json

Generates tests/fixtures/data/friedman20k_{train,test}.csv (make_friedman1, 10 features)
and mixed_{train,test}.csv (numeric columns with missing values and a categorical code
column), then fits HistGradientBoostingRegressor and GradientBoostingRegressor on each
case and records the test RMSE, n_iter_ and the first test predictions. CSV layout is
fitpool's: no header, an id in column 0, the features, the target last; an empty field is
a missing value.
"""
import json
import os
import sys
import time

import numpy as np
import sklearn
from sklearn.datasets import make_friedman1
from sklearn.ensemble import GradientBoostingRegressor, HistGradientBoostingRegressor

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
DATA = os.path.join(ROOT, "tests", "fixtures", "data")


def write(name, X, y):
    with open(os.path.join(DATA, name), "w") as f:
        for i in range(X.shape[0]):
            fields = [str(i)] + ["" if np.isnan(v) else "%.7g" % v for v in X[i]] + ["%.7g" % y[i]]
            f.write(",".join(fields) + "\n")


def read(name):
    rows = [l.rstrip("\n").split(",") for l in open(os.path.join(DATA, name))]
    a = np.array([[float(v) if v != "" else np.nan for v in r] for r in rows])
    return a[:, 1:-1], a[:, -1]


def generate():
    X, y = make_friedman1(n_samples=25000, n_features=10, noise=1.0, random_state=7)
    write("friedman20k_train.csv", X[:20000], y[:20000])
    write("friedman20k_test.csv", X[20000:], y[20000:])
    rng = np.random.RandomState(3)
    n = 10000
    X = rng.uniform(0, 1, size=(n, 5))
    cat = rng.randint(0, 12, size=n).astype(float)
    effect = rng.normal(0, 3, size=12)
    y = 4 * X[:, 0] + 2 * np.sin(6 * X[:, 1]) + X[:, 2] ** 2 + effect[cat.astype(int)]
    y += rng.normal(0, 0.5, size=n)
    miss0 = rng.uniform(size=n) < 0.15
    miss1 = rng.uniform(size=n) < 0.10
    y[miss0] += 3.0  # missing x0 carries signal: its rows should go with the high values
    X[miss0, 0] = np.nan
    X[miss1, 1] = np.nan
    Xm = np.column_stack([X, cat])
    write("mixed_train.csv", Xm[:8000], y[:8000])
    write("mixed_test.csv", Xm[8000:], y[8000:])


MIXED_CAT = [False] * 5 + [True]

CASES = [
    # (dataset, model, params)
    ("diabetes", "HGB", {}),
    ("diabetes", "HGB", {"max_leaf_nodes": 8, "learning_rate": 0.05, "max_iter": 200}),
    ("diabetes", "HGB", {"max_depth": 3, "l2_regularization": 1.0, "min_samples_leaf": 5}),
    ("friedman", "HGB", {}),
    ("friedman", "HGB", {"max_bins": 32, "max_iter": 300}),
    ("friedman20k", "HGB", {"early_stopping": False}),
    ("friedman20k", "HGB", {"random_state": 0}),
    ("friedman20k", "HGB", {"random_state": 0, "learning_rate": 0.3, "max_iter": 500}),
    ("mixed", "HGB", {"categorical_features": MIXED_CAT}),
    ("mixed", "HGB", {}),
    ("friedman", "HGB", {"loss": "poisson"}),
    ("diabetes", "GBR", {}),
    ("diabetes", "GBR", {"max_depth": 5, "min_samples_leaf": 10, "learning_rate": 0.05}),
    ("friedman", "GBR", {}),
    ("friedman20k", "GBR", {}),
    ("friedman", "GBR", {"subsample": 0.5, "random_state": 0}),
]


def main():
    if "--no-generate" not in sys.argv:
        generate()
    out = []
    for dataset, model, params in CASES:
        Xtr, ytr = read(dataset + "_train.csv")
        Xte, yte = read(dataset + "_test.csv")
        if model == "HGB":
            est = HistGradientBoostingRegressor(**params)
        else:
            est = GradientBoostingRegressor(**params)
        t0 = time.perf_counter()
        est.fit(Xtr, ytr)
        pred = est.predict(Xte)
        secs = time.perf_counter() - t0
        rmse = float(np.sqrt(np.mean((pred - yte) ** 2)))
        n_iter = int(est.n_iter_) if model == "HGB" else int(est.n_estimators_)
        rec = {
            "dataset": dataset,
            "model": model,
            "params": params,
            "rmse": rmse,
            "n_iter": n_iter,
            "pred_head": [float(v) for v in pred[:20]],
            "seconds": round(secs, 3),
        }
        if model == "HGB":
            rec["n_leaves_first"] = int(est._predictors[0][0].get_n_leaf_nodes())
        out.append(rec)
        print("%-12s %-4s %-60s rmse %.6f iter %4d  %.2fs" % (dataset, model, params, rmse, n_iter, secs), file=sys.stderr)
    json.dump({"sklearn_version": sklearn.__version__, "cases": out}, sys.stdout, indent=1)
    print()


if __name__ == "__main__":
    main()
