//! SGDRegressor: a linear model fitted by plain stochastic gradient descent, as scikit-learn's
//! `_plain_sgd` (`sklearn/linear_model/_sgd_fast.pyx`): the weights held as a scale times a
//! vector (so the L2 shrinkage of every step is one multiplication), the truncated-gradient L1
//! penalty, the learning-rate schedules, averaging (Bottou's trick), and the stopping rule on
//! the epoch's mean training objective or on the validation R². The shuffling follows
//! scikit-learn's: the seed is the first `randint(0, 2**31 - 1)` of numpy's `RandomState`, and
//! every epoch applies the same xorshift Fisher–Yates pass to the current order.
//! PassiveAggressiveRegressor runs the same loop with the PA-I / PA-II steps.

use ndarray::{Array1, ArrayView1, ArrayView2};
use serde::{Deserialize, Serialize};

use super::least_squares;
use super::nested::Rng;
use crate::models::kind::{dims, Kind, Predictor, Values};
use crate::models::linear::LinearFit;
use crate::models::params::{
    f, fit_intercept, ignored, int, opt_int, p, s, verbose, Bound, ParamType, NON_NEGATIVE,
    POSITIVE,
};
use crate::models::{BuildError, ModelError, ParamDef, Value, DEFAULT_SEED};
use crate::split::RandomState;

/// The loss of one sample.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub enum SgdLoss {
    SquaredError,
    Huber(f64),
    EpsilonInsensitive(f64),
    SquaredEpsilonInsensitive(f64),
}

impl SgdLoss {
    /// The loss at prediction `p` of target `y`.
    fn loss(self, y: f64, p: f64) -> f64 {
        match self {
            SgdLoss::SquaredError => 0.5 * (p - y) * (p - y),
            SgdLoss::Huber(d) => {
                let r = (p - y).abs();
                if r <= d {
                    0.5 * r * r
                } else {
                    d * (r - 0.5 * d)
                }
            }
            SgdLoss::EpsilonInsensitive(e) => ((y - p).abs() - e).max(0.0),
            SgdLoss::SquaredEpsilonInsensitive(e) => {
                let r = (y - p).abs() - e;
                if r > 0.0 {
                    r * r
                } else {
                    0.0
                }
            }
        }
    }
    /// The derivative of the loss with respect to `p`.
    fn gradient(self, y: f64, p: f64) -> f64 {
        match self {
            SgdLoss::SquaredError => p - y,
            SgdLoss::Huber(d) => {
                let r = p - y;
                if r.abs() <= d {
                    r
                } else {
                    d * r.signum()
                }
            }
            SgdLoss::EpsilonInsensitive(e) => {
                if y - p > e {
                    -1.0
                } else if p - y > e {
                    1.0
                } else {
                    0.0
                }
            }
            SgdLoss::SquaredEpsilonInsensitive(e) => {
                let z = y - p;
                if z > e {
                    -2.0 * (z - e)
                } else if z < -e {
                    2.0 * (-z - e)
                } else {
                    0.0
                }
            }
        }
    }
    fn name(self) -> &'static str {
        match self {
            SgdLoss::SquaredError => "squared_error",
            SgdLoss::Huber(_) => "huber",
            SgdLoss::EpsilonInsensitive(_) => "epsilon_insensitive",
            SgdLoss::SquaredEpsilonInsensitive(_) => "squared_epsilon_insensitive",
        }
    }
}

/// The penalty on the weights.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum SgdPenalty {
    None,
    L2,
    L1,
    ElasticNet,
}

/// The learning-rate schedule (PA-I and PA-II are the passive-aggressive steps).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum LearningRate {
    Constant,
    Optimal,
    InvScaling,
    Adaptive,
    Pa1,
    Pa2,
}

const RATES: &[&str] = &[
    "invscaling",
    "constant",
    "optimal",
    "adaptive",
    "pa1",
    "pa2",
];

impl LearningRate {
    fn from_name(s: &str) -> LearningRate {
        match s {
            "constant" => LearningRate::Constant,
            "optimal" => LearningRate::Optimal,
            "adaptive" => LearningRate::Adaptive,
            "pa1" => LearningRate::Pa1,
            "pa2" => LearningRate::Pa2,
            _ => LearningRate::InvScaling,
        }
    }
    fn name(self) -> &'static str {
        match self {
            LearningRate::Constant => "constant",
            LearningRate::Optimal => "optimal",
            LearningRate::InvScaling => "invscaling",
            LearningRate::Adaptive => "adaptive",
            LearningRate::Pa1 => "pa1",
            LearningRate::Pa2 => "pa2",
        }
    }
    fn passive_aggressive(self) -> bool {
        matches!(self, LearningRate::Pa1 | LearningRate::Pa2)
    }
}

/// `average`: off, on (from the first step), or from step `n`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Average {
    Off,
    On,
    From(usize),
}

impl Average {
    pub(super) fn from_value(v: &Value) -> Average {
        match v {
            Value::Bool(true) => Average::On,
            Value::Int(i) if *i >= 1 => Average::From(*i as usize),
            _ => Average::Off,
        }
    }
    pub(super) fn value(self) -> Value {
        match self {
            Average::Off => Value::Bool(false),
            Average::On => Value::Bool(true),
            Average::From(n) => Value::count(n),
        }
    }
    /// The step averaging starts at (0: never).
    fn start(self) -> usize {
        match self {
            Average::Off => 0,
            Average::On => 1,
            Average::From(n) => n,
        }
    }
}

/// Everything the SGD loop needs (SGDRegressor's and PassiveAggressiveRegressor's parameters
/// map onto it).
#[derive(Clone, Debug, PartialEq)]
pub(super) struct SgdConfig {
    pub loss: SgdLoss,
    pub penalty: SgdPenalty,
    pub alpha: f64,
    pub l1_ratio: f64,
    pub fit_intercept: bool,
    pub max_iter: usize,
    pub tol: Option<f64>,
    pub shuffle: bool,
    pub random_state: Option<u64>,
    pub learning_rate: LearningRate,
    pub eta0: f64,
    pub power_t: f64,
    pub early_stopping: bool,
    pub validation_fraction: f64,
    pub n_iter_no_change: usize,
    pub average: Average,
}

/// The weights as `scale * data`, with the running squared and L1 norms scikit-learn keeps,
/// and the averaged weights as `(avg + avg_a * data) / avg_b`.
struct Weights {
    data: Vec<f64>,
    scale: f64,
    sq_norm: f64,
    l1_norm: f64,
    avg: Option<Vec<f64>>,
    avg_a: f64,
    avg_b: f64,
}

impl Weights {
    fn new(n: usize, averaged: bool) -> Weights {
        Weights {
            data: vec![0.0; n],
            scale: 1.0,
            sq_norm: 0.0,
            l1_norm: 0.0,
            avg: averaged.then(|| vec![0.0; n]),
            avg_a: 0.0,
            avg_b: 1.0,
        }
    }
    fn dot(&self, x: ArrayView1<f64>) -> f64 {
        let mut s = 0.0;
        for (w, v) in self.data.iter().zip(x.iter()) {
            s += w * v;
        }
        s * self.scale
    }
    fn add(&mut self, x: ArrayView1<f64>, c: f64) {
        let step = c / self.scale;
        let (mut l2, mut l1) = (0.0, 0.0);
        for (w, v) in self.data.iter_mut().zip(x.iter()) {
            *w += v * step;
            l2 += *w * *w;
            l1 += w.abs();
        }
        self.sq_norm = l2 * (self.scale * self.scale);
        self.l1_norm = l1 * self.scale;
    }
    fn add_average(&mut self, x: ArrayView1<f64>, c: f64, num_iter: f64) {
        let mu = 1.0 / num_iter;
        if let Some(avg) = self.avg.as_mut() {
            let step = self.avg_a * (-c / self.scale);
            for (a, v) in avg.iter_mut().zip(x.iter()) {
                *a += v * step;
            }
        }
        if num_iter > 1.0 {
            self.avg_b /= 1.0 - mu;
        }
        self.avg_a += mu * self.avg_b * self.scale;
    }
    fn scale_by(&mut self, c: f64) {
        self.scale *= c;
        self.sq_norm *= c * c;
        self.l1_norm *= c.abs();
        if self.scale < 1e-9 {
            self.reset_scale();
        }
    }
    fn reset_scale(&mut self) {
        if let Some(avg) = self.avg.as_mut() {
            for (a, w) in avg.iter_mut().zip(&self.data) {
                *a = (*a + self.avg_a * w) / self.avg_b;
            }
            self.avg_a = 0.0;
            self.avg_b = 1.0;
        }
        for w in &mut self.data {
            *w *= self.scale;
        }
        self.scale = 1.0;
    }
    /// The truncated-gradient L1 step (Tsuruoka et al. 2009) with the cumulative penalty `u`.
    fn l1_step(&mut self, q: &mut [f64], u: f64) {
        let s = self.scale;
        for (w, qj) in self.data.iter_mut().zip(q.iter_mut()) {
            let z = *w;
            if s * z > 0.0 {
                *w = (*w - (u + *qj) / s).max(0.0);
            } else if s * z < 0.0 {
                *w = (*w + (u - *qj) / s).min(0.0);
            }
            *qj += s * (*w - z);
        }
    }
}

/// scikit-learn's `our_rand_r` (xorshift, results below 2**31).
fn rand_r(seed: &mut u32) -> u32 {
    if *seed == 0 {
        *seed = 1;
    }
    *seed ^= *seed << 13;
    *seed ^= *seed >> 17;
    *seed ^= *seed << 5;
    *seed % (0x7fff_ffff_u32 + 1)
}

/// R² of `x . w + b` on `y`, as `r2_score` (a constant `y`: 1 if predicted exactly, else 0).
fn r2(x: ArrayView2<f64>, y: ArrayView1<f64>, rows: &[usize], w: &[f64], b: f64) -> f64 {
    let n = rows.len().max(1) as f64;
    let mean = rows.iter().map(|&i| y[i]).sum::<f64>() / n;
    let (mut num, mut den) = (0.0, 0.0);
    for &i in rows {
        let p: f64 = x.row(i).iter().zip(w).map(|(a, c)| a * c).sum::<f64>() + b;
        num += (y[i] - p) * (y[i] - p);
        den += (y[i] - mean) * (y[i] - mean);
    }
    if den == 0.0 {
        return if num == 0.0 { 1.0 } else { 0.0 };
    }
    1.0 - num / den
}

/// Fits the linear model by scikit-learn's plain SGD loop.
pub(super) fn fit_sgd(
    c: &SgdConfig,
    kind: &'static str,
    x: ArrayView2<f64>,
    y: ArrayView1<f64>,
) -> Result<LinearFit, ModelError> {
    let fail = |message: String| ModelError::Fit { kind, message };
    let (n, nf) = x.dim();
    let seed = c.random_state.unwrap_or(DEFAULT_SEED);
    // the validation split: ShuffleSplit(test_size=validation_fraction, random_state)
    let mut validation = vec![false; n];
    let mut val_rows = Vec::new();
    if c.early_stopping {
        let n_val = (c.validation_fraction * n as f64).ceil() as usize;
        let n_val = n_val.min(n);
        if n_val == 0 || n_val == n {
            return Err(fail(format!(
                "Splitting {n} samples into a train set and a validation set with \
                 validation_fraction={} led to an empty set ({} and {} samples). Please \
                 either change validation_fraction, increase number of samples, or disable \
                 early_stopping.",
                Value::Float(c.validation_fraction),
                n - n_val,
                n_val
            )));
        }
        let perm = RandomState::from_u32(seed as u32).permutation(n);
        for &i in &perm[..n_val] {
            validation[i] = true;
        }
        val_rows = perm[..n_val].to_vec();
        val_rows.sort_unstable();
    }
    let train_count = (n - val_rows.len()) as f64;
    let shuffle_seed = Rng::new(seed).below(i32::MAX as usize) as u32;

    let l1_ratio = match c.penalty {
        SgdPenalty::L2 => 0.0,
        SgdPenalty::L1 => 1.0,
        _ => c.l1_ratio,
    };
    let shrinks = matches!(c.penalty, SgdPenalty::L2 | SgdPenalty::ElasticNet);
    let truncates = matches!(c.penalty, SgdPenalty::L1 | SgdPenalty::ElasticNet);
    let average = c.average.start();
    let mut w = Weights::new(nf, average > 0);
    let mut q = vec![0.0; if truncates { nf } else { 0 }];
    let mut u = 0.0;
    let mut intercept = 0.0;
    let mut avg_intercept = 0.0;
    let mut eta = c.eta0;
    let mut optimal_init = 0.0;
    if c.learning_rate == LearningRate::Optimal {
        let typw = (1.0 / c.alpha.sqrt()).sqrt();
        let initial_eta0 = typw / c.loss.gradient(1.0, -typw).max(1.0);
        optimal_init = 1.0 / (initial_eta0 * c.alpha);
    }
    let tol = c.tol.unwrap_or(f64::NEG_INFINITY);
    let mut t = 1.0f64;
    let mut order: Vec<usize> = (0..n).collect();
    let (mut best_objective, mut best_score) = (f64::INFINITY, f64::NEG_INFINITY);
    let mut no_improvement = 0usize;
    let mut n_iter = 0usize;
    for epoch in 0..c.max_iter {
        n_iter = epoch + 1;
        let mut objective_sum = 0.0;
        if c.shuffle {
            let mut s = shuffle_seed;
            for i in 0..n.saturating_sub(1) {
                let j = i + (rand_r(&mut s) as usize) % (n - i);
                order.swap(i, j);
            }
        }
        for &row in &order {
            if validation[row] {
                continue;
            }
            let xi = x.row(row);
            let yi = y[row];
            let p = w.dot(xi) + intercept;
            match c.learning_rate {
                LearningRate::Optimal => eta = 1.0 / (c.alpha * (optimal_init + t - 1.0)),
                LearningRate::InvScaling => eta = c.eta0 / t.powf(c.power_t),
                _ => {}
            }
            if !c.early_stopping {
                objective_sum += c.loss.loss(yi, p);
                if !c.learning_rate.passive_aggressive() && c.penalty != SgdPenalty::None {
                    objective_sum +=
                        c.alpha * ((1.0 - l1_ratio) * 0.5 * w.sq_norm + l1_ratio * w.l1_norm);
                }
            }
            let mut update = match c.learning_rate {
                LearningRate::Pa1 => {
                    let sq = xi.dot(&xi);
                    if sq == 0.0 {
                        continue;
                    }
                    c.eta0.min(c.loss.loss(yi, p) / sq)
                }
                LearningRate::Pa2 => c.loss.loss(yi, p) / (xi.dot(&xi) + 0.5 / c.eta0),
                _ => -eta * c.loss.gradient(yi, p).clamp(-1e12, 1e12),
            };
            if c.learning_rate.passive_aggressive() && yi - p < 0.0 {
                update = -update;
            }
            if shrinks {
                w.scale_by((1.0 - (1.0 - l1_ratio) * eta * c.alpha).max(0.0));
            }
            if update != 0.0 {
                w.add(xi, update);
            }
            if c.fit_intercept && update != 0.0 {
                intercept += update;
            }
            if average > 0 && average as f64 <= t {
                let k = t - average as f64 + 1.0;
                w.add_average(xi, update, k);
                avg_intercept += (intercept - avg_intercept) / k;
            }
            if truncates {
                u += l1_ratio * eta * c.alpha;
                w.l1_step(&mut q, u);
            }
            t += 1.0;
        }
        if !intercept.is_finite() || w.data.iter().any(|v| !v.is_finite()) {
            return Err(fail(format!(
                "Floating-point under-/overflow occurred at epoch #{}. Scaling input data \
                 with StandardScaler or MinMaxScaler might help.",
                epoch + 1
            )));
        }
        if c.early_stopping {
            // scikit-learn scores the stored vector without its scale
            let score = r2(x, y, &val_rows, &w.data, intercept);
            if tol > f64::NEG_INFINITY && score < best_score + tol {
                no_improvement += 1;
            } else {
                no_improvement = 0;
            }
            best_score = best_score.max(score);
        } else {
            let objective = objective_sum / train_count;
            if tol > f64::NEG_INFINITY && objective > best_objective - tol {
                no_improvement += 1;
            } else {
                no_improvement = 0;
            }
            best_objective = best_objective.min(objective);
        }
        if no_improvement >= c.n_iter_no_change {
            if c.learning_rate == LearningRate::Adaptive && eta > 1e-6 {
                eta /= 5.0;
                no_improvement = 0;
            } else {
                break;
            }
        }
    }
    w.reset_scale();
    let steps = (n_iter * n) as f64; // scikit-learn's `t_ - 1`
    let (coef, b) = match w.avg {
        Some(avg) if average as f64 <= steps => (avg, avg_intercept),
        _ => (w.data, intercept),
    };
    Ok(LinearFit {
        coef: Array1::from(coef),
        intercept: b,
    })
}

/// The parameters SGDRegressor and PassiveAggressiveRegressor share, in scikit-learn's words.
pub(super) fn max_iter_param() -> ParamDef {
    p("max_iter", int(1), Value::Int(1000), "maximum epochs")
}
pub(super) fn tol_param() -> ParamDef {
    p(
        "tol",
        ParamType::OptFloat {
            lo: Bound::Incl(0.0),
            hi: Bound::None,
        },
        f(1e-3),
        "stop when the epoch's objective (or validation score) improves by less, \
         n_iter_no_change times in a row; None: run max_iter epochs",
    )
}
pub(super) fn shuffle_param() -> ParamDef {
    p(
        "shuffle",
        ParamType::Bool,
        Value::Bool(true),
        "shuffle the rows before every epoch",
    )
}
pub(super) fn random_state_param() -> ParamDef {
    p(
        "random_state",
        opt_int(0),
        Value::None,
        "seed of the shuffling and the validation split; None means the fixed seed 0",
    )
}
pub(super) fn stopping_params() -> [ParamDef; 3] {
    [
        p(
            "early_stopping",
            ParamType::Bool,
            Value::Bool(false),
            "stop on the R² of a held-out validation fraction instead of the training loss",
        ),
        p(
            "validation_fraction",
            ParamType::Float {
                lo: Bound::Excl(0.0),
                hi: Bound::Excl(1.0),
            },
            f(0.1),
            "the fraction held out for early stopping",
        ),
        p(
            "n_iter_no_change",
            int(1),
            Value::Int(5),
            "epochs without improvement before stopping",
        ),
    ]
}
pub(super) fn average_params() -> [ParamDef; 2] {
    [
        ignored(
            "warm_start",
            ParamType::Bool,
            Value::Bool(false),
            "ignored: every fit starts afresh",
        ),
        p(
            "average",
            ParamType::BoolOrCount,
            Value::Bool(false),
            "average the weights over the steps (True), or from step n on (an int)",
        ),
    ]
}

/// The cost of an SGD fit: a pass over the data per epoch, about twenty epochs counted.
pub(super) fn sgd_cost(max_iter: usize, n_rows: usize, n_features: usize) -> f64 {
    let (n, f) = dims(n_rows, n_features);
    4.0 * n * f * (max_iter as f64).min(20.0)
}

/// Parameters of SGDRegressor.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SgdParams {
    pub loss: SgdLoss,
    pub penalty: SgdPenalty,
    pub alpha: f64,
    pub l1_ratio: f64,
    pub fit_intercept: bool,
    pub max_iter: usize,
    pub tol: Option<f64>,
    pub shuffle: bool,
    /// Kept apart from `loss` for display (squared_error ignores it).
    pub epsilon: f64,
    pub random_state: Option<u64>,
    pub learning_rate: LearningRate,
    pub eta0: f64,
    pub power_t: f64,
    pub early_stopping: bool,
    pub validation_fraction: f64,
    pub n_iter_no_change: usize,
    pub average: Average,
}

/// scikit-learn's `SGDRegressor`.
pub struct SgdRegressor;

const LOSSES: &[&str] = &[
    "squared_error",
    "huber",
    "epsilon_insensitive",
    "squared_epsilon_insensitive",
];

impl Kind for SgdRegressor {
    type Params = SgdParams;
    const NAME: &'static str = "SGDRegressor";
    const ALIASES: &'static [&'static str] = &["sgd"];
    const DOC: &'static str =
        "a linear model fitted by stochastic gradient descent (scikit-learn's plain SGD loop)";

    fn params() -> Vec<ParamDef> {
        let [early_stopping, validation_fraction, n_iter_no_change] = stopping_params();
        let [warm_start, average] = average_params();
        vec![
            p(
                "loss",
                ParamType::Choice(LOSSES),
                s("squared_error"),
                "the loss of one sample",
            ),
            p(
                "penalty",
                ParamType::OneOf {
                    none: true,
                    bool: false,
                    strs: &["l2", "l1", "elasticnet"],
                },
                s("l2"),
                "the penalty on the weights",
            ),
            p("alpha", NON_NEGATIVE, f(1e-4), "penalty strength"),
            p(
                "l1_ratio",
                ParamType::Float {
                    lo: Bound::Incl(0.0),
                    hi: Bound::Incl(1.0),
                },
                f(0.15),
                "the L1 share of the elastic-net penalty",
            ),
            fit_intercept(),
            max_iter_param(),
            tol_param(),
            shuffle_param(),
            verbose(),
            p(
                "epsilon",
                NON_NEGATIVE,
                f(0.1),
                "the Huber threshold, or the width of the insensitive zone",
            ),
            random_state_param(),
            p(
                "learning_rate",
                ParamType::Choice(RATES),
                s("invscaling"),
                "the step schedule",
            ),
            p("eta0", POSITIVE, f(0.01), "the initial step"),
            p(
                "power_t",
                ParamType::Float {
                    lo: Bound::None,
                    hi: Bound::None,
                },
                f(0.25),
                "the exponent of invscaling",
            ),
            early_stopping,
            validation_fraction,
            n_iter_no_change,
            warm_start,
            average,
        ]
    }
    fn build(v: &Values) -> Result<SgdParams, BuildError> {
        let eps = v.float("epsilon");
        let loss = match v.str("loss").as_ref() {
            "huber" => SgdLoss::Huber(eps),
            "epsilon_insensitive" => SgdLoss::EpsilonInsensitive(eps),
            "squared_epsilon_insensitive" => SgdLoss::SquaredEpsilonInsensitive(eps),
            _ => SgdLoss::SquaredError,
        };
        let penalty = match v.get("penalty") {
            Value::None => SgdPenalty::None,
            Value::Str(s) if s == "l1" => SgdPenalty::L1,
            Value::Str(s) if s == "elasticnet" => SgdPenalty::ElasticNet,
            _ => SgdPenalty::L2,
        };
        let learning_rate = LearningRate::from_name(&v.str("learning_rate"));
        Ok(SgdParams {
            loss,
            penalty,
            alpha: v.float("alpha"),
            l1_ratio: v.float("l1_ratio"),
            fit_intercept: v.bool("fit_intercept"),
            max_iter: v.usize("max_iter"),
            tol: v.opt_float("tol"),
            shuffle: v.bool("shuffle"),
            epsilon: eps,
            random_state: v.opt_u64("random_state"),
            learning_rate,
            eta0: v.float("eta0"),
            power_t: v.float("power_t"),
            early_stopping: v.bool("early_stopping"),
            validation_fraction: v.float("validation_fraction"),
            n_iter_no_change: v.usize("n_iter_no_change"),
            average: Average::from_value(&v.get("average")),
        })
    }
    fn values(p: &SgdParams) -> Vec<(&'static str, Value)> {
        let penalty = match p.penalty {
            SgdPenalty::None => Value::None,
            SgdPenalty::L2 => s("l2"),
            SgdPenalty::L1 => s("l1"),
            SgdPenalty::ElasticNet => s("elasticnet"),
        };
        vec![
            ("loss", s(p.loss.name())),
            ("penalty", penalty),
            ("alpha", Value::Float(p.alpha)),
            ("l1_ratio", Value::Float(p.l1_ratio)),
            ("fit_intercept", Value::Bool(p.fit_intercept)),
            ("max_iter", Value::count(p.max_iter)),
            ("tol", p.tol.map_or(Value::None, Value::Float)),
            ("shuffle", Value::Bool(p.shuffle)),
            ("epsilon", Value::Float(p.epsilon)),
            ("random_state", Value::seed(p.random_state)),
            ("learning_rate", s(p.learning_rate.name())),
            ("eta0", Value::Float(p.eta0)),
            ("power_t", Value::Float(p.power_t)),
            ("early_stopping", Value::Bool(p.early_stopping)),
            ("validation_fraction", Value::Float(p.validation_fraction)),
            ("n_iter_no_change", Value::count(p.n_iter_no_change)),
            ("average", p.average.value()),
        ]
    }
    fn min_rows(p: &SgdParams) -> usize {
        if p.early_stopping {
            2
        } else {
            1
        }
    }
    fn expected_cost(p: &SgdParams, n_rows: usize, n_features: usize) -> f64 {
        sgd_cost(p.max_iter, n_rows, n_features)
    }
    fn fit<'a>(
        p: &SgdParams,
        x: ArrayView2<'a, f64>,
        y: ArrayView1<'a, f64>,
    ) -> Result<Predictor<'a>, ModelError> {
        check(p)?;
        let config = SgdConfig {
            loss: p.loss,
            penalty: p.penalty,
            alpha: p.alpha,
            l1_ratio: p.l1_ratio,
            fit_intercept: p.fit_intercept,
            max_iter: p.max_iter,
            tol: p.tol,
            shuffle: p.shuffle,
            random_state: p.random_state,
            learning_rate: p.learning_rate,
            eta0: p.eta0,
            power_t: p.power_t,
            early_stopping: p.early_stopping,
            validation_fraction: p.validation_fraction,
            n_iter_no_change: p.n_iter_no_change,
            average: p.average,
        };
        Ok(least_squares::predictor(fit_sgd(
            &config,
            Self::NAME,
            x,
            y,
        )?))
    }
}

/// The combinations scikit-learn refuses when fitting.
fn check(p: &SgdParams) -> Result<(), ModelError> {
    let fail = |message: String| ModelError::Fit {
        kind: SgdRegressor::NAME,
        message,
    };
    if p.learning_rate == LearningRate::Optimal && p.alpha == 0.0 {
        return Err(fail(
            "alpha must be > 0 since learning_rate is 'optimal'. alpha is used to compute \
             the optimal learning rate."
                .into(),
        ));
    }
    if p.learning_rate.passive_aggressive() && !matches!(p.loss, SgdLoss::EpsilonInsensitive(_)) {
        return Err(fail(format!(
            "Learning rate '{}' only works with loss 'epsilon_insensitive'.",
            p.learning_rate.name()
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rand_r_is_scikit_learns_xorshift() {
        // our_rand_r(1): 1 ^ 1<<13 = 8193; ^ >>17 = 8193; ^ <<5 = 270369
        let mut s = 1u32;
        assert_eq!(rand_r(&mut s), 270_369);
        let mut z = 0u32;
        assert_eq!(rand_r(&mut z), 270_369);
    }

    #[test]
    fn scaled_weights_agree_with_plain_ones() {
        let mut w = Weights::new(2, true);
        let x = ndarray::array![1.0, 2.0];
        w.add(x.view(), 0.5);
        w.scale_by(0.5);
        w.add(x.view(), 1.0);
        assert!((w.dot(x.view()) - (0.25 * 5.0 + 5.0)).abs() < 1e-12);
        // 0.5·x halved, plus x: the weights are 1.25·x = (1.25, 2.5)
        assert!((w.sq_norm - (1.25f64.powi(2) + 2.5f64.powi(2))).abs() < 1e-12);
        assert!((w.l1_norm - 3.75).abs() < 1e-12);
        w.reset_scale();
        assert_eq!(w.scale, 1.0);
        assert!((w.data[0] - 1.25).abs() < 1e-12 && (w.data[1] - 2.5).abs() < 1e-12);
    }
}
