//! One best-first (leaf-wise) tree, as scikit-learn's `TreeGrower`: the splittable leaf with
//! the highest gain is split next, until `max_leaf_nodes` leaves, `max_depth`, or no leaf has
//! a split of positive gain. Rows live in one partition array, each node owning a range;
//! the smaller child's histogram is built, the larger one's is the parent's minus it.

use std::collections::BinaryHeap;

use super::binning::Binned;
use super::histogram::{build, subtract, HBin, NB};
use super::rng::Rng;
use super::splitting::{bit_get, NodeSums, SplitCtx, SplitInfo};
use super::tree::{Tree, TreeNode};

/// Growth limits of one tree.
pub(crate) struct GrowParams {
    pub max_leaf_nodes: Option<usize>,
    pub max_depth: Option<usize>,
    pub min_samples_leaf: usize,
    pub shrinkage: f64,
    pub feature_fraction: f64,
}

/// Buffers reused from tree to tree.
#[derive(Default)]
pub(crate) struct Workspace {
    pub partition: Vec<u32>,
    buffer: Vec<u32>,
    pool: Vec<Vec<HBin>>,
    og: Vec<f64>,
    oh: Vec<f64>,
}

struct GNode {
    start: usize,
    stop: usize,
    depth: usize,
    sums: NodeSums,
    split: Option<SplitInfo>,
    hist: Option<Vec<HBin>>,
    left: usize,
    right: usize,
    is_leaf: bool,
}

#[derive(PartialEq)]
struct Item {
    gain: f64,
    id: usize,
}
impl Eq for Item {}
impl PartialOrd for Item {
    fn partial_cmp(&self, o: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(o))
    }
}
impl Ord for Item {
    fn cmp(&self, o: &Self) -> std::cmp::Ordering {
        self.gain.total_cmp(&o.gain).then(o.id.cmp(&self.id))
    }
}

/// A grown tree and, for every leaf, its row range in `ws.partition` and value.
pub(crate) struct Grown {
    pub tree: Tree,
    pub leaves: Vec<(usize, usize, f64)>,
}

struct Grower<'a> {
    x: &'a Binned,
    g: &'a [f64],
    h: Option<&'a [f64]>,
    ctx: &'a SplitCtx<'a>,
    p: &'a GrowParams,
    rng: &'a mut Rng,
    ws: &'a mut Workspace,
    nodes: Vec<GNode>,
    heap: BinaryHeap<Item>,
    n_final: usize,
}

impl Grower<'_> {
    fn take_hist(&mut self) -> Vec<HBin> {
        self.ws
            .pool
            .pop()
            .unwrap_or_else(|| vec![HBin::default(); self.x.n_cols * NB])
    }

    fn give_hist(&mut self, id: usize) {
        if let Some(h) = self.nodes[id].hist.take() {
            self.ws.pool.push(h);
        }
    }

    fn finalize(&mut self, id: usize) {
        self.nodes[id].is_leaf = true;
        self.n_final += 1;
        self.give_hist(id);
    }

    /// Histogram of a node from its rows.
    fn brute(&mut self, id: usize) -> Vec<HBin> {
        let mut hist = self.take_hist();
        let (s, e) = (self.nodes[id].start, self.nodes[id].stop);
        if s == 0 && e == self.x.n_rows {
            build(&mut hist, self.x, None, self.g, self.h, None);
        } else {
            let rows = &self.ws.partition[s..e];
            self.ws.og.clear();
            self.ws.og.extend(rows.iter().map(|&r| self.g[r as usize]));
            if let Some(h) = self.h {
                self.ws.oh.clear();
                self.ws.oh.extend(rows.iter().map(|&r| h[r as usize]));
            }
            let oh = self.h.map(|_| &self.ws.oh[..]);
            build(&mut hist, self.x, Some(rows), &self.ws.og, oh, None);
        }
        hist
    }

    fn allowed(&mut self) -> Option<Vec<bool>> {
        if self.p.feature_fraction >= 1.0 {
            return None;
        }
        let nf = self.x.n_cols;
        let k = ((self.p.feature_fraction * nf as f64).ceil() as usize).clamp(1, nf);
        let mut m = vec![false; nf];
        m[..k].fill(true);
        self.rng.shuffle(&mut m);
        Some(m)
    }

    fn split_and_push(&mut self, id: usize) {
        let allowed = self.allowed();
        let hist = self.nodes[id]
            .hist
            .as_ref()
            .expect("histogram of a splittable node");
        let s = self
            .ctx
            .find(hist, &self.nodes[id].sums, allowed.as_deref());
        if s.gain <= 0.0 {
            self.finalize(id);
        } else {
            self.heap.push(Item { gain: s.gain, id });
            self.nodes[id].split = Some(s);
        }
    }

    fn n_leaves(&self) -> usize {
        self.n_final + self.heap.len()
    }

    fn split_next(&mut self, id: usize) {
        let s = self.nodes[id].split.clone().expect("split of a heap node");
        let (start, stop) = (self.nodes[id].start, self.nodes[id].stop);
        // Stable partition of the node's rows.
        let col = self.x.col(s.feature);
        let missing = self.ctx.missing_bin as u8;
        let mut nl = start;
        self.ws.buffer.clear();
        for i in start..stop {
            let r = self.ws.partition[i];
            let b = col[r as usize];
            let left = if s.is_cat {
                bit_get(&s.cat_left, b as usize)
            } else {
                (s.missing_left && b == missing) || usize::from(b) <= s.bin
            };
            if left {
                self.ws.partition[nl] = r;
                nl += 1;
            } else {
                self.ws.buffer.push(r);
            }
        }
        self.ws.partition[nl..stop].copy_from_slice(&self.ws.buffer);
        let depth = self.nodes[id].depth + 1;
        let mk = |a: usize, b: usize, n: u32, g: f64, h: f64, v: f64| GNode {
            start: a,
            stop: b,
            depth,
            sums: NodeSums { n, g, h, value: v },
            split: None,
            hist: None,
            left: 0,
            right: 0,
            is_leaf: false,
        };
        let (li, ri) = (self.nodes.len(), self.nodes.len() + 1);
        self.nodes
            .push(mk(start, nl, s.n_left, s.g_left, s.h_left, s.value_left));
        self.nodes
            .push(mk(nl, stop, s.n_right, s.g_right, s.h_right, s.value_right));
        {
            let n = &mut self.nodes[id];
            n.left = li;
            n.right = ri;
            if !self.ctx.has_missing[s.feature] {
                if let Some(sp) = n.split.as_mut() {
                    sp.missing_left = s.n_left > s.n_right;
                }
            }
        }
        let n_leaves = self.n_leaves() + 2;
        if self.p.max_leaf_nodes == Some(n_leaves) {
            self.finalize(li);
            self.finalize(ri);
            while let Some(it) = self.heap.pop() {
                self.finalize(it.id);
            }
            self.give_hist(id);
            return;
        }
        if self.p.max_depth == Some(depth) {
            self.finalize(li);
            self.finalize(ri);
            self.give_hist(id);
            return;
        }
        let msl2 = 2 * self.p.min_samples_leaf;
        if (s.n_left as usize) < msl2 {
            self.finalize(li);
        }
        if (s.n_right as usize) < msl2 {
            self.finalize(ri);
        }
        let (sl, sr) = (!self.nodes[li].is_leaf, !self.nodes[ri].is_leaf);
        if sl || sr {
            let (small, large) = if s.n_left < s.n_right {
                (li, ri)
            } else {
                (ri, li)
            };
            let hs = self.brute(small);
            let mut hl = self.take_hist();
            subtract(
                &mut hl,
                self.nodes[id].hist.as_ref().expect("parent histogram"),
                &hs,
                self.x,
                None,
            );
            self.nodes[small].hist = Some(hs);
            self.nodes[large].hist = Some(hl);
            self.give_hist(id);
            if sl {
                self.split_and_push(li);
            }
            if sr {
                self.split_and_push(ri);
            }
            for c in [li, ri] {
                if self.nodes[c].is_leaf {
                    self.give_hist(c);
                }
            }
        } else {
            self.give_hist(id);
        }
    }
}

/// Grows one tree on `x` with gradients `g` and hessians `h` (`None`: constant 1).
pub(crate) fn grow(
    x: &Binned,
    g: &[f64],
    h: Option<&[f64]>,
    ctx: &SplitCtx,
    p: &GrowParams,
    rng: &mut Rng,
    ws: &mut Workspace,
) -> Grown {
    let n = x.n_rows;
    ws.partition.clear();
    ws.partition.extend(0..n as u32);
    let mut gr = Grower {
        x,
        g,
        h,
        ctx,
        p,
        rng,
        ws,
        nodes: Vec::new(),
        heap: BinaryHeap::new(),
        n_final: 0,
    };
    gr.nodes.push(GNode {
        start: 0,
        stop: n,
        depth: 0,
        sums: NodeSums {
            n: n as u32,
            g: 0.0,
            h: 0.0,
            value: 0.0,
        },
        split: None,
        hist: None,
        left: 0,
        right: 0,
        is_leaf: false,
    });
    let hist = gr.brute(0);
    let sg: f64 = hist[..NB].iter().map(|b| b.g).sum();
    let sh: f64 = match h {
        None => n as f64,
        Some(_) => hist[..NB].iter().map(|b| b.h).sum(),
    };
    gr.nodes[0].sums.g = sg;
    gr.nodes[0].sums.h = sh;
    gr.nodes[0].hist = Some(hist);
    if n < 2 * p.min_samples_leaf || sh < ctx.min_hessian || p.max_leaf_nodes == Some(1) {
        gr.finalize(0);
    } else {
        gr.split_and_push(0);
    }
    while let Some(it) = gr.heap.pop() {
        gr.split_next(it.id);
    }
    // Predictor nodes, same indices.
    let mut leaves = Vec::new();
    let nodes = gr
        .nodes
        .iter()
        .map(|nd| match nd.split.as_ref().filter(|_| !nd.is_leaf) {
            None => {
                let v = nd.sums.value * p.shrinkage;
                leaves.push((nd.start, nd.stop, v));
                TreeNode {
                    value: v,
                    is_leaf: true,
                    feature: 0,
                    threshold: 0.0,
                    bin_threshold: 0,
                    missing_left: false,
                    is_categorical: false,
                    cat_left: [0; 4],
                    left: 0,
                    right: 0,
                    count: nd.sums.n,
                    gain: -1.0,
                }
            }
            Some(s) => TreeNode {
                value: nd.sums.value * p.shrinkage,
                is_leaf: false,
                feature: s.feature as u32,
                threshold: 0.0,
                bin_threshold: s.bin as u8,
                missing_left: s.missing_left,
                is_categorical: s.is_cat,
                cat_left: s.cat_left,
                left: nd.left as u32,
                right: nd.right as u32,
                count: nd.sums.n,
                gain: s.gain,
            },
        })
        .collect();
    Grown {
        tree: Tree { nodes },
        leaves,
    }
}
