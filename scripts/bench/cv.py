#!/usr/bin/env python3
"""Python side of scripts/bench/cv.sh: 5-fold CV of the article's four models.

  cv.py skl  CSV   a loop of cross_validate(model, X, y, cv=KFold(5, shuffle=True,
                   random_state=0), n_jobs=2) per model (no preprocessing: all numeric)
  cv.py lazy CSV   LazyRegressor restricted to the same four models (a train/test split,
                   test_size=0.2, random_state=0: LazyRegressor has no cross-validation)
  cv.py makespan JSON   fitpool's makespan bound from its --format json output
Prints one JSON line.
"""
import json
import sys
import time
import warnings

warnings.simplefilter("ignore")


def load(path):
    import pandas as pd

    df = pd.read_csv(path, header=None)
    return df.iloc[:, 1:-1].to_numpy(), df.iloc[:, -1].to_numpy()


def models():
    from sklearn.ensemble import RandomForestRegressor
    from sklearn.linear_model import ElasticNet, Ridge
    from sklearn.svm import NuSVR

    return [RandomForestRegressor(), NuSVR(), Ridge(), ElasticNet()]


def skl(path):
    from sklearn.model_selection import KFold, cross_validate

    X, y = load(path)
    t0 = time.perf_counter()
    out = {}
    for m in models():
        r = cross_validate(m, X, y, cv=KFold(5, shuffle=True, random_state=0), n_jobs=2,
                           scoring="neg_root_mean_squared_error")
        out[type(m).__name__] = -float(r["test_score"].mean())
    return {"tool": "sklearn-cv", "wall_s": time.perf_counter() - t0, "rmse_mean": out}


def lazy(path):
    from lazypredict.Supervised import LazyRegressor
    from sklearn.model_selection import train_test_split

    X, y = load(path)
    t0 = time.perf_counter()
    Xtr, Xte, ytr, yte = train_test_split(X, y, test_size=0.2, random_state=0)
    reg = LazyRegressor(regressors=[type(m) for m in models()], verbose=0, ignore_warnings=True)
    table, _ = reg.fit(Xtr, Xte, ytr, yte)
    return {"tool": "lazypredict-holdout", "wall_s": time.perf_counter() - t0,
            "rmse": {k: float(v) for k, v in table["RMSE"].items()}}


def makespan(path, workers=2):
    doc = json.load(open(path))
    walls = [f["wall_seconds"] for r in doc["results"] for f in r["fold_results"]]
    bound = max(sum(walls) / workers, max(walls))
    return {"tasks": len(walls), "sum_task_s": sum(walls), "longest_task_s": max(walls), "bound_s": bound,
            "rmse_mean": {r["model"]: r["rmse_mean"] for r in doc["results"]}}


if __name__ == "__main__":
    print(json.dumps({"skl": skl, "lazy": lazy, "makespan": makespan}[sys.argv[1]](sys.argv[2])))
