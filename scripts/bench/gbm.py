#!/usr/bin/env python3
"""Python side of scripts/bench/gbm.sh.

  gbm.py gen N FILE          make_friedman1(N, 20 features, noise=1, random_state=0), 25 % test,
                             written for benches/gbm.rs (u64 n_train n_test p, then f64 LE
                             X_train, y_train, X_test, y_test)
  gbm.py run FILE MODEL      fit+predict with one thread, print one JSON line;
                             MODEL: hgb (sklearn defaults, random_state=0), gbr, lgbm
"""
import json
import os
import sys
import time

os.environ.setdefault("OMP_NUM_THREADS", "1")
import numpy as np  # noqa: E402


def gen(n, path):
    from sklearn.datasets import make_friedman1

    X, y = make_friedman1(n_samples=n, n_features=20, noise=1.0, random_state=0)
    nte = n // 4
    ntr = n - nte
    with open(path, "wb") as f:
        np.array([ntr, nte, 20], dtype="<u8").tofile(f)
        for a in (X[:ntr], y[:ntr], X[ntr:], y[ntr:]):
            np.ascontiguousarray(a, dtype="<f8").tofile(f)


def load(path):
    with open(path, "rb") as f:
        ntr, nte, p = np.fromfile(f, dtype="<u8", count=3)
        d = np.fromfile(f, dtype="<f8")
    ntr, nte, p = int(ntr), int(nte), int(p)
    o = 0
    out = []
    for shape in ((ntr, p), (ntr,), (nte, p), (nte,)):
        k = int(np.prod(shape))
        out.append(d[o:o + k].reshape(shape))
        o += k
    return out


def run(path, model):
    Xtr, ytr, Xte, yte = load(path)
    t0 = time.perf_counter()
    if model == "hgb":
        from sklearn.ensemble import HistGradientBoostingRegressor

        est = HistGradientBoostingRegressor(random_state=0).fit(Xtr, ytr)
        n_iter = int(est.n_iter_)
    elif model == "gbr":
        from sklearn.ensemble import GradientBoostingRegressor

        est = GradientBoostingRegressor(random_state=0).fit(Xtr, ytr)
        n_iter = int(est.n_estimators_)
    elif model == "lgbm":
        import lightgbm

        est = lightgbm.LGBMRegressor(
            n_estimators=100, learning_rate=0.1, num_leaves=31, min_child_samples=20,
            max_bin=255, n_jobs=1, verbose=-1, random_state=0,
        ).fit(Xtr, ytr)
        n_iter = 100
    else:
        raise SystemExit("model " + model)
    pred = est.predict(Xte)
    secs = time.perf_counter() - t0
    rmse = float(np.sqrt(np.mean((pred - yte) ** 2)))
    print(json.dumps({"side": "sklearn" if model != "lgbm" else "lightgbm", "model": model,
                      "n_train": len(ytr), "seconds": round(secs, 4), "rmse": round(rmse, 6),
                      "n_iter": n_iter}))


if __name__ == "__main__":
    if sys.argv[1] == "gen":
        gen(int(sys.argv[2]), sys.argv[3])
    else:
        run(sys.argv[2], sys.argv[3])
