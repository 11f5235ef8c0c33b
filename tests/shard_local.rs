//! Sharding without a cluster: `fitpool run --shard K/N` (or the SLURM variables of a job
//! array or an `srun` step) runs a disjoint part of the lineup, and `fitpool merge` of the shard
//! journals ranks exactly like one run of the whole lineup.

use serde_json::Value;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const FITPOOL: &str = env!("CARGO_BIN_EXE_fitpool");

const LINEUP: &[&str] = &[
    "-m",
    "Ridge(alpha=0.1)",
    "-m",
    "Ridge(alpha=0.5)",
    "-m",
    "Lasso(alpha=0.1)",
    "-m",
    "ElasticNet(alpha=0.1, l1_ratio=0.7)",
    "-m",
    "KNeighborsRegressor(n_neighbors=7)",
    "-m",
    "DecisionTreeRegressor(max_depth=4)",
    "-m",
    "LinearRegression()",
];

fn tmpdir(test: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("fp-shard-{test}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// `fitpool` with no SLURM variables inherited (the tests may themselves run in a SLURM job)
/// and then `env` set.
fn fitpool(args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut cmd = Command::new(FITPOOL);
    for (k, _) in std::env::vars().filter(|(k, _)| k.starts_with("SLURM_")) {
        cmd.env_remove(k);
    }
    cmd.args(args).envs(env.iter().copied());
    cmd.output().unwrap()
}

fn run_args<'a>(extra: &[&'a str]) -> Vec<&'a str> {
    let mut a = vec!["run", "--seed", "7", "--progress", "none", "--workers", "2"];
    a.extend_from_slice(LINEUP);
    a.extend_from_slice(extra);
    a
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// The plan line of a journal.
fn plan(journal: &Path) -> Value {
    let body =
        std::fs::read_to_string(journal).unwrap_or_else(|e| panic!("{}: {e}", journal.display()));
    body.lines()
        .map(|l| serde_json::from_str::<Value>(l).unwrap())
        .find(|v| v["type"] == "plan")
        .expect("a plan line")
}

fn keys(v: &Value) -> BTreeSet<String> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_str().unwrap().to_string())
        .collect()
}

fn ranking(report: &Value) -> Vec<(String, f64)> {
    report["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["key"].as_str().unwrap().to_string(),
                r["rmse"].as_f64().unwrap_or(f64::NAN),
            )
        })
        .collect()
}

#[test]
fn shards_split_the_lineup_and_merge_to_the_full_run() {
    let dir = tmpdir("merge");
    let mut journals = vec![];
    let mut seen = BTreeSet::new();
    for k in 1..=3 {
        let j = dir.join(format!("j-{k}.jsonl"));
        let (shard, js) = (format!("{k}/3"), j.to_string_lossy().into_owned());
        let out = fitpool(&run_args(&["--shard", &shard, "--journal", &js]), &[]);
        assert_eq!(
            out.status.code(),
            Some(0),
            "shard {shard}: {}",
            stderr(&out)
        );
        let p = plan(&j);
        assert_eq!(p["shard"], shard.as_str());
        assert_eq!(keys(&p["tasks"]).len(), 7);
        for key in keys(&p["shard_tasks"]) {
            assert!(seen.insert(key.clone()), "{key} is in two shards");
        }
        journals.push(js);
    }
    assert_eq!(seen.len(), 7, "the shards do not cover the lineup");

    let mut merge = vec!["merge", "--format", "json"];
    merge.extend(journals.iter().map(String::as_str));
    let out = fitpool(&merge, &[]);
    assert_eq!(out.status.code(), Some(0), "merge: {}", stderr(&out));
    let merged: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(merged["missing"], serde_json::json!([]));

    let out = fitpool(&run_args(&["--format", "json"]), &[]);
    assert_eq!(out.status.code(), Some(0), "full run: {}", stderr(&out));
    let full: Value = serde_json::from_slice(&out.stdout).unwrap();
    let (m, f) = (ranking(&merged), ranking(&full));
    assert_eq!(m.len(), 7);
    assert_eq!(
        m.iter().map(|x| &x.0).collect::<Vec<_>>(),
        f.iter().map(|x| &x.0).collect::<Vec<_>>()
    );
    for ((k, a), (_, b)) in m.iter().zip(&f) {
        assert!((a - b).abs() <= 1e-12 * b.abs(), "{k}: {a} vs {b}");
    }

    // a merge of two shards out of three says what is missing, and fails
    let out = fitpool(&merge[..merge.len() - 1], &[]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let partial: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(
        !partial["missing"].as_array().unwrap().is_empty(),
        "{partial}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

const ARRAY_TASK_1_OF_3: &[(&str, &str)] = &[
    ("SLURM_JOB_ID", "56"),
    ("SLURM_ARRAY_JOB_ID", "55"),
    ("SLURM_ARRAY_TASK_ID", "1"),
    ("SLURM_ARRAY_TASK_COUNT", "3"),
    ("SLURM_ARRAY_TASK_MIN", "0"),
    ("SLURM_ARRAY_TASK_MAX", "2"),
    ("SLURM_ARRAY_TASK_STEP", "1"),
    ("SLURM_PROCID", "0"),
];

#[test]
fn shard_comes_from_the_slurm_variables() {
    let dir = tmpdir("detect");
    let by_flag = dir.join("flag.jsonl");
    let out = fitpool(
        &run_args(&["--shard", "2/3", "--journal", by_flag.to_str().unwrap()]),
        &[],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let want = plan(&by_flag)["shard_tasks"].clone();

    // a job array task (what sbatch --array=0-2 sets for index 1)
    let by_array = dir.join("array.jsonl");
    let out = fitpool(
        &run_args(&["--journal", by_array.to_str().unwrap()]),
        ARRAY_TASK_1_OF_3,
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(plan(&by_array)["shard"], "2/3");
    assert_eq!(plan(&by_array)["shard_tasks"], want);

    // one task of `srun -n 3`
    let by_srun = dir.join("srun.jsonl");
    let srun = [
        ("SLURM_JOB_ID", "57"),
        ("SLURM_STEP_ID", "0"),
        ("SLURM_PROCID", "1"),
        ("SLURM_NTASKS", "3"),
    ];
    let out = fitpool(&run_args(&["--journal", by_srun.to_str().unwrap()]), &srun);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(plan(&by_srun)["shard"], "2/3");
    assert_eq!(plan(&by_srun)["shard_tasks"], want);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn journal_name_template_expands_job_and_shard() {
    let dir = tmpdir("template");
    let template = dir.join("journal-{job}-{shard}.jsonl");
    let out = fitpool(
        &run_args(&["--journal", template.to_str().unwrap()]),
        ARRAY_TASK_1_OF_3,
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(dir.join("journal-55-2.jsonl").exists(), "{}", stderr(&out));
    let out = fitpool(&run_args(&["--journal", template.to_str().unwrap()]), &[]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(dir.join("journal-local-all.jsonl").exists());
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn bad_shards_are_usage_errors() {
    for bad in ["0/3", "4/3", "x"] {
        let out = fitpool(&run_args(&["--shard", bad]), &[]);
        assert_eq!(
            out.status.code(),
            Some(2),
            "--shard {bad}: {}",
            stderr(&out)
        );
        assert!(stderr(&out).contains("invalid shard"), "{}", stderr(&out));
    }
    // what `sbatch --array=1,4,9` sets: not a range, so no guess
    let listed = [
        ("SLURM_JOB_ID", "60"),
        ("SLURM_ARRAY_JOB_ID", "60"),
        ("SLURM_ARRAY_TASK_ID", "4"),
        ("SLURM_ARRAY_TASK_COUNT", "3"),
        ("SLURM_ARRAY_TASK_MIN", "1"),
        ("SLURM_ARRAY_TASK_MAX", "9"),
        ("SLURM_ARRAY_TASK_STEP", "1"),
    ];
    let out = fitpool(&run_args(&[]), &listed);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("--shard K/N"), "{}", stderr(&out));
}
