//! Linear models written to match scikit-learn exactly: Ridge (Cholesky on centred data),
//! LinearRegression (the normal equations by Cholesky where they are well posed, else the
//! minimum-norm least squares of `scipy.linalg.lstsq`: by a pivoted QR where the rank is
//! plain, by the SVD otherwise; the factorisations are faer's, through `dense`), and
//! Lasso/ElasticNet (sklearn's cyclic coordinate descent with gap-safe screening and the
//! duality-gap stopping rule of `sklearn/linear_model/_cd_fast.pyx`).
//!
//! smartcore's versions solve slightly different problems (normalisation, stopping rules), so
//! their RMSE differs from scikit-learn's by more than our 0.1 % bound; see `tests/models_fidelity.rs`.

use ndarray::{Array1, Array2, ArrayView1, ArrayView2, Axis};

use super::dense;
// eight sums side by side: a single chain of additions waits four cycles an element, and the
// coordinate descent is these products and `axpy`s
use super::dense::dot;

/// A fitted linear model: `y = x . coef + intercept`.
#[derive(Clone, Debug, PartialEq)]
pub struct LinearFit {
    pub coef: Array1<f64>,
    pub intercept: f64,
}

impl LinearFit {
    pub fn predict(&self, x: ArrayView2<f64>) -> Array1<f64> {
        x.dot(&self.coef) + self.intercept
    }
}

/// Centred copies of `x` and `y` and their means (zeros without an intercept), as
/// scikit-learn's `_preprocess_data`.
pub(crate) struct Centred {
    pub(crate) x: Array2<f64>,
    pub(crate) y: Array1<f64>,
    pub(crate) x_mean: Array1<f64>,
    pub(crate) y_mean: f64,
}

pub(crate) fn centre(x: ArrayView2<f64>, y: ArrayView1<f64>, fit_intercept: bool) -> Centred {
    let (n, f) = x.dim();
    if fit_intercept && n > 0 {
        let x_mean = x.mean_axis(Axis(0)).unwrap_or_else(|| Array1::zeros(f));
        let y_mean = y.mean().unwrap_or(0.0);
        Centred {
            x: &x - &x_mean,
            y: &y - y_mean,
            x_mean,
            y_mean,
        }
    } else {
        Centred {
            x: x.to_owned(),
            y: y.to_owned(),
            x_mean: Array1::zeros(f),
            y_mean: 0.0,
        }
    }
}

pub(crate) fn finish(c: &Centred, coef: Array1<f64>) -> LinearFit {
    let intercept = c.y_mean - c.x_mean.dot(&coef);
    LinearFit { coef, intercept }
}

/// Solves `a z = b` for a symmetric positive definite `a` by Cholesky; `None` if `a` is not
/// positive definite.
fn cholesky_solve(a: Array2<f64>, b: &Array1<f64>) -> Option<Array1<f64>> {
    dense::cholesky_solve(a.view(), b.view())
}

/// As [`cholesky_solve`], but also `None` when a pivot squared is at most `rel` times its
/// diagonal entry (the column is nearly a combination of the previous ones).
fn cholesky_solve_checked(a: Array2<f64>, b: &Array1<f64>, rel: f64) -> Option<Array1<f64>> {
    let c = dense::Cholesky::new(a.view())?;
    let pivots = c.pivots();
    let ill = pivots
        .iter()
        .zip(a.diag())
        .any(|(p, d)| !(p * p > rel * d && *p > 0.0));
    (!ill).then(|| c.solve(b.view()))
}

/// Ridge regression, as scikit-learn's `Ridge(solver='auto')` on dense data: centre, then
/// solve `(X'X + alpha I) w = X'y` by Cholesky (or the kernel form `(XX' + alpha I)` when
/// there are more features than rows). Falls back to least squares if the system is singular
/// (only possible with `alpha = 0`).
pub fn ridge(x: ArrayView2<f64>, y: ArrayView1<f64>, alpha: f64, fit_intercept: bool) -> LinearFit {
    let c = centre(x, y, fit_intercept);
    let (n, f) = c.x.dim();
    let coef = if f <= n {
        let mut a = c.x.t().dot(&c.x);
        a.diag_mut().mapv_inplace(|d| d + alpha);
        cholesky_solve(a, &c.x.t().dot(&c.y))
    } else {
        let mut k = c.x.dot(&c.x.t());
        k.diag_mut().mapv_inplace(|d| d + alpha);
        cholesky_solve(k, &c.y).map(|dual| c.x.t().dot(&dual))
    };
    let coef = coef.unwrap_or_else(|| lstsq(c.x.view(), c.y.view()));
    finish(&c, coef)
}

/// Ordinary least squares, as scikit-learn's `LinearRegression`: the minimum-norm solution on
/// centred data. Well-conditioned problems are solved by the normal equations (fast: one
/// matrix product and a Cholesky factorisation); when a Cholesky pivot shows a column nearly in
/// the span of the others (relative residual below 1e-5, so that squaring the condition
/// number could cost accuracy), by SVD (singular values below `eps * max(n, f) * s_max` count
/// as zero), as `scipy.linalg.lstsq`.
pub fn ols(x: ArrayView2<f64>, y: ArrayView1<f64>, fit_intercept: bool) -> LinearFit {
    let c = centre(x, y, fit_intercept);
    let gram = c.x.t().dot(&c.x);
    // a singular gram (a one-hot column all zeros, or a full set of one-hot columns, as in
    // RANSAC's subsets): the minimum-norm solution by a pivoted QR where the rank is plain,
    // else by the SVD
    let coef = cholesky_solve_checked(gram, &c.x.t().dot(&c.y), 1e-10)
        .or_else(|| dense::min_norm_rank_deficient(c.x.view(), c.y.view()))
        .unwrap_or_else(|| lstsq(c.x.view(), c.y.view()));
    finish(&c, coef)
}

/// Minimum-norm least squares (SVD, as `scipy.linalg.lstsq`).
fn lstsq(x: ArrayView2<f64>, y: ArrayView1<f64>) -> Array1<f64> {
    dense::lstsq(x, y)
}

/// What the coordinate descent reached.
#[derive(Clone, Debug, PartialEq)]
pub struct CdOutcome {
    pub fit: LinearFit,
    pub n_iter: usize,
    pub gap: f64,
    /// The gap tolerance, `tol * ||y_centred||^2`.
    pub tol: f64,
    pub converged: bool,
}

/// Elastic net as scikit-learn's `ElasticNet` (Lasso is `l1_ratio = 1`): minimises
/// `1/(2n) ||y - Xw - b||^2 + alpha*l1_ratio*||w||_1 + 0.5*alpha*(1-l1_ratio)*||w||^2`
/// by cyclic coordinate descent on centred data, checking the duality gap whenever the largest
/// coefficient change of a sweep is at most `tol` times the largest coefficient, and stopping
/// when the gap is at most `tol * ||y||^2`. Gap-safe screening as in scikit-learn >= 1.8.
pub fn elastic_net(
    x: ArrayView2<f64>,
    y: ArrayView1<f64>,
    alpha: f64,
    l1_ratio: f64,
    fit_intercept: bool,
    max_iter: usize,
    tol: f64,
) -> CdOutcome {
    let c = centre(x, y, fit_intercept);
    let (n, f) = c.x.dim();
    let l1 = alpha * l1_ratio * n as f64;
    let l2 = alpha * (1.0 - l1_ratio) * n as f64;
    let cols: Vec<Vec<f64>> = (0..f).map(|j| c.x.column(j).to_vec()).collect();
    let yv = c.y.to_vec();
    let mut cd = Cd {
        cols: &cols,
        y: &yv,
        l1,
        l2,
        w: vec![0.0; f],
        r: yv.clone(),
        xta: vec![0.0; f],
        norm2: cols.iter().map(|c| dot(c, c)).collect(),
    };
    let (w, n_iter, gap, tol_abs, converged) = cd.run(max_iter, tol);
    finish(&c, Array1::from(w)).into_outcome(n_iter, gap, tol_abs, converged)
}

/// Coordinate descent from a warm start `w` on columns and target already centred (one step
/// of scikit-learn's `enet_path` with `precompute=False`): `l1` and `l2` are the penalties
/// times `n_samples`. Returns the coefficients reached.
pub(crate) fn descend_from(
    cols: &[Vec<f64>],
    y: &[f64],
    l1: f64,
    l2: f64,
    w: Vec<f64>,
    max_iter: usize,
    tol: f64,
) -> Vec<f64> {
    let mut r = y.to_vec();
    for (col, &wj) in cols.iter().zip(&w) {
        if wj != 0.0 {
            axpy(-wj, col, &mut r);
        }
    }
    let mut cd = Cd {
        cols,
        y,
        l1,
        l2,
        xta: vec![0.0; w.len()],
        w,
        r,
        norm2: cols.iter().map(|c| dot(c, c)).collect(),
    };
    cd.run(max_iter, tol).0
}

impl LinearFit {
    fn into_outcome(self, n_iter: usize, gap: f64, tol: f64, converged: bool) -> CdOutcome {
        CdOutcome {
            fit: self,
            n_iter,
            gap,
            tol,
            converged,
        }
    }
}

/// `y += a x`.
pub(crate) fn axpy(a: f64, x: &[f64], y: &mut [f64]) {
    for (yi, xi) in y.iter_mut().zip(x) {
        *yi += a * xi;
    }
}

struct Cd<'a> {
    cols: &'a [Vec<f64>],
    y: &'a [f64],
    l1: f64,
    l2: f64,
    w: Vec<f64>,
    /// Residual `y - X w`.
    r: Vec<f64>,
    /// `X' R - l2 w`.
    xta: Vec<f64>,
    norm2: Vec<f64>,
}

impl Cd<'_> {
    /// scikit-learn's `gap_enet`: the duality gap and the dual norm of `X'R - l2 w`.
    fn gap(&mut self) -> (f64, f64) {
        let (alpha, beta) = (self.l1, self.l2);
        let w_l2 = if beta > 0.0 {
            dot(&self.w, &self.w)
        } else {
            0.0
        };
        let r_norm2 = dot(&self.r, &self.r);
        let ry = dot(&self.r, self.y);
        if alpha == 0.0 {
            for (j, col) in self.cols.iter().enumerate() {
                self.xta[j] = dot(col, &self.r);
            }
            let dual = dot(&self.xta, &self.xta);
            if beta == 0.0 {
                return (dual, dual);
            }
            let gap = r_norm2 + 0.5 * beta * w_l2 - ry + dual / (2.0 * beta);
            return (gap, dual);
        }
        for (j, col) in self.cols.iter().enumerate() {
            self.xta[j] = dot(col, &self.r) - beta * self.w[j];
        }
        let dual_norm = self.xta.iter().fold(0.0f64, |m, v| m.max(v.abs()));
        let l1_norm: f64 = self.w.iter().map(|v| v.abs()).sum();
        let primal = 0.5 * (r_norm2 + beta * w_l2) + alpha * l1_norm;
        let scale = if dual_norm > alpha {
            alpha / dual_norm
        } else {
            1.0
        };
        let dual = -0.5 * scale * scale * (r_norm2 + beta * w_l2) + scale * ry;
        (primal - dual, dual_norm)
    }

    /// Gap-safe screening: the features that may be non-zero at the optimum.
    fn screen(&mut self, gap: f64, dual_norm: f64, excluded: &mut [bool]) -> Vec<usize> {
        let mut active = Vec::with_capacity(self.w.len());
        for (j, excluded_j) in excluded.iter_mut().enumerate() {
            if *excluded_j {
                continue;
            }
            if self.norm2[j] == 0.0 {
                self.w[j] = 0.0;
                *excluded_j = true;
                continue;
            }
            let xj_theta = self.xta[j] / self.l1.max(dual_norm);
            let d_j = (1.0 - xj_theta.abs()) / (self.norm2[j] + self.l2).sqrt();
            if d_j <= (2.0 * gap).sqrt() / self.l1 {
                active.push(j);
            } else {
                if self.w[j] != 0.0 {
                    axpy(self.w[j], &self.cols[j], &mut self.r);
                    self.w[j] = 0.0;
                }
                *excluded_j = true;
            }
        }
        active
    }

    fn run(&mut self, max_iter: usize, tol: f64) -> (Vec<f64>, usize, f64, f64, bool) {
        let f = self.w.len();
        let d_w_tol = tol;
        let tol = tol * dot(self.y, self.y);
        let screening = self.l1 != 0.0;
        let (mut gap, dual_norm) = self.gap();
        if gap <= tol {
            return (self.w.clone(), 0, gap, tol, true);
        }
        let mut excluded = vec![false; f];
        let mut active: Vec<usize> = if screening {
            self.screen(gap, dual_norm, &mut excluded)
        } else {
            (0..f).collect()
        };
        for n_iter in 0..max_iter {
            let mut w_max = 0.0f64;
            let mut d_w_max = 0.0f64;
            for &j in &active {
                if self.norm2[j] == 0.0 {
                    continue;
                }
                let w_j = self.w[j];
                let tmp = dot(&self.cols[j], &self.r) + w_j * self.norm2[j];
                let new = tmp.signum() * (tmp.abs() - self.l1).max(0.0) / (self.norm2[j] + self.l2);
                // sklearn's fsign(0) is 0: keep an exact zero.
                let new = if tmp == 0.0 { 0.0 } else { new };
                self.w[j] = new;
                if new != w_j {
                    axpy(w_j - new, &self.cols[j], &mut self.r);
                }
                d_w_max = d_w_max.max((new - w_j).abs());
                w_max = w_max.max(new.abs());
            }
            if w_max == 0.0 || d_w_max / w_max <= d_w_tol || n_iter + 1 == max_iter {
                let (g, dual_norm) = self.gap();
                gap = g;
                if gap <= tol {
                    return (self.w.clone(), n_iter + 1, gap, tol, true);
                }
                if screening {
                    active = self.screen(gap, dual_norm, &mut excluded);
                }
            }
        }
        (self.w.clone(), max_iter, gap, tol, false)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;

    #[test]
    fn ols_recovers_exact_line() {
        let x = array![[1.0, 0.0], [2.0, 1.0], [3.0, 5.0], [4.0, 2.0]];
        let y = x.column(0).mapv(|v| 2.0 * v) + &x.column(1).mapv(|v| -3.0 * v) + 7.0;
        let fit = ols(x.view(), y.view(), true);
        assert!((fit.coef[0] - 2.0).abs() < 1e-12);
        assert!((fit.coef[1] + 3.0).abs() < 1e-12);
        assert!((fit.intercept - 7.0).abs() < 1e-12);
    }

    #[test]
    fn ols_min_norm_on_duplicate_columns() {
        let x = array![[1.0, 1.0], [2.0, 2.0], [3.0, 3.0]];
        let y = array![2.0, 4.0, 6.0];
        let fit = ols(x.view(), y.view(), false);
        assert!((fit.coef[0] - 1.0).abs() < 1e-12 && (fit.coef[1] - 1.0).abs() < 1e-12);
    }

    #[test]
    fn ridge_matches_closed_form_one_feature() {
        // centred x = [-1, 0, 1], centred y = [-2, 0, 2]: w = 4 / (2 + alpha).
        let x = array![[1.0], [2.0], [3.0]];
        let y = array![1.0, 3.0, 5.0];
        let fit = ridge(x.view(), y.view(), 2.0, true);
        assert!((fit.coef[0] - 1.0).abs() < 1e-12);
        assert!((fit.intercept - 1.0).abs() < 1e-12);
    }

    #[test]
    fn lasso_zero_when_alpha_large() {
        let x = array![[1.0], [2.0], [3.0]];
        let y = array![1.0, 3.0, 5.0];
        let out = elastic_net(x.view(), y.view(), 100.0, 1.0, true, 1000, 1e-4);
        assert_eq!(out.fit.coef[0], 0.0);
        assert!((out.fit.intercept - 3.0).abs() < 1e-12);
    }
}
