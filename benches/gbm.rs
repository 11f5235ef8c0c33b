//! Benchmark binary (not a timed test) for our gradient boosting: reads a data file written
//! by `scripts/bench/gbm.py gen`, fits HistGradientBoostingRegressor() or
//! GradientBoostingRegressor() with scikit-learn's defaults (random_state=0), predicts the
//! test part, and prints one JSON line with the fit+predict seconds, the RMSE and n_iter.
//!
//! `cargo bench --bench gbm -- FILE hgb|hgb-noes|gbr`

use std::time::Instant;

use fitpool::gbm::{fit_gbr, fit_hgb, EarlyStopping, GbrParams, HgbParams};
use ndarray::{Array1, Array2};

/// Layout: u64 n_train, n_test, n_features; X_train row-major, y_train, X_test, y_test (f64 LE).
fn load(path: &str) -> (Array2<f64>, Array1<f64>, Array2<f64>, Array1<f64>) {
    let b = std::fs::read(path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let u = |i: usize| u64::from_le_bytes(b[i * 8..i * 8 + 8].try_into().unwrap()) as usize;
    let (ntr, nte, p) = (u(0), u(1), u(2));
    let f: Vec<f64> = b[24..]
        .chunks_exact(8)
        .map(|c| f64::from_le_bytes(c.try_into().unwrap()))
        .collect();
    let mut o = 0;
    let mut take = |k: usize| {
        let v = f[o..o + k].to_vec();
        o += k;
        v
    };
    let xtr = Array2::from_shape_vec((ntr, p), take(ntr * p)).unwrap();
    let ytr = Array1::from(take(ntr));
    let xte = Array2::from_shape_vec((nte, p), take(nte * p)).unwrap();
    let yte = Array1::from(take(nte));
    (xtr, ytr, xte, yte)
}

fn main() {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| a != "--bench")
        .collect();
    if args.len() < 2 {
        eprintln!("usage: gbm FILE hgb|hgb-noes|gbr");
        std::process::exit(2);
    }
    let (xtr, ytr, xte, yte) = load(&args[0]);
    let y = ytr.as_slice().unwrap();
    let t0 = Instant::now();
    let (pred, n_iter) = match args[1].as_str() {
        "hgb" | "hgb-noes" => {
            let p = HgbParams {
                random_state: Some(0),
                early_stopping: if args[1] == "hgb" {
                    EarlyStopping::Auto
                } else {
                    EarlyStopping::Off
                },
                ..HgbParams::default()
            };
            let m = fit_hgb(xtr.view(), y, &[], &p).unwrap();
            let fit = t0.elapsed().as_secs_f64();
            eprintln!("[gbm bench] fit {fit:.3}s");
            (m.predict(xte.view()).unwrap(), m.n_iter())
        }
        "gbr" => {
            let p = GbrParams {
                random_state: Some(0),
                ..GbrParams::default()
            };
            let m = fit_gbr(xtr.view(), y, &p).unwrap();
            (m.predict(xte.view()).unwrap(), m.n_estimators())
        }
        other => panic!("model {other}"),
    };
    let secs = t0.elapsed().as_secs_f64();
    let rmse = (pred
        .iter()
        .zip(&yte)
        .map(|(a, b)| (a - b) * (a - b))
        .sum::<f64>()
        / yte.len() as f64)
        .sqrt();
    println!("{{\"side\": \"fitpool\", \"model\": \"{}\", \"n_train\": {}, \"seconds\": {secs:.4}, \"rmse\": {rmse:.6}, \"n_iter\": {n_iter}}}", args[1], xtr.nrows());
}
