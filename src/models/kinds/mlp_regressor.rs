//! MLPRegressor: a fully connected network with one output, as scikit-learn's `MLPRegressor`
//! (`sklearn/neural_network/_multilayer_perceptron.py`): hidden layers with identity, logistic,
//! tanh or ReLU units, an identity output (an exponential one for the Poisson loss), half the
//! squared error (or half the Poisson deviance) plus `alpha / 2` times the squared weights
//! divided by the batch's rows, fitted by Adam, by SGD with momentum (Nesterov's or plain) and
//! the constant / invscaling / adaptive schedules, or by L-BFGS (`models/lbfgs.rs`, scipy's
//! rules, `max_iter` iterations and `max_fun` evaluations).
//!
//! The randomness is scikit-learn's, draw for draw from numpy's `RandomState(random_state)`:
//! the Glorot-uniform weights layer by layer (each layer's weights, row-major, then its
//! biases), then the early-stopping split (`train_test_split` on the same generator), then
//! one shuffle of the row order per epoch. The stopping rules are scikit-learn's too: the
//! epoch's mean training loss (or the validation R² with `early_stopping`) must improve by
//! `tol`, else a miss is counted; more than `n_iter_no_change` misses in a row stop Adam and
//! SGD (or, with the adaptive schedule, divide the step by 5 until it is at most 1e-6). With
//! early stopping, the weights of the best validation score are kept.
//!
//! Single-threaded: the products go through faer's (`dense::mat_mul`; 1.5x matrixmultiply's at a
//! batch of 200 rows, 5x on the output layer's matrix-vector products). With
//! a fixed seed the fit follows scikit-learn's (on the fidelity fixtures the test RMSE agrees to
//! about 1e-13 relative, L-BFGS's over its first 20 iterations, chaos aside); the sums are not
//! promised in OpenBLAS's order, so the fidelity bound is 0.1 %, or scikit-learn's spread over
//! seeds for `random_state=None` (our fixed seed 0, scikit-learn's global generator).

use ndarray::{s, Array1, Array2, ArrayView1, ArrayView2, ArrayViewMut2, Axis};
use serde::{Deserialize, Serialize};

use crate::models::dense;
use crate::models::kind::{dims, Kind, Predictor, Values};
use crate::models::lbfgs::{self, Options};
use crate::models::params::{
    f, ignored, int, p, s as st, Bound, ParamType, NON_NEGATIVE, POSITIVE,
};
use crate::models::{BuildError, ModelError, ParamDef, Value, DEFAULT_SEED};
use crate::split::{validate_shuffle_split, RandomState, Size};

/// The hidden units' activation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Activation {
    Identity,
    Logistic,
    Tanh,
    Relu,
}

const ACTIVATIONS: &[&str] = &["identity", "logistic", "tanh", "relu"];

impl Activation {
    fn from_name(s: &str) -> Activation {
        match s {
            "identity" => Activation::Identity,
            "logistic" => Activation::Logistic,
            "tanh" => Activation::Tanh,
            _ => Activation::Relu,
        }
    }
    fn name(self) -> &'static str {
        match self {
            Activation::Identity => "identity",
            Activation::Logistic => "logistic",
            Activation::Tanh => "tanh",
            Activation::Relu => "relu",
        }
    }
    /// Applies the activation in place.
    fn apply(self, mut z: ArrayViewMut2<f64>) {
        match self {
            Activation::Identity => {}
            Activation::Logistic => z.mapv_inplace(|v| 1.0 / (1.0 + (-v).exp())),
            Activation::Tanh => z.mapv_inplace(f64::tanh),
            Activation::Relu => z.mapv_inplace(|v| v.max(0.0)),
        }
    }
    /// Multiplies `delta` by the derivative, written in terms of the activation's output `a`.
    fn backward(self, a: ArrayView2<f64>, mut delta: ArrayViewMut2<f64>) {
        // the work buffers' row blocks are contiguous: plain slices, which the compiler
        // vectorises
        if let (Some(a), Some(d)) = (a.as_slice(), delta.as_slice_mut()) {
            match self {
                Activation::Identity => {}
                Activation::Logistic => d.iter_mut().zip(a).for_each(|(d, a)| *d *= a * (1.0 - a)),
                Activation::Tanh => d.iter_mut().zip(a).for_each(|(d, a)| *d *= 1.0 - a * a),
                // a select, not a branch: about half the units are off, at random, and a
                // branch mispredicted that often made this loop 40 % of the fit
                Activation::Relu => d
                    .iter_mut()
                    .zip(a)
                    .for_each(|(d, a)| *d = if *a == 0.0 { 0.0 } else { *d }),
            }
            return;
        }
        match self {
            Activation::Identity => {}
            Activation::Logistic => delta.zip_mut_with(&a, |d, &a| *d *= a * (1.0 - a)),
            Activation::Tanh => delta.zip_mut_with(&a, |d, &a| *d *= 1.0 - a * a),
            Activation::Relu => delta.zip_mut_with(&a, |d, &a| {
                if a == 0.0 {
                    *d = 0.0
                }
            }),
        }
    }
}

/// The optimiser.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Solver {
    Lbfgs,
    Sgd,
    Adam,
}

const SOLVERS: &[&str] = &["lbfgs", "sgd", "adam"];

impl Solver {
    fn from_name(s: &str) -> Solver {
        match s {
            "lbfgs" => Solver::Lbfgs,
            "sgd" => Solver::Sgd,
            _ => Solver::Adam,
        }
    }
    fn name(self) -> &'static str {
        match self {
            Solver::Lbfgs => "lbfgs",
            Solver::Sgd => "sgd",
            Solver::Adam => "adam",
        }
    }
}

/// SGD's step schedule.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum MlpLearningRate {
    Constant,
    InvScaling,
    Adaptive,
}

const RATES: &[&str] = &["constant", "invscaling", "adaptive"];

impl MlpLearningRate {
    fn from_name(s: &str) -> MlpLearningRate {
        match s {
            "invscaling" => MlpLearningRate::InvScaling,
            "adaptive" => MlpLearningRate::Adaptive,
            _ => MlpLearningRate::Constant,
        }
    }
    fn name(self) -> &'static str {
        match self {
            MlpLearningRate::Constant => "constant",
            MlpLearningRate::InvScaling => "invscaling",
            MlpLearningRate::Adaptive => "adaptive",
        }
    }
}

/// The loss (and with it the output unit).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum MlpLoss {
    /// Half the squared error, identity output.
    SquaredError,
    /// Half the Poisson deviance, exponential output.
    Poisson,
}

const LOSSES: &[&str] = &["squared_error", "poisson"];

/// Parameters of MLPRegressor.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MlpParams {
    pub loss: MlpLoss,
    pub hidden_layer_sizes: Vec<usize>,
    pub activation: Activation,
    pub solver: Solver,
    pub alpha: f64,
    /// `None`: `'auto'`, `min(200, n_samples)`.
    pub batch_size: Option<usize>,
    pub learning_rate: MlpLearningRate,
    pub learning_rate_init: f64,
    pub power_t: f64,
    pub max_iter: usize,
    pub shuffle: bool,
    pub random_state: Option<u64>,
    pub tol: f64,
    pub momentum: f64,
    pub nesterovs_momentum: bool,
    pub early_stopping: bool,
    pub validation_fraction: f64,
    pub beta_1: f64,
    pub beta_2: f64,
    pub epsilon: f64,
    pub n_iter_no_change: usize,
    pub max_fun: usize,
}

/// scikit-learn's `MLPRegressor`.
pub struct MlpRegressor;

/// The most units a hidden layer may have (a tuple value's bound).
const MAX_UNITS: i64 = 1 << 24;
/// The most weights a network may have (8 bytes each; Adam keeps five vectors of them): beyond this a
/// fit is refused rather than left to exhaust memory.
const MAX_WEIGHTS: usize = 1 << 24;
/// The most activations (rows times units) one pass may hold (twice: the activations and the
/// back-propagated errors): a larger minibatch (or L-BFGS's whole training set) is refused.
const MAX_CELLS: usize = 1 << 26;

fn unit_interval(hi: Bound) -> ParamType {
    ParamType::Float {
        lo: Bound::Incl(0.0),
        hi,
    }
}

impl Kind for MlpRegressor {
    type Params = MlpParams;
    const NAME: &'static str = "MLPRegressor";
    const ALIASES: &'static [&'static str] = &["mlp"];
    const DOC: &'static str =
        "a multi-layer perceptron fitted by Adam, SGD or L-BFGS (scikit-learn's draws and stopping rules)";

    fn params() -> Vec<ParamDef> {
        vec![
            p(
                "loss",
                ParamType::Choice(LOSSES),
                st("squared_error"),
                "the loss: half the squared error, or half the Poisson deviance (exp output)",
            ),
            p(
                "hidden_layer_sizes",
                ParamType::Counts { max: MAX_UNITS },
                Value::Ints(vec![100]),
                "the units of each hidden layer",
            ),
            p(
                "activation",
                ParamType::Choice(ACTIVATIONS),
                st("relu"),
                "the hidden units' activation",
            ),
            p(
                "solver",
                ParamType::Choice(SOLVERS),
                st("adam"),
                "the optimiser",
            ),
            p(
                "alpha",
                NON_NEGATIVE,
                f(1e-4),
                "L2 penalty strength (divided by the batch's rows)",
            ),
            p(
                "batch_size",
                ParamType::AutoOrCount,
                st("auto"),
                "rows per minibatch of adam and sgd; 'auto': min(200, n_samples)",
            ),
            p(
                "learning_rate",
                ParamType::Choice(RATES),
                st("constant"),
                "sgd's step schedule",
            ),
            p(
                "learning_rate_init",
                POSITIVE,
                f(1e-3),
                "the initial step of adam and sgd",
            ),
            p(
                "power_t",
                unit_interval(Bound::None),
                f(0.5),
                "the exponent of sgd's invscaling schedule",
            ),
            p(
                "max_iter",
                int(1),
                Value::Int(200),
                "epochs of adam and sgd, iterations of lbfgs",
            ),
            p(
                "shuffle",
                ParamType::Bool,
                Value::Bool(true),
                "shuffle the rows before every epoch (adam and sgd)",
            ),
            p(
                "random_state",
                ParamType::OptInt {
                    min: 0,
                    max: u32::MAX as i64,
                },
                Value::None,
                "seed of the initial weights, the validation split and the shuffling; None \
                 means the fixed seed 0",
            ),
            p(
                "tol",
                NON_NEGATIVE,
                f(1e-4),
                "the improvement of the loss (or validation score) an epoch must make; lbfgs's \
                 gradient tolerance",
            ),
            ignored(
                "verbose",
                ParamType::Bool,
                Value::Bool(false),
                "ignored: no effect on results",
            ),
            ignored(
                "warm_start",
                ParamType::Bool,
                Value::Bool(false),
                "ignored: every fit starts afresh",
            ),
            p(
                "momentum",
                unit_interval(Bound::Incl(1.0)),
                f(0.9),
                "sgd's momentum",
            ),
            p(
                "nesterovs_momentum",
                ParamType::Bool,
                Value::Bool(true),
                "Nesterov's momentum for sgd",
            ),
            p(
                "early_stopping",
                ParamType::Bool,
                Value::Bool(false),
                "stop on the R² of a held-out validation fraction and keep its best weights \
                 (adam and sgd)",
            ),
            p(
                "validation_fraction",
                unit_interval(Bound::Excl(1.0)),
                f(0.1),
                "the fraction held out for early stopping",
            ),
            p(
                "beta_1",
                unit_interval(Bound::Excl(1.0)),
                f(0.9),
                "adam's decay of the first moment",
            ),
            p(
                "beta_2",
                unit_interval(Bound::Excl(1.0)),
                f(0.999),
                "adam's decay of the second moment",
            ),
            p("epsilon", POSITIVE, f(1e-8), "adam's numerical stabiliser"),
            p(
                "n_iter_no_change",
                int(1),
                Value::Int(10),
                "epochs without improvement by tol before stopping (adam and sgd)",
            ),
            p(
                "max_fun",
                int(1),
                Value::Int(15000),
                "the most loss evaluations of lbfgs",
            ),
        ]
    }

    fn build(v: &Values) -> Result<MlpParams, BuildError> {
        let loss = match v.str("loss").as_ref() {
            "poisson" => MlpLoss::Poisson,
            _ => MlpLoss::SquaredError,
        };
        let batch_size = match v.get("batch_size") {
            Value::Int(i) => Some(i.max(1) as usize),
            _ => None,
        };
        Ok(MlpParams {
            loss,
            hidden_layer_sizes: v
                .ints("hidden_layer_sizes")
                .iter()
                .map(|&i| i.max(1) as usize)
                .collect(),
            activation: Activation::from_name(&v.str("activation")),
            solver: Solver::from_name(&v.str("solver")),
            alpha: v.float("alpha"),
            batch_size,
            learning_rate: MlpLearningRate::from_name(&v.str("learning_rate")),
            learning_rate_init: v.float("learning_rate_init"),
            power_t: v.float("power_t"),
            max_iter: v.usize("max_iter"),
            shuffle: v.bool("shuffle"),
            random_state: v.opt_u64("random_state"),
            tol: v.float("tol"),
            momentum: v.float("momentum"),
            nesterovs_momentum: v.bool("nesterovs_momentum"),
            early_stopping: v.bool("early_stopping"),
            validation_fraction: v.float("validation_fraction"),
            beta_1: v.float("beta_1"),
            beta_2: v.float("beta_2"),
            epsilon: v.float("epsilon"),
            n_iter_no_change: v.usize("n_iter_no_change"),
            max_fun: v.usize("max_fun"),
        })
    }

    fn values(p: &MlpParams) -> Vec<(&'static str, Value)> {
        vec![
            (
                "loss",
                st(match p.loss {
                    MlpLoss::SquaredError => "squared_error",
                    MlpLoss::Poisson => "poisson",
                }),
            ),
            (
                "hidden_layer_sizes",
                Value::Ints(p.hidden_layer_sizes.iter().map(|&u| u as i64).collect()),
            ),
            ("activation", st(p.activation.name())),
            ("solver", st(p.solver.name())),
            ("alpha", Value::Float(p.alpha)),
            ("batch_size", p.batch_size.map_or(st("auto"), Value::count)),
            ("learning_rate", st(p.learning_rate.name())),
            ("learning_rate_init", Value::Float(p.learning_rate_init)),
            ("power_t", Value::Float(p.power_t)),
            ("max_iter", Value::count(p.max_iter)),
            ("shuffle", Value::Bool(p.shuffle)),
            ("random_state", Value::seed(p.random_state)),
            ("tol", Value::Float(p.tol)),
            ("momentum", Value::Float(p.momentum)),
            ("nesterovs_momentum", Value::Bool(p.nesterovs_momentum)),
            ("early_stopping", Value::Bool(p.early_stopping)),
            ("validation_fraction", Value::Float(p.validation_fraction)),
            ("beta_1", Value::Float(p.beta_1)),
            ("beta_2", Value::Float(p.beta_2)),
            ("epsilon", Value::Float(p.epsilon)),
            ("n_iter_no_change", Value::count(p.n_iter_no_change)),
            ("max_fun", Value::count(p.max_fun)),
        ]
    }

    fn min_rows(p: &MlpParams) -> usize {
        // early stopping needs two validation rows and one training row
        if p.early_stopping && p.solver != Solver::Lbfgs {
            3
        } else {
            1
        }
    }

    fn expected_cost(p: &MlpParams, n_rows: usize, n_features: usize) -> f64 {
        let (n, nf) = dims(n_rows, n_features);
        let mut weights = 0.0;
        let mut fan_in = nf;
        for &u in p.hidden_layer_sizes.iter().chain(std::iter::once(&1)) {
            weights += fan_in * u as f64;
            fan_in = u as f64;
        }
        // a forward and a backward pass per row and epoch (lbfgs: per evaluation, about one
        // and a half per iteration); most default fits run all their epochs
        let passes = match p.solver {
            Solver::Lbfgs => 1.5 * (p.max_iter as f64).min(p.max_fun as f64),
            _ => p.max_iter as f64,
        };
        0.05 * n * weights * passes
    }

    fn fit<'a>(
        p: &MlpParams,
        x: ArrayView2<'a, f64>,
        y: ArrayView1<'a, f64>,
    ) -> Result<Predictor<'a>, ModelError> {
        let net = fit_mlp(p, x, y)?;
        Ok(Box::new(move |t| net.predict(t)))
    }
}

fn fail(message: impl Into<String>) -> ModelError {
    ModelError::Fit {
        kind: MlpRegressor::NAME,
        message: message.into(),
    }
}

/// The layout of the packed parameters, as scikit-learn's `_pack`: every layer's weights
/// (row-major, fan-in by fan-out), then every layer's biases.
#[derive(Clone, Debug)]
struct Layout {
    units: Vec<usize>,
    coef: Vec<usize>,
    bias: Vec<usize>,
    len: usize,
}

impl Layout {
    fn new(units: Vec<usize>) -> Result<Layout, ModelError> {
        let mut coef = Vec::new();
        let mut at = 0usize;
        for w in units.windows(2) {
            coef.push(at);
            at = w[0]
                .checked_mul(w[1])
                .and_then(|m| at.checked_add(m))
                .filter(|&a| a <= MAX_WEIGHTS)
                .ok_or_else(|| {
                    fail(format!(
                        "the network has more than {MAX_WEIGHTS} weights; use smaller \
                         hidden_layer_sizes"
                    ))
                })?;
        }
        let mut bias = Vec::new();
        for &u in &units[1..] {
            bias.push(at);
            at += u;
        }
        Ok(Layout {
            units,
            coef,
            bias,
            len: at,
        })
    }
    fn layers(&self) -> usize {
        self.units.len() - 1
    }
    /// The units past the input layer.
    fn cells_per_row(&self) -> usize {
        self.units[1..].iter().sum::<usize>().max(1)
    }
    /// Refuses a pass over `rows` rows that would hold more than [`MAX_CELLS`] activations.
    fn check_rows(&self, rows: usize, what: &str) -> Result<(), ModelError> {
        if rows.saturating_mul(self.cells_per_row()) > MAX_CELLS {
            return Err(fail(format!(
                "{what} of {rows} rows through {} hidden and output units would hold more than \
                 {MAX_CELLS} activations; use smaller hidden_layer_sizes{}",
                self.cells_per_row(),
                if what == "a minibatch" {
                    " or batch_size"
                } else {
                    ""
                }
            )));
        }
        Ok(())
    }
    fn w<'t>(&self, theta: &'t [f64], i: usize) -> ArrayView2<'t, f64> {
        let (a, b) = (self.units[i], self.units[i + 1]);
        ArrayView2::from_shape((a, b), &theta[self.coef[i]..self.coef[i] + a * b])
            .expect("the layout's shape")
    }
    fn b<'t>(&self, theta: &'t [f64], i: usize) -> ArrayView1<'t, f64> {
        let b = self.units[i + 1];
        ArrayView1::from(&theta[self.bias[i]..self.bias[i] + b])
    }
    /// The sum of the squared weights (the biases are not penalised).
    fn sq_weights(&self, theta: &[f64]) -> f64 {
        theta[..self.bias[0]].iter().map(|v| v * v).sum()
    }
}

/// The activations and back-propagated errors of a batch of at most `rows` rows.
struct Work {
    acts: Vec<Array2<f64>>,
    deltas: Vec<Array2<f64>>,
}

impl Work {
    fn new(layout: &Layout, rows: usize) -> Work {
        let acts = layout.units[1..]
            .iter()
            .map(|&u| Array2::zeros((rows, u)))
            .collect();
        let deltas = layout.units[1..]
            .iter()
            .map(|&u| Array2::zeros((rows, u)))
            .collect();
        Work { acts, deltas }
    }
}

/// A fitted network.
struct Network {
    layout: Layout,
    theta: Vec<f64>,
    activation: Activation,
    loss: MlpLoss,
}

impl Network {
    /// The forward pass of `x` into `work` (its first `x.nrows()` rows): the output's
    /// activations last.
    fn forward(&self, theta: &[f64], x: ArrayView2<f64>, work: &mut Work) {
        let n = x.nrows();
        let last = self.layout.layers() - 1;
        for i in 0..=last {
            let (prev, rest) = work.acts.split_at_mut(i);
            let input = if i == 0 {
                x
            } else {
                prev[i - 1].slice(s![..n, ..])
            };
            let mut out = rest[0].slice_mut(s![..n, ..]);
            let units = out.ncols();
            let bias = self.layout.b(theta, i);
            debug_assert_eq!(bias.len(), units);
            for mut row in out.rows_mut() {
                row.assign(&bias);
            }
            dense::mat_mul(1.0, input, self.layout.w(theta, i), true, out.view_mut());
            if i != last {
                self.activation.apply(out);
            } else if self.loss == MlpLoss::Poisson {
                out.mapv_inplace(f64::exp);
            }
        }
    }

    /// The loss of the batch (with its penalty) and its gradient into `grad`, after a
    /// forward pass into `work`.
    fn backprop(
        &self,
        theta: &[f64],
        alpha: f64,
        x: ArrayView2<f64>,
        y: ArrayView1<f64>,
        work: &mut Work,
        grad: &mut [f64],
    ) -> f64 {
        let n = x.nrows();
        self.forward(theta, x, work);
        let last = self.layout.layers() - 1;
        let nf = n as f64;
        let out = work.acts[last].slice(s![..n, 0]);
        let mut loss = 0.0;
        match self.loss {
            MlpLoss::SquaredError => {
                for (p, t) in out.iter().zip(y.iter()) {
                    loss += (t - p) * (t - p);
                }
                loss *= 0.5 / nf;
            }
            MlpLoss::Poisson => {
                for (p, t) in out.iter().zip(y.iter()) {
                    let xlogy = if *t == 0.0 { 0.0 } else { t * (t / p).ln() };
                    loss += xlogy - t + p;
                }
                loss /= nf;
            }
        }
        loss += 0.5 * alpha * self.layout.sq_weights(theta) / nf;
        {
            let (outs, deltas) = (&work.acts[last], &mut work.deltas[last]);
            for r in 0..n {
                deltas[[r, 0]] = outs[[r, 0]] - y[r];
            }
        }
        for i in (0..=last).rev() {
            // the gradient of layer i: (a_i' delta_i + alpha W_i) / n, sum(delta_i) / n
            let delta = work.deltas[i].slice(s![..n, ..]);
            let (fi, fo) = (self.layout.units[i], self.layout.units[i + 1]);
            let c0 = self.layout.coef[i];
            {
                let gw = &mut grad[c0..c0 + fi * fo];
                let w = &theta[c0..c0 + fi * fo];
                for (g, wv) in gw.iter_mut().zip(w) {
                    *g = alpha * wv / nf;
                }
                let mut gw = ArrayViewMut2::from_shape((fi, fo), gw).expect("shape");
                let input = if i == 0 {
                    x
                } else {
                    work.acts[i - 1].slice(s![..n, ..])
                };
                dense::mat_mul(1.0 / nf, input.t(), delta, true, gw.view_mut());
            }
            let b0 = self.layout.bias[i];
            let sums = delta.sum_axis(Axis(0));
            for (g, s) in grad[b0..b0 + fo].iter_mut().zip(sums.iter()) {
                *g = s / nf;
            }
            if i > 0 {
                let (lower, upper) = work.deltas.split_at_mut(i);
                let mut prev = lower[i - 1].slice_mut(s![..n, ..]);
                let delta = upper[0].slice(s![..n, ..]);
                dense::mat_mul(
                    1.0,
                    delta,
                    self.layout.w(theta, i).t(),
                    false,
                    prev.view_mut(),
                );
                self.activation
                    .backward(work.acts[i - 1].slice(s![..n, ..]), prev);
            }
        }
        loss
    }

    /// The output for `x`, in blocks of rows.
    fn predict_into(&self, theta: &[f64], x: ArrayView2<f64>) -> Array1<f64> {
        let block = (MAX_CELLS / self.layout.cells_per_row()).clamp(1, 1024);
        let n = x.nrows();
        let mut work = Work::new(&self.layout, block.min(n.max(1)));
        let mut out = Array1::zeros(n);
        let last = self.layout.layers() - 1;
        let mut start = 0;
        while start < n {
            let end = (start + block).min(n);
            self.forward(theta, x.slice(s![start..end, ..]), &mut work);
            out.slice_mut(s![start..end])
                .assign(&work.acts[last].slice(s![..end - start, 0]));
            start = end;
        }
        out
    }

    fn predict(&self, x: ArrayView2<f64>) -> Result<Array1<f64>, ModelError> {
        if x.ncols() != self.layout.units[0] {
            return Err(ModelError::Predict {
                kind: MlpRegressor::NAME,
                message: format!(
                    "X has {} features, but MLPRegressor is expecting {} features as input",
                    x.ncols(),
                    self.layout.units[0]
                ),
            });
        }
        Ok(self.predict_into(&self.theta, x))
    }
}

/// numpy's `random_sample()`: 53 random bits from two 32-bit draws.
fn random_sample(rs: &mut RandomState) -> f64 {
    let a = (rs.next_u32() >> 5) as f64;
    let b = (rs.next_u32() >> 6) as f64;
    (a * 67_108_864.0 + b) / 9_007_199_254_740_992.0
}

/// Glorot-uniform initial weights and biases, drawn as scikit-learn's `_init_coef`.
fn initial_theta(layout: &Layout, activation: Activation, rs: &mut RandomState) -> Vec<f64> {
    let mut theta = vec![0.0; layout.len];
    let factor = if activation == Activation::Logistic {
        2.0
    } else {
        6.0
    };
    for i in 0..layout.layers() {
        let (fi, fo) = (layout.units[i], layout.units[i + 1]);
        let bound = (factor / (fi + fo) as f64).sqrt();
        let (lo, hi) = (-bound, bound);
        let c0 = layout.coef[i];
        for v in &mut theta[c0..c0 + fi * fo] {
            *v = lo + (hi - lo) * random_sample(rs);
        }
        let b0 = layout.bias[i];
        for v in &mut theta[b0..b0 + fo] {
            *v = lo + (hi - lo) * random_sample(rs);
        }
    }
    theta
}

/// Adam's or SGD's state.
enum Optimizer {
    Adam {
        lr_init: f64,
        beta_1: f64,
        beta_2: f64,
        epsilon: f64,
        t: i32,
        m: Vec<f64>,
        v: Vec<f64>,
    },
    Sgd {
        lr_init: f64,
        lr: f64,
        schedule: MlpLearningRate,
        momentum: f64,
        nesterov: bool,
        power_t: f64,
        velocity: Vec<f64>,
    },
}

impl Optimizer {
    fn update(&mut self, theta: &mut [f64], grad: &[f64]) {
        match self {
            Optimizer::Adam {
                lr_init,
                beta_1,
                beta_2,
                epsilon,
                t,
                m,
                v,
            } => {
                *t = t.saturating_add(1);
                let lr = *lr_init * (1.0 - beta_2.powi(*t)).sqrt() / (1.0 - beta_1.powi(*t));
                let (b1, b2, eps) = (*beta_1, *beta_2, *epsilon);
                for (((w, g), m), v) in theta.iter_mut().zip(grad).zip(m.iter_mut()).zip(v) {
                    *m = b1 * *m + (1.0 - b1) * g;
                    *v = b2 * *v + (1.0 - b2) * (g * g);
                    *w += -lr * *m / (v.sqrt() + eps);
                }
            }
            Optimizer::Sgd {
                lr,
                momentum,
                nesterov,
                velocity,
                ..
            } => {
                let (lr, mu) = (*lr, *momentum);
                for ((w, g), vel) in theta.iter_mut().zip(grad).zip(velocity) {
                    *vel = mu * *vel - lr * g;
                    *w += if *nesterov { mu * *vel - lr * g } else { *vel };
                }
            }
        }
    }
    /// The end of an epoch, `seen` rows trained on so far.
    fn epoch_ends(&mut self, seen: f64) {
        if let Optimizer::Sgd {
            lr_init,
            lr,
            schedule: MlpLearningRate::InvScaling,
            power_t,
            ..
        } = self
        {
            *lr = *lr_init / (seen + 1.0).powf(*power_t);
        }
    }
    /// Whether to stop after too many epochs without improvement (the adaptive schedule
    /// divides its step by 5 instead, until it is at most 1e-6).
    fn stops(&mut self) -> bool {
        match self {
            Optimizer::Sgd {
                lr,
                schedule: MlpLearningRate::Adaptive,
                ..
            } => {
                if *lr <= 1e-6 {
                    true
                } else {
                    *lr /= 5.0;
                    false
                }
            }
            _ => true,
        }
    }
}

/// scikit-learn's `r2_score` (with `force_finite`), NaN if a prediction is not finite.
fn r2(y: ArrayView1<f64>, pred: &Array1<f64>) -> f64 {
    if pred.iter().any(|v| !v.is_finite()) {
        return f64::NAN;
    }
    let n = y.len() as f64;
    let mean = y.sum() / n;
    let ss_res: f64 = y.iter().zip(pred).map(|(t, p)| (t - p) * (t - p)).sum();
    let ss_tot: f64 = y.iter().map(|t| (t - mean) * (t - mean)).sum();
    if ss_tot == 0.0 {
        if ss_res == 0.0 {
            1.0
        } else {
            0.0
        }
    } else {
        1.0 - ss_res / ss_tot
    }
}

fn check(p: &MlpParams) -> Result<(), ModelError> {
    if p.hidden_layer_sizes.contains(&0) {
        return Err(fail(format!(
            "hidden_layer_sizes must be > 0, got {:?}.",
            p.hidden_layer_sizes
        )));
    }
    Ok(())
}

/// Fits the network.
fn fit_mlp(p: &MlpParams, x: ArrayView2<f64>, y: ArrayView1<f64>) -> Result<Network, ModelError> {
    check(p)?;
    let n = x.nrows();
    if n == 0 || y.len() != n {
        return Err(ModelError::Shape(format!(
            "X has {n} rows and y {} values",
            y.len()
        )));
    }
    if x.iter().chain(y.iter()).any(|v| !v.is_finite()) {
        return Err(ModelError::NonFinite("training data"));
    }
    let units: Vec<usize> = std::iter::once(x.ncols())
        .chain(p.hidden_layer_sizes.iter().copied())
        .chain(std::iter::once(1))
        .collect();
    let layout = Layout::new(units)?;
    // refused before any draw: the rows of one pass (at most these)
    match p.solver {
        Solver::Lbfgs => layout.check_rows(n, "an L-BFGS pass over the training set")?,
        _ => layout.check_rows(p.batch_size.unwrap_or(200).min(n), "a minibatch")?,
    }
    let seed = p.random_state.unwrap_or(DEFAULT_SEED);
    let mut rs = RandomState::new(seed).map_err(|e| fail(format!("random_state: {e}")))?;
    let theta = initial_theta(&layout, p.activation, &mut rs);
    let mut net = Network {
        layout,
        theta,
        activation: p.activation,
        loss: p.loss,
    };
    match p.solver {
        Solver::Lbfgs => fit_lbfgs(p, &mut net, x, y)?,
        Solver::Adam | Solver::Sgd => fit_stochastic(p, &mut net, &mut rs, x, y)?,
    }
    if net.theta.iter().any(|v| !v.is_finite()) {
        return Err(fail(
            "Solver produced non-finite parameter weights. The input data may contain large \
             values and need to be preprocessed.",
        ));
    }
    Ok(net)
}

fn fit_lbfgs(
    p: &MlpParams,
    net: &mut Network,
    x: ArrayView2<f64>,
    y: ArrayView1<f64>,
) -> Result<(), ModelError> {
    let mut work = Work::new(&net.layout, x.nrows());
    let mut grad = vec![0.0; net.layout.len];
    let x0 = Array1::from(net.theta.clone());
    let opts = Options {
        max_fun: p.max_fun,
        ..Options::scipy(p.max_iter, p.tol)
    };
    let r = {
        let net: &Network = net;
        lbfgs::minimize(
            |t: &Array1<f64>| {
                let theta = t.as_slice().expect("contiguous");
                let loss = net.backprop(theta, p.alpha, x, y, &mut work, &mut grad);
                (loss, Array1::from(grad.clone()))
            },
            x0,
            &[],
            opts,
        )
    };
    net.theta = r.x.to_vec();
    Ok(())
}

fn fit_stochastic(
    p: &MlpParams,
    net: &mut Network,
    rs: &mut RandomState,
    x: ArrayView2<f64>,
    y: ArrayView1<f64>,
) -> Result<(), ModelError> {
    let n_all = x.nrows();
    // the validation split draws from the generator after the initial weights
    let (x_train, y_train, val) = if p.early_stopping {
        let (n_train, n_val) = validate_shuffle_split(
            n_all,
            Some(Size::Fraction(p.validation_fraction)),
            None,
            0.25,
        )
        .map_err(|e| fail(e.to_string()))?;
        let perm = rs.permutation(n_all);
        let (val_rows, train_rows) = (&perm[..n_val], &perm[n_val..n_val + n_train]);
        if val_rows.len() < 2 {
            return Err(fail(
                "The validation set is too small. Increase 'validation_fraction' or the size \
                 of your dataset.",
            ));
        }
        (
            x.select(Axis(0), train_rows),
            y.select(Axis(0), train_rows),
            Some((x.select(Axis(0), val_rows), y.select(Axis(0), val_rows))),
        )
    } else {
        (x.to_owned(), y.to_owned(), None)
    };
    let n = x_train.nrows();
    if n == 0 {
        return Err(fail("no training rows left after the validation split"));
    }
    let batch = p.batch_size.unwrap_or(200).clamp(1, n);
    net.layout.check_rows(batch, "a minibatch")?;
    let len = net.layout.len;
    let mut opt = match p.solver {
        Solver::Sgd => Optimizer::Sgd {
            lr_init: p.learning_rate_init,
            lr: p.learning_rate_init,
            schedule: p.learning_rate,
            momentum: p.momentum,
            nesterov: p.nesterovs_momentum,
            power_t: p.power_t,
            velocity: vec![0.0; len],
        },
        _ => Optimizer::Adam {
            lr_init: p.learning_rate_init,
            beta_1: p.beta_1,
            beta_2: p.beta_2,
            epsilon: p.epsilon,
            t: 0,
            m: vec![0.0; len],
            v: vec![0.0; len],
        },
    };
    let nf = x_train.ncols();
    let mut work = Work::new(&net.layout, batch);
    let mut grad = vec![0.0; len];
    let mut xb = Array2::<f64>::zeros((batch, nf));
    let mut yb = Array1::<f64>::zeros(batch);
    let mut order: Vec<usize> = (0..n).collect();
    let mut theta = std::mem::take(&mut net.theta);
    let mut best_theta = theta.clone();
    let mut best_loss = f64::INFINITY;
    let mut best_score = f64::NEG_INFINITY;
    let mut no_improvement = 0usize;
    let mut seen = 0.0;
    for _epoch in 0..p.max_iter {
        if p.shuffle {
            rs.shuffle(&mut order);
        }
        let mut accumulated = 0.0;
        let mut start = 0;
        while start < n {
            let end = (start + batch).min(n);
            let b = end - start;
            for (k, &row) in order[start..end].iter().enumerate() {
                xb.row_mut(k).assign(&x_train.row(row));
                yb[k] = y_train[row];
            }
            let loss = net.backprop(
                &theta,
                p.alpha,
                xb.slice(s![..b, ..]),
                yb.slice(s![..b]),
                &mut work,
                &mut grad,
            );
            accumulated += loss * b as f64;
            opt.update(&mut theta, &grad);
            start = end;
        }
        let loss = accumulated / n as f64;
        seen += n as f64;
        if let Some((xv, yv)) = &val {
            let score = r2(yv.view(), &net.predict_into(&theta, xv.view()));
            if score < best_score + p.tol {
                no_improvement += 1;
            } else {
                no_improvement = 0;
            }
            if score > best_score {
                best_score = score;
                best_theta.copy_from_slice(&theta);
            }
        } else {
            if loss > best_loss - p.tol {
                no_improvement += 1;
            } else {
                no_improvement = 0;
            }
            if loss < best_loss {
                best_loss = loss;
            }
        }
        // scikit-learn runs on to max_iter; a non-finite network stays non-finite, so what it
        // ends with (an error, or the best weights of early stopping) is known now
        if theta.iter().any(|v| !v.is_finite()) {
            break;
        }
        opt.epoch_ends(seen);
        if no_improvement > p.n_iter_no_change {
            if opt.stops() {
                break;
            }
            no_improvement = 0;
        }
    }
    net.theta = if val.is_some() { best_theta } else { theta };
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;

    fn params() -> MlpParams {
        let def = crate::models::find_kind("MLPRegressor").unwrap();
        match (def.build)(&Values {
            def,
            values: Default::default(),
        })
        .unwrap()
        {
            crate::models::ModelSpec::Mlp(p) => p,
            _ => unreachable!(),
        }
    }

    #[test]
    fn defaults_are_scikit_learns() {
        let p = params();
        assert_eq!(p.hidden_layer_sizes, vec![100]);
        assert_eq!(p.solver, Solver::Adam);
        assert_eq!(p.activation, Activation::Relu);
        assert_eq!(p.max_iter, 200);
        assert_eq!(p.batch_size, None);
        assert_eq!(p.n_iter_no_change, 10);
        assert_eq!(p.max_fun, 15000);
    }

    #[test]
    fn gradient_matches_finite_differences() {
        for act in [
            Activation::Identity,
            Activation::Logistic,
            Activation::Tanh,
            Activation::Relu,
        ] {
            for loss in [MlpLoss::SquaredError, MlpLoss::Poisson] {
                let layout = Layout::new(vec![2, 3, 2, 1]).unwrap();
                let mut rs = RandomState::from_u32(3);
                let theta = initial_theta(&layout, act, &mut rs);
                let net = Network {
                    layout: layout.clone(),
                    theta: theta.clone(),
                    activation: act,
                    loss,
                };
                let x = array![[0.5, -1.0], [1.5, 0.3], [-0.7, 0.9], [0.1, 0.2]];
                let y = array![1.0, 2.0, 0.5, 0.0];
                let mut work = Work::new(&layout, 4);
                let mut grad = vec![0.0; layout.len];
                net.backprop(&theta, 0.1, x.view(), y.view(), &mut work, &mut grad);
                let mut g2 = vec![0.0; layout.len];
                for k in 0..layout.len {
                    let h = 1e-6;
                    let mut tp = theta.clone();
                    tp[k] += h;
                    let fp = net.backprop(&tp, 0.1, x.view(), y.view(), &mut work, &mut g2);
                    let mut tm = theta.clone();
                    tm[k] -= h;
                    let fm = net.backprop(&tm, 0.1, x.view(), y.view(), &mut work, &mut g2);
                    let fd = (fp - fm) / (2.0 * h);
                    assert!(
                        (fd - grad[k]).abs() < 1e-6,
                        "{act:?} {loss:?} {k}: {fd} vs {}",
                        grad[k]
                    );
                }
            }
        }
    }

    #[test]
    fn first_weights_are_numpy_uniform_draws() {
        // RandomState(0).uniform(-b, b) with b = sqrt(6 / (2 + 1)): random_sample() of seed 0
        // starts 0.5488135039273248
        let layout = Layout::new(vec![2, 1]).unwrap();
        let mut rs = RandomState::from_u32(0);
        let theta = initial_theta(&layout, Activation::Relu, &mut rs);
        let b = 2f64.sqrt();
        assert!((theta[0] - (-b + 2.0 * b * 0.548_813_503_927_324_8)).abs() < 1e-15);
    }

    #[test]
    fn solvers_fit_a_simple_function_and_never_panic() {
        let n = 200;
        let x = Array2::from_shape_fn((n, 2), |(i, j)| ((i * 7 + j * 3) % 17) as f64 / 17.0);
        let y = x.map_axis(Axis(1), |r| 2.0 * r[0] - r[1] + 0.5);
        for solver in [Solver::Adam, Solver::Sgd, Solver::Lbfgs] {
            let mut p = params();
            p.solver = solver;
            p.hidden_layer_sizes = vec![10];
            p.learning_rate_init = 0.01;
            p.early_stopping = solver == Solver::Sgd;
            let net = fit_mlp(&p, x.view(), y.view()).unwrap();
            let pred = net.predict(x.view()).unwrap();
            let mse = (&pred - &y).mapv(|v| v * v).mean().unwrap();
            assert!(mse < 0.05, "{solver:?} {mse}");
        }
        // a diverging step: an error, not a panic
        let mut p = params();
        p.solver = Solver::Sgd;
        p.learning_rate_init = 1e6;
        let big = y.mapv(|v| v * 1e150);
        assert!(fit_mlp(&p, x.view(), big.view()).is_err());
        // NaN in the data
        let mut bad = x.clone();
        bad[[0, 0]] = f64::NAN;
        assert!(fit_mlp(&params(), bad.view(), y.view()).is_err());
        // networks too large for memory: refused
        for sizes in [vec![1 << 24], vec![1 << 24, 1 << 24]] {
            for solver in [Solver::Adam, Solver::Lbfgs] {
                let mut p = params();
                p.hidden_layer_sizes = sizes.clone();
                p.solver = solver;
                assert!(fit_mlp(&p, x.view(), y.view()).is_err());
            }
        }
        // a tiny validation set
        let mut p = params();
        p.early_stopping = true;
        assert!(fit_mlp(&p, x.slice(s![..5, ..]), y.slice(s![..5])).is_err());
    }
}
