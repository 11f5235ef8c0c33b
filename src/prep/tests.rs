use super::*;

fn table() -> Vec<Column> {
    vec![
        Column::numeric("x", vec![1.0, f64::NAN, 3.0, 5.0, 100.0]),
        Column::numeric("empty", vec![f64::NAN, f64::NAN, f64::NAN, f64::NAN, 2.0]),
        Column::categorical(
            "c",
            Categorical::from_strs([Some("b"), None, Some("a"), Some("b"), Some("zz")]).unwrap(),
        ),
    ]
}

#[test]
fn prep_fit_transform_small() {
    let cols = table();
    let opts = PrepOptions {
        scale: false,
        max_onehot: 11,
    };
    let p = Pipeline::fit(&cols, &[0, 1, 2, 3], &opts).unwrap();
    assert_eq!(p.dropped(), ["empty".to_string()]);
    assert_eq!(p.feature_names(), ["x", "c=a", "c=b", "c=missing"]);
    let m = p.transform(&cols, &[1, 4]).unwrap();
    assert_eq!(m.row(0).to_vec(), vec![3.0, 0.0, 0.0, 1.0]);
    assert_eq!(m.row(1).to_vec(), vec![100.0, 0.0, 0.0, 0.0]); // unseen "zz"
    let opts = PrepOptions {
        scale: true,
        max_onehot: 1,
    };
    let p = Pipeline::fit(&cols, &[0, 1, 2, 3], &opts).unwrap();
    assert_eq!(p.feature_names(), ["x", "c"]);
    let m = p.transform(&cols, &[0, 1, 4]).unwrap();
    assert_eq!(m.column(1).to_vec(), vec![1.0, 2.0, -1.0]);
    // x imputed: [1, 3, 3, 5], mean 3, population std sqrt(2)
    assert!((m[[0, 0]] + 2.0 / 2f64.sqrt()).abs() < 1e-15);
    assert_eq!(m[[1, 0]], 0.0);
    let json = serde_json::to_string(&p).unwrap();
    assert_eq!(serde_json::from_str::<FittedPipeline>(&json).unwrap(), p);
}

#[test]
fn prep_constant_column_scale_one() {
    let cols = vec![Column::numeric("k", vec![0.1; 7])];
    let p = Pipeline::fit(&cols, &[0, 1, 2, 3, 4, 5, 6], &PrepOptions::default()).unwrap();
    assert_eq!(p.numeric_steps()[0].scale, 1.0);
}

#[test]
fn prep_errors() {
    let cols = table();
    let o = PrepOptions::default();
    assert_eq!(Pipeline::fit(&cols, &[], &o), Err(PrepError::NoTrainRows));
    assert_eq!(
        Pipeline::fit(&cols, &[5], &o),
        Err(PrepError::RowOutOfRange { row: 5, n_rows: 5 })
    );
    let mut bad = table();
    bad[0] = Column::numeric("x", vec![1.0, f64::INFINITY, 3.0, 5.0, 100.0]);
    assert!(matches!(
        Pipeline::fit(&bad, &[0, 1], &o),
        Err(PrepError::Infinite { row: 1, .. })
    ));
    let p = Pipeline::fit(&cols, &[0, 2], &o).unwrap();
    assert!(matches!(
        p.transform(&bad, &[1]),
        Err(PrepError::Infinite { .. })
    ));
    assert!(matches!(
        p.transform(&cols[..2], &[1]),
        Err(PrepError::ColumnCount { .. })
    ));
    let mut renamed = table();
    renamed[2].name = "d".into();
    assert!(matches!(
        p.transform(&renamed, &[1]),
        Err(PrepError::ColumnMismatch { index: 2, .. })
    ));
    let mut ragged = table();
    ragged[1] = Column::numeric("empty", vec![1.0]);
    assert!(matches!(
        Pipeline::fit(&ragged, &[0], &o),
        Err(PrepError::RaggedColumns { .. })
    ));
    assert_eq!(
        Categorical::from_codes(vec![0, 2], vec!["a".into(), "b".into()]),
        Err(PrepError::BadCode { row: 1 })
    );
    assert!(p.transform(&cols, &[]).unwrap().is_empty());
}

#[test]
fn prep_literal_missing_merges_and_duplicate_levels() {
    let c = Categorical::from_codes(
        vec![0, 1, Categorical::MISSING, 2],
        vec!["missing".into(), "B".into(), "B".into()],
    )
    .unwrap();
    let cols = vec![Column::categorical("c", c)];
    let p = Pipeline::fit(&cols, &[0, 1, 2, 3], &PrepOptions::default()).unwrap();
    assert_eq!(p.feature_names(), ["c=B", "c=missing"]);
    let m = p.transform(&cols, &[0, 1, 2, 3]).unwrap();
    assert_eq!(m.column(1).to_vec(), vec![1.0, 0.0, 1.0, 0.0]);
    assert_eq!(m.column(0).to_vec(), vec![0.0, 1.0, 0.0, 1.0]);
}
