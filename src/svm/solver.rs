//! The SMO decomposition solver for the SVR duals (2n variables, `Q_st = y_s y_t K(real_s, real_t)`):
//! second-order working-set selection (Fan, Chen & Lin 2005, WSS3), the one- and two-equality
//! (nu) variants of Chang & Lin's LIBSVM paper, shrinking with gradient reconstruction, and the
//! bias computation from the free variables.
//!
//! Problem: `min 1/2 a'Qa + p'a` s.t. `y'a = Δ` (and, for nu, `e'a` fixed within each sign
//! class), `0 <= a_t <= C`.

use super::cache::RowCache;
use super::kernel::KernelMatrix;

const TAU: f64 = 1e-12;
const LOWER: u8 = 0;
const UPPER: u8 = 1;
const FREE: u8 = 2;
const NONE: usize = usize::MAX;

/// What the solver returns.
#[derive(Clone, Debug)]
pub struct Solution {
    /// Dual variables in the original order (length 2n).
    pub alpha: Vec<f64>,
    /// The bias term: decision values are `sum coef K - rho`.
    pub rho: f64,
    /// For the nu solver, `r` (epsilon of nu-SVR is `-r`); 0 otherwise.
    pub r: f64,
    /// Iterations done.
    pub iterations: u64,
    /// Dual objective value.
    pub objective: f64,
    /// Kernel rows computed (cache misses).
    pub rows_computed: u64,
}

/// Solver options.
#[derive(Clone, Copy, Debug)]
pub struct Options {
    /// Box bound C.
    pub c: f64,
    /// Stopping tolerance.
    pub eps: f64,
    /// Shrinking heuristic.
    pub shrinking: bool,
    /// Maximal iterations (`u64::MAX` = no limit).
    pub max_iter: u64,
    /// Cache size in MiB.
    pub cache_mb: f64,
    /// Use the two-equality-constraint (nu) variant.
    pub nu: bool,
}

struct Solver<'a> {
    km: KernelMatrix<'a>,
    cache: RowCache,
    l: usize,
    active_size: usize,
    /// Sign y_t of each variable (+1 for alpha, -1 for alpha*), permuted with shrinking.
    y: Vec<i8>,
    /// Sample index of each variable.
    real: Vec<u32>,
    alpha: Vec<f64>,
    status: Vec<u8>,
    g: Vec<f64>,
    g_bar: Vec<f64>,
    p: Vec<f64>,
    qd: Vec<f64>,
    active_set: Vec<u32>,
    c: f64,
    eps: f64,
    unshrink: bool,
    /// Row buffers for Q rows.
    bufs: [Vec<f64>; 3],
}

/// Fills `out[..len]` with row `k` of Q (over the current permutation).
#[inline]
fn fill_q(
    cache: &mut RowCache,
    km: &KernelMatrix<'_>,
    real: &[u32],
    y: &[i8],
    k: usize,
    len: usize,
    out: &mut [f64],
) {
    let rk = real[k] as usize;
    let krow = cache.get(rk, |o| km.row(rk, o));
    let sk = y[k] as f64;
    let out = &mut out[..len];
    for ((o, &r), &yt) in out.iter_mut().zip(&real[..len]).zip(&y[..len]) {
        // Q_kt = y_k y_t K(real_k, real_t)
        let v = krow[r as usize];
        *o = if yt as f64 == sk { v } else { -v };
    }
}

impl Solver<'_> {
    #[inline]
    fn is_upper(&self, t: usize) -> bool {
        self.status[t] == UPPER
    }
    #[inline]
    fn is_lower(&self, t: usize) -> bool {
        self.status[t] == LOWER
    }
    #[inline]
    fn is_free(&self, t: usize) -> bool {
        self.status[t] == FREE
    }

    fn update_status(&mut self, t: usize) {
        self.status[t] = if self.alpha[t] >= self.c {
            UPPER
        } else if self.alpha[t] <= 0.0 {
            LOWER
        } else {
            FREE
        };
    }

    /// Q row `k` over the first `len` variables into buffer `b`.
    fn q_row(&mut self, k: usize, len: usize, b: usize) {
        fill_q(
            &mut self.cache,
            &self.km,
            &self.real,
            &self.y,
            k,
            len,
            &mut self.bufs[b],
        );
    }

    fn swap_index(&mut self, i: usize, j: usize) {
        self.y.swap(i, j);
        self.real.swap(i, j);
        self.alpha.swap(i, j);
        self.status.swap(i, j);
        self.g.swap(i, j);
        self.g_bar.swap(i, j);
        self.p.swap(i, j);
        self.qd.swap(i, j);
        self.active_set.swap(i, j);
    }

    fn reconstruct_gradient(&mut self) {
        let (l, a) = (self.l, self.active_size);
        if a == l {
            return;
        }
        for j in a..l {
            self.g[j] = self.g_bar[j] + self.p[j];
        }
        let nr_free = (0..a).filter(|&j| self.is_free(j)).count();
        if nr_free * l > 2 * a * (l - a) {
            for i in a..l {
                self.q_row(i, a, 0);
                let mut s = 0.0;
                for j in 0..a {
                    if self.status[j] == FREE {
                        s += self.alpha[j] * self.bufs[0][j];
                    }
                }
                self.g[i] += s;
            }
        } else {
            for i in 0..a {
                if self.is_free(i) {
                    self.q_row(i, l, 0);
                    let ai = self.alpha[i];
                    let q = &self.bufs[0];
                    for j in a..l {
                        self.g[j] += ai * q[j];
                    }
                }
            }
        }
    }

    /// WSS3 for the single equality constraint. Returns `None` at optimality.
    fn select_standard(&mut self) -> Option<(usize, usize, usize)> {
        let a = self.active_size;
        let mut gmax = f64::NEG_INFINITY;
        let mut gmax2 = f64::NEG_INFINITY;
        let mut gmax_idx = NONE;
        for t in 0..a {
            if self.y[t] == 1 {
                if !self.is_upper(t) && -self.g[t] >= gmax {
                    gmax = -self.g[t];
                    gmax_idx = t;
                }
            } else if !self.is_lower(t) && self.g[t] >= gmax {
                gmax = self.g[t];
                gmax_idx = t;
            }
        }
        let i = gmax_idx;
        if i != NONE {
            self.q_row(i, a, 0);
        }
        let mut gmin_idx = NONE;
        let mut obj_diff_min = f64::INFINITY;
        if i != NONE {
            let qi = &self.bufs[0];
            let yi = self.y[i] as f64;
            let qdi = self.qd[i];
            for j in 0..a {
                let gj = self.g[j];
                if self.y[j] == 1 {
                    if self.status[j] != LOWER {
                        let grad_diff = gmax + gj;
                        if gj >= gmax2 {
                            gmax2 = gj;
                        }
                        if grad_diff > 0.0 {
                            let quad = qdi + self.qd[j] - 2.0 * yi * qi[j];
                            let obj =
                                -(grad_diff * grad_diff) / if quad > 0.0 { quad } else { TAU };
                            if obj <= obj_diff_min {
                                gmin_idx = j;
                                obj_diff_min = obj;
                            }
                        }
                    }
                } else if self.status[j] != UPPER {
                    let grad_diff = gmax - gj;
                    if -gj >= gmax2 {
                        gmax2 = -gj;
                    }
                    if grad_diff > 0.0 {
                        let quad = qdi + self.qd[j] + 2.0 * yi * qi[j];
                        let obj = -(grad_diff * grad_diff) / if quad > 0.0 { quad } else { TAU };
                        if obj <= obj_diff_min {
                            gmin_idx = j;
                            obj_diff_min = obj;
                        }
                    }
                }
            }
        } else {
            // no candidate i: still compute gmax2 for the stopping test
            for j in 0..a {
                if self.y[j] == 1 {
                    if !self.is_lower(j) && self.g[j] >= gmax2 {
                        gmax2 = self.g[j];
                    }
                } else if !self.is_upper(j) && -self.g[j] >= gmax2 {
                    gmax2 = -self.g[j];
                }
            }
        }
        if gmax + gmax2 < self.eps || gmin_idx == NONE {
            return None;
        }
        Some((i, gmin_idx, 0))
    }

    /// WSS3 within each sign class for the nu variant. Returns `None` at optimality.
    fn select_nu(&mut self) -> Option<(usize, usize, usize)> {
        let a = self.active_size;
        let (mut gmaxp, mut gmaxp2, mut gmaxp_idx) = (f64::NEG_INFINITY, f64::NEG_INFINITY, NONE);
        let (mut gmaxn, mut gmaxn2, mut gmaxn_idx) = (f64::NEG_INFINITY, f64::NEG_INFINITY, NONE);
        for t in 0..a {
            if self.y[t] == 1 {
                if !self.is_upper(t) && -self.g[t] >= gmaxp {
                    gmaxp = -self.g[t];
                    gmaxp_idx = t;
                }
            } else if !self.is_lower(t) && self.g[t] >= gmaxn {
                gmaxn = self.g[t];
                gmaxn_idx = t;
            }
        }
        let (ip, ineg) = (gmaxp_idx, gmaxn_idx);
        if ip != NONE {
            self.q_row(ip, a, 0);
        }
        if ineg != NONE {
            self.q_row(ineg, a, 1);
        }
        let mut gmin_idx = NONE;
        let mut obj_diff_min = f64::INFINITY;
        let qdp = if ip != NONE { self.qd[ip] } else { 0.0 };
        let qdn = if ineg != NONE { self.qd[ineg] } else { 0.0 };
        for j in 0..a {
            let gj = self.g[j];
            if self.y[j] == 1 {
                if self.status[j] != LOWER {
                    let grad_diff = gmaxp + gj;
                    if gj >= gmaxp2 {
                        gmaxp2 = gj;
                    }
                    if grad_diff > 0.0 {
                        let quad = qdp + self.qd[j] - 2.0 * self.bufs[0][j];
                        let obj = -(grad_diff * grad_diff) / if quad > 0.0 { quad } else { TAU };
                        if obj <= obj_diff_min {
                            gmin_idx = j;
                            obj_diff_min = obj;
                        }
                    }
                }
            } else if self.status[j] != UPPER {
                let grad_diff = gmaxn - gj;
                if -gj >= gmaxn2 {
                    gmaxn2 = -gj;
                }
                if grad_diff > 0.0 {
                    let quad = qdn + self.qd[j] - 2.0 * self.bufs[1][j];
                    let obj = -(grad_diff * grad_diff) / if quad > 0.0 { quad } else { TAU };
                    if obj <= obj_diff_min {
                        gmin_idx = j;
                        obj_diff_min = obj;
                    }
                }
            }
        }
        if f64::max(gmaxp + gmaxp2, gmaxn + gmaxn2) < self.eps || gmin_idx == NONE {
            return None;
        }
        if self.y[gmin_idx] == 1 {
            Some((gmaxp_idx, gmin_idx, 0))
        } else {
            Some((gmaxn_idx, gmin_idx, 1))
        }
    }

    fn be_shrunk_standard(&self, t: usize, gmax1: f64, gmax2: f64) -> bool {
        if self.is_upper(t) {
            if self.y[t] == 1 {
                -self.g[t] > gmax1
            } else {
                -self.g[t] > gmax2
            }
        } else if self.is_lower(t) {
            if self.y[t] == 1 {
                self.g[t] > gmax2
            } else {
                self.g[t] > gmax1
            }
        } else {
            false
        }
    }

    fn be_shrunk_nu(&self, t: usize, g1: f64, g2: f64, g3: f64, g4: f64) -> bool {
        if self.is_upper(t) {
            if self.y[t] == 1 {
                -self.g[t] > g1
            } else {
                -self.g[t] > g4
            }
        } else if self.is_lower(t) {
            if self.y[t] == 1 {
                self.g[t] > g2
            } else {
                self.g[t] > g3
            }
        } else {
            false
        }
    }

    fn do_shrinking(&mut self, nu: bool) {
        let a = self.active_size;
        if nu {
            let (mut g1, mut g2, mut g3, mut g4) = (
                f64::NEG_INFINITY,
                f64::NEG_INFINITY,
                f64::NEG_INFINITY,
                f64::NEG_INFINITY,
            );
            for t in 0..a {
                let gt = self.g[t];
                if !self.is_upper(t) {
                    if self.y[t] == 1 {
                        if -gt > g1 {
                            g1 = -gt;
                        }
                    } else if -gt > g4 {
                        g4 = -gt;
                    }
                }
                if !self.is_lower(t) {
                    if self.y[t] == 1 {
                        if gt > g2 {
                            g2 = gt;
                        }
                    } else if gt > g3 {
                        g3 = gt;
                    }
                }
            }
            if !self.unshrink && f64::max(g1 + g2, g3 + g4) <= self.eps * 10.0 {
                self.unshrink = true;
                self.reconstruct_gradient();
                self.active_size = self.l;
            }
            self.shrink_pass(|s, t| s.be_shrunk_nu(t, g1, g2, g3, g4));
        } else {
            let (mut g1, mut g2) = (f64::NEG_INFINITY, f64::NEG_INFINITY);
            for t in 0..a {
                let gt = self.g[t];
                if self.y[t] == 1 {
                    if !self.is_upper(t) && -gt >= g1 {
                        g1 = -gt;
                    }
                    if !self.is_lower(t) && gt >= g2 {
                        g2 = gt;
                    }
                } else {
                    if !self.is_upper(t) && -gt >= g2 {
                        g2 = -gt;
                    }
                    if !self.is_lower(t) && gt >= g1 {
                        g1 = gt;
                    }
                }
            }
            if !self.unshrink && g1 + g2 <= self.eps * 10.0 {
                self.unshrink = true;
                self.reconstruct_gradient();
                self.active_size = self.l;
            }
            self.shrink_pass(|s, t| s.be_shrunk_standard(t, g1, g2));
        }
    }

    fn shrink_pass(&mut self, be_shrunk: impl Fn(&Self, usize) -> bool) {
        let mut i = 0;
        while i < self.active_size {
            if be_shrunk(self, i) {
                self.active_size -= 1;
                while self.active_size > i {
                    if !be_shrunk(self, self.active_size) {
                        self.swap_index(i, self.active_size);
                        break;
                    }
                    self.active_size -= 1;
                }
            }
            i += 1;
        }
    }

    fn calculate_rho_standard(&self) -> f64 {
        let (mut ub, mut lb) = (f64::INFINITY, f64::NEG_INFINITY);
        let (mut sum_free, mut nr_free) = (0.0, 0usize);
        for t in 0..self.active_size {
            let yg = self.y[t] as f64 * self.g[t];
            if self.is_upper(t) {
                if self.y[t] == -1 {
                    ub = ub.min(yg);
                } else {
                    lb = lb.max(yg);
                }
            } else if self.is_lower(t) {
                if self.y[t] == 1 {
                    ub = ub.min(yg);
                } else {
                    lb = lb.max(yg);
                }
            } else {
                nr_free += 1;
                sum_free += yg;
            }
        }
        if nr_free > 0 {
            sum_free / nr_free as f64
        } else {
            (ub + lb) / 2.0
        }
    }

    /// Returns `(rho, r)`.
    fn calculate_rho_nu(&self) -> (f64, f64) {
        let (mut ub1, mut ub2) = (f64::INFINITY, f64::INFINITY);
        let (mut lb1, mut lb2) = (f64::NEG_INFINITY, f64::NEG_INFINITY);
        let (mut s1, mut s2, mut n1, mut n2) = (0.0, 0.0, 0usize, 0usize);
        for t in 0..self.active_size {
            let gt = self.g[t];
            if self.y[t] == 1 {
                if self.is_upper(t) {
                    lb1 = lb1.max(gt);
                } else if self.is_lower(t) {
                    ub1 = ub1.min(gt);
                } else {
                    n1 += 1;
                    s1 += gt;
                }
            } else if self.is_upper(t) {
                lb2 = lb2.max(gt);
            } else if self.is_lower(t) {
                ub2 = ub2.min(gt);
            } else {
                n2 += 1;
                s2 += gt;
            }
        }
        let r1 = if n1 > 0 {
            s1 / n1 as f64
        } else {
            (ub1 + lb1) / 2.0
        };
        let r2 = if n2 > 0 {
            s2 / n2 as f64
        } else {
            (ub2 + lb2) / 2.0
        };
        ((r1 - r2) / 2.0, (r1 + r2) / 2.0)
    }

    /// Two-variable update of `(i, j)`; `bi` is the buffer already holding Q row i over the
    /// active set. Returns nothing; updates alpha, G, status and G_bar.
    fn update_pair(&mut self, i: usize, j: usize, bi: usize) {
        let a = self.active_size;
        let bj = if bi == 0 { 1 } else { 0 };
        let bfull = 2;
        self.q_row(j, a, bj);
        let c = self.c;
        let (old_ai, old_aj) = (self.alpha[i], self.alpha[j]);
        let qij = self.bufs[bi][j];
        let (mut ai, mut aj) = (old_ai, old_aj);
        if self.y[i] != self.y[j] {
            let mut quad = self.qd[i] + self.qd[j] + 2.0 * qij;
            if quad <= 0.0 {
                quad = TAU;
            }
            let delta = (-self.g[i] - self.g[j]) / quad;
            let diff = ai - aj;
            ai += delta;
            aj += delta;
            if diff > 0.0 {
                if aj < 0.0 {
                    aj = 0.0;
                    ai = diff;
                }
            } else if ai < 0.0 {
                ai = 0.0;
                aj = -diff;
            }
            // C_i == C_j == c here
            if diff > 0.0 {
                if ai > c {
                    ai = c;
                    aj = c - diff;
                }
            } else if aj > c {
                aj = c;
                ai = c + diff;
            }
        } else {
            let mut quad = self.qd[i] + self.qd[j] - 2.0 * qij;
            if quad <= 0.0 {
                quad = TAU;
            }
            let delta = (self.g[i] - self.g[j]) / quad;
            let sum = ai + aj;
            ai -= delta;
            aj += delta;
            if sum > c {
                if ai > c {
                    ai = c;
                    aj = sum - c;
                }
            } else if aj < 0.0 {
                aj = 0.0;
                ai = sum;
            }
            if sum > c {
                if aj > c {
                    aj = c;
                    ai = sum - c;
                }
            } else if ai < 0.0 {
                ai = 0.0;
                aj = sum;
            }
        }
        self.alpha[i] = ai;
        self.alpha[j] = aj;
        let dai = ai - old_ai;
        let daj = aj - old_aj;
        {
            let (qi, qj) = (&self.bufs[bi][..a], &self.bufs[bj][..a]);
            for ((g, &x), &z) in self.g[..a].iter_mut().zip(qi).zip(qj) {
                *g += x * dai + z * daj;
            }
        }
        let ui = self.is_upper(i);
        let uj = self.is_upper(j);
        self.update_status(i);
        self.update_status(j);
        let l = self.l;
        if ui != self.is_upper(i) {
            self.q_row(i, l, bfull);
            let f = if ui { -c } else { c };
            for (gb, &q) in self.g_bar.iter_mut().zip(&self.bufs[bfull][..l]) {
                *gb += f * q;
            }
        }
        if uj != self.is_upper(j) {
            self.q_row(j, l, bfull);
            let f = if uj { -c } else { c };
            for (gb, &q) in self.g_bar.iter_mut().zip(&self.bufs[bfull][..l]) {
                *gb += f * q;
            }
        }
    }
}

/// Solves the SVR dual over `2n` variables: variable `t < n` is `alpha_t` (sign +1), variable
/// `n + t` is `alpha*_t` (sign -1), both on sample `t`. `p` is the linear term, `alpha0` a
/// feasible start.
pub fn solve(km: KernelMatrix<'_>, p: Vec<f64>, alpha0: Vec<f64>, opt: Options) -> Solution {
    let n = km.data.n;
    let l = 2 * n;
    assert_eq!(p.len(), l);
    assert_eq!(alpha0.len(), l);
    let diag: Vec<f64> = (0..n).map(|i| km.diag(i)).collect();
    let mut s = Solver {
        cache: RowCache::new(n, opt.cache_mb),
        l,
        active_size: l,
        y: (0..l).map(|t| if t < n { 1 } else { -1 }).collect(),
        real: (0..l).map(|t| (t % n) as u32).collect(),
        alpha: alpha0,
        status: vec![LOWER; l],
        g: p.clone(),
        g_bar: vec![0.0; l],
        p,
        qd: (0..l).map(|t| diag[t % n]).collect(),
        active_set: (0..l as u32).collect(),
        c: opt.c,
        eps: opt.eps,
        unshrink: false,
        bufs: [vec![0.0; l], vec![0.0; l], vec![0.0; l]],
        km,
    };
    for t in 0..l {
        s.update_status(t);
    }
    // initial gradient
    for i in 0..l {
        if !s.is_lower(i) {
            s.q_row(i, l, 0);
            let ai = s.alpha[i];
            let up = s.is_upper(i);
            let c = s.c;
            let q = &s.bufs[0];
            for j in 0..l {
                s.g[j] += ai * q[j];
            }
            if up {
                for j in 0..l {
                    s.g_bar[j] += c * q[j];
                }
            }
        }
    }

    let mut iter: u64 = 0;
    let mut counter = l.min(1000) + 1;
    while iter < opt.max_iter {
        counter -= 1;
        if counter == 0 {
            counter = l.min(1000);
            if opt.shrinking {
                s.do_shrinking(opt.nu);
            }
        }
        let sel = if opt.nu {
            s.select_nu()
        } else {
            s.select_standard()
        };
        let (i, j, bi) = match sel {
            Some(v) => v,
            None => {
                s.reconstruct_gradient();
                s.active_size = l;
                let sel = if opt.nu {
                    s.select_nu()
                } else {
                    s.select_standard()
                };
                match sel {
                    Some(v) => {
                        counter = 1; // shrink at the next iteration
                        v
                    }
                    None => break,
                }
            }
        };
        iter += 1;
        s.update_pair(i, j, bi);
    }
    if s.active_size < l {
        s.reconstruct_gradient();
        s.active_size = l;
    }
    let (rho, r) = if opt.nu {
        s.calculate_rho_nu()
    } else {
        (s.calculate_rho_standard(), 0.0)
    };
    let objective = (0..l).map(|t| s.alpha[t] * (s.g[t] + s.p[t])).sum::<f64>() / 2.0;
    let mut alpha = vec![0.0; l];
    for t in 0..l {
        alpha[s.active_set[t] as usize] = s.alpha[t];
    }
    Solution {
        alpha,
        rho,
        r,
        iterations: iter,
        objective,
        rows_computed: s.cache.misses,
    }
}
