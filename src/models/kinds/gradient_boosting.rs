//! GradientBoostingRegressor (squared error): smartcore's exact-greedy boosted trees set up as
//! scikit-learn's boosting.

use ndarray::{ArrayView1, ArrayView2};
use serde::{Deserialize, Serialize};
use smartcore::xgboost::xgb_regressor::Objective;
use smartcore::xgboost::{XGRegressor, XGRegressorParameters};

use super::smartcore_glue as glue;
use crate::models::kind::{dims, Kind, Predictor, Values};
use crate::models::params::{f, int, opt_int, p, verbose, Bound, ESTIMATORS, POSITIVE};
use crate::models::{BuildError, ModelError, ParamDef, ParamType, Value, DEFAULT_SEED};

/// Parameters of GradientBoostingRegressor (squared error).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct BoostingParams {
    pub n_estimators: usize,
    pub learning_rate: f64,
    pub max_depth: u16,
    pub min_samples_leaf: usize,
    pub subsample: f64,
    pub random_state: Option<u64>,
}

/// scikit-learn's `GradientBoostingRegressor`.
pub struct GradientBoosting;

impl Kind for GradientBoosting {
    type Params = BoostingParams;
    const NAME: &'static str = "GradientBoostingRegressor";
    const ALIASES: &'static [&'static str] = &["gbr", "gb"];
    const DOC: &'static str = "gradient boosting, squared error (smartcore's exact-greedy boosted \
                               trees with lambda=0 and the mean as initial prediction)";

    fn params() -> Vec<ParamDef> {
        vec![
            p(
                "n_estimators",
                ESTIMATORS,
                Value::Int(100),
                "number of boosting stages",
            ),
            p("learning_rate", POSITIVE, f(0.1), "shrinkage of each tree"),
            p(
                "max_depth",
                ParamType::Int {
                    min: 1,
                    max: u16::MAX as i64 - 1,
                },
                Value::Int(3),
                "depth of each tree",
            ),
            p(
                "min_samples_leaf",
                int(1),
                Value::Int(1),
                "minimum samples in a leaf",
            ),
            p(
                "subsample",
                ParamType::Float {
                    lo: Bound::Excl(0.0),
                    hi: Bound::Incl(1.0),
                },
                f(1.0),
                "fraction of rows drawn (without replacement) for each tree",
            ),
            p(
                "random_state",
                opt_int(0),
                Value::None,
                "seed for subsampling; None means the fixed seed 0",
            ),
            verbose(),
        ]
    }
    fn build(v: &Values) -> Result<BoostingParams, BuildError> {
        Ok(BoostingParams {
            n_estimators: v.usize("n_estimators"),
            learning_rate: v.float("learning_rate"),
            max_depth: v.opt_u16("max_depth").unwrap_or(3),
            min_samples_leaf: v.usize("min_samples_leaf"),
            subsample: v.float("subsample"),
            random_state: v.opt_u64("random_state"),
        })
    }
    fn values(p: &BoostingParams) -> Vec<(&'static str, Value)> {
        vec![
            ("n_estimators", Value::count(p.n_estimators)),
            ("learning_rate", Value::Float(p.learning_rate)),
            ("max_depth", Value::Int(p.max_depth.into())),
            ("min_samples_leaf", Value::count(p.min_samples_leaf)),
            ("subsample", Value::Float(p.subsample)),
            ("random_state", Value::seed(p.random_state)),
        ]
    }
    fn min_rows(_: &BoostingParams) -> usize {
        1
    }
    /// smartcore's boosted trees sort every feature at every node.
    fn expected_cost(p: &BoostingParams, n_rows: usize, n_features: usize) -> f64 {
        let (n, f) = dims(n_rows, n_features);
        0.15 * p.n_estimators as f64 * (n * n.log2()) * f * f64::from(p.max_depth) * p.subsample
    }
    fn fit<'a>(
        p: &BoostingParams,
        x: ArrayView2<'a, f64>,
        y: ArrayView1<'a, f64>,
    ) -> Result<Predictor<'a>, ModelError> {
        // scikit-learn's squared-error boosting is XGBoost's exact greedy algorithm with unit
        // hessians, no L2 penalty on leaves (lambda = 0), no split penalty (gamma = 0) and the
        // mean of y as the initial prediction: leaf values are mean residuals and split gains
        // equal the squared-error reduction (friedman_mse).
        let params = XGRegressorParameters {
            n_estimators: p.n_estimators,
            max_depth: p.max_depth,
            learning_rate: p.learning_rate,
            min_child_weight: p.min_samples_leaf,
            lambda: 0.0,
            gamma: 0.0,
            base_score: y.mean().unwrap_or(0.0),
            subsample: p.subsample,
            seed: p.random_state.unwrap_or(DEFAULT_SEED),
            objective: Objective::MeanSquaredError,
        };
        let model = XGRegressor::fit(&glue::dense(x), &y.to_vec(), params)
            .map_err(glue::fit_error(Self::NAME))?;
        Ok(glue::predictor(Self::NAME, move |t| model.predict(t)))
    }
}
