#!/usr/bin/env bash
# The whole benchmark suite (issue 6): scripts/bench/run.sh [--quick] [--workers N] [--repeats R]
# Installs what is missing, builds fitpool, generates the data, runs every piece and writes
# scripts/bench/RESULTS.md. Extra options go to bench.py (see bench.py --help).
source "$(dirname "$0")/common.sh"
export BENCH_COMMAND="scripts/bench/run.sh $*"
ensure_python_deps sklearn numpy pandas joblib
ensure_fitpool
ensure_pool_bench
"$PYTHON" $BENCH/bench.py data "$@"
exec "$PYTHON" $BENCH/bench.py all --fitpool "$FITPOOL" "$@"
