//! How tasks are split between shards: a stable, cost-balanced assignment.

use std::cmp::{Ordering, Reverse};
use std::collections::BinaryHeap;

/// The shard (0-based) of each task, for `count` shards.
///
/// `costs[i]` is the expected cost of task `i` of the expanded lineup (in lineup order). The
/// split is longest-processing-time first: tasks by cost, highest first (ties by lineup
/// order), each to the shard with the least load so far (ties: the one with fewest tasks, then
/// the lowest). So:
/// - every task is in exactly one shard, and every process of an array computes the same
///   assignment from the same lineup (it depends on nothing but `costs` and `count`);
/// - loads differ by at most the largest cost (a shard only gains a task while it is the least
///   loaded); equal costs are dealt round-robin, so task counts differ by at most one;
/// - with more shards than tasks, some shards are empty.
///
/// A cost that is NaN or negative counts as 0; costs are capped at 1e300 so sums stay finite.
///
/// # Panics
/// If `count` is 0 (a [`Shard`](super::Shard) always has `count >= 1`).
pub fn assign(costs: &[f64], count: usize) -> Vec<usize> {
    assert!(count > 0, "assign: the shard count must be at least 1");
    let cost = |i: usize| {
        let c = costs[i];
        if c.is_nan() || c < 0.0 {
            0.0
        } else {
            c.min(1e300)
        }
    };
    let mut order: Vec<usize> = (0..costs.len()).collect();
    // stable sort: equal costs keep lineup order
    order.sort_by(|&a, &b| cost(b).total_cmp(&cost(a)));

    let mut heap: BinaryHeap<Reverse<Bin>> = (0..count)
        .map(|shard| {
            Reverse(Bin {
                load: 0.0,
                tasks: 0,
                shard,
            })
        })
        .collect();
    let mut out = vec![0; costs.len()];
    for task in order {
        let Reverse(mut bin) = heap.pop().expect("count > 0 bins");
        out[task] = bin.shard;
        bin.load += cost(task);
        bin.tasks += 1;
        heap.push(Reverse(bin));
    }
    out
}

/// A shard being filled; ordered by load, then task count, then shard number.
#[derive(Clone, Copy, Debug)]
struct Bin {
    load: f64,
    tasks: usize,
    shard: usize,
}

impl Ord for Bin {
    fn cmp(&self, other: &Bin) -> Ordering {
        self.load
            .total_cmp(&other.load)
            .then(self.tasks.cmp(&other.tasks))
            .then(self.shard.cmp(&other.shard))
    }
}

impl PartialOrd for Bin {
    fn partial_cmp(&self, other: &Bin) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl PartialEq for Bin {
    fn eq(&self, other: &Bin) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for Bin {}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::collections::HashMap;

    fn loads(costs: &[f64], a: &[usize], count: usize) -> Vec<f64> {
        let mut l = vec![0.0; count];
        for (i, &s) in a.iter().enumerate() {
            l[s] += costs[i];
        }
        l
    }

    /// Every task exactly once, in a shard that exists; the shards are disjoint and cover all.
    fn check_partition(a: &[usize], n_tasks: usize, count: usize) {
        assert_eq!(a.len(), n_tasks);
        assert!(a.iter().all(|&s| s < count), "{a:?}");
        let mut seen = vec![0usize; n_tasks];
        for shard in 0..count {
            for (task, _) in a.iter().enumerate().filter(|(_, &s)| s == shard) {
                seen[task] += 1;
            }
        }
        assert!(seen.iter().all(|&n| n == 1), "{seen:?}");
    }

    fn check_balance(costs: &[f64], a: &[usize], count: usize) {
        let l = loads(costs, a, count);
        let max = l.iter().cloned().fold(f64::MIN, f64::max);
        let min = l.iter().cloned().fold(f64::MAX, f64::min);
        let max_cost = costs.iter().cloned().fold(0.0, f64::max);
        assert!(
            max <= min + max_cost + 1e-9 * max.abs(),
            "loads {l:?}, max cost {max_cost}"
        );
    }

    #[test]
    fn known_split() {
        // LPT: 8 -> s0, 7 -> s1, 6 -> s2, 5 -> s2 (6 < 7 < 8), 4 -> s1, 1 -> s0
        let costs = [1.0, 8.0, 5.0, 7.0, 4.0, 6.0];
        assert_eq!(assign(&costs, 3), vec![0, 0, 2, 1, 1, 2]);
        assert_eq!(loads(&costs, &assign(&costs, 3), 3), vec![9.0, 11.0, 11.0]);
    }

    #[test]
    fn equal_costs_round_robin_in_lineup_order() {
        assert_eq!(assign(&[1.0; 7], 3), vec![0, 1, 2, 0, 1, 2, 0]);
        // zero costs (unknown) are spread by count, not piled on shard 0
        assert_eq!(assign(&[0.0; 5], 2), vec![0, 1, 0, 1, 0]);
    }

    #[test]
    fn more_shards_than_tasks_leaves_empty_shards() {
        let a = assign(&[3.0, 1.0, 2.0], 5);
        check_partition(&a, 3, 5);
        assert_eq!(a, vec![0, 2, 1]);
        assert!(assign(&[], 4).is_empty());
    }

    #[test]
    fn one_shard_takes_everything() {
        assert_eq!(assign(&[5.0, 0.1, 2.0], 1), vec![0, 0, 0]);
    }

    #[test]
    fn odd_costs_do_not_break_it() {
        let costs = [f64::NAN, -1.0, f64::INFINITY, 2.0, 0.0, 1e308];
        let a = assign(&costs, 3);
        check_partition(&a, costs.len(), 3);
        assert_eq!(a, assign(&costs, 3));
    }

    #[test]
    #[should_panic(expected = "at least 1")]
    fn zero_shards_panics() {
        assign(&[1.0], 0);
    }

    #[test]
    fn independent_of_hash_map_order() {
        // costs looked up by key through maps with different random hash seeds (and different
        // insertion orders) give the same costs in lineup order, hence the same split
        let lineup: Vec<String> = (0..40).map(|i| format!("Model{i}(p={})", i % 7)).collect();
        let cost_of = |k: &str| (k.len() * 37 % 11) as f64 + 0.5;
        let mut first: Option<Vec<usize>> = None;
        for round in 0..8 {
            let mut keys = lineup.clone();
            keys.rotate_left(round * 5);
            let map: HashMap<String, f64> = keys.iter().map(|k| (k.clone(), cost_of(k))).collect();
            let costs: Vec<f64> = lineup.iter().map(|k| map[k]).collect();
            let a = assign(&costs, 4);
            match &first {
                None => first = Some(a),
                Some(f) => assert_eq!(f, &a),
            }
        }
    }

    proptest! {
        #[test]
        fn partition_balance_and_stability(
            costs in proptest::collection::vec(0.0f64..1000.0, 0..200),
            count in 1usize..20,
        ) {
            let a = assign(&costs, count);
            check_partition(&a, costs.len(), count);
            check_balance(&costs, &a, count);
            prop_assert_eq!(&a, &assign(&costs, count));
            // an assignment for shard k, computed alone, is the same tasks
            for k in 0..count {
                let mine: Vec<usize> = (0..costs.len()).filter(|&i| a[i] == k).collect();
                let again: Vec<usize> =
                    assign(&costs.clone(), count).iter().enumerate()
                        .filter(|(_, &s)| s == k).map(|(i, _)| i).collect();
                prop_assert_eq!(mine, again);
            }
        }

        #[test]
        fn equal_costs_give_counts_within_one(n in 0usize..100, count in 1usize..16, c in 0.0f64..10.0) {
            let a = assign(&vec![c; n], count);
            let mut per = vec![0usize; count];
            for s in a { per[s] += 1; }
            let max = per.iter().max().copied().unwrap_or(0);
            let min = per.iter().min().copied().unwrap_or(0);
            prop_assert!(max <= min + 1, "{:?}", per);
        }
    }
}
