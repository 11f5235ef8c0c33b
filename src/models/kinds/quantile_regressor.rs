//! QuantileRegressor: a linear model of the `quantile`-th conditional quantile, as
//! scikit-learn fits it: the intercept `c` and coefficients `w` minimise
//! `sum_i rho_q(y_i - c - x_i w) + n alpha ||w||_1` (the mean pinball loss plus
//! `alpha ||w||_1`, multiplied through by the `n` rows; the intercept is not penalised), where
//! `rho_q(r) = q r` for `r >= 0` and `(q - 1) r` below.
//!
//! The problem is scikit-learn's linear programme: every residual is split into a positive
//! and a negative part, `y_i - c - x_i (s - t) = u_i - v_i` with `s, t, u, v >= 0`, at cost
//! `n alpha` per unit of `s_j + t_j`, `q` per unit of `u_i` and `1 - q` per unit of `v_i`.
//! scikit-learn hands it to HiGHS (`scipy.optimize.linprog`); we hand its dual (one row per
//! coefficient, one bounded variable per training row: four to six times faster than the
//! primal's row per training row) to `microlp`, a pure Rust bounded-variable simplex, and read
//! the primal solution off complementary slackness, checked by a zero duality gap; where that
//! falls short, the primal programme itself. Like HiGHS's simplex, both end on a vertex. Where the optimum is not unique (the median of an even number of targets), the
//! two solvers may pick different vertices of the same optimal face: equal pinball losses,
//! slightly different predictions.

use std::panic::{self, AssertUnwindSafe};

use microlp::{ComparisonOp, OptimizationDirection, Problem, Variable};
use ndarray::{Array1, ArrayView1, ArrayView2};
use serde::{Deserialize, Serialize};

use crate::models::kind::{dims, Kind, Predictor, Values};
use crate::models::params::{f, fit_intercept, ignored, p, s, NON_NEGATIVE};
use crate::models::{Bound, BuildError, ModelError, ParamDef, ParamType, Value};

/// scikit-learn's `solver` names. Every one that scikit-learn 1.9 runs with SciPy >= 1.11 is
/// solved by the same simplex here (the solution is the LP's optimum whichever method finds
/// it); `'interior-point'` fails to fit, as it does in scikit-learn.
const SOLVERS: &[&str] = &[
    "highs",
    "highs-ds",
    "highs-ipm",
    "interior-point",
    "revised simplex",
];

/// Parameters of QuantileRegressor.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct QuantileParams {
    pub quantile: f64,
    pub alpha: f64,
    pub fit_intercept: bool,
    /// One of [`SOLVERS`]'s names, kept for the repr.
    pub solver: String,
}

/// scikit-learn's `QuantileRegressor`.
pub struct QuantileRegressor;

impl Kind for QuantileRegressor {
    type Params = QuantileParams;
    const NAME: &'static str = "QuantileRegressor";
    const ALIASES: &'static [&'static str] = &["quantile"];
    const DOC: &'static str = "linear conditional quantile: pinball loss, L1 penalty, as a \
        linear programme (pure-Rust simplex in place of HiGHS)";

    fn params() -> Vec<ParamDef> {
        vec![
            p(
                "quantile",
                ParamType::Float {
                    lo: Bound::Excl(0.0),
                    hi: Bound::Excl(1.0),
                },
                f(0.5),
                "the quantile predicted (0.5: the median)",
            ),
            p(
                "alpha",
                NON_NEGATIVE,
                f(1.0),
                "L1 penalty alpha * ||w||_1 beside the mean pinball loss",
            ),
            fit_intercept_unpenalised(),
            p(
                "solver",
                ParamType::Choice(SOLVERS),
                s("highs"),
                "scikit-learn's linprog method; all solved by one pure-Rust simplex here \
                 (same optimum), 'interior-point' refused as with SciPy >= 1.11",
            ),
            ignored(
                "solver_options",
                ParamType::OneOf {
                    none: true,
                    bool: false,
                    strs: &[],
                },
                Value::None,
                "only None: options of SciPy's linprog have no meaning for our solver",
            ),
        ]
    }
    fn build(v: &Values) -> Result<QuantileParams, BuildError> {
        Ok(QuantileParams {
            quantile: v.float("quantile"),
            alpha: v.float("alpha"),
            fit_intercept: v.bool("fit_intercept"),
            solver: v.str("solver").into_owned(),
        })
    }
    fn values(p: &QuantileParams) -> Vec<(&'static str, Value)> {
        vec![
            ("quantile", Value::Float(p.quantile)),
            ("alpha", Value::Float(p.alpha)),
            ("fit_intercept", Value::Bool(p.fit_intercept)),
            ("solver", Value::Str(p.solver.clone().into())),
        ]
    }
    fn min_rows(_: &QuantileParams) -> usize {
        1
    }
    fn expected_cost(_: &QuantileParams, n_rows: usize, n_features: usize) -> f64 {
        // the dual simplex: about n pivots over the n x p constraint matrix; 0.4 to 2.5 s on
        // friedman 5000 x 20 (1.25e8; the most at alpha = 0), 5 to 6 s at 20000 x 10
        let (n, f) = dims(n_rows, n_features);
        0.25 * n * n * f
    }
    fn fit<'a>(
        p: &QuantileParams,
        x: ArrayView2<'a, f64>,
        y: ArrayView1<'a, f64>,
    ) -> Result<Predictor<'a>, ModelError> {
        let (coef, intercept) = fit_quantile(p, x, y)?;
        Ok(Box::new(move |t| Ok(t.dot(&coef) + intercept)))
    }
}

/// `fit_intercept` with this kind's meaning (the shared one speaks of centring).
fn fit_intercept_unpenalised() -> ParamDef {
    ParamDef {
        doc: "fit an unpenalised intercept (a free variable of the linear programme)",
        ..fit_intercept()
    }
}

fn fail(message: String) -> ModelError {
    ModelError::Fit {
        kind: QuantileRegressor::NAME,
        message,
    }
}

/// The coefficients and intercept: the optimum of scikit-learn's linear programme, from its
/// dual (fast: `p + 1` rows) where the dual's solution gives a primal one with no duality gap,
/// else from the primal programme itself.
pub fn fit_quantile(
    p: &QuantileParams,
    x: ArrayView2<f64>,
    y: ArrayView1<f64>,
) -> Result<(Array1<f64>, f64), ModelError> {
    if p.solver == "interior-point" {
        return Err(fail(
            "Solver interior-point is not anymore available in SciPy >= 1.11.0.".into(),
        ));
    }
    let (n, m) = x.dim();
    if y.len() != n {
        return Err(ModelError::Shape(format!(
            "{n} rows in X, {} targets",
            y.len()
        )));
    }
    // scikit-learn scales the penalty by the sum of the sample weights (n here) rather than
    // the loss by 1/n
    let penalty = n as f64 * p.alpha;
    let q = p.quantile;
    let valid = q > 0.0 && q < 1.0 && penalty.is_finite() && penalty >= 0.0;
    if !valid {
        return Err(fail(format!(
            "quantile must be in (0, 1) and alpha >= 0, got quantile={q}, alpha={}",
            p.alpha
        )));
    }
    if m > 0 {
        if let Ok(Some(found)) = panic::catch_unwind(AssertUnwindSafe(|| {
            from_dual(x, y, q, penalty, p.fit_intercept)
        })) {
            return Ok(found);
        }
    }
    fit_primal(x, y, q, penalty, p.fit_intercept)
}

/// The sum of pinball losses plus the penalty: the programme's objective at `(w, c)`.
fn primal_objective(
    x: ArrayView2<f64>,
    y: ArrayView1<f64>,
    q: f64,
    penalty: f64,
    w: &Array1<f64>,
    c: f64,
) -> f64 {
    let loss: f64 = (&y - &(x.dot(w) + c))
        .iter()
        .map(|&r| if r >= 0.0 { q * r } else { (q - 1.0) * r })
        .sum();
    loss + penalty * w.mapv(f64::abs).sum()
}

/// The primal optimum through the dual programme: maximise `y . l` over `l_i` in
/// `[q - 1, q]` with `sum l = 0` (with an intercept) and `|X_j . l| <= penalty`. Complementary
/// slackness then says where an optimal `(w, c)` lies: residual 0 on rows whose `l_i` is
/// strictly inside its bounds, of the bound's sign on the others; `w_j = 0` where the penalty
/// constraint is slack, of its sign where it binds. Any point of that set (a second, small
/// feasibility programme) is optimal; it is accepted only if its objective equals the dual's.
/// `None` where anything falls short: the caller solves the primal programme.
fn from_dual(
    x: ArrayView2<f64>,
    y: ArrayView1<f64>,
    q: f64,
    penalty: f64,
    fit_intercept: bool,
) -> Option<(Array1<f64>, f64)> {
    let (n, m) = x.dim();
    let mut dual = Problem::new(OptimizationDirection::Maximize);
    let l: Vec<Variable> = (0..n).map(|i| dual.add_var(y[i], (q - 1.0, q))).collect();
    if fit_intercept {
        let all: Vec<(Variable, f64)> = l.iter().map(|&v| (v, 1.0)).collect();
        dual.add_constraint(all.as_slice(), ComparisonOp::Eq, 0.0);
    }
    let mut col: Vec<(Variable, f64)> = Vec::with_capacity(n + 1);
    for j in 0..m {
        let z = dual.add_var(0.0, (-penalty, penalty));
        col.clear();
        col.extend(
            (0..n)
                .filter(|&i| x[[i, j]] != 0.0)
                .map(|i| (l[i], x[[i, j]])),
        );
        col.push((z, -1.0));
        dual.add_constraint(col.as_slice(), ComparisonOp::Eq, 0.0);
    }
    let outcome = dual.solve().ok()?;
    let sol = outcome.solution()?;
    let bound = sol.objective();
    let lv: Vec<f64> = l.iter().map(|&v| sol.var_value_raw(v)).collect();

    let tol = 1e-9;
    let free = (f64::NEG_INFINITY, f64::INFINITY);
    let mut face = Problem::new(OptimizationDirection::Minimize);
    let c = fit_intercept.then(|| face.add_var(0.0, free));
    let w: Vec<Option<Variable>> = (0..m)
        .map(|j| {
            let z: f64 = (0..n).map(|i| lv[i] * x[[i, j]]).sum();
            if penalty == 0.0 {
                Some(face.add_var(0.0, free))
            } else if z >= penalty * (1.0 - tol) {
                Some(face.add_var(0.0, (0.0, f64::INFINITY)))
            } else if z <= -penalty * (1.0 - tol) {
                Some(face.add_var(0.0, (f64::NEG_INFINITY, 0.0)))
            } else {
                None
            }
        })
        .collect();
    let mut row: Vec<(Variable, f64)> = Vec::with_capacity(m + 1);
    for i in 0..n {
        row.clear();
        row.extend(c.map(|c| (c, 1.0)));
        for (j, wj) in w.iter().enumerate() {
            if let Some(v) = wj {
                if x[[i, j]] != 0.0 {
                    row.push((*v, x[[i, j]]));
                }
            }
        }
        let op = if lv[i] >= q - tol {
            ComparisonOp::Le // residual >= 0
        } else if lv[i] <= q - 1.0 + tol {
            ComparisonOp::Ge // residual <= 0
        } else {
            ComparisonOp::Eq
        };
        if row.is_empty() {
            // no free term on this row: the sign condition holds or the face is empty
            let ok = match op {
                ComparisonOp::Le => y[i] >= 0.0,
                ComparisonOp::Ge => y[i] <= 0.0,
                ComparisonOp::Eq => y[i] == 0.0,
            };
            if !ok {
                return None;
            }
            continue;
        }
        face.add_constraint(row.as_slice(), op, y[i]);
    }
    let outcome = face.solve().ok()?;
    let point = outcome.solution()?;
    let coef: Array1<f64> = w
        .iter()
        .map(|v| v.map_or(0.0, |v| point.var_value_raw(v)))
        .collect();
    let intercept = c.map_or(0.0, |c| point.var_value_raw(c));
    if !intercept.is_finite() || coef.iter().any(|v| !v.is_finite()) {
        return None;
    }
    let value = primal_objective(x, y, q, penalty, &coef, intercept);
    ((value - bound).abs() <= 1e-8 * (1.0 + value.abs())).then_some((coef, intercept))
}

/// The coefficients and intercept from scikit-learn's (primal) linear programme itself, on
/// checked data (see [`fit_quantile`]).
fn fit_primal(
    x: ArrayView2<f64>,
    y: ArrayView1<f64>,
    q: f64,
    penalty: f64,
    fit_intercept: bool,
) -> Result<(Array1<f64>, f64), ModelError> {
    let (n, m) = x.dim();
    let mut lp = Problem::new(OptimizationDirection::Minimize);
    let free = (f64::NEG_INFINITY, f64::INFINITY);
    let positive = (0.0, f64::INFINITY);
    let intercept = fit_intercept.then(|| lp.add_var(0.0, free));
    let parts: Vec<(Variable, Variable)> = (0..m)
        .map(|_| (lp.add_var(penalty, positive), lp.add_var(penalty, positive)))
        .collect();
    let mut row: Vec<(Variable, f64)> = Vec::with_capacity(2 * m + 3);
    for i in 0..n {
        let u = lp.add_var(q, positive);
        let v = lp.add_var(1.0 - q, positive);
        row.clear();
        row.extend(intercept.map(|c| (c, 1.0)));
        for (j, &(s, t)) in parts.iter().enumerate() {
            let a = x[[i, j]];
            if a != 0.0 {
                row.push((s, a));
                row.push((t, -a));
            }
        }
        row.push((u, 1.0));
        row.push((v, -1.0));
        lp.add_constraint(row.as_slice(), ComparisonOp::Eq, y[i]);
    }
    // microlp panics rather than return a wrong answer where it cannot go on: a typed error
    let solved = panic::catch_unwind(AssertUnwindSafe(|| {
        lp.solve().map(|outcome| {
            outcome.solution().map(|sol| {
                let coef: Array1<f64> = parts
                    .iter()
                    .map(|&(s, t)| sol.var_value_raw(s) - sol.var_value_raw(t))
                    .collect();
                let c = intercept.map_or(0.0, |c| sol.var_value_raw(c));
                (coef, c)
            })
        })
    }));
    let (coef, c) = match solved {
        Ok(Ok(Some(found))) => found,
        Ok(Ok(None)) => {
            return Err(fail(
                "linear programming stopped before finding a solution".into(),
            ))
        }
        Ok(Err(microlp::Error::Infeasible)) => {
            return Err(fail(
                "linear programming did not succeed: the problem appears to be infeasible".into(),
            ))
        }
        Ok(Err(microlp::Error::Unbounded)) => {
            return Err(fail(
                "linear programming did not succeed: the problem appears to be unbounded".into(),
            ))
        }
        Ok(Err(e)) => {
            return Err(fail(format!(
                "linear programming did not succeed: numerical difficulties ({e})"
            )))
        }
        Err(payload) => {
            let msg = payload
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| payload.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "unknown failure".to_string());
            return Err(fail(format!(
                "linear programming did not succeed: the solver failed ({msg})"
            )));
        }
    };
    if !c.is_finite() || coef.iter().any(|v| !v.is_finite()) {
        return Err(fail(
            "linear programming did not succeed: non-finite solution".into(),
        ));
    }
    Ok((coef, c))
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::Array2;

    fn params(quantile: f64, alpha: f64) -> QuantileParams {
        QuantileParams {
            quantile,
            alpha,
            fit_intercept: true,
            solver: "highs".into(),
        }
    }

    /// The objective scikit-learn minimises, times n.
    fn objective(
        p: &QuantileParams,
        x: &Array2<f64>,
        y: &Array1<f64>,
        w: &Array1<f64>,
        c: f64,
    ) -> f64 {
        let r = y - &(x.dot(w) + c);
        let loss: f64 = r
            .iter()
            .map(|&r| {
                if r >= 0.0 {
                    p.quantile * r
                } else {
                    (p.quantile - 1.0) * r
                }
            })
            .sum();
        loss + y.len() as f64 * p.alpha * w.mapv(f64::abs).sum()
    }

    fn data() -> (Array2<f64>, Array1<f64>) {
        let x = Array2::from_shape_fn((60, 3), |(i, j)| ((i * 7 + j * 5) % 13) as f64 / 6.0 - 1.0);
        let y = Array1::from_shape_fn(60, |i| {
            1.5 * x[[i, 0]] - 0.5 * x[[i, 2]] + 2.0 + ((i * 31) % 17) as f64 / 8.0 - 1.0
        });
        (x, y)
    }

    #[test]
    fn no_coordinate_step_lowers_the_objective() {
        let (x, y) = data();
        for (q, alpha) in [(0.5, 0.0), (0.8, 0.01), (0.2, 0.1)] {
            let p = params(q, alpha);
            let (w, c) = fit_quantile(&p, x.view(), y.view()).unwrap();
            let best = objective(&p, &x, &y, &w, c);
            for h in [1e-3, -1e-3] {
                let mut moved = objective(&p, &x, &y, &w, c + h);
                assert!(moved >= best - 1e-9, "{q} {alpha}: intercept {h}");
                for j in 0..3 {
                    let mut w2 = w.clone();
                    w2[j] += h;
                    moved = objective(&p, &x, &y, &w2, c);
                    assert!(moved >= best - 1e-9, "{q} {alpha}: coef {j} {h}");
                }
            }
        }
    }

    #[test]
    fn the_quantile_of_the_fitted_residuals_is_the_one_asked() {
        let (x, y) = data();
        let p = params(0.8, 0.0);
        let (w, c) = fit_quantile(&p, x.view(), y.view()).unwrap();
        let below = (&x.dot(&w) + c)
            .iter()
            .zip(&y)
            .filter(|(f, y)| *y <= &(*f + 1e-9))
            .count();
        // at an optimum, between q n - (p + 1) and q n + (p + 1) rows lie on or below the fit
        assert!((44..=52).contains(&below), "{below}");
    }

    #[test]
    fn a_large_penalty_gives_a_constant_quantile() {
        let (x, y) = data();
        let (w, c) = fit_quantile(&params(0.5, 100.0), x.view(), y.view()).unwrap();
        assert!(w.iter().all(|v| *v == 0.0), "{w}");
        let mut sorted = y.to_vec();
        sorted.sort_by(f64::total_cmp);
        assert!(c >= sorted[29] - 1e-9 && c <= sorted[30] + 1e-9, "{c}");
    }

    #[test]
    fn the_dual_route_reaches_the_primal_optimum() {
        let (x, y) = data();
        for (q, alpha, intercept) in [(0.5, 0.0, true), (0.8, 0.01, true), (0.3, 0.0, false)] {
            let p = QuantileParams {
                fit_intercept: intercept,
                ..params(q, alpha)
            };
            let penalty = 60.0 * alpha;
            let (w, c) = from_dual(x.view(), y.view(), q, penalty, intercept).expect("dual");
            let (w2, c2) = fit_primal(x.view(), y.view(), q, penalty, intercept).unwrap();
            let a = objective(&p, &x, &y, &w, c);
            let b = objective(&p, &x, &y, &w2, c2);
            assert!((a - b).abs() < 1e-9 * (1.0 + b), "{q} {alpha}: {a} vs {b}");
            assert!(intercept || c == 0.0);
        }
    }

    #[test]
    fn interior_point_fails_as_in_scikit_learn() {
        let (x, y) = data();
        let p = QuantileParams {
            solver: "interior-point".into(),
            ..params(0.5, 1.0)
        };
        let e = fit_quantile(&p, x.view(), y.view()).unwrap_err();
        assert!(e.to_string().contains("not anymore available"), "{e}");
    }
}
