//! Behaviour of our gradient boosting on small hand-made data: missing-value direction,
//! categorical splits, early stopping, and bad input that must give errors, not panics.

use fitpool::gbm::{fit_gbr, fit_hgb, EarlyStopping, GbmError, GbrParams, HgbModel, HgbParams};
use ndarray::{array, Array2};

/// One stump (one split, two leaves) with full leaf values.
fn stump() -> HgbParams {
    HgbParams {
        max_iter: 1,
        max_leaf_nodes: Some(2),
        min_samples_leaf: 1,
        learning_rate: 1.0,
        random_state: Some(0),
        ..HgbParams::default()
    }
}

fn lcg(seed: &mut u64) -> f64 {
    *seed = seed
        .wrapping_mul(6364136223846793005)
        .wrapping_add(1442695040888963407);
    (*seed >> 11) as f64 / (1u64 << 53) as f64
}

/// x uniform in [0,1), y = 10 above 0.5 else 0; every 5th x missing with y = `y_missing`.
fn missing_data(y_missing: f64) -> (Array2<f64>, Vec<f64>) {
    let mut s = 1;
    let n = 500;
    let mut x = Array2::zeros((n, 1));
    let mut y = vec![0.0; n];
    for i in 0..n {
        let v = lcg(&mut s);
        if i % 5 == 0 {
            x[[i, 0]] = f64::NAN;
            y[i] = y_missing;
        } else {
            x[[i, 0]] = v;
            y[i] = if v > 0.5 { 10.0 } else { 0.0 };
        }
    }
    (x, y)
}

#[test]
fn missing_values_learn_their_side() {
    for (ym, left) in [(10.0, false), (0.0, true)] {
        let (x, y) = missing_data(ym);
        let m = fit_hgb(x.view(), &y, &[], &stump()).unwrap();
        let root = &m.trees[0].nodes[0];
        assert!(!root.is_leaf);
        assert_eq!(root.missing_left, left, "missing y {ym}");
        assert!((root.threshold - 0.5).abs() < 0.01);
        let p = m.predict(array![[f64::NAN], [0.9], [0.1]].view()).unwrap();
        // 400 distinct values in 255 bins: the bin at 0.5 mixes a few rows of each side
        assert!((p[0] - ym).abs() < 0.2, "{p}");
        assert!((p[1] - 10.0).abs() < 0.2 && p[2].abs() < 0.2, "{p}");
    }
}

#[test]
fn missing_values_unseen_at_fit_go_to_the_bigger_child() {
    let x = Array2::from_shape_fn((100, 1), |(i, _)| i as f64);
    let y: Vec<f64> = (0..100).map(|i| if i < 30 { 1.0 } else { 5.0 }).collect();
    let m = fit_hgb(x.view(), &y, &[], &stump()).unwrap();
    assert!(!m.trees[0].nodes[0].missing_left);
    let p = m.predict(array![[f64::NAN]].view()).unwrap();
    assert!((p[0] - 5.0).abs() < 1e-9);
}

#[test]
fn categorical_split_beats_any_ordinal_split() {
    // 10 categories, even codes high, odd codes low: one categorical split separates them,
    // no threshold on the codes can.
    let n = 1000;
    let x = Array2::from_shape_fn((n, 1), |(i, _)| (i % 10) as f64);
    let y: Vec<f64> = (0..n)
        .map(|i| if i % 2 == 0 { 5.0 } else { -5.0 })
        .collect();
    let mse = |m: &HgbModel| {
        let p = m.predict(x.view()).unwrap();
        p.iter()
            .zip(&y)
            .map(|(a, b)| (a - b) * (a - b))
            .sum::<f64>()
            / n as f64
    };
    let cat = fit_hgb(x.view(), &y, &[true], &stump()).unwrap();
    let ord = fit_hgb(x.view(), &y, &[false], &stump()).unwrap();
    assert!(cat.trees[0].nodes[0].is_categorical);
    assert!(mse(&cat) < 1e-12, "categorical mse {}", mse(&cat));
    assert!(mse(&ord) > 20.0, "ordinal mse {}", mse(&ord));
    // unknown categories go the missing-values way, never panic
    let p = cat
        .predict(array![[3.0], [4.0], [77.0], [-1.0], [2.5]].view())
        .unwrap();
    assert!((p[0] + 5.0).abs() < 1e-9 && (p[1] - 5.0).abs() < 1e-9);
}

#[test]
fn early_stopping_stops_before_max_iter() {
    let mut s = 7;
    let n = 20_000;
    let x = Array2::from_shape_fn((n, 3), |_| lcg(&mut s));
    let y: Vec<f64> = (0..n).map(|_| lcg(&mut s)).collect(); // pure noise
    let p = HgbParams {
        random_state: Some(1),
        ..HgbParams::default()
    };
    let m = fit_hgb(x.view(), &y, &[], &p).unwrap();
    assert!(m.early_stopping);
    assert!(m.n_iter() < 100, "n_iter {}", m.n_iter());
    assert_eq!(m.validation_score.len(), m.n_iter() + 1);
    // scored on the training loss instead
    let p2 = HgbParams {
        validation_fraction: None,
        early_stopping: EarlyStopping::On,
        tol: 1e-2,
        ..p.clone()
    };
    let m2 = fit_hgb(x.view(), &y, &[], &p2).unwrap();
    assert!(m2.n_iter() < 100 && m2.train_score.len() == m2.n_iter() + 1);
    // off: all iterations
    let m3 = fit_hgb(
        x.view(),
        &y,
        &[],
        &HgbParams {
            early_stopping: EarlyStopping::Off,
            max_iter: 20,
            ..p
        },
    )
    .unwrap();
    assert_eq!(m3.n_iter(), 20);
}

#[test]
fn bad_and_degenerate_input_never_panics() {
    let hp = HgbParams::default();
    let gp = GbrParams::default();
    let empty = Array2::<f64>::zeros((0, 3));
    assert!(matches!(
        fit_hgb(empty.view(), &[], &[], &hp),
        Err(GbmError::EmptyData { .. })
    ));
    assert!(matches!(
        fit_gbr(empty.view(), &[], &gp),
        Err(GbmError::EmptyData { .. })
    ));
    let one = array![[1.0, 2.0]];
    let m = fit_hgb(one.view(), &[3.0], &[], &hp).unwrap();
    assert_eq!(m.predict(one.view()).unwrap()[0], 3.0);
    let g = fit_gbr(one.view(), &[3.0], &gp).unwrap();
    assert_eq!(g.predict(one.view()).unwrap()[0], 3.0);
    assert!(m.predict(array![[1.0]].view()).is_err());
    assert!(g.predict(array![[1.0]].view()).is_err());
    // constant y, all-NaN column, infinities in x
    let x = Array2::from_shape_fn((50, 3), |(i, j)| match j {
        0 => f64::NAN,
        1 => i as f64,
        _ => {
            if i % 7 == 0 {
                f64::INFINITY
            } else {
                -(i as f64)
            }
        }
    });
    let m = fit_hgb(x.view(), &[2.0; 50], &[], &hp).unwrap();
    assert!(m
        .predict(x.view())
        .unwrap()
        .iter()
        .all(|&v| (v - 2.0).abs() < 1e-12));
    let y: Vec<f64> = (0..50).map(|i| (i % 3) as f64).collect();
    assert!(fit_hgb(x.view(), &y, &[], &hp).is_ok());
    assert!(fit_gbr(x.view(), &y, &gp).is_err()); // NaN: GBR refuses it
    let xf = x.slice(ndarray::s![.., 1..2]).to_owned();
    assert!(fit_gbr(xf.view(), &[2.0; 50], &gp).is_ok());
    // bad y, bad params, bad categorical codes, length mismatch
    assert!(fit_hgb(xf.view(), &[f64::NAN; 50], &[], &hp).is_err());
    assert!(fit_hgb(xf.view(), &[1.0; 49], &[], &hp).is_err());
    assert!(fit_hgb(xf.view(), &y, &[true, false], &hp).is_err());
    assert!(fit_hgb(
        xf.view(),
        &y,
        &[],
        &HgbParams {
            max_bins: 256,
            ..hp.clone()
        }
    )
    .is_err());
    assert!(fit_hgb(
        xf.view(),
        &y,
        &[],
        &HgbParams {
            learning_rate: 0.0,
            ..hp.clone()
        }
    )
    .is_err());
    let neg = Array2::from_elem((10, 1), -2.0);
    assert!(matches!(
        fit_hgb(neg.view(), &[1.0; 10], &[true], &hp),
        Err(GbmError::BadCategorical { .. })
    ));
    assert!(fit_hgb(
        xf.view(),
        &[-1.0; 50],
        &[],
        &HgbParams {
            loss: fitpool::gbm::Loss::Poisson,
            ..hp.clone()
        }
    )
    .is_err());
    // early stopping on a tiny set: the split must leave both sides non-empty
    assert!(fit_hgb(
        one.view(),
        &[1.0],
        &[],
        &HgbParams {
            early_stopping: EarlyStopping::On,
            ..hp
        }
    )
    .is_err());
}

#[test]
fn models_roundtrip_through_serde() {
    let (x, y) = missing_data(10.0);
    let m = fit_hgb(
        x.view(),
        &y,
        &[],
        &HgbParams {
            random_state: Some(0),
            ..HgbParams::default()
        },
    )
    .unwrap();
    let s = serde_json::to_string(&m).unwrap();
    let back: HgbModel = serde_json::from_str(&s).unwrap();
    assert_eq!(
        back.predict(x.view()).unwrap(),
        m.predict(x.view()).unwrap()
    );
    let xf = Array2::from_shape_fn((200, 2), |(i, j)| ((i * (j + 3)) % 17) as f64);
    let yf: Vec<f64> = (0..200).map(|i| (i % 5) as f64).collect();
    let g = fit_gbr(xf.view(), &yf, &GbrParams::default()).unwrap();
    let gb: fitpool::gbm::GbrModel =
        serde_json::from_str(&serde_json::to_string(&g).unwrap()).unwrap();
    assert_eq!(
        gb.predict(xf.view()).unwrap(),
        g.predict(xf.view()).unwrap()
    );
}
