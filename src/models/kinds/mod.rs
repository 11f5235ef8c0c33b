//! One file per model kind, each a [`Kind`](super::Kind) implementation, and the small files
//! they share (forest and SVM parameter tables, smartcore and booster adapters, least-squares helpers).
//! Only re-exports; the registry (`../registry.rs`) lists the kinds.

mod ada_boost;
mod ard_regression;
mod bagging;
mod bayesian_ridge;
mod decision_tree;
mod dummy_regressor;
mod elastic_net;
mod elastic_net_cv;
mod extra_tree;
mod extra_trees;
mod forest;
mod gamma_regressor;
mod gbm_glue;
mod glm_shared;
mod gradient_boosting;
mod hist_gradient_boosting;
mod huber_regressor;
mod k_neighbors;
mod kernel_ridge;
mod lars;
mod lars_cv;
mod lasso;
mod lasso_cv;
mod lasso_lars;
mod lasso_lars_cv;
mod lasso_lars_ic;
mod least_squares;
mod linear_regression;
mod linear_svr;
mod nested;
mod nusvr;
mod orthogonal_matching_pursuit;
mod orthogonal_matching_pursuit_cv;
mod passive_aggressive;
mod pls_regression;
mod poisson_regressor;
mod random_forest;
mod ransac;
mod ridge;
mod ridge_cv;
mod sgd_regressor;
mod smartcore_glue;
mod svm;
mod svr;
mod theil_sen;
mod transformed_target;
mod tweedie_regressor;

pub use ada_boost::{AdaBoost, AdaBoostParams, AdaLoss};
pub use ard_regression::{fit_ard, ArdFit, ArdParams, ArdRegression};
pub use bagging::{Amount, Bagging, BaggingParams};
pub use bayesian_ridge::{
    fit_bayesian_ridge, BayesianRidge, BayesianRidgeFit, BayesianRidgeParams, GammaPriors,
};
pub use decision_tree::{DecisionTree, TreeParams};
pub use dummy_regressor::{DummyParams, DummyRegressor, DummyStrategy};
pub use elastic_net::{ElasticNet, ElasticNetParams};
pub use elastic_net_cv::ElasticNetCv;
pub use extra_tree::{ExtraTree, ExtraTreeParams};
pub use extra_trees::ExtraTrees;
pub use forest::{ForestParams, MaxFeatures};
pub use gamma_regressor::GammaRegressor;
pub use glm_shared::GlmParams;
pub use gradient_boosting::{BoostingParams, GradientBoosting};
pub use hist_gradient_boosting::{HistGradientBoosting, HistGradientBoostingParams};
pub use huber_regressor::{HuberParams, HuberRegressor};
pub use k_neighbors::{KNeighbors, KnnParams};
pub use kernel_ridge::{
    fit_kernel_ridge, KernelKind, KernelRidge, KernelRidgeFit, KernelRidgeParams,
};
pub use lars::{Lars, LarsParams};
pub use lars_cv::{fit_cv as lars_fit_cv, LarsCv, LarsCvParams};
pub use lasso::{Lasso, LassoParams};
pub use lasso_cv::{fit_cv as linear_fit_cv, LassoCv, LinearCvParams};
pub use lasso_lars::{LassoLars, LassoLarsParams};
pub use lasso_lars_cv::LassoLarsCv;
pub use lasso_lars_ic::{fit_ic as lasso_lars_fit_ic, LassoLarsIc, LassoLarsIcParams};
pub use linear_regression::{LinearRegression, LinearRegressionParams};
pub use linear_svr::{fit_linear_svr, Dual, LinearSvr, LinearSvrParams, SvrLoss};
pub use nusvr::{NuSvr, NuSvrParams};
pub use orthogonal_matching_pursuit::{fit_omp, OmpParams, OrthogonalMatchingPursuit};
pub use orthogonal_matching_pursuit_cv::{fit_omp_cv, OmpCvParams, OrthogonalMatchingPursuitCv};
pub use passive_aggressive::{PassiveAggressive, PassiveAggressiveParams};
pub use pls_regression::{fit_pls, PlsParams, PlsRegression};
pub use poisson_regressor::PoissonRegressor;
pub use random_forest::RandomForest;
pub use ransac::{Ransac, RansacParams};
pub use ridge::{Ridge, RidgeParams};
pub use ridge_cv::{fit_ridge_cv, GcvMode, RidgeCv, RidgeCvParams, RidgeScoring};
pub use sgd_regressor::{Average, LearningRate, SgdLoss, SgdParams, SgdPenalty, SgdRegressor};
pub use svr::{Svr, SvrParams};
pub use theil_sen::{TheilSen, TheilSenParams};
pub use transformed_target::{TargetFunc, TransformedTarget, TransformedTargetParams};
pub use tweedie_regressor::TweedieRegressor;
