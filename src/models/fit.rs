//! Fitting and predicting: each [`ModelSpec`] kind mapped to smartcore (trees, forests,
//! boosting), to our exact linear and k-NN code, or to our SVM solver; plus the cost estimate
//! used for longest-first dispatch.

use std::time::Instant;

use ndarray::{Array1, ArrayView1, ArrayView2};
use smartcore::ensemble::extra_trees_regressor::{
    ExtraTreesRegressor, ExtraTreesRegressorParameters,
};
use smartcore::ensemble::random_forest_regressor::{
    RandomForestRegressor, RandomForestRegressorParameters,
};
use smartcore::linalg::basic::matrix::DenseMatrix;
use smartcore::tree::decision_tree_regressor::{
    DecisionTreeRegressor, DecisionTreeRegressorParameters,
};
use smartcore::xgboost::xgb_regressor::Objective;
use smartcore::xgboost::{XGRegressor, XGRegressorParameters};

use super::spec::{GammaSpec, KernelName, ModelSpec, SvmSpec};
use super::{knn, linear};

/// The seed used where scikit-learn's `random_state=None` would be unseeded.
pub const DEFAULT_SEED: u64 = 0;

/// smartcore counts the root as level 1 and splits a node only below `max_depth`, so its
/// `max_depth = d + 1` is scikit-learn's `max_depth = d` (d levels of splits).
fn smartcore_depth(max_depth: Option<u16>) -> Option<u16> {
    max_depth.map(|d| d.saturating_add(1))
}

/// Test-set predictions and how long fitting and predicting took.
#[derive(Clone, Debug, PartialEq)]
pub struct Prediction {
    pub y_pred: Array1<f64>,
    pub fit_seconds: f64,
    pub predict_seconds: f64,
}

/// Why a model could not be fitted or could not predict.
#[derive(Debug, thiserror::Error)]
pub enum ModelError {
    #[error("{kind} needs at least {min} training rows, got {got}")]
    TooFewRows {
        kind: &'static str,
        min: usize,
        got: usize,
    },
    #[error("shape mismatch: {0}")]
    Shape(String),
    #[error("training data has no features")]
    NoFeatures,
    #[error("{0} contains a non-finite value (NaN or infinity)")]
    NonFinite(&'static str),
    #[error("{kind} failed to fit: {message}")]
    Fit { kind: &'static str, message: String },
    #[error("{kind} failed to predict: {message}")]
    Predict { kind: &'static str, message: String },
    #[error("{0}")]
    Unavailable(&'static str),
}

fn dense(x: ArrayView2<f64>) -> DenseMatrix<f64> {
    let (n, f) = x.dim();
    DenseMatrix::new(n, f, x.iter().copied().collect(), false).expect("shape and data length agree")
}

impl ModelSpec {
    /// The fewest training rows this model can fit (k-NN needs `n_neighbors`).
    pub fn min_rows(&self) -> usize {
        match self {
            ModelSpec::KNeighbors { n_neighbors, .. } => *n_neighbors,
            _ => 1,
        }
    }

    /// A rough relative cost of fitting and predicting on `n_rows` x `n_features`, to
    /// dispatch the longest tasks first. Calibrated on the friedman fixture (5000 x 20), where
    /// 1e8 units took 1 to 2 s on one core for every kind; only the order of magnitude matters.
    pub fn expected_cost(&self, n_rows: usize, n_features: usize) -> f64 {
        let n = n_rows.max(2) as f64;
        let f = n_features.max(1) as f64;
        let nlogn = n * n.log2();
        // Levels of splits a tree grows: an unlimited one ends around 1.5·log2(n) on noisy
        // data; every level passes over all rows once. `+ 1.5`: per-tree work besides the
        // splits (bootstrap sample, leaves, prediction). Depth-limited trees must rank
        // below deeper ones, or a depth grid is dispatched shortest-first.
        let levels = |max_depth: Option<u16>| {
            let full = 1.5 * n.log2();
            max_depth.map_or(full, |d| f64::from(d).min(full)) + 1.5
        };
        match self {
            // 0.62: keeps an unlimited forest where `n_estimators · n·log2(n) · features` put
            // it against the other kinds (calibrated on Friedman #1).
            ModelSpec::RandomForest(p) => {
                0.62 * p.n_estimators as f64
                    * n
                    * levels(p.max_depth)
                    * p.max_features.resolve(n_features) as f64
            }
            // random thresholds: no scan over sorted values
            ModelSpec::ExtraTrees(p) => {
                0.4 * 0.62
                    * p.n_estimators as f64
                    * n
                    * levels(p.max_depth)
                    * p.max_features.resolve(n_features) as f64
            }
            // smartcore's tree sorts every feature once, then passes over the rows per level.
            ModelSpec::DecisionTree(p) => 0.2 * (nlogn + n * levels(p.max_depth)) * f,
            // smartcore's boosted trees sort every feature at every node.
            ModelSpec::GradientBoosting(p) => {
                0.15 * p.n_estimators as f64 * nlogn * f * f64::from(p.max_depth) * p.subsample
            }
            ModelSpec::NuSvr { .. } | ModelSpec::Svr { .. } => 0.05 * n * n * f,
            ModelSpec::Ridge { .. } | ModelSpec::LinearRegression { .. } => n * f * f + f * f * f,
            ModelSpec::Lasso { max_iter, .. } | ModelSpec::ElasticNet { max_iter, .. } => {
                n * f * (*max_iter as f64).min(10.0)
            }
            // brute force: every test row against every training row (test ~ train size);
            // Euclidean distances go through a matrix product.
            ModelSpec::KNeighbors { p: 2, .. } => 0.03 * n * n * f,
            ModelSpec::KNeighbors { .. } => 0.1 * n * n * f,
        }
    }

    /// Fits on the training set and predicts the test set, timing both separately.
    pub fn fit_predict(
        &self,
        x_train: ArrayView2<f64>,
        y_train: ArrayView1<f64>,
        x_test: ArrayView2<f64>,
    ) -> Result<Prediction, ModelError> {
        let kind = self.kind_name();
        self.check_training_data(x_train, y_train)?;
        check_test_data(x_train.ncols(), x_test)?;
        let start = Instant::now();
        let model = self.fit_checked(x_train, y_train)?;
        let fit_seconds = start.elapsed().as_secs_f64();
        let start = Instant::now();
        let y_pred = (model.predict)(x_test)?;
        let predict_seconds = start.elapsed().as_secs_f64();
        if y_pred.len() != x_test.nrows() {
            return Err(ModelError::Predict {
                kind,
                message: format!(
                    "{} predictions for {} test rows",
                    y_pred.len(),
                    x_test.nrows()
                ),
            });
        }
        Ok(Prediction {
            y_pred,
            fit_seconds,
            predict_seconds,
        })
    }

    /// Shapes, finiteness and the minimum number of rows, before any fitting.
    fn check_training_data(
        &self,
        x_train: ArrayView2<f64>,
        y_train: ArrayView1<f64>,
    ) -> Result<(), ModelError> {
        let (n, f) = x_train.dim();
        if y_train.len() != n {
            return Err(ModelError::Shape(format!(
                "x_train has {n} rows but y_train has {}",
                y_train.len()
            )));
        }
        if f == 0 {
            return Err(ModelError::NoFeatures);
        }
        // smartcore's trees panic on NaN (they sort with partial_cmp().unwrap()).
        if !x_train.iter().all(|v| v.is_finite()) {
            return Err(ModelError::NonFinite("x_train"));
        }
        if !y_train.iter().all(|v| v.is_finite()) {
            return Err(ModelError::NonFinite("y_train"));
        }
        let min = self.min_rows();
        if n < min {
            return Err(ModelError::TooFewRows {
                kind: self.kind_name(),
                min,
                got: n,
            });
        }
        Ok(())
    }

    /// Fits on checked data (see [`ModelSpec::fit_predict`]).
    fn fit_checked<'a>(
        &self,
        x_train: ArrayView2<'a, f64>,
        y_train: ArrayView1<'a, f64>,
    ) -> Result<FittedModel<'a>, ModelError> {
        let kind = self.kind_name();
        let f = x_train.ncols();
        let fit_err = |e: smartcore::error::Failed| ModelError::Fit {
            kind,
            message: e.to_string(),
        };
        let x = || dense(x_train);
        let y = || y_train.to_vec();
        let predict: Predictor<'a> = match self {
            ModelSpec::RandomForest(p) => {
                let params = RandomForestRegressorParameters {
                    max_depth: smartcore_depth(p.max_depth),
                    min_samples_leaf: p.min_samples_leaf,
                    min_samples_split: p.min_samples_split,
                    n_trees: p.n_estimators,
                    m: Some(p.max_features.resolve(f)),
                    keep_samples: false,
                    seed: p.random_state.unwrap_or(DEFAULT_SEED),
                };
                let model = RandomForestRegressor::fit(&x(), &y(), params).map_err(fit_err)?;
                smartcore_predictor(kind, move |t| model.predict(t))
            }
            ModelSpec::ExtraTrees(p) => {
                let params = ExtraTreesRegressorParameters {
                    max_depth: smartcore_depth(p.max_depth),
                    min_samples_leaf: p.min_samples_leaf,
                    min_samples_split: p.min_samples_split,
                    n_trees: p.n_estimators,
                    m: Some(p.max_features.resolve(f)),
                    keep_samples: false,
                    seed: p.random_state.unwrap_or(DEFAULT_SEED),
                };
                let model = ExtraTreesRegressor::fit(&x(), &y(), params).map_err(fit_err)?;
                smartcore_predictor(kind, move |t| model.predict(t))
            }
            ModelSpec::DecisionTree(p) => {
                let params = DecisionTreeRegressorParameters {
                    max_depth: smartcore_depth(p.max_depth),
                    min_samples_leaf: p.min_samples_leaf,
                    min_samples_split: p.min_samples_split,
                    seed: Some(p.random_state.unwrap_or(DEFAULT_SEED)),
                };
                let model = DecisionTreeRegressor::fit(&x(), &y(), params).map_err(fit_err)?;
                smartcore_predictor(kind, move |t| model.predict(t))
            }
            ModelSpec::GradientBoosting(p) => {
                // scikit-learn's squared-error boosting is XGBoost's exact greedy algorithm with
                // unit hessians, no L2 penalty on leaves (lambda = 0), no split penalty
                // (gamma = 0) and the mean of y as the initial prediction: leaf values are mean
                // residuals and split gains equal the squared-error reduction (friedman_mse).
                let params = XGRegressorParameters {
                    n_estimators: p.n_estimators,
                    max_depth: p.max_depth,
                    learning_rate: p.learning_rate,
                    min_child_weight: p.min_samples_leaf,
                    lambda: 0.0,
                    gamma: 0.0,
                    base_score: y_train.mean().unwrap_or(0.0),
                    subsample: p.subsample,
                    seed: p.random_state.unwrap_or(DEFAULT_SEED),
                    objective: Objective::MeanSquaredError,
                };
                let model = XGRegressor::fit(&x(), &y(), params).map_err(fit_err)?;
                smartcore_predictor(kind, move |t| model.predict(t))
            }
            ModelSpec::NuSvr { svm, .. } | ModelSpec::Svr { svm, .. } => {
                fit_svm(self, svm, x_train, y_train)?
            }
            ModelSpec::Ridge {
                alpha,
                fit_intercept,
            } => linear_predictor(linear::ridge(x_train, y_train, *alpha, *fit_intercept)),
            ModelSpec::LinearRegression { fit_intercept } => {
                linear_predictor(linear::ols(x_train, y_train, *fit_intercept))
            }
            ModelSpec::Lasso {
                alpha,
                fit_intercept,
                max_iter,
                tol,
            } => linear_predictor(
                linear::elastic_net(
                    x_train,
                    y_train,
                    *alpha,
                    1.0,
                    *fit_intercept,
                    *max_iter,
                    *tol,
                )
                .fit,
            ),
            ModelSpec::ElasticNet {
                alpha,
                l1_ratio,
                fit_intercept,
                max_iter,
                tol,
            } => linear_predictor(
                linear::elastic_net(
                    x_train,
                    y_train,
                    *alpha,
                    *l1_ratio,
                    *fit_intercept,
                    *max_iter,
                    *tol,
                )
                .fit,
            ),
            ModelSpec::KNeighbors {
                n_neighbors,
                weights,
                p,
            } => {
                // Brute force has no fitting step: all the work is in predicting.
                let (k, weights, p) = (*n_neighbors, *weights, *p);
                Box::new(move |t| Ok(knn::predict(x_train, y_train, t, k, weights, p)))
            }
        };
        Ok(FittedModel {
            kind,
            n_features: f,
            predict,
        })
    }

    /// Fits on the training set; the model then predicts any number of test sets. The same
    /// checks as [`ModelSpec::fit_predict`] apply, except those on a test set.
    pub fn fit<'a>(
        &self,
        x_train: ArrayView2<'a, f64>,
        y_train: ArrayView1<'a, f64>,
    ) -> Result<FittedModel<'a>, ModelError> {
        self.check_training_data(x_train, y_train)?;
        self.fit_checked(x_train, y_train)
    }
}

/// A fitted model as a prediction function.
type Predictor<'a> = Box<dyn Fn(ArrayView2<f64>) -> Result<Array1<f64>, ModelError> + 'a>;

/// A fitted model. k-NN borrows its training data, hence the lifetime.
pub struct FittedModel<'a> {
    kind: &'static str,
    n_features: usize,
    predict: Predictor<'a>,
}

fn check_test_data(n_features: usize, x_test: ArrayView2<f64>) -> Result<(), ModelError> {
    if x_test.ncols() != n_features {
        return Err(ModelError::Shape(format!(
            "x_train has {n_features} features but x_test has {}",
            x_test.ncols()
        )));
    }
    if !x_test.iter().all(|v| v.is_finite()) {
        return Err(ModelError::NonFinite("x_test"));
    }
    Ok(())
}

impl FittedModel<'_> {
    /// The scikit-learn class name of the model.
    pub fn kind_name(&self) -> &'static str {
        self.kind
    }

    /// Predicts `x`, which must have the training set's number of features and finite values.
    pub fn predict(&self, x: ArrayView2<f64>) -> Result<Array1<f64>, ModelError> {
        check_test_data(self.n_features, x)?;
        (self.predict)(x)
    }
}

impl std::fmt::Debug for FittedModel<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "FittedModel({})", self.kind)
    }
}

/// A fitted smartcore model's `predict` as a [`Predictor`]: our test matrix in, smartcore's
/// errors as [`ModelError::Predict`].
fn smartcore_predictor<'a>(
    kind: &'static str,
    predict: impl Fn(&DenseMatrix<f64>) -> Result<Vec<f64>, smartcore::error::Failed> + 'a,
) -> Predictor<'a> {
    Box::new(move |t| {
        predict(&dense(t))
            .map(Array1::from)
            .map_err(|e| ModelError::Predict {
                kind,
                message: e.to_string(),
            })
    })
}

fn linear_predictor<'a>(model: linear::LinearFit) -> Predictor<'a> {
    Box::new(move |t| Ok(model.predict(t)))
}

/// Fits NuSVR or SVR with our SMO solver (`crate::svm`).
fn fit_svm(
    spec: &ModelSpec,
    svm: &SvmSpec,
    x: ArrayView2<f64>,
    y: ArrayView1<f64>,
) -> Result<Predictor<'static>, ModelError> {
    use crate::svm::{Gamma, Kernel, SvmParams, SvrKind};
    let kind = match spec {
        ModelSpec::NuSvr { nu, .. } => SvrKind::Nu { nu: *nu },
        ModelSpec::Svr { epsilon, .. } => SvrKind::Epsilon { epsilon: *epsilon },
        _ => unreachable!("fit_svm is called for NuSVR and SVR only"),
    };
    let params = SvmParams {
        kernel: match svm.kernel {
            KernelName::Rbf => Kernel::Rbf,
            KernelName::Linear => Kernel::Linear,
            KernelName::Poly => Kernel::Poly,
            KernelName::Sigmoid => Kernel::Sigmoid,
        },
        gamma: match svm.gamma {
            GammaSpec::Scale => Gamma::Scale,
            GammaSpec::Auto => Gamma::Auto,
            GammaSpec::Value(g) => Gamma::Value(g),
        },
        degree: svm.degree,
        coef0: svm.coef0,
        c: svm.c,
        tol: svm.tol,
        // the cache only changes speed; the user's value is a memory budget and is kept
        cache_size_mb: svm.cache_size,
        shrinking: svm.shrinking,
        max_iter: svm.max_iter,
    };
    let model = crate::svm::fit(x, y, kind, &params).map_err(|e| ModelError::Fit {
        kind: spec.kind_name(),
        message: e.to_string(),
    })?;
    Ok(Box::new(move |x| Ok(model.predict(x))))
}
