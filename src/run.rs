//! The main job: a lineup of model specs over one dataset, run through the process pool,
//! each finished task journaled (durably) before it is shown, and the records returned.
//!
//! This is the glue between the layers: it knows the pool's API and the model layer's, but
//! neither knows the other.

use crate::data::{fingerprint, Dataset};
use crate::eval::{metrics, Metrics};
use crate::models::{ModelError, ModelSpec};
use crate::pool::{Event, Outcome, Pool, PoolConfig, PoolError, TaskResult};
use crate::progress::Progress;
use crate::report::{read_journal, Journal, JournalError, Line, PlanRecord, Status, TaskRecord};
use nix::sys::signal::Signal;
use serde::{Deserialize, Serialize};
use std::collections::{HashMap, HashSet};
use std::path::PathBuf;
use std::time::{SystemTime, UNIX_EPOCH};

/// One task of the lineup.
#[derive(Clone, Debug)]
pub struct Task {
    /// Stable identity: the model's repr (journals, `--resume` and `merge` match on it).
    pub key: String,
    /// Position in the whole expanded lineup (all shards).
    pub index: usize,
    pub spec: ModelSpec,
}

/// The tasks of a lineup, one per distinct model: a spec that repeats an earlier one (same
/// repr, so the same parameters and seed, so the same result) is dropped. Returns the tasks
/// and the number dropped.
pub fn tasks_of(specs: Vec<ModelSpec>) -> (Vec<Task>, usize) {
    let total = specs.len();
    let mut seen: HashSet<String> = HashSet::new();
    let tasks: Vec<Task> = specs
        .into_iter()
        .filter_map(|spec| {
            let key = spec.display();
            seen.insert(key.clone()).then_some((key, spec))
        })
        .enumerate()
        .map(|(index, (key, spec))| Task { key, index, spec })
        .collect();
    let dropped = total - tasks.len();
    (tasks, dropped)
}

/// What a worker sends back for one task.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct TaskOutput {
    pub metrics: Metrics,
    pub fit_seconds: f64,
    pub predict_seconds: f64,
}

#[derive(Debug, thiserror::Error)]
pub enum TaskError {
    #[error(transparent)]
    Model(#[from] ModelError),
    #[error(transparent)]
    Metrics(#[from] crate::eval::MetricsError),
}

/// Fits `spec` on the training part of `data` and scores it on the test part. Runs in a worker.
pub fn evaluate(data: &Dataset, spec: &ModelSpec) -> Result<TaskOutput, TaskError> {
    let p = spec.fit_predict(data.x_train.view(), data.y_train.view(), data.x_test.view())?;
    let metrics = metrics(data.y_test.view(), p.y_pred.view())?;
    Ok(TaskOutput {
        metrics,
        fit_seconds: p.fit_seconds,
        predict_seconds: p.predict_seconds,
    })
}

/// Everything a run needs besides the data.
pub struct RunSettings {
    pub pool: PoolConfig,
    pub journal: Option<PathBuf>,
    pub resume: bool,
    pub shard: Option<String>,
}

/// How a run ended.
pub struct RunOutcome {
    /// One record per task of this shard: resumed from the journal or run now.
    pub records: Vec<TaskRecord>,
    /// Keys of this shard's tasks without a final record (cancelled by an interrupt).
    pub missing: Vec<String>,
    pub interrupted: Option<Signal>,
    /// Tasks skipped because the journal already had them.
    pub resumed: usize,
    /// The journal could not be written (disk full...): the run went on, the results are
    /// all here, but the journal lacks some.
    pub journal_error: Option<JournalError>,
}

#[derive(Debug, thiserror::Error)]
pub enum RunError {
    #[error(transparent)]
    Journal(#[from] JournalError),
    #[error(transparent)]
    Pool(#[from] PoolError),
    #[error("journal {path} was written for other data (fingerprint {found}, this run {expected}); use another journal or drop --resume")]
    OtherData {
        path: PathBuf,
        found: String,
        expected: String,
    },
}

pub fn now() -> f64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs_f64())
        .unwrap_or(0.0)
}

/// Runs `tasks` (this shard's share of `all_keys`) over `data`.
pub fn run(
    data: &Dataset,
    all_keys: &[String],
    tasks: Vec<Task>,
    settings: &RunSettings,
    progress: &mut Progress,
) -> Result<RunOutcome, RunError> {
    let dataset = fingerprint(data);
    let mut done: Vec<TaskRecord> = Vec::new();
    if let (true, Some(path)) = (settings.resume, &settings.journal) {
        let old = read_journal(path, true)?;
        if let Some(found) = old
            .plans
            .iter()
            .map(|p| &p.dataset)
            .chain(old.tasks.iter().map(|t| &t.dataset))
            .find(|d| **d != dataset)
        {
            return Err(RunError::OtherData {
                path: path.clone(),
                found: found.clone(),
                expected: dataset,
            });
        }
        // the lineup may have changed since: positions come from this run's lineup
        let position: HashMap<&str, usize> =
            tasks.iter().map(|t| (t.key.as_str(), t.index)).collect();
        done = crate::report::merge([&old])
            .records
            .into_iter()
            .filter(|r| r.status.is_final())
            .filter_map(|mut r| {
                r.index = *position.get(r.key.as_str())?;
                Some(r)
            })
            .collect();
    }
    let done_keys: HashSet<&str> = done.iter().map(|r| r.key.as_str()).collect();
    let todo: Vec<Task> = tasks
        .iter()
        .filter(|t| !done_keys.contains(t.key.as_str()))
        .cloned()
        .collect();

    let mut journal = match &settings.journal {
        Some(path) => Some(Journal::append(path)?),
        None => None,
    };
    if let Some(j) = journal.as_mut() {
        j.write(&Line::Plan(PlanRecord {
            tasks: all_keys.to_vec(),
            shard_tasks: tasks.iter().map(|t| t.key.clone()).collect(),
            shard: settings.shard.clone(),
            dataset: dataset.clone(),
            started_at: now(),
        }))?;
    }

    let resumed = done.len();
    progress.start(tasks.len(), resumed);
    let n_rows = data.x_train.nrows();
    let n_features = data.x_train.ncols();
    let costs: Vec<f64> = todo
        .iter()
        .map(|t| t.spec.expected_cost(n_rows, n_features))
        .collect();
    let host = hostname();
    let mut records = done;
    let mut journal_error: Option<JournalError> = None;
    let mut held = Held::default();
    let summary = {
        let job = |spec: ModelSpec| evaluate(data, &spec);
        let mut pool = Pool::new(settings.pool.clone(), job);
        let items: Vec<ModelSpec> = todo.iter().map(|t| t.spec.clone()).collect();
        let key_of = |i: usize| todo[i].key.as_str();
        let ran = pool.run(items, Some(&costs), |event| match &event {
            Event::TaskFinished(result) => {
                let task = &todo[result.index];
                let record = record_of(
                    task,
                    result,
                    &dataset,
                    settings.shard.as_deref(),
                    host.as_deref(),
                );
                if let Some(j) = journal.as_mut() {
                    match j.write_unsynced(&Line::Task(record.clone())) {
                        Ok(()) => held.unsynced = true,
                        Err(e) => {
                            journal_error.get_or_insert(e);
                        }
                    }
                }
                held.shown.push(Shown::Finished(records.len()));
                records.push(record);
            }
            // The pool is about to wait: make this wake-up's lines durable, then show them.
            Event::Waiting => {
                held.release(&mut journal, &mut journal_error, progress, &records, key_of)
            }
            other => held.shown.extend(other.detach().map(Shown::Event)),
        });
        // Whatever ended the run, what finished is journaled and shown.
        held.release(&mut journal, &mut journal_error, progress, &records, key_of);
        ran?
    };
    progress.done();
    let finished: HashSet<&str> = records
        .iter()
        .filter(|r| r.status.is_final())
        .map(|r| r.key.as_str())
        .collect();
    let missing = tasks
        .iter()
        .filter(|t| !finished.contains(t.key.as_str()))
        .map(|t| t.key.clone())
        .collect();
    records.sort_by_key(|r| r.index);
    Ok(RunOutcome {
        records,
        missing,
        interrupted: summary.interrupted,
        resumed,
        journal_error,
    })
}

/// What the run shows, held back until the journal lines of the same wake-up of the pool
/// are durable (invariant: an outcome is in the journal before it is shown), in the order it
/// happened. One `fsync` per wake-up instead of one per task.
#[derive(Default)]
struct Held {
    shown: Vec<Shown>,
    /// Journal lines written since the last sync.
    unsynced: bool,
}

enum Shown {
    /// A finished task: its position in the run's records.
    Finished(usize),
    Event(Event<'static, TaskOutput>),
}

impl Held {
    fn release<'k>(
        &mut self,
        journal: &mut Option<Journal>,
        journal_error: &mut Option<JournalError>,
        progress: &mut Progress,
        records: &[TaskRecord],
        key_of: impl Fn(usize) -> &'k str + Copy,
    ) {
        if std::mem::take(&mut self.unsynced) {
            if let Some(Err(e)) = journal.as_mut().map(Journal::sync) {
                journal_error.get_or_insert(e);
            }
        }
        for s in self.shown.drain(..) {
            match s {
                Shown::Finished(i) => progress.finished(&records[i]),
                Shown::Event(e) => progress.event(&e, key_of),
            }
        }
    }
}

fn record_of(
    task: &Task,
    result: &TaskResult<TaskOutput>,
    dataset: &str,
    shard: Option<&str>,
    host: Option<&str>,
) -> TaskRecord {
    let (status, message, out) = match &result.outcome {
        Outcome::Ok(out) => (Status::Ok, None, Some(out)),
        Outcome::Failed(msg) => (Status::Failed, Some(msg.clone()), None),
        Outcome::TimedOut => (Status::TimedOut, Some("task timeout reached".into()), None),
        Outcome::Crashed(exit) => (Status::Crashed, Some(exit.to_string()), None),
        Outcome::OutOfMemory => (
            Status::OutOfMemory,
            Some("memory limit reached".into()),
            None,
        ),
        Outcome::Cancelled(reason) => (Status::Cancelled, Some(reason.to_string()), None),
    };
    TaskRecord {
        key: task.key.clone(),
        index: task.index,
        model: task.spec.display(),
        status,
        message,
        rmse: out.map(|o| o.metrics.rmse),
        mae: out.map(|o| o.metrics.mae),
        r2: out.map(|o| o.metrics.r2),
        fit_seconds: out.map(|o| o.fit_seconds),
        predict_seconds: out.map(|o| o.predict_seconds),
        peak_rss_bytes: result.peak_rss_bytes,
        wall_seconds: result.wall.as_secs_f64(),
        pid: result.pid,
        attempt: result.attempt,
        dataset: dataset.to_string(),
        shard: shard.map(str::to_string),
        host: host.map(str::to_string),
        finished_at: now(),
    }
}

fn hostname() -> Option<String> {
    sysinfo::System::host_name()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::parse_model;

    #[test]
    fn repeated_models_run_once() {
        let specs = [
            "rf",
            "Ridge()",
            "RandomForestRegressor(n_estimators=100)",
            "ridge(alpha=2)",
        ]
        .map(|s| parse_model(s).unwrap())
        .to_vec();
        let (tasks, dropped) = tasks_of(specs);
        let keys: Vec<&str> = tasks.iter().map(|t| t.key.as_str()).collect();
        assert_eq!(
            keys,
            ["RandomForestRegressor()", "Ridge()", "Ridge(alpha=2.0)"]
        );
        assert_eq!(tasks.iter().map(|t| t.index).collect::<Vec<_>>(), [0, 1, 2]);
        assert_eq!(dropped, 1);
    }
}
