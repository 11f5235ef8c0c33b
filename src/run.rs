//! The main job: a [`Plan`]'s tasks over one dataset, run through the process pool, each
//! finished task journaled (durably) before it is shown, events to a [`RunObserver`], and the
//! records returned.
//!
//! This is the glue between the layers: it knows the pool's API and the model layer's, but
//! neither knows the other; it never prints (observers do).

use crate::data::{fingerprint, Dataset};
use crate::eval::{metrics, Metrics};
use crate::events::{RunEvent, RunObserver};
use crate::models::{parts, ModelError, ModelSpec};
use crate::plan::{Plan, Task};
use crate::pool::{Event, Outcome, Pool, PoolConfig, PoolError, TaskResult};
use crate::report::{
    hex_floats, parse_hex_floats, read_journal, Journal, JournalError, Line, PartRecord,
    PlanRecord, Status, TaskPredictions, TaskRecord,
};
use nix::sys::signal::Signal;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap, HashSet};
use std::ops::Range;
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
    /// A part's block sums on the scored rows (see [`TaskInput::blocks`]).
    #[serde(default)]
    pub block_sums: Option<Vec<Vec<f64>>>,
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
    /// Fit only these blocks of a model that is fitted in parts ([`ModelSpec::units`]) and
    /// send their block sums back; `None`: the whole model.
    #[serde(default)]
    pub blocks: Option<Range<usize>>,
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
    if let Some(blocks) = &task.blocks {
        let p = spec.fit_predict_blocks(
            x_train.view(),
            y_train.view(),
            x_test.view(),
            blocks.clone(),
        )?;
        // the part's own units, averaged: its metrics (the parent scores the whole model)
        let units = spec.units().map_or(1, |u| u.units_of(blocks.clone()).len());
        let own = parts::combine(units, x_test.nrows(), p.sums.sums.iter());
        return Ok(TaskOutput {
            metrics: metrics(y_test.view(), own.view())?,
            fit_seconds: p.fit_seconds,
            predict_seconds: p.predict_seconds,
            y_pred: None,
            block_sums: Some(p.sums.sums.into_iter().map(|s| s.to_vec()).collect()),
        });
    }
    let p = spec.fit_predict(x_train.view(), y_train.view(), x_test.view())?;
    let metrics = metrics(y_test.view(), p.y_pred.view())?;
    Ok(TaskOutput {
        metrics,
        fit_seconds: p.fit_seconds,
        predict_seconds: p.predict_seconds,
        y_pred: task.predictions.then(|| p.y_pred.to_vec()),
        block_sums: None,
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
    /// Why a task that ran out of memory ended (which limit it reached), for its record.
    pub oom_message: String,
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
    let mut stored_parts: Vec<PartRecord> = Vec::new();
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
        stored_parts = old.parts;
    }
    let todo: Vec<&Task> = plan.todo(&done);
    let (pieces, mut assemblies) = pieces_of(&todo, stored_parts, data);

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
    let costs: Vec<f64> = pieces
        .iter()
        .map(|p| todo[p.task].cost_of(&p.blocks))
        .collect();
    let host = hostname();
    let mut records = done;
    let mut journal_error: Option<JournalError> = None;
    let mut held = Held::default();
    let mut predictions: Vec<TaskPredictions> = Vec::new();
    let ids: Vec<&crate::plan::TaskId> = pieces.iter().map(|p| &todo[p.task].id).collect();
    let labels = part_labels(&pieces, &todo);
    let context = RecordContext {
        oom_message: &settings.oom_message,
        dataset: &dataset,
        shard: shard.as_deref(),
        host: host.as_deref(),
    };
    // Tasks whose every part the journal already holds (the run ended between the last
    // part's line and the model's): scored now, without a worker.
    for (i, asm) in assemblies.iter_mut() {
        if asm.complete() {
            let task = todo[*i];
            let (record, pred) = asm.finish(task, data, &context);
            if let Some(j) = journal.as_mut() {
                if let Err(e) = j.write(&Line::Task(record.clone())) {
                    journal_error.get_or_insert(e);
                }
            }
            if settings.predictions {
                predictions.extend(pred);
            }
            observer.on_event(&RunEvent::TaskFinished(&record));
            records.push(record);
        }
    }
    let summary = {
        let job = |task: TaskInput| evaluate(data, &task);
        let mut pool = Pool::new(pool_config(&settings.pool, &pieces, data), job);
        let items: Vec<TaskInput> = pieces
            .iter()
            .map(|p| {
                let t = todo[p.task];
                TaskInput {
                    spec: t.spec.clone(),
                    fold: t.id.fold,
                    scale: t.scale,
                    predictions: settings.predictions && p.blocks.is_none(),
                    blocks: p.blocks.clone(),
                }
            })
            .collect();
        let mut shown = Shown {
            observer: &mut *observer,
            ids: &ids,
            labels: &labels,
        };
        let ran = pool.run(items, Some(&costs), |event| match &event {
            Event::TaskFinished(result) => {
                let piece = &pieces[result.index];
                let task = todo[piece.task];
                let mut lines: Vec<Line> = Vec::new();
                let record = match &piece.blocks {
                    None => {
                        if let Outcome::Ok(TaskOutput {
                            y_pred: Some(y_pred),
                            ..
                        }) = &result.outcome
                        {
                            predictions.extend(task_predictions(data, task, y_pred.clone()));
                        }
                        Some(record_of(task, result, &context))
                    }
                    Some(blocks) => {
                        let asm = assemblies
                            .get_mut(&piece.task)
                            .expect("a part's task has an assembly");
                        match &result.outcome {
                            Outcome::Ok(out) => {
                                let part = asm.add(task, blocks, out, result, &context);
                                lines.push(Line::Part(part));
                                (asm.complete() && !asm.ended).then(|| {
                                    let (record, pred) = asm.finish(task, data, &context);
                                    if settings.predictions {
                                        predictions.extend(pred);
                                    }
                                    record
                                })
                            }
                            // the first part that fails ends the task; the others' results
                            // are kept in the journal for a later --resume
                            _ if asm.ended => None,
                            _ => {
                                asm.ended = true;
                                let mut r = record_of(task, result, &context);
                                let u = asm.units.units_of(blocks.clone());
                                r.message = r.message.map(|m| {
                                    format!("part with units {}-{}: {m}", u.start, u.end - 1)
                                });
                                r.parts = Some(asm.pieces + 1);
                                Some(r)
                            }
                        }
                    }
                };
                lines.extend(record.iter().cloned().map(Line::Task));
                if let Some(j) = journal.as_mut() {
                    for line in &lines {
                        match j.write_unsynced(line) {
                            Ok(()) => held.unsynced = true,
                            Err(e) => {
                                journal_error.get_or_insert(e);
                            }
                        }
                    }
                }
                if let Some(record) = record {
                    held.events.push(HeldEvent::Finished(records.len()));
                    records.push(record);
                }
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
    /// The task of each piece of work the pool runs.
    ids: &'t [&'t crate::plan::TaskId],
    /// Each piece's part label (`None`: a whole task).
    labels: &'t [Option<String>],
}

impl Shown<'_, '_> {
    fn pool_event(&mut self, event: &Event<'_, TaskOutput>) {
        let id = |i: usize| self.ids[i];
        let e = match *event {
            Event::WorkerStarted { slot, pid } => RunEvent::WorkerStarted { worker: slot, pid },
            Event::TaskStarted {
                index,
                slot,
                pid,
                attempt,
            } => RunEvent::TaskStarted {
                task: id(index),
                part: self.labels[index].as_deref(),
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

/// What every record of the run shares.
struct RecordContext<'a> {
    oom_message: &'a str,
    dataset: &'a str,
    shard: Option<&'a str>,
    host: Option<&'a str>,
}

fn record_of(task: &Task, result: &TaskResult<TaskOutput>, cx: &RecordContext<'_>) -> TaskRecord {
    let RecordContext {
        oom_message,
        dataset,
        shard,
        host,
    } = *cx;
    let (status, message, out) = match &result.outcome {
        Outcome::Ok(out) => (Status::Ok, None, Some(out)),
        Outcome::Failed(msg) => (Status::Failed, Some(msg.clone()), None),
        Outcome::TimedOut => (Status::TimedOut, Some("task timeout reached".into()), None),
        Outcome::Crashed(exit) => (Status::Crashed, Some(exit.to_string()), None),
        Outcome::OutOfMemory => (Status::OutOfMemory, Some(oom_message.to_string()), None),
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
        parts: None,
    }
}

/// The predictions of a task, with the rows it scored.
fn task_predictions(data: &Dataset, task: &Task, y_pred: Vec<f64>) -> Option<TaskPredictions> {
    let (rows, y_true) = scored_rows(data, task.id.fold)?;
    (rows.len() == y_pred.len()).then(|| TaskPredictions {
        model: task.id.model.clone(),
        fold: task.id.fold,
        rows,
        y_true,
        y_pred,
    })
}

/// Each piece's label for the progress view: "part 2/4, trees 25-49" for a part (counted
/// among the task's parts run now), `None` for a whole task.
fn part_labels(pieces: &[Piece], todo: &[&Task]) -> Vec<Option<String>> {
    let mut count: HashMap<usize, usize> = HashMap::new();
    for p in pieces.iter().filter(|p| p.blocks.is_some()) {
        *count.entry(p.task).or_default() += 1;
    }
    let mut seen: HashMap<usize, usize> = HashMap::new();
    pieces
        .iter()
        .map(|p| {
            let blocks = p.blocks.as_ref()?;
            let task = todo[p.task];
            let units = task.spec.units()?.units_of(blocks.clone());
            let nth = seen.entry(p.task).or_default();
            *nth += 1;
            let what = task.spec.unit_name().unwrap_or("units");
            Some(format!(
                "part {nth}/{}, {what} {}-{}",
                count[&p.task],
                units.start,
                units.end.saturating_sub(1)
            ))
        })
        .collect()
}

/// The pool's settings for these pieces: a part sends back one sum per block and scored row,
/// so the frame limit (which guards against garbage lengths, not against honest answers) is
/// raised to what the widest part needs on the largest scored set, plus slack.
fn pool_config(base: &PoolConfig, pieces: &[Piece], data: &Dataset) -> PoolConfig {
    let scored = data.cv.as_ref().map_or(0, |cv| {
        cv.folds.iter().map(|s| s.test.len()).max().unwrap_or(0)
    });
    let scored = scored.max(data.y_test.len()) as u64;
    let widest = pieces
        .iter()
        .filter_map(|p| p.blocks.as_ref().map(|b| b.len() as u64))
        .max()
        .unwrap_or(0);
    let need = (widest * scored * 8).saturating_add(1 << 20);
    let mut cfg = base.clone();
    cfg.max_frame_bytes = cfg
        .max_frame_bytes
        .max(need.min(u64::from(u32::MAX)) as u32);
    cfg
}

/// A piece of work for the pool: a whole task, or a part of one (a range of its blocks).
struct Piece {
    /// The task's position in the to-do list.
    task: usize,
    blocks: Option<Range<usize>>,
}

/// The pieces of work of `todo`, and an [`Assembly`] per task run in parts, holding the parts
/// the journal already has (`stored`, from `--resume`): only the blocks they lack are run.
fn pieces_of(
    todo: &[&Task],
    stored: Vec<PartRecord>,
    data: &Dataset,
) -> (Vec<Piece>, BTreeMap<usize, Assembly>) {
    let mut stored_by_key: HashMap<String, Vec<PartRecord>> = HashMap::new();
    for p in stored {
        stored_by_key.entry(p.key.clone()).or_default().push(p);
    }
    let mut pieces = Vec::new();
    let mut assemblies = BTreeMap::new();
    for (i, t) in todo.iter().enumerate() {
        let stored = stored_by_key.remove(&t.id.key()).unwrap_or_default();
        let units = match t.spec.units() {
            Some(u) if !t.parts.is_empty() || !stored.is_empty() => u,
            _ => {
                pieces.push(Piece {
                    task: i,
                    blocks: None,
                });
                continue;
            }
        };
        let rows = scored_rows(data, t.id.fold).map_or(0, |(r, _)| r.len());
        let mut asm = Assembly::new(units);
        for p in &stored {
            asm.restore(p, rows);
        }
        let planned: Vec<Range<usize>> = if t.parts.is_empty() {
            std::iter::once(0..units.blocks()).collect()
        } else {
            t.parts.clone()
        };
        for range in planned {
            // the runs of blocks of `range` that no stored part holds
            let mut start = None;
            for b in range.start..=range.end {
                let missing = b < range.end && !asm.sums.contains_key(&b);
                match (missing, start) {
                    (true, None) => start = Some(b),
                    (false, Some(a)) => {
                        pieces.push(Piece {
                            task: i,
                            blocks: Some(a..b),
                        });
                        start = None;
                    }
                    _ => {}
                }
            }
        }
        assemblies.insert(i, asm);
    }
    (pieces, assemblies)
}

/// A task fitted in parts, as its parts come in: the block sums so far and the parts' times.
struct Assembly {
    units: parts::Units,
    /// Block -> its sums on the scored rows.
    sums: BTreeMap<usize, Vec<f64>>,
    /// Parts counted (run now or restored).
    pieces: u32,
    fit_seconds: f64,
    predict_seconds: f64,
    wall_seconds: f64,
    peak_rss_bytes: Option<u64>,
    attempt: u32,
    pid: i32,
    /// The task's record is out (all parts in, or one failed).
    ended: bool,
}

impl Assembly {
    fn new(units: parts::Units) -> Assembly {
        Assembly {
            units,
            sums: BTreeMap::new(),
            pieces: 0,
            fit_seconds: 0.0,
            predict_seconds: 0.0,
            wall_seconds: 0.0,
            peak_rss_bytes: None,
            attempt: 1,
            pid: 0,
            ended: false,
        }
    }

    fn complete(&self) -> bool {
        (0..self.units.blocks()).all(|b| self.sums.contains_key(&b))
    }

    fn count(
        &mut self,
        fit: f64,
        predict: f64,
        wall: f64,
        peak: Option<u64>,
        attempt: u32,
        pid: i32,
    ) {
        self.pieces += 1;
        self.fit_seconds += fit;
        self.predict_seconds += predict;
        self.wall_seconds += wall;
        self.peak_rss_bytes = self.peak_rss_bytes.max(peak);
        self.attempt = self.attempt.max(attempt);
        self.pid = pid;
    }

    /// A part from the journal, if it fits this model and these scored rows (a journal of
    /// other blocks or rows is ignored, and its blocks run again).
    fn restore(&mut self, p: &PartRecord, rows: usize) {
        let [first, end] = p.blocks;
        if end > self.units.blocks() || end < first || p.sums.len() != end - first {
            return;
        }
        let Some(sums) = p
            .sums
            .iter()
            .map(|s| parse_hex_floats(s).filter(|v| v.len() == rows))
            .collect::<Option<Vec<_>>>()
        else {
            return;
        };
        for (b, v) in (first..end).zip(sums) {
            self.sums.insert(b, v);
        }
        self.count(
            p.fit_seconds,
            p.predict_seconds,
            p.wall_seconds,
            p.peak_rss_bytes,
            p.attempt,
            p.pid,
        );
    }

    /// A part that finished now: counted, and its journal line.
    fn add(
        &mut self,
        task: &Task,
        blocks: &Range<usize>,
        out: &TaskOutput,
        result: &TaskResult<TaskOutput>,
        cx: &RecordContext<'_>,
    ) -> PartRecord {
        let sums = out.block_sums.clone().unwrap_or_default();
        for (b, v) in blocks.clone().zip(&sums) {
            self.sums.insert(b, v.clone());
        }
        self.count(
            out.fit_seconds,
            out.predict_seconds,
            result.wall.as_secs_f64(),
            result.peak_rss_bytes,
            result.attempt,
            result.pid,
        );
        PartRecord {
            key: task.id.key(),
            model: task.id.model.clone(),
            fold: task.id.fold,
            blocks: [blocks.start, blocks.end],
            sums: sums.iter().map(|v| hex_floats(v)).collect(),
            fit_seconds: out.fit_seconds,
            predict_seconds: out.predict_seconds,
            wall_seconds: result.wall.as_secs_f64(),
            peak_rss_bytes: result.peak_rss_bytes,
            pid: result.pid,
            attempt: result.attempt,
            dataset: cx.dataset.to_string(),
            finished_at: now(),
        }
    }

    /// The task's record once every block is in: the blocks combined into the model's
    /// predictions (as the model fitted whole combines them), scored here.
    fn finish(
        &mut self,
        task: &Task,
        data: &Dataset,
        cx: &RecordContext<'_>,
    ) -> (TaskRecord, Option<TaskPredictions>) {
        self.ended = true;
        let scored = scored_rows(data, task.id.fold);
        let rows = scored.as_ref().map_or(0, |(r, _)| r.len());
        let sums: Vec<ndarray::Array1<f64>> = self
            .sums
            .values()
            .map(|v| ndarray::Array1::from(v.clone()))
            .collect();
        let y_pred = parts::combine(
            self.units.count,
            rows,
            sums.iter().filter(|s| s.len() == rows),
        );
        let scores = match &scored {
            Some((_, y_true)) if sums.iter().all(|s| s.len() == rows) => {
                metrics(ndarray::ArrayView1::from(y_true), y_pred.view()).map_err(|e| e.to_string())
            }
            _ => Err("the parts' predictions do not match the rows scored".to_string()),
        };
        let mut r = TaskRecord {
            key: task.id.key(),
            index: task.index,
            model: task.id.model.clone(),
            fold: task.id.fold,
            status: Status::Ok,
            message: None,
            rmse: None,
            mae: None,
            r2: None,
            fit_seconds: Some(self.fit_seconds),
            predict_seconds: Some(self.predict_seconds),
            peak_rss_bytes: self.peak_rss_bytes,
            wall_seconds: self.wall_seconds,
            pid: self.pid,
            attempt: self.attempt,
            dataset: cx.dataset.to_string(),
            shard: cx.shard.map(str::to_string),
            host: cx.host.map(str::to_string),
            finished_at: now(),
            parts: Some(self.pieces),
        };
        match scores {
            Ok(m) => {
                r.rmse = Some(m.rmse);
                r.mae = Some(m.mae);
                r.r2 = Some(m.r2);
                let pred = task_predictions(data, task, y_pred.to_vec());
                (r, pred)
            }
            Err(message) => {
                r.status = Status::Failed;
                r.message = Some(message);
                (r, None)
            }
        }
    }
}

fn hostname() -> Option<String> {
    sysinfo::System::host_name()
}
