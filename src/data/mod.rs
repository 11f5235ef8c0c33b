//! Loading a regression dataset: CSV or Parquet files into typed columns (numbers,
//! categories, holes), validated with precise errors; scikit-learn's train/test split and
//! folds; the features encoded for the models; the built-in diabetes dataset.
//!
//! # Columns
//!
//! The id columns (`LoadOptions::id_cols`) are dropped without being read. The target is the
//! last column unless `LoadOptions::target` says otherwise; it must be numeric (text in it is
//! an error with its position), and rows where it is missing are an error unless
//! `drop_missing_target`. Every other column is a feature, typed as pandas types it: numeric
//! when every non-missing cell parses as a number, categorical otherwise (`categorical` and
//! `numeric` force a type; text in a forced-numeric column is an error with its position).
//! A cell is missing when it is empty or one of pandas' default `na_values` (`columns.rs`),
//! or one of `na_values`. Columns that can only mislead are dropped with a note (`load.rs`):
//! text whose every value is distinct, integers equal to the row number, constants (`keep`
//! keeps one). The article's files (no header, an id in column 0, the target last) load with
//! `id_cols = [0]` and nothing else.
//!
//! Parquet files (`.parquet`, `parquet.rs`) give the same typed table.
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
//! Cells are trimmed of ASCII whitespace and parsed with `str::parse::<f64>`; `nan` is
//! missing, an infinity in a numeric column is an error. A UTF-8 byte order mark at the start
//! of the file is ignored. A column that looks numeric and then meets text is read again as
//! categorical (one more pass over the file, only then).
//!
//! # Split and encoding
//!
//! The rows are split exactly as scikit-learn's `train_test_split(test_size, random_state)`
//! (`split.rs`, numpy's `RandomState` in `crate::split`); under cross-validation the folds
//! are `crate::split`'s. The features are encoded by `crate::prep`'s recipe learned on the
//! training rows: in the parent for the train/test split, in each fold's worker for folds.
//!
//! Files: `options.rs`, `table.rs`, `error.rs`, `csv.rs` (the reader), `columns.rs` (cells and
//! typing), `load.rs` (files to a dataset), `split.rs`, `builtin.rs`, `parquet.rs`,
//! `fingerprint.rs`.

mod builtin;
pub mod columns;
mod csv;
mod error;
mod features;
mod fingerprint;
mod load;
mod options;
pub mod parquet;
mod split;
mod table;

pub use builtin::builtin_diabetes;
pub use csv::read_table;
pub use error::DataError;
pub use features::{read_new_rows, NewRows, ReadSpec};
pub use fingerprint::fingerprint;
pub use load::{load, CvOptions, SplitOptions};
pub use options::{ColumnRef, HeaderMode, LoadOptions};
pub use split::{train_test_split, Holdout};
pub use table::{ColumnInfo, CvData, Dataset, Table};
