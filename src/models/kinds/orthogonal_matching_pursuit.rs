//! OrthogonalMatchingPursuit: greedy forward selection with a least-squares refit per step
//! (`models::omp`), on centred data.

use ndarray::{ArrayView1, ArrayView2};
use serde::{Deserialize, Serialize};

use crate::models::kind::{dims, Kind, Predictor, Values};
use crate::models::lars;
use crate::models::linear::{centre, finish, LinearFit};
use crate::models::omp;
use crate::models::params::{fit_intercept, ignored, opt_int, p, s, Bound};
use crate::models::{BuildError, ModelError, ParamDef, ParamType, Value};

/// Parameters of OrthogonalMatchingPursuit.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct OmpParams {
    pub n_nonzero_coefs: Option<usize>,
    pub tol: Option<f64>,
    pub fit_intercept: bool,
}

/// scikit-learn's `OrthogonalMatchingPursuit`.
pub struct OrthogonalMatchingPursuit;

/// The fitted model (scikit-learn's errors for impossible settings).
pub fn fit_omp(
    p: &OmpParams,
    x: ArrayView2<f64>,
    y: ArrayView1<f64>,
) -> Result<LinearFit, ModelError> {
    let c = centre(x, y, p.fit_intercept);
    let nf = x.ncols();
    let n = match (p.n_nonzero_coefs, p.tol) {
        (_, Some(_)) => nf,
        (None, None) => ((0.1 * nf as f64) as usize).max(1),
        (Some(k), None) => k,
    };
    if p.tol.is_none() && n > nf {
        return Err(ModelError::Fit {
            kind: OrthogonalMatchingPursuit::NAME,
            message: "The number of atoms cannot be more than the number of features.".into(),
        });
    }
    let coef = omp::omp(c.x.view(), c.y.view(), n, p.tol);
    Ok(finish(&c, coef))
}

impl Kind for OrthogonalMatchingPursuit {
    type Params = OmpParams;
    const NAME: &'static str = "OrthogonalMatchingPursuit";
    const ALIASES: &'static [&'static str] = &["omp"];
    const DOC: &'static str = "orthogonal matching pursuit (greedy sparse least squares)";

    fn params() -> Vec<ParamDef> {
        vec![
            p(
                "n_nonzero_coefs",
                opt_int(1),
                Value::None,
                "non-zero coefficients (None: 10% of the features, at least 1)",
            ),
            p(
                "tol",
                ParamType::OptFloat {
                    lo: Bound::Incl(0.0),
                    hi: Bound::None,
                },
                Value::None,
                "stop when the squared residual norm is at most this (overrides n_nonzero_coefs)",
            ),
            fit_intercept(),
            ignored(
                "precompute",
                ParamType::OneOf {
                    none: false,
                    bool: true,
                    strs: &["auto"],
                },
                s("auto"),
                "ignored: the Gram matrix is always used (the same path)",
            ),
        ]
    }
    fn build(v: &Values) -> Result<OmpParams, BuildError> {
        Ok(OmpParams {
            n_nonzero_coefs: v.opt_u64("n_nonzero_coefs").map(|k| k as usize),
            tol: v.opt_float("tol"),
            fit_intercept: v.bool("fit_intercept"),
        })
    }
    fn values(p: &OmpParams) -> Vec<(&'static str, Value)> {
        vec![
            (
                "n_nonzero_coefs",
                p.n_nonzero_coefs.map_or(Value::None, Value::count),
            ),
            ("tol", p.tol.map_or(Value::None, Value::Float)),
            ("fit_intercept", Value::Bool(p.fit_intercept)),
        ]
    }
    fn min_rows(_: &OmpParams) -> usize {
        1
    }
    fn expected_cost(_: &OmpParams, n_rows: usize, n_features: usize) -> f64 {
        let (n, f) = dims(n_rows, n_features);
        n * f * f + f * f * f
    }
    fn fit<'a>(
        p: &OmpParams,
        x: ArrayView2<'a, f64>,
        y: ArrayView1<'a, f64>,
    ) -> Result<Predictor<'a>, ModelError> {
        Ok(lars::predictor(fit_omp(p, x, y)?))
    }
}
