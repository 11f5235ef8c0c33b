//! A worker that runs out of memory is reported as out of memory without std's raw
//! `memory allocation of N bytes failed` line on stderr (issue 17, item 14): with
//! [`WorkerAlloc`] as the global allocator (as the `fitpool` binary has it), the failed
//! allocation ends the worker before std's handler prints. The pool runs in a child copy of
//! this test binary, so that its stderr (which the workers share) can be read.

mod common;

use std::process::Command;

use fitpool::pool::{Outcome, Pool, WorkerAlloc};

#[global_allocator]
static ALLOC: WorkerAlloc = WorkerAlloc;

const CHILD: &str = "FITPOOL_OOM_QUIET_CHILD";

/// The pool part, run only inside the child process (see [`oom_leaves_stderr_clean`]).
fn child() {
    let mut config = common::cfg(1);
    config.mem_limit = Some(common::vm_size() + (256 << 20));
    let mut pool = Pool::new(config, |mb: usize| {
        let v = vec![1u8; mb << 20];
        Ok::<_, String>(v.iter().step_by(4096).map(|&b| b as usize).sum::<usize>())
    });
    let s = pool.map(vec![8192, 4]).expect("the pool runs");
    for r in &s.results {
        let word = match &r.outcome {
            Outcome::OutOfMemory => "oom".to_string(),
            Outcome::Ok(v) => format!("ok {v}"),
            other => format!("{other:?}"),
        };
        println!("result {word}");
    }
}

#[test]
fn oom_leaves_stderr_clean() {
    if std::env::var_os(CHILD).is_some() {
        return child();
    }
    let out = Command::new(std::env::current_exe().unwrap())
        .args([
            "--exact",
            "oom_leaves_stderr_clean",
            "--nocapture",
            "--test-threads",
            "1",
        ])
        .env(CHILD, "1")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "child failed: {stdout}\n{stderr}");
    // (libtest's "test ... " may stand before the first line on the same line)
    let results: Vec<&str> = stdout
        .lines()
        .filter_map(|l| l.split_once("result ").map(|(_, r)| r))
        .collect();
    assert_eq!(results, ["oom", "ok 1024"], "{stdout}");
    assert!(
        !stderr.contains("memory allocation of"),
        "raw allocation-failure line on stderr: {stderr}"
    );
}
