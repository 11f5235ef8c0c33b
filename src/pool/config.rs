//! The pool's settings ([`PoolConfig`]), what a run returns ([`RunSummary`]) and how the pool
//! itself can fail ([`PoolError`]): the types every other part of the pool imports, kept apart
//! so that `api.rs` and the supervisor do not import each other.

use std::time::Duration;

use nix::sys::signal::Signal;

use super::event::TaskResult;
use super::wire::DEFAULT_MAX_FRAME_BYTES;

/// How a pool runs its workers.
#[derive(Debug, Clone, PartialEq)]
pub struct PoolConfig {
    /// Worker processes; `None`: [`cpus::default_workers`](super::cpus::default_workers),
    /// the usable CPUs capped by `cpu_cap`. Always capped by the number of tasks of a run.
    pub workers: Option<usize>,
    /// A cap on the default worker count from outside the machine's own limits, e.g. a batch
    /// scheduler's CPUs per task (the caller reads it; the pool knows no scheduler).
    pub cpu_cap: Option<usize>,
    /// A task running longer is killed (SIGKILL) and reported `TimedOut`.
    pub task_timeout: Option<Duration>,
    /// How many times a task whose worker died is run again (default 1).
    pub retries: u32,
    /// A worker is replaced after this many tasks.
    pub max_tasks_per_worker: Option<u64>,
    /// Address-space limit of each worker in bytes (`RLIMIT_AS`); an allocation failing under
    /// it ends the task as `OutOfMemory`. Must leave room for what the worker inherits.
    pub mem_limit: Option<u64>,
    /// After the first SIGINT/SIGTERM, how long running tasks may still finish (default 2 s).
    pub grace: Duration,
    /// Handle SIGINT, SIGTERM and SIGUSR1 in the parent during a run (default `true`).
    /// SIGCHLD is always handled during a run; all are restored afterwards.
    pub handle_signals: bool,
    /// Emit [`Event::Tick`](super::Event::Tick) at this interval.
    pub tick: Option<Duration>,
    /// Largest frame (a task or a result, encoded) in bytes (default 64 MiB).
    pub max_frame_bytes: u32,
    /// At most this many tasks queued ahead in a worker's pipe while tasks are short (under
    /// 250 µs on average): the pool keeps about half a millisecond of estimated work queued
    /// per worker, capped by this; longer tasks are always sent one at a time (default 256).
    pub prefetch: usize,
    /// Fork even when the parent has several threads (default `false`: refuse with
    /// [`PoolError::Threaded`]). Forking a multi-threaded process is only safe when the other
    /// threads hold no lock the child needs (malloc's, stdio's); the libtest harness runs each
    /// test in its own thread while its main thread waits, which is such a case.
    pub allow_threads: bool,
}

impl Default for PoolConfig {
    fn default() -> Self {
        PoolConfig {
            workers: None,
            cpu_cap: None,
            task_timeout: None,
            retries: 1,
            max_tasks_per_worker: None,
            mem_limit: None,
            grace: Duration::from_secs(2),
            handle_signals: true,
            tick: None,
            max_frame_bytes: DEFAULT_MAX_FRAME_BYTES,
            prefetch: 256,
            allow_threads: false,
        }
    }
}

impl PoolConfig {
    /// Rejects settings under which no task could ever run or finish.
    pub fn validate(&self) -> Result<(), PoolError> {
        if self.workers == Some(0) {
            return Err(PoolError::Config("workers must be at least 1"));
        }
        if self.max_tasks_per_worker == Some(0) {
            return Err(PoolError::Config("max_tasks_per_worker must be at least 1"));
        }
        if self.task_timeout == Some(Duration::ZERO) {
            return Err(PoolError::Config("task_timeout must be longer than zero"));
        }
        if self.max_frame_bytes < 64 {
            return Err(PoolError::Config("max_frame_bytes must be at least 64"));
        }
        Ok(())
    }
}

/// What a run produced.
#[derive(Debug, Clone, PartialEq)]
pub struct RunSummary<R> {
    /// One result per task, in input order (`results[i].index == i`), always.
    pub results: Vec<TaskResult<R>>,
    /// SIGINT or SIGTERM, when the run was cut short by one.
    pub interrupted: Option<Signal>,
}

impl<R> RunSummary<R> {
    /// Exit status a CLI conventionally uses for the interruption: 130 / 143.
    pub fn interrupted_exit_code(&self) -> Option<i32> {
        self.interrupted.map(|s| 128 + s as i32)
    }
}

/// The pool itself could not do its work (a task's failure is an [`Outcome`](super::Outcome),
/// never this).
#[derive(Debug, thiserror::Error)]
pub enum PoolError {
    #[error("cannot fork a worker")]
    Fork(#[source] nix::Error),
    #[error("cannot set up a worker pipe")]
    Pipe(#[source] nix::Error),
    #[error("cannot install signal handlers")]
    Signal(#[source] nix::Error),
    #[error("poll failed")]
    Poll(#[source] nix::Error),
    #[error(
        "the process has {threads} threads: forking is only safe from a single-threaded \
         process (set PoolConfig::allow_threads to accept the risk, e.g. under libtest)"
    )]
    Threaded { threads: usize },
    #[error("cost hint has {got} entries for {expected} tasks")]
    CostHintLength { got: usize, expected: usize },
    #[error("another pool run is in progress in this process")]
    Busy,
    #[error("invalid pool configuration: {0}")]
    Config(&'static str),
}
