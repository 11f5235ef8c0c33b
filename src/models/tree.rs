//! The regression tree under DecisionTreeRegressor, ExtraTreeRegressor, RandomForestRegressor
//! and ExtraTreesRegressor: CART with the squared error, grown depth first as scikit-learn's
//! `DepthFirstTreeBuilder`, with its rules:
//!
//! - the features are used as f32 (scikit-learn's trees convert `X` to float32, when fitting
//!   and when predicting); values closer than 1e-7 count as equal;
//! - a node is a leaf at `max_depth`, below `min_samples_split` or `2 * min_samples_leaf`
//!   samples, or when its impurity is at most `f64::EPSILON`;
//! - the best splitter scores every threshold between consecutive distinct values by the
//!   proxy `sum_left² / w_left + sum_right² / w_right` and puts the threshold at their
//!   midpoint (the lower value where the midpoint rounds to the upper one); the random splitter
//!   (extra trees) draws one threshold per feature uniformly between the node's minimum and
//!   maximum;
//! - features are drawn in random order until `max_features` have been tried and at least one
//!   of them was not constant in the node;
//! - a bootstrap sample is a weight per row (how often it was drawn); rows drawn zero times
//!   are left out, and `min_samples_*` count rows, not weights.
//!
//! The draws (feature order, bootstrap rows, random thresholds) come from our own generator,
//! not numpy's, so a seeded forest is a different forest than scikit-learn's with that seed,
//! from the same distribution.
//!
//! How it is fast: each feature is sorted once ([`Columns`], shared by all the trees of a
//! forest); a node keeps, for every feature, its rows in that feature's order with their values
//! beside them, so scoring a feature reads memory in order (the extra trees' minimum and
//! maximum are the run's ends), and a split partitions each feature's run stably into a second
//! buffer (the children's runs), one store per row. A feature with two values (a one-hot
//! column) keeps only its upper value's rows: its one threshold's sides are those rows and
//! the rest of the node, so scoring and partitioning it costs its upper value's rows only.

use ndarray::ArrayView2;

use crate::gbm::rng::Rng;

/// scikit-learn's `FEATURE_THRESHOLD`: values closer than this are not split apart.
const FEATURE_THRESHOLD: f64 = 1e-7;
/// No child: a leaf.
const LEAF: u32 = u32::MAX;

/// How a node's threshold on a feature is chosen.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Splitter {
    /// The best of all thresholds (`splitter="best"`).
    Best,
    /// One threshold drawn uniformly between the node's extremes (`splitter="random"`).
    Random,
}

/// How a tree grows.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct TreeConfig {
    /// `max_depth`; `None` grows until the other rules stop it.
    pub max_depth: Option<usize>,
    /// `min_samples_split` (at least 2).
    pub min_samples_split: usize,
    /// `min_samples_leaf` (at least 1).
    pub min_samples_leaf: usize,
    /// Features tried per split, already resolved (at least 1).
    pub max_features: usize,
    pub splitter: Splitter,
}

#[derive(Clone, Copy, Debug)]
struct Node {
    feature: u32,
    /// Children; `LEAF` for a leaf.
    left: u32,
    right: u32,
    threshold: f64,
    value: f64,
}

/// A fitted regression tree.
#[derive(Clone, Debug)]
pub struct Tree {
    nodes: Vec<Node>,
}

impl Tree {
    /// The leaf value of one row (`row[f]` is feature `f`), compared as f32.
    pub fn predict_row(&self, row: impl Fn(usize) -> f64) -> f64 {
        let mut k = 0usize;
        loop {
            let node = &self.nodes[k];
            if node.left == LEAF {
                return node.value;
            }
            let v = f64::from(row(node.feature as usize) as f32);
            k = if v <= node.threshold {
                node.left
            } else {
                node.right
            } as usize;
        }
    }

    /// Adds the tree's prediction of every row of `x` to `out`.
    pub fn add_predictions(&self, x: ArrayView2<f64>, out: &mut [f64]) {
        for (o, row) in out.iter_mut().zip(x.rows()) {
            *o += self.predict_row(|f| row[f]);
        }
    }

    /// How many leaves it has.
    #[cfg(test)]
    fn n_leaves(&self) -> usize {
        self.nodes.iter().filter(|n| n.left == LEAF).count()
    }

    /// Its depth (a single leaf: 0).
    #[cfg(test)]
    fn depth(&self) -> usize {
        let mut depth = vec![0usize; self.nodes.len()];
        let mut deepest = 0;
        for (k, n) in self.nodes.iter().enumerate() {
            if n.left != LEAF {
                for c in [n.left, n.right] {
                    depth[c as usize] = depth[k] + 1;
                    deepest = deepest.max(depth[k] + 1);
                }
            }
        }
        deepest
    }
}

/// A training matrix as the trees read it: each column as f32, and each feature's rows in
/// the order of its values.
pub struct Columns {
    n: usize,
    nf: usize,
    /// Column-major values.
    values: Vec<f32>,
    /// Feature `f`'s rows by increasing value: `order[f * n..(f + 1) * n]`.
    order: Vec<u32>,
    /// Per feature, its two values where it has exactly two (further apart than
    /// `FEATURE_THRESHOLD`), as a one-hot column: [`grow`] keeps only the rows of the upper
    /// one for it, not a run of all the node's rows.
    two: Vec<Option<(f32, f32)>>,
}

impl Columns {
    pub fn n_features(&self) -> usize {
        self.nf
    }

    /// `x` sorted once; an error names a value that is not finite as f32, as scikit-learn's
    /// "Input X contains infinity or a value too large for dtype('float32')".
    pub fn new(x: ArrayView2<f64>) -> Result<Columns, String> {
        let (n, nf) = x.dim();
        if n >= LEAF as usize {
            return Err(format!("{n} rows are too many for a tree"));
        }
        let mut values = Vec::with_capacity(n * nf);
        for f in 0..nf {
            for (i, &v) in x.column(f).iter().enumerate() {
                let v32 = v as f32;
                if !v32.is_finite() {
                    return Err(format!(
                        "Input X contains infinity or a value too large for dtype('float32') \
                         (row {i}, feature {f}: {v})"
                    ));
                }
                values.push(v32);
            }
        }
        // by value (`total_cmp`'s order), then by row: one integer key each, the value's bits
        // made to sort as integers above the row's (a comparator on pairs was twice as slow)
        let mut order = Vec::with_capacity(n * nf);
        let mut keyed: Vec<u64> = Vec::with_capacity(n);
        for f in 0..nf {
            keyed.clear();
            keyed.extend(
                values[f * n..(f + 1) * n]
                    .iter()
                    .enumerate()
                    .map(|(i, &v)| (u64::from(sortable(v)) << 32) | i as u64),
            );
            keyed.sort_unstable();
            order.extend(keyed.iter().map(|&k| k as u32));
        }
        let two = (0..nf)
            .map(|f| {
                let col = &values[f * n..(f + 1) * n];
                let ord = &order[f * n..(f + 1) * n];
                let (&first, &last) = (ord.first()?, ord.last()?);
                let (a, b) = (col[first as usize], col[last as usize]);
                let apart = f64::from(b) > f64::from(a) + FEATURE_THRESHOLD;
                (apart && col.iter().all(|&v| v == a || v == b)).then_some((a, b))
            })
            .collect();
        Ok(Columns {
            n,
            nf,
            values,
            order,
            two,
        })
    }
}

/// A row of a feature's run: its value and its row, side by side (one load and one store
/// each when a run is partitioned).
#[derive(Clone, Copy)]
struct Slot {
    v: f32,
    i: u32,
}

/// `v`'s bits as an integer that sorts as `f32::total_cmp` orders the values: negative values
/// (sign bit set) reversed below the others.
fn sortable(v: f32) -> u32 {
    let b = v.to_bits();
    if b & 0x8000_0000 != 0 {
        !b
    } else {
        b | 0x8000_0000
    }
}

/// The best split found so far at a node.
#[derive(Clone, Copy)]
struct Split {
    proxy: f64,
    feature: usize,
    /// Rows on the left: the first `pos` of the feature's run.
    pos: usize,
    threshold: f64,
}

/// A node waiting to be grown: its run `start..end`, depth, where its id goes, its weight,
/// weighted sum and weighted sum of squares, and the features not known to be constant in it.
struct Pending {
    start: usize,
    end: usize,
    depth: usize,
    parent: Option<(usize, bool)>,
    stats: Stats,
    active: Vec<usize>,
    /// Per feature with two values, how many of the node's rows have the upper one (empty
    /// where no feature has two values).
    ones: Vec<u32>,
}

#[derive(Clone, Copy, Default)]
struct Stats {
    w: f64,
    sum: f64,
    sq: f64,
}

impl Stats {
    fn of(rows: impl Iterator<Item = u32>, w: &[f64], wy: &[f64], y: &[f64]) -> Stats {
        let mut s = Stats::default();
        for i in rows {
            let i = i as usize;
            s.w += w[i];
            s.sum += wy[i];
            s.sq += wy[i] * y[i];
        }
        s
    }
}

/// Grows a tree on the rows of `cols` with targets `y`, weighted by `counts` (a bootstrap
/// sample: how often each row was drawn) or all once.
///
/// A feature found constant in a node is constant in all its descendants: as scikit-learn's
/// splitter, they do not draw it again, and here its run is no longer partitioned (on a
/// table with one-hot columns most features are constant in most nodes). Only the runs of a
/// node's other features are kept in order for its children.
pub fn grow(
    cols: &Columns,
    y: &[f64],
    counts: Option<&[u32]>,
    cfg: &TreeConfig,
    rng: &mut Rng,
) -> Tree {
    let (n, nf) = (cols.n, cols.nf);
    let two = &cols.two;
    let any_two = two.iter().any(Option::is_some);
    let weight = |i: usize| counts.map_or(1.0, |c| f64::from(c[i]));
    let kept = |i: u32| counts.is_none_or(|c| c[i as usize] > 0);
    let m = counts.map_or(n, |c| c.iter().filter(|&&k| k > 0).count());
    // every feature's run of the kept rows, and their values, in its order (the random
    // splitter too: its extremes are a run's ends, its left side a prefix; reading the
    // values by row instead, in any order, made the extra trees twice as slow); a feature
    // with two values keeps only the rows of its upper value, at the head of its place
    let mut runs: Vec<Slot> = Vec::with_capacity(m * nf);
    let mut ones = if any_two { vec![0u32; nf] } else { Vec::new() };
    for f in 0..nf {
        let col = &cols.values[f * n..(f + 1) * n];
        let order = &cols.order[f * n..(f + 1) * n];
        let before = runs.len();
        let upper = two[f].map(|(_, b)| b);
        for &i in order.iter().filter(|&&i| kept(i)) {
            let v = col[i as usize];
            if upper.is_none_or(|b| v == b) {
                runs.push(Slot { v, i });
            }
        }
        if upper.is_some() {
            ones[f] = (runs.len() - before) as u32;
            runs.resize(before + m, Slot { v: 0.0, i: 0 });
        }
    }
    let w: Vec<f64> = (0..n).map(weight).collect();
    let wy: Vec<f64> = (0..n).map(|i| w[i] * y[i]).collect();
    let mut left_side = vec![false; n];
    // a node at an even depth reads its runs from `runs[0]` and writes its children's into
    // `runs[1]`, and the other way round at an odd depth (a child's runs are needed only
    // where it can split, and then its parent wrote them); the second buffer costs 8 bytes a
    // cell while a tree grows, beside the 8 of `Columns` and the 8 of the first
    let mut runs = [runs, vec![Slot { v: 0.0, i: 0 }; m * nf]];
    // the node's rows (kept only where some feature has two values: a split on one of them
    // finds its left side here), alternating as the runs
    let mut rows: [Vec<u32>; 2] = if any_two {
        [(0..n as u32).filter(|&i| kept(i)).collect(), vec![0; m]]
    } else {
        [Vec::new(), Vec::new()]
    };
    let msl = cfg.min_samples_leaf.max(1);
    let mss = cfg.min_samples_split.max(2);
    let root = if nf > 0 && two[0].is_none() {
        Stats::of(runs[0][..m].iter().map(|s| s.i), &w, &wy, y)
    } else {
        Stats::of((0..n as u32).filter(|&i| kept(i)), &w, &wy, y)
    };
    let mut nodes: Vec<Node> = Vec::new();
    let mut stack = vec![Pending {
        start: 0,
        end: m,
        depth: 0,
        parent: None,
        stats: root,
        active: (0..nf).collect(),
        ones,
    }];
    while let Some(Pending {
        start,
        end,
        depth,
        parent,
        stats,
        mut active,
        ones,
    }) = stack.pop()
    {
        let id = nodes.len();
        if let Some((p, is_left)) = parent {
            if is_left {
                nodes[p].left = id as u32;
            } else {
                nodes[p].right = id as u32;
            }
        }
        let count = end - start;
        let Stats { w: wsum, sum, sq } = stats;
        let value = if wsum > 0.0 { sum / wsum } else { 0.0 };
        nodes.push(Node {
            feature: 0,
            left: LEAF,
            right: LEAF,
            threshold: 0.0,
            value,
        });
        let impurity = sq / wsum - value * value;
        if active.is_empty()
            || cfg.max_depth.is_some_and(|d| depth >= d)
            || count < mss
            || count < 2 * msl
            || impurity <= f64::EPSILON
        {
            continue;
        }
        let mut best: Option<Split> = None;
        // features drawn from the active ones; those found constant move to the back
        let (mut visited, mut constant) = (0usize, 0usize);
        let mut k = 0usize;
        while k < active.len() - constant {
            if visited >= cfg.max_features && visited > constant {
                break;
            }
            let live = active.len() - constant;
            let j = k + rng.below(live - k);
            active.swap(k, j);
            let f = active[k];
            visited += 1;
            let run = &runs[depth % 2][f * m + start..f * m + end];
            // a two-valued feature: its upper value's rows (`n1` of them) head its place
            let (lo, hi, n1) = match two[f] {
                Some((a, b)) => {
                    let n1 = ones[f] as usize;
                    let (lo, hi) = match n1 {
                        0 => (a, a),
                        _ if n1 == count => (b, b),
                        _ => (a, b),
                    };
                    (f64::from(lo), f64::from(hi), n1)
                }
                None => (f64::from(run[0].v), f64::from(run[count - 1].v), 0),
            };
            if hi <= lo + FEATURE_THRESHOLD {
                constant += 1;
                active.swap(k, live - 1);
                continue;
            }
            k += 1;
            // the sums over the upper value's rows: the right side of any split of a
            // two-valued feature, the left side being the rest of the node
            let upper_sums = || {
                let (mut wo, mut so) = (0.0, 0.0);
                for s in &run[..n1] {
                    wo += w[s.i as usize];
                    so += wy[s.i as usize];
                }
                (wo, so)
            };
            match (cfg.splitter, two[f].is_some()) {
                (Splitter::Best, false) => {
                    let (mut wl, mut sl) = (0.0, 0.0);
                    for p in 1..count {
                        let i = run[p - 1].i as usize;
                        wl += w[i];
                        sl += wy[i];
                        let (a, b) = (f64::from(run[p - 1].v), f64::from(run[p].v));
                        if b <= a + FEATURE_THRESHOLD || p < msl || count - p < msl {
                            continue;
                        }
                        let (wr, sr) = (wsum - wl, sum - sl);
                        offer(&mut best, proxy(wl, sl, wr, sr), f, p, || midpoint(a, b));
                    }
                }
                (Splitter::Best, true) => {
                    // one threshold: between the two values
                    let p = count - n1;
                    if p < msl || n1 < msl {
                        continue;
                    }
                    let (wr, sr) = upper_sums();
                    let (wl, sl) = (wsum - wr, sum - sr);
                    offer(&mut best, proxy(wl, sl, wr, sr), f, p, || midpoint(lo, hi));
                }
                (Splitter::Random, pair) => {
                    let mut t = lo + (hi - lo) * rng.unit();
                    if t == hi {
                        t = lo;
                    }
                    // two values: `lo <= t < hi`, so the lower value's rows go left
                    let p = if pair {
                        count - n1
                    } else {
                        run.partition_point(|s| f64::from(s.v) <= t)
                    };
                    if p < msl || count - p < msl {
                        continue;
                    }
                    let (wl, sl, wr, sr) = if pair {
                        let (wr, sr) = upper_sums();
                        (wsum - wr, sum - sr, wr, sr)
                    } else {
                        let (mut wl, mut sl) = (0.0, 0.0);
                        for s in &run[..p] {
                            wl += w[s.i as usize];
                            sl += wy[s.i as usize];
                        }
                        (wl, sl, wsum - wl, sum - sl)
                    };
                    offer(&mut best, proxy(wl, sl, wr, sr), f, p, || t);
                }
            }
        }
        let Some(split) = best else {
            continue;
        };
        // the features found constant here are constant below
        active.truncate(active.len() - constant);
        nodes[id].feature = split.feature as u32;
        nodes[id].threshold = split.threshold;
        let mid = start + split.pos;
        let run = split.feature * m;
        let [even, odd] = &mut runs;
        let (src, dst) = if depth % 2 == 0 {
            (&*even, odd)
        } else {
            (&*odd, even)
        };
        let [rows_even, rows_odd] = &mut rows;
        let (rows_src, rows_dst) = if depth % 2 == 0 {
            (&*rows_even, rows_odd)
        } else {
            (&*rows_odd, rows_even)
        };
        let split_pair = two[split.feature].is_some();
        let (left_stats, right_stats) = if split_pair {
            // the upper value's rows go right, the node's other rows left
            let upper = &src[run + start..run + start + (end - mid)];
            let node_rows = &rows_src[start..end];
            for &i in node_rows {
                left_side[i as usize] = true;
            }
            for s in upper {
                left_side[s.i as usize] = false;
            }
            let left_rows = node_rows.iter().copied().filter(|&i| left_side[i as usize]);
            (
                Stats::of(left_rows, &w, &wy, y),
                Stats::of(upper.iter().map(|s| s.i), &w, &wy, y),
            )
        } else {
            let rows =
                |r: std::ops::Range<usize>| src[run + r.start..run + r.end].iter().map(|s| s.i);
            (
                Stats::of(rows(start..mid), &w, &wy, y),
                Stats::of(rows(mid..end), &w, &wy, y),
            )
        };
        // the children's runs need to be in order only if one of them can split
        let can_split =
            |c: usize| c >= mss && c >= 2 * msl && cfg.max_depth.is_none_or(|d| depth + 1 < d);
        let (mut ones_left, mut ones_right) = (Vec::new(), Vec::new());
        if can_split(split.pos) || can_split(count - split.pos) {
            // which rows go left (a prefix of the split feature's run, copied as it is),
            // then every other active feature's run partitioned stably
            if !split_pair {
                for (p, s) in src[run + start..run + end].iter().enumerate() {
                    left_side[s.i as usize] = p < split.pos;
                }
            }
            if any_two {
                (ones_left, ones_right) = (ones.clone(), ones.clone());
                partition(
                    &rows_src[start..end],
                    &mut rows_dst[start..end],
                    |&i| left_side[i as usize],
                    split.pos,
                );
            }
            for &f in &active {
                let (from, to) = (
                    &src[f * m + start..f * m + end],
                    &mut dst[f * m + start..f * m + end],
                );
                if two[f].is_some() {
                    // the upper value's rows of each side at the head of its place
                    let (mut l, mut r) = (0usize, 0usize);
                    for &s in &from[..ones[f] as usize] {
                        if left_side[s.i as usize] {
                            to[l] = s;
                            l += 1;
                        } else {
                            to[split.pos + r] = s;
                            r += 1;
                        }
                    }
                    (ones_left[f], ones_right[f]) = (l as u32, r as u32);
                } else if f == split.feature {
                    to.copy_from_slice(from);
                } else {
                    partition(from, to, |s| left_side[s.i as usize], split.pos);
                }
            }
        }
        // the left child first, as scikit-learn's builder
        stack.push(Pending {
            start: mid,
            end,
            depth: depth + 1,
            parent: Some((id, false)),
            stats: right_stats,
            active: active.clone(),
            ones: ones_right,
        });
        stack.push(Pending {
            start,
            end: mid,
            depth: depth + 1,
            parent: Some((id, true)),
            stats: left_stats,
            active,
            ones: ones_left,
        });
    }
    Tree { nodes }
}

/// scikit-learn's proxy of a split's improvement: `sum_left² / w_left + sum_right² / w_right`.
#[inline]
fn proxy(wl: f64, sl: f64, wr: f64, sr: f64) -> f64 {
    sl * sl / wl + sr * sr / wr
}

/// Keeps the split of `feature` after its first `pos` rows if its proxy beats the best so far
/// (of equal ones the first stays); its threshold is computed only then.
#[inline]
fn offer(
    best: &mut Option<Split>,
    proxy: f64,
    feature: usize,
    pos: usize,
    threshold: impl FnOnce() -> f64,
) {
    if best.as_ref().is_none_or(|b| proxy > b.proxy) {
        *best = Some(Split {
            proxy,
            feature,
            pos,
            threshold: threshold(),
        });
    }
}

/// The best splitter's threshold between consecutive values `a < b`: their midpoint, or `a`
/// where the midpoint rounds to `b` (or overflows).
fn midpoint(a: f64, b: f64) -> f64 {
    let t = a / 2.0 + b / 2.0;
    if t == b || !t.is_finite() {
        a
    } else {
        t
    }
}

/// Copies `from` into `to` with the items that `goes_left` picks (`n_left` of them)
/// first, each side keeping its order. Without a branch on the side (it is a coin flip; the
/// branch made the forests a third slower): each slot goes to its side's next place, picked
/// by a select, one store each.
fn partition<T: Copy>(from: &[T], to: &mut [T], goes_left: impl Fn(&T) -> bool, n_left: usize) {
    let (mut l, mut r) = (0usize, n_left);
    for &s in from {
        let goes = goes_left(&s);
        to[if goes { l } else { r }] = s;
        l += usize::from(goes);
        r += usize::from(!goes);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sortable_keys_order_as_total_cmp() {
        let vals = [
            f32::NEG_INFINITY,
            -3.3e38,
            -1.0,
            -1e-45,
            -0.0,
            0.0,
            1e-45,
            1e-7,
            1.0,
            2.5,
            3.4e38,
            f32::INFINITY,
        ];
        for a in vals {
            for b in vals {
                assert_eq!(sortable(a).cmp(&sortable(b)), a.total_cmp(&b), "{a} {b}");
            }
        }
    }
    use ndarray::Array2;

    fn config(splitter: Splitter, max_features: usize) -> TreeConfig {
        TreeConfig {
            max_depth: None,
            min_samples_split: 2,
            min_samples_leaf: 1,
            max_features,
            splitter,
        }
    }

    fn data(n: usize) -> (Array2<f64>, Vec<f64>) {
        let x = Array2::from_shape_fn((n, 3), |(i, j)| {
            ((i * (7 + 4 * j) + 3 * j) % 23) as f64 / 4.0 - 2.0
        });
        let y = (0..n)
            .map(|i| {
                2.0 * x[(i, 0)] - x[(i, 1)] * x[(i, 2)] + if x[(i, 2)] > 0.5 { 3.0 } else { 0.0 }
            })
            .collect();
        (x, y)
    }

    fn predict(t: &Tree, x: &Array2<f64>) -> Vec<f64> {
        let mut out = vec![0.0; x.nrows()];
        t.add_predictions(x.view(), &mut out);
        out
    }

    #[test]
    fn two_valued_features_grow_the_trees_their_runs_grow() {
        // flags of unlike densities, a pair of other values and two numbers: grown with the
        // two-valued features' own route and with runs for every feature (the same draws),
        // the trees are the same, node for node, within rounding. (Not fully grown: in small
        // nodes two features can split the rows alike, mirrored, an exact tie that rounding
        // may break either way; then the children swap sides and the draws part.)
        let n = 240;
        let x = Array2::from_shape_fn((n, 6), |(i, j)| match j {
            0 => f64::from(i % 5 == 0),
            1 => f64::from((i * 3) % 7 < 3),
            2 => [-1.5, 2.0][(i * 13 / 7) % 2],
            3 => f64::from((i * 13 + 5) % 11 < 2),
            4 => ((i * 37) % 101) as f64 / 10.0,
            _ => ((i * 53) % 89) as f64 - 40.0,
        });
        let y: Vec<f64> = (0..n)
            .map(|i| {
                3.0 * x[(i, 0)] - 2.0 * x[(i, 3)]
                    + x[(i, 2)] * 0.7
                    + (x[(i, 4)] * 1.3).sin()
                    + x[(i, 1)] * 0.4
                    + x[(i, 5)] / 30.0
                    + ((i * 29) % 17) as f64 / 40.0
            })
            .collect();
        let cols = Columns::new(x.view()).unwrap();
        let pairs: Vec<usize> = (0..6).filter(|&f| cols.two[f].is_some()).collect();
        assert_eq!(pairs, vec![0, 1, 2, 3]);
        assert_eq!(cols.two[2], Some((-1.5, 2.0)));
        let runs_only = Columns {
            two: vec![None; 6],
            ..Columns::new(x.view()).unwrap()
        };
        let counts: Vec<u32> = (0..n as u32).map(|i| (i * 11) % 4).collect();
        for splitter in [Splitter::Best, Splitter::Random] {
            for (max_features, msl, drawn) in [(6, 1, false), (3, 1, true), (6, 5, true)] {
                let mut cfg = config(splitter, max_features);
                cfg.min_samples_leaf = msl;
                cfg.max_depth = Some(4);
                let c = drawn.then_some(&counts[..]);
                let a = grow(&cols, &y, c, &cfg, &mut Rng::new(11));
                let b = grow(&runs_only, &y, c, &cfg, &mut Rng::new(11));
                let case = format!("{splitter:?} {max_features} {msl} {drawn}");
                assert_eq!(a.nodes.len(), b.nodes.len(), "{case}");
                assert!(a.n_leaves() >= 8, "{case}");
                for (p, q) in a.nodes.iter().zip(&b.nodes) {
                    assert_eq!((p.feature, p.left, p.right), (q.feature, q.left, q.right));
                    assert_eq!(p.threshold, q.threshold, "{case}");
                    assert!((p.value - q.value).abs() < 1e-9, "{case}");
                }
            }
        }
    }

    #[test]
    fn tree_grown_without_limits_fits_distinct_rows_exactly() {
        let (x, y) = data(60);
        let cols = Columns::new(x.view()).unwrap();
        for splitter in [Splitter::Best, Splitter::Random] {
            let t = grow(&cols, &y, None, &config(splitter, 3), &mut Rng::new(3));
            let p = predict(&t, &x);
            // rows with equal features are averaged; here every row is distinct
            for (a, b) in p.iter().zip(&y) {
                assert!((a - b).abs() < 1e-12, "{splitter:?}: {a} vs {b}");
            }
            assert!(t.n_leaves() > 10);
        }
    }

    #[test]
    fn tree_best_split_is_the_midpoint_of_the_best_gap() {
        // one feature, a step between 3 and 4: the threshold is 3.5 and the leaves the means
        let x = Array2::from_shape_vec((6, 1), vec![1.0, 2.0, 3.0, 4.0, 5.0, 6.0]).unwrap();
        let y = [0.0, 0.0, 0.0, 10.0, 10.0, 10.0];
        let cols = Columns::new(x.view()).unwrap();
        let t = grow(
            &cols,
            &y,
            None,
            &config(Splitter::Best, 1),
            &mut Rng::new(0),
        );
        assert_eq!(t.n_leaves(), 2);
        assert_eq!(t.nodes[0].threshold, 3.5);
        assert_eq!(t.predict_row(|_| 3.5), 0.0);
        assert_eq!(t.predict_row(|_| 3.6), 10.0);
    }

    #[test]
    fn tree_rules_depth_leaf_size_and_weights() {
        let (x, y) = data(80);
        let cols = Columns::new(x.view()).unwrap();
        let mut cfg = config(Splitter::Best, 3);
        cfg.max_depth = Some(3);
        let t = grow(&cols, &y, None, &cfg, &mut Rng::new(1));
        assert!(t.depth() <= 3 && t.n_leaves() <= 8);
        let mut cfg = config(Splitter::Best, 3);
        cfg.min_samples_leaf = 7;
        let t = grow(&cols, &y, None, &cfg, &mut Rng::new(1));
        // each leaf holds at least 7 rows
        let mut per_leaf = std::collections::HashMap::new();
        for r in x.rows() {
            let v = t.predict_row(|f| r[f]);
            *per_leaf.entry(v.to_bits()).or_insert(0) += 1;
        }
        assert!(per_leaf.values().all(|&c| c >= 7), "{per_leaf:?}");
        // weights: a row drawn twice counts twice in its leaf's mean, one drawn zero times not
        let xs = Array2::from_shape_vec((3, 1), vec![0.0, 0.0, 0.0]).unwrap();
        let cols = Columns::new(xs.view()).unwrap();
        let t = grow(
            &cols,
            &[1.0, 4.0, 100.0],
            Some(&[2, 1, 0]),
            &config(Splitter::Best, 1),
            &mut Rng::new(0),
        );
        assert_eq!(t.predict_row(|_| 0.0), 2.0);
    }

    #[test]
    fn tree_constant_target_or_features_make_one_leaf() {
        let (x, _) = data(30);
        let cols = Columns::new(x.view()).unwrap();
        let t = grow(
            &cols,
            &[5.0; 30],
            None,
            &config(Splitter::Best, 3),
            &mut Rng::new(0),
        );
        assert_eq!(t.n_leaves(), 1);
        let xs = Array2::from_elem((5, 2), 1.0);
        let cols = Columns::new(xs.view()).unwrap();
        let y = [1.0, 2.0, 3.0, 4.0, 5.0];
        let t = grow(
            &cols,
            &y,
            None,
            &config(Splitter::Random, 1),
            &mut Rng::new(0),
        );
        assert_eq!((t.n_leaves(), t.predict_row(|_| 1.0)), (1, 3.0));
    }

    #[test]
    fn tree_values_beyond_f32_are_an_error() {
        let x = Array2::from_shape_vec((2, 1), vec![1.0, 1e39]).unwrap();
        let e = Columns::new(x.view()).err().unwrap();
        assert!(e.contains("float32") && e.contains("row 1"), "{e}");
    }
}
