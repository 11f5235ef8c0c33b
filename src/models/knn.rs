//! k-nearest-neighbours regression by brute force, as scikit-learn's `KNeighborsRegressor`
//! (Minkowski distance; `'uniform'` mean or `'distance'` 1/d weights, where training points at
//! distance zero take all the weight). Ties in distance go to the lower training row.

use ndarray::{Array1, ArrayView1, ArrayView2};

use super::spec::KnnWeights;

/// Predicts every row of `x_test` from its `k` nearest rows of `x_train`.
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
    let rows: Vec<ArrayView1<f64>> = x_train.rows().into_iter().collect();
    let mut dist: Vec<(f64, usize)> = Vec::with_capacity(n);
    x_test
        .rows()
        .into_iter()
        .map(|q| {
            dist.clear();
            dist.extend(rows.iter().enumerate().map(|(i, r)| (reduced(&q, r, p), i)));
            let by = |a: &(f64, usize), b: &(f64, usize)| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1));
            if k < n {
                dist.select_nth_unstable_by(k - 1, by);
            }
            let nearest = &mut dist[..k];
            nearest.sort_by(by);
            match weights {
                KnnWeights::Uniform => {
                    nearest.iter().map(|&(_, i)| y_train[i]).sum::<f64>() / k as f64
                }
                KnnWeights::Distance => {
                    if nearest.iter().any(|&(d, _)| d == 0.0) {
                        let zeros: Vec<f64> = nearest
                            .iter()
                            .filter(|(d, _)| *d == 0.0)
                            .map(|&(_, i)| y_train[i])
                            .collect();
                        zeros.iter().sum::<f64>() / zeros.len() as f64
                    } else {
                        let (mut num, mut den) = (0.0, 0.0);
                        for &(d, i) in nearest.iter() {
                            let w = 1.0 / unreduce(d, p);
                            num += w * y_train[i];
                            den += w;
                        }
                        num / den
                    }
                }
            }
        })
        .collect()
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
}
