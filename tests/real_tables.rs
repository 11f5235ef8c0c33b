//! End-to-end tests of issue 11 ("real tables") with the binary: every bad input is exit
//! code 2 with a message that says what and where; text categories and holes run; ids and
//! saved row numbers are dropped with a warning; `fitpool inspect`; the holdout rows are
//! scikit-learn's (`tests/fixtures/holdout_reference.json`, `scripts/reference_holdout.py`).

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use fitpool::data::Holdout;

/// A fresh scratch directory for one test, under cargo's target tmpdir.
fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("real_tables")
        .join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn write(dir: &Path, file: &str, content: &str) -> String {
    let path = dir.join(file);
    std::fs::write(&path, content).unwrap();
    path.to_str().unwrap().to_string()
}

fn fitpool(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_fitpool"))
        .args(args)
        .output()
        .expect("fitpool runs")
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// `fitpool run --train FILE -m ridge` plus `extra` (`--progress none` unless it says).
fn run_ridge(train: &str, extra: &[&str]) -> Output {
    let mut args = vec!["run", "--train", train, "-m", "ridge"];
    if !extra.contains(&"--progress") {
        args.extend(["--progress", "none"]);
    }
    args.extend(extra);
    fitpool(&args)
}

/// Exit code 2 and the error line on stderr.
fn input_error(out: &Output) -> String {
    let err = stderr(out);
    assert_eq!(out.status.code(), Some(2), "stderr: {err}");
    assert!(out.stdout.is_empty(), "stdout: {}", stdout(out));
    err
}

/// A table of `n` rows: `x` numeric, `k` categorical, target `y` last.
fn numeric_table(n: usize) -> String {
    let mut s = String::from("x,k,y\n");
    for i in 0..n {
        writeln!(s, "{},{},{}", (i * 7) % 11, ["a", "b"][i % 2], i % 5 + 1).unwrap();
    }
    s
}

// --- bad inputs: exit 2 and the message ----------------------------------------------------

#[test]
fn text_target_names_the_column_and_the_line() {
    let dir = scratch("text_target");
    let mut csv = numeric_table(12);
    csv.push_str("3,a,lots\n");
    let p = write(&dir, "t.csv", &csv);
    let err = input_error(&run_ridge(&p, &[]));
    assert!(
        err.contains(&format!(
            "{p}:14:3: the target column \"y\" must be numeric, found \"lots\""
        )),
        "{err}"
    );
}

#[test]
fn missing_target_rows_are_counted_and_listed() {
    let dir = scratch("missing_target");
    let mut csv = numeric_table(12);
    // lines 14 to 20: seven rows without a target (empty, NA, NaN, ...)
    for hole in ["", "NA", "NaN", "null", "", "n/a", ""] {
        writeln!(csv, "1,b,{hole}").unwrap();
    }
    let p = write(&dir, "m.csv", &csv);
    let err = input_error(&run_ridge(&p, &[]));
    assert!(
        err.contains(&format!(
            "{p}: 7 rows with no value in the target column \"y\" (lines 14, 15, 16, 17, 18, \
             ...); drop them with --drop-missing-target"
        )),
        "{err}"
    );

    // one row: singular
    let mut csv = numeric_table(12);
    csv.push_str("1,b,\n");
    let p1 = write(&dir, "m1.csv", &csv);
    let err = input_error(&run_ridge(&p1, &[]));
    assert!(
        err.contains("1 row with no value in the target column \"y\" (line 14);"),
        "{err}"
    );

    // --drop-missing-target: runs, and says how many rows it dropped
    let out = run_ridge(&p, &["--drop-missing-target", "--progress", "plain"]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert!(
        err.contains(&format!(
            "{p}: 7 row(s) with no target value dropped (--drop-missing-target)"
        )),
        "{err}"
    );
    // the 12 rows left, split 0.2: ceil(2.4) = 3 test rows
    assert!(err.contains("9 train / 3 test rows"), "{err}");
}

#[test]
fn text_in_a_numeric_column_is_a_positioned_error() {
    let dir = scratch("numeric_text");
    let mut csv = numeric_table(12);
    csv.insert_str(csv.find("\n").unwrap() + 1, "2,a,3\nseven,b,4\n");
    let p = write(&dir, "n.csv", &csv);
    let err = input_error(&run_ridge(&p, &["--numeric", "x"]));
    assert!(
        err.contains(&format!(
            "{p}:3:1: expected a number in column \"x\", found \"seven\""
        )),
        "{err}"
    );
    // by index, the same
    let err = input_error(&run_ridge(&p, &["--numeric", "0"]));
    assert!(err.contains(&format!("{p}:3:1: ")), "{err}");
    // without --numeric the column is categorical and the run succeeds
    let out = run_ridge(&p, &[]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
}

#[test]
fn duplicate_header_names_are_an_error() {
    let dir = scratch("duplicate");
    let p = write(&dir, "d.csv", "a,b,a,y\n1,2,3,4\n5,6,7,8\n9,1,2,3\n");
    let err = input_error(&run_ridge(&p, &[]));
    assert!(
        err.contains(&format!(
            "{p}: column name \"a\" appears twice in the header (columns 1, 3)"
        )),
        "{err}"
    );
}

#[test]
fn another_delimiter_read_with_the_default_one_gives_a_hint() {
    let dir = scratch("delimiter");
    let semi = numeric_table(12).replace(',', ";");
    let p = write(&dir, "semi.csv", &semi);
    let err = input_error(&run_ridge(&p, &[]));
    assert!(
        err.contains(&format!(
            "{p}: the header is a single column containing ';': the file seems to be \
             separated by ';'; try --delimiter ';'"
        )),
        "{err}"
    );
    let tsv = numeric_table(12).replace(',', "\t");
    let p = write(&dir, "t.tsv", &tsv);
    let err = input_error(&run_ridge(&p, &[]));
    assert!(err.contains("try --delimiter $'\\t'"), "{err}");
    // with the delimiter given, the same file runs
    let p = write(&dir, "semi2.csv", &semi);
    let out = run_ridge(&p, &["--delimiter", ";"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
}

#[test]
fn test_sizes_that_are_not_fractions_are_refused() {
    let dir = scratch("test_size");
    let p = write(&dir, "s.csv", &numeric_table(12));
    for (given, shown) in [("0", "0"), ("1.0", "1"), ("1.5", "1.5")] {
        let err = input_error(&run_ridge(&p, &["--test-size", given]));
        assert!(
            err.contains(&format!(
                "invalid --test-size {shown}: expected a fraction in (0, 1), e.g. 0.2"
            )),
            "{given}: {err}"
        );
    }
    // ceil(0.05 * 12) = 1 test row
    let err = input_error(&run_ridge(&p, &["--test-size", "0.05"]));
    assert!(
        err.contains(&format!(
            "{p}: too few rows: a test size of 0.05 leaves 11 training and 1 test rows out of \
             12 (at least 1 and 2 are needed)"
        )),
        "{err}"
    );
    // --test-size with --test: a usage error
    let t = write(&dir, "t.csv", &numeric_table(5));
    let err = input_error(&run_ridge(&p, &["--test", &t, "--test-size", "0.3"]));
    assert!(
        err.contains("'--test <FILE>' cannot be used with '--test-size <F>'"),
        "{err}"
    );
}

// --- real tables run ------------------------------------------------------------------------

/// 60 rows: two text columns with holes, a numeric column with holes, target `price`.
fn messy_table() -> String {
    let mut s = String::from("cut,color,carat,depth,price\n");
    for i in 0..60 {
        let cut = match i % 7 {
            0 => "",
            1 | 4 => "Ideal",
            2 | 5 => "Good",
            _ => "Fair",
        };
        let color = if i % 11 == 3 {
            "NA"
        } else {
            ["D", "E", "F"][i % 3]
        };
        let carat = if i % 9 == 4 {
            String::new()
        } else {
            format!("{:.2}", 0.3 + (i % 13) as f64 * 0.1)
        };
        let depth = 55.0 + (i * 17 % 10) as f64;
        let price = 300.0 + 900.0 * (0.3 + (i % 13) as f64 * 0.1) + (i % 3) as f64 * 40.0;
        writeln!(s, "{cut},{color},{carat},{depth},{price}").unwrap();
    }
    s
}

#[test]
fn text_categories_and_holes_run_with_ridge_and_a_forest() {
    let dir = scratch("messy");
    let p = write(&dir, "diamonds.csv", &messy_table());
    let out = fitpool(&[
        "run",
        "--train",
        &p,
        "-m",
        "ridge",
        "-m",
        "rf",
        "--progress",
        "none",
        "--format",
        "json",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let results = doc["results"].as_array().unwrap();
    assert_eq!(results.len(), 2, "{doc}");
    for r in results {
        let rmse = r["rmse"].as_f64().unwrap_or(f64::NAN);
        assert!(rmse.is_finite() && rmse >= 0.0, "{r}");
    }
}

/// Sorted by the target, with an id equal to the rank and R's text row names.
fn table_with_ids() -> String {
    let mut s = String::from("rownames,id,x,y\n");
    for i in 0..30 {
        writeln!(s, "car{i},{},{},{}", i + 1, (i * 7) % 10, 10 + 3 * i).unwrap();
    }
    s
}

#[test]
fn ids_and_row_names_are_dropped_with_a_warning_unless_kept() {
    let dir = scratch("ids");
    let p = write(&dir, "cars.csv", &table_with_ids());
    let out = run_ridge(&p, &["--progress", "plain"]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(0), "{err}");
    let warning = err
        .lines()
        .find(|l| l.contains("warning: dropped column(s)"))
        .unwrap_or_else(|| panic!("no warning: {err}"));
    assert!(
        warning.contains("\"rownames\" (every value distinct (an id or a name))"),
        "{warning}"
    );
    assert!(
        warning.contains("\"id\" (equal to the row number (a saved index))"),
        "{warning}"
    );
    assert!(warning.contains("--keep"), "{warning}");
    assert!(err.contains("1 features"), "{err}");

    // --keep id: kept (the warning names only the row names), two features
    let out = run_ridge(&p, &["--progress", "plain", "--keep", "id"]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(0), "{err}");
    let warning = err
        .lines()
        .find(|l| l.contains("warning: dropped column(s)"))
        .unwrap_or_else(|| panic!("no warning: {err}"));
    assert!(warning.contains("\"rownames\""), "{warning}");
    assert!(!warning.contains("\"id\""), "{warning}");
    assert!(err.contains("2 features"), "{err}");

    let out = fitpool(&["inspect", &p, "--keep", "id"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let table = stdout(&out);
    let id_row = table
        .lines()
        .find(|l| l.starts_with("id "))
        .unwrap_or_else(|| panic!("no id row: {table}"));
    assert!(
        id_row.contains("numeric") && id_row.contains("mean-impute"),
        "{id_row}"
    );
}

#[test]
fn inspect_prints_one_row_per_column() {
    let dir = scratch("inspect");
    let p = write(&dir, "diamonds.csv", &messy_table());
    let out = fitpool(&["inspect", &p, "--target", "price"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let table = stdout(&out);
    let lines: Vec<&str> = table.lines().collect();
    let head = lines
        .iter()
        .position(|l| l.starts_with("column "))
        .unwrap_or_else(|| panic!("no header: {table}"));
    for word in ["type", "missing", "distinct", "pipeline"] {
        assert!(lines[head].contains(word), "{}", lines[head]);
    }
    let row = |name: &str| -> Vec<&str> {
        lines[head + 1..]
            .iter()
            .find(|l| l.split_whitespace().next() == Some(name))
            .unwrap_or_else(|| panic!("no row for {name}: {table}"))
            .split_whitespace()
            .collect()
    };
    assert_eq!(row("price")[1], "target", "{table}");
    for (name, kind) in [
        ("cut", "categorical"),
        ("color", "categorical"),
        ("carat", "numeric"),
        ("depth", "numeric"),
    ] {
        let r = row(name);
        assert_eq!(r[1], kind, "{table}");
        let missing: usize = r[2].parse().unwrap();
        let distinct: usize = r[3].parse().unwrap();
        assert!(distinct >= 3, "{table}");
        if name == "depth" {
            assert_eq!(missing, 0, "{table}");
        } else {
            assert!(missing > 0, "{table}");
        }
        let pipeline = r[4..].join(" ");
        if kind == "numeric" {
            assert_eq!(pipeline, "mean-impute", "{table}");
        } else {
            assert!(pipeline.starts_with("one-hot ("), "{table}");
        }
    }
    // 1 target + 4 features, the header, nothing else in between
    let rows = lines[head + 1..]
        .iter()
        .take_while(|l| !l.is_empty())
        .count();
    assert_eq!(rows, 5, "{table}");
}

// --- the holdout rows are scikit-learn's -----------------------------------------------------

#[test]
fn holdout_rows_are_scikit_learns() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/holdout_reference.json");
    let doc: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    assert_eq!(doc["sklearn"], "1.9.1");
    let cases = doc["cases"].as_array().unwrap();
    assert_eq!(cases.len(), 5);
    let indices = |v: &serde_json::Value| -> Vec<usize> {
        v.as_array()
            .unwrap()
            .iter()
            .map(|i| i.as_u64().unwrap() as usize)
            .collect()
    };
    for c in cases {
        let n = c["n"].as_u64().unwrap() as usize;
        let test_size = c["test_size"].as_f64().unwrap();
        let seed = c["seed"].as_u64().unwrap();
        let h = Holdout::new(n, test_size, seed).unwrap();
        assert_eq!(h.train, indices(&c["train"]), "train rows of {c}");
        assert_eq!(h.test, indices(&c["test"]), "test rows of {c}");
    }
}
