//! [`DataError`]: everything that can be wrong with the input data.

use super::ColumnRef;
use std::io;

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
    /// Text in the target column.
    #[error("{path}:{line}:{column}: the target column {name:?} must be numeric, found {text:?}")]
    TextTarget {
        path: String,
        line: u64,
        column: usize,
        name: String,
        text: String,
    },
    /// Rows whose target is missing (without `--drop-missing-target`).
    #[error(
        "{path}: {count} row{} with no value in the target column {name:?} (line{} {}); \
         drop them with --drop-missing-target",
        if *count == 1 { "" } else { "s" },
        if lines.len() == 1 { "" } else { "s" },
        join_lines(lines, *count)
    )]
    MissingTarget {
        path: String,
        name: String,
        count: usize,
        /// The first few, 1-based.
        lines: Vec<u64>,
    },
    /// Header bytes that are not UTF-8.
    #[error(
        "{path}:{line}:{column}: the header is not UTF-8 (bad byte at offset {byte} of the name)"
    )]
    NotUtf8 {
        path: String,
        line: u64,
        column: usize,
        byte: usize,
    },
    /// Two header cells with one name.
    #[error(
        "{path}: column name {name:?} appears twice in the header (columns {})",
        join_numbers(columns)
    )]
    DuplicateName {
        path: String,
        name: String,
        columns: Vec<usize>,
    },
    /// A header that is one field holding another delimiter.
    #[error(
        "{path}: the header is a single column containing {delimiter:?}: the file seems to \
         be separated by {delimiter:?}; try --delimiter {}",
        shell_delimiter(*delimiter)
    )]
    OtherDelimiter { path: String, delimiter: char },
    /// The pipeline could not encode the features.
    #[error("cannot encode the features: {0}")]
    Prep(#[from] crate::prep::PrepError),
    /// A split the options do not allow.
    #[error("{0}")]
    Split(#[from] crate::split::SplitError),
    /// A Parquet file that cannot be read.
    #[error(transparent)]
    Parquet(Box<super::parquet::ParquetError>),
    /// Text in a Parquet column that must hold numbers.
    #[error("{path}: row {row}: expected a number in column {name:?} ({why}), found {text:?}")]
    ParquetText {
        path: String,
        row: usize,
        name: String,
        text: String,
        why: String,
    },
    /// A seed numpy's `RandomState` does not take.
    #[error("invalid --seed {seed}: scikit-learn's splits take a seed from 0 to 4294967295")]
    InvalidSeed { seed: u64 },
    /// Options that contradict each other.
    #[error("{0}")]
    Conflict(&'static str),
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
    /// A column the model was trained on that the file given to `fitpool predict` lacks.
    #[error("{path}: no column {name:?}, which the model was trained on (it reads {expected})")]
    MissingColumn {
        path: String,
        name: String,
        expected: String,
    },
    /// A test size that is not a fraction in (0, 1).
    #[error("invalid --test-size {value}: expected a fraction in (0, 1), e.g. 0.2")]
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
            | DataError::TextTarget { line, .. }
            | DataError::NotUtf8 { line, .. }
            | DataError::NonFinite { line, .. }
            | DataError::ColumnMismatch { line, .. } => Some(*line),
            _ => None,
        }
    }

    /// The 1-based column (field number) the error points at, where there is one.
    pub fn column(&self) -> Option<usize> {
        match self {
            DataError::NotANumber { column, .. }
            | DataError::TextTarget { column, .. }
            | DataError::NotUtf8 { column, .. }
            | DataError::NonFinite { column, .. }
            | DataError::TargetIsId { column, .. } => Some(*column),
            _ => None,
        }
    }
}

/// An OS error's text with a lowercase first letter ("no such file or directory (os error 2)").
pub(super) fn lowercase_first(e: &io::Error) -> String {
    let text = e.to_string();
    let mut chars = text.chars();
    match chars.next() {
        Some(c) => c.to_lowercase().chain(chars).collect(),
        None => text,
    }
}

pub(super) fn join_numbers(v: &[usize]) -> String {
    v.iter()
        .map(|n| n.to_string())
        .collect::<Vec<_>>()
        .join(", ")
}

fn join_lines(lines: &[u64], count: usize) -> String {
    let mut s = lines
        .iter()
        .map(|n| n.to_string())
        .collect::<Vec<_>>()
        .join(", ");
    if count > lines.len() {
        s.push_str(", ...");
    }
    s
}

fn shell_delimiter(d: char) -> String {
    match d {
        '\t' => "$'\\t'".to_string(),
        d => format!("'{d}'"),
    }
}
