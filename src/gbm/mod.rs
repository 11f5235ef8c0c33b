//! Our own gradient boosting for regression, following scikit-learn 1.9:
//!
//! * [`fit_hgb`] / [`HgbModel`]: `HistGradientBoostingRegressor` (u8 bin codes, gradient
//!   histograms with the subtraction trick, best-first trees, learned missing-value
//!   direction, native categorical splits, early stopping on a held-out fraction);
//! * [`fit_gbr`] / [`GbrModel`]: `GradientBoostingRegressor` with exact greedy splits
//!   (`friedman_mse`) over feature orders sorted once and reused by every stage.
//!
//! Both are single-threaded and never panic on bad input: they return [`GbmError`].
//! Modules: `binning` (bin thresholds and codes), `histogram`, `splitting` (split search),
//! `grower` (one best-first tree), `tree` (the fitted predictor), `loss`, `hgb`, `exact`,
//! `rng`.

mod binning;
mod exact;
mod grower;
mod hgb;
mod histogram;
mod loss;
pub(crate) mod rng;
mod splitting;
mod tree;

pub use binning::{BinMapper, Binned};
pub use exact::{fit_gbr, GbrModel, GbrParams, GbrTree, MaxFeatures};
pub use hgb::{fit_hgb, EarlyStopping, HgbModel, HgbParams};
pub use loss::Loss;
pub use tree::{Tree, TreeNode};

/// Errors of [`fit_hgb`] and [`fit_gbr`]: invalid parameters or data.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum GbmError {
    /// The training set has no rows or no columns.
    #[error("empty training data: {rows} rows, {cols} columns")]
    EmptyData {
        /// Number of rows.
        rows: usize,
        /// Number of columns.
        cols: usize,
    },
    /// X and y (or X and the categorical mask) disagree in length.
    #[error("length mismatch: {what} has {got}, expected {expected}")]
    LengthMismatch {
        /// What disagrees.
        what: &'static str,
        /// Its length.
        got: usize,
        /// The length expected.
        expected: usize,
    },
    /// y holds NaN or infinity (or X does where missing values are not supported).
    #[error("{0} holds a non-finite value")]
    NonFinite(&'static str),
    /// X holds infinity (NaN is a missing value, infinity is refused).
    #[error("x holds an infinite value in column {0}")]
    InfiniteX(usize),
    /// A parameter is out of its range.
    #[error("invalid parameter {name}: {msg}")]
    InvalidParam {
        /// The parameter's scikit-learn name.
        name: &'static str,
        /// Why.
        msg: String,
    },
    /// A categorical column holds a negative or non-integer value, or too many categories.
    #[error("categorical column {col}: {msg}")]
    BadCategorical {
        /// The column.
        col: usize,
        /// Why.
        msg: String,
    },
    /// The loss cannot take this target (poisson needs y >= 0 with a positive sum).
    #[error("target not valid for loss {loss}: {msg}")]
    BadTarget {
        /// The loss.
        loss: &'static str,
        /// Why.
        msg: String,
    },
    /// The early-stopping split leaves no training or no validation rows.
    #[error("validation split of {n} rows leaves {train} training and {val} validation rows")]
    BadValidationSplit {
        /// Rows in all.
        n: usize,
        /// Training rows.
        train: usize,
        /// Validation rows.
        val: usize,
    },
    /// Predicting with a different number of columns than the model was fitted on.
    #[error("model was fitted on {expected} columns, got {got}")]
    WrongColumns {
        /// Columns at fit.
        expected: usize,
        /// Columns given.
        got: usize,
    },
}

pub(crate) fn invalid(name: &'static str, msg: impl Into<String>) -> GbmError {
    GbmError::InvalidParam {
        name,
        msg: msg.into(),
    }
}

/// The checks both boosters make first: some rows and columns, one finite target per row.
/// Returns `(rows, columns)`.
fn check_xy(x: ndarray::ArrayView2<f64>, y: &[f64]) -> Result<(usize, usize), GbmError> {
    let (n, nf) = x.dim();
    if n == 0 || nf == 0 {
        return Err(GbmError::EmptyData { rows: n, cols: nf });
    }
    if y.len() != n {
        return Err(GbmError::LengthMismatch {
            what: "y",
            got: y.len(),
            expected: n,
        });
    }
    if y.iter().any(|v| !v.is_finite()) {
        return Err(GbmError::NonFinite("y"));
    }
    Ok((n, nf))
}
