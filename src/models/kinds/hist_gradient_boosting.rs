//! HistGradientBoostingRegressor: our histogram booster ([`crate::gbm::fit_hgb`]) with
//! scikit-learn 1.9's parameter table.
//!
//! Features reach the models already encoded by the pipeline (one-hot or ordinal), so every
//! column is numeric here: `categorical_features` accepts `'from_dtype'` (the default) and
//! `None`, both meaning no native categorical splits through the CLI.

use ndarray::{ArrayView1, ArrayView2};
use serde::{Deserialize, Serialize};

use super::gbm_glue as glue;
use crate::gbm::{fit_hgb, EarlyStopping, HgbParams, Loss};
use crate::models::kind::{dims, Kind, Predictor, Values};
use crate::models::params::{
    f, int, opt_int, p, s, verbose, Bound, ParamType, ESTIMATORS, NON_NEGATIVE, POSITIVE,
};
use crate::models::{BuildError, ModelError, ParamDef, Value, DEFAULT_SEED};

/// Parameters of HistGradientBoostingRegressor.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct HistGradientBoostingParams {
    /// The booster's parameters; `random_state: None` fits with the fixed seed 0.
    pub gbm: HgbParams,
    /// `categorical_features='from_dtype'` (true) or `None` (false): the same through the
    /// CLI, where no column reaches the model as categorical; kept for the repr.
    pub categorical_from_dtype: bool,
}

/// scikit-learn's `HistGradientBoostingRegressor`.
pub struct HistGradientBoosting;

const NAME: &str = "HistGradientBoostingRegressor";

fn unsupported(name: &'static str, message: &str) -> BuildError {
    BuildError::Unsupported {
        kind: NAME,
        name,
        message: format!("{name}: {message}"),
    }
}

/// `None` only.
const NONE_ONLY: ParamType = ParamType::OneOf {
    none: true,
    bool: false,
    strs: &[],
};

impl Kind for HistGradientBoosting {
    type Params = HistGradientBoostingParams;
    const NAME: &'static str = NAME;
    const ALIASES: &'static [&'static str] = &["hgb", "hist_gradient_boosting"];
    const DOC: &'static str = "histogram gradient boosting (our implementation of \
                               scikit-learn's: binned features, best-first trees, early stopping \
                               above 10,000 rows); features arrive encoded by the pipeline, so \
                               native categorical splits are not used";

    fn params() -> Vec<ParamDef> {
        vec![
            p(
                "loss",
                ParamType::Choice(&["squared_error", "poisson"]),
                s("squared_error"),
                "loss to minimise (poisson: log link, needs y >= 0)",
            ),
            p("learning_rate", POSITIVE, f(0.1), "shrinkage of each tree"),
            p(
                "max_iter",
                ESTIMATORS,
                Value::Int(100),
                "boosting iterations (one tree each) at most",
            ),
            p(
                "max_leaf_nodes",
                opt_int(2),
                Value::Int(31),
                "leaves per tree at most; None: no limit",
            ),
            p(
                "max_depth",
                opt_int(1),
                Value::None,
                "depth of each tree at most; None: no limit",
            ),
            p(
                "min_samples_leaf",
                int(1),
                Value::Int(20),
                "minimum samples in a leaf",
            ),
            p(
                "l2_regularization",
                NON_NEGATIVE,
                f(0.0),
                "L2 penalty on leaf values",
            ),
            p(
                "max_features",
                ParamType::Float {
                    lo: Bound::Excl(0.0),
                    hi: Bound::Incl(1.0),
                },
                f(1.0),
                "fraction of the features drawn at each split",
            ),
            p(
                "max_bins",
                ParamType::Int { min: 2, max: 255 },
                Value::Int(255),
                "bins per feature (besides the missing-value bin)",
            ),
            p(
                "categorical_features",
                ParamType::OneOf {
                    none: true,
                    bool: false,
                    strs: &["from_dtype"],
                },
                s("from_dtype"),
                "features reach the model encoded by the pipeline (one-hot or ordinal), so \
                 either value means no native categorical splits",
            ),
            p(
                "monotonic_cst",
                NONE_ONLY,
                Value::None,
                "monotonic constraints (only None is supported)",
            ),
            p(
                "interaction_cst",
                NONE_ONLY,
                Value::None,
                "interaction constraints (only None is supported)",
            ),
            p(
                "warm_start",
                ParamType::Bool,
                Value::Bool(false),
                "reuse the previous fit (only False is supported)",
            ),
            p(
                "early_stopping",
                ParamType::OneOf {
                    none: false,
                    bool: true,
                    strs: &["auto"],
                },
                s("auto"),
                "stop when the score stops improving; 'auto': on above 10,000 rows",
            ),
            p(
                "scoring",
                ParamType::Choice(&["loss"]),
                s("loss"),
                "early-stopping score (only 'loss' is supported)",
            ),
            p(
                "validation_fraction",
                ParamType::OptFloat {
                    lo: Bound::Excl(0.0),
                    hi: Bound::Excl(1.0),
                },
                f(0.1),
                "fraction held out to score early stopping; None: score the training loss",
            ),
            p(
                "n_iter_no_change",
                int(1),
                Value::Int(10),
                "iterations without improvement before stopping early",
            ),
            p(
                "tol",
                NON_NEGATIVE,
                f(1e-7),
                "improvement that counts, for early stopping",
            ),
            verbose(),
            p(
                "random_state",
                opt_int(0),
                Value::None,
                "seed (binning subsample, validation split, max_features); None means the \
                 fixed seed 0",
            ),
        ]
    }
    fn build(v: &Values) -> Result<HistGradientBoostingParams, BuildError> {
        if v.bool("warm_start") {
            return Err(unsupported(
                "warm_start",
                "True is not supported: every fit starts afresh",
            ));
        }
        let early_stopping = match v.get("early_stopping") {
            Value::Bool(true) => EarlyStopping::On,
            Value::Bool(false) => EarlyStopping::Off,
            _ => EarlyStopping::Auto,
        };
        let gbm = HgbParams {
            loss: if v.str("loss") == "poisson" {
                Loss::Poisson
            } else {
                Loss::SquaredError
            },
            learning_rate: v.float("learning_rate"),
            max_iter: v.usize("max_iter"),
            max_leaf_nodes: v.opt_u64("max_leaf_nodes").map(|m| m as usize),
            max_depth: v.opt_u64("max_depth").map(|m| m as usize),
            min_samples_leaf: v.usize("min_samples_leaf"),
            l2_regularization: v.float("l2_regularization"),
            max_features: v.float("max_features"),
            max_bins: v.usize("max_bins"),
            early_stopping,
            validation_fraction: v.opt_float("validation_fraction"),
            n_iter_no_change: v.usize("n_iter_no_change"),
            tol: v.float("tol"),
            random_state: v.opt_u64("random_state"),
        };
        Ok(HistGradientBoostingParams {
            gbm,
            categorical_from_dtype: v.get("categorical_features") != Value::None,
        })
    }
    fn values(hp: &HistGradientBoostingParams) -> Vec<(&'static str, Value)> {
        let p = &hp.gbm;
        let opt = |x: Option<usize>| x.map_or(Value::None, Value::count);
        vec![
            ("loss", s(p.loss.name())),
            ("learning_rate", Value::Float(p.learning_rate)),
            ("max_iter", Value::count(p.max_iter)),
            ("max_leaf_nodes", opt(p.max_leaf_nodes)),
            ("max_depth", opt(p.max_depth)),
            ("min_samples_leaf", Value::count(p.min_samples_leaf)),
            ("l2_regularization", Value::Float(p.l2_regularization)),
            ("max_features", Value::Float(p.max_features)),
            ("max_bins", Value::count(p.max_bins)),
            (
                "categorical_features",
                if hp.categorical_from_dtype {
                    s("from_dtype")
                } else {
                    Value::None
                },
            ),
            ("monotonic_cst", Value::None),
            ("interaction_cst", Value::None),
            ("warm_start", Value::Bool(false)),
            (
                "early_stopping",
                match p.early_stopping {
                    EarlyStopping::Auto => s("auto"),
                    EarlyStopping::On => Value::Bool(true),
                    EarlyStopping::Off => Value::Bool(false),
                },
            ),
            ("scoring", s("loss")),
            (
                "validation_fraction",
                p.validation_fraction.map_or(Value::None, Value::Float),
            ),
            ("n_iter_no_change", Value::count(p.n_iter_no_change)),
            ("tol", Value::Float(p.tol)),
            ("random_state", Value::seed(p.random_state)),
        ]
    }
    /// Early stopping on a held-out fraction needs a training and a validation row.
    fn min_rows(p: &HistGradientBoostingParams) -> usize {
        match (p.gbm.early_stopping, p.gbm.validation_fraction) {
            (EarlyStopping::On, Some(_)) => 2,
            _ => 1,
        }
    }
    /// Per iteration: histograms over the rows once per level of the tree (the subtraction
    /// trick halves each level, the partition doubles it back), plus a scan of every leaf's
    /// bins; binning sorts each feature once (a subsample of at most 200,000 rows). Leaves
    /// are capped by `max_depth` and, on small data, by `min_samples_leaf`. Early stopping is
    /// not counted (an upper bound). Calibrated at 5,000 to 200,000 rows x 20 features
    /// (about 5e7 units a second, as the forests).
    fn expected_cost(hp: &HistGradientBoostingParams, n_rows: usize, n_features: usize) -> f64 {
        let p = &hp.gbm;
        let (n, f) = dims(n_rows, n_features);
        let by_depth = p
            .max_depth
            .map_or(f64::MAX, |d| 2f64.powi(d.min(60) as i32));
        let leaves = (p.max_leaf_nodes.unwrap_or(usize::MAX) as f64)
            .min(by_depth)
            .min(n / p.min_samples_leaf as f64)
            .max(2.0);
        let features = (p.max_features * f).max(1.0);
        let bins = (p.max_bins as f64).min(n);
        let per_iter = 0.12 * n * features * leaves.log2() + 0.65 * leaves * bins * features;
        let binning = 1.5 * n.min(2e5) * n.min(2e5).log2() * f;
        p.max_iter as f64 * per_iter + binning
    }
    fn fit<'a>(
        hp: &HistGradientBoostingParams,
        x: ArrayView2<'a, f64>,
        y: ArrayView1<'a, f64>,
    ) -> Result<Predictor<'a>, ModelError> {
        let params = HgbParams {
            random_state: Some(hp.gbm.random_state.unwrap_or(DEFAULT_SEED)),
            ..hp.gbm.clone()
        };
        let model = fit_hgb(x, &y.to_vec(), &[], &params).map_err(glue::fit_error(NAME))?;
        Ok(glue::predictor(NAME, move |t| model.predict(t)))
    }
}
