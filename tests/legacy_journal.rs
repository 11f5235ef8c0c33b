//! Journals written before the plan/task-id rework (`tests/fixtures/journals/v0-*.jsonl`,
//! written by the previous `main` as two shards of a four-model lineup on the diabetes
//! fixture) are still read by `merge` and by `--resume`.

use serde_json::Value;
use std::path::PathBuf;
use std::process::{Command, Output};

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_fitpool"))
}

fn root(rel: &str) -> String {
    format!("{}/tests/fixtures/{rel}", env!("CARGO_MANIFEST_DIR"))
}

fn scratch(name: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("legacy-journal-{name}"));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn rows(out: &Output) -> Vec<Value> {
    let v: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "not JSON ({e}): {}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    });
    v["results"].as_array().cloned().unwrap_or_default()
}

const LINEUP: [&str; 8] = [
    "-m",
    "ridge",
    "-m",
    "lasso",
    "-m",
    "knn(n_neighbors=3)",
    "-m",
    "DecisionTreeRegressor(max_depth=3)",
];

/// `(model, rmse)` of every task line of the fixture journals.
fn journaled() -> Vec<(String, f64)> {
    let mut out = Vec::new();
    for f in ["journals/v0-shard1.jsonl", "journals/v0-shard2.jsonl"] {
        for line in std::fs::read_to_string(root(f)).unwrap().lines() {
            let v: Value = serde_json::from_str(line).unwrap();
            if v["type"] == "task" {
                out.push((
                    v["model"].as_str().unwrap().to_string(),
                    v["rmse"].as_f64().unwrap(),
                ));
            }
        }
    }
    out
}

#[test]
fn merge_reads_journals_of_the_previous_version() {
    let out = bin()
        .args(["merge", "--format", "json"])
        .arg(root("journals/v0-shard1.jsonl"))
        .arg(root("journals/v0-shard2.jsonl"))
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let rows = rows(&out);
    assert_eq!(rows.len(), 4);
    for (model, rmse) in journaled() {
        let row = rows
            .iter()
            .find(|r| r["model"] == model.as_str())
            .unwrap_or_else(|| panic!("{model} missing from the merge"));
        assert_eq!(row["rmse"].as_f64(), Some(rmse), "{model}");
    }
}

#[test]
fn resume_from_a_journal_of_the_previous_version_runs_only_what_it_lacks() {
    let dir = scratch("resume");
    let journal = dir.join("j.jsonl");
    std::fs::copy(root("journals/v0-shard1.jsonl"), &journal).unwrap();
    let out = bin()
        .args(["run", "--train", &root("data/diabetes_train.csv")])
        .args(["--test", &root("data/diabetes_test.csv"), "--id-col", "0"])
        .args(LINEUP)
        .args(["--progress", "plain", "--format", "json", "--resume"])
        .arg("--journal")
        .arg(&journal)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(
        stderr.contains("resuming: 2 of 4 tasks already in the journal"),
        "{stderr}"
    );
    // only the other shard's two models ran
    assert!(stderr.contains("started Ridge()"), "{stderr}");
    assert!(!stderr.contains("started KNeighborsRegressor"), "{stderr}");
    let rows = rows(&out);
    assert_eq!(rows.len(), 4);
    // the resumed results are the journal's, the new ones scikit-learn's (same as shard 2's)
    for (model, rmse) in journaled() {
        let row = rows.iter().find(|r| r["model"] == model.as_str()).unwrap();
        let got = row["rmse"].as_f64().unwrap();
        assert!(
            (got - rmse).abs() <= 1e-9 * rmse,
            "{model}: {got} vs {rmse}"
        );
    }
}
