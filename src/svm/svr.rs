//! epsilon-SVR and nu-SVR on top of the SMO solver: input validation, building each dual
//! (linear term and feasible start), turning the dual solution into a model of support vectors,
//! and prediction over the support vectors only.

use ndarray::{Array1, ArrayView1, ArrayView2};
use serde::{Deserialize, Serialize};

use super::kernel::{dot, kernel_row, resolve_gamma, KernelFn, Samples};
use super::params::{SvmError, SvmParams, SvrKind};
use super::solver::{self, Options};

/// A fitted SVR model: `f(x) = sum_s coef_s K(sv_s, x) + intercept`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SvrModel {
    /// The support vectors (row-major) with their squared norms.
    pub support_vectors: Samples,
    /// `alpha_s - alpha*_s` of each support vector (scikit-learn's `dual_coef_`).
    pub dual_coef: Vec<f64>,
    /// Training-row index of each support vector (scikit-learn's `support_`).
    pub support: Vec<usize>,
    /// `-rho`.
    pub intercept: f64,
    /// The kernel, with gamma resolved.
    pub kernel: KernelFn,
    /// The formulation fitted.
    pub kind: SvrKind,
    /// For nu-SVR, the tube half-width epsilon found by the solver (`-r`); for epsilon-SVR the given epsilon.
    pub epsilon: f64,
    /// SMO iterations.
    pub iterations: u64,
    /// Whether the solver met its tolerance (false: it stopped at `max_iter`, where
    /// scikit-learn warns with a `ConvergenceWarning`).
    pub converged: bool,
    /// Dual objective value at the solution.
    pub objective: f64,
    /// Kernel rows computed during training (kernel-cache misses).
    pub kernel_rows: u64,
}

impl SvrModel {
    /// Predictions for the rows of `x` (same number of columns as the training data).
    pub fn predict(&self, x: ArrayView2<f64>) -> Array1<f64> {
        // the panel layout is not serialised: rebuild it for a deserialised model
        let rebuilt;
        let sv = if self.support_vectors.has_panels() {
            &self.support_vectors
        } else {
            let mut s = self.support_vectors.clone();
            s.build_panels();
            rebuilt = s;
            &rebuilt
        };
        assert_eq!(
            x.ncols(),
            sv.d,
            "predict: x has {} columns, the model {}",
            x.ncols(),
            sv.d
        );
        let xs = Samples::from_view(x);
        let mut out = Array1::zeros(xs.n);
        let mut krow = vec![0.0; sv.n];
        for (i, o) in out.iter_mut().enumerate() {
            kernel_row(&self.kernel, xs.row(i), xs.sq[i], sv, &mut krow);
            *o = dot(&krow, &self.dual_coef) + self.intercept;
        }
        out
    }

    /// Number of support vectors.
    pub fn n_support(&self) -> usize {
        self.dual_coef.len()
    }

    /// The intercept (`-rho` in libsvm's terms).
    pub fn intercept(&self) -> f64 {
        self.intercept
    }

    /// SMO iterations done.
    pub fn iterations(&self) -> u64 {
        self.iterations
    }
}

fn check_data(x: &ArrayView2<f64>, y: &ArrayView1<f64>) -> Result<(), SvmError> {
    let (n, d) = x.dim();
    if n == 0 || d == 0 {
        return Err(SvmError::EmptyData { rows: n, cols: d });
    }
    if y.len() != n {
        return Err(SvmError::LengthMismatch {
            x_rows: n,
            y_len: y.len(),
        });
    }
    if !x.iter().all(|v| v.is_finite()) || !y.iter().all(|v| v.is_finite()) {
        return Err(SvmError::NonFinite);
    }
    Ok(())
}

/// Fits epsilon-SVR or nu-SVR with scikit-learn's parametrisation (`SVR` / `NuSVR`).
pub fn fit(
    x: ArrayView2<f64>,
    y: ArrayView1<f64>,
    kind: SvrKind,
    params: &SvmParams,
) -> Result<SvrModel, SvmError> {
    params.validate()?;
    kind.validate()?;
    check_data(&x, &y)?;
    let gamma = resolve_gamma(params.gamma, x);
    if !(gamma > 0.0 && gamma.is_finite()) {
        return Err(SvmError::InvalidGamma(gamma));
    }
    let kf = KernelFn::new(params, gamma);
    let data = Samples::from_view(x);
    let n = data.n;
    let c = params.c;
    let (e, alpha0, nu) = match kind {
        SvrKind::Epsilon { epsilon } => (epsilon, (vec![0.0; n], vec![0.0; n]), false),
        SvrKind::Nu { nu } => {
            // sum(alpha + alpha*) = C nu n, split evenly, filled greedily from the first sample
            let mut sum = c * nu * n as f64 / 2.0;
            let mut a = vec![0.0; n];
            for at in a.iter_mut() {
                *at = sum.min(c);
                sum -= *at;
            }
            (0.0, (a.clone(), a), true)
        }
    };
    let max_iter = if params.max_iter < 0 {
        u64::MAX
    } else {
        params.max_iter as u64
    };
    let opt = Options {
        c,
        eps: params.tol,
        shrinking: params.shrinking,
        max_iter,
        cache_mb: params.cache_size_mb,
        nu,
    };
    let target: Vec<f64> = y.iter().copied().collect();
    let sol = solver::solve(&data, kf, &target, e, alpha0, opt);

    if !sol.rho.is_finite()
        || sol
            .alpha_pos
            .iter()
            .chain(&sol.alpha_neg)
            .any(|a| !a.is_finite())
    {
        return Err(SvmError::NumericalFailure);
    }
    let d = data.d;
    let mut sv_values = Vec::new();
    let mut dual_coef = Vec::new();
    let mut support = Vec::new();
    for t in 0..n {
        let coef = sol.alpha_pos[t] - sol.alpha_neg[t];
        if coef != 0.0 {
            dual_coef.push(coef);
            support.push(t);
            sv_values.extend_from_slice(data.row(t));
        }
    }
    let n_sv = support.len();
    let epsilon = match kind {
        SvrKind::Epsilon { epsilon } => epsilon,
        SvrKind::Nu { .. } => -sol.r,
    };
    Ok(SvrModel {
        support_vectors: Samples::from_vec(sv_values, n_sv, d),
        dual_coef,
        support,
        intercept: -sol.rho,
        kernel: kf,
        kind,
        epsilon,
        iterations: sol.iterations,
        converged: sol.converged,
        objective: sol.objective,
        kernel_rows: sol.rows_computed,
    })
}
