//! Parameter values, their types and the table of model kinds with scikit-learn's parameter
//! names and defaults: the single source of truth for parsing, display and `fitpool models`.

use std::borrow::Cow;
use std::fmt;

/// A parameter value as scikit-learn's repr writes it: `None`, `True`, `3`, `0.1`, `'rbf'`.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    None,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(Cow<'static, str>),
}

impl Value {
    /// The value's type in words, for error messages.
    pub fn type_name(&self) -> &'static str {
        match self {
            Value::None => "None",
            Value::Bool(_) => "bool",
            Value::Int(_) => "int",
            Value::Float(_) => "float",
            Value::Str(_) => "str",
        }
    }
}

impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::None => f.write_str("None"),
            Value::Bool(true) => f.write_str("True"),
            Value::Bool(false) => f.write_str("False"),
            Value::Int(i) => write!(f, "{i}"),
            Value::Float(x) => f.write_str(&python_float(*x)),
            Value::Str(s) => write!(f, "'{s}'"),
        }
    }
}

/// Formats a float as Python's `repr` does: shortest round-trip digits, `.0` on integral
/// values, exponent form (`1e-05`) below 1e-4 and from 1e16.
pub fn python_float(x: f64) -> String {
    if x.is_nan() {
        return "nan".into();
    }
    if x.is_infinite() {
        return if x > 0.0 { "inf".into() } else { "-inf".into() };
    }
    let a = x.abs();
    if a != 0.0 && !(1e-4..1e16).contains(&a) {
        let s = format!("{x:e}"); // e.g. "1e-5", "1.5e20"
        let (mant, exp) = s.split_once('e').unwrap_or((&s, "0"));
        let (sign, digits) = match exp.strip_prefix('-') {
            Some(d) => ('-', d),
            None => ('+', exp),
        };
        format!("{mant}e{sign}{digits:0>2}")
    } else {
        format!("{x:?}")
    }
}

/// A lower or upper bound of a numeric range.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Bound {
    None,
    Incl(f64),
    Excl(f64),
}

/// The type of a parameter: what values it accepts.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum ParamType {
    /// An integer in `[min, max]`.
    Int {
        min: i64,
        max: i64,
    },
    /// `None` or an integer in `[min, max]`.
    OptInt {
        min: i64,
        max: i64,
    },
    /// A float (an int is accepted and converted) within the bounds.
    Float {
        lo: Bound,
        hi: Bound,
    },
    Bool,
    /// One of these strings.
    Choice(&'static [&'static str]),
    /// `'scale'`, `'auto'` or a float > 0 (SVM kernels).
    Gamma,
    /// `None`, `'sqrt'`, `'log2'`, an int >= 1 or a float in (0, 1] (forests).
    MaxFeatures,
}

fn in_bound(x: f64, lo: Bound, hi: Bound) -> bool {
    let lo_ok = match lo {
        Bound::None => true,
        Bound::Incl(b) => x >= b,
        Bound::Excl(b) => x > b,
    };
    let hi_ok = match hi {
        Bound::None => true,
        Bound::Incl(b) => x <= b,
        Bound::Excl(b) => x < b,
    };
    lo_ok && hi_ok && x.is_finite()
}

fn int_range(min: i64, max: i64) -> String {
    match (min, max) {
        (i64::MIN, i64::MAX) => "int".into(),
        (lo, i64::MAX) => format!("int >= {lo}"),
        (lo, hi) => format!("int in [{lo}, {hi}]"),
    }
}

impl ParamType {
    /// What the type accepts, in words: `int >= 1`, `float in (0, 1]`, `'rbf' | 'linear'`.
    pub fn describe(&self) -> String {
        match *self {
            ParamType::Int { min, max } => int_range(min, max),
            ParamType::OptInt { min, max } => format!("None or {}", int_range(min, max)),
            ParamType::Float { lo, hi } => match (lo, hi) {
                (Bound::None, Bound::None) => "float".into(),
                (Bound::Incl(a), Bound::None) => format!("float >= {}", python_float(a)),
                (Bound::Excl(a), Bound::None) => format!("float > {}", python_float(a)),
                (lo, hi) => {
                    let (lb, a) = match lo {
                        Bound::Incl(a) => ('[', python_float(a)),
                        Bound::Excl(a) => ('(', python_float(a)),
                        Bound::None => ('(', "-inf".into()),
                    };
                    let (hb, b) = match hi {
                        Bound::Incl(b) => (']', python_float(b)),
                        Bound::Excl(b) => (')', python_float(b)),
                        Bound::None => (')', "inf".into()),
                    };
                    format!("float in {lb}{a}, {b}{hb}")
                }
            },
            ParamType::Bool => "bool (True or False)".into(),
            ParamType::Choice(options) => options
                .iter()
                .map(|o| format!("'{o}'"))
                .collect::<Vec<_>>()
                .join(" | "),
            ParamType::Gamma => "'scale' | 'auto' | float > 0".into(),
            ParamType::MaxFeatures => {
                "None | 'sqrt' | 'log2' | int >= 1 | float in (0.0, 1.0]".into()
            }
        }
    }

    /// Checks a value against the type and normalises it (an int given for a float becomes a
    /// float; a string becomes the table's static string); `None` if the value is not
    /// accepted (the caller reports [`ParamType::describe`]).
    pub fn check(&self, v: &Value) -> Option<Value> {
        match (*self, v) {
            (ParamType::Int { min, max }, Value::Int(i)) if (min..=max).contains(i) => {
                Some(Value::Int(*i))
            }
            (ParamType::OptInt { .. }, Value::None) => Some(Value::None),
            (ParamType::OptInt { min, max }, Value::Int(i)) if (min..=max).contains(i) => {
                Some(Value::Int(*i))
            }
            (ParamType::Float { lo, hi }, Value::Float(x)) if in_bound(*x, lo, hi) => {
                Some(Value::Float(*x))
            }
            (ParamType::Float { lo, hi }, Value::Int(i)) if in_bound(*i as f64, lo, hi) => {
                Some(Value::Float(*i as f64))
            }
            (ParamType::Bool, Value::Bool(b)) => Some(Value::Bool(*b)),
            (ParamType::Choice(options), Value::Str(s)) => options
                .iter()
                .find(|o| **o == s.as_ref())
                .map(|o| Value::Str(Cow::Borrowed(*o))),
            (ParamType::Gamma, Value::Str(s)) if s == "scale" => Some(Value::Str("scale".into())),
            (ParamType::Gamma, Value::Str(s)) if s == "auto" => Some(Value::Str("auto".into())),
            (ParamType::Gamma, Value::Float(x)) if *x > 0.0 && x.is_finite() => {
                Some(Value::Float(*x))
            }
            (ParamType::Gamma, Value::Int(i)) if *i > 0 => Some(Value::Float(*i as f64)),
            (ParamType::MaxFeatures, Value::None) => Some(Value::None),
            (ParamType::MaxFeatures, Value::Str(s)) if s == "sqrt" => {
                Some(Value::Str("sqrt".into()))
            }
            (ParamType::MaxFeatures, Value::Str(s)) if s == "log2" => {
                Some(Value::Str("log2".into()))
            }
            (ParamType::MaxFeatures, Value::Int(i)) if *i >= 1 => Some(Value::Int(*i)),
            (ParamType::MaxFeatures, Value::Float(x)) if *x > 0.0 && *x <= 1.0 => {
                Some(Value::Float(*x))
            }
            _ => None,
        }
    }
}

/// One parameter of a model kind.
#[derive(Clone, Debug)]
pub struct ParamDef {
    pub name: &'static str,
    pub ty: ParamType,
    pub default: Value,
    pub doc: &'static str,
    /// Accepted for compatibility with pasted scikit-learn reprs, checked, then dropped: it
    /// cannot change results (`n_jobs`, `verbose`, `copy_X`, k-NN's `algorithm`).
    pub ignored: bool,
}

/// One model kind: its scikit-learn class name, short aliases and parameters.
#[derive(Clone, Debug)]
pub struct KindDef {
    pub name: &'static str,
    pub aliases: &'static [&'static str],
    pub doc: &'static str,
    pub params: Vec<ParamDef>,
}

impl KindDef {
    /// The parameter called `name`, if any.
    pub fn param(&self, name: &str) -> Option<&ParamDef> {
        self.params.iter().find(|p| p.name == name)
    }

    /// `name (type), ...` for error messages.
    pub fn params_list(&self) -> String {
        if self.params.is_empty() {
            return "none".into();
        }
        self.params
            .iter()
            .map(|p| format!("{} ({})", p.name, p.ty.describe()))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// What `fitpool models` shows about a parameter.
#[derive(Clone, Debug, PartialEq)]
pub struct ParamInfo {
    pub name: &'static str,
    /// The default as scikit-learn's repr writes it, e.g. `1.0`, `'rbf'`, `None`.
    pub default: String,
    /// The accepted values in words, e.g. `float > 0`.
    pub ty: String,
    pub doc: &'static str,
}

/// What `fitpool models` shows about a model kind.
#[derive(Clone, Debug, PartialEq)]
pub struct KindInfo {
    pub name: &'static str,
    pub aliases: &'static [&'static str],
    pub doc: &'static str,
    pub params: Vec<ParamInfo>,
}

const fn int(min: i64) -> ParamType {
    ParamType::Int { min, max: i64::MAX }
}
const fn opt_int(min: i64) -> ParamType {
    ParamType::OptInt { min, max: i64::MAX }
}
const POSITIVE: ParamType = ParamType::Float {
    lo: Bound::Excl(0.0),
    hi: Bound::None,
};
const NON_NEGATIVE: ParamType = ParamType::Float {
    lo: Bound::Incl(0.0),
    hi: Bound::None,
};
const KERNELS: &[&str] = &["rbf", "linear", "poly", "sigmoid"];

fn p(name: &'static str, ty: ParamType, default: Value, doc: &'static str) -> ParamDef {
    ParamDef {
        name,
        ty,
        default,
        doc,
        ignored: false,
    }
}

/// A parameter accepted and dropped because it cannot change results.
fn ignored(name: &'static str, ty: ParamType, default: Value, doc: &'static str) -> ParamDef {
    ParamDef {
        ignored: true,
        ..p(name, ty, default, doc)
    }
}

fn n_jobs() -> ParamDef {
    ignored(
        "n_jobs",
        ParamType::OptInt {
            min: i64::MIN,
            max: i64::MAX,
        },
        Value::None,
        "ignored: fitpool runs one model per process",
    )
}

fn verbose() -> ParamDef {
    ignored(
        "verbose",
        ParamType::Int {
            min: 0,
            max: i64::MAX,
        },
        Value::Int(0),
        "ignored: no effect on results",
    )
}

fn copy_x() -> ParamDef {
    ignored(
        "copy_X",
        ParamType::Bool,
        Value::Bool(true),
        "ignored: the training data is never modified",
    )
}

fn f(x: f64) -> Value {
    Value::Float(x)
}

fn s(x: &'static str) -> Value {
    Value::Str(Cow::Borrowed(x))
}

fn forest_params(bootstrap: bool) -> Vec<ParamDef> {
    vec![
        p("n_estimators", int(1), Value::Int(100), "number of trees"),
        p(
            "max_depth",
            ParamType::OptInt {
                min: 1,
                max: u16::MAX as i64 - 1,
            },
            Value::None,
            "maximum depth of a tree; None grows until leaves are pure",
        ),
        p(
            "min_samples_split",
            int(2),
            Value::Int(2),
            "minimum samples to split a node",
        ),
        p(
            "min_samples_leaf",
            int(1),
            Value::Int(1),
            "minimum samples in a leaf",
        ),
        p(
            "max_features",
            ParamType::MaxFeatures,
            f(1.0),
            "features tried per split: a fraction, a count, 'sqrt', 'log2' or None (all)",
        ),
        p(
            "bootstrap",
            ParamType::Bool,
            Value::Bool(bootstrap),
            if bootstrap {
                "draw a bootstrap sample per tree (only True is supported)"
            } else {
                "draw a bootstrap sample per tree (only False is supported)"
            },
        ),
        p(
            "random_state",
            opt_int(0),
            Value::None,
            "seed; None means the fixed seed 0, so runs are reproducible",
        ),
        n_jobs(),
        verbose(),
    ]
}

fn svm_params(head: Vec<ParamDef>) -> Vec<ParamDef> {
    let mut v = head;
    v.extend([
        p("C", POSITIVE, f(1.0), "regularisation: penalty on errors"),
        p(
            "kernel",
            ParamType::Choice(KERNELS),
            s("rbf"),
            "kernel function",
        ),
        p(
            "degree",
            int(0),
            Value::Int(3),
            "degree of the 'poly' kernel",
        ),
        p(
            "gamma",
            ParamType::Gamma,
            s("scale"),
            "kernel coefficient: 'scale' = 1/(n_features*X.var()), 'auto' = 1/n_features",
        ),
        p(
            "coef0",
            ParamType::Float {
                lo: Bound::None,
                hi: Bound::None,
            },
            f(0.0),
            "independent term of 'poly' and 'sigmoid' kernels",
        ),
        p(
            "shrinking",
            ParamType::Bool,
            Value::Bool(true),
            "use the shrinking heuristic",
        ),
        p("tol", POSITIVE, f(1e-3), "stopping tolerance"),
        p(
            "cache_size",
            POSITIVE,
            Value::Float(200.0),
            "kernel cache in MB (speed only; never changes results)",
        ),
        p(
            "max_iter",
            int(-1),
            Value::Int(-1),
            "iteration limit; -1 means none",
        ),
        ignored(
            "verbose",
            ParamType::Bool,
            Value::Bool(false),
            "ignored: no effect on results",
        ),
    ]);
    v
}

fn fit_intercept() -> ParamDef {
    p(
        "fit_intercept",
        ParamType::Bool,
        Value::Bool(true),
        "fit an unpenalised intercept (by centring X and y)",
    )
}

/// Every model kind, in the order `fitpool models` lists them.
pub fn kinds() -> &'static [KindDef] {
    static KINDS: std::sync::OnceLock<Vec<KindDef>> = std::sync::OnceLock::new();
    KINDS.get_or_init(build_kinds)
}

fn build_kinds() -> Vec<KindDef> {
    vec![
        KindDef {
            name: "RandomForestRegressor",
            aliases: &["rf", "random_forest"],
            doc: "random forest (smartcore), bootstrap samples, best splits",
            params: forest_params(true),
        },
        KindDef {
            name: "ExtraTreesRegressor",
            aliases: &["et", "extra_trees"],
            doc: "extremely randomised trees (smartcore), random thresholds, no bootstrap",
            params: forest_params(false),
        },
        KindDef {
            name: "DecisionTreeRegressor",
            aliases: &["tree", "dt"],
            doc: "one regression tree (smartcore), all features, best splits",
            params: {
                let mut v = forest_params(false);
                v.retain(|p| {
                    matches!(
                        p.name,
                        "max_depth" | "min_samples_split" | "min_samples_leaf" | "random_state"
                    )
                });
                v
            },
        },
        KindDef {
            name: "GradientBoostingRegressor",
            aliases: &["gbr", "gb"],
            doc: "gradient boosting, squared error (smartcore's exact-greedy boosted trees \
                  with lambda=0 and the mean as initial prediction)",
            params: vec![
                p(
                    "n_estimators",
                    int(1),
                    Value::Int(100),
                    "number of boosting stages",
                ),
                p("learning_rate", POSITIVE, f(0.1), "shrinkage of each tree"),
                p(
                    "max_depth",
                    ParamType::Int {
                        min: 1,
                        max: u16::MAX as i64 - 1,
                    },
                    Value::Int(3),
                    "depth of each tree",
                ),
                p(
                    "min_samples_leaf",
                    int(1),
                    Value::Int(1),
                    "minimum samples in a leaf",
                ),
                p(
                    "subsample",
                    ParamType::Float {
                        lo: Bound::Excl(0.0),
                        hi: Bound::Incl(1.0),
                    },
                    f(1.0),
                    "fraction of rows drawn (without replacement) for each tree",
                ),
                p(
                    "random_state",
                    opt_int(0),
                    Value::None,
                    "seed for subsampling; None means the fixed seed 0",
                ),
                verbose(),
            ],
        },
        KindDef {
            name: "NuSVR",
            aliases: &["nusvr", "nu_svr"],
            doc: "nu-support vector regression (our SMO solver, as libsvm)",
            params: svm_params(vec![p(
                "nu",
                ParamType::Float {
                    lo: Bound::Excl(0.0),
                    hi: Bound::Incl(1.0),
                },
                f(0.5),
                "upper bound on the fraction of errors, lower bound on support vectors",
            )]),
        },
        KindDef {
            name: "SVR",
            aliases: &["svr"],
            doc: "epsilon-support vector regression (our SMO solver, as libsvm)",
            params: svm_params(vec![p(
                "epsilon",
                NON_NEGATIVE,
                f(0.1),
                "width of the no-penalty tube",
            )]),
        },
        KindDef {
            name: "Ridge",
            aliases: &["ridge"],
            doc: "least squares with an L2 penalty, solved exactly (Cholesky)",
            params: vec![
                p("alpha", NON_NEGATIVE, f(1.0), "L2 penalty strength"),
                fit_intercept(),
                copy_x(),
            ],
        },
        KindDef {
            name: "Lasso",
            aliases: &["lasso"],
            doc: "least squares with an L1 penalty (coordinate descent, duality-gap stop)",
            params: vec![
                p("alpha", NON_NEGATIVE, f(1.0), "L1 penalty strength"),
                fit_intercept(),
                p("max_iter", int(1), Value::Int(1000), "maximum sweeps"),
                p("tol", NON_NEGATIVE, f(1e-4), "duality-gap tolerance"),
                copy_x(),
            ],
        },
        KindDef {
            name: "ElasticNet",
            aliases: &["enet", "elastic_net"],
            doc: "least squares with L1 and L2 penalties (coordinate descent, duality-gap stop)",
            params: vec![
                p("alpha", NON_NEGATIVE, f(1.0), "penalty strength"),
                p(
                    "l1_ratio",
                    ParamType::Float {
                        lo: Bound::Incl(0.0),
                        hi: Bound::Incl(1.0),
                    },
                    f(0.5),
                    "L1 share of the penalty (1 = lasso, 0 = ridge)",
                ),
                fit_intercept(),
                p("max_iter", int(1), Value::Int(1000), "maximum sweeps"),
                p("tol", NON_NEGATIVE, f(1e-4), "duality-gap tolerance"),
                copy_x(),
            ],
        },
        KindDef {
            name: "LinearRegression",
            aliases: &["ols", "lr", "linear"],
            doc: "ordinary least squares (minimum-norm solution via SVD)",
            params: vec![fit_intercept(), copy_x(), n_jobs()],
        },
        KindDef {
            name: "KNeighborsRegressor",
            aliases: &["knn", "kneighbors"],
            doc: "k nearest neighbours, brute force, Minkowski distance",
            params: vec![
                p("n_neighbors", int(1), Value::Int(5), "number of neighbours"),
                p(
                    "weights",
                    ParamType::Choice(&["uniform", "distance"]),
                    s("uniform"),
                    "'uniform' mean or 'distance' (1/d) weighted mean",
                ),
                p(
                    "p",
                    int(1),
                    Value::Int(2),
                    "Minkowski power: 1 manhattan, 2 euclidean",
                ),
                ignored(
                    "algorithm",
                    ParamType::Choice(&["auto", "ball_tree", "kd_tree", "brute"]),
                    s("auto"),
                    "ignored: always brute force (same neighbours)",
                ),
                ignored(
                    "leaf_size",
                    int(1),
                    Value::Int(30),
                    "ignored: always brute force",
                ),
                n_jobs(),
            ],
        },
    ]
}

/// Finds a kind by class name or alias (class names case-insensitively).
pub fn find_kind(name: &str) -> Option<&'static KindDef> {
    kinds().iter().find(|k| {
        k.name.eq_ignore_ascii_case(name) || k.aliases.iter().any(|a| a.eq_ignore_ascii_case(name))
    })
}

/// The closest of `candidates` to `word` if it is close enough to be a likely typo.
pub fn did_you_mean<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    let w = word.to_ascii_lowercase();
    candidates
        .into_iter()
        .map(|c| (levenshtein(&w, &c.to_ascii_lowercase()), c))
        .filter(|(d, c)| *d <= 2.max(c.len() / 4))
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

fn levenshtein(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            let sub = prev[j] + usize::from(ca != *cb);
            cur[j + 1] = sub.min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn python_float_matches_repr() {
        for (x, s) in [
            (1.0, "1.0"),
            (0.1, "0.1"),
            (1e-3, "0.001"),
            (1e-4, "0.0001"),
            (1e-5, "1e-05"),
            (2.5e-7, "2.5e-07"),
            (200.0, "200.0"),
            (1e16, "1e+16"),
            (-0.5, "-0.5"),
        ] {
            assert_eq!(python_float(x), s);
        }
    }

    #[test]
    fn typo_suggestions() {
        assert_eq!(
            did_you_mean("n_estimator", ["n_estimators", "max_depth"]),
            Some("n_estimators")
        );
        assert_eq!(did_you_mean("zzz", ["n_estimators", "max_depth"]), None);
    }
}
