//! `fitpool::data::parquet`: the fixtures of `scripts/make_parquet_fixture.py` (pyarrow's
//! defaults) read into the expected columns, and every malformed input an error, never a
//! panic.

use std::error::Error as _;
use std::path::{Path, PathBuf};

use fitpool::data::parquet::{read_parquet_columns, ParquetError, ParquetTable};
use fitpool::prep::{Categorical, Values};
use serde_json::Value;

fn data(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/data")
        .join(name)
}

fn read(name: &str) -> Result<ParquetTable, ParquetError> {
    read_parquet_columns(&data(name))
}

/// A file under the temp dir, unique to this process and `tag`.
fn temp_file(tag: &str, bytes: &[u8]) -> PathBuf {
    let path = std::env::temp_dir().join(format!(
        "fitpool-parquet-{}-{tag}.parquet",
        std::process::id()
    ));
    std::fs::write(&path, bytes).unwrap();
    path
}

fn numeric(t: &ParquetTable, i: usize) -> &[f64] {
    match &t.columns[i].values {
        Values::Numeric(v) => v,
        other => panic!("column {} is not numeric: {other:?}", t.columns[i].name),
    }
}

fn categorical(t: &ParquetTable, i: usize) -> &Categorical {
    match &t.columns[i].values {
        Values::Categorical(c) => c,
        other => panic!("column {} is not categorical: {other:?}", t.columns[i].name),
    }
}

#[test]
fn mixed_matches_pandas() {
    check_mixed("mixed.parquet");
}

/// No dictionaries, v2 data pages, four row groups.
#[test]
fn mixed_plain_v2_pages_matches_pandas() {
    check_mixed("mixed_plain.parquet");
}

fn check_mixed(file: &str) {
    let expected: Value =
        serde_json::from_str(&std::fs::read_to_string(data("mixed_expected.json")).unwrap())
            .unwrap();
    assert_eq!(expected["compression"], "SNAPPY");
    let t = read(file).unwrap();
    let n = expected["n_rows"].as_u64().unwrap() as usize;
    assert_eq!(t.n_rows, n);
    let cols = expected["columns"].as_array().unwrap();
    let names: Vec<&str> = t.columns.iter().map(|c| c.name.as_str()).collect();
    let want: Vec<&str> = cols.iter().map(|c| c["name"].as_str().unwrap()).collect();
    assert_eq!(names, want);
    for (i, col) in cols.iter().enumerate() {
        let name = col["name"].as_str().unwrap();
        let values = col["values"].as_array().unwrap();
        assert_eq!(values.len(), n, "{name}");
        match col["kind"].as_str().unwrap() {
            "numeric" => {
                let got = numeric(&t, i);
                assert_eq!(got.len(), n, "{name}");
                for (row, (g, w)) in got.iter().zip(values).enumerate() {
                    match w.as_f64() {
                        None => assert!(g.is_nan(), "{name}[{row}]: {g}, expected missing"),
                        Some(w) => assert_eq!(g.to_bits(), w.to_bits(), "{name}[{row}]"),
                    }
                }
                assert!(values.iter().any(Value::is_null) || name == "target");
            }
            "categorical" => {
                let got = categorical(&t, i);
                assert_eq!(got.len(), n, "{name}");
                for (row, w) in values.iter().enumerate() {
                    assert_eq!(got.get(row), w.as_str(), "{name}[{row}]");
                }
                if name == "flag" {
                    assert_eq!(got.levels(), ["False", "True"]);
                } else {
                    assert!(values.iter().any(Value::is_null), "{name} has no nulls");
                }
            }
            other => panic!("kind {other}"),
        }
    }
}

#[test]
fn null_typed_column_is_all_nan() {
    let t = read("null_column.parquet").unwrap();
    assert_eq!(t.n_rows, 2);
    assert_eq!(numeric(&t, 0), [1.0, 2.0]);
    assert_eq!(t.columns[1].name, "nothing");
    assert!(numeric(&t, 1).iter().all(|x| x.is_nan()));
}

#[test]
fn integer_widths_floats_decimals_across_row_groups() {
    let t = read("widths.parquet").unwrap();
    assert_eq!(t.n_rows, 3);
    let nan = f64::NAN;
    let expected: [(&str, [f64; 3]); 10] = [
        ("i8", [-128.0, nan, 127.0]),
        ("i16", [-32768.0, 0.0, 32767.0]),
        ("i32", [-2147483648.0, nan, 2147483647.0]),
        ("u8", [0.0, nan, 255.0]),
        ("u16", [0.0, 1.0, 65535.0]),
        ("u32", [0.0, nan, 4294967295.0]),
        ("u64", [0.0, 1.0, u64::MAX as f64]),
        ("f32", [1.5, nan, -0.25]),
        ("dec", [1.25, nan, -3.5]),
        ("req", [1.0, 2.0, 3.0]),
    ];
    assert_eq!(t.columns.len(), expected.len());
    for (i, (name, want)) in expected.iter().enumerate() {
        assert_eq!(t.columns[i].name, *name);
        let got = numeric(&t, i);
        assert_eq!(got.len(), 3);
        for (g, w) in got.iter().zip(want) {
            assert!(
                (g.is_nan() && w.is_nan()) || g == w,
                "{name}: {got:?}, expected {want:?}"
            );
        }
    }
}

fn unsupported(name: &str) -> (String, String, String) {
    match read(name) {
        Err(e @ ParquetError::Unsupported { .. }) => {
            let msg = e.to_string();
            let ParquetError::Unsupported { name, ty, .. } = e else {
                unreachable!()
            };
            (name, ty, msg)
        }
        other => panic!("{name}: {other:?}"),
    }
}

#[test]
fn dates_and_timestamps_are_unsupported_by_name() {
    let (name, ty, msg) = unsupported("date.parquet");
    assert_eq!(name, "day");
    assert!(ty.starts_with("date"), "{ty}");
    assert!(msg.contains("column \"day\" has type date"), "{msg}");
    let (name, ty, _) = unsupported("timestamp.parquet");
    assert_eq!(name, "when");
    assert!(ty.starts_with("timestamp"), "{ty}");
}

#[test]
fn nested_columns_are_an_error() {
    match read("nested.parquet") {
        Err(e @ ParquetError::Nested { .. }) => {
            let msg = e.to_string();
            assert!(msg.contains("column \"l\" is nested (list)"), "{msg}");
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn codec_not_built_in_is_an_error() {
    match read("zstd.parquet") {
        Err(e @ ParquetError::Codec { .. }) => {
            let msg = e.to_string();
            assert!(
                msg.ends_with(
                    "zstd.parquet: column \"x\" is compressed with zstd, which cannot be read \
                     (snappy and uncompressed can)"
                ),
                "{msg}"
            );
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn missing_file_and_directory_cannot_be_opened() {
    let e = read_parquet_columns(Path::new("/nonexistent/x.parquet")).unwrap_err();
    assert!(matches!(e, ParquetError::Open { .. }), "{e:?}");
    assert_eq!(
        e.to_string(),
        "cannot open /nonexistent/x.parquet: no such file or directory (os error 2)"
    );
    let e = read_parquet_columns(&std::env::temp_dir()).unwrap_err();
    assert!(matches!(e, ParquetError::Open { .. }), "{e:?}");
}

fn assert_format_error(e: &ParquetError, path: &Path) {
    assert!(
        matches!(
            e,
            ParquetError::Format { .. } | ParquetError::Corrupt { .. }
        ),
        "{e:?}"
    );
    let msg = e.to_string();
    assert!(msg.starts_with(&path.display().to_string()), "{msg}");
    let first = msg[path.display().to_string().len()..].chars().nth(2);
    assert!(first.is_some_and(|c| !c.is_uppercase()), "{msg}");
    if let ParquetError::Format { .. } = e {
        assert_eq!(
            msg,
            format!("{}: not a parquet file, or a corrupt one", path.display())
        );
        let source = e.source().expect("the parquet error as source").to_string();
        assert!(!msg.contains(&source), "source repeated: {msg}");
    }
}

#[test]
fn empty_and_random_files_are_format_errors() {
    for (tag, bytes) in [
        ("empty", Vec::new()),
        ("text", b"a,b\n1,2\n".to_vec()),
        ("magic-only", b"PAR1".to_vec()),
        ("magic-twice", b"PAR1PAR1".to_vec()),
        (
            "random",
            (0u32..5000)
                .map(|i| (i.wrapping_mul(2654435761) >> 13) as u8)
                .collect(),
        ),
        (
            "random-framed",
            b"PAR1"
                .iter()
                .copied()
                .chain((0u32..500).map(|i| (i.wrapping_mul(40503) >> 5) as u8))
                .chain(100u32.to_le_bytes())
                .chain(*b"PAR1")
                .collect(),
        ),
    ] {
        let path = temp_file(tag, &bytes);
        let e = read_parquet_columns(&path).unwrap_err();
        assert_format_error(&e, &path);
        std::fs::remove_file(&path).unwrap();
    }
}

#[test]
fn truncated_files_are_errors() {
    let full = std::fs::read(data("mixed.parquet")).unwrap();
    let path = temp_file("truncated", &[]);
    let mut lengths: Vec<usize> = (0..full.len()).step_by(37).collect();
    lengths.extend(full.len() - 16..full.len());
    for len in lengths {
        std::fs::write(&path, &full[..len]).unwrap();
        let e = read_parquet_columns(&path).unwrap_err();
        assert_format_error(&e, &path);
    }
    std::fs::remove_file(&path).unwrap();
}

/// Bytes of the data pages (not the footer, which a flip makes unreadable at once) flipped
/// one at a time: an error or a table, never a panic out of the reader. The reader catches
/// a panic of the `parquet` crate as `Corrupt`; none is expected on these inputs.
#[test]
fn corrupted_bytes_never_panic() {
    let full = std::fs::read(data("mixed.parquet")).unwrap();
    let path = temp_file("flipped", &[]);
    let mut panics = Vec::new();
    for at in (4..full.len() - 8).step_by(23) {
        let mut bytes = full.clone();
        bytes[at] ^= 0x5a;
        std::fs::write(&path, &bytes).unwrap();
        match read_parquet_columns(&path) {
            Ok(t) => assert_eq!(t.columns.len(), 6),
            Err(ParquetError::Corrupt { detail, .. }) if detail.contains("reader failed") => {
                panics.push((at, detail))
            }
            Err(e) => assert!(!e.to_string().is_empty()),
        }
    }
    std::fs::remove_file(&path).unwrap();
    assert!(panics.is_empty(), "{panics:?}");
}
