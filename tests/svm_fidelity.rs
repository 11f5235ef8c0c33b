//! Fidelity against scikit-learn: test RMSE within 0.1 % relative and n_support close to the
//! numbers in `tests/fixtures/svm_reference.json` (written by `scripts/reference_svm.py`).

use std::path::PathBuf;

use fitpool::data::{read_table, ColumnRef, LoadOptions};
use fitpool::svm::{fit, Gamma, Kernel, SvmParams, SvrKind};
use ndarray::{Array1, Array2};
use serde_json::Value;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Tiny CSV reader: no header, id in column 0, features, target last.
/// A fixture in the article's layout (no header, id in column 0, target last), read by the
/// data layer.
fn load(name: &str) -> (Array2<f64>, Array1<f64>) {
    let path = root().join("tests/fixtures/data").join(name);
    let opts = LoadOptions {
        id_cols: vec![ColumnRef::Index(0)],
        ..LoadOptions::default()
    };
    let t = read_table(&path, &opts).unwrap_or_else(|e| panic!("{e}"));
    (t.numeric_x().expect("a numeric fixture"), t.target())
}

fn case(idx: usize) {
    let text = std::fs::read_to_string(root().join("tests/fixtures/svm_reference.json")).unwrap();
    let v: Value = serde_json::from_str(&text).unwrap();
    let c = &v["cases"][idx];
    let dataset = c["dataset"].as_str().unwrap();
    let model = c["model"].as_str().unwrap();
    let p = &c["params"];
    let mut params = SvmParams::default();
    if let Some(x) = p.get("C") {
        params.c = x.as_f64().unwrap();
    }
    if let Some(k) = p.get("kernel") {
        params.kernel = match k.as_str().unwrap() {
            "rbf" => Kernel::Rbf,
            "linear" => Kernel::Linear,
            "poly" => Kernel::Poly,
            "sigmoid" => Kernel::Sigmoid,
            other => panic!("kernel {other}"),
        };
    }
    if let Some(g) = p.get("gamma") {
        params.gamma = match g.as_str() {
            Some("scale") => Gamma::Scale,
            Some("auto") => Gamma::Auto,
            _ => Gamma::Value(g.as_f64().unwrap()),
        };
    }
    let kind = if model == "SVR" {
        SvrKind::Epsilon {
            epsilon: p.get("epsilon").and_then(|e| e.as_f64()).unwrap_or(0.1),
        }
    } else {
        SvrKind::Nu {
            nu: p.get("nu").and_then(|e| e.as_f64()).unwrap_or(0.5),
        }
    };
    let (xtr, ytr) = load(&format!("{dataset}_train.csv"));
    let (xte, yte) = load(&format!("{dataset}_test.csv"));
    let t0 = std::time::Instant::now();
    let m = fit(xtr.view(), ytr.view(), kind, &params).unwrap();
    let pred = m.predict(xte.view());
    let secs = t0.elapsed().as_secs_f64();
    let rmse = ((&pred - &yte).mapv(|e| e * e).sum() / yte.len() as f64).sqrt();
    let ref_rmse = c["rmse"].as_f64().unwrap();
    let ref_nsv = c["n_support"].as_u64().unwrap() as f64;
    let rel = (rmse - ref_rmse).abs() / ref_rmse;
    let nsv_rel = (m.n_support() as f64 - ref_nsv).abs() / ref_nsv;
    println!(
        "FIDELITY {dataset} {model} {p}: rmse ours {rmse:.6} sklearn {ref_rmse:.6} (rel {rel:.2e}); n_support ours {} sklearn {ref_nsv}; iter ours {} sklearn {}; intercept ours {:.6} sklearn {:.6}; {secs:.2}s",
        m.n_support(),
        m.iterations(),
        c["n_iter"],
        m.intercept(),
        c["intercept"].as_f64().unwrap()
    );
    assert!(
        rel <= 1e-3,
        "rmse {rmse} vs sklearn {ref_rmse}: relative difference {rel}"
    );
    assert!(
        nsv_rel <= 0.01 || (m.n_support() as f64 - ref_nsv).abs() <= 3.0,
        "n_support {} vs sklearn {ref_nsv}",
        m.n_support()
    );
}

macro_rules! cases {
    ($($name:ident = $idx:expr),* $(,)?) => {
        $(#[test] fn $name() { case($idx); })*
    };
}

cases! {
    diabetes_svr_default = 0,
    diabetes_svr_c0_1 = 1,
    diabetes_svr_c1000 = 2,
    diabetes_svr_linear_c100 = 3,
    diabetes_svr_poly_c1000 = 4,
    diabetes_nusvr_default = 5,
    diabetes_nusvr_c0_1 = 6,
    diabetes_nusvr_c1000_nu0_3 = 7,
    diabetes_nusvr_linear_c100 = 8,
    diabetes_nusvr_sigmoid_c10_auto = 9,
    friedman_svr_default = 10,
    friedman_svr_c0_1 = 11,
    friedman_svr_c100 = 12,
    friedman_svr_linear = 13,
    friedman_nusvr_default = 14,
    friedman_nusvr_c0_1 = 15,
    friedman_nusvr_c100 = 16,
    friedman_nusvr_linear = 17,
}

#[test]
fn fixture_cases_are_all_tested() {
    let text = std::fs::read_to_string(root().join("tests/fixtures/svm_reference.json")).unwrap();
    let v: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(v["cases"].as_array().unwrap().len(), 18);
}
