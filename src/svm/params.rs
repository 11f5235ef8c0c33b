//! Public parameter types of the SVR solver (kernel, gamma, SVM and SVR-kind parameters), their
//! scikit-learn defaults, validation, and the solver's error type.

use serde::{Deserialize, Serialize};

/// Kernel function, as in scikit-learn / libsvm.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Kernel {
    /// `exp(-gamma * ||x - z||^2)`
    Rbf,
    /// `x . z`
    Linear,
    /// `(gamma * x . z + coef0)^degree`
    Poly,
    /// `tanh(gamma * x . z + coef0)`
    Sigmoid,
}

/// Kernel coefficient `gamma`, as scikit-learn's `gamma` parameter.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub enum Gamma {
    /// `1 / (n_features * X.var())` (population variance of all entries of X); 1 if that variance is 0.
    Scale,
    /// `1 / n_features`
    Auto,
    /// An explicit value (must be > 0).
    Value(f64),
}

/// Parameters shared by epsilon-SVR and nu-SVR, with scikit-learn's names and defaults.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SvmParams {
    /// Kernel function (default RBF).
    pub kernel: Kernel,
    /// Kernel coefficient for RBF, poly and sigmoid (default `Scale`).
    pub gamma: Gamma,
    /// Degree of the polynomial kernel (default 3).
    pub degree: u32,
    /// Independent term of the poly and sigmoid kernels (default 0).
    pub coef0: f64,
    /// Regularisation parameter C (default 1), > 0.
    pub c: f64,
    /// Stopping tolerance on the maximal violating pair (default 1e-3), > 0.
    pub tol: f64,
    /// Size limit of the kernel-row cache in MiB (default 200, as scikit-learn; rows are
    /// kept as `f32`, as libsvm keeps them). Speed only: at 20,000 rows 1024 is no faster.
    pub cache_size_mb: f64,
    /// Use the shrinking heuristic (default true).
    pub shrinking: bool,
    /// Iteration limit; -1 means no limit (default -1).
    pub max_iter: i64,
}

impl Default for SvmParams {
    fn default() -> Self {
        SvmParams {
            kernel: Kernel::Rbf,
            gamma: Gamma::Scale,
            degree: 3,
            coef0: 0.0,
            c: 1.0,
            tol: 1e-3,
            cache_size_mb: 200.0,
            shrinking: true,
            max_iter: -1,
        }
    }
}

/// Which SVM regression formulation to solve.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub enum SvrKind {
    /// epsilon-SVR (scikit-learn `SVR`): epsilon-insensitive tube of half-width `epsilon` (default 0.1).
    Epsilon {
        /// Tube half-width, >= 0.
        epsilon: f64,
    },
    /// nu-SVR (scikit-learn `NuSVR`): `nu` (default 0.5) bounds the fraction of support vectors
    /// from below and of bounded support vectors from above.
    Nu {
        /// In (0, 1].
        nu: f64,
    },
}

impl SvrKind {
    /// scikit-learn's `SVR()`: epsilon 0.1.
    pub fn epsilon_default() -> Self {
        SvrKind::Epsilon { epsilon: 0.1 }
    }
    /// scikit-learn's `NuSVR()`: nu 0.5.
    pub fn nu_default() -> Self {
        SvrKind::Nu { nu: 0.5 }
    }
}

/// Errors of [`fit`](crate::svm::fit): invalid parameters or data.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum SvmError {
    /// The training set has no rows or no columns.
    #[error("empty training data: {rows} rows, {cols} columns")]
    EmptyData {
        /// Number of rows.
        rows: usize,
        /// Number of columns.
        cols: usize,
    },
    /// X and y disagree on the number of rows.
    #[error("x has {x_rows} rows but y has {y_len} values")]
    LengthMismatch {
        /// Rows of X.
        x_rows: usize,
        /// Length of y.
        y_len: usize,
    },
    /// X or y holds NaN or infinity.
    #[error("training data holds a non-finite value (nan or infinity)")]
    NonFinite,
    /// C is not > 0.
    #[error("c must be > 0, got {0}")]
    InvalidC(f64),
    /// nu is not in (0, 1].
    #[error("nu must be in (0, 1], got {0}")]
    InvalidNu(f64),
    /// epsilon is negative.
    #[error("epsilon must be >= 0, got {0}")]
    InvalidEpsilon(f64),
    /// gamma is not > 0.
    #[error("gamma must be > 0, got {0}")]
    InvalidGamma(f64),
    /// tol is not > 0.
    #[error("tol must be > 0, got {0}")]
    InvalidTol(f64),
    /// cache size is not > 0.
    #[error("cache_size_mb must be > 0, got {0}")]
    InvalidCacheSize(f64),
    /// coef0 is not finite.
    #[error("coef0 must be finite, got {0}")]
    InvalidCoef0(f64),
    /// The solver produced a non-finite solution (values far outside floating-point range).
    #[error("the solver produced a non-finite solution; scale the data or reduce c")]
    NumericalFailure,
    /// max_iter is neither -1 nor > 0.
    #[error("max_iter must be -1 (no limit) or > 0, got {0}")]
    InvalidMaxIter(i64),
}

impl SvmParams {
    /// Checks the shared parameters (not gamma, which needs the data).
    pub fn validate(&self) -> Result<(), SvmError> {
        if !(self.c > 0.0 && self.c.is_finite()) {
            return Err(SvmError::InvalidC(self.c));
        }
        if !(self.tol > 0.0 && self.tol.is_finite()) {
            return Err(SvmError::InvalidTol(self.tol));
        }
        if self.cache_size_mb.is_nan() || self.cache_size_mb <= 0.0 {
            return Err(SvmError::InvalidCacheSize(self.cache_size_mb));
        }
        if !self.coef0.is_finite() {
            return Err(SvmError::InvalidCoef0(self.coef0));
        }
        if self.max_iter == 0 || self.max_iter < -1 {
            return Err(SvmError::InvalidMaxIter(self.max_iter));
        }
        if let Gamma::Value(g) = self.gamma {
            if !(g > 0.0 && g.is_finite()) {
                return Err(SvmError::InvalidGamma(g));
            }
        }
        Ok(())
    }
}

impl SvrKind {
    /// Checks nu or epsilon.
    pub fn validate(&self) -> Result<(), SvmError> {
        match *self {
            SvrKind::Epsilon { epsilon } => {
                if !(epsilon >= 0.0 && epsilon.is_finite()) {
                    return Err(SvmError::InvalidEpsilon(epsilon));
                }
            }
            SvrKind::Nu { nu } => {
                if !(nu > 0.0 && nu <= 1.0) {
                    return Err(SvmError::InvalidNu(nu));
                }
            }
        }
        Ok(())
    }
}
