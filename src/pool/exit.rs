//! How a worker ended, as a value (built from `waitpid`'s `WaitStatus`), the exit codes a
//! worker uses on purpose, and the text of panic payloads.

use std::any::Any;
use std::fmt;

use nix::sys::signal::Signal;
use nix::sys::wait::WaitStatus;

/// Exit code of a worker whose allocation failed (errno `ENOMEM` when it aborted).
pub const EXIT_OUT_OF_MEMORY: i32 = 251;
/// Exit code of a worker that received a request it could not decode.
pub const EXIT_BAD_REQUEST: i32 = 250;
/// Exit code of a worker whose own loop (not the job) panicked.
pub const EXIT_WORKER_BUG: i32 = 249;
/// Exit code of a worker that could not write its response (parent gone or pipe broken).
pub const EXIT_PIPE_BROKEN: i32 = 248;

/// How a worker process ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum WorkerExit {
    /// It called `exit` with this code.
    Code(i32),
    /// It was killed by this signal.
    Signal(Signal),
    /// Its status was collected by someone else (`waitpid` said `ECHILD`).
    Lost,
}

impl WorkerExit {
    /// The terminal states of `waitpid`; `None` for stops, continues and "still alive".
    pub fn from_wait_status(status: WaitStatus) -> Option<Self> {
        match status {
            WaitStatus::Exited(_, code) => Some(WorkerExit::Code(code)),
            WaitStatus::Signaled(_, sig, _) => Some(WorkerExit::Signal(sig)),
            _ => None,
        }
    }

    /// The signal that killed it, if any.
    pub fn signal(&self) -> Option<Signal> {
        match self {
            WorkerExit::Signal(s) => Some(*s),
            WorkerExit::Code(_) | WorkerExit::Lost => None,
        }
    }

    /// `true` for `exit(0)`.
    pub fn is_success(&self) -> bool {
        *self == WorkerExit::Code(0)
    }
}

impl fmt::Display for WorkerExit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            WorkerExit::Code(code) => write!(f, "exited with code {code}"),
            WorkerExit::Signal(sig) => write!(f, "killed by {}", sig.as_str()),
            WorkerExit::Lost => f.write_str("was reaped by someone else"),
        }
    }
}

/// The message of a panic payload (`&str` or `String`; anything else gets a placeholder).
pub fn panic_message(payload: &(dyn Any + Send)) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        (*s).to_owned()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "non-string panic payload".to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use nix::unistd::Pid;

    #[test]
    fn display_matches_the_documented_wording() {
        assert_eq!(WorkerExit::Code(3).to_string(), "exited with code 3");
        assert_eq!(
            WorkerExit::Signal(Signal::SIGKILL).to_string(),
            "killed by SIGKILL"
        );
    }

    #[test]
    fn only_terminal_wait_statuses_convert() {
        let pid = Pid::from_raw(42);
        assert_eq!(
            WorkerExit::from_wait_status(WaitStatus::Exited(pid, 7)),
            Some(WorkerExit::Code(7))
        );
        assert_eq!(
            WorkerExit::from_wait_status(WaitStatus::Signaled(pid, Signal::SIGSEGV, true)),
            Some(WorkerExit::Signal(Signal::SIGSEGV))
        );
        assert_eq!(WorkerExit::from_wait_status(WaitStatus::StillAlive), None);
    }

    #[test]
    fn panic_payloads_become_text() {
        let p = std::panic::catch_unwind(|| panic!("boom {}", 7)).unwrap_err();
        assert_eq!(panic_message(&*p), "boom 7");
        let p = std::panic::catch_unwind(|| panic!("static")).unwrap_err();
        assert_eq!(panic_message(&*p), "static");
        let p = std::panic::catch_unwind(|| std::panic::panic_any(5u8)).unwrap_err();
        assert_eq!(panic_message(&*p), "non-string panic payload");
    }
}
