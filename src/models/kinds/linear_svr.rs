//! LinearSVR: linear support vector regression as scikit-learn's (liblinear). The intercept is
//! an extra feature of value `intercept_scaling`, penalised with the weights. The
//! epsilon-insensitive loss (and the squared one with `dual=True`) is solved by liblinear's
//! dual coordinate descent for SVR (random order of the rows each sweep, drawn as scikit-learn's
//! liblinear draws it, so the same `random_state` gives the same fit; shrinking, stopped
//! when the sum of the projected-gradient violations falls below `tol` times the first
//! sweep's); the squared loss in the primal (`dual='auto'` with at least as many rows as
//! features) by Newton's method on the primal, which is strictly convex and piecewise
//! quadratic, to its optimum.

use ndarray::{Array1, Array2, ArrayView1, ArrayView2, Axis};
use serde::{Deserialize, Serialize};

use super::least_squares;
use crate::models::dense;
use crate::models::kind::{dims, Kind, Predictor, Values};
use crate::models::linear::{self, LinearFit};
use crate::models::params::{f, ignored, int, opt_int, p, s, NON_NEGATIVE, POSITIVE};
use crate::models::{BuildError, ModelError, ParamDef, ParamType, Value, DEFAULT_SEED};
use crate::split::RandomState;

/// The loss of LinearSVR.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum SvrLoss {
    /// `max(0, |r| - epsilon)` (L1).
    EpsilonInsensitive,
    /// `max(0, |r| - epsilon)^2` (L2).
    SquaredEpsilonInsensitive,
}

/// `dual`: `'auto'`, `True` or `False`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Dual {
    Auto,
    Yes,
    No,
}

/// Parameters of LinearSVR.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LinearSvrParams {
    pub epsilon: f64,
    pub tol: f64,
    pub c: f64,
    pub loss: SvrLoss,
    pub fit_intercept: bool,
    pub intercept_scaling: f64,
    pub dual: Dual,
    pub random_state: Option<u64>,
    pub max_iter: usize,
}

/// scikit-learn's `LinearSVR`.
pub struct LinearSvr;

const LOSSES: &[&str] = &["epsilon_insensitive", "squared_epsilon_insensitive"];

impl Kind for LinearSvr {
    type Params = LinearSvrParams;
    const NAME: &'static str = "LinearSVR";
    const ALIASES: &'static [&'static str] = &["linear_svr"];
    const DOC: &'static str =
        "linear support vector regression (liblinear's dual coordinate descent)";

    fn params() -> Vec<ParamDef> {
        vec![
            p("epsilon", NON_NEGATIVE, f(0.0), "half-width of the insensitive tube"),
            p("tol", POSITIVE, f(1e-4), "stopping tolerance"),
            p("C", POSITIVE, f(1.0), "inverse regularisation strength"),
            p(
                "loss",
                ParamType::Choice(LOSSES),
                s("epsilon_insensitive"),
                "L1 or L2 (squared) epsilon-insensitive loss",
            ),
            p(
                "fit_intercept",
                ParamType::Bool,
                Value::Bool(true),
                "fit an intercept (an extra feature, penalised with the weights)",
            ),
            p(
                "intercept_scaling",
                POSITIVE,
                f(1.0),
                "the value of the intercept's extra feature",
            ),
            p(
                "dual",
                ParamType::OneOf {
                    none: false,
                    bool: true,
                    strs: &["auto"],
                },
                s("auto"),
                "solve the dual; 'auto': the primal for the squared loss unless fewer rows than features",
            ),
            ignored(
                "verbose",
                int(0),
                Value::Int(0),
                "ignored: no effect on results",
            ),
            p(
                "random_state",
                opt_int(0),
                Value::None,
                "seed of the coordinate order; None means the fixed seed 0",
            ),
            p("max_iter", int(1), Value::Int(1000), "maximum sweeps"),
        ]
    }
    fn build(v: &Values) -> Result<LinearSvrParams, BuildError> {
        Ok(LinearSvrParams {
            epsilon: v.float("epsilon"),
            tol: v.float("tol"),
            c: v.float("C"),
            loss: if v.str("loss") == "squared_epsilon_insensitive" {
                SvrLoss::SquaredEpsilonInsensitive
            } else {
                SvrLoss::EpsilonInsensitive
            },
            fit_intercept: v.bool("fit_intercept"),
            intercept_scaling: v.float("intercept_scaling"),
            dual: match v.get("dual") {
                Value::Bool(true) => Dual::Yes,
                Value::Bool(false) => Dual::No,
                _ => Dual::Auto,
            },
            random_state: v.opt_u64("random_state"),
            max_iter: v.usize("max_iter"),
        })
    }
    fn values(p: &LinearSvrParams) -> Vec<(&'static str, Value)> {
        vec![
            ("epsilon", Value::Float(p.epsilon)),
            ("tol", Value::Float(p.tol)),
            ("C", Value::Float(p.c)),
            ("loss", s(LOSSES[p.loss as usize])),
            ("fit_intercept", Value::Bool(p.fit_intercept)),
            ("intercept_scaling", Value::Float(p.intercept_scaling)),
            (
                "dual",
                match p.dual {
                    Dual::Auto => s("auto"),
                    Dual::Yes => Value::Bool(true),
                    Dual::No => Value::Bool(false),
                },
            ),
            ("random_state", Value::seed(p.random_state)),
            ("max_iter", Value::count(p.max_iter)),
        ]
    }
    fn min_rows(_: &LinearSvrParams) -> usize {
        1
    }
    fn expected_cost(p: &LinearSvrParams, n_rows: usize, n_features: usize) -> f64 {
        let (n, f) = dims(n_rows, n_features);
        n * f * (p.max_iter as f64).min(50.0)
    }
    fn fit<'a>(
        p: &LinearSvrParams,
        x: ArrayView2<'a, f64>,
        y: ArrayView1<'a, f64>,
    ) -> Result<Predictor<'a>, ModelError> {
        Ok(least_squares::predictor(fit_linear_svr(p, x, y)?))
    }
}

/// Fits LinearSVR: the weights and intercept.
pub fn fit_linear_svr(
    p: &LinearSvrParams,
    x: ArrayView2<f64>,
    y: ArrayView1<f64>,
) -> Result<LinearFit, ModelError> {
    let (n, f) = x.dim();
    let dual = match (p.dual, p.loss) {
        (Dual::Yes, _) => true,
        (Dual::No, SvrLoss::EpsilonInsensitive) => {
            return Err(ModelError::Fit {
                kind: LinearSvr::NAME,
                message: "Unsupported set of arguments: The combination of penalty='l2' and \
                          loss='epsilon_insensitive' are not supported when dual=False"
                    .into(),
            })
        }
        (Dual::No, SvrLoss::SquaredEpsilonInsensitive) => false,
        (Dual::Auto, SvrLoss::EpsilonInsensitive) => true,
        (Dual::Auto, SvrLoss::SquaredEpsilonInsensitive) => n < f,
    };
    // the rows with the intercept's feature appended
    let width = f + usize::from(p.fit_intercept);
    let mut xa = Array2::from_elem((n, width), p.intercept_scaling);
    xa.slice_mut(ndarray::s![.., ..f]).assign(&x);
    let w = if dual {
        let seed = p.random_state.unwrap_or(DEFAULT_SEED);
        dual_cd(xa.view(), y, p, seed)
    } else {
        primal_newton(xa.view(), y, p)
    };
    let coef = w.slice(ndarray::s![..f]).to_owned();
    let intercept = if p.fit_intercept {
        w[f] * p.intercept_scaling
    } else {
        0.0
    };
    Ok(LinearFit { coef, intercept })
}

/// liblinear's dual coordinate descent for L1- and L2-loss SVR (`solve_l2r_l1l2_svr`, unit
/// sample weights): one coefficient `beta_i` per row, `w = sum beta_i x_i`.
fn dual_cd(x: ArrayView2<f64>, y: ArrayView1<f64>, p: &LinearSvrParams, seed: u64) -> Array1<f64> {
    let (l, width) = x.dim();
    let (lambda, upper) = match p.loss {
        SvrLoss::EpsilonInsensitive => (0.0, p.c),
        SvrLoss::SquaredEpsilonInsensitive => (0.5 / p.c, f64::INFINITY),
    };
    let eps = p.epsilon;
    // scikit-learn hands liblinear `RandomState(random_state).randint(2**31 - 1)`, which
    // seeds its own std::mt19937 (the same generator, seeded the same way)
    let mut rng = RandomState::from_u32(liblinear_seed(seed));
    // plain slices in the loop (ndarray's views cost more than the sums at a few dozen
    // features); `dense::dot` is ndarray's `dot`, bit for bit
    let rows = x.as_standard_layout();
    let rows = rows.as_slice().unwrap_or(&[]);
    let row = |i: usize| &rows[i * width..(i + 1) * width];
    let mut w = vec![0.0; width];
    let mut beta = vec![0.0; l];
    let qd: Vec<f64> = (0..l).map(|i| dense::dot(row(i), row(i))).collect();
    let mut index: Vec<usize> = (0..l).collect();
    let mut active = l;
    let mut gmax_old = f64::INFINITY;
    let mut gnorm1_init = -1.0;
    let mut iter = 0;
    while iter < p.max_iter {
        let mut gmax_new = 0.0f64;
        let mut gnorm1_new = 0.0;
        for i in 0..active {
            let j = i + below(&mut rng, active - i);
            index.swap(i, j);
        }
        let mut s = 0;
        while s < active {
            let i = index[s];
            let xi = row(i);
            let g = -y[i] + lambda * beta[i] + dense::dot(xi, &w);
            let h = qd[i] + lambda;
            let gp = g + eps;
            let gn = g - eps;
            let mut violation = 0.0;
            let shrink = if beta[i] == 0.0 {
                if gp < 0.0 {
                    violation = -gp;
                    false
                } else if gn > 0.0 {
                    violation = gn;
                    false
                } else {
                    gp > gmax_old && gn < -gmax_old
                }
            } else if beta[i] >= upper {
                if gp > 0.0 {
                    violation = gp;
                    false
                } else {
                    gp < -gmax_old
                }
            } else if beta[i] <= -upper {
                if gn < 0.0 {
                    violation = -gn;
                    false
                } else {
                    gn > gmax_old
                }
            } else {
                violation = if beta[i] > 0.0 { gp.abs() } else { gn.abs() };
                false
            };
            if shrink {
                active -= 1;
                index.swap(s, active);
                continue;
            }
            gmax_new = gmax_new.max(violation);
            gnorm1_new += violation;
            s += 1;
            if h.is_nan() || h <= 0.0 {
                continue;
            }
            let d = if gp < h * beta[i] {
                -gp / h
            } else if gn > h * beta[i] {
                -gn / h
            } else {
                -beta[i]
            };
            if d.abs() < 1e-12 {
                continue;
            }
            let old = beta[i];
            beta[i] = (beta[i] + d).max(-upper).min(upper);
            let d = beta[i] - old;
            if d != 0.0 {
                linear::axpy(d, xi, &mut w);
            }
        }
        if iter == 0 {
            gnorm1_init = gnorm1_new;
        }
        iter += 1;
        if gnorm1_new <= p.tol * gnorm1_init {
            if active == l {
                break;
            }
            active = l;
            gmax_old = f64::INFINITY;
            continue;
        }
        gmax_old = gmax_new;
    }
    Array1::from(w)
}

/// The seed scikit-learn's `_fit_liblinear` passes to liblinear for `random_state`:
/// `check_random_state(random_state).randint(np.iinfo("i").max)`, numpy's masked draw in
/// `[0, 2^31 - 1)`.
fn liblinear_seed(random_state: u64) -> u32 {
    let mut rng = RandomState::from_u32(random_state as u32);
    rng.random_interval((i32::MAX - 1) as u64) as u32
}

/// An int in `[0, n)` as scikit-learn's liblinear draws it (`bounded_rand_int` in its
/// `newrand.h`): the high word of a 32 x 32-bit product (Lemire's method), with the low word
/// rejected below `2^32 mod n`, which removes the bias. `n = 1` takes a draw too, as there:
/// the last swap of every sweep's shuffle draws one.
fn below(rng: &mut RandomState, n: usize) -> usize {
    let range = n as u32;
    if range == 0 {
        return 0;
    }
    let mut m = u64::from(rng.next_u32()) * u64::from(range);
    if (m as u32) < range {
        let threshold = range.wrapping_neg() % range;
        while (m as u32) < threshold {
            m = u64::from(rng.next_u32()) * u64::from(range);
        }
    }
    (m >> 32) as usize
}

/// The squared epsilon-insensitive loss in the primal,
/// `0.5 |w|^2 + C sum max(0, |x_i w - y_i| - epsilon)^2`, by Newton's method with a
/// backtracking line search, to a gradient `1e-10` times the first.
fn primal_newton(x: ArrayView2<f64>, y: ArrayView1<f64>, p: &LinearSvrParams) -> Array1<f64> {
    let width = x.ncols();
    let (c, eps) = (p.c, p.epsilon);
    let excess = |w: &Array1<f64>| -> Array1<f64> {
        let mut z = x.dot(w) - y;
        z.mapv_inplace(|v| {
            if v > eps {
                v - eps
            } else if v < -eps {
                v + eps
            } else {
                0.0
            }
        });
        z
    };
    let objective = |w: &Array1<f64>, d: &Array1<f64>| 0.5 * w.dot(w) + c * d.dot(d);
    let mut w = Array1::<f64>::zeros(width);
    let mut d = excess(&w);
    let mut g0 = None;
    for _ in 0..p.max_iter.max(1) {
        let g = &w + &(x.t().dot(&d) * (2.0 * c));
        let gnorm = g.dot(&g).sqrt();
        let first = *g0.get_or_insert(gnorm);
        if gnorm.is_nan() || first.is_nan() || gnorm <= 1e-10 * first {
            break;
        }
        let rows: Vec<usize> = (0..d.len()).filter(|&i| d[i] != 0.0).collect();
        let xi = x.select(Axis(0), &rows);
        let mut h = xi.t().dot(&xi) * (2.0 * c);
        h.diag_mut().mapv_inplace(|v| v + 1.0);
        let Some(step) = dense::cholesky_solve(h.view(), g.view()) else {
            break;
        };
        let f_old = objective(&w, &d);
        let slope = -g.dot(&step);
        let mut t = 1.0;
        let mut moved = false;
        for _ in 0..40 {
            let cand = &w - &(&step * t);
            let dc = excess(&cand);
            if objective(&cand, &dc) <= f_old + 1e-4 * t * slope {
                w = cand;
                d = dc;
                moved = true;
                break;
            }
            t *= 0.5;
        }
        if !moved {
            break;
        }
    }
    w
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;

    fn params(loss: SvrLoss, dual: Dual) -> LinearSvrParams {
        LinearSvrParams {
            epsilon: 0.0,
            tol: 1e-8,
            c: 100.0,
            loss,
            fit_intercept: true,
            intercept_scaling: 1.0,
            dual,
            random_state: None,
            max_iter: 100_000,
        }
    }

    #[test]
    fn dual_and_primal_agree_on_the_squared_loss() {
        let x = array![[0.0, 1.0], [1.0, 0.5], [2.0, -1.0], [3.0, 2.0], [4.0, 0.0]];
        let y = array![1.0, 2.5, 2.0, 7.5, 6.0];
        let a = fit_linear_svr(
            &params(SvrLoss::SquaredEpsilonInsensitive, Dual::Yes),
            x.view(),
            y.view(),
        )
        .unwrap();
        let b = fit_linear_svr(
            &params(SvrLoss::SquaredEpsilonInsensitive, Dual::No),
            x.view(),
            y.view(),
        )
        .unwrap();
        for (u, v) in a.coef.iter().zip(&b.coef) {
            assert!((u - v).abs() < 1e-5, "{a:?} {b:?}");
        }
        assert!((a.intercept - b.intercept).abs() < 1e-5);
    }

    #[test]
    fn l1_loss_fits_an_exact_line() {
        let x = array![[0.0], [1.0], [2.0], [3.0]];
        let y = array![1.0, 3.0, 5.0, 7.0];
        let fit = fit_linear_svr(
            &params(SvrLoss::EpsilonInsensitive, Dual::Auto),
            x.view(),
            y.view(),
        )
        .unwrap();
        let pred = fit.predict(x.view());
        for (p, t) in pred.iter().zip(&y) {
            assert!((p - t).abs() < 0.05, "{pred}");
        }
    }
}
