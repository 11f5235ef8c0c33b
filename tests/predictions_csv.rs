//! `fitpool run --predictions`: one row per scored row, one column per model, and the RMSE
//! recomputed from the file equals the one the run reported.

use std::process::Command;

fn run(args: &[&str]) -> (i32, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_fitpool"))
        .args(args)
        .output()
        .expect("run fitpool");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
    )
}

fn scratch(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("fitpool-predictions-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir.join(format!("{name}.csv"))
}

fn rmse(truth: &[f64], pred: &[f64]) -> f64 {
    let sse: f64 = truth.iter().zip(pred).map(|(t, p)| (t - p) * (t - p)).sum();
    (sse / truth.len() as f64).sqrt()
}

#[test]
fn split_predictions_reproduce_the_reported_rmse() {
    let path = scratch("split");
    let p = path.to_str().unwrap();
    let (rc, stdout) = run(&[
        "run",
        "-m",
        "ridge",
        "-m",
        "knn",
        "--predictions",
        p,
        "--progress",
        "none",
        "--format",
        "csv",
    ]);
    assert_eq!(rc, 0);
    let mut reported = std::collections::HashMap::new();
    let mut r = csv::Reader::from_reader(stdout.as_bytes());
    for rec in r.records() {
        let rec = rec.unwrap();
        reported.insert(rec[1].to_string(), rec[2].parse::<f64>().unwrap());
    }
    let mut r = csv::Reader::from_path(&path).unwrap();
    let header: Vec<String> = r.headers().unwrap().iter().map(String::from).collect();
    assert_eq!(
        header,
        ["row", "actual", "Ridge()", "KNeighborsRegressor()"]
    );
    let rows: Vec<Vec<f64>> = r
        .records()
        .map(|rec| rec.unwrap().iter().map(|c| c.parse().unwrap()).collect())
        .collect();
    // the built-in diabetes split: 442 rows, 89 test rows
    assert_eq!(rows.len(), 89);
    let mut seen: Vec<usize> = rows.iter().map(|r| r[0] as usize).collect();
    seen.dedup();
    assert_eq!(seen.len(), 89, "one line per test row");
    assert!(seen.iter().all(|&i| i < 442));
    let truth: Vec<f64> = rows.iter().map(|r| r[1]).collect();
    for (c, model) in header.iter().enumerate().skip(2) {
        let pred: Vec<f64> = rows.iter().map(|r| r[c]).collect();
        let want = reported[model.as_str()];
        assert!(
            (rmse(&truth, &pred) - want).abs() <= 1e-9 * want,
            "{model}: {} vs {want}",
            rmse(&truth, &pred)
        );
    }
}

#[test]
fn cv_predictions_cover_every_row_once_with_its_fold() {
    let path = scratch("cv");
    let p = path.to_str().unwrap();
    let (rc, _) = run(&[
        "run",
        "-m",
        "ridge",
        "--cv",
        "5",
        "--predictions",
        p,
        "--progress",
        "none",
    ]);
    assert_eq!(rc, 0);
    let mut r = csv::Reader::from_path(&path).unwrap();
    assert_eq!(
        r.headers().unwrap().iter().collect::<Vec<_>>(),
        ["row", "fold", "actual", "Ridge()"]
    );
    let mut rows: Vec<usize> = Vec::new();
    for rec in r.records() {
        let rec = rec.unwrap();
        rows.push(rec[0].parse().unwrap());
        let fold: u32 = rec[1].parse().unwrap();
        assert!(fold < 5);
        let _: f64 = rec[3].parse().unwrap();
    }
    assert_eq!(
        rows,
        (0..442).collect::<Vec<_>>(),
        "every row out of fold once"
    );
}
