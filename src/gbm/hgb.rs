//! `HistGradientBoostingRegressor`: parameters, fit and the fitted model.

use ndarray::{Array1, ArrayView2};
use serde::{Deserialize, Serialize};

use super::binning::BinMapper;
use super::grower::{grow, GrowParams, Workspace};
use super::loss::Loss;
use super::rng::Rng;
use super::splitting::SplitCtx;
use super::tree::Tree;
use super::{invalid, GbmError};

/// scikit-learn's `early_stopping`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum EarlyStopping {
    /// `"auto"`: on when there are more than 10,000 rows.
    #[default]
    Auto,
    /// `True`.
    On,
    /// `False`.
    Off,
}

/// HistGradientBoostingRegressor's parameters; `Default` is scikit-learn 1.9's defaults.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct HgbParams {
    /// `loss` (squared_error or poisson).
    pub loss: Loss,
    /// `learning_rate`, the leaf-value shrinkage (> 0).
    pub learning_rate: f64,
    /// `max_iter`: boosting iterations (one tree each) at most (>= 1).
    pub max_iter: usize,
    /// `max_leaf_nodes` (>= 2, or `None`: no limit).
    pub max_leaf_nodes: Option<usize>,
    /// `max_depth` in edges (>= 1, or `None`: no limit).
    pub max_depth: Option<usize>,
    /// `min_samples_leaf` (>= 1).
    pub min_samples_leaf: usize,
    /// `l2_regularization` (>= 0).
    pub l2_regularization: f64,
    /// `max_features`: fraction of the features drawn at each split, in (0, 1].
    pub max_features: f64,
    /// `max_bins`: bins for non-missing values, in 2..=255.
    pub max_bins: usize,
    /// `early_stopping`.
    pub early_stopping: EarlyStopping,
    /// `validation_fraction` in (0, 1), or `None`: score early stopping on the training loss.
    pub validation_fraction: Option<f64>,
    /// `n_iter_no_change` (>= 1).
    pub n_iter_no_change: usize,
    /// `tol` (>= 0).
    pub tol: f64,
    /// `random_state` (`None`: a fresh seed each fit).
    pub random_state: Option<u64>,
}

impl Default for HgbParams {
    fn default() -> Self {
        HgbParams {
            loss: Loss::SquaredError,
            learning_rate: 0.1,
            max_iter: 100,
            max_leaf_nodes: Some(31),
            max_depth: None,
            min_samples_leaf: 20,
            l2_regularization: 0.0,
            max_features: 1.0,
            max_bins: 255,
            early_stopping: EarlyStopping::Auto,
            validation_fraction: Some(0.1),
            n_iter_no_change: 10,
            tol: 1e-7,
            random_state: None,
        }
    }
}

impl HgbParams {
    fn validate(&self) -> Result<(), GbmError> {
        if !(self.learning_rate > 0.0 && self.learning_rate.is_finite()) {
            return Err(invalid(
                "learning_rate",
                format!("must be > 0, got {}", self.learning_rate),
            ));
        }
        if self.max_iter < 1 {
            return Err(invalid("max_iter", "must be >= 1"));
        }
        if matches!(self.max_leaf_nodes, Some(m) if m < 2) {
            return Err(invalid("max_leaf_nodes", "must be >= 2 or None"));
        }
        if matches!(self.max_depth, Some(0)) {
            return Err(invalid("max_depth", "must be >= 1 or None"));
        }
        if self.min_samples_leaf < 1 {
            return Err(invalid("min_samples_leaf", "must be >= 1"));
        }
        if !(self.l2_regularization >= 0.0 && self.l2_regularization.is_finite()) {
            return Err(invalid("l2_regularization", "must be >= 0"));
        }
        if !(self.max_features > 0.0 && self.max_features <= 1.0) {
            return Err(invalid("max_features", "must be in (0, 1]"));
        }
        if !(2..=255).contains(&self.max_bins) {
            return Err(invalid(
                "max_bins",
                format!("must be in [2, 255], got {}", self.max_bins),
            ));
        }
        if matches!(self.validation_fraction, Some(f) if !(f > 0.0 && f < 1.0)) {
            return Err(invalid("validation_fraction", "must be in (0, 1) or None"));
        }
        if self.n_iter_no_change < 1 {
            return Err(invalid("n_iter_no_change", "must be >= 1"));
        }
        if self.tol.is_nan() || self.tol < 0.0 {
            return Err(invalid("tol", "must be >= 0"));
        }
        Ok(())
    }
}

/// A fitted HistGradientBoostingRegressor.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct HgbModel {
    /// The loss it was fitted with.
    pub loss: Loss,
    /// Raw prediction before any tree.
    pub baseline: f64,
    /// One tree per iteration (`n_trees_per_iteration` is 1 for regression).
    pub trees: Vec<Tree>,
    /// Bin thresholds and categories (predictions use raw thresholds; categories map to
    /// bins).
    pub mapper: BinMapper,
    /// Whether early stopping was on.
    pub early_stopping: bool,
    /// `train_score_`: minus the mean training loss, from the baseline on (when early
    /// stopping scores on the training set).
    pub train_score: Vec<f64>,
    /// `validation_score_`: minus the mean validation loss, from the baseline on.
    pub validation_score: Vec<f64>,
}

fn should_stop(scores: &[f64], n_iter_no_change: usize, tol: f64) -> bool {
    let rp = n_iter_no_change + 1;
    if scores.len() < rp {
        return false;
    }
    let reference = scores[scores.len() - rp] + tol;
    !scores[scores.len() - rp + 1..]
        .iter()
        .any(|&s| s > reference)
}

/// Fits a HistGradientBoostingRegressor on `x` (NaN = missing) and `y`; `categorical` flags
/// the columns holding non-negative integer category codes (empty slice: none).
pub fn fit_hgb(
    x: ArrayView2<f64>,
    y: &[f64],
    categorical: &[bool],
    p: &HgbParams,
) -> Result<HgbModel, GbmError> {
    p.validate()?;
    let (n, nf) = super::check_xy(x, y)?;
    let no_cat;
    let categorical = if categorical.is_empty() {
        no_cat = vec![false; nf];
        &no_cat[..]
    } else {
        categorical
    };
    if categorical.len() != nf {
        return Err(GbmError::LengthMismatch {
            what: "categorical_features",
            got: categorical.len(),
            expected: nf,
        });
    }
    p.loss.check(y)?;
    let mut rng = Rng::from_state(p.random_state);
    let mut split_rng = Rng::new(rng.next_u64());
    let mut bin_rng = Rng::new(rng.next_u64());
    let mut feat_rng = Rng::new(rng.next_u64());

    let do_es = match p.early_stopping {
        EarlyStopping::Auto => n > 10_000,
        EarlyStopping::On => true,
        EarlyStopping::Off => false,
    };
    let (train, val): (Vec<usize>, Vec<usize>) = match (do_es, p.validation_fraction) {
        (true, Some(f)) => {
            let n_test = (f * n as f64).ceil() as usize;
            let n_train = n.saturating_sub(n_test);
            if n_test == 0 || n_train == 0 {
                return Err(GbmError::BadValidationSplit {
                    n,
                    train: n_train,
                    val: n_test,
                });
            }
            let mut perm: Vec<usize> = (0..n).collect();
            split_rng.shuffle(&mut perm);
            let val = perm[..n_test].to_vec();
            let train = perm[n_test..].to_vec();
            (train, val)
        }
        _ => ((0..n).collect(), Vec::new()),
    };
    let use_val = !val.is_empty();
    let mapper = BinMapper::fit(x, Some(&train), categorical, p.max_bins, &mut bin_rng)?;
    let xb = mapper.transform(x, Some(&train));
    let xv = if use_val {
        Some(mapper.transform(x, Some(&val)))
    } else {
        None
    };
    let missing_bin = mapper.missing_bin();
    let has_missing: Vec<bool> = (0..nf).map(|f| xb.col(f).contains(&missing_bin)).collect();
    let yt: Vec<f64> = train.iter().map(|&i| y[i]).collect();
    let yv: Vec<f64> = val.iter().map(|&i| y[i]).collect();
    if let Loss::Poisson = p.loss {
        p.loss.check(&yt)?;
    }
    let baseline = p.loss.baseline(&yt);
    let nt = yt.len();
    let mut raw = vec![baseline; nt];
    let mut raw_val = vec![baseline; yv.len()];
    let mut g = vec![0.0; nt];
    let mut h = vec![0.0; if p.loss.constant_hessian() { 0 } else { nt }];
    let ctx = SplitCtx {
        n_bins_non_missing: &mapper.n_bins_non_missing,
        has_missing: &has_missing,
        is_cat: &mapper.is_categorical,
        missing_bin: usize::from(missing_bin),
        min_samples_leaf: p.min_samples_leaf.min(u32::MAX as usize) as u32,
        min_hessian: 1e-3,
        l2: p.l2_regularization,
    };
    let gp = GrowParams {
        max_leaf_nodes: p.max_leaf_nodes,
        max_depth: p.max_depth,
        min_samples_leaf: p.min_samples_leaf,
        shrinkage: p.learning_rate,
        feature_fraction: p.max_features,
    };
    let mut train_score = Vec::new();
    let mut validation_score = Vec::new();
    let score = |raw: &[f64], raw_val: &[f64], ts: &mut Vec<f64>, vs: &mut Vec<f64>| -> bool {
        if use_val {
            vs.push(-p.loss.mean_loss(&yv, raw_val));
            should_stop(vs, p.n_iter_no_change, p.tol)
        } else {
            ts.push(-p.loss.mean_loss(&yt, raw));
            should_stop(ts, p.n_iter_no_change, p.tol)
        }
    };
    if do_es {
        score(&raw, &raw_val, &mut train_score, &mut validation_score);
    }
    let mut ws = Workspace::default();
    let mut trees = Vec::with_capacity(p.max_iter);
    for _ in 0..p.max_iter {
        p.loss.gradients(&yt, &raw, &mut g, &mut h);
        let hh = if p.loss.constant_hessian() {
            None
        } else {
            Some(&h[..])
        };
        let grown = grow(&xb, &g, hh, &ctx, &gp, &mut feat_rng, &mut ws);
        let mut tree = grown.tree;
        for nd in tree
            .nodes
            .iter_mut()
            .filter(|nd| !nd.is_leaf && !nd.is_categorical)
        {
            let f = nd.feature as usize;
            let b = usize::from(nd.bin_threshold);
            nd.threshold = if b + 1 == mapper.n_bins_non_missing[f] {
                f64::INFINITY
            } else {
                mapper.thresholds[f][b]
            };
        }
        for &(s, e, v) in &grown.leaves {
            for &r in &ws.partition[s..e] {
                raw[r as usize] += v;
            }
        }
        if let Some(xv) = &xv {
            for (r, rv) in raw_val.iter_mut().enumerate() {
                *rv += tree.predict_binned(xv, r, missing_bin);
            }
        }
        trees.push(tree);
        if do_es && score(&raw, &raw_val, &mut train_score, &mut validation_score) {
            break;
        }
    }
    Ok(HgbModel {
        loss: p.loss,
        baseline,
        trees,
        mapper,
        early_stopping: do_es,
        train_score,
        validation_score,
    })
}

impl HgbModel {
    /// `n_iter_`: boosting iterations run (fewer than `max_iter` when stopped early).
    pub fn n_iter(&self) -> usize {
        self.trees.len()
    }

    /// Number of columns the model was fitted on.
    pub fn n_features(&self) -> usize {
        self.mapper.is_categorical.len()
    }

    /// Raw predictions (before the inverse link) of `x` (NaN = missing).
    pub fn predict_raw(&self, x: ArrayView2<f64>) -> Result<Array1<f64>, GbmError> {
        if x.ncols() != self.n_features() {
            return Err(GbmError::WrongColumns {
                expected: self.n_features(),
                got: x.ncols(),
            });
        }
        // Binning with the fitted thresholds gives the same paths as comparing raw values
        // (`x <= threshold[b]` exactly when `bin(x) <= b`; NaN and unknown categories get the
        // missing bin), and u8 codes are a quarter of the memory traffic. Tree-major over
        // blocks of rows, so that a tree stays in cache for the block; each row still sums
        // its trees in order.
        const BLOCK: usize = 512;
        let xb = self.mapper.transform(x, None);
        let missing = self.mapper.missing_bin();
        let n = x.nrows();
        let mut out = Array1::from_elem(n, self.baseline);
        let mut start = 0;
        while start < n {
            let end = (start + BLOCK).min(n);
            for t in &self.trees {
                for r in start..end {
                    out[r] += t.predict_binned(&xb, r, missing);
                }
            }
            start = end;
        }
        Ok(out)
    }

    /// Predictions of `x` (NaN = missing); an error only when the column count differs.
    pub fn predict(&self, x: ArrayView2<f64>) -> Result<Array1<f64>, GbmError> {
        let mut r = self.predict_raw(x)?;
        r.mapv_inplace(|v| self.loss.inverse_link(v));
        Ok(r)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn should_stop_needs_n_plus_one_scores_without_improvement() {
        let flat = vec![-1.0; 11];
        assert!(should_stop(&flat, 10, 1e-7));
        assert!(!should_stop(&flat[..10], 10, 1e-7));
        let mut better = flat.clone();
        better[10] = -0.5;
        assert!(!should_stop(&better, 10, 1e-7));
    }
}
