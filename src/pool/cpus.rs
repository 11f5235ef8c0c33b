//! The default number of workers: the CPUs this process may run on (`sched_getaffinity`),
//! capped by the cgroup v2 CPU quota (`cpu.max` of this process's cgroup and its ancestors)
//! and by a cap the caller passes (a batch scheduler's CPUs per task: the pool knows no
//! scheduler). The parsing pieces are pure functions.

use std::path::{Path, PathBuf};

/// Default worker count for this process, at least 1: the usable CPUs, at most `cap`.
pub fn default_workers(cap: Option<usize>) -> usize {
    let affinity = affinity_cpus().unwrap_or_else(|| {
        std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(1)
    });
    let quota = std::fs::read_to_string("/proc/self/cgroup")
        .ok()
        .and_then(|c| cgroup_v2_path(&c).map(str::to_owned))
        .and_then(|p| cgroup_quota(Path::new("/sys/fs/cgroup"), &p));
    combine(affinity, quota, cap)
}

/// Workers for a run of `tasks` tasks: `configured` (or the default), never more than the
/// tasks, at least 1.
pub fn workers_for(configured: Option<usize>, cap: Option<usize>, tasks: usize) -> usize {
    configured
        .unwrap_or_else(|| default_workers(cap))
        .min(tasks)
        .max(1)
}

/// The smallest of the known limits, at least 1.
pub fn combine(affinity: usize, cgroup_quota: Option<usize>, cap: Option<usize>) -> usize {
    [Some(affinity), cgroup_quota, cap]
        .into_iter()
        .flatten()
        .min()
        .unwrap_or(1)
        .max(1)
}

/// CPUs in this process's affinity mask.
pub fn affinity_cpus() -> Option<usize> {
    let set = nix::sched::sched_getaffinity(nix::unistd::Pid::from_raw(0)).ok()?;
    let n = (0..nix::sched::CpuSet::count())
        .filter(|&i| set.is_set(i).unwrap_or(false))
        .count();
    (n > 0).then_some(n)
}

/// The cgroup v2 path (`0::/some/path` line) of `/proc/self/cgroup`.
pub fn cgroup_v2_path(proc_self_cgroup: &str) -> Option<&str> {
    proc_self_cgroup
        .lines()
        .find_map(|l| l.strip_prefix("0::"))
        .map(str::trim)
}

/// CPUs allowed by one `cpu.max` file: `"max 100000"` is no cap, `"150000 100000"` is 2
/// (rounded up).
pub fn parse_cpu_max(content: &str) -> Option<usize> {
    let mut parts = content.split_whitespace();
    let quota = parts.next()?;
    if quota == "max" {
        return None;
    }
    let quota: u64 = quota.parse().ok()?;
    let period: u64 = parts.next().map_or(Some(100_000), |p| p.parse().ok())?;
    if quota == 0 || period == 0 {
        return None;
    }
    Some(quota.div_ceil(period).max(1) as usize)
}

/// The tightest `cpu.max` from the cgroup at `path` (under the cgroup2 mount `root`) up to
/// the root.
pub fn cgroup_quota(root: &Path, path: &str) -> Option<usize> {
    let mut dir: PathBuf = root.join(path.trim_start_matches('/'));
    let mut best: Option<usize> = None;
    loop {
        if let Ok(c) = std::fs::read_to_string(dir.join("cpu.max")) {
            if let Some(n) = parse_cpu_max(&c) {
                best = Some(best.map_or(n, |b| b.min(n)));
            }
        }
        if dir == root || !dir.pop() || !dir.starts_with(root) {
            break;
        }
    }
    best
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cpu_max_parsing() {
        assert_eq!(parse_cpu_max("max 100000\n"), None);
        assert_eq!(parse_cpu_max("200000 100000\n"), Some(2));
        assert_eq!(parse_cpu_max("150000 100000"), Some(2));
        assert_eq!(parse_cpu_max("50000 100000"), Some(1));
        assert_eq!(parse_cpu_max("400000"), Some(4));
        assert_eq!(parse_cpu_max("0 100000"), None);
        assert_eq!(parse_cpu_max("junk 100"), None);
        assert_eq!(parse_cpu_max(""), None);
    }

    #[test]
    fn cgroup_path_parsing() {
        let v2 = "0::/user.slice/user-1000.slice/session-3.scope\n";
        assert_eq!(
            cgroup_v2_path(v2),
            Some("/user.slice/user-1000.slice/session-3.scope")
        );
        let hybrid = "12:cpu,cpuacct:/x\n0::/y\n";
        assert_eq!(cgroup_v2_path(hybrid), Some("/y"));
        assert_eq!(cgroup_v2_path("4:memory:/x\n"), None);
    }

    #[test]
    fn smallest_limit_wins() {
        assert_eq!(combine(16, None, None), 16);
        assert_eq!(combine(16, Some(3), None), 3);
        assert_eq!(combine(16, Some(3), Some(2)), 2);
        assert_eq!(combine(2, Some(8), Some(4)), 2);
        assert_eq!(combine(0, None, None), 1);
    }

    #[test]
    fn workers_never_exceed_tasks() {
        assert_eq!(workers_for(Some(8), None, 3), 3);
        assert_eq!(workers_for(Some(2), None, 100), 2);
        assert_eq!(workers_for(Some(4), None, 0), 1);
        assert!(workers_for(None, None, 1000) >= 1);
        // the caller's cap (SLURM's CPUs per task) bounds the default, not an explicit count
        assert_eq!(workers_for(None, Some(1), 1000), 1);
        assert_eq!(workers_for(Some(3), Some(1), 1000), 3);
    }

    #[test]
    fn quota_walks_up_the_hierarchy() {
        let root = std::env::temp_dir().join(format!("fitpool-cg-{}", std::process::id()));
        let leaf = root.join("a/b");
        std::fs::create_dir_all(&leaf).unwrap();
        std::fs::write(root.join("a/cpu.max"), "300000 100000\n").unwrap();
        std::fs::write(leaf.join("cpu.max"), "max 100000\n").unwrap();
        assert_eq!(cgroup_quota(&root, "/a/b"), Some(3));
        std::fs::write(leaf.join("cpu.max"), "100000 100000\n").unwrap();
        assert_eq!(cgroup_quota(&root, "/a/b"), Some(1));
        assert_eq!(cgroup_quota(&root, "/nowhere"), None);
        std::fs::remove_dir_all(&root).unwrap();
    }

    #[test]
    fn default_is_positive_and_within_affinity() {
        let d = default_workers(None);
        assert!(d >= 1);
        if let Some(a) = affinity_cpus() {
            assert!(d <= a);
        }
    }
}
