//! The registry: the one list of model kinds. [`ModelSpec`] (one variant per kind), every
//! dispatch over it and the table [`kinds()`] are generated from the list, so adding a kind is
//! one file under `kinds/` (a [`Kind`] implementation) and one line here.

use serde::{Deserialize, Serialize};

use std::ops::Range;

use super::kind::{Kind, Predictor, Values};
use super::kinds::{self as k, *};
use super::params::{KindDef, KindInfo, ParamInfo, Value};
use super::parts::{self, BlockPredictor, Units};
use super::spec::BuildError;
use super::ModelError;
use ndarray::{ArrayView1, ArrayView2};

macro_rules! registry {
    ($($variant:ident($params:ty): $kind:ty,)+) => {
        /// A model kind with all its parameters, scikit-learn names and defaults: one variant
        /// per kind in the registry, its payload the kind's [`Kind::Params`].
        ///
        /// Serialisable with bincode 2 (no flatten, no untagged enums).
        #[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
        pub enum ModelSpec {
            $($variant($params),)+
        }

        /// The kinds' positions in the list (and in [`kinds()`]).
        #[derive(Clone, Copy)]
        enum Position {
            $($variant,)+
        }

        impl ModelSpec {
            /// The kind's entry in [`kinds()`].
            pub(crate) fn def(&self) -> &'static KindDef {
                let position = match self {
                    $(ModelSpec::$variant(_) => Position::$variant,)+
                };
                &kinds()[position as usize]
            }

            /// The scikit-learn class name, e.g. `"RandomForestRegressor"`.
            pub fn kind_name(&self) -> &'static str {
                match self {
                    $(ModelSpec::$variant(_) => <$kind>::NAME,)+
                }
            }

            /// Every parameter with its value, in the kind's table order.
            pub fn values(&self) -> Vec<(&'static str, Value)> {
                match self {
                    $(ModelSpec::$variant(p) => <$kind>::values(p),)+
                }
            }

            /// The fewest training rows this model can fit (k-NN needs `n_neighbors`).
            pub fn min_rows(&self) -> usize {
                match self {
                    $(ModelSpec::$variant(p) => <$kind>::min_rows(p),)+
                }
            }

            /// A rough relative cost of fitting and predicting on `n_rows` x `n_features`, to
            /// dispatch the longest tasks first. Calibrated on the friedman fixture (5000 x
            /// 20), where 1e8 units took 1 to 2 s on one core for every kind; only the order of
            /// magnitude matters.
            pub fn expected_cost(&self, n_rows: usize, n_features: usize) -> f64 {
                match self {
                    $(ModelSpec::$variant(p) => <$kind>::expected_cost(p, n_rows, n_features),)+
                }
            }

            /// Fits on checked data (see [`ModelSpec::fit_predict`]).
            pub(crate) fn fit_checked<'a>(
                &self,
                x: ArrayView2<'a, f64>,
                y: ArrayView1<'a, f64>,
            ) -> Result<Predictor<'a>, ModelError> {
                match self {
                    $(ModelSpec::$variant(p) => <$kind>::fit(p, x, y),)+
                }
            }
        }

        fn build_kinds() -> Vec<KindDef> {
            vec![$(kind_def::<$kind>(|v| <$kind>::build(v).map(ModelSpec::$variant)),)+]
        }

        const NAMES: &[&str] = &[$(<$kind>::NAME,)+];
        const ALIASES: &[&[&str]] = &[$(<$kind>::ALIASES,)+];
    };
}

// The list: `Variant(ParamsType): KindType,` in the order `fitpool models` lists them.
registry! {
    RandomForest(ForestParams): k::RandomForest,
    ExtraTrees(ForestParams): k::ExtraTrees,
    DecisionTree(TreeParams): k::DecisionTree,
    GradientBoosting(BoostingParams): k::GradientBoosting,
    HistGradientBoosting(HistGradientBoostingParams): k::HistGradientBoosting,
    NuSvr(NuSvrParams): k::NuSvr,
    Svr(SvrParams): k::Svr,
    Ridge(RidgeParams): k::Ridge,
    Lasso(LassoParams): k::Lasso,
    ElasticNet(ElasticNetParams): k::ElasticNet,
    LinearRegression(LinearRegressionParams): k::LinearRegression,
    KNeighbors(KnnParams): k::KNeighbors,
    // generalized linear models by L-BFGS (models/glm.rs)
    Poisson(GlmParams): k::PoissonRegressor,
    Gamma(GlmParams): k::GammaRegressor,
    Tweedie(GlmParams): k::TweedieRegressor,
    Huber(HuberParams): k::HuberRegressor,
    // least-angle regression and matching pursuit (models/lars.rs, models/omp.rs)
    Lars(LarsParams): k::Lars,
    LassoLars(LassoLarsParams): k::LassoLars,
    LassoLarsIc(LassoLarsIcParams): k::LassoLarsIc,
    LarsCv(LarsCvParams): k::LarsCv,
    LassoLarsCv(LarsCvParams): k::LassoLarsCv,
    Omp(OmpParams): k::OrthogonalMatchingPursuit,
    OmpCv(OmpCvParams): k::OrthogonalMatchingPursuitCv,
    // Bayesian, cross-validated and kernel linear models (issue 14)
    RidgeCv(RidgeCvParams): k::RidgeCv,
    KernelRidge(KernelRidgeParams): k::KernelRidge,
    BayesianRidge(BayesianRidgeParams): k::BayesianRidge,
    Ard(ArdParams): k::ArdRegression,
    Pls(PlsParams): k::PlsRegression,
    // the cross-validated elastic net (models/enet_cv.rs)
    LassoCv(LinearCvParams): k::LassoCv,
    ElasticNetCv(LinearCvParams): k::ElasticNetCv,
    // robust linear regression
    LinearSvr(LinearSvrParams): k::LinearSvr,
    Quantile(QuantileParams): k::QuantileRegressor,
    // baselines
    Dummy(DummyParams): k::DummyRegressor,
    // wrappers and ensembles of other kinds (kinds/nested.rs)
    TransformedTarget(TransformedTargetParams): k::TransformedTarget,
    ExtraTree(ExtraTreeParams): k::ExtraTree,
    Bagging(BaggingParams): k::Bagging,
    AdaBoost(AdaBoostParams): k::AdaBoost,
    // robust and stochastic linear models
    Sgd(SgdParams): k::SgdRegressor,
    PassiveAggressive(PassiveAggressiveParams): k::PassiveAggressive,
    Ransac(RansacParams): k::Ransac,
    TheilSen(TheilSenParams): k::TheilSen,
    // neural networks
    Mlp(MlpParams): k::MlpRegressor,
    // Gaussian processes
    GaussianProcess(GaussianProcessParams): k::GaussianProcess,
}

/// The kinds whose model is a sum of independent units, which a run may fit in parts
/// (`models/parts.rs`): each lists itself here, and its `fit` is `parts::fit_whole`.
impl ModelSpec {
    /// The units (trees, members) and canonical blocks of a model that can be fitted in
    /// parts; `None` for a kind that cannot.
    pub fn units(&self) -> Option<Units> {
        match self {
            ModelSpec::RandomForest(p) => Some(parts::units::<k::RandomForest>(p)),
            ModelSpec::ExtraTrees(p) => Some(parts::units::<k::ExtraTrees>(p)),
            ModelSpec::Bagging(p) => Some(parts::units::<k::Bagging>(p)),
            _ => None,
        }
    }

    /// What the units of a model that can be fitted in parts are called ("trees",
    /// "members"); `None` for a kind that cannot.
    pub fn unit_name(&self) -> Option<&'static str> {
        match self {
            ModelSpec::RandomForest(_) | ModelSpec::ExtraTrees(_) => Some("trees"),
            ModelSpec::Bagging(_) => Some("members"),
            _ => None,
        }
    }

    /// Fits the blocks `blocks` of a model that [`ModelSpec::units`] says can be split, on
    /// checked data.
    pub(crate) fn fit_blocks_checked<'a>(
        &self,
        x: ArrayView2<'a, f64>,
        y: ArrayView1<'a, f64>,
        blocks: Range<usize>,
    ) -> Result<BlockPredictor<'a>, ModelError> {
        match self {
            ModelSpec::RandomForest(p) => parts::fit_blocks::<k::RandomForest>(p, x, y, blocks),
            ModelSpec::ExtraTrees(p) => parts::fit_blocks::<k::ExtraTrees>(p, x, y, blocks),
            ModelSpec::Bagging(p) => parts::fit_blocks::<k::Bagging>(p, x, y, blocks),
            _ => Err(ModelError::Unavailable(
                "this kind cannot be fitted in parts",
            )),
        }
    }
}

const _: () = assert!(
    names_distinct(NAMES, ALIASES),
    "two model kinds share a class name or alias (case-insensitively)"
);

fn kind_def<K: Kind>(build: fn(&Values) -> Result<ModelSpec, BuildError>) -> KindDef {
    KindDef {
        name: K::NAME,
        aliases: K::ALIASES,
        doc: K::DOC,
        params: K::params(),
        build,
    }
}

/// Every model kind, in the order `fitpool models` lists them.
pub fn kinds() -> &'static [KindDef] {
    static KINDS: std::sync::OnceLock<Vec<KindDef>> = std::sync::OnceLock::new();
    KINDS.get_or_init(build_kinds)
}

/// Finds a kind by class name or alias (class names case-insensitively).
pub fn find_kind(name: &str) -> Option<&'static KindDef> {
    kinds().iter().find(|k| {
        k.name.eq_ignore_ascii_case(name) || k.aliases.iter().any(|a| a.eq_ignore_ascii_case(name))
    })
}

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

/// Name `a` of kind `g` (0: the class name, then the aliases).
const fn name_of<'s>(names: &[&'s str], aliases: &[&[&'s str]], g: usize, a: usize) -> &'s str {
    if a == 0 {
        names[g]
    } else {
        aliases[g][a - 1]
    }
}

/// `str::eq_ignore_ascii_case`, which is `const` only from Rust 1.89 (our MSRV is 1.85).
const fn eq_ignore_case(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    let mut i = 0;
    while i < a.len() {
        if !a[i].eq_ignore_ascii_case(&b[i]) {
            return false;
        }
        i += 1;
    }
    true
}

/// Whether no two kinds share a class name or alias, case-insensitively.
const fn names_distinct(names: &[&str], aliases: &[&[&str]]) -> bool {
    let mut g = 0;
    while g < names.len() {
        let mut a = 0;
        while a <= aliases[g].len() {
            let this = name_of(names, aliases, g, a);
            // against every name of every later kind (within a kind, `SVR` and `svr` may
            // repeat each other: they find the same kind)
            let mut h = g + 1;
            while h < names.len() {
                let mut b = 0;
                while b <= aliases[h].len() {
                    if eq_ignore_case(this, name_of(names, aliases, h, b)) {
                        return false;
                    }
                    b += 1;
                }
                h += 1;
            }
            a += 1;
        }
        g += 1;
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::models::build_spec;
    use crate::spec::parse_model;

    #[test]
    fn every_kind_round_trips_through_its_repr() {
        for k in kinds() {
            let spec = build_spec(k.name, &[]).unwrap();
            assert_eq!(spec.kind_name(), k.name);
            assert_eq!(spec.def().name, k.name);
            let text = spec.display();
            assert_eq!(text, format!("{}()", k.name));
            assert_eq!(parse_model(&text).unwrap(), spec, "{text}");
            for alias in k.aliases {
                assert_eq!(build_spec(alias, &[]).unwrap(), spec, "{alias}");
            }
        }
    }

    #[test]
    fn values_name_every_parameter_that_is_not_ignored_in_table_order() {
        for k in kinds() {
            let spec = build_spec(k.name, &[]).unwrap();
            let values: Vec<&str> = spec.values().iter().map(|(n, _)| *n).collect();
            let table: Vec<&str> = k
                .params
                .iter()
                .filter(|p| !p.ignored)
                .map(|p| p.name)
                .collect();
            assert_eq!(values, table, "{}", k.name);
            assert!(spec.changed_values().is_empty(), "{}", k.name);
        }
    }

    #[test]
    fn names_and_aliases_are_unique_across_kinds() {
        let mut seen = std::collections::HashMap::new();
        for k in kinds() {
            let mut own: Vec<String> = std::iter::once(k.name)
                .chain(k.aliases.iter().copied())
                .map(str::to_ascii_lowercase)
                .collect();
            own.dedup();
            for name in own {
                if let Some(other) = seen.insert(name.clone(), k.name) {
                    assert_eq!(other, k.name, "{name}");
                }
            }
        }
        assert_eq!(kinds().len(), NAMES.len());
    }

    #[test]
    fn distinct_names_are_checked() {
        assert!(names_distinct(&["A", "B"], &[&["a1"], &[]]));
        assert!(!names_distinct(&["A", "B"], &[&["b"], &[]]));
        assert!(names_distinct(&["A", "B"], &[&["a", "X"], &["x2"]]));
        assert!(!names_distinct(&["A", "B"], &[&["x"], &["y", "x"]]));
        assert!(!names_distinct(&["A", "a"], &[&[], &[]]));
    }
}
