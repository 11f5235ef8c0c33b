//! What happens to the workers when the parent itself is signalled or killed. The parent is
//! this test binary run again as a helper (`FITPOOL_POOL_HELPER=<mode>`), so the test can
//! signal it from outside and look at `/proc` afterwards.

mod common;

use std::io::{BufRead, BufReader};
use std::process::{Child, ChildStdout, Command, Stdio};
use std::time::{Duration, Instant};

use common::{alive, children_of, wait_gone};
use fitpool::pool::{Event, Pool, PoolConfig};
use nix::sys::signal::{kill, Signal};
use nix::unistd::Pid;

const HELPER_ENV: &str = "FITPOOL_POOL_HELPER";

/// The helper: a run of 4 long tasks on 2 workers, printing `WORKER <pid>` and
/// `STARTED <index>` lines, then `RESULT <index> <label>` lines; exits 130/143 when
/// interrupted. Does nothing in a normal test run.
#[test]
fn helper_entry() {
    let Ok(mode) = std::env::var(HELPER_ENV) else {
        return;
    };
    let grace = if mode == "grace60" { 60 } else { 2 };
    let config = PoolConfig {
        workers: Some(2),
        grace: Duration::from_secs(grace),
        allow_threads: true,
        ..PoolConfig::default()
    };
    let matrix: Vec<f64> = (0..100_000).map(f64::from).collect();
    let mut pool = Pool::new(config, move |x: usize| {
        std::thread::sleep(Duration::from_secs(30));
        Ok::<_, String>(matrix[x])
    });
    let out = |line: String| {
        use std::io::Write;
        let mut o = std::io::stdout().lock();
        writeln!(o, "{line}").unwrap();
        o.flush().unwrap();
    };
    let s = pool
        .run((0..4).collect(), None, |e| match e {
            Event::WorkerStarted { pid, .. } => out(format!("WORKER {pid}")),
            Event::TaskStarted { index, .. } => out(format!("STARTED {index}")),
            _ => {}
        })
        .unwrap();
    for r in &s.results {
        out(format!("RESULT {} {}", r.index, r.outcome.label()));
    }
    std::process::exit(s.interrupted_exit_code().unwrap_or(0));
}

struct Helper {
    child: Child,
    lines: std::io::Lines<BufReader<ChildStdout>>,
    workers: Vec<i32>,
}

impl Helper {
    fn start(mode: &str) -> Helper {
        let exe = std::env::current_exe().unwrap();
        let mut child = Command::new(exe)
            .args(["--exact", "helper_entry", "--nocapture", "--test-threads=1"])
            .env(HELPER_ENV, mode)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let lines = BufReader::new(child.stdout.take().unwrap()).lines();
        Helper {
            child,
            lines,
            workers: Vec::new(),
        }
    }

    /// Reads lines until `n` tasks have started; remembers worker pids.
    fn wait_started(&mut self, n: usize) {
        let mut started = 0;
        while started < n {
            let line = self.lines.next().expect("helper ended early").unwrap();
            // libtest prints "test helper_entry ... " without a newline before our first line.
            if let Some(at) = line.find("WORKER ") {
                self.workers.push(line[at + 7..].trim().parse().unwrap());
            } else if line.contains("STARTED ") {
                started += 1;
            }
        }
    }

    fn pid(&self) -> i32 {
        self.child.id() as i32
    }

    fn signal(&self, sig: Signal) {
        kill(Pid::from_raw(self.pid()), sig).unwrap();
    }

    /// Waits for the helper's exit code (`None`: killed by a signal), at most `limit`.
    fn wait(&mut self, limit: Duration) -> (Option<i32>, Duration, Vec<String>) {
        let t0 = Instant::now();
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                let rest: Vec<String> = self.lines.by_ref().map_while(Result::ok).collect();
                return (status.code(), t0.elapsed(), rest);
            }
            if t0.elapsed() > limit {
                let _ = self.child.kill();
                panic!("helper did not exit within {limit:?}");
            }
            std::thread::sleep(Duration::from_millis(10));
        }
    }
}

#[test]
fn sigterm_to_the_parent_exits_143_and_leaves_no_process() {
    let mut h = Helper::start("default");
    h.wait_started(2);
    assert_eq!(h.workers.len(), 2);
    assert!(h.workers.iter().all(|&p| alive(p)));
    let helper = h.pid();
    h.signal(Signal::SIGTERM);
    let (code, took, lines) = h.wait(Duration::from_secs(10));
    assert_eq!(code, Some(143));
    assert!(took < Duration::from_secs(5), "grace is 2 s, took {took:?}");
    assert_eq!(
        lines.iter().filter(|l| l.ends_with(" cancelled")).count(),
        4,
        "{lines:?}"
    );
    assert!(
        wait_gone(&h.workers, Duration::from_secs(1)),
        "workers left behind"
    );
    assert!(children_of(helper).is_empty());
}

#[test]
fn sigint_twice_kills_at_once() {
    let mut h = Helper::start("grace60");
    h.wait_started(2);
    h.signal(Signal::SIGINT);
    std::thread::sleep(Duration::from_millis(200));
    assert!(
        h.child.try_wait().unwrap().is_none(),
        "still in its 60 s grace"
    );
    h.signal(Signal::SIGINT);
    let (code, took, lines) = h.wait(Duration::from_secs(10));
    assert_eq!(code, Some(130));
    assert!(took < Duration::from_secs(3), "took {took:?}");
    assert_eq!(lines.len(), 4);
    assert!(wait_gone(&h.workers, Duration::from_secs(1)));
}

#[test]
fn sigkill_to_the_parent_takes_the_workers_down() {
    let mut h = Helper::start("default");
    h.wait_started(2);
    let workers = h.workers.clone();
    assert_eq!(workers.len(), 2);
    assert!(workers.iter().all(|&p| alive(p)));
    h.signal(Signal::SIGKILL);
    let (code, _, _) = h.wait(Duration::from_secs(5));
    assert_eq!(code, None);
    assert!(
        wait_gone(&workers, Duration::from_secs(3)),
        "PR_SET_PDEATHSIG did not take the workers down"
    );
}
