//! The default memory limit per worker: a fair share of the machine's available memory, so
//! that one task whose memory grows with the square of the rows (a Gaussian process, a
//! kernel ridge, an SVM's kernel cache) ends "out of memory" instead of taking the machine
//! and every other task down with it.

/// How a worker's memory limit was chosen (for the message of a task that reaches it).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct MemoryShare {
    /// The limit on each worker's address space, in bytes.
    pub limit: u64,
    /// The memory available to the run when it started (the machine's, or its cgroup's if
    /// smaller), in bytes.
    pub available: u64,
    /// The parent's address space at the fork, in bytes: inherited by each worker (mostly
    /// shared copy-on-write, so not counted against the share).
    pub inherited: u64,
    /// The workers the available memory is shared among.
    pub workers: usize,
}

/// Each of `workers` workers may grow by the available memory divided by the workers, on top
/// of the address space it inherits from the parent (`None` where the facts can't be read).
///
/// `FITPOOL_AVAILABLE_MEMORY` (bytes, or a size like `512M`) overrides the measured available
/// memory, to try the limit on a small scale.
pub fn fair_share(workers: usize) -> Option<MemoryShare> {
    let available = match std::env::var("FITPOOL_AVAILABLE_MEMORY") {
        Ok(v) => crate::units::parse_size(&v).ok()?,
        Err(_) => available_memory()?,
    };
    let inherited = own_address_space()?;
    let workers = workers.max(1);
    let share = available / workers as u64;
    Some(MemoryShare {
        limit: inherited.saturating_add(share),
        available,
        inherited,
        workers,
    })
}

/// Available memory (what can be allocated without swapping), bounded by the cgroup's limit.
fn available_memory() -> Option<u64> {
    let mut sys = sysinfo::System::new();
    sys.refresh_memory();
    let machine = sys.available_memory();
    if machine == 0 {
        return None;
    }
    let cgroup = sys.cgroup_limits().map(|c| c.free_memory);
    Some(match cgroup {
        Some(free) if free > 0 => machine.min(free),
        _ => machine,
    })
}

/// This process's virtual size (`VmSize` of `/proc/self/status`, in kB).
fn own_address_space() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let kb: u64 = status
        .lines()
        .find_map(|l| l.strip_prefix("VmSize:"))?
        .trim()
        .strip_suffix("kB")?
        .trim()
        .parse()
        .ok()?;
    Some(kb * 1024)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_share_is_the_inherited_space_plus_available_over_workers() {
        let one = fair_share(1).expect("facts on Linux");
        let four = fair_share(4).expect("facts on Linux");
        assert!(one.available > 0 && one.inherited > 0);
        assert_eq!(four.workers, 4);
        let grow_one = one.limit - one.inherited;
        let grow_four = four.limit - four.inherited;
        // Available memory moves between the two reads; the share is about a quarter.
        assert!(grow_four < grow_one / 2, "{one:?} vs {four:?}");
    }
}
