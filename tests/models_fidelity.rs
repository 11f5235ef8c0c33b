//! scikit-learn fidelity: every model in `tests/fixtures/reference_*.json` (written by
//! `scripts/reference.py`) is parsed from its scikit-learn repr, fitted on the same files, and
//! its test RMSE compared: deterministic models within 0.1 %, forests, trees and boosting
//! (different random generators) within 5 % of scikit-learn's mean RMSE over five seeds.

use std::collections::BTreeSet;
use std::path::Path;

use fitpool::models::{ModelError, ModelSpec};
use fitpool::spec::parse_model;
use ndarray::{Array1, Array2};

/// The article's layout: no header, id in column 0, features, target last.
fn load(path: &Path) -> (Array2<f64>, Array1<f64>) {
    let text = std::fs::read_to_string(path).unwrap();
    let rows: Vec<Vec<f64>> = text
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| l.split(',').map(|v| v.trim().parse().unwrap()).collect())
        .collect();
    let f = rows[0].len() - 2;
    let x = Array2::from_shape_fn((rows.len(), f), |(i, j)| rows[i][j + 1]);
    let y = rows.iter().map(|r| r[f + 1]).collect();
    (x, y)
}

fn rmse(a: &Array1<f64>, b: &Array1<f64>) -> f64 {
    let n = a.len() as f64;
    (a.iter().zip(b).map(|(p, q)| (p - q) * (p - q)).sum::<f64>() / n).sqrt()
}

/// The relative RMSE bound for a kind.
fn bound(spec: &ModelSpec) -> f64 {
    match spec {
        ModelSpec::RandomForest(_)
        | ModelSpec::ExtraTrees(_)
        | ModelSpec::DecisionTree(_)
        | ModelSpec::GradientBoosting(_) => 0.05,
        _ => 0.001,
    }
}

fn check(dataset: &str) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let fixture: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(root.join(format!("reference_{dataset}.json"))).unwrap(),
    )
    .unwrap();
    let (x_train, y_train) = load(&root.join(format!("data/{dataset}_train.csv")));
    let (x_test, y_test) = load(&root.join(format!("data/{dataset}_test.csv")));
    let mut unsupported = BTreeSet::new();
    let mut failures = Vec::new();
    for m in fixture["models"].as_array().unwrap() {
        let repr = m["repr"].as_str().unwrap();
        // Randomised models: the mean over scikit-learn's seeds 0..4; others: the one RMSE.
        let want = m
            .get("rmse_seed_mean")
            .and_then(|v| v.as_f64())
            .unwrap_or_else(|| m["rmse"].as_f64().unwrap());
        let spec = parse_model(repr).unwrap_or_else(|e| panic!("{repr}: {e}"));
        assert_eq!(
            parse_model(&spec.display()).unwrap(),
            spec,
            "display round trip"
        );
        match spec.fit_predict(x_train.view(), y_train.view(), x_test.view()) {
            Ok(p) => {
                let got = rmse(&p.y_pred, &y_test);
                let rel = (got - want).abs() / want;
                eprintln!(
                    "{dataset:9} {repr:90} ours {got:10.5} sklearn {want:10.5} rel {:+.4}% fit {:.3}s",
                    100.0 * (got - want) / want,
                    p.fit_seconds
                );
                if rel > bound(&spec) {
                    failures.push(format!("{repr}: ours {got} vs sklearn {want}"));
                }
            }
            Err(ModelError::Unavailable(_)) => {
                unsupported.insert(spec.kind_name());
            }
            Err(e) => failures.push(format!("{repr}: {e}")),
        }
    }
    assert!(unsupported.is_empty(), "unsupported kinds: {unsupported:?}");
    assert!(failures.is_empty(), "{dataset}: {failures:#?}");
}

#[test]
fn diabetes_matches_scikit_learn() {
    check("diabetes");
}

#[test]
fn friedman_matches_scikit_learn() {
    check("friedman");
}
