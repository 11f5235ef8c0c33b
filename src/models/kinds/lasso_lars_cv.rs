//! LassoLarsCV: the LARS-lasso path's alpha chosen by KFold(5) (no shuffling) as
//! scikit-learn's, then a LARS-lasso fit on all rows stopped at it.

use ndarray::{ArrayView1, ArrayView2};

use super::lars_cv::{cv_build, cv_params, cv_values, fit_cv, LarsCvParams};
use crate::models::kind::{Kind, Predictor, Values};
use crate::models::lars::{self, Method};
use crate::models::{BuildError, ModelError, ParamDef, Value};

/// scikit-learn's `LassoLarsCV`.
pub struct LassoLarsCv;

impl Kind for LassoLarsCv {
    type Params = LarsCvParams;
    const NAME: &'static str = "LassoLarsCV";
    const ALIASES: &'static [&'static str] = &["lasso_lars_cv"];
    const DOC: &'static str = "the lasso by LARS, alpha chosen by 5-fold CV";

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
        Ok(lars::predictor(fit_cv(p, Method::Lasso, x, y).0))
    }
}
