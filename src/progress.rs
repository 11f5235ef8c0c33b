//! Progress on stderr: on a terminal, a live view of each worker (pid, model, elapsed time)
//! redrawn from the run's events (no thread); otherwise plain lines, one per event, as a
//! batch job's log wants them. A [`RunObserver`].

use crate::events::{RunEvent, RunObserver};
use crate::report::{Status, TaskRecord};
use std::collections::BTreeMap;
use std::io::{IsTerminal, Write};
use std::time::Instant;

/// How progress is shown, as a user chooses it (`--progress`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum ProgressChoice {
    /// Live on a terminal, plain lines otherwise.
    Auto,
    Live,
    Plain,
    None,
}

impl ProgressChoice {
    pub fn mode(self) -> ProgressMode {
        match self {
            ProgressChoice::Auto => ProgressMode::auto(),
            ProgressChoice::Live => ProgressMode::Live,
            ProgressChoice::Plain => ProgressMode::Plain,
            ProgressChoice::None => ProgressMode::Quiet,
        }
    }
}

/// How progress is shown.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ProgressMode {
    /// A live view, redrawn in place (a terminal).
    Live,
    /// One line per event (a log file, a batch job).
    Plain,
    /// Nothing.
    Quiet,
}

impl ProgressMode {
    /// Live on a terminal, plain lines otherwise.
    pub fn auto() -> ProgressMode {
        if std::io::stderr().is_terminal() && std::env::var_os("TERM").is_some_and(|t| t != "dumb")
        {
            ProgressMode::Live
        } else {
            ProgressMode::Plain
        }
    }
}

struct Busy {
    pid: i32,
    key: String,
    attempt: u32,
    since: Instant,
}

/// The progress display's state.
pub struct Progress {
    mode: ProgressMode,
    total: usize,
    finished: usize,
    failed: usize,
    /// Tasks an interrupt cancelled before they started: one count, said at the end.
    not_started: usize,
    started: Instant,
    /// Worker slot -> (pid, current task).
    workers: BTreeMap<usize, (i32, Option<Busy>)>,
    drawn: usize,
    /// Cross-validation folds per model, and each model's fold RMSEs shown so far.
    folds: usize,
    fold_rmse: std::collections::HashMap<String, Vec<Option<f64>>>,
}

/// The model column of the live view and the status at most; narrower on a narrow terminal.
const MODEL_WIDTH: usize = 56;

/// The model column's width for a terminal of `columns`: the rest of a status line takes
/// about 60 columns.
fn model_width() -> usize {
    crate::pool::terminal_width(2)
        .map_or(MODEL_WIDTH, |c| c.saturating_sub(62).clamp(16, MODEL_WIDTH))
}

impl RunObserver for Progress {
    fn on_event(&mut self, event: &RunEvent<'_>) {
        match event {
            RunEvent::Started {
                tasks,
                resumed,
                folds,
            } => {
                self.folds = *folds;
                return self.start(*tasks, *resumed);
            }
            RunEvent::TaskFinished(r) => return self.finished(r),
            RunEvent::Finished => return self.done(),
            RunEvent::WorkerStarted { worker, pid } => {
                self.workers.insert(*worker, (*pid, None));
            }
            RunEvent::TaskStarted {
                task,
                part,
                worker,
                pid,
                attempt,
            } => {
                let key = match part {
                    Some(p) => format!("{task} [{p}]"),
                    None => task.to_string(),
                };
                self.task_started(key, *worker, *pid, *attempt)
            }
            RunEvent::TaskRetry {
                task, pid, exit, ..
            } => self.line(&format!("{task} on pid {pid}: {exit}; retrying")),
            RunEvent::WorkerExited { worker, pid } => {
                if self.workers.get(worker).is_some_and(|(p, _)| p == pid) {
                    self.workers.remove(worker);
                }
            }
            RunEvent::Interrupted(sig) => self.line(&format!(
                "{sig} received: stopping; finished results are kept (again to kill at once)"
            )),
            RunEvent::WorkerRetiring { pid, .. } => {
                self.line(&format!("worker {pid} retiring after its task (SIGHUP)"))
            }
            RunEvent::StatusRequested => self.print_status(),
            RunEvent::Tick => {}
        }
        if self.mode == ProgressMode::Live {
            self.redraw();
        }
    }
}

impl Progress {
    pub fn new(mode: ProgressMode) -> Progress {
        Progress {
            mode,
            total: 0,
            finished: 0,
            failed: 0,
            not_started: 0,
            started: Instant::now(),
            workers: BTreeMap::new(),
            drawn: 0,
            folds: 0,
            fold_rmse: std::collections::HashMap::new(),
        }
    }

    /// A run of `total` tasks begins, `resumed` of them already done.
    fn start(&mut self, total: usize, resumed: usize) {
        self.total = total;
        self.finished = resumed;
        self.started = Instant::now();
        if self.mode != ProgressMode::Quiet && resumed > 0 {
            self.line(&format!(
                "resuming: {resumed} of {total} tasks already in the journal"
            ));
        }
    }

    fn task_started(&mut self, key: String, worker: usize, pid: i32, attempt: u32) {
        if self.mode == ProgressMode::Plain {
            let again = if attempt > 1 {
                format!(", attempt {attempt}")
            } else {
                String::new()
            };
            self.line(&format!("started {key} (pid {pid}{again})"));
        }
        let busy = Busy {
            pid,
            key,
            attempt,
            since: Instant::now(),
        };
        self.workers.insert(worker, (pid, Some(busy)));
    }

    /// Under cross-validation, one line per model when its last fold ends.
    fn model_done(&mut self, r: &TaskRecord) {
        if r.fold.is_none() || self.folds == 0 {
            return;
        }
        let seen = self.fold_rmse.entry(r.model.clone()).or_default();
        seen.push(r.rmse.filter(|_| r.status == Status::Ok));
        if seen.len() != self.folds {
            return;
        }
        let ok: Vec<f64> = seen.iter().flatten().copied().collect();
        let text = if ok.len() == self.folds {
            let mean = ok.iter().sum::<f64>() / ok.len() as f64;
            format!(
                "{}: {}/{} folds, mean RMSE {}",
                r.model,
                ok.len(),
                self.folds,
                crate::report::format_sig(mean)
            )
        } else {
            format!("{}: {}/{} folds ok", r.model, ok.len(), self.folds)
        };
        self.line(&text);
    }

    /// A task finished (already journaled).
    fn finished(&mut self, r: &TaskRecord) {
        if crate::report::never_started(r) {
            self.not_started += 1;
            return;
        }
        self.finished += 1;
        if r.status != Status::Ok {
            self.failed += 1;
        }
        for (_, busy) in self.workers.values_mut() {
            if busy.as_ref().is_some_and(|b| b.key == r.key) {
                *busy = None;
            }
        }
        if self.mode == ProgressMode::Quiet {
            return;
        }
        let what = match (r.status, r.rmse) {
            (Status::Ok, Some(rmse)) => format!(
                "RMSE {} (fit {:.2}s)",
                crate::report::format_sig(rmse),
                r.fit_seconds.unwrap_or(0.0)
            ),
            _ => format!(
                "{}{}",
                r.status.as_str(),
                r.message
                    .as_deref()
                    .map(|m| format!(": {m}"))
                    .unwrap_or_default()
            ),
        };
        self.line(&format!(
            "[{}/{}] {} {what} (pid {}, {:.1}s)",
            self.finished, self.total, r.key, r.pid, r.wall_seconds
        ));
        self.model_done(r);
    }

    /// The run is over: clear the live view.
    fn done(&mut self) {
        if self.mode == ProgressMode::Live {
            self.clear();
        }
        if self.not_started > 0 {
            self.line(&format!(
                "{} not started: rerun with --resume",
                crate::report::format_count(self.not_started)
            ));
        }
    }

    fn print_status(&mut self) {
        let mut text = format!(
            "status: {}/{} tasks finished ({} not ok), {:.1}s elapsed\n",
            self.finished,
            self.total,
            self.failed,
            self.started.elapsed().as_secs_f64()
        );
        let w = model_width();
        let mut stopped = Vec::new();
        for (slot, (pid, busy)) in &self.workers {
            let state = if is_stopped(*pid) {
                stopped.push(*pid);
                "  stopped (SIGSTOP)"
            } else {
                ""
            };
            match busy {
                Some(b) => text.push_str(&format!(
                    "  worker {slot}  pid {:>7}  {:<w$}  {:>7.1}s  attempt {}{state}\n",
                    b.pid,
                    clip(&b.key, w),
                    b.since.elapsed().as_secs_f64(),
                    b.attempt
                )),
                None if state.is_empty() => {
                    text.push_str(&format!("  worker {slot}  pid {pid:>7}  idle\n"))
                }
                None => text.push_str(&format!("  worker {slot}  pid {pid:>7}  idle,{state}\n")),
            }
        }
        for pid in stopped {
            text.push_str(&format!(
                "  worker {pid} is stopped: without --timeout the run waits for it \
                 (kill -CONT {pid} resumes it)\n"
            ));
        }
        self.clear();
        eprint!("{text}");
    }

    /// A permanent line (above the live view, if any).
    fn line(&mut self, text: &str) {
        if self.mode == ProgressMode::Quiet {
            return;
        }
        self.clear();
        eprintln!("fitpool: {text}");
    }

    fn clear(&mut self) {
        if self.drawn > 0 {
            eprint!("\x1b[{}A\x1b[J", self.drawn);
            self.drawn = 0;
        }
    }

    fn redraw(&mut self) {
        self.clear();
        let mut text = format!(
            "  {}/{} done, {} not ok, {:.0}s\n",
            self.finished,
            self.total,
            self.failed,
            self.started.elapsed().as_secs_f64()
        );
        let mut lines = 1;
        let w = model_width();
        for (pid, busy) in self.workers.values() {
            match busy {
                Some(b) => text.push_str(&format!(
                    "  pid {:>7}  {:<w$} {:>7.1}s{}\n",
                    b.pid,
                    clip(&b.key, w),
                    b.since.elapsed().as_secs_f64(),
                    if is_stopped(b.pid) { "  stopped" } else { "" }
                )),
                None => text.push_str(&format!(
                    "  pid {pid:>7}  {}\n",
                    if is_stopped(*pid) {
                        "idle, stopped"
                    } else {
                        "idle"
                    }
                )),
            }
            lines += 1;
        }
        let mut err = std::io::stderr().lock();
        let _ = err.write_all(text.as_bytes());
        let _ = err.flush();
        self.drawn = lines;
    }
}

/// Whether a process is stopped (SIGSTOP, SIGTSTP: state `T` in `/proc/PID/stat`; `t` when
/// a tracer stopped it).
fn is_stopped(pid: i32) -> bool {
    std::fs::read_to_string(format!("/proc/{pid}/stat"))
        .ok()
        .as_deref()
        .and_then(proc_state)
        .is_some_and(|c| c == 'T' || c == 't')
}

/// The state letter of a `/proc/PID/stat` line (after the command name, which may hold
/// spaces and parentheses).
fn proc_state(stat: &str) -> Option<char> {
    stat.rsplit_once(") ")
        .and_then(|(_, rest)| rest.chars().next())
}

fn clip(s: &str, w: usize) -> String {
    if s.chars().count() <= w {
        s.to_string()
    } else {
        let mut t: String = s.chars().take(w.saturating_sub(1)).collect();
        t.push('…');
        t
    }
}
