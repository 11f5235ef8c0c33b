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

/// Dot product summed in index order (libsvm's order; used for norms and kernel diagonals so
/// that they agree exactly with the panel kernel rows).
#[inline]
pub fn dot_seq(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).fold(0.0, |s, (x, y)| s + x * y)
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

/// Samples per panel of [`Samples::panels`].
pub const PANEL: usize = 16;

/// A dense row-major matrix of samples with their squared norms, plus the same values in
/// panels of [`PANEL`] samples stored feature-major (`panel p, feature k, sample t` at
/// `(p * d + k) * PANEL + t`), the layout [`kernel_row`] streams through.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Samples {
    /// Row-major values, `n * d`.
    pub values: Vec<f64>,
    /// Squared Euclidean norm of each row (summed in feature order, as libsvm).
    pub sq: Vec<f64>,
    /// Number of rows.
    pub n: usize,
    /// Number of columns.
    pub d: usize,
    /// Panel layout (zero-padded to whole panels); not serialised, rebuilt on demand.
    #[serde(skip)]
    pub panels: Vec<f64>,
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
            dot_seq(r, r)
        });
        let sq = sq.collect();
        let mut s = Samples {
            values,
            sq,
            n,
            d,
            panels: Vec::new(),
        };
        s.build_panels();
        s
    }

    /// Whether the panel layout is present (it is not after deserialisation).
    pub fn has_panels(&self) -> bool {
        self.panels.len() == self.n.div_ceil(PANEL) * PANEL * self.d
    }

    /// Builds the panel layout from the row-major values.
    pub fn build_panels(&mut self) {
        let (n, d) = (self.n, self.d);
        let np = n.div_ceil(PANEL);
        let mut panels = vec![0.0; np * PANEL * d];
        for i in 0..n {
            let (p, t) = (i / PANEL, i % PANEL);
            for k in 0..d {
                panels[(p * d + k) * PANEL + t] = self.values[i * d + k];
            }
        }
        self.panels = panels;
    }

    /// Row `i`.
    #[inline(always)]
    pub fn row(&self, i: usize) -> &[f64] {
        &self.values[i * self.d..(i + 1) * self.d]
    }
}

/// `2^(j/32)` for `j` in 0..32, correctly rounded.
const EXP2_TABLE: [f64; 32] = [
    f64::from_bits(0x3ff0000000000000),
    f64::from_bits(0x3ff059b0d3158574),
    f64::from_bits(0x3ff0b5586cf9890f),
    f64::from_bits(0x3ff11301d0125b51),
    f64::from_bits(0x3ff172b83c7d517b),
    f64::from_bits(0x3ff1d4873168b9aa),
    f64::from_bits(0x3ff2387a6e756238),
    f64::from_bits(0x3ff29e9df51fdee1),
    f64::from_bits(0x3ff306fe0a31b715),
    f64::from_bits(0x3ff371a7373aa9cb),
    f64::from_bits(0x3ff3dea64c123422),
    f64::from_bits(0x3ff44e086061892d),
    f64::from_bits(0x3ff4bfdad5362a27),
    f64::from_bits(0x3ff5342b569d4f82),
    f64::from_bits(0x3ff5ab07dd485429),
    f64::from_bits(0x3ff6247eb03a5585),
    f64::from_bits(0x3ff6a09e667f3bcd),
    f64::from_bits(0x3ff71f75e8ec5f74),
    f64::from_bits(0x3ff7a11473eb0187),
    f64::from_bits(0x3ff82589994cce13),
    f64::from_bits(0x3ff8ace5422aa0db),
    f64::from_bits(0x3ff93737b0cdc5e5),
    f64::from_bits(0x3ff9c49182a3f090),
    f64::from_bits(0x3ffa5503b23e255d),
    f64::from_bits(0x3ffae89f995ad3ad),
    f64::from_bits(0x3ffb7f76f2fb5e47),
    f64::from_bits(0x3ffc199bdd85529c),
    f64::from_bits(0x3ffcb720dcef9069),
    f64::from_bits(0x3ffd5818dcfba487),
    f64::from_bits(0x3ffdfc97337b9b5f),
    f64::from_bits(0x3ffea4afa2a490da),
    f64::from_bits(0x3fff50765b6e4540),
];

/// `exp(x)` for every element, in place: range reduction `x = (32 q + j) ln2/32 + r` with
/// `|r| <= ln2/64`, a degree-6 Taylor polynomial for `exp(r)` (truncation error below 4e-18),
/// `2^(j/32)` from a 32-entry table and `2^q` built from the exponent bits. Branch-free f64 and
/// u64 arithmetic, so LLVM vectorises it with baseline SSE2 (`mulpd`/`addpd`/`psllq`/`paddq`).
/// Within 2.5 ulp of the correctly rounded result. Inputs below -708 give 0 (libm gives a
/// subnormal < 1e-307 there); inputs above 709 are clamped.
pub fn exp_in_place(v: &mut [f64]) {
    for x in v.iter_mut() {
        *x = exp_fast(*x);
    }
}

/// One value of [`exp_in_place`]; inlined into loops so that they vectorise.
#[inline(always)]
pub fn exp_fast(xi: f64) -> f64 {
    const N: f64 = 32.0;
    const INV: f64 = N * std::f64::consts::LOG2_E;
    // ln 2 / 32 split so that k * L_HI is exact for |k| < 2^21
    const L_HI: f64 = f64::from_bits(0x3fe6_2e42_fee0_0000) / N;
    const L_LO: f64 = f64::from_bits(0x3dea_39ef_3579_3c76) / N;
    // 1.5 * 2^52: adding it rounds to an integer and leaves that integer in the low mantissa bits
    const SHIFT: f64 = 6_755_399_441_055_744.0;
    let under = xi < -708.0;
    let xc = if xi < -708.0 { -708.0 } else { xi };
    let xc = if xc > 709.0 { 709.0 } else { xc };
    let t = xc * INV + SHIFT;
    let k = t - SHIFT;
    let r = (xc - k * L_HI) - k * L_LO;
    let kb = t.to_bits().wrapping_sub(SHIFT.to_bits());
    let j = (kb & 31) as usize;
    let q = (kb as i64) >> 5;
    let r2 = r * r;
    let p = 1.0
        + r
        + r2 * (0.5 + r * (1.0 / 6.0))
        + r2 * r2 * ((1.0 / 24.0) + r * (1.0 / 120.0) + r2 * (1.0 / 720.0));
    let scale = f64::from_bits(((q + 1023) as u64) << 52);
    let e = EXP2_TABLE[j] * p * scale;
    if under {
        0.0
    } else {
        e
    }
}

/// `out[j] = a . x_j` for every sample of `data`, from the panel layout: each panel's
/// [`PANEL`] dot products accumulate in registers while the panel streams through once, each
/// summed in feature order (exactly as [`dot_seq`] and libsvm). The inner loop is packed
/// `mulpd`/`addpd` over the panel's samples. Where a quarter or more of `a` is zero (one-hot
/// columns) only its other features are read: a zero term adds nothing to a sum (at most the
/// sign of an exact zero changes), so the sums are the same.
fn dots_into(a: &[f64], data: &Samples, out: &mut [f64]) {
    let (n, d) = (data.n, data.d);
    let a = &a[..d];
    assert!(
        data.has_panels(),
        "kernel rows need the panel layout (Samples::build_panels)"
    );
    let sparse = 4 * a.iter().filter(|&&v| v == 0.0).count() >= d;
    let nonzero: Vec<usize> = if sparse {
        (0..d).filter(|&k| a[k] != 0.0).collect()
    } else {
        Vec::new()
    };
    for (p, panel) in data.panels.chunks_exact(d * PANEL).enumerate() {
        let mut acc = [0.0f64; PANEL];
        if !sparse {
            for (&ak, col) in a.iter().zip(panel.chunks_exact(PANEL)) {
                let col: &[f64; PANEL] = col.try_into().unwrap();
                for t in 0..PANEL {
                    acc[t] += ak * col[t];
                }
            }
        } else {
            for &k in &nonzero {
                let col: &[f64; PANEL] = panel[k * PANEL..(k + 1) * PANEL].try_into().unwrap();
                for t in 0..PANEL {
                    acc[t] += a[k] * col[t];
                }
            }
        }
        let j0 = p * PANEL;
        if j0 + PANEL <= n {
            let o: &mut [f64; PANEL] = (&mut out[j0..j0 + PANEL]).try_into().unwrap();
            *o = acc;
        } else {
            for (o, &v) in out[j0..n].iter_mut().zip(&acc) {
                *o = v;
            }
        }
    }
}

/// Writes `K(a, x_j)` for every sample `j` of `data` into `out`, where `a` has squared norm
/// `sqa`: one pass of dot products over the panel layout, then for RBF one vectorised pass
/// forming the exponents and their exp.
pub fn kernel_row(kf: &KernelFn, a: &[f64], sqa: f64, data: &Samples, out: &mut [f64]) {
    let out = &mut out[..data.n];
    dots_into(a, data, out);
    match kf.kernel {
        Kernel::Rbf => {
            let g = kf.gamma;
            for (o, &sqj) in out.iter_mut().zip(&data.sq) {
                *o = exp_fast(-g * (sqa + sqj - 2.0 * *o));
            }
        }
        Kernel::Linear => {}
        _ => {
            for (o, &sqj) in out.iter_mut().zip(&data.sq) {
                *o = kf.from_dot(*o, sqa, sqj);
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
        assert!(worst < 6e-16, "worst relative error {worst}");
        let mut v = vec![-800.0, -1e10, 1e10, f64::NEG_INFINITY];
        exp_in_place(&mut v);
        assert_eq!(&v[..2], &[0.0, 0.0]);
        assert!(v[2] > 1e307 && v[3] == 0.0);
    }

    #[test]
    fn dots_skipping_zeros_are_the_dense_sums() {
        // rows with one-hot-like zeros (over a quarter zero: the sparse route) and without;
        // each dot product against a sequential sum in feature order, bit for bit up to the
        // sign of an exact zero
        let (n, d) = (19, 12);
        let values: Vec<f64> = (0..n * d)
            .map(|k| {
                let (i, f) = (k / d, k % d);
                if f >= 4 && (i + f) % 3 != 0 {
                    0.0
                } else {
                    ((i * 7 + f * 13) % 17) as f64 * 0.37 - 2.9 + 1e-9 * f as f64
                }
            })
            .collect();
        let data = Samples::from_vec(values, n, d);
        let mut dense_row = vec![1.5; d];
        dense_row[3] = 0.0;
        let all_zero = vec![0.0; d];
        for a in (0..n)
            .map(|i| data.row(i).to_vec())
            .chain([dense_row, all_zero])
        {
            let mut out = vec![f64::NAN; n];
            dots_into(&a, &data, &mut out);
            for (j, &got) in out.iter().enumerate() {
                let want = dot_seq(&a, data.row(j));
                assert!(got == want && (got != 0.0 || want == 0.0), "{got} {want}");
                if got != 0.0 {
                    assert_eq!(got.to_bits(), want.to_bits());
                }
            }
        }
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
