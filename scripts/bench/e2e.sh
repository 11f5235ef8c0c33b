#!/usr/bin/env bash
# One piece of the benchmark suite: scripts/bench/e2e.sh [--quick] [--workers N] [--repeats R]
# (see scripts/bench/README.md). Writes scripts/bench/out/e2e.md.
source "$(dirname "$0")/common.sh"
export BENCH_COMMAND="scripts/bench/e2e.sh $*"
ensure_python_deps sklearn numpy pandas joblib
ensure_fitpool
exec "$PYTHON" $BENCH/bench.py e2e --fitpool "$FITPOOL" "$@"
