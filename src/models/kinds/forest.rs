//! What RandomForestRegressor, ExtraTreesRegressor and DecisionTreeRegressor share: the
//! parameters of a forest ([`ForestParams`], [`MaxFeatures`]), their table, and the tree-depth
//! part of the cost estimate.

use serde::{Deserialize, Serialize};

use crate::models::kind::Values;
use crate::models::params::{
    f, int, n_jobs, opt_int, p, verbose, ParamDef, ParamType, Value, ESTIMATORS,
};
use crate::models::BuildError;

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

/// The forest table; `bootstrap` is the only value smartcore's forest of this kind supports.
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
            if bootstrap {
                "draw a bootstrap sample per tree (only True is supported)"
            } else {
                "draw a bootstrap sample per tree (only False is supported)"
            },
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

/// The forest's parameters; a `bootstrap` other than `bootstrap_supported` is refused.
pub(super) fn build(
    v: &Values,
    kind: &'static str,
    bootstrap_supported: bool,
) -> Result<ForestParams, BuildError> {
    let bootstrap = v.bool("bootstrap");
    if bootstrap != bootstrap_supported {
        return Err(BuildError::Unsupported {
            kind,
            name: "bootstrap",
            message: format!(
                "bootstrap={} is not supported (smartcore's {kind} always uses bootstrap={})",
                Value::Bool(bootstrap),
                Value::Bool(bootstrap_supported)
            ),
        });
    }
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
/// smartcore's `$model` with parameters `$params`; `bootstrap` is the only value that forest
/// supports; `cost` the factor of [`cost`].
macro_rules! forest_kind {
    (
        $(#[$attr:meta])* $marker:ident: $name:literal, aliases $aliases:expr, doc $doc:literal,
        bootstrap $bootstrap:literal, cost $factor:expr, smartcore $model:ident($params:ident)
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
                super::forest::build(v, $name, $bootstrap)
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
            /// A block is one smartcore forest of the block's trees, grown from the block's
            /// seed, so it is the same whichever part of the forest grows it.
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
                let trees = units.len();
                let params = $params {
                    max_depth: super::smartcore_glue::depth(p.max_depth),
                    min_samples_leaf: p.min_samples_leaf,
                    min_samples_split: p.min_samples_split,
                    n_trees: trees,
                    m: Some(p.max_features.resolve(x.ncols())),
                    keep_samples: false,
                    seed,
                };
                let forest = $model::fit(&super::smartcore_glue::dense(x), &y.to_vec(), params)
                    .map_err(super::smartcore_glue::fit_error($name))?;
                // smartcore predicts the mean of the block's trees: their sum is what a
                // block gives
                let mean = super::smartcore_glue::predictor($name, move |t| forest.predict(t));
                Ok(Box::new(move |t| Ok(mean(t)? * trees as f64)))
            }
        }
    };
}
pub(super) use forest_kind;
