//! Fitting and predicting any [`ModelSpec`]: the checks on training and test data before any
//! kind's code runs, timings, the fitted model, and the errors ([`ModelError`]). Each kind's
//! own fitting is in its file under `kinds/`.

use std::time::Instant;

use ndarray::{Array1, ArrayView1, ArrayView2};

use std::ops::Range;

use super::kind::Predictor;
use super::parts::BlockSums;
use super::registry::ModelSpec;

/// The seed used where scikit-learn's `random_state=None` would be unseeded.
pub const DEFAULT_SEED: u64 = 0;

/// Test-set predictions and how long fitting and predicting took.
#[derive(Clone, Debug, PartialEq)]
pub struct Prediction {
    pub y_pred: Array1<f64>,
    pub fit_seconds: f64,
    pub predict_seconds: f64,
}

/// A part's block sums on the test set and how long fitting and predicting took.
#[derive(Clone, Debug, PartialEq)]
pub struct BlockPrediction {
    pub sums: BlockSums,
    pub fit_seconds: f64,
    pub predict_seconds: f64,
}

/// Why a model could not be fitted or could not predict.
#[derive(Debug, thiserror::Error)]
pub enum ModelError {
    #[error("{kind} needs at least {min} training rows, got {got}")]
    TooFewRows {
        kind: &'static str,
        min: usize,
        got: usize,
    },
    #[error("shape mismatch: {0}")]
    Shape(String),
    #[error("training data has no features")]
    NoFeatures,
    #[error("{0} contains a non-finite value (NaN or infinity)")]
    NonFinite(&'static str),
    #[error("{kind} failed to fit: {message}")]
    Fit { kind: &'static str, message: String },
    #[error("{kind} failed to predict: {message}")]
    Predict { kind: &'static str, message: String },
    #[error("{0}")]
    Unavailable(&'static str),
}

impl ModelSpec {
    /// Fits on the training set and predicts the test set, timing both separately.
    pub fn fit_predict(
        &self,
        x_train: ArrayView2<f64>,
        y_train: ArrayView1<f64>,
        x_test: ArrayView2<f64>,
    ) -> Result<Prediction, ModelError> {
        let kind = self.kind_name();
        self.check_training_data(x_train, y_train)?;
        check_test_data(x_train.ncols(), x_test)?;
        let start = Instant::now();
        let predict = self.fit_checked(x_train, y_train)?;
        let fit_seconds = start.elapsed().as_secs_f64();
        let start = Instant::now();
        let y_pred = predict(x_test)?;
        let predict_seconds = start.elapsed().as_secs_f64();
        if y_pred.len() != x_test.nrows() {
            return Err(ModelError::Predict {
                kind,
                message: format!(
                    "{} predictions for {} test rows",
                    y_pred.len(),
                    x_test.nrows()
                ),
            });
        }
        Ok(Prediction {
            y_pred,
            fit_seconds,
            predict_seconds,
        })
    }

    /// Fits the blocks `blocks` of a model that can be fitted in parts
    /// ([`ModelSpec::units`]) and predicts their block sums on the test set, timing both;
    /// the same checks as [`ModelSpec::fit_predict`] apply.
    pub fn fit_predict_blocks(
        &self,
        x_train: ArrayView2<f64>,
        y_train: ArrayView1<f64>,
        x_test: ArrayView2<f64>,
        blocks: Range<usize>,
    ) -> Result<BlockPrediction, ModelError> {
        self.check_training_data(x_train, y_train)?;
        check_test_data(x_train.ncols(), x_test)?;
        let start = Instant::now();
        let predict = self.fit_blocks_checked(x_train, y_train, blocks)?;
        let fit_seconds = start.elapsed().as_secs_f64();
        let start = Instant::now();
        let sums = predict(x_test)?;
        let predict_seconds = start.elapsed().as_secs_f64();
        Ok(BlockPrediction {
            sums,
            fit_seconds,
            predict_seconds,
        })
    }

    /// Shapes, finiteness and the minimum number of rows, before any fitting.
    fn check_training_data(
        &self,
        x_train: ArrayView2<f64>,
        y_train: ArrayView1<f64>,
    ) -> Result<(), ModelError> {
        let (n, f) = x_train.dim();
        if y_train.len() != n {
            return Err(ModelError::Shape(format!(
                "x_train has {n} rows but y_train has {}",
                y_train.len()
            )));
        }
        if f == 0 {
            return Err(ModelError::NoFeatures);
        }
        // no kind takes a missing value (the pipeline imputes them)
        if !x_train.iter().all(|v| v.is_finite()) {
            return Err(ModelError::NonFinite("x_train"));
        }
        if !y_train.iter().all(|v| v.is_finite()) {
            return Err(ModelError::NonFinite("y_train"));
        }
        let min = self.min_rows();
        if n < min {
            return Err(ModelError::TooFewRows {
                kind: self.kind_name(),
                min,
                got: n,
            });
        }
        Ok(())
    }

    /// Fits on the training set; the model then predicts any number of test sets. The same
    /// checks as [`ModelSpec::fit_predict`] apply, except those on a test set.
    pub fn fit<'a>(
        &self,
        x_train: ArrayView2<'a, f64>,
        y_train: ArrayView1<'a, f64>,
    ) -> Result<FittedModel<'a>, ModelError> {
        self.check_training_data(x_train, y_train)?;
        Ok(FittedModel {
            kind: self.kind_name(),
            n_features: x_train.ncols(),
            predict: self.fit_checked(x_train, y_train)?,
        })
    }
}

/// A fitted model. k-NN borrows its training data, hence the lifetime.
pub struct FittedModel<'a> {
    kind: &'static str,
    n_features: usize,
    predict: Predictor<'a>,
}

fn check_test_data(n_features: usize, x_test: ArrayView2<f64>) -> Result<(), ModelError> {
    if x_test.ncols() != n_features {
        return Err(ModelError::Shape(format!(
            "x_train has {n_features} features but x_test has {}",
            x_test.ncols()
        )));
    }
    if !x_test.iter().all(|v| v.is_finite()) {
        return Err(ModelError::NonFinite("x_test"));
    }
    Ok(())
}

impl FittedModel<'_> {
    /// The scikit-learn class name of the model.
    pub fn kind_name(&self) -> &'static str {
        self.kind
    }

    /// Predicts `x`, which must have the training set's number of features and finite values.
    pub fn predict(&self, x: ArrayView2<f64>) -> Result<Array1<f64>, ModelError> {
        check_test_data(self.n_features, x)?;
        (self.predict)(x)
    }
}

impl std::fmt::Debug for FittedModel<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "FittedModel({})", self.kind)
    }
}
