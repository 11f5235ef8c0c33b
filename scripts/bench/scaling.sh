#!/usr/bin/env bash
# Scaling benchmark, stand-alone: scripts/bench/scaling.sh FITPOOL_BINARY [--max-workers 16] [--repeats R]
#
# 1, 2, 4, 8, 16 workers (capped at nproc) on a 32-task grid (Friedman #1, 20,000 / 5,000 rows):
# fitpool's wall time and speedup, and the same grid through Python's multiprocessing.Pool.
# Needs only python3 with numpy and scikit-learn, the fitpool binary, and scripts/ of the
# repository (scripts/bench/ and scripts/gen_data.py): no cargo, no network. Prints a
# Markdown table and writes it to scripts/bench/out/scaling.md. --data-dir DIR reuses
# friedman20k_{train,test}.csv from DIR instead of generating them.
set -euo pipefail
if [ $# -lt 1 ] || [ ! -x "$1" ]; then
  sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//' >&2
  exit 2
fi
BIN=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
shift
cd "$(dirname "$0")/../.."
PYTHON=${PYTHON:-python3}
if ! "$PYTHON" -c 'import numpy, sklearn' 2>/dev/null; then
  echo "scaling.sh: $PYTHON lacks numpy or scikit-learn (pip install numpy scikit-learn):" \
    "the Python columns stay empty and the data must come from --data-dir" >&2
fi
export BENCH_COMMAND="scripts/bench/scaling.sh $BIN $*"
exec "$PYTHON" scripts/bench/bench.py scaling --fitpool "$BIN" "$@"
