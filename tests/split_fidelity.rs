//! Every index list of `tests/fixtures/split_reference.json` (scikit-learn 1.9 + numpy,
//! written by `scripts/reference_split.py`) reproduced exactly by `fitpool::split`.

use fitpool::split::*;
use serde_json::Value;

fn fixture() -> Value {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/split_reference.json"
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

fn expected_splits(v: &Value) -> Vec<Split> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|s| Split {
            train: idx(&s["train"]),
            test: idx(&s["test"]),
        })
        .collect()
}

fn size(v: &Value) -> Option<Size> {
    if v.is_null() {
        None
    } else if let Some(c) = v.as_u64() {
        Some(Size::Count(c))
    } else {
        Some(Size::Fraction(v.as_f64().unwrap()))
    }
}

fn seed(v: &Value) -> Option<Seed> {
    v.as_i64()
}

fn usize_opt(v: &Value) -> Option<usize> {
    v.as_u64().map(|x| x as usize)
}

#[test]
fn permutations() {
    let f = fixture();
    let cases = f["permutation"].as_array().unwrap();
    assert_eq!(cases.len(), 25);
    for c in cases {
        let s = c["seed"].as_i64().unwrap();
        let n = c["n"].as_u64().unwrap() as usize;
        let got = RandomState::new(s).unwrap().permutation(n);
        assert_eq!(got, idx(&c["perm"]), "seed {s} n {n}");
    }
    let seq = &f["permutation_sequence"];
    let mut rs = RandomState::new(seq["seed"].as_i64().unwrap()).unwrap();
    for (n, p) in idx(&seq["n"])
        .into_iter()
        .zip(seq["perms"].as_array().unwrap())
    {
        assert_eq!(rs.permutation(n), idx(p), "sequence n {n}");
    }
}

#[test]
fn train_test_splits() {
    let f = fixture();
    let cases = f["train_test_split"].as_array().unwrap();
    assert!(cases.len() >= 5);
    for c in cases {
        let n = c["n"].as_u64().unwrap() as usize;
        let spec = SplitSpec::Holdout {
            test_size: size(&c["test_size"]),
            train_size: size(&c["train_size"]),
            shuffle: c["shuffle"].as_bool().unwrap(),
            seed: seed(&c["seed"]),
        };
        let got = spec.splits(&SplitInput::rows(n)).unwrap();
        let want = Split {
            train: idx(&c["train"]),
            test: idx(&c["test"]),
        };
        assert_eq!(got, vec![want], "{c}");
    }
}

#[test]
fn kfolds() {
    let f = fixture();
    for c in f["kfold"].as_array().unwrap() {
        let spec = SplitSpec::KFold {
            k: c["k"].as_u64().unwrap() as usize,
            shuffle: c["shuffle"].as_bool().unwrap(),
            seed: seed(&c["seed"]),
        };
        let n = c["n"].as_u64().unwrap() as usize;
        let got = spec.splits(&SplitInput::rows(n)).unwrap();
        assert_eq!(got, expected_splits(&c["splits"]), "{spec:?} n {n}");
    }
}

#[test]
fn repeated_kfolds() {
    let f = fixture();
    for c in f["repeated_kfold"].as_array().unwrap() {
        let spec = SplitSpec::RepeatedKFold {
            k: c["k"].as_u64().unwrap() as usize,
            repeats: c["repeats"].as_u64().unwrap() as usize,
            seed: c["seed"].as_i64().unwrap(),
        };
        let n = c["n"].as_u64().unwrap() as usize;
        let got = spec.splits(&SplitInput::rows(n)).unwrap();
        assert_eq!(got, expected_splits(&c["splits"]), "{spec:?} n {n}");
    }
}

#[test]
fn group_kfolds() {
    let f = fixture();
    let cases = f["group_kfold"].as_array().unwrap();
    let mut kinds = std::collections::BTreeSet::new();
    for c in cases {
        let g = c["groups"].as_array().unwrap();
        let kind = c["kind"].as_str().unwrap();
        kinds.insert(kind);
        let groups = match kind {
            "int" => Groups::Int(g.iter().map(|v| v.as_i64().unwrap()).collect()),
            "float" => Groups::Float(g.iter().map(|v| v.as_f64().unwrap()).collect()),
            "str" => Groups::Str(
                g.iter()
                    .map(|v| Some(v.as_str().unwrap().to_string()))
                    .collect(),
            ),
            other => panic!("group kind {other}"),
        };
        let spec = SplitSpec::GroupKFold {
            k: c["k"].as_u64().unwrap() as usize,
            shuffle: c["shuffle"].as_bool().unwrap(),
            seed: seed(&c["seed"]),
        };
        let input = SplitInput {
            n_samples: groups.len(),
            groups: Some(&groups),
            test_fold: None,
        };
        let got = spec.splits(&input).unwrap();
        assert_eq!(got, expected_splits(&c["splits"]), "{spec:?} {kind}");
    }
    assert_eq!(kinds.len(), 3);
}

#[test]
fn time_series() {
    let f = fixture();
    for c in f["time_series"].as_array().unwrap() {
        let spec = SplitSpec::TimeSeries {
            k: c["k"].as_u64().unwrap() as usize,
            test_size: usize_opt(&c["test_size"]),
            gap: c["gap"].as_u64().unwrap() as usize,
            max_train_size: usize_opt(&c["max_train_size"]),
        };
        let n = c["n"].as_u64().unwrap() as usize;
        let got = spec.splits(&SplitInput::rows(n)).unwrap();
        assert_eq!(got, expected_splits(&c["splits"]), "{spec:?} n {n}");
    }
}

#[test]
fn predefined() {
    let f = fixture();
    for c in f["predefined"].as_array().unwrap() {
        let tf: Vec<i64> = c["test_fold"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_i64().unwrap())
            .collect();
        let input = SplitInput {
            n_samples: tf.len(),
            groups: None,
            test_fold: Some(&tf),
        };
        let got = SplitSpec::Predefined.splits(&input).unwrap();
        assert_eq!(got, expected_splits(&c["splits"]), "{tf:?}");
    }
}
