//! End-to-end tests of what the `fitpool` binary says: each cause of an error once, bounded
//! output after an interrupt, tables that fit the terminal, warnings about the setup.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn bin() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_fitpool"));
    c.env_remove("COLUMNS");
    c
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// A fresh scratch directory under cargo's target tmpdir, removed when dropped.
struct Scratch(PathBuf);

impl std::ops::Deref for Scratch {
    type Target = Path;
    fn deref(&self) -> &Path {
        &self.0
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn scratch(name: &str) -> Scratch {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("messages-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    Scratch(dir)
}

fn run_in(dir: &Path, args: &[&str]) -> Output {
    bin()
        .current_dir(dir)
        .args(args)
        .output()
        .expect("fitpool runs")
}

/// How many times `needle` occurs in `hay`, whatever the case.
fn count(hay: &str, needle: &str) -> usize {
    hay.to_lowercase().matches(&needle.to_lowercase()).count()
}

#[test]
fn a_missing_file_says_its_cause_once() {
    let dir = scratch("nope");
    let out = run_in(&dir, &["run", "--train", "nope.csv", "--progress", "none"]);
    assert_eq!(out.status.code(), Some(2));
    let err = text(&out.stderr);
    assert!(err.contains("cannot read nope.csv"), "{err}");
    assert_eq!(count(&err, "no such file or directory"), 1, "{err}");
}

#[test]
fn an_unknown_kind_lists_the_kinds_once() {
    let dir = scratch("kind");
    let out = run_in(&dir, &["run", "-m", "Foo()", "--progress", "none"]);
    assert_eq!(out.status.code(), Some(2));
    let err = text(&out.stderr);
    assert!(err.contains("unknown model kind 'Foo'"), "{err}");
    assert_eq!(count(&err, "KNeighborsRegressor"), 1, "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");
}

#[test]
fn a_bad_nu_says_its_range_once() {
    let dir = scratch("nu");
    let out = run_in(&dir, &["run", "-m", "NuSVR(nu=2.0)", "--progress", "none"]);
    assert_eq!(out.status.code(), Some(2));
    let err = text(&out.stderr);
    assert_eq!(count(&err, "nu must be float in (0.0, 1.0]"), 1, "{err}");
}

#[test]
fn a_negative_seed_is_a_clear_usage_error() {
    let dir = scratch("seed");
    for args in [&["--seed", "-1"][..], &["--seed=-1"][..]] {
        let out = run_in(&dir, &[&["run", "--progress", "none"][..], args].concat());
        assert_eq!(out.status.code(), Some(2));
        let err = text(&out.stderr);
        assert!(err.contains("invalid --seed -1"), "{err}");
        assert!(err.contains("0 to 4294967295"), "{err}");
        assert!(!err.contains("unexpected argument"), "{err}");
    }
}

#[test]
fn a_negative_target_index_needs_no_equals_sign() {
    let dir = scratch("target");
    let csv = dir.join("d.csv");
    let mut body = String::from("a,b,y\n");
    for i in 0..40 {
        body.push_str(&format!("{i},{},{}\n", (i * 7) % 11, i * 2 + 1));
    }
    std::fs::write(&csv, body).unwrap();
    let out = run_in(
        &dir,
        &[
            "inspect",
            csv.to_str().unwrap(),
            "--target",
            "-1",
            "--test-size",
            "0.25",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
}

/// A lineup of `n` quick Ridge fits (a grid over alpha) in `dir`.
fn many_ridges(dir: &Path, n: usize) -> PathBuf {
    let alphas: Vec<String> = (1..=n).map(|i| format!("{}.5", i)).collect();
    let path = dir.join("many.toml");
    std::fs::write(
        &path,
        format!(
            "[[model]]\nkind = \"Ridge\"\nalpha = [{}]\n",
            alphas.join(", ")
        ),
    )
    .unwrap();
    path
}

fn signal(pid: u32, sig: &str) {
    let ok = Command::new("kill")
        .args([format!("-{sig}"), pid.to_string()])
        .status()
        .unwrap()
        .success();
    assert!(ok, "kill -{sig} {pid}");
}

#[test]
fn an_early_interrupt_of_many_tasks_prints_a_bounded_number_of_lines() {
    use std::io::{BufRead, BufReader};
    let dir = scratch("many");
    let lineup = many_ridges(&dir, 20_000);
    let mut child = bin()
        .current_dir(&*dir)
        .args(["run", "--models", lineup.to_str().unwrap()])
        .args(["--workers", "2", "--progress", "plain"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    let stderr = child.stderr.take().unwrap();
    let reader = std::thread::spawn(move || {
        let mut all = Vec::new();
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            if line.contains("RMSE") {
                let _ = tx.send(());
            }
            all.push(line);
        }
        all
    });
    rx.recv_timeout(std::time::Duration::from_secs(60))
        .expect("a first task finishes");
    signal(child.id(), "INT");
    let out = child.wait_with_output().unwrap();
    let err = reader.join().unwrap();
    assert_eq!(out.status.code(), Some(130));
    let stdout = text(&out.stdout);
    let finished = err.iter().filter(|l| l.contains("RMSE")).count();
    assert!(
        finished < 15_000,
        "the interrupt came too late to test anything"
    );
    let all = err.join("\n");
    assert!(
        !all.contains("(pid 0"),
        "{}",
        &all[all.len().saturating_sub(2000)..]
    );
    assert!(
        all.contains("not started: rerun with --resume"),
        "{}",
        &all[all.len().saturating_sub(2000)..]
    );
    assert!(
        stdout.contains("not started: rerun with --resume"),
        "{stdout}"
    );
    // every finished task has its row and its start and end lines; nothing per unstarted one
    assert!(
        stdout.lines().count() <= finished + 30,
        "{} rows",
        stdout.lines().count()
    );
    assert!(err.len() <= 2 * finished + 30, "{} stderr lines", err.len());
    let longest = stdout
        .lines()
        .chain(err.iter().map(String::as_str))
        .map(str::len)
        .max();
    assert!(
        longest.unwrap_or(0) < 1000,
        "a line of {longest:?} characters"
    );
}

#[test]
fn more_workers_than_cpus_is_a_warning() {
    let dir = scratch("workers");
    let cpus = fitpool::pool::cpus::default_workers(None);
    let lineup = many_ridges(&dir, cpus + 1);
    let workers = (cpus + 1).to_string();
    let run = |workers: &str| {
        let out = bin()
            .current_dir(&*dir)
            .env_remove("SLURM_CPUS_PER_TASK")
            .args([
                "run",
                "--models",
                lineup.to_str().unwrap(),
                "--progress",
                "none",
            ])
            .args(["--workers", workers])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
        text(&out.stderr)
    };
    let err = run(&workers);
    assert!(
        err.contains(&format!(
            "warning: {workers} workers on {cpus} usable CPU(s)"
        )),
        "{err}"
    );
    let err = run(&cpus.to_string());
    assert!(!err.contains("warning"), "{err}");
}

/// A running `fitpool run` whose stderr lines arrive on a channel.
struct Live {
    child: std::process::Child,
    lines: std::sync::mpsc::Receiver<String>,
    seen: Vec<String>,
}

impl Live {
    fn start(dir: &Path, args: &[&str]) -> Live {
        use std::io::{BufRead, BufReader};
        let mut child = bin()
            .current_dir(dir)
            .args(args)
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        let (tx, lines) = std::sync::mpsc::channel();
        let stderr = child.stderr.take().unwrap();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        Live {
            child,
            lines,
            seen: Vec::new(),
        }
    }

    /// Waits for a stderr line containing `needle`; returns it.
    fn wait_for(&mut self, needle: &str) -> String {
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
        while let Some(left) = deadline.checked_duration_since(std::time::Instant::now()) {
            match self.lines.recv_timeout(left) {
                Ok(line) => {
                    self.seen.push(line.clone());
                    if line.contains(needle) {
                        return line;
                    }
                }
                Err(_) => break,
            }
        }
        panic!("no line with {needle:?} in:\n{}", self.seen.join("\n"));
    }

    /// The run's exit code and all of its stderr.
    fn finish(mut self) -> (Option<i32>, String) {
        let out = self.child.wait_with_output().unwrap();
        self.seen.extend(self.lines.try_iter());
        while let Ok(l) = self.lines.recv_timeout(std::time::Duration::from_secs(5)) {
            self.seen.push(l);
        }
        (out.status.code(), self.seen.join("\n"))
    }
}

/// The pid in a progress line's "(pid N".
fn pid_of(line: &str) -> u32 {
    let rest = line.split("(pid ").nth(1).expect("a pid");
    rest.chars()
        .take_while(char::is_ascii_digit)
        .collect::<String>()
        .parse()
        .unwrap()
}

#[test]
fn a_worker_stopped_with_sigstop_shows_as_stopped_and_the_run_goes_on_after_sigcont() {
    let dir = scratch("stop");
    let lineup = many_ridges(&dir, 20_000);
    let mut run = Live::start(
        &dir,
        &[
            "run",
            "--models",
            lineup.to_str().unwrap(),
            "--workers",
            "2",
            "--progress",
            "plain",
        ],
    );
    let worker = pid_of(&run.wait_for("started Ridge"));
    signal(worker, "STOP");
    std::thread::sleep(std::time::Duration::from_millis(200));
    signal(run.child.id(), "USR1");
    let line = run.wait_for("stopped (SIGSTOP)");
    assert!(line.contains(&worker.to_string()), "{line}");
    let hint = run.wait_for("is stopped");
    assert!(
        hint.contains("without --timeout the run waits for it"),
        "{hint}"
    );
    signal(worker, "CONT");
    let (code, err) = run.finish();
    assert_eq!(code, Some(0), "{}", &err[err.len().saturating_sub(3000)..]);
}

#[test]
fn a_sighup_retirement_has_a_progress_line() {
    let dir = scratch("hup");
    let lineup = many_ridges(&dir, 20_000);
    let mut run = Live::start(
        &dir,
        &[
            "run",
            "--models",
            lineup.to_str().unwrap(),
            "--workers",
            "2",
            "--progress",
            "plain",
        ],
    );
    let worker = pid_of(&run.wait_for("started Ridge"));
    signal(worker, "HUP");
    let line = run.wait_for("retiring after its task (SIGHUP)");
    assert!(line.contains(&format!("worker {worker} ")), "{line}");
    signal(run.child.id(), "INT");
    let (code, _) = run.finish();
    assert_eq!(code, Some(130));
}

#[test]
fn a_task_cancelled_by_sigterm_to_its_worker_makes_the_exit_code_1() {
    let dir = scratch("term");
    let fixture = |n: &str| format!("{}/tests/fixtures/data/{n}", env!("CARGO_MANIFEST_DIR"));
    let (train, test) = (fixture("friedman_train.csv"), fixture("friedman_test.csv"));
    let mut run = Live::start(
        &dir,
        &[
            "run",
            "--train",
            &train,
            "--test",
            &test,
            "--id-col",
            "0",
            "--progress",
            "plain",
            "--workers",
            "2",
            "--split",
            "never",
            "-m",
            "RandomForestRegressor(n_estimators=100000)",
            "-m",
            "Ridge()",
        ],
    );
    let worker = pid_of(&run.wait_for("started RandomForestRegressor"));
    run.wait_for("Ridge() RMSE");
    signal(worker, "TERM");
    let (code, err) = run.finish();
    assert!(err.contains("cancelled by operator"), "{err}");
    assert_eq!(code, Some(1), "{err}");
}

#[test]
fn the_table_fits_a_120_column_terminal_and_json_keeps_reprs_whole() {
    let dir = scratch("width");
    let long = "RandomForestRegressor(n_estimators=7, max_depth=4, min_samples_split=3, \
                min_samples_leaf=2, max_features=0.75, random_state=11)";
    let run = |format: &str| {
        let out = bin()
            .current_dir(&*dir)
            .env("COLUMNS", "120")
            .args(["run", "--progress", "none", "--format", format])
            .args(["-m", long, "-m", "Ridge()", "-m", "NuSVR(nu=0.3)"])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
        text(&out.stdout)
    };
    let table = run("table");
    for line in table.lines() {
        assert!(line.chars().count() <= 120, "{line:?}\n{table}");
    }
    let words: String = table.split_whitespace().collect();
    assert!(words.contains("random_state=11)"), "{table}");
    let json = run("json");
    let doc: serde_json::Value = serde_json::from_str(&json).unwrap();
    let rf = doc["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["model"].as_str().unwrap())
        .find(|m| m.starts_with("RandomForest"))
        .unwrap();
    assert!(rf.len() > 100 && rf.contains("random_state=11)"), "{rf}");
}

#[test]
fn an_ensemble_too_big_to_fit_is_refused_up_front() {
    let dir = scratch("trees");
    for spec in [
        "RandomForestRegressor(n_estimators=1000000000000)",
        "GradientBoostingRegressor(n_estimators=1000000000000)",
        "ExtraTreesRegressor(n_estimators=100001)",
    ] {
        let out = run_in(&dir, &["run", "--progress", "none", "-m", spec]);
        let err = text(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{spec}: {err}");
        assert!(
            err.contains("n_estimators must be int in [1, 100000]"),
            "{err}"
        );
        assert!(!err.contains("memory allocation"), "{err}");
        assert_eq!(err.lines().count(), 1, "{err}");
    }
}
