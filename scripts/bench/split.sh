#!/usr/bin/env bash
# Issue 18: the article's job (RandomForestRegressor, NuSVR, Ridge, ElasticNet, defaults) on
# Friedman #1 20k (tests/fixtures/data/friedman20k_{train,test}.csv, where NuSVR is the longest
# task) and 5k (friedman_{train,test}.csv, where the forest is), WORKERS workers (default 2),
# with `--split auto` (the forest fitted in parts on idle workers) vs `--split never`,
# alternating, ROUNDS rounds (default 3). For each round: both wall times, and the bound
# max(sum of task walls / workers, longest unsplittable task) from the `never` run's journal of
# the same round; the goal is `auto` within 5 % of it. Then the makespan simulator
# (makespan.py) on these runs' measured times, holdout and 5-fold, for 2-256 workers.
# Writes scripts/bench/RESULTS-split.md. About 5 minutes on 2 cores.
#
#   scripts/bench/split.sh            ROUNDS=3 WORKERS=2 FITPOOL=target/release/fitpool
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
ROUNDS=${ROUNDS:-3}
WORKERS=${WORKERS:-2}
ensure_fitpool
OUT=$BENCH/out/split
rm -rf "$OUT"
mkdir -p "$OUT"
MODELS=(-m "RandomForestRegressor()" -m "NuSVR()" -m "Ridge()" -m "ElasticNet()")

job() { # job MODE JOURNAL [extra args...]: runs the article's job, prints its wall seconds
  local mode=$1 journal=$2
  shift 2
  local t0 t1
  t0=$(date +%s.%N)
  "$FITPOOL" run --train "$TRAIN" --test "$TEST" --id-col 0 --workers "$WORKERS" \
    --progress none --format json --split "$mode" --journal "$journal" "${MODELS[@]}" "$@" \
    > "$journal.json"
  t1=$(date +%s.%N)
  echo "$t1 - $t0" | bc
}

{
  echo "# Fitting forests in parts (issue 18)"
  echo
  echo "- machine: $(nproc) usable cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), load at start $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "- date: $(date -u '+%F %H:%M UTC'); git commit: $(git rev-parse --short HEAD 2>/dev/null || echo '?')"
  echo "- command: \`ROUNDS=$ROUNDS WORKERS=$WORKERS scripts/bench/split.sh\`"
  echo
  for size in 20k 5k; do
    case $size in
      20k) TRAIN=tests/fixtures/data/friedman20k_train.csv TEST=tests/fixtures/data/friedman20k_test.csv ;;
      5k) TRAIN=tests/fixtures/data/friedman_train.csv TEST=tests/fixtures/data/friedman_test.csv ;;
    esac
    echo "## The article's job on Friedman $size, $WORKERS workers, measured (alternating)"
    echo
    echo "| round | --split never s | --split auto s | auto / never | bound s | auto / bound | forest parts |"
    echo "|---|---|---|---|---|---|---|"
    for r in $(seq "$ROUNDS"); do
      never=$(job never "$OUT/never_${size}_$r.jsonl")
      auto=$(job auto "$OUT/auto_${size}_$r.jsonl")
      python3 - "$OUT/never_${size}_$r.jsonl" "$OUT/auto_${size}_$r.jsonl.json" "$never" "$auto" "$WORKERS" "$r" <<'EOF'
import json, sys
journal, auto_json, never, auto, workers, r = sys.argv[1:]
never, auto, workers = float(never), float(auto), int(workers)
tasks = [json.loads(l) for l in open(journal) if '"type":"task"' in l.replace(" ", "")]
work = sum(t["wall_seconds"] for t in tasks)
unsplittable = max(t["wall_seconds"] for t in tasks if not t["model"].startswith(("RandomForest", "ExtraTrees", "Bagging")))
bound = max(work / workers, unsplittable)
doc = json.load(open(auto_json))
parts = [x.get("parts") for x in doc["results"] if x["model"].startswith("RandomForest")]
print(f"| {r} | {never:.2f} | {auto:.2f} | {auto / never:.2f}x | {bound:.2f} | {auto / bound:.3f} | {parts[0] or 1} |")
EOF
    done
    echo
    echo "Bound: max(sum of the \`never\` run's task walls / $WORKERS, its longest task that cannot be split)."
    echo "Wall times include loading the data and forking; the bound does not."
    echo
    # the simulator's inputs: the same job whole and in one part per block, holdout and 5-fold
    job never "$OUT/sim_whole_$size.jsonl" > /dev/null
    job 32 "$OUT/sim_parts_$size.jsonl" > /dev/null
    python3 $BENCH/makespan.py --whole "$OUT/sim_whole_$size.jsonl" --parts "$OUT/sim_parts_$size.jsonl" \
      --title "the article's job, Friedman $size holdout, times measured here"
    job never "$OUT/sim_whole_${size}_cv.jsonl" --cv 5 > /dev/null
    job 32 "$OUT/sim_parts_${size}_cv.jsonl" --cv 5 > /dev/null
    python3 $BENCH/makespan.py --whole "$OUT/sim_whole_${size}_cv.jsonl" --parts "$OUT/sim_parts_${size}_cv.jsonl" \
      --title "the article's job, Friedman $size train, 5-fold CV, times measured here"
  done
} | tee $BENCH/RESULTS-split.md
