//! What a run tells the outside while it goes on: [`RunEvent`]s, in task ids rather than pool
//! positions, and the [`RunObserver`] trait through which progress displays (and, later,
//! reports) receive them. The runner never prints; observers do, as nextest's reporter is fed
//! by its runner.

use nix::sys::signal::Signal;

use crate::plan::TaskId;
use crate::pool::WorkerExit;
use crate::report::TaskRecord;

/// One thing that happened during a run. Borrowed data lives as long as the call.
#[derive(Debug)]
pub enum RunEvent<'a> {
    /// The run begins: `tasks` tasks in this shard, `resumed` of them already in the journal;
    /// `folds` cross-validation folds per model (0 without cross-validation).
    Started {
        tasks: usize,
        resumed: usize,
        folds: usize,
    },
    /// A worker process is up. `worker` numbers the worker's place in the pool (a replaced
    /// worker takes the number of the one it replaces).
    WorkerStarted { worker: usize, pid: i32 },
    /// A task (or, `part`, one part of a task run in parts: e.g. "part 2/4, trees 25-49")
    /// went to a worker (`attempt` counts from 1).
    TaskStarted {
        task: &'a TaskId,
        part: Option<&'a str>,
        worker: usize,
        pid: i32,
        attempt: u32,
    },
    /// A task's worker died and the task will run again.
    TaskRetry {
        task: &'a TaskId,
        pid: i32,
        exit: WorkerExit,
        attempt: u32,
    },
    /// A task ended with its final outcome, already journaled (durably) when there is a
    /// journal.
    TaskFinished(&'a TaskRecord),
    /// A worker process ended.
    WorkerExited { worker: usize, pid: i32 },
    /// A worker leaves after its current task because an operator sent it SIGHUP.
    WorkerRetiring { worker: usize, pid: i32 },
    /// Time passed (for redrawing elapsed times).
    Tick,
    /// SIGINT or SIGTERM: the run stops dispatching and winds down.
    Interrupted(Signal),
    /// SIGUSR1: show every worker's state.
    StatusRequested,
    /// The run is over.
    Finished,
}

/// Receives a run's events, in order, on the run's (single) thread.
pub trait RunObserver {
    fn on_event(&mut self, event: &RunEvent<'_>);
}

/// An observer that ignores everything (a library caller that wants only the outcome).
pub struct Silent;

impl RunObserver for Silent {
    fn on_event(&mut self, _event: &RunEvent<'_>) {}
}

/// Every event, in order, as text: a test double (as watchexec's tests record calls).
#[derive(Default, Debug)]
pub struct Recorder {
    pub seen: Vec<String>,
}

impl RunObserver for Recorder {
    fn on_event(&mut self, event: &RunEvent<'_>) {
        let line = match event {
            RunEvent::Started { tasks, resumed, .. } => {
                format!("started {tasks} resumed {resumed}")
            }
            RunEvent::TaskStarted { task, attempt, .. } => format!("task {task} {attempt}"),
            RunEvent::TaskRetry { task, .. } => format!("retry {task}"),
            RunEvent::TaskFinished(r) => format!("finished {} {}", r.key, r.status.as_str()),
            RunEvent::Finished => "done".to_string(),
            // worker churn and ticks vary from run to run
            _ => return,
        };
        self.seen.push(line);
    }
}
