//! Small problems with known answers for the SVR solver: KKT conditions at the solution,
//! Schölkopf's nu property, exact recovery of linear data, gamma resolution, parameter errors.

use fitpool::svm::{fit, Gamma, Kernel, SvmError, SvmParams, SvrKind, SvrModel};
use ndarray::{Array1, Array2};

/// Deterministic pseudo-random numbers in [0, 1) (splitmix64).
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> f64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        ((z ^ (z >> 31)) >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// Friedman #1 with `d` features and noise 1.
fn friedman(n: usize, d: usize, seed: u64) -> (Array2<f64>, Array1<f64>) {
    let mut r = Rng(seed);
    let x = Array2::from_shape_fn((n, d), |_| r.next());
    let y = Array1::from_shape_fn(n, |i| {
        let v = |k: usize| x[[i, k]];
        let noise = (r.next() + r.next() + r.next() - 1.5) * 2.0;
        10.0 * (std::f64::consts::PI * v(0) * v(1)).sin()
            + 20.0 * (v(2) - 0.5).powi(2)
            + 10.0 * v(3)
            + 5.0 * v(4)
            + noise
    });
    (x, y)
}

/// Checks the KKT conditions of the SVR dual on the training data, in terms of the model:
/// with residual `r_t = f(x_t) - y_t` and `beta_t = alpha_t - alpha*_t`,
/// `beta = 0 => |r| <= eps`, `0 < beta < C => r = -eps`, `beta = C => r <= -eps`,
/// `-C < beta < 0 => r = eps`, `beta = -C => r >= eps`, each within `slack`; and `sum beta = 0`.
fn check_kkt(m: &SvrModel, x: &Array2<f64>, y: &Array1<f64>, c: f64, eps: f64, slack: f64) {
    let f = m.predict(x.view());
    let mut beta = vec![0.0; y.len()];
    for (k, &t) in m.support.iter().enumerate() {
        beta[t] = m.dual_coef[k];
    }
    let sum: f64 = beta.iter().sum();
    assert!(
        sum.abs() <= 1e-8 * c * y.len() as f64,
        "sum of dual coefficients {sum}"
    );
    for t in 0..y.len() {
        let r = f[t] - y[t];
        let b = beta[t];
        assert!(b.abs() <= c * (1.0 + 1e-12), "|beta| {b} > C {c}");
        let ok = if b == 0.0 {
            r.abs() <= eps + slack
        } else if b >= c {
            r <= -eps + slack
        } else if b <= -c {
            r >= eps - slack
        } else if b > 0.0 {
            (r + eps).abs() <= slack
        } else {
            (r - eps).abs() <= slack
        };
        assert!(
            ok,
            "KKT violated at {t}: beta {b}, residual {r}, eps {eps}, C {c}"
        );
    }
}

#[test]
fn epsilon_svr_kkt_holds() {
    let (x, y) = friedman(300, 5, 1);
    for (kernel, c) in [
        (Kernel::Rbf, 1.0),
        (Kernel::Rbf, 50.0),
        (Kernel::Linear, 10.0),
        (Kernel::Poly, 5.0),
    ] {
        for shrinking in [true, false] {
            let params = SvmParams {
                kernel,
                c,
                shrinking,
                tol: 1e-4,
                ..SvmParams::default()
            };
            let m = fit(
                x.view(),
                y.view(),
                SvrKind::Epsilon { epsilon: 0.5 },
                &params,
            )
            .unwrap();
            check_kkt(&m, &x, &y, c, 0.5, 1e-3);
        }
    }
}

#[test]
fn nu_svr_kkt_holds_with_its_epsilon() {
    let (x, y) = friedman(300, 5, 2);
    for nu in [0.1, 0.5, 0.9] {
        let params = SvmParams {
            c: 10.0,
            tol: 1e-4,
            ..SvmParams::default()
        };
        let m = fit(x.view(), y.view(), SvrKind::Nu { nu }, &params).unwrap();
        assert!(m.epsilon >= 0.0, "nu-SVR epsilon {}", m.epsilon);
        check_kkt(&m, &x, &y, 10.0, m.epsilon, 1e-3);
    }
}

#[test]
fn nu_bounds_fractions_of_support_vectors() {
    // Schölkopf et al. 2000: nu <= fraction of SVs, fraction of bounded SVs <= nu.
    let (x, y) = friedman(400, 5, 3);
    let n = y.len() as f64;
    for nu in [0.05, 0.2, 0.5, 0.8] {
        for c in [1.0, 10.0] {
            let params = SvmParams {
                c,
                ..SvmParams::default()
            };
            let m = fit(x.view(), y.view(), SvrKind::Nu { nu }, &params).unwrap();
            let frac_sv = m.n_support() as f64 / n;
            let frac_bounded = m
                .dual_coef
                .iter()
                .filter(|b| b.abs() >= c * (1.0 - 1e-12))
                .count() as f64
                / n;
            assert!(
                frac_sv >= nu - 1.0 / n,
                "nu {nu} C {c}: fraction of SVs {frac_sv}"
            );
            assert!(
                frac_bounded <= nu + 1.0 / n,
                "nu {nu} C {c}: fraction of bounded SVs {frac_bounded}"
            );
            let total: f64 = m.dual_coef.iter().map(|b| b.abs()).sum();
            assert!(
                total <= c * nu * n * (1.0 + 1e-9),
                "sum |beta| {total} > C nu n"
            );
        }
    }
}

#[test]
fn linear_kernel_recovers_linear_data() {
    let mut r = Rng(7);
    let (n, d) = (200, 4);
    let w = [2.0, -3.0, 0.5, 1.25];
    let x = Array2::from_shape_fn((n, d), |_| r.next() * 2.0 - 1.0);
    let y = Array1::from_shape_fn(n, |i| (0..d).map(|k| w[k] * x[[i, k]]).sum::<f64>() + 0.75);
    let xt = Array2::from_shape_fn((50, d), |_| r.next() * 2.0 - 1.0);
    let yt = Array1::from_shape_fn(50, |i| {
        (0..d).map(|k| w[k] * xt[[i, k]]).sum::<f64>() + 0.75
    });
    let params = SvmParams {
        kernel: Kernel::Linear,
        c: 100.0,
        tol: 1e-5,
        ..SvmParams::default()
    };
    for kind in [SvrKind::Epsilon { epsilon: 0.01 }, SvrKind::Nu { nu: 0.3 }] {
        let m = fit(x.view(), y.view(), kind, &params).unwrap();
        let p = m.predict(xt.view());
        let err = (&p - &yt).mapv(f64::abs).fold(0.0f64, |a, &b| a.max(b));
        assert!(err < 0.02, "{kind:?}: max error {err}");
        // w = sum beta_s x_s
        let mut what = [0.0; 4];
        for (k, &b) in m.dual_coef.iter().enumerate() {
            for (j, wj) in what.iter_mut().enumerate() {
                *wj += b * m.support_vectors.row(k)[j];
            }
        }
        for j in 0..d {
            assert!((what[j] - w[j]).abs() < 0.02, "{kind:?}: w {what:?}");
        }
        assert!(
            (m.intercept() - 0.75).abs() < 0.02,
            "{kind:?}: intercept {}",
            m.intercept()
        );
    }
}

#[test]
fn tiny_problem_known_answer() {
    // Two points, linear kernel, epsilon 0: f interpolates (0,0) and (1,1) when C is large
    // enough: beta = (-1, 1) * 1 / ||x1 - x0||^2 and intercept 0 ... with x0 = 0 the dual gives
    // f(x) = x exactly.
    let x = Array2::from_shape_vec((2, 1), vec![0.0, 1.0]).unwrap();
    let y = Array1::from(vec![0.0, 1.0]);
    let params = SvmParams {
        kernel: Kernel::Linear,
        c: 10.0,
        tol: 1e-8,
        ..SvmParams::default()
    };
    let m = fit(
        x.view(),
        y.view(),
        SvrKind::Epsilon { epsilon: 0.0 },
        &params,
    )
    .unwrap();
    let p = m.predict(
        Array2::from_shape_vec((3, 1), vec![0.0, 0.5, 2.0])
            .unwrap()
            .view(),
    );
    for (a, b) in p.iter().zip([0.0, 0.5, 2.0]) {
        assert!((a - b).abs() < 1e-6, "{p:?}");
    }
    // with epsilon 0.25 the flattest function in the tube has slope 0.5
    let m = fit(
        x.view(),
        y.view(),
        SvrKind::Epsilon { epsilon: 0.25 },
        &params,
    )
    .unwrap();
    let p = m.predict(
        Array2::from_shape_vec((2, 1), vec![0.0, 1.0])
            .unwrap()
            .view(),
    );
    assert!(
        (p[0] - 0.25).abs() < 1e-6 && (p[1] - 0.75).abs() < 1e-6,
        "{p:?}"
    );
}

#[test]
fn max_iter_limits_iterations_and_shrinking_does_not_change_answer() {
    let (x, y) = friedman(300, 5, 4);
    let params = SvmParams {
        c: 100.0,
        max_iter: 10,
        ..SvmParams::default()
    };
    let m = fit(x.view(), y.view(), SvrKind::epsilon_default(), &params).unwrap();
    assert_eq!(m.iterations(), 10);
    assert!(!m.converged);
    let a = fit(
        x.view(),
        y.view(),
        SvrKind::epsilon_default(),
        &SvmParams {
            tol: 1e-6,
            ..SvmParams::default()
        },
    )
    .unwrap();
    let b = fit(
        x.view(),
        y.view(),
        SvrKind::epsilon_default(),
        &SvmParams {
            tol: 1e-6,
            shrinking: false,
            cache_size_mb: 0.01,
            ..SvmParams::default()
        },
    )
    .unwrap();
    assert!(a.converged && b.converged);
    let (pa, pb) = (a.predict(x.view()), b.predict(x.view()));
    let diff = (&pa - &pb).mapv(f64::abs).fold(0.0f64, |m, &v| m.max(v));
    assert!(diff < 1e-4, "shrinking changed predictions by {diff}");
}

#[test]
fn gamma_scale_and_auto_match_sklearn() {
    let x = Array2::from_shape_vec((3, 2), vec![1.0, 2.0, 3.0, 4.0, 5.0, 6.0]).unwrap();
    let y = Array1::from(vec![1.0, 2.0, 3.0]);
    // X.var() over all entries = 35/12; scale = 1 / (2 * 35/12) = 6/35
    let m = fit(
        x.view(),
        y.view(),
        SvrKind::epsilon_default(),
        &SvmParams::default(),
    )
    .unwrap();
    assert!(
        (m.kernel.gamma - 6.0 / 35.0).abs() < 1e-15,
        "{}",
        m.kernel.gamma
    );
    let m = fit(
        x.view(),
        y.view(),
        SvrKind::epsilon_default(),
        &SvmParams {
            gamma: Gamma::Auto,
            ..SvmParams::default()
        },
    )
    .unwrap();
    assert_eq!(m.kernel.gamma, 0.5);
    let flat = Array2::from_elem((3, 2), 4.0);
    let m = fit(
        flat.view(),
        y.view(),
        SvrKind::epsilon_default(),
        &SvmParams::default(),
    )
    .unwrap();
    assert_eq!(m.kernel.gamma, 1.0);
}

#[test]
fn parameter_errors() {
    let (x, y) = friedman(20, 5, 5);
    let d = SvmParams::default();
    let e = |kind: SvrKind, p: SvmParams| fit(x.view(), y.view(), kind, &p).unwrap_err();
    let eps = SvrKind::epsilon_default();
    assert!(matches!(
        e(SvrKind::Nu { nu: 0.0 }, d.clone()),
        SvmError::InvalidNu(_)
    ));
    assert!(matches!(
        e(SvrKind::Nu { nu: 1.5 }, d.clone()),
        SvmError::InvalidNu(_)
    ));
    assert!(fit(x.view(), y.view(), SvrKind::Nu { nu: 1.0 }, &d).is_ok());
    assert!(matches!(
        e(SvrKind::Epsilon { epsilon: -0.1 }, d.clone()),
        SvmError::InvalidEpsilon(_)
    ));
    assert!(matches!(
        e(
            eps,
            SvmParams {
                c: 0.0,
                ..d.clone()
            }
        ),
        SvmError::InvalidC(_)
    ));
    assert!(matches!(
        e(
            eps,
            SvmParams {
                c: -1.0,
                ..d.clone()
            }
        ),
        SvmError::InvalidC(_)
    ));
    assert!(matches!(
        e(
            eps,
            SvmParams {
                gamma: Gamma::Value(0.0),
                ..d.clone()
            }
        ),
        SvmError::InvalidGamma(_)
    ));
    assert!(matches!(
        e(
            eps,
            SvmParams {
                gamma: Gamma::Value(-2.0),
                ..d.clone()
            }
        ),
        SvmError::InvalidGamma(_)
    ));
    assert!(matches!(
        e(
            eps,
            SvmParams {
                tol: 0.0,
                ..d.clone()
            }
        ),
        SvmError::InvalidTol(_)
    ));
    assert!(matches!(
        e(
            eps,
            SvmParams {
                max_iter: 0,
                ..d.clone()
            }
        ),
        SvmError::InvalidMaxIter(_)
    ));
    let msg = e(SvrKind::Nu { nu: 2.0 }, d.clone()).to_string();
    assert_eq!(msg, "nu must be in (0, 1], got 2");
    assert_eq!(
        e(
            eps,
            SvmParams {
                c: 0.0,
                ..d.clone()
            }
        )
        .to_string(),
        "c must be > 0, got 0"
    );

    let empty = Array2::<f64>::zeros((0, 3));
    let err = fit(empty.view(), Array1::zeros(0).view(), eps, &d).unwrap_err();
    assert!(matches!(err, SvmError::EmptyData { .. }), "{err}");
    let err = fit(x.view(), Array1::zeros(5).view(), eps, &d).unwrap_err();
    assert_eq!(err.to_string(), "x has 20 rows but y has 5 values");
    let mut xn = x.clone();
    xn[[3, 1]] = f64::NAN;
    assert!(matches!(
        fit(xn.view(), y.view(), eps, &d).unwrap_err(),
        SvmError::NonFinite
    ));
}

#[test]
fn single_sample_and_constant_target() {
    let x = Array2::from_shape_vec((1, 2), vec![1.0, 2.0]).unwrap();
    let y = Array1::from(vec![3.0]);
    for kind in [SvrKind::epsilon_default(), SvrKind::nu_default()] {
        let m = fit(x.view(), y.view(), kind, &SvmParams::default()).unwrap();
        let p = m.predict(x.view());
        assert!(p[0].is_finite());
    }
    let (x, _) = friedman(50, 5, 6);
    let y = Array1::from_elem(50, 2.5);
    let m = fit(
        x.view(),
        y.view(),
        SvrKind::epsilon_default(),
        &SvmParams::default(),
    )
    .unwrap();
    assert_eq!(m.n_support(), 0);
    assert!(
        (m.intercept() - 2.5).abs() <= 0.1 + 1e-9,
        "{}",
        m.intercept()
    );
}

#[test]
fn model_round_trips_through_serde() {
    let (x, y) = friedman(60, 5, 8);
    let m = fit(
        x.view(),
        y.view(),
        SvrKind::nu_default(),
        &SvmParams::default(),
    )
    .unwrap();
    let s = serde_json::to_string(&m).unwrap();
    let back: SvrModel = serde_json::from_str(&s).unwrap();
    // serde_json's float parsing may be off by an ulp
    let diff = (&back.predict(x.view()) - &m.predict(x.view()))
        .mapv(f64::abs)
        .fold(0.0f64, |a, &b| a.max(b));
    assert!(diff < 1e-9, "{diff}");
}
