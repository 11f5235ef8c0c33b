//! Size-limited LRU cache of kernel rows `K(i, .)` (full length n, indexed by sample). Rows live
//! in fixed-size chunks allocated as the cache fills (never reallocated or copied), so lookups
//! and evictions never allocate and memory grows only as far as it is used. Values are kept
//! as `f32`, as libsvm keeps its `Qfloat` rows: twice the rows in the same memory, half the
//! memory traffic in the solver's passes over a row; everything computed from them is `f64`.

const NONE: u32 = u32::MAX;
/// Rows per storage chunk.
const CHUNK_ROWS: usize = 32;

/// LRU cache of kernel rows.
#[derive(Debug)]
pub struct RowCache {
    /// Row length (number of samples).
    n: usize,
    /// Slot holding each sample's row, or `NONE`.
    slot_of: Vec<u32>,
    /// Sample whose row each slot holds, or `NONE`.
    owner: Vec<u32>,
    /// Doubly linked LRU list over slots: `prev`/`next`, head = least recently used.
    prev: Vec<u32>,
    next: Vec<u32>,
    head: u32,
    tail: u32,
    /// Slots in use so far (slots are filled in order before any eviction).
    used: usize,
    /// Row storage: chunk `s / CHUNK_ROWS` holds slot `s` at offset `(s % CHUNK_ROWS) * n`.
    chunks: Vec<Vec<f32>>,
    /// Statistics.
    pub hits: u64,
    /// Statistics.
    pub misses: u64,
}

impl RowCache {
    /// A cache of rows of length `n` within `size_mb` MiB (at least 4 rows, so that the last
    /// four rows fetched are always still cached).
    pub fn new(n: usize, size_mb: f64) -> Self {
        let bytes = size_mb * 1024.0 * 1024.0;
        let per_row = (n * std::mem::size_of::<f32>()).max(1) as f64;
        let slots = ((bytes / per_row) as usize).clamp(4, n.max(4));
        RowCache {
            n,
            slot_of: vec![NONE; n],
            owner: vec![NONE; slots],
            prev: vec![NONE; slots],
            next: vec![NONE; slots],
            head: NONE,
            tail: NONE,
            used: 0,
            chunks: Vec::new(),
            hits: 0,
            misses: 0,
        }
    }

    fn unlink(&mut self, s: u32) {
        let (p, nx) = (self.prev[s as usize], self.next[s as usize]);
        if p == NONE {
            self.head = nx;
        } else {
            self.next[p as usize] = nx;
        }
        if nx == NONE {
            self.tail = p;
        } else {
            self.prev[nx as usize] = p;
        }
    }

    fn push_back(&mut self, s: u32) {
        self.prev[s as usize] = self.tail;
        self.next[s as usize] = NONE;
        if self.tail == NONE {
            self.head = s;
        } else {
            self.next[self.tail as usize] = s;
        }
        self.tail = s;
    }

    /// The row held in `slot` (as returned by [`RowCache::get`]).
    #[inline]
    pub fn row(&self, slot: usize) -> &[f32] {
        let off = (slot % CHUNK_ROWS) * self.n;
        &self.chunks[slot / CHUNK_ROWS][off..off + self.n]
    }

    /// Slot of row `i`, computed with `fill` on a miss (which receives an n-long slice to
    /// overwrite). The row becomes the most recently used.
    pub fn get(&mut self, i: usize, fill: impl FnOnce(&mut [f32])) -> usize {
        let n = self.n;
        let s = self.slot_of[i];
        if s != NONE {
            self.hits += 1;
            if self.tail != s {
                self.unlink(s);
                self.push_back(s);
            }
            return s as usize;
        }
        self.misses += 1;
        let s = if self.used < self.owner.len() {
            let s = self.used;
            self.used += 1;
            if s / CHUNK_ROWS == self.chunks.len() {
                let rows = CHUNK_ROWS.min(self.owner.len() - s);
                self.chunks.push(vec![0.0; rows * n]);
            }
            s as u32
        } else {
            let s = self.head;
            self.unlink(s);
            self.slot_of[self.owner[s as usize] as usize] = NONE;
            s
        };
        self.owner[s as usize] = i as u32;
        self.slot_of[i] = s;
        self.push_back(s);
        let s = s as usize;
        let off = (s % CHUNK_ROWS) * n;
        fill(&mut self.chunks[s / CHUNK_ROWS][off..off + n]);
        s
    }
}
