#!/usr/bin/env python3
"""Python side of scripts/bench/kinds.sh: one model kind's fit + predict time, one thread.

  kinds.py sklearn TRAIN TEST SPEC    scikit-learn: the spec evaluated as Python
  kinds.py fitpool TRAIN TEST SPEC    fitpool run -j 1 -m SPEC (FITPOOL), its fit+predict
Both print one JSON line {"side", "spec", "seconds", "rmse"}. TRAIN/TEST are in the article's
layout (no header, id in column 0, target last).
"""
import json
import os
import subprocess
import sys
import time
import warnings

os.environ.setdefault("OMP_NUM_THREADS", "1")
import numpy as np  # noqa: E402


def sklearn_side(train, test, spec):
    from sklearn.utils import all_estimators

    ns = {name: cls for name, cls in all_estimators()}
    a = np.loadtxt(train, delimiter=",")
    b = np.loadtxt(test, delimiter=",")
    model = eval(spec, ns)
    t0 = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model.fit(a[:, 1:-1], a[:, -1])
        pred = model.predict(b[:, 1:-1])
    secs = time.perf_counter() - t0
    rmse = float(np.sqrt(np.mean((pred - b[:, -1]) ** 2)))
    return {"side": "sklearn", "spec": spec, "seconds": secs, "rmse": rmse}


def fitpool_side(train, test, spec):
    out = subprocess.run(
        [os.environ["FITPOOL"], "run", "--train", train, "--test", test, "--id-col", "0", "-j", "1", "-m", spec,
         "--format", "json", "--progress", "none"],
        capture_output=True, text=True)
    r = json.loads(out.stdout)["results"][0]
    secs = (r.get("fit_seconds") or 0) + (r.get("predict_seconds") or 0)
    return {"side": "fitpool", "spec": spec, "seconds": secs, "rmse": r.get("rmse"), "status": r["status"]}


if __name__ == "__main__":
    side, train, test, spec = sys.argv[1:5]
    f = sklearn_side if side == "sklearn" else fitpool_side
    print(json.dumps(f(train, test, spec)))
