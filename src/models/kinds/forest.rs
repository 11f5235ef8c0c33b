//! What RandomForestRegressor, ExtraTreesRegressor and DecisionTreeRegressor share: the
//! parameters of a forest ([`ForestParams`], [`MaxFeatures`]), their table, and the tree-depth
//! part of the cost estimate.

use ndarray::{Array1, ArrayView1, ArrayView2};
use serde::{Deserialize, Serialize};

use crate::gbm::rng::Rng;
use crate::models::kind::{Predictor, Values};
use crate::models::params::{
    f, int, n_jobs, opt_int, p, verbose, ParamDef, ParamType, Value, ESTIMATORS,
};
use crate::models::tree::{self, Columns, Splitter, Tree, TreeConfig};
use crate::models::BuildError;
use crate::models::ModelError;

/// `max_features` of a forest: how many features are tried at each split.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub enum MaxFeatures {
    /// `None`: all features.
    All,
    /// `'sqrt'`: floor(sqrt(n_features)), at least 1.
    Sqrt,
    /// `'log2'`: floor(log2(n_features)), at least 1.
    Log2,
    /// An int: that many (at most n_features).
    Count(usize),
    /// A float in (0, 1]: max(1, floor(fraction * n_features)), as scikit-learn.
    Fraction(f64),
}

impl MaxFeatures {
    /// From a value checked against [`ParamType::MaxFeatures`].
    pub(super) fn from_value(v: &Value) -> MaxFeatures {
        match v {
            Value::None => MaxFeatures::All,
            Value::Int(i) => MaxFeatures::Count(*i as usize),
            Value::Float(x) => MaxFeatures::Fraction(*x),
            Value::Str(s) if s == "sqrt" => MaxFeatures::Sqrt,
            _ => MaxFeatures::Log2,
        }
    }

    /// As scikit-learn's repr writes it.
    pub(super) fn value(&self) -> Value {
        match *self {
            MaxFeatures::All => Value::None,
            MaxFeatures::Sqrt => Value::Str("sqrt".into()),
            MaxFeatures::Log2 => Value::Str("log2".into()),
            MaxFeatures::Count(c) => Value::count(c),
            MaxFeatures::Fraction(x) => Value::Float(x),
        }
    }

    /// The number of features tried per split for `n_features` features.
    pub fn resolve(&self, n_features: usize) -> usize {
        let n = n_features.max(1);
        let m = match *self {
            MaxFeatures::All => n,
            MaxFeatures::Sqrt => (n as f64).sqrt().floor() as usize,
            MaxFeatures::Log2 => (n as f64).log2().floor() as usize,
            MaxFeatures::Count(c) => c,
            MaxFeatures::Fraction(f) => (f * n as f64).floor() as usize,
        };
        m.clamp(1, n)
    }
}

/// Parameters of RandomForestRegressor and ExtraTreesRegressor.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ForestParams {
    pub n_estimators: usize,
    pub max_depth: Option<u16>,
    pub min_samples_split: usize,
    pub min_samples_leaf: usize,
    pub max_features: MaxFeatures,
    pub bootstrap: bool,
    /// `None` uses the fixed seed 0 (scikit-learn's `None` is unseeded; we prefer
    /// reproducible runs).
    pub random_state: Option<u64>,
}

/// `min_samples_split` of the tree kinds (forests, trees, gradient boosting).
pub(super) fn min_samples_split() -> ParamDef {
    p(
        "min_samples_split",
        int(2),
        Value::Int(2),
        "minimum samples to split a node",
    )
}

/// `min_samples_leaf` of the tree kinds.
pub(super) fn min_samples_leaf() -> ParamDef {
    p(
        "min_samples_leaf",
        int(1),
        Value::Int(1),
        "minimum samples in a leaf",
    )
}

/// The forest table; `bootstrap` is the kind's default for it.
pub(super) fn table(bootstrap: bool) -> Vec<ParamDef> {
    vec![
        p(
            "n_estimators",
            ESTIMATORS,
            Value::Int(100),
            "number of trees",
        ),
        p(
            "max_depth",
            ParamType::OptInt {
                min: 1,
                max: u16::MAX as i64 - 1,
            },
            Value::None,
            "maximum depth of a tree; None grows until leaves are pure",
        ),
        min_samples_split(),
        min_samples_leaf(),
        p(
            "max_features",
            ParamType::MaxFeatures,
            f(1.0),
            "features tried per split: a fraction, a count, 'sqrt', 'log2' or None (all)",
        ),
        p(
            "bootstrap",
            ParamType::Bool,
            Value::Bool(bootstrap),
            "draw a bootstrap sample per tree (else every tree sees every row)",
        ),
        p(
            "random_state",
            opt_int(0),
            Value::None,
            "seed; None means the fixed seed 0, so runs are reproducible",
        ),
        n_jobs(),
        verbose(),
    ]
}

/// The forest's parameters.
pub(super) fn build(v: &Values) -> Result<ForestParams, BuildError> {
    let bootstrap = v.bool("bootstrap");
    let max_features = MaxFeatures::from_value(&v.get("max_features"));
    Ok(ForestParams {
        n_estimators: v.usize("n_estimators"),
        max_depth: v.opt_u16("max_depth"),
        min_samples_split: v.usize("min_samples_split"),
        min_samples_leaf: v.usize("min_samples_leaf"),
        max_features,
        bootstrap,
        random_state: v.opt_u64("random_state"),
    })
}

pub(super) fn values(p: &ForestParams) -> Vec<(&'static str, Value)> {
    vec![
        ("n_estimators", Value::count(p.n_estimators)),
        ("max_depth", Value::opt_int(p.max_depth)),
        ("min_samples_split", Value::count(p.min_samples_split)),
        ("min_samples_leaf", Value::count(p.min_samples_leaf)),
        ("max_features", p.max_features.value()),
        ("bootstrap", Value::Bool(p.bootstrap)),
        ("random_state", Value::seed(p.random_state)),
    ]
}

/// Levels of splits a tree grows on `n` rows: an unlimited one ends around 1.5·log2(n) on
/// noisy data; every level passes over all rows once. `+ 1.5`: per-tree work besides the
/// splits (bootstrap sample, leaves, prediction). Depth-limited trees must rank below deeper
/// ones, or a depth grid is dispatched shortest-first.
pub(super) fn levels(n: f64, max_depth: Option<u16>) -> f64 {
    let full = 1.5 * n.log2();
    max_depth.map_or(full, |d| f64::from(d).min(full)) + 1.5
}

/// A forest's cost: `factor · n_estimators · n · levels · features tried per split`.
pub(super) fn cost(factor: f64, p: &ForestParams, n_rows: usize, n_features: usize) -> f64 {
    let (n, _) = crate::models::kind::dims(n_rows, n_features);
    factor
        * p.n_estimators as f64
        * n
        * levels(n, p.max_depth)
        * p.max_features.resolve(n_features) as f64
}

/// Writes a forest kind: `$marker` with its [`Kind`](crate::models::Kind) implementation, over
/// our trees ([`crate::models::tree`]) with `$splitter`; `bootstrap` is the kind's default for
/// it; `cost` the factor of [`cost`].
macro_rules! forest_kind {
    (
        $(#[$attr:meta])* $marker:ident: $name:literal, aliases $aliases:expr, doc $doc:literal,
        bootstrap $bootstrap:literal, cost $factor:expr, splitter $splitter:expr
    ) => {
        $(#[$attr])*
        pub struct $marker;

        impl $crate::models::Kind for $marker {
            type Params = $crate::models::ForestParams;
            const NAME: &'static str = $name;
            const ALIASES: &'static [&'static str] = $aliases;
            const DOC: &'static str = $doc;

            fn params() -> Vec<$crate::models::ParamDef> {
                super::forest::table($bootstrap)
            }
            fn build(
                v: &$crate::models::Values,
            ) -> Result<Self::Params, $crate::models::BuildError> {
                super::forest::build(v)
            }
            fn values(p: &Self::Params) -> Vec<(&'static str, $crate::models::Value)> {
                super::forest::values(p)
            }
            fn min_rows(_: &Self::Params) -> usize {
                1
            }
            fn expected_cost(p: &Self::Params, n_rows: usize, n_features: usize) -> f64 {
                super::forest::cost($factor, p, n_rows, n_features)
            }
            fn fit<'a>(
                p: &Self::Params,
                x: ndarray::ArrayView2<'a, f64>,
                y: ndarray::ArrayView1<'a, f64>,
            ) -> Result<$crate::models::Predictor<'a>, $crate::models::ModelError> {
                $crate::models::parts::fit_whole::<Self>(p, x, y)
            }
        }

        impl $crate::models::parts::Split for $marker {
            fn units(p: &Self::Params) -> usize {
                p.n_estimators
            }
            /// A block is the block's trees grown from the block's seed, so it is the same
            /// whichever part of the forest grows it; it predicts their sum.
            fn fit_block<'a>(
                p: &Self::Params,
                x: ndarray::ArrayView2<'a, f64>,
                y: ndarray::ArrayView1<'a, f64>,
                block: usize,
                units: std::ops::Range<usize>,
            ) -> Result<$crate::models::Predictor<'a>, $crate::models::ModelError> {
                let seed = super::nested::seeds(
                    p.random_state.unwrap_or($crate::models::DEFAULT_SEED),
                    block + 1,
                )[block];
                super::forest::fit_trees($name, p, $splitter, x, y, seed, units.len())
            }
        }
    };
}
pub(super) use forest_kind;

/// `trees` trees of a forest grown on `x`, `y` from `seed` (each from its own seed drawn
/// from it; with a bootstrap sample of the rows where `p.bootstrap`), every feature sorted
/// once for all of them. Predicts the sum of the trees.
pub(super) fn fit_trees<'a>(
    kind: &'static str,
    p: &ForestParams,
    splitter: Splitter,
    x: ArrayView2<'a, f64>,
    y: ArrayView1<'a, f64>,
    seed: u64,
    trees: usize,
) -> Result<Predictor<'a>, ModelError> {
    let cols = Columns::new(x).map_err(|message| ModelError::Fit { kind, message })?;
    let config = TreeConfig {
        max_depth: p.max_depth.map(usize::from),
        min_samples_split: p.min_samples_split,
        min_samples_leaf: p.min_samples_leaf,
        max_features: p.max_features.resolve(x.ncols()),
        splitter,
    };
    let (n, y) = (x.nrows(), y.to_vec());
    let mut seeds = Rng::new(seed);
    let mut counts = vec![0u32; n];
    let fitted: Vec<Tree> = (0..trees)
        .map(|_| {
            let mut rng = Rng::new(seeds.next_u64());
            if p.bootstrap {
                counts.fill(0);
                for _ in 0..n {
                    counts[rng.below(n)] += 1;
                }
                tree::grow(&cols, &y, Some(&counts), &config, &mut rng)
            } else {
                tree::grow(&cols, &y, None, &config, &mut rng)
            }
        })
        .collect();
    Ok(trees_predictor(kind, x.ncols(), fitted))
}

/// One tree (DecisionTreeRegressor, ExtraTreeRegressor) grown on `x`, `y` as `config` says,
/// its feature draws from `seed`.
pub(super) fn fit_tree<'a>(
    kind: &'static str,
    config: &TreeConfig,
    x: ArrayView2<'a, f64>,
    y: ArrayView1<'a, f64>,
    seed: u64,
) -> Result<Predictor<'a>, ModelError> {
    let cols = Columns::new(x).map_err(|message| ModelError::Fit { kind, message })?;
    let tree = tree::grow(&cols, &y.to_vec(), None, config, &mut Rng::new(seed));
    Ok(trees_predictor(kind, x.ncols(), vec![tree]))
}

/// The sum of `trees`' predictions, as a predictor.
pub(super) fn trees_predictor<'a>(
    kind: &'static str,
    n_features: usize,
    trees: Vec<Tree>,
) -> Predictor<'a> {
    Box::new(move |t| predict_trees(kind, n_features, &trees, t))
}

/// The sum of `trees`' predictions of the rows of `t`; a matrix without `n_features` columns
/// is an error.
pub(super) fn predict_trees(
    kind: &'static str,
    n_features: usize,
    trees: &[Tree],
    t: ArrayView2<f64>,
) -> Result<Array1<f64>, ModelError> {
    if t.ncols() != n_features {
        return Err(ModelError::Predict {
            kind,
            message: format!(
                "X has {} features, but the model is expecting {n_features} features as input",
                t.ncols()
            ),
        });
    }
    let mut out = vec![0.0; t.nrows()];
    for tree in trees {
        tree.add_predictions(t, &mut out);
    }
    Ok(Array1::from(out))
}
