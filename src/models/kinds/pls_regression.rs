//! PLSRegression: partial least squares with one target, as scikit-learn's `PLSRegression`
//! (its `_PLS` with regression deflation, mode A, NIPALS): centre (and, with `scale`, divide
//! by the standard deviations, ddof 1), then per component the X weights from the power
//! method (one step with a single target), the sign flip, scores, loadings and deflation of
//! X and y; the coefficients are `W (P'W)^+ q'`, rescaled to the original units.

use ndarray::{Array1, Array2, ArrayView1, ArrayView2, Axis};
use serde::{Deserialize, Serialize};

use super::least_squares;
use crate::models::kind::{dims, Kind, Predictor, Values};
use crate::models::linear::LinearFit;
use crate::models::params::{f, ignored, int, p, ParamType, NON_NEGATIVE};
use crate::models::{dense, BuildError, ModelError, ParamDef, Value};

/// Parameters of PLSRegression.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PlsParams {
    pub n_components: usize,
    pub scale: bool,
    pub max_iter: usize,
    pub tol: f64,
}

/// scikit-learn's `PLSRegression`.
pub struct PlsRegression;

impl Kind for PlsRegression {
    type Params = PlsParams;
    const NAME: &'static str = "PLSRegression";
    const ALIASES: &'static [&'static str] = &["pls"];
    const DOC: &'static str = "partial least squares regression (NIPALS)";

    fn params() -> Vec<ParamDef> {
        vec![
            p(
                "n_components",
                int(1),
                Value::Int(2),
                "number of components",
            ),
            p(
                "scale",
                ParamType::Bool,
                Value::Bool(true),
                "divide X and y by their standard deviations",
            ),
            p(
                "max_iter",
                int(1),
                Value::Int(500),
                "most power-method iterations per component",
            ),
            p(
                "tol",
                NON_NEGATIVE,
                f(1e-6),
                "power-method tolerance on the squared change of the weights",
            ),
            ignored(
                "copy",
                ParamType::Bool,
                Value::Bool(true),
                "ignored: the training data is never modified",
            ),
        ]
    }
    fn build(v: &Values) -> Result<PlsParams, BuildError> {
        Ok(PlsParams {
            n_components: v.usize("n_components"),
            scale: v.bool("scale"),
            max_iter: v.usize("max_iter"),
            tol: v.float("tol"),
        })
    }
    fn values(p: &PlsParams) -> Vec<(&'static str, Value)> {
        vec![
            ("n_components", Value::count(p.n_components)),
            ("scale", Value::Bool(p.scale)),
            ("max_iter", Value::count(p.max_iter)),
            ("tol", Value::Float(p.tol)),
        ]
    }
    fn min_rows(_: &PlsParams) -> usize {
        // more components than rows is refused in `fit_pls`, with scikit-learn's message
        2
    }
    fn expected_cost(p: &PlsParams, n_rows: usize, n_features: usize) -> f64 {
        let (n, f) = dims(n_rows, n_features);
        // a few passes over the data per component
        4.0 * n * f * p.n_components.max(1) as f64
    }
    fn fit<'a>(
        p: &PlsParams,
        x: ArrayView2<'a, f64>,
        y: ArrayView1<'a, f64>,
    ) -> Result<Predictor<'a>, ModelError> {
        Ok(least_squares::predictor(fit_pls(p, x, y)?))
    }
}

fn fit_error(message: String) -> ModelError {
    ModelError::Fit {
        kind: PlsRegression::NAME,
        message,
    }
}

/// Standard deviations with ddof 1 (0 becomes 1, as scikit-learn's `_center_scale_xy`).
fn std_ddof1(col: ArrayView1<f64>) -> f64 {
    let n = col.len();
    let sd = if n < 2 {
        f64::NAN
    } else {
        let mean = col.sum() / n as f64;
        (col.iter().map(|v| (v - mean) * (v - mean)).sum::<f64>() / (n - 1) as f64).sqrt()
    };
    if sd == 0.0 {
        1.0
    } else {
        sd
    }
}

/// Fits PLSRegression on one target.
pub fn fit_pls(
    p: &PlsParams,
    x: ArrayView2<f64>,
    y: ArrayView1<f64>,
) -> Result<LinearFit, ModelError> {
    let (n, nf) = x.dim();
    let k_max = n.min(nf);
    if p.n_components > k_max {
        return Err(fit_error(format!(
            "`n_components` upper bound is {k_max}. Got {} instead. Reduce `n_components`.",
            p.n_components
        )));
    }
    let eps = f64::EPSILON;
    let x_mean = x.mean_axis(Axis(0)).unwrap_or_else(|| Array1::zeros(nf));
    let y_mean = y.mean().unwrap_or(0.0);
    let mut xk = &x - &x_mean;
    let mut yk = &y - y_mean;
    let (x_std, y_std) = if p.scale {
        let xs: Array1<f64> = xk.axis_iter(Axis(1)).map(std_ddof1).collect();
        let ys = std_ddof1(yk.view());
        xk /= &xs;
        yk /= ys;
        (xs, ys)
    } else {
        (Array1::ones(nf), 1.0)
    };
    let nc = p.n_components;
    let mut w = Array2::<f64>::zeros((nf, nc));
    let mut pl = Array2::<f64>::zeros((nf, nc));
    let mut ql = Array1::<f64>::zeros(nc);
    for k in 0..nc {
        if yk.iter().all(|v| v.abs() < 10.0 * eps) {
            yk.fill(0.0);
        }
        // the power method's start: the target if it is not constant (zero)
        if !yk.iter().any(|v| v.abs() > eps) {
            break; // scikit-learn: "y residual is constant", fewer components
        }
        // one power-method step: with one target it stops after the first
        let y_score = yk.clone();
        let mut xw = xk.t().dot(&y_score) / y_score.dot(&y_score);
        let norm = xw.dot(&xw).sqrt() + eps;
        xw /= norm;
        // sign flip: the largest |weight| positive (first of equals, as argmax); the y
        // weights, which flip with it, are not needed for the coefficients
        let mut big = 0;
        for (j, v) in xw.iter().enumerate() {
            if v.abs() > xw[big].abs() {
                big = j;
            }
        }
        let sign = if xw[big] > 0.0 {
            1.0
        } else if xw[big] < 0.0 {
            -1.0
        } else {
            0.0
        };
        xw *= sign;
        let x_scores = xk.dot(&xw);
        let ss = x_scores.dot(&x_scores);
        let x_load = x_scores.dot(&xk) / ss;
        for (i, t) in x_scores.iter().enumerate() {
            xk.row_mut(i).scaled_add(-t, &x_load);
        }
        let y_load = x_scores.dot(&yk) / ss;
        yk.scaled_add(-y_load, &x_scores);
        w.column_mut(k).assign(&xw);
        pl.column_mut(k).assign(&x_load);
        ql[k] = y_load;
    }
    let ptw = pl.t().dot(&w);
    let inv = dense::pinv(ptw.view())
        .ok_or_else(|| fit_error("the SVD in pinv did not converge".into()))?;
    let rot = w.dot(&inv);
    let coef = rot.dot(&ql) * y_std / &x_std;
    if !coef.iter().all(|v| v.is_finite()) {
        return Err(fit_error("the coefficients are not finite".into()));
    }
    let intercept = y_mean - x_mean.dot(&coef);
    Ok(LinearFit { coef, intercept })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::models::linear;
    use ndarray::array;

    fn params(n_components: usize, scale: bool) -> PlsParams {
        PlsParams {
            n_components,
            scale,
            max_iter: 500,
            tol: 1e-6,
        }
    }

    #[test]
    fn all_components_give_least_squares() {
        let x = array![
            [1.0, 0.5, 2.0],
            [2.0, 1.0, 0.0],
            [3.0, -1.0, 1.0],
            [4.0, 2.0, 3.0],
            [5.0, 0.0, 1.5],
            [6.0, 1.5, -1.0],
        ];
        let y = array![1.2, 2.5, 2.0, 5.1, 4.0, 6.5];
        let ols = linear::ols(x.view(), y.view(), true);
        for scale in [true, false] {
            let fit = fit_pls(&params(3, scale), x.view(), y.view()).unwrap();
            assert!(
                (&fit.coef - &ols.coef).iter().all(|d| d.abs() < 1e-9),
                "{}",
                fit.coef
            );
            assert!((fit.intercept - ols.intercept).abs() < 1e-9);
        }
        // one component: the coefficients are proportional to X'y (centred, unscaled)
        let fit = fit_pls(&params(1, false), x.view(), y.view()).unwrap();
        let xc = &x - &x.mean_axis(Axis(0)).unwrap();
        let xty = xc.t().dot(&(&y - y.mean().unwrap()));
        let ratio = fit.coef[0] / xty[0];
        assert!((&fit.coef - &(xty * ratio)).iter().all(|d| d.abs() < 1e-9));
    }

    #[test]
    fn too_many_components_and_constant_targets() {
        let x = array![[1.0, 2.0], [2.0, 1.0], [3.0, 5.0]];
        let err = fit_pls(&params(3, true), x.view(), array![1.0, 2.0, 3.0].view());
        assert!(err.unwrap_err().to_string().contains("upper bound is 2"));
        // a constant target: no component, the mean
        let y = array![4.0, 4.0, 4.0];
        let fit = fit_pls(&params(2, true), x.view(), y.view()).unwrap();
        assert!(fit.coef.iter().all(|c| *c == 0.0) && fit.intercept == 4.0);
    }
}
