//! `GradientBoostingRegressor` (squared error, exact greedy `friedman_mse` trees), as
//! scikit-learn's: the baseline is mean(y), each stage fits a depth-limited tree to the
//! residuals and adds `learning_rate` times its leaf means.
//!
//! Like scikit-learn the features are used as f32 (thresholds are midpoints of consecutive
//! distinct f32 values, in f64; values closer than 1e-7 count as equal). Unlike it, each
//! feature is sorted once for the whole fit, and each tree grows level by level: one pass
//! over a feature's sorted order scores the candidate splits of every node of the level at
//! once (per-node running sums), so a tree costs `depth * features * rows` steps with no
//! sorting.

use ndarray::{Array1, ArrayView2};
use serde::{Deserialize, Serialize};

use super::rng::Rng;
use super::{invalid, GbmError};

const FEATURE_THRESHOLD: f64 = 1e-7;
const NONE: u32 = u32::MAX;

/// `max_features` of the trees: features drawn at each node.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
pub enum MaxFeatures {
    /// `None`: all features.
    #[default]
    All,
    /// `"sqrt"`.
    Sqrt,
    /// `"log2"`.
    Log2,
    /// A fraction in (0, 1]: `max(1, int(f * n_features))`.
    Fraction(f64),
    /// A count (>= 1, capped at the number of features).
    Count(usize),
}

/// GradientBoostingRegressor's parameters; `Default` is scikit-learn 1.9's defaults
/// (`loss="squared_error"`, `criterion="friedman_mse"`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct GbrParams {
    /// `n_estimators` (>= 1).
    pub n_estimators: usize,
    /// `learning_rate` (> 0).
    pub learning_rate: f64,
    /// `max_depth` (>= 1, or `None`: grow until the other limits stop it).
    pub max_depth: Option<usize>,
    /// `min_samples_split` (>= 2).
    pub min_samples_split: usize,
    /// `min_samples_leaf` (>= 1).
    pub min_samples_leaf: usize,
    /// `subsample` in (0, 1]: rows drawn without replacement for each stage.
    pub subsample: f64,
    /// `max_features`.
    pub max_features: MaxFeatures,
    /// `random_state` (`None`: a fresh seed each fit; only used by subsample/max_features).
    pub random_state: Option<u64>,
}

impl Default for GbrParams {
    fn default() -> Self {
        GbrParams {
            n_estimators: 100,
            learning_rate: 0.1,
            max_depth: Some(3),
            min_samples_split: 2,
            min_samples_leaf: 1,
            subsample: 1.0,
            max_features: MaxFeatures::All,
            random_state: None,
        }
    }
}

/// One node of a [`GbrTree`].
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct GbrNode {
    /// Split feature (unused on leaves).
    pub feature: u32,
    /// `x <= threshold` goes left (x compared as f32, like scikit-learn).
    pub threshold: f64,
    /// Left child.
    pub left: u32,
    /// Right child.
    pub right: u32,
    /// Mean residual of the node's training rows (unscaled).
    pub value: f64,
    /// Whether the node is a leaf.
    pub is_leaf: bool,
    /// Training rows (in the stage's subsample) in the node.
    pub n_samples: u32,
}

/// A fitted regression tree; node 0 is the root.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct GbrTree {
    /// Nodes, children after parents.
    pub nodes: Vec<GbrNode>,
}

impl GbrTree {
    #[inline]
    fn leaf_value(&self, x: impl Fn(usize) -> f64) -> f64 {
        let mut i = 0usize;
        loop {
            let n = &self.nodes[i];
            if n.is_leaf {
                return n.value;
            }
            i = if x(n.feature as usize) <= n.threshold {
                n.left
            } else {
                n.right
            } as usize;
        }
    }

    /// Number of leaves.
    pub fn n_leaves(&self) -> usize {
        self.nodes.iter().filter(|n| n.is_leaf).count()
    }
}

/// A fitted GradientBoostingRegressor.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct GbrModel {
    /// The initial prediction, mean(y).
    pub init: f64,
    /// `learning_rate`.
    pub learning_rate: f64,
    /// One tree per stage.
    pub trees: Vec<GbrTree>,
    /// Columns at fit.
    pub n_features: usize,
    /// `train_score_`: mean squared error on the stage's in-bag rows after each stage.
    pub train_score: Vec<f64>,
}

impl GbrModel {
    /// `n_estimators_`.
    pub fn n_estimators(&self) -> usize {
        self.trees.len()
    }

    /// Predictions of `x` (finite values; NaN goes right at every split).
    pub fn predict(&self, x: ArrayView2<f64>) -> Result<Array1<f64>, GbmError> {
        if x.ncols() != self.n_features {
            return Err(GbmError::WrongColumns {
                expected: self.n_features,
                got: x.ncols(),
            });
        }
        let mut out = Array1::from_elem(x.nrows(), self.init);
        let mut row32 = vec![0f64; self.n_features];
        for (o, row) in out.iter_mut().zip(x.rows()) {
            for (d, &v) in row32.iter_mut().zip(row.iter()) {
                *d = f64::from(v as f32);
            }
            let mut s = 0.0;
            for t in &self.trees {
                s += t.leaf_value(|f| row32[f]);
            }
            *o += self.learning_rate * s;
        }
        Ok(out)
    }
}

impl GbrParams {
    fn validate(&self) -> Result<(), GbmError> {
        if self.n_estimators < 1 {
            return Err(invalid("n_estimators", "must be >= 1"));
        }
        if !(self.learning_rate > 0.0 && self.learning_rate.is_finite()) {
            return Err(invalid("learning_rate", "must be > 0"));
        }
        if matches!(self.max_depth, Some(0)) {
            return Err(invalid("max_depth", "must be >= 1 or None"));
        }
        if self.min_samples_split < 2 {
            return Err(invalid("min_samples_split", "must be >= 2"));
        }
        if self.min_samples_leaf < 1 {
            return Err(invalid("min_samples_leaf", "must be >= 1"));
        }
        if !(self.subsample > 0.0 && self.subsample <= 1.0) {
            return Err(invalid("subsample", "must be in (0, 1]"));
        }
        match self.max_features {
            MaxFeatures::Fraction(f) if !(f > 0.0 && f <= 1.0) => {
                Err(invalid("max_features", "fraction must be in (0, 1]"))
            }
            MaxFeatures::Count(0) => Err(invalid("max_features", "count must be >= 1")),
            _ => Ok(()),
        }
    }

    fn n_max_features(&self, nf: usize) -> usize {
        let k = match self.max_features {
            MaxFeatures::All => nf,
            MaxFeatures::Sqrt => (nf as f64).sqrt() as usize,
            MaxFeatures::Log2 => (nf as f64).log2() as usize,
            MaxFeatures::Fraction(f) => (f * nf as f64) as usize,
            MaxFeatures::Count(c) => c,
        };
        k.clamp(1, nf)
    }
}

/// Per-sample state while a tree grows.
#[derive(Clone, Copy)]
struct Samp {
    r: f64,
    slot: u32,
}

/// Running state of one node during one feature's scan.
#[derive(Clone, Copy, Default)]
struct Scan {
    nl: u32,
    sum: f64,
    last: f32,
}

#[derive(Clone, Copy)]
struct Best {
    proxy: f64,
    feature: u32,
    threshold: f64,
}

#[derive(Clone, Copy, Default)]
struct Stats {
    n: u32,
    sum: f64,
    sq: f64,
}

/// Fits a GradientBoostingRegressor on `x` (all values finite) and `y`.
pub fn fit_gbr(x: ArrayView2<f64>, y: &[f64], p: &GbrParams) -> Result<GbrModel, GbmError> {
    p.validate()?;
    let (n, nf) = super::check_xy(x, y)?;
    if x.iter().any(|v| v.is_nan() || v.abs() > f32::MAX as f64) {
        return Err(GbmError::NonFinite("x"));
    }
    let mut rng = Rng::from_state(p.random_state);
    // Column-major f32 values, and each feature's order and sorted values.
    let xs: Vec<f32> = (0..nf)
        .flat_map(|f| x.column(f).iter().map(|&v| v as f32).collect::<Vec<_>>())
        .collect();
    let mut order: Vec<Vec<u32>> = Vec::with_capacity(nf);
    let mut sval: Vec<Vec<f32>> = Vec::with_capacity(nf);
    for f in 0..nf {
        let col = &xs[f * n..(f + 1) * n];
        let mut o: Vec<u32> = (0..n as u32).collect();
        o.sort_by(|&a, &b| col[a as usize].total_cmp(&col[b as usize]));
        sval.push(o.iter().map(|&i| col[i as usize]).collect());
        order.push(o);
    }
    let init = y.iter().sum::<f64>() / n as f64;
    let mut raw = vec![init; n];
    let n_inbag = if p.subsample < 1.0 {
        ((p.subsample * n as f64) as usize).max(1)
    } else {
        n
    };
    let kfeat = p.n_max_features(nf);
    let msl = p.min_samples_leaf as u32;
    let mss = p.min_samples_split.max(2 * p.min_samples_leaf) as u32;
    let mut samp = vec![Samp { r: 0.0, slot: NONE }; n];
    let mut leaf_of = vec![0u32; n];
    let mut inbag = vec![true; n];
    let mut perm: Vec<usize> = (0..n).collect();
    let mut trees = Vec::with_capacity(p.n_estimators);
    let mut train_score = Vec::with_capacity(p.n_estimators);
    let mut scan: Vec<Scan> = Vec::new();
    let mut feat_mask: Vec<bool> = Vec::new();
    for _ in 0..p.n_estimators {
        if n_inbag < n {
            rng.shuffle(&mut perm);
            inbag.fill(false);
            for &i in &perm[..n_inbag] {
                inbag[i] = true;
            }
        }
        let mut root = Stats::default();
        for i in 0..n {
            let r = y[i] - raw[i];
            samp[i] = Samp {
                r,
                slot: if inbag[i] { 0 } else { NONE },
            };
            leaf_of[i] = 0;
            if inbag[i] {
                root.n += 1;
                root.sum += r;
                root.sq += r * r;
            }
        }
        let mut nodes: Vec<GbrNode> = Vec::new();
        let is_leaf = |s: &Stats, depth: usize| -> bool {
            let nn = f64::from(s.n);
            let imp = s.sq / nn - (s.sum / nn) * (s.sum / nn);
            p.max_depth.is_some_and(|d| depth >= d)
                || s.n < mss
                || s.n < 2 * msl
                || imp <= f64::EPSILON
        };
        let mk = |s: &Stats| GbrNode {
            feature: 0,
            threshold: 0.0,
            left: 0,
            right: 0,
            value: if s.n > 0 { s.sum / f64::from(s.n) } else { 0.0 },
            is_leaf: true,
            n_samples: s.n,
        };
        nodes.push(mk(&root));
        // active[k] = (node id, stats); samples' slot = k
        let mut active: Vec<(u32, Stats)> = if is_leaf(&root, 0) {
            Vec::new()
        } else {
            vec![(0, root)]
        };
        let mut depth = 0usize;
        if active.is_empty() {
            for s in samp.iter_mut() {
                s.slot = NONE;
            }
        }
        while !active.is_empty() {
            let na = active.len();
            let mut best = vec![
                Best {
                    proxy: f64::NEG_INFINITY,
                    feature: NONE,
                    threshold: 0.0,
                };
                na
            ];
            if kfeat < nf {
                feat_mask.clear();
                for _ in 0..na {
                    let mut m = vec![false; nf];
                    m[..kfeat].fill(true);
                    rng.shuffle(&mut m);
                    feat_mask.extend(m);
                }
            }
            for f in 0..nf {
                scan.clear();
                scan.resize(na, Scan::default());
                let (o, sv) = (&order[f], &sval[f]);
                let masked = kfeat < nf;
                for (&i, &v) in o.iter().zip(sv) {
                    let sm = samp[i as usize];
                    if sm.slot == NONE {
                        continue;
                    }
                    let k = sm.slot as usize;
                    let st = &mut scan[k];
                    if st.nl > 0 && f64::from(v) > f64::from(st.last) + FEATURE_THRESHOLD {
                        let tot = &active[k].1;
                        let nl = st.nl;
                        let nr = tot.n - nl;
                        if nl >= msl && nr >= msl && (!masked || feat_mask[k * nf + f]) {
                            let (fl, fr) = (f64::from(nl), f64::from(nr));
                            let sr = tot.sum - st.sum;
                            let diff = fr * st.sum - fl * sr;
                            let proxy = diff * diff / (fl * fr);
                            let b = &mut best[k];
                            if proxy > b.proxy {
                                let (a, c) = (f64::from(st.last), f64::from(v));
                                let mut t = a / 2.0 + c / 2.0;
                                if t == c || !t.is_finite() {
                                    t = a;
                                }
                                *b = Best {
                                    proxy,
                                    feature: f as u32,
                                    threshold: t,
                                };
                            }
                        }
                    }
                    st.nl += 1;
                    st.sum += sm.r;
                    st.last = v;
                }
            }
            // Apply the splits: children get node ids; route every row of a split node.
            let mut child_of = vec![(NONE, NONE); nodes.len()];
            for (k, b) in best.iter().enumerate() {
                if b.feature == NONE {
                    continue;
                }
                let id = active[k].0 as usize;
                let (l, r) = (nodes.len() as u32, nodes.len() as u32 + 1);
                nodes[id].is_leaf = false;
                nodes[id].feature = b.feature;
                nodes[id].threshold = b.threshold;
                nodes[id].left = l;
                nodes[id].right = r;
                nodes.push(mk(&Stats::default()));
                nodes.push(mk(&Stats::default()));
                child_of[id] = (l, r);
            }
            let mut cstats = vec![Stats::default(); nodes.len()];
            for i in 0..n {
                let id = leaf_of[i] as usize;
                if id >= child_of.len() || child_of[id].0 == NONE {
                    continue;
                }
                let nd = &nodes[id];
                let v = f64::from(xs[nd.feature as usize * n + i]);
                let c = if v <= nd.threshold {
                    child_of[id].0
                } else {
                    child_of[id].1
                };
                leaf_of[i] = c;
                if inbag[i] {
                    let s = &mut cstats[c as usize];
                    let r = samp[i].r;
                    s.n += 1;
                    s.sum += r;
                    s.sq += r * r;
                }
            }
            depth += 1;
            let mut next: Vec<(u32, Stats)> = Vec::new();
            let mut slot_of_node = vec![NONE; nodes.len()];
            for &(l, r) in child_of.iter().filter(|c| c.0 != NONE) {
                for c in [l, r] {
                    let s = cstats[c as usize];
                    nodes[c as usize] = mk(&s);
                    if s.n > 0 && !is_leaf(&s, depth) {
                        slot_of_node[c as usize] = next.len() as u32;
                        next.push((c, s));
                    }
                }
            }
            for (i, sm) in samp.iter_mut().enumerate() {
                sm.slot = if inbag[i] {
                    slot_of_node
                        .get(leaf_of[i] as usize)
                        .copied()
                        .unwrap_or(NONE)
                } else {
                    NONE
                };
            }
            active = next;
        }
        let mut sse = 0.0;
        for i in 0..n {
            raw[i] += p.learning_rate * nodes[leaf_of[i] as usize].value;
            if inbag[i] {
                let d = y[i] - raw[i];
                sse += d * d;
            }
        }
        train_score.push(sse / n_inbag as f64);
        trees.push(GbrTree { nodes });
    }
    Ok(GbrModel {
        init,
        learning_rate: p.learning_rate,
        trees,
        n_features: nf,
        train_score,
    })
}
