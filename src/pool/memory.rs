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

/// This process's virtual size (`/proc/self/statm`'s first field, in pages).
fn own_address_space() -> Option<u64> {
    let statm = std::fs::read_to_string("/proc/self/statm").ok()?;
    let pages: u64 = statm.split_whitespace().next()?.parse().ok()?;
    let page = page_size()?;
    Some(pages * page)
}

/// The kernel's page size, from the auxiliary vector (no libc call needed).
fn page_size() -> Option<u64> {
    let aux = std::fs::read("/proc/self/auxv").ok()?;
    // The auxiliary vector: pairs of native words (key, value); AT_PAGESZ is 6.
    let word = std::mem::size_of::<usize>();
    aux.chunks_exact(2 * word).find_map(|pair| {
        let key = usize::from_ne_bytes(pair[..word].try_into().ok()?);
        let value = usize::from_ne_bytes(pair[word..].try_into().ok()?);
        (key == 6).then_some(value as u64)
    })
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

    #[test]
    fn the_page_size_is_read() {
        let page = page_size().expect("auxv");
        assert!(page.is_power_of_two() && page >= 4096);
    }
}
