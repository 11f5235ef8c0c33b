//! ElasticNetCV: the elastic net's alpha chosen by KFold(5) cross-validation over a log grid,
//! as scikit-learn's `LinearModelCV` (`models::enet_cv`), then an elastic-net fit on all rows.

use ndarray::{ArrayView1, ArrayView2};

use super::lasso_cv::{cv_build, cv_cost, cv_params, cv_values, fit_cv, LinearCvParams};
use super::least_squares;
use crate::models::kind::{Kind, Predictor, Values};
use crate::models::params::{f, p, Bound};
use crate::models::{BuildError, ModelError, ParamDef, ParamType, Value};

/// scikit-learn's `ElasticNetCV` (one `l1_ratio`).
pub struct ElasticNetCv;

impl Kind for ElasticNetCv {
    type Params = LinearCvParams;
    const NAME: &'static str = "ElasticNetCV";
    const ALIASES: &'static [&'static str] = &["enet_cv", "elastic_net_cv"];
    const DOC: &'static str =
        "the elastic net, alpha chosen by 5-fold CV along a warm-started path";

    fn params() -> Vec<ParamDef> {
        let mut v = vec![p(
            "l1_ratio",
            ParamType::Float {
                lo: Bound::Incl(0.0),
                hi: Bound::Incl(1.0),
            },
            f(0.5),
            "L1 share of the penalty (1 = lasso; 0 has no automatic grid)",
        )];
        v.extend(cv_params());
        v
    }
    fn build(v: &Values) -> Result<LinearCvParams, BuildError> {
        Ok(cv_build(v, v.float("l1_ratio")))
    }
    fn values(p: &LinearCvParams) -> Vec<(&'static str, Value)> {
        let mut v = vec![("l1_ratio", Value::Float(p.l1_ratio))];
        v.extend(cv_values(p));
        v
    }
    fn min_rows(p: &LinearCvParams) -> usize {
        p.folds()
    }
    fn expected_cost(p: &LinearCvParams, n_rows: usize, n_features: usize) -> f64 {
        cv_cost(p, n_rows, n_features)
    }
    fn fit<'a>(
        p: &LinearCvParams,
        x: ArrayView2<'a, f64>,
        y: ArrayView1<'a, f64>,
    ) -> Result<Predictor<'a>, ModelError> {
        Ok(least_squares::predictor(fit_cv(p, x, y)?.fit))
    }
}
