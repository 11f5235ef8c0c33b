//! Lasso: least squares with an L1 penalty, fitted as ElasticNet with `l1_ratio = 1`.

use ndarray::{ArrayView1, ArrayView2};
use serde::{Deserialize, Serialize};

use super::elastic_net::{ElasticNet, ElasticNetParams};
use super::least_squares;
use crate::models::kind::{Kind, Predictor, Values};
use crate::models::params::{copy_x, f, fit_intercept, p, NON_NEGATIVE};
use crate::models::{BuildError, ModelError, ParamDef, Value};

/// Parameters of Lasso.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LassoParams {
    pub alpha: f64,
    pub fit_intercept: bool,
    pub max_iter: usize,
    pub tol: f64,
}

impl LassoParams {
    /// The same model as an elastic net.
    fn elastic_net(&self) -> ElasticNetParams {
        ElasticNetParams {
            alpha: self.alpha,
            l1_ratio: 1.0,
            fit_intercept: self.fit_intercept,
            max_iter: self.max_iter,
            tol: self.tol,
        }
    }
}

/// scikit-learn's `Lasso`.
pub struct Lasso;

impl Kind for Lasso {
    type Params = LassoParams;
    const NAME: &'static str = "Lasso";
    const ALIASES: &'static [&'static str] = &["lasso"];
    const DOC: &'static str =
        "least squares with an L1 penalty (coordinate descent, duality-gap stop)";

    fn params() -> Vec<ParamDef> {
        let mut v = vec![
            p("alpha", NON_NEGATIVE, f(1.0), "L1 penalty strength"),
            fit_intercept(),
        ];
        v.extend(least_squares::descent_params());
        v.push(copy_x());
        v
    }
    fn build(v: &Values) -> Result<LassoParams, BuildError> {
        Ok(LassoParams {
            alpha: v.float("alpha"),
            fit_intercept: v.bool("fit_intercept"),
            max_iter: v.usize("max_iter"),
            tol: v.float("tol"),
        })
    }
    fn values(p: &LassoParams) -> Vec<(&'static str, Value)> {
        let mut v = ElasticNet::values(&p.elastic_net());
        v.retain(|(name, _)| *name != "l1_ratio");
        v
    }
    fn min_rows(_: &LassoParams) -> usize {
        1
    }
    fn expected_cost(p: &LassoParams, n_rows: usize, n_features: usize) -> f64 {
        ElasticNet::expected_cost(&p.elastic_net(), n_rows, n_features)
    }
    fn fit<'a>(
        p: &LassoParams,
        x: ArrayView2<'a, f64>,
        y: ArrayView1<'a, f64>,
    ) -> Result<Predictor<'a>, ModelError> {
        ElasticNet::fit(&p.elastic_net(), x, y)
    }
}
