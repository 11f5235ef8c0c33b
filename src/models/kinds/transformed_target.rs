//! TransformedTargetRegressor: a regressor fitted on `func(y)`, its predictions mapped back
//! with `inverse_func` (numpy's functions by name; `None` is the identity).

use ndarray::{Array1, ArrayView1, ArrayView2};
use serde::{Deserialize, Serialize};

use super::nested;
use crate::models::kind::{Kind, Predictor, Values};
use crate::models::params::{ignored, p, ParamType};
use crate::models::{BuildError, ModelError, ModelSpec, ParamDef, Value};

/// The numpy functions `func` and `inverse_func` may name.
const FUNCS: &[&str] = &["log", "exp", "log1p", "expm1", "sqrt", "square"];

/// A numpy ufunc applied to the target.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub enum TargetFunc {
    Log,
    Exp,
    Log1p,
    Expm1,
    Sqrt,
    Square,
}

impl TargetFunc {
    fn from_value(v: &Value) -> Option<TargetFunc> {
        let Value::Str(s) = v else { return None };
        Some(match s.as_ref() {
            "log" => TargetFunc::Log,
            "exp" => TargetFunc::Exp,
            "log1p" => TargetFunc::Log1p,
            "expm1" => TargetFunc::Expm1,
            "sqrt" => TargetFunc::Sqrt,
            _ => TargetFunc::Square,
        })
    }
    fn name(self) -> &'static str {
        match self {
            TargetFunc::Log => "log",
            TargetFunc::Exp => "exp",
            TargetFunc::Log1p => "log1p",
            TargetFunc::Expm1 => "expm1",
            TargetFunc::Sqrt => "sqrt",
            TargetFunc::Square => "square",
        }
    }
    fn apply(self, x: f64) -> f64 {
        match self {
            TargetFunc::Log => x.ln(),
            TargetFunc::Exp => x.exp(),
            TargetFunc::Log1p => x.ln_1p(),
            TargetFunc::Expm1 => x.exp_m1(),
            TargetFunc::Sqrt => x.sqrt(),
            TargetFunc::Square => x * x,
        }
    }
}

fn apply(f: Option<TargetFunc>, v: ArrayView1<f64>) -> Array1<f64> {
    match f {
        Some(f) => v.mapv(|x| f.apply(x)),
        None => v.to_owned(),
    }
}

fn func_value(f: Option<TargetFunc>) -> Value {
    f.map_or(Value::None, |f| Value::Str(f.name().into()))
}

/// Parameters of TransformedTargetRegressor.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TransformedTargetParams {
    /// `None`: `LinearRegression()`.
    pub regressor: Option<Box<ModelSpec>>,
    pub func: Option<TargetFunc>,
    pub inverse_func: Option<TargetFunc>,
}

/// scikit-learn's `TransformedTargetRegressor`.
pub struct TransformedTarget;

const FUNC_TYPE: ParamType = ParamType::OneOf {
    none: true,
    bool: false,
    strs: FUNCS,
};

impl Kind for TransformedTarget {
    type Params = TransformedTargetParams;
    const NAME: &'static str = "TransformedTargetRegressor";
    const ALIASES: &'static [&'static str] = &["ttr"];
    const DOC: &'static str =
        "a regressor fitted on func(y), predictions mapped back by inverse_func";

    fn params() -> Vec<ParamDef> {
        vec![
            nested::estimator("regressor", "the regressor (None: LinearRegression())"),
            p(
                "transformer",
                ParamType::OneOf {
                    none: true,
                    bool: false,
                    strs: &[],
                },
                Value::None,
                "only None: give func and inverse_func",
            ),
            p(
                "func",
                FUNC_TYPE,
                Value::None,
                "applied to y before fitting (None: identity)",
            ),
            p(
                "inverse_func",
                FUNC_TYPE,
                Value::None,
                "applied to the predictions (None: identity)",
            ),
            ignored(
                "check_inverse",
                ParamType::Bool,
                Value::Bool(true),
                "ignored: no effect on predictions",
            ),
        ]
    }
    fn build(v: &Values) -> Result<TransformedTargetParams, BuildError> {
        let func = TargetFunc::from_value(&v.get("func"));
        let inverse_func = TargetFunc::from_value(&v.get("inverse_func"));
        if func.is_some() && inverse_func.is_none() {
            return Err(BuildError::Unsupported {
                kind: Self::NAME,
                name: "inverse_func",
                message: "When 'func' is provided, 'inverse_func' must also be provided".into(),
            });
        }
        if func.is_none() && inverse_func.is_some() {
            return Err(BuildError::Unsupported {
                kind: Self::NAME,
                name: "func",
                message: "When 'inverse_func' is provided, 'func' must also be provided".into(),
            });
        }
        Ok(TransformedTargetParams {
            regressor: v.model("regressor").map(Box::new),
            func,
            inverse_func,
        })
    }
    fn values(p: &TransformedTargetParams) -> Vec<(&'static str, Value)> {
        vec![
            (
                "regressor",
                p.regressor
                    .as_ref()
                    .map_or(Value::None, |m| Value::Model(m.clone())),
            ),
            ("transformer", Value::None),
            ("func", func_value(p.func)),
            ("inverse_func", func_value(p.inverse_func)),
        ]
    }
    fn min_rows(p: &TransformedTargetParams) -> usize {
        nested::or_default(&p.regressor, "LinearRegression").min_rows()
    }
    fn expected_cost(p: &TransformedTargetParams, n_rows: usize, n_features: usize) -> f64 {
        nested::or_default(&p.regressor, "LinearRegression").expected_cost(n_rows, n_features)
    }
    fn fit<'a>(
        p: &TransformedTargetParams,
        x: ArrayView2<'a, f64>,
        y: ArrayView1<'a, f64>,
    ) -> Result<Predictor<'a>, ModelError> {
        let regressor = nested::or_default(&p.regressor, "LinearRegression");
        let yt = apply(p.func, y);
        if let Some(bad) = yt.iter().find(|v| !v.is_finite()) {
            // what scikit-learn's regressor says of func(y) (numpy only warns)
            let message = if bad.is_nan() {
                "Input y contains NaN."
            } else {
                "Input y contains infinity or a value too large for dtype('float64')."
            };
            return Err(ModelError::Fit {
                kind: Self::NAME,
                message: message.into(),
            });
        }
        // fitted when predicting (see `nested`)
        let inverse = p.inverse_func;
        Ok(Box::new(move |t| {
            let pred = nested::fit_predict(&regressor, x, yt.view(), t)?;
            Ok(apply(inverse, pred.view()))
        }))
    }
}
