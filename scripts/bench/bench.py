#!/usr/bin/env python3
"""fitpool's benchmark suite (issue 6). One driver, one subcommand per piece:

  bench.py e2e           article.py vs joblib_version.py vs `fitpool run`: wall time, peak tree RSS/PSS, RMSEs
  bench.py per-model     fit/predict seconds and RMSE per model, fitpool --workers 1 vs a plain sklearn loop
  bench.py orchestration pool round trip (cargo bench / bench_pool.py) and makespan vs its lower bound
  bench.py scaling       1, 2, 4, 8, 16 workers on a 32-task grid, fitpool vs multiprocessing.Pool
  bench.py memory        summed PSS of the tree, fitpool with 1 and 2 workers on 100k rows
  bench.py all           all of the above; writes scripts/bench/RESULTS.md
  bench.py data          only generate the datasets (diabetes, Friedman 20k and 100k)

Common options: --quick (one repeat, small data), --workers N (default: usable cores),
--repeats R (default 3 for e2e and orchestration, 1 elsewhere), --fitpool PATH.
Tables go to stdout and, for `all`, to scripts/bench/RESULTS.md (a single piece writes
scripts/bench/out/<piece>.md). Only the Python standard library is imported here; the
measured programs need numpy + scikit-learn (+ pandas, joblib for e2e).
"""
import argparse
import datetime
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)
import treemon  # noqa: E402

PY = sys.executable or "python3"
ARTICLE_MODELS = ["RandomForestRegressor()", "NuSVR()", "Ridge()", "ElasticNet()"]
PER_MODEL_MODELS = ["RandomForestRegressor()", "NuSVR()", "SVR()", "Ridge()", "ElasticNet()"]
# Manhattan k-NN reads the training rows where they lie (fitpool's p=1 path keeps only a
# candidate list, 1.6 MB at 100k rows): a model whose own memory is small next to the data, so
# that a copy of the data per worker would show. (Euclidean k-NN makes a centred copy of the
# training set and a 32 MiB score block per worker: model memory, which would hide it.)
MEMORY_MODELS = ["KNeighborsRegressor(n_neighbors=5, p=1)", "KNeighborsRegressor(n_neighbors=10, p=1)"]

# name: (generator, train rows, test rows)
DATASETS = {
    "diabetes": ("diabetes", None, None),
    "friedman20k": ("friedman", 20000, 5000),
    "friedman100k": ("friedman", 100000, 1000),  # memory piece: 1,000 test rows keep p=1 k-NN short
    "friedman2k": ("friedman", 2000, 500),  # --quick stand-in for friedman20k
    "friedman10k": ("friedman", 10000, 1000),  # --quick stand-in for friedman100k
}


def grid():
    """The >= 32 quick tasks of the orchestration and scaling benchmarks (sklearn spelling)."""
    g = ["Ridge(alpha=%r)" % a for a in (0.01, 0.1, 1.0, 10.0, 100.0, 1000.0)]
    g += ["Lasso(alpha=%r)" % a for a in (0.001, 0.01, 0.1, 1.0)]
    g += ["ElasticNet(alpha=%r, l1_ratio=%r)" % (a, r) for a in (0.01, 0.1, 1.0) for r in (0.2, 0.8)]
    g += ["KNeighborsRegressor(n_neighbors=%d)" % k for k in (1, 5, 10, 25)]
    g += ["DecisionTreeRegressor(max_depth=%d, random_state=0)" % d for d in (2, 4, 6, 8, 10, 12)]
    g += ["RandomForestRegressor(n_estimators=20, max_depth=%d, random_state=0)" % d for d in (2, 4, 6, 8, 10, 12)]
    return g


def variant(spec, k):
    """Copy k of a grid task, with a distinct repr (fitpool runs a repeated repr once) and the
    same cost: seeded trees get random_state=k, linear models alpha × (1 + k·1e-9), k-NN
    n_neighbors + 100·k (both sides search by brute force on 20 features)."""
    if k == 0:
        return spec
    if "random_state=" in spec:
        return re.sub(r"random_state=\d+", "random_state=%d" % k, spec)
    if "alpha=" in spec:
        return re.sub(r"alpha=([0-9.e+-]+)", lambda m: "alpha=%r" % (float(m.group(1)) * (1 + k * 1e-9)), spec)
    if "n_neighbors=" in spec:  # selecting 5 or 105 neighbours by brute force costs the same
        return re.sub(r"n_neighbors=(\d+)", lambda m: "n_neighbors=%d" % (int(m.group(1)) + 100 * k), spec)
    raise ValueError("no distinct copy of %s" % spec)


def grid_copies(copies):
    return [variant(s, k) for k in range(copies) for s in grid()]


# ----------------------------------------------------------------------------- helpers


def log(msg):
    print("[bench %s] %s" % (time.strftime("%H:%M:%S"), msg), file=sys.stderr, flush=True)


def ncores():
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 1


def loadavg():
    try:
        with open("/proc/loadavg") as f:
            return " ".join(f.read().split()[:3])
    except OSError:
        return "?"


def mib(b):
    return "%.1f" % (b / 2**20)


def secs(x):
    return "%.3f" % x if x < 10 else "%.2f" % x


def ratio(a, b):
    return "%.2f×" % (a / b) if b else "n/a"


def md_table(headers, rows):
    out = ["| " + " | ".join(headers) + " |", "|" + "|".join("---" for _ in headers) + "|"]
    out += ["| " + " | ".join(str(c) for c in r) + " |" for r in rows]
    return "\n".join(out)


def med(xs):
    xs = [x for x in xs if x is not None]
    return statistics.median(xs) if xs else None


def spread(xs):
    """'median (min–max)' of seconds."""
    xs = [x for x in xs if x is not None]
    if not xs:
        return "n/a"
    if len(xs) == 1:
        return secs(xs[0])
    return "%s (%s–%s)" % (secs(statistics.median(xs)), secs(min(xs)), secs(max(xs)))


class Ctx:
    """What every piece needs: options, paths, the fitpool binary, a scratch directory."""

    def __init__(self, a):
        self.quick = a.quick
        self.workers = a.workers or ncores()
        self.repeats_opt = a.repeats
        self.out = os.path.abspath(a.out)
        self.data_dir = os.path.abspath(a.data_dir) if a.data_dir else os.path.join(self.out, "data")
        self.runs_dir = os.path.join(self.out, "runs")
        os.makedirs(self.data_dir, exist_ok=True)
        os.makedirs(self.runs_dir, exist_ok=True)
        self.fitpool = a.fitpool or os.environ.get("FITPOOL") or os.path.join(REPO, "target", "release", "fitpool")
        self.fitpool = os.path.abspath(self.fitpool)
        self.gen_data = a.gen_data or os.path.join(REPO, "scripts", "gen_data.py")
        self.a = a
        self.seq = 0
        self.noise = []  # per run: share of the machine's CPUs other processes used meanwhile

    def repeats(self, default):
        if self.repeats_opt:
            return self.repeats_opt
        return 1 if self.quick else default

    def scratch(self, stem):
        self.seq += 1
        return os.path.join(self.runs_dir, "%03d-%s" % (self.seq, stem))

    def data(self, name):
        """(train, test) paths of a dataset, generating it if missing."""
        if self.quick:
            name = {"friedman20k": "friedman2k", "friedman100k": "friedman10k"}.get(name, name)
        train = os.path.join(self.data_dir, name + "_train.csv")
        test = os.path.join(self.data_dir, name + "_test.csv")
        if not (os.path.exists(train) and os.path.exists(test)):
            kind, ntr, nte = DATASETS[name]
            if not os.path.exists(self.gen_data):
                sys.exit("bench: %s is missing and so is %s (pass --gen-data or --data-dir)" % (train, self.gen_data))
            cmd = [PY, self.gen_data, kind, self.data_dir, "--name", name]
            if ntr:
                cmd += ["--train", str(ntr), "--test", str(nte)]
            log("generating %s" % name)
            subprocess.run(cmd, check=True, stdout=sys.stderr)
        return train, test

    def check_fitpool(self):
        if not os.access(self.fitpool, os.X_OK):
            sys.exit("bench: no fitpool binary at %s (build it: cargo build --release, or pass --fitpool)" % self.fitpool)


def fitpool_cmd(ctx, train, test, models, workers, journal=None):
    cmd = [ctx.fitpool, "run", "--train", train, "--test", test, "--id-col", "0",
           "--workers", str(workers), "--format", "json", "--progress", "none"]
    for m in models:
        cmd += ["-m", m]
    if journal:
        cmd += ["--journal", journal]
    return cmd


def norm(spec):
    return spec.replace(" ", "")


def match(results, specs):
    """Orders fitpool's (ranked) JSON records as the lineup `specs`: by `index` when present,
    else by model string; returns a list with None where a model has no record."""
    out = [None] * len(specs)
    if len(results) > len(specs) or (results and len({norm(r.get("key", r.get("model", ""))) for r in results}) < len(results)):
        log("warning: fitpool returned %d records for %d models" % (len(results), len(specs)))
    if len(results) < len(specs):
        log("warning: fitpool returned %d records for %d models (merged repeats? failures?)" % (len(results), len(specs)))
    if results and all(isinstance(r.get("index"), int) for r in results):
        for r in results:
            if 0 <= r["index"] < len(specs):
                out[r["index"]] = r
        return out
    left = list(results)
    for i, s in enumerate(specs):
        for r in left:
            if norm(r.get("model", "")) == norm(s):
                out[i] = r
                left.remove(r)
                break
    for i in range(len(specs)):  # whatever is left, in order (e.g. repr spelled differently)
        if out[i] is None and left:
            out[i] = left.pop(0)
    return out


def run_measured(ctx, stem, argv, env=None, interval=0.05):
    """Runs argv under the tree monitor; returns (measurement, stdout text)."""
    base = ctx.scratch(stem)
    m = treemon.measure(argv, stdout_path=base + ".out", stderr_path=base + ".err", env=env, interval=interval)
    ctx.noise.append(m["others_cpu_share"])
    with open(base + ".out", errors="replace") as f:
        text = f.read()
    if m["rc"] != 0:
        with open(base + ".err", errors="replace") as f:
            err = f.read()
        log("FAILED (rc %s): %s\n%s" % (m["rc"], " ".join(argv)[:300], err[-2000:]))
    return m, text


def run_timed(ctx, stem, argv, env=None):
    """Runs argv without the monitor (wall time only); returns (seconds, rc, stdout)."""
    base = ctx.scratch(stem)
    with open(base + ".out", "wb") as out, open(base + ".err", "wb") as err:
        busy0 = treemon.busy_seconds()
        ctx.launched_at = time.time()
        t0 = time.perf_counter()
        proc = subprocess.Popen(argv, stdout=out, stderr=err, env=env)
        _, status, ru = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - t0
        rc = proc.returncode = os.waitstatus_to_exitcode(status)
        ctx.last_cpu = treemon.cpu_stats(ru, wall, busy0)
        ctx.noise.append(ctx.last_cpu["others_cpu_share"])
    with open(base + ".out", errors="replace") as f:
        text = f.read()
    if rc != 0:
        with open(base + ".err", errors="replace") as f:
            log("FAILED (rc %s): %s\n%s" % (rc, " ".join(argv)[:300], f.read()[-2000:]))
    return wall, rc, text


def parse_json(text):
    try:
        return json.loads(text)
    except ValueError:
        return None


def parse_rmse_lines(text):
    """'RMSE repr' lines of article.py / joblib_version.py -> {repr: rmse}."""
    out = {}
    for line in text.splitlines():
        parts = line.strip().split(" ", 1)
        if len(parts) == 2:
            try:
                out[parts[1]] = float(parts[0])
            except ValueError:
                pass
    return out


def fitpool_grid(ctx, stem, train, test, specs, workers):
    """Runs fitpool (JSON, no journal: its fsyncs would time the disk) and returns
    (process wall, makespan, {index: record}) or None. Makespan: the last task's `finished_at`
    minus the moment fitpool was launched, so it includes start-up and loading the data."""
    wall, rc, text = run_timed(ctx, stem, fitpool_cmd(ctx, train, test, specs, workers))
    log("  %s: %.3f s, CPU %.2f s, others used %.0f %% of the machine" % (
        stem, wall, ctx.last_cpu["cpu_seconds"], 100 * ctx.last_cpu["others_cpu_share"]))
    doc = parse_json(text) if rc == 0 else None
    if not doc:
        return None
    recs = {i: r for i, r in enumerate(match(doc.get("results", []), specs)) if r}
    ends = [r["finished_at"] for r in recs.values() if r.get("finished_at")]
    return wall, (max(ends) - ctx.launched_at if ends else None), recs


def ok_times(recs):
    return [r["wall_seconds"] for r in recs.values() if r.get("status", "ok") == "ok"]


def lower_bound(task_seconds, workers):
    return max(sum(task_seconds) / workers, max(task_seconds)) if task_seconds else None


def specs_file(ctx, specs):
    path = ctx.scratch("specs") + ".txt"
    with open(path, "w") as f:
        f.write("\n".join(specs) + "\n")
    return path


def mp_grid(ctx, stem, train, test, specs, workers):
    """Python's side (mp_grid.py): (process wall, parsed JSON or None)."""
    argv = [PY, os.path.join(HERE, "mp_grid.py"), "--train", train, "--test", test,
            "--workers", str(workers), "--specs-file", specs_file(ctx, specs)]
    wall, rc, text = run_timed(ctx, stem, argv)
    return wall, (parse_json(text) if rc == 0 else None)


# ----------------------------------------------------------------------------- pieces


def piece_e2e(ctx):
    ctx.check_fitpool()
    n, R = ctx.workers, ctx.repeats(3)
    sections = ["## End to end: the article's four models, %d worker(s), %d run(s) each, alternating\n" % (n, R),
                "Wall time of the whole program; peak of the summed RSS / PSS of its process tree "
                "(sampled every 50 ms; a run with few samples can miss its peak: \"largest process RSS\" is the kernel's "
                "exact ru_maxrss of the biggest single process; \"others' CPU\": the share of the machine's CPUs that other "
                "processes, the monitor included, used during the run: the noise). Load average at start: %s." % loadavg()]
    for ds in ("diabetes", "friedman20k"):
        train, test = ctx.data(ds)
        variants = {
            "article.py (Pool.map)": [PY, os.path.join(HERE, "article.py"), train, test, str(n)],
            "joblib_version.py": [PY, os.path.join(HERE, "joblib_version.py"), train, test, str(n)],
            "fitpool run": fitpool_cmd(ctx, train, test, ARTICLE_MODELS, n),
        }
        meas = {v: [] for v in variants}
        rmses = {v: {m: [] for m in ARTICLE_MODELS} for v in variants}
        for r in range(R):
            for v, argv in variants.items():
                log("e2e %s run %d/%d: %s" % (ds, r + 1, R, v))
                m, text = run_measured(ctx, "e2e-%s-%s" % (ds, v.split()[0]), argv)
                if m["rc"] != 0:
                    continue
                meas[v].append(m)
                if v == "fitpool run":
                    doc = parse_json(text) or {}
                    for spec, rec in zip(ARTICLE_MODELS, match(doc.get("results", []), ARTICLE_MODELS)):
                        if rec and rec.get("rmse") is not None:
                            rmses[v][spec].append(rec["rmse"])
                else:
                    got = parse_rmse_lines(text)
                    for spec in ARTICLE_MODELS:
                        if spec in got:
                            rmses[v][spec].append(got[spec])
        rows, medians = [], {}
        for v in variants:
            ms = meas[v]
            w, rs, ps = (med([x[k] for x in ms]) for k in ("wall_seconds", "peak_rss_bytes", "peak_pss_bytes"))
            medians[v] = (w, rs, ps)
            rows.append([v, spread([x["wall_seconds"] for x in ms]),
                         mib(rs) if rs else "n/a", mib(ps) if ps else "n/a",
                         mib(max(x["max_single_rss_bytes"] for x in ms)) if ms else "n/a",
                         max((x["max_procs"] for x in ms), default=0),
                         min((x["samples"] for x in ms), default=0),
                         "%.0f %%" % (100 * med([x["others_cpu_share"] for x in ms])) if ms else "n/a", len(ms)])
        sections.append("\n### %s (%s)\n" % (ds, os.path.basename(train)))
        sections.append(md_table(["program", "wall s: median (min–max)", "peak Σ RSS MiB", "peak Σ PSS MiB",
                                  "largest process RSS MiB", "processes", "samples (min)", "others' CPU", "runs ok"], rows))
        fp = medians["fitpool run"]
        rat = []
        for other in ("article.py (Pool.map)", "joblib_version.py"):
            o = medians[other]
            if fp[0] and o[0]:
                rat.append(["fitpool / " + other.split()[0], ratio(fp[0], o[0]), ratio(fp[1], o[1]), ratio(fp[2], o[2])])
        sections.append("\n" + md_table(["ratio (medians)", "wall", "peak Σ RSS", "peak Σ PSS"], rat))
        rrows = []
        for spec in ARTICLE_MODELS:
            vals = [med(rmses[v][spec]) for v in variants]
            rrows.append([spec] + ["%.4f" % x if x is not None else "n/a" for x in vals])
        sections.append("\nTest RMSE (median over runs; forests are unseeded on both sides, as in the article):\n")
        sections.append(md_table(["model"] + list(variants), rrows))
    return "\n".join(sections) + "\n"


def piece_per_model(ctx):
    ctx.check_fitpool()
    train, test = ctx.data("friedman20k")
    specs = PER_MODEL_MODELS
    R = ctx.repeats(1)
    la = loadavg()
    py, fp = {s: [] for s in specs}, {s: [] for s in specs}
    for r in range(R):
        log("per-model run %d/%d: sklearn plain loop" % (r + 1, R))
        _, doc = mp_grid(ctx, "per-model-sklearn", train, test, specs, 0)
        for rec in (doc or {}).get("results", []):
            py[specs[rec["index"]]].append(rec)
        log("per-model run %d/%d: fitpool --workers 1" % (r + 1, R))
        _, rc, text = run_timed(ctx, "per-model-fitpool", fitpool_cmd(ctx, train, test, specs, 1))
        doc = parse_json(text) if rc == 0 else None
        for s, rec in zip(specs, match((doc or {}).get("results", []), specs)):
            if rec and rec.get("status", "ok") == "ok":
                fp[s].append(rec)
    rows = []
    for s in specs:
        f_fit, f_pred = med([x.get("fit_seconds") for x in fp[s]]), med([x.get("predict_seconds") for x in fp[s]])
        p_fit, p_pred = med([x["fit_seconds"] for x in py[s]]), med([x["predict_seconds"] for x in py[s]])
        f_rmse, p_rmse = med([x.get("rmse") for x in fp[s]]), med([x["rmse"] for x in py[s]])
        cell = lambda x: secs(x) if x is not None else "n/a"  # noqa: E731
        tot_f = f_fit + f_pred if f_fit is not None and f_pred is not None else None
        tot_p = p_fit + p_pred if p_fit is not None else None
        rows.append([s, cell(f_fit), cell(f_pred), cell(p_fit), cell(p_pred),
                     ratio(tot_f, tot_p) if tot_f is not None and tot_p else "n/a",
                     "%.4f" % f_rmse if f_rmse is not None else "n/a",
                     "%.4f" % p_rmse if p_rmse is not None else "n/a",
                     "%+.2f%%" % (100 * (f_rmse - p_rmse) / p_rmse) if f_rmse is not None and p_rmse else "n/a"])
    head = ("## Per model, one process, one thread (%s, %d run(s), load average at start %s)\n\n"
            "fitpool: `--workers 1`, fit/predict seconds from its JSON. scikit-learn: a plain loop "
            "(mp_grid.py --workers 0, one BLAS thread), data loaded once as float64.\n\n" % (os.path.basename(train), R, la))
    return head + md_table(["model", "fitpool fit s", "fitpool predict s", "sklearn fit s", "sklearn predict s",
                            "fit+predict fitpool/sklearn", "fitpool RMSE", "sklearn RMSE", "RMSE diff"], rows) + "\n"


def criterion_lines(text):
    """'name  time: [lo mid hi]' lines of a criterion run, joined with their names."""
    out, last = [], ""
    for line in text.splitlines():
        if "time:" in line:
            name = line.split("time:")[0].strip() or last
            out.append("%s: %s" % (name, line.split("time:")[1].strip()))
        elif line.strip() and not line.startswith(" ") and "Benchmarking" not in line:
            last = line.strip()
    return out


def trivial(n):
    """n distinct trivial tasks (fitpool runs a repeated repr once): Ridge(alpha=1.000001), ..."""
    return ["Ridge(alpha=%r)" % (1 + i * 1e-6) for i in range(n)]


def round_trip(ctx):
    """Per-task cost of a trivial task beyond its own work, end to end: N Ridge() tasks on diabetes
    with one worker for two N; (Δ makespan − Δ Σ task time) / Δ N cancels start-up and loading.
    fitpool: makespan from its launch; Python: around Pool(1) + map. Returns Markdown."""
    train, test = ctx.data("diabetes")
    n1, n2 = (50, 500) if ctx.quick else (200, 2000)
    rows = []
    fp, py = {}, {}
    for n in (n1, n2):
        runs_fp, runs_py = [], []
        for _ in range(3):  # medians of 3
            g = fitpool_grid(ctx, "roundtrip-fitpool-%d" % n, train, test, trivial(n), 1)
            if g and g[1]:
                runs_fp.append((g[1], sum(ok_times(g[2]))))
            _, doc = mp_grid(ctx, "roundtrip-python-%d" % n, train, test, trivial(n), 1)
            if doc:
                runs_py.append((doc["makespan_seconds"], sum(r["wall_seconds"] for r in doc["results"])))
        for d, runs in ((fp, runs_fp), (py, runs_py)):
            if runs:
                d[n] = (med([x[0] for x in runs]), med([x[1] for x in runs]))
    for name, d in (("fitpool --workers 1", fp), ("multiprocessing.Pool(1).map", py)):
        if n1 in d and n2 in d:
            per = ((d[n2][0] - d[n1][0]) - (d[n2][1] - d[n1][1])) / (n2 - n1)
            rows.append([name, "%s / %s" % (secs(d[n1][0]), secs(d[n2][0])),
                         "%.1f / %.1f" % (1e6 * d[n1][1] / n1, 1e6 * d[n2][1] / n2), "%.1f" % (1e6 * per)])
        else:
            rows.append([name, "n/a", "n/a", "n/a"])
    return ("End-to-end proxy: %d and %d distinct Ridge(alpha=1+i·1e-6) tasks on diabetes, one worker; per-task overhead = "
            "(Δ makespan − Δ Σ task time) / Δ tasks, which cancels start-up and loading the data; medians of 3 runs.\n\n" % (n1, n2)
            + md_table(["runner", "makespan s (%d / %d tasks)" % (n1, n2), "mean task µs", "per-task overhead µs"], rows)
            + "\n")


def pool_bench_table(lines):
    """Side-by-side table of the lines printed by benches/pool.rs and scripts/bench_pool.py."""
    rt = {}
    best = {}
    start = {}
    for l in lines:
        m = re.match(r"(python )?round_trip tasks=(\d+) workers=(\d+) (prefetch=\d+|chunksize=\d+): "
                     r"best ([\d.]+) us/task, median ([\d.]+) us/task", l)
        if m:
            who = ("multiprocessing.Pool, " if m.group(1) else "fitpool pool, ") + m.group(4)
            rt[who] = (m.group(3), m.group(6))
            best[who] = float(m.group(5))
            continue
        m = re.match(r"(?:python Pool\((\d+)\) start|start workers=(\d+)) matrix=\S+ f64: fork best [\d.]+ ms, "
                     r"median ([\d.]+) ms; all answered best [\d.]+ ms, median ([\d.]+) ms", l)
        if m:
            n = int(m.group(1) or m.group(2))
            start.setdefault(n, {})["py" if m.group(1) else "fp"] = (m.group(3), m.group(4))
    if not rt and not start:
        return ""
    rows = [["round trip of a trivial task, %s workers: %s" % (w, who), med_ + " µs/task"] for who, (w, med_) in rt.items()]
    fp = [w for w in rt if w.startswith("fitpool") and not w.endswith("prefetch=0")]
    py = [w for w in rt if w.startswith("multiprocessing")]
    if fp and py:
        f, p = fp[0], py[0]
        rows.append(["round trip, multiprocessing.Pool ÷ fitpool (target ≥ 10×)",
                     "%.1f× (medians), %.1f× (bests)" % (float(rt[p][1]) / float(rt[f][1]), best[p] / best[f])])
    for n in sorted(start):
        for side, name in (("fp", "fitpool pool"), ("py", "multiprocessing.Pool")):
            if side in start[n]:
                f, a = start[n][side]
                rows.append(["start %d workers with a 100,000 × 20 matrix: %s" % (n, name),
                             "fork %s ms, all answered %s ms" % (f, a)])
    return md_table(["measurement", "median"], rows)


def piece_orchestration(ctx):
    ctx.check_fitpool()
    parts = ["## Orchestration\n", "### Per-task round trip of a trivial task\n"]
    # (i) the pool engineer's micro-benchmarks, called, not duplicated
    raw = []
    quick = ["--quick"] if ctx.quick else []
    if shutil.which("cargo") and os.path.exists(os.path.join(REPO, "benches", "pool.rs")):
        log("cargo bench --bench pool")
        p = subprocess.run(["cargo", "bench", "--bench", "pool", "--"] + quick, cwd=REPO, capture_output=True, text=True)
        raw.append(("cargo bench --bench pool" + " -- --quick" * ctx.quick, p.returncode,
                    [l for l in p.stdout.splitlines() if l.strip()] or p.stderr.strip().splitlines()[-10:]))
    else:
        parts.append("`cargo bench --bench pool`: not run (no cargo or no benches/pool.rs in this checkout).\n")
    bp = os.path.join(REPO, "scripts", "bench_pool.py")
    if os.path.exists(bp):
        log("scripts/bench_pool.py")
        p = subprocess.run([PY, bp] + quick, cwd=REPO, capture_output=True, text=True)
        raw.append(("python3 scripts/bench_pool.py" + " --quick" * ctx.quick, p.returncode,
                    [l for l in p.stdout.splitlines() if l.strip()] or p.stderr.strip().splitlines()[-10:]))
    else:
        parts.append("`scripts/bench_pool.py`: not present in this checkout.\n")
    if raw:
        table = pool_bench_table([l for _, _, lines in raw for l in lines])
        if table:
            parts.append("The pool's own micro-benchmarks (`benches/pool.rs`, `scripts/bench_pool.py`), medians:\n\n" + table + "\n")
        for cmd, rc, lines in raw:
            parts.append("`%s` (rc %d):\n\n```\n%s\n```\n" % (cmd, rc, "\n".join(lines[-20:])))
    log("round trip: trivial tasks")
    parts.append(round_trip(ctx))

    # (ii) makespan vs lower bound
    parts.append(makespan(ctx))
    return "\n".join(parts) + "\n"


def makespan(ctx):
    """Makespan of the 32-task grid against its lower bound. One-worker and n-worker runs
    alternate, and each n-worker run is held against the one-worker run just before it, so that
    a drift in the machine's speed between runs does not read as a scheduling loss."""
    train, test = ctx.data("friedman20k")
    specs, n, R = grid(), ctx.workers, ctx.repeats(3)
    rows, vs_lb, vs_own = [], [], []
    for r in range(R):
        log("makespan: run %d/%d: fitpool --workers 1 (task times), then --workers %d" % (r + 1, R, n))
        one = fitpool_grid(ctx, "grid-w1", train, test, specs, 1)
        many = fitpool_grid(ctx, "grid-w%d" % n, train, test, specs, n)
        if not (one and many and many[1]):
            continue
        t1, tn = ok_times(one[2]), ok_times(many[2])
        lb, own = lower_bound(t1, n), lower_bound(tn, n)
        span = many[1]
        launched = max(x["finished_at"] for x in many[2].values()) - span
        start = min(x["finished_at"] - x["wall_seconds"] for x in many[2].values()) - launched
        vs_lb.append(span / lb)
        vs_own.append(span / own)
        rows.append([r + 1, secs(sum(t1)), secs(max(t1)), secs(lb), secs(span), "%.3f" % start,
                     secs(sum(tn)), ratio(span, lb), ratio(span, own)])
    head = ("\n### Makespan of a %d-task grid on %s, %d workers, %d run(s)\n\n"
            "Each run: `fitpool --workers 1` for the task times (each task's `wall_seconds`), then "
            "`--workers %d` on the same grid. Lower bound LB = max(Σ one-worker task times / workers, longest "
            "task). Makespan = the last task's `finished_at` − the launch of the fitpool process, so it includes "
            "start-up and loading the data (\"first task at\"). \"÷ own LB\" holds the makespan against the "
            "bound computed from the same run's task times: the scheduling loss alone, without the tasks' own "
            "slow-down when they share the machine. Target: within 5 %% of LB. Load average now: %s.\n\n"
            % (len(specs), os.path.basename(train), n, R, n, loadavg()))
    table = md_table(["run", "Σ tasks, 1 worker s", "longest s", "LB s", "makespan s", "first task at s",
                      "Σ tasks, %d workers s" % n, "makespan ÷ LB", "÷ own LB"], rows)
    summary = ("\nMedian makespan ÷ LB: %s (min–max %s–%s); ÷ own LB: %s.\n" % (
        "%.3f×" % med(vs_lb), "%.3f" % min(vs_lb), "%.3f" % max(vs_lb), "%.3f×" % med(vs_own))) if vs_lb else ""
    return head + table + "\n" + summary


def worker_counts(max_workers):
    cap = min(max_workers, ncores())
    counts = [w for w in (1, 2, 4, 8, 16, 32, 64) if w <= cap]
    if cap not in counts:
        counts.append(cap)
    return counts


def piece_scaling(ctx):
    ctx.check_fitpool()
    train, test = ctx.data("friedman20k")
    counts = worker_counts(ctx.a.max_workers)
    # Auto: enough copies of the grid that Σ task / workers stays above the longest task at the
    # top worker count (the 32-task grid alone caps the speedup near 4-5: its 4 k-NN tasks).
    copies = ctx.a.grid_copies or max(1, -(-counts[-1] // 4))
    specs = grid_copies(copies)
    R = ctx.repeats(1)
    la = loadavg()
    have_py = subprocess.run([PY, "-c", "import numpy, sklearn"], capture_output=True).returncode == 0
    if not have_py:
        log("scaling: %s lacks numpy or scikit-learn: fitpool only" % PY)
    res = {}  # (side, workers) -> [(wall, makespan, task times)]
    for w in counts:
        for r in range(R):
            log("scaling: %d worker(s), run %d/%d: fitpool" % (w, r + 1, R))
            g = fitpool_grid(ctx, "scale-fp-w%d" % w, train, test, specs, w)
            if g:
                res.setdefault(("fp", w), []).append((g[0], g[1], ok_times(g[2])))
                log("  fitpool %d worker(s): wall %.3f s, makespan %.3f s, Σ tasks %.3f s" % (w, g[0], g[1] or 0, sum(ok_times(g[2]))))
            if not have_py:
                continue
            log("scaling: %d worker(s), run %d/%d: multiprocessing.Pool" % (w, r + 1, R))
            wall, doc = mp_grid(ctx, "scale-py-w%d" % w, train, test, specs, w)
            if doc:
                tt = [x["wall_seconds"] for x in doc["results"]]
                res.setdefault(("py", w), []).append((wall, doc["makespan_seconds"], tt))
                log("  Pool(%d): wall %.3f s, makespan %.3f s, Σ tasks %.3f s, others used %.0f %% of the machine" % (
                    w, wall, doc["makespan_seconds"], sum(tt), 100 * ctx.last_cpu["others_cpu_share"]))

    def side(s, w):
        runs = res.get((s, w), [])
        return med([x[0] for x in runs]), med([x[1] for x in runs])

    # task times for the lower bound: the first one-worker run of each side
    base_tt = {s: (res.get((s, 1)) or [(0, 0, [])])[0][2] for s in ("fp", "py")}
    rows = []
    for w in counts:
        cells = [w]
        walls = {}
        for s in ("fp", "py"):
            wall, span = side(s, w)
            walls[s] = wall
            w1 = side(s, 1)[0]
            lb = lower_bound(base_tt[s], w)
            cells += [secs(wall) if wall else "n/a", "%.2f" % (w1 / wall) if wall and w1 else "n/a",
                      ratio(span, lb) if span and lb else "n/a"]
        cells.append(ratio(walls["fp"], walls["py"]) if walls["fp"] and walls["py"] else "n/a")
        rows.append(cells)
    head = ("## Scaling: %d-task grid on %s (%d usable cores, %d run(s) per cell, load average at start %s)\n\n"
            "Process wall seconds and speedup vs one worker. \"makespan ÷ LB\": makespan over "
            "max(Σ one-worker task times / workers, longest task); fitpool's makespan runs from its launch to "
            "the last `finished_at`, Python's around Pool(n) + map (after the imports and loading the data). "
            "Python: multiprocessing.Pool(n) (fork), data loaded once before the pool, one BLAS thread per worker.\n\n"
            % (len(specs), os.path.basename(train), ncores(), R, la))
    if not have_py:
        head += "(No numpy/scikit-learn on this machine: the Pool columns are empty.)\n\n"
    return head + md_table(["workers", "fitpool s", "speedup", "makespan ÷ LB", "Pool s", "speedup",
                            "makespan ÷ LB", "fitpool / Pool"], rows) + "\n"


def piece_memory(ctx):
    ctx.check_fitpool()
    train, test = ctx.data("friedman100k")
    specs = ctx.a.memory_models or MEMORY_MODELS
    n_rows = sum(1 for _ in open(train))
    n_test = sum(1 for _ in open(test))
    n_feat = open(train).readline().count(",") - 1
    data_mib = (n_rows + n_test) * (n_feat + 1) * 8 / 2**20
    sides = [("fitpool", lambda w: fitpool_cmd(ctx, train, test, specs, w))]
    if subprocess.run([PY, "-c", "import numpy, sklearn"], capture_output=True).returncode == 0:
        sides.append(("multiprocessing.Pool (fork, data loaded once)",
                      lambda w: [PY, os.path.join(HERE, "mp_grid.py"), "--train", train, "--test", test,
                                 "--workers", str(w), "--specs-file", specs_file(ctx, specs)]))
    rows, notes = [], []
    for name, cmd in sides:
        meas = {}
        for w in (1, 2):
            log("memory: %s, %d worker(s)" % (name, w))
            m, _ = run_measured(ctx, "memory-%s-w%d" % (name.split()[0], w), cmd(w), interval=0.02)
            meas[w] = m if m["rc"] == 0 else None
            rows.append([name, w] + ([mib(m["peak_pss_bytes"]), mib(m["peak_uss_bytes"]), mib(m["peak_rss_bytes"]),
                                      mib(m["max_single_rss_bytes"]),
                                      m["max_procs"], secs(m["wall_seconds"])] if meas[w] else ["n/a"] * 6))
        if meas[1] and meas[2]:
            notes.append("%s, 2 workers ÷ 1 worker: Σ PSS %s (+%s MiB, against %.1f MiB for a copy of the data), "
                         "Σ RSS %s (+%s MiB)." % (
                name.split()[0], ratio(meas[2]["peak_pss_bytes"], meas[1]["peak_pss_bytes"]),
                mib(meas[2]["peak_pss_bytes"] - meas[1]["peak_pss_bytes"]), data_mib,
                ratio(meas[2]["peak_rss_bytes"], meas[1]["peak_rss_bytes"]),
                mib(meas[2]["peak_rss_bytes"] - meas[1]["peak_rss_bytes"])))
    head = ("## Memory: the process tree with 1 and 2 workers (%s: %d × %d float64 = %.1f MiB of training data, "
            "%d test rows; %.1f MiB in all with the targets; models: %s)\n\n"
            "Σ PSS counts each shared page once; Σ USS counts only pages private to one process; Σ RSS counts a "
            "page once per process that maps it (sampled every 20 ms). The workers read the parent's data in place "
            "(copy-on-write pages of one address space, never written), so a second worker should add its own "
            "stack, heap and model scratch (a Manhattan k-NN keeps a 1.6 MB candidate list), not a second copy of "
            "the data. Load average %s.\n\n"
            % (os.path.basename(train), n_rows, n_feat, n_rows * n_feat * 8 / 2**20, n_test, data_mib,
               ", ".join(specs), loadavg()))
    return (head + md_table(["runner", "workers", "peak Σ PSS MiB", "peak Σ USS (private) MiB", "peak Σ RSS MiB",
                             "largest process RSS MiB",
                             "processes", "wall s"], rows) + "\n\n" + "\n".join(notes) + "\n")


def piece_data(ctx):
    """Generates every dataset the pieces use (they also do it on demand)."""
    for name in ("diabetes", "friedman20k", "friedman100k"):
        ctx.data(name)
    return ""


def noise_summary(xs):
    if not xs:
        return "n/a"
    return "median %.0f %%, max %.0f %%" % (100 * statistics.median(xs), 100 * max(xs))


def git_commit():
    try:
        c = subprocess.run(["git", "-C", REPO, "rev-parse", "HEAD"], capture_output=True, text=True).stdout.strip()
        dirty = subprocess.run(["git", "-C", REPO, "status", "--porcelain", "--untracked-files=no"],
                               capture_output=True, text=True).stdout.strip()
        if len(c) != 40:
            return "unknown (not a git checkout)"
        return c + (" (+ uncommitted changes)" if dirty else "")
    except OSError:
        return "unknown (no git)"


def machine_header(ctx):
    cpu, mem = "?", "?"
    try:
        with open("/proc/cpuinfo") as f:
            cpu = next((l.split(":", 1)[1].strip() for l in f if l.startswith("model name")), "?")
        with open("/proc/meminfo") as f:
            kb = int(next(l for l in f if l.startswith("MemTotal")).split()[1])
            mem = "%.1f GiB" % (kb / 2**20)
    except (OSError, StopIteration):
        pass
    cmd = os.environ.get("BENCH_COMMAND") or " ".join([os.path.relpath(sys.argv[0], REPO)] + sys.argv[1:])
    versions = subprocess.run([PY, "-c", "import sklearn, numpy; print('scikit-learn', sklearn.__version__, "
                               "'numpy', numpy.__version__)"], capture_output=True, text=True).stdout.strip()
    return ("# fitpool benchmark results\n\n"
            "- machine: %d usable cores (nproc), %s, %s RAM, %s\n- date: %s\n- command: `%s`\n"
            "- git commit: %s\n- fitpool: %s\n- Python %s, %s\n- workers: %d%s\n" % (
                ncores(), cpu, mem, platform.platform(),
                datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"), cmd,
                git_commit(), ctx.fitpool, platform.python_version(), versions or "?", ctx.workers,
                " (--quick: small data, one repeat)" if ctx.quick else ""))


PIECES = {
    "e2e": piece_e2e,
    "per-model": piece_per_model,
    "orchestration": piece_orchestration,
    "scaling": piece_scaling,
    "memory": piece_memory,
}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("piece", choices=list(PIECES) + ["all", "data"])
    ap.add_argument("--quick", action="store_true", help="one repeat, small data")
    ap.add_argument("--workers", type=int, default=0, help="workers for e2e/orchestration (default: cores)")
    ap.add_argument("--repeats", type=int, default=0)
    ap.add_argument("--fitpool", help="fitpool binary (default: $FITPOOL or target/release/fitpool)")
    ap.add_argument("--out", default=os.path.join(HERE, "out"), help="scratch directory (data/, runs/)")
    ap.add_argument("--gen-data", help="path of scripts/gen_data.py")
    ap.add_argument("--data-dir", help="where the CSVs are / go (default: OUT/data)")
    ap.add_argument("--max-workers", type=int, default=16, help="scaling: largest worker count (capped at nproc)")
    ap.add_argument("--grid-copies", type=int, default=0,
                    help="scaling: repeat the 32-task grid K times (default: ceil(top worker count / 4))")
    ap.add_argument("--memory-models", action="append", help="memory: the models (repeatable)")
    ap.add_argument("--results", help="where to write the Markdown (default: RESULTS.md for all, out/PIECE.md)")
    a = ap.parse_args()
    ctx = Ctx(a)
    if a.piece == "data":
        piece_data(ctx)
        return
    names = list(PIECES) if a.piece == "all" else [a.piece]
    doc = [machine_header(ctx)]
    print(doc[0], flush=True)
    for name in names:
        t0 = time.perf_counter()
        ctx.noise = []
        text = PIECES[name](ctx)
        text += "\n_(%s took %.0f s; other processes used %s of the machine's CPU during its runs)_\n" % (
            name, time.perf_counter() - t0, noise_summary(ctx.noise))
        print(text, flush=True)
        doc.append(text)
    path = a.results or (os.path.join(HERE, "RESULTS.md") if a.piece == "all" else os.path.join(ctx.out, a.piece + ".md"))
    with open(path, "w") as f:
        f.write("\n".join(doc))
    log("wrote %s" % path)


if __name__ == "__main__":
    main()
