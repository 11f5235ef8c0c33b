//! `fitpool run --save` / `--save-best` and `fitpool predict`, through the real binary: a saved
//! model predicts exactly (bit for bit: the printed shortest round-trip floats are equal) what
//! the run scored (`--predictions`), for every kind on a numeric file and for every family on
//! a mixed table with categories and holes (CSV and Parquet, train/test and cross-validation),
//! and bad model files or data are exit 2 with the reason.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use fitpool::model_file::{SavedModel, FORMAT_VERSION};

struct Out {
    code: i32,
    stdout: String,
    stderr: String,
}

fn fitpool(args: &[&str], cwd: Option<&Path>) -> Out {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_fitpool"));
    cmd.args(args);
    if let Some(d) = cwd {
        cmd.current_dir(d);
    }
    let out = cmd.output().expect("run fitpool");
    Out {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

fn fixture(name: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/data")
        .join(name)
        .display()
        .to_string()
}

/// A fresh directory for one test.
fn scratch(test: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("fitpool-save-{}-{test}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// The `--predictions` file: per model repr, the (row, prediction text) of the rows scored on
/// the train/test split (the fold column empty or absent), in row order.
fn scored(path: &Path) -> BTreeMap<String, Vec<(usize, String)>> {
    let mut r = csv::Reader::from_path(path).unwrap();
    let header: Vec<String> = r.headers().unwrap().iter().map(String::from).collect();
    let fold = header.iter().position(|h| h == "fold");
    let first_model = header.iter().position(|h| h == "actual").unwrap() + 1;
    let mut out: BTreeMap<String, Vec<(usize, String)>> = BTreeMap::new();
    for rec in r.records() {
        let rec = rec.unwrap();
        if fold.is_some_and(|f| !rec[f].is_empty()) {
            continue;
        }
        let row: usize = rec[0].parse().unwrap();
        for (c, model) in header.iter().enumerate().skip(first_model) {
            if !rec[c].is_empty() {
                out.entry(model.clone())
                    .or_default()
                    .push((row, rec[c].to_string()));
            }
        }
    }
    out
}

/// `fitpool predict`'s CSV: (label, prediction text) per row.
fn predicted(csv_text: &str) -> Vec<(String, String)> {
    let mut r = csv::Reader::from_reader(csv_text.as_bytes());
    assert_eq!(r.headers().unwrap().get(1), Some("prediction"));
    r.records()
        .map(|rec| {
            let rec = rec.unwrap();
            (rec[0].to_string(), rec[1].to_string())
        })
        .collect()
}

/// The saved model files of `dir`, by the repr of their model.
fn saved(dir: &Path) -> BTreeMap<String, PathBuf> {
    let mut out = BTreeMap::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let path = e.unwrap().path();
        let m = SavedModel::load(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        out.insert(m.model, path);
    }
    out
}

/// Runs `run_args` with `--predictions` and `--save`, then `fitpool predict` on `data` with
/// every saved model; `pick(row)` gives the line of predict's output that scored row `row` of
/// the run. Asserts every model of `models` was saved and predicts the same text. Returns
/// the model files.
fn round_trip(
    dir: &Path,
    run_args: &[&str],
    models: &[&str],
    data: &str,
    pick: &dyn Fn(usize) -> usize,
) -> BTreeMap<String, PathBuf> {
    let preds = dir.join("scored.csv");
    let save = dir.join("models");
    let mut args = vec!["run", "--progress", "none", "-j", "2"];
    args.extend_from_slice(run_args);
    for m in models {
        args.extend(["-m", m]);
    }
    args.extend(["--predictions", s(&preds), "--save", s(&save)]);
    let out = fitpool(&args, None);
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    let scored = scored(&preds);
    let files = saved(&save);
    assert_eq!(files.len(), models.len(), "{:?}", files.keys());
    for (model, file) in &files {
        let want = scored
            .get(model)
            .unwrap_or_else(|| panic!("{model} not in the predictions file"));
        let out = fitpool(&["predict", s(file), data], None);
        assert_eq!(out.code, 0, "{model}: {}", out.stderr);
        let got = predicted(&out.stdout);
        for (row, text) in want {
            let line = pick(*row);
            assert_eq!(
                &got[line].1, text,
                "{model}: row {row} predicted {} by the saved model, {text} in the run",
                got[line].1
            );
            let (a, b): (f64, f64) = (got[line].1.parse().unwrap(), text.parse().unwrap());
            assert_eq!(a.to_bits(), b.to_bits());
        }
    }
    files
}

/// Every kind, with defaults and some settings, on the diabetes files (an id column).
#[test]
fn every_kind_predicts_what_the_run_scored() {
    let dir = scratch("kinds");
    let test = fixture("diabetes_test.csv");
    let n_train = std::fs::read_to_string(fixture("diabetes_train.csv"))
        .unwrap()
        .lines()
        .count();
    let pred = dir.join("scored.csv");
    let save = dir.join("models");
    let out = fitpool(
        &[
            "run",
            "--train",
            &fixture("diabetes_train.csv"),
            "--test",
            &test,
            "--id-col",
            "0",
            "-m",
            "all",
            "-m",
            "BaggingRegressor(estimator=Ridge(alpha=2.0), n_estimators=5)",
            "-m",
            "RandomForestRegressor(n_estimators=20, max_depth=4, random_state=3)",
            "-m",
            "NuSVR(C=3.0)",
            "--progress",
            "none",
            "-j",
            "2",
            "--predictions",
            s(&pred),
            "--save",
            s(&save),
        ],
        None,
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    let scored = scored(&pred);
    let files = saved(&save);
    let kinds = fitpool::models::kinds().len();
    assert_eq!(files.len(), kinds + 3, "{:?}", files.keys());
    let ids: Vec<String> = std::fs::read_to_string(&test)
        .unwrap()
        .lines()
        .map(|l| l.split(',').next().unwrap().to_string())
        .collect();
    for (model, file) in &files {
        let out = fitpool(&["predict", s(file), &test], None);
        assert_eq!(out.code, 0, "{model}: {}", out.stderr);
        assert!(
            out.stdout.starts_with("col0,prediction\n"),
            "{}",
            out.stdout
        );
        let got = predicted(&out.stdout);
        let want = &scored[model];
        assert_eq!(got.len(), want.len());
        for (i, ((label, p), (row, q))) in got.iter().zip(want).enumerate() {
            assert_eq!(*row, n_train + i);
            assert_eq!(label, &ids[i], "the id column labels the rows");
            assert_eq!(p, q, "{model}: test row {i}");
        }
    }
}

/// The shop table (numbers with holes, categories with holes, one many-level column
/// ordinal-encoded) cut into a training and a test file; the test file also has levels
/// never seen in training.
fn shop_files(dir: &Path) -> (String, String) {
    let text = std::fs::read_to_string(fixture("table_shop.csv")).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    let (train, test) = (dir.join("train.csv"), dir.join("test.csv"));
    let mut t = lines[..901].join("\n");
    t.push('\n');
    std::fs::write(&train, t).unwrap();
    let mut t = vec![lines[0].to_string()];
    for (i, l) in lines[901..].iter().enumerate() {
        let mut cells: Vec<String> = l.split(',').map(String::from).collect();
        if i % 7 == 0 {
            cells[4] = "ultraviolet".into(); // color: an unseen one-hot level
            cells[6] = "atlantis".into(); // city: an unseen ordinal level
        }
        t.push(cells.join(","));
    }
    std::fs::write(&test, t.join("\n") + "\n").unwrap();
    (s(&train).to_string(), s(&test).to_string())
}

const FAMILIES: &[&str] = &[
    "RandomForestRegressor(n_estimators=15)",
    "ExtraTreesRegressor(n_estimators=10)",
    "DecisionTreeRegressor(max_depth=6)",
    "GradientBoostingRegressor(n_estimators=40)",
    "HistGradientBoostingRegressor(max_iter=40)",
    "SVR(C=10.0)",
    "NuSVR()",
    "Ridge(alpha=0.5)",
    "Lasso(alpha=0.05)",
    "ElasticNet(alpha=0.1)",
    "LinearRegression()",
    "KNeighborsRegressor(n_neighbors=7)",
    "Lars()",
    "OrthogonalMatchingPursuit()",
    "DummyRegressor()",
    "BaggingRegressor(estimator=Ridge(), n_estimators=4)",
    "AdaBoostRegressor(n_estimators=10)",
];

#[test]
fn mixed_table_with_unseen_levels_round_trips_every_family() {
    let dir = scratch("shop");
    let (train, test) = shop_files(&dir);
    let n_train = 900;
    round_trip(
        &dir,
        &[
            "--train", &train, "--test", &test, "--target", "sales", "--scale",
        ],
        FAMILIES,
        &test,
        &|row| row - n_train,
    );
}

/// A model's own scaler (`make_pipeline(StandardScaler(), ...)`) is saved with it, beside
/// a model without one.
#[test]
fn a_models_own_scaler_is_saved_with_it() {
    let dir = scratch("own");
    let (train, test) = shop_files(&dir);
    let files = round_trip(
        &dir,
        &["--train", &train, "--test", &test, "--target", "sales"],
        &[
            "make_pipeline(StandardScaler(), SVR())",
            "SVR()",
            "make_pipeline(StandardScaler(), KNeighborsRegressor())",
        ],
        &test,
        &|row| row - 900,
    );
    let scaled: Vec<bool> = files
        .values()
        .map(|f| SavedModel::load(f).unwrap().pipeline.options().scale)
        .collect();
    assert_eq!(
        scaled.iter().filter(|&&s| s).count(),
        2,
        "{:?}",
        files.keys()
    );
}

/// Under --cv the saved model is the one fitted on all training rows: what scored the test
/// file (the predictions' rows without a fold).
#[test]
fn cross_validation_saves_the_model_refit_on_all_training_rows() {
    let dir = scratch("cv");
    let (train, test) = shop_files(&dir);
    let files = round_trip(
        &dir,
        &[
            "--train", &train, "--test", &test, "--target", "sales", "--cv", "3",
        ],
        &[
            "Ridge()",
            "HistGradientBoostingRegressor(max_iter=20)",
            "KNeighborsRegressor()",
        ],
        &test,
        &|row| row - 900,
    );
    for f in files.values() {
        let m = SavedModel::load(f).unwrap();
        assert!(m.cv);
        assert_eq!(m.n_rows, 900, "all training rows");
    }
}

/// Parquet, a held-out split of one file: the held-out rows are the file's rows.
#[test]
fn parquet_held_out_rows_round_trip() {
    let dir = scratch("parquet");
    let data = fixture("mixed.parquet");
    round_trip(
        &dir,
        &["--train", &data, "--target", "target", "--test-size", "0.3"],
        &["Ridge()", "RandomForestRegressor(n_estimators=10)", "SVR()"],
        &data,
        &|row| row,
    );
}

#[test]
fn save_best_writes_the_best_models_to_the_default_directory() {
    let dir = scratch("best");
    let out = fitpool(
        &[
            "run",
            "-m",
            "ridge",
            "-m",
            "dummy",
            "-m",
            "lars",
            "--save-best",
            "2",
            "--format",
            "csv",
            "--progress",
            "plain",
        ],
        Some(&dir),
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stderr.contains("saved 2 model(s) to fitpool-models"),
        "{}",
        out.stderr
    );
    let mut ranked = csv::Reader::from_reader(out.stdout.as_bytes());
    let best: Vec<String> = ranked
        .records()
        .take(2)
        .map(|r| r.unwrap()[1].to_string())
        .collect();
    let files = saved(&dir.join("fitpool-models"));
    assert_eq!(files.keys().cloned().collect::<Vec<_>>(), {
        let mut b = best.clone();
        b.sort();
        b
    });
    for (i, m) in best.iter().enumerate() {
        let loaded = SavedModel::load(&files[m]).unwrap();
        assert_eq!(loaded.rank, i + 1);
        let name = files[m].file_name().unwrap().to_str().unwrap().to_string();
        assert!(name.starts_with(&format!("{:02}-", i + 1)), "{name}");
    }
}

/// One saved Ridge on the shop files, its bytes and the test file.
fn one_model(test: &str) -> (PathBuf, Vec<u8>, String) {
    let dir = scratch(test);
    let (train, test) = shop_files(&dir);
    let save = dir.join("models");
    let out = fitpool(
        &[
            "run",
            "--train",
            &train,
            "--test",
            &test,
            "--target",
            "sales",
            "-m",
            "ridge",
            "--save",
            s(&save),
            "--progress",
            "none",
        ],
        None,
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    let file = saved(&save).into_values().next().unwrap();
    let bytes = std::fs::read(&file).unwrap();
    (dir, bytes, test)
}

fn refused(dir: &Path, bytes: &[u8], data: &str, reason: &str) {
    let bad = dir.join("bad.fitpool");
    std::fs::write(&bad, bytes).unwrap();
    let out = fitpool(&["predict", s(&bad), data], None);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(out.stdout.is_empty());
    assert!(out.stderr.starts_with("error: "), "{}", out.stderr);
    assert!(
        out.stderr.contains(reason),
        "{reason:?} not in {}",
        out.stderr
    );
    assert!(!out.stderr.contains("panicked"), "{}", out.stderr);
}

#[test]
fn bad_model_files_are_exit_2_with_the_reason() {
    let (dir, bytes, test) = one_model("bad");
    // the good one works
    let good = dir.join("good.fitpool");
    std::fs::write(&good, &bytes).unwrap();
    assert_eq!(fitpool(&["predict", s(&good), &test], None).code, 0);

    // corrupted: one bit of a stored value flipped, or the header's length
    let mut c = bytes.clone();
    let mid = c.len() / 2;
    c[mid] ^= 0x10;
    refused(&dir, &c, &test, "is corrupted");
    // truncated: at any cut
    for cut in [0usize, 5, 20, bytes.len() / 3, bytes.len() - 1] {
        let reason = if cut == 0 {
            "not a fitpool model"
        } else {
            "truncated"
        };
        refused(&dir, &bytes[..cut], &test, reason);
    }
    // foreign: a CSV file, a zip header
    refused(
        &dir,
        &std::fs::read(&test).unwrap(),
        &test,
        "is not a fitpool model file",
    );
    refused(
        &dir,
        b"PK\x03\x04\x14\x00\x00\x00",
        &test,
        "is not a fitpool model file",
    );
    // a newer format version
    let mut v = bytes.clone();
    v[8..12].copy_from_slice(&(FORMAT_VERSION + 1).to_le_bytes());
    refused(&dir, &v, &test, "written by a newer fitpool");
    // extra bytes at the end
    let mut e = bytes.clone();
    e.extend_from_slice(b"junk");
    refused(&dir, &e, &test, "is corrupted");
    // a missing file
    let out = fitpool(&["predict", s(&dir.join("nope.fitpool")), &test], None);
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("nope.fitpool"), "{}", out.stderr);
}

#[test]
fn data_errors_are_exit_2_naming_the_column() {
    let (dir, bytes, test) = one_model("columns");
    let model = dir.join("m.fitpool");
    std::fs::write(&model, &bytes).unwrap();
    // a missing column: qty dropped from the file
    let text = std::fs::read_to_string(&test).unwrap();
    let no_qty: Vec<String> = text
        .lines()
        .map(|l| {
            let mut c: Vec<&str> = l.split(',').collect();
            c.remove(1);
            c.join(",")
        })
        .collect();
    let f = dir.join("no_qty.csv");
    std::fs::write(&f, no_qty.join("\n") + "\n").unwrap();
    let out = fitpool(&["predict", s(&model), s(&f)], None);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(out.stderr.contains("no column \"qty\""), "{}", out.stderr);
    assert!(out.stdout.is_empty());

    // text in a numeric column: its position
    let bad: Vec<String> = text
        .lines()
        .enumerate()
        .map(|(i, l)| {
            if i == 3 {
                l.replacen(&l[..l.find(',').unwrap()], "cheap", 1)
            } else {
                l.to_string()
            }
        })
        .collect();
    let f = dir.join("text.csv");
    std::fs::write(&f, bad.join("\n") + "\n").unwrap();
    let out = fitpool(&["predict", s(&model), s(&f)], None);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(out.stderr.contains(":4:1:"), "{}", out.stderr);
    assert!(out.stderr.contains("price"), "{}", out.stderr);

    // without the target column, with columns reordered, and -o
    let reordered: Vec<String> = text
        .lines()
        .map(|l| {
            let c: Vec<&str> = l.split(',').collect();
            [c[6], c[0], c[5], c[4], c[3], c[2], c[1]].join(",")
        })
        .collect();
    let f = dir.join("reordered.csv");
    std::fs::write(&f, reordered.join("\n") + "\n").unwrap();
    let o = dir.join("out.csv");
    let out = fitpool(&["predict", s(&model), s(&f), "-o", s(&o)], None);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let a = predicted(&std::fs::read_to_string(&o).unwrap());
    let b = predicted(&fitpool(&["predict", s(&model), &test], None).stdout);
    assert_eq!(a, b);
    assert_eq!(a[0].0, "0", "rows numbered from 0 without an id column");
}

/// A directory that cannot be made: the results are shown, the error said, exit 3 (a
/// system failure, as README's exit codes have it).
#[test]
fn a_save_directory_that_cannot_be_written_is_exit_3_after_the_results() {
    let dir = scratch("nodir");
    let file = dir.join("plain-file");
    std::fs::write(&file, "not a directory").unwrap();
    let out = fitpool(
        &[
            "run",
            "-m",
            "ridge",
            "--save",
            s(&file),
            "--progress",
            "none",
            "--format",
            "csv",
        ],
        None,
    );
    assert_eq!(out.code, 3, "{}", out.stderr);
    assert!(out.stdout.contains("Ridge()"), "{}", out.stdout);
    assert!(
        out.stderr.contains("cannot write model file") && out.stderr.contains("plain-file"),
        "{}",
        out.stderr
    );
}
