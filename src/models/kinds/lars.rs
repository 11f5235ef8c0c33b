//! Lars: least-angle regression, the LAR path stopped after `n_nonzero_coefs` steps
//! (`models::lars`).

use ndarray::{ArrayView1, ArrayView2};
use serde::{Deserialize, Serialize};

use crate::models::kind::{Kind, Predictor, Values};
use crate::models::lars::{self, Method};
use crate::models::params::{ignored, int, p};
use crate::models::{BuildError, ModelError, ParamDef, ParamType, Value};

/// Parameters of Lars.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LarsParams {
    pub fit_intercept: bool,
    pub n_nonzero_coefs: usize,
    pub eps: f64,
}

/// scikit-learn's `Lars`.
pub struct Lars;

impl Kind for Lars {
    type Params = LarsParams;
    const NAME: &'static str = "Lars";
    const ALIASES: &'static [&'static str] = &["lars"];
    const DOC: &'static str = "least-angle regression (LARS path, n_nonzero_coefs steps)";

    fn params() -> Vec<ParamDef> {
        let mut v = lars::common_params(false);
        v.insert(
            3,
            p(
                "n_nonzero_coefs",
                int(1),
                Value::Int(500),
                "target number of non-zero coefficients",
            ),
        );
        v.push(ignored(
            "fit_path",
            ParamType::Bool,
            Value::Bool(true),
            "ignored: the coefficients are the same",
        ));
        v
    }
    fn build(v: &Values) -> Result<LarsParams, BuildError> {
        Ok(LarsParams {
            fit_intercept: v.bool("fit_intercept"),
            n_nonzero_coefs: v.usize("n_nonzero_coefs"),
            eps: v.float("eps"),
        })
    }
    fn values(p: &LarsParams) -> Vec<(&'static str, Value)> {
        vec![
            ("fit_intercept", Value::Bool(p.fit_intercept)),
            ("n_nonzero_coefs", Value::count(p.n_nonzero_coefs)),
            ("eps", Value::Float(p.eps)),
        ]
    }
    fn min_rows(_: &LarsParams) -> usize {
        1
    }
    fn expected_cost(_: &LarsParams, n_rows: usize, n_features: usize) -> f64 {
        lars::cost(n_rows, n_features, 0)
    }
    fn fit<'a>(
        p: &LarsParams,
        x: ArrayView2<'a, f64>,
        y: ArrayView1<'a, f64>,
    ) -> Result<Predictor<'a>, ModelError> {
        let (fit, _, _) = lars::fit_lars(
            x,
            y,
            p.fit_intercept,
            p.n_nonzero_coefs,
            0.0,
            Method::Lar,
            p.eps,
        );
        Ok(lars::predictor(fit))
    }
}
