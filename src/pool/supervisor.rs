//! The parent's event loop for one run. One `poll` over every worker's pipes plus a signal self-pipe; every source (a
//! response frame, a pipe's end, a child's death, a signal, a deadline, a tick) is handled by
//! a small helper that may emit [`Event`]s; dispatch happens after the events of a wake-up
//! are all reported.

use std::collections::VecDeque;
use std::fmt::Display;
use std::marker::PhantomData;
use std::os::fd::{AsRawFd, RawFd};
use std::time::{Duration, Instant};

use nix::errno::Errno;
use nix::sys::signal::{kill, Signal};
use nix::sys::wait::{waitpid, WaitPidFlag};
use serde::de::DeserializeOwned;
use serde::Serialize;

use super::config::{PoolConfig, PoolError, RunSummary};
use super::cpus;
use super::event::{CancelReason, Event, Outcome, TaskResult};
use super::exit::{WorkerExit, EXIT_OUT_OF_MEMORY};
use super::signals::SignalGuard;
use super::slots::{flush_slot, InFlight, KillReason, Slot, Workers};
use super::sys;
use super::wire::{self, Fill, Reply, Request, Response};

/// Tasks shorter than this (moving average of the workers' wall times) are sent ahead, up
/// to `PoolConfig::prefetch` per worker; longer ones strictly one at a time.
const PREFETCH_BELOW_NS: f64 = 250_000.0;
/// How much work (estimated) a worker's pipeline holds while tasks are sent ahead: deep
/// enough that the parent, woken at most every quarter of it (poll's timer slack is 50 µs),
/// never lets a worker run dry; shallow enough that the work stranded in one worker's queue
/// when the others run out is a fraction of a millisecond.
const PIPELINE_NS: f64 = 500_000.0;
/// A task's cost to the pool besides its own wall time (framing, pipes, wake-ups), roughly.
const PER_TASK_OVERHEAD_NS: f64 = 2_000.0;
/// How often slots are checked with `waitpid` while one is expected to die.
const REAP_INTERVAL: Duration = Duration::from_millis(20);

#[derive(Debug, Clone, Copy)]
struct Pending {
    index: usize,
    attempt: u32,
}

/// Which pipe a `pollfd` entry watches.
#[derive(Debug, Clone, Copy)]
enum Watch {
    Signals,
    Read(usize),
    Write(usize),
}

/// The state of one run over a list of items.
pub(crate) struct Supervisor<'a, T, R, E, F> {
    workers: &'a mut Workers,
    job: &'a F,
    cfg: &'a PoolConfig,
    items: Vec<T>,
    pending: VecDeque<Pending>,
    results: Vec<Option<TaskResult<R>>>,
    remaining: usize,
    /// Indices finished and not yet taken (only kept for `imap_unordered`).
    pub(crate) finished: VecDeque<usize>,
    track_finished: bool,
    interrupted: Option<Signal>,
    kill_at: Option<Instant>,
    next_tick: Option<Instant>,
    next_sweep: Instant,
    ewma_ns: f64,
    samples: u64,
    target: usize,
    sigchld: bool,
    complete: bool,
    pollfds: Vec<libc::pollfd>,
    watches: Vec<Watch>,
    signal_buf: Vec<Signal>,
    signals: SignalGuard,
    /// Whether the first step has run (it looks at the signals before dispatching).
    started: bool,
    _job: PhantomData<fn() -> E>,
}

impl<'a, T, R, E, F> Supervisor<'a, T, R, E, F>
where
    T: Serialize + DeserializeOwned,
    R: Serialize + DeserializeOwned,
    E: Display,
    F: Fn(T) -> Result<R, E>,
{
    pub(crate) fn new(
        workers: &'a mut Workers,
        job: &'a F,
        cfg: &'a PoolConfig,
        items: Vec<T>,
        cost_hint: Option<&[f64]>,
        track_finished: bool,
    ) -> Result<Self, PoolError> {
        cfg.validate()?;
        let n = items.len();
        let mut order: Vec<usize> = (0..n).collect();
        if let Some(cost) = cost_hint {
            if cost.len() != n {
                return Err(PoolError::CostHintLength {
                    got: cost.len(),
                    expected: n,
                });
            }
            // Longest expected first; NaN last; ties keep input order (stable sort).
            order.sort_by(|&a, &b| {
                let (x, y) = (cost[a], cost[b]);
                match (x.is_nan(), y.is_nan()) {
                    (true, true) => std::cmp::Ordering::Equal,
                    (true, false) => std::cmp::Ordering::Greater,
                    (false, true) => std::cmp::Ordering::Less,
                    (false, false) => y.total_cmp(&x),
                }
            });
        }
        let signals = SignalGuard::install(cfg.handle_signals)?;
        let now = Instant::now();
        Ok(Supervisor {
            workers,
            job,
            cfg,
            items,
            pending: order
                .into_iter()
                .map(|index| Pending { index, attempt: 1 })
                .collect(),
            results: (0..n).map(|_| None).collect(),
            remaining: n,
            finished: VecDeque::new(),
            track_finished,
            interrupted: None,
            kill_at: None,
            next_tick: cfg.tick.map(|t| now + t),
            next_sweep: now + REAP_INTERVAL,
            ewma_ns: 0.0,
            samples: 0,
            target: cpus::workers_for(cfg.workers, cfg.cpu_cap, n),
            sigchld: true,
            complete: false,
            pollfds: Vec::new(),
            watches: Vec::new(),
            signal_buf: Vec::new(),
            signals,
            started: false,
            _job: PhantomData,
        })
    }

    /// The signal that interrupted this run, if any.
    pub(crate) fn interrupted(&self) -> Option<Signal> {
        self.interrupted
    }

    /// Forks idle workers until `n` are usable (for `Pool::start`).
    pub(crate) fn spawn_idle(mut self, n: usize) -> Result<(), PoolError> {
        self.complete = true;
        let usable = self
            .workers
            .slots
            .iter()
            .flatten()
            .filter(|s| s.usable())
            .count();
        for _ in usable..n {
            let extra = self.signals.raw_fds();
            self.workers
                .spawn::<T, R, E, F>(self.job, self.cfg, &extra)?;
        }
        Ok(())
    }

    /// Takes the result of a finished task out (for `imap_unordered`).
    pub(crate) fn take_result(&mut self, index: usize) -> Option<TaskResult<R>> {
        self.results[index].take()
    }

    /// The results, in input order; call once [`step`](Self::step) returned `true`.
    pub(crate) fn into_summary(mut self) -> RunSummary<R> {
        let results = std::mem::take(&mut self.results)
            .into_iter()
            .map(|r| r.expect("every task has an outcome when the run is complete"))
            .collect();
        RunSummary {
            results,
            interrupted: self.interrupted,
        }
    }

    /// Everything is done: every task has its outcome and no worker is on its way out.
    pub(crate) fn is_complete(&self) -> bool {
        self.complete
    }

    fn check_complete(&mut self) -> bool {
        if self.remaining == 0 {
            let settled = if self.interrupted.is_some() {
                self.workers.slots.iter().all(Option::is_none)
            } else {
                self.workers
                    .slots
                    .iter()
                    .flatten()
                    .all(|s| s.idle_and_alive() && s.out_pos == s.out.len())
            };
            self.complete = settled;
        }
        self.complete
    }

    /// One turn of the loop: dispatch, wait, handle what happened. `Ok(true)` when complete.
    pub(crate) fn step(&mut self, emit: &mut dyn FnMut(Event<'_, R>)) -> Result<bool, PoolError> {
        if self.complete {
            return Ok(true);
        }
        if !self.started {
            // a signal from before the run (see `TerminationHold`) stops it before any work
            // is handed out
            self.started = true;
            self.handle_signals(emit);
        }
        if self.sigchld {
            // A worker may have died since the last look (between runs, say): settle it
            // before handing out work.
            self.reap(emit);
        }
        self.dispatch(emit)?;
        if self.check_complete() {
            return Ok(true);
        }
        // Short tasks with deep queues everywhere: rather than waking for every response,
        // sleep a little and collect them in bulk (every response is still written as soon
        // as its task ends, so nothing is lost if a worker dies meanwhile).
        let batch = self.batch_wait();
        self.build_pollfds(batch.is_none());
        let mut timeout = self.poll_timeout();
        if let Some(b) = batch {
            timeout = Some(timeout.map_or(b, |t| t.min(b)));
        }
        emit(Event::Waiting);
        match sys::poll(&mut self.pollfds, timeout) {
            Ok(_) | Err(Errno::EINTR) => {}
            Err(e) => return Err(PoolError::Poll(e)),
        }
        self.handle_signals(emit);
        for i in 0..self.watches.len() {
            let revents = self.pollfds[i].revents;
            if revents == 0 {
                continue;
            }
            match self.watches[i] {
                Watch::Signals => {}
                Watch::Read(s) => self.read_slot(s, emit),
                Watch::Write(s) => self.flush(s),
            }
        }
        if batch.is_some() {
            for s in 0..self.workers.slots.len() {
                self.read_slot(s, emit);
            }
        }
        self.check_deadlines();
        self.reap(emit);
        self.tick(emit);
        Ok(self.check_complete())
    }

    // ---- waiting

    /// How long to sleep before collecting responses in bulk, when every busy worker still
    /// has at least half its pipeline queued (`None`: wake on each response).
    fn batch_wait(&self) -> Option<Duration> {
        let depth = self.depth();
        if depth <= 2 || self.interrupted.is_some() {
            return None;
        }
        let mut busy = 0;
        for slot in self.workers.slots.iter().flatten() {
            if slot.resp_rx.is_none() || slot.kill.is_some() {
                return None;
            }
            if !slot.in_flight.is_empty() {
                if slot.in_flight.len() < depth / 2 && !self.pending.is_empty() {
                    return None;
                }
                busy += 1;
            }
        }
        if busy == 0 {
            return None;
        }
        // Time for a worker to get through a quarter of its queue (plus per-task overhead).
        let per_task_ns = self.ewma_ns + PER_TASK_OVERHEAD_NS;
        let ns = (per_task_ns * (depth / 4) as f64).clamp(10_000.0, 1_000_000.0);
        Some(Duration::from_nanos(ns as u64))
    }

    fn build_pollfds(&mut self, watch_reads: bool) {
        self.pollfds.clear();
        self.watches.clear();
        let mut push = |fd: RawFd, events: libc::c_short, w: Watch, v: &mut Vec<libc::pollfd>| {
            v.push(libc::pollfd {
                fd,
                events,
                revents: 0,
            });
            self.watches.push(w);
        };
        push(
            self.signals.rx.as_raw_fd(),
            libc::POLLIN,
            Watch::Signals,
            &mut self.pollfds,
        );
        for (i, slot) in self.workers.slots.iter().enumerate() {
            let Some(slot) = slot else { continue };
            if let Some(rx) = slot.resp_rx.as_ref().filter(|_| watch_reads) {
                push(
                    rx.as_raw_fd(),
                    libc::POLLIN,
                    Watch::Read(i),
                    &mut self.pollfds,
                );
            }
            if let Some(tx) = &slot.task_tx {
                if slot.out_pos < slot.out.len() {
                    push(
                        tx.as_raw_fd(),
                        libc::POLLOUT,
                        Watch::Write(i),
                        &mut self.pollfds,
                    );
                }
            }
        }
    }

    fn poll_timeout(&self) -> Option<Duration> {
        let now = Instant::now();
        let mut next: Option<Instant> = self.kill_at;
        let mut consider = |t: Instant| next = Some(next.map_or(t, |n| n.min(t)));
        if let Some(t) = self.next_tick {
            consider(t);
        }
        for slot in self.workers.slots.iter().flatten() {
            if let (Some(limit), Some(_), None) =
                (self.cfg.task_timeout, slot.in_flight.front(), slot.kill)
            {
                consider(slot.head_since + limit);
            }
            // Expected to die soon: look with waitpid now and then, should SIGCHLD not come
            // (a handler not ours, a grandchild keeping the pipe open).
            if slot.eof
                || slot.kill.is_some()
                || (slot.task_tx.is_none() && slot.in_flight.is_empty())
            {
                consider(now + REAP_INTERVAL);
            }
        }
        next.map(|t| t.saturating_duration_since(now))
    }

    // ---- signals

    fn handle_signals(&mut self, emit: &mut dyn FnMut(Event<'_, R>)) {
        let mut sigs = std::mem::take(&mut self.signal_buf);
        sigs.clear();
        self.signals.drain(&mut sigs);
        for &sig in &sigs {
            match sig {
                Signal::SIGCHLD => self.sigchld = true,
                Signal::SIGUSR1 => emit(Event::StatusRequested),
                Signal::SIGINT | Signal::SIGTERM => {
                    if self.interrupted.is_none() {
                        self.begin_shutdown(sig, emit);
                    } else {
                        // Second signal: kill at once.
                        self.kill_at = Some(Instant::now());
                    }
                }
                _ => {}
            }
        }
        self.signal_buf = sigs;
    }

    fn begin_shutdown(&mut self, sig: Signal, emit: &mut dyn FnMut(Event<'_, R>)) {
        self.interrupted = Some(sig);
        emit(Event::Interrupted(sig));
        while let Some(p) = self.pending.pop_front() {
            self.finish(
                never_started(p, Outcome::Cancelled(CancelReason::Interrupted(sig))),
                emit,
            );
        }
        for slot in self.workers.slots.iter_mut().flatten() {
            if !slot.in_flight.is_empty() && slot.kill.is_none() {
                // Finish the current task, then leave.
                let _ = kill(slot.pid, Signal::SIGHUP);
            }
            slot.task_tx = None;
            slot.out.clear();
            slot.out_pos = 0;
        }
        self.kill_at = Some(Instant::now() + self.cfg.grace);
    }

    // ---- reading

    fn read_slot(&mut self, s: usize, emit: &mut dyn FnMut(Event<'_, R>)) {
        let max = self.cfg.max_frame_bytes;
        for _ in 0..16 {
            let Some(slot) = self.workers.slots[s].as_mut() else {
                return;
            };
            let Some(rx) = slot.resp_rx.as_ref() else {
                return;
            };
            let fill = slot.inbuf.fill_from(rx);
            let mut drained = false;
            match fill {
                // A read that did not fill the room it had emptied the pipe.
                Ok(Fill::Data(_)) => drained = slot.inbuf.room() > 0,
                Ok(Fill::WouldBlock) => return,
                Ok(Fill::Eof) | Err(_) => {
                    slot.resp_rx = None;
                    slot.eof = true;
                }
            }
            loop {
                let Some(slot) = self.workers.slots[s].as_mut() else {
                    return;
                };
                if slot.kill == Some(KillReason::Protocol) {
                    return;
                }
                let msg = match slot.inbuf.next_frame(max) {
                    Ok(None) => break,
                    Ok(Some(payload)) => wire::decode_payload::<Response<R>>(payload, max),
                    Err(e) => Err(e),
                };
                match msg {
                    Ok(resp) => self.on_response(s, resp, emit),
                    Err(e) => {
                        self.protocol_error(s, &e.chain(), emit);
                        return;
                    }
                }
            }
            if drained || self.workers.slots[s].as_ref().is_none_or(|slot| slot.eof) {
                return;
            }
        }
    }

    fn on_response(&mut self, s: usize, resp: Response<R>, emit: &mut dyn FnMut(Event<'_, R>)) {
        let Some(slot) = self.workers.slots[s].as_mut() else {
            return;
        };
        let pid = slot.pid.as_raw();
        match resp {
            Response::Done {
                index,
                reply,
                wall_ns,
                peak_rss_bytes,
            } => {
                let Some(head) = slot
                    .in_flight
                    .front()
                    .copied()
                    .filter(|h| h.index as u64 == index)
                else {
                    self.protocol_error(
                        s,
                        &format!("answer for task {index}, which it was not running"),
                        emit,
                    );
                    return;
                };
                slot.in_flight.pop_front();
                let next = slot.in_flight.front().copied();
                if next.is_some() {
                    slot.head_since = Instant::now();
                }
                let outcome = match reply {
                    Reply::Ok(r) => Outcome::Ok(r),
                    Reply::Err(m) | Reply::Panic(m) => Outcome::Failed(m),
                };
                self.samples += 1;
                self.ewma_ns = if self.samples == 1 {
                    wall_ns as f64
                } else {
                    0.8 * self.ewma_ns + 0.2 * wall_ns as f64
                };
                self.finish(
                    TaskResult {
                        index: head.index,
                        outcome,
                        pid,
                        attempt: head.attempt,
                        wall: Duration::from_nanos(wall_ns),
                        peak_rss_bytes,
                    },
                    emit,
                );
                if let Some(n) = next {
                    emit(Event::TaskStarted {
                        index: n.index,
                        slot: s,
                        pid,
                        attempt: n.attempt,
                    });
                }
            }
            Response::OutOfMemory => {
                slot.rest_unstarted = true;
                if let Some(head) = slot.in_flight.pop_front() {
                    let wall = slot.head_since.elapsed();
                    self.finish(
                        TaskResult {
                            index: head.index,
                            outcome: Outcome::OutOfMemory,
                            pid,
                            attempt: head.attempt,
                            wall,
                            peak_rss_bytes: None,
                        },
                        emit,
                    );
                }
            }
            Response::Bye => {
                // The pool retires a worker by closing its task pipe (or on an interrupt);
                // a Bye with the pipe still open is an operator's SIGHUP.
                let operator = self.interrupted.is_none()
                    && slot.task_tx.is_some()
                    && !slot.close_after_flush
                    && slot.kill.is_none();
                slot.rest_unstarted = true;
                if operator {
                    emit(Event::WorkerRetiring { slot: s, pid });
                }
            }
        }
    }

    /// A worker sent something that is not a valid frame: it is killed, its current task
    /// fails with the reason, its other requests go back to the queue.
    fn protocol_error(&mut self, s: usize, what: &str, emit: &mut dyn FnMut(Event<'_, R>)) {
        let Some(slot) = self.workers.slots[s].as_mut() else {
            return;
        };
        let _ = kill(slot.pid, Signal::SIGKILL);
        slot.kill = Some(KillReason::Protocol);
        slot.resp_rx = None;
        slot.eof = true;
        slot.rest_unstarted = true;
        let pid = slot.pid.as_raw();
        if let Some(head) = slot.in_flight.pop_front() {
            let wall = slot.head_since.elapsed();
            self.finish(
                TaskResult {
                    index: head.index,
                    outcome: Outcome::Failed(format!("worker {pid} sent a bad frame: {what}")),
                    pid,
                    attempt: head.attempt,
                    wall,
                    peak_rss_bytes: None,
                },
                emit,
            );
        }
    }

    fn finish(&mut self, result: TaskResult<R>, emit: &mut dyn FnMut(Event<'_, R>)) {
        let i = result.index;
        debug_assert!(self.results[i].is_none(), "task {i} finished twice");
        self.results[i] = Some(result);
        self.remaining -= 1;
        if self.track_finished {
            self.finished.push_back(i);
        }
        if let Some(r) = self.results[i].as_ref() {
            emit(Event::TaskFinished(r));
        }
    }

    // ---- writing

    fn flush(&mut self, s: usize) {
        let Some(slot) = self.workers.slots[s].as_mut() else {
            return;
        };
        flush_slot(slot);
    }

    // ---- deadlines, deaths, ticks

    fn check_deadlines(&mut self) {
        let now = Instant::now();
        let kill_all = self.kill_at.is_some_and(|t| now >= t);
        for slot in self.workers.slots.iter_mut().flatten() {
            if slot.kill.is_some() {
                continue;
            }
            if kill_all {
                let _ = kill(slot.pid, Signal::SIGKILL);
                slot.kill = Some(KillReason::Interrupted);
            } else if let (Some(limit), Some(_)) = (self.cfg.task_timeout, slot.in_flight.front()) {
                if now >= slot.head_since + limit {
                    let _ = kill(slot.pid, Signal::SIGKILL);
                    slot.kill = Some(KillReason::Timeout);
                }
            }
        }
    }

    fn reap(&mut self, emit: &mut dyn FnMut(Event<'_, R>)) {
        let now = Instant::now();
        let sweep = std::mem::take(&mut self.sigchld) || now >= self.next_sweep;
        if sweep {
            self.next_sweep = now + REAP_INTERVAL;
        }
        for s in 0..self.workers.slots.len() {
            let Some(slot) = self.workers.slots[s].as_ref() else {
                continue;
            };
            if !(sweep || slot.eof || slot.kill.is_some()) {
                continue;
            }
            let exit = loop {
                match waitpid(slot.pid, Some(WaitPidFlag::WNOHANG)) {
                    Ok(status) => break WorkerExit::from_wait_status(status),
                    Err(Errno::EINTR) => {}
                    Err(_) => break Some(WorkerExit::Lost),
                }
            };
            if let Some(exit) = exit {
                // Whatever it wrote before dying still counts.
                self.read_slot(s, emit);
                self.finalize(s, exit, emit);
            }
        }
    }

    /// A reaped worker: report it, settle its unanswered tasks.
    fn finalize(&mut self, s: usize, exit: WorkerExit, emit: &mut dyn FnMut(Event<'_, R>)) {
        let Some(mut slot) = self.workers.slots[s].take() else {
            return;
        };
        let pid = slot.pid.as_raw();
        emit(Event::WorkerExited { slot: s, pid, exit });
        let mut unanswered = std::mem::take(&mut slot.in_flight);
        let head = if slot.rest_unstarted {
            None
        } else {
            unanswered.pop_front()
        };
        // Requests that never started go back to the front of the queue, in order.
        for f in unanswered.into_iter().rev() {
            let p = Pending {
                index: f.index,
                attempt: f.attempt,
            };
            match self.interrupted {
                Some(sig) => self.finish(
                    never_started(p, Outcome::Cancelled(CancelReason::Interrupted(sig))),
                    emit,
                ),
                None => self.pending.push_front(p),
            }
        }
        let Some(head) = head else { return };
        let interrupted = self
            .interrupted
            .map(|sig| Outcome::Cancelled(CancelReason::Interrupted(sig)));
        let outcome = match (slot.kill, exit) {
            (Some(KillReason::Timeout), _) => Some(Outcome::TimedOut),
            (Some(KillReason::Interrupted), _) => interrupted,
            (_, WorkerExit::Code(EXIT_OUT_OF_MEMORY)) => Some(Outcome::OutOfMemory),
            (_, WorkerExit::Signal(Signal::SIGTERM)) => {
                interrupted.or(Some(Outcome::Cancelled(CancelReason::Operator)))
            }
            _ if interrupted.is_some() => interrupted,
            _ if head.attempt <= self.cfg.retries => {
                emit(Event::TaskRetry {
                    index: head.index,
                    pid,
                    exit,
                    attempt: head.attempt,
                });
                self.pending.push_front(Pending {
                    index: head.index,
                    attempt: head.attempt + 1,
                });
                None
            }
            _ => Some(Outcome::Crashed(exit)),
        };
        if let Some(outcome) = outcome {
            self.finish(
                TaskResult {
                    index: head.index,
                    outcome,
                    pid,
                    attempt: head.attempt,
                    wall: slot.head_since.elapsed(),
                    peak_rss_bytes: None,
                },
                emit,
            );
        }
    }

    fn tick(&mut self, emit: &mut dyn FnMut(Event<'_, R>)) {
        if let (Some(at), Some(every)) = (self.next_tick, self.cfg.tick) {
            let now = Instant::now();
            if now >= at {
                emit(Event::Tick);
                self.next_tick = Some(now + every);
            }
        }
    }

    // ---- dispatch

    fn depth(&self) -> usize {
        pipeline_depth(self.samples, self.ewma_ns, self.cfg.prefetch)
    }

    fn can_take(&self, slot: &Slot, depth: usize) -> bool {
        slot.usable()
            && !slot.rest_unstarted
            && slot.in_flight.len() < depth
            && self.cfg.max_tasks_per_worker.is_none_or(|m| slot.sent < m)
    }

    fn dispatch(&mut self, emit: &mut dyn FnMut(Event<'_, R>)) -> Result<(), PoolError> {
        if self.interrupted.is_some() || self.pending.is_empty() {
            return Ok(());
        }
        self.top_up_workers(emit)?;
        let depth = self.depth();
        // First one task to each idle worker, then fill the pipelines (those at most half
        // full, so refills come in batches).
        for pass_depth in [1, depth] {
            for s in 0..self.workers.slots.len() {
                if pass_depth > 1
                    && self.workers.slots[s]
                        .as_ref()
                        .is_some_and(|slot| slot.in_flight.len() > pass_depth / 2)
                {
                    continue;
                }
                loop {
                    if self.pending.is_empty() {
                        break;
                    }
                    let Some(slot) = self.workers.slots[s].as_ref() else {
                        break;
                    };
                    if !self.can_take(slot, pass_depth) {
                        break;
                    }
                    let p = self.pending.pop_front().expect("not empty");
                    self.send(s, p, emit);
                }
                if let Some(slot) = self.workers.slots[s].as_mut() {
                    flush_slot(slot);
                }
            }
        }
        Ok(())
    }

    fn top_up_workers(&mut self, emit: &mut dyn FnMut(Event<'_, R>)) -> Result<(), PoolError> {
        let usable = self
            .workers
            .slots
            .iter()
            .flatten()
            .filter(|s| s.usable() && !s.rest_unstarted)
            .count();
        let wanted = self.target.min(usable + self.pending.len());
        for _ in usable..wanted {
            let extra = self.signals.raw_fds();
            match self.workers.spawn::<T, R, E, F>(self.job, self.cfg, &extra) {
                Ok((slot, pid)) => emit(Event::WorkerStarted {
                    slot,
                    pid: pid.as_raw(),
                }),
                Err(e @ PoolError::Threaded { .. }) => return Err(e),
                Err(e) => {
                    if self.workers.slots.iter().all(Option::is_none) {
                        return Err(e);
                    }
                    break;
                }
            }
        }
        Ok(())
    }

    fn send(&mut self, s: usize, p: Pending, emit: &mut dyn FnMut(Event<'_, R>)) {
        let max = self.cfg.max_frame_bytes;
        let max_tasks = self.cfg.max_tasks_per_worker;
        let Some(slot) = self.workers.slots[s].as_mut() else {
            return;
        };
        let req = Request::Task {
            index: p.index as u64,
            attempt: p.attempt,
            item: &self.items[p.index],
        };
        if let Err(e) = wire::encode_frame(&req, &mut slot.out, max) {
            self.finish(
                never_started(
                    p,
                    Outcome::Failed(format!("cannot send the task: {}", e.chain())),
                ),
                emit,
            );
            return;
        }
        slot.in_flight.push_back(InFlight {
            index: p.index,
            attempt: p.attempt,
        });
        slot.sent += 1;
        if max_tasks.is_some_and(|m| slot.sent >= m) {
            slot.close_after_flush = true;
        }
        if slot.in_flight.len() == 1 {
            slot.head_since = Instant::now();
            let pid = slot.pid.as_raw();
            emit(Event::TaskStarted {
                index: p.index,
                slot: s,
                pid,
                attempt: p.attempt,
            });
        }
    }
}

impl<T, R, E, F> Drop for Supervisor<'_, T, R, E, F> {
    fn drop(&mut self) {
        if !self.complete {
            // An error or an abandoned iterator: leave no worker half-way through a task.
            self.workers.terminate();
        }
    }
}

/// How many tasks a worker may hold (the running one included), given how many tasks have
/// finished so far and the moving average of their wall times.
fn pipeline_depth(samples: u64, ewma_ns: f64, prefetch: usize) -> usize {
    if samples >= 4 && ewma_ns < PREFETCH_BELOW_NS {
        let ahead = (PIPELINE_NS / (ewma_ns + PER_TASK_OVERHEAD_NS)).ceil() as usize;
        1 + ahead.min(prefetch)
    } else {
        1
    }
}

fn never_started<R>(p: Pending, outcome: Outcome<R>) -> TaskResult<R> {
    TaskResult {
        index: p.index,
        outcome,
        pid: 0,
        attempt: p.attempt - 1,
        wall: Duration::ZERO,
        peak_rss_bytes: None,
    }
}

#[cfg(test)]
mod tests {
    use super::pipeline_depth;

    #[test]
    fn pipeline_holds_about_half_a_millisecond_of_short_tasks() {
        // Trivial tasks: as deep as allowed.
        assert_eq!(pipeline_depth(100, 100.0, 256), 1 + 239);
        assert_eq!(pipeline_depth(100, 100.0, 32), 33);
        // 100 µs tasks: a handful, not the cap.
        assert_eq!(pipeline_depth(100, 100_000.0, 256), 1 + 5);
        // Long tasks, too few samples, or no prefetch: one at a time.
        assert_eq!(pipeline_depth(100, 250_000.0, 256), 1);
        assert_eq!(pipeline_depth(3, 100.0, 256), 1);
        assert_eq!(pipeline_depth(100, 100.0, 0), 1);
    }
}
