//! Orthogonal matching pursuit as scikit-learn's `_gram_omp`: greedy selection of the atom most
//! correlated with the residual, the least-squares refit by an updated Cholesky factor (faer
//! triangular solves through `dense`), the same swaps and premature stops. Shared by
//! OrthogonalMatchingPursuit and OrthogonalMatchingPursuitCV.

use ndarray::{s, Array1, Array2, ArrayView1, ArrayView2};

use super::dense;
use super::lars::{kfold, split_rows};

/// The coefficients (original feature order) after each step.
pub fn omp_gram(
    gram: ArrayView2<f64>,
    xy: ArrayView1<f64>,
    n_nonzero_coefs: usize,
    tol_0: f64,
    tol: Option<f64>,
) -> Vec<Array1<f64>> {
    let nf = xy.len();
    let mut g = gram.to_owned();
    let mut xy = xy.to_owned();
    let mut indices: Vec<usize> = (0..nf).collect();
    let mut alpha = xy.clone();
    let mut tol_curr = tol_0;
    let mut delta = 0.0;
    let max_features = if tol.is_some() { nf } else { n_nonzero_coefs };
    let mut l = Array2::<f64>::zeros((max_features.max(1), max_features.max(1)));
    let min_float = f64::EPSILON;
    let mut n_active = 0;
    let mut path = Vec::new();
    if nf == 0 {
        return path;
    }
    loop {
        let lam = alpha
            .iter()
            .enumerate()
            .fold((0usize, -1.0f64), |(bi, bv), (i, v)| {
                if v.abs() > bv {
                    (i, v.abs())
                } else {
                    (bi, bv)
                }
            })
            .0;
        if lam < n_active || alpha[lam] * alpha[lam] < min_float || n_active >= max_features {
            break;
        }
        if n_active > 0 {
            let row = Array1::from_iter((0..n_active).map(|a| g[[lam, a]]));
            let row = dense::solve_lower(l.slice(s![..n_active, ..n_active]), row.view());
            let v = row.dot(&row);
            let lkk = g[[lam, lam]] - v;
            if lkk <= min_float {
                break;
            }
            l.slice_mut(s![n_active, ..n_active]).assign(&row);
            l[[n_active, n_active]] = lkk.sqrt();
        } else {
            l[[0, 0]] = g[[lam, lam]].sqrt();
        }
        if lam != n_active {
            for j in 0..nf {
                g.swap([n_active, j], [lam, j]);
            }
            for i in 0..nf {
                g.swap([i, n_active], [i, lam]);
            }
            indices.swap(n_active, lam);
            xy.swap(n_active, lam);
        }
        n_active += 1;
        let gamma = dense::cholesky_factor_solve(
            l.slice(s![..n_active, ..n_active]),
            xy.slice(s![..n_active]),
        );
        let beta = g.slice(s![.., ..n_active]).dot(&gamma);
        alpha = &xy - &beta;
        let mut coef = Array1::zeros(nf);
        for (i, gv) in gamma.iter().enumerate() {
            coef[indices[i]] = *gv;
        }
        path.push(coef);
        if let Some(t) = tol {
            tol_curr += delta;
            delta = gamma.dot(&beta.slice(s![..n_active]));
            tol_curr -= delta;
            if tol_curr.abs() <= t {
                break;
            }
        } else if n_active == max_features {
            break;
        }
    }
    path
}

/// OMP on `x`, `y` already centred: the final coefficients.
pub fn omp(
    x: ArrayView2<f64>,
    y: ArrayView1<f64>,
    n_nonzero_coefs: usize,
    tol: Option<f64>,
) -> Array1<f64> {
    let gram = x.t().dot(&x);
    let xy = x.t().dot(&y);
    omp_gram(gram.view(), xy.view(), n_nonzero_coefs, y.dot(&y), tol)
        .pop()
        .unwrap_or_else(|| Array1::zeros(x.ncols()))
}

/// OrthogonalMatchingPursuitCV's choice of `n_nonzero_coefs`: the step with the lowest mean
/// test MSE over KFold(5), the paths cut to the shortest fold's.
pub fn cv_n_nonzero(
    x: ArrayView2<f64>,
    y: ArrayView1<f64>,
    fit_intercept: bool,
    max_iter: usize,
) -> usize {
    let mut mses: Vec<Vec<f64>> = Vec::new();
    for test in kfold(x.nrows(), 5) {
        let (mut xtr, mut ytr, mut xte, mut yte) = split_rows(x, y, &test);
        if fit_intercept {
            if let (Some(xm), Some(ym)) = (xtr.mean_axis(ndarray::Axis(0)), ytr.mean()) {
                xtr -= &xm;
                xte -= &xm;
                ytr -= ym;
                yte -= ym;
            }
        }
        let gram = xtr.t().dot(&xtr);
        let xy = xtr.t().dot(&ytr);
        let path = omp_gram(gram.view(), xy.view(), max_iter, 0.0, None);
        let m = yte.len().max(1) as f64;
        mses.push(
            path.iter()
                .map(|c| {
                    let r = xte.dot(c) - &yte;
                    r.dot(&r) / m
                })
                .collect(),
        );
    }
    let shortest = mses.iter().map(Vec::len).min().unwrap_or(0);
    let mut best = (f64::INFINITY, 0usize);
    for k in 0..shortest {
        let mean = mses.iter().map(|m| m[k]).sum::<f64>() / mses.len() as f64;
        if mean < best.0 {
            best = (mean, k);
        }
    }
    best.1 + 1
}
