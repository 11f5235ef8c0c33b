//! Property tests of `fitpool::data`: any finite matrix written as CSV reads back exactly,
//! and a split is always a partition of the rows.

use fitpool::data::{read_table, train_test_split, ColumnRef, HeaderMode, LoadOptions};
use ndarray::{Array1, Array2};
use proptest::prelude::*;
use std::sync::atomic::{AtomicUsize, Ordering};

fn temp_path() -> std::path::PathBuf {
    static N: AtomicUsize = AtomicUsize::new(0);
    std::env::temp_dir().join(format!(
        "fitpool-data-prop-{}-{}.csv",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    ))
}

fn finite() -> impl Strategy<Value = f64> {
    prop_oneof![
        -1e6..1e6f64,
        any::<f64>().prop_filter("finite", |v| v.is_finite()),
        Just(0.0),
        Just(-0.0),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn csv_round_trip(
        rows in 2usize..20,
        cols in 3usize..7,
        values in proptest::collection::vec(finite(), 20 * 7),
        header in any::<bool>(),
        delim in prop_oneof![Just(b','), Just(b';'), Just(b'\t')],
    ) {
        let d = char::from(delim);
        let mut text = String::new();
        if header {
            let names: Vec<String> = (0..cols).map(|c| format!("v{c}")).collect();
            text.push_str(&names.join(&d.to_string()));
            text.push('\n');
        }
        for r in 0..rows {
            let line: Vec<String> = (0..cols)
                .map(|c| if c == 0 { format!(" id{r} ") } else { format!("{:?}", values[r * cols + c]) })
                .collect();
            text.push_str(&line.join(&d.to_string()));
            text.push_str(if r % 2 == 0 { "\n" } else { "\r\n" });
        }
        let path = temp_path();
        std::fs::write(&path, &text).unwrap();
        let opts = LoadOptions {
            header: HeaderMode::Auto,
            id_cols: vec![ColumnRef::Index(0)],
            target: None,
            delimiter: delim,
            ..LoadOptions::default()
        };
        let t = read_table(&path, &opts);
        std::fs::remove_file(&path).ok();
        let t = t.unwrap();
        prop_assert_eq!(t.has_header, header);
        let x = t.numeric_x().expect("numeric columns");
        prop_assert_eq!(x.dim(), (rows, cols - 2));
        for r in 0..rows {
            for c in 1..cols - 1 {
                prop_assert_eq!(x[[r, c - 1]].to_bits(), values[r * cols + c].to_bits());
            }
            prop_assert_eq!(t.y[r].to_bits(), values[r * cols + cols - 1].to_bits());
        }
    }

    #[test]
    // issue 11: scikit-learn's split takes numpy's seeds (0 to 2^32 - 1), n_test is
    // ceil(frac * n) exactly as scikit-learn computes it, and it needs 2 test rows
    fn split_is_a_partition(n in 2usize..300, frac in 0.01f64..0.99, seed in 0u64..=u64::from(u32::MAX)) {
        let x = Array2::from_shape_fn((n, 1), |(i, _)| i as f64);
        let y = Array1::from_shape_fn(n, |i| i as f64);
        match train_test_split(&x, &y, frac, seed) {
            Ok((xtr, ytr, xte, yte)) => {
                prop_assert!(!ytr.is_empty() && !yte.is_empty());
                prop_assert_eq!(xtr.column(0).to_vec(), ytr.to_vec());
                prop_assert_eq!(xte.column(0).to_vec(), yte.to_vec());
                let mut all: Vec<f64> = ytr.iter().chain(yte.iter()).copied().collect();
                all.sort_by(f64::total_cmp);
                prop_assert_eq!(all, y.to_vec());
                prop_assert_eq!(yte.len(), (frac * n as f64).ceil() as usize);
                prop_assert!(yte.len() >= 2);
            }
            Err(e) => {
                let n_test = (frac * n as f64).ceil() as usize;
                prop_assert!(n_test < 2 || n_test >= n, "{}", e);
                prop_assert!(e.to_string().contains(&format!("and {} test rows", n_test.min(n))), "{}", e);
            }
        }
    }
}
