//! KernelRidge: ridge regression in a kernel's feature space, as scikit-learn's `KernelRidge`:
//! the dual coefficients solve `(K + alpha I) c = y` by Cholesky (least squares if `K + alpha
//! I` is not positive definite), with no intercept; predictions are `K(X_test, X_train) c`.
//! The kernels are scikit-learn's pairwise ones (`linear`, `rbf`, `poly`, `sigmoid`,
//! `laplacian`, `chi2`) with their formulas and `gamma` defaults.
//!
//! The kernel matrix is `n_rows x n_rows`: memory and the factorisation grow as `n²` and
//! `n³`, which `expected_cost` counts. At most two such matrices live at once (the kernel is
//! handed to the factorisation by value); the test kernel is built in blocks of rows.

use ndarray::{s, Array1, Array2, ArrayView1, ArrayView2, Axis};
use serde::{Deserialize, Serialize};

use crate::models::kind::{dims, Kind, Predictor, Values};
use crate::models::params::{f, p, s as str_value, Bound, ParamType, NON_NEGATIVE};
use crate::models::{dense, BuildError, ModelError, ParamDef, Value};

/// The kernel function (`kernel`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum KernelKind {
    Linear,
    Rbf,
    Poly,
    Sigmoid,
    Laplacian,
    Chi2,
}

const KERNELS: &[&str] = &[
    "linear",
    "rbf",
    "poly",
    "polynomial",
    "sigmoid",
    "laplacian",
    "chi2",
];

impl KernelKind {
    fn name(self) -> &'static str {
        match self {
            KernelKind::Linear => "linear",
            KernelKind::Rbf => "rbf",
            KernelKind::Poly => "poly",
            KernelKind::Sigmoid => "sigmoid",
            KernelKind::Laplacian => "laplacian",
            KernelKind::Chi2 => "chi2",
        }
    }
}

/// Parameters of KernelRidge.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct KernelRidgeParams {
    pub alpha: f64,
    pub kernel: KernelKind,
    /// `None`: `1 / n_features`.
    pub gamma: Option<f64>,
    pub degree: f64,
    pub coef0: f64,
}

/// scikit-learn's `KernelRidge`.
pub struct KernelRidge;

impl Kind for KernelRidge {
    type Params = KernelRidgeParams;
    const NAME: &'static str = "KernelRidge";
    const ALIASES: &'static [&'static str] = &["kernel_ridge", "krr"];
    const DOC: &'static str = "ridge regression with a kernel (dual Cholesky solve; n² memory)";

    fn params() -> Vec<ParamDef> {
        vec![
            p("alpha", NON_NEGATIVE, f(1.0), "L2 penalty strength"),
            p(
                "kernel",
                ParamType::Choice(KERNELS),
                str_value("linear"),
                "the pairwise kernel",
            ),
            p(
                "gamma",
                ParamType::OptFloat {
                    lo: Bound::Incl(0.0),
                    hi: Bound::None,
                },
                Value::None,
                "kernel coefficient of rbf, poly, sigmoid, laplacian, chi2; None: 1 / n_features",
            ),
            p(
                "degree",
                ParamType::Float {
                    lo: Bound::Incl(0.0),
                    hi: Bound::None,
                },
                f(3.0),
                "degree of the poly kernel",
            ),
            p(
                "coef0",
                ParamType::Float {
                    lo: Bound::None,
                    hi: Bound::None,
                },
                f(1.0),
                "constant term of the poly and sigmoid kernels",
            ),
        ]
    }
    fn build(v: &Values) -> Result<KernelRidgeParams, BuildError> {
        let kernel = match v.str("kernel").as_ref() {
            "rbf" => KernelKind::Rbf,
            "poly" | "polynomial" => KernelKind::Poly,
            "sigmoid" => KernelKind::Sigmoid,
            "laplacian" => KernelKind::Laplacian,
            "chi2" => KernelKind::Chi2,
            _ => KernelKind::Linear,
        };
        let gamma = v.opt_float("gamma");
        Ok(KernelRidgeParams {
            alpha: v.float("alpha"),
            kernel,
            gamma,
            degree: v.float("degree"),
            coef0: v.float("coef0"),
        })
    }
    fn values(p: &KernelRidgeParams) -> Vec<(&'static str, Value)> {
        vec![
            ("alpha", Value::Float(p.alpha)),
            ("kernel", str_value(p.kernel.name())),
            ("gamma", p.gamma.map_or(Value::None, Value::Float)),
            ("degree", Value::Float(p.degree)),
            ("coef0", Value::Float(p.coef0)),
        ]
    }
    fn min_rows(_: &KernelRidgeParams) -> usize {
        1
    }
    fn expected_cost(p: &KernelRidgeParams, n_rows: usize, n_features: usize) -> f64 {
        let (n, f) = dims(n_rows, n_features);
        if p.kernel == KernelKind::Linear && p.alpha > 0.0 && n > f {
            // the primal route (see `linear_primal`): X'X and X'y, n f² flops
            return n * f * f / 20.0;
        }
        // the n x n training kernel and a test kernel of the same order (n² f, an exp per
        // entry), and the Cholesky factorisation (n³ / 3 flops, fast per flop): on
        // friedman (5000 x 20) about 3e8, a few seconds
        n * n * f / 20.0 + n * n * n / 400.0
    }
    fn fit<'a>(
        p: &KernelRidgeParams,
        x: ArrayView2<'a, f64>,
        y: ArrayView1<'a, f64>,
    ) -> Result<Predictor<'a>, ModelError> {
        let model = fit_kernel_ridge(p, x, y)?;
        Ok(Box::new(move |t| model.predict(t)))
    }
}

/// A fitted kernel ridge: the training rows and their dual coefficients, or for the linear
/// kernel the weights they amount to.
pub struct KernelRidgeFit<'a> {
    kernel: Kernel,
    x: ArrayView2<'a, f64>,
    solution: Solution,
}

enum Solution {
    /// `c = (K + alpha I)^-1 y`; a prediction is `K(t, X) c`.
    Dual(Array1<f64>),
    /// The linear kernel's `w = X' c`; a prediction is `t w`.
    Primal(Array1<f64>),
}

/// Where `trace(X'X + alpha I) / alpha`, a bound of the condition number of both `X'X + alpha I`
/// and `K + alpha I`, stays below this, the two routes of the linear kernel agree to far
/// better than scikit-learn's own rounding shows (about 1e-6 relative at the worst).
const PRIMAL_CONDITION: f64 = 1e10;

/// The linear kernel's weights `w = X' (X X' + alpha I)^-1 y = (X'X + alpha I)^-1 X'y` (the
/// same vector: the push-through identity), from a `p x p` system instead of scikit-learn's
/// `n x n` one: `n p²` work instead of `n³ / 3`, when there are more rows than columns, alpha
/// is positive and the system is well conditioned (see [`PRIMAL_CONDITION`]); `None` then
/// leaves it to the dual route, which replicates scikit-learn step by step.
fn linear_primal(x: ArrayView2<f64>, y: ArrayView1<f64>, alpha: f64) -> Option<Array1<f64>> {
    let (n, f) = x.dim();
    if alpha.is_nan() || alpha <= 0.0 || n <= f {
        return None;
    }
    let mut gram = x.t().dot(&x);
    gram.diag_mut().mapv_inplace(|d| d + alpha);
    let bound = gram.diag().sum() / alpha;
    if !(bound.is_finite() && bound < PRIMAL_CONDITION) {
        return None;
    }
    dense::cholesky_solve(gram.view(), x.t().dot(&y).view())
}

/// A kernel with its coefficients resolved.
#[derive(Clone, Copy, Debug)]
struct Kernel {
    kind: KernelKind,
    gamma: f64,
    degree: f64,
    coef0: f64,
}

fn has_negative(a: ArrayView2<f64>) -> bool {
    a.iter().any(|v| *v < 0.0)
}

impl Kernel {
    /// `K(a, b)`, `a.nrows() x b.nrows()`; `same` when `a` is `b` (the training kernel:
    /// squared distances on the diagonal are exactly 0, as scikit-learn's).
    fn matrix(&self, a: ArrayView2<f64>, b: ArrayView2<f64>, same: bool) -> Array2<f64> {
        let g = self.gamma;
        match self.kind {
            KernelKind::Linear => a.dot(&b.t()),
            KernelKind::Poly => a
                .dot(&b.t())
                .mapv(|k| (k * g + self.coef0).powf(self.degree)),
            KernelKind::Sigmoid => a.dot(&b.t()).mapv(|k| (k * g + self.coef0).tanh()),
            KernelKind::Rbf => {
                let aa = a.map_axis(Axis(1), |r| r.dot(&r));
                let bb = b.map_axis(Axis(1), |r| r.dot(&r));
                let mut k = a.dot(&b.t());
                for ((i, j), v) in k.indexed_iter_mut() {
                    let d = if same && i == j {
                        0.0
                    } else {
                        (aa[i] - 2.0 * *v + bb[j]).max(0.0)
                    };
                    *v = (-g * d).exp();
                }
                k
            }
            KernelKind::Laplacian => Array2::from_shape_fn((a.nrows(), b.nrows()), |(i, j)| {
                let d: f64 = a
                    .row(i)
                    .iter()
                    .zip(b.row(j))
                    .map(|(p, q)| (p - q).abs())
                    .sum();
                (-g * d).exp()
            }),
            KernelKind::Chi2 => Array2::from_shape_fn((a.nrows(), b.nrows()), |(i, j)| {
                let mut acc = 0.0;
                for (p, q) in a.row(i).iter().zip(b.row(j)) {
                    let sum = p + q;
                    if sum != 0.0 {
                        acc += (p - q) * (p - q) / sum;
                    }
                }
                (-g * acc).exp()
            }),
        }
    }
}

/// Fits the dual coefficients, as `KernelRidge.fit` without sample weights.
pub fn fit_kernel_ridge<'a>(
    p: &KernelRidgeParams,
    x: ArrayView2<'a, f64>,
    y: ArrayView1<'a, f64>,
) -> Result<KernelRidgeFit<'a>, ModelError> {
    let f = x.ncols().max(1) as f64;
    let kernel = Kernel {
        kind: p.kernel,
        gamma: p.gamma.unwrap_or(1.0 / f),
        degree: p.degree,
        coef0: p.coef0,
    };
    if kernel.kind == KernelKind::Chi2 && p.gamma.is_none() {
        // scikit-learn passes gamma=None on to chi2_kernel, which fails on it
        return Err(ModelError::Fit {
            kind: KernelRidge::NAME,
            message: "kernel='chi2' needs a gamma (scikit-learn fails with gamma=None)".into(),
        });
    }
    if kernel.kind == KernelKind::Chi2 && has_negative(x) {
        return Err(ModelError::Fit {
            kind: KernelRidge::NAME,
            message: "X contains negative values (the chi2 kernel needs X >= 0)".into(),
        });
    }
    if kernel.kind == KernelKind::Linear {
        if let Some(w) = linear_primal(x, y, p.alpha) {
            return Ok(KernelRidgeFit {
                kernel,
                x,
                solution: Solution::Primal(w),
            });
        }
    }
    // the kernel, then its copy for the factorisation and the factor: two n x n matrices
    let n = x.nrows();
    if n.checked_mul(n)
        .and_then(|m| m.checked_mul(2 * std::mem::size_of::<f64>()))
        .is_none_or(|bytes| bytes > isize::MAX as usize)
    {
        return Err(ModelError::Fit {
            kind: KernelRidge::NAME,
            message: format!("the {n} x {n} kernel matrix cannot be allocated"),
        });
    }
    let mut k = kernel.matrix(x, x, true);
    if k.iter().any(|v| !v.is_finite()) {
        return Err(ModelError::Fit {
            kind: KernelRidge::NAME,
            message: "the kernel matrix has a non-finite value".into(),
        });
    }
    k.diag_mut().mapv_inplace(|d| d + p.alpha);
    // Cholesky in K's own memory, or scikit-learn's fallback for a singular (or indefinite)
    // K + alpha I: least squares, on K built again (the failed factorisation overwrote it)
    let dual = match dense::solve_spd_in_place(&mut k, y) {
        Some(dual) => dual,
        None => {
            drop(k);
            let mut k = kernel.matrix(x, x, true);
            k.diag_mut().mapv_inplace(|d| d + p.alpha);
            dense::lstsq(k.view(), y)
        }
    };
    Ok(KernelRidgeFit {
        kernel,
        x,
        solution: Solution::Dual(dual),
    })
}

/// Test rows per block of the test kernel (bounds its memory to `BLOCK x n_train`).
const BLOCK: usize = 1024;

impl KernelRidgeFit<'_> {
    /// `K(t, X_train) c`, a block of test rows at a time (`t w` for the linear kernel's
    /// weights).
    pub fn predict(&self, t: ArrayView2<f64>) -> Result<Array1<f64>, ModelError> {
        if self.kernel.kind == KernelKind::Chi2 && has_negative(t) {
            return Err(ModelError::Predict {
                kind: KernelRidge::NAME,
                message: "X contains negative values (the chi2 kernel needs X >= 0)".into(),
            });
        }
        let dual = match &self.solution {
            Solution::Primal(w) => return Ok(t.dot(w)),
            Solution::Dual(dual) => dual,
        };
        let mut out = Array1::zeros(t.nrows());
        let mut start = 0;
        while start < t.nrows() {
            let end = (start + BLOCK).min(t.nrows());
            let k = self
                .kernel
                .matrix(t.slice(s![start..end, ..]), self.x, false);
            out.slice_mut(s![start..end]).assign(&k.dot(dual));
            start = end;
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::models::linear;
    use ndarray::array;

    fn params(kernel: KernelKind, gamma: Option<f64>) -> KernelRidgeParams {
        KernelRidgeParams {
            alpha: 0.5,
            kernel,
            gamma,
            degree: 3.0,
            coef0: 1.0,
        }
    }

    #[test]
    fn the_linear_kernels_primal_route_is_the_dual_one() {
        let x = Array2::from_shape_fn((40, 3), |(i, j)| ((i * 7 + j * 3) % 11) as f64 - 5.0);
        let y = Array1::from_shape_fn(40, |i| (i % 5) as f64 - 1.5);
        let t = array![[0.3, 0.7, -1.0], [2.0, 2.0, 4.0]];
        let fit = fit_kernel_ridge(&params(KernelKind::Linear, None), x.view(), y.view()).unwrap();
        assert!(matches!(fit.solution, Solution::Primal(_)));
        let mut k = x.dot(&x.t());
        k.diag_mut().mapv_inplace(|d| d + 0.5);
        let dual = dense::cholesky_solve(k.view(), y.view()).unwrap();
        let (a, b) = (fit.predict(t.view()).unwrap(), t.dot(&x.t()).dot(&dual));
        assert!(
            (&a - &b).iter().all(|d| d.abs() < 1e-10 * b.abs().sum()),
            "{a} {b}"
        );
        // a tiny alpha leaves it to scikit-learn's own n x n route
        let mut tiny = params(KernelKind::Linear, None);
        tiny.alpha = 1e-12;
        let fit = fit_kernel_ridge(&tiny, x.view(), y.view()).unwrap();
        assert!(matches!(fit.solution, Solution::Dual(_)));
    }

    #[test]
    fn linear_kernel_is_ridge_without_intercept() {
        let x = array![[1.0, 0.5], [2.0, -1.0], [3.0, 2.0], [0.5, 0.0], [-1.0, 1.0]];
        let y = array![1.0, 2.0, 4.0, 0.5, -0.5];
        let fit = fit_kernel_ridge(&params(KernelKind::Linear, None), x.view(), y.view()).unwrap();
        let ridge = linear::ridge(x.view(), y.view(), 0.5, false);
        let t = array![[0.3, 0.7], [2.0, 2.0]];
        let (a, b) = (fit.predict(t.view()).unwrap(), ridge.predict(t.view()));
        assert!((&a - &b).iter().all(|d| d.abs() < 1e-12), "{a} {b}");
    }

    #[test]
    fn kernels_match_their_formulas() {
        let a = array![[1.0, 2.0]];
        let b = array![[0.5, 4.0]];
        let k = |kind, gamma: f64| {
            Kernel {
                kind,
                gamma,
                degree: 2.0,
                coef0: 1.0,
            }
            .matrix(a.view(), b.view(), false)[[0, 0]]
        };
        let dot = 8.5;
        assert!((k(KernelKind::Poly, 0.5) - (0.5 * dot + 1.0f64).powi(2)).abs() < 1e-12);
        assert!((k(KernelKind::Sigmoid, 0.1) - (0.1 * dot + 1.0f64).tanh()).abs() < 1e-12);
        assert!((k(KernelKind::Rbf, 0.2) - (-0.2f64 * 4.25).exp()).abs() < 1e-12);
        assert!((k(KernelKind::Laplacian, 0.2) - (-0.2f64 * 2.5).exp()).abs() < 1e-12);
        let chi2: f64 = 0.25 / 1.5 + 4.0 / 6.0;
        assert!((k(KernelKind::Chi2, 1.0) - (-chi2).exp()).abs() < 1e-12);
    }

    #[test]
    fn chi2_refuses_negative_values_and_indefinite_kernels_fall_back() {
        let x = array![[1.0, -2.0], [0.5, 1.0]];
        let y = array![1.0, 2.0];
        assert!(
            fit_kernel_ridge(&params(KernelKind::Chi2, Some(1.0)), x.view(), y.view()).is_err()
        );
        // alpha = 0 on a rank-one linear kernel: singular, solved by least squares
        let p = KernelRidgeParams {
            alpha: 0.0,
            ..params(KernelKind::Linear, None)
        };
        let x = array![[1.0], [2.0], [3.0]];
        let y = array![1.0, 2.0, 3.0];
        let fit = fit_kernel_ridge(&p, x.view(), y.view()).unwrap();
        let pred = fit.predict(x.view()).unwrap();
        assert!(pred.iter().all(|v| v.is_finite()));
        assert!((pred[1] - 2.0).abs() < 1e-9, "{pred}");
    }
}
