//! TweedieRegressor: a GLM with the half Tweedie deviance of a given power and a log or
//! identity link (`'auto'`: identity for power <= 0, else log), by L-BFGS (`models::glm`).

use ndarray::{ArrayView1, ArrayView2};

use super::glm_shared::{self, GlmParams};
use crate::models::kind::{Kind, Predictor, Values};
use crate::models::params::{f, p, s};
use crate::models::{Bound, BuildError, ModelError, ParamDef, ParamType, Value};

/// scikit-learn's `TweedieRegressor`.
pub struct TweedieRegressor;

impl Kind for TweedieRegressor {
    type Params = GlmParams;
    const NAME: &'static str = "TweedieRegressor";
    const ALIASES: &'static [&'static str] = &["tweedie"];
    const DOC: &'static str = "GLM with Tweedie deviance (power), log or identity link, L-BFGS";

    fn params() -> Vec<ParamDef> {
        let mut v = vec![p(
            "power",
            ParamType::Float {
                lo: Bound::None,
                hi: Bound::None,
            },
            f(0.0),
            "Tweedie power: 0 normal, 1 Poisson, (1, 2) compound Poisson-gamma, 2 gamma",
        )];
        let mut rest = glm_shared::common_params();
        v.push(rest.remove(0));
        v.push(rest.remove(0));
        v.push(p(
            "link",
            ParamType::Choice(&["auto", "identity", "log"]),
            s("auto"),
            "link function; 'auto': identity for power <= 0, else log",
        ));
        v.extend(rest);
        v
    }
    fn build(v: &Values) -> Result<GlmParams, BuildError> {
        Ok(glm_shared::build(v, v.float("power"), &v.str("link")))
    }
    fn values(p: &GlmParams) -> Vec<(&'static str, Value)> {
        let mut v = vec![("power", Value::Float(p.power))];
        let mut rest = glm_shared::common_values(p);
        v.push(rest.remove(0));
        v.push(rest.remove(0));
        v.push(("link", Value::Str(p.link.clone().into())));
        v.extend(rest);
        v
    }
    fn min_rows(_: &GlmParams) -> usize {
        1
    }
    fn expected_cost(p: &GlmParams, n_rows: usize, n_features: usize) -> f64 {
        glm_shared::cost(p, n_rows, n_features)
    }
    fn fit<'a>(
        p: &GlmParams,
        x: ArrayView2<'a, f64>,
        y: ArrayView1<'a, f64>,
    ) -> Result<Predictor<'a>, ModelError> {
        glm_shared::fit(Self::NAME, p, x, y)
    }
}
