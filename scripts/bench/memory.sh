#!/usr/bin/env bash
# One piece of the benchmark suite: scripts/bench/memory.sh [--quick] [--workers N] [--repeats R]
# (see scripts/bench/README.md). Writes scripts/bench/out/memory.md.
source "$(dirname "$0")/common.sh"
export BENCH_COMMAND="scripts/bench/memory.sh $*"
ensure_python_deps sklearn numpy
ensure_fitpool
exec "$PYTHON" $BENCH/bench.py memory --fitpool "$FITPOOL" "$@"
