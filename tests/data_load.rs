//! Tests of `fitpool::data`: loading, validation errors with their positions, header
//! detection, the split, the built-in dataset and the real fixture files.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use fitpool::data::{
    builtin_diabetes, load, read_table, train_test_split, ColumnRef, DataError, HeaderMode,
    Holdout, LoadOptions, SplitOptions,
};
use fitpool::prep::Values;
use ndarray::{array, Array1, Array2};

/// A file in a fresh directory of the temp dir; the directory goes when this is dropped.
struct TempCsv {
    dir: PathBuf,
    path: PathBuf,
}

impl std::ops::Deref for TempCsv {
    type Target = Path;
    fn deref(&self) -> &Path {
        &self.path
    }
}

impl AsRef<Path> for TempCsv {
    fn as_ref(&self) -> &Path {
        &self.path
    }
}

impl Drop for TempCsv {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// Writes `content` to a fresh file in a fresh directory of the temp dir.
fn temp_csv(name: &str, content: &str) -> TempCsv {
    static N: AtomicUsize = AtomicUsize::new(0);
    let dir = std::env::temp_dir().join(format!(
        "fitpool-data-test-{}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    ));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, content).unwrap();
    TempCsv { dir, path }
}

fn bad(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/bad")
        .join(name)
}

fn real(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/data")
        .join(name)
}

fn ids0() -> LoadOptions {
    LoadOptions {
        id_cols: vec![ColumnRef::Index(0)],
        ..LoadOptions::default()
    }
}

fn err(path: &Path, opts: &LoadOptions) -> (DataError, String) {
    let e = read_table(path, opts).expect_err("should fail");
    assert!(e.is_input_error());
    let msg = e.to_string();
    (e, msg)
}

fn prefix(path: &Path, line: u64, col: usize) -> String {
    format!("{}:{line}:{col}: ", path.display())
}

// --- the article's layout and the real fixtures ---------------------------------------------

#[test]
fn article_layout_diabetes_fixtures() {
    let ds = load(
        &real("diabetes_train.csv"),
        Some(&real("diabetes_test.csv")),
        &ids0(),
        &SplitOptions::holdout(0.2, 0),
    )
    .unwrap();
    assert_eq!(ds.x_train.dim(), (354, 10));
    assert_eq!(ds.y_train.len(), 354);
    assert_eq!(ds.x_test.dim(), (88, 10));
    assert_eq!(ds.y_test.len(), 88);
    assert_eq!(ds.x_train[[0, 0]], -0.05273755484);
    assert_eq!(ds.y_train[0], 59.0);
    assert_eq!(ds.y_train[1], 85.0);
    assert_eq!(ds.x_test[[0, 0]], 0.01991321418);
    assert_eq!(ds.y_test[0], 321.0);
    assert_eq!(ds.feature_names[0], "col1");
    assert_eq!(ds.target_name, "col11");
    assert!(ds
        .description
        .contains("354 train / 88 test rows, 10 features"));
}

#[test]
fn article_layout_friedman_fixtures() {
    let ds = load(
        &real("friedman_train.csv"),
        Some(&real("friedman_test.csv")),
        &ids0(),
        &SplitOptions::holdout(0.2, 0),
    )
    .unwrap();
    assert_eq!(ds.x_train.dim(), (5000, 20));
    assert_eq!(ds.x_test.dim(), (5000, 20));
    assert_eq!(ds.x_train[[0, 0]], 0.5488135039);
    assert!(ds
        .y_train
        .iter()
        .chain(ds.y_test.iter())
        .all(|v| v.is_finite()));
}

#[test]
fn article_layout_without_id_flag_keeps_id_as_feature() {
    let t = read_table(&real("diabetes_test.csv"), &LoadOptions::default()).unwrap();
    assert!(!t.has_header);
    let x = t.numeric_x().unwrap();
    assert_eq!(x.dim(), (88, 11));
    assert_eq!(x[[0, 0]], 354.0);
}

#[test]
fn single_file_is_split() {
    let ds = load(
        &real("diabetes_train.csv"),
        None,
        &ids0(),
        &SplitOptions::holdout(0.25, 7),
    )
    .unwrap();
    assert_eq!(ds.y_train.len() + ds.y_test.len(), 354);
    assert_eq!(ds.y_test.len(), 89); // ceil(0.25 * 354) = 89
    assert!(ds.description.contains("split with seed 7"));
}

// --- headers and column references ------------------------------------------------------------

#[test]
fn header_detected_and_target_by_name() {
    let p = temp_csv(
        "h.csv",
        "id,age,y,bmi\n0,50,100,22.5\n1,61,120,27.0\n2,45,90,30.1\n",
    );
    let opts = LoadOptions {
        id_cols: vec!["id".parse().unwrap()],
        target: Some("y".parse().unwrap()),
        ..LoadOptions::default()
    };
    let t = read_table(&p, &opts).unwrap();
    assert!(t.has_header);
    assert_eq!(t.feature_names(), vec!["age", "bmi"]);
    assert_eq!(t.target_name, "y");
    assert_eq!(
        t.numeric_x().unwrap(),
        array![[50.0, 22.5], [61.0, 27.0], [45.0, 30.1]]
    );
    assert_eq!(t.y, vec![100.0, 120.0, 90.0]);
}

#[test]
fn all_numeric_first_row_is_data() {
    let p = temp_csv("n.csv", "1,2,3\n4,5,6\n");
    let t = read_table(&p, &LoadOptions::default()).unwrap();
    assert!(!t.has_header);
    assert_eq!(t.numeric_x().unwrap(), array![[1.0, 2.0], [4.0, 5.0]]);
    assert_eq!(t.names, vec!["col0", "col1", "col2"]);
    assert_eq!(t.target_name, "col2");
}

#[test]
fn header_forced_yes_and_no() {
    let p = temp_csv("n.csv", "1,2,3\n4,5,6\n7,8,9\n");
    let yes = LoadOptions {
        header: HeaderMode::Yes,
        ..LoadOptions::default()
    };
    let t = read_table(&p, &yes).unwrap();
    assert!(t.has_header);
    assert_eq!(t.y, vec![6.0, 9.0]);
    assert_eq!(t.target_name, "3");

    let p = temp_csv("h.csv", "a,b,c\n4,5,6\n");
    let no = LoadOptions {
        header: HeaderMode::No,
        ..LoadOptions::default()
    };
    // issue 11: the text cells "a" and "b" make their columns categorical; the text "c" in
    // the target column is the error
    let (e, msg) = err(&p, &no);
    assert!(
        matches!(
            e,
            DataError::TextTarget {
                line: 1,
                column: 3,
                ..
            }
        ),
        "{msg}"
    );
    assert!(msg.starts_with(&prefix(&p, 1, 3)), "{msg}");
}

#[test]
fn text_id_column_is_not_header_evidence() {
    let p = temp_csv("ids.csv", "p1,1,2\np2,3,4\np3,5,6\n");
    let t = read_table(&p, &ids0()).unwrap();
    assert!(!t.has_header);
    assert_eq!(t.numeric_x().unwrap(), array![[1.0], [3.0], [5.0]]);
}

#[test]
fn missing_value_in_first_row_is_not_a_header() {
    let p = temp_csv("na.csv", "1,NA,3\n4,5,6\n");
    // issue 11: "NA" is one of pandas' na_values, a missing value (it used to be an error)
    let t = read_table(&p, &LoadOptions::default()).unwrap();
    assert!(!t.has_header);
    let x = t.numeric_x().unwrap();
    assert_eq!((x[[0, 0]], x[[1, 0]], x[[1, 1]]), (1.0, 4.0, 5.0));
    assert!(x[[0, 1]].is_nan());
    assert_eq!(t.y, vec![3.0, 6.0]);
}

#[test]
fn pandas_index_header_with_empty_first_cell() {
    let p = temp_csv("pd.csv", ",a,b\n0,1.5,2\n1,2.5,3\n");
    let t = read_table(&p, &ids0()).unwrap();
    assert!(t.has_header);
    assert_eq!(t.names, vec!["col0", "a", "b"]);
    assert_eq!(t.feature_names(), vec!["a"]);
}

#[test]
fn negative_index_and_generated_names() {
    let p = temp_csv("n.csv", "0,1,2,3\n4,5,6,7\n");
    let opts = LoadOptions {
        target: Some("-2".parse().unwrap()),
        id_cols: vec!["col0".parse().unwrap()],
        ..LoadOptions::default()
    };
    let t = read_table(&p, &opts).unwrap();
    assert_eq!(t.target_col, 2);
    assert_eq!(t.y, vec![2.0, 6.0]);
    assert_eq!(t.numeric_x().unwrap(), array![[1.0, 3.0], [5.0, 7.0]]);
}

#[test]
fn whitespace_delimiter_crlf_bom_and_quotes() {
    let p = temp_csv(
        "semi.csv",
        "\u{feff}id ; a ; y\r\n 0 ;\"1.5\"; 2 \r\n1;  -3e2 ;+4\r\n",
    );
    let opts = LoadOptions {
        delimiter: b';',
        id_cols: vec![ColumnRef::Name("id".into())],
        ..LoadOptions::default()
    };
    let t = read_table(&p, &opts).unwrap();
    assert!(t.has_header);
    assert_eq!(t.names, vec!["id", "a", "y"]);
    assert_eq!(t.numeric_x().unwrap(), array![[1.5], [-300.0]]);
    assert_eq!(t.y, vec![2.0, 4.0]);

    let p = temp_csv("tab.tsv", "1\t2\n3\t4\n");
    let opts = LoadOptions {
        delimiter: b'\t',
        ..LoadOptions::default()
    };
    assert_eq!(read_table(&p, &opts).unwrap().y, vec![2.0, 4.0]);
}

#[test]
fn line_numbers_count_header_blank_and_multiline_records() {
    // issue 11: the text is in the target column, a TextTarget error at the same position
    let p = temp_csv("ml.csv", "\"a\nb\",c\n1,2\n\n3,x\n");
    let (e, msg) = err(&p, &LoadOptions::default());
    assert!(
        matches!(
            e,
            DataError::TextTarget {
                line: 5,
                column: 2,
                ..
            }
        ),
        "{msg}"
    );
    assert!(msg.starts_with(&prefix(&p, 5, 2)), "{msg}");

    // CRLF line ends and several blank lines (the csv crate's own count gets these wrong).
    let p = temp_csv("crlf.csv", "a,c\r\n1,2\r\n\r\n\r\n3,4\r\n5,6,7\r\n");
    let (e, msg) = err(&p, &LoadOptions::default());
    assert!(
        matches!(
            e,
            DataError::Ragged {
                line: 6,
                first_line: 1,
                ..
            }
        ),
        "{msg}"
    );
    let p = temp_csv("lf.csv", "\n\n1,2\n\n3,z\n");
    let (e, msg) = err(&p, &LoadOptions::default());
    assert!(
        matches!(
            e,
            DataError::TextTarget {
                line: 5,
                column: 2,
                ..
            }
        ),
        "{msg}"
    );
    let p = temp_csv("lf.csv", "\n\n1,2\n\n3,4,5\n");
    let (e, msg) = err(&p, &LoadOptions::default());
    assert!(
        matches!(
            e,
            DataError::Ragged {
                line: 5,
                first_line: 3,
                ..
            }
        ),
        "{msg}"
    );
}

// --- errors -------------------------------------------------------------------------------

#[test]
fn missing_file() {
    let p = std::env::temp_dir().join("fitpool-no-such-dir/nothing.csv");
    let (e, msg) = err(&p, &LoadOptions::default());
    assert!(matches!(e, DataError::Io { .. }), "{msg}");
    assert!(
        msg.starts_with(&format!("cannot read {}: ", p.display())),
        "{msg}"
    );
    assert!(msg.contains("no such file or directory"), "{msg}");
}

#[test]
fn empty_file() {
    let p = bad("empty.csv");
    let (e, msg) = err(&p, &LoadOptions::default());
    assert!(matches!(e, DataError::Empty { .. }), "{msg}");
    assert_eq!(
        msg,
        format!("{}: no data rows (the file is empty)", p.display())
    );
}

#[test]
fn header_only_file() {
    let p = bad("header_only.csv");
    let (e, msg) = err(&p, &LoadOptions::default());
    assert!(matches!(e, DataError::Empty { .. }), "{msg}");
    assert!(msg.contains("only a header line"), "{msg}");
}

#[test]
fn ragged_row() {
    let p = bad("ragged.csv");
    let (e, msg) = err(&p, &ids0());
    assert!(
        matches!(
            e,
            DataError::Ragged {
                line: 3,
                expected: 4,
                found: 3,
                ..
            }
        ),
        "{msg}"
    );
    assert_eq!(
        msg,
        format!(
            "{}:3: expected 4 fields (as on line 1), found 3",
            p.display()
        )
    );
}

#[test]
fn ragged_row_longer() {
    let p = temp_csv("r.csv", "a,b\n1,2\n3,4,5\n");
    let (e, msg) = err(&p, &LoadOptions::default());
    assert!(
        matches!(
            e,
            DataError::Ragged {
                line: 3,
                expected: 2,
                found: 3,
                ..
            }
        ),
        "{msg}"
    );
}

#[test]
fn not_a_number() {
    let p = bad("not_a_number.csv");
    // issue 11: by default the text cell makes "bmi" categorical, as pandas reads it
    let t = read_table(&p, &ids0()).unwrap();
    assert_eq!(t.feature_names(), vec!["age", "bmi"]);
    let Values::Categorical(bmi) = &t.columns[1].values else {
        panic!("bmi should be categorical: {:?}", t.columns[1]);
    };
    assert_eq!(
        (0..bmi.len()).map(|i| bmi.get(i)).collect::<Vec<_>>(),
        [Some("22.5"), Some("abc"), Some("30.1")]
    );
    // forced numeric, it is the positioned error it always was
    let opts = LoadOptions {
        numeric: vec![ColumnRef::Name("bmi".into())],
        ..ids0()
    };
    let (e, msg) = err(&p, &opts);
    assert!(
        matches!(
            e,
            DataError::NotANumber {
                line: 3,
                column: 3,
                ..
            }
        ),
        "{msg}"
    );
    assert_eq!(
        msg,
        format!(
            "{}expected a number in column \"bmi\", found \"abc\"",
            prefix(&p, 3, 3)
        )
    );
}

#[test]
fn non_numeric_id_column_is_not_parsed_but_others_are() {
    let p = temp_csv("t.csv", "x,1,2\ny,3,oops\n");
    // issue 11: "oops" is in the target column: a TextTarget error, same position
    let (e, msg) = err(&p, &ids0());
    assert!(
        matches!(
            e,
            DataError::TextTarget {
                line: 2,
                column: 3,
                ..
            }
        ),
        "{msg}"
    );
    assert_eq!(
        msg,
        format!(
            "{}the target column \"col2\" must be numeric, found \"oops\"",
            prefix(&p, 2, 3)
        )
    );
}

#[test]
fn nan_value() {
    // issue 11: "nan" is one of pandas' na_values, a missing value (it used to be an error)
    let p = bad("nan.csv");
    let t = read_table(&p, &ids0()).unwrap();
    let x = t.numeric_x().unwrap();
    assert_eq!(x.dim(), (3, 2));
    assert!(x[[1, 0]].is_nan());
    assert_eq!((x[[0, 0]], x[[2, 0]], x[[1, 1]]), (1.5, 3.0, 2.0));
    assert_eq!(t.y, vec![10.0, 11.0, 12.0]);
}

#[test]
fn infinite_value() {
    let p = bad("inf.csv");
    let (e, msg) = err(&p, &ids0());
    assert!(
        matches!(
            e,
            DataError::NonFinite {
                line: 3,
                column: 3,
                ..
            }
        ),
        "{msg}"
    );
    assert!(msg.starts_with(&prefix(&p, 3, 3)), "{msg}");
}

#[test]
fn overflowing_and_other_non_finite_literals() {
    for (text, col) in [("1e999", 2), ("-inf", 1), ("Infinity", 1)] {
        let p = temp_csv(
            "o.csv",
            &format!(
                "1,2\n{}\n",
                if col == 1 {
                    format!("{text},3")
                } else {
                    format!("3,{text}")
                }
            ),
        );
        let (e, msg) = err(&p, &LoadOptions::default());
        assert!(matches!(e, DataError::NonFinite { line: 2, .. }), "{msg}");
        assert_eq!(e.column(), Some(col), "{msg}");
        assert!(msg.contains(&format!("{text:?}")), "{msg}");
    }
    // issue 11: a "NaN" target is a missing target (pandas' na_values), not an error here
    let p = temp_csv("o.csv", "1,2\n3,NaN\n");
    let t = read_table(&p, &LoadOptions::default()).unwrap();
    assert!(t.y[1].is_nan());
    assert_eq!(
        (t.missing_target.clone(), t.missing_target_lines.clone()),
        (vec![1], vec![2])
    );
}

#[test]
fn empty_cell() {
    // issue 11: an empty cell is a missing value (it used to be an error), imputed with the
    // mean of the training rows
    let p = bad("empty_cell.csv");
    let t = read_table(&p, &ids0()).unwrap();
    let x = t.numeric_x().unwrap();
    assert!(x[[1, 1]].is_nan());
    let ds = load(&p, Some(&p), &ids0(), &SplitOptions::holdout(0.2, 0)).unwrap();
    let mean = (2.5 + 4.0) / 2.0;
    assert_eq!(ds.x_train.column(1).to_vec(), vec![2.5, mean, 4.0]);
    assert_eq!(ds.x_test.column(1).to_vec(), vec![2.5, mean, 4.0]);
    assert_eq!(ds.columns[1].missing, 1);
    // a blank cell in the target column is a missing target: an error only when loading
    let p = temp_csv("blank.csv", "1,2\n3,   \n");
    let t = read_table(&p, &LoadOptions::default()).unwrap();
    assert!(t.y[1].is_nan());
    assert_eq!(t.missing_target_lines, vec![2]);
}

#[test]
fn target_column_does_not_exist() {
    let p = bad("one_row.csv");
    for r in ["4", "-5"] {
        let opts = LoadOptions {
            target: Some(r.parse().unwrap()),
            ..LoadOptions::default()
        };
        let (e, msg) = err(&p, &opts);
        assert!(
            matches!(
                e,
                DataError::NoSuchColumn {
                    role: "target",
                    n_columns: 4,
                    ..
                }
            ),
            "{msg}"
        );
        assert!(
            msg.contains("the file has 4 columns (indices 0 to 3"),
            "{msg}"
        );
    }
}

#[test]
fn id_column_does_not_exist() {
    let p = bad("one_row.csv");
    let opts = LoadOptions {
        id_cols: vec![ColumnRef::Index(9)],
        ..LoadOptions::default()
    };
    let (e, msg) = err(&p, &opts);
    assert!(
        matches!(
            e,
            DataError::NoSuchColumn {
                role: "id",
                n_columns: 4,
                ..
            }
        ),
        "{msg}"
    );
    assert!(
        msg.starts_with(&format!(
            "{}: id column index 9 does not exist: the file has 4 columns",
            p.display()
        )),
        "{msg}"
    );
}

#[test]
fn target_name_missing_lists_available_names() {
    let p = bad("not_a_number.csv");
    let opts = LoadOptions {
        target: Some(ColumnRef::Name("weight".into())),
        ..LoadOptions::default()
    };
    let (e, msg) = err(&p, &opts);
    assert!(matches!(e, DataError::NoSuchColumn { .. }), "{msg}");
    assert!(
        msg.ends_with("the header has 4 columns: \"id\", \"age\", \"bmi\", \"y\""),
        "{msg}"
    );
}

#[test]
fn name_in_headerless_file() {
    let p = bad("one_row.csv");
    let opts = LoadOptions {
        target: Some(ColumnRef::Name("y".into())),
        ..LoadOptions::default()
    };
    let (_, msg) = err(&p, &opts);
    assert!(
        msg.contains("has no header") && msg.contains("col0 to col3"),
        "{msg}"
    );
}

#[test]
fn ambiguous_name() {
    let p = temp_csv("dup.csv", "a,b,a\n1,2,3\n4,5,6\n");
    let opts = LoadOptions {
        target: Some(ColumnRef::Name("a".into())),
        ..LoadOptions::default()
    };
    // issue 11: duplicate header names are an error of their own, before any column is
    // resolved (AmbiguousColumn cannot happen on a file read any more)
    let (e, msg) = err(&p, &opts);
    assert!(matches!(e, DataError::DuplicateName { .. }), "{msg}");
    assert_eq!(
        msg,
        format!(
            "{}: column name \"a\" appears twice in the header (columns 1, 3)",
            p.display()
        )
    );
}

#[test]
fn target_also_id() {
    let p = bad("one_row.csv");
    let opts = LoadOptions {
        id_cols: vec![ColumnRef::Index(0), ColumnRef::FromEnd(1)],
        ..LoadOptions::default()
    };
    let (e, msg) = err(&p, &opts);
    assert!(
        matches!(e, DataError::TargetIsId { column: 4, .. }),
        "{msg}"
    );
    assert_eq!(
        msg,
        format!(
            "{}: column 4 (\"col3\") is both the target and an id column",
            p.display()
        )
    );
}

#[test]
fn no_feature_left() {
    let p = temp_csv("two.csv", "1,2\n3,4\n");
    let (e, msg) = err(&p, &ids0());
    assert!(matches!(e, DataError::NoFeatures { .. }), "{msg}");
    assert!(
        msg.ends_with(
            "no feature columns left: the file has 2 columns: the target \"col1\" and 1 id column"
        ),
        "{msg}"
    );
    let p = temp_csv("one.csv", "1\n2\n");
    let (e, msg) = err(&p, &LoadOptions::default());
    assert!(matches!(e, DataError::NoFeatures { .. }), "{msg}");
    assert!(
        msg.contains("1 column: the target \"col0\" and 0 id columns"),
        "{msg}"
    );
}

#[test]
fn train_test_column_count_mismatch() {
    let e = load(
        &bad("five_columns.csv"),
        Some(&bad("nan.csv")),
        &ids0(),
        &SplitOptions::holdout(0.2, 0),
    )
    .expect_err("mismatch");
    let msg = e.to_string();
    assert!(
        matches!(e, DataError::ColumnMismatch { line: 1, .. }),
        "{msg}"
    );
    assert!(
        msg.starts_with(&format!(
            "{}:1: columns differ from ",
            bad("nan.csv").display()
        )),
        "{msg}"
    );
    assert!(
        msg.ends_with("4 columns here, 5 in the training file"),
        "{msg}"
    );
}

#[test]
fn train_test_column_name_mismatch() {
    let train = temp_csv("train.csv", "id,a,b,y\n0,1,2,3\n1,4,5,6\n2,7,8,9\n");
    let test = temp_csv("test.csv", "id,a,c,y\n0,1,2,3\n");
    let e = load(
        &train,
        Some(&*test),
        &ids0(),
        &SplitOptions::holdout(0.2, 0),
    )
    .expect_err("mismatch");
    let msg = e.to_string();
    assert!(matches!(e, DataError::ColumnMismatch { .. }), "{msg}");
    assert!(
        msg.ends_with("column 3 is named \"c\" here but \"b\" in the training file"),
        "{msg}"
    );
    // A headerless test file with the same count is accepted, the target resolved by name
    // on the training file.
    let test = temp_csv("test.csv", "9,1,2,3\n8,4,5,6\n");
    let opts = LoadOptions {
        target: Some(ColumnRef::Name("a".into())),
        ..ids0()
    };
    let ds = load(&train, Some(&*test), &opts, &SplitOptions::holdout(0.2, 0)).unwrap();
    assert_eq!(ds.y_test, array![1.0, 4.0]);
    assert_eq!(ds.x_test, array![[2.0, 3.0], [5.0, 6.0]]);
    assert_eq!(ds.feature_names, vec!["b", "y"]);
}

#[test]
fn too_few_rows_to_train() {
    let p = bad("one_row.csv");
    let e = load(&p, None, &ids0(), &SplitOptions::holdout(0.2, 0)).expect_err("one row");
    assert!(matches!(e, DataError::TooFewRows { .. }), "{e}");
    assert!(
        e.to_string()
            .contains("need at least 2 data rows to train, found 1"),
        "{e}"
    );
}

#[test]
fn split_leaving_an_empty_side() {
    let p = temp_csv("three.csv", "1,2\n3,4\n5,6\n");
    // issue 11: a whole number of test rows (3.0, 10.0) is no longer a test size (below);
    // a fraction leaving no training row is TooFewRows
    let e = load(
        &p,
        None,
        &LoadOptions::default(),
        &SplitOptions::holdout(0.99, 0),
    )
    .expect_err("no train row");
    assert!(matches!(e, DataError::TooFewRows { .. }), "{e}");
    assert!(
        e.to_string()
            .starts_with(&format!("{}: too few rows: a test size of", p.display())),
        "{e}"
    );
    assert!(e.to_string().contains("leaves 0 training"), "{e}");
    // fewer than 2 test rows: ceil(0.2 * 3) = 1
    let e = load(
        &p,
        None,
        &LoadOptions::default(),
        &SplitOptions::holdout(0.2, 0),
    )
    .expect_err("one test row");
    assert!(matches!(e, DataError::TooFewRows { .. }), "{e}");
    assert!(
        e.to_string().contains("leaves 2 training and 1 test rows"),
        "{e}"
    );
    for ts in [0.0, -1.0, 1.0, 1.5, 3.0, 10.0, f64::NAN] {
        let e = load(
            &p,
            None,
            &LoadOptions::default(),
            &SplitOptions::holdout(ts, 0),
        )
        .expect_err("bad size");
        assert!(matches!(e, DataError::InvalidTestSize { .. }), "{e}");
    }
}

// --- split -----------------------------------------------------------------------------

fn toy(n: usize) -> (Array2<f64>, Array1<f64>) {
    let x = Array2::from_shape_fn((n, 2), |(i, j)| (i * 10 + j) as f64);
    let y = Array1::from_shape_fn(n, |i| i as f64);
    (x, y)
}

#[test]
fn split_is_deterministic_and_a_partition() {
    let (x, y) = toy(100);
    let a = train_test_split(&x, &y, 0.2, 42).unwrap();
    let b = train_test_split(&x, &y, 0.2, 42).unwrap();
    let c = train_test_split(&x, &y, 0.2, 43).unwrap();
    assert_eq!(a, b);
    assert_ne!(a.3, c.3);
    assert_eq!(
        (a.0.nrows(), a.1.len(), a.2.nrows(), a.3.len()),
        (80, 80, 20, 20)
    );
    // Rows stay whole and every row lands on exactly one side.
    for (xs, ys) in [(&a.0, &a.1), (&a.2, &a.3)] {
        for (row, &t) in xs.rows().into_iter().zip(ys.iter()) {
            assert_eq!(row[0], t * 10.0);
        }
    }
    let mut all: Vec<f64> = a.1.iter().chain(a.3.iter()).copied().collect();
    all.sort_by(f64::total_cmp);
    assert_eq!(all, y.to_vec());
    // issue 11: a count of test rows (7.0) is no longer accepted, only fractions in (0, 1)
    assert!(matches!(
        train_test_split(&x, &y, 7.0, 1),
        Err(DataError::InvalidTestSize { .. })
    ));
    // the rows are those of scikit-learn's train_test_split, in its order:
    // train_test_split(np.arange(10), test_size=0.3, random_state=0) (scikit-learn 1.9.1)
    let (x, y) = toy(10);
    let s = train_test_split(&x, &y, 0.3, 0).unwrap();
    assert_eq!(s.1.to_vec(), vec![9.0, 1.0, 6.0, 7.0, 3.0, 0.0, 5.0]);
    assert_eq!(s.3.to_vec(), vec![2.0, 8.0, 4.0]);
}

#[test]
fn holdout_is_scikit_learns_permutation() {
    // issue 11 replaced the SplitMix64 shuffle with numpy's RandomState permutation; the
    // expected rows are scikit-learn 1.9.1's train_test_split(np.arange(n), test_size, seed)
    let h = Holdout::new(10, 0.3, 0).unwrap();
    assert_eq!(h.train, vec![9, 1, 6, 7, 3, 0, 5]);
    assert_eq!(h.test, vec![2, 8, 4]);
    let h = Holdout::new(10, 0.3, 7).unwrap();
    assert_eq!(h.train, vec![2, 1, 9, 7, 3, 6, 4]);
    assert_eq!(h.test, vec![8, 5, 0]);
    let h = Holdout::new(7, 0.5, 4294967295).unwrap();
    assert_eq!(h.train, vec![4, 2, 3]);
    assert_eq!(h.test, vec![1, 5, 0, 6]);
    // a permutation, deterministic
    for seed in [0, 1, 42, 12345] {
        let h = Holdout::new(100, 0.2, seed).unwrap();
        assert_eq!(h, Holdout::new(100, 0.2, seed).unwrap());
        assert_eq!(h.test.len(), 20);
        let mut all: Vec<usize> = h.train.iter().chain(&h.test).copied().collect();
        all.sort_unstable();
        assert_eq!(all, (0..100).collect::<Vec<_>>());
    }
    assert!(matches!(
        Holdout::new(10, 0.5, 1 << 32),
        Err(DataError::InvalidSeed { .. })
    ));
    assert!(matches!(
        Holdout::new(1, 0.5, 5),
        Err(DataError::TooFewRows { .. })
    ));
}

// --- built-in dataset ------------------------------------------------------------------------

#[test]
fn builtin_diabetes_shape_and_determinism() {
    let a = builtin_diabetes(&SplitOptions::holdout(0.2, 42)).unwrap();
    assert_eq!(a.x_train.nrows() + a.x_test.nrows(), 442);
    assert_eq!((a.x_train.nrows(), a.x_test.nrows()), (353, 89));
    assert_eq!(a.n_features(), 10);
    assert_eq!(a.x_test.ncols(), 10);
    assert_eq!(a.feature_names.len(), 10);
    assert_eq!(
        a.description,
        "diabetes (built-in): 353 train / 89 test rows, 10 features"
    );
    let b = builtin_diabetes(&SplitOptions::holdout(0.2, 42)).unwrap();
    assert_eq!(a.y_test, b.y_test);
    assert_eq!(a.x_train, b.x_train);
    let c = builtin_diabetes(&SplitOptions::holdout(0.2, 1)).unwrap();
    assert_ne!(a.y_test, c.y_test);
    assert!(a.y_train.iter().all(|v| v.is_finite() && *v > 0.0));
    assert!(matches!(
        builtin_diabetes(&SplitOptions::holdout(0.0, 42)),
        Err(DataError::InvalidTestSize { .. })
    ));
    // issue 11: a count of test rows is no longer a test size
    assert!(matches!(
        builtin_diabetes(&SplitOptions::holdout(100.0, 42)),
        Err(DataError::InvalidTestSize { .. })
    ));
}

// --- odd inputs ------------------------------------------------------------------------------

#[test]
fn directory_instead_of_file() {
    let csv = temp_csv("x.csv", "1,2\n");
    let dir = csv.parent().unwrap();
    let (e, msg) = err(dir, &LoadOptions::default());
    assert!(matches!(e, DataError::Io { .. }), "{msg}");
    assert!(msg.ends_with("is a directory"), "{msg}");
}

#[test]
fn invalid_delimiter() {
    let p = temp_csv("x.csv", "1,2\n3,4\n");
    let opts = LoadOptions {
        delimiter: b'"',
        ..LoadOptions::default()
    };
    let (e, msg) = err(&p, &opts);
    assert!(matches!(e, DataError::InvalidDelimiter { .. }), "{msg}");
}

#[test]
fn invalid_utf8_and_long_cells_are_shown_safely() {
    let csv = temp_csv("x.csv", "");
    let p = csv.with_file_name("bin.csv");
    std::fs::write(&p, b"1,2\n3,\xff\xfe\n").unwrap();
    // issue 11: the bad bytes are in the target column: TextTarget, same position
    let (e, msg) = err(&p, &LoadOptions::default());
    assert!(
        matches!(
            e,
            DataError::TextTarget {
                line: 2,
                column: 2,
                ..
            }
        ),
        "{msg}"
    );
    assert!(msg.contains('\u{fffd}'), "{msg}");

    let long = "z".repeat(500);
    let p = temp_csv("long.csv", &format!("1,2\n3,{long}\n"));
    let (_, msg) = err(&p, &LoadOptions::default());
    assert!(msg.len() < 200 && msg.contains("zzz..."), "{msg}");
}

#[test]
fn column_ref_and_header_mode_from_str() {
    assert_eq!("3".parse::<ColumnRef>(), Ok(ColumnRef::Index(3)));
    assert_eq!("-1".parse::<ColumnRef>(), Ok(ColumnRef::FromEnd(1)));
    assert_eq!(
        "target".parse::<ColumnRef>(),
        Ok(ColumnRef::Name("target".into()))
    );
    assert_eq!("auto".parse::<HeaderMode>(), Ok(HeaderMode::Auto));
    assert_eq!("Yes".parse::<HeaderMode>(), Ok(HeaderMode::Yes));
    assert_eq!("no".parse::<HeaderMode>(), Ok(HeaderMode::No));
    assert!("maybe".parse::<HeaderMode>().is_err());
}

#[test]
fn test_file_with_only_header_or_bad_cell_reports_the_test_path() {
    let train = bad("nan.csv").with_file_name("five_columns.csv");
    let test = temp_csv("t.csv", "a,b,c,d,e\n");
    let e = load(
        &train,
        Some(&*test),
        &ids0(),
        &SplitOptions::holdout(0.2, 0),
    )
    .expect_err("empty test");
    assert!(matches!(e, DataError::Empty { .. }), "{e}");
    let test = temp_csv("t.csv", "0,1,2,3,4\n1,1,2,x,4\n");
    // issue 11: by default the text cell in the test file makes col3 categorical in both
    // files; forced numeric, it is the error it was, with the test file's position
    let ds = load(
        &train,
        Some(&*test),
        &ids0(),
        &SplitOptions::holdout(0.2, 0),
    )
    .unwrap();
    let col3 = ds.columns.iter().find(|c| c.name == "col3").unwrap();
    assert_eq!(col3.kind, "categorical");
    let forced = LoadOptions {
        numeric: vec![ColumnRef::Name("col3".into())],
        ..ids0()
    };
    let e =
        load(&train, Some(&test), &forced, &SplitOptions::holdout(0.2, 0)).expect_err("bad cell");
    assert!(matches!(e, DataError::NotANumber { .. }), "{e}");
    assert!(
        e.to_string()
            .starts_with(&format!("{}:2:4: ", test.display())),
        "{e}"
    );
}

#[test]
fn another_delimiters_file_is_named_whether_or_not_a_header_is_detected() {
    // a `;` file's header has text, not a number, below it, so it is not detected as a
    // header; the file is still recognised (this used to end in "no feature columns left")
    for content in ["a;b;y\n1;2;3\n4;5;6\n", "1;2;3\n4;5;6\n", "a;b\n1\n2\n"] {
        let p = temp_csv("semi.csv", content);
        let (e, msg) = err(&p, &LoadOptions::default());
        assert!(
            matches!(e, DataError::OtherDelimiter { delimiter: ';', .. }),
            "{content:?}: {msg}"
        );
        assert!(msg.ends_with("try --delimiter ';'"), "{msg}");
    }
    let p = temp_csv("tab.csv", "a\tb\n1\t2\n");
    let (e, _) = err(&p, &LoadOptions::default());
    assert!(matches!(
        e,
        DataError::OtherDelimiter {
            delimiter: '\t',
            ..
        }
    ));
}
