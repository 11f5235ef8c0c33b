//! A generic pre-fork process pool, like Python's `multiprocessing.Pool` with the fork start
//! method but with per-task isolation: a worker that dies is reaped, replaced and its task
//! retried; every task ends with exactly one [`Outcome`]. It knows nothing of machine
//! learning and never prints.
//!
//! ```
//! use fitpool::pool::{Event, Outcome, Pool, PoolConfig};
//!
//! let data: Vec<f64> = (0..1_000_000).map(f64::from).collect(); // loaded before the fork
//! let mut pool = Pool::new(PoolConfig::default(), |i: usize| -> Result<f64, String> {
//!     data.get(i).copied().ok_or_else(|| format!("no row {i}"))
//! });
//! let summary = pool.run(vec![1, 5, 2_000_000], None, |event| {
//!     if let Event::TaskFinished(r) = event {
//!         eprintln!("task {} on pid {}: {}", r.index, r.pid, r.outcome.label());
//!     }
//! })?;
//! assert!(matches!(summary.results[2].outcome, Outcome::Failed(_)));
//! if let Some(code) = summary.interrupted_exit_code() {
//!     std::process::exit(code); // 130 after SIGINT, 143 after SIGTERM
//! }
//! # Ok::<(), fitpool::pool::PoolError>(())
//! ```
//!
//! Modules: [`wire`] (frames), `worker` (the child's loop), `supervisor` (the parent's event
//! loop), `slots` (the parent's view of its worker processes), `signals` (the parent's
//! signal self-pipe during a run), [`exit`] (how a worker ended), `sys` (the only unsafe
//! code; [`flush_subnormals`], the floating-point setting, is the one piece of it the model
//! layer uses), [`cpus`] (default worker count), [`memory`] (default memory limit).

mod api;
mod config;
pub mod cpus;
mod event;
pub mod exit;
pub mod memory;
mod signals;
pub use signals::TerminationHold;
mod slots;
mod supervisor;
mod sys;
pub mod wire;
mod worker;

pub use api::{ImapUnordered, Pool};
pub use config::{PoolConfig, PoolError, RunSummary};
pub use event::{CancelReason, Event, Outcome, TaskResult};
pub use exit::WorkerExit;
pub use nix::sys::signal::Signal;
pub use sys::{flush_subnormals, WorkerAlloc};

/// The width of the terminal on stdout (`Some(fd)`: on that descriptor), if any: `$COLUMNS`
/// when set, else the terminal's own size.
pub fn terminal_width(fd: std::os::fd::RawFd) -> Option<usize> {
    std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.trim().parse::<usize>().ok())
        .filter(|&c| c > 0)
        .or_else(|| sys::terminal_columns(fd))
}
