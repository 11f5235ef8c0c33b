//! A file read into typed columns ([`Table`]) and a training set with its test set, encoded
//! for the models ([`Dataset`]).

use ndarray::{Array1, Array2};

use crate::prep::{Column, FittedPipeline, PrepOptions, Values};

/// One file, read and typed: every feature column (not the target, not the id columns), the
/// target apart.
#[derive(Debug, Clone)]
pub struct Table {
    /// Feature columns in file order, each numeric (NaN = missing) or categorical.
    pub columns: Vec<Column>,
    /// The target, one value per data record; NaN where it is missing.
    pub y: Vec<f64>,
    /// Name of the target column.
    pub target_name: String,
    /// The path as given.
    pub path: String,
    /// Whether the first record was a header (detected or forced).
    pub has_header: bool,
    /// Names of every column of the file (from the header, else `col0`, `col1`, ...).
    pub names: Vec<String>,
    /// 0-based position of the target column in the file.
    pub target_col: usize,
    /// 0-based positions of the dropped id columns in the file, ascending.
    pub id_cols: Vec<usize>,
    /// 0-based file positions of the feature columns (parallel to `columns`).
    pub feature_cols: Vec<usize>,
    /// Rows (0-based) whose target is missing, and the file lines of the first few.
    pub missing_target: Vec<usize>,
    pub missing_target_lines: Vec<u64>,
}

impl Table {
    pub fn n_rows(&self) -> usize {
        self.y.len()
    }

    /// Names of the feature columns.
    pub fn feature_names(&self) -> Vec<String> {
        self.columns.iter().map(|c| c.name.clone()).collect()
    }

    /// The features as a row-major matrix when every one is numeric (the article's files).
    pub fn numeric_x(&self) -> Option<Array2<f64>> {
        let cols: Vec<&Vec<f64>> = self
            .columns
            .iter()
            .map(|c| match &c.values {
                Values::Numeric(v) => Some(v),
                Values::Categorical(_) => None,
            })
            .collect::<Option<_>>()?;
        let n = self.n_rows();
        Some(Array2::from_shape_fn((n, cols.len()), |(i, j)| cols[j][i]))
    }

    /// The target as an array.
    pub fn target(&self) -> Array1<f64> {
        Array1::from_vec(self.y.clone())
    }
}

/// What was done with one column of the input, for `fitpool inspect` and the run's summary.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct ColumnInfo {
    pub name: String,
    /// `numeric`, `categorical`, `target` or `id`.
    pub kind: &'static str,
    /// Missing cells in the training rows.
    pub missing: usize,
    /// Distinct non-missing values in the training rows.
    pub distinct: usize,
    /// What the pipeline does with it, e.g. `mean-impute`, `one-hot (5 levels)`, `dropped`.
    pub action: String,
    /// Why it was dropped, or another warning.
    pub warning: Option<String>,
}

/// A training set and a test set with the same features, encoded by the pipeline learned on
/// the training rows.
#[derive(Debug, Clone)]
pub struct Dataset {
    pub x_train: Array2<f64>,
    pub y_train: Array1<f64>,
    pub x_test: Array2<f64>,
    pub y_test: Array1<f64>,
    /// Names of the encoded features (`cut=Ideal` for a one-hot column).
    pub feature_names: Vec<String>,
    pub target_name: String,
    /// One line for humans, e.g. `diabetes (built-in): 353 train / 89 test rows, 10 features`.
    pub description: String,
    /// Every input column and what became of it.
    pub columns: Vec<ColumnInfo>,
    /// Warnings and notes for stderr (dropped columns, dropped rows).
    pub notes: Vec<String>,
    /// The pipeline that encoded the features (absent for the built-in dataset).
    pub pipeline: Option<FittedPipeline>,
    /// Cross-validation: the raw training columns and the folds; each fold's task learns
    /// its own pipeline on its fold's training rows, in the worker.
    pub cv: Option<CvData>,
    /// The raw columns with the train/test split as its one fold: what a model with its own
    /// scaler (`make_pipeline(StandardScaler(), ...)`) is encoded from, in its worker.
    pub raw: Option<CvData>,
    /// Names of the training file's id columns (`--id-col`), in file order.
    pub id_columns: Vec<String>,
    /// Whether the training file had a header (detected or forced).
    pub has_header: bool,
}

/// What a fold's task needs: every row's raw (typed, unencoded) feature columns and target,
/// the folds as row indices into them, and the pipeline's settings. Shared copy-on-write
/// with the workers; each fold task encodes its own rows.
#[derive(Debug, Clone)]
pub struct CvData {
    pub columns: Vec<Column>,
    pub y: Vec<f64>,
    pub folds: Vec<crate::split::Split>,
    pub prep: PrepOptions,
}

impl CvData {
    /// Encodes fold `k`: the pipeline learned on its training rows, applied to both sides;
    /// `scale` adds the StandardScaler (a model's own `make_pipeline(StandardScaler(), ...)`).
    #[allow(clippy::type_complexity)]
    pub fn fold(
        &self,
        k: usize,
        scale: bool,
    ) -> Result<(Array2<f64>, Array1<f64>, Array2<f64>, Array1<f64>), crate::prep::PrepError> {
        let s = &self.folds[k];
        let prep = PrepOptions {
            scale: scale || self.prep.scale,
            ..self.prep
        };
        let p = crate::prep::Pipeline::fit(&self.columns, &s.train, &prep)?;
        let pick = |r: &[usize]| r.iter().map(|&i| self.y[i]).collect::<Array1<f64>>();
        Ok((
            p.transform(&self.columns, &s.train)?,
            pick(&s.train),
            p.transform(&self.columns, &s.test)?,
            pick(&s.test),
        ))
    }
}

impl Dataset {
    /// Number of features (columns of `x_train` and `x_test`).
    pub fn n_features(&self) -> usize {
        self.x_train.ncols()
    }
}
