#!/usr/bin/env bash
# The test command: installs what a fresh machine lacks (cargo-nextest, a one-node SLURM
# cluster for the SLURM tests), then runs every test. Idempotent; run from anywhere.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! cargo nextest --version >/dev/null 2>&1; then
  echo "[test] installing cargo-nextest from crates.io"
  cargo install --locked cargo-nextest
fi

if [ "${FITPOOL_SKIP_SLURM:-0}" = 1 ]; then
  echo "[test] FITPOOL_SKIP_SLURM=1: the SLURM cluster tests will say they were skipped"
  export FITPOOL_SLURM=0
else
  # SLURM_KILLWAIT=5: scancel's SIGKILL follows SIGTERM after 5 s instead of 30
  SLURM_KILLWAIT=5 bash scripts/slurm/start.sh
  export FITPOOL_SLURM=1
fi

# nextest does not run doc tests: the examples in the API docs run here, first, so that
# nextest's summary is the last word.
cargo test --release --doc --quiet
cargo nextest run --release --no-fail-fast "$@"
