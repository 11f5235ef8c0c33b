//! A fitted histogram tree: predicts from raw values (`x <= threshold` goes left, NaN goes
//! the learned way) as scikit-learn's `TreePredictor`, or from bin codes during fitting.

use ndarray::ArrayView1;
use serde::{Deserialize, Serialize};

use super::binning::{BinMapper, Binned};
use super::splitting::bit_get;

/// One node of a [`Tree`]. For a leaf only `value` matters.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TreeNode {
    /// Leaf value (already multiplied by the learning rate); unused on split nodes.
    pub value: f64,
    /// Whether the node is a leaf.
    pub is_leaf: bool,
    /// Split feature.
    pub feature: u32,
    /// Raw threshold: `x <= threshold` goes left (+inf for a split of missing vs the rest;
    /// serialized as null, which JSON cannot otherwise hold).
    #[serde(with = "inf_as_none")]
    pub threshold: f64,
    /// The same threshold as a bin code: `bin <= bin_threshold` goes left.
    pub bin_threshold: u8,
    /// Where missing values (and unknown categories) go.
    pub missing_left: bool,
    /// Whether the split is on a categorical feature (then `cat_left` applies).
    pub is_categorical: bool,
    /// Bins (category ranks) that go left, as a 256-bit set.
    pub cat_left: [u64; 4],
    /// Left child.
    pub left: u32,
    /// Right child.
    pub right: u32,
    /// Training rows in the node.
    pub count: u32,
    /// Split gain (-1 for a leaf).
    pub gain: f64,
}

/// A fitted tree; node 0 is the root.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Tree {
    /// Nodes, children after parents.
    pub nodes: Vec<TreeNode>,
}

impl Tree {
    /// Number of leaves.
    pub fn n_leaves(&self) -> usize {
        self.nodes.iter().filter(|n| n.is_leaf).count()
    }

    /// Depth of the deepest leaf (a lone root has depth 0).
    pub fn max_depth(&self) -> usize {
        fn d(t: &Tree, i: usize) -> usize {
            let n = &t.nodes[i];
            if n.is_leaf {
                0
            } else {
                1 + d(t, n.left as usize).max(d(t, n.right as usize))
            }
        }
        d(self, 0)
    }

    /// Prediction of one raw row (NaN = missing).
    #[inline]
    pub fn predict_row(&self, row: ArrayView1<f64>, mapper: &BinMapper) -> f64 {
        let mut i = 0usize;
        loop {
            let n = &self.nodes[i];
            if n.is_leaf {
                return n.value;
            }
            let f = n.feature as usize;
            let v = row[f];
            let left = if v.is_nan() {
                n.missing_left
            } else if n.is_categorical {
                let b = mapper.bin_value(f, v);
                if usize::from(b) == mapper.max_bins {
                    n.missing_left
                } else {
                    bit_get(&n.cat_left, b as usize)
                }
            } else {
                v <= n.threshold
            };
            i = if left { n.left } else { n.right } as usize;
        }
    }

    /// Prediction of row `r` of binned data.
    #[inline]
    pub fn predict_binned(&self, x: &Binned, r: usize, missing_bin: u8) -> f64 {
        let mut i = 0usize;
        loop {
            let n = &self.nodes[i];
            if n.is_leaf {
                return n.value;
            }
            let b = x.codes[n.feature as usize * x.n_rows + r];
            let left = if n.is_categorical {
                if b == missing_bin && !bit_get(&n.cat_left, b as usize) {
                    n.missing_left
                } else {
                    bit_get(&n.cat_left, b as usize)
                }
            } else if b == missing_bin {
                n.missing_left
            } else {
                b <= n.bin_threshold
            };
            i = if left { n.left } else { n.right } as usize;
        }
    }
}

mod inf_as_none {
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    pub(super) fn serialize<S: Serializer>(v: &f64, s: S) -> Result<S::Ok, S::Error> {
        let o: Option<f64> = if v.is_finite() { Some(*v) } else { None };
        o.serialize(s)
    }

    pub(super) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<f64, D::Error> {
        Ok(Option::<f64>::deserialize(d)?.unwrap_or(f64::INFINITY))
    }
}
