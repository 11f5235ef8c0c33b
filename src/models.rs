//! models (to be written).
