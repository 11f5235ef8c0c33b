#!/usr/bin/env bash
# The prep benchmark of issue 11: scripts/bench/prep.sh [ROWS] [REPEATS]
# (defaults 1,000,000 rows, 3 repeats; PYTHON=/opt/skl/bin/python for scikit-learn 1.9).
#
# Generates a seeded table (6 numeric, 4 text columns with holes, target y; gen_prep.py) under
# scripts/bench/out/, then times side by side, alternating, REPEATS times each, under
# /usr/bin/time -v (wall clock, user+sys CPU, peak RSS):
#   fitpool : fitpool inspect FILE --target y --test-size 0.25 --seed 0
#             (loads, types, splits and encodes the whole table: data::load runs the
#             pipeline's fit on the training rows and transform on both)
#   sklearn : prep.py: pandas.read_csv + train_test_split(test_size=0.25, random_state=0)
#             + the same ColumnTransformer fit_transform(train), transform(test)
# Prints a markdown table (medians and every run) on stdout and saves it to
# scripts/bench/out/prep.md.
source "$(dirname "$0")/common.sh"
ROWS=${1:-1000000}
REPEATS=${2:-3}
ensure_python_deps sklearn numpy pandas
ensure_fitpool
mkdir -p $BENCH/out
DATA=$BENCH/out/prep_${ROWS}.csv
if [ ! -s "$DATA" ]; then
  echo "[bench] generating $DATA" >&2
  "$PYTHON" $BENCH/gen_prep.py "$DATA" "$ROWS"
fi
TIMES=$BENCH/out/prep_times
rm -rf "$TIMES" && mkdir -p "$TIMES"
measure() { # measure NAME REPEAT COMMAND...
  local name=$1 rep=$2
  shift 2
  /usr/bin/time -v "$@" >/dev/null 2>"$TIMES/$name.$rep"
}
for r in $(seq 1 "$REPEATS"); do
  echo "[bench] repeat $r/$REPEATS" >&2
  measure fitpool "$r" "$FITPOOL" inspect "$DATA" --target y --test-size 0.25 --seed 0
  measure sklearn "$r" "$PYTHON" $BENCH/prep.py "$DATA" y
done
"$PYTHON" - "$TIMES" "$REPEATS" "$DATA" <<'PY' | tee $BENCH/out/prep.md
import os, re, statistics, sys
times, repeats, data = sys.argv[1], int(sys.argv[2]), sys.argv[3]
def parse(path):
    text = open(path).read()
    wall = re.search(r"Elapsed \(wall clock\) time .*: (?:(\d+):)?(\d+):([\d.]+)", text)
    h, m, s = wall.groups()
    wall = int(h or 0) * 3600 + int(m) * 60 + float(s)
    cpu = float(re.search(r"User time \(seconds\): ([\d.]+)", text).group(1)) + float(
        re.search(r"System time \(seconds\): ([\d.]+)", text).group(1))
    rss = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", text).group(1)) / 1024
    return wall, cpu, rss
runs = {n: [parse(os.path.join(times, "%s.%d" % (n, r))) for r in range(1, repeats + 1)]
        for n in ("fitpool", "sklearn")}
med = {n: [statistics.median(v[i] for v in runs[n]) for i in range(3)] for n in runs}
print("table: %s (%.1f MB)\n" % (data, os.path.getsize(data) / 1e6))
print("| side | wall s (median) | CPU s (median) | peak RSS MiB (median) | wall s, every run |")
print("|---|---|---|---|---|")
for n, label in (("fitpool", "fitpool inspect"), ("sklearn", "pandas + scikit-learn")):
    print("| %s | %.2f | %.2f | %.0f | %s |" % (label, *med[n], ", ".join("%.2f" % v[0] for v in runs[n])))
print("\nratio fitpool / pandas+sklearn: wall %.2f×, CPU %.2f×, peak RSS %.2f×"
      % tuple(med["fitpool"][i] / med["sklearn"][i] for i in range(3)))
PY
