//! [`Kind`]: what one model kind must provide (its parameter table with scikit-learn's
//! defaults, typed parameters built from checked values, the values back for display, the
//! minimum rows, the cost estimate and fitting), and [`Values`], the checked parameter values a
//! kind builds its parameters from.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fmt::Debug;

use ndarray::{Array1, ArrayView1, ArrayView2};
use serde::de::DeserializeOwned;
use serde::Serialize;

use super::fit::ModelError;
use super::params::{KindDef, ParamDef, Value};
use super::registry::ModelSpec;
use super::spec::BuildError;

/// A fitted model as a prediction function.
pub type Predictor<'a> = Box<dyn Fn(ArrayView2<f64>) -> Result<Array1<f64>, ModelError> + 'a>;

/// One model kind: a zero-sized marker type in its own file under `kinds/`, listed once in the
/// registry (`registry.rs`), which makes its [`ModelSpec`](super::ModelSpec) variant and all the
/// dispatch from this trait.
///
/// No item has a default, so a kind that leaves one out does not compile:
///
/// ```compile_fail
/// use fitpool::models::{BuildError, Kind, ModelError, ParamDef, Predictor, Value, Values};
/// use ndarray::{ArrayView1, ArrayView2};
///
/// struct Forgetful;
/// impl Kind for Forgetful {
///     type Params = ();
///     const NAME: &'static str = "Forgetful";
///     const ALIASES: &'static [&'static str] = &[];
///     const DOC: &'static str = "has no fit";
///     fn params() -> Vec<ParamDef> { vec![] }
///     fn build(_: &Values) -> Result<(), BuildError> { Ok(()) }
///     fn values(_: &()) -> Vec<(&'static str, Value)> { vec![] }
///     fn min_rows(_: &()) -> usize { 1 }
///     fn expected_cost(_: &(), _: usize, _: usize) -> f64 { 1.0 }
/// }
/// ```
///
/// The registry's list is the only list of kinds: the enum, every `match` over it and the
/// table [`kinds()`](super::kinds()) are generated from it, so no kind can be missing from one
/// of them, and a `const` assertion there refuses, at compile time, two kinds sharing a name
/// or alias (case-insensitively, as [`find_kind`](super::find_kind) looks them up).
pub trait Kind {
    /// The typed parameters: the payload of the kind's `ModelSpec` variant (sent to workers
    /// with bincode: no `flatten`, no untagged enums).
    type Params: Clone + Debug + PartialEq + Serialize + DeserializeOwned;
    /// scikit-learn's class name, e.g. `"RandomForestRegressor"`.
    const NAME: &'static str;
    /// Short names accepted in place of [`Kind::NAME`].
    const ALIASES: &'static [&'static str];
    /// One line for `fitpool models`.
    const DOC: &'static str;
    /// The parameter table: names, types, scikit-learn 1.9's defaults, docs.
    fn params() -> Vec<ParamDef>;
    /// The parameters from values already checked against [`Kind::params`].
    fn build(values: &Values) -> Result<Self::Params, BuildError>;
    /// Every parameter with its value, in table order (the ignored ones left out).
    fn values(p: &Self::Params) -> Vec<(&'static str, Value)>;
    /// The fewest training rows the model can fit.
    fn min_rows(p: &Self::Params) -> usize;
    /// A rough relative cost of fitting and predicting (see
    /// [`ModelSpec::expected_cost`](super::ModelSpec::expected_cost)).
    fn expected_cost(p: &Self::Params, n_rows: usize, n_features: usize) -> f64;
    /// Fits on checked training data (shapes agree, values finite, at least
    /// [`Kind::min_rows`] rows, at least one feature).
    fn fit<'a>(
        p: &Self::Params,
        x: ArrayView2<'a, f64>,
        y: ArrayView1<'a, f64>,
    ) -> Result<Predictor<'a>, ModelError>;
}

/// `n_rows` and `n_features` as the floats cost formulas use: at least 2 rows, 1 feature.
pub(crate) fn dims(n_rows: usize, n_features: usize) -> (f64, f64) {
    (n_rows.max(2) as f64, n_features.max(1) as f64)
}

/// A kind's parameter values, checked against its table; the ones not given are the table's
/// defaults. The accessors read a value as the table's type has it.
pub struct Values {
    pub(crate) def: &'static KindDef,
    pub(crate) values: BTreeMap<&'static str, Value>,
}

impl Values {
    /// The value given for `name`, else its default (`None` for a name not in the table).
    pub fn get(&self, name: &str) -> Value {
        match self.values.get(name) {
            Some(v) => v.clone(),
            None => self
                .def
                .param(name)
                .map(|p| p.default.clone())
                .unwrap_or(Value::None),
        }
    }
    /// An int parameter (0 if not an int).
    pub fn int(&self, name: &str) -> i64 {
        match self.get(name) {
            Value::Int(i) => i,
            _ => 0,
        }
    }
    /// An int parameter as a count (negative: 0).
    pub fn usize(&self, name: &str) -> usize {
        self.int(name).max(0) as usize
    }
    /// A `None`-or-int parameter as a seed.
    pub fn opt_u64(&self, name: &str) -> Option<u64> {
        match self.get(name) {
            Value::Int(i) => Some(i.max(0) as u64),
            _ => None,
        }
    }
    /// A `None`-or-int parameter as a depth.
    pub fn opt_u16(&self, name: &str) -> Option<u16> {
        match self.get(name) {
            Value::Int(i) => Some(i.clamp(0, u16::MAX as i64) as u16),
            _ => None,
        }
    }
    /// A float parameter (NaN if not a number).
    pub fn float(&self, name: &str) -> f64 {
        match self.get(name) {
            Value::Float(x) => x,
            Value::Int(i) => i as f64,
            _ => f64::NAN,
        }
    }
    /// A `None`-or-float parameter (`None` if not a number).
    pub fn opt_float(&self, name: &str) -> Option<f64> {
        match self.get(name) {
            Value::None
            | Value::Bool(_)
            | Value::Str(_)
            | Value::Model(_)
            | Value::Floats(_)
            | Value::Ints(_) => None,
            _ => Some(self.float(name)),
        }
    }
    /// An estimator parameter: the nested spec, or `None` (the kind's default estimator).
    pub fn model(&self, name: &str) -> Option<ModelSpec> {
        match self.get(name) {
            Value::Model(m) => Some(*m),
            _ => None,
        }
    }
    /// A tuple-of-floats parameter (empty if not one).
    pub fn floats(&self, name: &str) -> Vec<f64> {
        match self.get(name) {
            Value::Floats(v) => v,
            _ => Vec::new(),
        }
    }
    /// A tuple-of-ints parameter (empty if not one).
    pub fn ints(&self, name: &str) -> Vec<i64> {
        match self.get(name) {
            Value::Ints(v) => v,
            _ => Vec::new(),
        }
    }
    /// A bool parameter (false if not a bool).
    pub fn bool(&self, name: &str) -> bool {
        matches!(self.get(name), Value::Bool(true))
    }
    /// A string parameter (empty if not a string).
    pub fn str(&self, name: &str) -> Cow<'static, str> {
        match self.get(name) {
            Value::Str(s) => s,
            _ => Cow::Borrowed(""),
        }
    }
}
