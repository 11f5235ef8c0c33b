//! numpy's summation of a float64 array (`np.add.reduce`, `pairwise_sum_DOUBLE`), so that
//! means and variances round exactly as scikit-learn's do.

const BLOCK: usize = 128;

/// `np.sum(a)` for contiguous float64 `a`: below 8 values a plain loop; up to 128, eight
/// interleaved partial sums combined as `((r0+r1)+(r2+r3))+((r4+r5)+(r6+r7))`, then the
/// remainder; above, split in two at `n/2` rounded down to a multiple of 8, recursively.
pub fn pairwise_sum(a: &[f64]) -> f64 {
    let n = a.len();
    if n < 8 {
        // numpy starts from -0.0 here, so that the sum of negative zeros is -0.0
        let mut res = -0.0;
        for &x in a {
            res += x;
        }
        res
    } else if n <= BLOCK {
        let mut r = [0.0f64; 8];
        r.copy_from_slice(&a[..8]);
        let whole = n - n % 8;
        let mut i = 8;
        while i < whole {
            for j in 0..8 {
                r[j] += a[i + j];
            }
            i += 8;
        }
        let mut res = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]));
        for &x in &a[whole..] {
            res += x;
        }
        res
    } else {
        let mut n2 = n / 2;
        n2 -= n2 % 8;
        pairwise_sum(&a[..n2]) + pairwise_sum(&a[n2..])
    }
}

#[cfg(test)]
mod tests {
    use super::pairwise_sum;

    #[test]
    fn prep_pairwise_sum_small_and_large() {
        assert_eq!(pairwise_sum(&[]), 0.0);
        assert_eq!(pairwise_sum(&[1.0, 2.0, 3.0]), 6.0);
        let v: Vec<f64> = (0..1000).map(f64::from).collect();
        assert_eq!(pairwise_sum(&v), 499_500.0);
    }
}
