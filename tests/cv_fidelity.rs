//! scikit-learn fidelity of cross-validation (issue 12): the binary's `--cv 5 --seed S` mean
//! RMSE (and Ridge's per-fold RMSEs) against `cross_validate(Pipeline([prep, model]), X, y,
//! cv=KFold(5, shuffle=True, random_state=S))`, RepeatedKFold, GroupKFold and
//! TimeSeriesSplit, and a table where learning the pipeline on all rows would leak, all
//! recorded in `tests/fixtures/reference_cv.json` by `scripts/reference_cv.py`.

use std::collections::BTreeMap;
use std::process::Command;

use serde_json::Value;

fn reference() -> Value {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/reference_cv.json"
    );
    serde_json::from_str(&std::fs::read_to_string(path).expect("the fixture")).expect("JSON")
}

fn strs(v: &Value) -> Vec<String> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_str().unwrap().to_string())
        .collect()
}

fn floats(v: &Value) -> Vec<f64> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_f64().unwrap())
        .collect()
}

/// Per model: (mean RMSE, per-fold RMSEs in fold order).
fn fitpool(file: &str, args: &[String], models: &[String]) -> BTreeMap<String, (f64, Vec<f64>)> {
    let path = format!("{}/tests/fixtures/data/{file}", env!("CARGO_MANIFEST_DIR"));
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_fitpool"));
    cmd.args(["run", "--train", &path, "--scale"])
        .args(args)
        .args(["--format", "json", "--progress", "none", "-j", "2"]);
    for m in models {
        cmd.args(["-m", m]);
    }
    let out = cmd.output().expect("fitpool runs");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let doc: Value = serde_json::from_slice(&out.stdout).expect("JSON on stdout");
    assert_eq!(doc["cv"], true);
    doc["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            assert!(r["test_rmse"].is_null(), "no test rows without --test: {r}");
            let mut folds: Vec<(u64, f64)> = r["fold_results"]
                .as_array()
                .unwrap()
                .iter()
                .map(|f| (f["fold"].as_u64().unwrap(), f["rmse"].as_f64().unwrap()))
                .collect();
            folds.sort_by_key(|f| f.0);
            (
                r["model"].as_str().unwrap().to_string(),
                (
                    r["rmse_mean"].as_f64().unwrap(),
                    folds.into_iter().map(|f| f.1).collect(),
                ),
            )
        })
        .collect()
}

fn rel(a: f64, b: f64) -> f64 {
    (a - b).abs() / b.abs()
}

#[test]
fn kfold_means_and_ridge_folds_match_scikit_learn() {
    let doc = reference();
    let rows = doc["kfold"].as_array().unwrap();
    let mut runs: BTreeMap<(String, u64), Vec<&Value>> = BTreeMap::new();
    for r in rows {
        let key = (
            r["table"].as_str().unwrap().to_string(),
            r["seed"].as_u64().unwrap(),
        );
        runs.entry(key).or_default().push(r);
    }
    let mut failures = Vec::new();
    let mut worst = 0.0f64;
    for ((table, seed), entries) in &runs {
        let models: Vec<String> = entries
            .iter()
            .map(|e| e["model"].as_str().unwrap().to_string())
            .collect();
        let mut args = strs(&entries[0]["args"]);
        args.extend(["--cv".into(), "5".into(), "--seed".into(), seed.to_string()]);
        let got = fitpool(entries[0]["file"].as_str().unwrap(), &args, &models);
        for e in entries {
            let model = e["model"].as_str().unwrap();
            let want = e["mean"].as_f64().unwrap();
            let (mean, folds) = &got[model];
            let bound = if model.starts_with("RandomForest") {
                0.05
            } else {
                1e-3
            };
            let gap = rel(*mean, want);
            if bound < 0.01 {
                worst = worst.max(gap);
            }
            eprintln!(
                "{table} seed {seed} {model}: fitpool {mean:.6} sklearn {want:.6} gap {gap:.2e}"
            );
            if gap > bound {
                failures.push(format!("{table} seed {seed} {model}: {mean} vs {want}"));
            }
            if model == "Ridge()" {
                let want = floats(&e["folds"]);
                assert_eq!(folds.len(), want.len());
                for (k, (a, b)) in folds.iter().zip(&want).enumerate() {
                    if rel(*a, *b) > 1e-6 {
                        failures.push(format!(
                            "{table} seed {seed} Ridge fold {}: {a} vs {b}",
                            k + 1
                        ));
                    }
                }
            }
        }
    }
    eprintln!("largest gap of the deterministic models: {worst:.2e}");
    assert!(failures.is_empty(), "{failures:#?}");
}

#[test]
fn repeated_group_and_time_series_folds_match_scikit_learn() {
    let doc = reference();
    for p in doc["protocols"].as_array().unwrap() {
        let args = strs(&p["args"]);
        let got = fitpool(p["file"].as_str().unwrap(), &args, &["Ridge()".to_string()]);
        let (mean, folds) = &got["Ridge()"];
        let want = floats(&p["folds"]);
        assert_eq!(folds.len(), want.len(), "{args:?}");
        for (k, (a, b)) in folds.iter().zip(&want).enumerate() {
            assert!(rel(*a, *b) < 1e-6, "{args:?} fold {}: {a} vs {b}", k + 1);
        }
        let want_mean = want.iter().sum::<f64>() / want.len() as f64;
        eprintln!("{args:?}: mean {mean} vs {want_mean}");
        assert!(rel(*mean, want_mean) < 1e-6);
    }
}

/// The pipeline is learned on each fold's training rows: the mean of a column with holes and
/// a category seen in one fold only would leak otherwise.
#[test]
fn each_fold_learns_its_own_pipeline() {
    let doc = reference();
    let leak = &doc["leak"];
    let got = fitpool(
        leak["file"].as_str().unwrap(),
        &strs(&leak["args"]),
        &["Ridge()".to_string()],
    );
    let folds = &got["Ridge()"].1;
    let in_fold = floats(&leak["in_fold"]);
    let all_rows = floats(&leak["all_rows"]);
    let mut differs = 0;
    for k in 0..5 {
        eprintln!(
            "fold {}: fitpool {} in-fold {} all-rows {}",
            k + 1,
            folds[k],
            in_fold[k],
            all_rows[k]
        );
        assert!(rel(folds[k], in_fold[k]) < 1e-6, "fold {}", k + 1);
        if rel(folds[k], all_rows[k]) > 0.01 {
            differs += 1;
        }
    }
    assert!(differs >= 2, "the table must tell the two apart");
}
