//! Losses of the histogram booster, as scikit-learn's `HalfSquaredError` and
//! `HalfPoissonLoss` (log link).

use serde::{Deserialize, Serialize};

use super::GbmError;

/// HistGradientBoostingRegressor's `loss`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum Loss {
    /// `"squared_error"`: gradient `raw - y`, constant hessian 1, baseline mean(y).
    #[default]
    SquaredError,
    /// `"poisson"`: log link, gradient `exp(raw) - y`, hessian `exp(raw)`, baseline
    /// log(mean(y)); needs y >= 0 with a positive sum.
    Poisson,
}

impl Loss {
    /// scikit-learn's name.
    pub fn name(self) -> &'static str {
        match self {
            Loss::SquaredError => "squared_error",
            Loss::Poisson => "poisson",
        }
    }

    pub(crate) fn check(self, y: &[f64]) -> Result<(), GbmError> {
        if let Loss::Poisson = self {
            if y.iter().any(|&v| v < 0.0) || y.iter().sum::<f64>() <= 0.0 {
                return Err(GbmError::BadTarget {
                    loss: "poisson",
                    msg: "y must be >= 0 with a positive sum".into(),
                });
            }
        }
        Ok(())
    }

    pub(crate) fn constant_hessian(self) -> bool {
        matches!(self, Loss::SquaredError)
    }

    /// The raw prediction minimising the loss with no feature (the first "tree").
    pub(crate) fn baseline(self, y: &[f64]) -> f64 {
        let m = y.iter().sum::<f64>() / y.len().max(1) as f64;
        match self {
            Loss::SquaredError => m,
            Loss::Poisson => m.max(f64::MIN_POSITIVE).ln(),
        }
    }

    /// Fills the gradients (and hessians, unless constant).
    pub(crate) fn gradients(self, y: &[f64], raw: &[f64], g: &mut [f64], h: &mut [f64]) {
        match self {
            Loss::SquaredError => {
                for ((g, &r), &y) in g.iter_mut().zip(raw).zip(y) {
                    *g = r - y;
                }
            }
            Loss::Poisson => {
                for (((g, h), &r), &y) in g.iter_mut().zip(h.iter_mut()).zip(raw).zip(y) {
                    let e = r.exp();
                    *g = e - y;
                    *h = e;
                }
            }
        }
    }

    /// Mean loss (the early-stopping score is its negative).
    pub(crate) fn mean_loss(self, y: &[f64], raw: &[f64]) -> f64 {
        let n = y.len().max(1) as f64;
        match self {
            Loss::SquaredError => {
                y.iter()
                    .zip(raw)
                    .map(|(&y, &r)| 0.5 * (r - y) * (r - y))
                    .sum::<f64>()
                    / n
            }
            Loss::Poisson => {
                y.iter()
                    .zip(raw)
                    .map(|(&y, &r)| r.exp() - y * r)
                    .sum::<f64>()
                    / n
            }
        }
    }

    /// The prediction from a raw value (inverse link).
    #[inline]
    pub(crate) fn inverse_link(self, raw: f64) -> f64 {
        match self {
            Loss::SquaredError => raw,
            Loss::Poisson => raw.exp(),
        }
    }
}
