//! One file per model kind, each a [`Kind`](super::Kind) implementation, and the small files
//! they share (forest and SVM parameter tables, smartcore and booster adapters, least-squares helpers).
//! Only re-exports; the registry (`../registry.rs`) lists the kinds.

mod decision_tree;
mod elastic_net;
mod extra_trees;
mod forest;
mod gbm_glue;
mod gradient_boosting;
mod hist_gradient_boosting;
mod k_neighbors;
// LARS family (branch lin2)
mod lars;
mod lars_cv;
mod lasso_lars;
mod lasso_lars_cv;
mod lasso_lars_ic;
mod orthogonal_matching_pursuit;
mod orthogonal_matching_pursuit_cv;
// end LARS family
mod lasso;
mod least_squares;
mod linear_regression;
mod nusvr;
mod random_forest;
mod ridge;
mod smartcore_glue;
mod svm;
mod svr;
// linear_bayes (issue 14)
mod dummy_regressor;

pub use decision_tree::{DecisionTree, TreeParams};
pub use elastic_net::{ElasticNet, ElasticNetParams};
pub use extra_trees::ExtraTrees;
pub use forest::{ForestParams, MaxFeatures};
pub use gradient_boosting::{BoostingParams, GradientBoosting};
pub use hist_gradient_boosting::{HistGradientBoosting, HistGradientBoostingParams};
pub use k_neighbors::{KNeighbors, KnnParams};
// LARS family (branch lin2)
pub use lars::{Lars, LarsParams};
pub use lars_cv::{fit_cv as lars_fit_cv, LarsCv, LarsCvParams};
pub use lasso_lars::{LassoLars, LassoLarsParams};
pub use lasso_lars_cv::LassoLarsCv;
pub use lasso_lars_ic::{fit_ic as lasso_lars_fit_ic, LassoLarsIc, LassoLarsIcParams};
pub use orthogonal_matching_pursuit::{fit_omp, OmpParams, OrthogonalMatchingPursuit};
pub use orthogonal_matching_pursuit_cv::{fit_omp_cv, OmpCvParams, OrthogonalMatchingPursuitCv};
// end LARS family
pub use lasso::{Lasso, LassoParams};
pub use linear_regression::{LinearRegression, LinearRegressionParams};
pub use nusvr::{NuSvr, NuSvrParams};
pub use random_forest::RandomForest;
pub use ridge::{Ridge, RidgeParams};
pub use svr::{Svr, SvrParams};
// linear_bayes (issue 14)
pub use dummy_regressor::{DummyParams, DummyRegressor, DummyStrategy};
