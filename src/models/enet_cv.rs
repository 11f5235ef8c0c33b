//! The cross-validated elastic net (LassoCV, ElasticNetCV) as scikit-learn's `LinearModelCV`:
//! a log-spaced grid of alphas from `alpha_max` (the smallest alpha with all coefficients
//! zero) on all training rows, then per `KFold` fold (no shuffling) the path of fits along the
//! grid, each warm-started from the previous alpha's coefficients, on the fold's own centred
//! training rows (with the Gram matrix when there are more rows than features, as
//! `precompute='auto'`), the test MSE per alpha, averaged over folds; the alpha with the
//! smallest mean MSE (the first on ties) is refitted on all rows by `linear::elastic_net`.

use ndarray::{Array1, Array2, ArrayView1, ArrayView2, Axis};
use serde::{Deserialize, Serialize};

use super::linear::{self, centre, LinearFit};

/// scikit-learn's `precompute`: use the Gram matrix `X'X` in the coordinate descent.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Precompute {
    /// When there are more rows than features (in the folds; the refit uses the data).
    Auto,
    Yes,
    No,
}

/// The settings of a cross-validated elastic net.
#[derive(Clone, Debug, PartialEq)]
pub struct CvSettings {
    pub l1_ratios: Vec<f64>,
    pub eps: f64,
    pub n_alphas: usize,
    pub fit_intercept: bool,
    pub precompute: Precompute,
    pub max_iter: usize,
    pub tol: f64,
    pub cv: usize,
}

/// What the cross-validation selected, and the refit on all rows.
#[derive(Clone, Debug, PartialEq)]
pub struct CvFit {
    pub fit: LinearFit,
    pub alpha: f64,
    pub l1_ratio: f64,
}

/// Why no grid could be made.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum CvError {
    #[error(
        "Automatic alpha grid generation is not supported for l1_ratio=0. \
         Please supply a grid by providing your estimator with the appropriate `alphas=` argument."
    )]
    RidgeGrid,
}

/// scikit-learn's `_alpha_grid`: `n_alphas` values from `alpha_max = max|X_c' y_c| /
/// (n l1_ratio)` down to `eps * alpha_max`, evenly spaced in log10 as `np.geomspace`.
pub fn alpha_grid(
    x: ArrayView2<f64>,
    y: ArrayView1<f64>,
    l1_ratio: f64,
    fit_intercept: bool,
    eps: f64,
    n_alphas: usize,
) -> Result<Vec<f64>, CvError> {
    if l1_ratio == 0.0 {
        return Err(CvError::RidgeGrid);
    }
    let n = x.nrows();
    let mut xy = x.t().dot(&y);
    if fit_intercept {
        let y_sum = y.sum();
        let x_mean = x
            .mean_axis(Axis(0))
            .unwrap_or_else(|| Array1::zeros(x.ncols()));
        xy.zip_mut_with(&x_mean, |v, m| *v -= m * y_sum);
    }
    let top = xy.iter().fold(0.0f64, |m, v| m.max((v * v).sqrt()));
    let alpha_max = top / (n as f64 * l1_ratio);
    let resolution = 1e-15;
    if alpha_max.is_nan() || alpha_max <= resolution {
        return Ok(vec![resolution; n_alphas]);
    }
    Ok(geomspace(alpha_max, alpha_max * eps, n_alphas))
}

/// `np.geomspace(start, stop, num)` for positive endpoints.
fn geomspace(start: f64, stop: f64, num: usize) -> Vec<f64> {
    let (a, b) = (start.log10(), stop.log10());
    let div = num.saturating_sub(1).max(1) as f64;
    let step = (b - a) / div;
    let mut v: Vec<f64> = (0..num)
        .map(|i| {
            let e = if step == 0.0 {
                i as f64 / div * (b - a) + a
            } else {
                i as f64 * step + a
            };
            10f64.powf(e)
        })
        .collect();
    if let Some(first) = v.first_mut() {
        *first = start;
    }
    if num > 1 {
        v[num - 1] = stop;
    }
    v
}

/// `KFold(k)` without shuffling: the test rows of each fold, contiguous, the first `n % k`
/// folds one row longer.
pub fn kfold(n: usize, k: usize) -> Vec<std::ops::Range<usize>> {
    let k = k.max(1);
    let mut out = Vec::with_capacity(k);
    let mut start = 0;
    for i in 0..k {
        let len = n / k + usize::from(i < n % k);
        out.push(start..start + len);
        start += len;
    }
    out
}

/// The rows of `x` in `rows`.
fn take_rows(x: ArrayView2<f64>, rows: &[usize]) -> Array2<f64> {
    x.select(Axis(0), rows)
}

/// Coordinate descent with the Gram matrix `q_mat = X'X` and `q = X'y` (scikit-learn's
/// `enet_coordinate_descent_gram`, cyclic, with gap-safe screening), from the warm start `w`.
#[allow(clippy::too_many_arguments)]
fn descend_gram(
    q_mat: &Array2<f64>,
    q: &Array1<f64>,
    y_norm2: f64,
    l1: f64,
    l2: f64,
    mut w: Vec<f64>,
    max_iter: usize,
    tol: f64,
) -> Vec<f64> {
    let f = w.len();
    let mut qw: Vec<f64> = (0..f)
        .map(|j| q_mat.row(j).dot(&ArrayView1::from(&w)))
        .collect();
    let mut xta = vec![0.0; f];
    let d_w_tol = tol;
    let tol = tol * y_norm2;
    let screening = l1 != 0.0;
    let gap_of = |w: &[f64], qw: &[f64], xta: &mut [f64]| -> (f64, f64) {
        gap_gram(w, qw, q.as_slice().unwrap_or(&[]), y_norm2, l1, l2, xta)
    };
    let (gap, mut dual_norm) = gap_of(&w, &qw, &mut xta);
    if (0.0..=tol).contains(&gap) {
        return w;
    }
    let mut excluded = vec![false; f];
    let mut active: Vec<usize> = (0..f).collect();
    let screen = |gap: f64,
                  dual_norm: f64,
                  w: &mut [f64],
                  qw: &mut [f64],
                  xta: &[f64],
                  excluded: &mut [bool]|
     -> Vec<usize> {
        let radius = (2.0 * gap.abs()).sqrt() / l1;
        let mut act = Vec::with_capacity(f);
        for j in 0..f {
            if excluded[j] {
                continue;
            }
            let qjj = q_mat[[j, j]];
            if qjj == 0.0 {
                w[j] = 0.0;
                excluded[j] = true;
                continue;
            }
            let xj_theta = xta[j] / l1.max(dual_norm);
            let d_j = (1.0 - xj_theta.abs()) / (qjj + l2).sqrt();
            if d_j <= radius {
                act.push(j);
            } else {
                if w[j] != 0.0 {
                    let wj = w[j];
                    for (k, v) in qw.iter_mut().enumerate() {
                        *v -= wj * q_mat[[j, k]];
                    }
                    w[j] = 0.0;
                }
                excluded[j] = true;
            }
        }
        act
    };
    if screening {
        active = screen(gap, dual_norm, &mut w, &mut qw, &xta, &mut excluded);
    }
    for n_iter in 0..max_iter {
        let mut w_max = 0.0f64;
        let mut d_w_max = 0.0f64;
        for &j in &active {
            let qjj = q_mat[[j, j]];
            if qjj == 0.0 {
                continue;
            }
            let w_j = w[j];
            let tmp = q[j] - qw[j] + w_j * qjj;
            let new = if tmp == 0.0 {
                0.0
            } else {
                tmp.signum() * (tmp.abs() - l1).max(0.0) / (qjj + l2)
            };
            w[j] = new;
            if new != w_j {
                let d = new - w_j;
                for (k, v) in qw.iter_mut().enumerate() {
                    *v += d * q_mat[[j, k]];
                }
            }
            d_w_max = d_w_max.max((new - w_j).abs());
            w_max = w_max.max(new.abs());
        }
        if w_max == 0.0 || d_w_max / w_max <= d_w_tol || n_iter + 1 == max_iter {
            let (gap, dn) = gap_of(&w, &qw, &mut xta);
            dual_norm = dn;
            if gap <= tol {
                break;
            }
            if screening {
                active = screen(gap, dual_norm, &mut w, &mut qw, &xta, &mut excluded);
            }
        }
    }
    w
}

/// scikit-learn's `gap_enet_gram`: the duality gap and the dual norm of `X'R - l2 w` from
/// `Qw = X'X w`, `q = X'y` and `||y||^2`.
fn gap_gram(
    w: &[f64],
    qw: &[f64],
    q: &[f64],
    y_norm2: f64,
    l1: f64,
    l2: f64,
    xta: &mut [f64],
) -> (f64, f64) {
    let dot = |a: &[f64], b: &[f64]| -> f64 { a.iter().zip(b).map(|(p, q)| p * q).sum() };
    let w_l2 = if l2 > 0.0 { dot(w, w) } else { 0.0 };
    let q_dot_w = dot(w, q);
    let wqw = dot(w, qw);
    let r_norm2 = y_norm2 + wqw - 2.0 * q_dot_w;
    let ry = y_norm2 - q_dot_w;
    if l1 == 0.0 {
        for j in 0..w.len() {
            xta[j] = q[j] - qw[j];
        }
        let dual = dot(xta, xta);
        if l2 == 0.0 {
            return (dual, dual);
        }
        return (r_norm2 + 0.5 * l2 * w_l2 - ry + dual / (2.0 * l2), dual);
    }
    for j in 0..w.len() {
        xta[j] = q[j] - qw[j] - l2 * w[j];
    }
    let dual_norm = xta.iter().fold(0.0f64, |m, v| m.max(v.abs()));
    let l1_norm: f64 = w.iter().map(|v| v.abs()).sum();
    let primal = 0.5 * (r_norm2 + l2 * w_l2) + l1 * l1_norm;
    let scale = if dual_norm > l1 { l1 / dual_norm } else { 1.0 };
    let dual = -0.5 * scale * scale * (r_norm2 + l2 * w_l2) + scale * ry;
    (primal - dual, dual_norm)
}

/// The test MSE of every alpha of the path fitted on the training rows (scikit-learn's
/// `_path_residuals`).
#[allow(clippy::too_many_arguments)]
fn path_mse(
    x_train: ArrayView2<f64>,
    y_train: ArrayView1<f64>,
    x_test: ArrayView2<f64>,
    y_test: ArrayView1<f64>,
    alphas: &[f64],
    l1_ratio: f64,
    s: &CvSettings,
) -> Vec<f64> {
    let c = centre(x_train, y_train, s.fit_intercept);
    let (n, f) = c.x.dim();
    let gram = match s.precompute {
        Precompute::Auto => n > f,
        Precompute::Yes => true,
        Precompute::No => false,
    };
    let y_norm2 = c.y.dot(&c.y);
    let mut w = vec![0.0; f];
    let mut mse = Vec::with_capacity(alphas.len());
    let (q_mat, q, cols) = if gram {
        (c.x.t().dot(&c.x), c.x.t().dot(&c.y), Vec::new())
    } else {
        let cols: Vec<Vec<f64>> = (0..f).map(|j| c.x.column(j).to_vec()).collect();
        (Array2::zeros((0, 0)), Array1::zeros(0), cols)
    };
    let yv = c.y.to_vec();
    for &alpha in alphas {
        let l1 = alpha * l1_ratio * n as f64;
        let l2 = alpha * (1.0 - l1_ratio) * n as f64;
        w = if gram {
            descend_gram(&q_mat, &q, y_norm2, l1, l2, w, s.max_iter, s.tol)
        } else {
            linear::descend_from(&cols, &yv, l1, l2, w, s.max_iter, s.tol)
        };
        let coef = Array1::from(w.clone());
        let intercept = c.y_mean - c.x_mean.dot(&coef);
        let pred = x_test.dot(&coef);
        let m = x_test.nrows().max(1) as f64;
        let sse: f64 = pred
            .iter()
            .zip(y_test)
            .map(|(p, t)| {
                let r = (p - t) + intercept;
                r * r
            })
            .sum();
        mse.push(sse / m);
    }
    mse
}

/// The cross-validated elastic net: the selected alpha and l1_ratio and the refit on all rows.
/// Needs at least `s.cv` rows (the caller's `min_rows`).
pub fn fit_cv(s: &CvSettings, x: ArrayView2<f64>, y: ArrayView1<f64>) -> Result<CvFit, CvError> {
    let n = x.nrows();
    let folds = kfold(n, s.cv);
    let splits: Vec<(Vec<usize>, Vec<usize>)> = folds
        .iter()
        .map(|t| {
            let train = (0..n).filter(|i| !t.contains(i)).collect();
            (train, t.clone().collect())
        })
        .collect();
    let data: Vec<_> = splits
        .iter()
        .map(|(tr, te)| {
            (
                take_rows(x, tr),
                y.select(Axis(0), tr),
                take_rows(x, te),
                y.select(Axis(0), te),
            )
        })
        .collect();
    let mut best: Option<(f64, f64, f64)> = None;
    for &l1_ratio in &s.l1_ratios {
        let alphas = alpha_grid(x, y, l1_ratio, s.fit_intercept, s.eps, s.n_alphas)?;
        let mut mean = vec![0.0; alphas.len()];
        for (xtr, ytr, xte, yte) in &data {
            let m = path_mse(
                xtr.view(),
                ytr.view(),
                xte.view(),
                yte.view(),
                &alphas,
                l1_ratio,
                s,
            );
            for (a, b) in mean.iter_mut().zip(m) {
                *a += b;
            }
        }
        let k = data.len().max(1) as f64;
        let mut i_best = 0;
        for (i, v) in mean.iter().enumerate() {
            // np.argmin: the first minimum; a NaN wins as numpy's does
            if v / k < mean[i_best] / k || (v.is_nan() && !mean[i_best].is_nan()) {
                i_best = i;
            }
        }
        let this = mean.get(i_best).map_or(f64::NAN, |v| v / k);
        if best.is_none_or(|b| this < b.0) {
            best = Some((this, alphas.get(i_best).copied().unwrap_or(0.0), l1_ratio));
        }
    }
    let (_, alpha, l1_ratio) = best.unwrap_or((f64::NAN, 0.0, 1.0));
    let fit = if s.precompute == Precompute::Yes {
        refit_gram(x, y, alpha, l1_ratio, s)
    } else {
        linear::elastic_net(x, y, alpha, l1_ratio, s.fit_intercept, s.max_iter, s.tol).fit
    };
    Ok(CvFit {
        fit,
        alpha,
        l1_ratio,
    })
}

/// The refit with `precompute=True`: coordinate descent with the Gram matrix of all rows.
fn refit_gram(
    x: ArrayView2<f64>,
    y: ArrayView1<f64>,
    alpha: f64,
    l1_ratio: f64,
    s: &CvSettings,
) -> LinearFit {
    let c = centre(x, y, s.fit_intercept);
    let (n, f) = c.x.dim();
    let w = descend_gram(
        &c.x.t().dot(&c.x),
        &c.x.t().dot(&c.y),
        c.y.dot(&c.y),
        alpha * l1_ratio * n as f64,
        alpha * (1.0 - l1_ratio) * n as f64,
        vec![0.0; f],
        s.max_iter,
        s.tol,
    );
    linear::finish(&c, Array1::from(w))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kfold_sizes_as_sklearn() {
        let f = kfold(12, 5);
        let lens: Vec<usize> = f.iter().map(|r| r.len()).collect();
        assert_eq!(lens, vec![3, 3, 2, 2, 2]);
        assert_eq!(f[4].end, 12);
    }

    #[test]
    fn geomspace_endpoints_exact() {
        let g = geomspace(2.0, 2e-3, 4);
        assert_eq!(g[0], 2.0);
        assert_eq!(g[3], 2e-3);
        assert!((g[1] - 0.2).abs() < 1e-14 && (g[2] - 0.02).abs() < 1e-15);
    }
}
