//! RidgeCV: Ridge with `alpha` chosen from a tuple, as scikit-learn's `RidgeCV`: by default
//! the efficient leave-one-out errors of one decomposition of the centred data (`_RidgeGCV`:
//! the eigendecomposition of `X X'` when `n_samples <= n_features`, of `X' X` otherwise, or
//! the SVD of `X` with `gcv_mode='svd'`); with `cv=K`, K-fold (no shuffling) over Ridge fits,
//! as its `GridSearchCV`. Ties go to the first alpha in the tuple.

use ndarray::{s, Array1, Array2, ArrayView1, ArrayView2, Axis};
use serde::{Deserialize, Serialize};

use super::least_squares;
use crate::models::kind::{dims, Kind, Predictor, Values};
use crate::models::linear::{self, centre, finish, Centred, LinearFit};
use crate::models::params::{fit_intercept, ignored, opt_int, p, Bound, ParamType};
use crate::models::{dense, BuildError, ModelError, ParamDef, Value};

/// How `alpha` is scored.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum RidgeScoring {
    /// scikit-learn's `scoring=None`: leave-one-out squared error, or R² with `cv`.
    Default,
    R2,
    NegMeanSquaredError,
}

/// Which decomposition the leave-one-out errors come from (`gcv_mode`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum GcvMode {
    /// `None` or `'auto'`.
    Auto,
    Svd,
    Eigen,
}

/// Parameters of RidgeCV.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RidgeCvParams {
    pub alphas: Vec<f64>,
    pub fit_intercept: bool,
    pub scoring: RidgeScoring,
    /// `None`: leave-one-out; `Some(k)`: K-fold.
    pub cv: Option<usize>,
    pub gcv_mode: Option<GcvMode>,
}

/// scikit-learn's `RidgeCV`.
pub struct RidgeCv;

const SCORINGS: &[&str] = &["r2", "neg_mean_squared_error"];
const GCV_MODES: &[&str] = &["auto", "svd", "eigen"];

impl Kind for RidgeCv {
    type Params = RidgeCvParams;
    const NAME: &'static str = "RidgeCV";
    const ALIASES: &'static [&'static str] = &["ridge_cv"];
    const DOC: &'static str = "Ridge with alpha chosen by efficient leave-one-out (or K-fold) CV";

    fn params() -> Vec<ParamDef> {
        vec![
            p(
                "alphas",
                ParamType::Floats {
                    lo: Bound::Excl(0.0),
                    hi: Bound::None,
                },
                Value::Floats(vec![0.1, 1.0, 10.0]),
                "the candidate L2 penalties",
            ),
            fit_intercept(),
            p(
                "scoring",
                ParamType::OneOf {
                    none: true,
                    bool: false,
                    strs: SCORINGS,
                },
                Value::None,
                "None: leave-one-out squared error (R² with cv)",
            ),
            p(
                "cv",
                opt_int(2),
                Value::None,
                "None: efficient leave-one-out; K: K-fold without shuffling",
            ),
            p(
                "gcv_mode",
                ParamType::OneOf {
                    none: true,
                    bool: false,
                    strs: GCV_MODES,
                },
                Value::None,
                "leave-one-out decomposition: None/'auto'/'eigen' (X X' or X' X), 'svd' (of X)",
            ),
            ignored(
                "store_cv_results",
                ParamType::Bool,
                Value::Bool(false),
                "ignored: the per-sample CV values are not kept",
            ),
            ignored(
                "alpha_per_target",
                ParamType::Bool,
                Value::Bool(false),
                "ignored: one target",
            ),
        ]
    }
    fn build(v: &Values) -> Result<RidgeCvParams, BuildError> {
        let scoring = match v.str("scoring").as_ref() {
            "r2" => RidgeScoring::R2,
            "neg_mean_squared_error" => RidgeScoring::NegMeanSquaredError,
            _ => RidgeScoring::Default,
        };
        let gcv_mode = match v.get("gcv_mode") {
            Value::None => None,
            _ => Some(match v.str("gcv_mode").as_ref() {
                "svd" => GcvMode::Svd,
                "eigen" => GcvMode::Eigen,
                _ => GcvMode::Auto,
            }),
        };
        let cv = match v.get("cv") {
            Value::Int(k) => Some(k.max(2) as usize),
            _ => None,
        };
        Ok(RidgeCvParams {
            alphas: v.floats("alphas"),
            fit_intercept: v.bool("fit_intercept"),
            scoring,
            cv,
            gcv_mode,
        })
    }
    fn values(p: &RidgeCvParams) -> Vec<(&'static str, Value)> {
        let scoring = match p.scoring {
            RidgeScoring::Default => Value::None,
            RidgeScoring::R2 => Value::Str("r2".into()),
            RidgeScoring::NegMeanSquaredError => Value::Str("neg_mean_squared_error".into()),
        };
        let gcv_mode = match p.gcv_mode {
            None => Value::None,
            Some(GcvMode::Auto) => Value::Str("auto".into()),
            Some(GcvMode::Svd) => Value::Str("svd".into()),
            Some(GcvMode::Eigen) => Value::Str("eigen".into()),
        };
        vec![
            ("alphas", Value::Floats(p.alphas.clone())),
            ("fit_intercept", Value::Bool(p.fit_intercept)),
            ("scoring", scoring),
            ("cv", Value::opt_int(p.cv.map(|k| k as i64))),
            ("gcv_mode", gcv_mode),
        ]
    }
    fn min_rows(p: &RidgeCvParams) -> usize {
        p.cv.unwrap_or(2)
    }
    fn expected_cost(p: &RidgeCvParams, n_rows: usize, n_features: usize) -> f64 {
        let a = p.alphas.len().max(1) as f64;
        match p.cv {
            Some(k) => (k as f64 * a + 1.0) * least_squares::exact_cost(n_rows, n_features),
            None => {
                let (n, f) = dims(n_rows, n_features);
                let m = n.min(f);
                // one decomposition, then a pass per alpha
                n * f * m + m * m * m + a * (n * f + n * m)
            }
        }
    }
    fn fit<'a>(
        p: &RidgeCvParams,
        x: ArrayView2<'a, f64>,
        y: ArrayView1<'a, f64>,
    ) -> Result<Predictor<'a>, ModelError> {
        Ok(least_squares::predictor(fit_ridge_cv(p, x, y)?.0))
    }
}

fn fit_error(message: &str) -> ModelError {
    ModelError::Fit {
        kind: RidgeCv::NAME,
        message: message.to_string(),
    }
}

/// The fitted model and the chosen `alpha_`.
pub fn fit_ridge_cv(
    p: &RidgeCvParams,
    x: ArrayView2<f64>,
    y: ArrayView1<f64>,
) -> Result<(LinearFit, f64), ModelError> {
    if p.alphas.is_empty() {
        return Err(fit_error("alphas is empty"));
    }
    match p.cv {
        Some(k) => kfold(p, k, x, y),
        None => gcv(p, x, y),
    }
}

/// The score of predictions `pred` of `truth` (higher is better).
fn score(scoring: RidgeScoring, pred: ArrayView1<f64>, truth: ArrayView1<f64>) -> f64 {
    let n = truth.len().max(1) as f64;
    let sse: f64 = pred.iter().zip(truth).map(|(a, b)| (a - b) * (a - b)).sum();
    match scoring {
        RidgeScoring::NegMeanSquaredError => -sse / n,
        RidgeScoring::Default | RidgeScoring::R2 => {
            let mean = truth.sum() / n;
            let sst: f64 = truth.iter().map(|v| (v - mean) * (v - mean)).sum();
            if sst == 0.0 {
                // r2_score's force_finite
                if sse == 0.0 {
                    1.0
                } else {
                    0.0
                }
            } else {
                1.0 - sse / sst
            }
        }
    }
}

/// The index of the first best score (a NaN never wins, as a `>` comparison).
fn first_best(scores: &[f64]) -> usize {
    let mut best = 0;
    for (i, s) in scores.iter().enumerate().skip(1) {
        if *s > scores[best] {
            best = i;
        }
    }
    best
}

/// K-fold without shuffling, as `KFold(k)`: the first `n % k` folds one row longer.
fn kfold(
    p: &RidgeCvParams,
    k: usize,
    x: ArrayView2<f64>,
    y: ArrayView1<f64>,
) -> Result<(LinearFit, f64), ModelError> {
    let n = x.nrows();
    if k > n {
        return Err(fit_error(&format!(
            "cv={k} folds need at least {k} rows, got {n}"
        )));
    }
    let mut bounds = Vec::with_capacity(k);
    let mut start = 0;
    for f in 0..k {
        let len = n / k + usize::from(f < n % k);
        bounds.push((start, start + len));
        start += len;
    }
    let mut scores = Vec::with_capacity(p.alphas.len());
    for &alpha in &p.alphas {
        let mut total = 0.0;
        for &(a, b) in &bounds {
            let train: Vec<usize> = (0..a).chain(b..n).collect();
            let xtr = x.select(Axis(0), &train);
            let ytr = y.select(Axis(0), &train);
            let fit = linear::ridge(xtr.view(), ytr.view(), alpha, p.fit_intercept);
            let pred = fit.predict(x.slice(s![a..b, ..]));
            total += score(p.scoring, pred.view(), y.slice(s![a..b]));
        }
        scores.push(total / k as f64);
    }
    let alpha = p.alphas[first_best(&scores)];
    Ok((linear::ridge(x, y, alpha, p.fit_intercept), alpha))
}

/// One decomposition of the centred data, from which every alpha's leave-one-out residuals
/// and coefficients follow.
enum Decomposition {
    /// `X X' = Q diag(w) Q'`, with `Q'y` and `Q'1`.
    Gram {
        w: Array1<f64>,
        q: Array2<f64>,
        qt_y: Array1<f64>,
        qt_one: Array1<f64>,
    },
    /// `X' X = V diag(w) V'`, with `X'y` and `X'1`.
    Cov {
        w: Array1<f64>,
        v: Array2<f64>,
        xt_y: Array1<f64>,
        xt_one: Array1<f64>,
    },
    /// `X = U diag(s) V'`, with `U'y` and `U'1`.
    Svd {
        u: Array2<f64>,
        s: Array1<f64>,
        vt: Array2<f64>,
        ut_y: Array1<f64>,
        ut_one: Array1<f64>,
    },
}

fn decompose(c: &Centred, mode: Option<GcvMode>) -> Result<Decomposition, ModelError> {
    let (n, f) = c.x.dim();
    let one = Array1::<f64>::ones(n);
    if mode == Some(GcvMode::Svd) {
        let (u, s, vt) =
            dense::svd(c.x.view()).ok_or_else(|| fit_error("the SVD of X did not converge"))?;
        let ut_y = u.t().dot(&c.y);
        let ut_one = u.t().dot(&one);
        return Ok(Decomposition::Svd {
            u,
            s,
            vt,
            ut_y,
            ut_one,
        });
    }
    if n <= f {
        let gram = c.x.dot(&c.x.t());
        let (w, q) = dense::eigh(gram.view())
            .ok_or_else(|| fit_error("the eigendecomposition of X X' did not converge"))?;
        let qt_y = q.t().dot(&c.y);
        let qt_one = q.t().dot(&one);
        Ok(Decomposition::Gram { w, q, qt_y, qt_one })
    } else {
        let cov = c.x.t().dot(&c.x);
        let (w, v) = dense::eigh(cov.view())
            .ok_or_else(|| fit_error("the eigendecomposition of X' X did not converge"))?;
        Ok(Decomposition::Cov {
            w,
            v,
            xt_y: c.x.t().dot(&c.y),
            xt_one: c.x.t().dot(&one),
        })
    }
}

/// `sum_j d_j m_ij^2` for every row `i`: the diagonal of `M diag(d) M'`.
fn diag_of(m: &Array2<f64>, d: &Array1<f64>) -> Array1<f64> {
    m.map_axis(Axis(1), |row| {
        row.iter().zip(d).map(|(q, dj)| dj * q * q).sum()
    })
}

impl Decomposition {
    /// The leave-one-out residuals and the coefficients for one alpha.
    fn solve(&self, c: &Centred, alpha: f64, fit_intercept: bool) -> (Array1<f64>, Array1<f64>) {
        let n = c.x.nrows() as f64;
        match self {
            Decomposition::Gram { w, q, qt_y, qt_one } => {
                let d_inv = w.mapv(|e| 1.0 / (e + alpha));
                let dual = q.dot(&(&d_inv * qt_y));
                let mut diag = diag_of(q, &d_inv);
                if fit_intercept {
                    let g_one = q.dot(&(&d_inv * qt_one));
                    diag -= &(g_one / n);
                }
                (&dual / &diag, c.x.t().dot(&dual))
            }
            Decomposition::Cov { w, v, xt_y, xt_one } => {
                let d_inv = w.mapv(|e| 1.0 / (e + alpha));
                let h_inv = (v * &d_inv).dot(&v.t());
                let coef = h_inv.dot(xt_y);
                let resid = &c.y - &c.x.dot(&coef);
                let xh = c.x.dot(&h_inv);
                let mut diag = (&xh * &c.x).sum_axis(Axis(1)).mapv(|h| 1.0 - h);
                if fit_intercept {
                    let g_one = c.x.dot(&h_inv.dot(xt_one)).mapv(|h| 1.0 - h);
                    diag -= &(g_one / n);
                }
                (resid / diag, coef)
            }
            Decomposition::Svd {
                u,
                s,
                vt,
                ut_y,
                ut_one,
            } => {
                let (rows, cols) = c.x.dim();
                let shrink = s.mapv(|sv| sv / (sv * sv + alpha));
                let coef = vt.t().dot(&(&shrink * ut_y));
                let (resid, diag) = if rows <= cols {
                    let a_d = s.mapv(|sv| alpha / (sv * sv + alpha));
                    let resid = u.dot(&(&a_d * ut_y));
                    let mut diag = diag_of(u, &a_d);
                    if fit_intercept {
                        diag -= &(u.dot(&(&a_d * ut_one)) / n);
                    }
                    (resid, diag)
                } else {
                    let m = s.mapv(|sv| alpha / (sv * sv + alpha) - 1.0);
                    let resid = u.dot(&(&m * ut_y)) + &c.y;
                    let mut diag = diag_of(u, &m).mapv(|v| v + 1.0);
                    if fit_intercept {
                        let g_one = u.dot(&(&m * ut_one)).mapv(|v| v + 1.0);
                        diag -= &(g_one / n);
                    }
                    (resid, diag)
                };
                (resid / diag, coef)
            }
        }
    }
}

/// Efficient leave-one-out over the alphas, as `_RidgeGCV.fit` without sample weights.
fn gcv(
    p: &RidgeCvParams,
    x: ArrayView2<f64>,
    y: ArrayView1<f64>,
) -> Result<(LinearFit, f64), ModelError> {
    let c = centre(x, y, p.fit_intercept);
    let dec = decompose(&c, p.gcv_mode)?;
    let mut best: Option<(f64, f64, Array1<f64>)> = None;
    for &alpha in &p.alphas {
        let (looe, coef) = dec.solve(&c, alpha, p.fit_intercept);
        let s = match p.scoring {
            RidgeScoring::Default => -looe.mapv(|e| e * e).mean().unwrap_or(f64::NAN),
            scoring => {
                let pred = &c.y - &looe + c.y_mean;
                score(scoring, pred.view(), y)
            }
        };
        let better = match &best {
            None => true,
            Some((b, _, _)) => s > *b,
        };
        if better {
            best = Some((s, alpha, coef));
        }
    }
    let (_, alpha, coef) = best.ok_or_else(|| fit_error("alphas is empty"))?;
    Ok((finish(&c, coef), alpha))
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;

    fn data() -> (Array2<f64>, Array1<f64>) {
        let x = array![
            [1.0, 0.5, 2.0],
            [2.0, 1.0, 0.0],
            [3.0, -1.0, 1.0],
            [4.0, 2.0, 3.0],
            [5.0, 0.0, 1.5],
            [6.0, 1.5, -1.0],
            [7.0, -0.5, 0.5],
        ];
        let y = array![1.0, 2.5, 2.0, 5.0, 4.0, 6.5, 6.0];
        (x, y)
    }

    /// Brute-force leave-one-out with Ridge refits.
    fn brute_loo(x: &Array2<f64>, y: &Array1<f64>, alpha: f64, fit_intercept: bool) -> f64 {
        let n = x.nrows();
        let mut sse = 0.0;
        for i in 0..n {
            let keep: Vec<usize> = (0..n).filter(|j| *j != i).collect();
            let fit = linear::ridge(
                x.select(Axis(0), &keep).view(),
                y.select(Axis(0), &keep).view(),
                alpha,
                fit_intercept,
            );
            let e = fit.predict(x.slice(s![i..i + 1, ..]))[0] - y[i];
            sse += e * e;
        }
        sse / n as f64
    }

    #[test]
    fn every_decomposition_gives_the_brute_force_loo_errors() {
        let (x, y) = data();
        for fit_intercept in [true, false] {
            // long (cov, svd-long) and wide (gram, svd-wide) data
            for (xx, yy) in [
                (x.clone(), y.clone()),
                (x.slice(s![..3, ..]).to_owned(), y.slice(s![..3]).to_owned()),
            ] {
                let c = centre(xx.view(), yy.view(), fit_intercept);
                for mode in [None, Some(GcvMode::Svd)] {
                    let dec = decompose(&c, mode).unwrap();
                    for alpha in [0.1, 3.0] {
                        let (looe, coef) = dec.solve(&c, alpha, fit_intercept);
                        let want = brute_loo(&xx, &yy, alpha, fit_intercept);
                        let got = looe.mapv(|e| e * e).mean().unwrap();
                        assert!((got - want).abs() < 1e-9 * want.max(1.0), "{got} {want}");
                        let full = linear::ridge(xx.view(), yy.view(), alpha, fit_intercept);
                        assert!((&coef - &full.coef).iter().all(|d| d.abs() < 1e-9));
                    }
                }
            }
        }
    }

    #[test]
    fn picks_the_alpha_with_the_lowest_loo_error() {
        let (x, y) = data();
        let alphas = vec![0.01, 0.3, 3.0, 30.0];
        let p = RidgeCvParams {
            alphas: alphas.clone(),
            fit_intercept: true,
            scoring: RidgeScoring::Default,
            cv: None,
            gcv_mode: None,
        };
        let (_, alpha) = fit_ridge_cv(&p, x.view(), y.view()).unwrap();
        let errs: Vec<f64> = alphas.iter().map(|a| brute_loo(&x, &y, *a, true)).collect();
        let want = alphas[first_best(&errs.iter().map(|e| -e).collect::<Vec<_>>())];
        assert_eq!(alpha, want);
        let kf = RidgeCvParams { cv: Some(3), ..p };
        assert!(fit_ridge_cv(&kf, x.view(), y.view()).is_ok());
        let too_many = RidgeCvParams { cv: Some(8), ..kf };
        assert!(fit_ridge_cv(&too_many, x.view(), y.view()).is_err());
    }
}
