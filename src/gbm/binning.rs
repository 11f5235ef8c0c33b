//! Bin thresholds and u8 bin codes, as scikit-learn's `_BinMapper`.
//!
//! A numeric column with at most `max_bins` distinct (non-missing) values gets the midpoints
//! between consecutive distinct values as thresholds; otherwise the `averaged_inverted_cdf`
//! percentiles at `linspace(0, 100, max_bins + 1)[1:-1]`, on a with-replacement subsample of
//! 200,000 rows when there are more. A value goes to the first bin whose threshold is `>=` it.
//! A categorical column's "thresholds" are its sorted distinct category values; a category is
//! coded by its rank. Missing values (NaN, and unknown categories) get bin `max_bins`, the
//! last one.

use ndarray::ArrayView2;
use serde::{Deserialize, Serialize};

use super::rng::Rng;
use super::GbmError;

/// Rows above which thresholds are computed on a subsample (scikit-learn's `subsample=2e5`).
pub const BINNING_SUBSAMPLE: usize = 200_000;
const ALMOST_INF: f64 = 1e300;

/// Per-column bin thresholds (or category values) fitted on the training rows.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct BinMapper {
    /// Bins for non-missing values at most; also the code of the missing-values bin.
    pub max_bins: usize,
    /// Numeric column: increasing upper bounds of the bins; categorical: sorted categories.
    pub thresholds: Vec<Vec<f64>>,
    /// Which columns are categorical.
    pub is_categorical: Vec<bool>,
    /// Number of non-missing bins of each column.
    pub n_bins_non_missing: Vec<usize>,
}

/// u8 bin codes, column-major: `codes[col * n_rows + row]`.
#[derive(Clone, Debug, PartialEq)]
pub struct Binned {
    /// Rows.
    pub n_rows: usize,
    /// Columns.
    pub n_cols: usize,
    /// The codes, one byte per value, column after column.
    pub codes: Vec<u8>,
    /// Per column, one past the largest code other than the missing values' in it: the
    /// histograms touch only the bins below it and the missing values' bin (a one-hot column
    /// uses 2 of 256).
    pub spans: Vec<usize>,
    /// The missing values' code.
    pub missing: u8,
}

impl Binned {
    /// The codes of one column.
    #[inline]
    pub fn col(&self, c: usize) -> &[u8] {
        &self.codes[c * self.n_rows..(c + 1) * self.n_rows]
    }

    /// The bins of column `c` that its codes can reach: `0..spans[c]` and the missing values'.
    #[inline]
    pub fn bins(&self, c: usize) -> (std::ops::Range<usize>, usize) {
        (0..self.spans[c], usize::from(self.missing))
    }
}

/// numpy's `percentile(sorted, p, method="averaged_inverted_cdf")` on sorted data.
fn percentile_aicdf(sorted: &[f64], q: f64) -> f64 {
    let n = sorted.len();
    let v = n as f64 * q - 1.0;
    let prev = v.floor();
    let gamma = if v - prev == 0.0 { 0.5 } else { 1.0 };
    let clamp = |i: f64| -> usize { (i.max(0.0) as usize).min(n - 1) };
    let a = sorted[clamp(prev)];
    let b = sorted[clamp(prev + 1.0)];
    // numpy's _lerp for t >= 0.5
    let d = b - a;
    b - d * (1.0 - gamma)
}

/// Thresholds of one numeric column from its (unsorted, NaN-free) values.
pub(crate) fn numeric_thresholds(mut vals: Vec<f64>, max_bins: usize) -> Vec<f64> {
    vals.sort_unstable_by(f64::total_cmp);
    let mut distinct = vals.clone();
    distinct.dedup();
    if distinct.len() <= 1 {
        return Vec::new();
    }
    let mut thr: Vec<f64> = if distinct.len() <= max_bins {
        distinct.windows(2).map(|w| (w[0] + w[1]) / 2.0).collect()
    } else {
        let step = 100.0 / max_bins as f64;
        let mut t: Vec<f64> = (1..max_bins)
            .map(|i| percentile_aicdf(&vals, (i as f64 * step) / 100.0))
            .collect();
        t.sort_unstable_by(f64::total_cmp);
        t.dedup();
        t
    };
    for t in &mut thr {
        if *t > ALMOST_INF {
            *t = ALMOST_INF;
        }
    }
    thr
}

impl BinMapper {
    /// Fits thresholds on the rows `train` of `x` (all rows when `None`); categories are
    /// collected from all rows of `x` (scikit-learn encodes them before the validation split).
    pub(crate) fn fit(
        x: ArrayView2<f64>,
        train: Option<&[usize]>,
        categorical: &[bool],
        max_bins: usize,
        rng: &mut Rng,
    ) -> Result<BinMapper, GbmError> {
        let (n, p) = x.dim();
        if categorical.len() != p {
            return Err(GbmError::LengthMismatch {
                what: "categorical_features",
                got: categorical.len(),
                expected: p,
            });
        }
        let all: Vec<usize>;
        let rows: &[usize] = match train {
            Some(r) => r,
            None => {
                all = (0..n).collect();
                &all
            }
        };
        // Subsample with replacement, drawn once for all numeric columns.
        let sub: Vec<usize> = if rows.len() > BINNING_SUBSAMPLE {
            (0..BINNING_SUBSAMPLE)
                .map(|_| rows[rng.below(rows.len())])
                .collect()
        } else {
            rows.to_vec()
        };
        let mut thresholds = Vec::with_capacity(p);
        let mut nbnm = Vec::with_capacity(p);
        for (c, &is_cat) in categorical.iter().enumerate() {
            let col = x.column(c);
            if is_cat {
                let mut cats: Vec<f64> = Vec::new();
                for &v in col.iter() {
                    if v.is_nan() {
                        continue;
                    }
                    if v < 0.0 || v.fract() != 0.0 || !v.is_finite() {
                        return Err(GbmError::BadCategorical {
                            col: c,
                            msg: format!("value {v} is not a non-negative integer code"),
                        });
                    }
                    cats.push(v);
                }
                cats.sort_unstable_by(f64::total_cmp);
                cats.dedup();
                if cats.len() > max_bins {
                    return Err(GbmError::BadCategorical {
                        col: c,
                        msg: format!("{} categories, at most max_bins={max_bins}", cats.len()),
                    });
                }
                nbnm.push(cats.len());
                thresholds.push(cats);
            } else {
                let vals: Vec<f64> = sub
                    .iter()
                    .map(|&r| col[r])
                    .filter(|v| !v.is_nan())
                    .collect();
                let t = numeric_thresholds(vals, max_bins);
                nbnm.push(t.len() + 1);
                thresholds.push(t);
            }
        }
        Ok(BinMapper {
            max_bins,
            thresholds,
            is_categorical: categorical.to_vec(),
            n_bins_non_missing: nbnm,
        })
    }

    /// The missing-values bin code.
    #[inline]
    pub fn missing_bin(&self) -> u8 {
        self.max_bins as u8
    }

    /// The bin of one value of column `c`.
    #[inline]
    pub fn bin_value(&self, c: usize, v: f64) -> u8 {
        if v.is_nan() {
            return self.missing_bin();
        }
        let t = &self.thresholds[c];
        if self.is_categorical[c] {
            match t.binary_search_by(|a| a.total_cmp(&v)) {
                Ok(i) => i as u8,
                Err(_) => self.missing_bin(),
            }
        } else {
            t.partition_point(|&a| a < v) as u8
        }
    }

    /// Bins the rows `rows` of `x` (all rows when `None`), in that order.
    pub fn transform(&self, x: ArrayView2<f64>, rows: Option<&[usize]>) -> Binned {
        let (n, p) = x.dim();
        let m = rows.map_or(n, |r| r.len());
        let mut codes = vec![0u8; m * p];
        let missing = self.missing_bin();
        let mut spans = vec![0; p];
        for c in 0..p {
            let col = x.column(c);
            let out = &mut codes[c * m..(c + 1) * m];
            match rows {
                Some(r) => {
                    for (o, &i) in out.iter_mut().zip(r) {
                        *o = self.bin_value(c, col[i]);
                    }
                }
                None => {
                    for (o, &v) in out.iter_mut().zip(col.iter()) {
                        *o = self.bin_value(c, v);
                    }
                }
            }
            spans[c] = out
                .iter()
                .filter(|&&b| b != missing)
                .map(|&b| usize::from(b) + 1)
                .max()
                .unwrap_or(0);
        }
        Binned {
            n_rows: m,
            n_cols: p,
            codes,
            spans,
            missing,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;

    #[test]
    fn few_distinct_values_give_midpoints() {
        let t = numeric_thresholds(vec![3.0, 1.0, 1.0, 2.0, 3.0, 3.0], 255);
        assert_eq!(t, vec![1.5, 2.5]);
    }

    #[test]
    fn ties_share_a_bin_and_constant_columns_have_one_bin() {
        let x = array![[1.0, 5.0], [1.0, 5.0], [2.0, 5.0], [f64::NAN, 5.0]];
        let m = BinMapper::fit(x.view(), None, &[false, false], 255, &mut Rng::new(0)).unwrap();
        assert_eq!(m.thresholds[0], vec![1.5]);
        assert!(m.thresholds[1].is_empty());
        assert_eq!(m.n_bins_non_missing, vec![2, 1]);
        let b = m.transform(x.view(), None);
        assert_eq!(b.col(0), &[0, 0, 1, 255]);
        assert_eq!(b.col(1), &[0, 0, 0, 0]);
        // the bins the histograms touch: below the span, and the missing values' bin
        assert_eq!(b.spans, vec![2, 1]);
        assert_eq!(b.bins(0), (0..2, 255));
        // a subset of rows has its own spans: here no row reaches bin 1 of column 0
        let b = m.transform(x.view(), Some(&[0, 3]));
        assert_eq!(b.spans, vec![1, 1]);
        let b = m.transform(x.view(), Some(&[3]));
        assert_eq!(b.spans, vec![0, 1]);
    }

    #[test]
    fn many_distinct_values_give_quantiles() {
        let vals: Vec<f64> = (0..1000).map(|i| (i % 500) as f64).collect();
        let t = numeric_thresholds(vals, 4);
        // averaged_inverted_cdf at 25/50/75 % of 1000 sorted values with each value twice
        assert_eq!(t, vec![124.5, 249.5, 374.5]);
    }

    #[test]
    fn categories_are_ranked_and_unknown_is_missing() {
        let x = array![[7.0], [3.0], [7.0], [f64::NAN]];
        let m = BinMapper::fit(x.view(), None, &[true], 255, &mut Rng::new(0)).unwrap();
        assert_eq!(m.thresholds[0], vec![3.0, 7.0]);
        assert_eq!(m.bin_value(0, 7.0), 1);
        assert_eq!(m.bin_value(0, 5.0), 255);
        let bad = array![[-1.0]];
        assert!(BinMapper::fit(bad.view(), None, &[true], 255, &mut Rng::new(0)).is_err());
    }
}
