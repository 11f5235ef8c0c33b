//! GaussianProcessRegressor: scikit-learn's Gaussian process regression (Rasmussen and
//! Williams, algorithm 2.1), predicting the posterior mean.
//!
//! The kernel is `None` (scikit-learn 1.9.1's default, `ConstantKernel() * RBF()`: the
//! constant 1.0 and the length scale 1.0, both tuned within (1e-5, 1e5)) or an expression in
//! scikit-learn's syntax, e.g. `'1.0 * RBF(1.0) + WhiteKernel(noise_level=0.1)'`: sums and
//! products (and parentheses) of `ConstantKernel` (or `C`, or a bare number), `RBF`,
//! `Matern` (nu 0.5, 1.5, 2.5 or inf), `WhiteKernel`, `DotProduct` and `RationalQuadratic`,
//! isotropic, with their values, bounds (`(lo, hi)` or `"fixed"`) and defaults.
//!
//! The hyper-parameters that are not fixed are tuned as scikit-learn tunes them: the log
//! marginal likelihood maximised over their logarithms (`theta`) by L-BFGS-B within the log
//! bounds ([`lbfgs::minimize_box`], scipy's algorithm), from the kernel's own theta, with the
//! analytic gradient `0.5 tr((a a' - K^-1) dK/dtheta)`; `n_restarts_optimizer` more runs start
//! from points drawn uniformly in the log bounds by numpy's `RandomState(random_state)`.
//!
//! Memory: the `n x n` kernel is factorised in place; the gradient needs one more `n x n`
//! matrix (the inverse), reused from one evaluation to the next; the rows' squared distances
//! take half an `n x n` matrix (up to 11,600 rows or so, see [`Distances`]); the kernel's
//! derivatives are never stored, each entry's is recomputed while summing; the test kernel
//! is never stored either (each prediction sums over the training rows).

use faer::Mat;
use ndarray::{Array1, ArrayView1, ArrayView2};
use serde::{Deserialize, Serialize};

use crate::models::kind::{dims, Kind, Predictor, Values};
use crate::models::lbfgs::{self, Options};
use crate::models::params::{f, ignored, p, s as str_value, ParamType, NON_NEGATIVE};
use crate::models::{dense, BuildError, ModelError, ParamDef, Value, DEFAULT_SEED};
use crate::split::RandomState;

/// Parameters of GaussianProcessRegressor.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct GaussianProcessParams {
    /// The kernel expression as given (`None`: `ConstantKernel() * RBF()`).
    pub kernel: Option<String>,
    pub alpha: f64,
    /// `optimizer='fmin_l_bfgs_b'` (true) or `None` (false: the kernel as given).
    pub optimize: bool,
    pub n_restarts_optimizer: usize,
    pub normalize_y: bool,
    pub n_targets: Option<i64>,
    pub random_state: Option<u64>,
}

/// scikit-learn's `GaussianProcessRegressor`.
pub struct GaussianProcess;

const KERNEL_EXAMPLES: &[&str] = &[
    "1.0 * RBF(length_scale=2.0)",
    "RBF(1.0) + WhiteKernel(noise_level=0.1)",
    "Matern(nu=1.5)",
    "ConstantKernel(2.0, constant_value_bounds=\"fixed\") * RBF()",
];

const NAME: &str = "GaussianProcessRegressor";

fn fit_error(message: String) -> ModelError {
    ModelError::Fit {
        kind: NAME,
        message,
    }
}

impl Kind for GaussianProcess {
    type Params = GaussianProcessParams;
    const NAME: &'static str = NAME;
    const ALIASES: &'static [&'static str] = &["gaussian_process", "gpr", "gp"];
    const DOC: &'static str =
        "Gaussian process regression (kernel None: ConstantKernel() * RBF(), \
         both hyper-parameters tuned by L-BFGS-B; n² memory, n³ time per step)";

    fn params() -> Vec<ParamDef> {
        vec![
            p(
                "kernel",
                ParamType::Text {
                    none: true,
                    examples: KERNEL_EXAMPLES,
                },
                Value::None,
                "the covariance: None (ConstantKernel() * RBF()) or sums and products of \
                 ConstantKernel, RBF, Matern, WhiteKernel, DotProduct, RationalQuadratic",
            ),
            p(
                "alpha",
                NON_NEGATIVE,
                f(1e-10),
                "added to the diagonal of the training kernel",
            ),
            p(
                "optimizer",
                ParamType::OneOf {
                    none: true,
                    bool: false,
                    strs: &["fmin_l_bfgs_b"],
                },
                str_value("fmin_l_bfgs_b"),
                "tune the kernel's hyper-parameters by L-BFGS-B, or None: keep them",
            ),
            p(
                "n_restarts_optimizer",
                ParamType::Int {
                    min: 0,
                    max: 1 << 20,
                },
                Value::Int(0),
                "more optimiser runs from random starts in the log bounds",
            ),
            p(
                "normalize_y",
                ParamType::Bool,
                Value::Bool(false),
                "centre and scale the target to unit variance before fitting",
            ),
            ignored(
                "copy_X_train",
                ParamType::Bool,
                Value::Bool(true),
                "ignored: the training data is never modified",
            ),
            p(
                "n_targets",
                ParamType::OptInt {
                    min: 1,
                    max: i64::MAX,
                },
                Value::None,
                "the number of targets (fitpool fits one)",
            ),
            p(
                "random_state",
                ParamType::OptInt {
                    min: 0,
                    max: u32::MAX as i64,
                },
                Value::None,
                "seed of the restarts' starting points",
            ),
        ]
    }

    fn build(v: &Values) -> Result<GaussianProcessParams, BuildError> {
        let kernel = match v.get("kernel") {
            Value::Str(text) => {
                // one quote style inside, so that the repr `kernel='...'` reads back
                let text = text.replace('\'', "\"");
                parse_kernel(&text).map_err(|message| BuildError::Unsupported {
                    kind: NAME,
                    name: "kernel",
                    message,
                })?;
                Some(text)
            }
            _ => None,
        };
        Ok(GaussianProcessParams {
            kernel,
            alpha: v.float("alpha"),
            optimize: !matches!(v.get("optimizer"), Value::None),
            n_restarts_optimizer: v.usize("n_restarts_optimizer"),
            normalize_y: v.bool("normalize_y"),
            n_targets: match v.get("n_targets") {
                Value::Int(i) => Some(i),
                _ => None,
            },
            random_state: v.opt_u64("random_state"),
        })
    }

    fn values(p: &GaussianProcessParams) -> Vec<(&'static str, Value)> {
        vec![
            (
                "kernel",
                p.kernel
                    .as_ref()
                    .map_or(Value::None, |k| Value::Str(k.clone().into())),
            ),
            ("alpha", Value::Float(p.alpha)),
            (
                "optimizer",
                if p.optimize {
                    str_value("fmin_l_bfgs_b")
                } else {
                    Value::None
                },
            ),
            ("n_restarts_optimizer", Value::count(p.n_restarts_optimizer)),
            ("normalize_y", Value::Bool(p.normalize_y)),
            ("n_targets", Value::opt_int(p.n_targets)),
            ("random_state", Value::seed(p.random_state)),
        ]
    }

    fn min_rows(_: &GaussianProcessParams) -> usize {
        1
    }

    fn expected_cost(p: &GaussianProcessParams, n_rows: usize, n_features: usize) -> f64 {
        let (n, f) = dims(n_rows, n_features);
        // one evaluation of the likelihood and its gradient: the Cholesky factorisation and
        // the inverse (n³ flops) and two passes over the kernel's entries (n²), the rows'
        // squared distances (n² f) summed once for all of them; the optimiser takes some tens
        // of evaluations per run when hyper-parameters are free. Measured:
        // GaussianProcessRegressor() on friedman (5000 x 20) took 16 evaluations, ~80 s on
        // one core, ~7e9 units
        let free = p
            .kernel
            .as_deref()
            .map_or(Some(2), |k| parse_kernel(k).ok().map(|k| k.n_free()))
            .unwrap_or(0);
        let evaluations = if p.optimize && free > 0 {
            20.0 * (1.0 + p.n_restarts_optimizer as f64)
        } else {
            0.0
        };
        let step = n * n * n / 400.0 + n * n;
        evaluations * step + n * n * n / 1200.0 + n * n * f / 20.0
    }

    fn fit<'a>(
        p: &GaussianProcessParams,
        x: ArrayView2<'a, f64>,
        y: ArrayView1<'a, f64>,
    ) -> Result<Predictor<'a>, ModelError> {
        let model = fit_gp(p, x, y)?;
        Ok(Box::new(move |t| Ok(model.predict(t))))
    }
}

// ---------------------------------------------------------------------------------------------
// Kernels

/// One hyper-parameter: its value, bounds and whether it is fixed.
#[derive(Clone, Copy, Debug, PartialEq)]
struct Hyper {
    value: f64,
    lo: f64,
    hi: f64,
    fixed: bool,
}

/// Matern's smoothness.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Nu {
    Half,
    ThreeHalves,
    FiveHalves,
    Inf,
}

/// A kernel expression; leaves hold indices into [`Kernel::hypers`].
#[derive(Clone, Debug, PartialEq)]
enum Node {
    Constant(usize),
    Rbf(usize),
    Matern(usize, Nu),
    White(usize),
    Dot(usize),
    /// `alpha` then `length_scale`, scikit-learn's (alphabetical) order.
    Rq(usize, usize),
    Sum(Box<Node>, Box<Node>),
    /// With the range of theta positions of the left and right factors (`[a, b)`, `[b, c)`).
    Product(Box<Node>, Box<Node>, [usize; 3]),
}

/// A parsed kernel: the expression and its hyper-parameters in scikit-learn's order.
#[derive(Clone, Debug, PartialEq)]
struct Kernel {
    root: Node,
    hypers: Vec<Hyper>,
    /// Each hyper-parameter's position in theta (`None`: fixed).
    pos: Vec<Option<usize>>,
    uses_dot: bool,
}

/// What a kernel entry depends on: the squared distance, the dot product (DotProduct only)
/// and whether it is a diagonal entry of the training kernel (WhiteKernel only).
#[derive(Clone, Copy)]
struct Entry {
    d2: f64,
    dot: f64,
    same: bool,
}

impl Kernel {
    fn n_free(&self) -> usize {
        self.hypers.iter().filter(|h| !h.fixed).count()
    }

    /// `what` of each free hyper-parameter, in theta's order.
    fn in_theta_order(&self, what: impl Fn(&Hyper) -> f64) -> Vec<f64> {
        let mut out = vec![0.0; self.n_free()];
        for (h, pos) in self.hypers.iter().zip(&self.pos) {
            if let Some(k) = pos {
                out[*k] = what(h);
            }
        }
        out
    }

    /// theta: the logs of the free hyper-parameters.
    fn theta(&self) -> Vec<f64> {
        self.in_theta_order(|h| h.value.ln())
    }

    /// The log bounds of theta.
    fn bounds(&self) -> (Vec<f64>, Vec<f64>) {
        (
            self.in_theta_order(|h| h.lo.ln()),
            self.in_theta_order(|h| h.hi.ln()),
        )
    }

    /// The hyper-parameters' values at `theta`.
    fn values_at(&self, theta: &[f64]) -> Vec<f64> {
        self.hypers
            .iter()
            .zip(&self.pos)
            .map(|(h, pos)| pos.map_or(h.value, |k| theta[k].exp()))
            .collect()
    }

    /// `(c, l)` where the kernel is `C(c) * RBF(l)`, scikit-learn's default.
    fn scaled_rbf(&self) -> Option<(usize, usize)> {
        match &self.root {
            Node::Product(a, b, _) => match (a.as_ref(), b.as_ref()) {
                (Node::Constant(c), Node::Rbf(l)) => Some((*c, *l)),
                _ => None,
            },
            _ => None,
        }
    }

    /// The kernel's value at `e`, and its derivatives into `grad` if that is not empty, as
    /// [`Kernel::eval`] from the root. The default kernel `C * RBF` skips the walk through the
    /// expression (a third of the Gaussian process's time on 3,750 rows): the same operations
    /// in the same order, so the same bits.
    fn at(&self, e: &Entry, v: &[f64], grad: &mut [f64]) -> f64 {
        let Some((hc, hl)) = self.scaled_rbf() else {
            return self.eval(&self.root, e, v, grad);
        };
        let (kb, r2) = rbf_factor(v[hl], e.d2);
        if !grad.is_empty() {
            self.scaled_rbf_grad((hc, hl), v, kb, r2, grad);
        }
        v[hc] * kb
    }

    /// The default kernel's derivatives at an entry, from its RBF factor `kb` and scaled
    /// distance `r2` ([`rbf_factor`]).
    fn scaled_rbf_grad(
        &self,
        (hc, hl): (usize, usize),
        v: &[f64],
        kb: f64,
        r2: f64,
        g: &mut [f64],
    ) {
        let c = v[hc];
        g.iter_mut().for_each(|g| *g = 0.0);
        if let Some(k) = self.pos[hc] {
            g[k] = c * kb;
        }
        if let Some(k) = self.pos[hl] {
            g[k] = kb * r2 * c;
        }
    }

    /// The kernel's value at `e`; its derivatives with respect to theta go into `grad` when
    /// it is not empty (its length is the number of free hyper-parameters).
    fn eval(&self, node: &Node, e: &Entry, v: &[f64], grad: &mut [f64]) -> f64 {
        let want = !grad.is_empty();
        let mut put = |h: usize, g: f64| {
            if want {
                if let Some(k) = self.pos[h] {
                    grad[k] = g;
                }
            }
        };
        match node {
            Node::Constant(h) => {
                put(*h, v[*h]);
                v[*h]
            }
            Node::Rbf(h) => {
                let l = v[*h];
                let r2 = e.d2 / (l * l);
                let k = exp_or_zero(-0.5 * r2);
                put(*h, k * r2);
                k
            }
            Node::Matern(h, nu) => {
                let l = v[*h];
                let r2 = e.d2 / (l * l);
                let r = r2.sqrt();
                let (k, g) = match nu {
                    Nu::Half => {
                        let k = exp_or_zero(-r);
                        (k, k * r)
                    }
                    Nu::ThreeHalves => {
                        let a = 3f64.sqrt() * r;
                        let ea = exp_or_zero(-a);
                        ((1.0 + a) * ea, 3.0 * r2 * ea)
                    }
                    Nu::FiveHalves => {
                        let a = 5f64.sqrt() * r;
                        let ea = exp_or_zero(-a);
                        (
                            (1.0 + a + a * a / 3.0) * ea,
                            5.0 / 3.0 * r2 * (1.0 + a) * ea,
                        )
                    }
                    Nu::Inf => {
                        let k = exp_or_zero(-0.5 * r2);
                        (k, k * r2)
                    }
                };
                put(*h, g);
                k
            }
            Node::White(h) => {
                let k = if e.same { v[*h] } else { 0.0 };
                put(*h, k);
                k
            }
            Node::Dot(h) => {
                let s2 = v[*h] * v[*h];
                put(*h, 2.0 * s2);
                s2 + e.dot
            }
            Node::Rq(ha, hl) => {
                let (a, l) = (v[*ha], v[*hl]);
                let base = 1.0 + e.d2 / (2.0 * a * l * l);
                let k = base.powf(-a);
                put(*ha, k * (-a * base.ln() + e.d2 / (2.0 * l * l * base)));
                put(*hl, e.d2 * k / (l * l * base));
                k
            }
            Node::Sum(a, b) => self.eval(a, e, v, grad) + self.eval(b, e, v, grad),
            Node::Product(a, b, [lo, mid, hi]) => {
                let ka = self.eval(a, e, v, grad);
                let kb = self.eval(b, e, v, grad);
                if want {
                    grad[*lo..*mid].iter_mut().for_each(|g| *g *= kb);
                    grad[*mid..*hi].iter_mut().for_each(|g| *g *= ka);
                }
                ka * kb
            }
        }
    }

    /// The kernel as scikit-learn prints it, with the values `v`.
    fn describe(&self, node: &Node, v: &[f64]) -> String {
        match node {
            Node::Constant(h) => format!("{}**2", g3(v[*h].sqrt())),
            Node::Rbf(h) => format!("RBF(length_scale={})", g3(v[*h])),
            Node::Matern(h, nu) => {
                let nu = match nu {
                    Nu::Half => "0.5",
                    Nu::ThreeHalves => "1.5",
                    Nu::FiveHalves => "2.5",
                    Nu::Inf => "inf",
                };
                format!("Matern(length_scale={}, nu={nu})", g3(v[*h]))
            }
            Node::White(h) => format!("WhiteKernel(noise_level={})", g3(v[*h])),
            Node::Dot(h) => format!("DotProduct(sigma_0={})", g3(v[*h])),
            Node::Rq(a, l) => format!(
                "RationalQuadratic(alpha={}, length_scale={})",
                g3(v[*a]),
                g3(v[*l])
            ),
            Node::Sum(a, b) => format!("{} + {}", self.describe(a, v), self.describe(b, v)),
            Node::Product(a, b, _) => {
                format!("{} * {}", self.describe(a, v), self.describe(b, v))
            }
        }
    }
}

/// A number as Python's `'{:.3g}'` writes it (near enough for messages).
fn g3(x: f64) -> String {
    if x == 0.0 || !x.is_finite() {
        return format!("{x}");
    }
    let e = x.abs().log10().floor() as i32;
    if !(-5..3).contains(&e) {
        let m = x / 10f64.powi(e);
        let m = format!("{m:.2}");
        let m = m.trim_end_matches('0').trim_end_matches('.');
        format!("{m}e{}{:02}", if e < 0 { '-' } else { '+' }, e.abs())
    } else {
        let decimals = (2 - e).max(0) as usize;
        let s = format!("{x:.decimals$}");
        if s.contains('.') {
            s.trim_end_matches('0').trim_end_matches('.').to_string()
        } else {
            s
        }
    }
}

// ---------------------------------------------------------------------------------------------
// The kernel grammar

#[derive(Clone, Debug, PartialEq)]
enum Tok {
    Num(f64),
    Ident(String),
    Str(String),
    Sym(char),
}

fn tokenize(s: &str) -> Result<Vec<Tok>, String> {
    let b = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        let c = b[i] as char;
        if c.is_ascii_whitespace() {
            i += 1;
        } else if c.is_ascii_digit() || (c == '.' && b.get(i + 1).is_some_and(u8::is_ascii_digit)) {
            let start = i;
            while i < b.len() && (b[i].is_ascii_digit() || b[i] == b'.') {
                i += 1;
            }
            if i < b.len() && (b[i] == b'e' || b[i] == b'E') {
                let mut j = i + 1;
                if j < b.len() && (b[j] == b'+' || b[j] == b'-') {
                    j += 1;
                }
                if j < b.len() && b[j].is_ascii_digit() {
                    i = j;
                    while i < b.len() && b[i].is_ascii_digit() {
                        i += 1;
                    }
                }
            }
            let text = &s[start..i];
            let v: f64 = text
                .parse()
                .map_err(|_| format!("'{text}' is not a number"))?;
            out.push(Tok::Num(v));
        } else if c.is_ascii_alphabetic() || c == '_' {
            let start = i;
            while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'_' || b[i] == b'.') {
                i += 1;
            }
            out.push(Tok::Ident(s[start..i].to_string()));
        } else if c == '"' || c == '\'' {
            let end = s[i + 1..]
                .find(c)
                .ok_or_else(|| "unterminated string in the kernel".to_string())?;
            out.push(Tok::Str(s[i + 1..i + 1 + end].to_string()));
            i += end + 2;
        } else if "()*+,=-".contains(c) {
            out.push(Tok::Sym(c));
            i += 1;
        } else {
            return Err(format!("unexpected character '{c}' in the kernel"));
        }
    }
    Ok(out)
}

/// A kernel argument's value.
#[derive(Clone, Debug)]
enum Arg {
    Num(f64),
    Str(String),
    Pair(f64, f64),
}

/// A term of the expression: a kernel or a bare number (a ConstantKernel when combined).
enum Term {
    Num(f64),
    Node(Node),
}

struct Parser {
    toks: Vec<Tok>,
    at: usize,
    hypers: Vec<Hyper>,
}

const KINDS_ACCEPTED: &str =
    "ConstantKernel (C), RBF, Matern, WhiteKernel, DotProduct, RationalQuadratic";

impl Parser {
    fn peek(&self) -> Option<&Tok> {
        self.toks.get(self.at)
    }
    fn eat(&mut self, c: char) -> bool {
        if self.peek() == Some(&Tok::Sym(c)) {
            self.at += 1;
            true
        } else {
            false
        }
    }
    fn expect(&mut self, c: char) -> Result<(), String> {
        if self.eat(c) {
            Ok(())
        } else {
            Err(format!(
                "expected '{c}' in the kernel, found {}",
                self.found()
            ))
        }
    }
    fn found(&self) -> String {
        match self.peek() {
            None => "the end".into(),
            Some(Tok::Num(v)) => format!("{v}"),
            Some(Tok::Ident(s)) => format!("'{s}'"),
            Some(Tok::Str(s)) => format!("\"{s}\""),
            Some(Tok::Sym(c)) => format!("'{c}'"),
        }
    }

    fn constant(&mut self, v: f64) -> Result<Node, String> {
        self.hyper("constant_value", Arg::Num(v), None)
            .map(|h| Node::Constant(self.push(h)))
    }
    fn push(&mut self, h: Hyper) -> usize {
        self.hypers.push(h);
        self.hypers.len() - 1
    }

    /// A hyper-parameter from its value and bounds (default (1e-5, 1e5)).
    fn hyper(&self, name: &str, value: Arg, bounds: Option<Arg>) -> Result<Hyper, String> {
        let value = match value {
            Arg::Num(v) if v > 0.0 && v.is_finite() => v,
            Arg::Num(v) => return Err(format!("{name}={v} must be a positive number")),
            _ => {
                return Err(format!(
                    "{name} must be a positive number (anisotropic length scales are not \
                     supported)"
                ))
            }
        };
        let (lo, hi, fixed) = match bounds {
            None => (1e-5, 1e5, false),
            Some(Arg::Str(s)) if s == "fixed" => (value, value, true),
            Some(Arg::Pair(lo, hi)) if lo > 0.0 && hi >= lo && hi.is_finite() => (lo, hi, false),
            Some(_) => {
                return Err(format!(
                    "{name}'s bounds must be \"fixed\" or (lo, hi) with 0 < lo <= hi < inf"
                ))
            }
        };
        Ok(Hyper {
            value,
            lo,
            hi,
            fixed,
        })
    }

    fn expr(&mut self) -> Result<Term, String> {
        let mut left = self.term()?;
        while self.eat('+') {
            let right = self.term()?;
            left = Term::Node(Node::Sum(
                Box::new(self.as_node(left)?),
                Box::new(self.as_node(right)?),
            ));
        }
        Ok(left)
    }

    /// A bare number beside a kernel is a ConstantKernel (as `1.0 * RBF()` in Python).
    fn as_node(&mut self, t: Term) -> Result<Node, String> {
        match t {
            Term::Node(n) => Ok(n),
            Term::Num(v) => self.constant(v),
        }
    }

    fn term(&mut self) -> Result<Term, String> {
        let mut left = self.factor()?;
        while self.eat('*') {
            if self.peek() == Some(&Tok::Sym('*')) {
                return Err("exponentiation (**) of kernels is not supported".into());
            }
            let right = self.factor()?;
            if let (Term::Num(_), Term::Num(_)) = (&left, &right) {
                return Err("a product of two numbers is not a kernel".into());
            }
            // (the ranges of theta positions are set by `number` once parsed)
            let l = self.as_node(left)?;
            let r = self.as_node(right)?;
            left = Term::Node(Node::Product(Box::new(l), Box::new(r), [0; 3]));
        }
        Ok(left)
    }

    fn factor(&mut self) -> Result<Term, String> {
        match self.peek().cloned() {
            Some(Tok::Num(v)) => {
                self.at += 1;
                Ok(Term::Num(v))
            }
            Some(Tok::Sym('(')) => {
                self.at += 1;
                let e = self.expr()?;
                self.expect(')')?;
                Ok(e)
            }
            Some(Tok::Ident(name)) => {
                self.at += 1;
                self.call(&name).map(Term::Node)
            }
            _ => Err(format!(
                "expected a kernel ({KINDS_ACCEPTED}) or a number, found {}",
                self.found()
            )),
        }
    }

    fn arg_value(&mut self) -> Result<Arg, String> {
        match self.peek().cloned() {
            Some(Tok::Num(v)) => {
                self.at += 1;
                Ok(Arg::Num(v))
            }
            Some(Tok::Sym('-')) => {
                self.at += 1;
                match self.arg_value()? {
                    Arg::Num(v) => Ok(Arg::Num(-v)),
                    _ => Err("a minus sign needs a number".into()),
                }
            }
            Some(Tok::Ident(w))
                if matches!(w.as_str(), "inf" | "np.inf" | "numpy.inf" | "math.inf") =>
            {
                self.at += 1;
                Ok(Arg::Num(f64::INFINITY))
            }
            Some(Tok::Str(s)) => {
                self.at += 1;
                Ok(Arg::Str(s))
            }
            Some(Tok::Sym('(')) => {
                self.at += 1;
                let a = self.arg_value()?;
                self.expect(',')?;
                let b = self.arg_value()?;
                self.eat(',');
                self.expect(')')?;
                match (a, b) {
                    (Arg::Num(a), Arg::Num(b)) => Ok(Arg::Pair(a, b)),
                    _ => Err("bounds must be a pair of numbers".into()),
                }
            }
            _ => Err(format!(
                "expected a number, a string or (lo, hi), found {}",
                self.found()
            )),
        }
    }

    /// A kernel call: its arguments by position or name, checked against `names`.
    fn call(&mut self, name: &str) -> Result<Node, String> {
        let names: &[&str] = match name {
            "ConstantKernel" | "C" => &["constant_value", "constant_value_bounds"],
            "RBF" => &["length_scale", "length_scale_bounds"],
            "Matern" => &["length_scale", "length_scale_bounds", "nu"],
            "WhiteKernel" => &["noise_level", "noise_level_bounds"],
            "DotProduct" => &["sigma_0", "sigma_0_bounds"],
            "RationalQuadratic" => &[
                "length_scale",
                "alpha",
                "length_scale_bounds",
                "alpha_bounds",
            ],
            other => {
                return Err(format!(
                    "unsupported kernel '{other}'; supported: {KINDS_ACCEPTED}, their sums \
                     and products"
                ))
            }
        };
        self.expect('(')?;
        let mut args: Vec<Option<Arg>> = vec![None; names.len()];
        let mut positional = 0;
        while !self.eat(')') {
            let keyword = match (self.peek().cloned(), self.toks.get(self.at + 1)) {
                (Some(Tok::Ident(k)), Some(Tok::Sym('='))) => {
                    self.at += 2;
                    Some(k)
                }
                _ => None,
            };
            let value = self.arg_value()?;
            let slot = match keyword {
                Some(k) => names
                    .iter()
                    .position(|n| *n == k)
                    .ok_or_else(|| format!("{name} has no parameter '{k}'"))?,
                None => {
                    positional += 1;
                    if positional > names.len() {
                        return Err(format!("too many arguments to {name}"));
                    }
                    positional - 1
                }
            };
            if args[slot].is_some() {
                return Err(format!("{name}: '{}' given twice", names[slot]));
            }
            args[slot] = Some(value);
            if !self.eat(',') {
                self.expect(')')?;
                break;
            }
        }
        let mut take = |i: usize| args[i].take();
        let one = |a: Option<Arg>| a.unwrap_or(Arg::Num(1.0));
        Ok(match name {
            "ConstantKernel" | "C" => {
                let h = self.hyper(names[0], one(take(0)), take(1))?;
                Node::Constant(self.push(h))
            }
            "RBF" => {
                let h = self.hyper(names[0], one(take(0)), take(1))?;
                Node::Rbf(self.push(h))
            }
            "Matern" => {
                let h = self.hyper(names[0], one(take(0)), take(1))?;
                let nu = match take(2) {
                    None => Nu::ThreeHalves,
                    Some(Arg::Num(0.5)) => Nu::Half,
                    Some(Arg::Num(1.5)) => Nu::ThreeHalves,
                    Some(Arg::Num(2.5)) => Nu::FiveHalves,
                    Some(Arg::Num(v)) if v == f64::INFINITY => Nu::Inf,
                    Some(_) => {
                        return Err(
                            "Matern's nu must be 0.5, 1.5, 2.5 or inf (other values need \
                             Bessel functions: not supported)"
                                .into(),
                        )
                    }
                };
                Node::Matern(self.push(h), nu)
            }
            "WhiteKernel" => {
                let h = self.hyper(names[0], one(take(0)), take(1))?;
                Node::White(self.push(h))
            }
            "DotProduct" => {
                let h = self.hyper(names[0], one(take(0)), take(1))?;
                Node::Dot(self.push(h))
            }
            _ => {
                let length = self.hyper(names[0], one(take(0)), take(2))?;
                let alpha = self.hyper(names[1], one(take(1)), take(3))?;
                let a = self.push(alpha);
                let l = self.push(length);
                Node::Rq(a, l)
            }
        })
    }
}

/// Numbers the free hyper-parameters in the order of the leaves (scikit-learn's theta order)
/// and records each product's ranges; returns the next free position.
fn number(node: &mut Node, hypers: &[Hyper], pos: &mut [Option<usize>], next: usize) -> usize {
    let mut leaf = |h: usize, next: usize| {
        if hypers[h].fixed {
            next
        } else {
            pos[h] = Some(next);
            next + 1
        }
    };
    match node {
        Node::Constant(h) | Node::Rbf(h) | Node::Matern(h, _) | Node::White(h) | Node::Dot(h) => {
            leaf(*h, next)
        }
        Node::Rq(a, l) => {
            let next = leaf(*a, next);
            leaf(*l, next)
        }
        Node::Sum(a, b) => {
            let mid = number(a, hypers, pos, next);
            number(b, hypers, pos, mid)
        }
        Node::Product(a, b, ranges) => {
            let mid = number(a, hypers, pos, next);
            let end = number(b, hypers, pos, mid);
            *ranges = [next, mid, end];
            end
        }
    }
}

/// Parses a kernel expression.
fn parse_kernel(text: &str) -> Result<Kernel, String> {
    let mut parser = Parser {
        toks: tokenize(text)?,
        at: 0,
        hypers: Vec::new(),
    };
    let term = parser.expr()?;
    if parser.at != parser.toks.len() {
        return Err(format!(
            "unexpected {} after the kernel expression",
            parser.found()
        ));
    }
    let mut root = match term {
        Term::Node(n) => n,
        Term::Num(_) => return Err("a number alone is not a kernel".into()),
    };
    let hypers = parser.hypers;
    let mut pos = vec![None; hypers.len()];
    number(&mut root, &hypers, &mut pos, 0);
    let uses_dot = hypers_use_dot(&root);
    Ok(Kernel {
        root,
        hypers,
        pos,
        uses_dot,
    })
}

fn hypers_use_dot(node: &Node) -> bool {
    match node {
        Node::Dot(_) => true,
        Node::Sum(a, b) | Node::Product(a, b, _) => hypers_use_dot(a) || hypers_use_dot(b),
        _ => false,
    }
}

/// The RBF factor `exp(-r2 / 2)` of a squared distance `d2` at length scale `l`, and `r2`.
fn rbf_factor(l: f64, d2: f64) -> (f64, f64) {
    let r2 = scaled_distance(l, d2);
    (exp_or_zero(-0.5 * r2), r2)
}

fn scaled_distance(l: f64, d2: f64) -> f64 {
    d2 / (l * l)
}

/// `x.exp()`, answered 0 without calling libm where the result is 0 anyway: below
/// ln(2^-1075) = -745.13 the exact value rounds to zero, and libm takes its slow
/// underflow path (it sets `errno`) to say so. On a table with one-hot columns most of an RBF
/// kernel's entries are that small (a fifth of the Gaussian process's time went there).
fn exp_or_zero(x: f64) -> f64 {
    if x < -745.5 {
        0.0
    } else {
        x.exp()
    }
}

/// scikit-learn 1.9.1's default kernel, `ConstantKernel() * RBF()`.
const DEFAULT_KERNEL: &str = "ConstantKernel(1.0) * RBF(1.0)";

// ---------------------------------------------------------------------------------------------
// Fitting

/// The rows of a matrix, contiguous, and a copy by feature for [`Rows::sq_distances`].
struct Rows {
    data: Vec<f64>,
    /// Feature `f` of row `i` at `f * n + i`.
    by_feature: Vec<f64>,
    n: usize,
    f: usize,
}

/// How many rows [`Rows::sq_distances`] sums side by side.
const LANES: usize = 16;

impl Rows {
    fn new(x: ArrayView2<f64>) -> Rows {
        Rows {
            data: x.iter().copied().collect(),
            by_feature: x.t().iter().copied().collect(),
            n: x.nrows(),
            f: x.ncols(),
        }
    }
    fn row(&self, i: usize) -> &[f64] {
        &self.data[i * self.f..(i + 1) * self.f]
    }

    /// The squared distance from `q` to each row `from + k` into `out[k]`, for every `k` in
    /// `out`: the same sum as [`entry`]'s, feature by feature in order, so the same bits, but
    /// [`LANES`] rows at a time (one row's sum is a chain of dependent additions; side by side
    /// they fill the vector units instead of waiting).
    fn sq_distances(&self, q: &[f64], from: usize, out: &mut [f64]) {
        let n = self.n;
        let mut blocks = out.chunks_exact_mut(LANES);
        let mut i = from;
        for block in &mut blocks {
            let mut acc = [0.0f64; LANES];
            for (f, &qf) in q.iter().enumerate() {
                let column = &self.by_feature[f * n + i..f * n + i + LANES];
                for (a, &p) in acc.iter_mut().zip(column) {
                    *a += (p - qf) * (p - qf);
                }
            }
            block.copy_from_slice(&acc);
            i += LANES;
        }
        for (k, o) in blocks.into_remainder().iter_mut().enumerate() {
            let mut d2 = 0.0;
            for (f, &qf) in q.iter().enumerate() {
                let p = self.by_feature[f * n + i + k];
                d2 += (p - qf) * (p - qf);
            }
            *o = d2;
        }
    }
}

/// The largest [`Distances`] kept, in bytes: beyond it (some 11,600 training rows) the
/// distances are summed again in each evaluation, whose `n³` work dwarfs them there.
const MAX_KEPT_DISTANCES: usize = 512 << 20;

/// The training rows' squared distances, the lower triangle by columns, summed once by
/// [`Rows::sq_distances`] and read by every evaluation of the likelihood (twice: the fill and
/// the gradient). They do not depend on the hyper-parameters, and on a wide table (hundreds of
/// one-hot columns) summing them took two thirds of the fit. Half an `n x n` matrix more.
struct Distances {
    /// Column `j` (rows `j..n`) from `j * n - j * (j - 1) / 2`; empty when not kept.
    packed: Vec<f64>,
}

impl Distances {
    fn new(x: &Rows) -> Distances {
        let n = x.n;
        let size = n * (n + 1) / 2;
        if size.saturating_mul(std::mem::size_of::<f64>()) > MAX_KEPT_DISTANCES {
            return Distances { packed: Vec::new() };
        }
        let mut packed = vec![0.0; size];
        let mut at = 0;
        for j in 0..n {
            x.sq_distances(x.row(j), j, &mut packed[at..at + n - j]);
            at += n - j;
        }
        Distances { packed }
    }

    /// The squared distances from row `j` to rows `j..rows`: kept, or summed into `scratch`.
    fn column<'s>(
        &'s self,
        x: &Rows,
        j: usize,
        rows: usize,
        scratch: &'s mut Vec<f64>,
    ) -> &'s [f64] {
        if self.packed.is_empty() {
            scratch.resize(rows - j, 0.0);
            x.sq_distances(x.row(j), j, scratch);
            return scratch;
        }
        let start = j * x.n - j * j.saturating_sub(1) / 2;
        &self.packed[start..start + rows - j]
    }
}

#[cfg(test)]
fn entry(a: &[f64], b: &[f64], dot: bool, same: bool) -> Entry {
    let mut d2 = 0.0;
    for (p, q) in a.iter().zip(b) {
        d2 += (p - q) * (p - q);
    }
    with_distance(a, b, d2, dot, same)
}

/// [`entry`] with its squared distance `d2` already summed ([`Rows::sq_distances`]).
fn with_distance(a: &[f64], b: &[f64], d2: f64, dot: bool, same: bool) -> Entry {
    let dot = if dot {
        a.iter().zip(b).map(|(p, q)| p * q).sum()
    } else {
        0.0
    };
    Entry {
        d2: if same { 0.0 } else { d2 },
        dot,
        same,
    }
}

/// The training data and the two reusable `n x n` buffers of the likelihood.
struct Likelihood<'k> {
    kernel: &'k Kernel,
    x: Rows,
    y: Array1<f64>,
    alpha: f64,
    /// The rows' squared distances, summed once for every evaluation (see [`Distances`]).
    d2: Distances,
    /// The kernel, then its factor, then (for the gradient) the lower triangle of its inverse.
    a: Mat<f64>,
    /// `L^-1` while the inverse is formed (allocated on the first gradient).
    work: Option<Mat<f64>>,
    /// The last few evaluations, newest last: scipy's L-BFGS-B comes back to a point it has
    /// evaluated (after a failed line search it evaluates its start again, and the fit then
    /// factors the kernel at the optimum once more), and an evaluation is an `n³` job.
    memo: Vec<Evaluation>,
    /// The smallest squared distance between two training rows (see [`Likelihood::near_diagonal`]),
    /// once it has been looked for.
    min_d2: Option<f64>,
}

/// How far from diagonal a kernel matrix `d (I + F)` may be for [`Likelihood::near_diagonal`]:
/// the largest sum of a row of `F`. Its series then stops after the first order with an error
/// of `1e-18` of the terms it keeps, far below the rounding of a Cholesky factorisation.
const NEAR_DIAGONAL: f64 = 1e-9;

/// One evaluation of the likelihood, kept for [`Likelihood::memo`].
struct Evaluation {
    theta: Vec<f64>,
    lml: f64,
    grad: Vec<f64>,
    /// `(K + alpha I)^-1 y` where the kernel was positive definite.
    coef: Option<Array1<f64>>,
}

/// How many evaluations [`Likelihood::memo`] keeps.
const MEMO: usize = 4;

/// Where the strict upper triangle of an `n x n` matrix keeps a value of the entry `(i, j)`,
/// `i > j`: entry `i - j - 1` of column `n - 1 - j`, so that a column of the lower triangle
/// maps to one contiguous column of the upper.
fn spare(n: usize, i: usize, j: usize) -> (usize, usize) {
    (i - j - 1, n - 1 - j)
}

/// The size of the leading block that [`Likelihood::factor`] tries first.
const LEADING_BLOCK: usize = 256;

impl<'k> Likelihood<'k> {
    /// The likelihood of `y` on the rows of `x`, with its `n x n` buffer allocated.
    fn new(kernel: &'k Kernel, x: ArrayView2<f64>, y: Array1<f64>, alpha: f64) -> Self {
        let n = y.len();
        let rows = Rows::new(x);
        Likelihood {
            kernel,
            d2: Distances::new(&rows),
            x: rows,
            y,
            alpha,
            a: Mat::zeros(n, n),
            work: None,
            memo: Vec::new(),
            min_d2: None,
        }
    }

    fn n(&self) -> usize {
        self.y.len()
    }

    /// Fills the lower triangle of `m` with `K + alpha I` at the values `v` on the first
    /// `m.nrows()` rows. For the default kernel the strict upper triangle of `keep` takes each
    /// entry's RBF factor ([`spare`]; `NaN` where its scaled distance is not finite), so that
    /// the gradient needs no second `exp`: `keep` is the buffer of `L^-1`, whose forming reads
    /// and writes only its lower triangle (the factorisation, though, uses the upper triangle
    /// of the matrix it factors).
    fn fill(&self, m: &mut Mat<f64>, mut keep: Option<&mut Mat<f64>>, v: &[f64]) {
        let n = m.nrows();
        let fast = self.kernel.scaled_rbf();
        let mut scratch = Vec::new();
        for j in 0..n {
            let xj = self.x.row(j);
            let d2 = self.d2.column(&self.x, j, n, &mut scratch);
            for (i, &d) in (j..n).zip(d2) {
                let e = with_distance(self.x.row(i), xj, d, self.kernel.uses_dot, i == j);
                let mut k = match fast {
                    Some((hc, hl)) => {
                        let (kb, r2) = rbf_factor(v[hl], e.d2);
                        if let Some(keep) = keep.as_deref_mut().filter(|_| i != j) {
                            keep[spare(n, i, j)] = if r2.is_finite() { kb } else { f64::NAN };
                        }
                        v[hc] * kb
                    }
                    None => self.kernel.at(&e, v, &mut []),
                };
                if i == j {
                    k += self.alpha;
                }
                m[(i, j)] = k;
            }
        }
    }

    /// Factorises `K + alpha I` at `v` in place; false if it is not positive definite.
    ///
    /// The factor's first columns are those of the leading block's own factor, so a kernel
    /// that fails there fails without the rest being filled: scipy's L-BFGS-B tries the
    /// bounds' corner early, where the kernel is all but constant and the factorisation
    /// fails within its first hundred columns, after a fill that cost a tenth of the fit.
    fn factor(&mut self, v: &[f64]) -> bool {
        if self.n() > 2 * LEADING_BLOCK {
            let mut lead = Mat::zeros(LEADING_BLOCK, LEADING_BLOCK);
            self.fill(&mut lead, None, v);
            if !dense::cholesky_in_place(&mut lead) {
                return false;
            }
        }
        let mut a = std::mem::replace(&mut self.a, Mat::new());
        let mut work = self.work.take();
        self.fill(&mut a, work.as_mut(), v);
        (self.a, self.work) = (a, work);
        dense::cholesky_in_place(&mut self.a)
    }

    /// An evaluation at exactly these values (bit for bit) gives exactly the same results, so
    /// the memo's copy is as good as a new one.
    fn remembered(&self, theta: &[f64]) -> Option<&Evaluation> {
        let same = |a: &[f64]| {
            a.len() == theta.len() && a.iter().zip(theta).all(|(p, q)| p.to_bits() == q.to_bits())
        };
        self.memo.iter().rev().find(|e| same(&e.theta))
    }

    fn remember(&mut self, theta: &[f64], lml: f64, grad: &[f64], coef: Option<Array1<f64>>) {
        if self.memo.len() == MEMO {
            self.memo.remove(0);
        }
        self.memo.push(Evaluation {
            theta: theta.to_vec(),
            lml,
            grad: grad.to_vec(),
            coef,
        });
    }

    /// The log marginal likelihood and its gradient at theta; `-inf` (and a zero gradient)
    /// where the kernel is not positive definite, as scikit-learn. Remembered: see `memo`.
    fn value(&mut self, theta: &[f64]) -> (f64, Vec<f64>) {
        if let Some(e) = self.remembered(theta) {
            return (e.lml, e.grad.clone());
        }
        let (lml, grad, coef) = self.evaluate(theta);
        self.remember(theta, lml, &grad, coef);
        (lml, grad)
    }

    fn evaluate(&mut self, theta: &[f64]) -> (f64, Vec<f64>, Option<Array1<f64>>) {
        let v = self.kernel.values_at(theta);
        if let Some(near) = self.near_diagonal(&v, theta.len()) {
            return near;
        }
        self.evaluate_factored(theta)
    }

    /// The smallest squared distance between two different training rows (infinite for one
    /// row), summed on the first call.
    fn min_d2(&mut self) -> f64 {
        if let Some(d) = self.min_d2 {
            return d;
        }
        let n = self.n();
        let mut scratch = Vec::new();
        let mut least = f64::INFINITY;
        for j in 0..n {
            let d2 = self.d2.column(&self.x, j, n, &mut scratch);
            least = d2[1..].iter().fold(least, |a, &b| a.min(b));
        }
        self.min_d2 = Some(least);
        least
    }

    /// The evaluation without a factorisation, where the default kernel's matrix is diagonal
    /// to working precision: `K = d (I + F)`, `d = c + alpha`, `F`'s entries the RBF's
    /// off-diagonal ones over `d`, every row of `F` summing to at most [`NEAR_DIAGONAL`]
    /// (then `|F| <= NEAR_DIAGONAL`). There, to the first order in `F` (the next term is a
    /// billionth of it):
    /// `K^-1 = (I - F) / d`, `log det K = n ln d - |F|_F^2 / 2`, each `O(n^2)`.
    ///
    /// This is the RBF kernel whose length scale is small beside the distances between the
    /// rows: on a wide table with one-hot columns, at scikit-learn's starting point, and on
    /// some tables along its whole path (the 900-row wide fixture: twenty evaluations that
    /// move the length scale by billionths, each otherwise an `n^3` factorisation and
    /// inverse). The results agree with the factorisation's to its own rounding (a test holds
    /// both).
    /// `None` elsewhere: another kernel, or a matrix further from diagonal.
    fn near_diagonal(
        &mut self,
        v: &[f64],
        m: usize,
    ) -> Option<(f64, Vec<f64>, Option<Array1<f64>>)> {
        let (hc, hl) = self.kernel.scaled_rbf()?;
        let n = self.n();
        let (c, l) = (v[hc], v[hl]);
        let d = c + self.alpha;
        if n < 2 || !(c > 0.0 && d.is_finite() && l > 0.0 && l.is_finite()) {
            return None;
        }
        // the closest rows bound every row's sum: skip the pass where it cannot succeed
        let bound = (n - 1) as f64 * c * rbf_factor(l, self.min_d2()).0 / d;
        if bound.is_nan() || bound > 1e3 * NEAR_DIAGONAL {
            return None;
        }
        // the RBF factors into the lower triangle of `a` (the factorisation's buffer, free
        // here), with each row's sum of `F`, `F y` and `|F|_F^2`
        let y = self.y.to_vec();
        let mut row_sum = vec![0.0; n];
        let mut fy = vec![0.0; n];
        let mut frobenius = 0.0;
        let mut scratch = Vec::new();
        let scale = c / d;
        for j in 0..n {
            let d2 = &self.d2.column(&self.x, j, n, &mut scratch)[1..];
            let factors = &mut self.a.col_as_slice_mut(j)[j + 1..];
            let (mut sum_j, mut fy_j) = (0.0, 0.0);
            for (k, (kb_out, &dd)) in factors.iter_mut().zip(d2).enumerate() {
                let i = j + 1 + k;
                let (kb, r2) = rbf_factor(l, dd);
                if !r2.is_finite() {
                    return None;
                }
                *kb_out = kb;
                let f = scale * kb;
                row_sum[i] += f;
                fy[i] += f * y[j];
                sum_j += f;
                fy_j += f * y[i];
                frobenius += 2.0 * f * f;
            }
            row_sum[j] += sum_j;
            fy[j] += fy_j;
        }
        if row_sum.iter().any(|&r| r.is_nan() || r > NEAR_DIAGONAL) {
            return None;
        }
        let coef = Array1::from_shape_fn(n, |i| (y[i] - fy[i]) / d);
        // half the log-determinant, as the factor's `sum ln L_ii`
        let log_det = 0.5 * (n as f64 * d.ln() - 0.5 * frobenius);
        let lml =
            -0.5 * self.y.dot(&coef) - log_det - n as f64 / 2.0 * (2.0 * std::f64::consts::PI).ln();
        if m == 0 {
            return Some((lml, vec![], Some(coef)));
        }
        // the gradient as `evaluate_factored` sums it, with `K^-1`'s entries to the first
        // order: `1 / d` on the diagonal, `-F_ij / d` off it
        let (kc, kl) = (self.kernel.pos[hc], self.kernel.pos[hl]);
        let alpha = coef.to_vec();
        let (mut gc, mut gl) = (0.0, 0.0);
        for j in 0..n {
            let d2 = &self.d2.column(&self.x, j, n, &mut scratch)[1..];
            let factors = &self.a.col_as_slice(j)[j + 1..];
            // the diagonal: RBF factor 1 and scaled distance 0
            gc += (alpha[j] * alpha[j] - 1.0 / d) * c;
            for ((&kb, &dd), &ai) in factors.iter().zip(d2).zip(&alpha[j + 1..]) {
                let w = 2.0 * (ai * alpha[j] + scale * kb / d);
                gc += w * (c * kb);
                gl += w * (kb * scaled_distance(l, dd) * c);
            }
        }
        let mut acc = vec![0.0; m];
        if let Some(k) = kc {
            acc[k] = 0.5 * gc;
        }
        if let Some(k) = kl {
            acc[k] = 0.5 * gl;
        }
        Some((lml, acc, Some(coef)))
    }

    /// The evaluation through the Cholesky factorisation of the kernel matrix (and its inverse
    /// for the gradient).
    fn evaluate_factored(&mut self, theta: &[f64]) -> (f64, Vec<f64>, Option<Array1<f64>>) {
        let n = self.n();
        let m = theta.len();
        let v = self.kernel.values_at(theta);
        if m > 0 && self.work.is_none() {
            // `L^-1`'s buffer, which also keeps the fill's RBF factors for the gradient
            self.work = Some(Mat::zeros(n, n));
        }
        if !self.factor(&v) {
            return (f64::NEG_INFINITY, vec![0.0; m], None);
        }
        let coef = dense::factor_solve(self.a.as_ref(), self.y.view());
        let log_det: f64 = (0..n).map(|i| self.a[(i, i)].ln()).sum();
        let lml =
            -0.5 * self.y.dot(&coef) - log_det - n as f64 / 2.0 * (2.0 * std::f64::consts::PI).ln();
        if m == 0 {
            return (lml, vec![], Some(coef));
        }
        // allocated above, and holding this fill's RBF factors
        let work = self.work.get_or_insert_with(|| Mat::zeros(n, n));
        dense::factor_inverse_in_place(&mut self.a, work);
        let mut acc = vec![0.0; m];
        let mut g = vec![0.0; m];
        let mut scratch = Vec::new();
        // the entry (i, j)'s term of the gradient from the kernel's own derivatives
        let mut generic = |i: usize, j: usize, d2: f64, w: f64, acc: &mut [f64]| {
            let e = with_distance(
                self.x.row(i),
                self.x.row(j),
                d2,
                self.kernel.uses_dot,
                i == j,
            );
            g.iter_mut().for_each(|x| *x = 0.0);
            self.kernel.at(&e, &v, &mut g);
            for (s, gk) in acc.iter_mut().zip(&g) {
                *s += w * gk;
            }
        };
        let weight = |i: usize, j: usize| {
            let w = coef[i] * coef[j] - self.a[(i, j)];
            if i == j {
                w
            } else {
                2.0 * w
            }
        };
        match self.kernel.scaled_rbf() {
            Some((hc, hl)) => {
                // the default kernel: its RBF factors as the fill left them (see `fill`), its
                // derivatives as `Kernel::scaled_rbf_grad` gives them, summed in the same
                // order into where they go in theta (`None`: fixed)
                let (kc, kl) = (self.kernel.pos[hc], self.kernel.pos[hl]);
                let (c, l) = (v[hc], v[hl]);
                for j in 0..n {
                    let d2 = self.d2.column(&self.x, j, n, &mut scratch);
                    generic(j, j, d2[0], weight(j, j), &mut acc);
                    let (top, column) = spare(n, j + 1, j);
                    let factors = &work.col_as_slice(column)[top..top + (n - j - 1)];
                    for ((i, &kb), &d) in (j + 1..n).zip(factors).zip(&d2[1..]) {
                        let w = weight(i, j);
                        if kb.is_nan() {
                            generic(i, j, d, w, &mut acc);
                            continue;
                        }
                        let (gc, gl) = if kb == 0.0 {
                            // both derivatives are `0 * finite`
                            (0.0, 0.0)
                        } else {
                            (c * kb, kb * scaled_distance(l, d) * c)
                        };
                        if let Some(k) = kc {
                            acc[k] += w * gc;
                        }
                        if let Some(k) = kl {
                            acc[k] += w * gl;
                        }
                    }
                }
            }
            None => {
                for j in 0..n {
                    let d2 = self.d2.column(&self.x, j, n, &mut scratch);
                    for (i, &d) in (j..n).zip(d2) {
                        generic(i, j, d, weight(i, j), &mut acc);
                    }
                }
            }
        }
        acc.iter_mut().for_each(|s| *s *= 0.5);
        (lml, acc, Some(coef))
    }
}

/// A fitted Gaussian process: the training rows and the dual coefficients.
pub struct GaussianProcessFit {
    kernel: Kernel,
    values: Vec<f64>,
    x: Rows,
    coef: Array1<f64>,
    y_mean: f64,
    y_std: f64,
}

/// The fitted kernel as scikit-learn prints `kernel_` (for messages and tests).
impl GaussianProcessFit {
    pub fn kernel_description(&self) -> String {
        self.kernel.describe(&self.kernel.root, &self.values)
    }
}

/// Fits as `GaussianProcessRegressor.fit` with one target.
pub fn fit_gp(
    p: &GaussianProcessParams,
    x: ArrayView2<f64>,
    y: ArrayView1<f64>,
) -> Result<GaussianProcessFit, ModelError> {
    if let Some(t) = p.n_targets {
        if t != 1 {
            return Err(fit_error(format!(
                "the number of targets seen in y is different from n_targets: 1 != {t}"
            )));
        }
    }
    let kernel = parse_kernel(p.kernel.as_deref().unwrap_or(DEFAULT_KERNEL))
        .map_err(|m| fit_error(format!("kernel: {m}")))?;
    let n = x.nrows();
    if n.checked_mul(n)
        .and_then(|m| m.checked_mul(2 * std::mem::size_of::<f64>()))
        .is_none_or(|bytes| bytes > isize::MAX as usize)
    {
        return Err(fit_error(format!(
            "the {n} x {n} kernel matrix cannot be allocated"
        )));
    }
    let (y_mean, y_std) = if p.normalize_y {
        let mean = y.mean().unwrap_or(0.0);
        let std = (y.iter().map(|v| (v - mean) * (v - mean)).sum::<f64>() / n as f64).sqrt();
        // scikit-learn's _handle_zeros_in_scale
        (mean, if std < 10.0 * f64::EPSILON { 1.0 } else { std })
    } else {
        (0.0, 1.0)
    };
    let y_train = y.mapv(|v| (v - y_mean) / y_std);
    let mut lik = Likelihood::new(&kernel, x, y_train, p.alpha);
    let mut theta = kernel.theta();
    if p.optimize && !theta.is_empty() {
        let (lo, hi) = kernel.bounds();
        let mut objective = |t: &Array1<f64>| {
            let (lml, g) = lik.value(&t.to_vec());
            if lml.is_finite() && g.iter().all(|v| v.is_finite()) {
                (-lml, Array1::from_iter(g.iter().map(|v| -v)))
            } else {
                (f64::INFINITY, Array1::zeros(t.len()))
            }
        };
        let options = Options::scipy(15000, 1e-5);
        let first = lbfgs::minimize_box(
            &mut objective,
            Array1::from(theta.clone()),
            &lo,
            &hi,
            options,
        );
        let mut best = (first.f, first.x);
        if p.n_restarts_optimizer > 0 {
            let mut rng = RandomState::from_u32(p.random_state.unwrap_or(DEFAULT_SEED) as u32);
            for _ in 0..p.n_restarts_optimizer {
                let start: Array1<f64> = lo
                    .iter()
                    .zip(&hi)
                    .map(|(l, h)| l + (h - l) * random_sample(&mut rng))
                    .collect();
                let run = lbfgs::minimize_box(&mut objective, start, &lo, &hi, options);
                // the first of the smallest, as numpy's argmin
                if run.f < best.0 {
                    best = (run.f, run.x);
                }
            }
        }
        theta = best.1.to_vec();
    }
    drop(lik.work.take());
    let values = kernel.values_at(&theta);
    if let Some(coef) = lik.remembered(&theta).and_then(|e| e.coef.clone()) {
        return Ok(GaussianProcessFit {
            values,
            x: lik.x,
            coef,
            y_mean,
            y_std,
            kernel,
        });
    }
    if !lik.factor(&values) {
        return Err(fit_error(format!(
            "The kernel, {}, is not returning a positive definite matrix. Try gradually \
             increasing the 'alpha' parameter of your GaussianProcessRegressor estimator.",
            kernel.describe(&kernel.root, &values)
        )));
    }
    let coef = dense::factor_solve(lik.a.as_ref(), lik.y.view());
    let x = lik.x;
    Ok(GaussianProcessFit {
        values,
        x,
        coef,
        y_mean,
        y_std,
        kernel,
    })
}

/// numpy's `random_sample` (53 bits from two draws).
fn random_sample(rng: &mut RandomState) -> f64 {
    let a = (rng.next_u32() >> 5) as f64;
    let b = (rng.next_u32() >> 6) as f64;
    (a * 67108864.0 + b) / 9007199254740992.0
}

impl GaussianProcessFit {
    /// The posterior mean `K(t, X) coef`, undone the target's normalisation.
    pub fn predict(&self, t: ArrayView2<f64>) -> Array1<f64> {
        let rows = Rows::new(t);
        let n = self.coef.len();
        let mut d2 = vec![0.0; n];
        Array1::from_shape_fn(t.nrows(), |r| {
            let tr = rows.row(r);
            self.x.sq_distances(tr, 0, &mut d2);
            let mut s = 0.0;
            for (i, (&d, c)) in d2.iter().zip(&self.coef).enumerate() {
                let e = with_distance(tr, self.x.row(i), d, self.kernel.uses_dot, false);
                s += self.kernel.at(&e, &self.values, &mut []) * c;
            }
            s * self.y_std + self.y_mean
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::{array, Array2};

    fn params(kernel: Option<&str>) -> GaussianProcessParams {
        GaussianProcessParams {
            kernel: kernel.map(str::to_string),
            alpha: 1e-10,
            optimize: true,
            n_restarts_optimizer: 0,
            normalize_y: false,
            n_targets: None,
            random_state: None,
        }
    }

    fn data() -> (Array2<f64>, Array1<f64>) {
        let x = Array2::from_shape_fn((12, 2), |(i, j)| {
            ((i * 7 + j * 3) % 11) as f64 / 5.0 + 0.1 * j as f64
        });
        let y = x.map_axis(ndarray::Axis(1), |r| (r[0] * 1.3).sin() + 0.5 * r[1]);
        (x, y)
    }

    #[test]
    fn the_default_kernel_tunes_both_hyper_parameters() {
        let k = parse_kernel(DEFAULT_KERNEL).unwrap();
        assert_eq!(k.theta(), vec![0.0, 0.0]);
        let (lo, hi) = k.bounds();
        assert!((lo[0] - 1e-5f64.ln()).abs() < 1e-12 && (hi[1] - 1e5f64.ln()).abs() < 1e-12);
    }

    #[test]
    fn kernel_expressions_parse_in_scikit_learns_order() {
        let k = parse_kernel(
            "2.0 * RBF(length_scale=3.0) + WhiteKernel(noise_level=0.1, \
             noise_level_bounds=(1e-3, 10.0))",
        )
        .unwrap();
        let t = k.theta();
        assert_eq!(t.len(), 3);
        assert!((t[0] - 2f64.ln()).abs() < 1e-12 && (t[1] - 3f64.ln()).abs() < 1e-12);
        assert!((k.bounds().1[2] - 10f64.ln()).abs() < 1e-12);
        let k =
            parse_kernel("ConstantKernel(2.0, constant_value_bounds=\"fixed\") * RBF()").unwrap();
        assert_eq!(k.theta(), vec![0.0]);
        let k = parse_kernel("RationalQuadratic(length_scale=2.0, alpha=3.0)").unwrap();
        assert!((k.theta()[0] - 3f64.ln()).abs() < 1e-12, "alpha first");
        assert!(parse_kernel("Matern(nu=inf) * (C(1.0) + DotProduct())").is_ok());
        for bad in [
            "Foo()",
            "RBF() ** 2",
            "Matern(nu=3.0)",
            "RBF(length_scale=[1.0, 2.0])",
            "RBF(-1.0)",
            "2.0",
            "2.0 * 3.0",
            "RBF(",
            "RBF(1.0, (2.0, 1.0))",
            "RBF(1.0) +",
        ] {
            assert!(parse_kernel(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn the_default_kernels_shortcut_is_the_expression_bit_for_bit() {
        let (x, _) = data();
        for text in [
            "ConstantKernel(1.0) * RBF(1.0)",
            "ConstantKernel(2.5, 'fixed') * RBF(0.3)",
            "ConstantKernel(0.7) * RBF(1.5, 'fixed')",
        ] {
            let k = parse_kernel(text).unwrap();
            assert!(k.scaled_rbf().is_some(), "{text}");
            let v = k.values_at(&k.theta());
            let m = k.theta().len();
            for i in 0..x.nrows() {
                for j in 0..=i {
                    let e = entry(
                        x.row(i).as_slice().unwrap(),
                        x.row(j).as_slice().unwrap(),
                        false,
                        i == j,
                    );
                    let (mut g1, mut g2) = (vec![0.0; m], vec![0.0; m]);
                    let fast = k.at(&e, &v, &mut g1);
                    let walked = k.eval(&k.root, &e, &v, &mut g2);
                    assert_eq!(fast.to_bits(), walked.to_bits(), "{text}");
                    assert_eq!(g1, g2, "{text}");
                }
            }
        }
        assert!(parse_kernel("RBF(1.0) * ConstantKernel(1.0)")
            .unwrap()
            .scaled_rbf()
            .is_none());
    }

    #[test]
    fn a_kernel_diagonal_to_working_precision_evaluates_as_its_factorisation() {
        // rows at least 7 apart on the first feature: off-diagonal RBF entries up to 2e-11 at
        // length scale 1, far above the rounding, so the first-order terms count
        let n = 60;
        let x = Array2::from_shape_fn((n, 4), |(i, k)| {
            if k == 0 {
                7.0 * i as f64
            } else {
                ((i * 13 + k * 5) % 11) as f64 * 0.3
            }
        });
        let y = Array1::from_shape_fn(n, |i| 40.0 + ((i * 17) % 23) as f64 - 0.5 * i as f64);
        let close = |a: f64, b: f64, scale: f64, what: &str| {
            assert!((a - b).abs() <= 1e-11 * scale, "{what}: {a} against {b}");
        };
        for (kernel, thetas) in [
            (
                "ConstantKernel(1.0) * RBF(1.0)",
                vec![
                    vec![0.0, 0.0],
                    vec![11.512925464970229, 3.4e-10],
                    vec![-2.0, -0.1],
                ],
            ),
            (
                "ConstantKernel(2.0, constant_value_bounds='fixed') * RBF(1.0)",
                vec![vec![0.0], vec![0.05]],
            ),
        ] {
            let k = parse_kernel(kernel).unwrap();
            for alpha in [1e-10, 0.5] {
                let mut lik = Likelihood::new(&k, x.view(), y.clone(), alpha);
                for t in &thetas {
                    let v = k.values_at(t);
                    let (lml, g, coef) = lik.near_diagonal(&v, t.len()).expect("near diagonal");
                    let (want_lml, want_g, want_coef) = lik.evaluate_factored(t);
                    close(lml, want_lml, want_lml.abs(), "lml");
                    for (a, b) in g.iter().zip(&want_g) {
                        close(*a, *b, n as f64 * b.abs().max(1.0), "gradient");
                    }
                    let (coef, want_coef) = (coef.unwrap(), want_coef.unwrap());
                    for (a, b) in coef.iter().zip(&want_coef) {
                        close(*a, *b, b.abs(), "coef");
                    }
                    // and the evaluation takes it
                    assert_eq!(lik.evaluate(t).0.to_bits(), lml.to_bits());
                }
                // longer length scales bring the rows within reach: the factorisation's turn
                for t in [vec![0.0, 0.5], vec![0.0, 3.0]] {
                    if k.n_free() == 2 {
                        assert!(lik.near_diagonal(&k.values_at(&t), 2).is_none());
                    }
                }
            }
        }
        // another kernel never takes this route
        let k = parse_kernel("RBF(1.0)").unwrap();
        let mut lik = Likelihood::new(&k, x.view(), y.clone(), 1e-10);
        assert!(lik.near_diagonal(&k.values_at(&[0.0]), 1).is_none());
    }

    #[test]
    fn a_remembered_evaluation_is_a_fresh_one_bit_for_bit() {
        let (x, y) = data();
        let k = parse_kernel("ConstantKernel(1.0) * RBF(1.0)").unwrap();
        let mut lik = Likelihood::new(&k, x.view(), y.clone(), 1e-10);
        let points: Vec<Vec<f64>> = (0..6).map(|i| vec![0.1 * i as f64, -0.2]).collect();
        let first: Vec<_> = points.iter().map(|t| lik.value(t)).collect();
        assert_eq!(lik.memo.len(), MEMO);
        for (t, (lml, g)) in points.iter().zip(&first).rev().take(MEMO) {
            let again = lik.value(t);
            let (fresh_lml, fresh_g, fresh_coef) = lik.evaluate(t);
            assert_eq!(again, (*lml, g.clone()));
            assert_eq!((fresh_lml.to_bits(), fresh_g), (lml.to_bits(), g.clone()));
            assert_eq!(lik.remembered(t).and_then(|e| e.coef.clone()), fresh_coef);
        }
        // the oldest were forgotten
        assert!(lik.remembered(&points[0]).is_none());
    }

    #[test]
    fn side_by_side_distances_are_entrys_bit_for_bit() {
        // rows of unlike magnitudes, so that the order of the sum shows in the last bits; row
        // counts around the lanes, and starts inside and past the whole blocks
        for (n, f) in [(1usize, 3usize), (15, 4), (16, 1), (37, 7), (70, 13)] {
            let x = Array2::from_shape_fn((n, f), |(i, k)| {
                ((i * 31 + k * 17) % 23) as f64 * 10f64.powi((k % 5) as i32 - 2) + 0.1 * i as f64
            });
            let rows = Rows::new(x.view());
            for from in [0, 1, n / 2, n - 1] {
                for q in [0, n / 3, n - 1] {
                    let mut out = vec![f64::NAN; n - from];
                    rows.sq_distances(rows.row(q), from, &mut out);
                    for (k, d2) in out.iter().enumerate() {
                        let want = entry(rows.row(from + k), rows.row(q), false, false).d2;
                        assert_eq!(d2.to_bits(), want.to_bits(), "n {n} from {from} row {k}");
                    }
                }
            }
        }
    }

    #[test]
    fn kept_distances_are_the_summed_ones_bit_for_bit() {
        for (n, f) in [(1usize, 2usize), (5, 3), (40, 9)] {
            let x = Array2::from_shape_fn((n, f), |(i, k)| {
                ((i * 13 + k * 7) % 11) as f64 * 10f64.powi((k % 4) as i32 - 1) - 0.3 * i as f64
            });
            let rows = Rows::new(x.view());
            let kept = Distances::new(&rows);
            let summed = Distances { packed: Vec::new() };
            assert_eq!(kept.packed.len(), n * (n + 1) / 2);
            let (mut a, mut b) = (Vec::new(), Vec::new());
            for j in 0..n {
                for rows_to in [j + 1, (j + 3).min(n), n] {
                    let want = summed.column(&rows, j, rows_to, &mut b).to_vec();
                    let got = kept.column(&rows, j, rows_to, &mut a);
                    assert_eq!(got.len(), rows_to - j);
                    assert_eq!(got.len(), want.len());
                    for (k, (g, w)) in got.iter().zip(&want).enumerate() {
                        assert_eq!(g.to_bits(), w.to_bits(), "n {n} column {j} row {}", j + k);
                    }
                    assert_eq!(got[0], 0.0);
                }
            }
        }
    }

    #[test]
    fn exp_or_zero_is_exp_bit_for_bit() {
        let mut x = -800.0;
        while x < 5.0 {
            assert_eq!(exp_or_zero(x).to_bits(), x.exp().to_bits(), "{x}");
            x += if (-746.0..-744.0).contains(&x) {
                1e-4
            } else {
                0.01
            };
        }
        for x in [
            -745.5,
            -745.4999999,
            -745.2,
            -745.13,
            f64::NEG_INFINITY,
            -0.0,
        ] {
            assert_eq!(exp_or_zero(x).to_bits(), x.exp().to_bits(), "{x}");
        }
    }

    /// Rows far apart (most RBF factors underflow to 0), and one so far out that its
    /// squared distances overflow.
    fn spread_data(huge: bool) -> (Array2<f64>, Array1<f64>) {
        let (mut x, y) = data();
        for i in (0..x.nrows()).step_by(3) {
            x.row_mut(i).mapv_inplace(|v| v * 40.0 + i as f64 * 9.0);
        }
        if huge {
            x[(5, 0)] = 1e200;
        }
        (x, y)
    }

    #[test]
    fn the_kept_rbf_factors_give_the_expressions_gradient_bit_for_bit() {
        for (huge, text) in [
            (false, "ConstantKernel(1.0) * RBF(1.0)"),
            (false, "ConstantKernel(2.5, 'fixed') * RBF(0.3)"),
            (true, "ConstantKernel(0.7) * RBF(1.5)"),
        ] {
            let (x, y) = spread_data(huge);
            let k = parse_kernel(text).unwrap();
            let mut lik = Likelihood::new(&k, x.view(), y.clone(), 1e-3);
            let theta = k.theta();
            let v = k.values_at(&theta);
            let (_, g, coef) = lik.evaluate(&theta);
            let coef = coef.unwrap();
            // the gradient as the expression gives it entry by entry; `a` holds the inverse
            let (n, m) = (y.len(), theta.len());
            let (mut want, mut e_grad) = (vec![0.0; m], vec![0.0; m]);
            let mut zeros = 0;
            for j in 0..n {
                for i in j..n {
                    let e = entry(lik.x.row(i), lik.x.row(j), false, i == j);
                    zeros += usize::from(k.eval(&k.root, &e, &v, &mut e_grad) == 0.0);
                    let w = coef[i] * coef[j] - lik.a[(i, j)];
                    let w = if i == j { w } else { 2.0 * w };
                    for (s, gk) in want.iter_mut().zip(&e_grad) {
                        *s += w * gk;
                    }
                }
            }
            want.iter_mut().for_each(|s| *s *= 0.5);
            assert!(
                zeros > n,
                "{text}: the data have underflowing entries ({zeros})"
            );
            for (a, b) in g.iter().zip(&want) {
                assert!(
                    a.to_bits() == b.to_bits() || (a.is_nan() && b.is_nan()),
                    "{text}"
                );
            }
            assert_eq!(g.iter().any(|v| v.is_nan()), huge, "{text}");
        }
    }

    #[test]
    fn the_leading_block_fails_exactly_when_the_whole_factor_does() {
        let k = parse_kernel(DEFAULT_KERNEL).unwrap();
        let (lo, hi) = k.bounds();
        let (mut fails, mut passes) = (0, 0);
        for f in [1usize, 4, 12, 30] {
            let n = 2 * LEADING_BLOCK + 90;
            let x = Array2::from_shape_fn((n, f), |(i, j)| {
                let t = (i * (j + 3) * 2654435761usize % 1000) as f64 / 500.0 - 1.0;
                if j % 3 == 2 {
                    (t > 0.0) as u8 as f64
                } else {
                    t
                }
            });
            let y = x.column(0).to_owned();
            let mut lik = Likelihood::new(&k, x.view(), y, 1e-10);
            for theta in [
                vec![0.0, 0.0],
                vec![hi[0], hi[1]],
                vec![hi[0], lo[1]],
                vec![lo[0], hi[1]],
                vec![0.0, 4.0],
                vec![2.0, 7.0],
            ] {
                let v = k.values_at(&theta);
                let mut whole = Mat::zeros(n, n);
                lik.fill(&mut whole, None, &v);
                let want = dense::cholesky_in_place(&mut whole);
                assert_eq!(lik.factor(&v), want, "{f} features at {theta:?}");
                if want {
                    passes += 1;
                } else {
                    fails += 1;
                }
            }
        }
        assert!(
            fails > 0 && passes > 0,
            "{fails} failures, {passes} successes"
        );
    }

    #[test]
    fn the_gradient_is_the_likelihoods_derivative() {
        let (x, y) = data();
        for text in [
            "2.0 * RBF(0.7) + WhiteKernel(0.3)",
            "RationalQuadratic(0.8, 1.5) * DotProduct(0.5) + WhiteKernel(0.2)",
            "Matern(0.9, nu=0.5) + C(0.5) * Matern(1.1, nu=1.5) + Matern(1.3, nu=2.5)",
        ] {
            let k = parse_kernel(text).unwrap();
            let mut lik = Likelihood::new(&k, x.view(), y.clone(), 1e-2);
            let theta = k.theta();
            let (_, g) = lik.value(&theta);
            for i in 0..theta.len() {
                let h = 1e-6;
                let mut up = theta.clone();
                up[i] += h;
                let mut down = theta.clone();
                down[i] -= h;
                let fd = (lik.value(&up).0 - lik.value(&down).0) / (2.0 * h);
                assert!(
                    (fd - g[i]).abs() < 1e-5 * (1.0 + fd.abs()),
                    "{text} [{i}]: {fd} vs {}",
                    g[i]
                );
            }
        }
    }

    #[test]
    fn without_optimiser_and_noise_it_interpolates() {
        let (x, y) = data();
        let p = GaussianProcessParams {
            optimize: false,
            ..params(Some("RBF(0.5)"))
        };
        let fit = fit_gp(&p, x.view(), y.view()).unwrap();
        let pred = fit.predict(x.view());
        assert!((&pred - &y).iter().all(|d| d.abs() < 1e-4), "{pred} {y}");
        assert_eq!(fit.kernel_description(), "RBF(length_scale=0.5)");
    }

    #[test]
    fn a_singular_kernel_is_scikit_learns_error_not_a_panic() {
        let x = array![[1.0], [1.0], [2.0]];
        let y = array![1.0, 2.0, 3.0];
        let p = GaussianProcessParams {
            optimize: false,
            alpha: 0.0,
            ..params(Some("RBF(1.0)"))
        };
        let e = fit_gp(&p, x.view(), y.view()).err().unwrap().to_string();
        assert!(
            e.contains("is not returning a positive definite matrix"),
            "{e}"
        );
        // one row, constant targets, normalised: fits
        let p = GaussianProcessParams {
            normalize_y: true,
            ..params(None)
        };
        let fit = fit_gp(&p, array![[0.5]].view(), array![3.0].view()).unwrap();
        assert!(fit.predict(array![[0.5]].view())[0].is_finite());
    }

    #[test]
    fn fitting_tunes_towards_a_better_likelihood() {
        let (x, y) = data();
        let p = GaussianProcessParams {
            normalize_y: true,
            n_restarts_optimizer: 2,
            random_state: Some(0),
            ..params(Some("1.0 * RBF(1.0) + WhiteKernel(1.0)"))
        };
        let fit = fit_gp(&p, x.view(), y.view()).unwrap();
        let pred = fit.predict(x.view());
        let rmse = ((&pred - &y).mapv(|d| d * d).sum() / 12.0).sqrt();
        assert!(rmse < 0.2, "{rmse} {}", fit.kernel_description());
    }
}
