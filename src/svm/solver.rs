//! The SMO decomposition solver for the SVR duals (Chang & Lin, LIBSVM §4 and §6), worked in
//! sample space: second-order working-set selection (Fan, Chen & Lin 2005, WSS3), the
//! single-equality (epsilon-SVR) and two-equality (nu-SVR, Schölkopf et al. 2000) variants,
//! libsvm's shrinking rules with the un-shrink step, and the bias from the free variables.
//!
//! The dual has 2n variables: `alpha_s` (sign `y = +1`) and `alpha*_s` (`y = -1`) for each
//! sample `s`, with `Q_tu = y_t y_u K(s_t, s_u)` and linear term `p = e - target` for alpha,
//! `e + target` for alpha* (`e` = epsilon for epsilon-SVR, 0 for nu-SVR). Every gradient is
//! then a function of one vector over samples, `R_s = sum_u (alpha_u - alpha*_u) K(s, u) - target_s`:
//! `y G = R + e` for alpha and `y G = R - e` for alpha*. The solver keeps `R` exact after every
//! step with two contiguous AXPYs over full kernel rows (the rows libsvm computes for SVR anyway),
//! so nothing is ever gathered through a permutation, shrinking never needs to reconstruct a
//! gradient, and Q rows are never materialised: the kernel row cache serves them directly.
//! Shrinking keeps libsvm's rules (which variables may enter a working set, un-shrinking at
//! 10 tol, the final check on all variables) as a per-variable mask.

use super::cache::RowCache;
use super::kernel::{kernel_row, KernelFn, Samples};

const TAU: f64 = 1e-12;

// Per-sample flag bits: variable in the active (unshrunk) set, and membership of the sets
// I_up (may increase y_t alpha_t) and I_low (may decrease it), which already include activity.
const P_ACT: u8 = 1;
const N_ACT: u8 = 2;
const P_UP: u8 = 4;
const P_LOW: u8 = 8;
const N_UP: u8 = 16;
const N_LOW: u8 = 32;

/// One dual variable: sample and sign (true = alpha, y = +1; false = alpha*, y = -1).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Var {
    s: usize,
    pos: bool,
}

impl Var {
    #[inline]
    fn y(self) -> f64 {
        if self.pos {
            1.0
        } else {
            -1.0
        }
    }
}

/// What the solver returns.
#[derive(Clone, Debug)]
pub struct Solution {
    /// alpha (sign +1) per sample.
    pub alpha_pos: Vec<f64>,
    /// alpha* (sign -1) per sample.
    pub alpha_neg: Vec<f64>,
    /// The bias term: decision values are `sum (alpha - alpha*) K - rho`.
    pub rho: f64,
    /// For the nu solver, `r` (epsilon of nu-SVR is `-r`); 0 otherwise.
    pub r: f64,
    /// Iterations done.
    pub iterations: u64,
    /// Whether the stopping criterion was met (false: stopped at the iteration limit).
    pub converged: bool,
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

/// Result of pass 1 of the selection: the maximal `-yG` over I_up, per class (class 0 is all
/// variables for epsilon-SVR and the alpha variables for nu-SVR; class 1 the alpha* for nu).
#[derive(Clone, Copy, Debug)]
struct Pass1 {
    gmax: [f64; 2],
    arg: [Option<Var>; 2],
}

struct Solver<'a> {
    data: &'a Samples,
    kf: KernelFn,
    cache: RowCache,
    /// A kernel row in `f64`, as computed, before it is stored in the cache as `f32`.
    row_f64: Vec<f64>,
    n: usize,
    target: &'a [f64],
    e: f64,
    c: f64,
    eps: f64,
    nu: bool,
    ap: Vec<f64>,
    an: Vec<f64>,
    /// `R_s = sum_u beta_u K(s, u) - target_s`.
    r: Vec<f64>,
    qd: Vec<f64>,
    flags: Vec<u8>,
    /// Membership offsets, 0 when the variable is in the set, -inf otherwise: `up_p` (alpha in
    /// I_up), `low_p` (alpha in I_low), `up_n`, `low_n` (same for alpha*). Adding them to a
    /// candidate value masks it without branches, so the selection loops vectorise.
    up_p: Vec<f64>,
    low_p: Vec<f64>,
    up_n: Vec<f64>,
    low_n: Vec<f64>,
    /// Pass 2 scratch: the minimal second-order objective of each block of [`BLOCK`] scanned
    /// samples (+inf where no variable is a candidate).
    obj: Vec<f64>,
    /// Samples with at least one active variable, ascending.
    act: Vec<u32>,
    /// Maxima of pass 1 computed by the last update, if the sets have not changed since.
    pass1_max: Option<(f64, f64)>,
    /// Pass 1 scratch: maxima of `-yG` over I_up per block of [`BLOCK`] scanned samples, for
    /// alpha and alpha*.
    p1_bp: Vec<f64>,
    p1_bn: Vec<f64>,
    unshrink: bool,
}

/// Independent accumulators in the reduction loops (vectorised by LLVM into packed SSE2 ops).
const LANES: usize = 4;

#[inline]
fn hmax(v: &[f64; LANES]) -> f64 {
    v.iter()
        .fold(f64::NEG_INFINITY, |a, &b| if b > a { b } else { a })
}

impl Solver<'_> {
    /// Recomputes the I_up / I_low bits of sample `s` from its alphas and activity.
    #[inline]
    fn refresh_flags(&mut self, s: usize) {
        let f = self.flags[s] & (P_ACT | N_ACT);
        let (a, b, c) = (self.ap[s], self.an[s], self.c);
        let mut g = f;
        if f & P_ACT != 0 {
            if a < c {
                g |= P_UP;
            }
            if a > 0.0 {
                g |= P_LOW;
            }
        }
        if f & N_ACT != 0 {
            if b > 0.0 {
                g |= N_UP;
            }
            if b < c {
                g |= N_LOW;
            }
        }
        self.flags[s] = g;
        let off = |b: u8| if g & b != 0 { 0.0 } else { f64::NEG_INFINITY };
        self.up_p[s] = off(P_UP);
        self.low_p[s] = off(P_LOW);
        self.up_n[s] = off(N_UP);
        self.low_n[s] = off(N_LOW);
    }

    #[inline]
    fn alpha(&self, v: Var) -> f64 {
        if v.pos {
            self.ap[v.s]
        } else {
            self.an[v.s]
        }
    }

    /// `G_t` of variable `v`.
    #[inline]
    fn grad(&self, v: Var) -> f64 {
        if v.pos {
            self.r[v.s] + self.e
        } else {
            self.e - self.r[v.s]
        }
    }

    /// Kernel row of sample `s` (cache slot).
    fn row_slot(&mut self, s: usize) -> usize {
        let (data, kf, row) = (self.data, self.kf, &mut self.row_f64);
        self.cache.get(s, |out| {
            kernel_row(&kf, data.row(s), data.sq[s], data, row);
            for (o, &v) in out.iter_mut().zip(row.iter()) {
                *o = v as f32;
            }
        })
    }

    /// Pass 1: maximal `-yG` over I_up (last variable wins ties, as libsvm's `>=`): a
    /// vectorised max reduction, then a backward scan for the last variable attaining it.
    fn pass1(&mut self) -> Pass1 {
        let (e, n) = (self.e, self.n);
        let (r, up_p, up_n) = (&self.r[..n], &self.up_p[..n], &self.up_n[..n]);
        // maxima, and whether the block maxima refer to positions in the active list
        let ((gp, gn), gather) = if let Some(v) = self.pass1_max.take() {
            (v, false)
        } else if self.use_act() {
            (
                scan_pass1::<true>(
                    &self.act,
                    r,
                    up_p,
                    up_n,
                    e,
                    &mut self.p1_bp,
                    &mut self.p1_bn,
                ),
                true,
            )
        } else {
            (
                scan_pass1::<false>(&[], r, up_p, up_n, e, &mut self.p1_bp, &mut self.p1_bn),
                false,
            )
        };
        // the last variable attaining the maximum (alpha* follows alpha within a sample): the
        // last block whose maximum attains it, then a backward scan of that block
        let act = &self.act[..];
        let m = if gather { act.len() } else { n };
        let nb = m.div_ceil(BLOCK);
        let (bp, bn) = (&self.p1_bp[..nb], &self.p1_bn[..nb]);
        let at = |k: usize| if gather { act[k] as usize } else { k };
        let block = |b: usize| (b * BLOCK..m.min((b + 1) * BLOCK)).rev().map(at);
        let vp = |s: usize| -(r[s] + e) + up_p[s];
        let vn = |s: usize| (e - r[s]) + up_n[s];
        let none = f64::NEG_INFINITY;
        if self.nu {
            let ap = if gp > none {
                let b = bp.iter().rposition(|&v| v == gp);
                b.and_then(|b| block(b).find(|&s| vp(s) == gp))
            } else {
                None
            };
            let an = if gn > none {
                let b = bn.iter().rposition(|&v| v == gn);
                b.and_then(|b| block(b).find(|&s| vn(s) == gn))
            } else {
                None
            };
            Pass1 {
                gmax: [gp, gn],
                arg: [
                    ap.map(|s| Var { s, pos: true }),
                    an.map(|s| Var { s, pos: false }),
                ],
            }
        } else {
            let g = gp.max(gn);
            let mut arg = None;
            if g > none {
                let b = (0..nb).rev().find(|&b| bp[b] == g || bn[b] == g);
                for s in b.into_iter().flat_map(block) {
                    if vn(s) == g {
                        arg = Some(Var { s, pos: false });
                        break;
                    }
                    if vp(s) == g {
                        arg = Some(Var { s, pos: true });
                        break;
                    }
                }
            }
            Pass1 {
                gmax: [g, g],
                arg: [arg, arg],
            }
        }
    }

    /// Whether the selection loops should run over the active-sample list (gathering) rather
    /// than over all samples (contiguous).
    #[inline]
    fn use_act(&self) -> bool {
        self.act.len() * 4 < self.n * 3
    }

    /// Rebuilds the sorted list of samples with at least one active variable.
    fn rebuild_act(&mut self) {
        self.pass1_max = None;
        self.act.clear();
        for (s, &f) in self.flags.iter().enumerate() {
            if f & (P_ACT | N_ACT) != 0 {
                self.act.push(s as u32);
            }
        }
    }

    /// Pass 2 of WSS3: picks j minimising the second-order objective decrease with the pass-1
    /// variable of its class (vectorised over samples; the last minimiser wins ties, as libsvm's
    /// `<=`). Returns `(i, j, slot of i's row)` or `None` at optimality.
    fn select(&mut self, p1: &Pass1) -> Option<(Var, Var, usize)> {
        let e = self.e;
        let n = self.n;
        let mut slots = [usize::MAX; 2];
        let mut qdi = [0.0; 2];
        let classes = if self.nu { 2 } else { 1 };
        for c in 0..classes {
            if let Some(v) = p1.arg[c] {
                slots[c] = self.row_slot(v.s);
                qdi[c] = self.qd[v.s];
            }
        }
        if !self.nu {
            slots[1] = slots[0];
            qdi[1] = qdi[0];
        }
        if slots[0] == usize::MAX && slots[1] == usize::MAX {
            return None;
        }
        // a class without a pass-1 variable has gmax -inf: any row will do for it
        for c in 0..2 {
            if slots[c] == usize::MAX {
                slots[c] = slots[1 - c];
            }
        }
        let kp = &self.cache.row(slots[0])[..n];
        let kn = &self.cache.row(slots[1])[..n];
        let ctx = Pass2 {
            r: &self.r[..n],
            qd: &self.qd[..n],
            low_p: &self.low_p[..n],
            low_n: &self.low_n[..n],
            kp,
            kn,
            e,
            gmax: p1.gmax,
            qdi,
        };
        let gather = self.use_act();
        let act = &self.act[..];
        let m = if gather { act.len() } else { n };
        let blocks = &mut self.obj[..m.div_ceil(BLOCK)];
        let (g2p, g2n, bst) = match (self.nu, gather) {
            (true, true) => ctx.scan::<true, true>(act, m, blocks),
            (true, false) => ctx.scan::<true, false>(act, m, blocks),
            (false, true) => ctx.scan::<false, true>(act, m, blocks),
            (false, false) => ctx.scan::<false, false>(act, m, blocks),
        };
        let (gmp, gmn) = (p1.gmax[0], p1.gmax[1]);
        let gap = if self.nu {
            f64::max(gmp + g2p, gmn + g2n)
        } else {
            gmp + g2p.max(g2n)
        };
        if gap < self.eps || bst == f64::INFINITY {
            return None;
        }
        // the last minimiser: the last block holding it, then the last sample in that block;
        // alpha* follows alpha within a sample
        // (the searches cannot fail with finite values; with non-finite ones, stop)
        let b = blocks.iter().rposition(|&o| o == bst)?;
        let at = |k: usize| if gather { act[k] as usize } else { k };
        let k = (b * BLOCK..m.min((b + 1) * BLOCK)).rev().find(|&k| {
            let s = at(k);
            if self.nu {
                ctx.step::<true>(s).2 == bst
            } else {
                ctx.step::<false>(s).2 == bst
            }
        })?;
        let s = at(k);
        let (_, _, op, on) = pass2_terms(
            ctx.r[s],
            ctx.qd[s],
            ctx.low_p[s],
            ctx.low_n[s],
            f64::from(kp[s]),
            f64::from(kn[s]),
            e,
            p1.gmax,
            qdi,
        );
        let j = if on == bst {
            Var { s, pos: false }
        } else {
            debug_assert_eq!(op, bst);
            Var { s, pos: true }
        };
        let c = if self.nu && !j.pos { 1 } else { 0 };
        Some((p1.arg[c]?, j, slots[c]))
    }

    /// libsvm's shrinking rules: maxima over each class, un-shrink once near convergence,
    /// then deactivate bounded variables that cannot enter a violating pair.
    fn do_shrinking(&mut self) {
        let e = self.e;
        let cn = if self.nu { 1 } else { 0 };
        // up[c] = max over I_up of -yG, low[c] = max over I_low of yG
        let mut up = [f64::NEG_INFINITY; 2];
        let mut low = [f64::NEG_INFINITY; 2];
        for (&r, &f) in self.r.iter().zip(&self.flags) {
            if f & P_UP != 0 {
                up[0] = up[0].max(-(r + e));
            }
            if f & P_LOW != 0 {
                low[0] = low[0].max(r + e);
            }
            if f & N_UP != 0 {
                up[cn] = up[cn].max(e - r);
            }
            if f & N_LOW != 0 {
                low[cn] = low[cn].max(r - e);
            }
        }
        let gap = if self.nu {
            f64::max(up[0] + low[0], up[1] + low[1])
        } else {
            up[0] + low[0]
        };
        if !self.unshrink && gap <= self.eps * 10.0 {
            self.unshrink = true;
            self.activate_all();
        }
        let c = self.c;
        for s in 0..self.n {
            let f = self.flags[s];
            let r = self.r[s];
            let mut keep = f;
            if f & P_ACT != 0 {
                let a = self.ap[s];
                let yg = r + e;
                // at upper bound: only in I_low; at lower bound: only in I_up
                let shrink = if a >= c {
                    -yg > up[0]
                } else if a <= 0.0 {
                    yg > low[0]
                } else {
                    false
                };
                if shrink {
                    keep &= !P_ACT;
                }
            }
            if f & N_ACT != 0 {
                let a = self.an[s];
                let yg = r - e;
                // alpha* at upper bound: only in I_up; at lower bound: only in I_low
                let shrink = if a >= c {
                    yg > low[cn]
                } else if a <= 0.0 {
                    -yg > up[cn]
                } else {
                    false
                };
                if shrink {
                    keep &= !N_ACT;
                }
            }
            if keep != f {
                self.flags[s] = keep;
                self.refresh_flags(s);
            }
        }
        self.rebuild_act();
    }

    fn activate_all(&mut self) {
        for s in 0..self.n {
            self.flags[s] |= P_ACT | N_ACT;
            self.refresh_flags(s);
        }
        self.rebuild_act();
    }

    fn all_active(&self) -> bool {
        self.flags
            .iter()
            .all(|&f| f & (P_ACT | N_ACT) == P_ACT | N_ACT)
    }

    /// The two-variable analytic step on `(i, j)` (libsvm's update with box clipping), then the
    /// exact update of `R` with both kernel rows.
    fn update_pair(&mut self, i: Var, j: Var, slot_i: usize) {
        let slot_j = self.row_slot(j.s);
        debug_assert!(i.s == j.s || slot_i != slot_j);
        let c = self.c;
        let kij = f64::from(self.cache.row(slot_i)[j.s]);
        let qij = i.y() * j.y() * kij;
        let (gi, gj) = (self.grad(i), self.grad(j));
        let (old_ai, old_aj) = (self.alpha(i), self.alpha(j));
        let (mut ai, mut aj) = (old_ai, old_aj);
        let (qdi, qdj) = (self.qd[i.s], self.qd[j.s]);
        if i.pos != j.pos {
            let mut quad = qdi + qdj + 2.0 * qij;
            if quad <= 0.0 {
                quad = TAU;
            }
            let delta = (-gi - gj) / quad;
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
            let mut quad = qdi + qdj - 2.0 * qij;
            if quad <= 0.0 {
                quad = TAU;
            }
            let delta = (gi - gj) / quad;
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
        for (v, a) in [(i, ai), (j, aj)] {
            if v.pos {
                self.ap[v.s] = a;
            } else {
                self.an[v.s] = a;
            }
        }
        self.refresh_flags(i.s);
        self.refresh_flags(j.s);
        // beta_s = alpha_s - alpha*_s changes by y * delta alpha
        let di = i.y() * (ai - old_ai);
        let dj = j.y() * (aj - old_aj);
        let (ki, kj) = (self.cache.row(slot_i), self.cache.row(slot_j));
        // fused with pass 1 of the next selection (valid unless shrinking changes the sets)
        self.pass1_max = Some(axpy2_max(
            &mut self.r,
            di,
            ki,
            dj,
            kj,
            &self.up_p,
            &self.up_n,
            self.e,
            &mut self.p1_bp,
            &mut self.p1_bn,
        ));
    }

    fn calculate_rho_standard(&self) -> f64 {
        let (mut ub, mut lb) = (f64::INFINITY, f64::NEG_INFINITY);
        let (mut sum_free, mut nr_free) = (0.0, 0usize);
        let c = self.c;
        for s in 0..self.n {
            // alpha: y = +1, yG = R + e; alpha*: y = -1, yG = R - e
            for (a, yg, pos) in [
                (self.ap[s], self.r[s] + self.e, true),
                (self.an[s], self.r[s] - self.e, false),
            ] {
                if a >= c {
                    if pos {
                        lb = lb.max(yg);
                    } else {
                        ub = ub.min(yg);
                    }
                } else if a <= 0.0 {
                    if pos {
                        ub = ub.min(yg);
                    } else {
                        lb = lb.max(yg);
                    }
                } else {
                    nr_free += 1;
                    sum_free += yg;
                }
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
        let c = self.c;
        let mut rr = [0.0; 2];
        for (k, rk) in rr.iter_mut().enumerate() {
            let (mut ub, mut lb) = (f64::INFINITY, f64::NEG_INFINITY);
            let (mut sum, mut nr) = (0.0, 0usize);
            for s in 0..self.n {
                let (a, g) = if k == 0 {
                    (self.ap[s], self.r[s] + self.e)
                } else {
                    (self.an[s], self.e - self.r[s])
                };
                if a >= c {
                    lb = lb.max(g);
                } else if a <= 0.0 {
                    ub = ub.min(g);
                } else {
                    nr += 1;
                    sum += g;
                }
            }
            *rk = if nr > 0 {
                sum / nr as f64
            } else {
                (ub + lb) / 2.0
            };
        }
        ((rr[0] - rr[1]) / 2.0, (rr[0] + rr[1]) / 2.0)
    }
}

/// Candidate values of sample `s` in pass 2: `(yG alpha, yG alpha*, obj alpha, obj alpha*)`
/// (masked values are -inf / +inf).
#[inline(always)]
#[allow(clippy::too_many_arguments)]
fn pass2_terms(
    r: f64,
    qd: f64,
    low_p: f64,
    low_n: f64,
    kp: f64,
    kn: f64,
    e: f64,
    gmax: [f64; 2],
    qdi: [f64; 2],
) -> (f64, f64, f64, f64) {
    let ygp = r + e + low_p;
    let ygn = r - e + low_n;
    let gdp = gmax[0] + ygp;
    let gdn = gmax[1] + ygn;
    let mut qp = qdi[0] + qd - 2.0 * kp;
    let mut qn = qdi[1] + qd - 2.0 * kn;
    qp = if qp > 0.0 { qp } else { TAU };
    qn = if qn > 0.0 { qn } else { TAU };
    let op = if gdp > 0.0 {
        -(gdp * gdp) / qp
    } else {
        f64::INFINITY
    };
    let on = if gdn > 0.0 {
        -(gdn * gdn) / qn
    } else {
        f64::INFINITY
    };
    (ygp, ygn, op, on)
}

/// Samples per block of pass 2: the scan records each block's minimum, so finding the last
/// minimiser afterwards rescans one block only.
const BLOCK: usize = 64;

/// The inputs of pass 2 (second-order selection of j).
struct Pass2<'a> {
    r: &'a [f64],
    qd: &'a [f64],
    low_p: &'a [f64],
    low_n: &'a [f64],
    kp: &'a [f32],
    kn: &'a [f32],
    e: f64,
    gmax: [f64; 2],
    qdi: [f64; 2],
}

impl Pass2<'_> {
    /// `(yG alpha, yG alpha*, best objective of the sample's two variables)`, masked values
    /// being -inf / +inf. For epsilon-SVR (`NU = false`) both variables share gmax and the
    /// kernel row, so the better is the one with the larger `gmax + yG`: one division.
    /// Branch-free on purpose (divide, then select) so that LLVM vectorises the scan.
    #[inline(always)]
    fn step<const NU: bool>(&self, s: usize) -> (f64, f64, f64) {
        self.step_values::<NU>(
            self.r[s],
            self.qd[s],
            self.low_p[s],
            self.low_n[s],
            f64::from(self.kp[s]),
            f64::from(self.kn[s]),
        )
    }

    /// [`Pass2::step`] on the sample's values.
    #[inline(always)]
    fn step_values<const NU: bool>(
        &self,
        r: f64,
        qd: f64,
        lp: f64,
        ln: f64,
        kp: f64,
        kn: f64,
    ) -> (f64, f64, f64) {
        let ygp = r + self.e + lp;
        let ygn = r - self.e + ln;
        if NU {
            let gdp = self.gmax[0] + ygp;
            let gdn = self.gmax[1] + ygn;
            let qp = self.qdi[0] + qd - 2.0 * kp;
            let qn = self.qdi[1] + qd - 2.0 * kn;
            let qp = if qp > 0.0 { qp } else { TAU };
            let qn = if qn > 0.0 { qn } else { TAU };
            let op = -(gdp * gdp) / qp;
            let on = -(gdn * gdn) / qn;
            let op = if gdp > 0.0 { op } else { f64::INFINITY };
            let on = if gdn > 0.0 { on } else { f64::INFINITY };
            (ygp, ygn, if on < op { on } else { op })
        } else {
            let gp = self.gmax[0] + ygp;
            let gn = self.gmax[0] + ygn;
            let g = if gn > gp { gn } else { gp };
            let q = self.qdi[0] + qd - 2.0 * kp;
            let q = if q > 0.0 { q } else { TAU };
            let o = -(g * g) / q;
            (ygp, ygn, if g > 0.0 { o } else { f64::INFINITY })
        }
    }

    /// Scans `m` samples (all, or the active list when `GATHER`): returns the maxima of `yG`
    /// over I_low for both classes and the minimal objective; writes each block's minimum.
    #[inline(always)]
    fn scan<const NU: bool, const GATHER: bool>(
        &self,
        act: &[u32],
        m: usize,
        blocks: &mut [f64],
    ) -> (f64, f64, f64) {
        let at = |k: usize| if GATHER { act[k] as usize } else { k };
        let mut m2p = [f64::NEG_INFINITY; LANES];
        let mut m2n = [f64::NEG_INFINITY; LANES];
        let full = m / BLOCK;
        for (b, bm) in blocks.iter_mut().enumerate().take(full) {
            let mut best = [f64::INFINITY; LANES];
            for base in (b * BLOCK..(b + 1) * BLOCK).step_by(LANES) {
                if GATHER {
                    for k in 0..LANES {
                        let (ygp, ygn, o) = self.step::<NU>(at(base + k));
                        m2p[k] = if ygp > m2p[k] { ygp } else { m2p[k] };
                        m2n[k] = if ygn > m2n[k] { ygn } else { m2n[k] };
                        best[k] = if o < best[k] { o } else { best[k] };
                    }
                } else {
                    // contiguous: fixed-size chunks, no per-element bounds checks
                    let w = base..base + LANES;
                    let rc: &[f64; LANES] = self.r[w.clone()].try_into().unwrap();
                    let qc: &[f64; LANES] = self.qd[w.clone()].try_into().unwrap();
                    let lpc: &[f64; LANES] = self.low_p[w.clone()].try_into().unwrap();
                    let lnc: &[f64; LANES] = self.low_n[w.clone()].try_into().unwrap();
                    let kpc: &[f32; LANES] = self.kp[w.clone()].try_into().unwrap();
                    let knc: &[f32; LANES] = self.kn[w].try_into().unwrap();
                    for k in 0..LANES {
                        let (ygp, ygn, o) = self.step_values::<NU>(
                            rc[k],
                            qc[k],
                            lpc[k],
                            lnc[k],
                            f64::from(kpc[k]),
                            f64::from(knc[k]),
                        );
                        m2p[k] = if ygp > m2p[k] { ygp } else { m2p[k] };
                        m2n[k] = if ygn > m2n[k] { ygn } else { m2n[k] };
                        best[k] = if o < best[k] { o } else { best[k] };
                    }
                }
            }
            *bm = best
                .iter()
                .fold(f64::INFINITY, |a, &v| if v < a { v } else { a });
        }
        let (mut g2p, mut g2n) = (hmax(&m2p), hmax(&m2n));
        if full * BLOCK < m {
            let mut tail = f64::INFINITY;
            for k in full * BLOCK..m {
                let (ygp, ygn, o) = self.step::<NU>(at(k));
                g2p = g2p.max(ygp);
                g2n = g2n.max(ygn);
                tail = tail.min(o);
            }
            blocks[full] = tail;
        }
        let bst = blocks
            .iter()
            .fold(f64::INFINITY, |a, &v| if v < a { v } else { a });
        (g2p, g2n, bst)
    }
}

/// Pass 1 over all samples or the active list: the maxima of `-yG` over I_up for alpha and alpha*.
fn scan_pass1<const GATHER: bool>(
    act: &[u32],
    r: &[f64],
    up_p: &[f64],
    up_n: &[f64],
    e: f64,
    bp: &mut [f64],
    bn: &mut [f64],
) -> (f64, f64) {
    let n = r.len();
    let (up_p, up_n) = (&up_p[..n], &up_n[..n]);
    let m = if GATHER { act.len() } else { n };
    let at = |k: usize| if GATHER { act[k] as usize } else { k };
    let full = m / BLOCK;
    for blk in 0..full {
        let mut mp = [f64::NEG_INFINITY; LANES];
        let mut mn = [f64::NEG_INFINITY; LANES];
        for base in (blk * BLOCK..(blk + 1) * BLOCK).step_by(LANES) {
            for k in 0..LANES {
                let s = at(base + k);
                let vp = -(r[s] + e) + up_p[s];
                let vn = (e - r[s]) + up_n[s];
                mp[k] = if vp > mp[k] { vp } else { mp[k] };
                mn[k] = if vn > mn[k] { vn } else { mn[k] };
            }
        }
        bp[blk] = hmax(&mp);
        bn[blk] = hmax(&mn);
    }
    if full * BLOCK < m {
        let (mut gp, mut gn) = (f64::NEG_INFINITY, f64::NEG_INFINITY);
        for k in full * BLOCK..m {
            let s = at(k);
            gp = gp.max(-(r[s] + e) + up_p[s]);
            gn = gn.max((e - r[s]) + up_n[s]);
        }
        bp[full] = gp;
        bn[full] = gn;
    }
    let nb = m.div_ceil(BLOCK);
    (
        bp[..nb].iter().fold(f64::NEG_INFINITY, |a, &v| a.max(v)),
        bn[..nb].iter().fold(f64::NEG_INFINITY, |a, &v| a.max(v)),
    )
}

/// `r += a * x + b * y`, fused with pass 1 over the updated values: returns the maxima of
/// `-yG` over I_up for alpha (`-(r + e) + up_p`) and alpha* (`e - r + up_n`). Vectorised.
#[allow(clippy::too_many_arguments)]
fn axpy2_max(
    r: &mut [f64],
    a: f64,
    x: &[f32],
    b: f64,
    y: &[f32],
    up_p: &[f64],
    up_n: &[f64],
    e: f64,
    bp: &mut [f64],
    bn: &mut [f64],
) -> (f64, f64) {
    let n = r.len();
    let (x, y, up_p, up_n) = (&x[..n], &y[..n], &up_p[..n], &up_n[..n]);
    let full = n / BLOCK;
    for blk in 0..full {
        let mut mp = [f64::NEG_INFINITY; LANES];
        let mut mn = [f64::NEG_INFINITY; LANES];
        for base in (blk * BLOCK..(blk + 1) * BLOCK).step_by(LANES) {
            let w = base..base + LANES;
            let rc: &mut [f64; LANES] = (&mut r[w.clone()]).try_into().unwrap();
            let xc: &[f32; LANES] = x[w.clone()].try_into().unwrap();
            let yc: &[f32; LANES] = y[w.clone()].try_into().unwrap();
            let upc: &[f64; LANES] = up_p[w.clone()].try_into().unwrap();
            let unc: &[f64; LANES] = up_n[w].try_into().unwrap();
            for k in 0..LANES {
                let rv = rc[k] + (a * f64::from(xc[k]) + b * f64::from(yc[k]));
                rc[k] = rv;
                let vp = -(rv + e) + upc[k];
                let vn = (e - rv) + unc[k];
                mp[k] = if vp > mp[k] { vp } else { mp[k] };
                mn[k] = if vn > mn[k] { vn } else { mn[k] };
            }
        }
        bp[blk] = hmax(&mp);
        bn[blk] = hmax(&mn);
    }
    if full * BLOCK < n {
        let (mut gp, mut gn) = (f64::NEG_INFINITY, f64::NEG_INFINITY);
        for s in full * BLOCK..n {
            r[s] += a * f64::from(x[s]) + b * f64::from(y[s]);
            gp = gp.max(-(r[s] + e) + up_p[s]);
            gn = gn.max((e - r[s]) + up_n[s]);
        }
        bp[full] = gp;
        bn[full] = gn;
    }
    let nb = n.div_ceil(BLOCK);
    (
        bp[..nb].iter().fold(f64::NEG_INFINITY, |a, &v| a.max(v)),
        bn[..nb].iter().fold(f64::NEG_INFINITY, |a, &v| a.max(v)),
    )
}

/// Solves the SVR dual. `target` is y, `e` the tube half-width (0 for nu-SVR), `alpha0` a
/// feasible start `(alpha, alpha*)`.
pub fn solve(
    data: &Samples,
    kf: KernelFn,
    target: &[f64],
    e: f64,
    alpha0: (Vec<f64>, Vec<f64>),
    opt: Options,
) -> Solution {
    let n = data.n;
    assert_eq!(target.len(), n);
    let qd: Vec<f64> = (0..n)
        .map(|s| {
            let x = data.row(s);
            kf.from_dot(super::kernel::dot_seq(x, x), data.sq[s], data.sq[s])
        })
        .collect();
    let mut s = Solver {
        data,
        kf,
        cache: RowCache::new(n, opt.cache_mb),
        row_f64: vec![0.0; n],
        n,
        target,
        e,
        c: opt.c,
        eps: opt.eps,
        nu: opt.nu,
        ap: alpha0.0,
        an: alpha0.1,
        r: target.iter().map(|&t| -t).collect(),
        qd,
        flags: vec![P_ACT | N_ACT; n],
        up_p: vec![0.0; n],
        low_p: vec![0.0; n],
        up_n: vec![0.0; n],
        low_n: vec![0.0; n],
        obj: vec![f64::INFINITY; n],
        act: (0..n as u32).collect(),
        pass1_max: None,
        p1_bp: vec![f64::NEG_INFINITY; n.div_ceil(BLOCK)],
        p1_bn: vec![f64::NEG_INFINITY; n.div_ceil(BLOCK)],
        unshrink: false,
    };
    for t in 0..n {
        s.refresh_flags(t);
        let beta = s.ap[t] - s.an[t];
        if beta != 0.0 {
            let slot = s.row_slot(t);
            let row = s.cache.row(slot);
            for (rv, &k) in s.r.iter_mut().zip(row) {
                *rv += beta * f64::from(k);
            }
        }
    }

    let l = 2 * n;
    let mut iter: u64 = 0;
    let mut converged = false;
    let mut counter = l.min(1000) + 1;
    while iter < opt.max_iter {
        counter -= 1;
        if counter == 0 {
            counter = l.min(1000);
            if opt.shrinking {
                s.do_shrinking();
            }
        }
        let p1 = s.pass1();
        let (i, j, slot_i) = match s.select(&p1) {
            Some(v) => v,
            None => {
                if s.all_active() {
                    converged = true;
                    break;
                }
                s.activate_all();
                let p1 = s.pass1();
                match s.select(&p1) {
                    Some(v) => {
                        counter = 1; // shrink at the next iteration
                        v
                    }
                    None => {
                        converged = true;
                        break;
                    }
                }
            }
        };
        iter += 1;
        s.update_pair(i, j, slot_i);
    }
    let (rho, r) = if opt.nu {
        s.calculate_rho_nu()
    } else {
        (s.calculate_rho_standard(), 0.0)
    };
    // objective = 1/2 sum alpha_t (G_t + p_t) with p = e -/+ target
    let mut objective = 0.0;
    for t in 0..n {
        let (gp, gn) = (s.r[t] + e, e - s.r[t]);
        objective += s.ap[t] * (gp + e - s.target[t]) + s.an[t] * (gn + e + s.target[t]);
    }
    objective /= 2.0;
    Solution {
        alpha_pos: s.ap,
        alpha_neg: s.an,
        rho,
        r,
        iterations: iter,
        converged,
        objective,
        rows_computed: s.cache.misses,
    }
}
