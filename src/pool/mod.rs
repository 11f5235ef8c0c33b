//! The generic pre-fork process pool (to be written).
