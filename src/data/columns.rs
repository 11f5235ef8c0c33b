//! Typed columns as a file is read: what a missing cell is (pandas' `na_values`), how a column
//! becomes numeric or categorical (pandas' rule: numeric when every non-missing cell parses
//! as a number), and the checks that drop columns which can only mislead a model (an id, a
//! saved row number, a constant).

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

use crate::prep::{Categorical, Column, Values};

/// pandas' default `na_values` (pandas 2 and 3, `read_csv`): a cell equal to one of these,
/// after trimming, is missing.
pub const PANDAS_NA: [&str; 19] = [
    "", "#N/A", "#N/A N/A", "#NA", "-1.#IND", "-1.#QNAN", "-NaN", "-nan", "1.#IND", "1.#QNAN",
    "<NA>", "N/A", "NA", "NULL", "NaN", "None", "n/a", "nan", "null",
];

/// The tokens that mean "missing": pandas' defaults plus the user's (`--na-values`).
#[derive(Clone, Debug)]
pub struct NaTokens {
    tokens: Vec<Box<[u8]>>,
    longest: usize,
}

impl NaTokens {
    pub fn new(extra: &[String]) -> NaTokens {
        let tokens: Vec<Box<[u8]>> = PANDAS_NA
            .iter()
            .map(|s| s.as_bytes())
            .chain(extra.iter().map(|s| s.trim().as_bytes()))
            .map(Box::from)
            .collect();
        let longest = tokens.iter().map(|t| t.len()).max().unwrap_or(0);
        NaTokens { tokens, longest }
    }

    /// Whether a trimmed cell is a missing-value token.
    #[inline]
    pub fn contains(&self, cell: &[u8]) -> bool {
        cell.len() <= self.longest && self.tokens.iter().any(|t| **t == *cell)
    }
}

/// What one cell holds.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Cell {
    Missing,
    /// A number (possibly infinite; NaN literals are missing).
    Number(f64),
    Text,
}

/// Classifies a cell (trimmed of ASCII whitespace first).
#[inline]
pub fn classify(cell: &[u8], na: &NaTokens) -> Cell {
    let t = cell.trim_ascii();
    if t.is_empty() {
        return Cell::Missing;
    }
    if let Some(v) = std::str::from_utf8(t)
        .ok()
        .and_then(|s| s.parse::<f64>().ok())
    {
        return if v.is_nan() {
            Cell::Missing
        } else {
            Cell::Number(v)
        };
    }
    if na.contains(t) {
        Cell::Missing
    } else {
        Cell::Text
    }
}

/// FxHash (rustc's): a fast hash for the interner's short keys, where SipHash's resistance to
/// chosen collisions buys nothing and costs a tenth of the read. Results do not depend on it:
/// levels keep their first-seen order in a `Vec`.
#[derive(Default, Clone, Copy)]
struct FxHasher(u64);

impl FxHasher {
    const K: u64 = 0x517c_c1b7_2722_0a95;

    #[inline]
    fn add(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(Self::K);
    }
}

impl Hasher for FxHasher {
    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            let mut w = [0u8; 8];
            w.copy_from_slice(c);
            self.add(u64::from_le_bytes(w));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut w = [0u8; 8];
            w[..rest.len()].copy_from_slice(rest);
            self.add(u64::from_le_bytes(w));
        }
    }

    #[inline]
    fn write_usize(&mut self, n: usize) {
        self.add(n as u64);
    }

    #[inline]
    fn finish(&self) -> u64 {
        self.0
    }
}

/// A categorical column as it is read: each distinct text interned once.
#[derive(Default, Debug)]
pub struct Interner {
    index: HashMap<Box<[u8]>, u32, BuildHasherDefault<FxHasher>>,
    levels: Vec<String>,
    codes: Vec<u32>,
}

impl Interner {
    /// `n` missing values (a column that turned categorical after only holes).
    pub fn with_missing(n: usize) -> Interner {
        Interner {
            codes: vec![Categorical::MISSING; n],
            ..Interner::default()
        }
    }

    #[inline]
    pub fn push_missing(&mut self) {
        self.codes.push(Categorical::MISSING);
    }

    /// Pushes the code of a cell whose (trimmed) text is already a level, and says whether it
    /// was: such a cell needs no [`classify`], which gave text for it the first time.
    #[inline]
    pub fn push_known(&mut self, cell: &[u8]) -> bool {
        match self.index.get(cell.trim_ascii()) {
            Some(&c) => {
                self.codes.push(c);
                true
            }
            None => false,
        }
    }

    #[inline]
    pub fn push(&mut self, cell: &[u8]) {
        let t = cell.trim_ascii();
        let code = match self.index.get(t) {
            Some(&c) => c,
            None => {
                let c = self.levels.len() as u32;
                self.levels.push(String::from_utf8_lossy(t).into_owned());
                self.index.insert(Box::from(t), c);
                c
            }
        };
        self.codes.push(code);
    }

    pub fn finish(self) -> Categorical {
        Categorical::from_codes(self.codes, self.levels)
            .expect("interned codes index their level table")
    }
}

/// Appends `more` to `base` (the same column of a second file): levels of `more` that `base`
/// lacks are added to its table.
pub fn concat(base: &mut Values, more: &Values) {
    match (base, more) {
        (Values::Numeric(a), Values::Numeric(b)) => a.extend_from_slice(b),
        (Values::Categorical(a), Values::Categorical(b)) => {
            let mut levels = a.levels().to_vec();
            let mut index: HashMap<String, u32> = levels
                .iter()
                .enumerate()
                .map(|(i, l)| (l.clone(), i as u32))
                .collect();
            let remap: Vec<u32> = b
                .levels()
                .iter()
                .map(|l| {
                    *index.entry(l.clone()).or_insert_with(|| {
                        levels.push(l.clone());
                        (levels.len() - 1) as u32
                    })
                })
                .collect();
            let mut codes = a.codes().to_vec();
            codes.extend(b.codes().iter().map(|&c| {
                if c == Categorical::MISSING {
                    c
                } else {
                    remap[c as usize]
                }
            }));
            *a = Categorical::from_codes(codes, levels).expect("remapped codes are in range");
        }
        // the loader types both files' columns alike before it concatenates them
        _ => unreachable!("columns of two files concatenated with different types"),
    }
}

/// Why a column is dropped before any model sees it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DropReason {
    /// Text whose every value is distinct: names, ids.
    DistinctText,
    /// Integers equal to the row number (0..n-1 or 1..n): a saved index.
    RowNumber,
    /// One value (or none) in every row.
    Constant,
}

impl DropReason {
    pub fn describe(self) -> &'static str {
        match self {
            DropReason::DistinctText => "every value distinct (an id or a name)",
            DropReason::RowNumber => "equal to the row number (a saved index)",
            DropReason::Constant => "constant",
        }
    }
}

/// The check a column fails, if any (on the rows of the training file).
pub fn misleading(column: &Column) -> Option<DropReason> {
    let n = column.values.len();
    match &column.values {
        Values::Numeric(v) => {
            let mut present = v.iter().filter(|x| !x.is_nan());
            let first = present.next();
            if first.is_none_or(|&f| present.all(|&x| x == f)) {
                return Some(DropReason::Constant);
            }
            let row_number =
                |offset: f64| v.iter().enumerate().all(|(i, &x)| x == i as f64 + offset);
            (n >= 3 && (row_number(0.0) || row_number(1.0))).then_some(DropReason::RowNumber)
        }
        Values::Categorical(c) => {
            let mut seen = vec![false; c.levels().len()];
            let mut distinct = 0usize;
            let mut missing = 0usize;
            for &code in c.codes() {
                if code == Categorical::MISSING {
                    missing += 1;
                } else if !std::mem::replace(&mut seen[code as usize], true) {
                    distinct += 1;
                }
            }
            if distinct <= 1 && (missing == 0 || distinct == 0) {
                Some(DropReason::Constant)
            } else if n >= 3 && missing == 0 && distinct == n {
                Some(DropReason::DistinctText)
            } else {
                None
            }
        }
    }
}

/// Missing cells and distinct non-missing values of a column.
pub fn counts(values: &Values) -> (usize, usize) {
    match values {
        Values::Numeric(v) => {
            let mut present: Vec<u64> = v
                .iter()
                .filter(|x| !x.is_nan())
                .map(|x| (x + 0.0).to_bits())
                .collect();
            let missing = v.len() - present.len();
            present.sort_unstable();
            present.dedup();
            (missing, present.len())
        }
        Values::Categorical(c) => {
            let mut seen = vec![false; c.levels().len()];
            let mut missing = 0;
            for &code in c.codes() {
                if code == Categorical::MISSING {
                    missing += 1;
                } else {
                    seen[code as usize] = true;
                }
            }
            (missing, seen.iter().filter(|&&s| s).count())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cat(values: &[Option<&str>]) -> Column {
        Column::categorical("c", Categorical::from_strs(values.iter().copied()).unwrap())
    }

    #[test]
    fn cells_are_missing_numbers_or_text_as_pandas_reads_them() {
        let na = NaTokens::new(&["?".to_string()]);
        assert_eq!(classify(b" 1.5 ", &na), Cell::Number(1.5));
        assert_eq!(classify(b"-3e2", &na), Cell::Number(-300.0));
        assert_eq!(classify(b"inf", &na), Cell::Number(f64::INFINITY));
        for m in [
            "", "  ", "NA", "n/a", "NaN", "nan", "#N/A", "<NA>", "None", "null", "?",
        ] {
            assert_eq!(classify(m.as_bytes(), &na), Cell::Missing, "{m:?}");
        }
        for t in ["Ideal", "none", "NONE", "na", "True", "1,5", "-"] {
            assert_eq!(classify(t.as_bytes(), &na), Cell::Text, "{t:?}");
        }
    }

    #[test]
    fn known_levels_take_the_interner_fast_path_with_the_same_codes() {
        let na = NaTokens::new(&[]);
        let cells: [&[u8]; 7] = [b"red", b" blue", b"NA", b"red ", b"", b"blue", b"7"];
        let mut slow = Interner::default();
        let mut fast = Interner::default();
        for cell in cells {
            match classify(cell, &na) {
                Cell::Missing => slow.push_missing(),
                _ => slow.push(cell),
            }
            if !fast.push_known(cell) {
                match classify(cell, &na) {
                    Cell::Missing => fast.push_missing(),
                    _ => fast.push(cell),
                }
            }
        }
        let (slow, fast) = (slow.finish(), fast.finish());
        assert_eq!(slow, fast);
        assert_eq!(fast.levels(), ["red", "blue", "7"]);
        let m = Categorical::MISSING;
        assert_eq!(fast.codes(), [0, 1, m, 0, m, 1, 2]);
    }

    #[test]
    fn ids_row_numbers_and_constants_are_found() {
        let ids = cat(&[Some("a"), Some("b"), Some("c"), Some("d")]);
        assert_eq!(misleading(&ids), Some(DropReason::DistinctText));
        let levels = cat(&[Some("a"), Some("b"), Some("a"), Some("b")]);
        assert_eq!(misleading(&levels), None);
        let holes = cat(&[Some("a"), None, Some("c"), Some("d")]);
        assert_eq!(misleading(&holes), None);
        let one = cat(&[Some("a"), Some("a"), Some("a")]);
        assert_eq!(misleading(&one), Some(DropReason::Constant));
        let index = Column::numeric("i", vec![0.0, 1.0, 2.0, 3.0]);
        assert_eq!(misleading(&index), Some(DropReason::RowNumber));
        let rownames = Column::numeric("i", vec![1.0, 2.0, 3.0]);
        assert_eq!(misleading(&rownames), Some(DropReason::RowNumber));
        let shuffled = Column::numeric("i", vec![2.0, 1.0, 3.0]);
        assert_eq!(misleading(&shuffled), None);
        let constant = Column::numeric("k", vec![5.0, f64::NAN, 5.0]);
        assert_eq!(misleading(&constant), Some(DropReason::Constant));
        assert_eq!(counts(&constant.values), (1, 1));
    }

    #[test]
    fn a_second_files_levels_join_the_first_files_table() {
        let mut a = cat(&[Some("x"), Some("y")]).values;
        let b = cat(&[Some("z"), None, Some("x")]).values;
        concat(&mut a, &b);
        let Values::Categorical(c) = a else {
            panic!("categorical")
        };
        let got: Vec<Option<&str>> = (0..c.len()).map(|i| c.get(i)).collect();
        assert_eq!(got, [Some("x"), Some("y"), Some("z"), None, Some("x")]);
    }
}
