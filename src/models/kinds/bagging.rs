//! BaggingRegressor: any estimator fitted on random subsets of rows (with or without
//! replacement) and of features, predictions averaged.

use ndarray::{Array1, ArrayView1, ArrayView2, Axis};
use serde::{Deserialize, Serialize};

use std::ops::Range;

use super::decision_tree;
use super::nested::{self, Rng};
use crate::models::kind::{Kind, Predictor, Values};
use crate::models::params::{f, ignored, n_jobs, opt_int, p, verbose, ParamType, ESTIMATORS};
use crate::models::parts::{self, Split};
use crate::models::tree::{Columns, Tree};
use crate::models::{BuildError, ModelError, ModelSpec, ParamDef, Value, DEFAULT_SEED};

/// A count or a fraction (`max_samples`, `max_features`).
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub enum Amount {
    /// `None`: all.
    All,
    Count(usize),
    Fraction(f64),
}

impl Amount {
    fn from_value(v: &Value) -> Amount {
        match v {
            Value::Int(i) => Amount::Count((*i).max(1) as usize),
            Value::Float(x) => Amount::Fraction(*x),
            _ => Amount::All,
        }
    }
    fn value(self) -> Value {
        match self {
            Amount::All => Value::None,
            Amount::Count(c) => Value::count(c),
            Amount::Fraction(x) => Value::Float(x),
        }
    }
    /// Of `n`: samples as scikit-learn's `_get_n_samples_bootstrap` rounds them (at least
    /// 1); features as `int(max_features * n)`.
    fn of(self, n: usize, round: bool) -> usize {
        match self {
            Amount::All => n,
            Amount::Count(c) => c,
            Amount::Fraction(x) if round => ((x * n as f64).round() as usize).max(1),
            Amount::Fraction(x) => (x * n as f64) as usize,
        }
    }
}

/// Parameters of BaggingRegressor.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct BaggingParams {
    /// `None`: `DecisionTreeRegressor()`.
    pub estimator: Option<Box<ModelSpec>>,
    pub n_estimators: usize,
    pub max_samples: Amount,
    pub max_features: Amount,
    pub bootstrap: bool,
    pub bootstrap_features: bool,
    pub random_state: Option<u64>,
}

/// scikit-learn's `BaggingRegressor`.
pub struct Bagging;

/// One member: its rows and features, and its spec with its seed.
struct Member {
    rows: Vec<usize>,
    cols: Vec<usize>,
    spec: ModelSpec,
}

/// `k` indices of `[0, n)`, with replacement or without.
fn indices(rng: &mut Rng, bootstrap: bool, n: usize, k: usize) -> Vec<usize> {
    if bootstrap {
        (0..k).map(|_| rng.below(n)).collect()
    } else {
        let mut v = rng.choose(n, k);
        v.sort_unstable();
        v
    }
}

impl Kind for Bagging {
    type Params = BaggingParams;
    const NAME: &'static str = "BaggingRegressor";
    const ALIASES: &'static [&'static str] = &["bagging"];
    const DOC: &'static str =
        "an estimator fitted on random row and feature subsets, predictions averaged";

    fn params() -> Vec<ParamDef> {
        vec![
            nested::estimator(
                "estimator",
                "the base estimator (None: DecisionTreeRegressor())",
            ),
            p(
                "n_estimators",
                ESTIMATORS,
                Value::Int(10),
                "number of estimators",
            ),
            p(
                "max_samples",
                ParamType::CountOrFraction { none: true },
                Value::None,
                "rows drawn per estimator: a count, a fraction, or None (all)",
            ),
            p(
                "max_features",
                ParamType::CountOrFraction { none: false },
                f(1.0),
                "features drawn per estimator: a count or a fraction",
            ),
            p(
                "bootstrap",
                ParamType::Bool,
                Value::Bool(true),
                "draw rows with replacement",
            ),
            p(
                "bootstrap_features",
                ParamType::Bool,
                Value::Bool(false),
                "draw features with replacement",
            ),
            ignored(
                "oob_score",
                ParamType::Bool,
                Value::Bool(false),
                "ignored: no effect on predictions",
            ),
            ignored(
                "warm_start",
                ParamType::Bool,
                Value::Bool(false),
                "ignored: every fit starts afresh",
            ),
            n_jobs(),
            p(
                "random_state",
                opt_int(0),
                Value::None,
                "seed; None means the fixed seed 0, so runs are reproducible",
            ),
            verbose(),
        ]
    }
    fn build(v: &Values) -> Result<BaggingParams, BuildError> {
        Ok(BaggingParams {
            estimator: v.model("estimator").map(Box::new),
            n_estimators: v.usize("n_estimators"),
            max_samples: Amount::from_value(&v.get("max_samples")),
            max_features: Amount::from_value(&v.get("max_features")),
            bootstrap: v.bool("bootstrap"),
            bootstrap_features: v.bool("bootstrap_features"),
            random_state: v.opt_u64("random_state"),
        })
    }
    fn values(p: &BaggingParams) -> Vec<(&'static str, Value)> {
        vec![
            (
                "estimator",
                p.estimator
                    .as_ref()
                    .map_or(Value::None, |m| Value::Model(m.clone())),
            ),
            ("n_estimators", Value::count(p.n_estimators)),
            ("max_samples", p.max_samples.value()),
            ("max_features", p.max_features.value()),
            ("bootstrap", Value::Bool(p.bootstrap)),
            ("bootstrap_features", Value::Bool(p.bootstrap_features)),
            ("random_state", Value::seed(p.random_state)),
        ]
    }
    fn min_rows(p: &BaggingParams) -> usize {
        nested::or_default(&p.estimator, "DecisionTreeRegressor").min_rows()
    }
    fn expected_cost(p: &BaggingParams, n_rows: usize, n_features: usize) -> f64 {
        let rows = p.max_samples.of(n_rows, true);
        let cols = p.max_features.of(n_features, false).max(1);
        let base = nested::or_default(&p.estimator, "DecisionTreeRegressor");
        // the default decision trees on every feature share one sort (see `fit_block`)
        let shared = (cols == n_features && !p.bootstrap_features)
            .then(|| decision_tree::cost_on_drawn_rows(&base, n_rows, n_features, p.n_estimators))
            .flatten();
        shared.unwrap_or_else(|| p.n_estimators as f64 * base.expected_cost(rows, cols))
    }
    fn fit<'a>(
        p: &BaggingParams,
        x: ArrayView2<'a, f64>,
        y: ArrayView1<'a, f64>,
    ) -> Result<Predictor<'a>, ModelError> {
        parts::fit_whole::<Self>(p, x, y)
    }
}

impl Split for Bagging {
    fn units(p: &BaggingParams) -> usize {
        p.n_estimators
    }
    /// A block is its members, each from its own seed (one per member, drawn in order from
    /// the model's generator, as scikit-learn draws them), summed in order.
    fn fit_block<'a>(
        p: &BaggingParams,
        x: ArrayView2<'a, f64>,
        y: ArrayView1<'a, f64>,
        _block: usize,
        units: Range<usize>,
    ) -> Result<Predictor<'a>, ModelError> {
        let (n, n_features) = x.dim();
        let n_samples = p.max_samples.of(n, true);
        let n_cols = p.max_features.of(n_features, false);
        let fail = |message: String| ModelError::Fit {
            kind: Self::NAME,
            message,
        };
        if !p.bootstrap && n_samples > n {
            return Err(fail(format!(
                "Effective max_samples={n_samples} must be <= n_samples={n} to be able to \
                 sample without replacement."
            )));
        }
        if n_cols > n_features || n_cols == 0 {
            return Err(fail("max_features must be in (0, n_features]".into()));
        }
        let base = nested::or_default(&p.estimator, "DecisionTreeRegressor");
        let seeds = nested::seeds(p.random_state.unwrap_or(DEFAULT_SEED), units.end);
        let members: Vec<Member> = seeds[units]
            .iter()
            .map(|&seed| {
                let mut own = Rng::new(seed);
                let cols = indices(&mut own, p.bootstrap_features, n_features, n_cols);
                let rows = indices(&mut own, p.bootstrap, n, n_samples);
                Member {
                    rows,
                    cols,
                    spec: nested::with_seed(&base, seed),
                }
            })
            .collect();
        // decision trees (the default) on every feature (all of them, each once: not drawn
        // with replacement): grown now, from each sample's counts on `x` sorted once (see
        // `decision_tree::on_drawn_rows`); a tree is small
        if n_cols == n_features
            && !p.bootstrap_features
            && decision_tree::grows_on_drawn_rows(&base)
        {
            if let Ok(sorted) = Columns::new(x) {
                let y_all = y.to_vec();
                let trees: Option<Vec<Tree>> = members
                    .iter()
                    .map(|m| decision_tree::on_drawn_rows(&m.spec, &sorted, &y_all, &m.rows))
                    .collect();
                if let Some(trees) = trees {
                    return Ok(super::forest::trees_predictor(
                        Self::NAME,
                        n_features,
                        trees,
                    ));
                }
            }
        }
        // fitted when predicting (see `nested`): only the indices are kept
        Ok(Box::new(move |t| {
            let mut sum = Array1::<f64>::zeros(t.nrows());
            for m in &members {
                let (xs, ys) = nested::take(x, y, &m.rows, &m.cols);
                let ts = t.select(Axis(1), &m.cols);
                sum += &nested::fit_predict(&m.spec, xs.view(), ys.view(), ts.view())?;
            }
            Ok(sum)
        }))
    }
}
