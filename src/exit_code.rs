//! The exit codes of the `fitpool` command, in one place (the README lists them), and how a
//! run's results or an error map to one.

use nix::sys::signal::Signal;

use crate::model_file::ModelFileError;
use crate::pool::PoolError;
use crate::report::{JournalError, Status, TaskRecord};
use crate::run::RunError;

/// Every task ok.
pub const OK: u8 = 0;
/// Some task failed, crashed, timed out, ran out of memory or was cancelled, or has no result
/// (all others are reported).
pub const TASK_FAILED: u8 = 1;
/// A usage or input error: fix the command or the data.
pub const USAGE: u8 = 2;
/// A system failure (a journal that cannot be opened or written, a fork or pipe refused):
/// the input is fine, trying again may work.
pub const SYSTEM: u8 = 3;
pub const SIGINT: u8 = 130;
pub const SIGTERM: u8 = 143;

/// The code for a set of results: the interruption if any, else 1 when some task is not ok or
/// missing, else 0.
pub fn of_results(records: &[TaskRecord], missing: usize, interrupted: Option<Signal>) -> u8 {
    match interrupted {
        Some(Signal::SIGINT) => SIGINT,
        Some(_) => SIGTERM,
        None if missing > 0 || records.iter().any(|r| r.status != Status::Ok) => TASK_FAILED,
        None => OK,
    }
}

/// The code for an error that stopped the command: [`SYSTEM`] when its cause is the machine
/// (I/O on the journal, the pool's system calls), [`USAGE`] otherwise.
pub fn of_error<'e>(chain: impl IntoIterator<Item = &'e (dyn std::error::Error + 'static)>) -> u8 {
    for e in chain {
        if let Some(j) = e.downcast_ref::<JournalError>() {
            return journal_code(j);
        }
        if let Some(p) = e.downcast_ref::<PoolError>() {
            return pool_code(p);
        }
        if let Some(m) = e.downcast_ref::<ModelFileError>() {
            // a model file that cannot be written is the machine's; one that cannot be read
            // or used (foreign, truncated, corrupted, newer, missing columns) is the input's
            return match m {
                ModelFileError::Write { .. } => SYSTEM,
                _ => USAGE,
            };
        }
        if let Some(r) = e.downcast_ref::<RunError>() {
            match r {
                RunError::Journal(j) => return journal_code(j),
                RunError::Pool(p) => return pool_code(p),
                RunError::OtherData { .. } => return USAGE,
            }
        }
    }
    USAGE
}

/// A system failure, or a journal that is not one (an input error).
pub fn journal_code(e: &JournalError) -> u8 {
    match e {
        JournalError::Parse { .. } | JournalError::Locked { .. } => USAGE,
        _ => SYSTEM,
    }
}

fn pool_code(e: &PoolError) -> u8 {
    match e {
        PoolError::Config(_) | PoolError::CostHintLength { .. } => USAGE,
        _ => SYSTEM,
    }
}

/// An error and its causes as one line, each cause said once: a cause whose text its parent
/// already includes (`cannot open x: no such file`, caused by `No such file`, whatever the
/// case) is not repeated.
pub fn error_line<'e>(
    chain: impl IntoIterator<Item = &'e (dyn std::error::Error + 'static)>,
) -> String {
    let mut line = String::new();
    for e in chain {
        let text = e.to_string();
        if text.is_empty() || line.to_lowercase().contains(&text.to_lowercase()) {
            continue;
        }
        if !line.is_empty() {
            line.push_str(": ");
        }
        line.push_str(&text);
    }
    line
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::sample_record;

    #[test]
    fn interrupts_win_then_failures_then_ok() {
        let ok = [sample_record(0, "Ridge()", Status::Ok, Some(1.0))];
        let bad = [
            sample_record(0, "Ridge()", Status::Ok, Some(1.0)),
            sample_record(1, "NuSVR()", Status::Cancelled, None),
        ];
        assert_eq!(of_results(&ok, 0, None), OK);
        assert_eq!(of_results(&ok, 1, None), TASK_FAILED);
        assert_eq!(of_results(&bad, 0, None), TASK_FAILED);
        assert_eq!(of_results(&bad, 0, Some(Signal::SIGINT)), SIGINT);
        assert_eq!(of_results(&ok, 0, Some(Signal::SIGTERM)), SIGTERM);
    }

    #[derive(Debug, thiserror::Error)]
    #[error("cannot read x.csv: {0}")]
    struct Outer(#[source] std::io::Error);

    #[test]
    fn each_cause_is_said_once() {
        let io = std::io::Error::new(std::io::ErrorKind::NotFound, "no such file");
        let e = anyhow::Error::new(Outer(io)).context("loading the data");
        assert_eq!(
            error_line(e.chain()),
            "loading the data: cannot read x.csv: no such file"
        );
        let io = std::io::Error::new(std::io::ErrorKind::NotFound, "No such file");
        let e = anyhow::Error::new(Outer(io));
        assert_eq!(error_line(e.chain()), "cannot read x.csv: No such file");
    }

    #[test]
    fn journal_io_is_a_system_failure_and_a_bad_line_an_input_error() {
        let io = JournalError::Write {
            path: "j".into(),
            source: std::io::Error::other("disk full"),
        };
        let e = anyhow::Error::new(RunError::Journal(io));
        assert_eq!(of_error(e.chain()), SYSTEM);
        let parse = JournalError::Parse {
            path: "j".into(),
            line: 3,
            source: serde_json::from_str::<u8>("x").unwrap_err(),
        };
        assert_eq!(of_error(anyhow::Error::new(parse).chain()), USAGE);
        let fork = anyhow::Error::new(PoolError::Fork(nix::Error::EAGAIN));
        assert_eq!(of_error(fork.chain()), SYSTEM);
        let cfg = anyhow::Error::new(PoolError::Config("workers must be at least 1"));
        assert_eq!(of_error(cfg.chain()), USAGE);
    }
}
