//! PoissonRegressor: a GLM with the half poisson deviance and a log link, by L-BFGS (`models::glm`).

use ndarray::{ArrayView1, ArrayView2};

use super::glm_shared::{self, GlmParams};
use crate::models::kind::{Kind, Predictor, Values};
use crate::models::{BuildError, ModelError, ParamDef, Value};

/// scikit-learn's `PoissonRegressor`.
pub struct PoissonRegressor;

impl Kind for PoissonRegressor {
    type Params = GlmParams;
    const NAME: &'static str = "PoissonRegressor";
    const ALIASES: &'static [&'static str] = &["poisson"];
    const DOC: &'static str = "GLM with poisson deviance and log link, L2 penalty, L-BFGS";

    fn params() -> Vec<ParamDef> {
        glm_shared::common_params()
    }
    fn build(v: &Values) -> Result<GlmParams, BuildError> {
        Ok(glm_shared::build(v, 1.0, "log"))
    }
    fn values(p: &GlmParams) -> Vec<(&'static str, Value)> {
        glm_shared::common_values(p)
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
