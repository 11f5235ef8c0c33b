//! Adapters to our boosters (`crate::gbm`) shared by the two boosting kinds: their errors as
//! [`ModelError`] and a fitted model's `predict` as a [`Predictor`].

use ndarray::{Array1, ArrayView2};

use crate::gbm::GbmError;
use crate::models::kind::Predictor;
use crate::models::ModelError;

/// A booster's fitting error as [`ModelError::Fit`] of `kind`.
pub(super) fn fit_error(kind: &'static str) -> impl Fn(GbmError) -> ModelError {
    move |e| ModelError::Fit {
        kind,
        message: e.to_string(),
    }
}

/// A fitted booster's `predict` as a [`Predictor`], its errors as [`ModelError::Predict`].
pub(super) fn predictor<'a>(
    kind: &'static str,
    predict: impl Fn(ArrayView2<f64>) -> Result<Array1<f64>, GbmError> + 'a,
) -> Predictor<'a> {
    Box::new(move |t| {
        predict(t).map_err(|e| ModelError::Predict {
            kind,
            message: e.to_string(),
        })
    })
}
