//! RandomForestRegressor: smartcore's random forest (bootstrap samples, best splits).

use smartcore::ensemble::random_forest_regressor::{
    RandomForestRegressor, RandomForestRegressorParameters,
};

super::forest::forest_kind! {
    /// scikit-learn's `RandomForestRegressor`.
    RandomForest: "RandomForestRegressor",
    aliases &["rf", "random_forest"],
    doc "random forest (smartcore), bootstrap samples, best splits",
    bootstrap true,
    // 0.62: keeps an unlimited forest where `n_estimators · n·log2(n) · features` put it
    // against the other kinds (calibrated on Friedman #1).
    cost 0.62,
    smartcore RandomForestRegressor(RandomForestRegressorParameters)
}
