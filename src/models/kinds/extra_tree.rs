//! ExtraTreeRegressor: one extremely randomised tree ([`crate::models::tree`]): random
//! thresholds, all rows.

use super::{forest, MaxFeatures};
use crate::models::kind::{dims, Kind, Predictor, Values};
use crate::models::tree::{Splitter, TreeConfig};
use crate::models::{BuildError, ModelError, ParamDef, Value, DEFAULT_SEED};
use ndarray::{ArrayView1, ArrayView2};
use serde::{Deserialize, Serialize};

/// Parameters of ExtraTreeRegressor.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ExtraTreeParams {
    pub max_depth: Option<u16>,
    pub min_samples_split: usize,
    pub min_samples_leaf: usize,
    pub max_features: MaxFeatures,
    pub random_state: Option<u64>,
}

/// scikit-learn's `ExtraTreeRegressor`.
pub struct ExtraTree;

impl Kind for ExtraTree {
    type Params = ExtraTreeParams;
    const NAME: &'static str = "ExtraTreeRegressor";
    const ALIASES: &'static [&'static str] = &["extra_tree"];
    const DOC: &'static str = "one extremely randomised tree, random thresholds";

    /// The forest's table, less what only a forest has.
    fn params() -> Vec<ParamDef> {
        let mut v = forest::table(false);
        v.retain(|p| {
            matches!(
                p.name,
                "max_depth"
                    | "min_samples_split"
                    | "min_samples_leaf"
                    | "max_features"
                    | "random_state"
            )
        });
        v
    }
    fn build(v: &Values) -> Result<ExtraTreeParams, BuildError> {
        Ok(ExtraTreeParams {
            max_depth: v.opt_u16("max_depth"),
            min_samples_split: v.usize("min_samples_split"),
            min_samples_leaf: v.usize("min_samples_leaf"),
            max_features: MaxFeatures::from_value(&v.get("max_features")),
            random_state: v.opt_u64("random_state"),
        })
    }
    fn values(p: &ExtraTreeParams) -> Vec<(&'static str, Value)> {
        vec![
            ("max_depth", Value::opt_int(p.max_depth)),
            ("min_samples_split", Value::count(p.min_samples_split)),
            ("min_samples_leaf", Value::count(p.min_samples_leaf)),
            ("max_features", p.max_features.value()),
            ("random_state", Value::seed(p.random_state)),
        ]
    }
    fn min_rows(_: &ExtraTreeParams) -> usize {
        1
    }
    /// One tree of the extra-trees forest's cost.
    fn expected_cost(p: &ExtraTreeParams, n_rows: usize, n_features: usize) -> f64 {
        let (n, _) = dims(n_rows, n_features);
        0.4 * 0.62 * n * forest::levels(n, p.max_depth) * p.max_features.resolve(n_features) as f64
    }
    fn fit<'a>(
        p: &ExtraTreeParams,
        x: ArrayView2<'a, f64>,
        y: ArrayView1<'a, f64>,
    ) -> Result<Predictor<'a>, ModelError> {
        let config = TreeConfig {
            max_depth: p.max_depth.map(usize::from),
            min_samples_split: p.min_samples_split,
            min_samples_leaf: p.min_samples_leaf,
            max_features: p.max_features.resolve(x.ncols()),
            splitter: Splitter::Random,
        };
        let seed = p.random_state.unwrap_or(DEFAULT_SEED);
        forest::fit_tree(Self::NAME, &config, x, y, seed)
    }
}
