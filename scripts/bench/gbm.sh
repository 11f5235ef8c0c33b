#!/usr/bin/env bash
# Side-by-side fit+predict timing of our gradient boosting (benches/gbm.rs) against
# scikit-learn 1.9 (and LightGBM when importable), one core each, on Friedman #1 with 20
# features (make_friedman1, noise 1, 25 % test): HGB at 20k, 200k and 1M rows, GBR at 20k
# and 200k. Contenders alternate within each size; 20k and 200k HGB run twice (best of 2),
# the rest once (scikit-learn's GBR at 200k takes minutes). Prints the JSON lines and a
# table of ratios (ours / theirs; < 1 means we are faster). About 6-8 minutes on 2 cores.
#
#   scripts/bench/gbm.sh            PYTHON=/opt/skl/bin/python by default
#   SIZES="20000 200000" GBR_SIZES=20000 scripts/bench/gbm.sh    (a shorter run)
if [ -z "${PYTHON:-}" ] && [ -x /opt/skl/bin/python ]; then PYTHON=/opt/skl/bin/python; fi
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
SIZES=${SIZES:-"20000 200000 1000000"}
GBR_SIZES=${GBR_SIZES:-"20000 200000"}
DATA=${DATA:-/tmp/fitpool-gbm-bench}
export OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 MKL_NUM_THREADS=1
mkdir -p "$DATA"
ensure_python_deps numpy sklearn
echo "# $PYTHON, scikit-learn $("$PYTHON" -c 'import sklearn; print(sklearn.__version__)')"
LGBM=0
"$PYTHON" -c "import lightgbm" 2>/dev/null && LGBM=1
cargo bench --bench gbm --no-run >&2
BIN=$(ls -t target/release/deps/gbm-* | grep -v '\.d$' | head -1)
OUT=$(mktemp)
for n in $SIZES $GBR_SIZES; do
  [ -f "$DATA/f$n.bin" ] || "$PYTHON" $BENCH/gbm.py gen "$n" "$DATA/f$n.bin"
done
ours() { "$BIN" "$DATA/f$1.bin" "$2" 2>/dev/null | tee -a "$OUT"; }
theirs() { "$PYTHON" $BENCH/gbm.py run "$DATA/f$1.bin" "$2" | tee -a "$OUT"; }
echo "# $(date -u +%FT%TZ) $(nproc --all) cpus, load $(cut -d" " -f1-3 /proc/loadavg) $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
for n in $SIZES; do
  reps=2; [ "$n" -ge 1000000 ] && reps=1
  for _ in $(seq $reps); do
    ours "$n" hgb; theirs "$n" hgb
    [ $LGBM = 1 ] && { ours "$n" hgb-noes; theirs "$n" lgbm; }
  done
done
for n in $GBR_SIZES; do
  ours "$n" gbr; theirs "$n" gbr
done
"$PYTHON" - "$OUT" <<'PY'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1]) if l.startswith("{")]
best = {}
for r in rows:
    k = (r["side"], r["model"], r["n_train"])
    if k not in best or r["seconds"] < best[k]["seconds"]:
        best[k] = r
print("\n| model | n_train | ours s | theirs | theirs s | ratio | RMSE ours / theirs | n_iter ours / theirs |")
print("|---|---|---|---|---|---|---|---|")
pairs = [("hgb", "sklearn", "hgb"), ("hgb-noes", "lightgbm", "lgbm"), ("gbr", "sklearn", "gbr")]
for n in sorted({k[2] for k in best}):
    for om, side, tm in pairs:
        o, t = best.get(("fitpool", om, n)), best.get((side, tm, n))
        if o and t:
            print(f"| {om} | {n} | {o['seconds']:.2f} | {side} {tm} | {t['seconds']:.2f} | "
                  f"{o['seconds'] / t['seconds']:.2f}x | {o['rmse']:.4f} / {t['rmse']:.4f} | {o['n_iter']} / {t['n_iter']} |")
PY
rm -f "$OUT"
