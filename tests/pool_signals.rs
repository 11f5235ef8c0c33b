//! Signals to single workers (SIGKILL, SIGTERM, SIGHUP, SIGINT) and to the parent (SIGINT,
//! SIGTERM, SIGUSR1) during a run, in-process.

mod common;

use std::collections::HashSet;
use std::time::{Duration, Instant};

use common::{cfg, serial, sleep_ms};
use fitpool::pool::{CancelReason, Event, Outcome, Pool, Signal, TerminationHold, WorkerExit};
use nix::sys::signal::{kill, raise};
use nix::unistd::Pid;

fn signal_worker(pid: i32, sig: Signal) {
    kill(Pid::from_raw(pid), sig).unwrap();
}

/// Asserts that `sig`'s disposition is the default one (and leaves it so).
fn assert_default_action(sig: Signal) {
    use nix::sys::signal::{sigaction, SaFlags, SigAction, SigHandler, SigSet};
    // SAFETY: SIG_DFL installs no code.
    let old = unsafe {
        sigaction(
            sig,
            &SigAction::new(SigHandler::SigDfl, SaFlags::empty(), SigSet::empty()),
        )
        .unwrap()
    };
    assert_eq!(old.handler(), SigHandler::SigDfl, "{sig:?}");
}

#[test]
fn sigkill_mid_task_is_retried_and_succeeds() {
    let _g = serial();
    let mut pool = Pool::new(cfg(2), |x: u32| {
        sleep_ms(200);
        Ok::<_, String>(x)
    });
    let mut killed = None;
    let mut retry = None;
    let s = pool
        .run((0..4).collect(), None, |e| match e {
            Event::TaskStarted {
                index: 0,
                pid,
                attempt: 1,
                ..
            } => {
                signal_worker(pid, Signal::SIGKILL);
                killed = Some(pid);
            }
            Event::TaskRetry {
                index,
                pid,
                exit,
                attempt,
            } => retry = Some((index, pid, exit, attempt)),
            _ => {}
        })
        .unwrap();
    let killed = killed.unwrap();
    assert_eq!(
        retry,
        Some((0, killed, WorkerExit::Signal(Signal::SIGKILL), 1))
    );
    let r = &s.results[0];
    assert_eq!(r.outcome, Outcome::Ok(0));
    assert_eq!(r.attempt, 2);
    assert_ne!(r.pid, killed);
    for i in 1..4 {
        assert_eq!(s.results[i].outcome, Outcome::Ok(i as u32));
    }
}

#[test]
fn retries_exhausted_is_crashed_with_sigkill() {
    let _g = serial();
    let mut config = cfg(2);
    config.retries = 1;
    let mut pool = Pool::new(config, |x: u32| {
        if x == 2 {
            kill(Pid::this(), Signal::SIGKILL).unwrap();
        }
        Ok::<_, String>(x)
    });
    let s = pool.map((0..5).collect()).unwrap();
    assert_eq!(
        s.results[2].outcome,
        Outcome::Crashed(WorkerExit::Signal(Signal::SIGKILL))
    );
    assert_eq!(s.results[2].attempt, 2);
    assert_eq!(s.results.iter().filter(|r| r.outcome.is_ok()).count(), 4);
}

#[test]
fn sigterm_to_a_worker_cancels_its_task_only() {
    let _g = serial();
    let mut pool = Pool::new(cfg(2), |x: u32| {
        sleep_ms(if x == 0 { 2_000 } else { 20 });
        Ok::<_, String>(x)
    });
    let mut retried = false;
    let t0 = Instant::now();
    let s = pool
        .run((0..6).collect(), None, |e| match e {
            Event::TaskStarted { index: 0, pid, .. } => signal_worker(pid, Signal::SIGTERM),
            Event::TaskRetry { .. } => retried = true,
            _ => {}
        })
        .unwrap();
    assert!(t0.elapsed() < Duration::from_millis(1_500));
    assert!(!retried);
    assert_eq!(
        s.results[0].outcome,
        Outcome::Cancelled(CancelReason::Operator)
    );
    assert_eq!(s.results[0].attempt, 1);
    for i in 1..6 {
        assert_eq!(s.results[i].outcome, Outcome::Ok(i as u32));
        assert_ne!(s.results[i].pid, s.results[0].pid);
    }
    assert!(s.interrupted.is_none());
}

#[test]
fn sighup_to_a_worker_retires_it_after_its_task() {
    let _g = serial();
    let mut pool = Pool::new(cfg(1), |x: u32| {
        sleep_ms(150);
        Ok::<_, String>(x)
    });
    let mut exits = Vec::new();
    let s = pool
        .run((0..3).collect(), None, |e| match e {
            Event::TaskStarted { index: 0, pid, .. } => {
                sleep_ms(50); // let it be well into the task
                signal_worker(pid, Signal::SIGHUP)
            }
            Event::WorkerExited { pid, exit, .. } => exits.push((pid, exit)),
            _ => {}
        })
        .unwrap();
    let first = s.results[0].pid;
    assert_eq!(s.results[0].outcome, Outcome::Ok(0), "it finished its task");
    assert_eq!(s.results[0].attempt, 1);
    assert_eq!(
        exits,
        vec![(first, WorkerExit::Code(0))],
        "and exited cleanly"
    );
    for i in 1..3 {
        assert_eq!(s.results[i].outcome, Outcome::Ok(i as u32));
        assert_ne!(s.results[i].pid, first, "later tasks run on a fresh worker");
        assert_eq!(s.results[i].attempt, 1);
    }
}

#[test]
fn sighup_to_an_idle_worker_replaces_it() {
    let _g = serial();
    let mut pool = Pool::new(cfg(2), |x: u32| {
        sleep_ms(if x == 0 { 400 } else { 1 });
        Ok::<_, String>(x)
    });
    pool.start(Some(2)).unwrap();
    let pids = pool.worker_pids();
    signal_worker(pids[1], Signal::SIGHUP);
    assert!(
        common::wait_gone(&[pids[1]], Duration::from_secs(2)),
        "idle worker leaves at once"
    );
    let s = pool.map((0..4).collect()).unwrap();
    assert!(s
        .results
        .iter()
        .all(|r| r.outcome.is_ok() && r.pid != pids[1]));
}

#[test]
fn workers_ignore_sigusr1() {
    let _g = serial();
    let mut pool = Pool::new(cfg(1), |x: u32| {
        sleep_ms(200);
        Ok::<_, String>(x)
    });
    let s = pool
        .run(vec![7], None, |e| {
            if let Event::TaskStarted { pid, .. } = e {
                signal_worker(pid, Signal::SIGUSR1)
            }
        })
        .unwrap();
    assert_eq!(s.results[0].outcome, Outcome::Ok(7));
    assert_eq!(s.results[0].attempt, 1);
}

#[test]
fn workers_ignore_sigint() {
    let _g = serial();
    let mut pool = Pool::new(cfg(1), |x: u32| {
        sleep_ms(200);
        Ok::<_, String>(x)
    });
    let s = pool
        .run(vec![7], None, |e| {
            if let Event::TaskStarted { pid, .. } = e {
                signal_worker(pid, Signal::SIGINT)
            }
        })
        .unwrap();
    assert_eq!(s.results[0].outcome, Outcome::Ok(7));
    assert_eq!(s.results[0].attempt, 1);
}

#[test]
fn parent_sigint_cancels_what_is_left_after_the_grace() {
    let _g = serial();
    let mut config = cfg(2);
    config.grace = Duration::from_millis(300);
    let mut pool = Pool::new(config, |x: u32| {
        sleep_ms(if x < 2 { 10_000 } else { 1 });
        Ok::<_, String>(x)
    });
    let mut pids = HashSet::new();
    let mut seen_interrupt = None;
    let t0 = Instant::now();
    let s = pool
        .run((0..6).collect(), None, |e| match e {
            Event::WorkerStarted { pid, .. } => {
                pids.insert(pid);
            }
            Event::TaskStarted { index: 1, .. } => raise(Signal::SIGINT).unwrap(),
            Event::Interrupted(sig) => seen_interrupt = Some(sig),
            _ => {}
        })
        .unwrap();
    assert!(t0.elapsed() < Duration::from_secs(3), "{:?}", t0.elapsed());
    assert_eq!(s.interrupted, Some(Signal::SIGINT));
    assert_eq!(s.interrupted_exit_code(), Some(130));
    assert_eq!(seen_interrupt, Some(Signal::SIGINT));
    assert_eq!(s.results.len(), 6);
    for r in &s.results {
        assert_eq!(
            r.outcome,
            Outcome::Cancelled(CancelReason::Interrupted(Signal::SIGINT)),
            "{r:?}"
        );
    }
    assert!(pool.worker_pids().is_empty());
    let pids: Vec<i32> = pids.into_iter().collect();
    assert!(common::wait_gone(&pids, Duration::from_secs(1)));
    // The previous SIGINT disposition is back (libtest leaves the default).
    assert_default_action(Signal::SIGINT);
}

#[test]
fn parent_sigterm_lets_running_tasks_finish_within_the_grace() {
    let _g = serial();
    let mut config = cfg(2);
    config.grace = Duration::from_secs(5);
    let mut pool = Pool::new(config, |x: u32| {
        sleep_ms(200);
        Ok::<_, String>(x)
    });
    let t0 = Instant::now();
    let s = pool
        .run((0..10).collect(), None, |e| {
            if let Event::TaskStarted { index: 1, .. } = e {
                raise(Signal::SIGTERM).unwrap()
            }
        })
        .unwrap();
    assert!(t0.elapsed() < Duration::from_secs(2));
    assert_eq!(s.interrupted, Some(Signal::SIGTERM));
    assert_eq!(s.results[0].outcome, Outcome::Ok(0));
    assert_eq!(s.results[1].outcome, Outcome::Ok(1));
    for r in &s.results[2..] {
        assert_eq!(
            r.outcome,
            Outcome::Cancelled(CancelReason::Interrupted(Signal::SIGTERM))
        );
        assert_eq!(r.pid, 0);
    }
    // The pool is usable again afterwards.
    let again = pool.map(vec![5]).unwrap();
    assert_eq!(again.results[0].outcome, Outcome::Ok(5));
}

/// The window that failed a SLURM test once: scancel signals the workers and the parent alike,
/// and when the workers' deaths end the run before the parent's own SIGTERM arrives, that
/// SIGTERM came after the run had put the default action back and killed the parent with its
/// results in hand. A `TerminationHold` records it instead; one from before a run goes to the
/// run, which then starts nothing.
#[test]
fn a_termination_hold_records_sigterm_around_runs_and_hands_an_early_one_to_the_run() {
    let _g = serial();
    let hold = TerminationHold::new().unwrap();
    assert_eq!(hold.received(), None);
    // before the run: recorded (the test process would die here without the hold)
    raise(Signal::SIGTERM).unwrap();
    assert_eq!(hold.received(), Some(Signal::SIGTERM));
    let mut pool = Pool::new(cfg(2), |x: u32| {
        sleep_ms(50);
        Ok::<_, String>(x)
    });
    let mut started = 0;
    let s = pool
        .run((0..4).collect(), None, |e| {
            if let Event::TaskStarted { .. } = e {
                started += 1;
            }
        })
        .unwrap();
    assert_eq!(s.interrupted, Some(Signal::SIGTERM));
    assert_eq!(
        started, 0,
        "a run interrupted before it began starts no task"
    );
    for r in &s.results {
        assert_eq!(
            r.outcome,
            Outcome::Cancelled(CancelReason::Interrupted(Signal::SIGTERM))
        );
    }
    // the run took it; the run's handlers gave the hold's back when it ended
    assert_eq!(hold.received(), None);
    let again = pool.map(vec![7]).unwrap();
    assert_eq!(again.results[0].outcome, Outcome::Ok(7));
    assert_eq!(again.interrupted, None);
    raise(Signal::SIGINT).unwrap();
    raise(Signal::SIGTERM).unwrap();
    assert_eq!(
        hold.received(),
        Some(Signal::SIGINT),
        "the first one is kept"
    );
    drop(hold);
    // the disposition from before the hold is back (libtest leaves the default)
    assert_default_action(Signal::SIGTERM);
}

#[test]
fn sigusr1_asks_for_status() {
    let _g = serial();
    let mut pool = Pool::new(cfg(1), |x: u32| {
        sleep_ms(100);
        Ok::<_, String>(x)
    });
    let mut status = 0;
    let s = pool
        .run(vec![1, 2], None, |e| match e {
            Event::TaskStarted { index: 0, .. } => raise(Signal::SIGUSR1).unwrap(),
            Event::StatusRequested => status += 1,
            _ => {}
        })
        .unwrap();
    assert_eq!(status, 1);
    assert!(s.interrupted.is_none());
    assert!(s.results.iter().all(|r| r.outcome.is_ok()));
}

#[test]
fn ticks_come_at_the_interval() {
    let _g = serial();
    let mut config = cfg(1);
    config.tick = Some(Duration::from_millis(50));
    let mut pool = Pool::new(config, |x: u32| {
        sleep_ms(520);
        Ok::<_, String>(x)
    });
    let mut ticks = 0;
    pool.run(vec![1], None, |e| {
        if let Event::Tick = e {
            ticks += 1
        }
    })
    .unwrap();
    assert!((5..=11).contains(&ticks), "{ticks} ticks");
}

#[test]
fn a_worker_killed_while_idle_is_replaced() {
    let _g = serial();
    let mut pool = Pool::new(cfg(2), |x: u32| Ok::<_, String>(x));
    pool.start(Some(2)).unwrap();
    let pids = pool.worker_pids();
    signal_worker(pids[0], Signal::SIGKILL);
    assert!(common::wait_gone(&[pids[0]], Duration::from_secs(2)));
    let mut exits = Vec::new();
    let mut retries = 0;
    let s = pool
        .run((0..20).collect(), None, |e| match e {
            Event::WorkerExited { pid, exit, .. } => exits.push((pid, exit)),
            Event::TaskRetry { .. } => retries += 1,
            _ => {}
        })
        .unwrap();
    assert_eq!(exits, vec![(pids[0], WorkerExit::Signal(Signal::SIGKILL))]);
    assert_eq!(retries, 0, "no task was running on it");
    assert!(s
        .results
        .iter()
        .all(|r| r.outcome.is_ok() && r.attempt == 1));
    assert!(s.results.iter().all(|r| r.pid != pids[0]));
    assert_eq!(pool.worker_pids().len(), 2);
}

#[test]
fn a_torn_frame_then_death_is_a_crash_not_a_parent_panic() {
    let _g = serial();
    let mut config = cfg(1);
    config.retries = 0;
    let mut pool = Pool::new(config, |x: u32| {
        if x == 1 {
            // Half a frame on stdout's neighbour, the response pipe, then die.
            for fd in 3..64 {
                // SAFETY: plain fcntl/write on descriptor numbers that may or may not be open.
                unsafe {
                    let fl = libc::fcntl(fd, libc::F_GETFL);
                    let is_pipe = std::fs::read_link(format!("/proc/self/fd/{fd}"))
                        .is_ok_and(|t| t.to_string_lossy().starts_with("pipe:"));
                    if fl >= 0 && fl & libc::O_ACCMODE == libc::O_WRONLY && is_pipe {
                        libc::write(fd, [100u8, 0, 0, 0, 1, 2].as_ptr().cast(), 6);
                    }
                }
            }
            std::process::exit(3);
        }
        Ok::<_, String>(x)
    });
    let s = pool.map(vec![0, 1, 2]).unwrap();
    assert_eq!(s.results[0].outcome, Outcome::Ok(0));
    assert_eq!(s.results[1].outcome, Outcome::Crashed(WorkerExit::Code(3)));
    assert_eq!(s.results[2].outcome, Outcome::Ok(2));
}

/// Many short, pipelined tasks while workers are killed, cancelled and retired from the
/// callback: every task still ends exactly once, and the counts add up.
#[test]
fn chaos_every_task_ends_exactly_once() {
    let _g = serial();
    let mut config = cfg(3);
    config.retries = 2;
    let mut pool = Pool::new(config, |x: u32| {
        std::thread::sleep(Duration::from_micros(50));
        Ok::<_, String>(x * 3)
    });
    let n = 3000u32;
    let (mut kills, mut terms, mut hups) = (0, 0, 0);
    let mut retries = 0;
    let mut finished = HashSet::new();
    let mut started_workers = 0;
    let s = pool
        .run((0..n).collect(), None, |e| match e {
            Event::TaskStarted {
                index,
                pid,
                attempt: 1,
                ..
            } => {
                if index % 97 == 13 {
                    signal_worker(pid, Signal::SIGKILL);
                    kills += 1;
                } else if index % 89 == 7 {
                    signal_worker(pid, Signal::SIGTERM);
                    terms += 1;
                } else if index % 83 == 5 {
                    signal_worker(pid, Signal::SIGHUP);
                    hups += 1;
                }
            }
            Event::TaskRetry { .. } => retries += 1,
            Event::TaskFinished(r) => assert!(finished.insert(r.index), "task {} twice", r.index),
            Event::WorkerStarted { .. } => started_workers += 1,
            _ => {}
        })
        .unwrap();
    assert_eq!(s.results.len(), n as usize);
    assert_eq!(finished.len(), n as usize);
    // A signal aimed at the worker of task k may land after it moved on to a later task (the
    // answer for k already in the pipe): that later task takes the hit, and in rare cases
    // one task is hit on every attempt. Hence bounds rather than exact per-task outcomes.
    let mut cancelled = 0;
    let mut crashed = 0;
    let mut extra_attempts = 0;
    for (i, r) in s.results.iter().enumerate() {
        assert_eq!(r.index, i);
        match &r.outcome {
            Outcome::Ok(v) => assert_eq!(*v, i as u32 * 3),
            Outcome::Cancelled(CancelReason::Operator) => cancelled += 1,
            Outcome::Crashed(WorkerExit::Signal(Signal::SIGKILL)) => {
                assert_eq!(r.attempt, 3, "crashed only after its retries");
                crashed += 1;
            }
            o => panic!("task {i}: {o:?}"),
        }
        assert!(
            (1..=3).contains(&r.attempt),
            "task {i} attempt {}",
            r.attempt
        );
        extra_attempts += r.attempt - 1;
    }
    assert!(crashed * 3 <= kills);
    assert!(kills > 20 && terms > 20 && hups > 20);
    assert!(
        retries <= kills && retries > 0,
        "{retries} retries for {kills} kills"
    );
    assert_eq!(extra_attempts, retries);
    assert!(
        cancelled <= terms && cancelled > 0,
        "{cancelled} cancelled for {terms} SIGTERMs"
    );
    assert!(started_workers >= 3 + kills.min(1));
}
