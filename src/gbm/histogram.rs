//! Gradient/hessian histograms: one bin per u8 code, 256 bins per feature (the last one,
//! or bin `max_bins`, holds the missing values). A child's histogram is either built from
//! its rows ("brute") or obtained as parent minus sibling (the subtraction trick).

use super::binning::Binned;

/// Bins per feature in a histogram (every u8 code has a slot, so indexing needs no check).
pub(crate) const NB: usize = 256;

/// Sums over the rows of one bin.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub(crate) struct HBin {
    pub g: f64,
    pub h: f64,
    pub c: u32,
}

/// Fills the features flagged in `features` (all when `None`) of `hist` (n_features * NB
/// bins) with the sums over `rows` (all rows, in order, when `None`). Only the bins that the
/// codes reach ([`Binned::bins`]) are written, zeroed first: the others stay as they are,
/// zero in every histogram (allocated zeroed, and never written by this or [`subtract`]).
/// `g`/`h` are indexed by position in `rows` (ordered gradients) when rows is `Some`,
/// by row otherwise; `h == None` means a constant hessian (only counts are kept).
pub(crate) fn build(
    hist: &mut [HBin],
    binned: &Binned,
    rows: Option<&[u32]>,
    g: &[f64],
    h: Option<&[f64]>,
    features: Option<&[bool]>,
) {
    for f in 0..binned.n_cols {
        if let Some(m) = features {
            if !m[f] {
                continue;
            }
        }
        let col = binned.col(f);
        let hf: &mut [HBin; NB] = (&mut hist[f * NB..(f + 1) * NB]).try_into().unwrap();
        let (low, missing) = binned.bins(f);
        hf[low.clone()].fill(HBin::default());
        hf[missing] = HBin::default();
        match (rows, h) {
            (Some(r), None) => {
                for (&row, &gi) in r.iter().zip(g) {
                    let b = &mut hf[col[row as usize] as usize];
                    b.g += gi;
                    b.c += 1;
                }
            }
            (Some(r), Some(h)) => {
                for ((&row, &gi), &hi) in r.iter().zip(g).zip(h) {
                    let b = &mut hf[col[row as usize] as usize];
                    b.g += gi;
                    b.h += hi;
                    b.c += 1;
                }
            }
            (None, None) => {
                for (&code, &gi) in col.iter().zip(g) {
                    let b = &mut hf[code as usize];
                    b.g += gi;
                    b.c += 1;
                }
            }
            (None, Some(h)) => {
                for ((&code, &gi), &hi) in col.iter().zip(g).zip(h) {
                    let b = &mut hf[code as usize];
                    b.g += gi;
                    b.h += hi;
                    b.c += 1;
                }
            }
        }
        if h.is_none() {
            for b in low.chain([missing]) {
                hf[b].h = f64::from(hf[b].c);
            }
        }
    }
}

/// `big = parent - small`, bin by bin (for the features flagged, all when `None`), in the
/// bins that `binned`'s codes reach (see [`build`]).
pub(crate) fn subtract(
    big: &mut [HBin],
    parent: &[HBin],
    small: &[HBin],
    binned: &Binned,
    features: Option<&[bool]>,
) {
    let nf = parent.len() / NB;
    for f in 0..nf {
        if let Some(m) = features {
            if !m[f] {
                continue;
            }
        }
        let (low, missing) = binned.bins(f);
        for b in low.chain([missing]) {
            let (o, p, s) = (&mut big[f * NB + b], parent[f * NB + b], small[f * NB + b]);
            o.g = p.g - s.g;
            o.h = p.h - s.h;
            o.c = p.c - s.c;
        }
    }
}
