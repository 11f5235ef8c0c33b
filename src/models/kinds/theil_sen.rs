//! TheilSenRegressor: least-squares fits on many small subsets of rows (every subset when
//! there are at most `max_subpopulation` of them, else that many drawn at random), combined
//! by their spatial median (the modified Weiszfeld iteration of Kärkkäinen and Äyrämö), as
//! scikit-learn's `TheilSenRegressor`. Random subsets are drawn as numpy's legacy
//! `RandomState.choice(n, k, replace=False)` draws them (a permutation, cut), so a seeded run
//! picks scikit-learn's subsets.

use ndarray::{Array1, Array2, ArrayView1, ArrayView2, Axis};
use serde::{Deserialize, Serialize};

use super::least_squares;
use crate::models::dense;
use crate::models::kind::{dims, Kind, Predictor, Values};
use crate::models::linear::LinearFit;
use crate::models::params::{
    copy_x, f, fit_intercept, int, n_jobs, opt_int, p, verbose, Bound, ParamType, NON_NEGATIVE,
};
use crate::models::{BuildError, ModelError, ParamDef, Value, DEFAULT_SEED};
use crate::split::RandomState;

/// Parameters of TheilSenRegressor.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TheilSenParams {
    pub fit_intercept: bool,
    pub max_subpopulation: f64,
    pub n_subsamples: Option<usize>,
    pub max_iter: usize,
    pub tol: f64,
    pub random_state: Option<u64>,
}

/// scikit-learn's `TheilSenRegressor`.
pub struct TheilSen;

/// `binom(n, k)` as a float (scipy's `binom`, rounded by the caller).
fn binom(n: usize, k: usize) -> f64 {
    let k = k.min(n - k.min(n));
    let mut r = 1.0f64;
    for i in 0..k {
        r = r * (n - i) as f64 / (i + 1) as f64;
        if !r.is_finite() {
            return f64::INFINITY;
        }
    }
    r
}

/// Every `k`-subset of `0..n` in lexicographic order (`itertools.combinations`).
fn combinations(n: usize, k: usize) -> Vec<Vec<usize>> {
    let mut out = Vec::new();
    let mut c: Vec<usize> = (0..k).collect();
    loop {
        out.push(c.clone());
        let Some(i) = (0..k).rev().find(|&i| c[i] != i + n - k) else {
            return out;
        };
        c[i] += 1;
        for j in i + 1..k {
            c[j] = c[j - 1] + 1;
        }
    }
}

/// One modified Weiszfeld step from `old` towards the spatial median of the rows of `x`.
fn weiszfeld_step(x: &Array2<f64>, old: &Array1<f64>) -> Array1<f64> {
    let d = x.ncols();
    let mut quotient = Array1::<f64>::zeros(d);
    let mut weighted = Array1::<f64>::zeros(d);
    let mut inv_sum = 0.0;
    let mut kept = 0usize;
    for row in x.rows() {
        let diff = &row - old;
        let norm = diff.dot(&diff).sqrt();
        if norm < f64::EPSILON {
            continue;
        }
        kept += 1;
        quotient.scaled_add(1.0 / norm, &diff);
        weighted.scaled_add(1.0 / norm, &row);
        inv_sum += 1.0 / norm;
    }
    let in_x = if kept < x.nrows() { 1.0 } else { 0.0 };
    let mut q = quotient.dot(&quotient).sqrt();
    let direction = if q > f64::EPSILON {
        weighted / inv_sum
    } else {
        q = 1.0;
        Array1::ones(d)
    };
    direction * (1.0 - in_x / q).max(0.0) + old * (in_x / q).min(1.0)
}

/// The spatial median of the rows of `x` (the median for one column), from their mean, until
/// a step moves less than `tol` (at most `max_iter` steps).
fn spatial_median(x: &Array2<f64>, max_iter: usize, tol: f64) -> Array1<f64> {
    let mut old = x
        .mean_axis(Axis(0))
        .unwrap_or_else(|| Array1::zeros(x.ncols()));
    if x.ncols() == 1 {
        let mut v = x.column(0).to_vec();
        v.sort_unstable_by(f64::total_cmp);
        let m = v.len() / 2;
        let med = if v.len() % 2 == 1 {
            v[m]
        } else {
            0.5 * (v[m - 1] + v[m])
        };
        return Array1::from(vec![med]);
    }
    let tol = tol * tol;
    for _ in 0..max_iter {
        let new = weiszfeld_step(x, &old);
        let moved = (&old - &new).mapv(|v| v * v).sum();
        old = new;
        if moved < tol {
            break;
        }
    }
    old
}

impl Kind for TheilSen {
    type Params = TheilSenParams;
    const NAME: &'static str = "TheilSenRegressor";
    const ALIASES: &'static [&'static str] = &["theilsen", "theil_sen"];
    const DOC: &'static str =
        "the spatial median of least-squares fits on many small row subsets (Theil-Sen)";

    fn params() -> Vec<ParamDef> {
        vec![
            fit_intercept(),
            copy_x(),
            p(
                "max_subpopulation",
                ParamType::Float {
                    lo: Bound::Incl(1.0),
                    hi: Bound::None,
                },
                f(1e4),
                "the most subsets fitted (drawn at random when there are more)",
            ),
            p(
                "n_subsamples",
                opt_int(1),
                Value::None,
                "rows per subset; None: n_features + 1 (with the intercept)",
            ),
            p(
                "max_iter",
                int(0),
                Value::Int(300),
                "the most spatial-median steps",
            ),
            p(
                "tol",
                NON_NEGATIVE,
                f(1e-3),
                "stop the spatial median when a step moves less",
            ),
            p(
                "random_state",
                opt_int(0),
                Value::None,
                "seed of the subsets; None means the fixed seed 0",
            ),
            n_jobs(),
            verbose(),
        ]
    }
    fn build(v: &Values) -> Result<TheilSenParams, BuildError> {
        Ok(TheilSenParams {
            fit_intercept: v.bool("fit_intercept"),
            max_subpopulation: v.float("max_subpopulation"),
            n_subsamples: v.opt_u64("n_subsamples").map(|k| k as usize),
            max_iter: v.usize("max_iter"),
            tol: v.float("tol"),
            random_state: v.opt_u64("random_state"),
        })
    }
    fn values(p: &TheilSenParams) -> Vec<(&'static str, Value)> {
        vec![
            ("fit_intercept", Value::Bool(p.fit_intercept)),
            ("max_subpopulation", Value::Float(p.max_subpopulation)),
            (
                "n_subsamples",
                p.n_subsamples.map_or(Value::None, Value::count),
            ),
            ("max_iter", Value::count(p.max_iter)),
            ("tol", Value::Float(p.tol)),
            ("random_state", Value::seed(p.random_state)),
        ]
    }
    fn min_rows(p: &TheilSenParams) -> usize {
        p.n_subsamples.unwrap_or(1).max(1)
    }
    fn expected_cost(p: &TheilSenParams, n_rows: usize, n_features: usize) -> f64 {
        let (_, f) = dims(n_rows, n_features);
        let subsets = p.max_subpopulation.min(1e6);
        subsets * (10.0 * (f + 1.0).powi(3) + 30.0 * (f + 1.0))
    }
    fn fit<'a>(
        p: &TheilSenParams,
        x: ArrayView2<'a, f64>,
        y: ArrayView1<'a, f64>,
    ) -> Result<Predictor<'a>, ModelError> {
        let fail = |message: String| ModelError::Fit {
            kind: Self::NAME,
            message,
        };
        let (n, nf) = x.dim();
        let icpt = usize::from(p.fit_intercept);
        let n_dim = nf + icpt;
        let k = match p.n_subsamples {
            Some(k) if k > n => {
                return Err(fail(format!(
                    "Invalid parameter since n_subsamples > n_samples ({k} > {n})."
                )))
            }
            Some(k) if n >= nf && n_dim > k => {
                let plus = if p.fit_intercept { "+1" } else { "" };
                return Err(fail(format!(
                    "Invalid parameter since n_features{plus} > n_subsamples ({n_dim} > {k})."
                )));
            }
            Some(k) if n < nf && k != n => {
                return Err(fail(format!(
                    "Invalid parameter since n_subsamples != n_samples ({k} != {n}) while \
                     n_samples < n_features."
                )));
            }
            Some(k) => k,
            None => n_dim.min(n),
        };
        let combos = binom(n, k).round();
        let n_subpopulation = p.max_subpopulation.min(combos.max(1.0)) as usize;
        // every k-subset when there are few enough of them (as scikit-learn), else random ones
        let all_subsets = (combos <= p.max_subpopulation).then(|| combinations(n, k));
        let count = all_subsets.as_ref().map_or(n_subpopulation, Vec::len);
        let mut weights = Array2::<f64>::zeros((count, n_dim));
        let mut xs = Array2::<f64>::ones((k, n_dim));
        let mut ys = Array1::<f64>::zeros(k);
        let mut solver = dense::SquareSolver::default();
        let mut fit_subset = |s: usize, rows: &[usize]| {
            for (r, &i) in rows.iter().enumerate() {
                xs.row_mut(r)
                    .slice_mut(ndarray::s![icpt..])
                    .assign(&x.row(i));
                ys[r] = y[i];
            }
            weights
                .row_mut(s)
                .assign(&solver.solve(xs.view(), ys.view()));
        };
        if let Some(subsets) = &all_subsets {
            for (s, rows) in subsets.iter().enumerate() {
                fit_subset(s, rows);
            }
        } else {
            // each subset is the head of a fresh permutation of all rows, as scikit-learn's
            // `random_state.permutation(n_samples)[:n_subsamples]`; one buffer serves them all
            let mut rng = RandomState::from_u32(p.random_state.unwrap_or(DEFAULT_SEED) as u32);
            let mut perm = Vec::with_capacity(n);
            for s in 0..count {
                rng.permutation_into(n, &mut perm);
                fit_subset(s, &perm[..k]);
            }
        }
        let coefs = spatial_median(&weights, p.max_iter, p.tol);
        if coefs.iter().any(|v| !v.is_finite()) {
            return Err(fail("the spatial median is not finite".into()));
        }
        let fit = if p.fit_intercept {
            LinearFit {
                coef: coefs.slice(ndarray::s![1..]).to_owned(),
                intercept: coefs[0],
            }
        } else {
            LinearFit {
                coef: coefs,
                intercept: 0.0,
            }
        };
        Ok(least_squares::predictor(fit))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn combinations_in_order() {
        assert_eq!(
            combinations(4, 2),
            vec![
                vec![0, 1],
                vec![0, 2],
                vec![0, 3],
                vec![1, 2],
                vec![1, 3],
                vec![2, 3]
            ]
        );
        assert_eq!(binom(5, 2), 10.0);
    }

    #[test]
    fn few_rows_use_every_subset_and_recover_an_exact_line() {
        // 9 rows, 2 features: C(9, 3) = 84 subsets, all of them (below max_subpopulation)
        let x =
            ndarray::Array2::from_shape_fn((9, 2), |(i, j)| ((i * (j + 2)) % 7) as f64 + j as f64);
        let y = x.column(0).mapv(|v| 2.0 * v) - x.column(1).mapv(|v| 0.5 * v) + 3.0;
        let p = TheilSenParams {
            fit_intercept: true,
            max_subpopulation: 1e4,
            n_subsamples: None,
            max_iter: 300,
            tol: 1e-9,
            random_state: Some(0),
        };
        let predict = TheilSen::fit(&p, x.view(), y.view()).unwrap();
        let got = predict(x.view()).unwrap();
        // the subsets that are singular give other (minimum-norm) lines, which move the
        // spatial median a little off the exact one
        assert!((&got - &y).iter().all(|d| d.abs() < 1e-2), "{got} {y}");
    }

    #[test]
    fn spatial_median_of_a_square_is_its_centre() {
        let x = ndarray::array![[0.0, 0.0], [2.0, 0.0], [0.0, 2.0], [2.0, 2.0], [1.0, 1.0]];
        let m = spatial_median(&x, 300, 1e-9);
        assert!((m[0] - 1.0).abs() < 1e-6 && (m[1] - 1.0).abs() < 1e-6);
    }
}
