//! New rows for a saved model (`fitpool predict`): a CSV or Parquet file read as the training
//! file was read, its columns found by name and typed as the model's pipeline expects them.
//!
//! The file may hold the target (it is then ignored) and columns the model does not use; it
//! must hold every column the model reads, except one the pipeline dropped for having no
//! value in the training rows (it is then taken as all missing). A column numeric in
//! training must hold numbers (text is an error with its position); a categorical one is read
//! as text, so that `7` and `7.0` stay the levels they were.

use std::path::Path;

use serde::{Deserialize, Serialize};

use super::csv::{header_of, read_promoting, Want};
use super::{DataError, HeaderMode, LoadOptions, Table};
use crate::prep::{Categorical, Column, ColumnKind, Values};

/// How the training file was read and what the model reads of a file: saved with the model.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ReadSpec {
    /// The feature columns the model's pipeline reads, in its order, with their kinds.
    pub columns: Vec<(String, ColumnKind)>,
    /// Columns of `columns` that may be absent (dropped by the pipeline: all missing in
    /// training).
    pub optional: Vec<String>,
    /// The target's name (ignored when the file has it).
    pub target: String,
    /// The training file's first id column, whose values label the predictions.
    pub id_column: Option<String>,
    /// Whether the training file had a header: a CSV file is read the same way.
    pub has_header: bool,
    pub delimiter: u8,
    pub na_values: Vec<String>,
}

/// The rows of a file to predict, as the model's pipeline takes them.
#[derive(Clone, Debug)]
pub struct NewRows {
    /// The model's columns, in [`ReadSpec::columns`] order.
    pub columns: Vec<Column>,
    /// The id column's values, when the training had one and this file has it.
    pub ids: Option<Vec<String>>,
    pub n_rows: usize,
}

/// Reads `path` (`.parquet`: Parquet, else CSV) for the model `spec` describes.
pub fn read_new_rows(path: &Path, spec: &ReadSpec) -> Result<NewRows, DataError> {
    let shown = path.display().to_string();
    let is_parquet = path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("parquet"));
    let (mut columns, n_rows) = if is_parquet {
        let t = super::parquet::read_parquet_columns(path)
            .map_err(|e| DataError::Parquet(Box::new(e)))?;
        (t.columns, t.n_rows)
    } else {
        let t = read_csv(path, spec)?;
        let n = t.y.len();
        (t.columns, n)
    };
    let mut taken = |name: &str| -> Result<Option<Column>, DataError> {
        let found: Vec<usize> = (0..columns.len())
            .filter(|&i| columns[i].name == name)
            .collect();
        match found.as_slice() {
            [] => Ok(None),
            [i] => Ok(Some(columns.swap_remove(*i))),
            many => Err(DataError::AmbiguousColumn {
                path: shown.clone(),
                role: "model",
                name: name.to_string(),
                columns: many.iter().map(|c| c + 1).collect(),
            }),
        }
    };
    let ids = match &spec.id_column {
        Some(name) => taken(name)?.map(|c| labels(&c.values)),
        None => None,
    };
    let mut out = Vec::with_capacity(spec.columns.len());
    for (name, kind) in &spec.columns {
        let col = match taken(name)? {
            Some(c) => c,
            None if spec.optional.contains(name) => Column {
                name: name.clone(),
                values: match kind {
                    ColumnKind::Numeric => Values::Numeric(vec![f64::NAN; n_rows]),
                    ColumnKind::Categorical => Values::Categorical(Categorical::from_codes(
                        vec![Categorical::MISSING; n_rows],
                        Vec::new(),
                    )?),
                },
            },
            None => {
                return Err(DataError::MissingColumn {
                    path: shown,
                    name: name.clone(),
                    expected: expected(spec),
                })
            }
        };
        out.push(match (kind, col.values.kind()) {
            (ColumnKind::Numeric, ColumnKind::Categorical) => Column::numeric(
                col.name.clone(),
                super::parquet::numbers(&shown, col, "it is numeric in the training data")?,
            ),
            (ColumnKind::Categorical, ColumnKind::Numeric) => super::parquet::as_categorical(col),
            _ => col,
        });
    }
    Ok(NewRows {
        columns: out,
        ids,
        n_rows,
    })
}

/// The model's columns for a message.
fn expected(spec: &ReadSpec) -> String {
    let names: Vec<String> = spec.columns.iter().map(|(n, _)| format!("{n:?}")).collect();
    format!("{} column(s): {}", names.len(), names.join(", "))
}

/// A column's values as labels: text as it is, numbers as Rust writes them.
fn labels(values: &Values) -> Vec<String> {
    match values {
        Values::Numeric(v) => v
            .iter()
            .map(|x| {
                if x.is_nan() {
                    String::new()
                } else {
                    x.to_string()
                }
            })
            .collect(),
        Values::Categorical(c) => (0..c.len())
            .map(|i| c.get(i).unwrap_or("").to_string())
            .collect(),
    }
}

/// A CSV file with every column the model reads typed as in training (the id column as
/// text), the target apart when the file has it.
fn read_csv(path: &Path, spec: &ReadSpec) -> Result<Table, DataError> {
    let opts = LoadOptions {
        header: if spec.has_header {
            HeaderMode::Yes
        } else {
            HeaderMode::No
        },
        delimiter: spec.delimiter,
        na_values: spec.na_values.clone(),
        ..LoadOptions::default()
    };
    let (names, has_header) = header_of(path, &opts)?;
    let want_of = |name: &str| {
        if spec.id_column.as_deref() == Some(name) {
            return Want::Categorical;
        }
        match spec.columns.iter().find(|(n, _)| n == name) {
            Some((_, ColumnKind::Numeric)) => Want::Numeric,
            Some((_, ColumnKind::Categorical)) => Want::Categorical,
            None => Want::Infer,
        }
    };
    let wants: Vec<Want> = names.iter().map(|n| want_of(n)).collect();
    // the target's position, or one past the last column when the file has none
    let target_col = names
        .iter()
        .position(|n| *n == spec.target)
        .unwrap_or(names.len());
    let reference = Table {
        columns: Vec::new(),
        y: Vec::new(),
        target_name: spec.target.clone(),
        path: String::new(),
        has_header,
        names: names.clone(),
        target_col,
        id_cols: Vec::new(),
        feature_cols: Vec::new(),
        missing_target: Vec::new(),
        missing_target_lines: Vec::new(),
    };
    let wants = |c: usize| wants.get(c).copied().unwrap_or(Want::Infer);
    read_promoting(path, &opts, Some(&reference), &wants, &mut Vec::new())
}
