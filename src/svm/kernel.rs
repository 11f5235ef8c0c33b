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

/// `exp(x)` for every element, in place: range reduction `x = k ln2 + r`, a degree-12 Taylor
/// polynomial for `exp(r)` on `|r| <= ln2/2` (error below 2e-16 relative) and `2^k` built from
/// the exponent bits. Branch-free over plain f64 arithmetic and u64 shifts, so LLVM vectorises it
/// with baseline SSE2 (`mulpd`/`addpd`/`psllq`/`paddq`). Inputs below -708 give 0 (libm gives a
/// subnormal < 1e-307 there); inputs above 709 are clamped.
pub fn exp_in_place(v: &mut [f64]) {
    const LOG2E: f64 = std::f64::consts::LOG2_E;
    const LN2_HI: f64 = f64::from_bits(0x3fe6_2e42_fee0_0000); // ln 2 rounded to 32 bits
    const LN2_LO: f64 = f64::from_bits(0x3dea_39ef_3579_3c76); // ln 2 - LN2_HI
                                                               // 1.5 * 2^52: adding it rounds to an integer and leaves that integer in the low mantissa bits
    const SHIFT: f64 = 6_755_399_441_055_744.0;
    const C: [f64; 13] = [
        1.0,
        1.0,
        1.0 / 2.0,
        1.0 / 6.0,
        1.0 / 24.0,
        1.0 / 120.0,
        1.0 / 720.0,
        1.0 / 5040.0,
        1.0 / 40320.0,
        1.0 / 362_880.0,
        1.0 / 3_628_800.0,
        1.0 / 39_916_800.0,
        1.0 / 479_001_600.0,
    ];
    for x in v.iter_mut() {
        let xi = *x;
        let under = xi < -708.0;
        let xc = xi.clamp(-708.0, 709.0);
        let t = xc * LOG2E + SHIFT;
        let k = t - SHIFT;
        let r = (xc - k * LN2_HI) - k * LN2_LO;
        // Estrin-like split for more instruction-level parallelism
        let r2 = r * r;
        let r4 = r2 * r2;
        let p01 = C[0] + C[1] * r;
        let p23 = C[2] + C[3] * r;
        let p45 = C[4] + C[5] * r;
        let p67 = C[6] + C[7] * r;
        let p89 = C[8] + C[9] * r;
        let p1011 = C[10] + C[11] * r;
        let p0_3 = p01 + p23 * r2;
        let p4_7 = p45 + p67 * r2;
        let p8_12 = p89 + (p1011 + C[12] * r2) * r2;
        let p = p0_3 + (p4_7 + p8_12 * r4) * r4;
        // 2^k: the integer k sits in the low bits of t's mantissa
        let kbits = t.to_bits().wrapping_sub(SHIFT.to_bits());
        let scale = f64::from_bits(kbits.wrapping_add(1023).wrapping_shl(52));
        let e = p * scale;
        *x = if under { 0.0 } else { e };
    }
}

/// Writes `K(a, x_j)` for every row `j` of `data` into `out`, where `a` has squared norm `sqa`:
/// one pass of dot products over the contiguous rows, then (RBF) one vectorised exp pass.
pub fn kernel_row(kf: &KernelFn, a: &[f64], sqa: f64, data: &Samples, out: &mut [f64]) {
    let d = data.d;
    let out = &mut out[..data.n];
    match kf.kernel {
        Kernel::Rbf => {
            let g = kf.gamma;
            for ((o, xj), &sqj) in out
                .iter_mut()
                .zip(data.values.chunks_exact(d))
                .zip(&data.sq)
            {
                *o = -g * (sqa + sqj - 2.0 * dot(a, xj));
            }
            exp_in_place(out);
        }
        Kernel::Linear => {
            for (o, xj) in out.iter_mut().zip(data.values.chunks_exact(d)) {
                *o = dot(a, xj);
            }
        }
        _ => {
            for ((o, xj), &sqj) in out
                .iter_mut()
                .zip(data.values.chunks_exact(d))
                .zip(&data.sq)
            {
                *o = kf.from_dot(dot(a, xj), sqa, sqj);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exp_matches_libm() {
        let mut worst: f64 = 0.0;
        let mut xs = Vec::new();
        let mut x = -708.0;
        while x < 709.0 {
            xs.push(x);
            x += 0.0137;
        }
        xs.extend([
            0.0, -0.0, 1e-300, -1e-300, 0.5, -0.5, 1.0, -1.0, 700.0, -700.0,
        ]);
        let mut v = xs.clone();
        exp_in_place(&mut v);
        for (&x, &e) in xs.iter().zip(&v) {
            let want = x.exp();
            worst = worst.max(((e - want) / want).abs());
        }
        assert!(worst < 5e-16, "worst relative error {worst}");
        let mut v = vec![-800.0, -1e10, 1e10, f64::NEG_INFINITY];
        exp_in_place(&mut v);
        assert_eq!(&v[..2], &[0.0, 0.0]);
        assert!(v[2] > 1e307 && v[3] == 0.0);
    }

    #[test]
    fn dot_and_powi() {
        let a: Vec<f64> = (0..23).map(|i| i as f64 * 0.5).collect();
        let b: Vec<f64> = (0..23).map(|i| 1.0 - i as f64).collect();
        let want: f64 = a.iter().zip(&b).map(|(x, y)| x * y).sum();
        assert!((dot(&a, &b) - want).abs() < 1e-12);
        assert_eq!(powi(1.5, 3), 3.375);
        assert_eq!(powi(2.0, 0), 1.0);
        assert_eq!(powi(-2.0, 5), -32.0);
    }
}
