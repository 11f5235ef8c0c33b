//! ElasticNet: least squares with L1 and L2 penalties by coordinate descent
//! (`linear::elastic_net`).

use ndarray::{ArrayView1, ArrayView2};
use serde::{Deserialize, Serialize};

use super::least_squares;
use crate::models::kind::{Kind, Predictor, Values};
use crate::models::params::{copy_x, f, fit_intercept, p, Bound, NON_NEGATIVE};
use crate::models::{linear, BuildError, ModelError, ParamDef, ParamType, Value};

/// Parameters of ElasticNet.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ElasticNetParams {
    pub alpha: f64,
    pub l1_ratio: f64,
    pub fit_intercept: bool,
    pub max_iter: usize,
    pub tol: f64,
}

/// scikit-learn's `ElasticNet`.
pub struct ElasticNet;

impl Kind for ElasticNet {
    type Params = ElasticNetParams;
    const NAME: &'static str = "ElasticNet";
    const ALIASES: &'static [&'static str] = &["enet", "elastic_net"];
    const DOC: &'static str =
        "least squares with L1 and L2 penalties (coordinate descent, duality-gap stop)";

    fn params() -> Vec<ParamDef> {
        let mut v = vec![
            p("alpha", NON_NEGATIVE, f(1.0), "penalty strength"),
            p(
                "l1_ratio",
                ParamType::Float {
                    lo: Bound::Incl(0.0),
                    hi: Bound::Incl(1.0),
                },
                f(0.5),
                "L1 share of the penalty (1 = lasso, 0 = ridge)",
            ),
            fit_intercept(),
        ];
        v.extend(least_squares::descent_params());
        v.push(copy_x());
        v
    }
    fn build(v: &Values) -> Result<ElasticNetParams, BuildError> {
        Ok(ElasticNetParams {
            alpha: v.float("alpha"),
            l1_ratio: v.float("l1_ratio"),
            fit_intercept: v.bool("fit_intercept"),
            max_iter: v.usize("max_iter"),
            tol: v.float("tol"),
        })
    }
    fn values(p: &ElasticNetParams) -> Vec<(&'static str, Value)> {
        vec![
            ("alpha", Value::Float(p.alpha)),
            ("l1_ratio", Value::Float(p.l1_ratio)),
            ("fit_intercept", Value::Bool(p.fit_intercept)),
            ("max_iter", Value::count(p.max_iter)),
            ("tol", Value::Float(p.tol)),
        ]
    }
    fn min_rows(_: &ElasticNetParams) -> usize {
        1
    }
    fn expected_cost(p: &ElasticNetParams, n_rows: usize, n_features: usize) -> f64 {
        least_squares::descent_cost(p.max_iter, n_rows, n_features)
    }
    fn fit<'a>(
        p: &ElasticNetParams,
        x: ArrayView2<'a, f64>,
        y: ArrayView1<'a, f64>,
    ) -> Result<Predictor<'a>, ModelError> {
        let fit = linear::elastic_net(
            x,
            y,
            p.alpha,
            p.l1_ratio,
            p.fit_intercept,
            p.max_iter,
            p.tol,
        );
        Ok(least_squares::predictor(fit.fit))
    }
}
