//! PassiveAggressiveRegressor: the online passive-aggressive steps (PA-I for the
//! epsilon-insensitive loss, PA-II for its square), run by SGDRegressor's loop
//! (`sgd_regressor::fit_sgd`) with no penalty and `eta0 = C`, as scikit-learn does.

use ndarray::{ArrayView1, ArrayView2};
use serde::{Deserialize, Serialize};

use super::least_squares;
use super::sgd_regressor::{
    average_params, fit_sgd, max_iter_param, random_state_param, sgd_cost, shuffle_param,
    stopping_params, tol_param, Average, LearningRate, SgdConfig, SgdLoss, SgdPenalty,
};
use crate::models::kind::{Kind, Predictor, Values};
use crate::models::params::{f, fit_intercept, p, s, verbose, ParamType, NON_NEGATIVE, POSITIVE};
use crate::models::{BuildError, ModelError, ParamDef, Value};

/// Parameters of PassiveAggressiveRegressor.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PassiveAggressiveParams {
    pub c: f64,
    pub fit_intercept: bool,
    pub max_iter: usize,
    pub tol: Option<f64>,
    pub early_stopping: bool,
    pub validation_fraction: f64,
    pub n_iter_no_change: usize,
    pub shuffle: bool,
    /// `squared_epsilon_insensitive` (PA-II) rather than `epsilon_insensitive` (PA-I).
    pub squared: bool,
    pub epsilon: f64,
    pub random_state: Option<u64>,
    pub average: Average,
}

/// scikit-learn's `PassiveAggressiveRegressor`.
pub struct PassiveAggressive;

impl Kind for PassiveAggressive {
    type Params = PassiveAggressiveParams;
    const NAME: &'static str = "PassiveAggressiveRegressor";
    const ALIASES: &'static [&'static str] = &["pa", "passive_aggressive"];
    const DOC: &'static str =
        "online passive-aggressive linear regression (PA-I, or PA-II for the squared loss)";

    fn params() -> Vec<ParamDef> {
        let [early_stopping, validation_fraction, n_iter_no_change] = stopping_params();
        let [warm_start, average] = average_params();
        vec![
            p(
                "C",
                POSITIVE,
                f(1.0),
                "the largest step (PA-I) or its regulariser (PA-II)",
            ),
            fit_intercept(),
            max_iter_param(),
            tol_param(),
            early_stopping,
            validation_fraction,
            n_iter_no_change,
            shuffle_param(),
            verbose(),
            p(
                "loss",
                ParamType::Choice(&["epsilon_insensitive", "squared_epsilon_insensitive"]),
                s("epsilon_insensitive"),
                "epsilon_insensitive: PA-I steps; squared_epsilon_insensitive: PA-II",
            ),
            p(
                "epsilon",
                NON_NEGATIVE,
                f(0.1),
                "the width of the insensitive zone",
            ),
            random_state_param(),
            warm_start,
            average,
        ]
    }
    fn build(v: &Values) -> Result<PassiveAggressiveParams, BuildError> {
        Ok(PassiveAggressiveParams {
            c: v.float("C"),
            fit_intercept: v.bool("fit_intercept"),
            max_iter: v.usize("max_iter"),
            tol: v.opt_float("tol"),
            early_stopping: v.bool("early_stopping"),
            validation_fraction: v.float("validation_fraction"),
            n_iter_no_change: v.usize("n_iter_no_change"),
            shuffle: v.bool("shuffle"),
            squared: v.str("loss") == "squared_epsilon_insensitive",
            epsilon: v.float("epsilon"),
            random_state: v.opt_u64("random_state"),
            average: Average::from_value(&v.get("average")),
        })
    }
    fn values(p: &PassiveAggressiveParams) -> Vec<(&'static str, Value)> {
        let loss = if p.squared {
            "squared_epsilon_insensitive"
        } else {
            "epsilon_insensitive"
        };
        vec![
            ("C", Value::Float(p.c)),
            ("fit_intercept", Value::Bool(p.fit_intercept)),
            ("max_iter", Value::count(p.max_iter)),
            ("tol", p.tol.map_or(Value::None, Value::Float)),
            ("early_stopping", Value::Bool(p.early_stopping)),
            ("validation_fraction", Value::Float(p.validation_fraction)),
            ("n_iter_no_change", Value::count(p.n_iter_no_change)),
            ("shuffle", Value::Bool(p.shuffle)),
            ("loss", s(loss)),
            ("epsilon", Value::Float(p.epsilon)),
            ("random_state", Value::seed(p.random_state)),
            ("average", p.average.value()),
        ]
    }
    fn min_rows(p: &PassiveAggressiveParams) -> usize {
        if p.early_stopping {
            2
        } else {
            1
        }
    }
    fn expected_cost(p: &PassiveAggressiveParams, n_rows: usize, n_features: usize) -> f64 {
        sgd_cost(p.max_iter, n_rows, n_features)
    }
    fn fit<'a>(
        p: &PassiveAggressiveParams,
        x: ArrayView2<'a, f64>,
        y: ArrayView1<'a, f64>,
    ) -> Result<Predictor<'a>, ModelError> {
        // scikit-learn: loss epsilon_insensitive always, the step rule chosen by `loss`
        let config = SgdConfig {
            loss: SgdLoss::EpsilonInsensitive(p.epsilon),
            penalty: SgdPenalty::None,
            alpha: 1.0,
            l1_ratio: 0.0,
            fit_intercept: p.fit_intercept,
            max_iter: p.max_iter,
            tol: p.tol,
            shuffle: p.shuffle,
            random_state: p.random_state,
            learning_rate: if p.squared {
                LearningRate::Pa2
            } else {
                LearningRate::Pa1
            },
            eta0: p.c,
            power_t: 0.5,
            early_stopping: p.early_stopping,
            validation_fraction: p.validation_fraction,
            n_iter_no_change: p.n_iter_no_change,
            average: p.average,
        };
        Ok(least_squares::predictor(fit_sgd(
            &config,
            Self::NAME,
            x,
            y,
        )?))
    }
}
