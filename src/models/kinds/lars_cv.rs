//! LarsCV: the LAR path's alpha chosen by KFold(5) (no shuffling) as scikit-learn's, then a
//! LAR fit on all rows stopped at it (`models::lars::cv_alpha`).

use ndarray::{ArrayView1, ArrayView2};
use serde::{Deserialize, Serialize};

use crate::models::kind::{Kind, Predictor, Values};
use crate::models::lars::{self, Method};
use crate::models::linear::LinearFit;
use crate::models::params::{int, n_jobs, p};
use crate::models::{BuildError, ModelError, ParamDef, Value};

/// Parameters of LarsCV and LassoLarsCV.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LarsCvParams {
    pub fit_intercept: bool,
    pub max_iter: usize,
    pub max_n_alphas: usize,
    pub eps: f64,
}

/// scikit-learn's `LarsCV`.
pub struct LarsCv;

/// The table shared with LassoLarsCV (`cv` is KFold(5) only: not a parameter here).
pub(super) fn cv_params() -> Vec<ParamDef> {
    let mut v = lars::common_params(true);
    v.push(p(
        "max_n_alphas",
        int(1),
        Value::Int(1000),
        "most alphas on which the CV residuals are computed",
    ));
    v.push(n_jobs());
    v
}

pub(super) fn cv_build(v: &Values) -> LarsCvParams {
    LarsCvParams {
        fit_intercept: v.bool("fit_intercept"),
        max_iter: v.usize("max_iter"),
        max_n_alphas: v.usize("max_n_alphas"),
        eps: v.float("eps"),
    }
}

pub(super) fn cv_values(p: &LarsCvParams) -> Vec<(&'static str, Value)> {
    vec![
        ("fit_intercept", Value::Bool(p.fit_intercept)),
        ("max_iter", Value::count(p.max_iter)),
        ("eps", Value::Float(p.eps)),
        ("max_n_alphas", Value::count(p.max_n_alphas)),
    ]
}

/// The selected `alpha_` and the refit on all rows.
pub fn fit_cv(
    p: &LarsCvParams,
    method: Method,
    x: ArrayView2<f64>,
    y: ArrayView1<f64>,
) -> (LinearFit, f64) {
    let alpha = lars::cv_alpha(
        x,
        y,
        p.fit_intercept,
        p.max_iter,
        method,
        p.eps,
        p.max_n_alphas,
    );
    let (fit, _, _) = lars::fit_lars(x, y, p.fit_intercept, p.max_iter, alpha, method, p.eps);
    (fit, alpha)
}

impl Kind for LarsCv {
    type Params = LarsCvParams;
    const NAME: &'static str = "LarsCV";
    const ALIASES: &'static [&'static str] = &["lars_cv"];
    const DOC: &'static str = "least-angle regression, alpha chosen by 5-fold CV";

    fn params() -> Vec<ParamDef> {
        cv_params()
    }
    fn build(v: &Values) -> Result<LarsCvParams, BuildError> {
        Ok(cv_build(v))
    }
    fn values(p: &LarsCvParams) -> Vec<(&'static str, Value)> {
        cv_values(p)
    }
    fn min_rows(_: &LarsCvParams) -> usize {
        5
    }
    fn expected_cost(_: &LarsCvParams, n_rows: usize, n_features: usize) -> f64 {
        lars::cost(n_rows, n_features, 5)
    }
    fn fit<'a>(
        p: &LarsCvParams,
        x: ArrayView2<'a, f64>,
        y: ArrayView1<'a, f64>,
    ) -> Result<Predictor<'a>, ModelError> {
        Ok(lars::predictor(fit_cv(p, Method::Lar, x, y).0))
    }
}
