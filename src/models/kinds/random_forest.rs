//! RandomForestRegressor: our trees ([`crate::models::tree`]) on bootstrap samples, best
//! splits.

super::forest::forest_kind! {
    /// scikit-learn's `RandomForestRegressor`.
    RandomForest: "RandomForestRegressor",
    aliases &["rf", "random_forest"],
    doc "random forest, bootstrap samples, best splits",
    bootstrap true,
    // 0.62: keeps an unlimited forest where `n_estimators · n·log2(n) · features` put it
    // against the other kinds (calibrated on Friedman #1).
    cost 0.62,
    splitter crate::models::tree::Splitter::Best
}
