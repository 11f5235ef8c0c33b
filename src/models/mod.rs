//! The model layer: model kinds with scikit-learn's names, parameters and defaults
//! ([`ModelSpec`]), and fitting/predicting them (our regression tree, [`tree`], for the trees
//! and forests; our boosters, `crate::gbm`; our own exact code for linear models and k-NN; our
//! SMO solver for SVMs).
//! Knows nothing of processes.
//!
//! Each kind is one file under `kinds/` implementing [`Kind`], listed once in `registry.rs`.
//! Only re-exports.

pub mod dense;
pub mod enet_cv;
mod fit;
pub mod glm;
mod kind;
pub mod kinds;
mod knn;
pub mod lars;
pub mod lbfgs;
pub mod linear;
pub mod omp;
mod params;
pub mod parts;
mod registry;
mod spec;
pub(crate) mod tree;

pub use fit::{BlockPrediction, FittedModel, ModelError, Prediction, DEFAULT_SEED};
pub use kind::{Kind, Predictor, Values};
pub use kinds::{
    BoostingParams, ElasticNetParams, ForestParams, HistGradientBoostingParams, KnnParams,
    LassoParams, LinearRegressionParams, MaxFeatures, NuSvrParams, RidgeParams, SvrParams,
    TreeParams,
};
pub use knn::KnnWeights;
pub use params::{python_float, Bound, KindDef, KindInfo, ParamDef, ParamInfo, ParamType, Value};
pub use registry::{catalogue, find_kind, kinds, ModelSpec};
pub use spec::{accepted_kinds, build_spec, lookup_kind, BuildError};
