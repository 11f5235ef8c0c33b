//! The pool's only unsafe code: `fork`, `_exit`, raw signal handlers (the parent's self-pipe
//! writer, the worker's SIGHUP flag and SIGABRT out-of-memory reporter), `poll` over a raw
//! descriptor array, closing inherited descriptors in the child and trimming the worker's
//! heap between tasks, and the global allocator that reports a worker's failed allocation as out
//! of memory. Each block says why it is sound.

use std::ffi::c_void;
use std::os::fd::RawFd;
use std::sync::atomic::{AtomicBool, AtomicI32, AtomicU64, AtomicUsize, Ordering};

use nix::errno::Errno;
use nix::sys::signal::{self, SaFlags, SigAction, SigHandler, SigSet, Signal};
use nix::unistd::ForkResult;

use super::exit::EXIT_OUT_OF_MEMORY;

/// Forks the calling process.
///
/// The caller checks first that the process is single-threaded (see [`thread_count`]); the
/// child then only runs the worker loop and ends with [`exit_now`].
pub(crate) fn fork() -> nix::Result<ForkResult> {
    // SAFETY: after fork only the calling thread exists in the child. The pool forks only when
    // the parent is single-threaded (checked before each fork, unless the caller explicitly
    // accepted the risk with `allow_threads`), so no lock (malloc's, stdio's) can be held by a
    // thread that no longer exists. The child never returns into the caller's code: it runs
    // the worker loop and leaves with `_exit`.
    unsafe { nix::unistd::fork() }
}

/// Ends the process now, without running destructors or `atexit` handlers (they belong to
/// the parent's copy of the program).
pub(crate) fn exit_now(code: i32) -> ! {
    // SAFETY: `_exit` is async-signal-safe, takes any int and never returns.
    unsafe { libc::_exit(code) }
}

/// Number of threads of this process, from `/proc/self/status` (`None` if unreadable).
pub(crate) fn thread_count() -> Option<usize> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status
        .lines()
        .find_map(|l| l.strip_prefix("Threads:"))
        .and_then(|v| v.trim().parse().ok())
}

/// Closes descriptors inherited from the parent that the child must not keep (the other
/// workers' pipe ends, the parent's signal pipe).
pub(crate) fn close_inherited(fds: &[RawFd]) {
    for &fd in fds {
        // SAFETY: these are the raw numbers of descriptors the parent owns through `OwnedFd`s.
        // The child never drops those `OwnedFd`s (it leaves with `_exit`), so each number is
        // closed exactly once here and never used again in this process.
        unsafe {
            libc::close(fd);
        }
    }
}

/// Closes every descriptor above 2 except `keep`: what the parent had open when it forked
/// (a journal holding its `flock`, files, sockets) must not stay open in a worker, where it
/// would outlive the parent's own close (a lock still held after the run ended).
pub(crate) fn close_all_except(keep: &[RawFd]) {
    let Ok(dir) = std::fs::read_dir("/proc/self/fd") else {
        return;
    };
    let open: Vec<RawFd> = dir
        .filter_map(|e| e.ok()?.file_name().to_str()?.parse().ok())
        .collect();
    // (the listing's own descriptor is closed now that `dir` is consumed; closing its number
    // again below only fails with EBADF, as nothing was opened in between)
    for fd in open {
        if fd > 2 && !keep.contains(&fd) {
            // SAFETY: the worker owns no `OwnedFd` for these numbers except the kept ones
            // (the parent's owners are never dropped in the child, which leaves with `_exit`),
            // so each is closed once here and never used again in this process.
            unsafe {
                libc::close(fd);
            }
        }
    }
}

/// `ppoll(2)` over a caller-owned array, with a nanosecond timeout (`None`: wait forever)
/// and the signal mask left as it is.
pub(crate) fn poll(
    fds: &mut [libc::pollfd],
    timeout: Option<std::time::Duration>,
) -> nix::Result<usize> {
    let ts = timeout.map(|d| libc::timespec {
        tv_sec: d.as_secs().min(i64::MAX as u64) as libc::time_t,
        tv_nsec: d.subsec_nanos() as libc::c_long,
    });
    let ts_ptr = ts
        .as_ref()
        .map_or(std::ptr::null(), |t| t as *const libc::timespec);
    // SAFETY: the pointer and length come from a live mutable slice of `pollfd`, which ppoll
    // only reads and writes within those bounds for the duration of the call; `ts_ptr` is
    // null or points to `ts`, alive on this frame; a null sigmask leaves the mask alone.
    let r = unsafe {
        libc::ppoll(
            fds.as_mut_ptr(),
            fds.len() as libc::nfds_t,
            ts_ptr,
            std::ptr::null(),
        )
    };
    Errno::result(r).map(|n| n as usize)
}

// ---------------------------------------------------------------------------------------
// Parent: signal self-pipe.

static SIGNAL_PIPE_WR: AtomicI32 = AtomicI32::new(-1);

extern "C" fn on_parent_signal(signo: libc::c_int) {
    let saved = Errno::last_raw();
    let fd = SIGNAL_PIPE_WR.load(Ordering::Relaxed);
    if fd >= 0 {
        let byte = signo as u8;
        // SAFETY: write(2) is async-signal-safe; `byte` lives on this stack frame for the
        // call. The descriptor is non-blocking, so a full pipe drops the byte rather than
        // blocking (a pending wake-up is already queued then).
        unsafe {
            libc::write(fd, (&byte as *const u8).cast::<c_void>(), 1);
        }
    }
    Errno::set_raw(saved);
}

/// Where the parent's handler writes signal numbers (-1: nowhere).
pub(crate) fn set_signal_pipe(fd: RawFd) {
    SIGNAL_PIPE_WR.store(fd, Ordering::SeqCst);
}

/// Installs the self-pipe handler for `sig`; returns the previous action.
pub(crate) fn install_parent_handler(sig: Signal) -> nix::Result<SigAction> {
    let flags = if sig == Signal::SIGCHLD {
        SaFlags::SA_RESTART | SaFlags::SA_NOCLDSTOP
    } else {
        SaFlags::SA_RESTART
    };
    let act = SigAction::new(
        SigHandler::Handler(on_parent_signal),
        flags,
        SigSet::empty(),
    );
    // SAFETY: the handler only loads an atomic, calls write(2) and saves/restores errno, all
    // async-signal-safe.
    unsafe { signal::sigaction(sig, &act) }
}

/// Sets `sig` to be ignored; returns the previous action.
pub(crate) fn ignore_signal(sig: Signal) -> nix::Result<SigAction> {
    let act = SigAction::new(SigHandler::SigIgn, SaFlags::empty(), SigSet::empty());
    // SAFETY: SIG_IGN installs no code.
    unsafe { signal::sigaction(sig, &act) }
}

/// Puts back an action saved by [`install_parent_handler`] or [`ignore_signal`].
pub(crate) fn restore_action(sig: Signal, old: &SigAction) {
    // SAFETY: `old` was returned by sigaction for this very signal, so it is an action that
    // was valid in this process before; restoring it re-establishes that state.
    unsafe {
        let _ = signal::sigaction(sig, old);
    }
}

// ---------------------------------------------------------------------------------------
// Parent: SIGINT/SIGTERM held between runs (see `signals::TerminationHold`).

static HELD_SIGNAL: AtomicI32 = AtomicI32::new(0);

extern "C" fn on_held_signal(signo: libc::c_int) {
    // the first one is kept: it decides the exit code
    let _ = HELD_SIGNAL.compare_exchange(0, signo, Ordering::SeqCst, Ordering::SeqCst);
}

/// Installs the handler that only records `sig` (see [`take_held_signal`]); returns the
/// previous action.
pub(crate) fn install_hold_handler(sig: Signal) -> nix::Result<SigAction> {
    let act = SigAction::new(
        SigHandler::Handler(on_held_signal),
        SaFlags::SA_RESTART,
        SigSet::empty(),
    );
    // SAFETY: the handler only does a compare-and-swap on an atomic, which is
    // async-signal-safe.
    unsafe { signal::sigaction(sig, &act) }
}

/// The signal the hold handler recorded (0: none), cleared.
pub(crate) fn take_held_signal() -> i32 {
    HELD_SIGNAL.swap(0, Ordering::SeqCst)
}

/// The signal the hold handler recorded (0: none).
pub(crate) fn held_signal() -> i32 {
    HELD_SIGNAL.load(Ordering::SeqCst)
}

// ---------------------------------------------------------------------------------------
// Worker: signal dispositions.

static RETIRE: AtomicBool = AtomicBool::new(false);
static OOM_FD: AtomicI32 = AtomicI32::new(-1);
static OOM_FRAME: [std::sync::atomic::AtomicU8; 16] =
    [const { std::sync::atomic::AtomicU8::new(0) }; 16];
static OOM_FRAME_LEN: AtomicUsize = AtomicUsize::new(0);

extern "C" fn on_worker_hup(_: libc::c_int) {
    RETIRE.store(true, Ordering::SeqCst);
}

static MEM_LIMIT: AtomicU64 = AtomicU64::new(0);
static PAGE_SIZE: AtomicU64 = AtomicU64::new(4096);

/// Whether this process's virtual size is within 10 % of the memory limit: reads
/// `/proc/self/statm` with raw calls only, so it may run in a signal handler.
fn vm_size_near_limit() -> bool {
    let limit = MEM_LIMIT.load(Ordering::Relaxed);
    if limit == 0 {
        return false;
    }
    let mut buf = [0u8; 64];
    // SAFETY: open(2), read(2) and close(2) are async-signal-safe; the path is a
    // NUL-terminated literal and `buf` a live stack array whose length bounds the read.
    let n = unsafe {
        let fd = libc::open(
            c"/proc/self/statm".as_ptr(),
            libc::O_RDONLY | libc::O_CLOEXEC,
        );
        if fd < 0 {
            return false;
        }
        let n = libc::read(fd, buf.as_mut_ptr().cast::<c_void>(), buf.len());
        libc::close(fd);
        n
    };
    if n <= 0 {
        return false;
    }
    let mut pages: u64 = 0;
    for &b in buf.iter().take(n as usize) {
        if !b.is_ascii_digit() {
            break;
        }
        pages = pages.saturating_mul(10).saturating_add(u64::from(b - b'0'));
    }
    pages.saturating_mul(PAGE_SIZE.load(Ordering::Relaxed)) >= limit - limit / 10
}

/// Tells the SIGABRT handler the worker's memory limit in bytes.
pub(crate) fn set_mem_limit(limit: u64) {
    // SAFETY: sysconf has no preconditions; it only reads a system value.
    let page = unsafe { libc::sysconf(libc::_SC_PAGESIZE) };
    if page > 0 {
        PAGE_SIZE.store(page as u64, Ordering::Relaxed);
    }
    MEM_LIMIT.store(limit, Ordering::SeqCst);
}

extern "C" fn on_worker_abort(_: libc::c_int) {
    // An allocation failure reaches abort() with errno still ENOMEM from mmap/brk (the
    // message write and abort's own calls succeed and leave it alone), unless something
    // in between (a backtrace print) clobbered it: then a virtual size at the memory limit
    // tells it. Anything else: return, and abort() restores the default action and raises
    // SIGABRT again.
    if Errno::last_raw() != libc::ENOMEM && !vm_size_near_limit() {
        return;
    }
    out_of_memory();
}

/// Writes the out-of-memory frame to the parent (if this is a worker that set one) and
/// ends the process with the out-of-memory exit code.
fn out_of_memory() -> ! {
    let fd = OOM_FD.load(Ordering::Relaxed);
    let len = OOM_FRAME_LEN.load(Ordering::Relaxed);
    if fd >= 0 && len > 0 {
        let mut frame = [0u8; 16];
        for (b, a) in frame.iter_mut().zip(OOM_FRAME.iter()).take(len) {
            *b = a.load(Ordering::Relaxed);
        }
        // SAFETY: write(2) is async-signal-safe; `frame` is a live stack array of at least
        // `len` (<= 16) bytes. A short write only tears the frame; the exit code below still
        // says out of memory.
        unsafe {
            libc::write(fd, frame.as_ptr().cast::<c_void>(), len);
        }
    }
    exit_now(EXIT_OUT_OF_MEMORY);
}

/// The system allocator, except that in a worker (once [`set_oom_frame`] has run) a failed
/// allocation reports out of memory to the parent and ends the worker at once, before std's
/// allocation-error handler prints its raw `memory allocation of N bytes failed` line on the
/// terminal the user shares with the parent. Elsewhere (the parent, or a program that never
/// forks a worker) a failure returns null as usual. A program opts in with
/// `#[global_allocator] static A: fitpool::pool::WorkerAlloc = fitpool::pool::WorkerAlloc;`.
pub struct WorkerAlloc;

impl WorkerAlloc {
    #[inline]
    fn checked(p: *mut u8) -> *mut u8 {
        if p.is_null() && OOM_FD.load(Ordering::Relaxed) >= 0 {
            out_of_memory();
        }
        p
    }
}

// SAFETY: every method forwards to `System` with the caller's own arguments, so `System`'s
// guarantees (alignment, size, no unwinding) hold; the only addition runs on a null result,
// where nothing was allocated, and ends the process with `_exit` without allocating.
unsafe impl std::alloc::GlobalAlloc for WorkerAlloc {
    #[inline]
    unsafe fn alloc(&self, layout: std::alloc::Layout) -> *mut u8 {
        // SAFETY: the caller upholds `GlobalAlloc::alloc`'s contract, which is `System`'s.
        Self::checked(unsafe { std::alloc::System.alloc(layout) })
    }
    #[inline]
    unsafe fn alloc_zeroed(&self, layout: std::alloc::Layout) -> *mut u8 {
        // SAFETY: as `alloc`.
        Self::checked(unsafe { std::alloc::System.alloc_zeroed(layout) })
    }
    #[inline]
    unsafe fn dealloc(&self, ptr: *mut u8, layout: std::alloc::Layout) {
        // SAFETY: `ptr` was allocated by `System` (through this type) with `layout`.
        unsafe { std::alloc::System.dealloc(ptr, layout) }
    }
    #[inline]
    unsafe fn realloc(&self, ptr: *mut u8, layout: std::alloc::Layout, new_size: usize) -> *mut u8 {
        // SAFETY: `ptr` was allocated by `System` (through this type) with `layout`; the
        // caller upholds the size contract.
        Self::checked(unsafe { std::alloc::System.realloc(ptr, layout, new_size) })
    }
}

/// Whether SIGHUP asked this worker to retire after its current task.
pub(crate) fn retire_requested() -> bool {
    RETIRE.load(Ordering::SeqCst)
}

/// Sets the frame the SIGABRT handler writes to `fd` when the worker runs out of memory.
pub(crate) fn set_oom_frame(fd: RawFd, frame: &[u8]) {
    let len = frame.len().min(OOM_FRAME.len());
    for (a, b) in OOM_FRAME.iter().zip(frame).take(len) {
        a.store(*b, Ordering::Relaxed);
    }
    OOM_FRAME_LEN.store(len, Ordering::SeqCst);
    OOM_FD.store(fd, Ordering::SeqCst);
}

/// The worker's dispositions: every catchable signal to its default, then SIGINT ignored
/// (Ctrl-C belongs to the parent), SIGUSR1 ignored, SIGHUP sets the retire flag, SIGABRT reports an
/// allocation failure; the signal mask emptied.
pub(crate) fn reset_worker_signals() -> nix::Result<()> {
    let dfl = SigAction::new(SigHandler::SigDfl, SaFlags::empty(), SigSet::empty());
    for sig in Signal::iterator() {
        if matches!(sig, Signal::SIGKILL | Signal::SIGSTOP) {
            continue;
        }
        // SAFETY: SIG_DFL installs no code.
        unsafe {
            let _ = signal::sigaction(sig, &dfl);
        }
    }
    ignore_signal(Signal::SIGINT)?;
    // SIGUSR1 asks the parent for its status; `pkill -USR1 fitpool` also reaches the workers
    // (same command name), which must not die of it.
    ignore_signal(Signal::SIGUSR1)?;
    let hup = SigAction::new(
        SigHandler::Handler(on_worker_hup),
        SaFlags::SA_RESTART,
        SigSet::empty(),
    );
    // SAFETY: the handler stores to an atomic, which is async-signal-safe.
    unsafe { signal::sigaction(Signal::SIGHUP, &hup)? };
    let abrt = SigAction::new(
        SigHandler::Handler(on_worker_abort),
        SaFlags::empty(),
        SigSet::empty(),
    );
    // SAFETY: the handler reads errno and atomics, calls open/read/close/write(2) and
    // _exit(2), all async-signal-safe, and otherwise returns so abort() proceeds as usual.
    unsafe { signal::sigaction(Signal::SIGABRT, &abrt)? };
    signal::sigprocmask(
        signal::SigmaskHow::SIG_SETMASK,
        Some(&SigSet::empty()),
        None,
    )?;
    Ok(())
}

/// Hands the free memory that the allocator keeps (freed chunks inside the heap, a free top
/// under glibc's trim threshold) back to the kernel. The worker calls it between tasks, before
/// it resets its peak RSS: what a task freed then no longer counts as the next task's memory.
/// A no-op off glibc.
pub(crate) fn trim_heap() {
    #[cfg(target_env = "gnu")]
    // SAFETY: malloc_trim(3) has no preconditions: it takes glibc's arena locks itself and only
    // releases pages of free chunks (madvise/sbrk), never memory that is in use. The worker is
    // single-threaded, so no other thread holds or waits for those locks.
    unsafe {
        libc::malloc_trim(0);
    }
}

/// The width in columns of the terminal on `fd`, if it is one and says.
pub(crate) fn terminal_columns(fd: RawFd) -> Option<usize> {
    let mut size = libc::winsize {
        ws_row: 0,
        ws_col: 0,
        ws_xpixel: 0,
        ws_ypixel: 0,
    };
    // SAFETY: TIOCGWINSZ writes one `winsize` through the pointer, which points to a live,
    // writable `winsize` on this stack; on a descriptor that is not a terminal it fails with
    // ENOTTY and writes nothing.
    let r = unsafe { libc::ioctl(fd, libc::TIOCGWINSZ, &mut size as *mut libc::winsize) };
    (r == 0 && size.ws_col > 0).then_some(usize::from(size.ws_col))
}

/// Runs `f` with this thread's floating-point unit set to flush subnormal results to zero and
/// to read subnormal inputs as zero (x86-64: MXCSR's FTZ and DAZ bits; AArch64: FPCR's FZ bit;
/// elsewhere `f` runs as it is), and puts the previous setting back afterwards, also when `f`
/// unwinds.
///
/// For dense factorisations of matrices whose entries span the whole exponent range (the
/// Gaussian process's RBF kernel on scaled one-hot columns, where most off-diagonal entries
/// are below 1e-300): the chains of products inside the factorisation then run through
/// subnormal numbers, which the processor handles in microcode, 20 times slower. Flushing them
/// changes each affected value by less than 2.3e-308, below any difference a fit can show.
pub fn flush_subnormals<R>(f: impl FnOnce() -> R) -> R {
    let _restore = FpControl::flushing();
    f()
}

/// The thread's floating-point control word as it was before [`flush_subnormals`] changed it;
/// dropping it writes it back.
struct FpControl {
    #[cfg(any(target_arch = "x86_64", target_arch = "aarch64"))]
    saved: u64,
}

impl FpControl {
    #[cfg(target_arch = "x86_64")]
    fn flushing() -> FpControl {
        const FTZ_DAZ: u32 = (1 << 15) | (1 << 6);
        let mut word: u32 = 0;
        // SAFETY: STMXCSR stores this thread's 32-bit MXCSR through the pointer, which points
        // to a live, writable, 4-byte aligned u32 on this stack; it changes no register.
        unsafe {
            std::arch::asm!("stmxcsr [{}]", in(reg) &mut word, options(nostack, preserves_flags))
        };
        let flushing = word | FTZ_DAZ;
        // SAFETY: LDMXCSR loads a value read from MXCSR a moment ago with only the FTZ and DAZ
        // bits set, so no reserved bit is set (which would fault), and the rounding mode and
        // exception masks are left as they were. MXCSR is per thread. What it changes is only
        // numeric: results and inputs below f64::MIN_POSITIVE read as zero until `drop`
        // restores the word. The code run meanwhile (dense factorisations) takes no decision
        // that memory safety rests on from a float, and LLVM constant-folding a subnormal
        // differently from the flushed run-time value can only change such a tiny value.
        unsafe {
            std::arch::asm!("ldmxcsr [{}]", in(reg) &flushing, options(nostack, preserves_flags))
        };
        FpControl {
            saved: u64::from(word),
        }
    }

    #[cfg(target_arch = "aarch64")]
    fn flushing() -> FpControl {
        const FZ: u64 = 1 << 24;
        let word: u64;
        // SAFETY: reading FPCR has no side effect.
        unsafe {
            std::arch::asm!("mrs {}, fpcr", out(reg) word, options(nomem, nostack, preserves_flags))
        };
        // SAFETY: sets only FZ (flush subnormals to zero) in this thread's FPCR, restored by
        // `drop`; as on x86-64, the effect is numeric only and confined to values below
        // f64::MIN_POSITIVE.
        unsafe {
            std::arch::asm!("msr fpcr, {}", in(reg) word | FZ, options(nomem, nostack, preserves_flags))
        };
        FpControl { saved: word }
    }

    #[cfg(not(any(target_arch = "x86_64", target_arch = "aarch64")))]
    fn flushing() -> FpControl {
        FpControl {}
    }
}

impl Drop for FpControl {
    fn drop(&mut self) {
        #[cfg(target_arch = "x86_64")]
        {
            let word = self.saved as u32;
            // SAFETY: loads back the MXCSR value this thread had before `flushing`.
            unsafe {
                std::arch::asm!("ldmxcsr [{}]", in(reg) &word, options(nostack, preserves_flags))
            };
        }
        #[cfg(target_arch = "aarch64")]
        // SAFETY: writes back the FPCR value this thread had before `flushing`.
        unsafe {
            std::arch::asm!("msr fpcr, {}", in(reg) self.saved, options(nomem, nostack, preserves_flags))
        };
    }
}

#[cfg(test)]
mod fp_tests {
    use super::flush_subnormals;

    #[test]
    fn subnormals_are_flushed_inside_and_kept_outside() {
        let tiny = std::hint::black_box(f64::MIN_POSITIVE);
        let half = std::hint::black_box(0.5);
        assert_eq!(flush_subnormals(|| std::hint::black_box(tiny) * half), 0.0);
        // restored afterwards, also after a panic inside
        assert!(std::panic::catch_unwind(|| flush_subnormals(|| panic!("inside"))).is_err());
        let after = std::hint::black_box(tiny) * half;
        assert!(after > 0.0 && after < f64::MIN_POSITIVE);
    }
}
