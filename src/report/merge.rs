//! Merging journals: one record per task (shards, reruns and `--resume` runs together), and
//! the tasks of the plan that no journal finished.

use super::journal::JournalContents;
use super::record::{Status, TaskRecord};
use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};

/// Journals that cannot be merged.
#[derive(Debug, thiserror::Error)]
pub enum MergeError {
    /// Journals written for different data: their results do not compare.
    #[error("{} was written for dataset {first_dataset} but {} for dataset {other_dataset}: their results do not compare; merge the journals of one dataset at a time", first.display(), other.display())]
    MixedDatasets {
        first: PathBuf,
        first_dataset: String,
        other: PathBuf,
        other_dataset: String,
    },
}

/// Checks that named journals were all written for one dataset (by the fingerprints of their
/// plans and tasks); the first journal whose data differs from the first one seen is named.
pub fn check_one_dataset<'a>(
    journals: impl IntoIterator<Item = (&'a Path, &'a JournalContents)>,
) -> Result<(), MergeError> {
    let mut first: Option<(&Path, &str)> = None;
    for (path, j) in journals {
        let datasets = j
            .plans
            .iter()
            .map(|p| p.dataset.as_str())
            .chain(j.tasks.iter().map(|t| t.dataset.as_str()));
        for d in datasets {
            match first {
                None => first = Some((path, d)),
                Some((p0, d0)) if d0 != d => {
                    return Err(MergeError::MixedDatasets {
                        first: p0.to_path_buf(),
                        first_dataset: d0.to_string(),
                        other: path.to_path_buf(),
                        other_dataset: d.to_string(),
                    })
                }
                Some(_) => {}
            }
        }
    }
    Ok(())
}

/// The union of some journals.
#[derive(Debug, Default)]
pub struct Merged {
    /// The best record per task: a success over a failure, a final outcome over a
    /// cancellation, then the latest.
    pub records: Vec<TaskRecord>,
    /// Keys that some plan lists but no journal finished (cancelled tasks count as missing).
    pub missing: Vec<String>,
    /// Distinct dataset fingerprints seen (more than one means journals of different data).
    pub datasets: BTreeSet<String>,
    /// Journals whose last line was cut short.
    pub torn: usize,
}

/// Merges journal contents. A task is one model on one dataset: results of different data
/// (see [`Merged::datasets`], [`check_one_dataset`]) never replace each other.
pub fn merge<'a>(journals: impl IntoIterator<Item = &'a JournalContents>) -> Merged {
    let mut best: HashMap<(String, String), TaskRecord> = HashMap::new();
    let mut planned: Vec<(String, String)> = Vec::new();
    let mut seen_plan: BTreeSet<(String, String)> = BTreeSet::new();
    let mut merged = Merged::default();
    for j in journals {
        merged.torn += usize::from(j.torn_tail);
        for p in &j.plans {
            merged.datasets.insert(p.dataset.clone());
            for k in &p.tasks {
                let id = (p.dataset.clone(), k.clone());
                if seen_plan.insert(id.clone()) {
                    planned.push(id);
                }
            }
        }
        for t in &j.tasks {
            merged.datasets.insert(t.dataset.clone());
            let id = (t.dataset.clone(), t.key.clone());
            match best.get(&id) {
                Some(old) if !better(t, old) => {}
                _ => {
                    best.insert(id, t.clone());
                }
            }
        }
    }
    merged.missing = planned
        .into_iter()
        .filter(|id| best.get(id).is_none_or(|r| !r.status.is_final()))
        .map(|(_, k)| k)
        .collect();
    let mut records: Vec<TaskRecord> = best.into_values().collect();
    records.sort_by(|a, b| {
        a.index
            .cmp(&b.index)
            .then_with(|| a.dataset.cmp(&b.dataset))
    });
    merged.records = records;
    merged
}

fn better(new: &TaskRecord, old: &TaskRecord) -> bool {
    let grade = |r: &TaskRecord| match r.status {
        Status::Ok => 2,
        Status::Cancelled => 0,
        _ => 1,
    };
    (grade(new), new.finished_at) > (grade(old), old.finished_at)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::record::{sample, PlanRecord};

    fn plan(keys: &[&str]) -> PlanRecord {
        plan_of("d", keys)
    }

    fn plan_of(dataset: &str, keys: &[&str]) -> PlanRecord {
        PlanRecord {
            tasks: keys.iter().map(|k| k.to_string()).collect(),
            shard_tasks: vec![],
            shard: None,
            dataset: dataset.into(),
            started_at: 0.0,
        }
    }

    fn journal_of(dataset: &str, rmses: &[(&str, f64)]) -> JournalContents {
        let keys: Vec<&str> = rmses.iter().map(|(k, _)| *k).collect();
        JournalContents {
            plans: vec![plan_of(dataset, &keys)],
            tasks: rmses
                .iter()
                .enumerate()
                .map(|(i, (k, v))| {
                    let mut t = sample(i, k, Status::Ok, Some(*v));
                    t.dataset = dataset.into();
                    t
                })
                .collect(),
            parts: Vec::new(),
            torn_tail: false,
        }
    }

    #[test]
    fn results_of_different_datasets_do_not_replace_each_other() {
        let a = journal_of("aaaa", &[("Ridge()", 1.0), ("Lasso()", 2.0)]);
        let mut b = journal_of("bbbb", &[("Ridge()", 3.0)]);
        b.plans[0].tasks.push("Lasso()".into());
        let m = merge([&a, &b]);
        let got: Vec<(&str, &str)> = m
            .records
            .iter()
            .map(|r| (r.dataset.as_str(), r.key.as_str()))
            .collect();
        assert_eq!(
            got,
            [
                ("aaaa", "Ridge()"),
                ("bbbb", "Ridge()"),
                ("aaaa", "Lasso()")
            ]
        );
        // Lasso() ran on aaaa only: bbbb's plan still misses it
        assert_eq!(m.missing, ["Lasso()"]);
        assert_eq!(m.datasets.len(), 2);
    }

    #[test]
    fn journals_of_different_datasets_are_refused_naming_both() {
        let a = journal_of("aaaa", &[("Ridge()", 1.0)]);
        let a2 = journal_of("aaaa", &[("Lasso()", 1.0)]);
        let b = journal_of("bbbb", &[("Ridge()", 3.0)]);
        let (pa, pa2, pb) = (
            Path::new("a.jsonl"),
            Path::new("a2.jsonl"),
            Path::new("b.jsonl"),
        );
        assert!(check_one_dataset([(pa, &a), (pa2, &a2)]).is_ok());
        let err = check_one_dataset([(pa, &a), (pa2, &a2), (pb, &b)]).unwrap_err();
        assert!(matches!(
            &err,
            MergeError::MixedDatasets { first, first_dataset, other, other_dataset }
                if first == pa && first_dataset == "aaaa" && other == pb && other_dataset == "bbbb"
        ));
        let text = err.to_string();
        assert!(
            ["a.jsonl", "aaaa", "b.jsonl", "bbbb"]
                .iter()
                .all(|s| text.contains(s)),
            "{text}"
        );
    }

    #[test]
    fn keeps_the_best_record_and_lists_missing_and_cancelled_tasks() {
        let mut crashed = sample(0, "A", Status::Crashed, None);
        crashed.finished_at = 5.0;
        let a = JournalContents {
            plans: vec![plan(&["A", "B", "C", "D"])],
            tasks: vec![
                sample(0, "A", Status::Ok, Some(2.0)),
                sample(2, "C", Status::Cancelled, None),
            ],
            parts: Vec::new(),
            torn_tail: false,
        };
        let b = JournalContents {
            plans: vec![plan(&["A", "B", "C", "D"])],
            tasks: vec![crashed, sample(1, "B", Status::TimedOut, None)],
            parts: Vec::new(),
            torn_tail: true,
        };
        let m = merge([&a, &b]);
        let got: Vec<(&str, Status)> = m
            .records
            .iter()
            .map(|r| (r.key.as_str(), r.status))
            .collect();
        assert_eq!(
            got,
            [
                ("A", Status::Ok),
                ("B", Status::TimedOut),
                ("C", Status::Cancelled)
            ]
        );
        assert_eq!(m.missing, ["C", "D"]);
        assert_eq!(m.torn, 1);
    }
}
