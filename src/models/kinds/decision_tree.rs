//! DecisionTreeRegressor: one regression tree ([`crate::models::tree`]), all features, best
//! splits.

use super::forest;
use crate::gbm::rng::Rng;
use crate::models::kind::{dims, Kind, Predictor, Values};
use crate::models::tree::{self, Columns, Splitter, TreeConfig};
use crate::models::{BuildError, ModelError, ParamDef, Value, DEFAULT_SEED};
use ndarray::{ArrayView1, ArrayView2};
use serde::{Deserialize, Serialize};

/// Parameters of DecisionTreeRegressor.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TreeParams {
    pub max_depth: Option<u16>,
    pub min_samples_split: usize,
    pub min_samples_leaf: usize,
    pub random_state: Option<u64>,
}

/// scikit-learn's `DecisionTreeRegressor`.
pub struct DecisionTree;

impl Kind for DecisionTree {
    type Params = TreeParams;
    const NAME: &'static str = "DecisionTreeRegressor";
    const ALIASES: &'static [&'static str] = &["tree", "dt"];
    const DOC: &'static str = "one regression tree, all features, best splits";

    /// The forest's table, less what only a forest has.
    fn params() -> Vec<ParamDef> {
        let mut v = forest::table(false);
        v.retain(|p| {
            matches!(
                p.name,
                "max_depth" | "min_samples_split" | "min_samples_leaf" | "random_state"
            )
        });
        v
    }
    fn build(v: &Values) -> Result<TreeParams, BuildError> {
        Ok(TreeParams {
            max_depth: v.opt_u16("max_depth"),
            min_samples_split: v.usize("min_samples_split"),
            min_samples_leaf: v.usize("min_samples_leaf"),
            random_state: v.opt_u64("random_state"),
        })
    }
    fn values(p: &TreeParams) -> Vec<(&'static str, Value)> {
        vec![
            ("max_depth", Value::opt_int(p.max_depth)),
            ("min_samples_split", Value::count(p.min_samples_split)),
            ("min_samples_leaf", Value::count(p.min_samples_leaf)),
            ("random_state", Value::seed(p.random_state)),
        ]
    }
    fn min_rows(_: &TreeParams) -> usize {
        1
    }
    /// The tree sorts every feature once, then passes over the rows per level.
    fn expected_cost(p: &TreeParams, n_rows: usize, n_features: usize) -> f64 {
        let (n, f) = dims(n_rows, n_features);
        0.2 * (n * n.log2() + n * forest::levels(n, p.max_depth)) * f
    }
    fn fit<'a>(
        p: &TreeParams,
        x: ArrayView2<'a, f64>,
        y: ArrayView1<'a, f64>,
    ) -> Result<Predictor<'a>, ModelError> {
        let cols = Columns::new(x).map_err(|message| ModelError::Fit {
            kind: Self::NAME,
            message,
        })?;
        let config = TreeConfig {
            max_depth: p.max_depth.map(usize::from),
            min_samples_split: p.min_samples_split,
            min_samples_leaf: p.min_samples_leaf,
            max_features: x.ncols().max(1),
            splitter: Splitter::Best,
        };
        // the seed only orders the features (which of equally good splits is taken)
        let mut rng = Rng::new(p.random_state.unwrap_or(DEFAULT_SEED));
        let tree = tree::grow(&cols, &y.to_vec(), None, &config, &mut rng);
        Ok(forest::trees_predictor(Self::NAME, x.ncols(), vec![tree]))
    }
}
