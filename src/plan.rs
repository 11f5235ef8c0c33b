//! The plan of a run: the lineup of model specs turned, once, into the tasks this process
//! runs. Repeated models are dropped, every model is checked against the data's size, each
//! task gets its identity ([`TaskId`]) and its expected cost (longest-first dispatch, shard
//! balance), and a shard keeps its share. `--resume` asks the plan which of its tasks a
//! journal already finished.
//!
//! One index space: a task's `index` is its position in the whole lineup (all shards), which
//! is also the order of the journal's plan line and of ties in the ranking.

use std::collections::{HashMap, HashSet};
use std::fmt;
use std::ops::Range;

use serde::{Deserialize, Serialize};

use crate::models::ModelSpec;
use crate::report::{JournalContents, TaskRecord};
use crate::slurm::{self, Shard};

/// A task's identity: the model (its scikit-learn repr, which names the kind and every
/// non-default parameter) and the part of the data it is scored on. Journals, `--resume` and
/// `merge` match tasks by it.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct TaskId {
    /// The model's repr, e.g. `RandomForestRegressor(n_estimators=300)`.
    pub model: String,
    /// The fold scored (0-based); `None`: the one train/test split.
    pub fold: Option<u32>,
}

impl TaskId {
    /// The task scored on the train/test split.
    pub fn holdout(model: impl Into<String>) -> TaskId {
        TaskId {
            model: model.into(),
            fold: None,
        }
    }

    /// The journal's `key` of the task: the model's repr alone for the train/test split
    /// (as journals have always written it), with the fold after it otherwise.
    pub fn key(&self) -> String {
        self.to_string()
    }

    /// The identity of a journaled task.
    pub fn of_record(r: &TaskRecord) -> TaskId {
        TaskId {
            // a holdout task's key is its repr, in journals of every version
            model: match r.fold {
                None => r.key.clone(),
                Some(_) => r.model.clone(),
            },
            fold: r.fold,
        }
    }
}

impl fmt::Display for TaskId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.fold {
            None => f.write_str(&self.model),
            Some(k) => write!(f, "{} fold {}", self.model, k + 1),
        }
    }
}

/// A model of the lineup: a spec, with its own StandardScaler or not.
#[derive(Clone, Debug, PartialEq)]
pub struct Entry {
    pub spec: ModelSpec,
    /// `make_pipeline(StandardScaler(), spec)`: the numeric features standardized (learned on
    /// the training rows) for this model alone.
    pub scale: bool,
}

impl Entry {
    pub fn plain(spec: ModelSpec) -> Entry {
        Entry { spec, scale: false }
    }

    /// scikit-learn's repr: `Ridge()`, or `make_pipeline(StandardScaler(), SVR())`.
    pub fn display(&self) -> String {
        if self.scale {
            format!("make_pipeline(StandardScaler(), {})", self.spec.display())
        } else {
            self.spec.display()
        }
    }
}

/// One task of the plan.
#[derive(Clone, Debug)]
pub struct Task {
    pub id: TaskId,
    /// The model's own StandardScaler (see [`Entry::scale`]).
    pub scale: bool,
    /// Position in the whole lineup (all shards).
    pub index: usize,
    pub spec: ModelSpec,
    /// Relative expected cost on this data (see [`ModelSpec::expected_cost`]).
    pub cost: f64,
    /// The parts the model is fitted in, as ranges of its canonical blocks
    /// ([`ModelSpec::units`]), each in its own worker; empty: one piece, the whole model.
    pub parts: Vec<Range<usize>>,
}

impl Task {
    /// The expected cost of the blocks `blocks` of the task's model.
    pub fn cost_of(&self, blocks: &Option<Range<usize>>) -> f64 {
        match (blocks, self.spec.units()) {
            (Some(b), Some(u)) => self.cost * b.len() as f64 / u.blocks().max(1) as f64,
            _ => self.cost,
        }
    }
}

/// Whether the plan fits models that are sums of independent units (forests, bagging) in
/// parts (`--split`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SplitMode {
    /// Only while the lineup would leave workers idle (see [`Plan::split`]).
    Auto,
    /// Never: one task is one piece of work.
    Never,
    /// Every splittable model in this many parts (at most its blocks): for tests and
    /// benchmarks.
    Parts(usize),
}

/// The smallest expected cost worth a part of its own: about 20 to 40 ms on one core (see
/// [`ModelSpec::expected_cost`]'s calibration), well above what a piece costs besides its
/// fit (the spec down the pipe, a fold's preprocessing, the block sums back).
pub const MIN_PART_COST: f64 = 2e6;

/// What each model is scored on: `folds` cross-validation folds (training rows of a fold:
/// about `fold_rows`), and the train/test split when `holdout`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Scoring {
    pub folds: usize,
    pub fold_rows: usize,
    pub holdout: bool,
}

impl Scoring {
    /// The train/test split alone.
    pub fn holdout() -> Scoring {
        Scoring {
            folds: 0,
            fold_rows: 0,
            holdout: true,
        }
    }
}

/// Why a lineup cannot be planned on this data.
#[derive(Debug, thiserror::Error)]
pub enum PlanError {
    #[error("{model} needs at least {min} training rows; the data has {rows}")]
    TooFewRows {
        model: String,
        min: usize,
        rows: usize,
    },
}

/// The tasks of a run.
#[derive(Clone, Debug)]
pub struct Plan {
    /// Every task of the lineup, all shards, in lineup order.
    pub lineup: Vec<TaskId>,
    /// The tasks this process runs: the whole lineup, or a shard's share of it.
    pub tasks: Vec<Task>,
    pub shard: Option<Shard>,
    /// Specs dropped because they repeat an earlier one (same repr: same parameters, same
    /// seed, same result).
    pub repeated: usize,
}

impl Plan {
    /// Plans `specs` on training data of `n_rows` x `n_features`, scored on the train/test
    /// split; with `shard`, keeps that shard's cost-balanced share (see [`slurm::assign`]).
    pub fn new(
        specs: Vec<ModelSpec>,
        n_rows: usize,
        n_features: usize,
        shard: Option<Shard>,
    ) -> Result<Plan, PlanError> {
        let entries = specs.into_iter().map(Entry::plain).collect();
        Plan::with_folds(entries, n_rows, n_features, shard, &Scoring::holdout())
    }

    /// Plans `specs` with one task per model and fold (model-major, folds in order), plus
    /// one on the train/test split when `scoring.holdout`.
    pub fn with_folds(
        specs: Vec<Entry>,
        n_rows: usize,
        n_features: usize,
        shard: Option<Shard>,
        scoring: &Scoring,
    ) -> Result<Plan, PlanError> {
        if let Some(e) = specs.iter().find(|e| e.spec.min_rows() > n_rows) {
            return Err(PlanError::TooFewRows {
                model: e.display(),
                min: e.spec.min_rows(),
                rows: n_rows,
            });
        }
        let total = specs.len();
        let mut seen: HashSet<String> = HashSet::new();
        let parts: Vec<(Option<u32>, usize)> = (0..scoring.folds)
            .map(|k| (Some(k as u32), scoring.fold_rows))
            .chain(scoring.holdout.then_some((None, n_rows)))
            .collect();
        let all: Vec<Task> = specs
            .into_iter()
            .filter_map(|entry| {
                let model = entry.display();
                seen.insert(model.clone()).then_some((model, entry))
            })
            .flat_map(|(model, entry)| {
                parts.iter().map(move |&(fold, rows)| Task {
                    id: TaskId {
                        model: model.clone(),
                        fold,
                    },
                    scale: entry.scale,
                    index: 0,
                    cost: entry.spec.expected_cost(rows, n_features),
                    spec: entry.spec.clone(),
                    parts: Vec::new(),
                })
            })
            .enumerate()
            .map(|(index, t)| Task { index, ..t })
            .collect();
        let repeated = total - seen.len();
        let lineup = all.iter().map(|t| t.id.clone()).collect();
        let tasks = match &shard {
            None => all,
            Some(s) => {
                let costs: Vec<f64> = all.iter().map(|t| t.cost).collect();
                let owner = slurm::assign(&costs, s.count);
                all.into_iter()
                    .zip(owner)
                    .filter(|(_, o)| *o == s.index)
                    .map(|(t, _)| t)
                    .collect()
            }
        };
        Ok(Plan {
            lineup,
            tasks,
            shard,
            repeated,
        })
    }

    /// Splits this plan's splittable models into parts for `workers` workers.
    ///
    /// [`SplitMode::Auto`] splits a model only when its expected cost exceeds one worker's
    /// share of the whole plan's (sum of costs / workers): then it alone would keep one
    /// worker busy while the others have nothing left to do. It is cut into about twice as
    /// many parts as shares it holds (finer parts balance better under longest-first
    /// dispatch), at most its blocks, at most `2 * workers`, and never into parts cheaper
    /// than [`MIN_PART_COST`]. When tasks outnumber workers several times, no task holds
    /// more than a share unless it dominates the run, so nothing is split.
    pub fn split(&mut self, workers: usize, mode: SplitMode) {
        let workers = workers.max(1);
        let total: f64 = self.tasks.iter().map(|t| t.cost).sum();
        let share = total / workers as f64;
        for t in &mut self.tasks {
            let Some(units) = t.spec.units() else {
                continue;
            };
            let blocks = units.blocks();
            let k = match mode {
                SplitMode::Never => 1,
                SplitMode::Parts(k) => k,
                SplitMode::Auto if workers < 2 || t.cost <= share => 1,
                SplitMode::Auto => {
                    let wanted = (2.0 * t.cost / share).ceil() as usize;
                    let affordable = (t.cost / MIN_PART_COST).floor() as usize;
                    wanted.min(affordable).min(2 * workers)
                }
            };
            let k = k.clamp(1, blocks);
            t.parts = if k < 2 {
                Vec::new()
            } else {
                // k ranges of consecutive blocks, the longer ones first
                let (base, extra) = (blocks / k, blocks % k);
                let mut start = 0;
                (0..k)
                    .map(|i| {
                        let len = base + usize::from(i < extra);
                        start += len;
                        start - len..start
                    })
                    .collect()
            };
        }
    }

    /// The pieces of work of this plan's tasks (a part or a whole model each).
    pub fn pieces(&self) -> usize {
        self.tasks.iter().map(|t| t.parts.len().max(1)).sum()
    }

    /// The journal's finished records of this plan's tasks (any outcome but cancelled), with
    /// this lineup's positions: the lineup may have changed since the journal was written.
    pub fn finished_in(&self, journal: &JournalContents) -> Vec<TaskRecord> {
        let position: HashMap<&TaskId, usize> =
            self.tasks.iter().map(|t| (&t.id, t.index)).collect();
        crate::report::merge([journal])
            .records
            .into_iter()
            .filter(|r| r.status.is_final())
            .filter_map(|mut r| {
                r.index = *position.get(&TaskId::of_record(&r))?;
                Some(r)
            })
            .collect()
    }

    /// This plan's tasks that `done` does not hold, in plan order.
    pub fn todo<'p>(&'p self, done: &[TaskRecord]) -> Vec<&'p Task> {
        let done: HashSet<TaskId> = done.iter().map(TaskId::of_record).collect();
        self.tasks
            .iter()
            .filter(|t| !done.contains(&t.id))
            .collect()
    }

    /// The journal keys of every task of the lineup.
    pub fn lineup_keys(&self) -> Vec<String> {
        self.lineup.iter().map(TaskId::key).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::parse_model;

    fn specs(texts: &[&str]) -> Vec<ModelSpec> {
        texts.iter().map(|s| parse_model(s).unwrap()).collect()
    }

    #[test]
    fn repeated_models_run_once() {
        let plan = Plan::new(
            specs(&[
                "rf",
                "Ridge()",
                "RandomForestRegressor(n_estimators=100)",
                "ridge(alpha=2)",
            ]),
            100,
            5,
            None,
        )
        .unwrap();
        let keys: Vec<String> = plan.tasks.iter().map(|t| t.id.key()).collect();
        assert_eq!(
            keys,
            ["RandomForestRegressor()", "Ridge()", "Ridge(alpha=2.0)"]
        );
        assert_eq!(
            plan.tasks.iter().map(|t| t.index).collect::<Vec<_>>(),
            [0, 1, 2]
        );
        assert_eq!(plan.repeated, 1);
    }

    #[test]
    fn a_model_needing_more_rows_than_the_data_has_is_refused() {
        let e = Plan::new(specs(&["knn(n_neighbors=10)"]), 9, 3, None).unwrap_err();
        assert_eq!(
            e.to_string(),
            "KNeighborsRegressor(n_neighbors=10) needs at least 10 training rows; the data has 9"
        );
    }

    #[test]
    fn shards_partition_the_lineup_and_keep_lineup_positions() {
        let lineup = specs(&["rf", "nusvr", "ridge", "enet", "knn", "tree", "lasso"]);
        let mut seen = Vec::new();
        for k in 0..3 {
            let plan = Plan::new(lineup.clone(), 500, 10, Shard::new(k, 3)).unwrap();
            assert_eq!(plan.lineup.len(), 7);
            seen.extend(plan.tasks.iter().map(|t| t.index));
        }
        seen.sort_unstable();
        assert_eq!(seen, (0..7).collect::<Vec<_>>());
    }

    #[test]
    fn auto_splits_only_a_model_that_would_leave_workers_idle() {
        // the article's job: one forest dominates four models
        let lineup = specs(&["rf", "ridge", "lasso", "knn"]);
        let mut plan = Plan::new(lineup.clone(), 15_000, 20, None).unwrap();
        plan.split(16, SplitMode::Auto);
        let forest = &plan.tasks[0];
        assert!(forest.parts.len() > 4, "{:?}", forest.parts);
        let blocks = forest.spec.units().unwrap().blocks();
        let covered: Vec<usize> = forest.parts.iter().flat_map(|r| r.clone()).collect();
        assert_eq!(covered, (0..blocks).collect::<Vec<_>>());
        assert!(plan.tasks[1..].iter().all(|t| t.parts.is_empty()));
        // one worker: nothing to gain
        let mut one = Plan::new(lineup.clone(), 15_000, 20, None).unwrap();
        one.split(1, SplitMode::Auto);
        assert_eq!(one.pieces(), 4);
        // many forests of equal cost on few workers: none holds more than a share
        let many = specs(&[
            "RandomForestRegressor(random_state=1)",
            "RandomForestRegressor(random_state=2)",
            "RandomForestRegressor(random_state=3)",
            "RandomForestRegressor(random_state=4)",
            "RandomForestRegressor(random_state=5)",
            "RandomForestRegressor(random_state=6)",
        ]);
        let mut plan = Plan::new(many, 15_000, 20, None).unwrap();
        plan.split(2, SplitMode::Auto);
        assert_eq!(plan.pieces(), 6);
        // tiny data: parts would cost less than the overhead of a part
        let mut tiny = Plan::new(lineup, 50, 3, None).unwrap();
        tiny.split(16, SplitMode::Auto);
        assert_eq!(tiny.pieces(), 4);
    }

    #[test]
    fn forced_parts_are_at_most_the_blocks_and_never_touch_other_kinds() {
        let mut plan = Plan::new(
            specs(&["RandomForestRegressor(n_estimators=3)", "bagging", "ridge"]),
            100,
            5,
            None,
        )
        .unwrap();
        plan.split(2, SplitMode::Parts(4));
        assert_eq!(plan.tasks[0].parts, vec![0..1, 1..2, 2..3]);
        assert_eq!(plan.tasks[1].parts, vec![0..3, 3..6, 6..8, 8..10]);
        assert!(plan.tasks[2].parts.is_empty());
        plan.split(2, SplitMode::Never);
        assert_eq!(plan.pieces(), 3);
    }

    #[test]
    fn task_keys_are_the_repr_alone_for_the_holdout_split() {
        assert_eq!(TaskId::holdout("Ridge()").key(), "Ridge()");
        let fold = TaskId {
            model: "Ridge()".into(),
            fold: Some(2),
        };
        assert_eq!(fold.key(), "Ridge() fold 3");
    }
}
