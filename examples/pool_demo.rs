//! Try the pool by hand: `cargo run --release --example pool_demo -- [TASKS] [MS] [WORKERS]`
//! runs TASKS tasks of MS milliseconds each (default 20 × 2000 ms on 4 workers) and prints
//! every event to stderr. Meanwhile, from another terminal: `kill -TERM <worker>` (drops its
//! task), `kill -HUP <worker>` (retires it after its task), `kill -9 <worker>` (retried),
//! `kill -USR1 <parent>` (status), Ctrl-C once (grace) or twice (at once).

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use fitpool::pool::{Event, Pool, PoolConfig};

fn main() {
    let arg = |i: usize, default: u64| {
        std::env::args()
            .nth(i)
            .and_then(|a| a.parse().ok())
            .unwrap_or(default)
    };
    let (tasks, ms, workers) = (arg(1, 20), arg(2, 2000), arg(3, 4));
    let config = PoolConfig {
        workers: Some(workers as usize),
        tick: Some(Duration::from_secs(5)),
        ..PoolConfig::default()
    };
    let mut pool = Pool::new(config, move |i: u64| -> Result<u64, String> {
        std::thread::sleep(Duration::from_millis(ms));
        Ok(i * i)
    });
    let t0 = Instant::now();
    eprintln!("parent pid {}", std::process::id());
    let mut running: BTreeMap<i32, (usize, Instant)> = BTreeMap::new();
    let summary = pool
        .run((0..tasks).collect(), None, |event| {
            let at = t0.elapsed().as_secs_f64();
            match event {
                Event::TaskStarted { index, pid, .. } => {
                    running.insert(pid, (index, Instant::now()));
                }
                Event::TaskFinished(r) => {
                    running.remove(&r.pid);
                }
                Event::StatusRequested | Event::Tick => {
                    for (pid, (index, since)) in &running {
                        eprintln!(
                            "{at:8.3}  pid {pid}: task {index} for {:.1} s",
                            since.elapsed().as_secs_f64()
                        );
                    }
                }
                _ => {}
            }
            match event {
                Event::TaskFinished(r) => eprintln!(
                    "{at:8.3}  task {} {} (pid {}, attempt {}, {:.3} s, peak {} KiB)",
                    r.index,
                    r.outcome.label(),
                    r.pid,
                    r.attempt,
                    r.wall.as_secs_f64(),
                    r.peak_rss_bytes.unwrap_or(0) / 1024
                ),
                Event::Tick => {}
                other => eprintln!("{at:8.3}  {other:?}"),
            }
        })
        .unwrap_or_else(|e| {
            eprintln!("error: {e}");
            std::process::exit(2)
        });
    let ok = summary.results.iter().filter(|r| r.outcome.is_ok()).count();
    eprintln!("{ok}/{} ok", summary.results.len());
    std::process::exit(
        summary
            .interrupted_exit_code()
            .unwrap_or(if ok == summary.results.len() { 0 } else { 1 }),
    );
}
