//! `fitpool models` lists the regressors that lazypredict 0.3's `LazyRegressor` runs by
//! default (its 40 scikit-learn classes; LightGBM's `LGBMRegressor`, the 41st when installed,
//! is not scikit-learn's), so that `-m all` is the lazypredict-style run: every one of them.

use std::process::Command;

/// `lazypredict.Supervised.REGRESSORS` of lazypredict 0.3 with scikit-learn 1.9.1.
const LAZYPREDICT: [&str; 40] = [
    "AdaBoostRegressor",
    "BaggingRegressor",
    "BayesianRidge",
    "DecisionTreeRegressor",
    "DummyRegressor",
    "ElasticNet",
    "ElasticNetCV",
    "ExtraTreeRegressor",
    "ExtraTreesRegressor",
    "GammaRegressor",
    "GaussianProcessRegressor",
    "GradientBoostingRegressor",
    "HistGradientBoostingRegressor",
    "HuberRegressor",
    "KNeighborsRegressor",
    "KernelRidge",
    "Lars",
    "LarsCV",
    "Lasso",
    "LassoCV",
    "LassoLars",
    "LassoLarsCV",
    "LassoLarsIC",
    "LinearRegression",
    "LinearSVR",
    "MLPRegressor",
    "NuSVR",
    "OrthogonalMatchingPursuit",
    "OrthogonalMatchingPursuitCV",
    "PassiveAggressiveRegressor",
    "PoissonRegressor",
    "QuantileRegressor",
    "RANSACRegressor",
    "RandomForestRegressor",
    "Ridge",
    "RidgeCV",
    "SGDRegressor",
    "SVR",
    "TransformedTargetRegressor",
    "TweedieRegressor",
];

#[test]
fn models_lists_lazypredicts_default_regressors() {
    let out = Command::new(env!("CARGO_BIN_EXE_fitpool"))
        .arg("models")
        .output()
        .expect("fitpool runs");
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).expect("UTF-8");
    // A kind's line starts at column 0 with its class name; its parameters are indented.
    let listed: Vec<&str> = text
        .lines()
        .filter(|l| l.starts_with(|c: char| c.is_ascii_alphabetic()))
        .filter_map(|l| l.split_whitespace().next())
        .collect();
    let absent: Vec<&str> = LAZYPREDICT
        .iter()
        .copied()
        .filter(|name| !listed.contains(name))
        .collect();
    assert!(
        absent.is_empty(),
        "lazypredict's regressors {absent:?} missing from `fitpool models` (listed: {listed:?})"
    );
}
