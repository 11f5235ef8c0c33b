//! Fidelity against scikit-learn 1.9: test RMSE within 1 % of the numbers in
//! `tests/fixtures/gbm_reference.json` (written by `scripts/reference_gbm.py`), for
//! HistGradientBoostingRegressor and GradientBoostingRegressor. Each case prints its gap and,
//! for deterministic cases, how far our first test predictions are from scikit-learn's.

use std::path::PathBuf;

use fitpool::gbm::{fit_gbr, fit_hgb, EarlyStopping, GbrParams, HgbParams, Loss};
use ndarray::{Array1, Array2};
use serde_json::Value;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// No header, id in column 0, features, target last; an empty field is missing (NaN).
fn load(name: &str) -> (Array2<f64>, Array1<f64>) {
    let text = std::fs::read_to_string(root().join("tests/fixtures/data").join(name)).unwrap();
    let rows: Vec<Vec<f64>> = text
        .lines()
        .map(|l| {
            l.split(',')
                .map(|v| {
                    if v.is_empty() {
                        f64::NAN
                    } else {
                        v.parse().unwrap()
                    }
                })
                .collect()
        })
        .collect();
    let p = rows[0].len() - 2;
    let x = Array2::from_shape_fn((rows.len(), p), |(i, j)| rows[i][j + 1]);
    let y = Array1::from_iter(rows.iter().map(|r| r[p + 1]));
    (x, y)
}

fn rmse(a: &Array1<f64>, b: &Array1<f64>) -> f64 {
    (a.iter().zip(b).map(|(x, y)| (x - y) * (x - y)).sum::<f64>() / a.len() as f64).sqrt()
}

fn case(idx: usize) {
    let text = std::fs::read_to_string(root().join("tests/fixtures/gbm_reference.json")).unwrap();
    let v: Value = serde_json::from_str(&text).unwrap();
    let c = &v["cases"][idx];
    let dataset = c["dataset"].as_str().unwrap();
    let model = c["model"].as_str().unwrap();
    let p = &c["params"];
    let (xtr, ytr) = load(&format!("{dataset}_train.csv"));
    let (xte, yte) = load(&format!("{dataset}_test.csv"));
    let f = |k: &str| p.get(k).and_then(|v| v.as_f64());
    let u = |k: &str| p.get(k).and_then(|v| v.as_u64()).map(|v| v as usize);
    let (pred, n_iter, deterministic) = if model == "HGB" {
        let mut hp = HgbParams::default();
        if let Some(v) = f("learning_rate") {
            hp.learning_rate = v;
        }
        if let Some(v) = u("max_iter") {
            hp.max_iter = v;
        }
        if let Some(v) = u("max_leaf_nodes") {
            hp.max_leaf_nodes = Some(v);
        }
        hp.max_depth = u("max_depth");
        if let Some(v) = u("min_samples_leaf") {
            hp.min_samples_leaf = v;
        }
        if let Some(v) = f("l2_regularization") {
            hp.l2_regularization = v;
        }
        if let Some(v) = u("max_bins") {
            hp.max_bins = v;
        }
        if p.get("early_stopping").and_then(|v| v.as_bool()) == Some(false) {
            hp.early_stopping = EarlyStopping::Off;
        }
        if p.get("loss").and_then(|v| v.as_str()) == Some("poisson") {
            hp.loss = Loss::Poisson;
        }
        hp.random_state = Some(u("random_state").unwrap_or(0) as u64);
        let cats: Vec<bool> = p
            .get("categorical_features")
            .map(|a| {
                a.as_array()
                    .unwrap()
                    .iter()
                    .map(|b| b.as_bool().unwrap())
                    .collect()
            })
            .unwrap_or_default();
        let m = fit_hgb(xtr.view(), ytr.as_slice().unwrap(), &cats, &hp).unwrap();
        let es = match hp.early_stopping {
            EarlyStopping::Auto => xtr.nrows() > 10_000,
            EarlyStopping::On => true,
            EarlyStopping::Off => false,
        };
        (m.predict(xte.view()).unwrap(), m.n_iter(), !es)
    } else {
        let mut gp = GbrParams::default();
        if let Some(v) = f("learning_rate") {
            gp.learning_rate = v;
        }
        if let Some(v) = u("max_depth") {
            gp.max_depth = Some(v);
        }
        if let Some(v) = u("min_samples_leaf") {
            gp.min_samples_leaf = v;
        }
        if let Some(v) = f("subsample") {
            gp.subsample = v;
        }
        gp.random_state = Some(u("random_state").unwrap_or(0) as u64);
        let m = fit_gbr(xtr.view(), ytr.as_slice().unwrap(), &gp).unwrap();
        (
            m.predict(xte.view()).unwrap(),
            m.n_estimators(),
            gp.subsample >= 1.0,
        )
    };
    let ours = rmse(&pred, &yte);
    let theirs = c["rmse"].as_f64().unwrap();
    let gap = (ours - theirs) / theirs;
    let head: Vec<f64> = c["pred_head"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_f64().unwrap())
        .collect();
    let max_head = head
        .iter()
        .zip(pred.iter())
        .map(|(a, b)| (a - b).abs())
        .fold(0.0, f64::max);
    eprintln!(
        "case {idx} {dataset} {model} {p}: rmse ours {ours:.6} sklearn {theirs:.6} gap {:+.3}% \
         n_iter ours {n_iter} sklearn {} max |pred diff| first 20 {max_head:.2e}{}",
        gap * 100.0,
        c["n_iter"],
        if deterministic {
            ""
        } else {
            " (random split: RNG differs)"
        }
    );
    // Random row draws (early-stopping hold-out, GBR subsample) use our RNG, not numpy's:
    // those cases get the spread of scikit-learn's own RMSE over seeds (about 2.5 % for
    // GBR subsample=0.5 on friedman: 1.302 to 1.334 over random_state 0..2).
    let tol = if deterministic || model == "HGB" {
        0.01
    } else {
        0.04
    };
    assert!(
        gap.abs() < tol,
        "case {idx}: rmse {ours} vs sklearn {theirs}"
    );
}

macro_rules! cases {
    ($($name:ident = $idx:expr;)*) => {$(
        #[test]
        fn $name() {
            case($idx);
        }
    )*};
}

cases! {
    hgb_diabetes_default = 0;
    hgb_diabetes_small_trees = 1;
    hgb_diabetes_depth_l2 = 2;
    hgb_friedman_default = 3;
    hgb_friedman_32_bins = 4;
    hgb_friedman20k_no_early_stopping = 5;
    hgb_friedman20k_early_stopping = 6;
    hgb_friedman20k_early_stopping_stops = 7;
    hgb_mixed_categorical_missing = 8;
    hgb_mixed_ordinal_missing = 9;
    hgb_friedman_poisson = 10;
    gbr_diabetes_default = 11;
    gbr_diabetes_deep = 12;
    gbr_friedman_default = 13;
    gbr_friedman20k_default = 14;
    gbr_friedman_subsample = 15;
}
