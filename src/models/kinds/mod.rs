//! One file per model kind, each a [`Kind`](super::Kind) implementation, and the small files
//! they share (forest and SVM parameter tables, smartcore and booster adapters, least-squares helpers).
//! Only re-exports; the registry (`../registry.rs`) lists the kinds.

mod ada_boost;
mod bagging;
mod decision_tree;
mod elastic_net;
mod extra_tree;
mod extra_trees;
mod forest;
mod gbm_glue;
mod gradient_boosting;
mod hist_gradient_boosting;
mod k_neighbors;
mod lasso;
mod least_squares;
mod linear_regression;
mod nested;
mod nusvr;
mod random_forest;
mod ridge;
mod smartcore_glue;
mod svm;
mod svr;
mod transformed_target;

pub use ada_boost::{AdaBoost, AdaBoostParams, AdaLoss};
pub use bagging::{Amount, Bagging, BaggingParams};
pub use decision_tree::{DecisionTree, TreeParams};
pub use elastic_net::{ElasticNet, ElasticNetParams};
pub use extra_tree::{ExtraTree, ExtraTreeParams};
pub use extra_trees::ExtraTrees;
pub use forest::{ForestParams, MaxFeatures};
pub use gradient_boosting::{BoostingParams, GradientBoosting};
pub use hist_gradient_boosting::{HistGradientBoosting, HistGradientBoostingParams};
pub use k_neighbors::{KNeighbors, KnnParams};
pub use lasso::{Lasso, LassoParams};
pub use linear_regression::{LinearRegression, LinearRegressionParams};
pub use nusvr::{NuSvr, NuSvrParams};
pub use random_forest::RandomForest;
pub use ridge::{Ridge, RidgeParams};
pub use svr::{Svr, SvrParams};
pub use transformed_target::{TargetFunc, TransformedTarget, TransformedTargetParams};
