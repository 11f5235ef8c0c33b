//! LinearRegression: ordinary least squares, the minimum-norm solution (`linear::ols`).

use ndarray::{ArrayView1, ArrayView2};
use serde::{Deserialize, Serialize};

use super::least_squares;
use crate::models::kind::{Kind, Predictor, Values};
use crate::models::params::{copy_x, fit_intercept, n_jobs};
use crate::models::{linear, BuildError, ModelError, ParamDef, Value};

/// Parameters of LinearRegression.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LinearRegressionParams {
    pub fit_intercept: bool,
}

/// scikit-learn's `LinearRegression`.
pub struct LinearRegression;

impl Kind for LinearRegression {
    type Params = LinearRegressionParams;
    const NAME: &'static str = "LinearRegression";
    const ALIASES: &'static [&'static str] = &["ols", "lr", "linear"];
    const DOC: &'static str = "ordinary least squares (minimum-norm solution via SVD)";

    fn params() -> Vec<ParamDef> {
        vec![fit_intercept(), copy_x(), n_jobs()]
    }
    fn build(v: &Values) -> Result<LinearRegressionParams, BuildError> {
        Ok(LinearRegressionParams {
            fit_intercept: v.bool("fit_intercept"),
        })
    }
    fn values(p: &LinearRegressionParams) -> Vec<(&'static str, Value)> {
        vec![("fit_intercept", Value::Bool(p.fit_intercept))]
    }
    fn min_rows(_: &LinearRegressionParams) -> usize {
        1
    }
    fn expected_cost(_: &LinearRegressionParams, n_rows: usize, n_features: usize) -> f64 {
        least_squares::exact_cost(n_rows, n_features)
    }
    fn fit<'a>(
        p: &LinearRegressionParams,
        x: ArrayView2<'a, f64>,
        y: ArrayView1<'a, f64>,
    ) -> Result<Predictor<'a>, ModelError> {
        Ok(least_squares::predictor(linear::ols(x, y, p.fit_intercept)))
    }
}
