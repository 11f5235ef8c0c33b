//! Cross-validated results: one summary per model over its folds (mean ± std of RMSE, means
//! of MAE, R² and fit time, folds done), ranked by mean RMSE with incomplete models after the
//! complete ones, and the models that the folds cannot tell from the best marked.
//!
//! Ties: the one-standard-error rule. A complete model is tied with the best when its mean
//! RMSE is within one standard error (sample std / sqrt(folds)) of the best model's mean —
//! the rule `GridSearchCV` users apply by hand and that Hastie, Tibshirani and Friedman
//! recommend for choosing among models; it needs no distribution assumption and is stable
//! with 5 or 10 folds, where a paired t-test has little power.

use serde::Serialize;

use super::record::{Status, TaskRecord};
use super::table::{secs, sig};
use super::Format;

/// One model over its folds.
#[derive(Clone, Debug, Serialize)]
pub struct ModelSummary {
    /// 1-based among complete models; `None` for an incomplete one.
    pub rank: Option<usize>,
    pub model: String,
    /// Folds that ended ok, and folds planned (ok + failed + missing).
    pub folds_ok: usize,
    pub folds: usize,
    pub rmse_mean: Option<f64>,
    /// Sample standard deviation over the folds (ddof = 1).
    pub rmse_std: Option<f64>,
    pub mae_mean: Option<f64>,
    pub r2_mean: Option<f64>,
    pub fit_seconds_mean: Option<f64>,
    /// Within one standard error of the best model's mean RMSE.
    pub tied_with_best: bool,
    /// The model refit on all training rows, scored on the test rows (when there are any).
    pub test_rmse: Option<f64>,
    /// What went wrong in a fold that is not ok, if any.
    pub problem: Option<String>,
    #[serde(skip)]
    index: usize,
    /// The fold records, in fold order.
    pub fold_results: Vec<TaskRecord>,
}

/// The model of a journal key `Model() fold 3`, for missing tasks.
fn model_of_key(key: &str) -> (&str, bool) {
    match key.rsplit_once(" fold ") {
        Some((m, k)) if k.parse::<u32>().is_ok() => (m, true),
        _ => (key, false),
    }
}

/// Summaries of fold records (records without a fold are the models' test scores).
pub fn summarize(records: &[TaskRecord], missing: &[String]) -> Vec<ModelSummary> {
    let mut out: Vec<ModelSummary> = Vec::new();
    let entry = |out: &mut Vec<ModelSummary>, model: &str, index: usize| -> usize {
        if let Some(i) = out.iter().position(|s| s.model == model) {
            out[i].index = out[i].index.min(index);
            return i;
        }
        out.push(ModelSummary {
            rank: None,
            model: model.to_string(),
            folds_ok: 0,
            folds: 0,
            rmse_mean: None,
            rmse_std: None,
            mae_mean: None,
            r2_mean: None,
            fit_seconds_mean: None,
            tied_with_best: false,
            test_rmse: None,
            problem: None,
            index,
            fold_results: Vec::new(),
        });
        out.len() - 1
    };
    for r in records {
        let i = entry(&mut out, &r.model, r.index);
        let s = &mut out[i];
        match r.fold {
            None => s.test_rmse = r.rmse,
            Some(_) => {
                s.folds += 1;
                if r.status == Status::Ok {
                    s.folds_ok += 1;
                } else if s.problem.is_none() {
                    s.problem = Some(format!(
                        "fold {}: {}",
                        r.fold.unwrap_or(0) + 1,
                        r.status.as_str()
                    ));
                }
                s.fold_results.push(r.clone());
            }
        }
    }
    for key in missing {
        let (model, is_fold) = model_of_key(key);
        if is_fold {
            let i = entry(&mut out, model, usize::MAX);
            out[i].folds += 1;
            out[i].problem.get_or_insert_with(|| "folds missing".into());
        }
    }
    for s in &mut out {
        s.fold_results.sort_by_key(|r| r.fold);
        let ok: Vec<&TaskRecord> = s
            .fold_results
            .iter()
            .filter(|r| r.status == Status::Ok)
            .collect();
        let mean = |f: fn(&TaskRecord) -> Option<f64>| {
            let v: Vec<f64> = ok.iter().filter_map(|r| f(r)).collect();
            (!v.is_empty()).then(|| v.iter().sum::<f64>() / v.len() as f64)
        };
        s.rmse_mean = mean(|r| r.rmse);
        s.mae_mean = mean(|r| r.mae);
        s.r2_mean = mean(|r| r.r2);
        s.fit_seconds_mean = mean(|r| r.fit_seconds);
        s.rmse_std = s.rmse_mean.filter(|_| ok.len() > 1).map(|m| {
            let ss: f64 = ok
                .iter()
                .filter_map(|r| r.rmse)
                .map(|x| (x - m).powi(2))
                .sum();
            (ss / (ok.len() - 1) as f64).sqrt()
        });
    }
    let complete = |s: &ModelSummary| s.folds > 0 && s.folds_ok == s.folds;
    out.sort_by(|a, b| match (complete(a), complete(b)) {
        (true, true) => a
            .rmse_mean
            .partial_cmp(&b.rmse_mean)
            .unwrap_or(std::cmp::Ordering::Equal)
            .then(a.index.cmp(&b.index)),
        (true, false) => std::cmp::Ordering::Less,
        (false, true) => std::cmp::Ordering::Greater,
        (false, false) => a.index.cmp(&b.index),
    });
    let best = out.first().filter(|s| complete(s)).map(|s| {
        let se = s.rmse_std.unwrap_or(0.0) / (s.folds_ok as f64).sqrt();
        s.rmse_mean.unwrap_or(f64::INFINITY) + se
    });
    let mut rank = 0;
    for s in &mut out {
        if complete(s) {
            rank += 1;
            s.rank = Some(rank);
            s.tied_with_best = best.is_some_and(|b| s.rmse_mean.is_some_and(|m| m <= b));
        }
    }
    out
}

/// Renders cross-validated results in one format.
pub fn render(format: Format, records: &[TaskRecord], missing: &[String]) -> String {
    let summaries = summarize(records, missing);
    match format {
        Format::Json => {
            let doc = serde_json::json!({ "cv": true, "results": summaries, "missing": missing });
            let mut s = serde_json::to_string_pretty(&doc).unwrap_or_else(|_| "{}".into());
            s.push('\n');
            s
        }
        Format::Csv => csv(&summaries),
        Format::Table => table(&summaries),
    }
}

fn opt(v: Option<f64>, f: impl Fn(f64) -> String) -> String {
    v.map(f).unwrap_or_else(|| "-".into())
}

fn csv(rows: &[ModelSummary]) -> String {
    let mut out = String::from(
        "rank,model,rmse_mean,rmse_std,mae_mean,r2_mean,fit_seconds_mean,folds_ok,folds,tied_with_best,test_rmse,problem\n",
    );
    for s in rows {
        let num = |v: Option<f64>| v.map(|x| x.to_string()).unwrap_or_default();
        let quote = |t: &str| format!("\"{}\"", t.replace('"', "\"\""));
        out.push_str(&format!(
            "{},{},{},{},{},{},{},{},{},{},{},{}\n",
            s.rank.map(|r| r.to_string()).unwrap_or_default(),
            quote(&s.model),
            num(s.rmse_mean),
            num(s.rmse_std),
            num(s.mae_mean),
            num(s.r2_mean),
            num(s.fit_seconds_mean),
            s.folds_ok,
            s.folds,
            s.tied_with_best,
            num(s.test_rmse),
            s.problem.as_deref().map(quote).unwrap_or_default()
        ));
    }
    out
}

fn table(rows: &[ModelSummary]) -> String {
    let has_test = rows.iter().any(|s| s.test_rmse.is_some());
    let mut header = vec![
        "rank",
        "model",
        "RMSE mean ± std",
        "MAE",
        "R²",
        "fit s/fold",
        "folds",
    ];
    if has_test {
        header.push("test RMSE");
    }
    header.push("status");
    let mut cells: Vec<Vec<String>> = vec![header.iter().map(|h| h.to_string()).collect()];
    for s in rows {
        let mut row = vec![
            s.rank.map(|r| r.to_string()).unwrap_or_else(|| "-".into()),
            format!("{}{}", s.model, if s.tied_with_best { " *" } else { "" }),
            match (s.rmse_mean, s.rmse_std) {
                (Some(m), Some(sd)) => format!("{} ± {}", sig(m), sig(sd)),
                (Some(m), None) => sig(m),
                _ => "-".into(),
            },
            opt(s.mae_mean, sig),
            opt(s.r2_mean, |v| format!("{v:.4}")),
            opt(s.fit_seconds_mean, secs),
            format!("{}/{}", s.folds_ok, s.folds),
        ];
        if has_test {
            row.push(opt(s.test_rmse, sig));
        }
        row.push(s.problem.clone().unwrap_or_else(|| "ok".into()));
        cells.push(row);
    }
    let n = cells[0].len();
    let widths: Vec<usize> = (0..n)
        .map(|i| {
            cells
                .iter()
                .map(|r| r[i].chars().count())
                .max()
                .unwrap_or(0)
        })
        .collect();
    let mut out = String::new();
    for row in &cells {
        let mut line = String::new();
        for (i, cell) in row.iter().enumerate() {
            let pad = " ".repeat(widths[i] - cell.chars().count());
            if i > 0 {
                line.push_str("  ");
            }
            if i == 1 || i == n - 1 {
                line.push_str(cell);
                line.push_str(&pad);
            } else {
                line.push_str(&pad);
                line.push_str(cell);
            }
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    if rows.iter().any(|s| s.tied_with_best) {
        out.push_str(
            "* within one standard error of the best mean RMSE over the folds: not distinguishable from it\n",
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::record::sample;

    fn fold(index: usize, model: &str, k: u32, rmse: f64) -> TaskRecord {
        let mut r = sample(index, model, Status::Ok, Some(rmse));
        r.fold = Some(k);
        r.key = format!("{model} fold {}", k + 1);
        r
    }

    #[test]
    fn models_rank_by_mean_rmse_and_the_one_standard_error_rule_marks_ties() {
        let mut records = Vec::new();
        for (k, (a, b, c)) in [(1.0, 1.05, 2.0), (1.2, 1.1, 2.1), (0.8, 1.0, 1.9)]
            .into_iter()
            .enumerate()
        {
            records.push(fold(k, "A()", k as u32, a));
            records.push(fold(3 + k, "B()", k as u32, b));
            records.push(fold(6 + k, "C()", k as u32, c));
        }
        let s = summarize(&records, &[]);
        let order: Vec<&str> = s.iter().map(|s| s.model.as_str()).collect();
        assert_eq!(order, ["A()", "B()", "C()"]);
        // A: mean 1.0, std 0.2, se 0.1155 -> B's mean 1.05 is within, C's 2.0 is not
        assert!((s[0].rmse_mean.unwrap() - 1.0).abs() < 1e-12);
        assert!((s[0].rmse_std.unwrap() - 0.2).abs() < 1e-12);
        assert_eq!(
            s.iter().map(|s| s.tied_with_best).collect::<Vec<_>>(),
            [true, true, false]
        );
        assert_eq!(s[2].rank, Some(3));
    }

    #[test]
    fn a_model_with_a_failed_or_missing_fold_ranks_after_complete_ones() {
        let mut records = vec![fold(0, "A()", 0, 5.0), fold(1, "A()", 1, 5.0)];
        let mut bad = fold(2, "B()", 0, 0.1);
        bad.status = Status::Crashed;
        bad.rmse = None;
        records.push(bad);
        records.push(fold(3, "B()", 1, 0.1));
        records.push(fold(4, "C()", 0, 0.2));
        let s = summarize(&records, &["C() fold 2".to_string()]);
        let order: Vec<(&str, Option<usize>, usize, usize)> = s
            .iter()
            .map(|s| (s.model.as_str(), s.rank, s.folds_ok, s.folds))
            .collect();
        assert_eq!(
            order,
            [
                ("A()", Some(1), 2, 2),
                ("B()", None, 1, 2),
                ("C()", None, 1, 2)
            ]
        );
        assert_eq!(s[1].problem.as_deref(), Some("fold 1: crashed"));
        let text = table(&s);
        assert!(text.contains("1/2"), "{text}");
    }
}
