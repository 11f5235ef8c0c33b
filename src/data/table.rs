//! A loaded file ([`Table`]) and a training set with its test set ([`Dataset`]).

use ndarray::{Array1, Array2};

/// One file, loaded and validated.
#[derive(Debug, Clone)]
pub struct Table {
    /// Features, one row per data record, columns in file order without target and ids.
    pub x: Array2<f64>,
    /// The target, one value per data record.
    pub y: Array1<f64>,
    /// Names of the columns of `x`.
    pub feature_names: Vec<String>,
    /// Name of the target column.
    pub target_name: String,
    /// The path as given.
    pub path: String,
    /// Whether the first record was a header (detected or forced).
    pub has_header: bool,
    /// Names of every column of the file (from the header, else `col0`, `col1`, ...).
    pub columns: Vec<String>,
    /// 0-based position of the target column in the file.
    pub target_col: usize,
    /// 0-based positions of the dropped id columns in the file, ascending.
    pub id_cols: Vec<usize>,
}

/// A training set and a test set with the same features.
#[derive(Debug, Clone)]
pub struct Dataset {
    pub x_train: Array2<f64>,
    pub y_train: Array1<f64>,
    pub x_test: Array2<f64>,
    pub y_test: Array1<f64>,
    pub feature_names: Vec<String>,
    pub target_name: String,
    /// One line for humans, e.g. `diabetes (built-in): 353 train / 89 test rows, 10 features`.
    pub description: String,
}

impl Dataset {
    /// Number of features (columns of `x_train` and `x_test`).
    pub fn n_features(&self) -> usize {
        self.x_train.ncols()
    }
}
