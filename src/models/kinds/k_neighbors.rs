//! KNeighborsRegressor: k nearest neighbours by brute force (`knn::predict`).

use ndarray::{ArrayView1, ArrayView2};
use serde::{Deserialize, Serialize};

use crate::models::kind::{dims, Kind, Predictor, Values};
use crate::models::knn::{self, KnnWeights};
use crate::models::params::{ignored, int, n_jobs, p, s};
use crate::models::{BuildError, ModelError, ParamDef, ParamType, Value};

/// Parameters of KNeighborsRegressor.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct KnnParams {
    pub n_neighbors: usize,
    pub weights: KnnWeights,
    /// Minkowski power.
    pub p: u32,
}

/// scikit-learn's `KNeighborsRegressor`.
pub struct KNeighbors;

impl Kind for KNeighbors {
    type Params = KnnParams;
    const NAME: &'static str = "KNeighborsRegressor";
    const ALIASES: &'static [&'static str] = &["knn", "kneighbors"];
    const DOC: &'static str = "k nearest neighbours, brute force, Minkowski distance";

    fn params() -> Vec<ParamDef> {
        vec![
            p("n_neighbors", int(1), Value::Int(5), "number of neighbours"),
            p(
                "weights",
                ParamType::Choice(&["uniform", "distance"]),
                s("uniform"),
                "'uniform' mean or 'distance' (1/d) weighted mean",
            ),
            p(
                "p",
                int(1),
                Value::Int(2),
                "Minkowski power: 1 manhattan, 2 euclidean",
            ),
            ignored(
                "algorithm",
                ParamType::Choice(&["auto", "ball_tree", "kd_tree", "brute"]),
                s("auto"),
                "ignored: always brute force (same neighbours)",
            ),
            ignored(
                "leaf_size",
                int(1),
                Value::Int(30),
                "ignored: always brute force",
            ),
            n_jobs(),
        ]
    }
    fn build(v: &Values) -> Result<KnnParams, BuildError> {
        Ok(KnnParams {
            n_neighbors: v.usize("n_neighbors"),
            weights: if v.str("weights") == "distance" {
                KnnWeights::Distance
            } else {
                KnnWeights::Uniform
            },
            p: v.int("p").clamp(1, u32::MAX as i64) as u32,
        })
    }
    fn values(p: &KnnParams) -> Vec<(&'static str, Value)> {
        let weights = match p.weights {
            KnnWeights::Uniform => "uniform",
            KnnWeights::Distance => "distance",
        };
        vec![
            ("n_neighbors", Value::count(p.n_neighbors)),
            ("weights", Value::Str(weights.into())),
            ("p", Value::Int(p.p.into())),
        ]
    }
    /// Every prediction needs `n_neighbors` training rows.
    fn min_rows(p: &KnnParams) -> usize {
        p.n_neighbors
    }
    /// Brute force: every test row against every training row (test ~ train size);
    /// Euclidean distances go through a matrix product.
    fn expected_cost(p: &KnnParams, n_rows: usize, n_features: usize) -> f64 {
        let (n, f) = dims(n_rows, n_features);
        let factor = if p.p == 2 { 0.03 } else { 0.1 };
        factor * n * n * f
    }
    fn fit<'a>(
        p: &KnnParams,
        x: ArrayView2<'a, f64>,
        y: ArrayView1<'a, f64>,
    ) -> Result<Predictor<'a>, ModelError> {
        // Brute force has no fitting step: all the work is in predicting.
        let (k, weights, power) = (p.n_neighbors, p.weights, p.p);
        Ok(Box::new(move |t| {
            Ok(knn::predict(x, y, t, k, weights, power))
        }))
    }
}
