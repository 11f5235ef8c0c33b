//! The SLURM integration tests: real job arrays on the one-node cluster that
//! `scripts/slurm/start.sh` starts (`scripts/test.sh` starts it and sets `FITPOOL_SLURM=1`).
//! Without `FITPOOL_SLURM=1` they fail, unless `FITPOOL_SLURM=0` says to skip them.

use fitpool::slurm::{submit, SbatchOptions, SubmitInfo};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, Instant};

const FITPOOL: &str = env!("CARGO_BIN_EXE_fitpool");

/// Whether to run: `FITPOOL_SLURM=1` yes, `=0` skip loudly, anything else fails the test.
fn cluster_enabled() -> bool {
    match std::env::var("FITPOOL_SLURM").as_deref() {
        Ok("1") => true,
        Ok("0") => {
            eprintln!(
                "\n*** SKIPPED: FITPOOL_SLURM=0, so this SLURM cluster test did not run ***\n"
            );
            false
        }
        other => panic!(
            "FITPOOL_SLURM is {}: run scripts/test.sh (it starts a local SLURM cluster \
             with scripts/slurm/start.sh and sets FITPOOL_SLURM=1), or set FITPOOL_SLURM=0 to \
             skip the SLURM tests on purpose",
            other.map_or("not set".to_string(), |v| format!("{v:?}"))
        ),
    }
}

/// A fresh directory under /tmp and a job name, both unique to this test and process.
fn workspace(test: &str) -> (PathBuf, String) {
    let name = format!("fp-{test}-{}", std::process::id());
    let dir = PathBuf::from("/tmp").join(&name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    (dir, name)
}

fn run(cmd: &mut Command) -> Output {
    cmd.output()
        .unwrap_or_else(|e| panic!("cannot run {cmd:?}: {e}"))
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// Waits until none of `jobs` is pending or running, polling squeue every 0.5 s
/// (`sbatch --wait` polls every 10-40 s).
fn wait_for_jobs(jobs: &[u64], timeout: Duration, dir: &Path) {
    let list = jobs
        .iter()
        .map(u64::to_string)
        .collect::<Vec<_>>()
        .join(",");
    let start = Instant::now();
    loop {
        let out = run(Command::new("squeue").args(["-h", "-o", "%i %T", "-j", &list]));
        let stdout = text(&out.stdout);
        if out.status.success() && stdout.trim().is_empty() {
            return;
        }
        if !out.status.success() && !text(&out.stderr).contains("Invalid job id") {
            panic!("squeue failed: {}", text(&out.stderr));
        }
        if start.elapsed() > timeout {
            panic!(
                "jobs {list} still in the queue after {timeout:?}:\n{stdout}\nlogs:\n{}",
                logs(dir)
            );
        }
        std::thread::sleep(Duration::from_millis(500));
    }
}

/// `JobState` and `ExitCode` of a job as the controller remembers it (MinJobAge: 300 s; there
/// is no accounting, so no sacct).
fn job_state(job: &str) -> (String, String) {
    let out = run(Command::new("scontrol").args(["show", "job", "-o", job]));
    assert!(out.status.success(), "scontrol: {}", text(&out.stderr));
    let line = text(&out.stdout);
    let field = |name: &str| {
        line.split_whitespace()
            .find_map(|w| w.strip_prefix(name))
            .unwrap_or("?")
            .to_string()
    };
    (field("JobState="), field("ExitCode="))
}

/// Every log of the test directory, for failure messages.
fn logs(dir: &Path) -> String {
    let mut s = String::new();
    for f in files(dir, ".log") {
        s += &format!(
            "----- {}\n{}\n",
            f.display(),
            std::fs::read_to_string(&f).unwrap_or_default()
        );
    }
    s
}

fn files(dir: &Path, suffix: &str) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.to_string_lossy().ends_with(suffix))
        .collect();
    v.sort();
    v
}

/// A journal's lines: the plan lines and the task lines.
fn read_journal(path: &Path) -> (Vec<Value>, Vec<Value>) {
    let body = std::fs::read_to_string(path).unwrap();
    let (mut plans, mut tasks) = (vec![], vec![]);
    for line in body.lines().filter(|l| !l.trim().is_empty()) {
        let v: Value = serde_json::from_str(line)
            .unwrap_or_else(|e| panic!("{}: bad line {line:?}: {e}", path.display()));
        match v["type"].as_str() {
            Some("plan") => plans.push(v),
            Some("task") => tasks.push(v),
            other => panic!("{}: unknown line type {other:?}", path.display()),
        }
    }
    (plans, tasks)
}

fn strings(v: &Value) -> Vec<String> {
    v.as_array()
        .unwrap_or_else(|| panic!("not an array: {v}"))
        .iter()
        .map(|s| s.as_str().unwrap().to_string())
        .collect()
}

/// (key, rmse) of each ranked result, in rank order.
fn ranking(report: &Value) -> Vec<(String, f64)> {
    report["results"]
        .as_array()
        .unwrap_or_else(|| panic!("no results in {report}"))
        .iter()
        .map(|r| {
            (
                r["key"].as_str().unwrap().to_string(),
                r["rmse"].as_f64().unwrap_or(f64::NAN),
            )
        })
        .collect()
}

fn assert_same_ranking(got: &[(String, f64)], want: &[(String, f64)]) {
    let keys = |r: &[(String, f64)]| r.iter().map(|(k, _)| k.clone()).collect::<Vec<_>>();
    assert_eq!(keys(got), keys(want), "ranked keys differ");
    for ((k, a), (_, b)) in got.iter().zip(want) {
        assert!(
            (a - b).abs() <= 1e-12 * b.abs().max(1e-300),
            "{k}: rmse {a} on SLURM vs {b} on one machine"
        );
    }
}

fn options(dir: &Path, name: &str, array: usize, run_args: &[&str]) -> SbatchOptions {
    SbatchOptions {
        array,
        cpus_per_task: 1,
        time: Some("00:05:00".into()),
        partition: None,
        mem: None,
        job_name: name.to_string(),
        output_dir: dir.to_path_buf(),
        fitpool: PathBuf::from(FITPOOL),
        run_args: run_args.iter().map(|s| s.to_string()).collect(),
        grace_seconds: 60,
    }
}

/// The job ids and scripts from what `fitpool slurm --submit` prints: "submitted array job A
/// (...) and merge job M", then the scripts' paths.
fn submitted(stdout: &str) -> SubmitInfo {
    let words: Vec<&str> = stdout
        .split_whitespace()
        .map(|w| w.trim_matches(|c| "(),:;".contains(c)))
        .collect();
    let id_after = |w: &str| -> u64 {
        let i = words.iter().position(|x| *x == w);
        i.and_then(|i| words[i + 1..].iter().take(2).find_map(|x| x.parse().ok()))
            .unwrap_or_else(|| panic!("no {w} job id in {stdout:?}"))
    };
    let script = |suffix: &str| {
        let w = words.iter().find(|w| w.ends_with(suffix));
        PathBuf::from(w.unwrap_or_else(|| panic!("no *{suffix} in {stdout:?}")))
    };
    SubmitInfo {
        array_job: id_after("array"),
        merge_job: id_after("merge"),
        array_script: script("-array.sbatch"),
        merge_script: script("-merge.sbatch"),
    }
}

const FAST_LINEUP: &[&str] = &[
    "-m",
    "Ridge(alpha=0.1)",
    "-m",
    "Ridge(alpha=0.5)",
    "-m",
    "Ridge(alpha=2.0)",
    "-m",
    "Lasso(alpha=0.1)",
    "-m",
    "ElasticNet(alpha=0.1, l1_ratio=0.7)",
    "-m",
    "KNeighborsRegressor(n_neighbors=5)",
    "-m",
    "KNeighborsRegressor(n_neighbors=7)",
    "-m",
    "DecisionTreeRegressor(max_depth=4)",
    "-m",
    "DecisionTreeRegressor(max_depth=6)",
    "-m",
    "LinearRegression()",
];

/// A 3-task job array over a 10-model lineup, merged, ranks exactly as one `fitpool run` of the
/// same lineup on one machine; every task ran exactly once, in the shard the plan gave it.
#[test]
fn job_array_merges_to_the_single_machine_ranking() {
    if !cluster_enabled() {
        return;
    }
    let t0 = Instant::now();
    let (dir, name) = workspace("array");
    let mut args = vec!["--seed", "7"];
    args.extend_from_slice(FAST_LINEUP);
    let mut array_args = args.clone();
    array_args.extend(["--progress", "plain"]);
    // through the CLI: `fitpool slurm --submit` writes the scripts and submits them
    let out = run(Command::new(FITPOOL)
        .args([
            "slurm",
            "--array",
            "3",
            "--cpus-per-task",
            "1",
            "--time",
            "00:05:00",
        ])
        .args(["--job-name", &name, "--output-dir"])
        .arg(&dir)
        .arg("--submit")
        .arg("--")
        .args(&array_args));
    assert_eq!(
        out.status.code(),
        Some(0),
        "fitpool slurm: {}",
        text(&out.stderr)
    );
    let info = submitted(&text(&out.stdout));
    assert_eq!(
        (info.array_script.clone(), info.merge_script.clone()),
        (
            dir.join(format!("{name}-array.sbatch")),
            dir.join(format!("{name}-merge.sbatch"))
        )
    );
    wait_for_jobs(
        &[info.array_job, info.merge_job],
        Duration::from_secs(120),
        &dir,
    );
    eprintln!("array + merge done in {:.1} s", t0.elapsed().as_secs_f64());

    for k in 0..3 {
        let (state, exit) = job_state(&format!("{}_{k}", info.array_job));
        assert_eq!(
            (state.as_str(), exit.as_str()),
            ("COMPLETED", "0:0"),
            "{}",
            logs(&dir)
        );
    }
    let (state, exit) = job_state(&info.merge_job.to_string());
    assert_eq!(
        (state.as_str(), exit.as_str()),
        ("COMPLETED", "0:0"),
        "{}",
        logs(&dir)
    );

    // the shard journals: one plan each, the same task list, disjoint shards covering it,
    // every task exactly once
    let journals = files(&dir, ".jsonl");
    let expected: Vec<PathBuf> = (1..=3)
        .map(|k| dir.join(format!("journal-{}-{k}.jsonl", info.array_job)))
        .collect();
    assert_eq!(journals, expected);
    let mut all_tasks: Option<Vec<String>> = None;
    let mut planned = BTreeMap::<String, usize>::new();
    let mut done = BTreeMap::<String, usize>::new();
    for (k, j) in journals.iter().enumerate() {
        let (plans, tasks) = read_journal(j);
        assert_eq!(plans.len(), 1, "{}", j.display());
        let plan = &plans[0];
        assert_eq!(
            plan["shard"].as_str(),
            Some(format!("{}/3", k + 1).as_str())
        );
        let t = strings(&plan["tasks"]);
        assert_eq!(all_tasks.get_or_insert_with(|| t.clone()), &t);
        let mine: BTreeSet<String> = strings(&plan["shard_tasks"]).into_iter().collect();
        for key in &mine {
            *planned.entry(key.clone()).or_default() += 1;
        }
        for task in &tasks {
            let key = task["key"].as_str().unwrap().to_string();
            assert!(
                mine.contains(&key),
                "{key} ran in shard {} but is not in its plan",
                k + 1
            );
            assert_eq!(task["status"], "ok", "{task}");
            *done.entry(key).or_default() += 1;
        }
    }
    let all_tasks = all_tasks.unwrap();
    assert_eq!(all_tasks.len(), 10);
    let once: BTreeMap<String, usize> = all_tasks.iter().map(|k| (k.clone(), 1)).collect();
    assert_eq!(planned, once, "shards do not split the lineup");
    assert_eq!(done, once, "tasks did not run exactly once");

    // the merge job's ranking is the single-machine ranking
    let merged: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("results.json")).unwrap()).unwrap();
    assert_eq!(merged["missing"], serde_json::json!([]));
    let table = std::fs::read_to_string(dir.join("results.txt")).unwrap();
    assert!(table.contains("Ridge(alpha=0.5)"), "{table}");
    let report = std::fs::read_to_string(dir.join("report.html")).unwrap();
    assert!(
        report.contains("Ridge(alpha=0.5)"),
        "the merge job's HTML report"
    );

    let mut local = Command::new(FITPOOL);
    // not sharded, even if this test runs inside a SLURM job
    for (k, _) in std::env::vars().filter(|(k, _)| k.starts_with("SLURM_")) {
        local.env_remove(k);
    }
    local.args([
        "run",
        "--format",
        "json",
        "--progress",
        "none",
        "--workers",
        "2",
    ]);
    local.args(&args);
    let out = run(&mut local);
    assert_eq!(
        out.status.code(),
        Some(0),
        "local run: {}",
        text(&out.stderr)
    );
    let single: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(ranking(&single).len(), 10);
    assert_same_ranking(&ranking(&merged), &ranking(&single));
    eprintln!("whole test {:.1} s", t0.elapsed().as_secs_f64());
    let _ = std::fs::remove_dir_all(&dir);
}

const TRAIN: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/fixtures/data/friedman_train.csv"
);
const TEST: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/fixtures/data/friedman_test.csv"
);
/// A model that runs for 10-25 s on one CPU on the friedman data, so that it is running when
/// scancel comes: an MLP that never stops early runs all its epochs, about 1.9 ms each on a
/// quiet machine (1,000 took 1.9 s on one CPU shared by two workers), in a few MiB. (A random
/// forest served here until our own trees made 600 of them a 3-second job, and its memory
/// grows with its trees.) Written as fitpool's journal keys it, parameters sorted.
const LONG_MODEL: &str = "MLPRegressor(max_iter=7000, n_iter_no_change=1000000, tol=0.0)";
/// A longer one, well past the moment the time-limit warning comes (at most ~60 s in): about
/// 110 s on a quiet machine, longer on a loaded one; it is stopped by the warning either way.
const LONGER_MODEL: &str = "MLPRegressor(max_iter=60000, n_iter_no_change=1000000, tol=0.0)";

/// Fast models and long ones. fitpool dispatches the costliest first, hence two workers (on the
/// array task's one CPU): the fast models are in the journal within a second while a long one
/// runs.
fn slow_lineup(long: &[&'static str]) -> Vec<&'static str> {
    #[rustfmt::skip]
    let mut a = vec![
        "--train", TRAIN, "--test", TEST, "--id-col", "0", "--seed", "7",
        "--progress", "plain", "--workers", "2", "--split", "never",
        "-m", "Ridge(alpha=0.5)", "-m", "Lasso(alpha=0.1)", "-m", "LinearRegression()",
    ];
    for m in long {
        a.extend(["-m", m]);
    }
    a
}

/// Task lines of a journal by key, if it exists yet.
fn finished(journal: &Path) -> Vec<(String, String)> {
    if !journal.exists() {
        return vec![];
    }
    read_journal(journal)
        .1
        .iter()
        .map(|t| {
            (
                t["key"].as_str().unwrap().to_string(),
                t["status"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

fn ok_keys(journal: &Path) -> Vec<String> {
    let mut v: Vec<String> = finished(journal)
        .into_iter()
        .filter(|(_, s)| s == "ok")
        .map(|(k, _)| k)
        .collect();
    v.sort();
    v
}

/// Polls (every 0.2 s) until `cond` holds, or panics after `timeout`.
fn wait_until(what: &str, timeout: Duration, dir: &Path, mut cond: impl FnMut() -> bool) {
    let start = Instant::now();
    while !cond() {
        assert!(
            start.elapsed() < timeout,
            "{what}: not after {timeout:?}\n{}",
            logs(dir)
        );
        std::thread::sleep(Duration::from_millis(200));
    }
}

/// `scancel` of a running array task: the task exits 143 keeping its finished tasks, the merge
/// job still runs (afterany) and reports the shard incomplete, and resubmitting that array
/// index with `--resume` on the same journal completes it without running anything twice.
#[test]
fn scancel_keeps_finished_tasks_and_resume_completes_the_shard() {
    if !cluster_enabled() {
        return;
    }
    let t0 = Instant::now();
    let (dir, name) = workspace("scancel");
    let args = slow_lineup(&[LONG_MODEL]);
    let info = submit(&options(&dir, &name, 1, &args)).expect("submit");
    let task = format!("{}_0", info.array_job);
    let journal = dir.join(format!("journal-{}-1.jsonl", info.array_job));

    // cancel once the fast models are in the journal and the long one is running
    wait_until(
        "fast tasks in the journal",
        Duration::from_secs(60),
        &dir,
        || ok_keys(&journal).len() >= 3,
    );
    let before = ok_keys(&journal);
    assert!(
        !before.contains(&LONG_MODEL.to_string()),
        "the long model was too fast: {before:?}"
    );
    assert_eq!(job_state(&task).0, "RUNNING");
    std::thread::sleep(Duration::from_millis(500));
    let cancelled_at = Instant::now();
    let out = run(Command::new("scancel").arg(&task));
    assert!(out.status.success(), "scancel: {}", text(&out.stderr));
    wait_for_jobs(
        &[info.array_job, info.merge_job],
        Duration::from_secs(60),
        &dir,
    );
    eprintln!(
        "cancelled after {:.1} s; gone {:.1} s later",
        (cancelled_at - t0).as_secs_f64(),
        cancelled_at.elapsed().as_secs_f64()
    );

    // fitpool got the SIGTERM (it is the batch shell: exec) and exited 143 by itself
    let (state, exit) = job_state(&task);
    assert_eq!(
        (state.as_str(), exit.as_str()),
        ("CANCELLED", "143:0"),
        "{}",
        logs(&dir)
    );
    let after = ok_keys(&journal);
    assert_eq!(
        after, before,
        "finished tasks must stay in the journal, nothing more"
    );
    // the merge ran anyway and says the shard is incomplete
    let (state, exit) = job_state(&info.merge_job.to_string());
    assert_eq!(
        (state.as_str(), exit.as_str()),
        ("FAILED", "1:0"),
        "{}",
        logs(&dir)
    );
    let merged: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("results.json")).unwrap()).unwrap();
    let merged_ok: Vec<String> = merged["results"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["status"] == "ok")
        .map(|r| r["key"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(merged_ok.len(), 3, "{merged}");

    // resubmit array index 0 onto the same journal: --resume runs only the long model
    let resumed_at = Instant::now();
    let out = run(Command::new("sbatch")
        .args(["--parsable", "--array=0"])
        .arg(format!(
            "--export=ALL,FITPOOL_RESUME_JOB={}",
            info.array_job
        ))
        .arg(&info.array_script));
    assert!(out.status.success(), "sbatch: {}", text(&out.stderr));
    let again: u64 = text(&out.stdout).trim().parse().unwrap();
    wait_for_jobs(&[again], Duration::from_secs(120), &dir);
    eprintln!(
        "resumed shard done in {:.1} s",
        resumed_at.elapsed().as_secs_f64()
    );
    let (state, exit) = job_state(&format!("{again}_0"));
    assert_eq!(
        (state.as_str(), exit.as_str()),
        ("COMPLETED", "0:0"),
        "{}",
        logs(&dir)
    );
    assert!(!dir.join(format!("journal-{again}-1.jsonl")).exists());

    let lines = finished(&journal);
    let mut ok: Vec<&String> = lines
        .iter()
        .filter(|(_, s)| s == "ok")
        .map(|(k, _)| k)
        .collect();
    ok.sort();
    let mut want: Vec<String> = before.clone();
    want.push(LONG_MODEL.to_string());
    want.sort();
    assert_eq!(
        ok,
        want.iter().collect::<Vec<_>>(),
        "each task ok exactly once: {lines:?}"
    );

    let out = run(Command::new(FITPOOL)
        .args(["merge", "--format", "json"])
        .arg(&journal));
    assert_eq!(out.status.code(), Some(0), "merge: {}", text(&out.stderr));
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["missing"], serde_json::json!([]));
    assert_eq!(ranking(&report).len(), 4);
    eprintln!("whole test {:.1} s", t0.elapsed().as_secs_f64());
    let _ = std::fs::remove_dir_all(&dir);
}

/// The time-limit warning: `--signal=B:TERM@N` reaches fitpool (the batch shell, by `exec`)
/// before the limit, and fitpool stops by itself with 143, keeping what finished: the job
/// FAILED with 143, not TIMEOUT.
#[test]
fn time_limit_warning_reaches_fitpool_through_exec() {
    if !cluster_enabled() {
        return;
    }
    let t0 = Instant::now();
    let (dir, name) = workspace("timelimit");
    let args = slow_lineup(&[LONGER_MODEL]);
    let mut o = options(&dir, &name, 1, &args);
    // a two-minute limit and the warning 80 s before it: SIGTERM about 40 s after the start
    // (SLURM checks periodically: with 100 s we saw it 11-28 s after the start), well after
    // fitpool started and while the long model still runs
    o.time = Some("2".into());
    o.grace_seconds = 80;
    let info = submit(&o).expect("submit");
    let task = format!("{}_0", info.array_job);
    let journal = dir.join(format!("journal-{}-1.jsonl", info.array_job));
    wait_for_jobs(&[info.array_job], Duration::from_secs(100), &dir);
    eprintln!("stopped after {:.1} s", t0.elapsed().as_secs_f64());
    let (state, exit) = job_state(&task);
    assert_eq!(
        (state.as_str(), exit.as_str()),
        ("FAILED", "143:0"),
        "{}",
        logs(&dir)
    );
    let ok = ok_keys(&journal);
    eprintln!("finished before the signal: {ok:?}");
    // the fast models finished and stay; the long one did not
    assert_eq!(
        ok,
        ["Lasso(alpha=0.1)", "LinearRegression()", "Ridge(alpha=0.5)"],
        "{}",
        logs(&dir)
    );
    wait_for_jobs(&[info.merge_job], Duration::from_secs(60), &dir);
    let _ = std::fs::remove_dir_all(&dir);
}
