//! What the GLM kinds (PoissonRegressor, GammaRegressor, TweedieRegressor) share: their
//! parameter table, typed parameters, cost and fit through `models::glm`.

use ndarray::{ArrayView1, ArrayView2};
use serde::{Deserialize, Serialize};

use crate::models::glm::{self, Loss};
use crate::models::kind::{dims, Predictor, Values};
use crate::models::params::{
    f, fit_intercept, ignored, int, p, s, verbose, NON_NEGATIVE, POSITIVE,
};
use crate::models::{ModelError, ParamDef, ParamType, Value};

/// Parameters of a GLM kind (`power` and `link` only matter for TweedieRegressor).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct GlmParams {
    pub power: f64,
    pub link: String,
    pub alpha: f64,
    pub fit_intercept: bool,
    pub max_iter: usize,
    pub tol: f64,
}

/// The table after `power`/`link`: alpha, fit_intercept, solver, max_iter, tol, warm_start,
/// verbose.
pub(super) fn common_params() -> Vec<ParamDef> {
    vec![
        p("alpha", NON_NEGATIVE, f(1.0), "L2 penalty strength"),
        fit_intercept_glm(),
        p(
            "solver",
            ParamType::Choice(&["lbfgs"]),
            s("lbfgs"),
            "L-BFGS with scipy's stopping rules",
        ),
        p(
            "max_iter",
            int(1),
            Value::Int(100),
            "maximum L-BFGS iterations",
        ),
        p("tol", POSITIVE, f(1e-4), "stop when max |gradient| <= tol"),
        ignored(
            "warm_start",
            ParamType::Bool,
            Value::Bool(false),
            "ignored: every fit starts afresh",
        ),
        verbose(),
    ]
}

fn fit_intercept_glm() -> ParamDef {
    ParamDef {
        doc: "fit an unpenalised intercept (added to the linear predictor)",
        ..fit_intercept()
    }
}

pub(super) fn build(v: &Values, power: f64, link: &str) -> GlmParams {
    GlmParams {
        power,
        link: link.to_string(),
        alpha: v.float("alpha"),
        fit_intercept: v.bool("fit_intercept"),
        max_iter: v.usize("max_iter"),
        tol: v.float("tol"),
    }
}

pub(super) fn common_values(p: &GlmParams) -> Vec<(&'static str, Value)> {
    vec![
        ("alpha", Value::Float(p.alpha)),
        ("fit_intercept", Value::Bool(p.fit_intercept)),
        ("solver", Value::Str("lbfgs".into())),
        ("max_iter", Value::count(p.max_iter)),
        ("tol", Value::Float(p.tol)),
    ]
}

/// A few gradient evaluations (two passes over X each) per iteration.
pub(super) fn cost(p: &GlmParams, n_rows: usize, n_features: usize) -> f64 {
    let (n, f) = dims(n_rows, n_features);
    4.0 * n * f * (p.max_iter as f64).min(50.0)
}

pub(super) fn fit<'a>(
    kind: &'static str,
    p: &GlmParams,
    x: ArrayView2<'a, f64>,
    y: ArrayView1<'a, f64>,
) -> Result<Predictor<'a>, ModelError> {
    let log_link = match p.link.as_str() {
        "log" => true,
        "identity" => false,
        _ => p.power > 0.0,
    };
    let loss = Loss {
        power: p.power,
        log_link,
    };
    if let Some(message) = loss.check_y(y) {
        return Err(ModelError::Fit { kind, message });
    }
    let model = glm::fit(loss, x, y, p.alpha, p.fit_intercept, p.max_iter, p.tol);
    // an all-zero target under the log link leaves the intercept at log(0) = -inf, predicting
    // 0 as scikit-learn does
    let intercept_ok = model.intercept.is_finite() || (log_link && model.intercept < 0.0);
    if !intercept_ok || model.coef.iter().any(|c| !c.is_finite()) {
        return Err(ModelError::Fit {
            kind,
            message: "the solver diverged (non-finite coefficients)".into(),
        });
    }
    Ok(Box::new(move |t| Ok(model.predict(t))))
}
