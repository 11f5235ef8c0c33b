#!/usr/bin/env bash
# A row per model kind: fit + predict on Friedman 20k (tests/fixtures/data/friedman20k_*,
# 10 features), one process and one thread each, fitpool's kind (`run -j 1`, its reported fit
# and predict seconds, so fork and loading are not counted) against scikit-learn 1.9's.
# Contenders alternate, ROUNDS rounds (default 3), best of each; prints a table of ratios
# (ours / theirs, < 1 means we are faster) and the two RMSEs.
#
#   scripts/bench/kinds.sh                       every kind in `fitpool models`, defaults
#   scripts/bench/kinds.sh 'Ridge()' 'Lars()'    these specs (scikit-learn syntax)
if [ -z "${PYTHON:-}" ] && [ -x /opt/skl/bin/python ]; then PYTHON=/opt/skl/bin/python; fi
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
ensure_python_deps numpy sklearn
ensure_fitpool
export OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 MKL_NUM_THREADS=1
ROUNDS=${ROUNDS:-3}
TRAIN=tests/fixtures/data/friedman20k_train.csv
TEST=tests/fixtures/data/friedman20k_test.csv
if [ $# -gt 0 ]; then
  SPECS=("$@")
else
  mapfile -t SPECS < <("$FITPOOL" models | sed -n 's/^\([A-Za-z][A-Za-z0-9]*\).*/\1()/p')
fi
OUT=$(mktemp)
echo "# $(date -u +%FT%TZ) $(nproc --all) cpus, load $(cut -d" " -f1-3 /proc/loadavg) $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
for _ in $(seq "$ROUNDS"); do
  for spec in "${SPECS[@]}"; do
    "$PYTHON" $BENCH/kinds.py fitpool $TRAIN $TEST "$spec" >>"$OUT" || true
    "$PYTHON" $BENCH/kinds.py sklearn $TRAIN $TEST "$spec" >>"$OUT" || true
  done
done
"$PYTHON" - "$OUT" <<'PY'
import json, sys
best = {}
for l in open(sys.argv[1]):
    if not l.startswith("{"):
        continue
    r = json.loads(l)
    k = (r["side"], r["spec"])
    if k not in best or r["seconds"] < best[k]["seconds"]:
        best[k] = r
print("\n| spec | fitpool s | sklearn s | ratio | RMSE fitpool / sklearn |")
print("|---|---|---|---|---|")
for spec in dict.fromkeys(k[1] for k in best):
    o, t = best.get(("fitpool", spec)), best.get(("sklearn", spec))
    if o and t and o.get("rmse") is not None:
        print(f"| `{spec}` | {o['seconds']:.3f} | {t['seconds']:.3f} | {o['seconds'] / t['seconds']:.2f}x | {o['rmse']:.4f} / {t['rmse']:.4f} |")
    elif o and t:
        print(f"| `{spec}` | {o.get('status')} | {t['seconds']:.3f} | | |")
PY
rm -f "$OUT"
