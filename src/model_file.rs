//! Saved models (`fitpool run --save DIR`, `--save-best N`) and `fitpool predict`.
//!
//! # What a model file holds
//!
//! One file per model: the learned pipeline (imputation values, level tables, scales), the
//! columns it reads with their kinds, the target's name, the model's spec, the run's data
//! fingerprint, and the *prepared training matrix and target* the model was fitted on. It does
//! not hold the fitted model's internal state (trees, coefficients, support vectors): a kind's
//! `fit` returns a closure, which cannot be serialised. Every kind is deterministic given its
//! parameters (a `random_state` of `None` is fitpool's fixed default seed), so
//! [`SavedModel::predict`] fits the model again on the saved rows, which gives the same model
//! bit for bit, and then predicts. The cost: a file about the size of the training matrix
//! (8 bytes per row and feature), and one fit each time a file is used.
//!
//! Under cross-validation the saved model is the one fitted on all training rows (the
//! pipeline learned on all of them too), as the run's test score uses it.
//!
//! # Layout
//!
//! | bytes | |
//! |---|---|
//! | 8 | magic `FITPOOL\x01` (anything else: not a fitpool model file) |
//! | 4 | format version, little-endian ([`FORMAT_VERSION`]; a larger one is a newer fitpool's) |
//! | 8 | payload length, little-endian |
//! | 8 | FNV-1a 64 checksum of the payload, little-endian |
//! | n | payload: [`SavedModel`], bincode 2 (serde, standard configuration) |
//!
//! Every check on load is an error with its reason ([`ModelFileError`]), never a panic: a
//! foreign file, a newer format, a file cut short, a checksum that does not match, a payload
//! that does not decode or does not hang together.

use std::collections::HashSet;
use std::io::Write;
use std::path::{Path, PathBuf};

use ndarray::{Array1, Array2};
use serde::{Deserialize, Serialize};

use crate::data::{fingerprint, read_new_rows, DataError, Dataset, ReadSpec};
use crate::models::{ModelError, ModelSpec};
use crate::plan::Plan;
use crate::prep::{FittedPipeline, Pipeline, PrepError, PrepOptions};
use crate::report::{cv, rank, Status, TaskRecord};

/// The first bytes of every model file.
pub const MAGIC: [u8; 8] = *b"FITPOOL\x01";
/// The format this fitpool writes and the newest it reads.
pub const FORMAT_VERSION: u32 = 1;
const HEADER_BYTES: usize = 8 + 4 + 8 + 8;
/// The file name extension of model files.
pub const EXTENSION: &str = "fitpool";
/// `--save-best` without `--save` writes here.
pub const DEFAULT_DIR: &str = "fitpool-models";

/// One saved model: see the module documentation.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SavedModel {
    /// The fitpool version that wrote the file.
    pub fitpool_version: String,
    /// The model's repr, as the run showed it.
    pub model: String,
    pub spec: ModelSpec,
    /// 1-based rank in the run.
    pub rank: usize,
    /// The data fingerprint of the run (as its journal has it).
    pub dataset: String,
    /// Fitted on all training rows after cross-validation.
    pub cv: bool,
    pub pipeline: FittedPipeline,
    /// How to read a file of new rows.
    pub read: ReadSpec,
    /// The prepared training matrix, row-major, `n_rows` x `pipeline.n_features()`.
    pub x_train: Vec<f64>,
    pub n_rows: usize,
    pub y_train: Vec<f64>,
}

/// Why a model file cannot be written, read or used.
#[derive(Debug, thiserror::Error)]
pub enum ModelFileError {
    #[error("cannot read model file {path}: {source}")]
    Read {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error("cannot write model file {path}: {source}")]
    Write {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error("{path} is not a fitpool model file (it does not start with fitpool's magic bytes)")]
    Foreign { path: String },
    #[error("{path} is a model file of format version {found}, written by a newer fitpool; this fitpool {} reads format version {FORMAT_VERSION} at most", env!("CARGO_PKG_VERSION"))]
    Newer { path: String, found: u32 },
    #[error("{path} is truncated: {detail}")]
    Truncated { path: String, detail: String },
    #[error("{path} is corrupted: {detail}")]
    Corrupt { path: String, detail: String },
    #[error("cannot encode the model {model}: {detail}")]
    Encode { model: String, detail: String },
    #[error("cannot prepare the training rows of {model}: {source}")]
    Prep {
        model: String,
        #[source]
        source: PrepError,
    },
    #[error("the run has no raw training columns to save a model from")]
    NoRawData,
    #[error(transparent)]
    Data(#[from] DataError),
    #[error("cannot encode the new rows: {0}")]
    Encoding(#[source] PrepError),
    #[error("the saved model cannot predict: {0}")]
    Model(#[from] ModelError),
}

/// FNV-1a, 64 bits.
fn checksum(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in bytes {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

impl SavedModel {
    /// The file's bytes: header and payload.
    pub fn to_bytes(&self) -> Result<Vec<u8>, ModelFileError> {
        let payload =
            bincode::serde::encode_to_vec(self, bincode::config::standard()).map_err(|e| {
                ModelFileError::Encode {
                    model: self.model.clone(),
                    detail: e.to_string(),
                }
            })?;
        let mut out = Vec::with_capacity(HEADER_BYTES + payload.len());
        out.extend_from_slice(&MAGIC);
        out.extend_from_slice(&FORMAT_VERSION.to_le_bytes());
        out.extend_from_slice(&(payload.len() as u64).to_le_bytes());
        out.extend_from_slice(&checksum(&payload).to_le_bytes());
        out.extend_from_slice(&payload);
        Ok(out)
    }

    /// A model from a file's bytes; `path` names it in errors.
    pub fn from_bytes(bytes: &[u8], path: &str) -> Result<SavedModel, ModelFileError> {
        let path_s = || path.to_string();
        let truncated = |detail: String| ModelFileError::Truncated {
            path: path_s(),
            detail,
        };
        let corrupt = |detail: String| ModelFileError::Corrupt {
            path: path_s(),
            detail,
        };
        let head = &bytes[..bytes.len().min(MAGIC.len())];
        if head != &MAGIC[..head.len()] || bytes.is_empty() {
            return Err(ModelFileError::Foreign { path: path_s() });
        }
        if bytes.len() < HEADER_BYTES {
            return Err(truncated(format!(
                "{} bytes, shorter than the {HEADER_BYTES}-byte header",
                bytes.len()
            )));
        }
        let word = |at: usize| {
            let mut b = [0u8; 8];
            b.copy_from_slice(&bytes[at..at + 8]);
            u64::from_le_bytes(b)
        };
        let mut v = [0u8; 4];
        v.copy_from_slice(&bytes[8..12]);
        let version = u32::from_le_bytes(v);
        if version > FORMAT_VERSION {
            return Err(ModelFileError::Newer {
                path: path_s(),
                found: version,
            });
        }
        if version == 0 {
            return Err(corrupt("format version 0 does not exist".into()));
        }
        let len = word(12);
        let sum = word(20);
        let payload = &bytes[HEADER_BYTES..];
        match (payload.len() as u64).cmp(&len) {
            std::cmp::Ordering::Less => {
                return Err(truncated(format!(
                    "the header announces {len} bytes of model, {} are there",
                    payload.len()
                )))
            }
            std::cmp::Ordering::Greater => {
                return Err(corrupt(format!(
                    "{} bytes after the end of the model",
                    payload.len() as u64 - len
                )))
            }
            std::cmp::Ordering::Equal => {}
        }
        if checksum(payload) != sum {
            return Err(corrupt(
                "the checksum of its contents does not match the one written with them".into(),
            ));
        }
        let model: SavedModel = decode(payload).map_err(corrupt)?;
        model.check().map_err(corrupt)?;
        Ok(model)
    }

    /// The parts agree with each other.
    fn check(&self) -> Result<(), String> {
        let p = self.pipeline.n_features();
        if self.x_train.len() != self.n_rows.saturating_mul(p) {
            return Err(format!(
                "a training matrix of {} values for {} rows of {p} features",
                self.x_train.len(),
                self.n_rows
            ));
        }
        if self.y_train.len() != self.n_rows {
            return Err(format!(
                "{} target values for {} rows",
                self.y_train.len(),
                self.n_rows
            ));
        }
        if self.read.columns.as_slice() != self.pipeline.inputs() {
            return Err("the columns to read differ from the pipeline's".into());
        }
        Ok(())
    }

    /// Reads and checks a model file.
    pub fn load(path: &Path) -> Result<SavedModel, ModelFileError> {
        let shown = path.display().to_string();
        let bytes = std::fs::read(path).map_err(|source| ModelFileError::Read {
            path: shown.clone(),
            source,
        })?;
        SavedModel::from_bytes(&bytes, &shown)
    }

    /// Writes the file (to a temporary name, then renamed: a file under its name is whole).
    pub fn write(&self, path: &Path) -> Result<(), ModelFileError> {
        let bytes = self.to_bytes()?;
        let err = |source| ModelFileError::Write {
            path: path.display().to_string(),
            source,
        };
        let mut tmp = path.as_os_str().to_owned();
        tmp.push(".tmp");
        let tmp = PathBuf::from(tmp);
        let mut f = std::fs::File::create(&tmp).map_err(err)?;
        f.write_all(&bytes)
            .and_then(|()| f.sync_all())
            .map_err(err)?;
        drop(f);
        std::fs::rename(&tmp, path).map_err(err)
    }

    /// Predicts the rows of a CSV or Parquet file: reads them as the training file was read,
    /// encodes them with the saved pipeline, fits the model again on the saved training rows
    /// (the same model, bit for bit) and predicts. Returns the row labels (the id column's
    /// values when the training had one and the file has it, else 0-based row numbers), and
    /// the predictions.
    pub fn predict(&self, data: &Path) -> Result<(Vec<String>, Vec<f64>), ModelFileError> {
        let rows = read_new_rows(data, &self.read)?;
        let all: Vec<usize> = (0..rows.n_rows).collect();
        let x_new = self
            .pipeline
            .transform(&rows.columns, &all)
            .map_err(ModelFileError::Encoding)?;
        let y = self.predict_matrix(&x_new)?;
        let labels = rows
            .ids
            .unwrap_or_else(|| all.iter().map(|i| i.to_string()).collect());
        Ok((labels, y))
    }

    /// Fits again on the saved rows and predicts `x_new` (already encoded).
    pub fn predict_matrix(&self, x_new: &Array2<f64>) -> Result<Vec<f64>, ModelFileError> {
        let p = self.pipeline.n_features();
        let x = Array2::from_shape_vec((self.n_rows, p), self.x_train.clone()).map_err(|e| {
            ModelFileError::Corrupt {
                path: self.model.clone(),
                detail: e.to_string(),
            }
        })?;
        let y = Array1::from_vec(self.y_train.clone());
        let out = self.spec.fit_predict(x.view(), y.view(), x_new.view())?;
        Ok(out.y_pred.to_vec())
    }

    /// The header of a predictions CSV: the label column and the prediction column.
    pub fn csv_header(&self) -> [String; 2] {
        [
            self.read.id_column.clone().unwrap_or_else(|| "row".into()),
            "prediction".into(),
        ]
    }
}

/// Decodes a payload with a byte limit (the smallest bracket above its length), so a
/// garbage length inside cannot claim an unbounded allocation; it must be consumed exactly.
fn decode(payload: &[u8]) -> Result<SavedModel, String> {
    fn go<C: bincode::config::Config>(payload: &[u8], cfg: C) -> Result<SavedModel, String> {
        let (m, used): (SavedModel, usize) =
            bincode::serde::decode_from_slice(payload, cfg).map_err(|e| e.to_string())?;
        if used != payload.len() {
            return Err(format!(
                "{} bytes left after the model",
                payload.len() - used
            ));
        }
        Ok(m)
    }
    use bincode::config::standard;
    match payload.len() {
        n if n < 1 << 24 => go(payload, standard().with_limit::<{ 1 << 24 }>()),
        n if n < 1 << 28 => go(payload, standard().with_limit::<{ 1 << 28 }>()),
        n if n < 1 << 32 => go(payload, standard().with_limit::<{ 1 << 32 }>()),
        _ => go(payload, standard().with_limit::<{ 1 << 40 }>()),
    }
}

/// How the training file was read, for [`save_models`]: what [`ReadSpec`] needs beyond the
/// dataset.
#[derive(Clone, Debug, Default)]
pub struct ReadSettings {
    pub delimiter: u8,
    pub na_values: Vec<String>,
}

/// Which models to save.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Which {
    /// Every model whose tasks all ended ok.
    All,
    /// The best N of those, by the run's ranking.
    Best(usize),
}

/// The models a run can save, best first: those whose every task of this run ended ok (none
/// missing), in the ranking's order (mean RMSE over the folds under cross-validation).
pub fn saveable(records: &[TaskRecord], missing: &[String]) -> Vec<String> {
    let bad: HashSet<&str> = records
        .iter()
        .filter(|r| r.status != Status::Ok)
        .map(|r| r.model.as_str())
        .collect();
    let cv = records.iter().any(|r| r.fold.is_some());
    let order: Vec<String> = if cv {
        cv::summarize(records, missing)
            .into_iter()
            .filter(|s| s.rank.is_some())
            .map(|s| s.model)
            .collect()
    } else {
        rank(records)
            .into_iter()
            .filter(|r| r.status == Status::Ok)
            .map(|r| r.model.clone())
            .collect()
    };
    let missing_models: HashSet<&str> = missing
        .iter()
        .map(|k| k.rsplit_once(" fold ").map_or(k.as_str(), |(m, _)| m))
        .collect();
    let mut seen = HashSet::new();
    order
        .into_iter()
        .filter(|m| !bad.contains(m.as_str()) && !missing_models.contains(m.as_str()))
        .filter(|m| seen.insert(m.clone()))
        .collect()
}

/// A file name for a model: its rank and its repr, with every character that is not a
/// letter, a digit, `.`, `=` or `-` as `_`, cut to 100 characters.
pub fn file_name(rank: usize, model: &str) -> String {
    let slug: String = model
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '=' | '-') {
                c
            } else {
                '_'
            }
        })
        .take(100)
        .collect();
    let slug = slug.trim_end_matches('_');
    format!("{rank:02}-{slug}.{EXTENSION}")
}

/// Saves the run's models to `dir` (created if needed), after the run, in the parent: the
/// pipeline learned on all training rows (with the model's own scaler when it has one) and
/// those rows prepared. Nothing is fitted here. Returns the files written, best first.
pub fn save_models(
    plan: &Plan,
    data: &Dataset,
    records: &[TaskRecord],
    missing: &[String],
    which: Which,
    dir: &Path,
    settings: &ReadSettings,
) -> Result<Vec<PathBuf>, ModelFileError> {
    let mut models = saveable(records, missing);
    if let Which::Best(n) = which {
        models.truncate(n);
    }
    if models.is_empty() {
        return Ok(Vec::new());
    }
    let raw = data.raw.as_ref().ok_or(ModelFileError::NoRawData)?;
    let rows = raw.folds.first().ok_or(ModelFileError::NoRawData)?;
    std::fs::create_dir_all(dir).map_err(|source| ModelFileError::Write {
        path: dir.display().to_string(),
        source,
    })?;
    let dataset = fingerprint(data);
    let y_train: Vec<f64> = rows
        .train
        .iter()
        .filter_map(|&r| raw.y.get(r))
        .copied()
        .collect();
    // the pipeline and the prepared rows, learned once per scaling (with or without the
    // StandardScaler: the run's `--scale` or a model's own)
    let mut prepared: [Option<(FittedPipeline, Array2<f64>)>; 2] = [None, None];
    let mut written = Vec::new();
    for (i, model) in models.iter().enumerate() {
        let Some(task) = plan.tasks.iter().find(|t| &t.id.model == model) else {
            continue;
        };
        let scale = task.scale || raw.prep.scale;
        let slot = &mut prepared[usize::from(scale)];
        if slot.is_none() {
            let prep = PrepOptions { scale, ..raw.prep };
            let prep_err = |source| ModelFileError::Prep {
                model: model.clone(),
                source,
            };
            let pipeline = Pipeline::fit(&raw.columns, &rows.train, &prep).map_err(prep_err)?;
            let x = pipeline
                .transform(&raw.columns, &rows.train)
                .map_err(prep_err)?;
            *slot = Some((pipeline, x));
        }
        let Some((pipeline, x)) = slot.as_ref() else {
            continue;
        };
        let inputs = pipeline.inputs().to_vec();
        let saved = SavedModel {
            fitpool_version: env!("CARGO_PKG_VERSION").to_string(),
            model: model.clone(),
            spec: task.spec.clone(),
            rank: i + 1,
            dataset: dataset.clone(),
            cv: data.cv.is_some(),
            read: ReadSpec {
                columns: inputs,
                optional: pipeline.dropped().to_vec(),
                target: data.target_name.clone(),
                id_column: data.id_columns.first().cloned(),
                has_header: data.has_header,
                delimiter: settings.delimiter,
                na_values: settings.na_values.clone(),
            },
            n_rows: x.nrows(),
            x_train: x.iter().copied().collect(),
            y_train: y_train.clone(),
            pipeline: pipeline.clone(),
        };
        let path = dir.join(file_name(i + 1, model));
        saved.write(&path)?;
        written.push(path);
    }
    Ok(written)
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::prep::{Categorical, Column};

    /// A small real model: a numeric and a categorical column, a Ridge.
    fn small() -> SavedModel {
        let columns = vec![
            Column::numeric("a", vec![1.0, f64::NAN, 3.0, 4.0, 5.0]),
            Column::categorical(
                "c",
                Categorical::from_strs([Some("x"), Some("y"), None, Some("x"), Some("z")]).unwrap(),
            ),
        ];
        let rows: Vec<usize> = (0..5).collect();
        let pipeline = Pipeline::fit(&columns, &rows, &PrepOptions::default()).unwrap();
        let x = pipeline.transform(&columns, &rows).unwrap();
        SavedModel {
            fitpool_version: "test".into(),
            model: "Ridge()".into(),
            spec: crate::spec::parse_model("Ridge()").unwrap(),
            rank: 1,
            dataset: "0123".into(),
            cv: false,
            read: ReadSpec {
                columns: pipeline.inputs().to_vec(),
                optional: Vec::new(),
                target: "y".into(),
                id_column: None,
                has_header: true,
                delimiter: b',',
                na_values: Vec::new(),
            },
            n_rows: x.nrows(),
            x_train: x.iter().copied().collect(),
            y_train: vec![1.0, 2.0, 3.0, 4.0, 5.5],
            pipeline,
        }
    }

    #[test]
    fn a_model_round_trips_and_predicts_as_fitted() {
        let m = small();
        let bytes = m.to_bytes().unwrap();
        let back = SavedModel::from_bytes(&bytes, "f").unwrap();
        assert_eq!(back, m);
        let x =
            Array2::from_shape_vec((m.n_rows, m.pipeline.n_features()), m.x_train.clone()).unwrap();
        let direct = m
            .spec
            .fit_predict(
                x.view(),
                Array1::from_vec(m.y_train.clone()).view(),
                x.view(),
            )
            .unwrap();
        let again = back.predict_matrix(&x).unwrap();
        let bits = |v: &[f64]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
        assert_eq!(bits(&again), bits(direct.y_pred.as_slice().unwrap()));
    }

    #[test]
    fn every_cut_and_every_flipped_bit_is_an_error_not_a_panic() {
        let bytes = small().to_bytes().unwrap();
        for cut in 0..bytes.len() {
            assert!(
                SavedModel::from_bytes(&bytes[..cut], "f").is_err(),
                "cut {cut}"
            );
        }
        for i in 0..bytes.len() {
            for bit in [0x01u8, 0x80] {
                let mut b = bytes.clone();
                b[i] ^= bit;
                assert!(SavedModel::from_bytes(&b, "f").is_err(), "byte {i}");
            }
        }
    }

    #[test]
    fn only_models_whose_every_task_ended_ok_are_saved_best_first() {
        use crate::report::sample_record as rec;
        let recs = vec![
            rec(0, "A()", Status::Ok, Some(2.0)),
            rec(1, "B()", Status::Crashed, None),
            rec(2, "C()", Status::Ok, Some(1.0)),
            rec(3, "D()", Status::Ok, Some(3.0)),
        ];
        assert_eq!(saveable(&recs, &[]), ["C()", "A()", "D()"]);
        // under cross-validation: one failed fold, or a missing one, and the model is out
        let fold = |i, m: &str, k: u32, st, rmse| {
            let mut r = rec(i, m, st, rmse);
            r.fold = Some(k);
            r.key = format!("{m} fold {}", k + 1);
            r
        };
        let recs = vec![
            fold(0, "A()", 0, Status::Ok, Some(2.0)),
            fold(0, "A()", 1, Status::Ok, Some(2.2)),
            fold(1, "B()", 0, Status::Ok, Some(1.0)),
            fold(1, "B()", 1, Status::Failed, None),
            fold(2, "C()", 0, Status::Ok, Some(0.5)),
            fold(3, "D()", 0, Status::Ok, Some(1.5)),
            fold(3, "D()", 1, Status::Ok, Some(1.5)),
        ];
        let missing = vec!["C() fold 2".to_string()];
        assert_eq!(saveable(&recs, &missing), ["D()", "A()"]);
    }

    #[test]
    fn file_names_are_safe() {
        assert_eq!(
            file_name(3, "Ridge(alpha=0.5)"),
            "03-Ridge_alpha=0.5.fitpool"
        );
        assert_eq!(
            file_name(1, "BaggingRegressor(estimator=Ridge(), n_estimators=3)"),
            "01-BaggingRegressor_estimator=Ridge____n_estimators=3.fitpool"
        );
        assert!(!file_name(1, "a/../../b").contains('/'));
    }

    #[test]
    fn foreign_and_short_files_are_refused() {
        assert!(matches!(
            SavedModel::from_bytes(b"", "f"),
            Err(ModelFileError::Foreign { .. })
        ));
        assert!(matches!(
            SavedModel::from_bytes(b"PK\x03\x04 a zip file", "f"),
            Err(ModelFileError::Foreign { .. })
        ));
        assert!(matches!(
            SavedModel::from_bytes(b"FITPOOL", "f"),
            Err(ModelFileError::Truncated { .. })
        ));
        let mut newer = MAGIC.to_vec();
        newer.extend_from_slice(&2u32.to_le_bytes());
        newer.extend_from_slice(&[0; 16]);
        assert!(matches!(
            SavedModel::from_bytes(&newer, "f"),
            Err(ModelFileError::Newer { found: 2, .. })
        ));
    }

    #[test]
    fn garbage_payload_with_a_good_checksum_is_corrupt_not_a_panic() {
        for payload in [vec![0xffu8; 64], vec![0u8; 3], (0..=255u8).collect()] {
            let mut b = MAGIC.to_vec();
            b.extend_from_slice(&FORMAT_VERSION.to_le_bytes());
            b.extend_from_slice(&(payload.len() as u64).to_le_bytes());
            b.extend_from_slice(&checksum(&payload).to_le_bytes());
            b.extend_from_slice(&payload);
            assert!(matches!(
                SavedModel::from_bytes(&b, "f"),
                Err(ModelFileError::Corrupt { .. })
            ));
        }
    }
}
