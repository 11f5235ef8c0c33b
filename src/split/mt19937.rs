//! numpy's legacy `np.random.RandomState`: the MT19937 generator seeded from one integer,
//! and the legacy `permutation` / `shuffle`, reproduced draw for draw.
//!
//! What numpy does, and we do:
//! - `RandomState(seed)` with an integer seed in `0..=2**32 - 1` runs Matsumoto and
//!   Nishimura's `init_genrand(seed)`; any other integer raises
//!   `ValueError("Seed must be between 0 and 2**32 - 1")`, here [`SeedError`].
//! - `shuffle(x)` is Fisher–Yates from the end: for `i` in `n-1, n-2, ..., 1` it draws
//!   `j = random_interval(i)` and swaps `x[i]` and `x[j]`.
//! - `random_interval(max)` draws a uniform integer in `0..=max` by masked rejection: the
//!   mask is the smallest `2**b - 1 >= max`; it draws 32-bit outputs (64-bit ones, two draws
//!   high word first, when `max > 2**32 - 1`), masks them and rejects values above `max`.
//!   `random_interval(0)` draws nothing.
//! - `permutation(n)` is `shuffle(arange(n))`.

use thiserror::Error;

const N: usize = 624;
const M: usize = 397;
const MATRIX_A: u32 = 0x9908_b0df;
const UPPER_MASK: u32 = 0x8000_0000;
const LOWER_MASK: u32 = 0x7fff_ffff;

/// A seed numpy's `RandomState` refuses.
#[derive(Clone, Copy, Debug, Error, PartialEq, Eq)]
#[error("seed {seed} is out of range: numpy's RandomState needs a seed between 0 and 2**32 - 1")]
pub struct SeedError {
    pub seed: i128,
}

/// numpy's legacy `RandomState` (MT19937), for the draws scikit-learn's splitters make.
#[derive(Clone)]
pub struct RandomState {
    key: [u32; N],
    /// The outputs of the current state, tempered all at once at each regeneration (a loop
    /// the compiler vectorises), read one by one from `pos`.
    out: [u32; N],
    pos: usize,
}

impl std::fmt::Debug for RandomState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RandomState")
            .field("pos", &self.pos)
            .finish_non_exhaustive()
    }
}

impl RandomState {
    /// `np.random.RandomState(seed)`: any integer type; out of `0..=2**32 - 1` is an error,
    /// as in numpy.
    pub fn new(seed: impl Into<i128>) -> Result<Self, SeedError> {
        let seed = seed.into();
        u32::try_from(seed)
            .map(Self::from_u32)
            .map_err(|_| SeedError { seed })
    }

    /// `RandomState(seed)` for a seed that is always valid.
    pub fn from_u32(seed: u32) -> Self {
        let mut key = [0u32; N];
        let mut s = seed;
        for (pos, k) in key.iter_mut().enumerate() {
            *k = s;
            s = 1_812_433_253u32
                .wrapping_mul(s ^ (s >> 30))
                .wrapping_add(pos as u32 + 1);
        }
        RandomState {
            key,
            out: [0; N],
            pos: N,
        }
    }

    fn generate(&mut self) {
        let twist = |a: u32, b: u32, c: u32| {
            let y = (a & UPPER_MASK) | (b & LOWER_MASK);
            c ^ (y >> 1) ^ (if y & 1 == 1 { MATRIX_A } else { 0 })
        };
        // the reference loop `key[i] = twist(key[i], key[(i+1) % N], key[(i+M) % N])` for i in
        // 0..N, in three pieces without the modulo (4x faster: the permutations of
        // TheilSen's and RANSAC's subsets draw tens of millions of outputs)
        let k = &mut self.key;
        for i in 0..N - M {
            k[i] = twist(k[i], k[i + 1], k[i + M]);
        }
        for i in N - M..N - 1 {
            k[i] = twist(k[i], k[i + 1], k[i + M - N]);
        }
        k[N - 1] = twist(k[N - 1], k[0], k[M - 1]);
        for (o, &k) in self.out.iter_mut().zip(k.iter()) {
            let mut y = k;
            y ^= y >> 11;
            y ^= (y << 7) & 0x9d2c_5680;
            y ^= (y << 15) & 0xefc6_0000;
            *o = y ^ (y >> 18);
        }
        self.pos = 0;
    }

    /// The next 32-bit output (numpy's `next_uint32`).
    pub fn next_u32(&mut self) -> u32 {
        if self.pos == N {
            self.generate();
        }
        let y = self.out[self.pos];
        self.pos += 1;
        y
    }

    /// The next 64-bit output (numpy's `next_uint64` for MT19937: two draws, high word first).
    pub fn next_u64(&mut self) -> u64 {
        let hi = u64::from(self.next_u32());
        let lo = u64::from(self.next_u32());
        (hi << 32) | lo
    }

    /// numpy's legacy `random_interval(max)`: uniform in `0..=max`.
    #[inline]
    pub fn random_interval(&mut self, max: u64) -> u64 {
        if max == 0 {
            return 0;
        }
        let mask = u64::MAX >> max.leading_zeros();
        if max <= u64::from(u32::MAX) {
            loop {
                let v = u64::from(self.next_u32()) & mask;
                if v <= max {
                    return v;
                }
            }
        } else {
            loop {
                let v = self.next_u64() & mask;
                if v <= max {
                    return v;
                }
            }
        }
    }

    /// `RandomState.shuffle(x)` for a 1-d array (or list): in place.
    ///
    /// numpy draws `j` in `0..=i` for `i` from the top down by rejection (`random_interval`).
    /// Here that loop runs without a branch on the draw: a rejected draw swaps `x[i]` with
    /// itself and leaves `i` as it is, and the mask shrinks when `i` falls below half of it.
    /// A mispredicted accept-or-reject branch was most of the time of TheilSen's and RANSAC's
    /// subset picking (tens of millions of draws); this is about twice as fast, draw for draw
    /// the same.
    pub fn shuffle<T>(&mut self, x: &mut [T]) {
        let mut i = x.len().saturating_sub(1);
        while i > u32::MAX as usize {
            let j = self.random_interval(i as u64) as usize;
            x.swap(i, j);
            i -= 1;
        }
        let mut pos = self.pos;
        while i > 0 {
            if pos == N {
                self.generate();
                pos = 0;
            }
            let mut mask = u32::MAX >> (i as u32).leading_zeros();
            while pos < N && i > 0 {
                let v = self.out[pos] & mask;
                pos += 1;
                let accept = v as usize <= i;
                let j = if accept { v as usize } else { i };
                x.swap(i, j);
                i -= usize::from(accept);
                if i <= (mask >> 1) as usize {
                    mask >>= 1;
                }
            }
        }
        self.pos = pos;
    }

    /// `RandomState.permutation(n)`.
    pub fn permutation(&mut self, n: usize) -> Vec<usize> {
        let mut v = Vec::new();
        self.permutation_into(n, &mut v);
        v
    }

    /// `RandomState.permutation(n)` written into `out` (its memory reused).
    pub fn permutation_into(&mut self, n: usize, out: &mut Vec<usize>) {
        out.clear();
        out.extend(0..n);
        self.shuffle(out);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn split_mt19937_reference_outputs() {
        // Matsumoto & Nishimura's mt19937ar.c, init_genrand(5489): first outputs.
        let mut r = RandomState::from_u32(5489);
        assert_eq!(r.next_u32(), 3_499_211_612);
        assert_eq!(r.next_u32(), 581_869_302);
        // numpy: np.random.RandomState(0).randint(2**32, dtype=np.uint64)... first raw output
        let mut r = RandomState::from_u32(0);
        assert_eq!(r.next_u32(), 2_357_136_044);
        // the C++ standard's check of std::mt19937 (seed 5489): the 10000th output, after 16
        // regenerations of the whole state
        let mut r = RandomState::from_u32(5489);
        let tenth_thousand = (0..10_000).map(|_| r.next_u32()).last();
        assert_eq!(tenth_thousand, Some(4_123_659_995));
    }

    #[test]
    fn split_shuffle_is_random_interval_draw_for_draw() {
        let mut fast = RandomState::from_u32(42);
        let mut reference = fast.clone();
        for n in [0, 1, 2, 3, 17, 1000, 5000] {
            let mut a: Vec<usize> = (0..n).collect();
            let mut b = a.clone();
            fast.shuffle(&mut a);
            for i in (1..n).rev() {
                let j = reference.random_interval(i as u64) as usize;
                b.swap(i, j);
            }
            assert_eq!(a, b, "n = {n}");
            assert_eq!(
                fast.next_u32(),
                reference.next_u32(),
                "the same draws used, n = {n}"
            );
        }
    }

    #[test]
    fn split_seed_range() {
        assert!(RandomState::new(0).is_ok());
        assert!(RandomState::new(u32::MAX).is_ok());
        assert_eq!(
            RandomState::new(1i64 << 32).unwrap_err(),
            SeedError { seed: 1 << 32 }
        );
        assert!(RandomState::new(-1).is_err());
    }

    #[test]
    fn split_random_interval_bounds() {
        let mut r = RandomState::from_u32(7);
        for max in [0u64, 1, 2, 3, 5, 1000, u64::from(u32::MAX), 1 << 40] {
            for _ in 0..50 {
                assert!(r.random_interval(max) <= max);
            }
        }
    }
}
