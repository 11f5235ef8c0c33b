#!/usr/bin/env bash
# One piece of the benchmark suite: scripts/bench/orchestration.sh [--quick] [--workers N] [--repeats R]
# (see scripts/bench/README.md). Writes scripts/bench/out/orchestration.md.
source "$(dirname "$0")/common.sh"
export BENCH_COMMAND="scripts/bench/orchestration.sh $*"
ensure_python_deps sklearn numpy
ensure_fitpool
ensure_pool_bench
exec "$PYTHON" $BENCH/bench.py orchestration --fitpool "$FITPOOL" "$@"
