//! The selected `alpha_` of LassoLarsIC, LarsCV and LassoLarsCV (and `n_nonzero_coefs_` of
//! OrthogonalMatchingPursuitCV) equals scikit-learn's (recorded
//! in `tests/fixtures/kinds/linear_lars.json`) on the article-layout datasets.

use std::path::{Path, PathBuf};

use fitpool::data::{read_table, ColumnRef, LoadOptions};
use fitpool::models::kinds::{fit_omp_cv, lars_fit_cv, lasso_lars_fit_ic};
use fitpool::models::lars::Method;
use fitpool::models::ModelSpec;
use fitpool::spec::parse_model;
use ndarray::{Array1, Array2};
use serde_json::Value;

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

/// Our selected value for a case, `None` for a kind without one.
fn selected(spec: &ModelSpec, x: &Array2<f64>, y: &Array1<f64>) -> Option<f64> {
    match spec {
        ModelSpec::LarsCv(p) => Some(lars_fit_cv(p, Method::Lar, x.view(), y.view()).1),
        ModelSpec::LassoLarsCv(p) => Some(lars_fit_cv(p, Method::Lasso, x.view(), y.view()).1),
        ModelSpec::LassoLarsIc(p) => Some(lasso_lars_fit_ic(p, x.view(), y.view()).ok()?.1),
        ModelSpec::OmpCv(p) => Some(fit_omp_cv(p, x.view(), y.view()).ok()?.1 as f64),
        _ => None,
    }
}

#[test]
fn selected_alpha_matches_sklearn() {
    let doc: Value = serde_json::from_str(
        &std::fs::read_to_string(fixtures().join("kinds/linear_lars.json")).expect("fixture"),
    )
    .expect("JSON");
    let mut checked = 0;
    let mut failures = Vec::new();
    for c in doc["cases"].as_array().expect("cases") {
        let dataset = c["dataset"].as_str().unwrap();
        let Some(want) = c
            .get("alpha_")
            .or_else(|| c.get("n_nonzero_coefs_"))
            .and_then(Value::as_f64)
        else {
            continue;
        };
        if !matches!(dataset, "diabetes" | "friedman" | "friedman20k") {
            continue;
        }
        let (x, y) = load(&fixtures().join(format!("data/{dataset}_train.csv")));
        let spec = parse_model(c["repr"].as_str().unwrap()).unwrap();
        let got = selected(&spec, &x, &y).expect("a kind with a selected alpha");
        checked += 1;
        let ok = (got - want).abs() <= 1e-9 * want.abs().max(1e-12);
        eprintln!("{dataset} {} ours {got:e} sklearn {want:e}", spec.display());
        if !ok {
            failures.push(format!("{dataset} {}: {got} != {want}", spec.display()));
        }
    }
    assert!(checked >= 9, "only {checked} cases checked");
    assert!(failures.is_empty(), "{failures:#?}");
}

/// Degenerate inputs (constant target, duplicate and constant columns, more features than
/// rows) end in a prediction or a `ModelError`, never a panic; LassoLarsIC without enough rows
/// to estimate the noise fails with scikit-learn's message.
#[test]
fn degenerate_inputs_do_not_panic() {
    let reprs = [
        "Lars()",
        "LassoLars(alpha=0.0)",
        "LassoLarsIC()",
        "LarsCV()",
        "LassoLarsCV()",
        "OrthogonalMatchingPursuit(n_nonzero_coefs=3)",
        "OrthogonalMatchingPursuit(tol=0.0)",
        "OrthogonalMatchingPursuitCV(max_iter=50)",
    ];
    let wide = Array2::from_shape_fn((6, 10), |(i, j)| ((i * 7 + j * 3) % 5) as f64);
    let mut dup = Array2::from_shape_fn((12, 3), |(i, j)| (i * (j + 1)) as f64);
    dup.column_mut(2).fill(1.0);
    let cases = [
        (wide.clone(), Array1::from_shape_fn(6, |i| i as f64)),
        (dup.clone(), Array1::from_elem(12, 3.0)),
        (dup, Array1::from_shape_fn(12, |i| (i % 3) as f64)),
    ];
    for r in reprs {
        let spec = parse_model(r).unwrap();
        for (x, y) in &cases {
            if let Ok(p) = spec.fit_predict(x.view(), y.view(), x.view()) {
                assert_eq!(p.y_pred.len(), x.nrows());
            }
        }
    }
    let ic = parse_model("LassoLarsIC()").unwrap();
    let err = ic
        .fit_predict(wide.view(), cases[0].1.view(), wide.view())
        .unwrap_err();
    assert!(err
        .to_string()
        .contains("Provide an estimate of the noise variance"));
    let omp = parse_model("OrthogonalMatchingPursuit(n_nonzero_coefs=11)").unwrap();
    let err = omp
        .fit_predict(wide.view(), cases[0].1.view(), wide.view())
        .unwrap_err();
    assert!(err
        .to_string()
        .contains("cannot be more than the number of features"));
}
