//! Merging journals: one record per task (shards, reruns and `--resume` runs together), and
//! the tasks of the plan that no journal finished.

use super::journal::JournalContents;
use super::record::{Status, TaskRecord};
use std::collections::{BTreeSet, HashMap};

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

/// Merges journal contents.
pub fn merge<'a>(journals: impl IntoIterator<Item = &'a JournalContents>) -> Merged {
    let mut best: HashMap<String, TaskRecord> = HashMap::new();
    let mut planned: Vec<String> = Vec::new();
    let mut seen_plan: BTreeSet<String> = BTreeSet::new();
    let mut merged = Merged::default();
    for j in journals {
        merged.torn += usize::from(j.torn_tail);
        for p in &j.plans {
            merged.datasets.insert(p.dataset.clone());
            for k in &p.tasks {
                if seen_plan.insert(k.clone()) {
                    planned.push(k.clone());
                }
            }
        }
        for t in &j.tasks {
            merged.datasets.insert(t.dataset.clone());
            match best.get(&t.key) {
                Some(old) if !better(t, old) => {}
                _ => {
                    best.insert(t.key.clone(), t.clone());
                }
            }
        }
    }
    merged.missing = planned
        .into_iter()
        .filter(|k| best.get(k).is_none_or(|r| !r.status.is_final()))
        .collect();
    let mut records: Vec<TaskRecord> = best.into_values().collect();
    records.sort_by_key(|r| r.index);
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
        PlanRecord {
            tasks: keys.iter().map(|k| k.to_string()).collect(),
            shard_tasks: vec![],
            shard: None,
            dataset: "d".into(),
            started_at: 0.0,
        }
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
            torn_tail: false,
        };
        let b = JournalContents {
            plans: vec![plan(&["A", "B", "C", "D"])],
            tasks: vec![crashed, sample(1, "B", Status::TimedOut, None)],
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
