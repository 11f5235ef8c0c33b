//! How to read a file: header mode, column references, delimiter.

use std::fmt;
use std::str::FromStr;

use crate::prep::PrepOptions;

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

/// How to read a file and prepare its columns.
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
    /// Cells meaning "missing" besides pandas' default `na_values`.
    pub na_values: Vec<String>,
    /// Columns read as categories whatever they hold.
    pub categorical: Vec<ColumnRef>,
    /// Columns that must be numeric (text in one is an error with its position).
    pub numeric: Vec<ColumnRef>,
    /// Columns kept although they look like an id, a row number or a constant.
    pub keep: Vec<ColumnRef>,
    /// Drop rows whose target is missing (otherwise they are an error).
    pub drop_missing_target: bool,
    /// The pipeline's settings (`--scale`, `--max-onehot`).
    pub prep: PrepOptions,
}

impl Default for LoadOptions {
    fn default() -> Self {
        LoadOptions {
            header: HeaderMode::Auto,
            id_cols: Vec::new(),
            target: None,
            delimiter: b',',
            na_values: Vec::new(),
            categorical: Vec::new(),
            numeric: Vec::new(),
            keep: Vec::new(),
            drop_missing_target: false,
            prep: PrepOptions {
                scale: false,
                max_onehot: crate::prep::DEFAULT_MAX_ONEHOT,
            },
        }
    }
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
}
