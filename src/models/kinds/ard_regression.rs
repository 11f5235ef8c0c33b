//! ARDRegression: Bayesian regression with one precision per weight (automatic relevance
//! determination), as scikit-learn's `ARDRegression`: each iteration forms the posterior
//! covariance of the kept weights by `pinvh` (of `diag(lambda) + alpha X'X` when
//! `n_samples >= n_features`, else by the Woodbury identity through the `n x n` matrix
//! `I / alpha + X diag(1/lambda) X'`), updates the weights, `gamma`, `lambda_` and `alpha_`,
//! and prunes the weights whose precision reaches `threshold_lambda`.

use ndarray::{Array1, Array2, ArrayView1, ArrayView2, Axis};
use serde::{Deserialize, Serialize};

use super::bayesian_ridge::{
    build_priors, compute_score, iteration_params, prior_params, prior_values, variance,
    verbose_flag, GammaPriors,
};
use super::least_squares;
use crate::models::kind::{dims, Kind, Predictor, Values};
use crate::models::linear::{centre, finish, LinearFit};
use crate::models::params::{copy_x, f, fit_intercept, p, NON_NEGATIVE};
use crate::models::{dense, BuildError, ModelError, ParamDef, Value};

/// Parameters of ARDRegression.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ArdParams {
    pub max_iter: usize,
    pub tol: f64,
    pub priors: GammaPriors,
    pub threshold_lambda: f64,
    pub fit_intercept: bool,
}

/// scikit-learn's `ARDRegression`.
pub struct ArdRegression;

impl Kind for ArdRegression {
    type Params = ArdParams;
    const NAME: &'static str = "ARDRegression";
    const ALIASES: &'static [&'static str] = &["ard"];
    const DOC: &'static str = "Bayesian regression with one precision per weight, pruning";

    fn params() -> Vec<ParamDef> {
        let mut v: Vec<ParamDef> = iteration_params(NON_NEGATIVE).into();
        v.extend(prior_params());
        v.push(compute_score());
        v.push(p(
            "threshold_lambda",
            NON_NEGATIVE,
            f(1e4),
            "weights whose precision exceeds this are pruned",
        ));
        v.extend([fit_intercept(), copy_x(), verbose_flag()]);
        v
    }
    fn build(v: &Values) -> Result<ArdParams, BuildError> {
        Ok(ArdParams {
            max_iter: v.usize("max_iter"),
            tol: v.float("tol"),
            priors: build_priors(v),
            threshold_lambda: v.float("threshold_lambda"),
            fit_intercept: v.bool("fit_intercept"),
        })
    }
    fn values(p: &ArdParams) -> Vec<(&'static str, Value)> {
        let mut v = vec![
            ("max_iter", Value::count(p.max_iter)),
            ("tol", Value::Float(p.tol)),
        ];
        v.extend(prior_values(&p.priors));
        v.extend([
            ("threshold_lambda", Value::Float(p.threshold_lambda)),
            ("fit_intercept", Value::Bool(p.fit_intercept)),
        ]);
        v
    }
    fn min_rows(_: &ArdParams) -> usize {
        2
    }
    fn expected_cost(p: &ArdParams, n_rows: usize, n_features: usize) -> f64 {
        let (n, f) = dims(n_rows, n_features);
        let m = n.min(f);
        // per iteration: the Gram (or Woodbury) matrix and its eigendecomposition
        (n * f * m + m * m * m) * (p.max_iter as f64).min(30.0)
    }
    fn fit<'a>(
        p: &ArdParams,
        x: ArrayView2<'a, f64>,
        y: ArrayView1<'a, f64>,
    ) -> Result<Predictor<'a>, ModelError> {
        Ok(least_squares::predictor(fit_ard(p, x, y)?.fit))
    }
}

/// What ARDRegression estimated.
#[derive(Clone, Debug, PartialEq)]
pub struct ArdFit {
    pub fit: LinearFit,
    /// The noise precision `alpha_`.
    pub alpha: f64,
    /// The weight precisions `lambda_`.
    pub lambda: Array1<f64>,
    pub n_iter: usize,
}

fn fit_error(message: &str) -> ModelError {
    ModelError::Fit {
        kind: ArdRegression::NAME,
        message: message.to_string(),
    }
}

/// The posterior covariance of the kept weights (`xk`: the kept columns, `lam`: their
/// precisions).
fn sigma(
    xk: &Array2<f64>,
    alpha: f64,
    lam: &Array1<f64>,
    woodbury: bool,
) -> Result<Array2<f64>, ModelError> {
    let fail = || fit_error("the eigendecomposition in pinvh did not converge");
    if !woodbury {
        let mut a = xk.t().dot(xk) * alpha;
        a.diag_mut().zip_mut_with(lam, |d, l| *d += l);
        return dense::pinvh(a.view()).ok_or_else(fail);
    }
    let n = xk.nrows();
    let inv = lam.mapv(|l| 1.0 / l);
    // X diag(1/lambda), n x k
    let x_inv = xk * &inv.view().insert_axis(Axis(0));
    let mut a = x_inv.dot(&xk.t());
    a.diag_mut().mapv_inplace(|d| d + 1.0 / alpha);
    debug_assert_eq!(a.nrows(), n);
    let s = dense::pinvh(a.view()).ok_or_else(fail)?;
    // diag(1/lambda) - diag(1/lambda) X' S X diag(1/lambda)
    let mut out = -x_inv.t().dot(&s.dot(&x_inv));
    out.diag_mut().zip_mut_with(&inv, |d, i| *d += i);
    Ok(out)
}

/// Fits ARDRegression, as scikit-learn's `fit`.
pub fn fit_ard(
    p: &ArdParams,
    x: ArrayView2<f64>,
    y: ArrayView1<f64>,
) -> Result<ArdFit, ModelError> {
    let (n, f) = x.dim();
    let pr = p.priors;
    let c = centre(x, y, p.fit_intercept);
    let woodbury = n < f;
    let mut coef = Array1::<f64>::zeros(f);
    let mut alpha = 1.0 / (variance(c.y.view()) + f64::EPSILON);
    let mut lambda = Array1::<f64>::ones(f);
    let mut keep: Vec<usize> = (0..f).collect();
    let mut coef_old: Option<Array1<f64>> = None;
    let mut n_iter = 0;
    // coef[keep] = alpha * sigma X_keep' y
    let update = |coef: &mut Array1<f64>, keep: &[usize], alpha: f64, sig: &Array2<f64>| {
        let xk = c.x.select(Axis(1), keep);
        let w = sig.dot(&xk.t().dot(&c.y)) * alpha;
        for (k, &j) in keep.iter().enumerate() {
            coef[j] = w[k];
        }
    };
    for it in 0..p.max_iter.max(1) {
        n_iter = it + 1;
        let xk = c.x.select(Axis(1), &keep);
        let lam_k = lambda.select(Axis(0), &keep);
        let sig = sigma(&xk, alpha, &lam_k, woodbury)?;
        update(&mut coef, &keep, alpha, &sig);
        let resid = &c.y - &c.x.dot(&coef);
        let sse = resid.dot(&resid);
        let gamma: Array1<f64> = lam_k
            .iter()
            .zip(sig.diag())
            .map(|(l, s)| 1.0 - l * s)
            .collect();
        for (k, &j) in keep.iter().enumerate() {
            lambda[j] = (gamma[k] + 2.0 * pr.lambda_1) / (coef[j] * coef[j] + 2.0 * pr.lambda_2);
        }
        alpha = (n as f64 - gamma.sum() + 2.0 * pr.alpha_1) / (sse + 2.0 * pr.alpha_2);
        // prune (a NaN precision is not below the threshold: pruned, as numpy's `<`)
        keep = (0..f).filter(|&j| lambda[j] < p.threshold_lambda).collect();
        let mut kept = keep.iter().peekable();
        for (j, c) in coef.iter_mut().enumerate() {
            if kept.peek() == Some(&&j) {
                kept.next();
            } else {
                *c = 0.0;
            }
        }
        if let Some(old) = &coef_old {
            let moved: f64 = old.iter().zip(&coef).map(|(a, b)| (a - b).abs()).sum();
            if moved < p.tol {
                break;
            }
        }
        coef_old = Some(coef.clone());
        if keep.is_empty() {
            break;
        }
    }
    if !keep.is_empty() {
        let xk = c.x.select(Axis(1), &keep);
        let sig = sigma(&xk, alpha, &lambda.select(Axis(0), &keep), woodbury)?;
        update(&mut coef, &keep, alpha, &sig);
    }
    if !coef.iter().all(|v| v.is_finite()) {
        return Err(fit_error(
            "the coefficients are not finite (a constant target?)",
        ));
    }
    Ok(ArdFit {
        fit: finish(&c, coef),
        alpha,
        lambda,
        n_iter,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;

    fn params() -> ArdParams {
        ArdParams {
            max_iter: 300,
            tol: 1e-3,
            priors: GammaPriors {
                alpha_1: 1e-6,
                alpha_2: 1e-6,
                lambda_1: 1e-6,
                lambda_2: 1e-6,
            },
            threshold_lambda: 1e4,
            fit_intercept: true,
        }
    }

    #[test]
    fn woodbury_and_direct_covariances_agree() {
        let x = array![
            [1.0, 0.5, 2.0],
            [2.0, 1.0, 0.0],
            [3.0, -1.0, 1.0],
            [0.0, 2.0, 3.0]
        ];
        let lam = array![0.5, 2.0, 1.5];
        let a = sigma(&x, 0.7, &lam, false).unwrap();
        let b = sigma(&x, 0.7, &lam, true).unwrap();
        assert!((&a - &b).iter().all(|d| d.abs() < 1e-10), "{a} {b}");
    }

    #[test]
    fn prunes_an_irrelevant_feature() {
        // y depends on the first two columns only; the third is noise-free junk
        let n = 40;
        let x = Array2::from_shape_fn((n, 3), |(i, j)| {
            let t = i as f64;
            match j {
                0 => (t * 0.37).sin(),
                1 => (t * 0.91).cos(),
                _ => ((t * 2.3).sin() * 7.0).fract(),
            }
        });
        let y = x.column(0).mapv(|v| 3.0 * v) + &x.column(1).mapv(|v| -2.0 * v) + 1.0;
        let y = &y + &Array1::from_shape_fn(n, |i| 0.01 * ((i as f64) * 1.7).sin());
        let fit = fit_ard(&params(), x.view(), y.view()).unwrap();
        assert_eq!(fit.fit.coef[2], 0.0, "{}", fit.fit.coef);
        assert!((fit.fit.coef[0] - 3.0).abs() < 0.05 && (fit.fit.coef[1] + 2.0).abs() < 0.05);
        assert!(fit.lambda[2] >= 1e4);
    }
}
