//! LassoCV: the lasso's alpha chosen by KFold(5) cross-validation over a log grid, as
//! scikit-learn's `LinearModelCV` (`models::enet_cv`), then a lasso fit on all rows.

use ndarray::{ArrayView1, ArrayView2};
use serde::{Deserialize, Serialize};

use super::least_squares;
use crate::models::enet_cv::{self, CvFit, CvSettings, Precompute};
use crate::models::kind::{dims, Kind, Predictor, Values};
use crate::models::params::{copy_x, f, fit_intercept, int, n_jobs, p, s, verbose, POSITIVE};
use crate::models::{BuildError, ModelError, ParamDef, ParamType, Value};

/// Parameters of LassoCV and ElasticNetCV (`l1_ratio` is 1 for LassoCV).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LinearCvParams {
    pub l1_ratio: f64,
    pub eps: f64,
    /// `alphas` as a count: the length of the grid.
    pub n_alphas: usize,
    pub fit_intercept: bool,
    pub precompute: Precompute,
    pub max_iter: usize,
    pub tol: f64,
    /// The number of KFold folds (`cv=None`: 5).
    pub cv: Option<usize>,
}

impl LinearCvParams {
    pub fn folds(&self) -> usize {
        self.cv.unwrap_or(5)
    }
    fn settings(&self) -> CvSettings {
        CvSettings {
            l1_ratios: vec![self.l1_ratio],
            eps: self.eps,
            n_alphas: self.n_alphas,
            fit_intercept: self.fit_intercept,
            precompute: self.precompute,
            max_iter: self.max_iter,
            tol: self.tol,
            cv: self.folds(),
        }
    }
}

/// The table after `l1_ratio`, shared with ElasticNetCV.
pub(super) fn cv_params() -> Vec<ParamDef> {
    let mut v = vec![
        p("eps", POSITIVE, f(1e-3), "alpha_min / alpha_max of the grid"),
        p("alphas", int(1), Value::Int(100), "the number of alphas on the grid"),
        fit_intercept(),
        p(
            "precompute",
            ParamType::OneOf {
                none: false,
                bool: true,
                strs: &["auto"],
            },
            s("auto"),
            "coordinate descent with the Gram matrix; 'auto': in folds with more rows than features",
        ),
    ];
    v.extend(least_squares::descent_params());
    v.push(copy_x());
    v.push(p(
        "cv",
        ParamType::OptInt {
            min: 2,
            max: i64::MAX,
        },
        Value::None,
        "the number of KFold folds, without shuffling (None: 5)",
    ));
    v.push(verbose());
    v.push(n_jobs());
    v
}

pub(super) fn cv_build(v: &Values, l1_ratio: f64) -> LinearCvParams {
    LinearCvParams {
        l1_ratio,
        eps: v.float("eps"),
        n_alphas: v.usize("alphas"),
        fit_intercept: v.bool("fit_intercept"),
        precompute: match v.get("precompute") {
            Value::Bool(true) => Precompute::Yes,
            Value::Bool(false) => Precompute::No,
            _ => Precompute::Auto,
        },
        max_iter: v.usize("max_iter"),
        tol: v.float("tol"),
        cv: v.opt_u64("cv").map(|k| k as usize),
    }
}

pub(super) fn cv_values(p: &LinearCvParams) -> Vec<(&'static str, Value)> {
    vec![
        ("eps", Value::Float(p.eps)),
        ("alphas", Value::count(p.n_alphas)),
        ("fit_intercept", Value::Bool(p.fit_intercept)),
        (
            "precompute",
            match p.precompute {
                Precompute::Auto => s("auto"),
                Precompute::Yes => Value::Bool(true),
                Precompute::No => Value::Bool(false),
            },
        ),
        ("max_iter", Value::count(p.max_iter)),
        ("tol", Value::Float(p.tol)),
        ("cv", p.cv.map_or(Value::None, Value::count)),
    ]
}

pub(super) fn cv_cost(p: &LinearCvParams, n_rows: usize, n_features: usize) -> f64 {
    let (n, f) = dims(n_rows, n_features);
    let k = p.folds() as f64;
    let path = p.n_alphas as f64 * f * f.min(n) * 10.0;
    k * (n * f * f.min(n) + path) + least_squares::descent_cost(p.max_iter, n_rows, n_features)
}

/// The selected alpha (and l1_ratio) and the refit on all rows.
pub fn fit_cv(
    p: &LinearCvParams,
    x: ArrayView2<f64>,
    y: ArrayView1<f64>,
) -> Result<CvFit, ModelError> {
    enet_cv::fit_cv(&p.settings(), x, y).map_err(|e| ModelError::Fit {
        kind: if p.l1_ratio == 1.0 {
            "LassoCV"
        } else {
            "ElasticNetCV"
        },
        message: e.to_string(),
    })
}

/// scikit-learn's `LassoCV`.
pub struct LassoCv;

impl Kind for LassoCv {
    type Params = LinearCvParams;
    const NAME: &'static str = "LassoCV";
    const ALIASES: &'static [&'static str] = &["lasso_cv"];
    const DOC: &'static str = "the lasso, alpha chosen by 5-fold CV along a warm-started path";

    fn params() -> Vec<ParamDef> {
        cv_params()
    }
    fn build(v: &Values) -> Result<LinearCvParams, BuildError> {
        Ok(cv_build(v, 1.0))
    }
    fn values(p: &LinearCvParams) -> Vec<(&'static str, Value)> {
        cv_values(p)
    }
    fn min_rows(p: &LinearCvParams) -> usize {
        p.folds()
    }
    fn expected_cost(p: &LinearCvParams, n_rows: usize, n_features: usize) -> f64 {
        cv_cost(p, n_rows, n_features)
    }
    fn fit<'a>(
        p: &LinearCvParams,
        x: ArrayView2<'a, f64>,
        y: ArrayView1<'a, f64>,
    ) -> Result<Predictor<'a>, ModelError> {
        Ok(least_squares::predictor(fit_cv(p, x, y)?.fit))
    }
}
