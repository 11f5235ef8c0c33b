//! fitpool: fit many regression models at once, each in its own forked worker process,
//! and rank them by test RMSE.
//!
//! Layers (see `ARCHITECTURE.md` at the repository's root): [`pool`] is a generic pre-fork
//! process pool that knows nothing of machine learning; [`svm`] is our own SMO solver for SVR
//! and nu-SVR; [`data`], [`spec`], [`models`] and [`eval`] are the model layer, which knows
//! nothing of processes; [`plan`] turns a lineup into tasks, [`run`] executes them through
//! the pool and tells [`events`] observers (such as [`progress`]); [`report`] renders and
//! journals results; [`slurm`] splits work across a SLURM job array.

pub mod data;
pub mod eval;
pub mod events;
pub mod exit_code;
pub mod gbm;
pub mod model_file;
pub mod models;
pub mod plan;
pub mod pool;
pub mod prep;
pub mod progress;
pub mod report;
pub mod run;
pub mod slurm;
pub mod spec;
pub mod split;
pub mod svm;
pub mod units;
