//! A generic pre-fork process pool, like Python's `multiprocessing.Pool` with the fork start
//! method but with per-task isolation: a worker that dies is reaped, replaced and its task
//! retried. It knows nothing of machine learning and never prints.

mod api;
pub mod cpus;
mod event;
pub mod exit;
mod supervisor;
mod sys;
pub mod wire;
mod worker;

pub use api::{ImapUnordered, Pool, PoolConfig, PoolError, RunSummary};
pub use event::{CancelReason, Event, Outcome, TaskResult};
pub use exit::WorkerExit;
pub use nix::sys::signal::Signal;
