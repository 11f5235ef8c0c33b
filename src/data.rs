//! Loading a regression dataset: CSV files into an `ndarray` matrix of `f64` features and a
//! target vector, validated with precise errors; the seeded train/test split; the built-in
//! diabetes dataset.
//!
//! # File layout
//!
//! Every column must hold numbers except the id columns (`LoadOptions::id_cols`), which are
//! dropped without being parsed. The target is the last column unless
//! `LoadOptions::target` says otherwise; every other column is a feature. The article's files
//! (no header, an id in column 0, the target last) load with `id_cols = [0]` and nothing else.
//!
//! # Header detection (`HeaderMode::Auto`)
//!
//! The first record is a header when some cell of it is *evidence*: non-empty, not a
//! number, and not a usual missing-value marker (`na`, `n/a`, `nan`, `null`, `none`, `?`, `-`,
//! any case), while the cell of the second record in the same column is a number. A first
//! record whose cells are all numbers is data. So a text id column (`a1`, `a2`, ...) is no
//! evidence (both records are text there), and a headerless file with a missing value in its
//! first row is not mistaken for one with a header: the missing value is reported instead.
//! A file with a single record is a header when any cell of it is evidence (it then has no
//! data rows, which is an error either way). `HeaderMode::Yes`/`No` force the choice.
//!
//! With a header, `ColumnRef::Name` resolves against it (empty header cells are named
//! `col<i>`); without one the columns are named `col0`, `col1`, ... by their 0-based position,
//! and those names resolve too.
//!
//! # Positions in error messages
//!
//! Errors read `path:line:column: ...`. Lines are 1-based and count every physical line of
//! the file, the header line included (a quoted field spanning lines counts its lines; the
//! line is where the record starts). Columns are 1-based **field** numbers, as a text editor
//! numbers columns, whereas `ColumnRef::Index` is 0-based like Python: column 3 in a message
//! is `ColumnRef::Index(2)`. Messages about a column also give its name.
//!
//! # Parsing
//!
//! Cells are trimmed of ASCII whitespace (the same result as `csv::Trim::All`, done per field
//! because trimming a whole `ByteRecord` rebuilds it) and parsed with `str::parse::<f64>`.
//! Empty cells and non-finite values (`nan`, `inf`, `infinity`, which Rust's parser accepts,
//! or a literal that overflows to infinity such as `1e999`) are rejected explicitly. A UTF-8
//! byte order mark at the start of the file is ignored. One `ByteRecord` is reused for every
//! row and the matrix is filled row-major in one `Vec<f64>`, so a row costs no allocation.
//!
//! # Split
//!
//! [`train_test_split`] shuffles the row indices with a Fisher–Yates shuffle driven by
//! SplitMix64 (seeded with `seed`, bounded draws by Lemire's multiply-and-reject method), both
//! written here so that a seed gives the same split on every platform and every version of
//! our dependencies. The first `n_test` shuffled indices are the test rows and the rest the
//! training rows, each in shuffled order (as scikit-learn does). `test_size` in `(0, 1)` is a
//! fraction: `n_test = ceil(test_size * n)` as in scikit-learn (with a 1e-9 tolerance so that
//! `0.1 * 30` gives 3, not 4); a whole number `>= 1` is a count of test rows.

use std::fmt;
use std::fs::File;
use std::io::{self, BufRead, Read};
use std::path::Path;
use std::str::FromStr;

use ndarray::{Array1, Array2, Axis};

/// Whether the first record of a file is a header.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum HeaderMode {
    /// Detect it (see the module documentation for the rule).
    #[default]
    Auto,
    /// The first record is a header.
    Yes,
    /// There is no header: the first record is data.
    No,
}

impl FromStr for HeaderMode {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "auto" => Ok(HeaderMode::Auto),
            "yes" | "true" | "y" | "1" => Ok(HeaderMode::Yes),
            "no" | "false" | "n" | "0" => Ok(HeaderMode::No),
            other => Err(format!(
                "invalid header mode {other:?}: expected auto, yes or no"
            )),
        }
    }
}

/// A reference to a column of a file, by position or by name.
///
/// Parsed from a string ([`FromStr`]): all digits is a 0-based index (`"0"` is the first
/// column), a minus sign and digits counts from the end (`"-1"` is the last column), anything
/// else is a name (resolved against the header, or against `col0`, `col1`, ... without one).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum ColumnRef {
    /// 0-based position from the start.
    Index(usize),
    /// 1-based position from the end: `FromEnd(1)` is the last column (`"-1"`).
    FromEnd(usize),
    /// A column name.
    Name(String),
}

impl FromStr for ColumnRef {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = s.trim();
        if s.is_empty() {
            return Err(
                "empty column reference: expected a 0-based index, -1 for the last \
                        column, or a name"
                    .to_string(),
            );
        }
        let all_digits = |t: &str| !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit());
        if all_digits(s) {
            return s
                .parse()
                .map(ColumnRef::Index)
                .map_err(|_| format!("column index {s} is too large"));
        }
        if let Some(rest) = s.strip_prefix('-') {
            if all_digits(rest) {
                return match rest.parse::<usize>() {
                    Ok(0) => Err("column index -0 is not valid: -1 is the last column".into()),
                    Ok(k) => Ok(ColumnRef::FromEnd(k)),
                    Err(_) => Err(format!("column index {s} is too large")),
                };
            }
        }
        Ok(ColumnRef::Name(s.to_string()))
    }
}

impl fmt::Display for ColumnRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ColumnRef::Index(i) => write!(f, "index {i}"),
            ColumnRef::FromEnd(k) => write!(f, "index -{k}"),
            ColumnRef::Name(name) => write!(f, "{name:?}"),
        }
    }
}

/// How to read a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoadOptions {
    /// Whether the first record is a header.
    pub header: HeaderMode,
    /// Columns to drop (ids, row numbers); they are not parsed.
    pub id_cols: Vec<ColumnRef>,
    /// The target column; `None` is the last column.
    pub target: Option<ColumnRef>,
    /// The field delimiter, `b','` by default.
    pub delimiter: u8,
}

impl Default for LoadOptions {
    fn default() -> Self {
        LoadOptions {
            header: HeaderMode::Auto,
            id_cols: Vec::new(),
            target: None,
            delimiter: b',',
        }
    }
}

/// One file, loaded and validated.
#[derive(Debug, Clone)]
pub struct Table {
    /// Features, one row per data record, columns in file order without target and ids.
    pub x: Array2<f64>,
    /// The target, one value per data record.
    pub y: Array1<f64>,
    /// Names of the columns of `x`.
    pub feature_names: Vec<String>,
    /// Name of the target column.
    pub target_name: String,
    /// The path as given.
    pub path: String,
    /// Whether the first record was a header (detected or forced).
    pub has_header: bool,
    /// Names of every column of the file (from the header, else `col0`, `col1`, ...).
    pub columns: Vec<String>,
    /// 0-based position of the target column in the file.
    pub target_col: usize,
    /// 0-based positions of the dropped id columns in the file, ascending.
    pub id_cols: Vec<usize>,
}

/// A training set and a test set with the same features.
#[derive(Debug, Clone)]
pub struct Dataset {
    pub x_train: Array2<f64>,
    pub y_train: Array1<f64>,
    pub x_test: Array2<f64>,
    pub y_test: Array1<f64>,
    pub feature_names: Vec<String>,
    pub target_name: String,
    /// One line for humans, e.g. `diabetes (built-in): 353 train / 89 test rows, 10 features`.
    pub description: String,
}

impl Dataset {
    /// Number of features (columns of `x_train` and `x_test`).
    pub fn n_features(&self) -> usize {
        self.x_train.ncols()
    }
}

/// Everything that can be wrong with the input data. Every variant is an input error (exit
/// code 2 in the CLI); messages are lowercase and start with `path:line:column` where a
/// position applies (1-based line counting the header, 1-based field number).
#[derive(Debug, thiserror::Error)]
pub enum DataError {
    /// The file cannot be opened or read.
    #[error("cannot read {path}: {}", lowercase_first(source))]
    Io {
        path: String,
        #[source]
        source: io::Error,
    },
    /// The CSV reader failed in the middle of the file.
    #[error("{path}:{line}: malformed csv: {source}")]
    Csv {
        path: String,
        line: u64,
        #[source]
        source: csv::Error,
    },
    /// No data rows at all, or only a header.
    #[error("{path}: no data rows ({detail})")]
    Empty { path: String, detail: &'static str },
    /// A record with a different number of fields from the first one.
    #[error("{path}:{line}: expected {expected} fields (as on line {first_line}), found {found}")]
    Ragged {
        path: String,
        line: u64,
        first_line: u64,
        expected: usize,
        found: usize,
    },
    /// A cell that is not a number.
    #[error("{path}:{line}:{column}: expected a number in column {name:?}, found {text:?}")]
    NotANumber {
        path: String,
        line: u64,
        column: usize,
        name: String,
        text: String,
    },
    /// An empty cell.
    #[error("{path}:{line}:{column}: empty cell in column {name:?}, expected a number")]
    EmptyCell {
        path: String,
        line: u64,
        column: usize,
        name: String,
    },
    /// NaN or an infinity (including a literal that overflows, such as `1e999`).
    #[error(
        "{path}:{line}:{column}: non-finite value {text:?} in column {name:?}, \
         expected a finite number"
    )]
    NonFinite {
        path: String,
        line: u64,
        column: usize,
        name: String,
        text: String,
    },
    /// A target or id column that does not exist.
    #[error("{path}: {role} column {reference} does not exist: {detail}")]
    NoSuchColumn {
        path: String,
        role: &'static str,
        reference: ColumnRef,
        n_columns: usize,
        detail: String,
    },
    /// A column name that appears more than once in the header.
    #[error(
        "{path}: {role} column {name:?} is ambiguous: the header has it in columns {}",
        join_numbers(columns)
    )]
    AmbiguousColumn {
        path: String,
        role: &'static str,
        name: String,
        /// 1-based.
        columns: Vec<usize>,
    },
    /// The target is also listed as an id column.
    #[error("{path}: column {column} ({name:?}) is both the target and an id column")]
    TargetIsId {
        path: String,
        /// 1-based.
        column: usize,
        name: String,
    },
    /// Nothing left after dropping the target and the id columns.
    #[error("{path}: no feature columns left: {detail}")]
    NoFeatures {
        path: String,
        n_columns: usize,
        detail: String,
    },
    /// The test file's columns differ from the training file's.
    #[error("{test}:{line}: columns differ from {train}: {detail}")]
    ColumnMismatch {
        train: String,
        test: String,
        line: u64,
        detail: String,
    },
    /// Not enough rows to train, or a split that leaves one side empty.
    #[error("{}too few rows: {detail}", path.as_ref().map(|p| format!("{p}: ")).unwrap_or_default())]
    TooFewRows {
        /// The file, when the rows came from one.
        path: Option<String>,
        detail: String,
    },
    /// A delimiter that cannot separate fields.
    #[error("invalid delimiter {delimiter:?}: expected one ascii character other than a quote or a line end")]
    InvalidDelimiter { delimiter: char },
    /// A test size that is neither a fraction in (0, 1) nor a whole count >= 1.
    #[error(
        "invalid test size {value}: expected a fraction in (0, 1) or a whole number of rows >= 1"
    )]
    InvalidTestSize { value: f64 },
}

impl DataError {
    /// True for every error that comes from the user's input (files, options): the CLI maps
    /// these to exit code 2. Currently every variant is one.
    pub fn is_input_error(&self) -> bool {
        true
    }

    /// The 1-based line the error points at, where there is one.
    pub fn line(&self) -> Option<u64> {
        match self {
            DataError::Csv { line, .. }
            | DataError::Ragged { line, .. }
            | DataError::NotANumber { line, .. }
            | DataError::EmptyCell { line, .. }
            | DataError::NonFinite { line, .. }
            | DataError::ColumnMismatch { line, .. } => Some(*line),
            _ => None,
        }
    }

    /// The 1-based column (field number) the error points at, where there is one.
    pub fn column(&self) -> Option<usize> {
        match self {
            DataError::NotANumber { column, .. }
            | DataError::EmptyCell { column, .. }
            | DataError::NonFinite { column, .. }
            | DataError::TargetIsId { column, .. } => Some(*column),
            _ => None,
        }
    }
}

/// An OS error's text with a lowercase first letter ("no such file or directory (os error 2)").
fn lowercase_first(e: &io::Error) -> String {
    let text = e.to_string();
    let mut chars = text.chars();
    match chars.next() {
        Some(c) => c.to_lowercase().chain(chars).collect(),
        None => text,
    }
}

fn join_numbers(v: &[usize]) -> String {
    v.iter()
        .map(|n| n.to_string())
        .collect::<Vec<_>>()
        .join(", ")
}

/// Reads one CSV file into features and target, validating every cell.
pub fn read_table(path: &Path, opts: &LoadOptions) -> Result<Table, DataError> {
    read_impl(path, opts, None)
}

/// Loads a training file and either a test file (`test = Some`, which must have the same
/// columns: the same count, and the same names when both files have a header; its target and
/// id columns are those resolved on the training file) or a seeded split of the training file
/// (`test = None`, see [`train_test_split`]; `test_size` and `seed` are ignored otherwise).
pub fn load(
    train: &Path,
    test: Option<&Path>,
    opts: &LoadOptions,
    test_size: f64,
    seed: u64,
) -> Result<Dataset, DataError> {
    let train_table = read_impl(train, opts, None)?;
    if train_table.y.len() < 2 {
        return Err(DataError::TooFewRows {
            path: Some(train_table.path),
            detail: format!(
                "need at least 2 data rows to train, found {}",
                train_table.y.len()
            ),
        });
    }
    match test {
        Some(test) => {
            let test_table = read_impl(test, opts, Some(&train_table))?;
            let description = format!(
                "{} + {}: {} train / {} test rows, {} features",
                train_table.path,
                test_table.path,
                train_table.y.len(),
                test_table.y.len(),
                train_table.x.ncols()
            );
            Ok(Dataset {
                x_train: train_table.x,
                y_train: train_table.y,
                x_test: test_table.x,
                y_test: test_table.y,
                feature_names: train_table.feature_names,
                target_name: train_table.target_name,
                description,
            })
        }
        None => {
            let (x_train, y_train, x_test, y_test) =
                train_test_split(&train_table.x, &train_table.y, test_size, seed).map_err(|e| {
                    match e {
                        DataError::TooFewRows { path: None, detail } => DataError::TooFewRows {
                            path: Some(train_table.path.clone()),
                            detail,
                        },
                        e => e,
                    }
                })?;
            let description = format!(
                "{} split with seed {seed}: {} train / {} test rows, {} features",
                train_table.path,
                y_train.len(),
                y_test.len(),
                x_train.ncols()
            );
            Ok(Dataset {
                x_train,
                y_train,
                x_test,
                y_test,
                feature_names: train_table.feature_names,
                target_name: train_table.target_name,
                description,
            })
        }
    }
}

/// The diabetes dataset shipped with smartcore (442 rows, 10 features, target "disease
/// progression"), split with [`train_test_split`]. Fails only for an invalid `test_size`.
pub fn builtin_diabetes(test_size: f64, seed: u64) -> Result<Dataset, DataError> {
    let ds = smartcore::dataset::diabetes::load_dataset();
    let x: Vec<f64> = ds.data.iter().map(|&v| f64::from(v)).collect();
    let x = Array2::from_shape_vec((ds.num_samples, ds.num_features), x)
        .expect("smartcore's diabetes data has num_samples * num_features values");
    let y: Array1<f64> = ds.target.iter().map(|&v| f64::from(v)).collect();
    let (x_train, y_train, x_test, y_test) = train_test_split(&x, &y, test_size, seed)?;
    let description = format!(
        "diabetes (built-in): {} train / {} test rows, {} features",
        y_train.len(),
        y_test.len(),
        x_train.ncols()
    );
    Ok(Dataset {
        x_train,
        y_train,
        x_test,
        y_test,
        feature_names: ds.feature_names,
        target_name: ds
            .target_names
            .first()
            .cloned()
            .unwrap_or_else(|| "target".to_string()),
        description,
    })
}

/// The number of test rows for `test_size` (see the module documentation) out of `n` rows.
pub fn test_count(n: usize, test_size: f64) -> Result<usize, DataError> {
    let invalid = || DataError::InvalidTestSize { value: test_size };
    if !test_size.is_finite() || test_size <= 0.0 {
        return Err(invalid());
    }
    if test_size < 1.0 {
        Ok((test_size * n as f64 - 1e-9).ceil().max(0.0) as usize)
    } else if test_size.fract() == 0.0 && test_size <= usize::MAX as f64 {
        Ok(test_size as usize)
    } else {
        Err(invalid())
    }
}

/// Splits rows into `(x_train, y_train, x_test, y_test)`, deterministically for a seed (see
/// the module documentation for the algorithm). Fails when `test_size` is invalid or when
/// the split leaves no training row or no test row.
#[allow(clippy::type_complexity)]
pub fn train_test_split(
    x: &Array2<f64>,
    y: &Array1<f64>,
    test_size: f64,
    seed: u64,
) -> Result<(Array2<f64>, Array1<f64>, Array2<f64>, Array1<f64>), DataError> {
    let n = y.len();
    assert_eq!(x.nrows(), n, "x and y must have the same number of rows");
    let n_test = test_count(n, test_size)?;
    if n_test == 0 || n_test >= n {
        return Err(DataError::TooFewRows {
            path: None,
            detail: format!(
                "a test size of {test_size} leaves {} training and {} test rows out of {n}",
                n.saturating_sub(n_test),
                n_test.min(n)
            ),
        });
    }
    let order = shuffled_indices(n, seed);
    let (test_idx, train_idx) = order.split_at(n_test);
    Ok((
        x.select(Axis(0), train_idx),
        y.select(Axis(0), train_idx),
        x.select(Axis(0), test_idx),
        y.select(Axis(0), test_idx),
    ))
}

/// `0..n` in an order fixed by `seed`: Fisher–Yates driven by SplitMix64.
pub fn shuffled_indices(n: usize, seed: u64) -> Vec<usize> {
    let mut rng = SplitMix64(seed);
    let mut v: Vec<usize> = (0..n).collect();
    for i in (1..n).rev() {
        let j = rng.below(i as u64 + 1) as usize;
        v.swap(i, j);
    }
    v
}

/// SplitMix64 (Steele, Lea and Flood 2014), as in `java.util.SplittableRandom`.
struct SplitMix64(u64);

impl SplitMix64 {
    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// Uniform in `0..bound` (`bound > 0`), Lemire's method: no modulo bias.
    fn below(&mut self, bound: u64) -> u64 {
        let threshold = bound.wrapping_neg() % bound;
        loop {
            let m = u128::from(self.next_u64()) * u128::from(bound);
            if (m as u64) >= threshold {
                return (m >> 64) as u64;
            }
        }
    }
}

// ---------------------------------------------------------------------------------------
// Reading

#[derive(Clone, Copy, PartialEq, Eq)]
enum Role {
    Feature,
    Target,
    Skip,
}

/// Why a cell did not parse (the position is added by the caller).
enum CellError {
    Empty,
    NotANumber,
    NonFinite,
}

#[inline]
fn parse_cell(bytes: &[u8]) -> Result<f64, CellError> {
    let bytes = bytes.trim_ascii();
    if bytes.is_empty() {
        return Err(CellError::Empty);
    }
    let text = std::str::from_utf8(bytes).map_err(|_| CellError::NotANumber)?;
    match text.parse::<f64>() {
        Ok(v) if v.is_finite() => Ok(v),
        Ok(_) => Err(CellError::NonFinite),
        Err(_) => Err(CellError::NotANumber),
    }
}

/// True when a first-record cell says "this is a header" (see the module documentation).
fn is_header_evidence(bytes: &[u8]) -> bool {
    let t = bytes.trim_ascii();
    if t.is_empty() || t.parse_f64().is_some() {
        return false;
    }
    const MISSING: [&[u8]; 7] = [b"na", b"n/a", b"nan", b"null", b"none", b"?", b"-"];
    !MISSING.iter().any(|m| t.eq_ignore_ascii_case(m))
}

trait ParseF64 {
    fn parse_f64(&self) -> Option<f64>;
}

impl ParseF64 for [u8] {
    fn parse_f64(&self) -> Option<f64> {
        std::str::from_utf8(self.trim_ascii()).ok()?.parse().ok()
    }
}

/// Decides whether `first` is a header, given the next record if any.
fn detect_header(first: &csv::ByteRecord, second: Option<&csv::ByteRecord>) -> bool {
    match second {
        None => first.iter().any(is_header_evidence),
        Some(second) => first.iter().enumerate().any(|(c, cell)| {
            is_header_evidence(cell) && second.get(c).is_some_and(|s| s.parse_f64().is_some())
        }),
    }
}

/// The 1-based line where `record` starts. Computed from the record's byte offset by
/// reading the file again, only when an error needs it: the `csv` crate's own line count
/// skips blank lines and miscounts CRLF files. The offset csv gives is where the previous
/// record ended, so line terminators (blank lines) after it are skipped first.
#[cold]
fn record_line(path: &Path, record: &csv::ByteRecord) -> u64 {
    record.position().map_or(0, |p| line_at(path, p.byte()))
}

#[cold]
fn line_at(path: &Path, byte: u64) -> u64 {
    let Ok(file) = File::open(path) else {
        return 0;
    };
    let mut reader = io::BufReader::with_capacity(1 << 16, file);
    let (mut newlines, mut offset) = (0u64, 0u64);
    while let Ok(buf) = reader.fill_buf() {
        if buf.is_empty() {
            break;
        }
        let before =
            usize::try_from(byte.saturating_sub(offset)).map_or(buf.len(), |n| n.min(buf.len()));
        newlines += buf[..before].iter().filter(|&&b| b == b'\n').count() as u64;
        // At and after `byte`: skip the line terminators of blank lines.
        let rest = &buf[before..];
        let blank = rest
            .iter()
            .take_while(|&&b| b == b'\n' || b == b'\r')
            .count();
        newlines += rest[..blank].iter().filter(|&&b| b == b'\n').count() as u64;
        let consumed = before + blank;
        let done = blank < rest.len();
        reader.consume(consumed);
        offset += consumed as u64;
        if done {
            break;
        }
    }
    newlines + 1
}

/// Cuts a cell's text for a message.
fn shown(bytes: &[u8]) -> String {
    let text = String::from_utf8_lossy(bytes.trim_ascii());
    const MAX: usize = 60;
    if text.chars().count() > MAX {
        let cut: String = text.chars().take(MAX).collect();
        format!("{cut}...")
    } else {
        text.into_owned()
    }
}

/// Reads the next record into `rec`; false at the end of the file.
fn next_record<R: Read>(
    reader: &mut csv::Reader<R>,
    rec: &mut csv::ByteRecord,
    path: &Path,
) -> Result<bool, DataError> {
    reader.read_byte_record(rec).map_err(|source| {
        let byte = source
            .position()
            .map_or_else(|| reader.position().byte(), |p| p.byte());
        let line = line_at(path, byte);
        let path = path.display().to_string();
        if source.is_io_error() {
            if let csv::ErrorKind::Io(source) = source.into_kind() {
                return DataError::Io { path, source };
            }
            unreachable!("is_io_error() means ErrorKind::Io");
        }
        DataError::Csv { path, line, source }
    })
}

/// Removes a UTF-8 byte order mark from the first field of the first record.
fn strip_bom(rec: &mut csv::ByteRecord) {
    if let Some(first) = rec.get(0) {
        if let Some(rest) = first.strip_prefix(b"\xef\xbb\xbf") {
            let mut fixed = csv::ByteRecord::with_capacity(rec.as_slice().len(), rec.len());
            fixed.push_field(rest);
            for field in rec.iter().skip(1) {
                fixed.push_field(field);
            }
            fixed.set_position(rec.position().cloned());
            *rec = fixed;
        }
    }
}

fn read_impl(
    path: &Path,
    opts: &LoadOptions,
    reference: Option<&Table>,
) -> Result<Table, DataError> {
    let shown_path = path.display().to_string();
    if matches!(opts.delimiter, b'"' | b'\n' | b'\r') || !opts.delimiter.is_ascii() {
        return Err(DataError::InvalidDelimiter {
            delimiter: char::from(opts.delimiter),
        });
    }
    let file = File::open(path).map_err(|source| DataError::Io {
        path: shown_path.clone(),
        source,
    })?;
    if file.metadata().is_ok_and(|m| m.is_dir()) {
        return Err(DataError::Io {
            path: shown_path,
            source: io::Error::other("is a directory"),
        });
    }
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(opts.delimiter)
        .buffer_capacity(1 << 16)
        .from_reader(file);

    let mut first = csv::ByteRecord::new();
    if !next_record(&mut reader, &mut first, path)? {
        return Err(DataError::Empty {
            path: shown_path,
            detail: "the file is empty",
        });
    }
    strip_bom(&mut first);
    let mut second = csv::ByteRecord::new();
    let has_second = next_record(&mut reader, &mut second, path)?;

    let has_header = match opts.header {
        HeaderMode::Yes => true,
        HeaderMode::No => false,
        HeaderMode::Auto => detect_header(&first, has_second.then_some(&second)),
    };
    let n_cols = first.len();
    let columns: Vec<String> = if has_header {
        first
            .iter()
            .enumerate()
            .map(|(c, name)| {
                let name = String::from_utf8_lossy(name.trim_ascii()).into_owned();
                if name.is_empty() {
                    format!("col{c}")
                } else {
                    name
                }
            })
            .collect()
    } else {
        (0..n_cols).map(|c| format!("col{c}")).collect()
    };

    let (target_col, id_cols) = match reference {
        None => resolve_columns(&shown_path, opts, has_header, &columns)?,
        Some(train) => {
            check_same_columns(train, path, &first, has_header, &columns)?;
            (train.target_col, train.id_cols.clone())
        }
    };

    let mut roles = vec![Role::Feature; n_cols];
    for &c in &id_cols {
        roles[c] = Role::Skip;
    }
    roles[target_col] = Role::Target;
    let n_features = roles.iter().filter(|r| **r == Role::Feature).count();
    let feature_names: Vec<String> = (0..n_cols)
        .filter(|&c| roles[c] == Role::Feature)
        .map(|c| columns[c].clone())
        .collect();

    let mut x: Vec<f64> = Vec::new();
    let mut y: Vec<f64> = Vec::new();
    let mut rows = 0usize;
    let push = |rec: &csv::ByteRecord, x: &mut Vec<f64>, y: &mut Vec<f64>| {
        if rec.len() != n_cols {
            return Err(DataError::Ragged {
                path: shown_path.clone(),
                line: record_line(path, rec),
                first_line: record_line(path, &first),
                expected: n_cols,
                found: rec.len(),
            });
        }
        for (c, cell) in rec.iter().enumerate() {
            let role = roles[c];
            if role == Role::Skip {
                continue;
            }
            match parse_cell(cell) {
                Ok(v) if role == Role::Feature => x.push(v),
                Ok(v) => y.push(v),
                Err(e) => return Err(cell_error(e, path, rec, c, &columns[c], cell)),
            }
        }
        Ok(())
    };

    if !has_header {
        push(&first, &mut x, &mut y)?;
        rows += 1;
    }
    if has_second {
        // Reserve from the file size and the second record's length: a good guess for
        // uniform files, and the Vecs grow as usual otherwise.
        let bytes_per_row = second.as_slice().len() + second.len();
        if let Ok(meta) = reader.get_ref().metadata() {
            let guess = (meta.len() as usize / bytes_per_row.max(1)).min(1 << 26) + 2;
            x.reserve(guess * n_features);
            y.reserve(guess);
        }
        push(&second, &mut x, &mut y)?;
        rows += 1;
        let mut rec = second;
        while next_record(&mut reader, &mut rec, path)? {
            push(&rec, &mut x, &mut y)?;
            rows += 1;
        }
    }
    if rows == 0 {
        return Err(DataError::Empty {
            path: shown_path,
            detail: "only a header line",
        });
    }
    if x.capacity() > x.len() + x.len() / 8 {
        x.shrink_to_fit();
    }
    let x = Array2::from_shape_vec((rows, n_features), x)
        .expect("every row pushed exactly n_features values");
    Ok(Table {
        x,
        y: Array1::from_vec(y),
        feature_names,
        target_name: columns[target_col].clone(),
        path: shown_path,
        has_header,
        columns,
        target_col,
        id_cols,
    })
}

#[cold]
fn cell_error(
    e: CellError,
    path: &Path,
    rec: &csv::ByteRecord,
    c: usize,
    name: &str,
    cell: &[u8],
) -> DataError {
    let line = record_line(path, rec);
    let (path, column, name) = (path.display().to_string(), c + 1, name.into());
    match e {
        CellError::Empty => DataError::EmptyCell {
            path,
            line,
            column,
            name,
        },
        CellError::NotANumber => DataError::NotANumber {
            path,
            line,
            column,
            name,
            text: shown(cell),
        },
        CellError::NonFinite => DataError::NonFinite {
            path,
            line,
            column,
            name,
            text: shown(cell),
        },
    }
}

/// Resolves the target and id columns to 0-based positions: `(target, ids ascending)`.
fn resolve_columns(
    path: &str,
    opts: &LoadOptions,
    has_header: bool,
    columns: &[String],
) -> Result<(usize, Vec<usize>), DataError> {
    let n = columns.len();
    let target = match &opts.target {
        None => n - 1, // a csv record has at least one field
        Some(r) => resolve_one(path, "target", r, has_header, columns)?,
    };
    let mut ids = Vec::with_capacity(opts.id_cols.len());
    for r in &opts.id_cols {
        let c = resolve_one(path, "id", r, has_header, columns)?;
        if c == target {
            return Err(DataError::TargetIsId {
                path: path.to_string(),
                column: c + 1,
                name: columns[c].clone(),
            });
        }
        ids.push(c);
    }
    ids.sort_unstable();
    ids.dedup();
    if ids.len() + 1 >= n {
        return Err(DataError::NoFeatures {
            path: path.to_string(),
            n_columns: n,
            detail: format!(
                "the file has {n} column{}: the target {:?} and {} id column{}",
                plural(n),
                columns[target],
                ids.len(),
                plural(ids.len())
            ),
        });
    }
    Ok((target, ids))
}

fn resolve_one(
    path: &str,
    role: &'static str,
    r: &ColumnRef,
    has_header: bool,
    columns: &[String],
) -> Result<usize, DataError> {
    let n = columns.len();
    let missing = |detail: String| DataError::NoSuchColumn {
        path: path.to_string(),
        role,
        reference: r.clone(),
        n_columns: n,
        detail,
    };
    let range = || {
        format!(
            "the file has {n} column{} (indices 0 to {}, or -1 to -{n} from the end)",
            plural(n),
            n - 1
        )
    };
    match r {
        ColumnRef::Index(i) if *i < n => Ok(*i),
        ColumnRef::FromEnd(k) if (1..=n).contains(k) => Ok(n - k),
        ColumnRef::Index(_) | ColumnRef::FromEnd(_) => Err(missing(range())),
        ColumnRef::Name(name) => {
            let found: Vec<usize> = (0..n).filter(|&c| columns[c] == *name).collect();
            match found.as_slice() {
                [c] => Ok(*c),
                [] if has_header => Err(missing(format!(
                    "the header has {n} columns: {}",
                    list_names(columns)
                ))),
                [] => Err(missing(format!(
                    "the file has no header, so its {n} columns are named col0 to col{} \
                     (or give a 0-based index, or force a header)",
                    n - 1
                ))),
                many => Err(DataError::AmbiguousColumn {
                    path: path.to_string(),
                    role,
                    name: name.clone(),
                    columns: many.iter().map(|c| c + 1).collect(),
                }),
            }
        }
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

fn list_names(columns: &[String]) -> String {
    const MAX: usize = 40;
    let mut s = columns
        .iter()
        .take(MAX)
        .map(|c| format!("{c:?}"))
        .collect::<Vec<_>>()
        .join(", ");
    if columns.len() > MAX {
        s.push_str(&format!(", ... ({} more)", columns.len() - MAX));
    }
    s
}

fn check_same_columns(
    train: &Table,
    test_path: &Path,
    first: &csv::ByteRecord,
    has_header: bool,
    columns: &[String],
) -> Result<(), DataError> {
    let mismatch = |detail: String| DataError::ColumnMismatch {
        train: train.path.clone(),
        test: test_path.display().to_string(),
        line: record_line(test_path, first),
        detail,
    };
    if columns.len() != train.columns.len() {
        return Err(mismatch(format!(
            "{} columns here, {} in the training file",
            columns.len(),
            train.columns.len()
        )));
    }
    if has_header && train.has_header {
        if let Some(c) = (0..columns.len()).find(|&c| columns[c] != train.columns[c]) {
            return Err(mismatch(format!(
                "column {} is named {:?} here but {:?} in the training file",
                c + 1,
                columns[c],
                train.columns[c]
            )));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn column_ref_parses() {
        assert_eq!("0".parse::<ColumnRef>(), Ok(ColumnRef::Index(0)));
        assert_eq!(" 12 ".parse::<ColumnRef>(), Ok(ColumnRef::Index(12)));
        assert_eq!("-1".parse::<ColumnRef>(), Ok(ColumnRef::FromEnd(1)));
        assert_eq!(
            "bmi".parse::<ColumnRef>(),
            Ok(ColumnRef::Name("bmi".into()))
        );
        assert_eq!("-x".parse::<ColumnRef>(), Ok(ColumnRef::Name("-x".into())));
        assert!("-0".parse::<ColumnRef>().is_err());
        assert!("".parse::<ColumnRef>().is_err());
    }

    #[test]
    fn splitmix_reference_values() {
        // First outputs of SplitMix64 seeded with 1234567 (from the reference C code).
        let mut r = SplitMix64(1234567);
        assert_eq!(r.next_u64(), 6457827717110365317);
        assert_eq!(r.next_u64(), 3203168211198807973);
    }

    #[test]
    fn test_count_rules() {
        assert_eq!(test_count(442, 0.2).unwrap(), 89);
        assert_eq!(test_count(30, 0.1).unwrap(), 3);
        assert_eq!(test_count(10, 3.0).unwrap(), 3);
        assert!(test_count(10, 2.5).is_err());
        assert!(test_count(10, 0.0).is_err());
        assert!(test_count(10, f64::NAN).is_err());
    }
}
