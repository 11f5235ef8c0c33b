//! RANSACRegressor: an estimator (LinearRegression by default) fitted on random minimal
//! subsets; the subset whose model has the most inliers (ties: the better R² on them) wins,
//! the number of trials shrinking as the inlier ratio found grows, and the estimator is fitted
//! again on the winner's inliers, as scikit-learn's `RANSACRegressor.fit`. The subsets are
//! drawn as scikit-learn's `sample_without_replacement` draws them from numpy's
//! `RandomState(random_state)`, so a seeded run picks the same subsets.

use ndarray::{Array1, ArrayView1, ArrayView2, Axis};
use serde::{Deserialize, Serialize};

use super::bagging::Amount;
use super::nested;
use crate::models::kind::{Kind, Predictor, Values};
use crate::models::params::{f, ignored, opt_int, p, s, Bound, ParamType};
use crate::models::{BuildError, ModelError, ModelSpec, ParamDef, Value, DEFAULT_SEED};
use crate::split::RandomState;

/// Parameters of RANSACRegressor.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RansacParams {
    /// `None`: `LinearRegression()`.
    pub estimator: Option<Box<ModelSpec>>,
    /// `All` stands for `None` (`n_features + 1`).
    pub min_samples: Amount,
    pub residual_threshold: Option<f64>,
    pub max_trials: f64,
    pub max_skips: f64,
    pub stop_n_inliers: f64,
    pub stop_score: f64,
    pub stop_probability: f64,
    /// `squared_error` rather than `absolute_error`.
    pub squared_loss: bool,
    pub random_state: Option<u64>,
}

/// scikit-learn's `RANSACRegressor`.
pub struct Ransac;

/// A count that may be infinite, as its value.
fn count_value(x: f64) -> Value {
    if x.is_finite() {
        Value::Int(x as i64)
    } else {
        Value::Float(x)
    }
}

/// The median of `v` (numpy's: the mean of the two middle values for an even length).
fn median(mut v: Vec<f64>) -> f64 {
    if v.is_empty() {
        return 0.0;
    }
    v.sort_unstable_by(f64::total_cmp);
    let m = v.len() / 2;
    if v.len() % 2 == 1 {
        v[m]
    } else {
        0.5 * (v[m - 1] + v[m])
    }
}

/// scikit-learn's `sample_without_replacement(n, k, method='auto')`.
fn sample(rng: &mut RandomState, n: usize, k: usize) -> Vec<usize> {
    let ratio = if n == 0 { 1.0 } else { k as f64 / n as f64 };
    if ratio > 0.01 && ratio < 0.99 {
        let mut perm = rng.permutation(n);
        perm.truncate(k);
        return perm;
    }
    if ratio < 0.2 {
        // tracking selection: draw again on a repeat
        let mut seen = std::collections::HashSet::new();
        let mut out = Vec::with_capacity(k);
        for _ in 0..k {
            let mut j = rng.random_interval(n as u64 - 1) as usize;
            while !seen.insert(j) {
                j = rng.random_interval(n as u64 - 1) as usize;
            }
            out.push(j);
        }
        return out;
    }
    // reservoir sampling
    let mut out: Vec<usize> = (0..k).collect();
    for i in k..n {
        let j = rng.random_interval(i as u64) as usize;
        if j < k {
            out[j] = i;
        }
    }
    out
}

/// scikit-learn's `_dynamic_max_trials`.
fn dynamic_max_trials(n_inliers: usize, n: usize, min_samples: usize, probability: f64) -> f64 {
    let ratio = n_inliers as f64 / n as f64;
    let nom = (1.0 - probability).max(f64::EPSILON);
    let denom = (1.0 - ratio.powi(min_samples.min(i32::MAX as usize) as i32)).max(f64::EPSILON);
    if nom == 1.0 {
        return 0.0;
    }
    if denom == 1.0 {
        return f64::INFINITY;
    }
    (nom.ln() / denom.ln()).ceil().abs()
}

/// R² of `pred` on `y` at `rows`, as `r2_score`.
fn r2(y: ArrayView1<f64>, pred: &Array1<f64>, rows: &[usize]) -> f64 {
    let n = rows.len().max(1) as f64;
    let mean = rows.iter().map(|&i| y[i]).sum::<f64>() / n;
    let (mut num, mut den) = (0.0, 0.0);
    for &i in rows {
        num += (y[i] - pred[i]).powi(2);
        den += (y[i] - mean).powi(2);
    }
    if den == 0.0 {
        return if num == 0.0 { 1.0 } else { 0.0 };
    }
    1.0 - num / den
}

fn count_or_inf(name: &'static str, default: Value, doc: &'static str) -> ParamDef {
    p(name, ParamType::CountOrInf, default, doc)
}

impl Kind for Ransac {
    type Params = RansacParams;
    const NAME: &'static str = "RANSACRegressor";
    const ALIASES: &'static [&'static str] = &["ransac"];
    const DOC: &'static str =
        "an estimator fitted on the inliers of the best of random minimal subsets (RANSAC)";

    fn params() -> Vec<ParamDef> {
        let callable = ParamType::OneOf {
            none: true,
            bool: false,
            strs: &[],
        };
        vec![
            nested::estimator("estimator", "the base estimator (None: LinearRegression())"),
            p(
                "min_samples",
                ParamType::CountOrFraction { none: true },
                Value::None,
                "rows per subset: a count, a fraction of the rows, or None (n_features + 1, \
                 LinearRegression only)",
            ),
            p(
                "residual_threshold",
                ParamType::OptFloat {
                    lo: Bound::Incl(0.0),
                    hi: Bound::None,
                },
                Value::None,
                "the largest loss of an inlier; None: the median absolute deviation of y",
            ),
            ignored(
                "is_data_valid",
                callable,
                Value::None,
                "only None: a spec cannot hold a callable",
            ),
            ignored(
                "is_model_valid",
                callable,
                Value::None,
                "only None: a spec cannot hold a callable",
            ),
            count_or_inf("max_trials", Value::Int(100), "the most subsets tried"),
            count_or_inf(
                "max_skips",
                f(f64::INFINITY),
                "the most subsets skipped (too few inliers)",
            ),
            count_or_inf(
                "stop_n_inliers",
                f(f64::INFINITY),
                "stop once a model has this many inliers",
            ),
            p(
                "stop_score",
                ParamType::ExtendedFloat,
                f(f64::INFINITY),
                "stop once a model's R² on its inliers reaches this",
            ),
            p(
                "stop_probability",
                ParamType::Float {
                    lo: Bound::Incl(0.0),
                    hi: Bound::Incl(1.0),
                },
                f(0.99),
                "stop once an outlier-free subset has been drawn with this confidence",
            ),
            p(
                "loss",
                ParamType::Choice(&["absolute_error", "squared_error"]),
                s("absolute_error"),
                "the loss a residual is compared with residual_threshold by",
            ),
            p(
                "random_state",
                opt_int(0),
                Value::None,
                "seed; None means the fixed seed 0, so runs are reproducible",
            ),
        ]
    }
    fn build(v: &Values) -> Result<RansacParams, BuildError> {
        let estimator = v.model("estimator").map(Box::new);
        let min_samples = match v.get("min_samples") {
            Value::Int(i) => Amount::Count(i.max(1) as usize),
            // scikit-learn: a float of 1.0 is the count 1
            Value::Float(x) if x >= 1.0 => Amount::Count(1),
            Value::Float(x) => Amount::Fraction(x),
            _ => Amount::All,
        };
        Ok(RansacParams {
            estimator,
            min_samples,
            residual_threshold: v.opt_float("residual_threshold"),
            max_trials: v.float("max_trials"),
            max_skips: v.float("max_skips"),
            stop_n_inliers: v.float("stop_n_inliers"),
            stop_score: v.float("stop_score"),
            stop_probability: v.float("stop_probability"),
            squared_loss: v.str("loss") == "squared_error",
            random_state: v.opt_u64("random_state"),
        })
    }
    fn values(p: &RansacParams) -> Vec<(&'static str, Value)> {
        let min_samples = match p.min_samples {
            Amount::All => Value::None,
            Amount::Count(c) => Value::count(c),
            Amount::Fraction(x) => Value::Float(x),
        };
        vec![
            (
                "estimator",
                p.estimator
                    .as_ref()
                    .map_or(Value::None, |m| Value::Model(m.clone())),
            ),
            ("min_samples", min_samples),
            (
                "residual_threshold",
                p.residual_threshold.map_or(Value::None, Value::Float),
            ),
            ("max_trials", count_value(p.max_trials)),
            ("max_skips", count_value(p.max_skips)),
            ("stop_n_inliers", count_value(p.stop_n_inliers)),
            ("stop_score", Value::Float(p.stop_score)),
            ("stop_probability", Value::Float(p.stop_probability)),
            (
                "loss",
                s(if p.squared_loss {
                    "squared_error"
                } else {
                    "absolute_error"
                }),
            ),
            ("random_state", Value::seed(p.random_state)),
        ]
    }
    fn min_rows(p: &RansacParams) -> usize {
        let base = nested::or_default(&p.estimator, "LinearRegression").min_rows();
        match p.min_samples {
            Amount::Count(c) => base.max(c),
            _ => base,
        }
    }
    fn expected_cost(p: &RansacParams, n_rows: usize, n_features: usize) -> f64 {
        let base = nested::or_default(&p.estimator, "LinearRegression");
        let k = match p.min_samples {
            Amount::All => n_features + 1,
            Amount::Count(c) => c,
            Amount::Fraction(x) => (x * n_rows as f64).ceil() as usize,
        };
        let trials = p.max_trials.min(100.0) + 2.0;
        trials * (base.expected_cost(k.max(1), n_features) + (n_rows * n_features.max(1)) as f64)
    }
    fn fit<'a>(
        p: &RansacParams,
        x: ArrayView2<'a, f64>,
        y: ArrayView1<'a, f64>,
    ) -> Result<Predictor<'a>, ModelError> {
        let fail = |message: String| ModelError::Fit {
            kind: Self::NAME,
            message,
        };
        let (n, nf) = x.dim();
        let not_linear = p
            .estimator
            .as_ref()
            .is_some_and(|e| e.kind_name() != "LinearRegression");
        if p.min_samples == Amount::All && not_linear {
            return Err(fail(
                "`min_samples` needs to be explicitly set when estimator is not a \
                 LinearRegression."
                    .into(),
            ));
        }
        let min_samples = match p.min_samples {
            Amount::All => nf + 1,
            Amount::Count(c) => c,
            Amount::Fraction(x) => (x * n as f64).ceil() as usize,
        };
        if min_samples > n {
            return Err(fail(format!(
                "`min_samples` may not be larger than number of samples: n_samples = {n}."
            )));
        }
        let threshold = p.residual_threshold.unwrap_or_else(|| {
            let m = median(y.to_vec());
            median(y.iter().map(|v| (v - m).abs()).collect())
        });
        let seed = p.random_state.unwrap_or(DEFAULT_SEED);
        let base = nested::with_seed(&nested::or_default(&p.estimator, "LinearRegression"), seed);
        let mut rng = RandomState::from_u32(seed as u32);
        let all: Vec<usize> = (0..nf).collect();
        let mut best: Option<Vec<usize>> = None;
        let (mut n_best, mut score_best) = (1usize, f64::NEG_INFINITY);
        let mut skips = 0.0f64;
        let mut max_trials = p.max_trials;
        let mut trials = 0.0f64;
        while trials < max_trials {
            trials += 1.0;
            if skips > p.max_skips {
                break;
            }
            let subset = sample(&mut rng, n, min_samples);
            let (xs, ys) = nested::take(x, y, &subset, &all);
            let pred = base.fit(xs.view(), ys.view())?.predict(x)?;
            let inliers: Vec<usize> = (0..n)
                .filter(|&i| {
                    let r = y[i] - pred[i];
                    let loss = if p.squared_loss { r * r } else { r.abs() };
                    loss <= threshold
                })
                .collect();
            if inliers.len() < n_best {
                skips += 1.0;
                continue;
            }
            let score = r2(y, &pred, &inliers);
            if inliers.len() == n_best && score < score_best {
                continue;
            }
            n_best = inliers.len();
            score_best = score;
            best = Some(inliers);
            max_trials = max_trials.min(dynamic_max_trials(
                n_best,
                n,
                min_samples,
                p.stop_probability,
            ));
            if n_best as f64 >= p.stop_n_inliers || score_best >= p.stop_score {
                break;
            }
        }
        let Some(rows) = best else {
            return Err(fail(if skips > p.max_skips {
                "RANSAC skipped more iterations than `max_skips` without finding a valid \
                 consensus set. Iterations were skipped because each randomly chosen \
                 sub-sample failed the passing criteria."
                    .into()
            } else {
                "RANSAC could not find a valid consensus set. All `max_trials` iterations \
                 were skipped because each randomly chosen sub-sample failed the passing \
                 criteria."
                    .into()
            }));
        };
        let xi = x.select(Axis(0), &rows);
        let yi = y.select(Axis(0), &rows);
        // checked now; fitted again when predicting (see `nested`)
        base.fit(xi.view(), yi.view())?;
        Ok(Box::new(move |t| {
            nested::fit_predict(&base, xi.view(), yi.view(), t)
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dynamic_trials_as_scikit_learn() {
        // all inliers: one trial suffices; half of them with 3 per subset: ceil(ln .01 / ln .875)
        assert_eq!(dynamic_max_trials(10, 10, 3, 0.99), 1.0);
        assert_eq!(dynamic_max_trials(5, 10, 3, 0.99), 35.0);
        assert_eq!(dynamic_max_trials(5, 10, 3, 0.0), 0.0);
    }

    #[test]
    fn median_of_even_and_odd() {
        assert_eq!(median(vec![3.0, 1.0, 2.0]), 2.0);
        assert_eq!(median(vec![4.0, 1.0, 2.0, 3.0]), 2.5);
    }
}
