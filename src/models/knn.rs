//! k-nearest-neighbours regression by brute force, as scikit-learn's `KNeighborsRegressor`
//! (Minkowski distance; `'uniform'` mean or `'distance'` 1/d weights, where training points at
//! distance zero take all the weight). Ties in distance go to the lower training row.
//! Results agree with scikit-learn's to rounding (see `tests/models_fidelity.rs`).

use ndarray::{s, Array1, ArrayView1, ArrayView2, Axis};

use serde::{Deserialize, Serialize};

/// k-NN weighting.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum KnnWeights {
    Uniform,
    Distance,
}

/// Candidates beyond `k` whose exact distances are computed when the Euclidean candidates are
/// ranked by the (faster, slightly less exact) matrix-product formula.
const MARGIN: usize = 8;

/// Bytes of one block of test-by-training scores.
const BLOCK_BYTES: usize = 32 << 20;

/// Predicts every row of `x_test` from its `k` nearest rows of `x_train`.
///
/// Euclidean distance (`p = 2`) ranks candidates by `|x|^2 - 2 t.x` computed with one matrix
/// product per block of test rows (on data centred by the training mean, which limits
/// cancellation), then takes the `k + 8` best, computes their exact distances and keeps the
/// `k` nearest by exact distance (ties to the lower training row). Other powers compute every
/// distance directly.
pub fn predict(
    x_train: ArrayView2<f64>,
    y_train: ArrayView1<f64>,
    x_test: ArrayView2<f64>,
    k: usize,
    weights: KnnWeights,
    p: u32,
) -> Array1<f64> {
    let n = x_train.nrows();
    let k = k.min(n).max(1);
    let mut out = Vec::with_capacity(x_test.nrows());
    let mut cand: Vec<(f64, usize)> = Vec::with_capacity(n);
    if p == 2 {
        let mean = x_train
            .mean_axis(Axis(0))
            .unwrap_or_else(|| Array1::zeros(x_train.ncols()));
        let xc = &x_train - &mean;
        let norms: Vec<f64> = xc.rows().into_iter().map(|r| r.dot(&r)).collect();
        let block = (BLOCK_BYTES / 8 / n.max(1)).max(1);
        let m = x_test.nrows();
        for start in (0..m).step_by(block) {
            let end = (start + block).min(m);
            let tc = &x_test.slice(s![start..end, ..]) - &mean;
            let g = tc.dot(&xc.t());
            for (i, grow) in g.rows().into_iter().enumerate() {
                cand.clear();
                cand.extend(
                    grow.iter()
                        .zip(&norms)
                        .enumerate()
                        .map(|(j, (g, nj))| (nj - 2.0 * g, j)),
                );
                let take = (k + MARGIN).min(n);
                select_smallest(&mut cand, take);
                let q = x_test.row(start + i);
                for c in cand[..take].iter_mut() {
                    c.0 = reduced(&q, &x_train.row(c.1), 2);
                }
                select_smallest(&mut cand[..take], k);
                out.push(aggregate(&mut cand[..k], y_train, weights, p));
            }
        }
    } else {
        for q in x_test.rows() {
            cand.clear();
            cand.extend(
                x_train
                    .rows()
                    .into_iter()
                    .enumerate()
                    .map(|(j, r)| (reduced(&q, &r, p), j)),
            );
            select_smallest(&mut cand, k);
            out.push(aggregate(&mut cand[..k], y_train, weights, p));
        }
    }
    Array1::from(out)
}

/// Moves the `k` smallest `(distance, row)` pairs to the front, sorted.
fn select_smallest(v: &mut [(f64, usize)], k: usize) {
    let by = |a: &(f64, usize), b: &(f64, usize)| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1));
    if k < v.len() {
        v.select_nth_unstable_by(k - 1, by);
    }
    v[..k].sort_by(by);
}

/// The prediction from the nearest neighbours, given as (reduced distance, row).
fn aggregate(nearest: &mut [(f64, usize)], y: ArrayView1<f64>, weights: KnnWeights, p: u32) -> f64 {
    match weights {
        KnnWeights::Uniform => {
            nearest.iter().map(|&(_, i)| y[i]).sum::<f64>() / nearest.len() as f64
        }
        KnnWeights::Distance => {
            if nearest.iter().any(|&(d, _)| d == 0.0) {
                let zeros: Vec<f64> = nearest
                    .iter()
                    .filter(|(d, _)| *d == 0.0)
                    .map(|&(_, i)| y[i])
                    .collect();
                zeros.iter().sum::<f64>() / zeros.len() as f64
            } else {
                let (mut num, mut den) = (0.0, 0.0);
                for &(d, i) in nearest.iter() {
                    let w = 1.0 / unreduce(d, p);
                    num += w * y[i];
                    den += w;
                }
                num / den
            }
        }
    }
}

/// The distance raised to the power `p` (monotone in the distance, cheaper).
fn reduced(a: &ArrayView1<f64>, b: &ArrayView1<f64>, p: u32) -> f64 {
    match p {
        1 => a.iter().zip(b).map(|(x, y)| (x - y).abs()).sum(),
        2 => a.iter().zip(b).map(|(x, y)| (x - y) * (x - y)).sum(),
        _ => a
            .iter()
            .zip(b)
            .map(|(x, y)| (x - y).abs().powi(p as i32))
            .sum(),
    }
}

fn unreduce(d: f64, p: u32) -> f64 {
    match p {
        1 => d,
        2 => d.sqrt(),
        _ => d.powf(1.0 / p as f64),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;

    #[test]
    fn uniform_and_distance() {
        let x = array![[0.0], [1.0], [3.0], [10.0]];
        let y = array![0.0, 10.0, 30.0, 100.0];
        let q = array![[0.5], [3.0]];
        let u = predict(x.view(), y.view(), q.view(), 2, KnnWeights::Uniform, 2);
        assert_eq!(u.to_vec(), vec![5.0, 20.0]);
        let d = predict(x.view(), y.view(), q.view(), 2, KnnWeights::Distance, 2);
        assert_eq!(d[0], 5.0);
        assert_eq!(d[1], 30.0); // exact match takes all the weight
    }

    #[test]
    fn matrix_product_ranking_matches_direct_distances() {
        // far from the origin (cancellation) with many near-ties and exact duplicates
        let x = ndarray::Array2::from_shape_fn((300, 3), |(i, j)| {
            1e6 + ((i * 7 + j * 3) % 11) as f64 + 1e-7 * ((i * 13) % 5) as f64
        });
        let y = Array1::from_shape_fn(300, |i| i as f64);
        let q = ndarray::Array2::from_shape_fn((40, 3), |(i, j)| 1e6 + ((i + j) % 11) as f64 + 0.5);
        for k in [1, 5, 20] {
            for w in [KnnWeights::Uniform, KnnWeights::Distance] {
                let fast = predict(x.view(), y.view(), q.view(), k, w, 2);
                let slow: Vec<f64> = q
                    .rows()
                    .into_iter()
                    .map(|t| {
                        let mut c: Vec<(f64, usize)> = x
                            .rows()
                            .into_iter()
                            .enumerate()
                            .map(|(j, r)| (reduced(&t, &r, 2), j))
                            .collect();
                        select_smallest(&mut c, k);
                        aggregate(&mut c[..k], y.view(), w, 2)
                    })
                    .collect();
                assert_eq!(fast.to_vec(), slow, "k={k}");
            }
        }
    }
}
