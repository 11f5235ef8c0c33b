//! Preprocessing as lazypredict's `ColumnTransformer` recipe does it, in scikit-learn 1.9's
//! arithmetic, learned on the training rows of a split only.
//!
//! The recipe, for input [`Column`]s that are numeric (`f64`, NaN = missing) or categorical
//! (strings, `None` = missing):
//!
//! | block (output order) | columns | scikit-learn |
//! |---|---|---|
//! | numeric | numeric | `SimpleImputer(strategy="mean")`, then if [`PrepOptions::scale`] `StandardScaler()` |
//! | one-hot | categorical with ≤ [`PrepOptions::max_onehot`] levels | `SimpleImputer(strategy="constant", fill_value="missing")`, `OneHotEncoder(handle_unknown="ignore")` |
//! | ordinal | categorical with more levels | the same imputer, `OrdinalEncoder(handle_unknown="use_encoded_value", unknown_value=-1)` |
//!
//! Within a block, columns keep their input order; this is `ColumnTransformer([("numeric",
//! ...), ("categorical_low", ...), ("categorical_high", ...)])`'s `get_feature_names_out`
//! order. Details that follow sklearn:
//! - The level count deciding one-hot vs ordinal is lazypredict's `X_train[col].nunique()`:
//!   distinct non-missing strings in the training rows (so "missing" itself can be a 12th
//!   one-hot column).
//! - A column with no value in the training rows is dropped (`SimpleImputer`'s
//!   `keep_empty_features=False`; in sklearn 1.9 this holds for the categorical
//!   `strategy="constant"` imputer too, whose all-missing column would otherwise be one
//!   `name=missing` column); [`FittedPipeline::dropped`] names them (sklearn warns).
//! - Means and variances are summed as numpy sums a column (pairwise summation, missing
//!   values as zeros), the variance is `StandardScaler`'s corrected two-pass formula, and a
//!   near-constant column (`var <= n·eps·var + (n·mean·eps)²`) gets scale 1.
//! - Levels are sorted as Python sorts `str`, by code point; a missing value is the level
//!   `"missing"` (the same as a literal `"missing"`); a level unseen in training encodes as
//!   all zeros (one-hot) or -1 (ordinal).
//! - ±inf in a numeric column is an error, as sklearn's `ensure_all_finite="allow-nan"`.
//! - `scale` applies to the numeric block only: in lazypredict's recipe the one-hot and
//!   ordinal outputs are not scaled.
//!
//! Feature names: numeric and ordinal columns keep their name; one-hot columns are
//! `name=level` (sklearn writes `categorical_low__name_level`).
//!
//! Where it runs: the pipeline is fitted per split or fold, so the plan is to run
//! [`Pipeline::fit`] and [`FittedPipeline::transform`] in the worker, on the raw table the
//! parent shares with it, rather than to ship transformed matrices from the parent. A
//! [`FittedPipeline`] is serde-serializable, to be saved with the model it fed.
//!
//! Tested against `tests/fixtures/prep_reference.json` (scikit-learn itself, written by
//! `scripts/reference_prep.py`) in `tests/prep_fidelity.rs`.

mod pipeline;
mod sum;

use std::collections::HashMap;

use thiserror::Error;

pub use pipeline::{CategoricalStep, Encoding, FittedPipeline, NumericStep};
pub use sum::pairwise_sum;

/// The level name a missing categorical value is imputed with.
pub const MISSING_LEVEL: &str = "missing";

/// The default [`PrepOptions::max_onehot`], lazypredict's.
pub const DEFAULT_MAX_ONEHOT: usize = 11;

/// A categorical column: one code per row into `levels`, [`Categorical::MISSING`] for a
/// missing value. Levels need not be sorted or used; equal strings are one level.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct Categorical {
    codes: Vec<u32>,
    levels: Vec<String>,
}

impl Categorical {
    /// The code of a missing value.
    pub const MISSING: u32 = u32::MAX;

    /// From codes and their level table; a code that is neither [`Self::MISSING`] nor an
    /// index into `levels` is an error.
    pub fn from_codes(codes: Vec<u32>, levels: Vec<String>) -> Result<Self, PrepError> {
        if levels.len() >= Self::MISSING as usize {
            return Err(PrepError::TooManyLevels);
        }
        if let Some(row) = codes
            .iter()
            .position(|&c| c != Self::MISSING && c as usize >= levels.len())
        {
            return Err(PrepError::BadCode { row });
        }
        Ok(Categorical { codes, levels })
    }

    /// From strings, `None` for missing, interning each distinct string once.
    pub fn from_strs<I, S>(values: I) -> Result<Self, PrepError>
    where
        I: IntoIterator<Item = Option<S>>,
        S: AsRef<str>,
    {
        let mut index: HashMap<String, u32> = HashMap::new();
        let mut levels = Vec::new();
        let mut codes = Vec::new();
        for v in values {
            let code = match v {
                None => Self::MISSING,
                Some(s) => {
                    let s = s.as_ref();
                    match index.get(s) {
                        Some(&c) => c,
                        None => {
                            let c = u32::try_from(levels.len())
                                .ok()
                                .filter(|&c| c != Self::MISSING)
                                .ok_or(PrepError::TooManyLevels)?;
                            index.insert(s.to_string(), c);
                            levels.push(s.to_string());
                            c
                        }
                    }
                }
            };
            codes.push(code);
        }
        Ok(Categorical { codes, levels })
    }

    pub fn codes(&self) -> &[u32] {
        &self.codes
    }

    pub fn levels(&self) -> &[String] {
        &self.levels
    }

    pub fn len(&self) -> usize {
        self.codes.len()
    }

    pub fn is_empty(&self) -> bool {
        self.codes.is_empty()
    }

    /// The value of row `i` (`None`: missing).
    pub fn get(&self, i: usize) -> Option<&str> {
        match self.codes.get(i) {
            Some(&c) if c != Self::MISSING => Some(&self.levels[c as usize]),
            _ => None,
        }
    }
}

/// The values of one input column.
#[derive(Clone, Debug, PartialEq)]
pub enum Values {
    /// NaN = missing.
    Numeric(Vec<f64>),
    Categorical(Categorical),
}

impl Values {
    pub fn len(&self) -> usize {
        match self {
            Values::Numeric(v) => v.len(),
            Values::Categorical(c) => c.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn kind(&self) -> ColumnKind {
        match self {
            Values::Numeric(_) => ColumnKind::Numeric,
            Values::Categorical(_) => ColumnKind::Categorical,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum ColumnKind {
    Numeric,
    Categorical,
}

/// One named input column (a feature; not the target).
#[derive(Clone, Debug, PartialEq)]
pub struct Column {
    pub name: String,
    pub values: Values,
}

impl Column {
    pub fn numeric(name: impl Into<String>, values: Vec<f64>) -> Self {
        Column {
            name: name.into(),
            values: Values::Numeric(values),
        }
    }

    pub fn categorical(name: impl Into<String>, values: Categorical) -> Self {
        Column {
            name: name.into(),
            values: Values::Categorical(values),
        }
    }
}

/// The recipe's knobs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct PrepOptions {
    /// `StandardScaler` after the numeric imputer (lazypredict: on).
    pub scale: bool,
    /// Categorical columns with at most this many distinct training levels are one-hot
    /// encoded, the others ordinal encoded (lazypredict: 11).
    pub max_onehot: usize,
}

impl Default for PrepOptions {
    fn default() -> Self {
        PrepOptions {
            scale: true,
            max_onehot: DEFAULT_MAX_ONEHOT,
        }
    }
}

/// The recipe, to be fitted on training rows: see the module documentation.
#[derive(Clone, Copy, Debug, Default)]
pub struct Pipeline;

impl Pipeline {
    /// Learns imputation values, scales and level tables from `train_rows` of `columns`.
    pub fn fit(
        columns: &[Column],
        train_rows: &[usize],
        options: &PrepOptions,
    ) -> Result<FittedPipeline, PrepError> {
        pipeline::fit(columns, train_rows, options)
    }
}

/// Why the pipeline cannot be fitted or applied.
#[derive(Clone, Debug, Error, PartialEq)]
pub enum PrepError {
    #[error("no training rows (sklearn: \"Found array with 0 sample(s)\")")]
    NoTrainRows,
    #[error("column {column:?} has {len} rows, the first column {first}")]
    RaggedColumns {
        column: String,
        len: usize,
        first: usize,
    },
    #[error("row {row} is out of range for a table of {n_rows} rows")]
    RowOutOfRange { row: usize, n_rows: usize },
    #[error("column {column:?}, row {row}: {value} (sklearn: \"Input X contains infinity\")")]
    Infinite {
        column: String,
        row: usize,
        value: f64,
    },
    #[error("code of row {row} is not an index into the level table")]
    BadCode { row: usize },
    #[error("more than 2**32 - 2 levels in a categorical column")]
    TooManyLevels,
    #[error("the pipeline was fitted on {fitted} columns; {given} given")]
    ColumnCount { fitted: usize, given: usize },
    #[error("column {index} is {given:?} of kind {given_kind:?}; the pipeline was fitted on {fitted:?} of kind {fitted_kind:?}")]
    ColumnMismatch {
        index: usize,
        fitted: String,
        fitted_kind: ColumnKind,
        given: String,
        given_kind: ColumnKind,
    },
}

#[cfg(test)]
mod tests;
