//! Dense linear algebra for the model kinds, on `faer` (pure Rust, built without its rayon
//! feature, so every factorisation runs on the worker's one thread): conversions between
//! `ndarray` and `faer`, and the few factorisations the kinds need (Cholesky, symmetric
//! eigendecomposition, thin SVD, LU, minimum-norm least squares). No kind writes its own.
//! The `n x n` factorisations of the kernel kinds run with subnormal numbers flushed to zero
//! ([`flush_subnormals`]): a kernel whose entries decay to 1e-300 otherwise sends faer's
//! inner loops through the processor's slow subnormal path (20x on the Gaussian process's
//! Cholesky factor of a 2,250-row table with categories).

use faer::linalg::solvers::{DenseSolveCore, Solve};
use faer::{Mat, MatMut, MatRef, Side};
use ndarray::{Array1, Array2, ArrayView1, ArrayView2, ArrayViewMut2};

use crate::pool::flush_subnormals;
use crate::svm::dot_seq;

/// A `faer` copy of an `ndarray` matrix.
pub fn to_mat(a: ArrayView2<f64>) -> Mat<f64> {
    Mat::from_fn(a.nrows(), a.ncols(), |i, j| a[[i, j]])
}

/// A column vector (n x 1) from an `ndarray` vector.
pub fn to_col(v: ArrayView1<f64>) -> Mat<f64> {
    Mat::from_fn(v.len(), 1, |i, _| v[i])
}

/// An `ndarray` copy of a `faer` matrix.
pub fn to_array(m: MatRef<f64>) -> Array2<f64> {
    Array2::from_shape_fn((m.nrows(), m.ncols()), |(i, j)| m[(i, j)])
}

/// Column `j` of a `faer` matrix as an `ndarray` vector.
pub fn column(m: MatRef<f64>, j: usize) -> Array1<f64> {
    Array1::from_shape_fn(m.nrows(), |i| m[(i, j)])
}

/// The Cholesky factorisation `a = L L'` of a symmetric positive definite matrix.
pub struct Cholesky {
    llt: faer::linalg::solvers::Llt<f64>,
}

impl Cholesky {
    /// Factorises `a` (only its lower triangle is read); `None` if `a` is not numerically
    /// positive definite or holds a non-finite value.
    pub fn new(a: ArrayView2<f64>) -> Option<Cholesky> {
        if a.iter().any(|v| !v.is_finite()) {
            return None;
        }
        let llt = to_mat(a).llt(Side::Lower).ok()?;
        Some(Cholesky { llt })
    }

    /// The lower-triangular factor `L`.
    pub fn l(&self) -> Array2<f64> {
        to_array(self.llt.L())
    }

    /// The diagonal of `L` (its pivots).
    pub fn pivots(&self) -> Array1<f64> {
        let l = self.llt.L();
        Array1::from_shape_fn(l.nrows(), |i| l[(i, i)])
    }

    /// `log det(a)`, twice the sum of the logs of the pivots.
    pub fn log_det(&self) -> f64 {
        2.0 * self.pivots().iter().map(|d| d.ln()).sum::<f64>()
    }

    /// Solves `a z = b`.
    pub fn solve(&self, b: ArrayView1<f64>) -> Array1<f64> {
        let mut rhs = to_col(b);
        self.llt.solve_in_place(rhs.as_mut());
        column(rhs.as_ref(), 0)
    }

    /// Solves `a Z = B` for every column of `B`.
    pub fn solve_many(&self, b: ArrayView2<f64>) -> Array2<f64> {
        let mut rhs = to_mat(b);
        self.llt.solve_in_place(rhs.as_mut());
        to_array(rhs.as_ref())
    }

    /// `a^{-1}`.
    pub fn inverse(&self) -> Array2<f64> {
        to_array(self.llt.inverse().as_ref())
    }
}

/// Factorises the symmetric positive definite `a = L L'` in place: only the lower triangle is
/// read, and it is overwritten by `L` (the upper triangle is left as it was). `false` if `a`
/// is not numerically positive definite or holds a non-finite value in its lower triangle.
/// For the `n x n` kernel matrices of the Gaussian process, where a copy would cost `n²`.
pub fn cholesky_in_place(a: &mut Mat<f64>) -> bool {
    let n = a.nrows();
    if (0..n).any(|j| (j..n).any(|i| !a[(i, j)].is_finite())) {
        return false;
    }
    llt_in_place(a.as_mut())
}

/// faer's in-place Cholesky factorisation of the lower triangle of `m`, on this thread, with
/// subnormals flushed; `false` if `m` is not numerically positive definite.
fn llt_in_place(m: faer::MatMut<f64>) -> bool {
    use faer::dyn_stack::{MemBuffer, MemStack};
    use faer::linalg::cholesky::llt::factor;
    let mut mem = MemBuffer::new(factor::cholesky_in_place_scratch::<f64>(
        m.nrows(),
        faer::Par::Seq,
        Default::default(),
    ));
    flush_subnormals(|| {
        factor::cholesky_in_place(
            m,
            Default::default(),
            faer::Par::Seq,
            MemStack::new(&mut mem),
            Default::default(),
        )
    })
    .is_ok()
}

/// Solves `a z = b` for a symmetric positive definite `a` by a Cholesky factorisation done in
/// `a`'s own memory (no copy: for the `n x n` kernel matrices of kernel ridge). A symmetric
/// matrix stored row-major reads the same column-major, so faer factors it where it lies.
/// `None` when `a` is not numerically positive definite (or not contiguous): `a` is then
/// overwritten, and a caller that falls back to another solver must rebuild it.
pub fn solve_spd_in_place(a: &mut Array2<f64>, b: ArrayView1<f64>) -> Option<Array1<f64>> {
    let n = a.nrows();
    if a.ncols() != n || b.len() != n || a.iter().any(|v| !v.is_finite()) {
        return None;
    }
    let slice = a.as_slice_mut()?;
    let mut m = faer::MatMut::from_column_major_slice_mut(slice, n, n);
    if !llt_in_place(m.as_mut()) {
        return None;
    }
    Some(factor_solve(m.as_ref(), b))
}

/// Solves `L L' z = b` with the factor `L` in the lower triangle of `l` (as left by
/// [`cholesky_in_place`]).
pub fn factor_solve(l: MatRef<f64>, b: ArrayView1<f64>) -> Array1<f64> {
    let mut rhs = to_col(b);
    faer::linalg::triangular_solve::solve_lower_triangular_in_place(
        l,
        rhs.as_mut(),
        faer::Par::Seq,
    );
    faer::linalg::triangular_solve::solve_upper_triangular_in_place(
        l.transpose(),
        rhs.as_mut(),
        faer::Par::Seq,
    );
    column(rhs.as_ref(), 0)
}

/// Replaces the factor `L` in the lower triangle of `l` by the lower triangle of
/// `(L L')^{-1} = L^{-T} L^{-1}`, with `work` (same size) holding `L^{-1}`: two `n x n`
/// matrices in all, `2 n³ / 3` flops.
pub fn factor_inverse_in_place(l: &mut Mat<f64>, work: &mut Mat<f64>) {
    use faer::linalg::matmul::triangular::{matmul, BlockStructure};
    flush_subnormals(|| {
        faer::linalg::triangular_inverse::invert_lower_triangular(
            work.as_mut(),
            l.as_ref(),
            faer::Par::Seq,
        );
        matmul(
            l.as_mut(),
            BlockStructure::TriangularLower,
            faer::Accum::Replace,
            work.as_ref().transpose(),
            BlockStructure::TriangularUpper,
            work.as_ref(),
            BlockStructure::TriangularLower,
            1.0,
            faer::Par::Seq,
        );
    });
}

/// `a . b` as ndarray's `dot` sums two contiguous vectors, bit for bit: eight running sums
/// over the blocks of eight, combined as `((((0 + (s0 + s4)) + (s1 + s5)) + (s2 + s6)) +
/// (s3 + s7))`, then the remaining terms one by one. Inlined where it is called (ndarray's
/// goes through a view and a call, most of the time of a coordinate descent on a few dozen
/// features).
#[inline]
pub fn dot(a: &[f64], b: &[f64]) -> f64 {
    let len = a.len().min(b.len());
    let (a, b) = (&a[..len], &b[..len]);
    let mut s = [0.0f64; 8];
    let blocks = len / 8 * 8;
    for (ca, cb) in a[..blocks].chunks_exact(8).zip(b[..blocks].chunks_exact(8)) {
        for k in 0..8 {
            s[k] += ca[k] * cb[k];
        }
    }
    let mut sum = 0.0;
    for k in 0..4 {
        sum += s[k] + s[k + 4];
    }
    for (x, y) in a[blocks..].iter().zip(&b[blocks..]) {
        sum += x * y;
    }
    sum
}

/// `c = alpha a b`, added to `c` when `add`, by faer's product on this thread (much faster
/// than matrixmultiply's on the small and thin products of a neural network), where each of
/// the three lies in memory by rows or by columns; else by ndarray's `general_mat_mul`.
pub fn mat_mul(
    alpha: f64,
    a: ArrayView2<f64>,
    b: ArrayView2<f64>,
    add: bool,
    mut c: ArrayViewMut2<f64>,
) {
    let (m, n) = c.dim();
    let k = a.ncols();
    let accum = if add {
        faer::Accum::Add
    } else {
        faer::Accum::Replace
    };
    let faer_c = if c.is_standard_layout() {
        c.as_slice_mut()
            .map(|s| MatMut::from_row_major_slice_mut(s, m, n))
    } else {
        None
    };
    match (faer_c, as_faer(&a), as_faer(&b)) {
        (Some(fc), Some(fa), Some(fb)) if fa.nrows() == m && fb.ncols() == n && fb.nrows() == k => {
            faer::linalg::matmul::matmul(fc, accum, fa, fb, alpha, faer::Par::Seq);
        }
        _ => {
            let beta = if add { 1.0 } else { 0.0 };
            ndarray::linalg::general_mat_mul(alpha, &a, &b, beta, &mut c);
        }
    }
}

/// A view as faer's, where it lies in memory by rows or by columns.
fn as_faer<'a>(v: &ArrayView2<'a, f64>) -> Option<MatRef<'a, f64>> {
    let (r, c) = v.dim();
    if v.is_standard_layout() {
        v.to_slice().map(|s| MatRef::from_row_major_slice(s, r, c))
    } else if v.t().is_standard_layout() {
        v.to_slice_memory_order()
            .map(|s| MatRef::from_column_major_slice(s, r, c))
    } else {
        None
    }
}

/// Solves `a z = b` for a symmetric positive definite `a`; `None` if it is not one.
pub fn cholesky_solve(a: ArrayView2<f64>, b: ArrayView1<f64>) -> Option<Array1<f64>> {
    Cholesky::new(a).map(|c| c.solve(b))
}

/// Solves `a z = b` by Cholesky if `a` is symmetric positive definite (only its lower triangle
/// is read), else returns the minimum-norm least-squares solution ([`lstsq`]), as
/// scikit-learn's kernel ridge solver. Takes `a` by value so that no more than two `n x n`
/// matrices are alive at once (the kernel matrices of KernelRidge are large).
pub fn solve_spd_or_lstsq(a: Array2<f64>, b: ArrayView1<f64>) -> Array1<f64> {
    let m = to_mat(a.view());
    drop(a);
    let finite = (0..m.ncols()).all(|j| (0..m.nrows()).all(|i| m[(i, j)].is_finite()));
    if finite {
        if let Ok(llt) = m.llt(Side::Lower) {
            let mut rhs = to_col(b);
            llt.solve_in_place(rhs.as_mut());
            return column(rhs.as_ref(), 0);
        }
    }
    let a = to_array(m.as_ref());
    drop(m);
    lstsq(a.view(), b)
}

/// Solves the square system `a z = b` by LU with partial pivoting; `None` if the solution is
/// not finite (a singular `a`).
pub fn lu_solve(a: ArrayView2<f64>, b: ArrayView1<f64>) -> Option<Array1<f64>> {
    let lu = to_mat(a).partial_piv_lu();
    let mut rhs = to_col(b);
    lu.solve_in_place(rhs.as_mut());
    let z = column(rhs.as_ref(), 0);
    z.iter().all(|v| v.is_finite()).then_some(z)
}

/// The eigendecomposition of a symmetric matrix: eigenvalues ascending, eigenvectors as the
/// columns of the second matrix (as `numpy.linalg.eigh`); `None` if it did not converge or
/// `a` holds a non-finite value.
pub fn eigh(a: ArrayView2<f64>) -> Option<(Array1<f64>, Array2<f64>)> {
    if a.iter().any(|v| !v.is_finite()) {
        return None;
    }
    let evd = to_mat(a).self_adjoint_eigen(Side::Lower).ok()?;
    let s = evd.S();
    let w = Array1::from_shape_fn(a.nrows(), |i| s[i]);
    Some((w, to_array(evd.U())))
}

/// The thin SVD `a = U diag(s) V'`: `U` (n x k), `s` descending (k), `V'` (k x f), with
/// `k = min(n, f)` (as `scipy.linalg.svd(full_matrices=False)`); `None` if it did not converge
/// or `a` holds a non-finite value.
pub fn svd(a: ArrayView2<f64>) -> Option<(Array2<f64>, Array1<f64>, Array2<f64>)> {
    if a.iter().any(|v| !v.is_finite()) {
        return None;
    }
    let svd = to_mat(a).thin_svd().ok()?;
    let s = svd.S();
    let k = a.nrows().min(a.ncols());
    let sv = Array1::from_shape_fn(k, |i| s[i]);
    Some((to_array(svd.U()), sv, to_array(svd.V().transpose())))
}

/// [`lstsq`] for many small square systems (the subsets of Theil-Sen), by cheaper routes
/// where they give the same answer:
/// - LU: when `||x||_F ||x^-1||_F` (an upper bound of the 2-norm condition number) is below
///   1e6, no singular value is near `lstsq`'s cut-off and the solution is `x^-1 y` to within
///   1e6 x machine precision (about a tenth of the SVD's work);
/// - a complete orthogonal decomposition where `x` is singular with a plain rank (see
///   [`min_norm_rank_deficient`]);
/// - `lstsq` itself otherwise (ill-conditioned, or not square).
///
/// On a table with categories nearly every subset is singular (its one-hot columns add up to
/// the intercept's), on a numeric one nearly none, so the solver tries first the route that
/// served the last system.
#[derive(Default)]
pub struct SquareSolver {
    singular_last: bool,
    work: MinNormWork,
}

impl SquareSolver {
    pub fn solve(&mut self, x: ArrayView2<f64>, y: ArrayView1<f64>) -> Array1<f64> {
        let n = x.nrows();
        if n == 0 || x.ncols() != n || x.iter().any(|v| !v.is_finite()) {
            return lstsq(x, y);
        }
        if self.singular_last {
            if let Some(w) = self.work.solve(x, y) {
                return w;
            }
        }
        match lu_solve_well_conditioned(x, y) {
            Some(w) => {
                self.singular_last = false;
                w
            }
            None => {
                self.singular_last = true;
                self.work.solve(x, y).unwrap_or_else(|| lstsq(x, y))
            }
        }
    }
}

/// `x^-1 y` by LU where `||x||_F ||x^-1||_F < 1e6` (see [`SquareSolver`]).
fn lu_solve_well_conditioned(x: ArrayView2<f64>, y: ArrayView1<f64>) -> Option<Array1<f64>> {
    let n = x.nrows();
    let a = to_mat(x);
    let lu = a.partial_piv_lu();
    // the pivots' spread is a lower bound of the condition number: a singular subset (a
    // one-hot column all zeros in it) stops here, before the inverse
    let u = lu.U();
    let (lo, hi) = (0..n).fold((f64::INFINITY, 0.0f64), |(lo, hi), i| {
        (lo.min(u[(i, i)].abs()), hi.max(u[(i, i)].abs()))
    });
    if !(lo > 0.0 && hi < 1e6 * lo) {
        return None;
    }
    let inv = lu.inverse();
    // plain sums of squares (faer's norm_l2 guards against overflow, slowly for these small
    // matrices): an overflow gives an infinite bound, which declines the LU route
    let frobenius = |m: &Mat<f64>| {
        let mut s = 0.0;
        for j in 0..n {
            for v in m.col(j).iter() {
                s += v * v;
            }
        }
        s.sqrt()
    };
    let bound = frobenius(&a) * frobenius(&inv);
    (bound.is_finite() && bound < 1e6)
        .then(|| Array1::from_shape_fn(n, |i| (0..n).map(|j| inv[(i, j)] * y[j]).sum()))
}

/// The minimum-norm least-squares solution of `x w = y`, `x` square or tall, through a
/// complete orthogonal decomposition (a column-pivoted QR factorisation, a few times cheaper
/// than the SVD) where `x`'s rank is plain: each diagonal entry of the column-pivoted `R`
/// either at most `lstsq`'s cut-off (`eps * max(rows, columns)` times the largest; as a
/// singular value it would be cut) or above 1e-8 times the
/// largest (the rest then has no singular value near the cut-off), as for a subset whose
/// one-hot columns add up to the intercept's. There the minimum-norm solution of the retained
/// rank is unique, so it is `lstsq`'s. `None` for a regular `x` (take the LU) and for anything
/// in between (take the SVD).
pub fn min_norm_rank_deficient(x: ArrayView2<f64>, y: ArrayView1<f64>) -> Option<Array1<f64>> {
    MinNormWork::default().solve(x, y)
}

/// The buffers of [`min_norm_rank_deficient`], kept from one system to the next (TheilSen
/// solves ten thousand of one size; allocating and zeroing a factorisation's matrices for
/// each took a quarter of its time).
pub struct MinNormWork {
    /// `x`, then its factorisation in place: `R` above the diagonal, the reflectors below.
    a: Mat<f64>,
    /// `R`'s upper triangle, copied out before the reflectors are given their unit diagonal.
    r: Mat<f64>,
    q_coeff: Mat<f64>,
    fwd: Vec<usize>,
    bwd: Vec<usize>,
    mem: Option<faer::dyn_stack::MemBuffer>,
    /// The shape the buffers are for.
    shape: (usize, usize),
}

impl Default for MinNormWork {
    fn default() -> Self {
        MinNormWork {
            a: Mat::new(),
            r: Mat::new(),
            q_coeff: Mat::new(),
            fwd: Vec::new(),
            bwd: Vec::new(),
            mem: None,
            shape: (0, 0),
        }
    }
}

impl MinNormWork {
    /// [`min_norm_rank_deficient`], in these buffers.
    pub fn solve(&mut self, x: ArrayView2<f64>, y: ArrayView1<f64>) -> Option<Array1<f64>> {
        use faer::dyn_stack::{MemBuffer, MemStack, StackReq};
        use faer::linalg::householder as hh;
        use faer::linalg::qr::{col_pivoting, no_pivoting};
        let (m, n) = x.dim();
        if m < n || n == 0 || y.len() != m {
            return None;
        }
        let block = no_pivoting::factor::recommended_block_size::<f64>(m, n);
        if self.shape != (m, n) || self.mem.is_none() {
            self.a = Mat::zeros(m, n);
            self.r = Mat::zeros(n, n);
            self.q_coeff = Mat::zeros(block, n);
            self.fwd = vec![0; n];
            self.bwd = vec![0; n];
            let need = StackReq::any_of(&[
                col_pivoting::factor::qr_in_place_scratch::<usize, f64>(
                    m,
                    n,
                    block,
                    faer::Par::Seq,
                    Default::default(),
                ),
                hh::apply_block_householder_sequence_transpose_on_the_left_in_place_scratch::<f64>(
                    m, block, 1,
                ),
            ]);
            self.mem = Some(MemBuffer::new(need));
            self.shape = (m, n);
        }
        let mem = self.mem.as_mut().expect("allocated above");
        for j in 0..n {
            for (i, v) in self.a.col_mut(j).iter_mut().enumerate() {
                *v = x[[i, j]];
            }
        }
        self.q_coeff.fill(0.0);
        col_pivoting::factor::qr_in_place(
            self.a.as_mut(),
            self.q_coeff.as_mut(),
            &mut self.fwd,
            &mut self.bwd,
            faer::Par::Seq,
            MemStack::new(mem),
            Default::default(),
        );
        for j in 0..n {
            for i in 0..n {
                self.r[(i, j)] = if i <= j { self.a[(i, j)] } else { 0.0 };
            }
        }
        let r = self.r.as_ref();
        let top = r[(0, 0)].abs();
        let cut = f64::EPSILON * m as f64 * top;
        let rank = (0..n).take_while(|&i| r[(i, i)].abs() > cut).count();
        if rank == 0
            || rank == n
            || (0..rank).any(|i| r[(i, i)].abs() < 1e-8 * top)
            || (rank..n).any(|i| r[(i, i)].abs() > cut)
        {
            return None;
        }
        // the reflectors as faer's own QR hands them over: unit diagonal, zeros above
        for j in 0..n {
            let col = self.a.col_mut(j);
            for (i, v) in col.iter_mut().enumerate().take(j + 1) {
                *v = if i == j { 1.0 } else { 0.0 };
            }
        }
        // x P = Q [R11 R12; 0 0]: with z = P' w, the least-squares solutions are those of
        // R11 z1 + R12 z2 = (Q'y)[:rank], that is z1 = u - S z2 with u = R11^-1 (Q'y)[:rank] and
        // S = R11^-1 R12; the shortest has (I + S'S) z2 = S'u, a system of the rank deficiency's
        // size (a few columns)
        // Q'y through the Householder reflectors, without forming Q (a tenth of TheilSen's time)
        let mut qty = to_col(y);
        hh::apply_block_householder_sequence_transpose_on_the_left_in_place_with_conj(
            self.a.as_ref(),
            self.q_coeff.as_ref(),
            faer::Conj::No,
            qty.as_mut(),
            faer::Par::Seq,
            MemStack::new(mem),
        );
        let d = n - rank;
        let mut us = Mat::from_fn(rank, 1 + d, |i, j| {
            if j == 0 {
                qty[(i, 0)]
            } else {
                r[(i, rank + j - 1)]
            }
        });
        faer::linalg::triangular_solve::solve_upper_triangular_in_place(
            r.submatrix(0, 0, rank, rank),
            us.as_mut(),
            faer::Par::Seq,
        );
        // sums over the rank in order, on the columns as slices
        let sum = |a: usize, b: usize| dot_seq(us.col_as_slice(a), us.col_as_slice(b));
        // symmetric: each pair summed once (`x * y` and `y * x` are the same bits)
        let mut gram = Array2::zeros((d, d));
        for a in 0..d {
            gram[[a, a]] = 1.0 + sum(1 + a, 1 + a);
            for b in a + 1..d {
                let s = sum(1 + a, 1 + b);
                gram[[a, b]] = s;
                gram[[b, a]] = s;
            }
        }
        let rhs = Array1::from_shape_fn(d, |a| sum(1 + a, 0));
        let z2 = cholesky_solve(gram.view(), rhs.view())?;
        let z = |j: usize| {
            if j < rank {
                us[(j, 0)] - (0..d).map(|a| us[(j, 1 + a)] * z2[a]).sum::<f64>()
            } else {
                z2[j - rank]
            }
        };
        let mut out = Array1::zeros(n);
        for j in 0..n {
            out[self.fwd[j]] = z(j);
        }
        out.iter().all(|v| v.is_finite()).then_some(out)
    }
}

/// The minimum-norm least-squares solution of `x w = y`, as `scipy.linalg.lstsq` with its
/// default cut-off: singular values at most `eps * max(n, f) * s_max` count as zero. Zeros
/// if the SVD fails (a non-finite input).
pub fn lstsq(x: ArrayView2<f64>, y: ArrayView1<f64>) -> Array1<f64> {
    let (n, f) = x.dim();
    let Some((u, s, vt)) = svd(x) else {
        return Array1::zeros(f);
    };
    let smax = s.iter().cloned().fold(0.0, f64::max);
    let cutoff = f64::EPSILON * n.max(f) as f64 * smax;
    let mut coef = Array1::zeros(f);
    for k in 0..s.len() {
        if s[k] <= cutoff || s[k] == 0.0 {
            continue;
        }
        let w = u.column(k).dot(&y) / s[k];
        coef.scaled_add(w, &vt.row(k));
    }
    coef
}

/// The pseudo-inverse of a symmetric matrix from its eigendecomposition, as
/// `scipy.linalg.pinvh`: eigenvalues at most `max|w| * max(n) * eps` count as zero. `None`
/// if the decomposition fails.
pub fn pinvh(a: ArrayView2<f64>) -> Option<Array2<f64>> {
    let (w, v) = eigh(a)?;
    let wmax = w.iter().fold(0.0f64, |m, x| m.max(x.abs()));
    let cutoff = wmax * a.nrows().max(1) as f64 * f64::EPSILON;
    let n = a.nrows();
    let mut out = Array2::zeros((n, n));
    for k in 0..n {
        if w[k].abs() <= cutoff {
            continue;
        }
        // the same sums in the same order as `out[[i, j]] += v[i, k] / w[k] * v[j, k]`, on
        // slices (indexed, this loop was two fifths of ARDRegression's fit)
        let col = v.column(k).to_vec();
        let flat = out.as_slice_mut().expect("a new array is contiguous");
        for (row, &ci) in flat.chunks_exact_mut(n).zip(&col) {
            let vi = ci / w[k];
            for (o, &cj) in row.iter_mut().zip(&col) {
                *o += vi * cj;
            }
        }
    }
    Some(out)
}

/// The pseudo-inverse of any matrix from its thin SVD, as `scipy.linalg.pinv`: singular
/// values at most `s_max * max(n, f) * eps` count as zero. `None` if the SVD fails.
pub fn pinv(a: ArrayView2<f64>) -> Option<Array2<f64>> {
    let (n, f) = a.dim();
    if n == 0 || f == 0 {
        return Some(Array2::zeros((f, n)));
    }
    let (u, s, vt) = svd(a)?;
    let smax = s.iter().cloned().fold(0.0, f64::max);
    let cutoff = smax * n.max(f) as f64 * f64::EPSILON;
    let mut out = Array2::zeros((f, n));
    for k in 0..s.len() {
        if s[k] <= cutoff || s[k] == 0.0 {
            continue;
        }
        for i in 0..f {
            let vi = vt[[k, i]] / s[k];
            for j in 0..n {
                out[[i, j]] += vi * u[[j, k]];
            }
        }
    }
    Some(out)
}

/// Solves `l z = b` for a lower-triangular `l` (only its lower triangle is read).
pub fn solve_lower(l: ArrayView2<f64>, b: ArrayView1<f64>) -> Array1<f64> {
    let lm = to_mat(l);
    let mut rhs = to_col(b);
    faer::linalg::triangular_solve::solve_lower_triangular_in_place(
        lm.as_ref(),
        rhs.as_mut(),
        faer::Par::Seq,
    );
    column(rhs.as_ref(), 0)
}

/// Solves `l l' z = b` given a lower-triangular Cholesky factor `l` (LAPACK's `potrs`).
pub fn cholesky_factor_solve(l: ArrayView2<f64>, b: ArrayView1<f64>) -> Array1<f64> {
    let lm = to_mat(l);
    let mut rhs = to_col(b);
    faer::linalg::triangular_solve::solve_lower_triangular_in_place(
        lm.as_ref(),
        rhs.as_mut(),
        faer::Par::Seq,
    );
    faer::linalg::triangular_solve::solve_upper_triangular_in_place(
        lm.as_ref().transpose(),
        rhs.as_mut(),
        faer::Par::Seq,
    );
    column(rhs.as_ref(), 0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;

    #[test]
    fn mat_mul_is_the_product_in_every_layout() {
        use ndarray::{s, Array2};
        let a = Array2::from_shape_fn((7, 5), |(i, j)| (i * 5 + j) as f64 * 0.3 - 4.0);
        let b = Array2::from_shape_fn((5, 6), |(i, j)| 1.0 / (1.0 + i as f64 + 2.0 * j as f64));
        let c0 = Array2::from_shape_fn((7, 6), |(i, j)| (i + j) as f64);
        let at = a.t().to_owned();
        let bt = b.t().to_owned();
        // by rows, by columns (a transposed copy's view) and neither (a strided slice)
        let wide = Array2::from_shape_fn(
            (7, 10),
            |(i, j)| if j % 2 == 0 { a[[i, j / 2]] } else { 0.0 },
        );
        let a_views = [a.view(), at.t(), wide.slice(s![.., ..;2])];
        let b_views = [b.view(), bt.t()];
        for add in [false, true] {
            let want = 0.5 * a.dot(&b)
                + if add {
                    c0.clone()
                } else {
                    Array2::zeros((7, 6))
                };
            for av in &a_views {
                for bv in &b_views {
                    let mut c = c0.clone();
                    mat_mul(0.5, av.view(), bv.view(), add, c.view_mut());
                    for (x, y) in c.iter().zip(&want) {
                        assert!((x - y).abs() <= 1e-12 * y.abs().max(1.0), "{x} {y}");
                    }
                }
            }
        }
    }

    #[test]
    fn dot_is_ndarrays_bit_for_bit() {
        // terms of unlike magnitudes, so that the order of the sum shows in the last bits
        for len in [0usize, 1, 7, 8, 9, 15, 16, 17, 33] {
            let a = Array1::from_shape_fn(len, |i| {
                ((i * 37) % 11) as f64 * 10f64.powi(i as i32 % 7 - 3) - 0.3
            });
            let b = Array1::from_shape_fn(len, |i| 1.0 / (i as f64 + 0.7) - ((i * 13) % 5) as f64);
            let want = a.dot(&b);
            let got = dot(a.as_slice().unwrap(), b.as_slice().unwrap());
            assert_eq!(got.to_bits(), want.to_bits(), "length {len}");
        }
    }

    #[test]
    fn square_solver_is_lstsq_on_regular_and_singular_systems() {
        let mut solver = SquareSolver::default();
        let y = array![1.0, -2.0, 0.5];
        let regular = array![[2.0, 1.0, 0.0], [1.0, 3.0, 1.0], [0.0, 1.0, 4.0]];
        let (fast, svd) = (
            solver.solve(regular.view(), y.view()),
            lstsq(regular.view(), y.view()),
        );
        assert!(fast.iter().zip(&svd).all(|(a, b)| (a - b).abs() < 1e-12));
        assert!((regular.dot(&fast) - &y).iter().all(|r| r.abs() < 1e-12));
        // a zero column (a one-hot level absent from the subset): the minimum-norm solution
        let singular = array![[1.0, 0.0, 2.0], [3.0, 0.0, 1.0], [1.0, 0.0, 1.0]];
        let fast = solver.solve(singular.view(), y.view());
        let svd = lstsq(singular.view(), y.view());
        assert!(
            fast.iter().zip(&svd).all(|(a, b)| (a - b).abs() < 1e-12),
            "{fast} {svd}"
        );
        assert_eq!(fast[1], 0.0);
        // one-hot columns that add up to the intercept's, and a zero column besides
        let onehot = array![
            [1.0, 1.0, 0.0, 0.5, 0.0],
            [1.0, 0.0, 1.0, -1.0, 0.0],
            [1.0, 1.0, 0.0, 2.0, 0.0],
            [1.0, 0.0, 1.0, 0.3, 0.0],
            [1.0, 1.0, 0.0, -0.7, 0.0]
        ];
        let y5 = array![1.0, -2.0, 0.5, 3.0, 0.25];
        let (fast, svd) = (
            solver.solve(onehot.view(), y5.view()),
            lstsq(onehot.view(), y5.view()),
        );
        assert!(min_norm_rank_deficient(onehot.view(), y5.view()).is_some());
        // tall (least squares, not exact): the same one-hot columns on more rows, as an
        // ordinary least squares with a full set of levels
        let tall = array![
            [1.0, 1.0, 0.0, 0.5, 0.0],
            [1.0, 0.0, 1.0, -1.0, 0.0],
            [1.0, 1.0, 0.0, 2.0, 0.0],
            [1.0, 0.0, 1.0, 0.3, 0.0],
            [1.0, 1.0, 0.0, -0.7, 0.0],
            [1.0, 0.0, 1.0, 1.1, 0.0],
            [1.0, 1.0, 0.0, 0.2, 0.0]
        ];
        let y7 = array![1.0, -2.0, 0.5, 3.0, 0.25, -1.5, 0.75];
        let qr = min_norm_rank_deficient(tall.view(), y7.view()).expect("a plain rank");
        let tall_svd = lstsq(tall.view(), y7.view());
        assert!(
            qr.iter().zip(&tall_svd).all(|(a, b)| (a - b).abs() < 1e-12),
            "{qr} {tall_svd}"
        );
        assert_eq!(qr[4], 0.0);
        // wide: not this route
        assert!(
            min_norm_rank_deficient(tall.t(), array![1.0, 2.0, 3.0, 4.0, 5.0].view()).is_none()
        );
        assert!(
            fast.iter().zip(&svd).all(|(a, b)| (a - b).abs() < 1e-12),
            "{fast} {svd}"
        );
        // nearly singular: the SVD's cut-off decides, as scipy's
        let near = array![[1.0, 1.0, 0.0], [1.0, 1.0 + 1e-15, 0.0], [0.0, 0.0, 1.0]];
        let (fast, svd) = (
            solver.solve(near.view(), y.view()),
            lstsq(near.view(), y.view()),
        );
        assert!(
            fast.iter().zip(&svd).all(|(a, b)| (a - b).abs() < 1e-12),
            "{fast} {svd}"
        );
        assert!(
            (fast[0] - fast[1]).abs() < 1e-12,
            "the minimum-norm split of the pair"
        );
        // after singular systems the solver tries the decomposition first: a regular one
        // still gets the LU's answer
        assert!(solver.singular_last);
        let again = solver.solve(regular.view(), y.view());
        assert_eq!(
            again,
            lu_solve_well_conditioned(regular.view(), y.view()).unwrap()
        );
        assert!(!solver.singular_last);
    }

    #[test]
    fn cholesky_solves_and_logdet() {
        let a = array![[4.0, 2.0], [2.0, 3.0]];
        let c = Cholesky::new(a.view()).unwrap();
        let z = c.solve(array![2.0, 1.0].view());
        let back = a.dot(&z);
        assert!((back[0] - 2.0).abs() < 1e-12 && (back[1] - 1.0).abs() < 1e-12);
        assert!((c.log_det() - 8f64.ln()).abs() < 1e-12);
        assert!(Cholesky::new(array![[1.0, 2.0], [2.0, 1.0]].view()).is_none());
    }

    #[test]
    fn in_place_cholesky_solves_and_inverts() {
        let a = array![[4.0, 2.0, 0.5], [2.0, 3.0, 0.25], [0.5, 0.25, 2.0]];
        let mut m = to_mat(a.view());
        assert!(cholesky_in_place(&mut m));
        let b = array![1.0, -2.0, 0.5];
        let z = factor_solve(m.as_ref(), b.view());
        assert!((&a.dot(&z) - &b).iter().all(|d| d.abs() < 1e-12));
        let mut work = Mat::zeros(3, 3);
        factor_inverse_in_place(&mut m, &mut work);
        let full = Array2::from_shape_fn((3, 3), |(i, j)| m[(i.max(j), i.min(j))]);
        let eye = a.dot(&full);
        assert!((&eye - &Array2::<f64>::eye(3))
            .iter()
            .all(|d| d.abs() < 1e-12));
        let mut bad = to_mat(array![[1.0, 2.0], [2.0, 1.0]].view());
        assert!(!cholesky_in_place(&mut bad));
    }

    #[test]
    fn eigh_ascending_and_reconstructs() {
        let a = array![[2.0, 1.0], [1.0, 2.0]];
        let (w, v) = eigh(a.view()).unwrap();
        assert!((w[0] - 1.0).abs() < 1e-12 && (w[1] - 3.0).abs() < 1e-12);
        let back = v.dot(&Array2::from_diag(&w)).dot(&v.t());
        assert!((&back - &a).iter().all(|d| d.abs() < 1e-12));
    }

    #[test]
    fn svd_reconstructs_and_lstsq_min_norm() {
        let x = array![[1.0, 1.0], [2.0, 2.0], [3.0, 3.0]];
        let (u, s, vt) = svd(x.view()).unwrap();
        let back = u.dot(&Array2::from_diag(&s)).dot(&vt);
        assert!((&back - &x).iter().all(|d| d.abs() < 1e-12));
        // duplicate columns: the minimum-norm solution splits the weight evenly
        let w = lstsq(x.view(), array![2.0, 4.0, 6.0].view());
        assert!((w[0] - 1.0).abs() < 1e-12 && (w[1] - 1.0).abs() < 1e-12);
    }

    #[test]
    fn spd_solve_falls_back_to_least_squares() {
        let z = solve_spd_or_lstsq(array![[4.0, 2.0], [2.0, 3.0]], array![2.0, 1.0].view());
        assert!((z[0] - 0.5).abs() < 1e-12 && z[1].abs() < 1e-12);
        // singular: the minimum-norm solution of x + y = 2
        let z = solve_spd_or_lstsq(array![[1.0, 1.0], [1.0, 1.0]], array![2.0, 2.0].view());
        assert!((z[0] - 1.0).abs() < 1e-12 && (z[1] - 1.0).abs() < 1e-12);
    }

    #[test]
    fn lu_and_pinvh() {
        let a = array![[0.0, 1.0], [1.0, 0.0]];
        let z = lu_solve(a.view(), array![3.0, 5.0].view()).unwrap();
        assert_eq!(z, array![5.0, 3.0]);
        let p = pinvh(array![[2.0, 0.0], [0.0, 0.0]].view()).unwrap();
        assert!((p[[0, 0]] - 0.5).abs() < 1e-12 && p[[1, 1]].abs() < 1e-12);
        let r = array![[1.0, 2.0], [2.0, 4.0], [0.0, 0.0]];
        let pi = pinv(r.view()).unwrap();
        assert_eq!(pi.dim(), (2, 3));
        // a A+ a = a
        let back = r.dot(&pi).dot(&r);
        assert!((&back - &r).iter().all(|d| d.abs() < 1e-12));
    }

    #[test]
    fn dense_inverse_leaves_the_strict_upper_triangle_of_its_work_alone() {
        for n in [3usize, 17, 64, 65, 130, 300, 700] {
            let make = || {
                Mat::from_fn(n, n, |i, j| {
                    if i > j {
                        ((i * 7 + j * 3) % 11) as f64 / 100.0
                    } else if i == j {
                        n as f64
                    } else {
                        0.0
                    }
                })
            };
            let sentinel = |i: usize, j: usize| -1234.5 - (i * n + j) as f64;
            let (mut a, mut b) = (make(), make());
            assert!(cholesky_in_place(&mut a));
            assert!(cholesky_in_place(&mut b));
            let mut plain = Mat::zeros(n, n);
            factor_inverse_in_place(&mut a, &mut plain);
            let mut marked = Mat::from_fn(n, n, |i, j| if i < j { sentinel(i, j) } else { 0.0 });
            factor_inverse_in_place(&mut b, &mut marked);
            for j in 0..n {
                for i in 0..n {
                    if i < j {
                        assert_eq!(marked[(i, j)], sentinel(i, j), "n {n} ({i}, {j})");
                    } else {
                        assert_eq!(a[(i, j)].to_bits(), b[(i, j)].to_bits(), "n {n} ({i}, {j})");
                    }
                }
            }
        }
    }
}
