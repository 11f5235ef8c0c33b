//! The pool's public face: [`PoolConfig`], [`Pool`] (`map`, `run`, `imap_unordered`,
//! `close`/`join`/`terminate`), [`RunSummary`] and [`PoolError`].

use std::fmt::Display;
use std::marker::PhantomData;
use std::time::Duration;

use nix::sys::signal::Signal;
use serde::de::DeserializeOwned;
use serde::Serialize;

use super::event::{Event, TaskResult};
use super::exit::WorkerExit;
use super::slots::Workers;
use super::supervisor::Supervisor;
use super::wire::DEFAULT_MAX_FRAME_BYTES;

/// How a pool runs its workers.
#[derive(Debug, Clone, PartialEq)]
pub struct PoolConfig {
    /// Worker processes; `None`: [`cpus::default_workers`](super::cpus::default_workers).
    /// Always capped by the number of tasks of a run.
    pub workers: Option<usize>,
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
    /// Emit [`Event::Tick`] at this interval.
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

/// A pre-fork process pool: `job` is fixed before the workers fork, so whatever it captures
/// (a loaded data set) reaches them through copy-on-write memory; only items and results
/// cross the pipes.
///
/// Workers start at the first run (or [`start`](Self::start)), stay between runs, and end
/// with [`join`](Self::join) (clean exit), [`terminate`](Self::terminate) or drop (SIGKILL,
/// reaped: no zombie). They also die with the parent: `PR_SET_PDEATHSIG` fires when the
/// *thread* that forked them ends, so use the pool from a thread that outlives it (the main
/// thread of a CLI; a test's own thread). One run at a time per process
/// ([`PoolError::Busy`]): signal handlers are process-wide.
///
/// Items (`T`) and results (`R`) cross the pipes as `bincode` (serde): types that need a
/// self-describing format (`#[serde(flatten)]`, `#[serde(untagged)]`, `serde_json::Value`)
/// do not decode; such a task ends `Failed` with bincode's reason.
pub struct Pool<T, R, E, F> {
    config: PoolConfig,
    job: F,
    workers: Workers,
    _types: PhantomData<fn(T) -> Result<R, E>>,
}

impl<T, R, E, F> Pool<T, R, E, F>
where
    T: Serialize + DeserializeOwned,
    R: Serialize + DeserializeOwned,
    E: Display,
    F: Fn(T) -> Result<R, E>,
{
    /// A pool that runs `job` on each item. No process starts before the first run (or
    /// [`start`](Self::start)).
    pub fn new(config: PoolConfig, job: F) -> Self {
        Pool {
            config,
            job,
            workers: Workers::default(),
            _types: PhantomData,
        }
    }

    /// The configuration.
    pub fn config(&self) -> &PoolConfig {
        &self.config
    }

    /// Pids of the live workers.
    pub fn worker_pids(&self) -> Vec<i32> {
        self.workers.pids()
    }

    /// Forks workers up front so the next run finds them (`workers`, or the configured or
    /// default count).
    pub fn start(&mut self, workers: Option<usize>) -> Result<(), PoolError> {
        let n = workers
            .or(self.config.workers)
            .unwrap_or_else(super::cpus::default_workers);
        let mut cfg = self.config.clone();
        cfg.workers = Some(n);
        cfg.handle_signals = false;
        let sup = Supervisor::<T, R, E, F>::new(
            &mut self.workers,
            &self.job,
            &cfg,
            Vec::new(),
            None,
            false,
        )?;
        sup.spawn_idle(n)?;
        Ok(())
    }

    /// Runs the job on every item; results in input order.
    pub fn map(&mut self, items: Vec<T>) -> Result<RunSummary<R>, PoolError> {
        self.run(items, None, |_| {})
    }

    /// Runs the job on every item, reporting [`Event`]s to `on_event` as they happen.
    /// `cost_hint[i]` is the expected cost of item `i`: larger runs earlier (`None`: input
    /// order).
    pub fn run(
        &mut self,
        items: Vec<T>,
        cost_hint: Option<&[f64]>,
        mut on_event: impl FnMut(Event<'_, R>),
    ) -> Result<RunSummary<R>, PoolError> {
        let mut sup = Supervisor::new(
            &mut self.workers,
            &self.job,
            &self.config,
            items,
            cost_hint,
            false,
        )?;
        while !sup.step(&mut on_event)? {}
        Ok(sup.into_summary())
    }

    /// Runs the job on every item and yields results as they finish.
    pub fn imap_unordered(
        &mut self,
        items: Vec<T>,
    ) -> Result<ImapUnordered<'_, T, R, E, F>, PoolError> {
        let sup = Supervisor::new(
            &mut self.workers,
            &self.job,
            &self.config,
            items,
            None,
            true,
        )?;
        Ok(ImapUnordered { sup, error: None })
    }

    /// Tells the workers to exit (end of their task pipes); [`join`](Self::join) waits.
    pub fn close(&mut self) {
        self.workers.close();
    }

    /// Closes the task pipes and waits for every worker to exit; how each ended.
    pub fn join(&mut self) -> Vec<WorkerExit> {
        self.workers.join()
    }

    /// Kills every worker (SIGKILL) and reaps it. Dropping the pool does the same.
    pub fn terminate(&mut self) {
        self.workers.terminate();
    }
}

/// Results of [`Pool::imap_unordered`] in the order they finish. Dropping it before the end
/// kills the workers that are still busy.
pub struct ImapUnordered<'p, T, R, E, F> {
    sup: Supervisor<'p, T, R, E, F>,
    error: Option<PoolError>,
}

impl<T, R, E, F> ImapUnordered<'_, T, R, E, F>
where
    T: Serialize + DeserializeOwned,
    R: Serialize + DeserializeOwned,
    E: Display,
    F: Fn(T) -> Result<R, E>,
{
    /// The signal that interrupted the run, if any (check once the iterator ended).
    pub fn interrupted(&self) -> Option<Signal> {
        self.sup.interrupted()
    }

    /// The error that ended the iteration early, if any.
    pub fn error(&self) -> Option<&PoolError> {
        self.error.as_ref()
    }
}

impl<T, R, E, F> Iterator for ImapUnordered<'_, T, R, E, F>
where
    T: Serialize + DeserializeOwned,
    R: Serialize + DeserializeOwned,
    E: Display,
    F: Fn(T) -> Result<R, E>,
{
    type Item = TaskResult<R>;

    fn next(&mut self) -> Option<TaskResult<R>> {
        loop {
            if let Some(i) = self.sup.finished.pop_front() {
                return self.sup.take_result(i);
            }
            if self.error.is_some() || self.sup.is_complete() {
                return None;
            }
            if let Err(e) = self.sup.step(&mut |_: Event<'_, R>| {}) {
                self.error = Some(e);
            }
        }
    }
}
