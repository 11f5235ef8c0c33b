//! Reading a Parquet file into typed [`Column`]s, the types the CSV reader produces.
//!
//! Every top-level column of the file is read, in schema order; the caller picks the target
//! and the id columns. Types:
//!
//! | parquet | column |
//! |---|---|
//! | `INT32`/`INT64`, any integer width, signed or not | numeric |
//! | `FLOAT`, `DOUBLE` | numeric (NaN stays NaN) |
//! | `DECIMAL` (on `INT32`, `INT64`, `BYTE_ARRAY` or `FIXED_LEN_BYTE_ARRAY` up to 16 bytes) | numeric, `unscaled / 10^scale` |
//! | `BOOLEAN` | categorical, levels `"False"` and `"True"` (as pandas prints them) |
//! | `BYTE_ARRAY` as `STRING`/`UTF8` or `ENUM`, plain or dictionary-encoded | categorical |
//!
//! A null is NaN in a numeric column and [`Categorical::MISSING`] in a categorical one; a
//! column of arrow's null type (pandas' all-`None` column: `INT32`, logical type unknown) is
//! numeric, all NaN.
//! Levels of a string column are in order of first appearance. Dates, times, timestamps
//! (`INT96` included), plain binary, JSON, UUID, float16 and the rest are
//! [`ParquetError::Unsupported`], naming the column: a date is no feature until someone says
//! how to encode it. Nested columns (lists, maps, structs) are [`ParquetError::Nested`].
//!
//! The reader is the `parquet` crate's column reader (no `arrow`), with snappy, pyarrow's
//! and pandas' default codec; a column compressed otherwise (zstd, gzip, lz4, brotli) is
//! [`ParquetError::Codec`], naming the column and the codec.
//!
//! Nothing here allocates from sizes the file claims before reading values, and a panic
//! inside the `parquet` crate on a malformed file is caught and reported as
//! [`ParquetError::Corrupt`] (the default panic hook still prints it to stderr).

use std::collections::HashMap;
use std::fs::File;
use std::io;
use std::panic::{self, AssertUnwindSafe};
use std::path::Path;

use ::parquet::basic::{Compression, ConvertedType, LogicalType, Type as PhysicalType};
use ::parquet::column::reader::{ColumnReader, ColumnReaderImpl};
use ::parquet::data_type::{ByteArray, DataType, FixedLenByteArray};
use ::parquet::errors::ParquetError as CrateError;
use ::parquet::file::reader::{FileReader, SerializedFileReader};
use ::parquet::schema::types::ColumnDescriptor;

use crate::prep::{Categorical, Column, Values};

/// Records read per call into a column reader.
const BATCH: usize = 4096;

/// A Parquet file's columns.
#[derive(Clone, Debug, PartialEq)]
pub struct ParquetTable {
    /// Every column of the file, in schema order.
    pub columns: Vec<Column>,
    /// Rows of the file (each column has this many values).
    pub n_rows: usize,
}

/// Everything that can go wrong reading a Parquet file. Messages are lowercase and start
/// with the path.
#[derive(Debug, thiserror::Error)]
pub enum ParquetError {
    /// The file cannot be opened (or is a directory).
    #[error("cannot open {path}: {}", lowercase_first(source))]
    Open {
        path: String,
        #[source]
        source: io::Error,
    },
    /// The `parquet` crate rejected the file: not Parquet, truncated, corrupt, or a codec
    /// or encoding this build does not read.
    #[error("{path}: not a parquet file, or a corrupt one")]
    Format {
        path: String,
        #[source]
        source: CrateError,
    },
    /// The file parses but its contents are inconsistent.
    #[error("{path}: corrupt parquet file: {detail}")]
    Corrupt { path: String, detail: String },
    /// A column of a type that has no numeric or categorical reading.
    #[error(
        "{path}: column {name:?} has type {ty}, which cannot be read \
         (numbers, booleans and strings can)"
    )]
    Unsupported {
        path: String,
        name: String,
        ty: String,
    },
    /// A column chunk compressed with a codec this build does not read.
    #[error(
        "{path}: column {name:?} is compressed with {codec}, which cannot be read \
         (snappy and uncompressed can)"
    )]
    Codec {
        path: String,
        name: String,
        codec: String,
    },
    /// A list, map or struct column.
    #[error("{path}: column {name:?} is nested ({ty}); only flat tables can be read")]
    Nested {
        path: String,
        name: String,
        ty: String,
    },
}

fn lowercase_first(e: &io::Error) -> String {
    let s = e.to_string();
    let mut chars = s.chars();
    match chars.next() {
        Some(c) => c.to_lowercase().chain(chars).collect(),
        None => s,
    }
}

/// Reads every column of the Parquet file at `path`.
pub fn read_parquet_columns(path: &Path) -> Result<ParquetTable, ParquetError> {
    let shown = path.display().to_string();
    let open_err = |source| ParquetError::Open {
        path: shown.clone(),
        source,
    };
    let file = File::open(path).map_err(open_err)?;
    let meta = file.metadata().map_err(open_err)?;
    if meta.is_dir() {
        return Err(open_err(io::Error::new(
            io::ErrorKind::IsADirectory,
            "is a directory",
        )));
    }
    match panic::catch_unwind(AssertUnwindSafe(|| read_file(file, &shown))) {
        Ok(result) => result,
        Err(payload) => {
            let msg = payload
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| payload.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "unknown panic".to_string());
            Err(ParquetError::Corrupt {
                path: shown,
                detail: format!("the parquet reader failed: {msg}"),
            })
        }
    }
}

/// How a column is read.
#[derive(Clone, Copy, Debug)]
enum Kind {
    Bool,
    Int { unsigned: bool },
    Float,
    Decimal { scale: i32 },
    Str,
}

fn read_file(file: File, path: &str) -> Result<ParquetTable, ParquetError> {
    let format = |source| ParquetError::Format {
        path: path.to_string(),
        source,
    };
    let reader = SerializedFileReader::new(file).map_err(format)?;
    let metadata = reader.metadata();
    let schema = metadata.file_metadata().schema_descr();

    // Nested top-level fields first, by name.
    for field in schema.root_schema().get_fields() {
        if field.is_group() {
            let ty = match field.get_basic_info().logical_type_ref() {
                Some(LogicalType::List) => "list",
                Some(LogicalType::Map) => "map",
                _ => match field.get_basic_info().converted_type() {
                    ConvertedType::LIST => "list",
                    ConvertedType::MAP | ConvertedType::MAP_KEY_VALUE => "map",
                    _ => "struct",
                },
            };
            return Err(ParquetError::Nested {
                path: path.to_string(),
                name: field.name().to_string(),
                ty: ty.to_string(),
            });
        }
        if field.get_basic_info().repetition() == ::parquet::basic::Repetition::REPEATED {
            return Err(ParquetError::Nested {
                path: path.to_string(),
                name: field.name().to_string(),
                ty: "repeated".to_string(),
            });
        }
    }

    let mut kinds = Vec::with_capacity(schema.num_columns());
    for desc in schema.columns() {
        if desc.max_rep_level() > 0 || desc.path().parts().len() != 1 {
            return Err(ParquetError::Nested {
                path: path.to_string(),
                name: desc.path().string(),
                ty: "repeated".to_string(),
            });
        }
        kinds.push(classify(desc).map_err(|ty| ParquetError::Unsupported {
            path: path.to_string(),
            name: desc.name().to_string(),
            ty,
        })?);
    }

    let claimed = metadata.file_metadata().num_rows();
    let mut builders: Vec<Builder> = kinds.iter().map(|&k| Builder::new(k)).collect();
    for g in 0..reader.num_row_groups() {
        let group = reader.get_row_group(g).map_err(format)?;
        let group_rows = group.metadata().num_rows();
        for (c, builder) in builders.iter_mut().enumerate() {
            let desc = schema.column(c);
            let codec = group.metadata().column(c).compression();
            if !matches!(codec, Compression::UNCOMPRESSED | Compression::SNAPPY) {
                return Err(ParquetError::Codec {
                    path: path.to_string(),
                    name: desc.name().to_string(),
                    codec: codec_name(codec),
                });
            }
            let before = builder.len();
            let column = group.get_column_reader(c).map_err(format)?;
            builder
                .read(column, desc.max_def_level())
                .map_err(|e| match e {
                    ReadError::Crate(source) => format(source),
                    ReadError::Corrupt(detail) => ParquetError::Corrupt {
                        path: path.to_string(),
                        detail: format!("column {:?}: {detail}", desc.name()),
                    },
                })?;
            let got = builder.len() - before;
            if i64::try_from(got).ok() != Some(group_rows) {
                return Err(ParquetError::Corrupt {
                    path: path.to_string(),
                    detail: format!(
                        "column {:?} has {got} values in row group {g}, which claims \
                         {group_rows} rows",
                        desc.name()
                    ),
                });
            }
        }
    }
    let n_rows = builders.first().map_or(0, Builder::len);
    if builders.is_empty() {
        // No columns: the row count is the footer's word alone.
        if claimed != 0 {
            return Err(ParquetError::Corrupt {
                path: path.to_string(),
                detail: format!("no columns but {claimed} rows"),
            });
        }
    } else if i64::try_from(n_rows).ok() != Some(claimed) {
        return Err(ParquetError::Corrupt {
            path: path.to_string(),
            detail: format!("{n_rows} rows in the row groups, {claimed} in the footer"),
        });
    }

    let columns = schema
        .columns()
        .iter()
        .zip(builders)
        .map(|(desc, b)| match b.finish() {
            Ok(values) => Ok(Column {
                name: desc.name().to_string(),
                values,
            }),
            Err(detail) => Err(ParquetError::Corrupt {
                path: path.to_string(),
                detail: format!("column {:?}: {detail}", desc.name()),
            }),
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok(ParquetTable { columns, n_rows })
}

/// The reading of a column, or the name of its type if it has none.
fn classify(desc: &ColumnDescriptor) -> Result<Kind, String> {
    let physical = desc.physical_type();
    let logical = desc.logical_type_ref();
    let converted = desc.converted_type();
    if let Some(LogicalType::Decimal(d)) = logical {
        return decimal(physical, desc.type_length(), d.scale);
    }
    if converted == ConvertedType::DECIMAL {
        return decimal(physical, desc.type_length(), desc.type_scale());
    }
    let named = |name: &str| Err(format!("{name} ({physical})"));
    match physical {
        PhysicalType::BOOLEAN => Ok(Kind::Bool),
        PhysicalType::FLOAT | PhysicalType::DOUBLE => Ok(Kind::Float),
        PhysicalType::INT32 | PhysicalType::INT64 => match logical {
            None => match converted {
                ConvertedType::NONE
                | ConvertedType::INT_8
                | ConvertedType::INT_16
                | ConvertedType::INT_32
                | ConvertedType::INT_64 => Ok(Kind::Int { unsigned: false }),
                ConvertedType::UINT_8
                | ConvertedType::UINT_16
                | ConvertedType::UINT_32
                | ConvertedType::UINT_64 => Ok(Kind::Int { unsigned: true }),
                other => named(&converted_name(other)),
            },
            Some(LogicalType::Integer(int)) => Ok(Kind::Int {
                unsigned: !int.is_signed,
            }),
            // Arrow's null type (pandas' all-None column): all NaN.
            Some(LogicalType::Unknown) => Ok(Kind::Int { unsigned: false }),
            Some(other) => named(&logical_name(other)),
        },
        PhysicalType::BYTE_ARRAY => match logical {
            Some(LogicalType::String | LogicalType::Enum) => Ok(Kind::Str),
            Some(other) => named(&logical_name(other)),
            None => match converted {
                ConvertedType::UTF8 | ConvertedType::ENUM => Ok(Kind::Str),
                ConvertedType::NONE => named("binary"),
                other => named(&converted_name(other)),
            },
        },
        PhysicalType::INT96 => named("int96 timestamp"),
        PhysicalType::FIXED_LEN_BYTE_ARRAY => match logical {
            Some(other) => named(&logical_name(other)),
            None => match converted {
                ConvertedType::NONE => named("fixed-length binary"),
                other => named(&converted_name(other)),
            },
        },
    }
}

fn decimal(physical: PhysicalType, length: i32, scale: i32) -> Result<Kind, String> {
    match physical {
        PhysicalType::INT32 | PhysicalType::INT64 | PhysicalType::BYTE_ARRAY => {
            Ok(Kind::Decimal { scale })
        }
        PhysicalType::FIXED_LEN_BYTE_ARRAY if (1..=16).contains(&length) => {
            Ok(Kind::Decimal { scale })
        }
        _ => Err(format!("decimal ({physical}, {length} bytes)")),
    }
}

fn logical_name(t: &LogicalType) -> String {
    match t {
        LogicalType::String => "string".into(),
        LogicalType::Map => "map".into(),
        LogicalType::List => "list".into(),
        LogicalType::Enum => "enum".into(),
        LogicalType::Decimal(_) => "decimal".into(),
        LogicalType::Date => "date".into(),
        LogicalType::Time(_) => "time".into(),
        LogicalType::Timestamp(_) => "timestamp".into(),
        LogicalType::Integer(_) => "integer".into(),
        LogicalType::Unknown => "null".into(),
        LogicalType::Json => "json".into(),
        LogicalType::Bson => "bson".into(),
        LogicalType::Uuid => "uuid".into(),
        LogicalType::Float16 => "float16".into(),
        other => format!("{other:?}").to_lowercase(),
    }
}

fn codec_name(c: Compression) -> String {
    let s = c.to_string().to_lowercase();
    // `ZSTD(ZstdLevel(1))` and the like: the name without the level.
    s.split('(').next().unwrap_or(&s).to_string()
}

fn converted_name(t: ConvertedType) -> String {
    t.to_string().to_lowercase()
}

enum ReadError {
    Crate(CrateError),
    Corrupt(String),
}

impl From<CrateError> for ReadError {
    fn from(e: CrateError) -> Self {
        ReadError::Crate(e)
    }
}

/// A column's values as they are read, row group after row group.
enum Builder {
    Numeric {
        kind: Kind,
        values: Vec<f64>,
    },
    Bool(Vec<u32>),
    Str {
        index: HashMap<Vec<u8>, u32>,
        levels: Vec<Vec<u8>>,
        codes: Vec<u32>,
    },
}

impl Builder {
    fn new(kind: Kind) -> Self {
        match kind {
            Kind::Bool => Builder::Bool(Vec::new()),
            Kind::Str => Builder::Str {
                index: HashMap::new(),
                levels: Vec::new(),
                codes: Vec::new(),
            },
            _ => Builder::Numeric {
                kind,
                values: Vec::new(),
            },
        }
    }

    fn len(&self) -> usize {
        match self {
            Builder::Numeric { values, .. } => values.len(),
            Builder::Bool(codes) | Builder::Str { codes, .. } => codes.len(),
        }
    }

    /// Reads one row group's column chunk.
    fn read(&mut self, column: ColumnReader, max_def: i16) -> Result<(), ReadError> {
        match (self, column) {
            (Builder::Bool(codes), ColumnReader::BoolColumnReader(r)) => {
                each_value(r, max_def, |v: Option<&bool>| {
                    codes.push(v.map_or(Categorical::MISSING, |&b| u32::from(b)));
                    Ok(())
                })
            }
            (Builder::Numeric { kind, values }, ColumnReader::Int32ColumnReader(r)) => {
                let kind = *kind;
                each_value(r, max_def, |v: Option<&i32>| {
                    values.push(v.map_or(f64::NAN, |&x| match kind {
                        Kind::Int { unsigned: true } => f64::from(x as u32),
                        Kind::Decimal { scale } => scaled(i128::from(x), scale),
                        _ => f64::from(x),
                    }));
                    Ok(())
                })
            }
            (Builder::Numeric { kind, values }, ColumnReader::Int64ColumnReader(r)) => {
                let kind = *kind;
                each_value(r, max_def, |v: Option<&i64>| {
                    values.push(v.map_or(f64::NAN, |&x| match kind {
                        Kind::Int { unsigned: true } => x as u64 as f64,
                        Kind::Decimal { scale } => scaled(i128::from(x), scale),
                        _ => x as f64,
                    }));
                    Ok(())
                })
            }
            (Builder::Numeric { values, .. }, ColumnReader::FloatColumnReader(r)) => {
                each_value(r, max_def, |v: Option<&f32>| {
                    values.push(v.map_or(f64::NAN, |&x| f64::from(x)));
                    Ok(())
                })
            }
            (Builder::Numeric { values, .. }, ColumnReader::DoubleColumnReader(r)) => {
                each_value(r, max_def, |v: Option<&f64>| {
                    values.push(v.copied().unwrap_or(f64::NAN));
                    Ok(())
                })
            }
            (Builder::Numeric { kind, values }, ColumnReader::ByteArrayColumnReader(r)) => {
                let Kind::Decimal { scale } = *kind else {
                    return Err(ReadError::Corrupt("unexpected byte array".into()));
                };
                each_value(r, max_def, |v: Option<&ByteArray>| {
                    values.push(match v {
                        None => f64::NAN,
                        Some(b) => decimal_bytes(b.data(), scale)?,
                    });
                    Ok(())
                })
            }
            (Builder::Numeric { kind, values }, ColumnReader::FixedLenByteArrayColumnReader(r)) => {
                let Kind::Decimal { scale } = *kind else {
                    return Err(ReadError::Corrupt("unexpected byte array".into()));
                };
                each_value(r, max_def, |v: Option<&FixedLenByteArray>| {
                    values.push(match v {
                        None => f64::NAN,
                        Some(b) => decimal_bytes(b.data(), scale)?,
                    });
                    Ok(())
                })
            }
            (
                Builder::Str {
                    index,
                    levels,
                    codes,
                },
                ColumnReader::ByteArrayColumnReader(r),
            ) => each_value(r, max_def, |v: Option<&ByteArray>| {
                let code = match v {
                    None => Categorical::MISSING,
                    Some(b) => match index.get(b.data()) {
                        Some(&c) => c,
                        None => {
                            let c = u32::try_from(levels.len())
                                .ok()
                                .filter(|&c| c != Categorical::MISSING)
                                .ok_or_else(|| ReadError::Corrupt("too many levels".into()))?;
                            index.insert(b.data().to_vec(), c);
                            levels.push(b.data().to_vec());
                            c
                        }
                    },
                };
                codes.push(code);
                Ok(())
            }),
            _ => Err(ReadError::Corrupt(
                "the column reader does not match the column's type".into(),
            )),
        }
    }

    fn finish(self) -> Result<Values, String> {
        let values = match self {
            Builder::Numeric { values, .. } => Values::Numeric(values),
            Builder::Bool(codes) => Values::Categorical(
                Categorical::from_codes(codes, vec!["False".into(), "True".into()])
                    .map_err(|e| e.to_string())?,
            ),
            Builder::Str { levels, codes, .. } => {
                let levels = levels
                    .into_iter()
                    .map(|l| {
                        String::from_utf8(l)
                            .map_err(|e| format!("a string is not valid utf-8: {:?}", e.as_bytes()))
                    })
                    .collect::<Result<Vec<_>, _>>()?;
                Values::Categorical(
                    Categorical::from_codes(codes, levels).map_err(|e| e.to_string())?,
                )
            }
        };
        Ok(values)
    }
}

/// Calls `f` once per row of the column chunk, `None` for a null, in row order.
fn each_value<T: DataType>(
    mut reader: ColumnReaderImpl<T>,
    max_def: i16,
    mut f: impl FnMut(Option<&T::T>) -> Result<(), ReadError>,
) -> Result<(), ReadError> {
    let mut values: Vec<T::T> = Vec::new();
    let mut defs: Vec<i16> = Vec::new();
    loop {
        values.clear();
        defs.clear();
        let (records, n_values, n_levels) = if max_def > 0 {
            reader.read_records(BATCH, Some(&mut defs), None, &mut values)?
        } else {
            reader.read_records(BATCH, None, None, &mut values)?
        };
        if records == 0 {
            return Ok(());
        }
        if max_def > 0 {
            if n_levels != records || defs.len() < n_levels || values.len() < n_values {
                return Err(ReadError::Corrupt(format!(
                    "{records} rows but {n_levels} definition levels"
                )));
            }
            let mut next = values[..n_values].iter();
            for &d in &defs[..n_levels] {
                if d == max_def {
                    let v = next.next().ok_or_else(|| {
                        ReadError::Corrupt("fewer values than definition levels say".into())
                    })?;
                    f(Some(v))?;
                } else {
                    f(None)?;
                }
            }
            if next.next().is_some() {
                return Err(ReadError::Corrupt(
                    "more values than definition levels say".into(),
                ));
            }
        } else {
            if n_values != records || values.len() < n_values {
                return Err(ReadError::Corrupt(format!(
                    "{records} rows but {n_values} values in a required column"
                )));
            }
            for v in &values[..n_values] {
                f(Some(v))?;
            }
        }
    }
}

/// `unscaled / 10^scale`.
fn scaled(unscaled: i128, scale: i32) -> f64 {
    let x = unscaled as f64;
    if scale >= 0 {
        x / 10f64.powi(scale)
    } else {
        x * 10f64.powi(-scale)
    }
}

/// A decimal's big-endian two's-complement unscaled value, up to 16 bytes.
fn decimal_bytes(bytes: &[u8], scale: i32) -> Result<f64, ReadError> {
    if bytes.is_empty() || bytes.len() > 16 {
        return Err(ReadError::Corrupt(format!(
            "a decimal of {} bytes (1 to 16 can be read)",
            bytes.len()
        )));
    }
    let fill = if bytes[0] & 0x80 != 0 { 0xff } else { 0 };
    let mut buf = [fill; 16];
    buf[16 - bytes.len()..].copy_from_slice(bytes);
    Ok(scaled(i128::from_be_bytes(buf), scale))
}

/// A Parquet file as a [`Table`](super::Table): the target and id columns resolved by name
/// or position as for CSV (a Parquet file always has names), `--categorical` applied, the
/// target checked (numeric, holes counted).
pub(super) fn read_table(
    path: &Path,
    opts: &super::LoadOptions,
) -> Result<super::Table, super::DataError> {
    use super::DataError;
    let shown = path.display().to_string();
    let t = read_parquet_columns(path).map_err(|e| DataError::Parquet(Box::new(e)))?;
    let names: Vec<String> = t.columns.iter().map(|c| c.name.clone()).collect();
    if names.is_empty() {
        return Err(DataError::Empty {
            path: shown,
            detail: "the file has no columns",
        });
    }
    let (target_col, id_cols) = super::csv::resolve_columns_pub(&shown, opts, &names)?;
    let forced = |refs: &[super::ColumnRef], role| -> Result<Vec<usize>, DataError> {
        refs.iter()
            .map(|r| super::csv::resolve_one_pub(&shown, role, r, true, &names))
            .collect()
    };
    let categorical = forced(&opts.categorical, "categorical")?;
    let numeric = forced(&opts.numeric, "numeric")?;
    let mut columns = Vec::new();
    let mut feature_cols = Vec::new();
    let mut y = Vec::new();
    for (c, col) in t.columns.into_iter().enumerate() {
        if c == target_col {
            y = numbers(&shown, col, "the target column must be numeric")?;
        } else if !id_cols.contains(&c) {
            let col = if categorical.contains(&c) {
                as_categorical(col)
            } else if numeric.contains(&c) {
                let name = col.name.clone();
                Column::numeric(name, numbers(&shown, col, "--numeric was given")?)
            } else {
                col
            };
            feature_cols.push(c);
            columns.push(col);
        }
    }
    let missing_target: Vec<usize> = (0..y.len()).filter(|&i| y[i].is_nan()).collect();
    Ok(super::Table {
        columns,
        target_name: names[target_col].clone(),
        missing_target_lines: missing_target
            .iter()
            .take(5)
            .map(|&i| i as u64 + 1)
            .collect(),
        missing_target,
        y,
        path: shown,
        has_header: true,
        names,
        target_col,
        id_cols,
        feature_cols,
    })
}

/// A column's values as numbers: text that does not parse is an error naming the row.
pub(super) fn numbers(path: &str, col: Column, why: &str) -> Result<Vec<f64>, super::DataError> {
    match col.values {
        Values::Numeric(v) => Ok(v),
        Values::Categorical(c) => (0..c.len())
            .map(|i| match c.get(i) {
                None => Ok(f64::NAN),
                Some(s) => s
                    .trim()
                    .parse::<f64>()
                    .map_err(|_| super::DataError::ParquetText {
                        path: path.to_string(),
                        row: i + 1,
                        name: col.name.clone(),
                        text: s.chars().take(60).collect(),
                        why: why.to_string(),
                    }),
            })
            .collect(),
    }
}

/// Numbers as categories, each level written as Python writes the float (`1.0`, `2.5`).
pub(super) fn as_categorical(col: Column) -> Column {
    match col.values {
        Values::Categorical(_) => col,
        Values::Numeric(v) => {
            let strs = v
                .iter()
                .map(|x| (!x.is_nan()).then(|| crate::models::python_float(*x)));
            Column::categorical(
                col.name,
                Categorical::from_strs(strs).expect("fewer levels than rows"),
            )
        }
    }
}
