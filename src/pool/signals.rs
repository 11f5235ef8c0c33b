//! The parent's signal handling for the duration of one run: a non-blocking self-pipe that
//! the handlers write signal numbers into (so `poll` wakes and no SIGCHLD is lost), the
//! handlers installed, and the previous dispositions put back when the run ends; and the
//! [`TerminationHold`] that keeps a SIGINT/SIGTERM from killing the process just before and
//! after a run.

use std::os::fd::{AsFd, AsRawFd, OwnedFd, RawFd};
use std::sync::atomic::{AtomicBool, Ordering};

use nix::errno::Errno;
use nix::fcntl::OFlag;
use nix::sys::signal::{SigAction, Signal};

use super::config::PoolError;
use super::sys;

static RUN_ACTIVE: AtomicBool = AtomicBool::new(false);

/// The self-pipe and the handlers installed for one run; puts the previous ones back on drop.
pub(crate) struct SignalGuard {
    pub(crate) rx: OwnedFd,
    _wr: OwnedFd,
    saved: Vec<(Signal, SigAction)>,
}

impl SignalGuard {
    pub(crate) fn install(handle_signals: bool) -> Result<Self, PoolError> {
        if RUN_ACTIVE.swap(true, Ordering::SeqCst) {
            return Err(PoolError::Busy);
        }
        let (rx, wr) = match nix::unistd::pipe2(OFlag::O_CLOEXEC | OFlag::O_NONBLOCK) {
            Ok(p) => p,
            Err(e) => {
                RUN_ACTIVE.store(false, Ordering::SeqCst);
                return Err(PoolError::Pipe(e));
            }
        };
        sys::set_signal_pipe(wr.as_raw_fd());
        let mut guard = SignalGuard {
            rx,
            _wr: wr,
            saved: Vec::new(),
        };
        let old = sys::ignore_signal(Signal::SIGPIPE).map_err(PoolError::Signal)?;
        guard.saved.push((Signal::SIGPIPE, old));
        let mut sigs = vec![Signal::SIGCHLD];
        if handle_signals {
            sigs.extend([Signal::SIGINT, Signal::SIGTERM, Signal::SIGUSR1]);
        }
        for sig in sigs {
            let old = sys::install_parent_handler(sig).map_err(PoolError::Signal)?;
            guard.saved.push((sig, old));
        }
        if handle_signals {
            // a SIGINT/SIGTERM that a `TerminationHold` kept since just before this run: the
            // run starts as if it came now (stops before it dispatches anything)
            let held = sys::take_held_signal();
            if let Ok(byte) = u8::try_from(held) {
                if byte != 0 {
                    let _ = nix::unistd::write(&guard._wr, &[byte]);
                }
            }
        }
        Ok(guard)
    }

    pub(crate) fn raw_fds(&self) -> [RawFd; 2] {
        [self.rx.as_raw_fd(), self._wr.as_raw_fd()]
    }

    /// Signal numbers received since the last call.
    pub(crate) fn drain(&self, into: &mut Vec<Signal>) {
        let mut buf = [0u8; 64];
        loop {
            match nix::unistd::read(self.rx.as_fd(), &mut buf) {
                Ok(0) => break,
                Ok(n) => into.extend(
                    buf[..n]
                        .iter()
                        .filter_map(|&b| Signal::try_from(i32::from(b)).ok()),
                ),
                Err(Errno::EINTR) => {}
                Err(_) => break,
            }
        }
    }
}

impl Drop for SignalGuard {
    fn drop(&mut self) {
        for (sig, old) in self.saved.iter().rev() {
            sys::restore_action(*sig, old);
        }
        sys::set_signal_pipe(-1);
        RUN_ACTIVE.store(false, Ordering::SeqCst);
    }
}

/// SIGINT and SIGTERM recorded instead of killing the process, from its creation to its drop,
/// except while a run handles them itself (the run's handlers replace these and put them back
/// when it ends).
///
/// Without it a signal that comes just after a run has ended kills the process with the
/// results in hand: under SLURM, `scancel` sends SIGTERM to every process of the job, and when
/// the workers' deaths end the run before the parent's own SIGTERM arrives, the parent died of
/// it instead of writing its results and exiting 143. A signal recorded before a run starts
/// is handed to that run, which then stops before it dispatches anything.
pub struct TerminationHold {
    saved: Vec<(Signal, SigAction)>,
}

impl TerminationHold {
    pub fn new() -> Result<Self, PoolError> {
        sys::take_held_signal();
        let mut hold = TerminationHold { saved: Vec::new() };
        for sig in [Signal::SIGINT, Signal::SIGTERM] {
            let old = sys::install_hold_handler(sig).map_err(PoolError::Signal)?;
            hold.saved.push((sig, old));
        }
        Ok(hold)
    }

    /// The first SIGINT or SIGTERM recorded outside a run (one handed to a run is that run's
    /// [`crate::pool::RunSummary::interrupted`]).
    pub fn received(&self) -> Option<Signal> {
        Signal::try_from(sys::held_signal()).ok()
    }
}

impl Drop for TerminationHold {
    fn drop(&mut self) {
        for (sig, old) in self.saved.iter().rev() {
            sys::restore_action(*sig, old);
        }
    }
}
