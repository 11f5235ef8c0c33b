//! [`ModelSpec`]: a typed model kind with its scikit-learn parameters; conversion to and from
//! parameter lists, scikit-learn repr display, and validation ([`build_spec`]).

use std::borrow::Cow;
use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::params::{did_you_mean, find_kind, kinds, KindDef, Value};

/// `max_features` of a forest: how many features are tried at each split.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub enum MaxFeatures {
    /// `None`: all features.
    All,
    /// `'sqrt'`: floor(sqrt(n_features)), at least 1.
    Sqrt,
    /// `'log2'`: floor(log2(n_features)), at least 1.
    Log2,
    /// An int: that many (at most n_features).
    Count(usize),
    /// A float in (0, 1]: max(1, floor(fraction * n_features)), as scikit-learn.
    Fraction(f64),
}

impl MaxFeatures {
    /// The number of features tried per split for `n_features` features.
    pub fn resolve(&self, n_features: usize) -> usize {
        let n = n_features.max(1);
        let m = match *self {
            MaxFeatures::All => n,
            MaxFeatures::Sqrt => (n as f64).sqrt().floor() as usize,
            MaxFeatures::Log2 => (n as f64).log2().floor() as usize,
            MaxFeatures::Count(c) => c,
            MaxFeatures::Fraction(f) => (f * n as f64).floor() as usize,
        };
        m.clamp(1, n)
    }
}

/// Parameters of RandomForestRegressor and ExtraTreesRegressor.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ForestParams {
    pub n_estimators: usize,
    pub max_depth: Option<u16>,
    pub min_samples_split: usize,
    pub min_samples_leaf: usize,
    pub max_features: MaxFeatures,
    pub bootstrap: bool,
    /// `None` uses the fixed seed 0 (scikit-learn's `None` is unseeded; we prefer
    /// reproducible runs).
    pub random_state: Option<u64>,
}

/// Parameters of DecisionTreeRegressor.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TreeParams {
    pub max_depth: Option<u16>,
    pub min_samples_split: usize,
    pub min_samples_leaf: usize,
    pub random_state: Option<u64>,
}

/// Parameters of GradientBoostingRegressor (squared error).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct BoostingParams {
    pub n_estimators: usize,
    pub learning_rate: f64,
    pub max_depth: u16,
    pub min_samples_leaf: usize,
    pub subsample: f64,
    pub random_state: Option<u64>,
}

/// An SVM kernel, named as scikit-learn's `kernel=`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum KernelName {
    Rbf,
    Linear,
    Poly,
    Sigmoid,
}

impl KernelName {
    pub fn as_str(&self) -> &'static str {
        match self {
            KernelName::Rbf => "rbf",
            KernelName::Linear => "linear",
            KernelName::Poly => "poly",
            KernelName::Sigmoid => "sigmoid",
        }
    }
}

/// An SVM `gamma=`.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub enum GammaSpec {
    /// `1 / (n_features * X.var())`
    Scale,
    /// `1 / n_features`
    Auto,
    Value(f64),
}

/// The kernel and solver parameters shared by NuSVR and SVR (scikit-learn names).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SvmSpec {
    /// `C`
    pub c: f64,
    pub kernel: KernelName,
    pub degree: u32,
    pub gamma: GammaSpec,
    pub coef0: f64,
    pub shrinking: bool,
    pub tol: f64,
    /// Kernel cache in MB: speed only.
    pub cache_size: f64,
    /// -1: no limit.
    pub max_iter: i64,
}

/// k-NN weighting.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum KnnWeights {
    Uniform,
    Distance,
}

/// A model kind with all its parameters, scikit-learn names and defaults.
///
/// Serialisable with bincode 2 (no flatten, no untagged enums).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum ModelSpec {
    RandomForest(ForestParams),
    ExtraTrees(ForestParams),
    DecisionTree(TreeParams),
    GradientBoosting(BoostingParams),
    NuSvr {
        nu: f64,
        svm: SvmSpec,
    },
    Svr {
        epsilon: f64,
        svm: SvmSpec,
    },
    Ridge {
        alpha: f64,
        fit_intercept: bool,
    },
    Lasso {
        alpha: f64,
        fit_intercept: bool,
        max_iter: usize,
        tol: f64,
    },
    ElasticNet {
        alpha: f64,
        l1_ratio: f64,
        fit_intercept: bool,
        max_iter: usize,
        tol: f64,
    },
    LinearRegression {
        fit_intercept: bool,
    },
    KNeighbors {
        n_neighbors: usize,
        weights: KnnWeights,
        /// Minkowski power.
        p: u32,
    },
}

/// Why a kind and its parameters do not make a valid [`ModelSpec`].
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum BuildError {
    #[error("unknown model kind '{name}'{}; accepted: {accepted}", suggest(.suggestion))]
    UnknownKind {
        name: String,
        suggestion: Option<&'static str>,
        accepted: String,
    },
    #[error("{kind} has no parameter '{name}'{}; accepted: {accepted}", suggest(.suggestion))]
    UnknownParam {
        kind: &'static str,
        name: String,
        suggestion: Option<&'static str>,
        accepted: String,
    },
    #[error("{kind}: parameter '{name}' given twice")]
    Duplicate { kind: &'static str, name: String },
    #[error("{kind}: {name}={got} is not accepted; {name} must be {expected}")]
    BadValue {
        kind: &'static str,
        name: &'static str,
        got: String,
        expected: String,
    },
    #[error("{kind}: {message}")]
    Unsupported {
        kind: &'static str,
        /// The parameter at fault.
        name: &'static str,
        message: String,
    },
}

fn suggest(s: &Option<&'static str>) -> String {
    s.map(|s| format!(" (did you mean '{s}'?)"))
        .unwrap_or_default()
}

impl BuildError {
    /// The parameter the error is about, if it is about one.
    pub fn param(&self) -> Option<&str> {
        match self {
            BuildError::UnknownKind { .. } => None,
            BuildError::UnknownParam { name, .. } | BuildError::Duplicate { name, .. } => {
                Some(name)
            }
            BuildError::BadValue { name, .. } | BuildError::Unsupported { name, .. } => Some(name),
        }
    }
}

/// Every kind's class name and aliases, for error messages.
pub fn accepted_kinds() -> String {
    kinds()
        .iter()
        .map(|k| format!("{} ({})", k.name, k.aliases.join(", ")))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Looks a kind up by class name or alias, with an error listing all kinds.
pub fn lookup_kind(name: &str) -> Result<&'static KindDef, BuildError> {
    find_kind(name).ok_or_else(|| BuildError::UnknownKind {
        name: name.to_string(),
        suggestion: did_you_mean(
            name,
            kinds()
                .iter()
                .flat_map(|k| std::iter::once(k.name).chain(k.aliases.iter().copied())),
        ),
        accepted: accepted_kinds(),
    })
}

/// Builds a spec from a kind name (or alias) and `name = value` pairs; unnamed parameters take
/// scikit-learn's defaults. Checks names, types and ranges.
pub fn build_spec(kind: &str, params: &[(String, Value)]) -> Result<ModelSpec, BuildError> {
    let def = lookup_kind(kind)?;
    let mut values: BTreeMap<&'static str, Value> = BTreeMap::new();
    let mut ignored: Vec<&'static str> = Vec::new();
    for (name, value) in params {
        let Some(pd) = def.param(name) else {
            return Err(BuildError::UnknownParam {
                kind: def.name,
                name: name.clone(),
                suggestion: did_you_mean(name, def.params.iter().map(|p| p.name)),
                accepted: def.params_list(),
            });
        };
        let checked = pd.ty.check(value).ok_or_else(|| BuildError::BadValue {
            kind: def.name,
            name: pd.name,
            got: format!("{value} ({})", value.type_name()),
            expected: pd.ty.describe(),
        })?;
        if ignored.contains(&pd.name) || values.contains_key(pd.name) {
            return Err(BuildError::Duplicate {
                kind: def.name,
                name: name.clone(),
            });
        }
        if pd.ignored {
            ignored.push(pd.name);
            continue;
        }
        if values.insert(pd.name, checked).is_some() {
            return Err(BuildError::Duplicate {
                kind: def.name,
                name: name.clone(),
            });
        }
    }
    let v = Values { def, values };
    v.build()
}

struct Values {
    def: &'static KindDef,
    values: BTreeMap<&'static str, Value>,
}

impl Values {
    fn get(&self, name: &str) -> Value {
        match self.values.get(name) {
            Some(v) => v.clone(),
            None => self
                .def
                .param(name)
                .map(|p| p.default.clone())
                .unwrap_or(Value::None),
        }
    }
    fn int(&self, name: &str) -> i64 {
        match self.get(name) {
            Value::Int(i) => i,
            _ => 0,
        }
    }
    fn usize(&self, name: &str) -> usize {
        self.int(name).max(0) as usize
    }
    fn opt_u64(&self, name: &str) -> Option<u64> {
        match self.get(name) {
            Value::Int(i) => Some(i.max(0) as u64),
            _ => None,
        }
    }
    fn opt_u16(&self, name: &str) -> Option<u16> {
        match self.get(name) {
            Value::Int(i) => Some(i.clamp(0, u16::MAX as i64) as u16),
            _ => None,
        }
    }
    fn float(&self, name: &str) -> f64 {
        match self.get(name) {
            Value::Float(x) => x,
            Value::Int(i) => i as f64,
            _ => f64::NAN,
        }
    }
    fn bool(&self, name: &str) -> bool {
        matches!(self.get(name), Value::Bool(true))
    }
    fn str(&self, name: &str) -> Cow<'static, str> {
        match self.get(name) {
            Value::Str(s) => s,
            _ => Cow::Borrowed(""),
        }
    }

    fn forest(
        &self,
        kind: &'static str,
        bootstrap_supported: bool,
    ) -> Result<ForestParams, BuildError> {
        let bootstrap = self.bool("bootstrap");
        if bootstrap != bootstrap_supported {
            return Err(BuildError::Unsupported {
                kind,
                name: "bootstrap",
                message: format!(
                    "bootstrap={} is not supported (smartcore's {kind} always uses bootstrap={})",
                    Value::Bool(bootstrap),
                    Value::Bool(bootstrap_supported)
                ),
            });
        }
        let max_features = match self.get("max_features") {
            Value::None => MaxFeatures::All,
            Value::Int(i) => MaxFeatures::Count(i as usize),
            Value::Float(x) => MaxFeatures::Fraction(x),
            Value::Str(s) if s == "sqrt" => MaxFeatures::Sqrt,
            _ => MaxFeatures::Log2,
        };
        Ok(ForestParams {
            n_estimators: self.usize("n_estimators"),
            max_depth: self.opt_u16("max_depth"),
            min_samples_split: self.usize("min_samples_split"),
            min_samples_leaf: self.usize("min_samples_leaf"),
            max_features,
            bootstrap,
            random_state: self.opt_u64("random_state"),
        })
    }

    fn svm(&self) -> SvmSpec {
        SvmSpec {
            c: self.float("C"),
            kernel: match self.str("kernel").as_ref() {
                "linear" => KernelName::Linear,
                "poly" => KernelName::Poly,
                "sigmoid" => KernelName::Sigmoid,
                _ => KernelName::Rbf,
            },
            degree: self.int("degree").clamp(0, u32::MAX as i64) as u32,
            gamma: match self.get("gamma") {
                Value::Str(s) if s == "auto" => GammaSpec::Auto,
                Value::Float(x) => GammaSpec::Value(x),
                _ => GammaSpec::Scale,
            },
            coef0: self.float("coef0"),
            shrinking: self.bool("shrinking"),
            tol: self.float("tol"),
            cache_size: self.float("cache_size"),
            max_iter: self.int("max_iter"),
        }
    }

    fn build(&self) -> Result<ModelSpec, BuildError> {
        let kind = self.def.name;
        Ok(match kind {
            "RandomForestRegressor" => ModelSpec::RandomForest(self.forest(kind, true)?),
            "ExtraTreesRegressor" => ModelSpec::ExtraTrees(self.forest(kind, false)?),
            "DecisionTreeRegressor" => ModelSpec::DecisionTree(TreeParams {
                max_depth: self.opt_u16("max_depth"),
                min_samples_split: self.usize("min_samples_split"),
                min_samples_leaf: self.usize("min_samples_leaf"),
                random_state: self.opt_u64("random_state"),
            }),
            "GradientBoostingRegressor" => ModelSpec::GradientBoosting(BoostingParams {
                n_estimators: self.usize("n_estimators"),
                learning_rate: self.float("learning_rate"),
                max_depth: self.opt_u16("max_depth").unwrap_or(3),
                min_samples_leaf: self.usize("min_samples_leaf"),
                subsample: self.float("subsample"),
                random_state: self.opt_u64("random_state"),
            }),
            "NuSVR" => ModelSpec::NuSvr {
                nu: self.float("nu"),
                svm: self.svm(),
            },
            "SVR" => ModelSpec::Svr {
                epsilon: self.float("epsilon"),
                svm: self.svm(),
            },
            "Ridge" => ModelSpec::Ridge {
                alpha: self.float("alpha"),
                fit_intercept: self.bool("fit_intercept"),
            },
            "Lasso" => ModelSpec::Lasso {
                alpha: self.float("alpha"),
                fit_intercept: self.bool("fit_intercept"),
                max_iter: self.usize("max_iter"),
                tol: self.float("tol"),
            },
            "ElasticNet" => ModelSpec::ElasticNet {
                alpha: self.float("alpha"),
                l1_ratio: self.float("l1_ratio"),
                fit_intercept: self.bool("fit_intercept"),
                max_iter: self.usize("max_iter"),
                tol: self.float("tol"),
            },
            "LinearRegression" => ModelSpec::LinearRegression {
                fit_intercept: self.bool("fit_intercept"),
            },
            _ => ModelSpec::KNeighbors {
                n_neighbors: self.usize("n_neighbors"),
                weights: if self.str("weights") == "distance" {
                    KnnWeights::Distance
                } else {
                    KnnWeights::Uniform
                },
                p: self.int("p").clamp(1, u32::MAX as i64) as u32,
            },
        })
    }
}

fn opt_int<T: Into<i64>>(x: Option<T>) -> Value {
    x.map_or(Value::None, |v| Value::Int(v.into()))
}

fn int(x: usize) -> Value {
    Value::Int(x as i64)
}

fn seed(x: Option<u64>) -> Value {
    x.map_or(Value::None, |v| Value::Int(v.min(i64::MAX as u64) as i64))
}

fn forest_values(p: &ForestParams) -> Vec<(&'static str, Value)> {
    vec![
        ("n_estimators", int(p.n_estimators)),
        ("max_depth", opt_int(p.max_depth)),
        ("min_samples_split", int(p.min_samples_split)),
        ("min_samples_leaf", int(p.min_samples_leaf)),
        (
            "max_features",
            match p.max_features {
                MaxFeatures::All => Value::None,
                MaxFeatures::Sqrt => Value::Str("sqrt".into()),
                MaxFeatures::Log2 => Value::Str("log2".into()),
                MaxFeatures::Count(c) => int(c),
                MaxFeatures::Fraction(x) => Value::Float(x),
            },
        ),
        ("bootstrap", Value::Bool(p.bootstrap)),
        ("random_state", seed(p.random_state)),
    ]
}

fn svm_values(s: &SvmSpec) -> Vec<(&'static str, Value)> {
    vec![
        ("C", Value::Float(s.c)),
        ("kernel", Value::Str(s.kernel.as_str().into())),
        ("degree", Value::Int(s.degree.into())),
        (
            "gamma",
            match s.gamma {
                GammaSpec::Scale => Value::Str("scale".into()),
                GammaSpec::Auto => Value::Str("auto".into()),
                GammaSpec::Value(x) => Value::Float(x),
            },
        ),
        ("coef0", Value::Float(s.coef0)),
        ("shrinking", Value::Bool(s.shrinking)),
        ("tol", Value::Float(s.tol)),
        ("cache_size", Value::Float(s.cache_size)),
        ("max_iter", Value::Int(s.max_iter)),
    ]
}

impl ModelSpec {
    /// The scikit-learn class name, e.g. `"RandomForestRegressor"`.
    pub fn kind_name(&self) -> &'static str {
        match self {
            ModelSpec::RandomForest(_) => "RandomForestRegressor",
            ModelSpec::ExtraTrees(_) => "ExtraTreesRegressor",
            ModelSpec::DecisionTree(_) => "DecisionTreeRegressor",
            ModelSpec::GradientBoosting(_) => "GradientBoostingRegressor",
            ModelSpec::NuSvr { .. } => "NuSVR",
            ModelSpec::Svr { .. } => "SVR",
            ModelSpec::Ridge { .. } => "Ridge",
            ModelSpec::Lasso { .. } => "Lasso",
            ModelSpec::ElasticNet { .. } => "ElasticNet",
            ModelSpec::LinearRegression { .. } => "LinearRegression",
            ModelSpec::KNeighbors { .. } => "KNeighborsRegressor",
        }
    }

    /// The kind with every parameter at scikit-learn's default.
    pub fn default_of(kind: &str) -> Result<ModelSpec, BuildError> {
        build_spec(kind, &[])
    }

    /// Every parameter with its value, in the kind's table order.
    pub fn values(&self) -> Vec<(&'static str, Value)> {
        match self {
            ModelSpec::RandomForest(p) | ModelSpec::ExtraTrees(p) => forest_values(p),
            ModelSpec::DecisionTree(p) => vec![
                ("max_depth", opt_int(p.max_depth)),
                ("min_samples_split", int(p.min_samples_split)),
                ("min_samples_leaf", int(p.min_samples_leaf)),
                ("random_state", seed(p.random_state)),
            ],
            ModelSpec::GradientBoosting(p) => vec![
                ("n_estimators", int(p.n_estimators)),
                ("learning_rate", Value::Float(p.learning_rate)),
                ("max_depth", Value::Int(p.max_depth.into())),
                ("min_samples_leaf", int(p.min_samples_leaf)),
                ("subsample", Value::Float(p.subsample)),
                ("random_state", seed(p.random_state)),
            ],
            ModelSpec::NuSvr { nu, svm } => {
                let mut v = vec![("nu", Value::Float(*nu))];
                v.extend(svm_values(svm));
                v
            }
            ModelSpec::Svr { epsilon, svm } => {
                let mut v = vec![("epsilon", Value::Float(*epsilon))];
                v.extend(svm_values(svm));
                v
            }
            ModelSpec::Ridge {
                alpha,
                fit_intercept,
            } => vec![
                ("alpha", Value::Float(*alpha)),
                ("fit_intercept", Value::Bool(*fit_intercept)),
            ],
            ModelSpec::Lasso {
                alpha,
                fit_intercept,
                max_iter,
                tol,
            } => vec![
                ("alpha", Value::Float(*alpha)),
                ("fit_intercept", Value::Bool(*fit_intercept)),
                ("max_iter", int(*max_iter)),
                ("tol", Value::Float(*tol)),
            ],
            ModelSpec::ElasticNet {
                alpha,
                l1_ratio,
                fit_intercept,
                max_iter,
                tol,
            } => vec![
                ("alpha", Value::Float(*alpha)),
                ("l1_ratio", Value::Float(*l1_ratio)),
                ("fit_intercept", Value::Bool(*fit_intercept)),
                ("max_iter", int(*max_iter)),
                ("tol", Value::Float(*tol)),
            ],
            ModelSpec::LinearRegression { fit_intercept } => {
                vec![("fit_intercept", Value::Bool(*fit_intercept))]
            }
            ModelSpec::KNeighbors {
                n_neighbors,
                weights,
                p,
            } => vec![
                ("n_neighbors", int(*n_neighbors)),
                (
                    "weights",
                    Value::Str(
                        match weights {
                            KnnWeights::Uniform => "uniform",
                            KnnWeights::Distance => "distance",
                        }
                        .into(),
                    ),
                ),
                ("p", Value::Int((*p).into())),
            ],
        }
    }

    /// The parameters that differ from scikit-learn's defaults, sorted by name as
    /// scikit-learn's repr sorts them.
    pub fn changed_values(&self) -> Vec<(&'static str, Value)> {
        let def = find_kind(self.kind_name()).expect("every ModelSpec kind is in the table");
        let mut changed: Vec<_> = self
            .values()
            .into_iter()
            .filter(|(name, v)| def.param(name).is_none_or(|p| p.default != *v))
            .collect();
        changed.sort_by(|a, b| a.0.cmp(b.0));
        changed
    }

    /// scikit-learn's repr: the class name and only the non-default parameters, sorted by
    /// name, e.g. `RandomForestRegressor(max_depth=12, n_estimators=300)`, `NuSVR()`.
    pub fn display(&self) -> String {
        let args = self
            .changed_values()
            .into_iter()
            .map(|(n, v)| format!("{n}={v}"))
            .collect::<Vec<_>>()
            .join(", ");
        format!("{}({args})", self.kind_name())
    }
}

impl std::fmt::Display for ModelSpec {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.display())
    }
}
