//! The main job: a [`Plan`]'s tasks over one dataset, run through the process pool, each
//! finished task journaled (durably) before it is shown, events to a [`RunObserver`], and the
//! records returned.
//!
//! This is the glue between the layers: it knows the pool's API and the model layer's, but
//! neither knows the other; it never prints (observers do).

use crate::data::{fingerprint, Dataset};
use crate::eval::{metrics, Metrics};
use crate::events::{RunEvent, RunObserver};
use crate::models::{ModelError, ModelSpec};
use crate::plan::{Plan, Task};
use crate::pool::{Event, Outcome, Pool, PoolConfig, PoolError, TaskResult};
use crate::report::{
    read_journal, Journal, JournalError, Line, PlanRecord, Status, TaskPredictions, TaskRecord,
};
use nix::sys::signal::Signal;
use serde::{Deserialize, Serialize};
use std::collections::HashSet;
use std::path::PathBuf;
use std::time::{SystemTime, UNIX_EPOCH};

/// What a worker sends back for one task.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct TaskOutput {
    pub metrics: Metrics,
    pub fit_seconds: f64,
    pub predict_seconds: f64,
    /// The predictions on the scored rows, in the order of the split's or fold's test rows;
    /// sent only when the run asked for them (`--predictions`).
    #[serde(default)]
    pub y_pred: Option<Vec<f64>>,
}

#[derive(Debug, thiserror::Error)]
pub enum TaskError {
    #[error(transparent)]
    Model(#[from] ModelError),
    #[error(transparent)]
    Metrics(#[from] crate::eval::MetricsError),
    #[error(transparent)]
    Prep(#[from] crate::prep::PrepError),
    #[error("fold {0} does not exist in this run's cross-validation")]
    NoFold(u32),
}

/// What goes down the pipe to a worker: the model and the part of the data it is scored on.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct TaskInput {
    pub spec: ModelSpec,
    /// `None`: the train/test split; `Some(k)`: fold `k` of the cross-validation.
    pub fold: Option<u32>,
    /// Standardize the numeric features for this model alone (`make_pipeline(StandardScaler(),
    /// ...)`): its worker encodes its rows itself.
    pub scale: bool,
    /// Send the predictions on the scored rows back.
    #[serde(default)]
    pub predictions: bool,
}

/// Fits the model on the training rows of its split or fold and scores it on the rows held
/// out. A fold first learns its own pipeline on its training rows. Runs in a worker.
pub fn evaluate(data: &Dataset, task: &TaskInput) -> Result<TaskOutput, TaskError> {
    let spec = &task.spec;
    let fold_data;
    let own_scaler = task.scale && data.raw.as_ref().is_some_and(|r| !r.prep.scale);
    let (x_train, y_train, x_test, y_test) = match (task.fold, own_scaler) {
        (None, false) => (&data.x_train, &data.y_train, &data.x_test, &data.y_test),
        (None, true) => {
            fold_data = data
                .raw
                .as_ref()
                .ok_or(TaskError::NoFold(0))?
                .fold(0, true)?;
            (&fold_data.0, &fold_data.1, &fold_data.2, &fold_data.3)
        }
        (Some(k), _) => {
            let cv = data.cv.as_ref().filter(|cv| (k as usize) < cv.folds.len());
            fold_data = cv
                .ok_or(TaskError::NoFold(k))?
                .fold(k as usize, task.scale)?;
            (&fold_data.0, &fold_data.1, &fold_data.2, &fold_data.3)
        }
    };
    let p = spec.fit_predict(x_train.view(), y_train.view(), x_test.view())?;
    let metrics = metrics(y_test.view(), p.y_pred.view())?;
    Ok(TaskOutput {
        metrics,
        fit_seconds: p.fit_seconds,
        predict_seconds: p.predict_seconds,
        y_pred: task.predictions.then(|| p.y_pred.to_vec()),
    })
}

/// The rows a task scored, as indices over all rows (the training file's, then the test
/// file's), and their targets: the test rows of the split or the held-out rows of a fold.
pub fn scored_rows(data: &Dataset, fold: Option<u32>) -> Option<(Vec<usize>, Vec<f64>)> {
    match fold {
        None => match &data.raw {
            Some(raw) => raw
                .folds
                .first()
                .map(|s| (s.test.clone(), data.y_test.to_vec())),
            None => Some(((0..data.y_test.len()).collect(), data.y_test.to_vec())),
        },
        Some(k) => {
            let cv = data.cv.as_ref()?;
            let s = cv.folds.get(k as usize)?;
            let y = s
                .test
                .iter()
                .map(|&i| cv.y.get(i).copied())
                .collect::<Option<_>>()?;
            Some((s.test.clone(), y))
        }
    }
}

/// Everything a run needs besides the data.
pub struct RunSettings {
    pub pool: PoolConfig,
    pub journal: Option<PathBuf>,
    pub resume: bool,
    /// Collect every successful task's predictions (`--predictions`); kept out of the journal.
    pub predictions: bool,
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
    /// Warnings about the journal (a torn tail mended, no lock available) for stderr.
    pub notes: Vec<String>,
    /// With `RunSettings::predictions`: the predictions of the tasks run now (not resumed).
    pub predictions: Vec<TaskPredictions>,
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

/// Runs `plan`'s tasks over `data`: with `settings.resume`, only those the journal has not
/// finished. Events go to `observer`; a finished task is journaled (and synced) before the
/// observer hears of it.
pub fn execute(
    plan: &Plan,
    data: &Dataset,
    settings: &RunSettings,
    observer: &mut dyn RunObserver,
) -> Result<RunOutcome, RunError> {
    let dataset = fingerprint(data);
    let shard = plan.shard.as_ref().map(|s| s.to_string());
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
        done = plan.finished_in(&old);
    }
    let todo: Vec<&Task> = plan.todo(&done);

    let mut notes = Vec::new();
    let mut journal = match &settings.journal {
        Some(path) => {
            let j = Journal::append(path)?;
            if let Some(r) = j.repair() {
                notes.push(format!("warning: {r}"));
            }
            if let Some(e) = j.lock_unavailable() {
                notes.push(format!(
                    "warning: journal {} is not locked ({e}): do not run two fitpools on it",
                    path.display()
                ));
            }
            Some(j)
        }
        None => None,
    };
    if let Some(j) = journal.as_mut() {
        j.write(&Line::Plan(PlanRecord {
            tasks: plan.lineup_keys(),
            shard_tasks: plan.tasks.iter().map(|t| t.id.key()).collect(),
            shard: shard.clone(),
            dataset: dataset.clone(),
            started_at: now(),
        }))?;
    }

    let resumed = done.len();
    observer.on_event(&RunEvent::Started {
        tasks: plan.tasks.len(),
        resumed,
        folds: data.cv.as_ref().map_or(0, |cv| cv.folds.len()),
    });
    let costs: Vec<f64> = todo.iter().map(|t| t.cost).collect();
    let host = hostname();
    let mut records = done;
    let mut journal_error: Option<JournalError> = None;
    let mut held = Held::default();
    let mut predictions: Vec<TaskPredictions> = Vec::new();
    let summary = {
        let job = |task: TaskInput| evaluate(data, &task);
        let mut pool = Pool::new(settings.pool.clone(), job);
        let items: Vec<TaskInput> = todo
            .iter()
            .map(|t| TaskInput {
                spec: t.spec.clone(),
                fold: t.id.fold,
                scale: t.scale,
                predictions: settings.predictions,
            })
            .collect();
        let mut shown = Shown {
            observer: &mut *observer,
            todo: &todo,
        };
        let ran = pool.run(items, Some(&costs), |event| match &event {
            Event::TaskFinished(result) => {
                if let Outcome::Ok(TaskOutput {
                    y_pred: Some(y_pred),
                    ..
                }) = &result.outcome
                {
                    let task = todo[result.index];
                    if let Some((rows, y_true)) = scored_rows(data, task.id.fold) {
                        if rows.len() == y_pred.len() {
                            predictions.push(TaskPredictions {
                                model: task.id.model.clone(),
                                fold: task.id.fold,
                                rows,
                                y_true,
                                y_pred: y_pred.clone(),
                            });
                        }
                    }
                }
                let record = record_of(
                    todo[result.index],
                    result,
                    &dataset,
                    shard.as_deref(),
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
                held.events.push(HeldEvent::Finished(records.len()));
                records.push(record);
            }
            // The pool is about to wait: make this wake-up's lines durable, then show them.
            Event::Waiting => held.release(&mut journal, &mut journal_error, &mut shown, &records),
            other => held.events.extend(other.detach().map(HeldEvent::Pool)),
        });
        // Whatever ended the run, what finished is journaled and shown.
        held.release(&mut journal, &mut journal_error, &mut shown, &records);
        ran?
    };
    observer.on_event(&RunEvent::Finished);
    let finished: HashSet<&str> = records
        .iter()
        .filter(|r| r.status.is_final())
        .map(|r| r.key.as_str())
        .collect();
    let missing = plan
        .tasks
        .iter()
        .map(|t| t.id.key())
        .filter(|k| !finished.contains(k.as_str()))
        .collect();
    records.sort_by_key(|r| r.index);
    Ok(RunOutcome {
        records,
        missing,
        interrupted: summary.interrupted,
        resumed,
        journal_error,
        notes,
        predictions,
    })
}

/// What the run shows, held back until the journal lines of the same wake-up of the pool
/// are durable (invariant: an outcome is in the journal before it is shown), in the order it
/// happened. One `fsync` per wake-up instead of one per task.
#[derive(Default)]
struct Held {
    events: Vec<HeldEvent>,
    /// Journal lines written since the last sync.
    unsynced: bool,
}

enum HeldEvent {
    /// A finished task: its position in the run's records.
    Finished(usize),
    Pool(Event<'static, TaskOutput>),
}

/// The observer, with what it takes to turn the pool's events (task positions in the to-do
/// list) into [`RunEvent`]s (task ids).
struct Shown<'o, 't> {
    observer: &'o mut dyn RunObserver,
    todo: &'t [&'t Task],
}

impl Shown<'_, '_> {
    fn pool_event(&mut self, event: &Event<'_, TaskOutput>) {
        let id = |i: usize| &self.todo[i].id;
        let e = match *event {
            Event::WorkerStarted { slot, pid } => RunEvent::WorkerStarted { worker: slot, pid },
            Event::TaskStarted {
                index,
                slot,
                pid,
                attempt,
            } => RunEvent::TaskStarted {
                task: id(index),
                worker: slot,
                pid,
                attempt,
            },
            Event::TaskRetry {
                index,
                pid,
                exit,
                attempt,
            } => RunEvent::TaskRetry {
                task: id(index),
                pid,
                exit,
                attempt,
            },
            Event::WorkerExited { slot, pid, .. } => RunEvent::WorkerExited { worker: slot, pid },
            Event::WorkerRetiring { slot, pid } => RunEvent::WorkerRetiring { worker: slot, pid },
            Event::Tick => RunEvent::Tick,
            Event::Interrupted(sig) => RunEvent::Interrupted(sig),
            Event::StatusRequested => RunEvent::StatusRequested,
            // finished tasks arrive as records; waiting is the run's own business
            Event::TaskFinished(_) | Event::Waiting => return,
        };
        self.observer.on_event(&e);
    }
}

impl Held {
    fn release(
        &mut self,
        journal: &mut Option<Journal>,
        journal_error: &mut Option<JournalError>,
        shown: &mut Shown<'_, '_>,
        records: &[TaskRecord],
    ) {
        if std::mem::take(&mut self.unsynced) {
            if let Some(Err(e)) = journal.as_mut().map(Journal::sync) {
                journal_error.get_or_insert(e);
            }
        }
        for e in self.events.drain(..) {
            match e {
                HeldEvent::Finished(i) => shown
                    .observer
                    .on_event(&RunEvent::TaskFinished(&records[i])),
                HeldEvent::Pool(e) => shown.pool_event(&e),
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
        key: task.id.key(),
        index: task.index,
        model: task.id.model.clone(),
        fold: task.id.fold,
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
