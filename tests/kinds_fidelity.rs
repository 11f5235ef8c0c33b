//! scikit-learn fidelity for the model-kind families: every case of every file in
//! `tests/fixtures/kinds/` (written by `scripts/reference_kinds.py FAMILY` from
//! `scripts/kinds/FAMILY.py`) is parsed from its scikit-learn repr and fitted on the same data.
//! Its test RMSE must be within the case's `rtol` (default 0.1 %) of scikit-learn's, or, for
//! a case with `rmse_seeds` (scikit-learn's RMSE over random_state 0..4), within their range
//! widened by 5 %. The article-layout datasets go through the library; the mixed tables through
//! the binary (`--scale --test-size 0.25 --seed 0`, lazypredict's recipe). One test per family.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use fitpool::data::{read_table, ColumnRef, LoadOptions};
use fitpool::spec::parse_model;
use ndarray::{Array1, Array2};
use serde_json::Value;

const TABLES: &[(&str, &str)] = &[
    ("penguins", "body_mass_g"),
    ("shop", "sales"),
    ("clinic", "risk"),
];

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

fn load(path: &Path) -> (Array2<f64>, Array1<f64>) {
    let opts = LoadOptions {
        id_cols: vec![ColumnRef::Index(0)],
        ..LoadOptions::default()
    };
    let t = read_table(path, &opts).unwrap_or_else(|e| panic!("{e}"));
    (t.numeric_x().expect("a numeric fixture"), t.target())
}

fn rmse(a: &Array1<f64>, b: &Array1<f64>) -> f64 {
    let n = a.len() as f64;
    (a.iter().zip(b).map(|(p, q)| (p - q) * (p - q)).sum::<f64>() / n).sqrt()
}

/// fitpool's test RMSE (or its error) per repr, on one mixed table through the binary.
fn run_table(table: &str, reprs: &[&str]) -> BTreeMap<String, Result<f64, String>> {
    let target = TABLES
        .iter()
        .find(|t| t.0 == table)
        .expect("a known table")
        .1;
    let file = fixtures().join(format!("data/table_{table}.csv"));
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_fitpool"));
    cmd.arg("run")
        .arg("--train")
        .arg(&file)
        .args([
            "--target",
            target,
            "--test-size",
            "0.25",
            "--seed",
            "0",
            "--scale",
        ])
        .args(["--format", "json", "--progress", "none", "-j", "2"]);
    for r in reprs {
        cmd.args(["-m", r]);
    }
    let out = cmd.output().expect("fitpool runs");
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "{table}: {e}; stderr: {}",
            String::from_utf8_lossy(&out.stderr)
        )
    });
    doc["results"]
        .as_array()
        .expect("results")
        .iter()
        .map(|r| {
            let model = r["model"].as_str().unwrap_or_default().to_string();
            let got = r["rmse"].as_f64().ok_or_else(|| r.to_string());
            (model, got)
        })
        .collect()
}

/// The bound a case's RMSE must meet: `(lo, hi)`.
fn bounds(case: &Value) -> (f64, f64) {
    if let Some(seeds) = case.get("rmse_seeds").and_then(Value::as_array) {
        let s: Vec<f64> = seeds.iter().filter_map(Value::as_f64).collect();
        let lo = s.iter().cloned().fold(f64::MAX, f64::min);
        let hi = s.iter().cloned().fold(f64::MIN, f64::max);
        if hi - lo > 1e-9 * hi.abs() {
            return (lo * 0.95, hi * 1.05);
        }
    }
    let want = case["rmse"].as_f64().expect("rmse");
    let rtol = case.get("rtol").and_then(Value::as_f64).unwrap_or(1e-3);
    (want * (1.0 - rtol), want * (1.0 + rtol))
}

/// Checks every case of `tests/fixtures/kinds/{family}.json`.
pub fn check_family(family: &str) {
    let path = fixtures().join(format!("kinds/{family}.json"));
    let doc: Value =
        serde_json::from_str(&std::fs::read_to_string(&path).expect("the fixture")).expect("JSON");
    let cases = doc["cases"].as_array().expect("cases");
    let mut failures = Vec::new();
    let mut by_dataset: BTreeMap<&str, Vec<&Value>> = BTreeMap::new();
    for c in cases {
        by_dataset
            .entry(c["dataset"].as_str().unwrap())
            .or_default()
            .push(c);
    }
    for (dataset, cases) in by_dataset {
        let got: Vec<Result<f64, String>> = if TABLES.iter().any(|t| t.0 == dataset) {
            let reprs: Vec<&str> = cases.iter().map(|c| c["repr"].as_str().unwrap()).collect();
            let results = run_table(dataset, &reprs);
            cases
                .iter()
                .map(|c| {
                    let spec =
                        parse_model(c["repr"].as_str().unwrap()).map_err(|e| e.to_string())?;
                    results
                        .get(&spec.display())
                        .cloned()
                        .unwrap_or_else(|| Err(format!("no result for {}", spec.display())))
                })
                .collect()
        } else {
            let (xtr, ytr) = load(&fixtures().join(format!("data/{dataset}_train.csv")));
            let (xte, yte) = load(&fixtures().join(format!("data/{dataset}_test.csv")));
            cases
                .iter()
                .map(|c| {
                    let spec =
                        parse_model(c["repr"].as_str().unwrap()).map_err(|e| e.to_string())?;
                    assert_eq!(
                        parse_model(&spec.display()).unwrap(),
                        spec,
                        "display round trip"
                    );
                    let p = spec
                        .fit_predict(xtr.view(), ytr.view(), xte.view())
                        .map_err(|e| e.to_string())?;
                    Ok(rmse(&p.y_pred, &yte))
                })
                .collect()
        };
        for (c, got) in cases.iter().zip(got) {
            let repr = c["repr"].as_str().unwrap();
            let want = c["rmse"].as_f64().unwrap();
            let (lo, hi) = bounds(c);
            match got {
                Ok(g) => {
                    eprintln!(
                        "{dataset:9} {repr:70} ours {g:10.5} sklearn {want:10.5} rel {:+.2e} bound [{lo:.5}, {hi:.5}]",
                        (g - want) / want
                    );
                    if !(lo..=hi).contains(&g) {
                        failures.push(format!(
                            "{dataset} {repr}: ours {g} not in [{lo}, {hi}] (sklearn {want})"
                        ));
                    }
                }
                Err(e) => failures.push(format!("{dataset} {repr}: {e}")),
            }
        }
    }
    assert!(failures.is_empty(), "{family}: {failures:#?}");
}

#[test]
fn harness_on_existing_kinds() {
    check_family("dummy_check");
}

#[test]
fn linear_lars() {
    check_family("linear_lars");
}

#[test]
fn linear_bayes() {
    check_family("linear_bayes");
}

#[test]
fn ensembles() {
    check_family("ensembles");
}

#[test]
fn robust_sgd() {
    check_family("robust_sgd");
}
