//! The LARS path shared by Lars, LassoLars, LassoLarsIC, LarsCV and LassoLarsCV, following
//! scikit-learn's `_lars_path_solver` (Gram form): the same order of feature swaps, the same
//! tolerances (`eps` on Cholesky pivots, float32 epsilon for the stop at `alpha_min`, float32
//! tiny in the step denominators), the rounding of the equiangular correlations to 15 decimals,
//! the lasso drop rule and early stop. Triangular solves and the re-factorisation after a drop
//! go through `dense` (faer).

use ndarray::{s as sl, Array1, Array2, ArrayView1, ArrayView2};

use super::dense;
use super::kind::{dims, Predictor};
use super::linear::{centre, finish, Centred, LinearFit};
use super::params::{copy_x, f, fit_intercept, ignored, int, p, s, verbose, NON_NEGATIVE};
use super::{ParamDef, ParamType, Value};

/// LAR (`'lar'`) or its lasso modification (`'lasso'`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Method {
    Lar,
    Lasso,
}

/// The path: `alphas[k]` and the coefficients `coefs[k]` (original feature order) at step `k`.
#[derive(Clone, Debug)]
pub struct LarsPath {
    pub alphas: Vec<f64>,
    pub coefs: Vec<Array1<f64>>,
    pub n_iter: usize,
}

const EQ_TOL: f64 = f32::EPSILON as f64;
const TINY32: f64 = f32::MIN_POSITIVE as f64;

/// numpy's `around(x, 15)`.
fn around15(x: f64) -> f64 {
    let f = 1e15;
    let y = (x * f).round_ties_even() / f;
    if y.is_finite() {
        y
    } else {
        x
    }
}

/// `arrayfuncs.min_pos`: the smallest strictly positive value, `f64::MAX` if none.
fn min_pos(v: impl Iterator<Item = f64>) -> f64 {
    v.fold(f64::MAX, |m, x| if x > 0.0 && x < m { x } else { m })
}

/// The LARS/lasso path from the Gram matrix `gram = X'X` and `xy = X'y` of centred data.
pub fn lars_path_gram(
    gram: ArrayView2<f64>,
    xy: ArrayView1<f64>,
    n_samples: usize,
    max_iter: usize,
    alpha_min: f64,
    method: Method,
    eps: f64,
) -> LarsPath {
    let nf = xy.len();
    let ns = n_samples.max(1) as f64;
    let mut cov: Vec<f64> = xy.to_vec();
    let mut perm: Vec<usize> = (0..nf).collect();
    let mut active: Vec<usize> = Vec::new();
    let mut sign: Vec<f64> = Vec::new();
    let mut l = Array2::<f64>::zeros((nf, nf));
    let mut n_active = 0usize;
    let mut n_iter = 0usize;
    let mut drop = false;
    let mut alphas: Vec<f64> = Vec::new();
    let mut coefs: Vec<Array1<f64>> = vec![Array1::zeros(nf)];
    let g = |a: usize, b: usize| gram[[a, b]];
    loop {
        let (c_idx, c_signed) =
            cov.iter()
                .enumerate()
                .fold((0usize, 0.0f64), |(bi, bv), (i, &v)| {
                    if v.abs() > bv.abs() || (i == 0) {
                        (i, v)
                    } else {
                        (bi, bv)
                    }
                });
        let c = if cov.is_empty() { 0.0 } else { c_signed.abs() };
        let alpha = c / ns;
        if alphas.len() > n_iter {
            alphas[n_iter] = alpha;
        } else {
            alphas.push(alpha);
        }
        if alpha <= alpha_min + EQ_TOL {
            if (alpha - alpha_min).abs() > EQ_TOL {
                if n_iter > 0 {
                    let prev_alpha = alphas[n_iter - 1];
                    let ss = (prev_alpha - alpha_min) / (prev_alpha - alpha);
                    let prev = coefs[n_iter - 1].clone();
                    let cur = &coefs[n_iter];
                    let new = &prev + &((cur - &prev) * ss);
                    coefs[n_iter] = new;
                }
                alphas[n_iter] = alpha_min;
            }
            break;
        }
        if n_iter >= max_iter || n_active >= nf {
            break;
        }
        if !drop {
            let s_val = if c_signed > 0.0 {
                1.0
            } else if c_signed < 0.0 {
                -1.0
            } else {
                0.0
            };
            if sign.len() <= n_active {
                sign.resize(n_active + 1, 0.0);
            }
            sign[n_active] = s_val;
            let (m, n) = (n_active, c_idx + n_active);
            cov.swap(c_idx, 0);
            perm.swap(n, m);
            let not_shortened = cov.clone();
            cov.remove(0);
            let fa = perm[n_active];
            let cdiag = g(fa, fa);
            let row: Array1<f64> = Array1::from_iter((0..n_active).map(|a| g(fa, perm[a])));
            let row = if n_active > 0 {
                dense::solve_lower(l.slice(sl![..n_active, ..n_active]), row.view())
            } else {
                row
            };
            let v = row.dot(&row);
            let diag = (cdiag - v).abs().sqrt().max(eps);
            for (a, r) in row.iter().enumerate() {
                l[[n_active, a]] = *r;
            }
            l[[n_active, n_active]] = diag;
            if diag < 1e-7 {
                cov = not_shortened;
                cov[0] = 0.0;
                cov.swap(c_idx, 0);
                continue;
            }
            active.push(fa);
            n_active += 1;
        }
        if method == Method::Lasso && n_iter > 0 && alphas[n_iter - 1] < alpha {
            break;
        }
        let lk = l.slice(sl![..n_active, ..n_active]);
        let sgn = Array1::from(sign[..n_active].to_vec());
        let mut ls = dense::cholesky_factor_solve(lk, sgn.view());
        let aa;
        if ls.len() == 1 && ls[0] == 0.0 {
            ls[0] = 1.0;
            aa = 1.0;
        } else {
            let mut a = 1.0 / ls.dot(&sgn).sqrt();
            if !a.is_finite() {
                let mut lj = lk.to_owned();
                let mut i = 0;
                while !a.is_finite() && i < 64 {
                    let bump = 2f64.powi(i) * eps;
                    lj.diag_mut().mapv_inplace(|d| d + bump);
                    ls = dense::cholesky_factor_solve(lj.view(), sgn.view());
                    a = 1.0 / ls.dot(&sgn).max(eps).sqrt();
                    i += 1;
                }
            }
            ls *= a;
            aa = a;
        }
        let ced: Vec<f64> = (0..cov.len())
            .map(|k| {
                let fk = perm[n_active + k];
                around15((0..n_active).map(|a| g(perm[a], fk) * ls[a]).sum::<f64>())
            })
            .collect();
        let g1 = min_pos(
            cov.iter()
                .zip(&ced)
                .map(|(cv, e)| (c - cv) / (aa - e + TINY32)),
        );
        let g2 = min_pos(
            cov.iter()
                .zip(&ced)
                .map(|(cv, e)| (c + cv) / (aa + e + TINY32)),
        );
        let mut gamma = g1.min(g2).min(c / aa);
        drop = false;
        let cur = coefs[n_iter].clone();
        let z: Vec<f64> = active
            .iter()
            .zip(ls.iter())
            .map(|(&j, l)| -cur[j] / (l + TINY32))
            .collect();
        let z_pos = min_pos(z.iter().cloned());
        let mut idx: Vec<usize> = Vec::new();
        if z_pos < gamma {
            idx = (0..z.len()).filter(|&i| z[i] == z_pos).rev().collect();
            for &i in &idx {
                sign[i] = -sign[i];
            }
            if method == Method::Lasso {
                gamma = z_pos;
            }
            drop = true;
        }
        n_iter += 1;
        let mut new = Array1::zeros(nf);
        for (a, &j) in active.iter().enumerate() {
            new[j] = cur[j] + gamma * ls[a];
        }
        for (cv, e) in cov.iter_mut().zip(&ced) {
            *cv -= gamma * e;
        }
        if drop && method == Method::Lasso {
            let mut dropped = Vec::new();
            for &ii in &idx {
                dropped.push(active.remove(ii));
                n_active -= 1;
                for i in ii..n_active {
                    perm.swap(i, i + 1);
                }
                sign.remove(ii);
                sign.push(0.0);
            }
            // The factor of the remaining active Gram block.
            if n_active > 0 {
                let sub = Array2::from_shape_fn((n_active, n_active), |(a, b)| g(perm[a], perm[b]));
                if let Some(ch) = dense::Cholesky::new(sub.view()) {
                    let lf = ch.l();
                    l.slice_mut(sl![..n_active, ..n_active]).assign(&lf);
                }
            }
            let temp: Vec<f64> = dropped
                .iter()
                .map(|&j| xy[j] - gram.row(j).dot(&new))
                .collect();
            let mut c2 = temp;
            c2.extend_from_slice(&cov);
            cov = c2;
        }
        coefs.push(new);
    }
    coefs.truncate(n_iter + 1);
    alphas.truncate(n_iter + 1);
    LarsPath {
        alphas,
        coefs,
        n_iter,
    }
}

/// The path on data already centred (or not, without an intercept): forms `X'X` and `X'y`.
pub fn lars_path(
    x: ArrayView2<f64>,
    y: ArrayView1<f64>,
    max_iter: usize,
    alpha_min: f64,
    method: Method,
    eps: f64,
) -> LarsPath {
    let gram = x.t().dot(&x);
    let xy = x.t().dot(&y);
    lars_path_gram(
        gram.view(),
        xy.view(),
        x.nrows(),
        max_iter,
        alpha_min,
        method,
        eps,
    )
}

/// KFold(5) without shuffling: the test rows of each fold, as contiguous ranges.
pub fn kfold(n: usize, k: usize) -> Vec<std::ops::Range<usize>> {
    let mut out = Vec::with_capacity(k);
    let mut start = 0;
    for i in 0..k {
        let size = n / k + usize::from(i < n % k);
        out.push(start..start + size);
        start += size;
    }
    out
}

/// The rows of `x` outside `test` and inside it.
pub fn split_rows(
    x: ArrayView2<f64>,
    y: ArrayView1<f64>,
    test: &std::ops::Range<usize>,
) -> (Array2<f64>, Array1<f64>, Array2<f64>, Array1<f64>) {
    let train: Vec<usize> = (0..x.nrows()).filter(|i| !test.contains(i)).collect();
    let te: Vec<usize> = test.clone().collect();
    (
        x.select(ndarray::Axis(0), &train),
        y.select(ndarray::Axis(0), &train),
        x.select(ndarray::Axis(0), &te),
        y.select(ndarray::Axis(0), &te),
    )
}

/// `scipy.interpolate.interp1d(xs, ..)(at)`'s bracket in the sorted `xs`: the positions
/// below and above `at` (searchsorted left, clipped to `[1, n-1]`) and their abscissae.
fn bracket(xs: &[f64], at: f64) -> Option<(usize, usize, f64, f64)> {
    let n = xs.len();
    if n < 2 {
        return None;
    }
    let i = xs.partition_point(|v| *v < at).clamp(1, n - 1);
    Some((i - 1, i, xs[i - 1], xs[i]))
}

/// LarsCV's selection: the alpha with the lowest mean squared test residual over KFold(5),
/// each fold's LARS path fitted on its centred training rows and interpolated onto the union
/// of the folds' alphas (thinned to at most `max_n_alphas`).
pub fn cv_alpha(
    x: ArrayView2<f64>,
    y: ArrayView1<f64>,
    fit_intercept: bool,
    max_iter: usize,
    method: Method,
    eps: f64,
    max_n_alphas: usize,
) -> f64 {
    let folds = kfold(x.nrows(), 5);
    let mut paths = Vec::new();
    for test in &folds {
        let (mut xtr, mut ytr, mut xte, mut yte) = split_rows(x, y, test);
        if fit_intercept {
            if let (Some(xm), Some(ym)) = (xtr.mean_axis(ndarray::Axis(0)), ytr.mean()) {
                xtr -= &xm;
                xte -= &xm;
                ytr -= ym;
                yte -= ym;
            }
        }
        let path = lars_path(xtr.view(), ytr.view(), max_iter, 0.0, method, eps);
        // residues[k][row] for each step k
        let residues: Vec<Array1<f64>> = path.coefs.iter().map(|c| xte.dot(c) - &yte).collect();
        paths.push((path.alphas, residues));
    }
    let mut all: Vec<f64> = paths.iter().flat_map(|p| p.0.iter().cloned()).collect();
    all.sort_by(f64::total_cmp);
    all.dedup();
    let stride = ((all.len() as f64 / max_n_alphas.max(1) as f64) as usize).max(1);
    let all: Vec<f64> = all.into_iter().step_by(stride).collect();
    let Some(&last) = all.last() else {
        return 0.0;
    };
    let mut mse = vec![vec![0.0; paths.len()]; all.len()];
    for (fi, (alphas, residues)) in paths.iter().enumerate() {
        let mut a: Vec<f64> = alphas.iter().rev().cloned().collect();
        let mut r: Vec<Array1<f64>> = residues.iter().rev().cloned().collect();
        if a[0] != 0.0 {
            a.insert(0, 0.0);
            r.insert(0, r[0].clone());
        }
        if a[a.len() - 1] != last {
            a.push(last);
            r.push(r[r.len() - 1].clone());
        }
        // interp1d sorts the abscissae (they already ascend, but for ties keep the order).
        let mut order: Vec<usize> = (0..a.len()).collect();
        order.sort_by(|&i, &j| a[i].total_cmp(&a[j]));
        let xs: Vec<f64> = order.iter().map(|&i| a[i]).collect();
        let nrow = r[0].len();
        for (ai, &at) in all.iter().enumerate() {
            let Some((lo, hi, xl, xh)) = bracket(&xs, at) else {
                mse[ai][fi] = f64::NAN;
                continue;
            };
            let (rl, rh) = (&r[order[lo]], &r[order[hi]]);
            let sum: f64 = rl
                .iter()
                .zip(rh.iter())
                .map(|(yl, yh)| {
                    let v = (yh - yl) / (xh - xl) * (at - xl) + yl;
                    v * v
                })
                .sum();
            mse[ai][fi] = sum / nrow.max(1) as f64;
        }
    }
    let mut best = (f64::INFINITY, 0.0);
    for (ai, row) in mse.iter().enumerate() {
        if !row.iter().all(|v| v.is_finite()) {
            continue;
        }
        let m = row.iter().sum::<f64>() / row.len() as f64;
        if m < best.0 {
            best = (m, all[ai]);
        }
    }
    best.1
}

/// Fits the LARS/lasso path on centred data (as scikit-learn's `_preprocess_data`) and returns
/// the model at its last step (at `alpha_min`), and the path.
pub(crate) fn fit_lars(
    x: ArrayView2<f64>,
    y: ArrayView1<f64>,
    fit_intercept: bool,
    max_iter: usize,
    alpha_min: f64,
    method: Method,
    eps: f64,
) -> (LinearFit, LarsPath, Centred) {
    let c = centre(x, y, fit_intercept);
    let path = lars_path(c.x.view(), c.y.view(), max_iter, alpha_min, method, eps);
    let coef = path
        .coefs
        .last()
        .cloned()
        .unwrap_or_else(|| Array1::zeros(x.ncols()));
    (finish(&c, coef), path, c)
}

/// The parameters every LARS kind shares after its own: `fit_intercept`, `verbose`,
/// `precompute` (the Gram matrix is always formed: the same path), `eps`, `copy_X`.
pub(crate) fn common_params(with_max_iter: bool) -> Vec<ParamDef> {
    let mut v = vec![fit_intercept(), verbose()];
    v.push(ignored(
        "precompute",
        ParamType::OneOf {
            none: false,
            bool: true,
            strs: &["auto"],
        },
        s("auto"),
        "ignored: the Gram matrix is always used (the same path)",
    ));
    if with_max_iter {
        v.push(p("max_iter", int(0), Value::Int(500), "maximum LARS steps"));
    }
    v.push(p(
        "eps",
        NON_NEGATIVE,
        f(f64::EPSILON),
        "floor of the Cholesky pivots",
    ));
    v.push(copy_x());
    v
}

/// The LARS kinds' cost: about one Gram matrix and one pass per step.
pub(crate) fn cost(n_rows: usize, n_features: usize, folds: usize) -> f64 {
    let (n, f) = dims(n_rows, n_features);
    (folds as f64 + 1.0) * (n * f * f + f * f * f) + folds as f64 * n * f * f
}

/// A fitted linear model as a predictor.
pub(crate) fn predictor<'a>(m: LinearFit) -> Predictor<'a> {
    Box::new(move |t| Ok(m.predict(t)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;

    #[test]
    fn lar_full_path_reaches_least_squares() {
        let x = array![
            [1.0, 0.5, -1.0],
            [2.0, -1.0, 0.0],
            [0.0, 1.0, 1.0],
            [-1.0, 2.0, 0.5],
            [-2.0, -2.5, -0.5]
        ];
        let y = array![1.0, 2.0, -1.0, 0.5, -2.5];
        let p = lars_path(x.view(), y.view(), 500, 0.0, Method::Lar, f64::EPSILON);
        let last = p.coefs.last().unwrap();
        let ols = dense::lstsq(x.view(), y.view());
        assert!((last - &ols).iter().all(|d| d.abs() < 1e-9), "{last} {ols}");
        assert!(p.alphas.windows(2).all(|w| w[0] >= w[1]));
    }

    #[test]
    fn kfold_sizes() {
        let f = kfold(12, 5);
        assert_eq!(f, vec![0..3, 3..6, 6..8, 8..10, 10..12]);
    }
}
