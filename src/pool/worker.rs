//! The child side: right after `fork`, arm the parent-death signal and check the parent is
//! still there, reset signal dispositions, close inherited descriptors, apply the memory
//! limit; then loop: read a request, run the job under `catch_unwind`, measure wall time and
//! peak RSS, write the response. Leaves with `_exit`, never returning into caller code.

use std::cell::RefCell;
use std::fmt::Display;
use std::fs::File;
use std::io::Write;
use std::os::fd::{AsFd, OwnedFd, RawFd};
use std::panic::{self, AssertUnwindSafe};
use std::time::Instant;

use nix::errno::Errno;
use nix::fcntl::{fcntl, FcntlArg, OFlag};
use nix::poll::{PollFd, PollFlags};
use nix::sys::resource::{getrlimit, getrusage, setrlimit, Resource, UsageWho};
use nix::sys::signal::{sigprocmask, SigSet, SigmaskHow, Signal};
use nix::unistd::Pid;
use serde::de::DeserializeOwned;
use serde::Serialize;

use super::exit::{panic_message, EXIT_BAD_REQUEST, EXIT_PIPE_BROKEN, EXIT_WORKER_BUG};
use super::sys;
use super::wire::{self, Fill, FrameBuf, Reply, Request, Response};

/// What a worker needs to know besides its job and pipes.
pub(crate) struct WorkerSetup<'a> {
    pub parent: Pid,
    pub max_frame_bytes: u32,
    pub mem_limit: Option<u64>,
    /// Parent-side descriptors the child must close.
    pub close: &'a [RawFd],
}

thread_local! {
    static PANIC_LOCATION: RefCell<Option<String>> = const { RefCell::new(None) };
}

/// Runs the worker until its task pipe closes or it is told to retire; never returns.
pub(crate) fn serve<T, R, E, F>(
    job: &F,
    tasks: OwnedFd,
    results: OwnedFd,
    setup: &WorkerSetup<'_>,
) -> !
where
    T: DeserializeOwned,
    R: Serialize,
    E: Display,
    F: Fn(T) -> Result<R, E>,
{
    let code = match panic::catch_unwind(AssertUnwindSafe(|| run(job, tasks, results, setup))) {
        Ok(code) => code,
        Err(_) => EXIT_WORKER_BUG,
    };
    sys::exit_now(code)
}

fn run<T, R, E, F>(job: &F, tasks: OwnedFd, results: OwnedFd, setup: &WorkerSetup<'_>) -> i32
where
    T: DeserializeOwned,
    R: Serialize,
    E: Display,
    F: Fn(T) -> Result<R, E>,
{
    // Die with the parent; if it died before prctl took effect, nobody will send that
    // signal: leave now.
    if nix::sys::prctl::set_pdeathsig(Some(Signal::SIGKILL)).is_err()
        || nix::unistd::getppid() != setup.parent
    {
        return 0;
    }
    if sys::reset_worker_signals().is_err() {
        return EXIT_WORKER_BUG;
    }
    sys::close_inherited(setup.close);
    {
        use std::os::fd::AsRawFd;
        sys::close_all_except(&[tasks.as_raw_fd(), results.as_raw_fd()]);
    }
    // Out of memory is recognised by errno still being ENOMEM when the allocation failure
    // aborts; std's OOM message would print a backtrace first (clobbering errno) when
    // RUST_BACKTRACE is set. The worker is single-threaded, so changing its environment is
    // sound. (If the parent already printed a panic with the default hook, std has cached
    // the setting and this has no effect.)
    std::env::set_var("RUST_BACKTRACE", "0");
    let mut oom = Vec::new();
    if wire::encode_frame(&Response::<()>::OutOfMemory, &mut oom, u32::MAX).is_ok() {
        use std::os::fd::AsRawFd;
        sys::set_oom_frame(results.as_raw_fd(), &oom);
    }
    panic::set_hook(Box::new(|info| {
        let loc = info
            .location()
            .map(|l| format!("{}:{}:{}", l.file(), l.line(), l.column()));
        PANIC_LOCATION.with(|p| *p.borrow_mut() = loc);
    }));
    if fcntl(tasks.as_fd(), FcntlArg::F_SETFL(OFlag::O_NONBLOCK)).is_err() {
        return EXIT_WORKER_BUG;
    }
    let clear_refs = std::fs::OpenOptions::new()
        .write(true)
        .open("/proc/self/clear_refs")
        .ok();
    let mut inbuf = FrameBuf::new();
    let mut out: Vec<u8> = Vec::with_capacity(4096);
    if let Some(limit) = setup.mem_limit {
        // Lower the soft limit only: the hard one may be below `limit` already, and an
        // unprivileged process cannot raise it.
        let applied = getrlimit(Resource::RLIMIT_AS)
            .and_then(|(_, hard)| setrlimit(Resource::RLIMIT_AS, limit.min(hard), hard));
        if applied.is_err() {
            return EXIT_WORKER_BUG;
        }
        sys::set_mem_limit(limit);
    }
    let max = setup.max_frame_bytes;
    let mut results_file = File::from(results);

    loop {
        let payload = match inbuf.next_frame(max) {
            Ok(Some(p)) => p,
            Ok(None) => match wait_and_fill(&mut inbuf, &tasks) {
                Ok(true) => continue,
                // End of the task pipe (complete or torn) or SIGHUP while idle.
                Ok(false) => return say_bye(&mut results_file, max),
                Err(()) => return EXIT_PIPE_BROKEN,
            },
            Err(_) => return EXIT_BAD_REQUEST,
        };
        let Ok(Request::Task { index, item, .. }) =
            wire::decode_payload::<Request<T>>(payload, max)
        else {
            return EXIT_BAD_REQUEST;
        };
        // The peak is reset to the RSS of now: first give back what the previous task freed
        // but the allocator kept (tens of MiB after a k-NN), or it is counted again.
        sys::trim_heap();
        let reset_ok = clear_refs
            .as_ref()
            .is_some_and(|mut f| f.write_all(b"5").is_ok());
        Errno::clear();
        let started = Instant::now();
        let reply = match panic::catch_unwind(AssertUnwindSafe(|| job(item))) {
            Ok(Ok(r)) => Reply::Ok(r),
            // `{:#}`: the whole chain for error types that print one that way (anyhow).
            Ok(Err(e)) => Reply::Err(format!("{e:#}")),
            Err(payload) => {
                let msg = panic_message(&*payload);
                drop(payload);
                match PANIC_LOCATION.with(|p| p.borrow_mut().take()) {
                    Some(loc) => Reply::Panic(format!("panicked at {loc}: {msg}")),
                    None => Reply::Panic(format!("panicked: {msg}")),
                }
            }
        };
        let wall_ns = started.elapsed().as_nanos() as u64;
        let peak_rss_bytes = if reset_ok {
            getrusage(UsageWho::RUSAGE_THREAD)
                .ok()
                .map(|u| (u.max_rss().max(0) as u64) * 1024)
        } else {
            None
        };
        out.clear();
        let mut resp = Response::Done {
            index,
            reply,
            wall_ns,
            peak_rss_bytes,
        };
        if let Err(e) = wire::encode_frame(&resp, &mut out, max) {
            resp = Response::Done {
                index,
                reply: Reply::Err(format!("cannot send the result: {}", e.chain())),
                wall_ns,
                peak_rss_bytes,
            };
            if wire::encode_frame(&resp, &mut out, max).is_err() {
                return EXIT_WORKER_BUG;
            }
        }
        drop(resp);
        if results_file.write_all(&out).is_err() {
            return EXIT_PIPE_BROKEN;
        }
        if sys::retire_requested() {
            return say_bye(&mut results_file, max);
        }
    }
}

/// Reads more requests, blocking until some arrive. `Ok(false)`: the pipe ended or SIGHUP
/// asked to retire while idle.
fn wait_and_fill(inbuf: &mut FrameBuf, tasks: &OwnedFd) -> Result<bool, ()> {
    loop {
        match inbuf.fill_from(tasks) {
            Ok(Fill::Data(_)) => return Ok(true),
            Ok(Fill::Eof) => return Ok(false),
            Ok(Fill::WouldBlock) => {}
            Err(_) => return Err(()),
        }
        // Retiring and nothing was sent: leave. (A request already in the pipe when SIGHUP
        // came is the current task from the parent's view: it was read above and runs.)
        if sys::retire_requested() {
            return Ok(false);
        }
        // Block SIGHUP, check the flag, then wait with SIGHUP unblocked atomically: a SIGHUP
        // between the check and the wait interrupts the wait instead of being missed.
        let mut hup = SigSet::empty();
        hup.add(Signal::SIGHUP);
        let mut old = SigSet::empty();
        if sigprocmask(SigmaskHow::SIG_BLOCK, Some(&hup), Some(&mut old)).is_err() {
            return Err(());
        }
        let mut waiting_mask = old;
        waiting_mask.remove(Signal::SIGHUP);
        let r = if sys::retire_requested() {
            // Came just now: look at the pipe once more before leaving.
            Ok(0)
        } else {
            let mut fds = [PollFd::new(tasks.as_fd(), PollFlags::POLLIN)];
            nix::poll::ppoll(&mut fds, None, Some(waiting_mask))
        };
        let _ = sigprocmask(SigmaskHow::SIG_SETMASK, Some(&old), None);
        match r {
            Ok(_) | Err(Errno::EINTR) => {}
            Err(_) => return Err(()),
        }
    }
}

fn say_bye(results: &mut File, max: u32) -> i32 {
    let mut out = Vec::new();
    if wire::encode_frame(&Response::<()>::Bye, &mut out, max).is_ok()
        && results.write_all(&out).is_ok()
    {
        0
    } else {
        EXIT_PIPE_BROKEN
    }
}
