//! LassoLars: the lasso fitted by the LARS path with the lasso modification, stopped at
//! `alpha` (`models::lars`).

use ndarray::{ArrayView1, ArrayView2};
use serde::{Deserialize, Serialize};

use crate::models::kind::{Kind, Predictor, Values};
use crate::models::lars::{self, Method};
use crate::models::params::{f, ignored, p, NON_NEGATIVE};
use crate::models::{BuildError, ModelError, ParamDef, ParamType, Value};

/// Parameters of LassoLars.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LassoLarsParams {
    pub alpha: f64,
    pub fit_intercept: bool,
    pub max_iter: usize,
    pub eps: f64,
}

/// scikit-learn's `LassoLars`.
pub struct LassoLars;

impl Kind for LassoLars {
    type Params = LassoLarsParams;
    const NAME: &'static str = "LassoLars";
    const ALIASES: &'static [&'static str] = &["lasso_lars"];
    const DOC: &'static str = "the lasso by least-angle regression (LARS-lasso path to alpha)";

    fn params() -> Vec<ParamDef> {
        let mut v = vec![p("alpha", NON_NEGATIVE, f(1.0), "L1 penalty strength")];
        v.extend(lars::common_params(true));
        v.push(ignored(
            "fit_path",
            ParamType::Bool,
            Value::Bool(true),
            "ignored: the coefficients are the same",
        ));
        v
    }
    fn build(v: &Values) -> Result<LassoLarsParams, BuildError> {
        Ok(LassoLarsParams {
            alpha: v.float("alpha"),
            fit_intercept: v.bool("fit_intercept"),
            max_iter: v.usize("max_iter"),
            eps: v.float("eps"),
        })
    }
    fn values(p: &LassoLarsParams) -> Vec<(&'static str, Value)> {
        vec![
            ("alpha", Value::Float(p.alpha)),
            ("fit_intercept", Value::Bool(p.fit_intercept)),
            ("max_iter", Value::count(p.max_iter)),
            ("eps", Value::Float(p.eps)),
        ]
    }
    fn min_rows(_: &LassoLarsParams) -> usize {
        1
    }
    fn expected_cost(_: &LassoLarsParams, n_rows: usize, n_features: usize) -> f64 {
        lars::cost(n_rows, n_features, 0)
    }
    fn fit<'a>(
        p: &LassoLarsParams,
        x: ArrayView2<'a, f64>,
        y: ArrayView1<'a, f64>,
    ) -> Result<Predictor<'a>, ModelError> {
        let (fit, _, _) = lars::fit_lars(
            x,
            y,
            p.fit_intercept,
            p.max_iter,
            p.alpha,
            Method::Lasso,
            p.eps,
        );
        Ok(lars::predictor(fit))
    }
}
