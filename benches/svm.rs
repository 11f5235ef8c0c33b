//! Benchmark binary (not a timed test) for fitpool's SVR solver: fits SVR() or NuSVR() on a CSV
//! training set, predicts a CSV test set, and prints one JSON line with seconds and RMSE.
//! Driven by `scripts/bench_svm.py`, which runs scikit-learn on the same files.
//!
//! `cargo bench --bench svm -- TRAIN.csv TEST.csv svr|nusvr [C [CACHE_MB]]`
//! (`cargo bench --bench svm -- TRAIN.csv - kernel` times kernel rows alone)

use std::time::Instant;

use fitpool::data::{read_table, ColumnRef, LoadOptions};
use fitpool::svm::{fit, SvmParams, SvrKind};
use ndarray::{Array1, Array2};

/// A CSV in the article's layout (no header, id in column 0, target last), read by the data
/// layer.
fn load(path: &str) -> (Array2<f64>, Array1<f64>) {
    let opts = LoadOptions {
        id_cols: vec![ColumnRef::Index(0)],
        ..LoadOptions::default()
    };
    let t = read_table(std::path::Path::new(path), &opts).unwrap_or_else(|e| panic!("{e}"));
    (t.numeric_x().expect("a numeric fixture"), t.target())
}

fn main() {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| a != "--bench")
        .collect();
    if args.len() < 3 {
        eprintln!("usage: svm TRAIN.csv TEST.csv svr|nusvr [C]");
        return;
    }
    let (xtr, ytr) = load(&args[0]);
    if args[2] == "kernel" {
        // kernel-row throughput: 10000 RBF rows over the training set
        let data = fitpool::svm::Samples::from_view(xtr.view());
        let kf = fitpool::svm::KernelFn {
            kernel: fitpool::svm::Kernel::Rbf,
            gamma: 0.05,
            coef0: 0.0,
            degree: 3,
        };
        let mut out = vec![0.0; data.n];
        let t0 = Instant::now();
        let mut s = 0.0;
        for i in 0..10000 {
            let i = i % data.n;
            fitpool::svm::kernel_row(&kf, data.row(i), data.sq[i], &data, &mut out);
            s += out[i / 2];
        }
        let secs = t0.elapsed().as_secs_f64();
        println!(
            "kernel rows: {:.3} ns per entry ({s})",
            secs * 1e9 / (10000.0 * data.n as f64)
        );
        return;
    }
    let (xte, yte) = load(&args[1]);
    let kind = match args[2].as_str() {
        "svr" => SvrKind::epsilon_default(),
        "nusvr" => SvrKind::nu_default(),
        other => panic!("model {other}"),
    };
    let mut params = SvmParams::default();
    if let Some(c) = args.get(3) {
        params.c = c.parse().unwrap();
    }
    if let Some(mb) = args.get(4) {
        params.cache_size_mb = mb.parse().unwrap();
    }
    let t0 = Instant::now();
    let m = fit(xtr.view(), ytr.view(), kind, &params).unwrap();
    let t_fit = t0.elapsed().as_secs_f64();
    let pred = m.predict(xte.view());
    let secs = t0.elapsed().as_secs_f64();
    let rmse = ((&pred - &yte).mapv(|e| e * e).sum() / yte.len() as f64).sqrt();
    println!(
        "{{\"model\":\"{}\",\"n_train\":{},\"seconds\":{secs:.4},\"fit_seconds\":{t_fit:.4},\"rmse\":{rmse:.6},\"n_support\":{},\"iterations\":{},\"kernel_rows\":{}}}",
        args[2],
        ytr.len(),
        m.n_support(),
        m.iterations(),
        m.kernel_rows
    );
}
