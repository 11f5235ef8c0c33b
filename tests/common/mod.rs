//! Helpers shared by the pool's integration tests.
#![allow(dead_code)]

use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant};

use fitpool::pool::PoolConfig;

/// A config for tests: `workers` workers, forking allowed under libtest's threads.
pub fn cfg(workers: usize) -> PoolConfig {
    PoolConfig {
        workers: Some(workers),
        allow_threads: true,
        ..PoolConfig::default()
    }
}

/// Pool runs are one at a time per process (signal handlers are process-wide): tests that
/// run pools take this lock, for `cargo test`'s threads (nextest runs one test per process).
pub fn serial() -> MutexGuard<'static, ()> {
    static LOCK: Mutex<()> = Mutex::new(());
    LOCK.lock().unwrap_or_else(|e| e.into_inner())
}

/// Whether `pid` is a live (not zombie) process.
pub fn alive(pid: i32) -> bool {
    match std::fs::read_to_string(format!("/proc/{pid}/stat")) {
        Ok(stat) => {
            // state is the field after the ")" that closes the command name
            let state = stat
                .rsplit_once(')')
                .and_then(|(_, rest)| rest.split_whitespace().next());
            !matches!(state, Some("Z") | Some("X"))
        }
        Err(_) => false,
    }
}

/// Waits until none of `pids` is alive; `false` on timeout.
pub fn wait_gone(pids: &[i32], timeout: Duration) -> bool {
    let end = Instant::now() + timeout;
    while Instant::now() < end {
        if pids.iter().all(|&p| !alive(p)) {
            return true;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    pids.iter().all(|&p| !alive(p))
}

/// Children of `pid` (from `/proc/*/stat`).
pub fn children_of(pid: i32) -> Vec<i32> {
    let mut out = Vec::new();
    let Ok(dir) = std::fs::read_dir("/proc") else {
        return out;
    };
    for e in dir.flatten() {
        let Ok(p) = e.file_name().to_string_lossy().parse::<i32>() else {
            continue;
        };
        let Ok(stat) = std::fs::read_to_string(format!("/proc/{p}/stat")) else {
            continue;
        };
        let ppid = stat
            .rsplit_once(')')
            .and_then(|(_, rest)| rest.split_whitespace().nth(1))
            .and_then(|v| v.parse::<i32>().ok());
        if ppid == Some(pid) && alive(p) {
            out.push(p);
        }
    }
    out
}

/// Virtual memory size of this process in bytes.
pub fn vm_size() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap();
    let kb: u64 = status
        .lines()
        .find_map(|l| l.strip_prefix("VmSize:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap();
    kb * 1024
}

pub fn sleep_ms(ms: u64) {
    std::thread::sleep(Duration::from_millis(ms));
}
