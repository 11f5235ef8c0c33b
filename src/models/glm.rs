//! The generalized linear models (PoissonRegressor, GammaRegressor, TweedieRegressor) as
//! scikit-learn fits them with `solver='lbfgs'`: the mean half Tweedie deviance of the target
//! under a log or identity link (without the terms constant in the coefficients, as
//! `sklearn._loss` has them), plus `alpha / 2 * ||w||^2` (the intercept unpenalised), from zero
//! coefficients and the intercept at `link(mean(y))`, by L-BFGS with scipy's stopping rules
//! (`gtol = tol`, `ftol = 64 eps`, `maxls = 50`). X is neither centred nor scaled.

use ndarray::{s, Array1, ArrayView1, ArrayView2, Axis};

use super::lbfgs::{self, Options};

/// A Tweedie loss with its link.
#[derive(Clone, Copy, Debug)]
pub struct Loss {
    pub power: f64,
    pub log_link: bool,
}

impl Loss {
    /// scikit-learn's class name for the loss, as its error messages show it.
    pub fn name(&self) -> &'static str {
        if !self.log_link {
            "HalfTweedieLossIdentity"
        } else if self.power == 1.0 {
            "HalfPoissonLoss"
        } else if self.power == 2.0 {
            "HalfGammaLoss"
        } else {
            "HalfTweedieLoss"
        }
    }

    /// Whether a target value is in the loss's range (power <= 0: any; < 2: >= 0; else > 0).
    pub fn y_ok(&self, y: f64) -> bool {
        if self.power <= 0.0 {
            true
        } else if self.power < 2.0 {
            y >= 0.0
        } else {
            y > 0.0
        }
    }

    /// scikit-learn's message for targets out of range, `None` if all are in range.
    pub fn check_y(&self, y: ArrayView1<f64>) -> Option<String> {
        (!y.iter().all(|&v| self.y_ok(v))).then(|| {
            format!(
                "Some value(s) of y are out of the valid range of the loss '{}'.",
                self.name()
            )
        })
    }

    fn link(&self, mu: f64) -> f64 {
        if self.log_link {
            mu.ln()
        } else {
            mu
        }
    }

    /// The loss and its derivative in the raw prediction.
    fn loss_grad(&self, y: f64, r: f64) -> (f64, f64) {
        let p = self.power;
        if self.log_link {
            if p == 0.0 {
                let mu = r.exp();
                (0.5 * (mu - y) * (mu - y), (mu - y) * mu)
            } else if p == 1.0 {
                let mu = r.exp();
                (mu - y * r, mu - y)
            } else if p == 2.0 {
                let e = (-r).exp();
                (r + y * e, 1.0 - y * e)
            } else {
                let a = ((2.0 - p) * r).exp();
                let b = ((1.0 - p) * r).exp();
                (a / (2.0 - p) - y * b / (1.0 - p), a - y * b)
            }
        } else if p == 0.0 {
            (0.5 * (r - y) * (r - y), r - y)
        } else if p == 1.0 {
            let l = if y == 0.0 {
                r
            } else {
                y * (y / r).ln() + r - y
            };
            (l, 1.0 - y / r)
        } else if p == 2.0 {
            ((r / y).ln() + y / r - 1.0, 1.0 / r - y / (r * r))
        } else {
            let t = r.powf(1.0 - p);
            let mut l = r * t / (2.0 - p) - y * t / (1.0 - p);
            if y > 0.0 {
                l += y.powf(2.0 - p) / ((1.0 - p) * (2.0 - p));
            }
            (l, t - y * r.powf(-p))
        }
    }
}

/// A fitted GLM.
#[derive(Clone, Debug)]
pub struct GlmFit {
    pub coef: Array1<f64>,
    pub intercept: f64,
    pub log_link: bool,
    pub n_iter: usize,
}

impl GlmFit {
    /// The predicted means.
    pub fn predict(&self, x: ArrayView2<f64>) -> Array1<f64> {
        let r = x.dot(&self.coef) + self.intercept;
        if self.log_link {
            r.mapv(f64::exp)
        } else {
            r
        }
    }
}

/// Fits (targets already checked with [`Loss::check_y`]).
pub fn fit(
    loss: Loss,
    x: ArrayView2<f64>,
    y: ArrayView1<f64>,
    alpha: f64,
    fit_intercept: bool,
    max_iter: usize,
    tol: f64,
) -> GlmFit {
    let (n, m) = x.dim();
    let k = m + usize::from(fit_intercept);
    let mut x0 = Array1::zeros(k);
    if fit_intercept {
        x0[m] = loss.link(y.mean().unwrap_or(0.0));
    }
    let inv_n = 1.0 / n.max(1) as f64;
    let fg = |theta: &Array1<f64>| {
        let w = theta.slice(s![..m]);
        let b = if fit_intercept { theta[m] } else { 0.0 };
        let raw = x.dot(&w) + b;
        let mut total = 0.0;
        let mut gr = Array1::zeros(n);
        for i in 0..n {
            let (l, d) = loss.loss_grad(y[i], raw[i]);
            total += l;
            gr[i] = d * inv_n;
        }
        let f = total * inv_n + 0.5 * alpha * w.dot(&w);
        let mut g = Array1::zeros(k);
        let gw = x.t().dot(&gr) + &(&w * alpha);
        g.slice_mut(s![..m]).assign(&gw);
        if fit_intercept {
            g[m] = gr.sum_axis(Axis(0)).into_scalar();
        }
        (f, g)
    };
    let opts = Options {
        ftol: 64.0 * f64::EPSILON,
        max_ls: 50,
        ..Options::scipy(max_iter, tol)
    };
    let r = lbfgs::minimize(fg, x0, &[], opts);
    GlmFit {
        coef: r.x.slice(s![..m]).to_owned(),
        intercept: if fit_intercept { r.x[m] } else { 0.0 },
        log_link: loss.log_link,
        n_iter: r.n_iter,
    }
}
