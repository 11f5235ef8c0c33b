//! Models whose work is a sum of independent units (the trees of a forest, the members of a
//! bagging ensemble), so that one model can be fitted in several parts, each anywhere, and the
//! parts' predictions combined into exactly the model's own.
//!
//! The units are grouped in canonical blocks ([`Units`]): at most [`MAX_BLOCKS`] of them, each
//! of `per_block` consecutive units, fixed by the unit count alone. A block is the grain of
//! randomness and of work: it is fitted from its own seed (drawn, one per block, from the
//! model's `random_state` as scikit-learn draws one seed per estimator), never from a
//! generator shared with the blocks before it, and predicts the sum of its units' predictions
//! ([`Split::fit_block`]). A part fits a range of blocks and returns their sums
//! ([`BlockSums`]); the model's prediction is the sum of all block sums in block order,
//! divided by the unit count ([`combine`]). A model fitted whole computes the very same sums
//! through the same code, so any split into parts gives the same predictions, bit for bit.
//!
//! Why blocks and not one seed per unit: a forest sorts every feature column once for the
//! trees it grows ([`crate::models::tree::Columns`]), which costs about as much as growing one
//! tree; a one-tree forest per tree made the forest 1.6x slower, a forest per block of
//! `per_block` trees costs one sort per block.

use std::ops::Range;

use ndarray::{Array1, ArrayView1, ArrayView2};
use serde::{Deserialize, Serialize};

use super::kind::{Kind, Predictor};
use super::ModelError;

/// The most blocks a model's units are grouped in: the most parts it can be split into.
pub const MAX_BLOCKS: usize = 16;

/// A model's units and their canonical blocks.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Units {
    /// How many units (trees, members) the model has.
    pub count: usize,
    /// Units per block (the last block may hold fewer).
    pub per_block: usize,
}

impl Units {
    /// `count` units in at most [`MAX_BLOCKS`] blocks of equal size (the last may be short).
    pub fn new(count: usize) -> Units {
        Units {
            count,
            per_block: count.div_ceil(MAX_BLOCKS).max(1),
        }
    }

    /// The number of blocks.
    pub fn blocks(&self) -> usize {
        self.count.div_ceil(self.per_block)
    }

    /// The units of `blocks`, clipped to the units there are.
    pub fn units_of(&self, blocks: Range<usize>) -> Range<usize> {
        let end = (blocks.end * self.per_block).min(self.count);
        (blocks.start * self.per_block).min(end)..end
    }
}

/// What a part predicts: for each block of its range, the sum of its units' predictions.
#[derive(Clone, Debug, PartialEq)]
pub struct BlockSums {
    /// The first block of the part.
    pub first: usize,
    pub sums: Vec<Array1<f64>>,
}

/// Predicts the block sums of a part on new rows.
pub type BlockPredictor<'a> = Box<dyn Fn(ArrayView2<f64>) -> Result<BlockSums, ModelError> + 'a>;

/// A kind whose model is the mean of independent units. `fit` of such a kind must be
/// [`fit_whole`], so that the model fitted whole is the union of its parts.
pub(crate) trait Split: Kind {
    /// How many units the model has.
    fn units(p: &Self::Params) -> usize;
    /// Fits the units `units`, the canonical block `block` of the model, from that block's
    /// own seed (`kinds::nested::seeds`), and returns a predictor of the sum of their predictions.
    fn fit_block<'a>(
        p: &Self::Params,
        x: ArrayView2<'a, f64>,
        y: ArrayView1<'a, f64>,
        block: usize,
        units: Range<usize>,
    ) -> Result<Predictor<'a>, ModelError>;
}

/// The canonical blocks of a splittable kind's model.
pub(crate) fn units<K: Split>(p: &K::Params) -> Units {
    Units::new(K::units(p))
}

/// Fits the blocks `blocks` of a splittable kind's model (on checked data).
pub(crate) fn fit_blocks<'a, K: Split>(
    p: &K::Params,
    x: ArrayView2<'a, f64>,
    y: ArrayView1<'a, f64>,
    blocks: Range<usize>,
) -> Result<BlockPredictor<'a>, ModelError> {
    let u = units::<K>(p);
    let blocks = blocks.start.min(u.blocks())..blocks.end.min(u.blocks());
    let first = blocks.start;
    let fitted = blocks
        .map(|b| K::fit_block(p, x, y, b, u.units_of(b..b + 1)))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Box::new(move |t| {
        let sums = fitted.iter().map(|f| f(t)).collect::<Result<Vec<_>, _>>()?;
        Ok(BlockSums { first, sums })
    }))
}

/// Fits a splittable kind's whole model: all its blocks, combined.
pub(crate) fn fit_whole<'a, K: Split>(
    p: &K::Params,
    x: ArrayView2<'a, f64>,
    y: ArrayView1<'a, f64>,
) -> Result<Predictor<'a>, ModelError> {
    let u = units::<K>(p);
    let predict = fit_blocks::<K>(p, x, y, 0..u.blocks())?;
    Ok(Box::new(move |t| {
        let parts = predict(t)?;
        Ok(combine(u.count, t.nrows(), parts.sums.iter()))
    }))
}

/// The model's predictions from all its block sums, in block order: their sum over the unit
/// count.
pub fn combine<'s, S>(units: usize, rows: usize, block_sums: S) -> Array1<f64>
where
    S: IntoIterator<Item = &'s Array1<f64>>,
{
    let mut total = Array1::<f64>::zeros(rows);
    for s in block_sums {
        total += s;
    }
    total / units.max(1) as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_cover_every_unit_once_and_in_order() {
        for count in [1, 2, 10, 31, 32, 33, 100, 1000, 1001] {
            let u = Units::new(count);
            assert!(u.blocks() <= MAX_BLOCKS, "{count}");
            let covered: Vec<usize> = (0..u.blocks()).flat_map(|b| u.units_of(b..b + 1)).collect();
            assert_eq!(covered, (0..count).collect::<Vec<_>>(), "{count}");
            assert_eq!(u.units_of(0..u.blocks()), 0..count);
        }
        assert_eq!(Units::new(100).per_block, 7);
        assert_eq!(Units::new(100).blocks(), 15);
        assert_eq!(Units::new(10).per_block, 1);
    }
}
