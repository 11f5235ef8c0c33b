//! The CSV reader: one pass over the file into typed columns (numeric or categorical, holes
//! as pandas reads them), errors with `path:line:column`. A column that looks numeric and
//! then meets text is read again as categorical (one more pass, only then).

use std::fs::File;
use std::io::{self, BufRead, Read};
use std::path::Path;

use super::columns::{classify, Cell, Interner, NaTokens};
use super::{ColumnRef, DataError, HeaderMode, LoadOptions, Table};
use crate::prep::{Column, Values};

/// Reads one CSV file into typed feature columns and the target (see the module
/// documentation of [`crate::data`] for the rules).
pub fn read_table(path: &Path, opts: &LoadOptions) -> Result<Table, DataError> {
    let wants = forced_types(path, opts)?;
    read_promoting(path, opts, None, &wants, &mut Vec::new())
}

/// Reads `path`, again each time a column turns out to be text after numbers, with that
/// column categorical; `promoted` collects those columns (file positions).
pub(super) fn read_promoting(
    path: &Path,
    opts: &LoadOptions,
    reference: Option<&Table>,
    wants: &dyn Fn(usize) -> Want,
    promoted: &mut Vec<usize>,
) -> Result<Table, DataError> {
    loop {
        let want = |c: usize| {
            if promoted.contains(&c) {
                Want::Categorical
            } else {
                wants(c)
            }
        };
        match read_typed(path, opts, reference, &want) {
            Ok(t) => return Ok(t),
            Err(ReadStop::Data(e)) => return Err(e),
            Err(ReadStop::Promote(c)) => promoted.push(c),
        }
    }
}

/// The user's `--categorical` and `--numeric` columns, by file position (resolved on the
/// header, which is read for that).
pub(super) fn forced_types(
    path: &Path,
    opts: &LoadOptions,
) -> Result<impl Fn(usize) -> Want, DataError> {
    let mut cat = Vec::new();
    let mut num = Vec::new();
    if !opts.categorical.is_empty() || !opts.numeric.is_empty() {
        let (names, has_header) = header_of(path, opts)?;
        let shown = path.display().to_string();
        for r in &opts.categorical {
            cat.push(resolve_one(&shown, "categorical", r, has_header, &names)?);
        }
        for r in &opts.numeric {
            num.push(resolve_one(&shown, "numeric", r, has_header, &names)?);
        }
    }
    Ok(move |c: usize| {
        if cat.contains(&c) {
            Want::Categorical
        } else if num.contains(&c) {
            Want::Numeric
        } else {
            Want::Infer
        }
    })
}

/// The column names of a file and whether it has a header (its first two records only).
pub(super) fn header_of(path: &Path, opts: &LoadOptions) -> Result<(Vec<String>, bool), DataError> {
    let head = open_head(path, opts)?;
    Ok((head.names, head.has_header))
}

/// A file opened for reading: its first two records, whether the first is a header, and the
/// column names.
struct Head {
    reader: csv::Reader<File>,
    first: csv::ByteRecord,
    second: Option<csv::ByteRecord>,
    has_header: bool,
    names: Vec<String>,
}

fn open_head(path: &Path, opts: &LoadOptions) -> Result<Head, DataError> {
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
    let second = next_record(&mut reader, &mut second, path)?.then_some(second);
    let has_header = match opts.header {
        HeaderMode::Yes => true,
        HeaderMode::No => false,
        HeaderMode::Auto => detect_header(&first, second.as_ref()),
    };
    let names = if has_header {
        header_names(path, &first)?
    } else {
        (0..first.len()).map(|c| format!("col{c}")).collect()
    };
    Ok(Head {
        reader,
        first,
        second,
        has_header,
        names,
    })
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

/// What the loader asks of one column of a file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Want {
    /// Numeric when every non-missing cell is a number, else categorical.
    Infer,
    Categorical,
    /// Forced numeric (`--numeric`): text is an error.
    Numeric,
}

/// Why a read stopped: bad input, or a column that must be read again as categorical (a
/// number-looking column met text after some numbers).
pub(super) enum ReadStop {
    Data(DataError),
    Promote(usize),
}

impl From<DataError> for ReadStop {
    fn from(e: DataError) -> Self {
        ReadStop::Data(e)
    }
}

/// One column being read.
enum Builder {
    Skip,
    Target,
    Numeric {
        values: Vec<f64>,
        forced: bool,
        /// The first infinite cell: an error if the column stays numeric.
        infinite: Option<DataError>,
    },
    Categorical(Interner),
}

/// Reads `path` with every column typed; `wants` (by file position) overrides inference,
/// and `reference` (the training file) fixes the target and id columns of a test file.
pub(super) fn read_typed(
    path: &Path,
    opts: &LoadOptions,
    reference: Option<&Table>,
    wants: &dyn Fn(usize) -> Want,
) -> Result<Table, ReadStop> {
    let shown_path = path.display().to_string();
    let Head {
        mut reader,
        first,
        second,
        has_header,
        names,
    } = open_head(path, opts)?;
    let n_cols = first.len();
    if reference.is_none() {
        // before header detection matters: a `;` file's header has no number below it, so
        // it is not detected as a header
        check_other_delimiter(&shown_path, &first, opts.delimiter)?;
        if has_header {
            check_unique_names(&shown_path, &names)?;
        }
    }

    let (target_col, id_cols) = match reference {
        None => resolve_columns(&shown_path, opts, has_header, &names)?,
        Some(train) => {
            check_same_columns(train, path, &first, has_header, &names)?;
            (train.target_col, train.id_cols.clone())
        }
    };
    let mut builders: Vec<Builder> = (0..n_cols)
        .map(|c| {
            if c == target_col {
                Builder::Target
            } else if id_cols.contains(&c) {
                Builder::Skip
            } else {
                match wants(c) {
                    Want::Categorical => Builder::Categorical(Interner::default()),
                    w => Builder::Numeric {
                        values: Vec::new(),
                        forced: w == Want::Numeric,
                        infinite: None,
                    },
                }
            }
        })
        .collect();
    let na = NaTokens::new(&opts.na_values);
    let mut y: Vec<f64> = Vec::new();
    let mut missing_target: Vec<usize> = Vec::new();
    let mut missing_target_lines: Vec<u64> = Vec::new();
    let mut rows = 0usize;
    let mut push = |rec: &csv::ByteRecord, builders: &mut [Builder], rows: usize| {
        if rec.len() != n_cols {
            return Err(ReadStop::Data(DataError::Ragged {
                path: shown_path.clone(),
                line: record_line(path, rec),
                first_line: record_line(path, &first),
                expected: n_cols,
                found: rec.len(),
            }));
        }
        for (c, cell) in rec.iter().enumerate() {
            match &mut builders[c] {
                Builder::Skip => {}
                Builder::Target => match classify(cell, &na) {
                    Cell::Number(v) if v.is_finite() => y.push(v),
                    Cell::Number(_) => {
                        return Err(cell_error(Bad::NonFinite, path, rec, c, &names[c], cell))
                    }
                    Cell::Missing => {
                        if missing_target_lines.len() < 5 {
                            missing_target_lines.push(record_line(path, rec));
                        }
                        missing_target.push(rows);
                        y.push(f64::NAN);
                    }
                    Cell::Text => {
                        return Err(cell_error(Bad::TextTarget, path, rec, c, &names[c], cell))
                    }
                },
                Builder::Categorical(int) => {
                    if !int.push_known(cell) {
                        match classify(cell, &na) {
                            Cell::Missing => int.push_missing(),
                            _ => int.push(cell),
                        }
                    }
                }
                Builder::Numeric {
                    values,
                    forced,
                    infinite,
                } => match classify(cell, &na) {
                    Cell::Number(v) => {
                        if !v.is_finite() && infinite.is_none() {
                            let e = cell_error(Bad::NonFinite, path, rec, c, &names[c], cell);
                            if *forced {
                                return Err(e);
                            }
                            if let ReadStop::Data(e) = e {
                                *infinite = Some(e);
                            }
                        }
                        values.push(v);
                    }
                    Cell::Missing => values.push(f64::NAN),
                    Cell::Text if *forced => {
                        return Err(cell_error(Bad::NotANumber, path, rec, c, &names[c], cell))
                    }
                    Cell::Text if values.iter().all(|v| v.is_nan()) => {
                        let mut int = Interner::with_missing(values.len());
                        int.push(cell);
                        builders[c] = Builder::Categorical(int);
                    }
                    // numbers then text: read the file again with this column as text
                    Cell::Text => return Err(ReadStop::Promote(c)),
                },
            }
        }
        Ok(())
    };

    if !has_header {
        push(&first, &mut builders, rows)?;
        rows += 1;
    }
    if let Some(second) = second {
        push(&second, &mut builders, rows)?;
        rows += 1;
        let mut rec = second;
        while next_record(&mut reader, &mut rec, path)? {
            push(&rec, &mut builders, rows)?;
            rows += 1;
        }
    }
    if rows == 0 {
        return Err(DataError::Empty {
            path: shown_path,
            detail: "only a header line",
        }
        .into());
    }
    if target_col >= n_cols {
        // a file without the target (`fitpool predict`): no target value in any row
        y = vec![f64::NAN; rows];
    }
    let mut columns = Vec::new();
    let mut feature_cols = Vec::new();
    for (c, b) in builders.into_iter().enumerate() {
        let values = match b {
            Builder::Skip | Builder::Target => continue,
            Builder::Numeric {
                infinite: Some(e), ..
            } => return Err(e.into()),
            Builder::Numeric { values, .. } => Values::Numeric(values),
            Builder::Categorical(int) => Values::Categorical(int.finish()),
        };
        feature_cols.push(c);
        columns.push(Column {
            name: names[c].clone(),
            values,
        });
    }
    Ok(Table {
        columns,
        y,
        target_name: names.get(target_col).cloned().unwrap_or_default(),
        path: shown_path,
        has_header,
        names,
        target_col,
        id_cols,
        feature_cols,
        missing_target,
        missing_target_lines,
    })
}

/// The header's names: trimmed, `col<i>` for an empty one; bytes that are not UTF-8 are an
/// error with their position.
fn header_names(path: &Path, first: &csv::ByteRecord) -> Result<Vec<String>, DataError> {
    first
        .iter()
        .enumerate()
        .map(|(c, name)| {
            let name = name.trim_ascii();
            match std::str::from_utf8(name) {
                Ok("") => Ok(format!("col{c}")),
                Ok(s) => Ok(s.to_string()),
                Err(e) => Err(DataError::NotUtf8 {
                    path: path.display().to_string(),
                    line: record_line(path, first),
                    column: c + 1,
                    byte: e.valid_up_to(),
                }),
            }
        })
        .collect()
}

/// A first record that is one field holding `;`, a tab or `|` (read with the default `,`)
/// is another delimiter's file, header or not.
fn check_other_delimiter(
    path: &str,
    first: &csv::ByteRecord,
    delimiter: u8,
) -> Result<(), DataError> {
    if first.len() == 1 && delimiter == b',' {
        let field = &first[0];
        if let Some(d) = [';', '\t', '|']
            .into_iter()
            .find(|&d| field.contains(&(d as u8)))
        {
            return Err(DataError::OtherDelimiter {
                path: path.to_string(),
                delimiter: d,
            });
        }
    }
    Ok(())
}

/// Duplicate header names are an error.
fn check_unique_names(path: &str, names: &[String]) -> Result<(), DataError> {
    for (c, name) in names.iter().enumerate() {
        if let Some(first) = names[..c].iter().position(|n| n == name) {
            return Err(DataError::DuplicateName {
                path: path.to_string(),
                name: name.clone(),
                columns: vec![first + 1, c + 1],
            });
        }
    }
    Ok(())
}

/// What is wrong with a cell.
#[derive(Clone, Copy)]
enum Bad {
    NotANumber,
    NonFinite,
    TextTarget,
}

#[cold]
fn cell_error(
    e: Bad,
    path: &Path,
    rec: &csv::ByteRecord,
    c: usize,
    name: &str,
    cell: &[u8],
) -> ReadStop {
    let line = record_line(path, rec);
    let (path, column, name, text) = (path.display().to_string(), c + 1, name.into(), shown(cell));
    ReadStop::Data(match e {
        Bad::NotANumber => DataError::NotANumber {
            path,
            line,
            column,
            name,
            text,
        },
        Bad::NonFinite => DataError::NonFinite {
            path,
            line,
            column,
            name,
            text,
        },
        Bad::TextTarget => DataError::TextTarget {
            path,
            line,
            column,
            name,
            text,
        },
    })
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

/// [`resolve_columns`] for a file that always has names (Parquet).
pub(super) fn resolve_columns_pub(
    path: &str,
    opts: &LoadOptions,
    names: &[String],
) -> Result<(usize, Vec<usize>), DataError> {
    resolve_columns(path, opts, true, names)
}

/// [`resolve_one`] for the loader (`--keep`).
pub(super) fn resolve_one_pub(
    path: &str,
    role: &'static str,
    r: &ColumnRef,
    has_header: bool,
    columns: &[String],
) -> Result<usize, DataError> {
    resolve_one(path, role, r, has_header, columns)
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
    if columns.len() != train.names.len() {
        return Err(mismatch(format!(
            "{} columns here, {} in the training file",
            columns.len(),
            train.names.len()
        )));
    }
    if has_header && train.has_header {
        if let Some(c) = (0..columns.len()).find(|&c| columns[c] != train.names[c]) {
            return Err(mismatch(format!(
                "column {} is named {:?} here but {:?} in the training file",
                c + 1,
                columns[c],
                train.names[c]
            )));
        }
    }
    Ok(())
}
