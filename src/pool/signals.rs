//! The parent's signal handling for the duration of one run: a non-blocking self-pipe that
//! the handlers write signal numbers into (so `poll` wakes and no SIGCHLD is lost), the
//! handlers installed, and the previous dispositions put back when the run ends.

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
