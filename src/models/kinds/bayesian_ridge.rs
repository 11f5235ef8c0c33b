//! BayesianRidge: ridge regression whose penalty and noise precisions (`lambda_`, `alpha_`)
//! are estimated by maximising the evidence, as scikit-learn's `BayesianRidge`: one SVD of
//! the centred data, then MacKay's fixed-point updates in its order (coefficients, then
//! `gamma`, `lambda_`, `alpha_`), stopping when the coefficients moved by less than `tol` in
//! L1 norm, and a last coefficient update with the final precisions.

use ndarray::{Array1, Array2, ArrayView1, ArrayView2};
use serde::{Deserialize, Serialize};

use super::least_squares;
use crate::models::kind::{dims, Kind, Predictor, Values};
use crate::models::linear::{centre, finish, Centred, LinearFit};
use crate::models::params::{
    copy_x, f, fit_intercept, ignored, int, p, Bound, ParamType, NON_NEGATIVE, POSITIVE,
};
use crate::models::{dense, BuildError, ModelError, ParamDef, Value};

/// The Gamma priors on the noise precision (`alpha_1`, `alpha_2`) and the weight
/// precision(s) (`lambda_1`, `lambda_2`), shared with ARDRegression.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct GammaPriors {
    pub alpha_1: f64,
    pub alpha_2: f64,
    pub lambda_1: f64,
    pub lambda_2: f64,
}

/// Parameters of BayesianRidge.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct BayesianRidgeParams {
    pub max_iter: usize,
    pub tol: f64,
    pub priors: GammaPriors,
    pub alpha_init: Option<f64>,
    pub lambda_init: Option<f64>,
    pub fit_intercept: bool,
}

/// scikit-learn's `BayesianRidge`.
pub struct BayesianRidge;

/// `max_iter` and `tol` (BayesianRidge wants `tol > 0`, ARDRegression `tol >= 0`).
pub(super) fn iteration_params(tol_type: ParamType) -> [ParamDef; 2] {
    [
        p("max_iter", int(1), Value::Int(300), "maximum iterations"),
        p(
            "tol",
            tol_type,
            f(1e-3),
            "stop when the coefficients change by less (L1 norm)",
        ),
    ]
}

/// `alpha_1`, `alpha_2`, `lambda_1`, `lambda_2`.
pub(super) fn prior_params() -> [ParamDef; 4] {
    [
        p(
            "alpha_1",
            NON_NEGATIVE,
            f(1e-6),
            "shape of the Gamma prior on the noise precision",
        ),
        p(
            "alpha_2",
            NON_NEGATIVE,
            f(1e-6),
            "rate of the Gamma prior on the noise precision",
        ),
        p(
            "lambda_1",
            NON_NEGATIVE,
            f(1e-6),
            "shape of the Gamma prior on the weight precision",
        ),
        p(
            "lambda_2",
            NON_NEGATIVE,
            f(1e-6),
            "rate of the Gamma prior on the weight precision",
        ),
    ]
}

/// `compute_score`, ignored: the log marginal likelihood does not change the fit.
pub(super) fn compute_score() -> ParamDef {
    ignored(
        "compute_score",
        ParamType::Bool,
        Value::Bool(false),
        "ignored: the log marginal likelihood is not kept",
    )
}

/// `verbose`, a bool here, ignored.
pub(super) fn verbose_flag() -> ParamDef {
    ignored(
        "verbose",
        ParamType::Bool,
        Value::Bool(false),
        "ignored: no effect on results",
    )
}

pub(super) fn build_priors(v: &Values) -> GammaPriors {
    GammaPriors {
        alpha_1: v.float("alpha_1"),
        alpha_2: v.float("alpha_2"),
        lambda_1: v.float("lambda_1"),
        lambda_2: v.float("lambda_2"),
    }
}

pub(super) fn prior_values(p: &GammaPriors) -> [(&'static str, Value); 4] {
    [
        ("alpha_1", Value::Float(p.alpha_1)),
        ("alpha_2", Value::Float(p.alpha_2)),
        ("lambda_1", Value::Float(p.lambda_1)),
        ("lambda_2", Value::Float(p.lambda_2)),
    ]
}

/// The population variance of `y` (numpy's `var`).
pub(super) fn variance(y: ArrayView1<f64>) -> f64 {
    let n = y.len().max(1) as f64;
    let mean = y.sum() / n;
    y.iter().map(|v| (v - mean) * (v - mean)).sum::<f64>() / n
}

impl Kind for BayesianRidge {
    type Params = BayesianRidgeParams;
    const NAME: &'static str = "BayesianRidge";
    const ALIASES: &'static [&'static str] = &["bayesian_ridge", "bayes_ridge"];
    const DOC: &'static str = "ridge with its penalty estimated by evidence maximisation";

    fn params() -> Vec<ParamDef> {
        let opt_non_negative = ParamType::OptFloat {
            lo: Bound::Incl(0.0),
            hi: Bound::None,
        };
        let mut v: Vec<ParamDef> = iteration_params(POSITIVE).into();
        v.extend(prior_params());
        v.push(p(
            "alpha_init",
            opt_non_negative,
            Value::None,
            "initial noise precision; None: 1 / Var(y)",
        ));
        v.push(p(
            "lambda_init",
            opt_non_negative,
            Value::None,
            "initial weight precision; None: 1",
        ));
        v.extend([compute_score(), fit_intercept(), copy_x(), verbose_flag()]);
        v
    }
    fn build(v: &Values) -> Result<BayesianRidgeParams, BuildError> {
        Ok(BayesianRidgeParams {
            max_iter: v.usize("max_iter"),
            tol: v.float("tol"),
            priors: build_priors(v),
            alpha_init: v.opt_float("alpha_init"),
            lambda_init: v.opt_float("lambda_init"),
            fit_intercept: v.bool("fit_intercept"),
        })
    }
    fn values(p: &BayesianRidgeParams) -> Vec<(&'static str, Value)> {
        let mut v = vec![
            ("max_iter", Value::count(p.max_iter)),
            ("tol", Value::Float(p.tol)),
        ];
        v.extend(prior_values(&p.priors));
        v.extend([
            ("alpha_init", p.alpha_init.map_or(Value::None, Value::Float)),
            (
                "lambda_init",
                p.lambda_init.map_or(Value::None, Value::Float),
            ),
            ("fit_intercept", Value::Bool(p.fit_intercept)),
        ]);
        v
    }
    fn min_rows(_: &BayesianRidgeParams) -> usize {
        1
    }
    fn expected_cost(p: &BayesianRidgeParams, n_rows: usize, n_features: usize) -> f64 {
        let (n, f) = dims(n_rows, n_features);
        // the SVD, then a pass over the data per iteration (a few tens counted)
        n * f * n.min(f) + n * f * (p.max_iter as f64).min(30.0)
    }
    fn fit<'a>(
        p: &BayesianRidgeParams,
        x: ArrayView2<'a, f64>,
        y: ArrayView1<'a, f64>,
    ) -> Result<Predictor<'a>, ModelError> {
        Ok(least_squares::predictor(fit_bayesian_ridge(p, x, y)?.fit))
    }
}

/// What BayesianRidge estimated.
#[derive(Clone, Debug, PartialEq)]
pub struct BayesianRidgeFit {
    pub fit: LinearFit,
    /// The noise precision `alpha_`.
    pub alpha: f64,
    /// The weight precision `lambda_`.
    pub lambda: f64,
    pub n_iter: usize,
}

/// The centred data's SVD in the form the updates use.
struct Spectrum {
    u: Array2<f64>,
    vt: Array2<f64>,
    /// The squared singular values.
    eig: Array1<f64>,
    xt_y: Array1<f64>,
}

impl Spectrum {
    /// The posterior mean `(X'X + lambda/alpha I)^-1 X'y` and its sum of squared errors.
    fn coef(&self, c: &Centred, alpha: f64, lambda: f64) -> (Array1<f64>, f64) {
        let (n, f) = c.x.dim();
        let scale = self.eig.mapv(|e| 1.0 / (e + lambda / alpha));
        let coef = if n > f {
            // V diag(scale) V' X'y
            let vt_xty = self.vt.dot(&self.xt_y);
            self.vt.t().dot(&(&scale * &vt_xty))
        } else {
            // X' U diag(scale) U' y
            let ut_y = self.u.t().dot(&c.y);
            c.x.t().dot(&self.u.dot(&(&scale * &ut_y)))
        };
        let resid = &c.y - &c.x.dot(&coef);
        let sse = resid.dot(&resid);
        (coef, sse)
    }
}

/// Fits BayesianRidge, as scikit-learn's `fit` without sample weights.
pub fn fit_bayesian_ridge(
    p: &BayesianRidgeParams,
    x: ArrayView2<f64>,
    y: ArrayView1<f64>,
) -> Result<BayesianRidgeFit, ModelError> {
    let n = x.nrows() as f64;
    let pr = p.priors;
    let y_var = variance(y);
    let c = centre(x, y, p.fit_intercept);
    let (u, s, vt) = dense::svd(c.x.view()).ok_or_else(|| ModelError::Fit {
        kind: BayesianRidge::NAME,
        message: "the SVD of X did not converge".into(),
    })?;
    let sp = Spectrum {
        u,
        vt,
        eig: s.mapv(|v| v * v),
        xt_y: c.x.t().dot(&c.y),
    };
    let mut alpha = p.alpha_init.unwrap_or(1.0 / (y_var + f64::EPSILON));
    let mut lambda = p.lambda_init.unwrap_or(1.0);
    let mut coef_old: Option<Array1<f64>> = None;
    let mut n_iter = 0;
    for it in 0..p.max_iter.max(1) {
        n_iter = it + 1;
        let (coef, sse) = sp.coef(&c, alpha, lambda);
        let gamma: f64 = sp
            .eig
            .iter()
            .map(|e| alpha * e / (lambda + alpha * e))
            .sum();
        lambda = (gamma + 2.0 * pr.lambda_1) / (coef.dot(&coef) + 2.0 * pr.lambda_2);
        alpha = (n - gamma + 2.0 * pr.alpha_1) / (sse + 2.0 * pr.alpha_2);
        if let Some(old) = &coef_old {
            let moved: f64 = old.iter().zip(&coef).map(|(a, b)| (a - b).abs()).sum();
            if moved < p.tol {
                break;
            }
        }
        coef_old = Some(coef);
    }
    let (coef, _) = sp.coef(&c, alpha, lambda);
    if !coef.iter().all(|v| v.is_finite()) {
        return Err(ModelError::Fit {
            kind: BayesianRidge::NAME,
            message: "the coefficients are not finite (a constant target?)".into(),
        });
    }
    Ok(BayesianRidgeFit {
        fit: finish(&c, coef),
        alpha,
        lambda,
        n_iter,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::models::linear;
    use ndarray::array;

    fn params() -> BayesianRidgeParams {
        BayesianRidgeParams {
            max_iter: 300,
            tol: 1e-3,
            priors: GammaPriors {
                alpha_1: 1e-6,
                alpha_2: 1e-6,
                lambda_1: 1e-6,
                lambda_2: 1e-6,
            },
            alpha_init: None,
            lambda_init: None,
            fit_intercept: true,
        }
    }

    #[test]
    fn is_ridge_at_its_estimated_penalty_and_a_fixed_point() {
        let x = array![
            [1.0, 0.5, 2.0],
            [2.0, 1.0, 0.0],
            [3.0, -1.0, 1.0],
            [4.0, 2.0, 3.0],
            [5.0, 0.0, 1.5],
            [6.0, 1.5, -1.0],
        ];
        let y = array![1.2, 2.5, 2.0, 5.1, 4.0, 6.5];
        for wide in [false, true] {
            let (xx, yy) = if wide {
                (
                    x.slice(ndarray::s![..2, ..]).to_owned(),
                    y.slice(ndarray::s![..2]).to_owned(),
                )
            } else {
                (x.clone(), y.clone())
            };
            let p = BayesianRidgeParams {
                tol: 1e-12,
                max_iter: 5000,
                ..params()
            };
            let b = fit_bayesian_ridge(&p, xx.view(), yy.view()).unwrap();
            let r = linear::ridge(xx.view(), yy.view(), b.lambda / b.alpha, true);
            assert!(
                (&b.fit.coef - &r.coef).iter().all(|d| d.abs() < 1e-8),
                "{wide}"
            );
            assert!((b.fit.intercept - r.intercept).abs() < 1e-8);
        }
    }
}
