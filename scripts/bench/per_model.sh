#!/usr/bin/env bash
# One piece of the benchmark suite: scripts/bench/per_model.sh [--quick] [--workers N] [--repeats R]
# (see scripts/bench/README.md). Writes scripts/bench/out/per-model.md.
source "$(dirname "$0")/common.sh"
export BENCH_COMMAND="scripts/bench/per_model.sh $*"
ensure_python_deps sklearn numpy
ensure_fitpool
exec "$PYTHON" $BENCH/bench.py per-model --fitpool "$FITPOOL" "$@"
