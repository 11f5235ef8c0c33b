//! Splits of the rows into training and test rows, as row-index sets.

use ndarray::{Array1, Array2, Axis};

use super::DataError;

/// A split of `n` rows into training and test rows, as row indices (each in shuffled order,
/// as scikit-learn returns them): the rows are not copied until a model needs them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Holdout {
    pub train: Vec<usize>,
    pub test: Vec<usize>,
}

impl Holdout {
    /// The seeded split of `n` rows (see the module documentation of [`crate::data`]). Fails
    /// when `test_size` is invalid or leaves no training row or no test row.
    pub fn new(n: usize, test_size: f64, seed: u64) -> Result<Holdout, DataError> {
        let n_test = test_count(n, test_size)?;
        if n_test == 0 || n_test >= n {
            return Err(DataError::TooFewRows {
                path: None,
                detail: format!(
                    "a test size of {test_size} leaves {} training and {} test rows out of {n}",
                    n.saturating_sub(n_test),
                    n_test.min(n)
                ),
            });
        }
        let mut order = shuffled_indices(n, seed);
        let train = order.split_off(n_test);
        Ok(Holdout { train, test: order })
    }
}

/// The number of test rows for `test_size` (see the module documentation) out of `n` rows.
pub fn test_count(n: usize, test_size: f64) -> Result<usize, DataError> {
    let invalid = || DataError::InvalidTestSize { value: test_size };
    if !test_size.is_finite() || test_size <= 0.0 {
        return Err(invalid());
    }
    if test_size < 1.0 {
        Ok((test_size * n as f64 - 1e-9).ceil().max(0.0) as usize)
    } else if test_size.fract() == 0.0 && test_size <= usize::MAX as f64 {
        Ok(test_size as usize)
    } else {
        Err(invalid())
    }
}

/// Splits rows into `(x_train, y_train, x_test, y_test)`, deterministically for a seed (see
/// the module documentation for the algorithm). Fails when `test_size` is invalid or when
/// the split leaves no training row or no test row.
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
    let (train_idx, test_idx) = (&split.train[..], &split.test[..]);
    Ok((
        x.select(Axis(0), train_idx),
        y.select(Axis(0), train_idx),
        x.select(Axis(0), test_idx),
        y.select(Axis(0), test_idx),
    ))
}

/// `0..n` in an order fixed by `seed`: Fisher–Yates driven by SplitMix64.
pub fn shuffled_indices(n: usize, seed: u64) -> Vec<usize> {
    let mut rng = SplitMix64(seed);
    let mut v: Vec<usize> = (0..n).collect();
    for i in (1..n).rev() {
        let j = rng.below(i as u64 + 1) as usize;
        v.swap(i, j);
    }
    v
}

/// SplitMix64 (Steele, Lea and Flood 2014), as in `java.util.SplittableRandom`.
struct SplitMix64(u64);

impl SplitMix64 {
    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// Uniform in `0..bound` (`bound > 0`), Lemire's method: no modulo bias.
    fn below(&mut self, bound: u64) -> u64 {
        let threshold = bound.wrapping_neg() % bound;
        loop {
            let m = u128::from(self.next_u64()) * u128::from(bound);
            if (m as u64) >= threshold {
                return (m >> 64) as u64;
            }
        }
    }
}

// ---------------------------------------------------------------------------------------
// Reading

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splitmix_reference_values() {
        // First outputs of SplitMix64 seeded with 1234567 (from the reference C code).
        let mut r = SplitMix64(1234567);
        assert_eq!(r.next_u64(), 6457827717110365317);
        assert_eq!(r.next_u64(), 3203168211198807973);
    }

    #[test]
    fn test_count_rules() {
        assert_eq!(test_count(442, 0.2).unwrap(), 89);
        assert_eq!(test_count(30, 0.1).unwrap(), 3);
        assert_eq!(test_count(10, 3.0).unwrap(), 3);
        assert!(test_count(10, 2.5).is_err());
        assert!(test_count(10, 0.0).is_err());
        assert!(test_count(10, f64::NAN).is_err());
    }
}
