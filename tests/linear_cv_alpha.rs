//! The selected `alpha_` of LassoCV and ElasticNetCV equals scikit-learn's (recorded in
//! `tests/fixtures/kinds/linear_cv.json`) on the article-layout datasets; degenerate inputs
//! end in a prediction or a typed error.

use std::path::{Path, PathBuf};

use fitpool::data::{read_table, ColumnRef, LoadOptions};
use fitpool::models::enet_cv::{alpha_grid, kfold};
use fitpool::models::kinds::linear_fit_cv;
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

#[test]
fn selected_alpha_matches_sklearn() {
    let doc: Value = serde_json::from_str(
        &std::fs::read_to_string(fixtures().join("kinds/linear_cv.json")).expect("fixture"),
    )
    .expect("JSON");
    let mut checked = 0;
    let mut failures = Vec::new();
    for c in doc["cases"].as_array().expect("cases") {
        let dataset = c["dataset"].as_str().unwrap();
        let Some(want) = c.get("alpha_").and_then(Value::as_f64) else {
            continue;
        };
        if !matches!(dataset, "diabetes" | "friedman" | "friedman20k") {
            continue;
        }
        let (x, y) = load(&fixtures().join(format!("data/{dataset}_train.csv")));
        let spec = parse_model(c["repr"].as_str().unwrap()).unwrap();
        let p = match &spec {
            ModelSpec::LassoCv(p) | ModelSpec::ElasticNetCv(p) => p,
            _ => panic!("not a CV elastic net: {}", spec.display()),
        };
        let got = linear_fit_cv(p, x.view(), y.view()).unwrap().alpha;
        checked += 1;
        eprintln!("{dataset} {} ours {got:e} sklearn {want:e}", spec.display());
        if (got - want).abs() > 1e-9 * want.abs() {
            failures.push(format!("{dataset} {}: {got} != {want}", spec.display()));
        }
    }
    assert!(checked >= 9, "only {checked} cases checked");
    assert!(failures.is_empty(), "{failures:#?}");
}

#[test]
fn grid_and_folds() {
    // centred x = [-1, 0, 1], y = [0, 1, 5]: X'y = 5, alpha_max = 5 / 3.
    let x = Array2::from_shape_vec((3, 1), vec![1.0, 2.0, 3.0]).unwrap();
    let y = Array1::from(vec![0.0, 1.0, 5.0]);
    let g = alpha_grid(x.view(), y.view(), 1.0, true, 1e-3, 3).unwrap();
    assert!((g[0] - 5.0 / 3.0).abs() < 1e-15);
    assert!((g[1] - 5.0 / 3.0 * 10f64.powf(-1.5)).abs() < 1e-15);
    assert!((g[2] - 5.0 / 3.0 * 1e-3).abs() < 1e-15);
    assert!(alpha_grid(x.view(), y.view(), 0.0, true, 1e-3, 3).is_err());
    let f = kfold(7, 3);
    assert_eq!(f, vec![0..3, 3..5, 5..7]);
}

#[test]
fn degenerate_inputs_do_not_panic() {
    let reprs = [
        "LassoCV()",
        "ElasticNetCV()",
        "LassoCV(precompute=True)",
        "ElasticNetCV(l1_ratio=0.0)",
        "LassoCV(cv=2, fit_intercept=False)",
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
            match spec.fit_predict(x.view(), y.view(), x.view()) {
                Ok(p) => assert_eq!(p.y_pred.len(), x.nrows()),
                Err(e) => assert!(r.contains("l1_ratio=0.0"), "{r}: {e}"),
            }
        }
    }
    let err = parse_model("ElasticNetCV(l1_ratio=0.0)")
        .unwrap()
        .fit_predict(cases[2].0.view(), cases[2].1.view(), cases[2].0.view())
        .unwrap_err();
    assert!(err.to_string().contains("not supported for l1_ratio=0"));
}
