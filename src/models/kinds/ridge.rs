//! Ridge: least squares with an L2 penalty, solved exactly (`linear::ridge`).

use ndarray::{ArrayView1, ArrayView2};
use serde::{Deserialize, Serialize};

use super::least_squares;
use crate::models::kind::{Kind, Predictor, Values};
use crate::models::params::{copy_x, f, fit_intercept, p, NON_NEGATIVE};
use crate::models::{linear, BuildError, ModelError, ParamDef, Value};

/// Parameters of Ridge.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RidgeParams {
    pub alpha: f64,
    pub fit_intercept: bool,
}

/// scikit-learn's `Ridge`.
pub struct Ridge;

impl Kind for Ridge {
    type Params = RidgeParams;
    const NAME: &'static str = "Ridge";
    const ALIASES: &'static [&'static str] = &["ridge"];
    const DOC: &'static str = "least squares with an L2 penalty, solved exactly (Cholesky)";

    fn params() -> Vec<ParamDef> {
        vec![
            p("alpha", NON_NEGATIVE, f(1.0), "L2 penalty strength"),
            fit_intercept(),
            copy_x(),
        ]
    }
    fn build(v: &Values) -> Result<RidgeParams, BuildError> {
        Ok(RidgeParams {
            alpha: v.float("alpha"),
            fit_intercept: v.bool("fit_intercept"),
        })
    }
    fn values(p: &RidgeParams) -> Vec<(&'static str, Value)> {
        vec![
            ("alpha", Value::Float(p.alpha)),
            ("fit_intercept", Value::Bool(p.fit_intercept)),
        ]
    }
    fn min_rows(_: &RidgeParams) -> usize {
        1
    }
    fn expected_cost(_: &RidgeParams, n_rows: usize, n_features: usize) -> f64 {
        least_squares::exact_cost(n_rows, n_features)
    }
    fn fit<'a>(
        p: &RidgeParams,
        x: ArrayView2<'a, f64>,
        y: ArrayView1<'a, f64>,
    ) -> Result<Predictor<'a>, ModelError> {
        Ok(least_squares::predictor(linear::ridge(
            x,
            y,
            p.alpha,
            p.fit_intercept,
        )))
    }
}
