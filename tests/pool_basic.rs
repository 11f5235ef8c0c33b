//! The pool runs real worker processes: ordering, failures, panics, aborts, timeouts,
//! worker recycling, memory limits and peak RSS, many tiny tasks, bad frames.

mod common;

use std::collections::HashSet;
use std::time::{Duration, Instant};

use common::{cfg, serial, sleep_ms};
use fitpool::pool::{Event, Outcome, Pool, PoolConfig, PoolError, Signal, WorkerExit};

#[test]
fn results_come_back_in_input_order() {
    let _g = serial();
    let offset = 1000u64; // captured before the fork
    let mut pool = Pool::new(cfg(3), move |x: u64| Ok::<_, String>(x * x + offset));
    let s = pool.map((0..300).collect()).unwrap();
    assert_eq!(s.results.len(), 300);
    assert!(s.interrupted.is_none());
    for (i, r) in s.results.iter().enumerate() {
        assert_eq!(r.index, i);
        assert_eq!(r.outcome, Outcome::Ok(i as u64 * i as u64 + offset));
        assert_eq!(r.attempt, 1);
        assert!(r.pid > 0 && r.pid != std::process::id() as i32);
    }
    let pids: HashSet<i32> = s.results.iter().map(|r| r.pid).collect();
    assert!(pids.len() <= 3);
    assert!(s
        .results
        .iter()
        .all(|r| r.peak_rss_bytes.is_some_and(|b| b > 0)));
}

#[test]
fn job_errors_and_panics_are_failed_with_their_message() {
    let _g = serial();
    let mut pool = Pool::new(cfg(2), |x: i32| match x {
        1 => Err(format!("bad input {x}")),
        2 => panic!("boom at {x}"),
        _ => Ok(x),
    });
    let s = pool.map(vec![0, 1, 2, 3]).unwrap();
    assert_eq!(s.results[0].outcome, Outcome::Ok(0));
    assert_eq!(s.results[1].outcome, Outcome::Failed("bad input 1".into()));
    match &s.results[2].outcome {
        Outcome::Failed(m) => {
            assert!(m.starts_with("panicked at "), "{m}");
            assert!(m.ends_with("boom at 2"), "{m}");
            assert!(m.contains("pool_basic.rs"), "{m}");
        }
        o => panic!("expected Failed, got {o:?}"),
    }
    assert_eq!(s.results[3].outcome, Outcome::Ok(3));
    // A panic does not kill the worker: same attempt, no crash.
    assert_eq!(s.results[2].attempt, 1);
}

#[test]
fn abort_crashes_with_sigabrt_after_retries() {
    let _g = serial();
    let mut config = cfg(2);
    config.retries = 2;
    let mut pool = Pool::new(config, |x: i32| {
        if x == 1 {
            std::process::abort();
        }
        Ok::<_, String>(x)
    });
    let mut retries = Vec::new();
    let mut exited = 0;
    let s = pool
        .run(vec![0, 1, 2, 3], None, |e| match e {
            Event::TaskRetry {
                index,
                exit,
                attempt,
                ..
            } => retries.push((index, exit, attempt)),
            Event::WorkerExited { .. } => exited += 1,
            _ => {}
        })
        .unwrap();
    let r = &s.results[1];
    assert_eq!(
        r.outcome,
        Outcome::Crashed(WorkerExit::Signal(Signal::SIGABRT))
    );
    assert_eq!(r.attempt, 3);
    assert_eq!(
        retries,
        vec![
            (1, WorkerExit::Signal(Signal::SIGABRT), 1),
            (1, WorkerExit::Signal(Signal::SIGABRT), 2)
        ]
    );
    assert_eq!(exited, 3);
    for i in [0, 2, 3] {
        assert_eq!(s.results[i].outcome, Outcome::Ok(i as i32));
    }
    assert_eq!(r.outcome.error_text().unwrap(), "worker killed by SIGABRT");
}

#[test]
fn a_task_past_its_timeout_is_killed_and_reported() {
    let _g = serial();
    let mut config = cfg(2);
    config.task_timeout = Some(Duration::from_millis(300));
    let mut pool = Pool::new(config, |x: u64| {
        sleep_ms(if x == 0 { 20_000 } else { 10 });
        Ok::<_, String>(x)
    });
    let t0 = Instant::now();
    let s = pool.map(vec![0, 1, 2, 3, 4]).unwrap();
    assert!(t0.elapsed() < Duration::from_secs(5));
    assert_eq!(s.results[0].outcome, Outcome::TimedOut);
    assert_eq!(s.results[0].attempt, 1, "a timeout is not retried");
    assert!(s.results[0].wall >= Duration::from_millis(300));
    for i in 1..5 {
        assert_eq!(s.results[i].outcome, Outcome::Ok(i as u64));
    }
    // The killed worker was replaced and is gone.
    assert!(common::wait_gone(
        &[s.results[0].pid],
        Duration::from_secs(2)
    ));
}

#[test]
fn max_tasks_per_worker_one_gives_a_fresh_process_per_task() {
    let _g = serial();
    let mut config = cfg(2);
    config.max_tasks_per_worker = Some(1);
    let mut pool = Pool::new(config, |_: u32| Ok::<_, String>(std::process::id()));
    let mut started = 0;
    let s = pool
        .run((0..8).collect(), None, |e| {
            if let Event::WorkerStarted { .. } = e {
                started += 1
            }
        })
        .unwrap();
    let pids: HashSet<i32> = s.results.iter().map(|r| r.pid).collect();
    assert_eq!(pids.len(), 8);
    assert_eq!(started, 8);
    for r in &s.results {
        assert_eq!(r.outcome, Outcome::Ok(r.pid as u32));
    }
}

#[test]
fn memory_limit_hit_is_out_of_memory() {
    let _g = serial();
    let mut config = cfg(2);
    config.mem_limit = Some(common::vm_size() + (256 << 20));
    let mut pool = Pool::new(config, |mb: usize| {
        let v = vec![1u8; mb << 20];
        Ok::<_, String>(v.iter().map(|&b| b as usize).sum::<usize>())
    });
    let s = pool.map(vec![16, 4096, 8, 1 << 14]).unwrap();
    assert_eq!(s.results[0].outcome, Outcome::Ok(16 << 20));
    assert_eq!(s.results[1].outcome, Outcome::OutOfMemory);
    assert_eq!(s.results[1].attempt, 1, "out of memory is not retried");
    assert_eq!(s.results[2].outcome, Outcome::Ok(8 << 20));
    assert_eq!(s.results[3].outcome, Outcome::OutOfMemory);
}

#[test]
fn growing_until_the_limit_is_out_of_memory_too() {
    let _g = serial();
    let mut config = cfg(1);
    config.mem_limit = Some(common::vm_size() + (128 << 20));
    let mut pool = Pool::new(config, |_: ()| {
        let mut chunks: Vec<Vec<u8>> = Vec::new();
        loop {
            chunks.push(vec![7u8; 1 << 20]);
            if chunks.len() > 100_000 {
                return Ok::<_, String>(chunks.len());
            }
        }
    });
    let s = pool.map(vec![()]).unwrap();
    assert_eq!(s.results[0].outcome, Outcome::OutOfMemory);
}

#[test]
fn peak_rss_is_per_task() {
    let _g = serial();
    let mut pool = Pool::new(cfg(1), |mb: usize| {
        let v = vec![3u8; mb << 20];
        Ok::<_, String>(v.iter().step_by(4096).map(|&b| b as usize).sum::<usize>())
    });
    let s = pool.map(vec![200, 1]).unwrap();
    assert_eq!(s.results[0].pid, s.results[1].pid, "same worker");
    let big = s.results[0].peak_rss_bytes.unwrap();
    let small = s.results[1].peak_rss_bytes.unwrap();
    assert!(big >= 200 << 20, "peak {big}");
    assert!(
        small + (150 << 20) < big,
        "reset between tasks: {small} vs {big}"
    );
}

#[test]
fn ten_thousand_tiny_tasks_are_all_accounted_for() {
    let _g = serial();
    let mut pool = Pool::new(cfg(2), |x: u32| Ok::<_, String>(x.wrapping_mul(2654435761)));
    let mut finished = 0usize;
    let s = pool
        .run((0..10_000).collect(), None, |e| {
            if let Event::TaskFinished(_) = e {
                finished += 1
            }
        })
        .unwrap();
    assert_eq!(finished, 10_000);
    assert_eq!(s.results.len(), 10_000);
    for (i, r) in s.results.iter().enumerate() {
        assert_eq!(r.index, i);
        assert_eq!(r.outcome, Outcome::Ok((i as u32).wrapping_mul(2654435761)));
    }
}

#[test]
fn cost_hint_runs_longest_first() {
    let _g = serial();
    let mut pool = Pool::new(cfg(1), |x: u32| Ok::<_, String>(x));
    let mut order = Vec::new();
    let cost = [1.0, 5.0, f64::NAN, 3.0, 5.0];
    pool.run((0..5).collect(), Some(&cost), |e| {
        if let Event::TaskStarted { index, .. } = e {
            order.push(index)
        }
    })
    .unwrap();
    assert_eq!(order, vec![1, 4, 3, 0, 2]);
    let err = pool.run(vec![1, 2], Some(&[1.0]), |_| {}).unwrap_err();
    assert!(matches!(
        err,
        PoolError::CostHintLength {
            got: 1,
            expected: 2
        }
    ));
}

#[test]
fn events_tell_a_consistent_story() {
    let _g = serial();
    let mut pool = Pool::new(cfg(2), |x: u32| {
        sleep_ms(5);
        Ok::<_, String>(x)
    });
    let mut running: std::collections::HashMap<usize, usize> = Default::default();
    let mut finished = HashSet::new();
    pool.run((0..20).collect(), None, |e| match e {
        Event::TaskStarted { index, slot, .. } => {
            assert!(!running.values().any(|&i| i == index));
            assert!(
                running.insert(slot, index).is_none(),
                "slot {slot} already busy"
            );
        }
        Event::TaskFinished(r) => {
            assert!(finished.insert(r.index));
            let slot = running
                .iter()
                .find(|(_, &i)| i == r.index)
                .map(|(&s, _)| s)
                .unwrap();
            running.remove(&slot);
        }
        _ => {}
    })
    .unwrap();
    assert_eq!(finished.len(), 20);
    assert!(running.is_empty());
}

#[test]
fn imap_unordered_yields_every_result_once() {
    let _g = serial();
    let mut pool = Pool::new(cfg(2), |x: u64| {
        sleep_ms(if x == 0 { 300 } else { 1 });
        Ok::<_, String>(x)
    });
    let mut it = pool.imap_unordered((0..10).collect()).unwrap();
    let got: Vec<usize> = it.by_ref().map(|r| r.index).collect();
    assert!(it.error().is_none());
    assert!(it.interrupted().is_none());
    drop(it);
    assert_eq!(got.len(), 10);
    assert_eq!(got.iter().copied().collect::<HashSet<_>>().len(), 10);
    assert_ne!(got[0], 0, "the slow task does not come first");
}

#[test]
fn workers_are_reused_across_runs_and_close_join_ends_them() {
    let _g = serial();
    let mut pool = Pool::new(cfg(2), |x: u8| Ok::<_, String>(x));
    let a = pool.map((0..10).collect()).unwrap();
    let before = pool.worker_pids();
    assert_eq!(before.len(), 2);
    let b = pool.map((0..10).collect()).unwrap();
    assert_eq!(pool.worker_pids(), before);
    let pids_b: HashSet<i32> = b.results.iter().map(|r| r.pid).collect();
    assert!(pids_b.is_subset(&before.iter().copied().collect()));
    assert_eq!(a.results.len(), 10);
    let exits = pool.join();
    assert_eq!(exits, vec![WorkerExit::Code(0), WorkerExit::Code(0)]);
    assert!(pool.worker_pids().is_empty());
    assert!(common::wait_gone(&before, Duration::from_secs(1)));
    // The pool starts fresh workers on the next run.
    let c = pool.map(vec![1, 2]).unwrap();
    assert!(c
        .results
        .iter()
        .all(|r| r.outcome.is_ok() && !before.contains(&r.pid)));
    let pids = pool.worker_pids();
    drop(pool);
    assert!(
        common::wait_gone(&pids, Duration::from_secs(1)),
        "drop leaves no worker"
    );
}

#[test]
fn start_forks_up_front() {
    let _g = serial();
    let mut pool = Pool::new(cfg(2), |x: u8| Ok::<_, String>(x));
    pool.start(None).unwrap();
    let pids = pool.worker_pids();
    assert_eq!(pids.len(), 2);
    let s = pool.map(vec![1, 2, 3]).unwrap();
    assert!(s.results.iter().all(|r| pids.contains(&r.pid)));
    pool.terminate();
    assert!(pool.worker_pids().is_empty());
    assert!(common::wait_gone(&pids, Duration::from_secs(1)));
}

#[test]
fn the_default_refuses_to_fork_from_a_threaded_parent() {
    let _g = serial();
    // libtest runs this test on its own thread: the process has at least two.
    let mut pool = Pool::new(PoolConfig::default(), |x: u8| Ok::<_, String>(x));
    match pool.map(vec![1]) {
        Err(PoolError::Threaded { threads }) => assert!(threads >= 2),
        other => panic!("expected Threaded, got {other:?}"),
    }
    // An empty run forks nothing and is fine.
    assert!(pool.map(vec![]).unwrap().results.is_empty());
}

/// Writes `bytes` to every write-only pipe among this process's descriptors >= 3: in a
/// worker, that is its response pipe.
fn write_to_response_pipe(bytes: &[u8]) {
    for e in std::fs::read_dir("/proc/self/fd").unwrap().flatten() {
        let Ok(fd) = e.file_name().to_string_lossy().parse::<i32>() else {
            continue;
        };
        if fd < 3 {
            continue;
        }
        let Ok(target) = std::fs::read_link(e.path()) else {
            continue;
        };
        if !target.to_string_lossy().starts_with("pipe:") {
            continue;
        }
        // SAFETY: plain fcntl/write on a descriptor number that may or may not be open.
        unsafe {
            let fl = libc::fcntl(fd, libc::F_GETFL);
            if fl >= 0 && fl & libc::O_ACCMODE == libc::O_WRONLY {
                libc::write(fd, bytes.as_ptr().cast(), bytes.len());
            }
        }
    }
}

#[test]
fn a_worker_writing_garbage_is_cut_off_and_replaced() {
    let _g = serial();
    let mut pool = Pool::new(cfg(1), |x: u32| {
        match x {
            1 => {
                write_to_response_pipe(&[0xff, 0xff, 0xff, 0xff, 1, 2, 3]);
                sleep_ms(5_000);
            }
            2 => {
                // A plausible length, then bytes that are no Response.
                write_to_response_pipe(&[3, 0, 0, 0, 0xee, 0xee, 0xee]);
                sleep_ms(5_000);
            }
            _ => {}
        }
        Ok::<_, String>(x)
    });
    let t0 = Instant::now();
    let s = pool.map(vec![0, 1, 2, 3]).unwrap();
    assert!(
        t0.elapsed() < Duration::from_secs(4),
        "bad workers are killed at once"
    );
    assert_eq!(s.results[0].outcome, Outcome::Ok(0));
    match &s.results[1].outcome {
        Outcome::Failed(m) => assert!(
            m.contains("bad frame") && m.contains("exceeds the limit"),
            "{m}"
        ),
        o => panic!("{o:?}"),
    }
    match &s.results[2].outcome {
        Outcome::Failed(m) => assert!(m.contains("bad frame"), "{m}"),
        o => panic!("{o:?}"),
    }
    assert_eq!(s.results[3].outcome, Outcome::Ok(3));
    assert_ne!(s.results[1].pid, s.results[3].pid);
}

#[test]
fn oversized_task_fails_alone() {
    let _g = serial();
    let mut config = cfg(1);
    config.max_frame_bytes = 1024;
    let mut pool = Pool::new(config, |v: Vec<u8>| Ok::<_, String>(v.len()));
    let s = pool
        .map(vec![vec![1; 10], vec![2; 5000], vec![3; 20]])
        .unwrap();
    assert_eq!(s.results[0].outcome, Outcome::Ok(10));
    assert!(matches!(&s.results[1].outcome, Outcome::Failed(m) if m.contains("exceeds the limit")));
    assert_eq!(s.results[2].outcome, Outcome::Ok(20));
}

#[test]
fn oversized_result_fails_alone() {
    let _g = serial();
    let mut config = cfg(1);
    config.max_frame_bytes = 1024;
    let mut pool = Pool::new(config, |n: usize| Ok::<_, String>(vec![7u8; n]));
    let s = pool.map(vec![10, 5000, 20]).unwrap();
    assert_eq!(s.results[0].outcome, Outcome::Ok(vec![7; 10]));
    assert!(
        matches!(&s.results[1].outcome, Outcome::Failed(m) if m.contains("cannot send the result"))
    );
    assert_eq!(s.results[2].outcome, Outcome::Ok(vec![7; 20]));
    assert_eq!(s.results[1].pid, s.results[2].pid, "the worker survives");
}

#[test]
fn dropping_imap_early_kills_busy_workers_and_the_pool_goes_on() {
    let _g = serial();
    let mut pool = Pool::new(cfg(2), |x: u64| {
        sleep_ms(if x < 2 { 1 } else { 10_000 });
        Ok::<_, String>(x)
    });
    let mut it = pool.imap_unordered((0..6).collect()).unwrap();
    let first: Vec<u64> = it.by_ref().take(2).filter_map(|r| r.outcome.ok()).collect();
    assert_eq!(first.len(), 2);
    let t0 = Instant::now();
    drop(it);
    assert!(t0.elapsed() < Duration::from_secs(2));
    assert!(pool.worker_pids().is_empty());
    let s = pool.map(vec![0, 1]).unwrap();
    assert!(s.results.iter().all(|r| r.outcome.is_ok()));
}

#[test]
fn a_result_bincode_cannot_decode_fails_with_the_reason() {
    #[derive(Debug, PartialEq, serde::Serialize, serde::Deserialize)]
    #[serde(untagged)]
    enum Loose {
        Num(f64),
        Text(String),
    }
    let _g = serial();
    let mut pool = Pool::new(cfg(1), |x: u32| Ok::<_, String>(Loose::Num(f64::from(x))));
    let s = pool.map(vec![1, 2]).unwrap();
    for r in &s.results {
        match &r.outcome {
            Outcome::Failed(m) => assert!(m.contains("cannot decode frame: "), "{m}"),
            o => panic!("{o:?}"),
        }
    }
    let _ = Loose::Text(String::new());
}

#[test]
fn an_abort_at_the_memory_limit_is_out_of_memory_even_with_errno_gone() {
    let _g = serial();
    let mut config = cfg(1);
    config.retries = 0;
    config.mem_limit = Some(common::vm_size() + (128 << 20));
    let mut pool = Pool::new(config, |grow: bool| -> Result<usize, String> {
        if !grow {
            std::process::abort(); // far from the limit: a plain crash
        }
        let mut chunks: Vec<Vec<u8>> = Vec::new();
        loop {
            let mut v: Vec<u8> = Vec::new();
            if v.try_reserve_exact(1 << 20).is_err() {
                // What a C library might do: give up, errno not kept.
                nix::errno::Errno::clear();
                std::process::abort();
            }
            v.resize(1 << 20, 1);
            chunks.push(v);
        }
    });
    let s = pool.map(vec![true, false]).unwrap();
    assert_eq!(s.results[0].outcome, Outcome::OutOfMemory);
    assert_eq!(
        s.results[1].outcome,
        Outcome::Crashed(WorkerExit::Signal(Signal::SIGABRT))
    );
}

/// Pipelined short tasks mixed with hangs, panics, errors and worker recycling: each task
/// gets exactly the outcome its kind calls for.
#[test]
fn mixed_bad_tasks_under_recycling_get_exact_outcomes() {
    let _g = serial();
    let mut config = cfg(3);
    config.task_timeout = Some(Duration::from_millis(200));
    config.max_tasks_per_worker = Some(37);
    let mut pool = Pool::new(config, |x: u32| {
        match x % 250 {
            0 => sleep_ms(10_000),
            1 => panic!("bad {x}"),
            2 => return Err(format!("err {x}")),
            _ => {}
        }
        Ok::<_, String>(x + 1)
    });
    let t0 = Instant::now();
    let mut workers = 0;
    let s = pool
        .run((0..2000).collect(), None, |e| {
            if let Event::WorkerStarted { .. } = e {
                workers += 1
            }
        })
        .unwrap();
    assert!(t0.elapsed() < Duration::from_secs(10), "{:?}", t0.elapsed());
    for (i, r) in s.results.iter().enumerate() {
        let x = i as u32;
        match x % 250 {
            0 => assert_eq!(r.outcome, Outcome::TimedOut, "task {i}"),
            1 => assert!(
                matches!(&r.outcome, Outcome::Failed(m) if m.ends_with(&format!("bad {x}"))),
                "task {i}: {:?}",
                r.outcome
            ),
            2 => assert_eq!(r.outcome, Outcome::Failed(format!("err {x}"))),
            _ => assert_eq!(r.outcome, Outcome::Ok(x + 1), "task {i}"),
        }
        assert_eq!(r.attempt, 1, "task {i}");
    }
    // 2000 tasks at most 37 per worker, plus one replacement per timeout.
    assert!(workers >= 2000 / 37, "{workers} workers");
    let per_pid = s
        .results
        .iter()
        .fold(std::collections::HashMap::new(), |mut m, r| {
            *m.entry(r.pid).or_insert(0u32) += 1;
            m
        });
    assert!(per_pid.values().all(|&n| n <= 37));
}

#[test]
fn settings_under_which_nothing_could_run_are_refused_before_any_fork() {
    let _g = serial();
    type Setter = fn(&mut PoolConfig);
    let cases: [(Setter, &str); 3] = [
        (|c| c.workers = Some(0), "workers"),
        (|c| c.max_tasks_per_worker = Some(0), "max_tasks_per_worker"),
        (|c| c.task_timeout = Some(Duration::ZERO), "task_timeout"),
    ];
    for (set, name) in cases {
        let mut config = cfg(2);
        set(&mut config);
        let mut pool = Pool::new(config, |x: u64| Ok::<_, String>(x));
        match pool.map(vec![1, 2, 3]) {
            Err(e @ PoolError::Config(_)) => assert!(e.to_string().contains(name), "{e}"),
            other => panic!("{name}: expected a configuration error, got {other:?}"),
        }
        assert!(pool.worker_pids().is_empty(), "{name}: a worker was forked");
    }
}
