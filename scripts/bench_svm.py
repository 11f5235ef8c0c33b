#!/usr/bin/env python3
"""Benchmark fitpool's SVR solver against scikit-learn's libsvm, in one go.

  scripts/bench_svm.py [--sizes 5000,20000] [--data /tmp/fitpool_svm_bench] [--models svr,nusvr]
                       [--repeat 1] [--exe PATH]

Makes Friedman #1 data (20 features, noise 1.0, 5,000 test rows) with scripts/gen_data.py for
each training size (written outside the repository), then for each size and model runs
scikit-learn's SVR() / NuSVR() and ours (`cargo bench --bench svm`, built once) on the same
files, single process, and prints fit+predict seconds, test RMSE of both, and the time ratio
sklearn / ours (> 1: ours is faster). Best of --repeat runs. --exe runs an already built
bench binary (no cargo needed, e.g. on another machine); without scikit-learn only ours is run.
"""
import argparse
import json
import os
import subprocess
import sys
import time

import numpy as np

try:
    from sklearn.svm import SVR, NuSVR
except ImportError:  # run ours only
    SVR = NuSVR = None

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))


def load(path):
    a = np.loadtxt(path, delimiter=",")
    return a[:, 1:-1], a[:, -1]


def bench_binary():
    out = subprocess.run(
        ["cargo", "bench", "--bench", "svm", "--no-run", "--message-format=json"],
        cwd=ROOT, check=True, capture_output=True, text=True,
    ).stdout
    for line in out.splitlines():
        msg = json.loads(line)
        if msg.get("reason") == "compiler-artifact" and msg.get("target", {}).get("name") == "svm" and msg.get("executable"):
            return msg["executable"]
    sys.exit("could not find the svm bench executable")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="5000,20000")
    ap.add_argument("--models", default="svr,nusvr")
    ap.add_argument("--data", default="/tmp/fitpool_svm_bench")
    ap.add_argument("--repeat", type=int, default=1)
    ap.add_argument("--exe", default=None, help="prebuilt bench binary (default: cargo bench --no-run)")
    a = ap.parse_args()
    exe = a.exe or bench_binary()
    rows = []
    for n in [int(s) for s in a.sizes.split(",")]:
        name = "friedman%d" % n
        tr = os.path.join(a.data, name + "_train.csv")
        te = os.path.join(a.data, name + "_test.csv")
        if not (os.path.exists(tr) and os.path.exists(te)):
            subprocess.run([sys.executable, os.path.join(ROOT, "scripts", "gen_data.py"), "friedman", a.data,
                            "--train", str(n), "--test", "5000", "--name", name], check=True)
        Xtr, ytr = load(tr)
        Xte, yte = load(te)
        for model in a.models.split(","):
            best_sk, best_ours = None, None
            for _ in range(a.repeat):
                if SVR is None:
                    best_sk = (float("nan"), float("nan"), -1)
                else:
                    est = SVR() if model == "svr" else NuSVR()
                    t0 = time.perf_counter()
                    est.fit(Xtr, ytr)
                    pred = est.predict(Xte)
                    secs = time.perf_counter() - t0
                    rmse = float(np.sqrt(np.mean((pred - yte) ** 2)))
                    if best_sk is None or secs < best_sk[0]:
                        best_sk = (secs, rmse, int(est.support_.shape[0]))
                res = json.loads(subprocess.run([exe, tr, te, model], check=True, capture_output=True, text=True).stdout.strip().splitlines()[-1])
                if best_ours is None or res["seconds"] < best_ours["seconds"]:
                    best_ours = res
            rows.append((n, model, best_sk, best_ours))
            print("%6d %-6s sklearn %7.2fs rmse %.5f nsv %5d | ours %7.2fs (fit %.2fs) rmse %.5f nsv %5d iter %d | sklearn/ours %.2fx"
                  % (n, model, best_sk[0], best_sk[1], best_sk[2], best_ours["seconds"], best_ours["fit_seconds"],
                     best_ours["rmse"], best_ours["n_support"], best_ours["iterations"], best_sk[0] / best_ours["seconds"]),
                  flush=True)


if __name__ == "__main__":
    main()
