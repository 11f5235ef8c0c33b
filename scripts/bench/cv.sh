#!/usr/bin/env bash
# 5-fold cross-validation of the article's four models (RandomForestRegressor, NuSVR,
# Ridge, ElasticNet, defaults) on Friedman #1 (tests/fixtures/data/friedman20k_train.csv:
# id, 10 features, target; no header; the first ROWS rows): fitpool --cv 5 --workers 2 vs
# a Python loop of cross_validate(model, cv=KFold(5, shuffle=True, random_state=0),
# n_jobs=2) vs LazyRegressor (a holdout only, when importable). Alternating, REPEATS
# times; wall times, mean RMSEs, fitpool's makespan against max(sum of task walls / 2,
# longest task). Under 8 minutes on 2 cores with the defaults.
#
#   scripts/bench/cv.sh                ROWS=5000 REPEATS=2 PYTHON=/opt/skl/bin/python
if [ -z "${PYTHON:-}" ] && [ -x /opt/skl/bin/python ]; then PYTHON=/opt/skl/bin/python; fi
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
ROWS=${ROWS:-5000}
REPEATS=${REPEATS:-2}
export OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 MKL_NUM_THREADS=1
ensure_python_deps numpy pandas sklearn
ensure_fitpool
mkdir -p $BENCH/out
CSV=$BENCH/out/friedman_cv_$ROWS.csv
head -n "$ROWS" tests/fixtures/data/friedman20k_train.csv > "$CSV"
LAZY=0
"$PYTHON" -c "import lazypredict" 2>/dev/null && LAZY=1
echo "# $(date -u +%FT%TZ) $(nproc --all) cpus, load $(cut -d" " -f1-3 /proc/loadavg) $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
echo "# $ROWS rows, scikit-learn $("$PYTHON" -c 'import sklearn; print(sklearn.__version__)'), lazypredict importable: $LAZY"
for r in $(seq "$REPEATS"); do
  t0=$(date +%s.%N)
  "$FITPOOL" run --train "$CSV" --no-header --id-col 0 --cv 5 --seed 0 --workers 2 --progress none \
    --format json -m "RandomForestRegressor()" -m "NuSVR()" -m "Ridge()" -m "ElasticNet()" > $BENCH/out/cv_fitpool.json
  t1=$(date +%s.%N)
  echo "{\"tool\": \"fitpool\", \"repeat\": $r, \"wall_s\": $(echo "$t1 - $t0" | bc), \"makespan\": $("$PYTHON" $BENCH/cv.py makespan $BENCH/out/cv_fitpool.json)}"
  "$PYTHON" $BENCH/cv.py skl "$CSV"
  [ $LAZY = 1 ] && "$PYTHON" $BENCH/cv.py lazy "$CSV"
done
