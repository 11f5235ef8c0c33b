//! The HTML report (`fitpool run --report`, `fitpool report JOURNAL...`): one self-contained
//! file that opens offline. Inline CSS, inline SVG charts drawn by plotters (see `charts`),
//! a few lines of inline script to sort the table; nothing is fetched.
//!
//! It shows the ranked table, the failures with their reasons, RMSE per model (fold error
//! bars under cross-validation), fit time against RMSE with the Pareto front, predicted
//! against actual and residuals for the three best models, and the run's settings.

use super::charts::{self, ChartError, Dot, Mark, RowChart, TimePoint};
use super::cv::{self, ModelSummary};
use super::predictions::TaskPredictions;
use super::record::{rank, Status, TaskRecord};
use super::table::{bytes, never_started, secs, sig, status_text, thousands};
use crate::data::ColumnInfo;
use std::fmt::Write;

/// The most rows one row chart draws; more are thinned evenly (the chart says so), which
/// keeps a report of a large test set small and quick to open.
pub const MAX_POINTS: usize = 1000;

/// The models whose rows are drawn.
pub const ROW_CHART_MODELS: usize = 3;

/// The scored rows' predictions, or why there are none.
pub enum Rows<'a> {
    Some(&'a [TaskPredictions]),
    /// A sentence saying why the row charts are left out (shown in their place).
    Absent(String),
}

/// Everything the report shows.
pub struct ReportInput<'a> {
    pub title: String,
    pub records: &'a [TaskRecord],
    /// Planned tasks without a result.
    pub missing: &'a [String],
    pub rows: Rows<'a>,
    /// The run's settings as label and value, in display order.
    pub settings: Vec<(String, String)>,
    /// The input columns and how each was encoded (empty when unknown, e.g. from journals).
    pub columns: &'a [ColumnInfo],
}

/// Whether records are cross-validated (one row per model over its folds).
pub fn is_cv(records: &[TaskRecord], missing: &[String]) -> bool {
    records.iter().any(|r| r.fold.is_some()) || missing.iter().any(|k| k.contains(" fold "))
}

/// One model as the report shows it (over its folds under cross-validation).
struct Model {
    rank: Option<usize>,
    name: String,
    rmse: Option<f64>,
    rmse_std: Option<f64>,
    folds_rmse: Vec<f64>,
    mae: Option<f64>,
    r2: Option<f64>,
    fit: Option<f64>,
    predict: Option<f64>,
    mem: Option<u64>,
    folds: Option<(usize, usize)>,
    test_rmse: Option<f64>,
    tied: bool,
    status: String,
}

fn from_summary(s: &ModelSummary) -> Model {
    let ok = || s.fold_results.iter().filter(|r| r.status == Status::Ok);
    let n_ok = ok().count().max(1) as f64;
    Model {
        rank: s.rank,
        name: s.model.clone(),
        rmse: s.rmse_mean,
        rmse_std: s.rmse_std,
        folds_rmse: ok().filter_map(|r| r.rmse).collect(),
        mae: s.mae_mean,
        r2: s.r2_mean,
        fit: s.fit_seconds_mean,
        predict: ok()
            .map(|r| r.predict_seconds)
            .sum::<Option<f64>>()
            .filter(|_| ok().next().is_some())
            .map(|t| t / n_ok),
        mem: s.fold_results.iter().filter_map(|r| r.peak_rss_bytes).max(),
        folds: Some((s.folds_ok, s.folds)),
        test_rmse: s.test_rmse,
        tied: s.tied_with_best,
        status: s.problem.clone().unwrap_or_else(|| "ok".into()),
    }
}

fn from_record(r: &TaskRecord, rank: Option<usize>) -> Model {
    Model {
        rank,
        name: r.model.clone(),
        rmse: r.rmse,
        rmse_std: None,
        folds_rmse: Vec::new(),
        mae: r.mae,
        r2: r.r2,
        fit: r.fit_seconds,
        predict: r.predict_seconds,
        mem: r.peak_rss_bytes,
        folds: None,
        test_rmse: None,
        tied: false,
        status: status_text(r),
    }
}

fn models(records: &[TaskRecord], missing: &[String], cv: bool) -> Vec<Model> {
    if cv {
        return cv::summarize(records, missing)
            .iter()
            .map(from_summary)
            .collect();
    }
    let mut n = 0;
    rank(records)
        .into_iter()
        .filter(|r| !never_started(r))
        .map(|r| {
            let ok = r.status == Status::Ok && r.rmse.is_some_and(f64::is_finite);
            n += usize::from(ok);
            from_record(r, ok.then_some(n))
        })
        .collect()
}

impl Model {
    fn mark(&self) -> Mark {
        match (self.rank, self.tied) {
            (Some(1), _) => Mark::Best,
            (_, true) => Mark::Tied,
            _ => Mark::Other,
        }
    }

    fn ranked_rmse(&self) -> Option<f64> {
        self.rank.and(self.rmse).filter(|v| v.is_finite())
    }
}

/// Which points are on the Pareto front of (fit time, RMSE): no other model both fits
/// faster (or as fast) and scores a lower RMSE. `points` are (fit seconds, RMSE).
pub fn pareto(points: &[(f64, f64)]) -> Vec<bool> {
    let mut order: Vec<usize> = (0..points.len()).collect();
    order.sort_by(|&a, &b| {
        let (pa, pb) = (points[a], points[b]);
        pa.0.total_cmp(&pb.0).then(pa.1.total_cmp(&pb.1))
    });
    let mut on = vec![false; points.len()];
    let mut best = f64::INFINITY;
    for i in order {
        if points[i].1 < best {
            best = points[i].1;
            on[i] = true;
        }
    }
    on
}

/// At most `max` evenly spaced items of `v`, in order.
pub fn thin<T: Clone>(v: &[T], max: usize) -> Vec<T> {
    if v.len() <= max {
        return v.to_vec();
    }
    (0..max).map(|i| v[i * v.len() / max].clone()).collect()
}

/// A model's repr for a table cell: escaped, with a line break allowed after `(` and `,`.
fn breakable(s: &str) -> String {
    esc(s).replace('(', "(<wbr>").replace(',', ",<wbr>")
}

/// Escapes text for HTML (element content and quoted attribute values).
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

const STYLE: &str = r#"
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#222;margin:0 auto;max-width:1240px;padding:16px 24px 48px}
h1{font-size:22px;margin:8px 0 2px}h2{font-size:18px;margin:28px 0 8px;border-bottom:1px solid #ddd;padding-bottom:4px}
.sub{color:#555;margin:0 0 12px}
table{border-collapse:collapse;font-variant-numeric:tabular-nums}
.wide{overflow-x:auto;max-width:100%}td.st{min-width:10ch}
th,td{padding:3px 8px;border-bottom:1px solid #eee;text-align:right;vertical-align:top}
th{background:#f4f6f8;position:sticky;top:0}
table.sortable th{cursor:pointer;user-select:none}
table.sortable th:hover{background:#e6ebf0}
th[data-dir=asc]::after{content:" \25B2";font-size:10px}th[data-dir=desc]::after{content:" \25BC";font-size:10px}
td.l,th.l{text-align:left}td.model{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:12.5px;min-width:18ch;max-width:560px}
tr.best td{background:#fdecee}tr.tied td{background:#fff4e5}tr.bad td{color:#8a1c1c}
dl{display:grid;grid-template-columns:max-content 1fr;gap:3px 16px;margin:0}dt{color:#555}dd{margin:0;word-break:break-all}
figure{margin:8px 0 16px}figcaption{color:#444;margin:4px 0}
svg{max-width:100%;height:auto;display:block}
.grid{display:grid;grid-template-columns:repeat(2,minmax(0,480px));gap:8px 24px}
.key span{display:inline-block;width:10px;height:10px;border-radius:50%;margin:0 4px 0 12px;vertical-align:middle}
.note{background:#f6f6f6;border-left:4px solid #bbb;padding:8px 12px}
"#;

/// Sorts a table by the clicked column: numbers by `data-v`, text by its letters; a second
/// click reverses. `report.html#sort=2` opens the ranking sorted by its third column
/// (`#sort=2-desc`: descending). Once loaded, `<body data-loaded-ms>` says how long the page
/// took to load (a test reads it).
const SCRIPT: &str = r##"
document.querySelectorAll("table.sortable").forEach(function(t){
  t.querySelectorAll("th").forEach(function(th,i){th.addEventListener("click",function(){
    var dir=th.dataset.dir==="asc"?"desc":"asc",b=t.tBodies[0],rows=Array.from(b.rows);
    t.querySelectorAll("th").forEach(function(h){delete h.dataset.dir});th.dataset.dir=dir;
    function key(r){var c=r.cells[i];return c.dataset.v!==undefined?parseFloat(c.dataset.v):c.textContent}
    rows.sort(function(x,y){var a=key(x),c=key(y),d=typeof a==="number"?a-c:a.localeCompare(c);return dir==="asc"?d:-d});
    rows.forEach(function(r){b.appendChild(r)});});});});
var m=location.hash.match(/^#sort=(\d+)(-desc)?$/),th=m&&document.querySelectorAll("#ranked th")[+m[1]];
if(th){th.click();if(m[2])th.click();}
addEventListener("load",function(){document.body.dataset.loadedMs=Math.round(performance.now())});
"##;

/// A numeric cell: its text and a sort key (missing values sort last, ascending).
fn num(v: Option<f64>, f: impl Fn(f64) -> String) -> String {
    match v.filter(|x| !x.is_nan()) {
        Some(x) => format!("<td data-v=\"{x}\">{}</td>", esc(&f(x))),
        None => "<td data-v=\"Infinity\">-</td>".into(),
    }
}

/// The whole report page.
pub fn render_html(input: &ReportInput) -> Result<String, ChartError> {
    let cv = is_cv(input.records, input.missing);
    let models = models(input.records, input.missing, cv);
    let mut h = String::with_capacity(256 * 1024);
    let best = models.iter().find(|m| m.rank == Some(1));
    let _ = write!(
        h,
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">\
         <title>{}</title><style>{STYLE}</style></head><body>\n<h1>{}</h1>\n<p class=\"sub\">{} model(s){}{}</p>\n",
        esc(&input.title),
        esc(&input.title),
        models.len(),
        if cv { ", cross-validated" } else { "" },
        best.map(|b| format!(
            "; best: <b>{}</b> ({} {})",
            esc(&b.name),
            if cv { "mean RMSE" } else { "RMSE" },
            b.rmse.map(sig).unwrap_or_default()
        ))
        .unwrap_or_else(|| "; no model succeeded".into())
    );
    ranked_table(&mut h, &models, cv);
    failures(&mut h, input, cv);
    rmse_chart(&mut h, &models, cv)?;
    time_chart(&mut h, &models, cv)?;
    row_charts(&mut h, &models, &input.rows, cv)?;
    settings(&mut h, input);
    let _ = write!(h, "<script>{SCRIPT}</script>\n</body></html>\n");
    Ok(h)
}

fn ranked_table(h: &mut String, models: &[Model], cv: bool) {
    let has_test = models.iter().any(|m| m.test_rmse.is_some());
    h.push_str("<h2 id=\"ranking\">Ranking</h2>\n<p class=\"sub\">Click a column to sort by it.");
    if models.iter().any(|m| m.tied) {
        h.push_str(
            " <b>*</b> marks the models within one standard error of the best mean RMSE over \
             the folds: not distinguishable from it.",
        );
    }
    h.push_str("</p>\n<div class=\"wide\"><table class=\"sortable\" id=\"ranked\"><thead><tr>");
    let mut heads = vec!["rank", "model"];
    if cv {
        heads.extend([
            "RMSE mean",
            "RMSE std",
            "MAE",
            "R²",
            "fit s/fold",
            "predict s/fold",
        ]);
        heads.extend(["peak mem", "folds"]);
        if has_test {
            heads.push("test RMSE");
        }
    } else {
        heads.extend(["RMSE", "MAE", "R²", "fit s", "predict s", "peak mem"]);
    }
    heads.push("status");
    for (i, t) in heads.iter().enumerate() {
        let class = if i == 1 || i == heads.len() - 1 {
            " class=\"l\""
        } else {
            ""
        };
        let _ = write!(h, "<th{class}>{t}</th>");
    }
    h.push_str("</tr></thead>\n<tbody>\n");
    for m in models {
        let class = match (m.mark(), m.rank) {
            (Mark::Best, _) => " class=\"best\"",
            (Mark::Tied, _) => " class=\"tied\"",
            (_, None) => " class=\"bad\"",
            _ => "",
        };
        let _ = write!(
            h,
            "<tr{class}><td data-v=\"{}\">{}</td><td class=\"l model\">{}{}</td>",
            m.rank.map_or(f64::INFINITY, |r| r as f64),
            m.rank.map_or("-".into(), |r| r.to_string()),
            breakable(&m.name),
            if m.tied { "&nbsp;*" } else { "" }
        );
        h.push_str(&num(m.rmse, sig));
        if cv {
            h.push_str(&num(m.rmse_std, sig));
        }
        h.push_str(&num(m.mae, sig));
        h.push_str(&num(m.r2, |v| format!("{v:.4}")));
        h.push_str(&num(m.fit, secs));
        h.push_str(&num(m.predict, secs));
        match m.mem {
            Some(b) => {
                let _ = write!(h, "<td data-v=\"{b}\">{}</td>", bytes(b));
            }
            None => h.push_str("<td data-v=\"Infinity\">-</td>"),
        }
        if let Some((ok, all)) = m.folds {
            let _ = write!(h, "<td data-v=\"{ok}\">{ok}/{all}</td>");
            if has_test {
                h.push_str(&num(m.test_rmse, sig));
            }
        }
        let _ = writeln!(h, "<td class=\"l st\">{}</td></tr>", esc(&m.status));
    }
    h.push_str("</tbody></table></div>\n");
}

fn failures(h: &mut String, input: &ReportInput, cv: bool) {
    let bad: Vec<&TaskRecord> = input
        .records
        .iter()
        .filter(|r| r.status != Status::Ok && !never_started(r))
        .collect();
    let not_started = input.records.iter().filter(|r| never_started(r)).count();
    h.push_str("<h2 id=\"failures\">Failures and timeouts</h2>\n");
    if bad.is_empty() && input.missing.is_empty() && not_started == 0 {
        h.push_str("<p>None: every task ended ok.</p>\n");
        return;
    }
    if !bad.is_empty() {
        h.push_str("<div class=\"wide\"><table class=\"sortable\" id=\"failed\"><thead><tr><th class=\"l\">model</th>");
        if cv {
            h.push_str("<th>fold</th>");
        }
        h.push_str("<th class=\"l\">outcome</th><th>attempts</th><th>wall s</th><th class=\"l\">reason</th></tr></thead><tbody>\n");
        for r in bad {
            let _ = write!(
                h,
                "<tr class=\"bad\"><td class=\"l model\">{}</td>",
                breakable(&r.model)
            );
            if cv {
                let f = r.fold.map(|f| f + 1);
                let _ = write!(
                    h,
                    "<td data-v=\"{}\">{}</td>",
                    f.unwrap_or(0),
                    f.map_or("test".into(), |f| f.to_string())
                );
            }
            let _ = writeln!(
                h,
                "<td class=\"l\">{}</td><td data-v=\"{a}\">{a}</td>{}<td class=\"l\">{}</td></tr>",
                r.status.as_str(),
                num(Some(r.wall_seconds), secs),
                esc(r.message.as_deref().unwrap_or("")),
                a = r.attempt,
            );
        }
        h.push_str("</tbody></table></div>\n");
    }
    if not_started > 0 {
        let _ = writeln!(
            h,
            "<p>{} task(s) not started (interrupted): rerun with <code>--resume</code>.</p>",
            thousands(not_started)
        );
    }
    if !input.missing.is_empty() {
        let _ = writeln!(
            h,
            "<p>{} planned task(s) without a result: {}</p>",
            thousands(input.missing.len()),
            esc(&input.missing.join(", "))
        );
    }
}

fn key(h: &mut String, tied: bool) {
    h.push_str("<p class=\"key\">");
    for (mark, text) in [
        (Mark::Best, "best"),
        (Mark::Tied, "tied with the best (*)"),
        (Mark::Other, "other models"),
    ] {
        if mark == Mark::Tied && !tied {
            continue;
        }
        let c = match mark {
            Mark::Best => "#c81e2d",
            Mark::Tied => "#e67d00",
            Mark::Other => "#2864aa",
        };
        let _ = write!(h, "<span style=\"background:{c}\"></span>{text}");
    }
    h.push_str("</p>\n");
}

fn rmse_chart(h: &mut String, models: &[Model], cv: bool) -> Result<(), ChartError> {
    let dots: Vec<Dot> = models
        .iter()
        .filter_map(|m| {
            let rmse = m.ranked_rmse()?;
            Some(Dot {
                label: format!("{}{}", m.name, if m.tied { " *" } else { "" }),
                rmse,
                bar: m.rmse_std.map(|s| (rmse - s, rmse + s)),
                folds: m.folds_rmse.clone(),
                mark: m.mark(),
            })
        })
        .collect();
    h.push_str("<h2 id=\"rmse\">RMSE per model</h2>\n");
    if dots.is_empty() {
        h.push_str("<p class=\"note\">No model has an RMSE to show.</p>\n");
        return Ok(());
    }
    let caption = if cv {
        "Mean RMSE over the folds; the bar spans ± one standard deviation of the fold RMSEs, \
         the grey dots are the folds."
    } else {
        "RMSE on the test rows."
    };
    let off = match charts::off_chart_limit(&dots) {
        Some(l) => format!(
            " Models worse than {}× the best (RMSE over {}) are drawn at the right edge as \
             triangles, their RMSE beside their name.",
            charts::OFF_CHART,
            sig(l)
        ),
        None => String::new(),
    };
    let _ = writeln!(
        h,
        "<figure class=\"chart\" id=\"rmse-chart\"><figcaption>{caption}{off}</figcaption>"
    );
    key(h, dots.iter().any(|d| d.mark == Mark::Tied));
    let x_desc = if cv {
        "RMSE (mean over the folds)"
    } else {
        "test RMSE"
    };
    h.push_str(&charts::rmse_dots(&dots, x_desc)?);
    h.push_str("</figure>\n");
    Ok(())
}

fn time_chart(h: &mut String, models: &[Model], cv: bool) -> Result<(), ChartError> {
    let ranked: Vec<(&Model, f64, f64)> = models
        .iter()
        .filter_map(|m| Some((m, m.fit?, m.ranked_rmse()?)))
        .filter(|(_, t, _)| t.is_finite())
        .collect();
    h.push_str("<h2 id=\"time\">Fit time against RMSE</h2>\n");
    if ranked.is_empty() {
        h.push_str("<p class=\"note\">No model has a fit time and an RMSE to show.</p>\n");
        return Ok(());
    }
    let on = pareto(
        &ranked
            .iter()
            .map(|(_, t, r)| (t.max(charts::MIN_SECONDS), *r))
            .collect::<Vec<_>>(),
    );
    let points: Vec<TimePoint> = ranked
        .iter()
        .zip(&on)
        .map(|((m, t, r), &p)| TimePoint {
            rank: m.rank.unwrap_or(0),
            fit_seconds: *t,
            rmse: *r,
            mark: m.mark(),
            pareto: p,
        })
        .collect();
    let _ = writeln!(
        h,
        "<figure class=\"chart\" id=\"time-chart\"><figcaption>Every model's {} against its {}; \
         the line joins the Pareto front (no model is both faster and better), numbered by rank.</figcaption>",
        if cv { "mean fit time per fold" } else { "fit time" },
        if cv { "mean RMSE" } else { "test RMSE" }
    );
    key(h, points.iter().any(|p| p.mark == Mark::Tied));
    h.push_str(&charts::time_vs_rmse(
        &points,
        if cv {
            "RMSE (mean over the folds)"
        } else {
            "test RMSE"
        },
    )?);
    h.push_str("</figure>\n");
    // what each extra second buys, along the front
    let mut front: Vec<&(&Model, f64, f64)> = ranked
        .iter()
        .zip(&on)
        .filter(|(_, &p)| p)
        .map(|(r, _)| r)
        .collect();
    front.sort_by(|a, b| a.1.total_cmp(&b.1));
    h.push_str(
        "<table id=\"pareto\"><thead><tr><th>rank</th><th class=\"l\">model on the front</th>\
         <th>fit s</th><th>RMSE</th><th>RMSE gained</th><th>extra fit s</th></tr></thead><tbody>\n",
    );
    let mut prev: Option<(f64, f64)> = None;
    for (m, t, r) in front {
        let gain = prev.map_or("-".into(), |(pt, pr)| {
            format!("{} for {}", sig(pr - r), secs((t - pt).max(0.0)))
        });
        let (g, e) = gain.split_once(" for ").unwrap_or(("-", "-"));
        let _ = writeln!(
            h,
            "<tr><td>{}</td><td class=\"l model\">{}</td><td>{}</td><td>{}</td><td>{g}</td><td>{e}</td></tr>",
            m.rank.unwrap_or(0),
            esc(&m.name),
            secs(*t),
            sig(*r)
        );
        prev = Some((*t, *r));
    }
    h.push_str("</tbody></table>\n");
    Ok(())
}

fn row_charts(h: &mut String, models: &[Model], rows: &Rows, cv: bool) -> Result<(), ChartError> {
    h.push_str("<h2 id=\"rows\">Predictions of the best models</h2>\n");
    let preds = match rows {
        Rows::Absent(why) => {
            let _ = writeln!(
                h,
                "<p class=\"note\" id=\"no-rows\">The charts of predicted against actual and of \
                 residuals are left out: {}</p>",
                esc(why)
            );
            return Ok(());
        }
        Rows::Some(p) => *p,
    };
    let best: Vec<&Model> = models
        .iter()
        .filter(|m| m.ranked_rmse().is_some())
        .take(ROW_CHART_MODELS)
        .collect();
    let _ = writeln!(
        h,
        "<p class=\"sub\">{} of the {} best model(s): {}.</p>",
        if cv {
            "The out-of-fold rows"
        } else {
            "The test rows"
        },
        best.len(),
        if cv {
            "each row predicted by the model fitted without its fold"
        } else {
            "rows held out from fitting"
        }
    );
    let mut drew = 0;
    for m in best {
        let mut pairs: Vec<(usize, Option<u32>, f64, f64)> = preds
            .iter()
            .filter(|p| p.model == m.name && p.fold.is_some() == cv)
            .flat_map(|p| {
                p.rows
                    .iter()
                    .zip(&p.y_true)
                    .zip(&p.y_pred)
                    .map(move |((&r, &a), &y)| (r, p.fold, a, y))
            })
            .collect();
        if pairs.is_empty() {
            let _ = writeln!(
                h,
                "<p class=\"note\">#{} {}: no predictions were kept for it.</p>",
                m.rank.unwrap_or(0),
                esc(&m.name)
            );
            continue;
        }
        pairs.sort_by_key(|a| (a.0, a.1));
        let all = pairs.len();
        let shown: Vec<(f64, f64)> = thin(&pairs, MAX_POINTS)
            .into_iter()
            .map(|p| (p.2, p.3))
            .collect();
        let title = format!("#{} {}", m.rank.unwrap_or(0), short(&m.name, 52));
        let _ = writeln!(
            h,
            "<figure class=\"rows\"><figcaption>#{} <code>{}</code>: {} row(s){}</figcaption><div class=\"grid\">",
            m.rank.unwrap_or(0),
            esc(&m.name),
            thousands(all),
            if shown.len() < all {
                format!(", {} evenly spaced ones drawn", thousands(shown.len()))
            } else {
                String::new()
            }
        );
        for kind in [RowChart::PredictedVsActual, RowChart::ResidualsVsPredicted] {
            let id = match kind {
                RowChart::PredictedVsActual => "pred",
                RowChart::ResidualsVsPredicted => "resid",
            };
            let _ = write!(h, "<div class=\"chart {id}-chart\">");
            h.push_str(&charts::rows_scatter(kind, &title, &shown, m.mark())?);
            h.push_str("</div>");
        }
        h.push_str("</div></figure>\n");
        drew += 1;
    }
    if drew == 0 && models.iter().any(|m| m.ranked_rmse().is_some()) {
        h.push_str("<p class=\"note\">No predictions of the best models were kept.</p>\n");
    }
    Ok(())
}

fn short(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        return s.to_string();
    }
    let mut t: String = s.chars().take(n - 1).collect();
    t.push('…');
    t
}

fn settings(h: &mut String, input: &ReportInput) {
    h.push_str("<h2 id=\"settings\">Settings</h2>\n<dl>\n");
    for (k, v) in &input.settings {
        let _ = writeln!(h, "<dt>{}</dt><dd>{}</dd>", esc(k), esc(v));
    }
    h.push_str("</dl>\n");
    if input.columns.is_empty() {
        return;
    }
    h.push_str(
        "<h2 id=\"columns\">Columns</h2>\n<table class=\"sortable\" id=\"cols\"><thead><tr>\
         <th class=\"l\">column</th><th class=\"l\">type</th><th>missing</th><th>distinct</th>\
         <th class=\"l\">encoding</th><th class=\"l\">note</th></tr></thead><tbody>\n",
    );
    for c in input.columns {
        let _ = writeln!(
            h,
            "<tr><td class=\"l model\">{}</td><td class=\"l\">{}</td><td data-v=\"{m}\">{m}</td>\
             <td data-v=\"{d}\">{d}</td><td class=\"l\">{}</td><td class=\"l\">{}</td></tr>",
            esc(&c.name),
            c.kind,
            esc(&c.action),
            esc(c.warning.as_deref().unwrap_or("")),
            m = c.missing,
            d = c.distinct,
        );
    }
    h.push_str("</tbody></table>\n");
}

/// The date and time `secs` seconds after the Unix epoch, in UTC: `2026-12-02 14:05 UTC`.
pub fn utc(secs: f64) -> String {
    let s = if secs.is_finite() && secs > 0.0 {
        secs as i64
    } else {
        0
    };
    let (days, rem) = (s.div_euclid(86_400), s.rem_euclid(86_400));
    // civil date from a day count (era-based, proleptic Gregorian)
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02} {:02}:{:02} UTC",
        rem / 3600,
        rem % 3600 / 60
    )
}

/// The settings every report has: the version that wrote it, the machine, the date.
pub fn stamp(settings: &mut Vec<(String, String)>, now: f64) {
    settings.push((
        "fitpool version".into(),
        env!("CARGO_PKG_VERSION").to_string(),
    ));
    if let Some(host) = sysinfo::System::host_name() {
        settings.push(("report written on".into(), host));
    }
    settings.push(("report written at".into(), utc(now)));
}

/// What journals tell of their run: the files, the data's fingerprint, shards, machines,
/// folds and when it ran.
pub fn journal_settings(
    paths: &[std::path::PathBuf],
    plans: &[&super::PlanRecord],
    records: &[TaskRecord],
) -> Vec<(String, String)> {
    use std::collections::BTreeSet;
    let mut s = Vec::new();
    let list = |v: BTreeSet<String>| v.into_iter().collect::<Vec<_>>().join(", ");
    s.push((
        "journals".into(),
        paths
            .iter()
            .map(|p| p.display().to_string())
            .collect::<Vec<_>>()
            .join(", "),
    ));
    let datasets: BTreeSet<String> = plans
        .iter()
        .map(|p| p.dataset.clone())
        .chain(records.iter().map(|r| r.dataset.clone()))
        .collect();
    s.push(("data fingerprint".into(), list(datasets)));
    let folds: BTreeSet<u32> = records.iter().filter_map(|r| r.fold).collect();
    s.push((
        "validation".into(),
        if folds.is_empty() {
            "train/test split (the test rows score each model)".into()
        } else {
            format!(
                "{} folds (each model scored on each fold's held-out rows)",
                folds.len()
            )
        },
    ));
    let shards: BTreeSet<String> = records.iter().filter_map(|r| r.shard.clone()).collect();
    if !shards.is_empty() {
        s.push(("shards".into(), list(shards)));
    }
    let hosts: BTreeSet<String> = records.iter().filter_map(|r| r.host.clone()).collect();
    if !hosts.is_empty() {
        s.push(("machines".into(), list(hosts)));
    }
    let started = plans
        .iter()
        .map(|p| p.started_at)
        .fold(f64::INFINITY, f64::min);
    if started.is_finite() {
        s.push(("run started".into(), utc(started)));
    }
    let ended = records.iter().map(|r| r.finished_at).fold(0.0, f64::max);
    if ended > 0.0 {
        s.push(("last task finished".into(), utc(ended)));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::record::sample;

    fn input<'a>(records: &'a [TaskRecord], rows: Rows<'a>) -> ReportInput<'a> {
        ReportInput {
            title: "t".into(),
            records,
            missing: &[],
            rows,
            settings: vec![("seed".into(), "0".into())],
            columns: &[],
        }
    }

    #[test]
    fn the_pareto_front_keeps_models_nothing_beats_on_both() {
        // (fit s, rmse): B is faster and better than C; D is slowest but best
        let pts = [(1.0, 5.0), (0.5, 4.0), (2.0, 4.5), (9.0, 1.0), (0.5, 4.0)];
        assert_eq!(pareto(&pts), [false, true, false, true, false]);
    }

    #[test]
    fn thinning_keeps_evenly_spaced_rows() {
        let v: Vec<usize> = (0..10).collect();
        assert_eq!(thin(&v, 4), [0, 2, 5, 7]);
        assert_eq!(thin(&v, 20), v);
    }

    #[test]
    fn dates_are_utc() {
        assert_eq!(utc(0.0), "1970-01-01 00:00 UTC");
        assert_eq!(utc(951_782_400.0 + 3_723.0), "2000-02-29 01:02 UTC");
        assert_eq!(utc(1_796_220_000.0 + 2_400.0), "2026-12-02 14:40 UTC");
    }

    #[test]
    fn a_report_has_one_row_per_model_the_failures_and_three_charts() {
        let records = vec![
            sample(0, "Ridge(alpha='<1>')", Status::Ok, Some(2.0)),
            sample(1, "Lasso()", Status::Ok, Some(1.0)),
            sample(2, "NuSVR()", Status::TimedOut, None),
        ];
        let preds = vec![TaskPredictions {
            model: "Lasso()".into(),
            fold: None,
            rows: (0..5000).collect(),
            y_true: (0..5000).map(f64::from).collect(),
            y_pred: (0..5000).map(|i| f64::from(i) + 1.0).collect(),
        }];
        let html = render_html(&input(&records, Rows::Some(&preds))).unwrap();
        assert_eq!(html.matches("<tr class=\"best\">").count(), 1);
        assert!(
            html.contains("Ridge(<wbr>alpha=&#39;&lt;1&gt;&#39;)"),
            "escaped"
        );
        assert!(html.contains("timed out: killed by SIGKILL"));
        for id in ["rmse-chart", "time-chart", "pred-chart", "resid-chart"] {
            assert!(html.contains(id), "{id}");
        }
        // 5000 rows thinned to MAX_POINTS per row chart
        assert!(html.contains("1,000 evenly spaced ones drawn"), "thinned");
        assert!(!html.contains("http://") || !html.contains("src=\"http"));
        // Ridge has no predictions kept
        assert!(html.contains("#2 Ridge"), "said");
    }

    #[test]
    fn without_predictions_the_row_charts_say_why() {
        let records = vec![sample(0, "Ridge()", Status::Ok, Some(2.0))];
        let html =
            render_html(&input(&records, Rows::Absent("journals hold none".into()))).unwrap();
        assert!(html.contains("id=\"no-rows\""));
        assert!(html.contains("journals hold none"));
        assert!(!html.contains("pred-chart"));
    }

    #[test]
    fn cross_validated_models_get_error_bars_and_tie_marks() {
        let mut records = Vec::new();
        for (i, (m, v)) in [
            ("A()", [1.0, 1.2, 0.8]),
            ("B()", [1.05, 1.1, 1.0]),
            ("C()", [3.0, 3.1, 2.9]),
        ]
        .into_iter()
        .enumerate()
        {
            for (k, x) in v.into_iter().enumerate() {
                let mut r = sample(i * 3 + k, m, Status::Ok, Some(x));
                r.fold = Some(k as u32);
                records.push(r);
            }
        }
        let html = render_html(&input(&records, Rows::Absent("none".into()))).unwrap();
        assert_eq!(html.matches("<tr class=\"tied\">").count(), 1, "B is tied");
        assert!(html.contains("B(<wbr>)&nbsp;*"));
        assert!(html.contains("RMSE std"));
        assert!(html.contains("3/3"));
    }
}
