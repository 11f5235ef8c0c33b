//! `fitpool::prep` against scikit-learn's own ColumnTransformer (lazypredict's recipe) on the
//! tables of `tests/fixtures/prep_reference.json` (written by `scripts/reference_prep.py`):
//! feature names equal, fitted statistics equal, matrices equal within 1e-12 relative.

use fitpool::prep::*;
use fitpool::split::{train_test_split, Size};
use ndarray::Array2;
use serde_json::Value;

const TOL: f64 = 1e-12;

fn fixture() -> Value {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/prep_reference.json"
    );
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn idx(v: &Value) -> Vec<usize> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_u64().unwrap() as usize)
        .collect()
}

fn floats(v: &Value) -> Vec<f64> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_f64().unwrap_or(f64::NAN))
        .collect()
}

fn strings(v: &Value) -> Vec<String> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_str().unwrap().to_string())
        .collect()
}

fn columns(case: &Value) -> Vec<Column> {
    case["columns"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            let name = c["name"].as_str().unwrap();
            match c["kind"].as_str().unwrap() {
                "numeric" => Column::numeric(name, floats(&c["values"])),
                "categorical" => {
                    let vals = c["values"].as_array().unwrap().iter().map(Value::as_str);
                    Column::categorical(name, Categorical::from_strs(vals).unwrap())
                }
                k => panic!("kind {k}"),
            }
        })
        .collect()
}

fn close(a: f64, b: f64, scale: f64) -> bool {
    (a - b).abs() <= TOL * scale.max(a.abs()).max(b.abs())
}

fn check_matrix(got: &Array2<f64>, want: &Value, what: &str) {
    let shape = idx(&want["shape"]);
    assert_eq!(got.shape(), &shape[..], "{what}: shape");
    if let Some(rows) = want.get("rows") {
        for (i, row) in rows.as_array().unwrap().iter().enumerate() {
            for (j, w) in floats(row).into_iter().enumerate() {
                let g = got[[i, j]];
                assert!(close(g, w, 1.0), "{what}: [{i},{j}] = {g:e}, sklearn {w:e}");
            }
        }
    } else {
        let pos = idx(&want["sample_positions"]);
        let rows = want["sample_rows"].as_array().unwrap();
        assert!(pos.len() >= 10);
        for (&i, row) in pos.iter().zip(rows) {
            for (j, w) in floats(row).into_iter().enumerate() {
                let g = got[[i, j]];
                assert!(close(g, w, 1.0), "{what}: [{i},{j}] = {g:e}, sklearn {w:e}");
            }
        }
    }
    // column sums of the whole matrix, within 1e-12 of the sum of magnitudes
    let (sums, abs_sums) = (floats(&want["col_sum"]), floats(&want["col_abs_sum"]));
    for j in 0..shape[1] {
        let g: f64 = got.column(j).sum();
        assert!(
            close(g, sums[j], abs_sums[j].max(1.0)),
            "{what}: column {j} sum {g:e}, sklearn {:e}",
            sums[j]
        );
    }
}

#[test]
fn prep_matches_sklearn_column_transformer() {
    let f = fixture();
    let cases = f["cases"].as_array().unwrap();
    assert!(cases.len() >= 3);
    for case in cases {
        let name = case["name"].as_str().unwrap();
        let cols = columns(case);
        let (train, test) = (idx(&case["train_rows"]), idx(&case["test_rows"]));
        // the rows are train_test_split's, which fitpool::split reproduces
        let s = train_test_split(
            cols[0].values.len(),
            Some(Size::Fraction(case["test_size"].as_f64().unwrap())),
            None,
            Some(case["seed"].as_i64().unwrap()),
            true,
        )
        .unwrap();
        assert_eq!((&s.train, &s.test), (&train, &test), "{name}: split");
        for v in case["variants"].as_array().unwrap() {
            let scale = v["scale"].as_bool().unwrap();
            let what = format!("{name} scale={scale}");
            let opts = PrepOptions {
                scale,
                max_onehot: f["max_onehot"].as_u64().unwrap() as usize,
            };
            let p = Pipeline::fit(&cols, &train, &opts).unwrap();
            assert_eq!(p.feature_names(), strings(&v["feature_names"]), "{what}");
            assert_eq!(p.dropped(), &strings(&v["stats"]["dropped"])[..], "{what}");
            let steps = p.numeric_steps();
            let impute: Vec<f64> = steps.iter().map(|s| s.impute).collect();
            assert_eq!(impute, floats(&v["stats"]["impute"]), "{what}: means");
            if scale {
                let center: Vec<f64> = steps.iter().map(|s| s.center).collect();
                let sc: Vec<f64> = steps.iter().map(|s| s.scale).collect();
                assert_eq!(
                    center,
                    floats(&v["stats"]["center"]),
                    "{what}: scaler mean_"
                );
                assert_eq!(sc, floats(&v["stats"]["scale"]), "{what}: scaler scale_");
            }
            check_matrix(
                &p.transform(&cols, &train).unwrap(),
                &v["train"],
                &format!("{what} train"),
            );
            check_matrix(
                &p.transform(&cols, &test).unwrap(),
                &v["test"],
                &format!("{what} test"),
            );
            // a saved and reloaded pipeline transforms the same
            let json = serde_json::to_string(&p).unwrap();
            let back: FittedPipeline = serde_json::from_str(&json).unwrap();
            assert_eq!(
                back.transform(&cols, &test).unwrap(),
                p.transform(&cols, &test).unwrap()
            );
        }
    }
}
