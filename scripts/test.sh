#!/usr/bin/env bash
# The test command: installs what a fresh machine lacks (cargo-nextest, Debian's chromium for
# the HTML report's browser tests, a one-node SLURM cluster for the SLURM tests), then runs
# every test. Idempotent; run from anywhere.
# The cluster runs from target/slurm/ (never /etc/slurm) and is stopped when the tests end,
# unless FITPOOL_KEEP_SLURM=1.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! cargo nextest --version >/dev/null 2>&1; then
  echo "[test] installing cargo-nextest from crates.io"
  cargo install --locked cargo-nextest
fi

if [ "${FITPOOL_SKIP_BROWSER:-0}" = 1 ]; then
  echo "[test] FITPOOL_SKIP_BROWSER=1: the HTML report's browser tests will say they were skipped"
elif ! command -v chromium >/dev/null; then
  echo "[test] installing chromium via apt-get (the HTML report's browser tests)"
  [ "$(id -u)" = 0 ] || { echo "[test] must be root to install chromium (or set FITPOOL_SKIP_BROWSER=1)" >&2; exit 1; }
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q >/dev/null || echo "[test] WARNING: apt-get update failed; trying to install anyway"
  apt-get install -y -q --no-install-recommends chromium >/dev/null
  echo "[test] installed: $(dpkg-query -W -f='${Package}=${Version}' chromium)"
fi

if [ "${FITPOOL_SKIP_SLURM:-0}" = 1 ]; then
  echo "[test] FITPOOL_SKIP_SLURM=1: the SLURM cluster tests will say they were skipped"
  export FITPOOL_SLURM=0
else
  # The cluster runs from a private config (state, spool, logs and pid files beside it):
  # /etc/slurm is never written. SLURM_CONF also tells the tests' sbatch/squeue where it is.
  export SLURM_CONF="$PWD/target/slurm/slurm.conf"
  # munged uses the system's key and /run/munge: one already running stays running
  munge_was_up=0
  if command -v munge >/dev/null && munge -n 2>/dev/null | unmunge >/dev/null 2>&1; then
    munge_was_up=1
  fi
  stop_cluster() {
    if [ "${FITPOOL_KEEP_SLURM:-0}" = 1 ]; then
      echo "[test] FITPOOL_KEEP_SLURM=1: the cluster keeps running (SLURM_CONF=$SLURM_CONF;"
      echo "[test] stop it with: SLURM_CONF=$SLURM_CONF bash scripts/slurm/stop.sh)"
    else
      SLURM_STOP_KEEP_MUNGE=$munge_was_up bash scripts/slurm/stop.sh || true
    fi
  }
  trap stop_cluster EXIT
  # SLURM_KILLWAIT=5: scancel's SIGKILL follows SIGTERM after 5 s instead of 30
  SLURM_KILLWAIT=5 bash scripts/slurm/start.sh
  export FITPOOL_SLURM=1
fi

# nextest does not run doc tests: the examples in the API docs run here, first, so that
# nextest's summary is the last word.
cargo test --release --doc --quiet
cargo nextest run --release --no-fail-fast "$@"
