//! The model layer: model kinds with scikit-learn's names, parameters and defaults
//! ([`ModelSpec`]), and fitting/predicting them (smartcore for trees, forests and boosting; our
//! own exact code for linear models and k-NN; our SMO solver for SVMs). Knows nothing of
//! processes.

mod fit;
mod knn;
pub mod linear;
mod params;
mod spec;

pub use fit::{FittedModel, ModelError, Prediction, DEFAULT_SEED};
pub use params::{
    find_kind, kinds, python_float, Bound, KindDef, KindInfo, ParamDef, ParamInfo, ParamType, Value,
};
pub use spec::{
    accepted_kinds, build_spec, lookup_kind, BoostingParams, BuildError, ForestParams, GammaSpec,
    KernelName, KnnWeights, MaxFeatures, ModelSpec, SvmSpec, TreeParams,
};

/// Every model kind with its aliases and parameters (name, default as scikit-learn writes it,
/// accepted values, doc), for `fitpool models`.
pub fn catalogue() -> Vec<KindInfo> {
    kinds()
        .iter()
        .map(|k| KindInfo {
            name: k.name,
            aliases: k.aliases,
            doc: k.doc,
            params: k
                .params
                .iter()
                .map(|p| ParamInfo {
                    name: p.name,
                    default: p.default.to_string(),
                    ty: p.ty.describe(),
                    doc: p.doc,
                })
                .collect(),
        })
        .collect()
}
