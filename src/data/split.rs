//! The train/test split, as row-index sets, exactly as scikit-learn's
//! `train_test_split(test_size=F, random_state=S)` draws it (numpy's `RandomState(S)`
//! permutation; `n_test = ceil(F * n)`; test rows first in the permutation): a notebook's
//! split is reproduced row for row.

use ndarray::{Array1, Array2, Axis};

use super::DataError;
use crate::split::{train_test_split as sk_split, Size};

/// A split of `n` rows into training and test rows, as row indices in scikit-learn's order:
/// the rows are not copied until a model needs them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Holdout {
    pub train: Vec<usize>,
    pub test: Vec<usize>,
}

impl Holdout {
    /// The rows `train_test_split(test_size, random_state=seed)` picks out of `n`. Fails when
    /// `test_size` is not a fraction in (0, 1), the seed is not numpy's (0 to 2^32 - 1), or
    /// the split leaves fewer than 2 test rows or no training row.
    pub fn new(n: usize, test_size: f64, seed: u64) -> Result<Holdout, DataError> {
        if !(test_size > 0.0 && test_size < 1.0) {
            return Err(DataError::InvalidTestSize { value: test_size });
        }
        if seed > u64::from(u32::MAX) {
            return Err(DataError::InvalidSeed { seed });
        }
        let n_test = (test_size * n as f64).ceil() as usize;
        if n_test < 2 || n_test >= n {
            return Err(DataError::TooFewRows {
                path: None,
                detail: format!(
                    "a test size of {test_size} leaves {} training and {} test rows out of {n} \
                     (at least 1 and 2 are needed)",
                    n.saturating_sub(n_test),
                    n_test.min(n)
                ),
            });
        }
        let s = sk_split(
            n,
            Some(Size::Fraction(test_size)),
            None,
            Some(seed as i64),
            true,
        )?;
        Ok(Holdout {
            train: s.train,
            test: s.test,
        })
    }
}

/// Splits rows into `(x_train, y_train, x_test, y_test)` with [`Holdout::new`].
#[allow(clippy::type_complexity)]
pub fn train_test_split(
    x: &Array2<f64>,
    y: &Array1<f64>,
    test_size: f64,
    seed: u64,
) -> Result<(Array2<f64>, Array1<f64>, Array2<f64>, Array1<f64>), DataError> {
    assert_eq!(
        x.nrows(),
        y.len(),
        "x and y must have the same number of rows"
    );
    let split = Holdout::new(y.len(), test_size, seed)?;
    Ok((
        x.select(Axis(0), &split.train),
        y.select(Axis(0), &split.train),
        x.select(Axis(0), &split.test),
        y.select(Axis(0), &split.test),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_that_leave_too_few_rows_or_are_not_fractions_are_refused() {
        for bad in [0.0, 1.0, 1.5, -0.1, f64::NAN, 3.0] {
            assert!(
                matches!(
                    Holdout::new(100, bad, 0),
                    Err(DataError::InvalidTestSize { .. })
                ),
                "{bad}"
            );
        }
        assert!(matches!(
            Holdout::new(10, 0.1, 0),
            Err(DataError::TooFewRows { .. })
        ));
        assert!(matches!(
            Holdout::new(10, 0.5, 1 << 32),
            Err(DataError::InvalidSeed { .. })
        ));
        let h = Holdout::new(442, 0.2, 0).unwrap();
        assert_eq!((h.train.len(), h.test.len()), (353, 89));
    }
}
