//! A small L-BFGS minimiser with scipy's L-BFGS-B stopping rules (no bounds): stop when the
//! largest gradient component is at most `pgtol`, when the relative decrease of the objective
//! is at most `ftol` (`factr * eps`), or after `max_iter` iterations; at most `max_ls`
//! evaluations per line search (strong Wolfe, ftol 1e-3, gtol 0.9 as scipy's `dcsrch`). The
//! first step is `1 / ||g||`, later ones 1, memory 10 pairs (scipy's `maxcor`).

use ndarray::Array1;

/// Stopping rules.
#[derive(Clone, Copy, Debug)]
pub struct Options {
    pub max_iter: usize,
    pub pgtol: f64,
    pub ftol: f64,
    pub max_ls: usize,
    pub memory: usize,
}

/// The minimiser's result.
pub struct Minimum {
    pub x: Array1<f64>,
    pub f: f64,
    pub n_iter: usize,
}

fn dot(a: &Array1<f64>, b: &Array1<f64>) -> f64 {
    a.dot(b)
}

fn sup(g: &Array1<f64>) -> f64 {
    g.iter().fold(0.0f64, |m, v| m.max(v.abs()))
}

/// Minimises `fg` (objective and gradient) from `x0`. A non-finite objective along a line is
/// treated as a failed step (the step shrinks).
pub fn minimize(
    mut fg: impl FnMut(&Array1<f64>) -> (f64, Array1<f64>),
    x0: Array1<f64>,
    o: Options,
) -> Minimum {
    let mut x = x0;
    let (mut f, mut g) = fg(&x);
    let mut s_hist: Vec<Array1<f64>> = Vec::new();
    let mut y_hist: Vec<Array1<f64>> = Vec::new();
    let mut rho: Vec<f64> = Vec::new();
    let mut n_iter = 0;
    if !f.is_finite() || sup(&g) <= o.pgtol {
        return Minimum { x, f, n_iter };
    }
    while n_iter < o.max_iter {
        // Two-loop recursion.
        let mut q = g.clone();
        let k = s_hist.len();
        let mut a = vec![0.0; k];
        for i in (0..k).rev() {
            a[i] = rho[i] * dot(&s_hist[i], &q);
            q.scaled_add(-a[i], &y_hist[i]);
        }
        if k > 0 {
            let gamma = dot(&s_hist[k - 1], &y_hist[k - 1]) / dot(&y_hist[k - 1], &y_hist[k - 1]);
            q *= gamma;
        }
        for i in 0..k {
            let b = rho[i] * dot(&y_hist[i], &q);
            q.scaled_add(a[i] - b, &s_hist[i]);
        }
        let mut d = -q;
        let mut dg = dot(&d, &g);
        if !(dg < 0.0) {
            // Not a descent direction: restart from steepest descent.
            s_hist.clear();
            y_hist.clear();
            rho.clear();
            d = -g.clone();
            dg = dot(&d, &g);
        }
        let step0 = if s_hist.is_empty() {
            1.0 / dot(&d, &d).sqrt()
        } else {
            1.0
        };
        let Some((t, fn_, gn)) = line_search(&mut fg, &x, f, dg, &d, step0, o.max_ls) else {
            break;
        };
        let mut xn = x.clone();
        xn.scaled_add(t, &d);
        let s = &xn - &x;
        let yv = &gn - &g;
        let sy = dot(&s, &yv);
        n_iter += 1;
        let f_old = f;
        x = xn;
        f = fn_;
        g = gn;
        if sy > f64::EPSILON * dot(&yv, &yv) {
            if s_hist.len() == o.memory {
                s_hist.remove(0);
                y_hist.remove(0);
                rho.remove(0);
            }
            s_hist.push(s);
            y_hist.push(yv);
            rho.push(1.0 / sy);
        }
        if (f_old - f) / f_old.abs().max(f.abs()).max(1.0) <= o.ftol {
            break;
        }
        if sup(&g) <= o.pgtol {
            break;
        }
    }
    Minimum { x, f, n_iter }
}

type Eval = (f64, f64, Array1<f64>);

/// Strong-Wolfe line search (bracketing, then zoom by safeguarded cubic interpolation).
fn line_search(
    fg: &mut impl FnMut(&Array1<f64>) -> (f64, Array1<f64>),
    x: &Array1<f64>,
    f0: f64,
    dg0: f64,
    d: &Array1<f64>,
    step0: f64,
    max_ls: usize,
) -> Option<(f64, f64, Array1<f64>)> {
    const C1: f64 = 1e-3;
    const C2: f64 = 0.9;
    let mut evals = 0;
    let mut eval = |t: f64, evals: &mut usize| -> Eval {
        *evals += 1;
        let mut xt = x.clone();
        xt.scaled_add(t, d);
        let (f, g) = fg(&xt);
        let dg = g.dot(d);
        (f, dg, g)
    };
    let mut lo: (f64, f64, f64) = (0.0, f0, dg0);
    let mut t = step0;
    let hi: (f64, f64, f64);
    loop {
        if evals >= max_ls {
            return None;
        }
        let (f, dg, g) = eval(t, &mut evals);
        if !f.is_finite() || !dg.is_finite() {
            hi = (t, f64::INFINITY, f64::NAN);
            break;
        }
        if f > f0 + C1 * t * dg0 || (evals > 1 && f >= lo.1) {
            hi = (t, f, dg);
            break;
        }
        if dg.abs() <= -C2 * dg0 {
            return Some((t, f, g));
        }
        if dg >= 0.0 {
            hi = lo;
            lo = (t, f, dg);
            break;
        }
        lo = (t, f, dg);
        t *= 4.0;
    }
    let mut hi = hi;
    // Zoom between lo (satisfies the decrease) and hi.
    loop {
        if evals >= max_ls {
            return if lo.0 > 0.0 {
                let (f, _, g) = eval(lo.0, &mut evals);
                Some((lo.0, f, g))
            } else {
                None
            };
        }
        let (a, b) = (lo.0.min(hi.0), lo.0.max(hi.0));
        let mut t = cubic(lo, hi).unwrap_or(0.5 * (lo.0 + hi.0));
        let w = b - a;
        if !(t > a + 0.1 * w && t < b - 0.1 * w) {
            t = 0.5 * (a + b);
        }
        let (f, dg, g) = eval(t, &mut evals);
        if !f.is_finite() || f > f0 + C1 * t * dg0 || f >= lo.1 {
            hi = (t, if f.is_finite() { f } else { f64::INFINITY }, dg);
        } else {
            if dg.abs() <= -C2 * dg0 {
                return Some((t, f, g));
            }
            if dg * (hi.0 - lo.0) >= 0.0 {
                hi = lo;
            }
            lo = (t, f, dg);
        }
        if (hi.0 - lo.0).abs() <= 1e-16 * lo.0.abs().max(1e-300) {
            return if lo.0 > 0.0 {
                let (f, _, g) = eval(lo.0, &mut evals);
                Some((lo.0, f, g))
            } else {
                None
            };
        }
    }
}

/// The minimiser of the cubic through two points with their slopes.
fn cubic(p: (f64, f64, f64), q: (f64, f64, f64)) -> Option<f64> {
    if !q.1.is_finite() || !q.2.is_finite() {
        return None;
    }
    let d1 = p.2 + q.2 - 3.0 * (p.1 - q.1) / (p.0 - q.0);
    let s = d1 * d1 - p.2 * q.2;
    if s < 0.0 {
        return None;
    }
    let d2 = (q.0 - p.0).signum() * s.sqrt();
    let t = q.0 - (q.0 - p.0) * (q.2 + d2 - d1) / (q.2 - p.2 + 2.0 * d2);
    t.is_finite().then_some(t)
}
