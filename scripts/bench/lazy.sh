#!/usr/bin/env bash
# Issue 15: `fitpool run -m all --scale` (43 kinds, and again without the 3 that lazypredict
# does not run) against lazypredict's `LazyRegressor()` (40 models) on the same
# tables and the same split (train_test_split(test_size=0.25, random_state=0)), side by side,
# alternating, ROUNDS rounds (default 2), median wall time of the whole process each. Tables:
# diabetes (442 × 10), the mixed `shop` table (1,200 rows with categories and holes), a seeded
# 3,000-row table with four text columns and holes (gen_prep.py), Friedman 5k (20 numbers) and
# a wide table shaped like Ames housing (2,930 x 74, 38 text columns, gen_wide.py).
# Prints the wall-time table and, per table, each model's RMSE from both sides.
#
#   scripts/bench/lazy.sh                 # FITPOOL=/path/to/fitpool to skip the build
if [ -z "${PYTHON:-}" ] && [ -x /opt/skl/bin/python ]; then PYTHON=/opt/skl/bin/python; fi
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
ensure_python_deps numpy pandas sklearn lazypredict
ensure_fitpool
ROUNDS=${ROUNDS:-2}
DATA=$BENCH/out/lazy
mkdir -p "$DATA"
"$PYTHON" - "$DATA" <<'PY'
import sys
import numpy as np
import pandas as pd
from sklearn.datasets import load_diabetes
out = sys.argv[1]
d = load_diabetes(as_frame=True).frame
d.to_csv(f"{out}/diabetes.csv", index=False)
a = np.loadtxt("tests/fixtures/data/friedman_train.csv", delimiter=",")
f = pd.DataFrame(a[:, 1:-1], columns=[f"x{i}" for i in range(a.shape[1] - 2)])
f["y"] = a[:, -1]
f.to_csv(f"{out}/friedman5k.csv", index=False)
PY
"$PYTHON" $BENCH/gen_prep.py "$DATA/mixed3k.csv" 3000
"$PYTHON" $BENCH/gen_wide.py "$DATA/wide.csv" 2930
cp tests/fixtures/data/table_shop.csv "$DATA/shop.csv"
TABLES=("diabetes.csv:target" "shop.csv:sales" "mixed3k.csv:y" "friedman5k.csv:y" "wide.csv:price")
OUT=$(mktemp)
echo "# $(date -u +%FT%TZ) $(nproc --all) cpus, load $(cut -d" " -f1-3 /proc/loadavg), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), fitpool $(git rev-parse --short HEAD), numpy's BLAS: $(env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE "$PYTHON" -c 'import numpy, threadpoolctl; i = threadpoolctl.threadpool_info()[0]; print(i["internal_api"], i["version"], i["architecture"], i["num_threads"], "threads")' 2>/dev/null || echo unknown)"
for _ in $(seq "$ROUNDS"); do
  for t in "${TABLES[@]}"; do
    file=$DATA/${t%%:*}; target=${t##*:}
    # fitpool twice: `-m all` (43 kinds) and the 40 that LazyRegressor runs (without the three
    # kinds it leaves out: ARDRegression, PLSRegression, TheilSenRegressor)
    for side in fitpool fitpool40; do
      extra=()
      [ "$side" = fitpool40 ] && extra=(--exclude ARDRegression,PLSRegression,TheilSenRegressor)
      start=$(date +%s.%N)
      "$FITPOOL" run --train "$file" --target "$target" --test-size 0.25 --seed 0 --scale -m all \
        "${extra[@]}" --format json --progress none >"$OUT.fp" 2>"$OUT.err" || true
      end=$(date +%s.%N)
      "$PYTHON" - "$OUT.fp" "$(basename "$file")" "$start" "$end" "$side" >>"$OUT" <<'PY'
import json, sys
doc = json.load(open(sys.argv[1]))
models = {r["model"].split("(")[0]: r["rmse"] for r in doc["results"]}
status = {r["model"].split("(")[0]: r["status"] for r in doc["results"] if r["status"] != "ok"}
print(json.dumps({"side": sys.argv[5], "table": sys.argv[2], "seconds": float(sys.argv[4]) - float(sys.argv[3]),
                  "models": models, "status": status}))
PY
    done
    # numpy's own kernel for this processor: some machines here set OPENBLAS_CORETYPE (and
    # OPENBLAS_L2_SIZE) to an older one, which slows a current numpy
    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE "$PYTHON" $BENCH/lazy.py "$file" "$target" \
      >>"$OUT" 2>/dev/null || echo "lazypredict failed on $file" >&2
  done
done
"$PYTHON" - "$OUT" <<'PY'
import json, statistics, sys
rows = [json.loads(l) for l in open(sys.argv[1]) if l.startswith("{")]
tables = list(dict.fromkeys(r["table"] for r in rows))
print("\n| table | fitpool -m all s | ratio | fitpool, lazypredict's 40 s | ratio | lazypredict s | models (all / 40 / lazypredict) |")
print("|---|---|---|---|---|---|---|")
for t in tables:
    f = [r for r in rows if r["table"] == t and r["side"] == "fitpool"]
    f40 = [r for r in rows if r["table"] == t and r["side"] == "fitpool40"]
    l = [r for r in rows if r["table"] == t and r["side"] == "lazypredict"]
    if not f or not f40 or not l:
        continue
    fs, ls = statistics.median(r["seconds"] for r in f), statistics.median(r["seconds"] for r in l)
    f40s = statistics.median(r["seconds"] for r in f40)
    print(f"| {t} | {fs:.2f} | {fs / ls:.3f}x | {f40s:.2f} | {f40s / ls:.3f}x | {ls:.2f} | "
          f"{len(f[-1]['models'])} / {len(f40[-1]['models'])} / {len(l[-1]['models'])} |")
# every run, in order: a round's two contenders ran within seconds of each other, so its own
# ratio is the least noisy (this machine's speed drifts by 10 % and more between minutes)
print("\n| table | fitpool -m all, each round s | lazypredict, each round s | ratio, each round |")
print("|---|---|---|---|")
for t in tables:
    f = [r["seconds"] for r in rows if r["table"] == t and r["side"] == "fitpool"]
    l = [r["seconds"] for r in rows if r["table"] == t and r["side"] == "lazypredict"]
    each = ", ".join(f"{a / b:.3f}x" for a, b in zip(f, l))
    print(f"| {t} | {', '.join(f'{v:.2f}' for v in f)} | {', '.join(f'{v:.2f}' for v in l)} | {each} |")
for t in tables:
    f = next((r for r in rows if r["table"] == t and r["side"] == "fitpool"), None)
    l = next((r for r in rows if r["table"] == t and r["side"] == "lazypredict"), None)
    if not f or not l:
        continue
    print(f"\n{t}: test RMSE per model (fitpool / lazypredict, relative difference)")
    print("| model | fitpool | lazypredict | diff |")
    print("|---|---|---|---|")
    for name in sorted(set(f["models"]) | set(l["models"])):
        a, b = f["models"].get(name), l["models"].get(name)
        why = f.get("status", {}).get(name)
        fa = f"{a:.4f}" if a is not None else (why or "-")
        fb = f"{b:.4f}" if b is not None else "-"
        d = f"{(a - b) / b:+.2%}" if a is not None and b else ""
        print(f"| {name} | {fa} | {fb} | {d} |")
PY
rm -f "$OUT" "$OUT.fp" "$OUT.err"
