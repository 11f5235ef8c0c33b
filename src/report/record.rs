//! The record of one finished task, as it goes into the journal and the report.

use serde::{Deserialize, Serialize};
use std::cmp::Ordering;

/// How a task ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Ok,
    /// The model returned an error or panicked.
    Failed,
    TimedOut,
    /// The worker died (signal or exit code) and retries were exhausted.
    Crashed,
    /// The worker ran out of its memory limit.
    OutOfMemory,
    /// Stopped by an interrupt or an operator; `--resume` runs it again.
    Cancelled,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Ok => "ok",
            Status::Failed => "failed",
            Status::TimedOut => "timed out",
            Status::Crashed => "crashed",
            Status::OutOfMemory => "out of memory",
            Status::Cancelled => "cancelled",
        }
    }

    /// Whether `--resume` counts the task as done (everything but a cancellation).
    pub fn is_final(self) -> bool {
        self != Status::Cancelled
    }
}

/// One finished task: a line of the journal, a row of the report.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TaskRecord {
    /// Stable identity of the task within its lineup (the model's repr, `#n` for repeats).
    pub key: String,
    /// Position in the expanded lineup (all shards).
    pub index: usize,
    /// The model as scikit-learn would print it.
    pub model: String,
    /// The fold scored (0-based); absent for the train/test split (journals before folds
    /// have none).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fold: Option<u32>,
    pub status: Status,
    /// Why it did not succeed (error, panic message, signal).
    #[serde(default)]
    pub message: Option<String>,
    #[serde(default)]
    pub rmse: Option<f64>,
    #[serde(default)]
    pub mae: Option<f64>,
    #[serde(default)]
    pub r2: Option<f64>,
    #[serde(default)]
    pub fit_seconds: Option<f64>,
    #[serde(default)]
    pub predict_seconds: Option<f64>,
    /// Peak resident memory of the worker during the task.
    #[serde(default)]
    pub peak_rss_bytes: Option<u64>,
    pub wall_seconds: f64,
    pub pid: i32,
    pub attempt: u32,
    /// Fingerprint of the data the task ran on.
    pub dataset: String,
    #[serde(default)]
    pub shard: Option<String>,
    #[serde(default)]
    pub host: Option<String>,
    /// Seconds since the Unix epoch when the task finished.
    pub finished_at: f64,
    /// The parts the model was fitted in, each in its own worker (absent: one piece). Its
    /// times, attempts and memory are then the parts' (times summed: the work done).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parts: Option<u32>,
}

/// A finished part of a task whose model is fitted in parts: the sums of its blocks'
/// predictions on the scored rows, so that `--resume` runs only the parts that are missing.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PartRecord {
    /// The task's key (see [`TaskRecord::key`]).
    pub key: String,
    pub model: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fold: Option<u32>,
    /// The blocks of the model the part fitted: `[first, end)`.
    pub blocks: [usize; 2],
    /// Each block's predictions summed over its units, in scored-row order, as the bits of
    /// each `f64` in hexadecimal (exact, and NaN survives).
    pub sums: Vec<String>,
    pub fit_seconds: f64,
    pub predict_seconds: f64,
    pub wall_seconds: f64,
    #[serde(default)]
    pub peak_rss_bytes: Option<u64>,
    pub pid: i32,
    pub attempt: u32,
    pub dataset: String,
    pub finished_at: f64,
}

/// A vector as the hexadecimal bits of its values (see [`PartRecord::sums`]).
pub fn hex_floats(values: &[f64]) -> String {
    use std::fmt::Write;
    let mut s = String::with_capacity(values.len() * 16);
    for v in values {
        let _ = write!(s, "{:016x}", v.to_bits());
    }
    s
}

/// The vector [`hex_floats`] wrote; `None` for text it cannot have written.
pub fn parse_hex_floats(text: &str) -> Option<Vec<f64>> {
    if text.len() % 16 != 0 || !text.is_ascii() {
        return None;
    }
    (0..text.len() / 16)
        .map(|i| {
            u64::from_str_radix(&text[16 * i..16 * i + 16], 16)
                .ok()
                .map(f64::from_bits)
        })
        .collect()
}

/// The first line a run writes to its journal: the whole task list, so that `merge` can tell
/// which tasks are missing.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PlanRecord {
    /// Keys of every task of the lineup, all shards, in lineup order.
    pub tasks: Vec<String>,
    /// Keys this process runs (its shard).
    pub shard_tasks: Vec<String>,
    #[serde(default)]
    pub shard: Option<String>,
    pub dataset: String,
    pub started_at: f64,
}

/// A line of the journal.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Line {
    Plan(PlanRecord),
    Task(TaskRecord),
    Part(PartRecord),
}

/// Ranks records: successes by RMSE (lowest first, ties by lineup order), then the rest by
/// lineup order.
pub fn rank(records: &[TaskRecord]) -> Vec<&TaskRecord> {
    let mut out: Vec<&TaskRecord> = records.iter().collect();
    out.sort_by(|a, b| compare(a, b));
    out
}

fn compare(a: &TaskRecord, b: &TaskRecord) -> Ordering {
    let key = |r: &TaskRecord| match (r.status, r.rmse) {
        (Status::Ok, Some(v)) if v.is_finite() => (0u8, v),
        (Status::Ok, _) => (1, 0.0),
        _ => (2, 0.0),
    };
    let (ga, va) = key(a);
    let (gb, vb) = key(b);
    ga.cmp(&gb)
        .then(va.total_cmp(&vb))
        .then(a.index.cmp(&b.index))
}

#[cfg(test)]
pub(crate) fn sample(index: usize, model: &str, status: Status, rmse: Option<f64>) -> TaskRecord {
    TaskRecord {
        key: model.to_string(),
        index,
        model: model.to_string(),
        fold: None,
        status,
        message: (status != Status::Ok).then(|| "killed by SIGKILL".to_string()),
        rmse,
        mae: rmse.map(|v| v * 0.8),
        r2: rmse.map(|_| 0.5),
        fit_seconds: Some(1.25),
        predict_seconds: Some(0.01),
        peak_rss_bytes: Some(50 << 20),
        wall_seconds: 1.3,
        pid: 1234,
        attempt: 1,
        dataset: "d".into(),
        shard: None,
        host: None,
        finished_at: 0.0,
        parts: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranks_successes_by_rmse_then_failures_in_lineup_order() {
        let recs = vec![
            sample(0, "A", Status::Crashed, None),
            sample(1, "B", Status::Ok, Some(3.0)),
            sample(2, "C", Status::Ok, Some(1.0)),
            sample(3, "D", Status::TimedOut, None),
            sample(4, "E", Status::Ok, Some(2.0)),
        ];
        let order: Vec<&str> = rank(&recs).iter().map(|r| r.model.as_str()).collect();
        assert_eq!(order, ["C", "E", "B", "A", "D"]);
    }

    #[test]
    fn hex_floats_round_trip_exactly() {
        let v = [0.1, -0.0, f64::NAN, f64::INFINITY, 1e-310, 12345.678];
        let back = parse_hex_floats(&hex_floats(&v)).unwrap();
        assert_eq!(back.len(), v.len());
        assert!(v.iter().zip(&back).all(|(a, b)| a.to_bits() == b.to_bits()));
        assert_eq!(parse_hex_floats("12"), None);
        assert_eq!(parse_hex_floats("zzzzzzzzzzzzzzzz"), None);
    }

    #[test]
    fn journal_lines_round_trip_as_json() {
        let line = Line::Task(sample(7, "Ridge()", Status::Ok, Some(53.5)));
        let text = serde_json::to_string(&line).unwrap();
        assert!(text.starts_with(r#"{"type":"task""#), "{text}");
        assert_eq!(serde_json::from_str::<Line>(&text).unwrap(), line);
    }
}
