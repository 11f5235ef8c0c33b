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
//! Lower bounds (HuberRegressor's scale) are kept by projection: the projected gradient, the step
//! cut at the nearest bound. That is L-BFGS-B's path as long as its Cauchy point meets no bound,
//! which is the case when the bound is far (the scale never approaches its bound of 1e-15).

use ndarray::Array1;

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
            line_search(&mut fg, &x, &d, f, gd0, stp0, stpmax, o.max_ls)
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
        if !f.is_finite() || !dg.is_finite() {
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
