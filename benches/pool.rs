//! Pool benchmarks (harness = false; run with `cargo bench --bench pool`):
//! (a) per-task round trip of a trivial task, 10,000 tasks on 2 started workers, µs/task;
//! (b) time to fork N workers whose job captures a 100,000 × 20 f64 matrix.
//! `scripts/bench_pool.py` measures the same with Python's `multiprocessing.Pool`.

use std::time::{Duration, Instant};

use fitpool::pool::{Pool, PoolConfig};

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn round_trip(tasks: u64, workers: usize, reps: usize, prefetch: usize) -> (f64, f64) {
    let config = PoolConfig {
        workers: Some(workers),
        prefetch,
        ..PoolConfig::default()
    };
    let mut pool = Pool::new(config, |x: u64| Ok::<_, String>(x * 2));
    pool.start(None).expect("start");
    pool.map((0..100).collect()).expect("warm-up");
    let mut per_task = Vec::new();
    for _ in 0..reps {
        let t0 = Instant::now();
        let s = pool.map((0..tasks).collect()).expect("map");
        let dt = t0.elapsed();
        assert!(s.results.iter().all(|r| r.outcome.is_ok()));
        per_task.push(dt.as_secs_f64() * 1e6 / tasks as f64);
    }
    let best = per_task.iter().copied().fold(f64::INFINITY, f64::min);
    (best, median(per_task))
}

/// (fork only, fork + one task answered by each worker), in ms.
fn fork_time(workers: usize, reps: usize) -> ((f64, f64), (f64, f64)) {
    let (rows, cols) = (100_000usize, 20usize);
    let matrix: Vec<f64> = (0..rows * cols).map(|i| i as f64 * 0.5).collect();
    let mut fork_ms = Vec::new();
    let mut ready_ms = Vec::new();
    let mut pool = Pool::new(
        PoolConfig {
            workers: Some(workers),
            ..PoolConfig::default()
        },
        move |i: usize| Ok::<_, String>(matrix[(i % rows) * cols]),
    );
    for _ in 0..reps {
        let t0 = Instant::now();
        pool.start(Some(workers)).expect("start");
        fork_ms.push(t0.elapsed().as_secs_f64() * 1e3);
        // Every worker answers one task.
        let s = pool.map((0..workers).collect()).expect("map");
        ready_ms.push(t0.elapsed().as_secs_f64() * 1e3);
        assert!(s.results.iter().all(|r| r.outcome.is_ok()));
        pool.join();
        std::thread::sleep(Duration::from_millis(20));
    }
    let best = |v: &[f64]| v.iter().copied().fold(f64::INFINITY, f64::min);
    (
        (best(&fork_ms), median(fork_ms.clone())),
        (best(&ready_ms), median(ready_ms)),
    )
}

fn main() {
    // `cargo bench` passes `--bench`; ignore arguments.
    let quick = std::env::args().any(|a| a == "--quick");
    let reps = if quick { 3 } else { 10 };
    let only_pipelined = std::env::args().any(|a| a == "--pipelined-only");
    let prefetches: &[usize] = if only_pipelined { &[256] } else { &[256, 0] };
    for &prefetch in prefetches {
        let (best, med) = round_trip(10_000, 2, reps, prefetch);
        println!(
            "round_trip tasks=10000 workers=2 prefetch={prefetch}: best {best:.2} us/task, median {med:.2} us/task"
        );
    }
    if only_pipelined {
        return;
    }
    for n in [2, 16] {
        let ((fb, fm), (rb, rm)) = fork_time(n, reps.min(5));
        println!(
            "start workers={n} matrix=100000x20 f64: fork best {fb:.2} ms, median {fm:.2} ms; \
             all answered best {rb:.2} ms, median {rm:.2} ms"
        );
    }
}
