//! Kernel evaluation over a dense row-major copy of the data: the SIMD-friendly dot product,
//! precomputed squared norms, gamma resolution (scikit-learn's "scale"/"auto"), and whole
//! kernel rows computed in one pass without allocation.

use ndarray::ArrayView2;

use super::params::{Gamma, Kernel, SvmParams};

/// Lanes of the chunked dot product: 4 independent accumulators, which LLVM turns into packed
/// `mulpd`/`addpd` on two xmm registers with the baseline x86-64 target (one ymm with AVX).
const LANES: usize = 4;

/// Dot product of two equally long slices, accumulated in `LANES` independent partial sums so
/// that the compiler vectorises it (no `target_feature` needed).
#[inline(always)]
pub fn dot(a: &[f64], b: &[f64]) -> f64 {
    debug_assert_eq!(a.len(), b.len());
    let n = a.len().min(b.len());
    let (a, b) = (&a[..n], &b[..n]);
    let mut acc = [0.0f64; LANES];
    let ca = a.chunks_exact(LANES);
    let cb = b.chunks_exact(LANES);
    let (ra, rb) = (ca.remainder(), cb.remainder());
    for (x, y) in ca.zip(cb) {
        for k in 0..LANES {
            acc[k] += x[k] * y[k];
        }
    }
    let mut tail = 0.0;
    for (x, y) in ra.iter().zip(rb) {
        tail += x * y;
    }
    (acc[0] + acc[2]) + (acc[1] + acc[3]) + tail
}

/// libsvm's integer power by repeated squaring (same rounding as scikit-learn).
#[inline]
pub fn powi(base: f64, times: u32) -> f64 {
    let mut tmp = base;
    let mut ret = 1.0;
    let mut t = times;
    while t > 0 {
        if t % 2 == 1 {
            ret *= tmp;
        }
        tmp *= tmp;
        t /= 2;
    }
    ret
}

/// Resolves `gamma` the way scikit-learn does: "scale" is `1 / (n_features * X.var())` over all
/// entries of X (ddof 0), or 1 when that variance is 0; "auto" is `1 / n_features`.
pub fn resolve_gamma(gamma: Gamma, x: ArrayView2<f64>) -> f64 {
    let d = x.ncols() as f64;
    match gamma {
        Gamma::Value(g) => g,
        Gamma::Auto => 1.0 / d,
        Gamma::Scale => {
            let count = (x.nrows() * x.ncols()) as f64;
            let mean = x.iter().sum::<f64>() / count;
            let var = x.iter().map(|v| (v - mean) * (v - mean)).sum::<f64>() / count;
            if var == 0.0 {
                1.0
            } else {
                1.0 / (d * var)
            }
        }
    }
}

/// A kernel function with its resolved coefficients.
#[derive(Clone, Copy, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct KernelFn {
    /// Which kernel.
    pub kernel: Kernel,
    /// Resolved gamma (> 0).
    pub gamma: f64,
    /// Independent term for poly and sigmoid.
    pub coef0: f64,
    /// Degree for poly.
    pub degree: u32,
}

impl KernelFn {
    /// Builds the kernel of `params` with an already resolved gamma.
    pub fn new(params: &SvmParams, gamma: f64) -> Self {
        KernelFn {
            kernel: params.kernel,
            gamma,
            coef0: params.coef0,
            degree: params.degree,
        }
    }

    /// Kernel value from the dot product and the two squared norms.
    #[inline(always)]
    pub fn from_dot(&self, dot: f64, sq_a: f64, sq_b: f64) -> f64 {
        match self.kernel {
            Kernel::Rbf => (-self.gamma * (sq_a + sq_b - 2.0 * dot)).exp(),
            Kernel::Linear => dot,
            Kernel::Poly => powi(self.gamma * dot + self.coef0, self.degree),
            Kernel::Sigmoid => (self.gamma * dot + self.coef0).tanh(),
        }
    }
}

/// A dense row-major matrix of samples with their squared norms.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Samples {
    /// Row-major values, `n * d`.
    pub values: Vec<f64>,
    /// Squared Euclidean norm of each row.
    pub sq: Vec<f64>,
    /// Number of rows.
    pub n: usize,
    /// Number of columns.
    pub d: usize,
}

impl Samples {
    /// Copies `x` into a contiguous row-major buffer and precomputes squared norms.
    pub fn from_view(x: ArrayView2<f64>) -> Self {
        let (n, d) = x.dim();
        let mut values = Vec::with_capacity(n * d);
        for row in x.rows() {
            values.extend(row.iter().copied());
        }
        Self::from_vec(values, n, d)
    }

    /// Wraps a row-major buffer of `n * d` values.
    pub fn from_vec(values: Vec<f64>, n: usize, d: usize) -> Self {
        assert_eq!(values.len(), n * d);
        let sq = (0..n).map(|i| {
            let r = &values[i * d..(i + 1) * d];
            dot(r, r)
        });
        let sq = sq.collect();
        Samples { values, sq, n, d }
    }

    /// Row `i`.
    #[inline(always)]
    pub fn row(&self, i: usize) -> &[f64] {
        &self.values[i * self.d..(i + 1) * self.d]
    }
}

/// The kernel over one sample set: computes kernel rows `K(i, .)`.
#[derive(Clone, Debug)]
pub struct KernelMatrix<'a> {
    /// The samples.
    pub data: &'a Samples,
    /// The kernel function.
    pub kf: KernelFn,
}

impl KernelMatrix<'_> {
    /// `K(i, i)`.
    pub fn diag(&self, i: usize) -> f64 {
        let r = self.data.row(i);
        self.kf
            .from_dot(dot(r, r), self.data.sq[i], self.data.sq[i])
    }

    /// Writes `K(i, j)` for all `j` into `out` (length n).
    pub fn row(&self, i: usize, out: &mut [f64]) {
        let data = self.data;
        let d = data.d;
        let xi = data.row(i);
        let sqi = data.sq[i];
        let kf = self.kf;
        match kf.kernel {
            Kernel::Rbf => {
                let g = kf.gamma;
                for ((o, xj), &sqj) in out
                    .iter_mut()
                    .zip(data.values.chunks_exact(d))
                    .zip(&data.sq)
                {
                    *o = (-g * (sqi + sqj - 2.0 * dot(xi, xj))).exp();
                }
            }
            Kernel::Linear => {
                for (o, xj) in out.iter_mut().zip(data.values.chunks_exact(d)) {
                    *o = dot(xi, xj);
                }
            }
            _ => {
                for ((o, xj), &sqj) in out
                    .iter_mut()
                    .zip(data.values.chunks_exact(d))
                    .zip(&data.sq)
                {
                    *o = kf.from_dot(dot(xi, xj), sqi, sqj);
                }
            }
        }
    }
}
