//! Fitting and applying the recipe.

use std::collections::{BTreeSet, HashMap};

use ndarray::Array2;
use serde::{Deserialize, Serialize};

use super::sum::pairwise_sum;
use super::{Categorical, Column, ColumnKind, PrepError, PrepOptions, Values, MISSING_LEVEL};

/// What the pipeline learned of one numeric column it keeps: `x` (missing → `impute`)
/// becomes `(x - center) / scale` (`center` 0 and `scale` 1 without scaling).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct NumericStep {
    /// Index of the input column.
    pub column: usize,
    pub name: String,
    /// `SimpleImputer.statistics_`: the training mean.
    pub impute: f64,
    /// `StandardScaler.mean_` (of the imputed training values).
    pub center: f64,
    /// `StandardScaler.scale_`.
    pub scale: f64,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Encoding {
    OneHot,
    Ordinal,
}

/// What the pipeline learned of one categorical column: its sorted training levels
/// (including `"missing"` if a training value was missing).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CategoricalStep {
    pub column: usize,
    pub name: String,
    pub encoding: Encoding,
    pub levels: Vec<String>,
}

/// The fitted recipe: apply it to any rows of a table with the same columns.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FittedPipeline {
    options: PrepOptions,
    /// Name and kind of every input column, to check the table given to `transform`.
    inputs: Vec<(String, ColumnKind)>,
    numeric: Vec<NumericStep>,
    /// One-hot steps first, then ordinal ones, each in input order.
    categorical: Vec<CategoricalStep>,
    dropped: Vec<String>,
    n_features: usize,
}

fn check_rows(rows: &[usize], n_rows: usize) -> Result<(), PrepError> {
    match rows.iter().find(|&&r| r >= n_rows) {
        Some(&row) => Err(PrepError::RowOutOfRange { row, n_rows }),
        None => Ok(()),
    }
}

fn table_rows(columns: &[Column]) -> Result<usize, PrepError> {
    let first = columns.first().map_or(0, |c| c.values.len());
    for c in columns {
        if c.values.len() != first {
            return Err(PrepError::RaggedColumns {
                column: c.name.clone(),
                len: c.values.len(),
                first,
            });
        }
    }
    Ok(first)
}

fn infinite(name: &str, row: usize, value: f64) -> PrepError {
    PrepError::Infinite {
        column: name.to_string(),
        row,
        value,
    }
}

/// `SimpleImputer(strategy="mean")` then `StandardScaler()` on the training rows of one
/// column; `None` when every training value is missing.
fn fit_numeric(
    index: usize,
    name: &str,
    values: &[f64],
    rows: &[usize],
    scale: bool,
) -> Result<Option<NumericStep>, PrepError> {
    let mut x = Vec::with_capacity(rows.len());
    let mut count = 0usize;
    for &r in rows {
        let v = values[r];
        if v.is_nan() {
            x.push(0.0);
        } else if v.is_infinite() {
            return Err(infinite(name, r, v));
        } else {
            x.push(v);
            count += 1;
        }
    }
    if count == 0 {
        return Ok(None);
    }
    // np.ma.mean: the sum of the filled (missing = 0) column over the count.
    let impute = pairwise_sum(&x) / count as f64;
    let (mut center, mut std) = (0.0, 1.0);
    if scale {
        for (v, &r) in x.iter_mut().zip(rows) {
            if values[r].is_nan() {
                *v = impute;
            }
        }
        // sklearn.utils.extmath._incremental_mean_and_var from an empty start.
        let n = x.len() as f64;
        let sum = pairwise_sum(&x);
        center = sum / n;
        let mut t: Vec<f64> = x.iter().map(|v| v - center).collect();
        let correction = pairwise_sum(&t);
        for v in &mut t {
            *v *= *v;
        }
        let var = (pairwise_sum(&t) - correction * correction / n) / n;
        // _is_constant_feature, then _handle_zeros_in_scale with that mask.
        let eps = f64::EPSILON;
        let bound = n * eps * var + (n * center * eps) * (n * center * eps);
        std = if var <= bound { 1.0 } else { var.sqrt() };
    }
    Ok(Some(NumericStep {
        column: index,
        name: name.to_string(),
        impute,
        center,
        scale: std,
    }))
}

/// The sorted training levels of a column (with `"missing"` when a value is missing) and
/// the number of distinct non-missing ones.
fn training_levels(c: &Categorical, rows: &[usize]) -> (Vec<String>, usize) {
    let mut seen = vec![false; c.levels().len()];
    let mut missing = false;
    for &r in rows {
        match c.codes()[r] {
            Categorical::MISSING => missing = true,
            code => seen[code as usize] = true,
        }
    }
    let mut set: BTreeSet<&str> = c
        .levels()
        .iter()
        .zip(&seen)
        .filter(|(_, &s)| s)
        .map(|(l, _)| l.as_str())
        .collect();
    let nunique = set.len();
    if missing {
        set.insert(MISSING_LEVEL);
    }
    (set.into_iter().map(str::to_string).collect(), nunique)
}

pub(super) fn fit(
    columns: &[Column],
    train_rows: &[usize],
    options: &PrepOptions,
) -> Result<FittedPipeline, PrepError> {
    if train_rows.is_empty() {
        return Err(PrepError::NoTrainRows);
    }
    let n_rows = table_rows(columns)?;
    check_rows(train_rows, n_rows)?;
    let mut numeric = Vec::new();
    let mut dropped = Vec::new();
    let (mut onehot, mut ordinal) = (Vec::new(), Vec::new());
    for (index, col) in columns.iter().enumerate() {
        match &col.values {
            Values::Numeric(v) => {
                match fit_numeric(index, &col.name, v, train_rows, options.scale)? {
                    Some(step) => numeric.push(step),
                    None => dropped.push(col.name.clone()),
                }
            }
            Values::Categorical(c) => {
                let (levels, nunique) = training_levels(c, train_rows);
                if nunique == 0 {
                    // sklearn 1.9's SimpleImputer drops it for strategy="constant" too
                    dropped.push(col.name.clone());
                    continue;
                }
                let (encoding, block) = if nunique <= options.max_onehot {
                    (Encoding::OneHot, &mut onehot)
                } else {
                    (Encoding::Ordinal, &mut ordinal)
                };
                block.push(CategoricalStep {
                    column: index,
                    name: col.name.clone(),
                    encoding,
                    levels,
                });
            }
        }
    }
    let n_features = numeric.len()
        + onehot
            .iter()
            .map(|s: &CategoricalStep| s.levels.len())
            .sum::<usize>()
        + ordinal.len();
    onehot.extend(ordinal);
    Ok(FittedPipeline {
        options: *options,
        inputs: columns
            .iter()
            .map(|c| (c.name.clone(), c.values.kind()))
            .collect(),
        numeric,
        categorical: onehot,
        dropped,
        n_features,
    })
}

impl FittedPipeline {
    /// The output column names, in output order: numeric names as they are, one-hot
    /// columns `name=level`, ordinal columns by name.
    pub fn feature_names(&self) -> Vec<String> {
        let mut names: Vec<String> = self.numeric.iter().map(|s| s.name.clone()).collect();
        for s in &self.categorical {
            match s.encoding {
                Encoding::OneHot => {
                    names.extend(s.levels.iter().map(|l| format!("{}={}", s.name, l)))
                }
                Encoding::Ordinal => names.push(s.name.clone()),
            }
        }
        names
    }

    /// The number of output columns.
    pub fn n_features(&self) -> usize {
        self.n_features
    }

    /// Columns dropped because all their training values were missing (numeric or
    /// categorical, as sklearn 1.9's `SimpleImputer` drops them), in input order.
    pub fn dropped(&self) -> &[String] {
        &self.dropped
    }

    /// Name and kind of every input column the pipeline reads, in input order.
    pub fn inputs(&self) -> &[(String, ColumnKind)] {
        &self.inputs
    }

    pub fn options(&self) -> &PrepOptions {
        &self.options
    }

    pub fn numeric_steps(&self) -> &[NumericStep] {
        &self.numeric
    }

    /// One-hot steps, then ordinal steps.
    pub fn categorical_steps(&self) -> &[CategoricalStep] {
        &self.categorical
    }

    /// The feature matrix of `rows` of `columns` (the table fitted on, or one with the same
    /// column names and kinds): `rows.len()` × [`Self::n_features`], row `i` for `rows[i]`.
    pub fn transform(&self, columns: &[Column], rows: &[usize]) -> Result<Array2<f64>, PrepError> {
        if columns.len() != self.inputs.len() {
            return Err(PrepError::ColumnCount {
                fitted: self.inputs.len(),
                given: columns.len(),
            });
        }
        for (index, (col, (name, kind))) in columns.iter().zip(&self.inputs).enumerate() {
            if &col.name != name || col.values.kind() != *kind {
                return Err(PrepError::ColumnMismatch {
                    index,
                    fitted: name.clone(),
                    fitted_kind: *kind,
                    given: col.name.clone(),
                    given_kind: col.values.kind(),
                });
            }
        }
        let n_rows = table_rows(columns)?;
        check_rows(rows, n_rows)?;
        let width = self.n_features;
        let mut out = Array2::<f64>::zeros((rows.len(), width));
        if width == 0 {
            return Ok(out);
        }
        // One prepared operation per output block, applied block of rows by block of rows so
        // that each block of the (row-major) output stays in cache.
        let mut ops: Vec<Op<'_>> = Vec::with_capacity(self.numeric.len() + self.categorical.len());
        let mut offset = 0;
        for s in &self.numeric {
            if let Values::Numeric(values) = &columns[s.column].values {
                ops.push(Op::Numeric {
                    step: s,
                    values,
                    offset,
                });
            }
            offset += 1;
        }
        for s in &self.categorical {
            if let Values::Categorical(c) = &columns[s.column].values {
                // position of each of the column's levels among the fitted ones, -1 if unseen
                let fitted: HashMap<&str, i64> = s
                    .levels
                    .iter()
                    .enumerate()
                    .map(|(i, l)| (l.as_str(), i as i64))
                    .collect();
                let pos = |l: &str| fitted.get(l).copied().unwrap_or(-1);
                ops.push(Op::Categorical {
                    onehot: s.encoding == Encoding::OneHot,
                    codes: c.codes(),
                    lut: c.levels().iter().map(|l| pos(l)).collect(),
                    missing: pos(MISSING_LEVEL),
                    offset,
                });
            }
            offset += match s.encoding {
                Encoding::OneHot => s.levels.len(),
                Encoding::Ordinal => 1,
            };
        }
        let Some(data) = out.as_slice_mut() else {
            return Ok(out); // unreachable: a fresh Array2 is contiguous
        };
        const BLOCK: usize = 2048;
        for (block, block_rows) in data.chunks_mut(BLOCK * width).zip(rows.chunks(BLOCK)) {
            for op in &ops {
                op.apply(block, block_rows, width)?;
            }
        }
        Ok(out)
    }
}

/// One output block of [`FittedPipeline::transform`], ready to fill rows.
enum Op<'a> {
    Numeric {
        step: &'a NumericStep,
        values: &'a [f64],
        offset: usize,
    },
    Categorical {
        onehot: bool,
        codes: &'a [u32],
        /// code -> fitted level position, -1: unseen
        lut: Vec<i64>,
        missing: i64,
        offset: usize,
    },
}

impl Op<'_> {
    fn apply(&self, out: &mut [f64], rows: &[usize], width: usize) -> Result<(), PrepError> {
        match self {
            Op::Numeric {
                step,
                values,
                offset,
            } => {
                let fill = (step.impute - step.center) / step.scale;
                for (out_row, &r) in out.chunks_exact_mut(width).zip(rows) {
                    let v = values[r];
                    out_row[*offset] = if v.is_nan() {
                        fill
                    } else if v.is_infinite() {
                        return Err(infinite(&step.name, r, v));
                    } else {
                        (v - step.center) / step.scale
                    };
                }
            }
            Op::Categorical {
                onehot,
                codes,
                lut,
                missing,
                offset,
            } => {
                for (out_row, &r) in out.chunks_exact_mut(width).zip(rows) {
                    let p = match codes[r] {
                        Categorical::MISSING => *missing,
                        code => lut[code as usize],
                    };
                    if !*onehot {
                        out_row[*offset] = p as f64;
                    } else if p >= 0 {
                        out_row[*offset + p as usize] = 1.0;
                    }
                }
            }
        }
        Ok(())
    }
}
