//! Parameter values, their types, and the descriptions of parameters and kinds
//! ([`ParamDef`], [`KindDef`]), with the small constructors the kind files write their tables
//! with. The tables themselves live in each kind's file (`kinds/`).

use std::borrow::Cow;
use std::fmt;

use super::kind::Values;
use super::registry::ModelSpec;
use super::spec::BuildError;

/// A parameter value as scikit-learn's repr writes it: `None`, `True`, `3`, `0.1`, `'rbf'`.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    None,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(Cow<'static, str>),
    /// A nested estimator, e.g. `estimator=Ridge(alpha=2.0)`.
    Model(Box<ModelSpec>),
    /// A tuple of numbers, e.g. `alphas=(0.1, 1.0, 10.0)`.
    Floats(Vec<f64>),
    /// A tuple of ints, e.g. `hidden_layer_sizes=(64, 32)` (a [`ParamType::Counts`] value).
    Ints(Vec<i64>),
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
            Value::Model(_) => "estimator",
            Value::Floats(_) | Value::Ints(_) => "tuple",
        }
    }

    /// A count as an int.
    pub fn count(x: usize) -> Value {
        Value::Int(x as i64)
    }

    /// An optional int: `None` or the int.
    pub fn opt_int<T: Into<i64>>(x: Option<T>) -> Value {
        x.map_or(Value::None, |v| Value::Int(v.into()))
    }

    /// A `random_state`: `None` or the seed (saturated to `i64::MAX`).
    pub fn seed(x: Option<u64>) -> Value {
        x.map_or(Value::None, |v| Value::Int(v.min(i64::MAX as u64) as i64))
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
            Value::Model(m) => f.write_str(&m.display()),
            Value::Ints(v) => {
                let items: Vec<String> = v.iter().map(|i| i.to_string()).collect();
                match items.len() {
                    1 => write!(f, "({},)", items[0]),
                    _ => write!(f, "({})", items.join(", ")),
                }
            }
            Value::Floats(v) => {
                let items: Vec<String> = v.iter().map(|x| python_float(*x)).collect();
                match items.len() {
                    1 => write!(f, "({},)", items[0]),
                    _ => write!(f, "({})", items.join(", ")),
                }
            }
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
    /// `None` or a float within the bounds.
    OptFloat {
        lo: Bound,
        hi: Bound,
    },
    /// One of these strings.
    Choice(&'static [&'static str]),
    /// `None` (if `none`), `True` or `False` (if `bool`), or one of `strs`: parameters such
    /// as `early_stopping='auto'` or `categorical_features='from_dtype'`.
    OneOf {
        none: bool,
        bool: bool,
        strs: &'static [&'static str],
    },
    /// `'scale'`, `'auto'` or a float > 0 (SVM kernels).
    Gamma,
    /// `None`, `'sqrt'`, `'log2'`, an int >= 1 or a float in (0, 1] (forests).
    MaxFeatures,
    /// `None` (the kind's default estimator) or a nested model spec.
    Estimator,
    /// `None` (if `none`), an int >= 1 (a count) or a float in (0, 1] (a fraction):
    /// `max_samples`, `max_features` of bagging.
    CountOrFraction {
        none: bool,
    },
    /// A non-empty tuple of floats within the bounds (a single number is a tuple of one):
    /// `alphas` of RidgeCV.
    Floats {
        lo: Bound,
        hi: Bound,
    },
    /// `True`, `False` or an int >= 1 (SGD's `average`).
    BoolOrCount,
    /// An int >= 0 or `inf` (RANSAC's `max_trials`, `max_skips`, `stop_n_inliers`).
    CountOrInf,
    /// `'auto'` or an int >= 1 (MLPRegressor's `batch_size`).
    AutoOrCount,
    /// A non-empty tuple of ints in `[1, max]`, held as [`Value::Ints`] (a single int is a
    /// tuple of one; the parser's tuple of integral numbers is accepted): MLPRegressor's
    /// `hidden_layer_sizes`.
    Counts {
        max: i64,
    },
    /// Any float, `inf` and `-inf` included (RANSAC's `stop_score`).
    ExtendedFloat,
    /// `None` (if `none`) or a string the kind parses itself, such as the kernel expression
    /// of GaussianProcessRegressor; `examples` are valid ones (for the docs and tests).
    Text {
        none: bool,
        examples: &'static [&'static str],
    },
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
            ParamType::OptFloat { lo, hi } => {
                format!("None or {}", ParamType::Float { lo, hi }.describe())
            }
            ParamType::OneOf { none, bool, strs } => strs
                .iter()
                .map(|o| format!("'{o}'"))
                .chain(bool.then(|| "True | False".to_string()))
                .chain(none.then(|| "None".to_string()))
                .collect::<Vec<_>>()
                .join(" | "),
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
            ParamType::Estimator => "None | a model spec such as Ridge(alpha=2.0)".into(),
            ParamType::Floats { lo, hi } => format!(
                "a tuple of {} such as (0.1, 1.0)",
                ParamType::Float { lo, hi }
                    .describe()
                    .replace("float", "floats")
            ),
            ParamType::BoolOrCount => "True | False | int >= 1".into(),
            ParamType::CountOrInf => "int >= 0 | inf".into(),
            ParamType::AutoOrCount => "'auto' | int >= 1".into(),
            ParamType::Counts { max } => {
                format!("a tuple of ints in [1, {max}] such as (64, 32)")
            }
            ParamType::ExtendedFloat => "float (inf and -inf accepted)".into(),
            ParamType::Text { none, examples } => format!(
                "{}a string such as {}",
                if none { "None | " } else { "" },
                examples
                    .iter()
                    .map(|e| format!("'{e}'"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            ParamType::CountOrFraction { none } => format!(
                "{}int >= 1 | float in (0.0, 1.0]",
                if none { "None | " } else { "" }
            ),
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
            (ParamType::OptFloat { .. }, Value::None) => Some(Value::None),
            (ParamType::OptFloat { lo, hi }, v) => ParamType::Float { lo, hi }.check(v),
            (ParamType::OneOf { none: true, .. }, Value::None) => Some(Value::None),
            (ParamType::OneOf { bool: true, .. }, Value::Bool(b)) => Some(Value::Bool(*b)),
            (ParamType::OneOf { strs, .. }, Value::Str(_)) => ParamType::Choice(strs).check(v),
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
            (ParamType::Estimator, Value::None) => Some(Value::None),
            (ParamType::CountOrFraction { none: true }, Value::None) => Some(Value::None),
            (ParamType::CountOrFraction { .. }, Value::Int(i)) if *i >= 1 => Some(Value::Int(*i)),
            (ParamType::CountOrFraction { .. }, Value::Float(x)) if *x > 0.0 && *x <= 1.0 => {
                Some(Value::Float(*x))
            }
            (ParamType::BoolOrCount, Value::Bool(b)) => Some(Value::Bool(*b)),
            (ParamType::BoolOrCount, Value::Int(i)) if *i >= 1 => Some(Value::Int(*i)),
            (ParamType::CountOrInf, Value::Int(i)) if *i >= 0 => Some(Value::Int(*i)),
            (ParamType::AutoOrCount, Value::Str(s)) if s == "auto" => {
                Some(Value::Str("auto".into()))
            }
            (ParamType::AutoOrCount, Value::Int(i)) if *i >= 1 => Some(Value::Int(*i)),
            (ParamType::Counts { max }, Value::Int(i)) if (1..=max).contains(i) => {
                Some(Value::Ints(vec![*i]))
            }
            (ParamType::Counts { max }, Value::Ints(v))
                if !v.is_empty() && v.iter().all(|i| (1..=max).contains(i)) =>
            {
                Some(Value::Ints(v.clone()))
            }
            (ParamType::Counts { max }, Value::Floats(v))
                if !v.is_empty()
                    && v.iter()
                        .all(|x| x.fract() == 0.0 && *x >= 1.0 && *x <= max as f64) =>
            {
                Some(Value::Ints(v.iter().map(|x| *x as i64).collect()))
            }
            (ParamType::Floats { lo, hi }, Value::Ints(v))
                if !v.is_empty() && v.iter().all(|i| in_bound(*i as f64, lo, hi)) =>
            {
                Some(Value::Floats(v.iter().map(|i| *i as f64).collect()))
            }
            (ParamType::CountOrInf, Value::Float(x)) if *x == f64::INFINITY => {
                Some(Value::Float(*x))
            }
            (ParamType::ExtendedFloat, Value::Float(x)) if !x.is_nan() => Some(Value::Float(*x)),
            (ParamType::ExtendedFloat, Value::Int(i)) => Some(Value::Float(*i as f64)),
            (ParamType::Estimator, Value::Model(m)) => Some(Value::Model(m.clone())),
            (ParamType::Text { none: true, .. }, Value::None) => Some(Value::None),
            (ParamType::Text { .. }, Value::Str(s)) => Some(Value::Str(s.clone())),
            (ParamType::Floats { lo, hi }, Value::Floats(v))
                if !v.is_empty() && v.iter().all(|x| in_bound(*x, lo, hi)) =>
            {
                Some(Value::Floats(v.clone()))
            }
            (ParamType::Floats { lo, hi }, Value::Float(_) | Value::Int(_)) => {
                match (ParamType::Float { lo, hi }).check(v) {
                    Some(Value::Float(x)) => Some(Value::Floats(vec![x])),
                    _ => None,
                }
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

/// One model kind: its scikit-learn class name, short aliases and parameters (made by the
/// registry from the kind's [`Kind`](super::Kind) implementation).
#[derive(Clone, Debug)]
pub struct KindDef {
    pub name: &'static str,
    pub aliases: &'static [&'static str],
    pub doc: &'static str,
    pub params: Vec<ParamDef>,
    /// Builds the kind's [`ModelSpec`] from checked values.
    pub(crate) build: fn(&Values) -> Result<ModelSpec, BuildError>,
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

/// An integer `>= min`.
/// The most trees an ensemble may have: more would not fit in memory (a tree is at least a
/// few hundred bytes; `n_estimators=1000000000000` would die of it rather than be refused).
pub(crate) const MAX_ESTIMATORS: i64 = 100_000;
/// `n_estimators` of the ensembles: 1 to [`MAX_ESTIMATORS`].
pub(crate) const ESTIMATORS: ParamType = ParamType::Int {
    min: 1,
    max: MAX_ESTIMATORS,
};

pub(crate) const fn int(min: i64) -> ParamType {
    ParamType::Int { min, max: i64::MAX }
}
/// `None` or an integer `>= min`.
pub(crate) const fn opt_int(min: i64) -> ParamType {
    ParamType::OptInt { min, max: i64::MAX }
}
/// A float > 0.
pub(crate) const POSITIVE: ParamType = ParamType::Float {
    lo: Bound::Excl(0.0),
    hi: Bound::None,
};
/// A float >= 0.
pub(crate) const NON_NEGATIVE: ParamType = ParamType::Float {
    lo: Bound::Incl(0.0),
    hi: Bound::None,
};
/// A parameter.
pub(crate) fn p(name: &'static str, ty: ParamType, default: Value, doc: &'static str) -> ParamDef {
    ParamDef {
        name,
        ty,
        default,
        doc,
        ignored: false,
    }
}

/// A parameter accepted and dropped because it cannot change results.
pub(crate) fn ignored(
    name: &'static str,
    ty: ParamType,
    default: Value,
    doc: &'static str,
) -> ParamDef {
    ParamDef {
        ignored: true,
        ..p(name, ty, default, doc)
    }
}

pub(crate) fn n_jobs() -> ParamDef {
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

pub(crate) fn verbose() -> ParamDef {
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

pub(crate) fn copy_x() -> ParamDef {
    ignored(
        "copy_X",
        ParamType::Bool,
        Value::Bool(true),
        "ignored: the training data is never modified",
    )
}

/// A float value.
pub(crate) fn f(x: f64) -> Value {
    Value::Float(x)
}

/// A string value.
pub(crate) fn s(x: &'static str) -> Value {
    Value::Str(Cow::Borrowed(x))
}

pub(crate) fn fit_intercept() -> ParamDef {
    p(
        "fit_intercept",
        ParamType::Bool,
        Value::Bool(true),
        "fit an unpenalised intercept (by centring X and y)",
    )
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
