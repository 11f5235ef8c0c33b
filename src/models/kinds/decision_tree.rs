//! DecisionTreeRegressor: one regression tree ([`crate::models::tree`]), all features, best
//! splits.

use super::forest;
use crate::gbm::rng::Rng;
use crate::models::kind::{dims, Kind, Predictor, Values};
use crate::models::tree::{self, Columns, Splitter, TreeConfig};
use crate::models::{BuildError, ModelError, ModelSpec, ParamDef, Value, DEFAULT_SEED};
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
    fn expected_cost(p: &TreeParams, n_rows: usize, n_features: usize) -> f64 {
        cost(p, n_rows, n_features, 1)
    }
    fn fit<'a>(
        p: &TreeParams,
        x: ArrayView2<'a, f64>,
        y: ArrayView1<'a, f64>,
    ) -> Result<Predictor<'a>, ModelError> {
        // the seed only orders the features (which of equally good splits is taken)
        let seed = p.random_state.unwrap_or(DEFAULT_SEED);
        forest::fit_tree(Self::NAME, &config(p, x.ncols()), x, y, seed)
    }
}

/// How a DecisionTreeRegressor grows on `n_features` features: every feature, best splits.
fn config(p: &TreeParams, n_features: usize) -> TreeConfig {
    TreeConfig {
        max_depth: p.max_depth.map(usize::from),
        min_samples_split: p.min_samples_split,
        min_samples_leaf: p.min_samples_leaf,
        max_features: n_features.max(1),
        splitter: Splitter::Best,
    }
}

/// The cost of `trees` trees grown on features sorted once: the sort, then each tree's passes
/// over the rows, one per level.
fn cost(p: &TreeParams, n_rows: usize, n_features: usize, trees: usize) -> f64 {
    let (n, f) = dims(n_rows, n_features);
    0.2 * (n * n.log2() + trees as f64 * n * forest::levels(n, p.max_depth)) * f
}

/// A spec that [`on_drawn_rows`] grows from counts: a DecisionTreeRegressor with the default
/// `min_samples_*` (scikit-learn counts a repeated row once per draw, a weight counts it once).
fn counted(spec: &ModelSpec) -> Option<&TreeParams> {
    match spec {
        ModelSpec::DecisionTree(p) if p.min_samples_leaf == 1 && p.min_samples_split == 2 => {
            Some(p)
        }
        _ => None,
    }
}

/// Whether [`on_drawn_rows`] grows `spec`'s trees: only then is `x` worth sorting for it.
pub(super) fn grows_on_drawn_rows(spec: &ModelSpec) -> bool {
    counted(spec).is_some()
}

/// The cost of `samples` trees of `spec` on samples drawn from `n_rows` rows by
/// [`on_drawn_rows`] (one sort for all of them); `None` where that route is not taken.
pub(super) fn cost_on_drawn_rows(
    spec: &ModelSpec,
    n_rows: usize,
    n_features: usize,
    samples: usize,
) -> Option<f64> {
    counted(spec).map(|p| cost(p, n_rows, n_features, samples))
}

/// A sample drawn with repeats from `x`'s rows (AdaBoost's and bagging's), fitted by a
/// DecisionTreeRegressor spec as a weight per row (how often it was drawn) on `cols` (`x`
/// sorted once for all the samples), instead of on a copy of the sample sorted again: the
/// same splits (between the same distinct values, scored on the same sums), no copy and no
/// sort per sample. `None` where that is not the same tree ([`counted`]).
pub(super) fn on_drawn_rows(
    spec: &ModelSpec,
    cols: &Columns,
    y: &[f64],
    rows: &[usize],
) -> Option<tree::Tree> {
    let p = counted(spec)?;
    let config = config(p, cols.n_features());
    let mut counts = vec![0u32; y.len()];
    for &r in rows {
        counts[r] += 1;
    }
    let mut rng = Rng::new(p.random_state.unwrap_or(DEFAULT_SEED));
    Some(tree::grow(cols, y, Some(&counts), &config, &mut rng))
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::{Array1, Array2, Axis};

    #[test]
    fn a_tree_on_drawn_rows_is_the_tree_on_their_copy() {
        let (n, f) = (120, 4);
        // random values: no two candidate splits score the same (a tie between equally good
        // splits may go either way with the sums' rounding)
        let mut g = crate::gbm::rng::Rng::new(42);
        let x = Array2::from_shape_fn((n, f), |_| g.unit() * 10.0);
        let y = Array1::from_shape_fn(n, |i| {
            (x[(i, 0)] * 0.7).sin() * 3.0 + x[(i, 1)] - 0.2 * x[(i, 3)] + g.unit()
        });
        let cols = Columns::new(x.view()).unwrap();
        for (depth, seed) in [(None, 0u64), (Some(3u16), 5)] {
            let p = TreeParams {
                max_depth: depth,
                min_samples_split: 2,
                min_samples_leaf: 1,
                random_state: Some(seed),
            };
            let spec = ModelSpec::DecisionTree(p.clone());
            let mut r = crate::gbm::rng::Rng::new(seed + 11);
            let rows: Vec<usize> = (0..n).map(|_| r.below(n)).collect();
            let tree = on_drawn_rows(&spec, &cols, y.as_slice().unwrap(), &rows).unwrap();
            // on the drawn rows: where two splits part them alike (in a small node, two
            // features often do) the sums' rounding picks one, and rows not drawn may fall
            // on either side of it
            let (xs, ys) = (x.select(Axis(0), &rows), y.select(Axis(0), &rows));
            let mut got = vec![0.0; n];
            tree.add_predictions(xs.view(), &mut got);
            let want = DecisionTree::fit(&p, xs.view(), ys.view()).unwrap()(xs.view()).unwrap();
            for (a, b) in got.iter().zip(&want) {
                assert!(
                    (a - b).abs() <= 1e-9 * (1.0 + b.abs()),
                    "{depth:?}: {a} vs {b}"
                );
            }
        }
        // other minimum sizes count repeated rows differently: not this route
        let p = TreeParams {
            max_depth: None,
            min_samples_split: 2,
            min_samples_leaf: 3,
            random_state: None,
        };
        assert!(on_drawn_rows(&ModelSpec::DecisionTree(p), &cols, &[0.0; 120], &[0]).is_none());
    }
}
