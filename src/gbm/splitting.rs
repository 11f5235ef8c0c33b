//! Best split of a node from its histograms, as scikit-learn's `Splitter.find_node_split`:
//! gain `G_L^2/(H_L+l2) + G_R^2/(H_R+l2) - G^2/(H+l2)` (through the node values
//! `-G/(H+l2)`), splits kept only with `min_samples_leaf` rows and `min_hessian_to_split`
//! hessian on each side and gain > 0. Numeric features are scanned left to right with
//! missing values sent right, then (when the feature had missing values at fit) right to
//! left with missing values sent left; categorical features sort their categories by
//! `sum_g / (sum_h + 10)` (categories with less than 10 hessian ignored) and scan both ends
//! of that order up to half the categories.

use super::histogram::{HBin, NB};

/// Minimum hessian of a categorical bin to take part, and its smoothing (scikit-learn's
/// `MIN_CAT_SUPPORT`).
const MIN_CAT_SUPPORT: f64 = 10.0;

/// A node's best split.
#[derive(Clone, Debug)]
pub(crate) struct SplitInfo {
    pub gain: f64,
    pub feature: usize,
    pub bin: usize,
    pub missing_left: bool,
    pub is_cat: bool,
    pub cat_left: [u64; 4],
    pub g_left: f64,
    pub h_left: f64,
    pub n_left: u32,
    pub g_right: f64,
    pub h_right: f64,
    pub n_right: u32,
    pub value_left: f64,
    pub value_right: f64,
}

impl SplitInfo {
    fn none(feature: usize, is_cat: bool) -> Self {
        SplitInfo {
            gain: -1.0,
            feature,
            bin: 0,
            missing_left: false,
            is_cat,
            cat_left: [0; 4],
            g_left: 0.0,
            h_left: 0.0,
            n_left: 0,
            g_right: 0.0,
            h_right: 0.0,
            n_right: 0,
            value_left: 0.0,
            value_right: 0.0,
        }
    }
}

#[inline]
pub(crate) fn bit_set(bits: &mut [u64; 4], b: usize) {
    bits[b >> 6] |= 1u64 << (b & 63);
}

#[inline]
pub(crate) fn bit_get(bits: &[u64; 4], b: usize) -> bool {
    bits[b >> 6] >> (b & 63) & 1 == 1
}

/// `-G / (H + l2)`, scikit-learn's `compute_node_value` (no monotonic bounds).
#[inline]
pub(crate) fn node_value(g: f64, h: f64, l2: f64) -> f64 {
    -g / (h + l2 + 1e-15)
}

/// What split search needs to know of the data and the parameters.
pub(crate) struct SplitCtx<'a> {
    pub n_bins_non_missing: &'a [usize],
    pub has_missing: &'a [bool],
    pub is_cat: &'a [bool],
    pub missing_bin: usize,
    pub min_samples_leaf: u32,
    pub min_hessian: f64,
    pub l2: f64,
}

/// Node totals.
pub(crate) struct NodeSums {
    pub n: u32,
    pub g: f64,
    pub h: f64,
    pub value: f64,
}

impl SplitCtx<'_> {
    #[inline]
    fn gain(&self, gl: f64, hl: f64, gr: f64, hr: f64, loss_node: f64) -> f64 {
        let vl = node_value(gl, hl, self.l2);
        let vr = node_value(gr, hr, self.l2);
        loss_node - gl * vl - gr * vr
    }

    #[allow(clippy::too_many_arguments)]
    fn record(
        &self,
        s: &mut SplitInfo,
        gain: f64,
        bin: usize,
        miss_left: bool,
        gl: f64,
        hl: f64,
        nl: u32,
        t: &NodeSums,
    ) {
        s.gain = gain;
        s.bin = bin;
        s.missing_left = miss_left;
        s.g_left = gl;
        s.h_left = hl;
        s.n_left = nl;
        s.g_right = t.g - gl;
        s.h_right = t.h - hl;
        s.n_right = t.n - nl;
        s.value_left = node_value(s.g_left, s.h_left, self.l2);
        s.value_right = node_value(s.g_right, s.h_right, self.l2);
    }

    /// The best split over the features allowed (all when `allowed` is `None`); gain -1 when
    /// no split is valid.
    pub(crate) fn find(&self, hist: &[HBin], t: &NodeSums, allowed: Option<&[bool]>) -> SplitInfo {
        let nf = self.is_cat.len();
        let mut best = SplitInfo::none(0, self.is_cat.first().copied().unwrap_or(false));
        for f in 0..nf {
            if let Some(a) = allowed {
                if !a[f] {
                    continue;
                }
            }
            let h = &hist[f * NB..(f + 1) * NB];
            let mut s = SplitInfo::none(f, self.is_cat[f]);
            if self.is_cat[f] {
                self.categorical(f, h, t, &mut s);
            } else {
                self.left_to_right(f, h, t, &mut s);
                if self.has_missing[f] {
                    self.right_to_left(f, h, t, &mut s);
                }
            }
            if s.gain > best.gain {
                best = s;
            }
        }
        best
    }

    fn left_to_right(&self, f: usize, h: &[HBin], t: &NodeSums, s: &mut SplitInfo) {
        let end = self.n_bins_non_missing[f] - 1 + usize::from(self.has_missing[f]);
        let loss_node = t.g * t.value;
        let (mut gl, mut hl, mut nl) = (0.0, 0.0, 0u32);
        let mut best: Option<(f64, usize, f64, f64, u32)> = None;
        let mut best_gain = -1.0;
        for (b, hb) in h.iter().enumerate().take(end) {
            nl += hb.c;
            let nr = t.n - nl;
            hl += hb.h;
            let hr = t.h - hl;
            gl += hb.g;
            let gr = t.g - gl;
            if nl < self.min_samples_leaf {
                continue;
            }
            if nr < self.min_samples_leaf {
                break;
            }
            if hl < self.min_hessian {
                continue;
            }
            if hr < self.min_hessian {
                break;
            }
            let gain = self.gain(gl, hl, gr, hr, loss_node);
            if gain > best_gain && gain > 0.0 {
                best_gain = gain;
                best = Some((gain, b, gl, hl, nl));
            }
        }
        if let Some((gain, b, gl, hl, nl)) = best {
            self.record(s, gain, b, false, gl, hl, nl, t);
        }
    }

    fn right_to_left(&self, f: usize, h: &[HBin], t: &NodeSums, s: &mut SplitInfo) {
        let nb = self.n_bins_non_missing[f];
        if nb < 2 {
            return;
        }
        let loss_node = t.g * t.value;
        let (mut gr, mut hr, mut nr) = (0.0, 0.0, 0u32);
        let mut best: Option<(f64, usize, f64, f64, u32)> = None;
        let mut best_gain = s.gain;
        for b in (0..nb - 1).rev() {
            let hb = &h[b + 1];
            nr += hb.c;
            let nl = t.n - nr;
            hr += hb.h;
            let hl = t.h - hr;
            gr += hb.g;
            let gl = t.g - gr;
            if nr < self.min_samples_leaf {
                continue;
            }
            if nl < self.min_samples_leaf {
                break;
            }
            if hr < self.min_hessian {
                continue;
            }
            if hl < self.min_hessian {
                break;
            }
            let gain = self.gain(gl, hl, gr, hr, loss_node);
            if gain > best_gain && gain > 0.0 {
                best_gain = gain;
                best = Some((gain, b, gl, hl, nl));
            }
        }
        if let Some((gain, b, gl, hl, nl)) = best {
            self.record(s, gain, b, true, gl, hl, nl, t);
        }
    }

    fn categorical(&self, f: usize, h: &[HBin], t: &NodeSums, s: &mut SplitInfo) {
        let nb = self.n_bins_non_missing[f];
        let support = f64::from(t.n) / t.h;
        let mut cats: Vec<(usize, f64)> = Vec::with_capacity(nb + 1);
        let mut consider = |b: usize| {
            let hb = &h[b];
            if hb.h * support >= MIN_CAT_SUPPORT {
                cats.push((b, hb.g / (hb.h + MIN_CAT_SUPPORT)));
            }
        };
        for b in 0..nb {
            consider(b);
        }
        if self.has_missing[f] {
            consider(self.missing_bin);
        }
        let k = cats.len();
        if k <= 1 {
            return;
        }
        cats.sort_by(|a, b| a.1.total_cmp(&b.1));
        let loss_node = t.g * t.value;
        let mut best_gain = -1.0;
        let mut best: Option<(f64, usize, i32, f64, f64, u32)> = None;
        for dir in [1i32, -1] {
            let middle = if dir == 1 {
                k.div_ceil(2)
            } else {
                k.div_ceil(2) - 1
            };
            let (mut gl, mut hl, mut nl) = (0.0, 0.0, 0u32);
            for i in 0..middle {
                let idx = if dir == 1 { i } else { k - 1 - i };
                let hb = &h[cats[idx].0];
                nl += hb.c;
                let nr = t.n - nl;
                hl += hb.h;
                let hr = t.h - hl;
                gl += hb.g;
                let gr = t.g - gl;
                if nl < self.min_samples_leaf || hl < self.min_hessian {
                    continue;
                }
                if nr < self.min_samples_leaf || hr < self.min_hessian {
                    break;
                }
                let gain = self.gain(gl, hl, gr, hr, loss_node);
                if gain > best_gain && gain > 0.0 {
                    best_gain = gain;
                    best = Some((gain, idx, dir, gl, hl, nl));
                }
            }
        }
        if let Some((gain, idx, dir, gl, hl, nl)) = best {
            self.record(s, gain, 0, false, gl, hl, nl, t);
            let mut bits = [0u64; 4];
            let range = if dir == 1 { 0..idx + 1 } else { idx..k };
            for &(b, _) in &cats[range] {
                bit_set(&mut bits, b);
            }
            s.cat_left = bits;
            s.missing_left = self.has_missing[f] && bit_get(&bits, self.missing_bin);
        }
    }
}
