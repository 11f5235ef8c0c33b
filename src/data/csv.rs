//! The CSV reader: one pass over the file into a row-major matrix, every cell validated,
//! errors with `path:line:column`.

use std::fs::File;
use std::io::{self, BufRead, Read};
use std::path::Path;

use ndarray::{Array1, Array2};

use super::train_test_split;
use super::{ColumnRef, DataError, Dataset, HeaderMode, LoadOptions, Table};

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
