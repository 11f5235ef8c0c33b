//! OrthogonalMatchingPursuitCV: `n_nonzero_coefs` chosen by KFold(5) (no shuffling) as
//! scikit-learn's, then OrthogonalMatchingPursuit on all rows with it.

use ndarray::{ArrayView1, ArrayView2};
use serde::{Deserialize, Serialize};

use super::orthogonal_matching_pursuit::{fit_omp, OmpParams};
use crate::models::kind::{dims, Kind, Predictor, Values};
use crate::models::lars;
use crate::models::linear::LinearFit;
use crate::models::omp;
use crate::models::params::{fit_intercept, ignored, n_jobs, opt_int, p, verbose};
use crate::models::{BuildError, ModelError, ParamDef, ParamType, Value};

/// Parameters of OrthogonalMatchingPursuitCV.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct OmpCvParams {
    pub fit_intercept: bool,
    pub max_iter: Option<usize>,
}

/// scikit-learn's `OrthogonalMatchingPursuitCV`.
pub struct OrthogonalMatchingPursuitCv;

/// The selected `n_nonzero_coefs_` and the refit on all rows.
pub fn fit_omp_cv(
    p: &OmpCvParams,
    x: ArrayView2<f64>,
    y: ArrayView1<f64>,
) -> Result<(LinearFit, usize), ModelError> {
    let nf = x.ncols();
    let max_iter = match p.max_iter {
        Some(m) if m > 0 => m,
        _ => ((0.1 * nf as f64) as usize).max(5).min(nf),
    };
    let best = omp::cv_n_nonzero(x, y, p.fit_intercept, max_iter);
    let fit = fit_omp(
        &OmpParams {
            n_nonzero_coefs: Some(best),
            tol: None,
            fit_intercept: p.fit_intercept,
        },
        x,
        y,
    )?;
    Ok((fit, best))
}

impl Kind for OrthogonalMatchingPursuitCv {
    type Params = OmpCvParams;
    const NAME: &'static str = "OrthogonalMatchingPursuitCV";
    const ALIASES: &'static [&'static str] = &["omp_cv"];
    const DOC: &'static str = "orthogonal matching pursuit, n_nonzero_coefs chosen by 5-fold CV";

    fn params() -> Vec<ParamDef> {
        vec![
            ignored(
                "copy",
                ParamType::Bool,
                Value::Bool(true),
                "ignored: the training data is never modified",
            ),
            fit_intercept(),
            p(
                "max_iter",
                opt_int(0),
                Value::None,
                "most steps tried (None or 0: 10% of the features, in [5, n_features])",
            ),
            n_jobs(),
            verbose(),
        ]
    }
    fn build(v: &Values) -> Result<OmpCvParams, BuildError> {
        Ok(OmpCvParams {
            fit_intercept: v.bool("fit_intercept"),
            max_iter: v.opt_u64("max_iter").map(|k| k as usize),
        })
    }
    fn values(p: &OmpCvParams) -> Vec<(&'static str, Value)> {
        vec![
            ("fit_intercept", Value::Bool(p.fit_intercept)),
            ("max_iter", p.max_iter.map_or(Value::None, Value::count)),
        ]
    }
    fn min_rows(_: &OmpCvParams) -> usize {
        5
    }
    fn expected_cost(_: &OmpCvParams, n_rows: usize, n_features: usize) -> f64 {
        let (n, f) = dims(n_rows, n_features);
        6.0 * (n * f * f + f * f * f)
    }
    fn fit<'a>(
        p: &OmpCvParams,
        x: ArrayView2<'a, f64>,
        y: ArrayView1<'a, f64>,
    ) -> Result<Predictor<'a>, ModelError> {
        Ok(lars::predictor(fit_omp_cv(p, x, y)?.0))
    }
}
