//! The pool's worker processes as the parent sees them: one [`Slot`] per live worker (its
//! pid, the parent's ends of its pipes, the requests it has not answered), forking a worker
//! into a slot, writing requests, and ending workers (close, join, terminate).

use std::collections::VecDeque;
use std::fmt::Display;
use std::os::fd::{AsFd, AsRawFd, OwnedFd, RawFd};
use std::time::Instant;

use nix::errno::Errno;
use nix::fcntl::{fcntl, FcntlArg, OFlag};
use nix::sys::signal::{kill, sigprocmask, SigSet, SigmaskHow, Signal};
use nix::sys::wait::waitpid;
use nix::unistd::{ForkResult, Pid};
use serde::de::DeserializeOwned;
use serde::Serialize;

use super::config::{PoolConfig, PoolError};
use super::exit::WorkerExit;
use super::sys;
use super::wire::FrameBuf;
use super::worker::{self, WorkerSetup};

/// Why the parent killed a worker.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum KillReason {
    Timeout,
    Interrupted,
    Protocol,
}

#[derive(Debug, Clone, Copy)]
pub(crate) struct InFlight {
    pub index: usize,
    pub attempt: u32,
}

/// One live worker process and the parent's ends of its pipes.
#[derive(Debug)]
pub(crate) struct Slot {
    pub(crate) pid: Pid,
    pub(crate) task_tx: Option<OwnedFd>,
    pub(crate) resp_rx: Option<OwnedFd>,
    pub(crate) inbuf: FrameBuf,
    pub(crate) out: Vec<u8>,
    pub(crate) out_pos: usize,
    /// Requests sent and not answered; the front one is running.
    pub(crate) in_flight: VecDeque<InFlight>,
    pub(crate) head_since: Instant,
    pub(crate) sent: u64,
    pub(crate) close_after_flush: bool,
    /// The worker said it leaves between tasks (Bye, out-of-memory report, protocol error):
    /// unanswered requests never started.
    pub(crate) rest_unstarted: bool,
    pub(crate) kill: Option<KillReason>,
    pub(crate) eof: bool,
}

impl Slot {
    pub(crate) fn usable(&self) -> bool {
        self.task_tx.is_some() && !self.close_after_flush && self.kill.is_none() && !self.eof
    }

    pub(crate) fn idle_and_alive(&self) -> bool {
        self.usable() && self.in_flight.is_empty() && !self.rest_unstarted
    }
}

/// The pool's worker processes, kept between runs.
#[derive(Debug, Default)]
pub(crate) struct Workers {
    pub(crate) slots: Vec<Option<Slot>>,
}

impl Workers {
    /// Pids of the live workers, by slot.
    pub(crate) fn pids(&self) -> Vec<i32> {
        self.slots
            .iter()
            .flatten()
            .map(|s| s.pid.as_raw())
            .collect()
    }

    /// Forks one worker into a free slot.
    pub(crate) fn spawn<T, R, E, F>(
        &mut self,
        job: &F,
        cfg: &PoolConfig,
        extra_close: &[RawFd],
    ) -> Result<(usize, Pid), PoolError>
    where
        T: DeserializeOwned,
        R: Serialize,
        E: Display,
        F: Fn(T) -> Result<R, E>,
    {
        if !cfg.allow_threads {
            if let Some(threads) = sys::thread_count().filter(|&n| n > 1) {
                return Err(PoolError::Threaded { threads });
            }
        }
        let (task_rx, task_tx) = nix::unistd::pipe2(OFlag::O_CLOEXEC).map_err(PoolError::Pipe)?;
        let (resp_rx, resp_tx) = nix::unistd::pipe2(OFlag::O_CLOEXEC).map_err(PoolError::Pipe)?;
        // The parent's ends are non-blocking (set before the fork, so nothing can fail after
        // it); the child closes them, its own ends stay blocking.
        for fd in [&task_tx, &resp_rx] {
            fcntl(fd.as_fd(), FcntlArg::F_SETFL(OFlag::O_NONBLOCK)).map_err(PoolError::Pipe)?;
        }
        let mut close: Vec<RawFd> = extra_close.to_vec();
        for s in self.slots.iter().flatten() {
            close.extend(s.task_tx.as_ref().map(|f| f.as_raw_fd()));
            close.extend(s.resp_rx.as_ref().map(|f| f.as_raw_fd()));
        }
        close.push(task_tx.as_raw_fd());
        close.push(resp_rx.as_raw_fd());
        let parent = nix::unistd::getpid();
        // Whatever the caller left in stdout's buffer must not be printed twice by a worker.
        let _ = std::io::Write::flush(&mut std::io::stdout());
        // Signals stay blocked across the fork: the child must not run the parent's handlers
        // (they write to the parent's signal pipe) before it has reset them; what arrives
        // meanwhile is delivered once its own dispositions are in place.
        let mut old_mask = SigSet::empty();
        sigprocmask(
            SigmaskHow::SIG_SETMASK,
            Some(&SigSet::all()),
            Some(&mut old_mask),
        )
        .map_err(PoolError::Signal)?;
        let forked = sys::fork();
        if !matches!(forked, Ok(ForkResult::Child)) {
            let _ = sigprocmask(SigmaskHow::SIG_SETMASK, Some(&old_mask), None);
        }
        match forked {
            Ok(ForkResult::Child) => {
                let setup = WorkerSetup {
                    parent,
                    max_frame_bytes: cfg.max_frame_bytes,
                    mem_limit: cfg.mem_limit,
                    close: &close,
                };
                worker::serve::<T, R, E, F>(job, task_rx, resp_tx, &setup)
            }
            Ok(ForkResult::Parent { child }) => {
                drop(task_rx);
                drop(resp_tx);
                let slot = Slot {
                    pid: child,
                    task_tx: Some(task_tx),
                    resp_rx: Some(resp_rx),
                    inbuf: FrameBuf::new(),
                    out: Vec::new(),
                    out_pos: 0,
                    in_flight: VecDeque::new(),
                    head_since: Instant::now(),
                    sent: 0,
                    close_after_flush: false,
                    rest_unstarted: false,
                    kill: None,
                    eof: false,
                };
                let idx = match self.slots.iter().position(Option::is_none) {
                    Some(i) => {
                        self.slots[i] = Some(slot);
                        i
                    }
                    None => {
                        self.slots.push(Some(slot));
                        self.slots.len() - 1
                    }
                };
                Ok((idx, child))
            }
            Err(e) => Err(PoolError::Fork(e)),
        }
    }

    /// Closes every task pipe: idle workers see the end and exit cleanly.
    pub(crate) fn close(&mut self) {
        for s in self.slots.iter_mut().flatten() {
            s.task_tx = None;
            s.out.clear();
            s.out_pos = 0;
        }
    }

    /// Closes the task pipes and waits for every worker to exit.
    pub(crate) fn join(&mut self) -> Vec<WorkerExit> {
        self.close();
        let mut exits = Vec::new();
        for s in self.slots.drain(..).flatten() {
            exits.push(wait_blocking(s.pid));
        }
        exits
    }

    /// Kills every worker with SIGKILL and reaps it.
    pub(crate) fn terminate(&mut self) {
        for s in self.slots.iter().flatten() {
            let _ = kill(s.pid, Signal::SIGKILL);
        }
        for s in self.slots.drain(..).flatten() {
            wait_blocking(s.pid);
        }
    }
}

impl Drop for Workers {
    fn drop(&mut self) {
        self.terminate();
    }
}

fn wait_blocking(pid: Pid) -> WorkerExit {
    loop {
        match waitpid(pid, None) {
            Ok(status) => {
                if let Some(exit) = WorkerExit::from_wait_status(status) {
                    return exit;
                }
            }
            Err(Errno::EINTR) => {}
            Err(_) => return WorkerExit::Lost,
        }
    }
}

/// Writes as much of the slot's outgoing bytes as the pipe takes.
pub(crate) fn flush_slot(slot: &mut Slot) {
    if let Some(tx) = slot.task_tx.as_ref() {
        while slot.out_pos < slot.out.len() {
            match nix::unistd::write(tx, &slot.out[slot.out_pos..]) {
                Ok(n) => slot.out_pos += n,
                Err(Errno::EINTR) => {}
                Err(Errno::EAGAIN) => return,
                Err(_) => {
                    // The worker is gone; its death is handled when it is reaped.
                    slot.task_tx = None;
                    break;
                }
            }
        }
    }
    slot.out.clear();
    slot.out_pos = 0;
    if slot.close_after_flush {
        slot.task_tx = None;
    }
}
