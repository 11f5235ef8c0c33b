//! From files to a [`Dataset`]: read the training file (and the test file, typed alike),
//! drop the columns that can only mislead, handle rows without a target, split, and encode
//! with the pipeline learned on the training rows only.
//!
//! The pipeline runs here, once, in the parent before the fork: every task of a train/test
//! run sees the same encoded matrices, shared copy-on-write, so encoding costs one pass and
//! one copy of the data in all (measured: `scripts/bench/prep.sh`), not one per worker.

use std::path::Path;

use super::columns::{concat, counts, misleading, DropReason};
use super::csv::{forced_types, read_promoting, Want};
use super::{ColumnInfo, ColumnRef, CvData, DataError, Dataset, Holdout, LoadOptions, Table};
use crate::prep::{Column, Encoding, FittedPipeline, Pipeline, PrepOptions, Values};
use crate::split::{Groups, Split, SplitInput, SplitSpec};

/// How the rows are split when there is no test file, and the folds of cross-validation.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct SplitOptions {
    /// `train_test_split`'s `test_size`, a fraction in (0, 1).
    pub test_size: f64,
    /// `random_state`.
    pub seed: u64,
    /// Cross-validation over the training rows; without a test file the split is then made
    /// only when `holdout` is set.
    pub cv: Option<CvOptions>,
    /// With `cv` and no test file: hold out `test_size` of the rows first (`--test-size`).
    pub holdout: bool,
}

impl SplitOptions {
    /// `train_test_split(test_size, random_state=seed)` alone.
    pub fn holdout(test_size: f64, seed: u64) -> SplitOptions {
        SplitOptions {
            test_size,
            seed,
            ..SplitOptions::default()
        }
    }
}

/// Cross-validation: the protocol and the columns some protocols read.
#[derive(Clone, Debug, PartialEq)]
pub struct CvOptions {
    pub spec: SplitSpec,
    /// `--groups COL` (GroupKFold): read, then not a feature.
    pub groups: Option<ColumnRef>,
    /// `--fold-col COL` (PredefinedSplit): read, then not a feature.
    pub fold_col: Option<ColumnRef>,
}

/// Loads a training file and either a test file (`test = Some`: the same columns; its target
/// and id columns are those resolved on the training file, its column types those of the
/// training file) or scikit-learn's split of the training file.
pub fn load(
    train: &Path,
    test: Option<&Path>,
    opts: &LoadOptions,
    split: &SplitOptions,
) -> Result<Dataset, DataError> {
    let (train_t, test_t) = if is_parquet(train) || test.is_some_and(is_parquet) {
        let test_t = test.map(|t| read_any(t, opts)).transpose()?;
        (read_any(train, opts)?, test_t)
    } else {
        read_csv_pair(train, test, opts)?
    };
    finish(train_t, test_t, opts, split)
}

fn is_parquet(path: &Path) -> bool {
    path.extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("parquet"))
}

/// One file of either format, typed on its own.
fn read_any(path: &Path, opts: &LoadOptions) -> Result<Table, DataError> {
    if is_parquet(path) {
        super::parquet::read_table(path, opts)
    } else {
        super::read_table(path, opts)
    }
}

/// A training CSV and an optional test CSV, typed alike.
fn read_csv_pair(
    train: &Path,
    test: Option<&Path>,
    opts: &LoadOptions,
) -> Result<(Table, Option<Table>), DataError> {
    let wants = forced_types(train, opts)?;
    let mut promoted: Vec<usize> = Vec::new();
    Ok(loop {
        let train_t = read_promoting(train, opts, None, &wants, &mut promoted)?;
        let Some(test) = test else {
            break (train_t, None);
        };
        // the test file's columns take the training file's types; a column that is text in
        // the test file only makes both categorical
        let kinds: Vec<(usize, bool)> = train_t
            .feature_cols
            .iter()
            .zip(&train_t.columns)
            .map(|(&c, col)| (c, matches!(col.values, Values::Categorical(_))))
            .collect();
        let test_wants = |c: usize| match kinds.iter().find(|(k, _)| *k == c) {
            Some((_, true)) => Want::Categorical,
            _ => wants(c),
        };
        let before = promoted.len();
        let test_t = read_promoting(test, opts, Some(&train_t), &test_wants, &mut promoted)?;
        if promoted.len() == before {
            break (train_t, Some(test_t));
        }
    })
}

pub(super) fn finish(
    train_t: Table,
    test_t: Option<Table>,
    opts: &LoadOptions,
    split: &SplitOptions,
) -> Result<Dataset, DataError> {
    if let Some(t) = &test_t {
        same_types(&train_t, t)?;
    }
    if train_t.n_rows() < 2 {
        return Err(DataError::TooFewRows {
            path: Some(train_t.path.clone()),
            detail: format!(
                "need at least 2 data rows to train, found {}",
                train_t.n_rows()
            ),
        });
    }
    let mut notes = Vec::new();
    let id_columns: Vec<String> = train_t
        .id_cols
        .iter()
        .filter_map(|&c| train_t.names.get(c).cloned())
        .collect();
    let has_header = train_t.has_header;
    let keep = resolve_keep(&train_t, &opts.keep)?;
    let mut tables = vec![train_t];
    tables.extend(test_t);
    for t in &mut tables {
        drop_missing_targets(t, opts.drop_missing_target, &mut notes)?;
    }
    let cv_cols = match &split.cv {
        Some(cv) => [cv.groups.as_ref(), cv.fold_col.as_ref()]
            .into_iter()
            .map(|r| r.map(|r| take_column(&mut tables, r)).transpose())
            .collect::<Result<Vec<_>, _>>()?,
        None => Vec::new(),
    };
    let (columns, y, rows, description) = combine(tables, split)?;
    let (columns, info) = check_columns(columns, &rows.train, &keep, &mut notes);
    let cv = match &split.cv {
        Some(cv) => Some(cv_data(cv, &cv_cols, &columns, &y, &rows, &opts.prep)?),
        None => None,
    };
    let pipeline = Pipeline::fit(&columns, &rows.train, &opts.prep)?;
    let mut info = info;
    describe_encodings(&mut info, &pipeline, &opts.prep);
    let x_train = pipeline.transform(&columns, &rows.train)?;
    let x_test = pipeline.transform(&columns, &rows.test)?;
    if x_train.ncols() == 0 {
        return Err(DataError::NoFeatures {
            path: description.0.clone(),
            n_columns: info.len(),
            detail:
                "every feature column was dropped (see `fitpool inspect`; --keep COL keeps one)"
                    .into(),
        });
    }
    let pick = |r: &[usize]| r.iter().map(|&i| y[i]).collect::<ndarray::Array1<f64>>();
    Ok(Dataset {
        description: format!(
            "{}: {} train / {} test rows, {} features{}",
            description.1,
            rows.train.len(),
            rows.test.len(),
            x_train.ncols(),
            encoded_note(&info)
        ),
        y_train: pick(&rows.train),
        y_test: pick(&rows.test),
        x_train,
        x_test,
        feature_names: pipeline.feature_names(),
        target_name: description.2,
        columns: info,
        notes,
        pipeline: Some(pipeline),
        cv,
        raw: Some(CvData {
            columns,
            y,
            folds: vec![Split {
                train: rows.train,
                test: rows.test,
            }],
            prep: opts.prep,
        }),
        id_columns,
        has_header,
    })
}

/// Removes the column `r` names from every table (it is a fold label, not a feature) and
/// returns its values over all rows of all tables.
fn take_column(tables: &mut [Table], r: &ColumnRef) -> Result<Values, DataError> {
    let t0 = &tables[0];
    let c = super::csv::resolve_one_pub(&t0.path, "cross-validation", r, t0.has_header, &t0.names)?;
    let Some(pos) = t0.feature_cols.iter().position(|&f| f == c) else {
        return Err(DataError::Conflict(
            "the --groups or --fold-col column cannot be the target or an id column",
        ));
    };
    let mut values: Option<Values> = None;
    for t in tables.iter_mut() {
        t.feature_cols.remove(pos);
        let col = t.columns.remove(pos);
        match &mut values {
            None => values = Some(col.values),
            Some(v) => concat(v, &col.values),
        }
    }
    Ok(values.expect("at least one table"))
}

/// The folds over the training rows, and what a worker needs to learn the pipeline in each.
fn cv_data(
    cv: &CvOptions,
    cols: &[Option<Values>],
    columns: &[Column],
    y: &[f64],
    rows: &Holdout,
    prep: &PrepOptions,
) -> Result<CvData, DataError> {
    let pool = &rows.train;
    let pick = |v: &Values| -> Values { select(v, pool) };
    let groups = cols
        .first()
        .and_then(Option::as_ref)
        .map(|v| match pick(v) {
            Values::Numeric(x) => Groups::Float(x),
            Values::Categorical(c) => {
                Groups::Str((0..c.len()).map(|i| c.get(i).map(String::from)).collect())
            }
        });
    let test_fold: Option<Vec<i64>> = match cols.get(1).and_then(Option::as_ref).map(pick) {
        None => None,
        Some(Values::Numeric(x)) => Some(
            x.iter()
                .map(|v| {
                    if v.fract() == 0.0 && v.is_finite() {
                        Ok(*v as i64)
                    } else {
                        Err(DataError::Conflict(
                            "the --fold-col column must hold whole numbers (-1: never a test row)",
                        ))
                    }
                })
                .collect::<Result<_, _>>()?,
        ),
        Some(Values::Categorical(_)) => {
            return Err(DataError::Conflict(
                "the --fold-col column must hold whole numbers (-1: never a test row)",
            ))
        }
    };
    let input = SplitInput {
        n_samples: pool.len(),
        groups: groups.as_ref(),
        test_fold: test_fold.as_deref(),
    };
    let folds = cv
        .spec
        .splits(&input)?
        .into_iter()
        .map(|s| Split {
            train: s.train.iter().map(|&i| pool[i]).collect(),
            test: s.test.iter().map(|&i| pool[i]).collect(),
        })
        .collect();
    Ok(CvData {
        columns: columns.to_vec(),
        y: y.to_vec(),
        folds,
        prep: *prep,
    })
}

/// A training file and a test file of different formats (or a Parquet pair) must agree on
/// names and types column by column.
fn same_types(train: &Table, test: &Table) -> Result<(), DataError> {
    let kind = |v: &Values| matches!(v, Values::Categorical(_));
    let mismatch = |detail: String| DataError::ColumnMismatch {
        train: train.path.clone(),
        test: test.path.clone(),
        line: 1,
        detail,
    };
    if train.has_header && test.has_header && train.names != test.names {
        return Err(mismatch(format!(
            "columns {:?} here, {:?} in the training file",
            test.names, train.names
        )));
    }
    for (a, b) in train.columns.iter().zip(&test.columns) {
        if kind(&a.values) != kind(&b.values) {
            return Err(mismatch(format!(
                "column {:?} is {} here but {} in the training file (force one with \
                 --categorical)",
                a.name,
                if kind(&b.values) { "text" } else { "numeric" },
                if kind(&a.values) { "text" } else { "numeric" }
            )));
        }
    }
    Ok(())
}

/// `--keep` names resolved to the training file's feature names.
fn resolve_keep(t: &Table, keep: &[ColumnRef]) -> Result<Vec<String>, DataError> {
    keep.iter()
        .map(|r| {
            let c = super::csv::resolve_one_pub(&t.path, "kept", r, t.has_header, &t.names)?;
            Ok(t.names[c].clone())
        })
        .collect()
}

/// Rows without a target: an error naming them, or dropped with a note.
fn drop_missing_targets(
    t: &mut Table,
    drop: bool,
    notes: &mut Vec<String>,
) -> Result<(), DataError> {
    if t.missing_target.is_empty() {
        return Ok(());
    }
    if !drop {
        return Err(DataError::MissingTarget {
            path: t.path.clone(),
            name: t.target_name.clone(),
            count: t.missing_target.len(),
            lines: t.missing_target_lines.clone(),
        });
    }
    let keep: Vec<usize> = (0..t.n_rows()).filter(|&i| !t.y[i].is_nan()).collect();
    notes.push(format!(
        "{}: {} row(s) with no target value dropped (--drop-missing-target)",
        t.path,
        t.missing_target.len()
    ));
    t.y = keep.iter().map(|&i| t.y[i]).collect();
    for col in &mut t.columns {
        col.values = select(&col.values, &keep);
    }
    t.missing_target.clear();
    Ok(())
}

fn select(values: &Values, rows: &[usize]) -> Values {
    match values {
        Values::Numeric(v) => Values::Numeric(rows.iter().map(|&i| v[i]).collect()),
        Values::Categorical(c) => Values::Categorical(
            crate::prep::Categorical::from_codes(
                rows.iter().map(|&i| c.codes()[i]).collect(),
                c.levels().to_vec(),
            )
            .expect("codes of the same table"),
        ),
    }
}

/// Where the rows came from: `(path for errors, description, target name)`.
type Origin = (String, String, String);

/// One table of all rows (training file, then test file) and the split of its rows.
fn combine(
    tables: Vec<Table>,
    split: &SplitOptions,
) -> Result<(Vec<Column>, Vec<f64>, Holdout, Origin), DataError> {
    let mut it = tables.into_iter();
    let mut train = it.next().expect("a training table");
    let origin_path = train.path.clone();
    let target = train.target_name.clone();
    match it.next() {
        Some(test) => {
            let n_train = train.n_rows();
            for (col, more) in train.columns.iter_mut().zip(&test.columns) {
                concat(&mut col.values, &more.values);
            }
            train.y.extend_from_slice(&test.y);
            let n = train.y.len();
            let desc = format!("{} + {}", train.path, test.path);
            let rows = Holdout {
                train: (0..n_train).collect(),
                test: (n_train..n).collect(),
            };
            Ok((train.columns, train.y, rows, (origin_path, desc, target)))
        }
        None if split.cv.is_some() && !split.holdout => {
            // cross-validation over all rows: no test rows unless --test-size asks for them
            let rows = Holdout {
                train: (0..train.n_rows()).collect(),
                test: Vec::new(),
            };
            let desc = format!("{} (all rows)", train.path);
            Ok((train.columns, train.y, rows, (origin_path, desc, target)))
        }
        None => {
            let rows =
                Holdout::new(train.n_rows(), split.test_size, split.seed).map_err(|e| match e {
                    DataError::TooFewRows { path: None, detail } => DataError::TooFewRows {
                        path: Some(train.path.clone()),
                        detail,
                    },
                    e => e,
                })?;
            let desc = format!("{} split with seed {}", train.path, split.seed);
            Ok((train.columns, train.y, rows, (origin_path, desc, target)))
        }
    }
}

/// Drops the columns that can only mislead (judged on the training rows), unless kept;
/// describes every column.
fn check_columns(
    columns: Vec<Column>,
    train_rows: &[usize],
    keep: &[String],
    notes: &mut Vec<String>,
) -> (Vec<Column>, Vec<ColumnInfo>) {
    let mut kept = Vec::new();
    let mut info = Vec::new();
    let mut dropped: Vec<(String, DropReason)> = Vec::new();
    for col in columns {
        let train_view = Column {
            name: col.name.clone(),
            values: select(&col.values, train_rows),
        };
        let (missing, distinct) = counts(&train_view.values);
        let kind = match col.values {
            Values::Numeric(_) => "numeric",
            Values::Categorical(_) => "categorical",
        };
        let reason = if keep.contains(&col.name) {
            None
        } else {
            // an id or a saved index is judged in file order, on every row of the file
            misleading(&col)
                .or_else(|| misleading(&train_view).filter(|r| *r == DropReason::Constant))
        };
        info.push(ColumnInfo {
            name: col.name.clone(),
            kind,
            missing,
            distinct,
            action: if reason.is_some() {
                "dropped".into()
            } else {
                String::new()
            },
            warning: reason.map(|r| r.describe().to_string()),
        });
        match reason {
            Some(r) => dropped.push((col.name, r)),
            None => kept.push(col),
        }
    }
    let named = |want: fn(&DropReason) -> bool| {
        dropped
            .iter()
            .filter(|(_, r)| want(r))
            .map(|(n, r)| format!("{n:?} ({})", r.describe()))
            .collect::<Vec<_>>()
    };
    let misleading_ones = named(|r| *r != DropReason::Constant);
    if !misleading_ones.is_empty() {
        notes.push(format!(
            "warning: dropped column(s) that can only mislead a model: {}; --keep COL keeps one",
            misleading_ones.join(", ")
        ));
    }
    let constant = named(|r| *r == DropReason::Constant);
    if !constant.is_empty() {
        notes.push(format!(
            "note: dropped constant column(s): {}",
            constant.join(", ")
        ));
    }
    (kept, info)
}

/// Fills in what the fitted pipeline does with each kept column.
fn describe_encodings(
    info: &mut [ColumnInfo],
    p: &FittedPipeline,
    prep: &crate::prep::PrepOptions,
) {
    for step in p.numeric_steps() {
        if let Some(i) = info.iter_mut().find(|i| i.name == step.name) {
            i.action = if prep.scale {
                "mean-impute, standardize".into()
            } else {
                "mean-impute".into()
            };
        }
    }
    for step in p.categorical_steps() {
        if let Some(i) = info.iter_mut().find(|i| i.name == step.name) {
            i.action = match step.encoding {
                Encoding::OneHot => format!("one-hot ({} columns)", step.levels.len()),
                Encoding::Ordinal => format!("ordinal ({} levels)", step.levels.len()),
            };
        }
    }
    for name in p.dropped() {
        if let Some(i) = info.iter_mut().find(|i| i.name == *name) {
            i.action = "dropped".into();
            i.warning = Some("no value in the training rows".into());
        }
    }
}

/// ` (from 9 columns: 3 categorical)` when encoding changed the column count.
fn encoded_note(info: &[ColumnInfo]) -> String {
    let cats = info
        .iter()
        .filter(|i| i.kind == "categorical" && i.action != "dropped")
        .count();
    if cats == 0 {
        String::new()
    } else {
        format!(" (encoded from {} columns, {cats} categorical)", info.len())
    }
}
