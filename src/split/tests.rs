use super::*;
use proptest::prelude::*;

fn tts(n: usize, test: Option<Size>, train: Option<Size>) -> Result<Split, SplitError> {
    train_test_split(n, test, train, Some(0), true)
}

#[test]
fn holdout_size_errors() {
    use Size::*;
    for bad in [
        Fraction(0.0),
        Fraction(1.0),
        Fraction(-0.1),
        Fraction(f64::NAN),
    ] {
        assert!(
            matches!(
                tts(10, Some(bad), None),
                Err(SplitError::InvalidSize {
                    which: "test_size",
                    ..
                })
            ),
            "{bad:?}"
        );
    }
    for bad in [Count(0), Count(10), Count(11)] {
        assert!(matches!(
            tts(10, Some(bad), None),
            Err(SplitError::InvalidSize { .. })
        ));
        assert!(matches!(
            tts(10, None, Some(bad)),
            Err(SplitError::InvalidSize {
                which: "train_size",
                ..
            })
        ));
    }
    assert!(matches!(
        tts(10, Some(Fraction(0.6)), Some(Fraction(0.5))),
        Err(SplitError::FractionSum { .. })
    ));
    assert!(matches!(
        tts(10, Some(Count(6)), Some(Count(5))),
        Err(SplitError::SizesExceed {
            total: 11,
            n_samples: 10
        })
    ));
    // ceil(0.5 * 1) = 1 test row of 1: empty train.
    assert!(matches!(
        tts(1, Some(Fraction(0.5)), None),
        Err(SplitError::EmptyTrain { .. })
    ));
    assert!(matches!(
        tts(0, None, None),
        Err(SplitError::EmptyTrain { .. })
    ));
    assert!(matches!(
        train_test_split(10, None, None, None, true),
        Err(SplitError::Unseeded)
    ));
    assert!(matches!(
        train_test_split(10, None, None, Some(1 << 32), true),
        Err(SplitError::Seed(_))
    ));
    assert!(matches!(
        train_test_split(10, None, None, Some(-1), true),
        Err(SplitError::Seed(_))
    ));
}

#[test]
fn holdout_sizes_and_unshuffled() {
    let s = tts(10, None, None).unwrap();
    assert_eq!((s.train.len(), s.test.len()), (7, 3)); // ceil(2.5) = 3
    let s = tts(10, None, Some(Size::Fraction(0.55))).unwrap();
    assert_eq!((s.train.len(), s.test.len()), (5, 5)); // floor(5.5) = 5
    let s = tts(10, Some(Size::Count(2)), Some(Size::Count(3))).unwrap();
    assert_eq!((s.train.len(), s.test.len()), (3, 2));
    let s = train_test_split(5, Some(Size::Count(2)), None, Some(7), false).unwrap();
    assert_eq!(
        s,
        Split {
            train: vec![0, 1, 2],
            test: vec![3, 4]
        }
    );
}

#[test]
fn kfold_errors() {
    let kf = |k, shuffle, seed| {
        KFold {
            n_splits: k,
            shuffle,
            random_state: seed,
        }
        .split(5)
    };
    assert_eq!(
        kf(1, false, None),
        Err(SplitError::TooFewSplits { n_splits: 1 })
    );
    assert_eq!(
        kf(0, false, None),
        Err(SplitError::TooFewSplits { n_splits: 0 })
    );
    assert_eq!(
        kf(6, false, None),
        Err(SplitError::TooManySplits {
            n_splits: 6,
            n_samples: 5
        })
    );
    assert_eq!(kf(2, false, Some(0)), Err(SplitError::SeedWithoutShuffle));
    assert_eq!(kf(2, true, None), Err(SplitError::Unseeded));
    assert!(kf(5, true, Some(0)).is_ok());
    let r = RepeatedKFold {
        n_splits: 2,
        n_repeats: 0,
        random_state: 0,
    };
    assert_eq!(r.split(5), Err(SplitError::NoRepeats));
}

#[test]
fn kfold_unshuffled_sizes() {
    let s = KFold {
        n_splits: 3,
        shuffle: false,
        random_state: None,
    }
    .split(7)
    .unwrap();
    let tests: Vec<Vec<usize>> = s.iter().map(|s| s.test.clone()).collect();
    assert_eq!(tests, vec![vec![0, 1, 2], vec![3, 4], vec![5, 6]]);
    assert_eq!(s[1].train, vec![0, 1, 2, 5, 6]);
}

#[test]
fn group_kfold_errors() {
    let g = GroupKFold {
        n_splits: 3,
        shuffle: false,
        random_state: None,
    };
    assert_eq!(
        g.split(&[1, 1, 2, 2]),
        Err(SplitError::TooManyGroupSplits {
            n_splits: 3,
            n_groups: 2
        })
    );
    assert_eq!(
        g.split(&[1, 2]),
        Err(SplitError::TooManySplits {
            n_splits: 3,
            n_samples: 2
        })
    );
    let spec = SplitSpec::GroupKFold {
        k: 2,
        shuffle: false,
        seed: None,
    };
    let groups = Groups::Str(vec![Some("a".into()), None, Some("b".into())]);
    let input = SplitInput {
        n_samples: 3,
        groups: Some(&groups),
        test_fold: None,
    };
    assert_eq!(spec.splits(&input), Err(SplitError::BadGroup { row: 1 }));
    let groups = Groups::Float(vec![1.0, f64::NAN, 2.0]);
    let input = SplitInput {
        n_samples: 3,
        groups: Some(&groups),
        test_fold: None,
    };
    assert_eq!(spec.splits(&input), Err(SplitError::BadGroup { row: 1 }));
    assert_eq!(
        spec.splits(&SplitInput::rows(3)),
        Err(SplitError::Needs {
            what: "group labels"
        })
    );
    // -0.0 and 0.0 are one group, as in np.unique.
    let groups = Groups::Float(vec![0.0, -0.0, 1.0]);
    let input = SplitInput {
        n_samples: 3,
        groups: Some(&groups),
        test_fold: None,
    };
    let s = spec.splits(&input).unwrap();
    assert_eq!(s[0].test, vec![0, 1]);
}

#[test]
fn time_series_errors() {
    let ts = |k, test_size, gap| {
        TimeSeriesSplit {
            n_splits: k,
            test_size,
            gap,
            max_train_size: None,
        }
        .split(6)
    };
    assert_eq!(
        ts(6, None, 0),
        Err(SplitError::TimeSeriesFolds {
            n_folds: 7,
            n_samples: 6
        })
    );
    assert!(matches!(
        ts(2, Some(3), 0),
        Err(SplitError::TimeSeriesTooMany { .. })
    ));
    assert!(matches!(
        ts(2, None, 2),
        Err(SplitError::TimeSeriesTooMany { .. })
    ));
    assert!(matches!(
        ts(2, Some(usize::MAX), 0),
        Err(SplitError::TimeSeriesTooMany { .. })
    ));
    assert_eq!(ts(2, Some(0), 0), Err(SplitError::ZeroTestSize));
    assert_eq!(
        ts(1, None, 0),
        Err(SplitError::TooFewSplits { n_splits: 1 })
    );
}

#[test]
fn predefined_and_spec_errors() {
    assert_eq!(predefined_split(&[-1, -1]), vec![]);
    assert_eq!(
        SplitSpec::Predefined.splits(&SplitInput {
            n_samples: 2,
            groups: None,
            test_fold: Some(&[-1, -1])
        }),
        Err(SplitError::NoSplits)
    );
    assert!(matches!(
        SplitSpec::Predefined.splits(&SplitInput {
            n_samples: 3,
            groups: None,
            test_fold: Some(&[0, 1])
        }),
        Err(SplitError::Length { .. })
    ));
    let s = predefined_split(&[1, -1, 0, 1, -2]);
    let tests: Vec<Vec<usize>> = s.iter().map(|s| s.test.clone()).collect();
    assert_eq!(tests, vec![vec![4], vec![2], vec![0, 3]]);
}

#[test]
fn spec_serde_roundtrip() {
    let specs = [
        SplitSpec::Holdout {
            test_size: Some(Size::Fraction(0.2)),
            train_size: None,
            shuffle: true,
            seed: Some(42),
        },
        SplitSpec::Holdout {
            test_size: Some(Size::Count(30)),
            train_size: Some(Size::Count(50)),
            shuffle: false,
            seed: None,
        },
        SplitSpec::KFold {
            k: 5,
            shuffle: true,
            seed: Some(0),
        },
        SplitSpec::RepeatedKFold {
            k: 5,
            repeats: 3,
            seed: 1,
        },
        SplitSpec::GroupKFold {
            k: 3,
            shuffle: false,
            seed: None,
        },
        SplitSpec::TimeSeries {
            k: 4,
            test_size: Some(2),
            gap: 1,
            max_train_size: None,
        },
        SplitSpec::Predefined,
    ];
    for s in &specs {
        let j = serde_json::to_string(s).unwrap();
        assert_eq!(&serde_json::from_str::<SplitSpec>(&j).unwrap(), s, "{j}");
        let t = toml::to_string(s).unwrap();
        assert_eq!(&toml::from_str::<SplitSpec>(&t).unwrap(), s, "{t}");
    }
    let s: SplitSpec =
        serde_json::from_str(r#"{"kind":"holdout","test_size":1.0,"seed":3}"#).unwrap();
    assert!(matches!(
        s,
        SplitSpec::Holdout {
            test_size: Some(Size::Fraction(_)),
            ..
        }
    ));
    assert!(matches!(
        s.splits(&SplitInput::rows(10)),
        Err(SplitError::InvalidSize { .. })
    ));
    assert!(serde_json::from_str::<SplitSpec>(r#"{"kind":"k_fold","k":5,"sede":1}"#).is_err());
}

fn assert_partition(s: &Split, n: usize) {
    let mut all: Vec<usize> = s.train.iter().chain(&s.test).copied().collect();
    all.sort_unstable();
    assert_eq!(all, (0..n).collect::<Vec<_>>());
}

proptest! {
    #[test]
    fn kfold_tests_partition_rows(n in 2usize..200, k in 2usize..12, seed in 0i64..5000, shuffle: bool) {
        prop_assume!(k <= n);
        let s = KFold { n_splits: k, shuffle, random_state: shuffle.then_some(seed) }.split(n).unwrap();
        prop_assert_eq!(s.len(), k);
        let mut seen = vec![0u32; n];
        for sp in &s {
            assert_partition(sp, n);
            prop_assert!(sp.test.len() == n / k || sp.test.len() == n / k + 1);
            for &i in &sp.test { seen[i] += 1; }
        }
        prop_assert!(seen.iter().all(|&c| c == 1));
    }

    #[test]
    fn group_kfold_keeps_groups_together(groups in proptest::collection::vec(0u8..20, 3..150), k in 2usize..5, seed in 0i64..100, shuffle: bool) {
        let cv = GroupKFold { n_splits: k, shuffle, random_state: shuffle.then_some(seed) };
        let Ok(s) = cv.split(&groups) else { return Ok(()); };
        let mut fold = vec![usize::MAX; groups.len()];
        for (f, sp) in s.iter().enumerate() {
            assert_partition(sp, groups.len());
            for &i in &sp.test { prop_assert_eq!(fold[i], usize::MAX); fold[i] = f; }
        }
        for i in 0..groups.len() {
            for j in 0..groups.len() {
                if groups[i] == groups[j] { prop_assert_eq!(fold[i], fold[j]); }
            }
        }
    }

    #[test]
    fn holdout_partitions(n in 2usize..500, frac in 0.01f64..0.99, seed in 0i64..1000) {
        if let Ok(s) = tts(n, Some(Size::Fraction(frac)), None) {
            assert_partition(&s, n);
            prop_assert_eq!(s.test.len(), (frac * n as f64).ceil() as usize);
        }
        let _ = seed;
    }

    #[test]
    fn permutation_is_permutation(n in 0usize..300, seed in 0u32..u32::MAX) {
        let mut p = RandomState::from_u32(seed).permutation(n);
        p.sort_unstable();
        prop_assert_eq!(p, (0..n).collect::<Vec<_>>());
    }
}
