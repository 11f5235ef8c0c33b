//! Loading a regression dataset: CSV files into an `ndarray` matrix of `f64` features and a
//! target vector, validated with precise errors; the seeded train/test split; the built-in
//! diabetes dataset.
//!
//! Files: `options.rs` (how to read: header mode, column references), `table.rs` (a loaded
//! file and a dataset), `error.rs` (every input error), `csv.rs` (the reader), `split.rs`
//! (row-index splits), `builtin.rs` (the diabetes dataset), `fingerprint.rs` (the data's
//! identity in journals).
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

mod builtin;
pub mod columns;
mod csv;
mod error;
mod fingerprint;
mod load;
mod options;
pub mod parquet;
mod split;
mod table;

pub use builtin::builtin_diabetes;
pub use csv::read_table;
pub use error::DataError;
pub use fingerprint::fingerprint;
pub use load::{load, CvOptions, SplitOptions};
pub use options::{ColumnRef, HeaderMode, LoadOptions};
pub use split::{train_test_split, Holdout};
pub use table::{ColumnInfo, CvData, Dataset, Table};
