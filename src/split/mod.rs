//! Train/test splits and cross-validation folds, row for row as scikit-learn 1.9 makes them,
//! so that a notebook's `train_test_split(..., random_state=42)` or `KFold(5, shuffle=True,
//! random_state=0)` selects exactly the same rows here.
//!
//! - [`mt19937`]: numpy's legacy `RandomState` (the generator behind sklearn's integer
//!   `random_state`) and its `permutation` / `shuffle`.
//! - The splitters: [`train_test_split`], [`KFold`], [`RepeatedKFold`], [`GroupKFold`],
//!   [`TimeSeriesSplit`], [`predefined_split`]. Each returns [`Split`]s, the row indices of
//!   train and test in the order sklearn yields them (sorted for the cross-validators, which
//!   build them from masks; permutation order for `train_test_split`).
//! - [`SplitSpec`]: a serde description of a protocol (for task specs and journals), and
//!   [`SplitSpec::splits`], which materialises it for a table of `n_samples` rows.
//!
//! Differences from sklearn, all deliberate: a shuffle needs an integer seed (sklearn would
//! draw from numpy's global generator, which nobody can reproduce) — [`SplitError::Unseeded`];
//! `train_test_split` has no `stratify`.
//!
//! Tested against `tests/fixtures/split_reference.json` (written by
//! `scripts/reference_split.py` with scikit-learn itself) in `tests/split_fidelity.rs`.

pub mod mt19937;
mod splitters;

use serde::{Deserialize, Serialize};
use thiserror::Error;

pub use mt19937::{RandomState, SeedError};
pub use splitters::{
    predefined_split, train_test_split, validate_shuffle_split, GroupKFold, KFold, RepeatedKFold,
    TimeSeriesSplit,
};

/// An integer `random_state`: numpy accepts `0..=2**32 - 1`; others are [`SeedError`]s.
pub type Seed = i64;

/// The row indices of one train/test split.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Split {
    pub train: Vec<usize>,
    pub test: Vec<usize>,
}

/// A `test_size` / `train_size` as sklearn takes it: a float is a fraction of the rows, an
/// int a count. Serialized untagged, so JSON/TOML `0.2` is a fraction and `30` a count
/// (and `1.0` a fraction, refused as sklearn refuses it).
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Size {
    Count(u64),
    Fraction(f64),
}

/// Why a split cannot be made; the messages follow sklearn's `ValueError`s.
#[derive(Clone, Debug, Error, PartialEq)]
pub enum SplitError {
    #[error(transparent)]
    Seed(#[from] SeedError),
    #[error("{which}={value} should be either positive and smaller than the number of samples {n_samples} or a float in the (0, 1) range")]
    InvalidSize {
        which: &'static str,
        value: String,
        n_samples: usize,
    },
    #[error("the sum of test_size and train_size = {sum}, should be in the (0, 1) range")]
    FractionSum { sum: f64 },
    #[error("the sum of train_size and test_size = {total}, should be smaller than the number of samples {n_samples}")]
    SizesExceed { total: u64, n_samples: usize },
    #[error("with n_samples={n_samples}, test_size={test_size} and train_size={train_size}, the resulting train set will be empty")]
    EmptyTrain {
        n_samples: usize,
        test_size: String,
        train_size: String,
    },
    #[error("k-fold cross-validation requires at least one train/test split by setting n_splits=2 or more, got n_splits={n_splits}")]
    TooFewSplits { n_splits: usize },
    #[error("cannot have number of splits n_splits={n_splits} greater than the number of samples: n_samples={n_samples}")]
    TooManySplits { n_splits: usize, n_samples: usize },
    #[error("cannot have number of splits n_splits={n_splits} greater than the number of groups: {n_groups}")]
    TooManyGroupSplits { n_splits: usize, n_groups: usize },
    #[error("number of repetitions must be greater than 0")]
    NoRepeats,
    #[error("setting a random_state has no effect since shuffle is False")]
    SeedWithoutShuffle,
    #[error("shuffling needs an integer random_state (sklearn would use numpy's global generator, which cannot be reproduced)")]
    Unseeded,
    #[error(
        "cannot have number of folds={n_folds} greater than the number of samples={n_samples}"
    )]
    TimeSeriesFolds { n_folds: usize, n_samples: usize },
    #[error("too many splits={n_splits} for number of samples={n_samples} with test_size={test_size} and gap={gap}")]
    TimeSeriesTooMany {
        n_splits: usize,
        n_samples: usize,
        test_size: usize,
        gap: usize,
    },
    #[error("test_size=0 gives empty test sets")]
    ZeroTestSize,
    #[error("this protocol needs {what}, and none were given")]
    Needs { what: &'static str },
    #[error("{what} has {len} entries for {n_samples} rows")]
    Length {
        what: &'static str,
        len: usize,
        n_samples: usize,
    },
    #[error("group label of row {row} is missing or not finite (sklearn: \"Input groups contains NaN\")")]
    BadGroup { row: usize },
    #[error("the protocol gives no splits (every test_fold label is -1)")]
    NoSplits,
}

/// Group labels for [`GroupKFold`], as they come out of a table column. They are ordered as
/// `np.unique` orders them: numbers numerically (`-0.0 == 0.0`), strings by Unicode code
/// point (Rust's `str` order is the same). Missing labels (`None`, NaN, ±inf) are errors, as
/// sklearn's `check_array` makes them.
#[derive(Clone, Debug, PartialEq)]
pub enum Groups {
    Int(Vec<i64>),
    Float(Vec<f64>),
    Str(Vec<Option<String>>),
}

impl Groups {
    pub fn len(&self) -> usize {
        match self {
            Groups::Int(v) => v.len(),
            Groups::Float(v) => v.len(),
            Groups::Str(v) => v.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn group_k_fold(&self, cv: &GroupKFold) -> Result<Vec<Split>, SplitError> {
        match self {
            Groups::Int(v) => cv.split(v),
            Groups::Float(v) => {
                if let Some(row) = v.iter().position(|x| !x.is_finite()) {
                    return Err(SplitError::BadGroup { row });
                }
                let keys: Vec<FiniteF64> = v.iter().map(|&x| FiniteF64(x)).collect();
                cv.split(&keys)
            }
            Groups::Str(v) => {
                if let Some(row) = v.iter().position(Option::is_none) {
                    return Err(SplitError::BadGroup { row });
                }
                let keys: Vec<&str> = v.iter().map(|s| s.as_deref().unwrap_or("")).collect();
                cv.split(&keys)
            }
        }
    }
}

/// A finite float with the numeric order (checked finite by the caller).
#[derive(Clone, Copy, Debug)]
struct FiniteF64(f64);

impl PartialEq for FiniteF64 {
    fn eq(&self, other: &Self) -> bool {
        self.0 == other.0
    }
}
impl Eq for FiniteF64 {}
impl PartialOrd for FiniteF64 {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for FiniteF64 {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.0
            .partial_cmp(&other.0)
            .unwrap_or(std::cmp::Ordering::Equal)
    }
}

fn default_true() -> bool {
    true
}

/// A validation protocol, as task specs and journals record it. Serialized with a `kind` tag:
/// `{"kind": "holdout", "test_size": 0.25, "seed": 42}`,
/// `{"kind": "k_fold", "k": 5, "shuffle": true, "seed": 0}`, ...
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum SplitSpec {
    /// `train_test_split(test_size, train_size, random_state=seed, shuffle)`; both sizes
    /// absent: test_size 0.25. `shuffle` defaults to true (and then needs a seed).
    Holdout {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        test_size: Option<Size>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        train_size: Option<Size>,
        #[serde(default = "default_true")]
        shuffle: bool,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        seed: Option<Seed>,
    },
    /// `KFold(k, shuffle, random_state=seed)`.
    KFold {
        k: usize,
        #[serde(default)]
        shuffle: bool,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        seed: Option<Seed>,
    },
    /// `RepeatedKFold(n_splits=k, n_repeats=repeats, random_state=seed)`: `k * repeats`
    /// splits, repeat by repeat.
    RepeatedKFold {
        k: usize,
        repeats: usize,
        seed: Seed,
    },
    /// `GroupKFold(k, shuffle, random_state=seed)` on [`SplitInput::groups`].
    GroupKFold {
        k: usize,
        #[serde(default)]
        shuffle: bool,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        seed: Option<Seed>,
    },
    /// `TimeSeriesSplit(k, max_train_size, test_size, gap)`: rows in table order.
    TimeSeries {
        k: usize,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        test_size: Option<usize>,
        #[serde(default)]
        gap: usize,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        max_train_size: Option<usize>,
    },
    /// `PredefinedSplit(test_fold)` on [`SplitInput::test_fold`].
    Predefined,
}

/// What a protocol is materialised on: the row count, and for the protocols that need them,
/// the group labels or test-fold labels (one per row).
#[derive(Clone, Copy, Debug, Default)]
pub struct SplitInput<'a> {
    pub n_samples: usize,
    pub groups: Option<&'a Groups>,
    pub test_fold: Option<&'a [i64]>,
}

impl SplitInput<'_> {
    pub fn rows(n_samples: usize) -> Self {
        SplitInput {
            n_samples,
            groups: None,
            test_fold: None,
        }
    }
}

impl SplitSpec {
    /// A split protocol as scikit-learn would construct it.
    pub fn repr(&self) -> String {
        use SplitSpec as S;
        let py = |b: bool| if b { "True" } else { "False" };
        let seed = |s: &Option<i64>| s.map_or("None".into(), |v| v.to_string());
        match self {
            S::KFold {
                k,
                shuffle,
                seed: s,
            } => format!(
                "KFold(n_splits={k}, shuffle={}, random_state={})",
                py(*shuffle),
                seed(s)
            ),
            S::RepeatedKFold { k, repeats, seed } => {
                format!("RepeatedKFold(n_splits={k}, n_repeats={repeats}, random_state={seed})")
            }
            S::GroupKFold {
                k,
                shuffle,
                seed: s,
            } => format!(
                "GroupKFold(n_splits={k}, shuffle={}, random_state={})",
                py(*shuffle),
                seed(s)
            ),
            S::TimeSeries { k, gap, .. } => format!("TimeSeriesSplit(n_splits={k}, gap={gap})"),
            S::Predefined => "PredefinedSplit(test_fold=the fold column)".into(),
            S::Holdout { .. } => serde_json::to_string(self).unwrap_or_else(|_| "holdout".into()),
        }
    }

    /// The splits of this protocol: one for a holdout, `k` (or `k * repeats`) for the
    /// cross-validators. Never empty.
    pub fn splits(&self, input: &SplitInput<'_>) -> Result<Vec<Split>, SplitError> {
        let n = input.n_samples;
        let out = match *self {
            SplitSpec::Holdout {
                test_size,
                train_size,
                shuffle,
                seed,
            } => vec![train_test_split(n, test_size, train_size, seed, shuffle)?],
            SplitSpec::KFold { k, shuffle, seed } => KFold {
                n_splits: k,
                shuffle,
                random_state: seed,
            }
            .split(n)?,
            SplitSpec::RepeatedKFold { k, repeats, seed } => RepeatedKFold {
                n_splits: k,
                n_repeats: repeats,
                random_state: seed,
            }
            .split(n)?,
            SplitSpec::GroupKFold { k, shuffle, seed } => {
                let groups = input.groups.ok_or(SplitError::Needs {
                    what: "group labels",
                })?;
                if groups.len() != n {
                    return Err(SplitError::Length {
                        what: "groups",
                        len: groups.len(),
                        n_samples: n,
                    });
                }
                groups.group_k_fold(&GroupKFold {
                    n_splits: k,
                    shuffle,
                    random_state: seed,
                })?
            }
            SplitSpec::TimeSeries {
                k,
                test_size,
                gap,
                max_train_size,
            } => TimeSeriesSplit {
                n_splits: k,
                max_train_size,
                test_size,
                gap,
            }
            .split(n)?,
            SplitSpec::Predefined => {
                let tf = input.test_fold.ok_or(SplitError::Needs {
                    what: "test_fold labels",
                })?;
                if tf.len() != n {
                    return Err(SplitError::Length {
                        what: "test_fold",
                        len: tf.len(),
                        n_samples: n,
                    });
                }
                predefined_split(tf)
            }
        };
        if out.is_empty() {
            return Err(SplitError::NoSplits);
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests;
