//! A limited-memory BFGS minimiser that follows the rules of scipy's L-BFGS-B (`minimize(method=
//! "L-BFGS-B")`), so that models fitted by scikit-learn with it stop where scikit-learn stops:
//!
//! * the quasi-Newton direction from the last `memory` pairs (scipy's `maxcor`, 10), the first
//!   (and the first after a restart) the steepest descent; a pair is kept only when
//!   `s'y > eps * (-g's)`;
//! * the first step `min(1 / ||d||, stpmax)`, later ones 1, then the Moré-Thuente line search
//!   (sufficient decrease 1e-3, curvature 0.9, interval tolerance 0.1) with at most `max_ls`
//!   evaluations; a failed search forgets the pairs and restarts from the steepest descent, or,
//!   without pairs, ends the run (scipy's "ABNORMAL");
//! * stop when the largest component of the projected gradient is at most `pgtol`, when
//!   `f_old - f <= ftol * max(|f_old|, |f|, 1)`, or after `max_iter` iterations.
//!
//! [`minimize_box`] is L-BFGS-B itself for a few variables with lower and upper bounds (the
//! Gaussian process's log hyper-parameters, which scikit-learn's runs often leave at a bound):
//! the generalized Cauchy point, the subspace minimisation and the feasible line search.
//!
//! In [`minimize`], lower bounds (HuberRegressor's scale) are kept by projection: the projected gradient, the step
//! cut at the nearest bound. That is L-BFGS-B's path as long as its Cauchy point meets no bound,
//! which is the case when the bound is far (the scale never approaches its bound of 1e-15).

use ndarray::{Array1, Array2};

/// Stopping rules.
#[derive(Clone, Copy, Debug)]
pub struct Options {
    /// At most this many iterations.
    pub max_iter: usize,
    /// Stop when the largest projected gradient component is at most this.
    pub pgtol: f64,
    /// Stop when the relative decrease of the objective is at most this (scipy's `ftol`).
    pub ftol: f64,
    /// At most this many evaluations per line search (scipy's `maxls`).
    pub max_ls: usize,
    /// Pairs kept (scipy's `maxcor`).
    pub memory: usize,
    /// Stop (as [`Stop::MaxIter`]) at an iterate once more than this many evaluations ran
    /// (scipy's `maxfun`, checked where scipy checks it: after the iteration limit).
    pub max_fun: usize,
}

impl Options {
    /// scipy's defaults (`maxls=20`, `maxcor=10`, `ftol=2.22e-9`, `maxfun=15000`) with the given iterations
    /// and gradient tolerance.
    pub fn scipy(max_iter: usize, pgtol: f64) -> Options {
        Options {
            max_iter,
            pgtol,
            ftol: 2.220_446_049_250_313e-9,
            max_ls: 20,
            memory: 10,
            max_fun: 15_000,
        }
    }
}

/// How the run ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stop {
    /// The gradient or the decrease test was met.
    Converged,
    /// `max_iter` iterations (or more than `max_fun` evaluations) ran.
    MaxIter,
    /// A line search failed without pairs to forget (scipy's status 2, "ABNORMAL").
    Abnormal,
}

/// The minimiser's result.
#[derive(Clone, Debug)]
pub struct Minimum {
    pub x: Array1<f64>,
    pub f: f64,
    pub n_iter: usize,
    pub stop: Stop,
}

/// The largest component of the gradient projected on the bounds (`lower[i] = -inf`: none).
fn projected_norm(x: &Array1<f64>, g: &Array1<f64>, lower: &[f64]) -> f64 {
    let mut m = 0.0f64;
    for (i, &gi) in g.iter().enumerate() {
        let l = lower.get(i).copied().unwrap_or(f64::NEG_INFINITY);
        let v = if l.is_finite() && gi >= 0.0 {
            gi.min(x[i] - l)
        } else {
            gi
        };
        if v.is_nan() {
            return f64::NAN;
        }
        m = m.max(v.abs());
    }
    m
}

/// The pairs kept: `s`, `y` and `1 / s'y`.
struct Memory {
    s: Vec<Array1<f64>>,
    y: Vec<Array1<f64>>,
    rho: Vec<f64>,
    cap: usize,
}

impl Memory {
    fn clear(&mut self) {
        self.s.clear();
        self.y.clear();
        self.rho.clear();
    }
    fn push(&mut self, s: Array1<f64>, y: Array1<f64>, sy: f64) {
        if self.s.len() == self.cap {
            self.s.remove(0);
            self.y.remove(0);
            self.rho.remove(0);
        }
        self.s.push(s);
        self.y.push(y);
        self.rho.push(1.0 / sy);
    }
    /// `-H g` by the two-loop recursion (`H0 = s'y / y'y` of the newest pair).
    fn direction(&self, g: &Array1<f64>) -> Array1<f64> {
        let k = self.s.len();
        let mut q = g.clone();
        let mut a = vec![0.0; k];
        for i in (0..k).rev() {
            a[i] = self.rho[i] * self.s[i].dot(&q);
            q.scaled_add(-a[i], &self.y[i]);
        }
        if k > 0 {
            q *= 1.0 / (self.rho[k - 1] * self.y[k - 1].dot(&self.y[k - 1]));
        }
        for (i, ai) in a.iter().enumerate() {
            let b = self.rho[i] * self.y[i].dot(&q);
            q.scaled_add(ai - b, &self.s[i]);
        }
        -q
    }
}

/// Minimises `fg` (objective and gradient) from `x0` (projected on `lower`, which is empty or
/// one bound per variable, `-inf` for none).
pub fn minimize(
    mut fg: impl FnMut(&Array1<f64>) -> (f64, Array1<f64>),
    x0: Array1<f64>,
    lower: &[f64],
    o: Options,
) -> Minimum {
    let bounded = lower.iter().any(|l| l.is_finite());
    let n_eval = std::cell::Cell::new(0usize);
    let mut fg = |x: &Array1<f64>| {
        n_eval.set(n_eval.get() + 1);
        fg(x)
    };
    let mut x = x0;
    for (i, &l) in lower.iter().enumerate() {
        if i < x.len() && x[i] < l {
            x[i] = l;
        }
    }
    let (mut f, mut g) = fg(&x);
    let mut mem = Memory {
        s: Vec::new(),
        y: Vec::new(),
        rho: Vec::new(),
        cap: o.memory.max(1),
    };
    let mut n_iter = 0;
    let done = |x, f, n_iter, stop| Minimum { x, f, n_iter, stop };
    let pg = projected_norm(&x, &g, lower);
    if pg <= o.pgtol {
        return done(x, f, 0, Stop::Converged);
    }
    if !f.is_finite() || !pg.is_finite() {
        return done(x, f, 0, Stop::Abnormal);
    }
    loop {
        let mut d = if mem.s.is_empty() {
            -&g
        } else {
            mem.direction(&g)
        };
        if bounded && !mem.s.is_empty() {
            // L-BFGS-B projects its subspace minimiser on the bounds
            for (i, &l) in lower.iter().enumerate() {
                if x[i] + d[i] < l {
                    d[i] = l - x[i];
                }
            }
        }
        let stpmax = if !bounded {
            1e10
        } else if n_iter == 0 {
            1.0
        } else {
            let mut m = 1e10f64;
            for (i, &l) in lower.iter().enumerate() {
                if l.is_finite() && d[i] < 0.0 {
                    let room = l - x[i];
                    if room >= 0.0 {
                        m = 0.0;
                    } else if d[i] * m < room {
                        m = room / d[i];
                    }
                }
            }
            m
        };
        let stp0 = if n_iter == 0 {
            (1.0 / d.dot(&d).sqrt()).min(stpmax)
        } else {
            1.0
        };
        let gd0 = g.dot(&d);
        let found = if gd0 < 0.0 && stp0 <= stpmax {
            line_search(&mut fg, &x, &d, f, gd0, stp0, stpmax, o.max_ls, true)
        } else {
            None
        };
        let Some((stp, fnew, gnew, gdnew)) = found else {
            if mem.s.is_empty() {
                return done(x, f, n_iter + 1, Stop::Abnormal);
            }
            mem.clear();
            continue;
        };
        n_iter += 1;
        let s = &d * stp;
        let yv = &gnew - &g;
        let f_old = f;
        x += &s;
        f = fnew;
        g = gnew;
        if n_iter >= o.max_iter || n_eval.get() > o.max_fun {
            return done(x, f, n_iter, Stop::MaxIter);
        }
        if projected_norm(&x, &g, lower) <= o.pgtol {
            return done(x, f, n_iter, Stop::Converged);
        }
        if f_old - f <= o.ftol * f_old.abs().max(f.abs()).max(1.0) {
            return done(x, f, n_iter, Stop::Converged);
        }
        let sy = (gdnew - gd0) * stp;
        if sy > f64::EPSILON * (-gd0 * stp) {
            mem.push(s, yv, sy);
        }
    }
}

/// Whether variable `i` has a finite lower (`.0`) and upper (`.1`) bound.
fn has_bounds(lower: &[f64], upper: &[f64], i: usize) -> (bool, bool) {
    (
        lower.get(i).is_some_and(|l| l.is_finite()),
        upper.get(i).is_some_and(|u| u.is_finite()),
    )
}

/// The largest component of the gradient projected on the box, as L-BFGS-B's `projgr`.
fn projected_norm_box(x: &Array1<f64>, g: &Array1<f64>, lower: &[f64], upper: &[f64]) -> f64 {
    let mut m = 0.0f64;
    for (i, &gi) in g.iter().enumerate() {
        let (hl, hu) = has_bounds(lower, upper, i);
        let v = if gi < 0.0 {
            if hu {
                (x[i] - upper[i]).max(gi)
            } else {
                gi
            }
        } else if hl {
            (x[i] - lower[i]).min(gi)
        } else {
            gi
        };
        if v.is_nan() {
            return f64::NAN;
        }
        m = m.max(v.abs());
    }
    m
}

/// The limited-memory BFGS matrix as a dense `n x n` matrix: `theta I` updated by the stored
/// pairs, oldest first. That is the matrix L-BFGS-B keeps in compact form (`theta I - W M W'`),
/// with `theta = y'y / s'y` of the newest pair.
fn dense_bfgs(n: usize, mem: &Memory) -> (Array2<f64>, f64) {
    let k = mem.s.len();
    let theta = if k == 0 {
        1.0
    } else {
        let y = &mem.y[k - 1];
        y.dot(y) * mem.rho[k - 1]
    };
    let mut b = Array2::<f64>::eye(n) * theta;
    for i in 0..k {
        let bs = b.dot(&mem.s[i]);
        let sbs = mem.s[i].dot(&bs);
        let (y, rho) = (&mem.y[i], mem.rho[i]);
        for r in 0..n {
            for c in 0..n {
                b[[r, c]] += -bs[r] * bs[c] / sbs + y[r] * y[c] * rho;
            }
        }
    }
    (b, theta)
}

/// Where a variable stands at the generalized Cauchy point.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Where {
    /// Free to move (L-BFGS-B's `iwhere` 0 or -3).
    Free,
    /// At a bound (1 or 2).
    AtBound,
}

/// The generalized Cauchy point of the quadratic model `g's + s'Bs / 2` along the projected
/// steepest descent path from `x` (L-BFGS-B's `cauchy`): breakpoints in increasing order, the
/// first local minimiser of the piecewise quadratic. Returns the point and which variables
/// are at a bound there.
///
/// `scaled_identity`: `Some(theta)` when `b` is `theta I` (no pairs stored, as on the first
/// iteration). Then the slope and curvature after each breakpoint are updated as L-BFGS-B
/// updates them (`f1 += dt f2 + d_b^2 - theta d_b z_b`, `f2 -= theta d_b^2`), rounding and
/// all: where one gradient entry is many orders above the others that update cancels, and
/// what it leaves decides how far the first step goes (a Gaussian process on a wide table:
/// its gradient for the constant is 1e13 times that for the length scale).
fn cauchy(
    x: &Array1<f64>,
    g: &Array1<f64>,
    lower: &[f64],
    upper: &[f64],
    b: &Array2<f64>,
    scaled_identity: Option<f64>,
) -> (Array1<f64>, Vec<Where>) {
    let n = x.len();
    let mut at = vec![Where::Free; n];
    let mut d = Array1::<f64>::zeros(n);
    let mut breaks: Vec<(f64, usize)> = Vec::new();
    let mut f1 = 0.0;
    let mut bounded_path = true;
    let mut moving = false;
    for i in 0..n {
        let (hl, hu) = has_bounds(lower, upper, i);
        let tl = if hl { x[i] - lower[i] } else { 0.0 };
        let tu = if hu { upper[i] - x[i] } else { 0.0 };
        let neg = -g[i];
        let fixed = if hl && tl <= 0.0 {
            neg <= 0.0
        } else if hu && tu <= 0.0 {
            neg >= 0.0
        } else {
            neg == 0.0
        };
        if fixed {
            // at a bound with the gradient pointing out (or a zero gradient)
            if neg != 0.0 || (hl && tl <= 0.0) || (hu && tu <= 0.0) {
                at[i] = Where::AtBound;
            }
            continue;
        }
        d[i] = neg;
        f1 -= neg * neg;
        moving = true;
        if hl && neg < 0.0 {
            breaks.push((tl / -neg, i));
        } else if hu && neg > 0.0 {
            breaks.push((tu / neg, i));
        } else if neg != 0.0 {
            bounded_path = false;
        }
    }
    let mut xcp = x.clone();
    if !moving {
        return (xcp, at);
    }
    let mut f2 = match scaled_identity {
        Some(theta) => -theta * f1,
        None => d.dot(&b.dot(&d)),
    };
    let f2_org = f2;
    let mut dtm = -f1 / f2;
    let mut tsum = 0.0;
    breaks.sort_by(|a, b| a.0.total_cmp(&b.0));
    let nbreak = breaks.len();
    let mut tj = 0.0;
    let mut reached_all = false;
    for (k, &(t, ibp)) in breaks.iter().enumerate() {
        let tj0 = tj;
        tj = t;
        let dt = tj - tj0;
        if dtm < dt {
            break;
        }
        tsum += dt;
        let nleft = nbreak - k - 1;
        let dibp = d[ibp];
        d[ibp] = 0.0;
        xcp[ibp] = if dibp > 0.0 { upper[ibp] } else { lower[ibp] };
        at[ibp] = Where::AtBound;
        if nleft == 0 && nbreak == n {
            // every variable is at a bound
            reached_all = true;
            break;
        }
        // the slope and curvature of the model along what is left of d, from here
        // (the variables still moving are at x + tsum d, the others at their bounds)
        match scaled_identity {
            Some(theta) => {
                let zibp = xcp[ibp] - x[ibp];
                let dibp2 = dibp * dibp;
                f1 = f1 + dt * f2 + dibp2 - theta * dibp * zibp;
                f2 -= theta * dibp2;
            }
            None => {
                let mut z = &xcp - x;
                z.scaled_add(tsum, &d);
                let bd = b.dot(&d);
                f1 = g.dot(&d) + z.dot(&bd);
                f2 = d.dot(&bd);
            }
        }
        f2 = f2.max(f64::EPSILON * f2_org);
        if nleft > 0 {
            dtm = -f1 / f2;
        } else if bounded_path {
            dtm = 0.0;
        } else {
            dtm = -f1 / f2;
        }
    }
    if !reached_all {
        tsum += dtm.max(0.0);
        xcp.scaled_add(tsum, &d);
    }
    (xcp, at)
}

/// The subspace minimisation of L-BFGS-B (`subsm`, version 3.0): the minimiser of the model
/// over the variables free at the Cauchy point `xcp`, projected on the box; if that projection
/// is not a descent direction from `x`, the longest feasible step towards the minimiser
/// instead. `None` when the reduced matrix cannot be factorised (L-BFGS-B then forgets its
/// pairs).
#[allow(clippy::too_many_arguments)]
fn subspace(
    x: &Array1<f64>,
    g: &Array1<f64>,
    xcp: &Array1<f64>,
    free: &[usize],
    lower: &[f64],
    upper: &[f64],
    b: &Array2<f64>,
) -> Option<Array1<f64>> {
    let m = free.len();
    // the model's gradient at the Cauchy point, on the free variables
    let r = g + &b.dot(&(xcp - x));
    let bff = Array2::from_shape_fn((m, m), |(i, j)| b[[free[i], free[j]]]);
    let rf = Array1::from_shape_fn(m, |i| -r[free[i]]);
    let du = crate::models::dense::cholesky_solve(bff.view(), rf.view())?;
    if du.iter().any(|v| !v.is_finite()) {
        return None;
    }
    let mut z = xcp.clone();
    let mut hit = false;
    for (k, &i) in free.iter().enumerate() {
        let (hl, hu) = has_bounds(lower, upper, i);
        let mut v = xcp[i] + du[k];
        if hl {
            v = v.max(lower[i]);
        }
        if hu {
            v = v.min(upper[i]);
        }
        if (hl && v == lower[i]) || (hu && v == upper[i]) {
            hit = true;
        }
        z[i] = v;
    }
    if !hit {
        return Some(z);
    }
    let slope: f64 = z
        .iter()
        .zip(x)
        .zip(g)
        .map(|((zi, xi), gi)| (zi - xi) * gi)
        .sum();
    if slope <= 0.0 {
        return Some(z);
    }
    // backtrack: the longest step from xcp along du that stays in the box
    let mut z = xcp.clone();
    let mut du = du;
    let mut alpha = 1.0f64;
    let mut temp = alpha;
    let mut ibd = None;
    for (k, &i) in free.iter().enumerate() {
        let (hl, hu) = has_bounds(lower, upper, i);
        let dk = du[k];
        if !hl && !hu {
            continue;
        }
        if dk < 0.0 && hl {
            let room = lower[i] - z[i];
            if room >= 0.0 {
                temp = 0.0;
            } else if dk * alpha < room {
                temp = room / dk;
            }
        } else if dk > 0.0 && hu {
            let room = upper[i] - z[i];
            if room <= 0.0 {
                temp = 0.0;
            } else if dk * alpha > room {
                temp = room / dk;
            }
        }
        if temp < alpha {
            alpha = temp;
            ibd = Some(k);
        }
    }
    if alpha < 1.0 {
        if let Some(k) = ibd {
            let i = free[k];
            if du[k] > 0.0 {
                z[i] = upper[i];
                du[k] = 0.0;
            } else if du[k] < 0.0 {
                z[i] = lower[i];
                du[k] = 0.0;
            }
        }
    }
    for (k, &i) in free.iter().enumerate() {
        z[i] += alpha * du[k];
    }
    Some(z)
}

/// Minimises `fg` (objective and gradient) within the box `lower <= x <= upper` (`-inf` /
/// `inf`: no bound) from `x0` (projected on the box) by L-BFGS-B itself, as scipy's
/// `minimize(method="L-BFGS-B")`: each iteration the generalized Cauchy point, the subspace
/// minimisation over the variables free there, then the Moré-Thuente search along the way to
/// that point with the largest step that stays feasible (1 on the first iteration), the first
/// trial step 1 when every variable has both bounds (else `1 / ||d||` on the first iteration).
/// A failed search or a singular model forgets the pairs; a failed search without pairs ends
/// the run (`Abnormal`). A non-finite objective is a step too far: the search returns to its
/// best step, as scipy's does, instead of backing off halfway like [`minimize`].
///
/// The limited-memory matrix is kept dense (`n x n`), so this is for few variables (a
/// Gaussian process's kernel hyper-parameters); [`minimize`] is for many.
pub fn minimize_box(
    mut fg: impl FnMut(&Array1<f64>) -> (f64, Array1<f64>),
    x0: Array1<f64>,
    lower: &[f64],
    upper: &[f64],
    o: Options,
) -> Minimum {
    let n = x0.len();
    let mut x = x0;
    let mut boxed = true;
    let mut constrained = false;
    for i in 0..n {
        let (hl, hu) = has_bounds(lower, upper, i);
        boxed &= hl && hu;
        constrained |= hl || hu;
        if hl && x[i] < lower[i] {
            x[i] = lower[i];
        }
        if hu && x[i] > upper[i] {
            x[i] = upper[i];
        }
    }
    let (mut f, mut g) = fg(&x);
    let mut mem = Memory {
        s: Vec::new(),
        y: Vec::new(),
        rho: Vec::new(),
        cap: o.memory.max(1),
    };
    let done = |x, f, n_iter, stop| Minimum { x, f, n_iter, stop };
    let pg = projected_norm_box(&x, &g, lower, upper);
    if pg <= o.pgtol {
        return done(x, f, 0, Stop::Converged);
    }
    if f.is_nan() || !pg.is_finite() {
        return done(x, f, 0, Stop::Abnormal);
    }
    let mut n_iter = 0;
    loop {
        let (b, theta) = dense_bfgs(n, &mem);
        let identity = mem.s.is_empty().then_some(theta);
        let (xcp, at) = cauchy(&x, &g, lower, upper, &b, identity);
        let free: Vec<usize> = (0..n).filter(|&i| at[i] == Where::Free).collect();
        let z = if !free.is_empty() && !mem.s.is_empty() {
            match subspace(&x, &g, &xcp, &free, lower, upper, &b) {
                Some(z) => z,
                None => {
                    mem.clear();
                    continue;
                }
            }
        } else {
            xcp
        };
        let d = &z - &x;
        let mut stpmax = 1e10f64;
        if constrained {
            if n_iter == 0 {
                stpmax = 1.0;
            } else {
                for i in 0..n {
                    let (hl, hu) = has_bounds(lower, upper, i);
                    if d[i] < 0.0 && hl {
                        let room = lower[i] - x[i];
                        if room >= 0.0 {
                            stpmax = 0.0;
                        } else if d[i] * stpmax < room {
                            stpmax = room / d[i];
                        }
                    } else if d[i] > 0.0 && hu {
                        let room = upper[i] - x[i];
                        if room <= 0.0 {
                            stpmax = 0.0;
                        } else if d[i] * stpmax > room {
                            stpmax = room / d[i];
                        }
                    }
                }
            }
        }
        let stp0 = if n_iter == 0 && !boxed {
            (1.0 / d.dot(&d).sqrt()).min(stpmax)
        } else {
            1.0
        };
        let gd0 = g.dot(&d);
        let found = if gd0 < 0.0 && stp0 <= stpmax {
            line_search(&mut fg, &x, &d, f, gd0, stp0, stpmax, o.max_ls, false)
        } else {
            None
        };
        let Some((stp, fnew, gnew, gdnew)) = found else {
            if mem.s.is_empty() {
                return done(x, f, n_iter + 1, Stop::Abnormal);
            }
            mem.clear();
            continue;
        };
        n_iter += 1;
        let s = &d * stp;
        let yv = &gnew - &g;
        let f_old = f;
        x += &s;
        f = fnew;
        g = gnew;
        if n_iter >= o.max_iter {
            return done(x, f, n_iter, Stop::MaxIter);
        }
        if projected_norm_box(&x, &g, lower, upper) <= o.pgtol {
            return done(x, f, n_iter, Stop::Converged);
        }
        if f_old - f <= o.ftol * f_old.abs().max(f.abs()).max(1.0) {
            return done(x, f, n_iter, Stop::Converged);
        }
        let sy = (gdnew - gd0) * stp;
        if sy > f64::EPSILON * (-gd0 * stp) {
            mem.push(s, yv, sy);
        }
    }
}

/// The state of the Moré-Thuente search: the best step so far (`x`), the other end of the
/// interval (`y`), each with its value and slope.
#[derive(Clone, Copy)]
struct End {
    t: f64,
    f: f64,
    g: f64,
}

/// The Moré-Thuente line search along `d` from `x` (value `f0`, slope `g0 < 0`), first trying
/// `stp0`: the accepted step with its value, gradient and slope, `None` if it fails.
#[allow(clippy::too_many_arguments)]
fn line_search(
    fg: &mut impl FnMut(&Array1<f64>) -> (f64, Array1<f64>),
    x: &Array1<f64>,
    d: &Array1<f64>,
    f0: f64,
    g0: f64,
    stp0: f64,
    stpmax: f64,
    max_ls: usize,
    back_off: bool,
) -> Option<(f64, f64, Array1<f64>, f64)> {
    const FTOL: f64 = 1e-3;
    const GTOL: f64 = 0.9;
    const XTOL: f64 = 0.1;
    const XTRAPL: f64 = 1.1;
    const XTRAPU: f64 = 4.0;
    let stpmin = 0.0;
    let gtest = FTOL * g0;
    let mut width = stpmax - stpmin;
    let mut width1 = 2.0 * width;
    let mut bracketed = false;
    let mut stage1 = true;
    let mut bx = End {
        t: 0.0,
        f: f0,
        g: g0,
    };
    let mut by = bx;
    let mut stmin = 0.0;
    let mut stmax = stp0 + XTRAPU * stp0;
    let mut stp = stp0;
    for _ in 0..max_ls {
        let mut xt = x.clone();
        xt.scaled_add(stp, d);
        let (f, g) = fg(&xt);
        let dg = g.dot(d);
        if back_off && (!f.is_finite() || !dg.is_finite()) {
            // outside the objective's domain: back off towards the best step
            bracketed = true;
            by = End {
                t: stp,
                f: f64::MAX,
                g: f64::MAX,
            };
            stmin = bx.t.min(stp);
            stmax = bx.t.max(stp);
            stp = bx.t + 0.5 * (stp - bx.t);
            continue;
        }
        let ftest = f0 + stp * gtest;
        if stage1 && f <= ftest && dg >= 0.0 {
            stage1 = false;
        }
        // the warnings of dcsrch end the search at this step, as convergence does
        if (bracketed && (stp <= stmin || stp >= stmax || stmax - stmin <= XTOL * stmax))
            || (stp == stpmax && f <= ftest && dg <= gtest)
            || (stp == stpmin && (f > ftest || dg >= gtest))
            || (f <= ftest && dg.abs() <= -GTOL * g0)
        {
            return Some((stp, f, g, dg));
        }
        let here = End { t: stp, f, g: dg };
        if stage1 && f <= bx.f && f > ftest {
            // the modified function psi(t) = f(t) - f0 - t * gtest
            let m = |e: End| End {
                t: e.t,
                f: e.f - e.t * gtest,
                g: e.g - gtest,
            };
            let (mut mx, mut my) = (m(bx), m(by));
            stp = step(&mut mx, &mut my, m(here), &mut bracketed, stmin, stmax);
            let back = |e: End| End {
                t: e.t,
                f: e.f + e.t * gtest,
                g: e.g + gtest,
            };
            bx = back(mx);
            by = back(my);
        } else {
            stp = step(&mut bx, &mut by, here, &mut bracketed, stmin, stmax);
        }
        if bracketed {
            if (by.t - bx.t).abs() >= 0.66 * width1 {
                stp = bx.t + 0.5 * (by.t - bx.t);
            }
            width1 = width;
            width = (by.t - bx.t).abs();
            stmin = bx.t.min(by.t);
            stmax = bx.t.max(by.t);
        } else {
            stmin = stp + XTRAPL * (stp - bx.t);
            stmax = stp + XTRAPU * (stp - bx.t);
        }
        stp = stp.max(stpmin).min(stpmax);
        if bracketed && (stp <= stmin || stp >= stmax || stmax - stmin <= XTOL * stmax) {
            stp = bx.t;
        }
    }
    None
}

/// `s * sqrt((a / s)^2 - (b / s) (c / s))`, clipped at 0 under the root when `clip`.
fn root(s: f64, theta: f64, b: f64, c: f64, clip: bool) -> f64 {
    let v = (theta / s) * (theta / s) - (b / s) * (c / s);
    s * if clip { v.max(0.0) } else { v }.sqrt()
}

/// One safeguarded step of the Moré-Thuente search (the four cases of their paper): updates the
/// interval ends and returns the next trial step.
fn step(x: &mut End, y: &mut End, p: End, bracketed: &mut bool, lo: f64, hi: f64) -> f64 {
    let sgnd = p.g * x.g.signum();
    let next = if p.f > x.f {
        // higher value: the minimum is bracketed; cubic or halfway to the quadratic
        let theta = 3.0 * (x.f - p.f) / (p.t - x.t) + x.g + p.g;
        let s = theta.abs().max(x.g.abs()).max(p.g.abs());
        let mut gamma = root(s, theta, x.g, p.g, false);
        if p.t < x.t {
            gamma = -gamma;
        }
        let pp = (gamma - x.g) + theta;
        let q = ((gamma - x.g) + gamma) + p.g;
        let stpc = x.t + pp / q * (p.t - x.t);
        let stpq = x.t + x.g / ((x.f - p.f) / (p.t - x.t) + x.g) / 2.0 * (p.t - x.t);
        *bracketed = true;
        if (stpc - x.t).abs() < (stpq - x.t).abs() {
            stpc
        } else {
            stpc + (stpq - stpc) / 2.0
        }
    } else if sgnd < 0.0 {
        // slopes of opposite signs: bracketed; the cubic or the secant step
        let theta = 3.0 * (x.f - p.f) / (p.t - x.t) + x.g + p.g;
        let s = theta.abs().max(x.g.abs()).max(p.g.abs());
        let mut gamma = root(s, theta, x.g, p.g, false);
        if p.t > x.t {
            gamma = -gamma;
        }
        let pp = (gamma - p.g) + theta;
        let q = ((gamma - p.g) + gamma) + x.g;
        let stpc = p.t + pp / q * (x.t - p.t);
        let stpq = p.t + p.g / (p.g - x.g) * (x.t - p.t);
        *bracketed = true;
        if (stpc - p.t).abs() > (stpq - p.t).abs() {
            stpc
        } else {
            stpq
        }
    } else if p.g.abs() < x.g.abs() {
        // same sign, the slope decreasing in magnitude
        let theta = 3.0 * (x.f - p.f) / (p.t - x.t) + x.g + p.g;
        let s = theta.abs().max(x.g.abs()).max(p.g.abs());
        let mut gamma = root(s, theta, x.g, p.g, true);
        if p.t > x.t {
            gamma = -gamma;
        }
        let pp = (gamma - p.g) + theta;
        let q = (gamma + (x.g - p.g)) + gamma;
        let r = pp / q;
        let stpc = if r < 0.0 && gamma != 0.0 {
            p.t + r * (x.t - p.t)
        } else if p.t > x.t {
            hi
        } else {
            lo
        };
        let stpq = p.t + p.g / (p.g - x.g) * (x.t - p.t);
        if *bracketed {
            let t = if (stpc - p.t).abs() < (stpq - p.t).abs() {
                stpc
            } else {
                stpq
            };
            if p.t > x.t {
                t.min(p.t + 0.66 * (y.t - p.t))
            } else {
                t.max(p.t + 0.66 * (y.t - p.t))
            }
        } else {
            let t = if (stpc - p.t).abs() > (stpq - p.t).abs() {
                stpc
            } else {
                stpq
            };
            t.min(hi).max(lo)
        }
    } else if *bracketed {
        // same sign, the slope not decreasing: the cubic through p and y
        let theta = 3.0 * (p.f - y.f) / (y.t - p.t) + y.g + p.g;
        let s = theta.abs().max(y.g.abs()).max(p.g.abs());
        let mut gamma = root(s, theta, y.g, p.g, false);
        if p.t > y.t {
            gamma = -gamma;
        }
        let pp = (gamma - p.g) + theta;
        let q = ((gamma - p.g) + gamma) + y.g;
        p.t + pp / q * (y.t - p.t)
    } else if p.t > x.t {
        hi
    } else {
        lo
    };
    if p.f > x.f {
        *y = p;
    } else {
        if sgnd < 0.0 {
            *y = *x;
        }
        *x = p;
    }
    next
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;

    fn rosenbrock(x: &Array1<f64>) -> (f64, Array1<f64>) {
        let (a, b) = (x[0], x[1]);
        let f = (1.0 - a).powi(2) + 100.0 * (b - a * a).powi(2);
        let g = array![
            -2.0 * (1.0 - a) - 400.0 * a * (b - a * a),
            200.0 * (b - a * a)
        ];
        (f, g)
    }

    #[test]
    fn minimises_rosenbrock() {
        let r = minimize(
            rosenbrock,
            array![-1.2, 1.0],
            &[],
            Options::scipy(200, 1e-8),
        );
        assert_eq!(r.stop, Stop::Converged);
        assert!(
            (r.x[0] - 1.0).abs() < 1e-4 && (r.x[1] - 1.0).abs() < 1e-4,
            "{:?}",
            r.x
        );
    }

    #[test]
    fn stops_after_max_iter() {
        let r = minimize(rosenbrock, array![-1.2, 1.0], &[], Options::scipy(3, 1e-8));
        assert_eq!((r.stop, r.n_iter), (Stop::MaxIter, 3));
    }

    #[test]
    fn keeps_a_lower_bound() {
        // (x - 2)^2 + (y + 1)^2 with y >= 0.5: the minimum at (2, 0.5)
        let fg = |x: &Array1<f64>| {
            let f = (x[0] - 2.0).powi(2) + (x[1] + 1.0).powi(2);
            (f, array![2.0 * (x[0] - 2.0), 2.0 * (x[1] + 1.0)])
        };
        let r = minimize(
            fg,
            array![0.0, 3.0],
            &[f64::NEG_INFINITY, 0.5],
            Options::scipy(100, 1e-8),
        );
        assert!(
            (r.x[0] - 2.0).abs() < 1e-6 && (r.x[1] - 0.5).abs() < 1e-12,
            "{:?}",
            r.x
        );
    }

    #[test]
    fn keeps_both_bounds_as_l_bfgs_b() {
        // (x - 2)^2 + 10 (y + 1)^2 + x y in [-0.5, 1] x [0, 3]: the minimum at x = 1 (upper
        // bound), y = 0 (lower bound)
        let fg = |x: &Array1<f64>| {
            let f = (x[0] - 2.0).powi(2) + 10.0 * (x[1] + 1.0).powi(2) + x[0] * x[1];
            (
                f,
                array![2.0 * (x[0] - 2.0) + x[1], 20.0 * (x[1] + 1.0) + x[0]],
            )
        };
        let r = minimize_box(
            fg,
            array![0.0, 2.0],
            &[-0.5, 0.0],
            &[1.0, 3.0],
            Options::scipy(100, 1e-8),
        );
        assert_eq!(r.stop, Stop::Converged);
        assert_eq!((r.x[0], r.x[1]), (1.0, 0.0));
        // an interior minimum with loose bounds: Rosenbrock
        let r = minimize_box(
            rosenbrock,
            array![-1.2, 1.0],
            &[-5.0, -5.0],
            &[5.0, 5.0],
            Options::scipy(500, 1e-8),
        );
        assert!(
            (r.x[0] - 1.0).abs() < 1e-4 && (r.x[1] - 1.0).abs() < 1e-4,
            "{:?}",
            r.x
        );
        // an infinite value is a step too far: back to the best step
        let r = minimize_box(
            |x: &Array1<f64>| {
                if x[0] > 0.5 {
                    (f64::INFINITY, array![0.0])
                } else {
                    ((x[0] - 0.4).powi(2), array![2.0 * (x[0] - 0.4)])
                }
            },
            array![0.0],
            &[-1.0],
            &[1.0],
            Options::scipy(100, 1e-10),
        );
        assert!(r.x[0] <= 0.5 && r.f.is_finite(), "{:?}", r);
    }

    #[test]
    fn the_first_step_rounds_as_scipys_where_one_gradient_entry_dwarfs_the_other() {
        // a Gaussian process's first gradient on a wide table (the constant's 1e13 times the
        // length scale's): the Cauchy point's slope after the constant's breakpoint is what
        // the cancellation leaves, and it decides the first trial point; scipy 1.17's points
        // (x1 = 2.869e-12, then 2.3386), where the slope summed afresh gave 6.6e-10
        let mut points = Vec::new();
        let r = minimize_box(
            |x: &Array1<f64>| {
                points.push(x.clone());
                let f = -9384025175266.164 * x[0] - 2.038594476051088 * x[1]
                    + 0.5 * (x[1] - 0.3).powi(2);
                (
                    f,
                    array![-9384025175266.164, -2.038594476051088 + (x[1] - 0.3)],
                )
            },
            array![0.0, 0.0],
            &[-11.512925464970229; 2],
            &[11.512925464970229; 2],
            Options::scipy(15000, 1e-5),
        );
        assert_eq!(points.len(), 3, "{points:?}");
        assert_eq!(points[1][0], 11.512925464970229);
        assert!(
            (points[1][1] - 2.8691380716381786e-12).abs() < 1e-24,
            "{:e}",
            points[1][1]
        );
        assert!((r.x[1] - 2.3385944760510884).abs() < 1e-12, "{:?}", r.x);
    }

    #[test]
    fn a_nan_gradient_ends_without_panic() {
        let r = minimize(
            |_| (f64::NAN, array![f64::NAN]),
            array![1.0],
            &[],
            Options::scipy(10, 1e-5),
        );
        assert_eq!(r.stop, Stop::Abnormal);
    }
}
