//! What the least-squares kinds (Ridge, Lasso, ElasticNet, LinearRegression) share: their
//! coordinate-descent parameters, the predictor of a linear fit, and cost formulas.

use crate::models::kind::{dims, Predictor};
use crate::models::linear::LinearFit;
use crate::models::params::{int, p, NON_NEGATIVE};
use crate::models::{ParamDef, Value};

/// `max_iter` and `tol` of coordinate descent (Lasso, ElasticNet).
pub(super) fn descent_params() -> [ParamDef; 2] {
    [
        p("max_iter", int(1), Value::Int(1000), "maximum sweeps"),
        p(
            "tol",
            NON_NEGATIVE,
            Value::Float(1e-4),
            "duality-gap tolerance",
        ),
    ]
}

/// A fitted linear model as a [`Predictor`].
pub(super) fn predictor<'a>(model: LinearFit) -> Predictor<'a> {
    Box::new(move |t| Ok(model.predict(t)))
}

/// An exact solve (Ridge, LinearRegression): the Gram matrix, then its factorisation.
pub(super) fn exact_cost(n_rows: usize, n_features: usize) -> f64 {
    let (n, f) = dims(n_rows, n_features);
    n * f * f + f * f * f
}

/// Coordinate descent: a pass over the data per sweep, about ten sweeps at most counted.
pub(super) fn descent_cost(max_iter: usize, n_rows: usize, n_features: usize) -> f64 {
    let (n, f) = dims(n_rows, n_features);
    n * f * (max_iter as f64).min(10.0)
}
