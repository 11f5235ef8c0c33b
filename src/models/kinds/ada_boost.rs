//! AdaBoostRegressor: AdaBoost.R2 as scikit-learn's `_boost` runs it. Each stage fits the
//! estimator on a sample of the training rows drawn with replacement by the current weights,
//! scores its relative errors on all rows, and reweights them; the prediction is the
//! stages' weighted median.

use ndarray::{Array1, ArrayView1, ArrayView2};
use serde::{Deserialize, Serialize};

use super::decision_tree;
use super::nested::{self, OwnedFit, Rng};
use crate::models::kind::{Kind, Predictor, Values};
use crate::models::params::{opt_int, p, ParamType, POSITIVE};
use crate::models::tree::{Columns, Tree};
use crate::models::{BuildError, ModelError, ModelSpec, ParamDef, Value, DEFAULT_SEED};

/// How a stage's relative errors are scored.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub enum AdaLoss {
    Linear,
    Square,
    Exponential,
}

/// Parameters of AdaBoostRegressor.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AdaBoostParams {
    /// `None`: `DecisionTreeRegressor(max_depth=3)`.
    pub estimator: Option<Box<ModelSpec>>,
    pub n_estimators: usize,
    pub learning_rate: f64,
    pub loss: AdaLoss,
    pub random_state: Option<u64>,
}

/// scikit-learn's `AdaBoostRegressor`.
pub struct AdaBoost;

fn base(p: &AdaBoostParams) -> ModelSpec {
    match &p.estimator {
        Some(m) => (**m).clone(),
        None => crate::models::build_spec(
            "DecisionTreeRegressor",
            &[("max_depth".into(), Value::Int(3))],
        )
        .unwrap_or_else(|_| nested::or_default(&None, "DecisionTreeRegressor")),
    }
}

/// One kept stage: its fitted estimator (or its sample's rows), its seeded spec, its weight.
struct Stage {
    fitted: Fitted,
    spec: ModelSpec,
    weight: f64,
}

/// A stage's estimator.
enum Fitted {
    /// A decision tree grown from the sample's counts ([`decision_tree::on_drawn_rows`]).
    Tree(Tree),
    /// The fitted estimator with its sample, while they fit in [`nested::KEEP_BYTES`].
    Kept(OwnedFit),
    /// The sample's rows, to fit it again when predicting.
    Again(Vec<usize>),
}

/// `n` draws of `[0, len)` with probabilities `w` (numpy's `choice(p=w)`: the cumulative
/// sum, normalised, searched for uniform draws).
fn weighted_draws(rng: &mut Rng, w: &[f64], n: usize) -> Vec<usize> {
    let mut cdf: Vec<f64> = w
        .iter()
        .scan(0.0, |acc, v| {
            *acc += v;
            Some(*acc)
        })
        .collect();
    let last = cdf.last().copied().unwrap_or(1.0);
    cdf.iter_mut().for_each(|c| *c /= last);
    (0..n)
        .map(|_| {
            let u = rng.uniform();
            cdf.partition_point(|c| *c <= u).min(w.len() - 1)
        })
        .collect()
}

/// The weighted median of each row's stage predictions (scikit-learn's
/// `_get_median_predict`).
fn weighted_median(preds: &[Array1<f64>], weights: &[f64], n: usize) -> Array1<f64> {
    let mut out = Array1::zeros(n);
    let mut order: Vec<usize> = (0..preds.len()).collect();
    for i in 0..n {
        order.sort_by(|a, b| preds[*a][i].total_cmp(&preds[*b][i]));
        let total: f64 = order.iter().map(|s| weights[*s]).sum();
        let mut cdf = 0.0;
        let mut pick = order[0];
        for s in &order {
            cdf += weights[*s];
            if cdf >= 0.5 * total {
                pick = *s;
                break;
            }
        }
        out[i] = preds[pick][i];
    }
    out
}

impl Kind for AdaBoost {
    type Params = AdaBoostParams;
    const NAME: &'static str = "AdaBoostRegressor";
    const ALIASES: &'static [&'static str] = &["adaboost", "ada"];
    const DOC: &'static str = "AdaBoost.R2: weighted resampling, weighted-median prediction";

    fn params() -> Vec<ParamDef> {
        vec![
            nested::estimator(
                "estimator",
                "the base estimator (None: DecisionTreeRegressor(max_depth=3))",
            ),
            p(
                "n_estimators",
                crate::models::params::ESTIMATORS,
                Value::Int(50),
                "most boosting stages (fewer if the fit is perfect early)",
            ),
            p(
                "learning_rate",
                POSITIVE,
                Value::Float(1.0),
                "shrinks each stage's weight",
            ),
            p(
                "loss",
                ParamType::Choice(&["linear", "square", "exponential"]),
                Value::Str("linear".into()),
                "how relative errors are scored",
            ),
            p(
                "random_state",
                opt_int(0),
                Value::None,
                "seed; None means the fixed seed 0, so runs are reproducible",
            ),
        ]
    }
    fn build(v: &Values) -> Result<AdaBoostParams, BuildError> {
        Ok(AdaBoostParams {
            estimator: v.model("estimator").map(Box::new),
            n_estimators: v.usize("n_estimators"),
            learning_rate: v.float("learning_rate"),
            loss: match v.str("loss").as_ref() {
                "square" => AdaLoss::Square,
                "exponential" => AdaLoss::Exponential,
                _ => AdaLoss::Linear,
            },
            random_state: v.opt_u64("random_state"),
        })
    }
    fn values(p: &AdaBoostParams) -> Vec<(&'static str, Value)> {
        let loss = match p.loss {
            AdaLoss::Linear => "linear",
            AdaLoss::Square => "square",
            AdaLoss::Exponential => "exponential",
        };
        vec![
            (
                "estimator",
                p.estimator
                    .as_ref()
                    .map_or(Value::None, |m| Value::Model(m.clone())),
            ),
            ("n_estimators", Value::count(p.n_estimators)),
            ("learning_rate", Value::Float(p.learning_rate)),
            ("loss", Value::Str(loss.into())),
            ("random_state", Value::seed(p.random_state)),
        ]
    }
    fn min_rows(p: &AdaBoostParams) -> usize {
        base(p).min_rows()
    }
    /// Every stage is fitted once (twice past `nested::KEEP_BYTES` of kept samples); the
    /// default decision trees share one sort of the features.
    fn expected_cost(p: &AdaBoostParams, n_rows: usize, n_features: usize) -> f64 {
        let base = base(p);
        decision_tree::cost_on_drawn_rows(&base, n_rows, n_features, p.n_estimators)
            .unwrap_or_else(|| p.n_estimators as f64 * base.expected_cost(n_rows, n_features))
    }
    fn fit<'a>(
        p: &AdaBoostParams,
        x: ArrayView2<'a, f64>,
        y: ArrayView1<'a, f64>,
    ) -> Result<Predictor<'a>, ModelError> {
        fit_keeping(p, x, y, nested::KEEP_BYTES)
    }
}

/// AdaBoost.R2, keeping fitted stages with their samples up to `keep_bytes` of samples.
fn fit_keeping<'a>(
    p: &AdaBoostParams,
    x: ArrayView2<'a, f64>,
    y: ArrayView1<'a, f64>,
    keep_bytes: usize,
) -> Result<Predictor<'a>, ModelError> {
    let n = x.nrows();
    let all: Vec<usize> = (0..x.ncols()).collect();
    let base = base(p);
    let mut rng = Rng::new(p.random_state.unwrap_or(DEFAULT_SEED));
    let mut w = vec![1.0 / n as f64; n];
    let mut stages: Vec<Stage> = Vec::new();
    let mut kept = 0usize;
    // a decision tree (the default) is grown from each sample's counts on `x` sorted once
    let cols = if decision_tree::grows_on_drawn_rows(&base) {
        Columns::new(x).ok()
    } else {
        None
    };
    let y_all = y.to_vec();
    for iboost in 0..p.n_estimators {
        let spec = nested::with_seed(&base, rng.seed());
        let rows = weighted_draws(&mut rng, &w, n);
        let tree = cols
            .as_ref()
            .and_then(|c| decision_tree::on_drawn_rows(&spec, c, &y_all, &rows));
        let (fitted, pred) = match tree {
            Some(tree) => {
                let mut pred = vec![0.0; n];
                tree.add_predictions(x, &mut pred);
                (Fitted::Tree(tree), Array1::from(pred))
            }
            None => {
                let (xs, ys) = nested::take(x, y, &rows, &all);
                let model = OwnedFit::fit(&spec, xs, ys)?;
                let pred = model.predict(x)?;
                kept += model.bytes();
                let fitted = if kept <= keep_bytes {
                    Fitted::Kept(model)
                } else {
                    Fitted::Again(rows)
                };
                (fitted, pred)
            }
        };
        let mut err: Vec<f64> = pred.iter().zip(y).map(|(a, b)| (a - b).abs()).collect();
        let max = err
            .iter()
            .zip(&w)
            .filter(|(_, w)| **w > 0.0)
            .map(|(e, _)| *e)
            .fold(0.0, f64::max);
        if max != 0.0 {
            err.iter_mut().for_each(|e| *e /= max);
        }
        match p.loss {
            AdaLoss::Linear => {}
            AdaLoss::Square => err.iter_mut().for_each(|e| *e *= *e),
            AdaLoss::Exponential => err.iter_mut().for_each(|e| *e = 1.0 - (-*e).exp()),
        }
        let error: f64 = err
            .iter()
            .zip(&w)
            .filter(|(_, w)| **w > 0.0)
            .map(|(e, w)| e * w)
            .sum();
        if error <= 0.0 {
            stages.push(Stage {
                fitted,
                spec,
                weight: 1.0,
            });
            break;
        }
        if error >= 0.5 {
            // a stage no better than chance: dropped, unless it is the only one (then
            // with weight 0, as scikit-learn keeps it)
            if stages.is_empty() {
                stages.push(Stage {
                    fitted,
                    spec,
                    weight: 0.0,
                });
            }
            break;
        }
        let beta = error / (1.0 - error);
        stages.push(Stage {
            fitted,
            spec,
            weight: p.learning_rate * (1.0 / beta).ln(),
        });
        if iboost + 1 == p.n_estimators {
            break;
        }
        for (wi, e) in w.iter_mut().zip(&err) {
            if *wi > 0.0 {
                *wi *= beta.powf((1.0 - e) * p.learning_rate);
            }
        }
        let sum: f64 = w.iter().sum();
        if !sum.is_finite() || sum <= 0.0 {
            break;
        }
        w.iter_mut().for_each(|v| *v /= sum);
    }
    Ok(Box::new(move |t| {
        let mut preds = Vec::with_capacity(stages.len());
        for s in &stages {
            preds.push(match &s.fitted {
                Fitted::Tree(tree) => super::forest::predict_trees(
                    AdaBoost::NAME,
                    all.len(),
                    std::slice::from_ref(tree),
                    t,
                )?,
                Fitted::Kept(model) => model.predict(t)?,
                Fitted::Again(rows) => {
                    let (xs, ys) = nested::take(x, y, rows, &all);
                    nested::fit_predict(&s.spec, xs.view(), ys.view(), t)?
                }
            });
        }
        let weights: Vec<f64> = stages.iter().map(|s| s.weight).collect();
        Ok(weighted_median(&preds, &weights, t.nrows()))
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::Array2;

    #[test]
    fn kept_stages_predict_as_stages_fitted_again() {
        let x = Array2::from_shape_fn((60, 3), |(i, j)| ((i * 7 + j * 5) % 13) as f64);
        let y = Array1::from_shape_fn(60, |i| ((i * 3) % 7) as f64 + 0.1 * i as f64);
        let t = Array2::from_shape_fn((9, 3), |(i, j)| ((i + 2 * j) % 11) as f64);
        for base in [
            "DecisionTreeRegressor(max_depth=3)",
            "KNeighborsRegressor(n_neighbors=3)",
        ] {
            let p = AdaBoostParams {
                estimator: Some(Box::new(crate::spec::parse_model(base).unwrap())),
                n_estimators: 8,
                learning_rate: 1.0,
                loss: AdaLoss::Linear,
                random_state: Some(3),
            };
            let kept = fit_keeping(&p, x.view(), y.view(), usize::MAX).unwrap();
            let again = fit_keeping(&p, x.view(), y.view(), 0).unwrap();
            assert_eq!(kept(t.view()).unwrap(), again(t.view()).unwrap(), "{base}");
        }
    }
}
