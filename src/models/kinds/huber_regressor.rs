//! HuberRegressor: linear regression robust to outliers, as scikit-learn fits it: the
//! coefficients `w`, intercept `c` and scale `sigma` minimise
//! `n sigma + sum H(r_i / sigma) sigma + alpha ||w||^2` with `r = y - Xw - c` and `H` the Huber
//! function (`z^2` inside `epsilon`, `2 epsilon |z| - epsilon^2` outside), from `w = 0, c = 0,
//! sigma = 1`, by L-BFGS with scipy's default stopping rules and `sigma >= 10 eps`
//! (`models::lbfgs`).

use ndarray::{s, Array1, ArrayView1, ArrayView2};
use serde::{Deserialize, Serialize};

use crate::models::kind::{dims, Kind, Predictor, Values};
use crate::models::lbfgs::{self, Options, Stop};
use crate::models::params::{f, fit_intercept, ignored, int, p, NON_NEGATIVE};
use crate::models::{Bound, BuildError, ModelError, ParamDef, ParamType, Value};

/// Parameters of HuberRegressor.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct HuberParams {
    pub epsilon: f64,
    pub max_iter: usize,
    pub alpha: f64,
    pub fit_intercept: bool,
    pub tol: f64,
}

/// scikit-learn's `HuberRegressor`.
pub struct HuberRegressor;

impl Kind for HuberRegressor {
    type Params = HuberParams;
    const NAME: &'static str = "HuberRegressor";
    const ALIASES: &'static [&'static str] = &["huber"];
    const DOC: &'static str =
        "linear regression robust to outliers: Huber loss with a fitted scale, L2 penalty, L-BFGS";

    fn params() -> Vec<ParamDef> {
        vec![
            p(
                "epsilon",
                ParamType::Float {
                    lo: Bound::Incl(1.0),
                    hi: Bound::None,
                },
                f(1.35),
                "residuals beyond epsilon * scale count as outliers (absolute loss)",
            ),
            p(
                "max_iter",
                int(0),
                Value::Int(100),
                "maximum L-BFGS iterations",
            ),
            p("alpha", NON_NEGATIVE, f(1e-4), "L2 penalty alpha * ||w||^2"),
            ignored(
                "warm_start",
                ParamType::Bool,
                Value::Bool(false),
                "ignored: every fit starts afresh",
            ),
            fit_intercept(),
            p(
                "tol",
                NON_NEGATIVE,
                f(1e-5),
                "stop when max |projected gradient| <= tol",
            ),
        ]
    }
    fn build(v: &Values) -> Result<HuberParams, BuildError> {
        Ok(HuberParams {
            epsilon: v.float("epsilon"),
            max_iter: v.usize("max_iter"),
            alpha: v.float("alpha"),
            fit_intercept: v.bool("fit_intercept"),
            tol: v.float("tol"),
        })
    }
    fn values(p: &HuberParams) -> Vec<(&'static str, Value)> {
        vec![
            ("epsilon", Value::Float(p.epsilon)),
            ("max_iter", Value::count(p.max_iter)),
            ("alpha", Value::Float(p.alpha)),
            ("fit_intercept", Value::Bool(p.fit_intercept)),
            ("tol", Value::Float(p.tol)),
        ]
    }
    fn min_rows(_: &HuberParams) -> usize {
        1
    }
    fn expected_cost(p: &HuberParams, n_rows: usize, n_features: usize) -> f64 {
        // about 1.2 evaluations (two passes over X each) per iteration
        let (n, f) = dims(n_rows, n_features);
        3.0 * n * f * (p.max_iter.max(1) as f64)
    }
    fn fit<'a>(
        p: &HuberParams,
        x: ArrayView2<'a, f64>,
        y: ArrayView1<'a, f64>,
    ) -> Result<Predictor<'a>, ModelError> {
        let (coef, intercept) = fit_huber(p, x, y)?;
        Ok(Box::new(move |t| Ok(t.dot(&coef) + intercept)))
    }
}

/// The objective and its gradient at `theta = [w, (c,) sigma]`.
fn objective(
    p: &HuberParams,
    x: ArrayView2<f64>,
    y: ArrayView1<f64>,
    theta: &Array1<f64>,
) -> (f64, Array1<f64>) {
    let (n, m) = x.dim();
    let w = theta.slice(s![..m]);
    let sigma = theta[theta.len() - 1];
    let c = if p.fit_intercept { theta[m] } else { 0.0 };
    let eps = p.epsilon;
    let r = &y - &(x.dot(&w) + c);
    // d loss / d r_i: 2 r / sigma inside, 2 eps sign(r) outside
    let mut dr = Array1::zeros(n);
    let (mut inner, mut outer, mut n_out) = (0.0, 0.0, 0usize);
    for i in 0..n {
        let a = r[i].abs();
        if a > eps * sigma {
            n_out += 1;
            outer += a;
            dr[i] = 2.0 * eps * r[i].signum();
        } else {
            inner += r[i] * r[i];
            dr[i] = 2.0 * r[i] / sigma;
        }
    }
    let n_out = n_out as f64;
    let squared = inner / sigma;
    let loss = n as f64 * sigma + squared + 2.0 * eps * outer - sigma * n_out * eps * eps
        + p.alpha * w.dot(&w);
    let mut g = Array1::zeros(theta.len());
    let gw = &w * (2.0 * p.alpha) - x.t().dot(&dr);
    g.slice_mut(s![..m]).assign(&gw);
    if p.fit_intercept {
        g[m] = -dr.sum();
    }
    g[theta.len() - 1] = n as f64 - n_out * eps * eps - squared / sigma;
    (loss, g)
}

/// The coefficients and intercept.
fn fit_huber(
    p: &HuberParams,
    x: ArrayView2<f64>,
    y: ArrayView1<f64>,
) -> Result<(Array1<f64>, f64), ModelError> {
    let m = x.ncols();
    let k = m + usize::from(p.fit_intercept) + 1;
    let mut x0 = Array1::zeros(k);
    x0[k - 1] = 1.0;
    let mut lower = vec![f64::NEG_INFINITY; k];
    lower[k - 1] = 10.0 * f64::EPSILON;
    let r = lbfgs::minimize(
        |t| objective(p, x, y, t),
        x0,
        &lower,
        Options::scipy(p.max_iter, p.tol),
    );
    let fail = |message: String| ModelError::Fit {
        kind: HuberRegressor::NAME,
        message,
    };
    if r.stop == Stop::Abnormal {
        return Err(fail(
            "HuberRegressor convergence failed: l-BFGS-b solver terminated with ABNORMAL: ".into(),
        ));
    }
    if r.x.iter().any(|v| !v.is_finite()) {
        return Err(fail("the solver diverged (non-finite coefficients)".into()));
    }
    let coef = r.x.slice(s![..m]).to_owned();
    let intercept = if p.fit_intercept { r.x[m] } else { 0.0 };
    Ok((coef, intercept))
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::Array2;

    fn params() -> HuberParams {
        HuberParams {
            epsilon: 1.35,
            max_iter: 100,
            alpha: 1e-4,
            fit_intercept: true,
            tol: 1e-5,
        }
    }

    #[test]
    fn the_gradient_matches_finite_differences() {
        let x = Array2::from_shape_fn((30, 3), |(i, j)| ((i * 7 + j * 3) % 11) as f64 / 5.0);
        let y = Array1::from_shape_fn(30, |i| {
            (i % 5) as f64 * 2.0 - 3.0 + (i == 4) as u8 as f64 * 40.0
        });
        let p = params();
        let theta = ndarray::array![0.3, -0.2, 0.5, 0.1, 1.7];
        let (_, g) = objective(&p, x.view(), y.view(), &theta);
        for j in 0..theta.len() {
            let h = 1e-6;
            let mut a = theta.clone();
            a[j] += h;
            let mut b = theta.clone();
            b[j] -= h;
            let num = (objective(&p, x.view(), y.view(), &a).0
                - objective(&p, x.view(), y.view(), &b).0)
                / (2.0 * h);
            assert!(
                (num - g[j]).abs() < 1e-4 * (1.0 + num.abs()),
                "{j}: {num} vs {}",
                g[j]
            );
        }
    }

    #[test]
    fn an_outlier_barely_moves_the_fit() {
        let x = Array2::from_shape_fn((50, 1), |(i, _)| i as f64 / 10.0);
        let mut y = Array1::from_shape_fn(50, |i| 2.0 * x[[i, 0]] + 1.0 + 0.1 * (i as f64).sin());
        y[10] += 100.0;
        let (coef, c) = fit_huber(&params(), x.view(), y.view()).unwrap();
        assert!(
            (coef[0] - 2.0).abs() < 0.05 && (c - 1.0).abs() < 0.2,
            "{coef} {c}"
        );
    }
}
