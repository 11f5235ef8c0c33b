# Sourced by the scripts/bench/*.sh wrappers: puts the shell in the repository root and
# provides the set-up steps of a fresh machine. Not meant to be run directly.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
BENCH=scripts/bench
PYTHON=${PYTHON:-python3}

# ensure_python_deps MODULE... : pip-installs the PyPI packages of the modules that are missing
ensure_python_deps() {
  local missing=() mod
  for mod in "$@"; do
    if ! "$PYTHON" -c "import $mod" 2>/dev/null; then
      case $mod in sklearn) missing+=(scikit-learn) ;; *) missing+=("$mod") ;; esac
    fi
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  echo "[bench] pip install ${missing[*]}" >&2
  "$PYTHON" -m pip --version >/dev/null 2>&1 || "$PYTHON" -m ensurepip --user >&2
  "$PYTHON" -m pip install --quiet "${missing[@]}" >&2 ||
    "$PYTHON" -m pip install --quiet --user --break-system-packages "${missing[@]}" >&2
}

# ensure_fitpool: sets FITPOOL (kept if already set), building the release binary with cargo
ensure_fitpool() {
  if [ -n "${FITPOOL:-}" ]; then
    [ -x "$FITPOOL" ] || { echo "[bench] FITPOOL=$FITPOOL is not an executable" >&2; exit 2; }
  elif command -v cargo >/dev/null 2>&1; then
    echo "[bench] cargo build --release" >&2
    cargo build --release --quiet >&2
    FITPOOL=$PWD/target/release/fitpool
  elif [ -x target/release/fitpool ]; then
    FITPOOL=$PWD/target/release/fitpool
  else
    echo "[bench] no fitpool binary: install Rust (cargo) or set FITPOOL=/path/to/fitpool" >&2
    exit 2
  fi
  export FITPOOL
}

# ensure_pool_bench: compiles the pool micro-benchmark ahead, so that compiling is not timed
ensure_pool_bench() {
  if command -v cargo >/dev/null 2>&1 && [ -f benches/pool.rs ]; then
    echo "[bench] cargo bench --bench pool --no-run" >&2
    cargo bench --bench pool --no-run --quiet >&2 || echo "[bench] (pool bench does not build; skipped)" >&2
  fi
}
