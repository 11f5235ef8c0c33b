//! What the kinds that wrap other estimators share (TransformedTargetRegressor, Bagging,
//! AdaBoost, RANSAC): the `estimator` parameter, the default estimator, fitting a nested
//! spec on data of our own, and the row sampler.
//!
//! A [`Predictor`] may borrow its training data (k-NN does), so a sub-estimator fitted on
//! resampled rows cannot outlive those rows. [`OwnedFit`] keeps the two together (a
//! self-referential struct built by `self_cell`, no unsafe code of ours); it costs a copy of the
//! rows per sub-estimator, so AdaBoost (which must fit its stages to weigh them) keeps fitted
//! stages only within [`KEEP_BYTES`] and otherwise keeps each one's row indices and fits it
//! again when predicting: seeded, so the model is the same one, at the price of fitting twice.
//! The other wrappers keep row indices and fit their sub-estimators when predicting (RANSAC's
//! final fit on its inliers thus runs twice, once while fitting to check it; it is one small
//! fit).

use ndarray::{Array1, Array2, ArrayView1, ArrayView2, Axis};

use crate::models::params::{p, ParamType};
use crate::models::{FittedModel, ModelError, ModelSpec, ParamDef, Value};
use crate::split::RandomState;

/// An `estimator` parameter (`None`: the kind's default).
pub(super) fn estimator(name: &'static str, doc: &'static str) -> ParamDef {
    p(name, ParamType::Estimator, Value::None, doc)
}

/// The spec, or `default` (a kind name, built with its defaults) if none was given.
pub(super) fn or_default(spec: &Option<Box<ModelSpec>>, default: &str) -> ModelSpec {
    match spec {
        Some(m) => (**m).clone(),
        None => ModelSpec::default_of(default).unwrap_or_else(|_| {
            // the default names a registered kind; a missing one is a bug caught by tests
            ModelSpec::default_of("LinearRegression").expect("LinearRegression is registered")
        }),
    }
}

/// Fits `spec` on `x`, `y` and predicts `t`, with the checks every fit has.
pub(super) fn fit_predict(
    spec: &ModelSpec,
    x: ArrayView2<f64>,
    y: ArrayView1<f64>,
    t: ArrayView2<f64>,
) -> Result<Array1<f64>, ModelError> {
    spec.fit(x, y)?.predict(t)
}

self_cell::self_cell!(
    /// A sub-estimator fitted on rows of its own, kept with them.
    pub(super) struct OwnedFit {
        owner: (Array2<f64>, Array1<f64>),
        #[covariant]
        dependent: FittedModel,
    }
);

impl OwnedFit {
    /// Fits `spec` on `(x, y)`, which it then owns.
    pub(super) fn fit(
        spec: &ModelSpec,
        x: Array2<f64>,
        y: Array1<f64>,
    ) -> Result<Self, ModelError> {
        OwnedFit::try_new((x, y), |(x, y)| spec.fit(x.view(), y.view()))
    }

    pub(super) fn predict(&self, t: ArrayView2<f64>) -> Result<Array1<f64>, ModelError> {
        self.borrow_dependent().predict(t)
    }

    /// The bytes of the rows it keeps.
    pub(super) fn bytes(&self) -> usize {
        let (x, y) = self.borrow_owner();
        (x.len() + y.len()) * std::mem::size_of::<f64>()
    }
}

/// How many bytes of copied training rows a wrapper keeps with its fitted sub-estimators
/// before it falls back to fitting them again when predicting.
pub(super) const KEEP_BYTES: usize = 256 << 20;

/// Rows `rows` (and columns `cols`) of `x`, and `y` at those rows.
pub(super) fn take(
    x: ArrayView2<f64>,
    y: ArrayView1<f64>,
    rows: &[usize],
    cols: &[usize],
) -> (Array2<f64>, Array1<f64>) {
    let xr = x.select(Axis(0), rows);
    (xr.select(Axis(1), cols), y.select(Axis(0), rows))
}

/// numpy's `RandomState` as the wrappers use it.
pub(super) struct Rng(RandomState);

impl Rng {
    pub(super) fn new(seed: u64) -> Rng {
        Rng(RandomState::from_u32(seed as u32))
    }
    /// An int in `[0, n)` (`randint(0, n)`).
    pub(super) fn below(&mut self, n: usize) -> usize {
        if n <= 1 {
            return 0;
        }
        self.0.random_interval(n as u64 - 1) as usize
    }
    /// A float in `[0, 1)` (`random_sample`).
    pub(super) fn uniform(&mut self) -> f64 {
        let a = (self.0.next_u32() >> 5) as f64;
        let b = (self.0.next_u32() >> 6) as f64;
        (a * 67108864.0 + b) / 9007199254740992.0
    }
    /// `k` distinct ints of `[0, n)` (a partial shuffle).
    pub(super) fn choose(&mut self, n: usize, k: usize) -> Vec<usize> {
        let mut all: Vec<usize> = (0..n).collect();
        let k = k.min(n);
        for i in 0..k {
            let j = i + self.below(n - i);
            all.swap(i, j);
        }
        all.truncate(k);
        all
    }
    /// A seed for a sub-estimator (`randint(MAX_INT)`).
    pub(super) fn seed(&mut self) -> u64 {
        self.below(i32::MAX as usize) as u64
    }
}

/// The first `n` seeds drawn from `RandomState(random_state)`, one `randint(MAX_INT)` each, as
/// scikit-learn draws one per estimator: a forest's or ensemble's blocks are fitted from them
/// (`models/parts.rs`).
pub(super) fn seeds(random_state: u64, n: usize) -> Vec<u64> {
    let mut rng = Rng::new(random_state);
    (0..n).map(|_| rng.seed()).collect()
}

/// Sets the `random_state` of a spec that has one (as scikit-learn's `_set_random_states`).
pub(super) fn with_seed(spec: &ModelSpec, seed: u64) -> ModelSpec {
    let has = spec.values().iter().any(|(n, _)| *n == "random_state");
    if !has {
        return spec.clone();
    }
    let mut params: Vec<(String, Value)> = spec
        .values()
        .into_iter()
        .filter(|(n, _)| *n != "random_state")
        .map(|(n, v)| (n.to_string(), v))
        .collect();
    params.push(("random_state".into(), Value::Int(seed as i64)));
    crate::models::build_spec(spec.kind_name(), &params).unwrap_or_else(|_| spec.clone())
}
