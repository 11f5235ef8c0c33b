//! DummyRegressor: predicts one number learned from the training targets (their mean, median,
//! a quantile, or a given constant), as scikit-learn's baseline.

use ndarray::{Array1, ArrayView1, ArrayView2};
use serde::{Deserialize, Serialize};

use crate::models::kind::{Kind, Predictor, Values};
use crate::models::params::{p, s, Bound, ParamType};
use crate::models::{BuildError, ModelError, ParamDef, Value};

/// What the constant prediction is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum DummyStrategy {
    Mean,
    Median,
    Quantile,
    Constant,
}

impl DummyStrategy {
    fn name(self) -> &'static str {
        match self {
            DummyStrategy::Mean => "mean",
            DummyStrategy::Median => "median",
            DummyStrategy::Quantile => "quantile",
            DummyStrategy::Constant => "constant",
        }
    }
}

/// Parameters of DummyRegressor.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DummyParams {
    pub strategy: DummyStrategy,
    pub constant: Option<f64>,
    pub quantile: Option<f64>,
}

/// scikit-learn's `DummyRegressor`.
pub struct DummyRegressor;

/// `np.percentile(y, 100 q)` with linear interpolation between order statistics.
pub fn percentile(y: ArrayView1<f64>, q: f64) -> f64 {
    let mut v: Vec<f64> = y.to_vec();
    v.sort_by(f64::total_cmp);
    if v.is_empty() {
        return f64::NAN;
    }
    let pos = q * (v.len() - 1) as f64;
    let lo = pos.floor() as usize;
    let hi = (lo + 1).min(v.len() - 1);
    let frac = pos - lo as f64;
    v[lo] + (v[hi] - v[lo]) * frac
}

const QUANTILE_MSG: &str = "When using `strategy='quantile', you have to specify the desired \
quantile in the range [0, 1].";
const CONSTANT_MSG: &str =
    "Constant target value has to be specified when the constant strategy is used.";

/// The constant a DummyRegressor predicts, or scikit-learn's error.
pub fn dummy_constant(p: &DummyParams, y: ArrayView1<f64>) -> Result<f64, ModelError> {
    let err = |m: &str| ModelError::Fit {
        kind: DummyRegressor::NAME,
        message: m.to_string(),
    };
    Ok(match p.strategy {
        DummyStrategy::Mean => y.mean().unwrap_or(f64::NAN),
        DummyStrategy::Median => percentile(y, 0.5),
        DummyStrategy::Quantile => match p.quantile {
            Some(q) if (0.0..=1.0).contains(&q) => percentile(y, q),
            _ => return Err(err(QUANTILE_MSG)),
        },
        DummyStrategy::Constant => p.constant.ok_or_else(|| err(CONSTANT_MSG))?,
    })
}

impl Kind for DummyRegressor {
    type Params = DummyParams;
    const NAME: &'static str = "DummyRegressor";
    const ALIASES: &'static [&'static str] = &["dummy"];
    const DOC: &'static str =
        "a constant prediction (mean, median, quantile or given) as a baseline";

    fn params() -> Vec<ParamDef> {
        vec![
            p(
                "strategy",
                ParamType::Choice(&["mean", "median", "quantile", "constant"]),
                s("mean"),
                "what the constant prediction is",
            ),
            p(
                "constant",
                ParamType::OptFloat {
                    lo: Bound::None,
                    hi: Bound::None,
                },
                Value::None,
                "the prediction with strategy='constant'",
            ),
            p(
                "quantile",
                ParamType::OptFloat {
                    lo: Bound::Incl(0.0),
                    hi: Bound::Incl(1.0),
                },
                Value::None,
                "the quantile predicted with strategy='quantile'",
            ),
        ]
    }
    fn build(v: &Values) -> Result<DummyParams, BuildError> {
        let strategy = match v.str("strategy").as_ref() {
            "median" => DummyStrategy::Median,
            "quantile" => DummyStrategy::Quantile,
            "constant" => DummyStrategy::Constant,
            _ => DummyStrategy::Mean,
        };
        Ok(DummyParams {
            strategy,
            constant: v.opt_float("constant"),
            quantile: v.opt_float("quantile"),
        })
    }
    fn values(p: &DummyParams) -> Vec<(&'static str, Value)> {
        let opt = |x: Option<f64>| x.map_or(Value::None, Value::Float);
        vec![
            ("strategy", s(p.strategy.name())),
            ("constant", opt(p.constant)),
            ("quantile", opt(p.quantile)),
        ]
    }
    fn min_rows(_: &DummyParams) -> usize {
        1
    }
    fn expected_cost(_: &DummyParams, n_rows: usize, _: usize) -> f64 {
        n_rows.max(2) as f64
    }
    fn fit<'a>(
        p: &DummyParams,
        _x: ArrayView2<'a, f64>,
        y: ArrayView1<'a, f64>,
    ) -> Result<Predictor<'a>, ModelError> {
        let c = dummy_constant(p, y)?;
        Ok(Box::new(move |t| Ok(Array1::from_elem(t.nrows(), c))))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;

    fn params(
        strategy: DummyStrategy,
        quantile: Option<f64>,
        constant: Option<f64>,
    ) -> DummyParams {
        DummyParams {
            strategy,
            constant,
            quantile,
        }
    }

    #[test]
    fn constants_as_numpy() {
        let y = array![4.0, 1.0, 3.0, 2.0];
        let c = |p| dummy_constant(&p, y.view()).unwrap();
        assert_eq!(c(params(DummyStrategy::Mean, None, None)), 2.5);
        assert_eq!(c(params(DummyStrategy::Median, None, None)), 2.5);
        assert!((c(params(DummyStrategy::Quantile, Some(0.1), None)) - 1.3).abs() < 1e-12);
        assert_eq!(c(params(DummyStrategy::Constant, None, Some(7.0))), 7.0);
    }

    #[test]
    fn missing_settings_are_sklearn_errors() {
        let y = array![1.0, 2.0];
        let e = dummy_constant(&params(DummyStrategy::Quantile, None, None), y.view());
        assert!(e.unwrap_err().to_string().contains("desired quantile"));
        let e = dummy_constant(&params(DummyStrategy::Constant, None, None), y.view());
        assert!(e.unwrap_err().to_string().contains("Constant target value"));
    }
}
