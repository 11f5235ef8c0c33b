//! LassoLarsIC: the LARS-lasso path, the step chosen by AIC or BIC with scikit-learn's noise
//! variance (an OLS fit's residual variance unless given).

use ndarray::{ArrayView1, ArrayView2};
use serde::{Deserialize, Serialize};

use crate::models::kind::{Kind, Predictor, Values};
use crate::models::lars::{self, Method};
use crate::models::linear::{self, finish, LinearFit};
use crate::models::params::{p, s, Bound};
use crate::models::{BuildError, ModelError, ParamDef, ParamType, Value};

/// Parameters of LassoLarsIC.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LassoLarsIcParams {
    /// BIC (true) or AIC.
    pub bic: bool,
    pub fit_intercept: bool,
    pub max_iter: usize,
    pub eps: f64,
    pub noise_variance: Option<f64>,
}

/// scikit-learn's `LassoLarsIC`.
pub struct LassoLarsIc;

/// The fitted model and the selected `alpha_`.
pub fn fit_ic(
    p: &LassoLarsIcParams,
    x: ArrayView2<f64>,
    y: ArrayView1<f64>,
) -> Result<(LinearFit, f64), ModelError> {
    let (_, path, c) = lars::fit_lars(x, y, p.fit_intercept, p.max_iter, 0.0, Method::Lasso, p.eps);
    let (n, nf) = c.x.dim();
    let sigma2 = match p.noise_variance {
        Some(v) => v,
        None => {
            if n <= nf + usize::from(p.fit_intercept) {
                return Err(ModelError::Fit {
                    kind: LassoLarsIc::NAME,
                    message: "You are using LassoLarsIC in the case where the number of samples is smaller than the number of features. In this setting, getting a good estimate for the variance of the noise is not possible. Provide an estimate of the noise variance in the constructor.".into(),
                });
            }
            let ols = linear::ols(c.x.view(), c.y.view(), false);
            let r = &c.y - &ols.predict(c.x.view());
            r.dot(&r) / (n - nf - usize::from(p.fit_intercept)) as f64
        }
    };
    let factor = if p.bic { (n as f64).ln() } else { 2.0 };
    let mut best = (f64::INFINITY, 0usize);
    for (k, coef) in path.coefs.iter().enumerate() {
        let r = &c.y - &c.x.dot(coef);
        let rss = r.dot(&r);
        let df = coef.iter().filter(|v| v.abs() > f64::EPSILON).count() as f64;
        let crit =
            n as f64 * (2.0 * std::f64::consts::PI * sigma2).ln() + rss / sigma2 + factor * df;
        // np.argmin: the first minimum (NaN counts as the minimum).
        if crit < best.0 || (crit.is_nan() && !best.0.is_nan()) {
            best = (crit, k);
        }
    }
    let coef = path.coefs[best.1].clone();
    Ok((finish(&c, coef), path.alphas[best.1]))
}

impl Kind for LassoLarsIc {
    type Params = LassoLarsIcParams;
    const NAME: &'static str = "LassoLarsIC";
    const ALIASES: &'static [&'static str] = &["lasso_lars_ic"];
    const DOC: &'static str = "the lasso by LARS, alpha chosen by AIC or BIC";

    fn params() -> Vec<ParamDef> {
        let mut v = vec![p(
            "criterion",
            ParamType::Choice(&["aic", "bic"]),
            s("aic"),
            "information criterion",
        )];
        v.extend(lars::common_params(true));
        v.push(p(
            "noise_variance",
            ParamType::OptFloat {
                lo: Bound::Incl(0.0),
                hi: Bound::None,
            },
            Value::None,
            "noise variance (None: estimated by OLS)",
        ));
        v
    }
    fn build(v: &Values) -> Result<LassoLarsIcParams, BuildError> {
        Ok(LassoLarsIcParams {
            bic: v.str("criterion") == "bic",
            fit_intercept: v.bool("fit_intercept"),
            max_iter: v.usize("max_iter"),
            eps: v.float("eps"),
            noise_variance: v.opt_float("noise_variance"),
        })
    }
    fn values(p: &LassoLarsIcParams) -> Vec<(&'static str, Value)> {
        vec![
            ("criterion", s(if p.bic { "bic" } else { "aic" })),
            ("fit_intercept", Value::Bool(p.fit_intercept)),
            ("max_iter", Value::count(p.max_iter)),
            ("eps", Value::Float(p.eps)),
            (
                "noise_variance",
                p.noise_variance.map_or(Value::None, Value::Float),
            ),
        ]
    }
    fn min_rows(_: &LassoLarsIcParams) -> usize {
        1
    }
    fn expected_cost(_: &LassoLarsIcParams, n_rows: usize, n_features: usize) -> f64 {
        2.0 * lars::cost(n_rows, n_features, 0)
    }
    fn fit<'a>(
        p: &LassoLarsIcParams,
        x: ArrayView2<'a, f64>,
        y: ArrayView1<'a, f64>,
    ) -> Result<Predictor<'a>, ModelError> {
        Ok(lars::predictor(fit_ic(p, x, y)?.0))
    }
}
