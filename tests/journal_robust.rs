//! The journal under the accidents of real runs, end to end through the `fitpool` binary:
//! a tail cut short by a kill or a crash, two runs on one journal, peak memory of tasks that
//! share a worker, the exported fields.

use serde_json::Value;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_fitpool"))
}

fn fixture(name: &str) -> String {
    format!("{}/tests/fixtures/data/{name}", env!("CARGO_MANIFEST_DIR"))
}

/// A directory of its own under the temp dir, removed when dropped.
struct TempDir(PathBuf);

impl TempDir {
    fn new(name: &str) -> TempDir {
        let dir = std::env::temp_dir().join(format!(
            "fitpool-journal-robust-{}-{name}",
            std::process::id()
        ));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        TempDir(dir)
    }

    fn join(&self, name: &str) -> PathBuf {
        self.0.join(name)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

fn json(out: &Output) -> Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "stdout is not JSON ({e}):\n{}\nstderr:\n{}",
            text(&out.stdout),
            text(&out.stderr)
        )
    })
}

/// `fitpool run` on the diabetes fixtures with `extra` options, JSON out, no progress.
fn run_diabetes(extra: &[&str]) -> Output {
    bin()
        .args(["run", "--train"])
        .arg(fixture("diabetes_train.csv"))
        .arg("--test")
        .arg(fixture("diabetes_test.csv"))
        .args(["--id-col", "0", "--progress", "none", "--format", "json"])
        .args(extra)
        .output()
        .expect("fitpool runs")
}

fn models_of(doc: &Value) -> Vec<String> {
    let mut m: Vec<String> = doc["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["model"].as_str().unwrap().to_string())
        .collect();
    m.sort();
    m
}

const LINEUP: [&str; 6] = ["-m", "Ridge()", "-m", "Lasso()", "-m", "LinearRegression()"];

/// Runs the lineup into a journal, damages its end with `damage`, resumes, then merges:
/// both the resumed run and the merge must read the journal and report every model.
fn resume_and_merge_after(name: &str, damage: impl FnOnce(&Path)) {
    // (a folder of its own per test: the tests run at once in one process)
    let dir = TempDir::new(name);
    let journal = dir.join("torn.jsonl");
    let j = journal.to_str().unwrap();
    let mut args = LINEUP.to_vec();
    args.extend(["--journal", j]);
    let first = run_diabetes(&args);
    assert_eq!(first.status.code(), Some(0), "{}", text(&first.stderr));
    damage(&journal);

    args.push("--resume");
    let resumed = run_diabetes(&args);
    assert_eq!(resumed.status.code(), Some(0), "{}", text(&resumed.stderr));
    assert_eq!(models_of(&json(&resumed)).len(), 3);

    let merged = bin()
        .args(["merge", "--format", "json", j])
        .output()
        .unwrap();
    assert_eq!(merged.status.code(), Some(0), "{}", text(&merged.stderr));
    assert_eq!(
        models_of(&json(&merged)),
        ["Lasso()", "LinearRegression()", "Ridge()"]
    );
    // and once more: the journal stays readable for every later --resume
    let again = run_diabetes(&args);
    assert_eq!(again.status.code(), Some(0), "{}", text(&again.stderr));
}

#[test]
fn a_journal_whose_last_line_was_cut_short_stays_readable_after_resume() {
    resume_and_merge_after("torn", |journal| {
        // a kill in the middle of the last write: the line loses its end and its newline
        let len = std::fs::metadata(journal).unwrap().len();
        let f = std::fs::OpenOptions::new()
            .write(true)
            .open(journal)
            .unwrap();
        f.set_len(len - 40).unwrap();
    });
}

#[test]
fn a_journal_ending_in_nul_bytes_stays_readable_after_resume() {
    resume_and_merge_after("nul", |journal| {
        // a crash after the size grew but before the data reached the disk
        let mut f = std::fs::OpenOptions::new()
            .append(true)
            .open(journal)
            .unwrap();
        f.write_all(&[0u8; 300]).unwrap();
    });
}

/// Runs `first` then `Ridge()` on one worker over the Friedman fixtures; returns the JSON
/// records of both.
fn after_on_one_worker(first: &str) -> (Value, Value) {
    let out = bin()
        .args(["run", "--train"])
        .arg(fixture("friedman_train.csv"))
        .arg("--test")
        .arg(fixture("friedman_test.csv"))
        .args(["--id-col", "0", "--progress", "none", "--format", "json"])
        .args(["--workers", "1", "-m", first, "-m", "Ridge()"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let doc = json(&out);
    let rec = |m: &str| {
        doc["results"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["model"] == m)
            .cloned()
            .unwrap_or_else(|| panic!("no {m} in {doc}"))
    };
    (rec(first), rec("Ridge()"))
}

fn peak(r: &Value) -> f64 {
    r["peak_rss_bytes"]
        .as_f64()
        .unwrap_or_else(|| panic!("no peak_rss_bytes in {r}"))
}

/// A task's peak memory is its own, not what the worker's allocator kept from the task
/// before it.
fn ridge_after_reports_its_own_peak(first: &str) {
    let alone = {
        let (_, ridge) = after_on_one_worker("Lasso()");
        peak(&ridge)
    };
    let (big, ridge) = after_on_one_worker(first);
    assert_eq!(big["pid"], ridge["pid"], "one worker ran both");
    assert!(
        big["finished_at"].as_f64() < ridge["finished_at"].as_f64(),
        "{first} ran first"
    );
    let mib = |b: f64| b / f64::from(1 << 20);
    assert!(
        peak(&ridge) < peak(&big) / 3.0 && peak(&ridge) < alone + 4.0 * f64::from(1 << 20),
        "Ridge() after {first}: {:.1} MiB ({first}: {:.1} MiB, Ridge() after Lasso(): {:.1} MiB)",
        mib(peak(&ridge)),
        mib(peak(&big)),
        mib(alone)
    );
}

#[test]
fn peak_memory_is_not_carried_over_from_a_forest() {
    ridge_after_reports_its_own_peak("RandomForestRegressor(n_estimators=200)");
}

#[test]
fn peak_memory_is_not_carried_over_from_a_nearest_neighbours_model() {
    ridge_after_reports_its_own_peak("KNeighborsRegressor()");
}

/// Kills and reaps the child when dropped (a failed assertion leaves no run behind).
struct Running(std::process::Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[test]
fn a_second_run_on_a_journal_in_use_exits_2_naming_the_first_runs_pid() {
    let dir = TempDir::new("locked");
    let journal = dir.join("shared.jsonl");
    let j = journal.to_str().unwrap();
    let first = Running(
        bin()
            .args(["run", "--train"])
            .arg(fixture("friedman_train.csv"))
            .arg("--test")
            .arg(fixture("friedman_test.csv"))
            .args(["--id-col", "0", "--progress", "none", "--workers", "1"])
            .args(["-m", "RandomForestRegressor(n_estimators=100000)"])
            .args(["--journal", j])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap(),
    );
    // the plan line is written once the journal is open (and locked)
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    while std::fs::metadata(&journal).map_or(true, |m| m.len() == 0) {
        assert!(
            std::time::Instant::now() < deadline,
            "the first run never wrote"
        );
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    let second = run_diabetes(&["-m", "Ridge()", "--journal", j]);
    let err = text(&second.stderr);
    assert_eq!(second.status.code(), Some(2), "{err}");
    assert!(
        err.contains(&format!("pid {}", first.0.id())) && err.contains("shared.jsonl"),
        "{err}"
    );
    // the journal holds the first run's lines only
    let lines = std::fs::read_to_string(&journal).unwrap();
    assert_eq!(lines.lines().count(), 1, "{lines}");
    assert!(!lines.contains("Ridge()"), "{lines}");
    drop(first);
}
