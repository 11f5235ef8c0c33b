//! What a run reports: each task's [`TaskResult`] and [`Outcome`], and the [`Event`]s the
//! supervisor hands to the caller's callback while it runs.

use std::fmt;
use std::time::Duration;

use nix::sys::signal::Signal;

use super::exit::WorkerExit;

/// Why a task was cancelled.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CancelReason {
    /// The parent received SIGINT or SIGTERM and shut the run down.
    Interrupted(Signal),
    /// An operator sent SIGTERM to the worker running it ("drop this task").
    Operator,
}

impl fmt::Display for CancelReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CancelReason::Interrupted(sig) => write!(f, "interrupted by {}", sig.as_str()),
            CancelReason::Operator => f.write_str("cancelled by operator (SIGTERM to its worker)"),
        }
    }
}

/// How one task ended. Exactly one per task.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome<R> {
    /// The job returned `Ok`.
    Ok(R),
    /// The job returned `Err` (its `Display` text) or panicked (`"panicked at FILE:LINE:COL: MSG"`).
    Failed(String),
    /// It ran past `task_timeout`; its worker was killed.
    TimedOut,
    /// Its worker died on every attempt; how the last one ended.
    Crashed(WorkerExit),
    /// An allocation failed in the worker (`mem_limit` reached, or the system refused memory).
    OutOfMemory,
    /// It was cancelled before it could finish.
    Cancelled(CancelReason),
}

impl<R> Outcome<R> {
    /// `true` for [`Outcome::Ok`].
    pub fn is_ok(&self) -> bool {
        matches!(self, Outcome::Ok(_))
    }

    /// The value of an [`Outcome::Ok`].
    pub fn ok(self) -> Option<R> {
        match self {
            Outcome::Ok(r) => Some(r),
            _ => None,
        }
    }

    /// A short lowercase label: `ok`, `failed`, `timed out`, `crashed`, `out of memory`,
    /// `cancelled`.
    pub fn label(&self) -> &'static str {
        match self {
            Outcome::Ok(_) => "ok",
            Outcome::Failed(_) => "failed",
            Outcome::TimedOut => "timed out",
            Outcome::Crashed(_) => "crashed",
            Outcome::OutOfMemory => "out of memory",
            Outcome::Cancelled(_) => "cancelled",
        }
    }

    /// What went wrong, in words (`None` for `Ok`).
    pub fn error_text(&self) -> Option<String> {
        match self {
            Outcome::Ok(_) => None,
            Outcome::Failed(msg) => Some(msg.clone()),
            Outcome::TimedOut => Some("timed out".to_owned()),
            Outcome::Crashed(exit) => Some(format!("worker {exit}")),
            Outcome::OutOfMemory => Some("out of memory".to_owned()),
            Outcome::Cancelled(reason) => Some(reason.to_string()),
        }
    }
}

/// One task's result.
#[derive(Debug, Clone, PartialEq)]
pub struct TaskResult<R> {
    /// Position of the task in the input.
    pub index: usize,
    /// How it ended.
    pub outcome: Outcome<R>,
    /// Pid of the worker that ran its last attempt; 0 if it never started.
    pub pid: i32,
    /// Which attempt this is, from 1; 0 if it never started.
    pub attempt: u32,
    /// Wall time of the last attempt (measured by the worker when it answered, else by the
    /// parent from dispatch to death).
    pub wall: Duration,
    /// Peak resident memory of the worker during the task (`None` when the worker died or the
    /// kernel does not let it reset its high-water mark).
    pub peak_rss_bytes: Option<u64>,
}

/// What the supervisor reports while a run goes on. The callback is called from the
/// supervisor's loop, before it takes its next dispatch decision.
#[derive(Debug)]
pub enum Event<'a, R> {
    /// A worker process was forked into `slot`.
    WorkerStarted { slot: usize, pid: i32 },
    /// A task began running (became the worker's current task).
    TaskStarted {
        index: usize,
        slot: usize,
        pid: i32,
        attempt: u32,
    },
    /// The worker running a task died; the task will run again as attempt `attempt + 1`.
    TaskRetry {
        index: usize,
        pid: i32,
        exit: WorkerExit,
        attempt: u32,
    },
    /// A task ended, whatever the way (also for tasks cancelled before they started).
    TaskFinished(&'a TaskResult<R>),
    /// A worker process ended and was reaped.
    WorkerExited {
        slot: usize,
        pid: i32,
        exit: WorkerExit,
    },
    /// A worker that nobody in the pool asked to leave (an operator's SIGHUP) said it retires
    /// after its current task; a fresh worker takes its place.
    WorkerRetiring { slot: usize, pid: i32 },
    /// `PoolConfig::tick` elapsed (redraw a progress view).
    Tick,
    /// The parent received SIGINT or SIGTERM: dispatch stopped, workers are told to stop.
    Interrupted(Signal),
    /// The parent received SIGUSR1.
    StatusRequested,
    /// The supervisor is about to wait for its workers: what was reported since the last
    /// `Waiting` came from one wake-up. A point to flush output gathered meanwhile (a
    /// journal, say) with one `fsync` instead of one per task.
    Waiting,
}

impl<R> Event<'_, R> {
    /// This event without its borrow, to keep past the callback; `None` for
    /// [`Event::TaskFinished`], the one variant that borrows.
    pub fn detach(&self) -> Option<Event<'static, R>> {
        Some(match *self {
            Event::WorkerStarted { slot, pid } => Event::WorkerStarted { slot, pid },
            Event::TaskStarted {
                index,
                slot,
                pid,
                attempt,
            } => Event::TaskStarted {
                index,
                slot,
                pid,
                attempt,
            },
            Event::TaskRetry {
                index,
                pid,
                exit,
                attempt,
            } => Event::TaskRetry {
                index,
                pid,
                exit,
                attempt,
            },
            Event::TaskFinished(_) => return None,
            Event::WorkerExited { slot, pid, exit } => Event::WorkerExited { slot, pid, exit },
            Event::WorkerRetiring { slot, pid } => Event::WorkerRetiring { slot, pid },
            Event::Tick => Event::Tick,
            Event::Interrupted(sig) => Event::Interrupted(sig),
            Event::StatusRequested => Event::StatusRequested,
            Event::Waiting => Event::Waiting,
        })
    }
}
