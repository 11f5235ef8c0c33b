#!/usr/bin/env python3
"""Print the scikit-learn reference numbers for fitpool's SVR fidelity tests as JSON.

  scripts/reference_svm.py > tests/fixtures/svm_reference.json

For each (dataset, model, params) it fits scikit-learn's SVR / NuSVR on
tests/fixtures/data/DATASET_train.csv and records the RMSE on DATASET_test.csv,
n_support, intercept and n_iter. The CSV layout is fitpool's: no header, an id in
column 0, the features, the target in the last column.
"""
import json
import os
import sys
import time

import numpy as np
import sklearn
from sklearn.svm import SVR, NuSVR

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")

CASES = [
    # (dataset, model, params)
    ("diabetes", "SVR", {}),
    ("diabetes", "SVR", {"C": 0.1}),
    ("diabetes", "SVR", {"C": 1000.0}),
    ("diabetes", "SVR", {"kernel": "linear", "C": 100.0}),
    ("diabetes", "SVR", {"kernel": "poly", "C": 1000.0}),
    ("diabetes", "NuSVR", {}),
    ("diabetes", "NuSVR", {"C": 0.1}),
    ("diabetes", "NuSVR", {"C": 1000.0, "nu": 0.3}),
    ("diabetes", "NuSVR", {"kernel": "linear", "C": 100.0}),
    ("diabetes", "NuSVR", {"kernel": "sigmoid", "C": 10.0, "gamma": "auto"}),
    ("friedman", "SVR", {}),
    ("friedman", "SVR", {"C": 0.1}),
    ("friedman", "SVR", {"C": 100.0}),
    ("friedman", "SVR", {"kernel": "linear"}),
    ("friedman", "NuSVR", {}),
    ("friedman", "NuSVR", {"C": 0.1}),
    ("friedman", "NuSVR", {"C": 100.0}),
    ("friedman", "NuSVR", {"kernel": "linear"}),
]


def load(name):
    a = np.loadtxt(os.path.join(ROOT, "tests", "fixtures", "data", name), delimiter=",")
    return a[:, 1:-1], a[:, -1]


def main():
    out = []
    for dataset, model, params in CASES:
        Xtr, ytr = load(dataset + "_train.csv")
        Xte, yte = load(dataset + "_test.csv")
        est = (SVR if model == "SVR" else NuSVR)(**params)
        t0 = time.perf_counter()
        est.fit(Xtr, ytr)
        pred = est.predict(Xte)
        secs = time.perf_counter() - t0
        rmse = float(np.sqrt(np.mean((pred - yte) ** 2)))
        out.append(
            {
                "dataset": dataset,
                "model": model,
                "params": params,
                "rmse": rmse,
                "n_support": int(est.support_.shape[0]),
                "intercept": float(est.intercept_[0]),
                "n_iter": int(np.ravel(est.n_iter_)[0]),
                "seconds": round(secs, 3),
            }
        )
        print("%-9s %-6s %-45s rmse %.6f nsv %5d iter %7d  %.2fs" % (dataset, model, params, rmse, out[-1]["n_support"], out[-1]["n_iter"], secs), file=sys.stderr)
    json.dump({"sklearn_version": sklearn.__version__, "cases": out}, sys.stdout, indent=1)
    print()


if __name__ == "__main__":
    main()
