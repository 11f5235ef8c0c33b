//! Models fitted in parts (issue 18): a forest or bagging ensemble split into ranges of its
//! blocks, each part fitted alone (in the library, or in its own worker through the binary),
//! gives the very predictions of the model fitted whole, bit for bit; with and without
//! cross-validation; `--resume` runs only the parts a journal lacks; a killed part is retried
//! alone.

use std::io::{BufRead, BufReader};
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use fitpool::data::{read_table, ColumnRef, LoadOptions};
use fitpool::models::parts;
use fitpool::spec::parse_model;
use ndarray::{Array1, Array2};
use serde_json::Value;

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/data")
        .join(name)
}

fn load(name: &str) -> (Array2<f64>, Array1<f64>) {
    let opts = LoadOptions {
        id_cols: vec![ColumnRef::Index(0)],
        ..LoadOptions::default()
    };
    let t = read_table(&fixture(name), &opts).unwrap_or_else(|e| panic!("{e}"));
    (t.numeric_x().expect("numeric"), t.target())
}

fn bits(a: &Array1<f64>) -> Vec<u64> {
    a.iter().map(|v| v.to_bits()).collect()
}

/// Ways to cut `blocks` blocks into parts: whole, halves, uneven thirds, one block each.
fn cuts(blocks: usize) -> Vec<Vec<Range<usize>>> {
    let mut out = vec![vec![0..blocks]];
    if blocks >= 2 {
        out.push(vec![0..blocks / 2, blocks / 2..blocks]);
        out.push((0..blocks).map(|b| b..b + 1).collect());
    }
    if blocks >= 4 {
        out.push(vec![0..1, 1..blocks - 2, blocks - 2..blocks]);
    }
    out
}

#[test]
fn the_union_of_the_parts_is_the_model_fitted_whole_bit_for_bit() {
    let (x, y) = load("diabetes_train.csv");
    let (t, _) = load("diabetes_test.csv");
    for repr in [
        "RandomForestRegressor(n_estimators=20)",
        "RandomForestRegressor(n_estimators=37, max_features='sqrt', random_state=5)",
        "ExtraTreesRegressor(n_estimators=40, max_depth=6)",
        "BaggingRegressor()",
        "BaggingRegressor(estimator=Ridge(alpha=2.0), n_estimators=45, max_samples=0.5)",
        "BaggingRegressor(estimator=KNeighborsRegressor(), bootstrap_features=True, random_state=3)",
    ] {
        let spec = parse_model(repr).unwrap();
        let units = spec.units().unwrap_or_else(|| panic!("{repr} is splittable"));
        let whole = spec
            .fit_predict(x.view(), y.view(), t.view())
            .unwrap()
            .y_pred;
        for cut in cuts(units.blocks()) {
            let mut sums: Vec<Array1<f64>> = Vec::new();
            for range in &cut {
                let p = spec
                    .fit_predict_blocks(x.view(), y.view(), t.view(), range.clone())
                    .unwrap();
                assert_eq!(p.sums.first, range.start, "{repr}");
                assert_eq!(p.sums.sums.len(), range.len(), "{repr}");
                sums.extend(p.sums.sums);
            }
            let combined = parts::combine(units.count, t.nrows(), sums.iter());
            assert_eq!(bits(&combined), bits(&whole), "{repr} cut as {cut:?}");
        }
    }
}

#[test]
fn each_block_comes_from_its_own_seed() {
    // a forest's first blocks do not depend on how many blocks follow them: 20 and 32 trees
    // are both blocks of 2 trees (at most 16 blocks), so their first blocks are the same trees
    let (x, y) = load("diabetes_train.csv");
    let (t, _) = load("diabetes_test.csv");
    for kind in [
        "RandomForestRegressor",
        "ExtraTreesRegressor",
        "BaggingRegressor",
    ] {
        let small = parse_model(&format!("{kind}(n_estimators=20, random_state=3)")).unwrap();
        let large = parse_model(&format!("{kind}(n_estimators=32, random_state=3)")).unwrap();
        assert_eq!(small.units().unwrap().per_block, 2, "{kind}");
        assert_eq!(large.units().unwrap().per_block, 2, "{kind}");
        let a = small
            .fit_predict_blocks(x.view(), y.view(), t.view(), 0..3)
            .unwrap();
        let b = large
            .fit_predict_blocks(x.view(), y.view(), t.view(), 0..3)
            .unwrap();
        for (sa, sb) in a.sums.sums.iter().zip(&b.sums.sums) {
            assert_eq!(bits(sa), bits(sb), "{kind}");
        }
        // and another seed grows other trees
        let other = parse_model(&format!("{kind}(n_estimators=20, random_state=4)")).unwrap();
        let c = other
            .fit_predict_blocks(x.view(), y.view(), t.view(), 0..1)
            .unwrap();
        assert_ne!(bits(&a.sums.sums[0]), bits(&c.sums.sums[0]), "{kind}");
    }
    // other kinds say they cannot be split
    assert!(parse_model("Ridge()").unwrap().units().is_none());
    assert!(parse_model("GradientBoostingRegressor()")
        .unwrap()
        .units()
        .is_none());
}

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_fitpool"))
}

struct TempDir(PathBuf);

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn tmp(name: &str) -> TempDir {
    let dir = std::env::temp_dir().join(format!("fitpool-split-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    TempDir(dir)
}

const LINEUP: [&str; 8] = [
    "-m",
    "RandomForestRegressor()",
    "-m",
    "ExtraTreesRegressor(n_estimators=25)",
    "-m",
    "BaggingRegressor(n_estimators=7)",
    "-m",
    "Ridge()",
];

/// A run on the article's Friedman #1 files (5000 + 5000 rows).
fn friedman(extra: &[&str]) -> Command {
    let mut c = bin();
    c.arg("run")
        .arg("--train")
        .arg(fixture("friedman_train.csv"))
        .arg("--test")
        .arg(fixture("friedman_test.csv"))
        .args(["--id-col", "0", "--format", "json"])
        .args(extra);
    c
}

/// A run on the shop table (1,200 rows, categories and holes), held out as 25 %.
fn shop(extra: &[&str]) -> Command {
    let mut c = bin();
    c.arg("run")
        .arg("--train")
        .arg(fixture("table_shop.csv"))
        .args(["--target", "sales", "--test-size", "0.25", "--seed", "0"])
        .args(["--progress", "none", "--format", "json"])
        .args(extra);
    c
}

fn ok(out: &Output) -> Value {
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("json")
}

/// (model, fold, rmse bits, parts) of every task's result (each fold's under --cv).
fn results(doc: &Value) -> Vec<(String, Option<u64>, u64, Option<u64>)> {
    let records: Vec<&Value> = if doc["cv"] == true {
        doc["results"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|m| m["fold_results"].as_array().unwrap())
            .collect()
    } else {
        doc["results"].as_array().unwrap().iter().collect()
    };
    let mut v: Vec<_> = records
        .into_iter()
        .map(|r| {
            (
                r["model"].as_str().unwrap().to_string(),
                r["fold"].as_u64(),
                r["rmse"].as_f64().unwrap().to_bits(),
                r["parts"].as_u64(),
            )
        })
        .collect();
    v.sort();
    v
}

fn same_scores(a: &Value, b: &Value) {
    let strip = |v: Vec<(String, Option<u64>, u64, Option<u64>)>| {
        v.into_iter()
            .map(|(m, f, r, _)| (m, f, r))
            .collect::<Vec<_>>()
    };
    assert_eq!(strip(results(a)), strip(results(b)));
}

#[test]
fn a_run_in_parts_scores_and_predicts_exactly_as_a_run_without() {
    let dir = tmp("identity");
    for cv in [&[][..], &["--cv", "3"][..]] {
        let mut docs = Vec::new();
        let mut csvs = Vec::new();
        for (i, split) in ["never", "4", "auto"].iter().enumerate() {
            let pred = dir.0.join(format!("p{i}-{}.csv", cv.len()));
            let out = shop(&LINEUP)
                .args(cv)
                .args(["--workers", "2", "--split", split])
                .arg("--predictions")
                .arg(&pred)
                .output()
                .unwrap();
            docs.push(ok(&out));
            csvs.push(std::fs::read_to_string(&pred).unwrap());
        }
        same_scores(&docs[0], &docs[1]);
        same_scores(&docs[0], &docs[2]);
        assert_eq!(csvs[0], csvs[1], "predictions differ in parts ({cv:?})");
        assert_eq!(csvs[0], csvs[2], "predictions differ under auto ({cv:?})");
        // the records say which were fitted in parts: 4 parts (bagging's 7 blocks too)
        for (model, _, _, parts) in results(&docs[1]) {
            let want = (model != "Ridge()").then_some(4);
            assert_eq!(parts, want, "{model}");
        }
        assert!(results(&docs[0]).iter().all(|r| r.3.is_none()));
        if cv.is_empty() {
            // the forest holds more than a worker's share of this lineup: auto splits it
            let auto = results(&docs[2]);
            let forest = auto
                .iter()
                .find(|r| r.0 == "RandomForestRegressor()")
                .unwrap();
            assert!(forest.3.is_some_and(|k| k >= 2), "{auto:?}");
        }
    }
}

fn journal_lines(path: &Path) -> Vec<Value> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

#[test]
fn resume_runs_only_the_parts_the_journal_lacks() {
    let dir = tmp("resume");
    let journal = dir.0.join("j.jsonl");
    let args = ["--workers", "2", "--split", "4", "--journal"];
    let first = ok(&shop(&LINEUP).args(args).arg(&journal).output().unwrap());
    let lines = journal_lines(&journal);
    let parts_of = |lines: &[Value], model: &str| {
        lines
            .iter()
            .filter(|l| l["type"] == "part" && l["model"] == model)
            .count()
    };
    let forest = "RandomForestRegressor()";
    assert_eq!(parts_of(&lines, forest), 4);
    // as if the run had been killed after two of the forest's parts: drop its record and
    // the two parts with the last blocks (the parts finish in any order, so which two lines
    // come last in the journal varies; the last blocks make one run of missing blocks)
    let mut firsts: Vec<u64> = lines
        .iter()
        .filter(|l| l["type"] == "part" && l["model"] == forest)
        .map(|l| l["blocks"][0].as_u64().unwrap())
        .collect();
    firsts.sort_unstable();
    let dropped_from = firsts[2];
    let kept: Vec<String> = lines
        .iter()
        .filter(|l| {
            let is_forest = l["model"] == forest;
            let late_part = l["type"] == "part" && l["blocks"][0].as_u64().unwrap() >= dropped_from;
            !(is_forest && (l["type"] == "task" || late_part))
        })
        .map(|l| l.to_string())
        .collect();
    std::fs::write(&journal, kept.join("\n") + "\n").unwrap();
    let before = journal_lines(&journal).len();
    // resumed with another split: the two missing parts' blocks are run, nothing else
    let second = ok(&shop(&LINEUP)
        .args([
            "--workers",
            "2",
            "--split",
            "never",
            "--resume",
            "--journal",
        ])
        .arg(&journal)
        .output()
        .unwrap());
    same_scores(&first, &second);
    let after = journal_lines(&journal);
    let new: Vec<&Value> = after[before..].iter().collect();
    let kinds: Vec<(String, String)> = new
        .iter()
        .map(|l| {
            (
                l["type"].as_str().unwrap().to_string(),
                l["model"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect();
    // the plan line, the forest's missing blocks as one part, then its record
    assert_eq!(
        kinds,
        [
            ("plan".to_string(), String::new()),
            ("part".to_string(), forest.to_string()),
            ("task".to_string(), forest.to_string()),
        ]
    );
    let rec = new[2];
    assert_eq!(rec["parts"], 3, "{rec}");
}

#[test]
fn a_killed_part_is_retried_alone_and_the_result_is_unchanged() {
    let dir = tmp("kill");
    let lineup = ["-m", "RandomForestRegressor(n_estimators=64)"];
    let quiet = ok(&friedman(&lineup)
        .args(["--workers", "2", "--split", "4", "--progress", "none"])
        .output()
        .unwrap());
    let journal = dir.0.join("j.jsonl");
    let mut child = friedman(&lineup)
        .args(["--workers", "2", "--split", "4", "--retries", "2"])
        .args(["--progress", "plain", "--journal"])
        .arg(&journal)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut reader = BufReader::new(child.stderr.take().unwrap());
    let mut line = String::new();
    let deadline = Instant::now() + Duration::from_secs(60);
    let mut pid = None;
    while pid.is_none() && Instant::now() < deadline {
        line.clear();
        if reader.read_line(&mut line).unwrap() == 0 {
            break;
        }
        if line.contains("started") {
            pid = line.split("(pid ").nth(1).and_then(|p| {
                p.chars()
                    .take_while(|c| c.is_ascii_digit())
                    .collect::<String>()
                    .parse::<i32>()
                    .ok()
            });
        }
    }
    let pid = pid.expect("a part started");
    std::thread::sleep(Duration::from_millis(100));
    let killed = Command::new("kill")
        .args(["-KILL", &pid.to_string()])
        .status()
        .unwrap()
        .success();
    std::thread::spawn(move || std::io::copy(&mut reader, &mut std::io::sink()));
    let out = child.wait_with_output().unwrap();
    let doc = ok(&out);
    same_scores(&quiet, &doc);
    let lines = journal_lines(&journal);
    let parts: Vec<&Value> = lines.iter().filter(|l| l["type"] == "part").collect();
    assert_eq!(parts.len(), 4, "one line per part, retried or not");
    if killed {
        // the part whose worker was killed ran again, in another worker; the others once
        let retried: Vec<&&Value> = parts.iter().filter(|p| p["attempt"] == 2).collect();
        assert_eq!(retried.len(), 1, "{parts:?}");
        assert_eq!(doc["results"][0]["status"], "ok");
    }
}
