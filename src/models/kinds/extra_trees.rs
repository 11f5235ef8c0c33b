//! ExtraTreesRegressor: our extremely randomised trees ([`crate::models::tree`]): random
//! thresholds, every row (no bootstrap) by default.

super::forest::forest_kind! {
    /// scikit-learn's `ExtraTreesRegressor`.
    ExtraTrees: "ExtraTreesRegressor",
    aliases &["et", "extra_trees"],
    doc "extremely randomised trees, random thresholds, no bootstrap",
    bootstrap false,
    // random thresholds: no scan over sorted values
    cost 0.4 * 0.62,
    splitter crate::models::tree::Splitter::Random
}
