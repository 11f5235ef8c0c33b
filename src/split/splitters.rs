//! The splitters themselves, one per scikit-learn class or function.

use super::mt19937::RandomState;
use super::{Seed, Size, Split, SplitError};

/// Index sets from a boolean test mask, as scikit-learn's `BaseCrossValidator.split` builds
/// them: both sorted ascending.
fn from_mask(test_mask: &[bool]) -> Split {
    let mut train = Vec::with_capacity(test_mask.len());
    let mut test = Vec::new();
    for (i, &t) in test_mask.iter().enumerate() {
        if t {
            test.push(i);
        } else {
            train.push(i);
        }
    }
    Split { train, test }
}

/// Splits from a per-row fold number (`usize::MAX`: in no test fold), fold by fold.
fn from_fold_of_row(fold_of_row: &[usize], n_folds: usize) -> Vec<Split> {
    let mut tests: Vec<Vec<usize>> = vec![Vec::new(); n_folds];
    for (i, &f) in fold_of_row.iter().enumerate() {
        if f < n_folds {
            tests[f].push(i);
        }
    }
    tests
        .into_iter()
        .enumerate()
        .map(|(f, test)| {
            let train = fold_of_row
                .iter()
                .enumerate()
                .filter(|&(_, &g)| g != f)
                .map(|(i, _)| i)
                .collect();
            Split { train, test }
        })
        .collect()
}

fn rng(seed: Seed) -> Result<RandomState, SplitError> {
    Ok(RandomState::new(seed)?)
}

/// The random state of a `shuffle` / `random_state` pair as scikit-learn's `_BaseKFold`
/// checks them: a seed without shuffling is sklearn's error; shuffling without a seed would
/// draw from numpy's global generator, which cannot be reproduced, so it is an error here.
fn shuffle_rng(
    shuffle: bool,
    random_state: Option<Seed>,
) -> Result<Option<RandomState>, SplitError> {
    match (shuffle, random_state) {
        (false, None) => Ok(None),
        (false, Some(_)) => Err(SplitError::SeedWithoutShuffle),
        (true, None) => Err(SplitError::Unseeded),
        (true, Some(seed)) => Ok(Some(rng(seed)?)),
    }
}

fn check_n_splits(n_splits: usize) -> Result<(), SplitError> {
    if n_splits < 2 {
        return Err(SplitError::TooFewSplits { n_splits });
    }
    Ok(())
}

fn size_str(s: Option<Size>) -> String {
    match s {
        None => "None".into(),
        Some(Size::Count(c)) => c.to_string(),
        Some(Size::Fraction(f)) => format!("{f:?}"),
    }
}

/// `sklearn.model_selection._split._validate_shuffle_split` plus `train_test_split`'s
/// parameter validation: `(n_train, n_test)`.
pub fn validate_shuffle_split(
    n_samples: usize,
    test_size: Option<Size>,
    train_size: Option<Size>,
    default_test_size: f64,
) -> Result<(usize, usize), SplitError> {
    let invalid = |which: &'static str, s: Option<Size>| SplitError::InvalidSize {
        which,
        value: size_str(s),
        n_samples,
    };
    // validate_params: fractions in (0, 1), counts >= 1; then the n_samples bound on counts.
    for (which, s) in [("test_size", test_size), ("train_size", train_size)] {
        match s {
            Some(Size::Fraction(f)) if !(f > 0.0 && f < 1.0) => return Err(invalid(which, s)),
            Some(Size::Count(c)) if c == 0 || c >= n_samples as u64 => {
                return Err(invalid(which, s))
            }
            _ => {}
        }
    }
    let test_size = match (test_size, train_size) {
        (None, None) => Some(Size::Fraction(default_test_size)),
        _ => test_size,
    };
    if let (Some(Size::Fraction(a)), Some(Size::Fraction(b))) = (test_size, train_size) {
        if a + b > 1.0 {
            return Err(SplitError::FractionSum { sum: a + b });
        }
    }
    let n = n_samples as f64;
    let count = |s: Size, round: fn(f64) -> f64| match s {
        Size::Fraction(f) => round(f * n),
        Size::Count(c) => c as f64,
    };
    let mut n_test = test_size.map(|s| count(s, f64::ceil));
    let mut n_train = train_size.map(|s| count(s, f64::floor));
    match (n_train, n_test) {
        (None, Some(t)) => n_train = Some(n - t),
        (Some(t), None) => n_test = Some(n - t),
        _ => {}
    }
    let (n_train, n_test) = (n_train.unwrap_or(0.0), n_test.unwrap_or(0.0));
    if n_train + n_test > n {
        return Err(SplitError::SizesExceed {
            total: (n_train + n_test) as u64,
            n_samples,
        });
    }
    let (n_train, n_test) = (n_train as usize, n_test as usize);
    if n_train == 0 {
        return Err(SplitError::EmptyTrain {
            n_samples,
            test_size: size_str(test_size),
            train_size: size_str(train_size),
        });
    }
    Ok((n_train, n_test))
}

/// `train_test_split(range(n_samples), test_size=..., train_size=..., random_state=...,
/// shuffle=...)`: the row indices of the train and the test part, in scikit-learn's order.
///
/// Both sizes `None`: `test_size=0.25`. With `shuffle` (sklearn's default) it is one
/// `ShuffleSplit` draw: `p = RandomState(random_state).permutation(n_samples)`, test =
/// `p[:n_test]`, train = `p[n_test:n_test + n_train]`; a float size gives
/// `n_test = ceil(test_size * n)` or `n_train = floor(train_size * n)`. Without `shuffle`,
/// train = `0..n_train`, test = `n_train..n_train + n_test` and `random_state` is ignored,
/// as in sklearn. Stratification is not supported.
pub fn train_test_split(
    n_samples: usize,
    test_size: Option<Size>,
    train_size: Option<Size>,
    random_state: Option<Seed>,
    shuffle: bool,
) -> Result<Split, SplitError> {
    let (n_train, n_test) = validate_shuffle_split(n_samples, test_size, train_size, 0.25)?;
    if !shuffle {
        return Ok(Split {
            train: (0..n_train).collect(),
            test: (n_train..n_train + n_test).collect(),
        });
    }
    let seed = random_state.ok_or(SplitError::Unseeded)?;
    let p = rng(seed)?.permutation(n_samples);
    Ok(Split {
        test: p[..n_test].to_vec(),
        train: p[n_test..n_test + n_train].to_vec(),
    })
}

/// `KFold(n_splits, shuffle=..., random_state=...)`: contiguous folds of
/// `arange(n)` (shuffled once if `shuffle`), the first `n % k` of size `n // k + 1`; train
/// and test indices sorted, as sklearn yields them (via test masks).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct KFold {
    pub n_splits: usize,
    pub shuffle: bool,
    pub random_state: Option<Seed>,
}

impl KFold {
    pub fn split(&self, n_samples: usize) -> Result<Vec<Split>, SplitError> {
        check_n_splits(self.n_splits)?;
        let mut rng = shuffle_rng(self.shuffle, self.random_state)?;
        kfold_with(self.n_splits, n_samples, rng.as_mut())
    }
}

/// KFold's splits drawing the shuffle (if any) from `rng`, which RepeatedKFold shares
/// across its repeats.
fn kfold_with(
    n_splits: usize,
    n_samples: usize,
    rng: Option<&mut RandomState>,
) -> Result<Vec<Split>, SplitError> {
    if n_splits > n_samples {
        return Err(SplitError::TooManySplits {
            n_splits,
            n_samples,
        });
    }
    let mut indices: Vec<usize> = (0..n_samples).collect();
    if let Some(rng) = rng {
        rng.shuffle(&mut indices);
    }
    let mut fold_of_row = vec![0usize; n_samples];
    let (base, extra) = (n_samples / n_splits, n_samples % n_splits);
    let mut start = 0;
    for f in 0..n_splits {
        let size = base + usize::from(f < extra);
        for &i in &indices[start..start + size] {
            fold_of_row[i] = f;
        }
        start += size;
    }
    Ok(from_fold_of_row(&fold_of_row, n_splits))
}

/// `RepeatedKFold(n_splits, n_repeats, random_state)`: `n_repeats` shuffled KFolds, all
/// drawing from one `RandomState(random_state)`, repeat after repeat.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RepeatedKFold {
    pub n_splits: usize,
    pub n_repeats: usize,
    pub random_state: Seed,
}

impl RepeatedKFold {
    pub fn split(&self, n_samples: usize) -> Result<Vec<Split>, SplitError> {
        if self.n_repeats == 0 {
            return Err(SplitError::NoRepeats);
        }
        check_n_splits(self.n_splits)?;
        let mut rng = rng(self.random_state)?;
        let mut out = Vec::with_capacity(self.n_splits * self.n_repeats);
        for _ in 0..self.n_repeats {
            out.extend(kfold_with(self.n_splits, n_samples, Some(&mut rng))?);
        }
        Ok(out)
    }
}

/// Dense codes of `groups` in `np.unique` order (sorted): `(n_groups, code of each row)`.
fn unique_inverse<G: Ord>(groups: &[G]) -> (usize, Vec<usize>) {
    let mut order: Vec<usize> = (0..groups.len()).collect();
    order.sort_by(|&a, &b| groups[a].cmp(&groups[b]));
    let mut codes = vec![0usize; groups.len()];
    let mut n_groups = 0;
    for (k, &i) in order.iter().enumerate() {
        if k == 0 || groups[order[k - 1]] != groups[i] {
            n_groups += 1;
        }
        codes[i] = n_groups - 1;
    }
    (n_groups, codes)
}

/// `GroupKFold(n_splits, shuffle=..., random_state=...)` of scikit-learn 1.9.
///
/// Unshuffled (the default): groups (sorted as `np.unique` sorts them) are ordered by size,
/// largest first (a stable argsort reversed, so among equal sizes the later group comes
/// first), and each goes to the currently lightest fold (the first, if several). Shuffled:
/// the sorted groups are permuted by `RandomState(random_state).permutation` and cut as
/// `np.array_split` cuts, fold `f` testing on the rows of the `f`-th piece. Train and test
/// indices sorted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct GroupKFold {
    pub n_splits: usize,
    pub shuffle: bool,
    pub random_state: Option<Seed>,
}

impl GroupKFold {
    /// `groups`: one label per row, any ordered type (see [`super::Groups`] for strings and
    /// numbers with sklearn's missing-value errors).
    pub fn split<G: Ord>(&self, groups: &[G]) -> Result<Vec<Split>, SplitError> {
        check_n_splits(self.n_splits)?;
        let mut rng = shuffle_rng(self.shuffle, self.random_state)?;
        let n_samples = groups.len();
        if self.n_splits > n_samples {
            return Err(SplitError::TooManySplits {
                n_splits: self.n_splits,
                n_samples,
            });
        }
        let (n_groups, codes) = unique_inverse(groups);
        if self.n_splits > n_groups {
            return Err(SplitError::TooManyGroupSplits {
                n_splits: self.n_splits,
                n_groups,
            });
        }
        let mut group_to_fold = vec![0usize; n_groups];
        if let Some(rng) = rng.as_mut() {
            let perm = rng.permutation(n_groups);
            let (base, extra) = (n_groups / self.n_splits, n_groups % self.n_splits);
            let mut start = 0;
            for f in 0..self.n_splits {
                let size = base + usize::from(f < extra);
                for &g in &perm[start..start + size] {
                    group_to_fold[g] = f;
                }
                start += size;
            }
        } else {
            let mut counts = vec![0u64; n_groups];
            for &c in &codes {
                counts[c] += 1;
            }
            let mut order: Vec<usize> = (0..n_groups).collect();
            order.sort_by_key(|&g| counts[g]); // stable
            order.reverse();
            let mut weight = vec![0u64; self.n_splits];
            for &g in &order {
                let mut lightest = 0;
                for (f, &w) in weight.iter().enumerate() {
                    if w < weight[lightest] {
                        lightest = f;
                    }
                }
                weight[lightest] += counts[g];
                group_to_fold[g] = lightest;
            }
        }
        let fold_of_row: Vec<usize> = codes.iter().map(|&c| group_to_fold[c]).collect();
        Ok(from_fold_of_row(&fold_of_row, self.n_splits))
    }
}

/// `TimeSeriesSplit(n_splits, max_train_size=..., test_size=..., gap=...)`: expanding (or,
/// with `max_train_size`, sliding) windows; test size `n // (n_splits + 1)` unless given;
/// `max_train_size` 0 means none, as in sklearn (`if self.max_train_size and ...`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct TimeSeriesSplit {
    pub n_splits: usize,
    pub max_train_size: Option<usize>,
    pub test_size: Option<usize>,
    pub gap: usize,
}

impl TimeSeriesSplit {
    pub fn split(&self, n_samples: usize) -> Result<Vec<Split>, SplitError> {
        let n_splits = self.n_splits;
        check_n_splits(n_splits)?;
        let n_folds = n_splits + 1;
        let test_size = self.test_size.unwrap_or(n_samples / n_folds);
        if n_folds > n_samples {
            return Err(SplitError::TimeSeriesFolds { n_folds, n_samples });
        }
        let too_many = SplitError::TimeSeriesTooMany {
            n_splits,
            n_samples,
            test_size,
            gap: self.gap,
        };
        let need = test_size
            .checked_mul(n_splits)
            .and_then(|t| t.checked_add(self.gap))
            .ok_or(too_many.clone())?;
        if n_samples <= need {
            return Err(too_many);
        }
        if test_size == 0 {
            return Err(SplitError::ZeroTestSize);
        }
        let first = n_samples - n_splits * test_size;
        Ok((0..n_splits)
            .map(|s| {
                let test_start = first + s * test_size;
                let train_end = test_start - self.gap;
                let train_start = match self.max_train_size {
                    Some(m) if m > 0 && m < train_end => train_end - m,
                    _ => 0,
                };
                Split {
                    train: (train_start..train_end).collect(),
                    test: (test_start..test_start + test_size).collect(),
                }
            })
            .collect())
    }
}

/// `PredefinedSplit(test_fold)`: one split per distinct fold label other than -1, in sorted
/// label order; rows labelled -1 are always in train. No label but -1: no splits (as sklearn).
pub fn predefined_split(test_fold: &[i64]) -> Vec<Split> {
    let mut labels: Vec<i64> = test_fold.iter().copied().filter(|&f| f != -1).collect();
    labels.sort_unstable();
    labels.dedup();
    labels
        .iter()
        .map(|&l| {
            let mask: Vec<bool> = test_fold.iter().map(|&f| f == l).collect();
            from_mask(&mask)
        })
        .collect()
}
