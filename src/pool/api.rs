//! The pool's public face: [`PoolConfig`], [`Pool`] (`map`, `run`, `imap_unordered`,
//! `close`/`join`/`terminate`), [`RunSummary`] and [`PoolError`].

use std::fmt::Display;
use std::marker::PhantomData;

use nix::sys::signal::Signal;
use serde::de::DeserializeOwned;
use serde::Serialize;

use super::config::{PoolConfig, PoolError, RunSummary};
use super::event::{Event, TaskResult};
use super::exit::WorkerExit;
use super::slots::Workers;
use super::supervisor::Supervisor;

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
            .unwrap_or_else(|| super::cpus::default_workers(self.config.cpu_cap));
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
