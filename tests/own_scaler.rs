//! A model's own scaler: `make_pipeline(StandardScaler(), MODEL)` standardizes the numeric
//! features for that model alone, learned on the training rows (or each fold's), exactly as
//! `--scale` does for every model.

use serde_json::Value;
use std::process::Command;

fn run(args: &[&str]) -> (Option<i32>, Value, String) {
    let table = format!(
        "{}/tests/fixtures/data/table_shop.csv",
        env!("CARGO_MANIFEST_DIR")
    );
    let out = Command::new(env!("CARGO_BIN_EXE_fitpool"))
        .args([
            "run", "--train", &table, "--target", "sales", "--format", "json",
        ])
        .args(["--progress", "none"])
        .args(args)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    let v = serde_json::from_slice(&out.stdout).unwrap_or(Value::Null);
    (out.status.code(), v, stderr)
}

fn rmse(v: &Value, model: &str) -> f64 {
    v["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["model"] == model)
        .unwrap_or_else(|| panic!("{model} in {v}"))
        .get("rmse")
        .and_then(Value::as_f64)
        .unwrap()
}

#[test]
fn a_models_own_scaler_equals_scaling_every_model_and_leaves_the_others_alone() {
    let (code, mixed, err) = run(&["-m", "make_pipeline(StandardScaler(), SVR())", "-m", "svr"]);
    assert_eq!(code, Some(0), "{err}");
    let (code, scaled, err) = run(&["-m", "svr", "--scale"]);
    assert_eq!(code, Some(0), "{err}");
    let own = rmse(&mixed, "make_pipeline(StandardScaler(), SVR())");
    assert_eq!(own, rmse(&scaled, "SVR()"));
    let plain = rmse(&mixed, "SVR()");
    assert!((plain - own).abs() > 1e-6 * plain, "{plain} vs {own}");
}

#[test]
fn a_models_own_scaler_is_learned_in_each_fold() {
    let (code, mixed, err) = run(&[
        "--cv",
        "3",
        "-m",
        "make_pipeline(StandardScaler(), Ridge())",
    ]);
    assert_eq!(code, Some(0), "{err}");
    let (code, scaled, err) = run(&["--cv", "3", "-m", "ridge", "--scale"]);
    assert_eq!(code, Some(0), "{err}");
    let mean = |v: &Value| v["results"][0]["rmse_mean"].as_f64().unwrap();
    assert!((mean(&mixed) - mean(&scaled)).abs() <= 1e-12 * mean(&scaled));
    assert_eq!(mixed["results"][0]["folds_ok"], 3);
}

#[test]
fn only_a_standard_scaler_may_come_before_the_model() {
    let (code, _, err) = run(&["-m", "make_pipeline(MinMaxScaler(), SVR())"]);
    assert_eq!(code, Some(2));
    assert!(
        err.contains("the only step fitpool takes before a model is StandardScaler()"),
        "{err}"
    );
}

#[test]
fn progress_says_once_per_model_when_its_last_fold_ends() {
    let table = format!(
        "{}/tests/fixtures/data/table_shop.csv",
        env!("CARGO_MANIFEST_DIR")
    );
    let out = Command::new(env!("CARGO_BIN_EXE_fitpool"))
        .args(["run", "--train", &table, "--target", "sales", "--cv", "3"])
        .args(["-m", "ridge", "-m", "knn", "--progress", "plain"])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{err}");
    for model in ["Ridge()", "KNeighborsRegressor()"] {
        let line = format!("fitpool: {model}: 3/3 folds, mean RMSE ");
        assert_eq!(err.matches(&line).count(), 1, "{err}");
    }
}
