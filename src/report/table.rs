//! The ranked table for a terminal or a log.

use super::record::{Status, TaskRecord};
use super::Exporter;

pub struct TableExporter;

const HEADERS: [&str; 9] = [
    "rank",
    "model",
    "RMSE",
    "MAE",
    "R²",
    "fit s",
    "predict s",
    "peak mem",
    "status",
];

impl Exporter for TableExporter {
    /// Fits the terminal on stdout (`$COLUMNS`, else its size); unlimited when it is none.
    fn render(&self, ranked: &[&TaskRecord], missing: &[String]) -> String {
        self.render_width(ranked, missing, crate::pool::terminal_width(1))
    }
}

/// The narrowest the model and status columns get before the table overflows instead.
const MIN_MODEL: usize = 20;
const MIN_STATUS: usize = 12;

impl TableExporter {
    /// The table, at most `width` columns wide where it can be: the model and status columns
    /// wrap onto continuation lines (nothing is cut: JSON and CSV have the same texts whole).
    pub fn render_width(
        &self,
        ranked: &[&TaskRecord],
        missing: &[String],
        width: Option<usize>,
    ) -> String {
        let mut rows: Vec<[String; 9]> = Vec::with_capacity(ranked.len());
        let mut rank = 0;
        let mut not_started = 0usize;
        for r in ranked {
            if never_started(r) {
                // one count below, not a row each (an interrupted run of 20,000 tasks)
                not_started += 1;
                continue;
            }
            let ok = r.status == Status::Ok;
            if ok {
                rank += 1;
            }
            rows.push([
                if ok { rank.to_string() } else { "-".into() },
                r.model.clone(),
                opt(r.rmse, sig),
                opt(r.mae, sig),
                opt(r.r2, |v| format!("{v:.4}")),
                opt(r.fit_seconds, secs),
                opt(r.predict_seconds, secs),
                r.peak_rss_bytes.map(bytes).unwrap_or_else(|| "-".into()),
                status_text(r),
            ]);
        }
        let mut widths = HEADERS.map(|h| h.chars().count());
        for row in &rows {
            for (w, cell) in widths.iter_mut().zip(row) {
                *w = (*w).max(cell.chars().count());
            }
        }
        if let Some(width) = width {
            fit(&mut widths, width);
        }
        let mut out = String::new();
        let header = HEADERS.map(String::from);
        for row in std::iter::once(&header).chain(&rows) {
            let model = wrap(&row[1], widths[1]);
            let status = wrap(&row[8], widths[8]);
            for part in 0..model.len().max(status.len()) {
                let mut line = String::new();
                for (i, cell) in row.iter().enumerate() {
                    let cell: &str = match (i, part) {
                        (1, _) => model.get(part).map_or("", String::as_str),
                        (8, _) => status.get(part).map_or("", String::as_str),
                        (_, 0) => cell,
                        _ => "",
                    };
                    let pad = widths[i].saturating_sub(cell.chars().count());
                    let left_aligned = i == 1 || i == 8;
                    if i > 0 {
                        line.push_str("  ");
                    }
                    if left_aligned {
                        line.push_str(cell);
                        line.push_str(&" ".repeat(pad));
                    } else {
                        line.push_str(&" ".repeat(pad));
                        line.push_str(cell);
                    }
                }
                out.push_str(line.trim_end());
                out.push('\n');
            }
        }
        if not_started > 0 {
            out.push_str(&format!(
                "\n{} not started: rerun with --resume\n",
                thousands(not_started)
            ));
        }
        if !missing.is_empty() {
            let shown = missing.len().min(MISSING_SHOWN);
            let more = match missing.len() - shown {
                0 => String::new(),
                n => format!(", ... ({} more)", thousands(n)),
            };
            out.push_str(&format!(
                "\n{} task(s) without a result: {}{more}\n",
                thousands(missing.len()),
                missing[..shown].join(", ")
            ));
        }
        out
    }
}

/// Narrows the model and status columns so that the row fits `width`, as far as their
/// minimums allow.
fn fit(widths: &mut [usize; 9], width: usize) {
    let total: usize = widths.iter().sum::<usize>() + 2 * (widths.len() - 1);
    if total <= width {
        return;
    }
    let fixed = total - widths[1] - widths[8];
    let room = width.saturating_sub(fixed);
    let (model, status) = (widths[1], widths[8]);
    // the status gets up to a third of the room, the model the rest
    let s = status.min((room / 3).max(MIN_STATUS));
    let m = model.min(room.saturating_sub(s).max(MIN_MODEL));
    let s = status.min(room.saturating_sub(m).max(s.min(MIN_STATUS)));
    widths[1] = m;
    widths[8] = s;
}

/// `text` in lines of at most `width` characters, broken after a comma or a space where
/// one is near the end of a line.
fn wrap(text: &str, width: usize) -> Vec<String> {
    let chars: Vec<char> = text.chars().collect();
    if chars.len() <= width || width == 0 {
        return vec![text.to_string()];
    }
    let mut lines = Vec::new();
    let mut start = 0;
    while chars.len() - start > width {
        let end = start + width;
        let brk = (start + width / 2..end)
            .rev()
            .find(|&i| matches!(chars[i], ',' | ' '))
            .map_or(end, |i| i + 1);
        lines.push(
            chars[start..brk]
                .iter()
                .collect::<String>()
                .trim_end()
                .to_string(),
        );
        start = brk;
        while start < chars.len() && chars[start] == ' ' {
            start += 1;
        }
    }
    if start < chars.len() {
        lines.push(chars[start..].iter().collect());
    }
    lines
}

/// How many of the tasks without a result the table names.
const MISSING_SHOWN: usize = 10;

/// A task that an interrupt cancelled before it ever reached a worker (the pool reports it
/// with attempt 0 and no pid).
pub fn never_started(r: &TaskRecord) -> bool {
    r.status == Status::Cancelled && r.attempt == 0
}

/// A count with thousands separators: `19,541`.
pub fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

pub(super) fn status_text(r: &TaskRecord) -> String {
    let mut s = r.status.as_str().to_string();
    if let Some(m) = r.message.as_deref().filter(|m| !m.is_empty()) {
        s.push_str(": ");
        s.push_str(m);
    }
    if r.attempt > 1 {
        s.push_str(&format!(" (attempt {})", r.attempt));
    }
    s
}

fn opt(v: Option<f64>, f: impl Fn(f64) -> String) -> String {
    v.map(f).unwrap_or_else(|| "-".into())
}

/// Six significant digits, without an exponent for ordinary magnitudes.
pub fn sig(v: f64) -> String {
    if v == 0.0 || !v.is_finite() {
        return format!("{v}");
    }
    let mag = v.abs().log10().floor() as i32;
    if !(-4..15).contains(&mag) {
        return format!("{v:.5e}");
    }
    let decimals = (5 - mag).max(0) as usize;
    format!("{v:.decimals$}")
}

pub(super) fn secs(v: f64) -> String {
    if v < 10.0 {
        format!("{v:.3}")
    } else {
        format!("{v:.1}")
    }
}

/// Bytes in binary units.
pub fn bytes(b: u64) -> String {
    crate::units::format_size(b)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::record::{rank, sample};

    #[test]
    fn formats_numbers() {
        assert_eq!(sig(53.51234567), "53.5123");
        assert_eq!(sig(1.435), "1.43500");
        assert_eq!(sig(0.000123456789), "0.000123457");
        assert_eq!(bytes(50 << 20), "50.0 MiB");
        assert_eq!(bytes(3 << 30), "3.0 GiB");
    }

    #[test]
    fn table_ranks_and_explains_failures() {
        let recs = vec![
            sample(0, "NuSVR()", Status::Crashed, None),
            sample(1, "Ridge()", Status::Ok, Some(55.0)),
            sample(2, "RandomForestRegressor()", Status::Ok, Some(52.0)),
        ];
        let text = TableExporter.render(&rank(&recs), &["ElasticNet()".into()]);
        let lines: Vec<&str> = text.lines().collect();
        assert!(lines[0].starts_with("rank  model"), "{text}");
        assert!(
            lines[1].starts_with("   1  RandomForestRegressor()"),
            "{text}"
        );
        assert!(lines[2].starts_with("   2  Ridge()"), "{text}");
        assert!(lines[3].starts_with("   -  NuSVR()"), "{text}");
        assert!(lines[3].ends_with("crashed: killed by SIGKILL"), "{text}");
        assert!(text.contains("1 task(s) without a result: ElasticNet()"));
    }

    #[test]
    fn a_table_fits_its_width_by_wrapping_model_and_status() {
        let long = format!(
            "GradientBoostingRegressor({})",
            "learning_rate=0.05, ".repeat(8)
        );
        let mut bad = sample(1, "NuSVR(nu=0.5)", Status::Crashed, None);
        bad.message = Some("killed by SIGKILL after a long explanation of why".repeat(2));
        let recs = vec![sample(0, &long, Status::Ok, Some(5.0)), bad];
        let text = TableExporter.render_width(&rank(&recs), &[], Some(120));
        for line in text.lines() {
            assert!(line.chars().count() <= 120, "{line:?}\n{text}");
        }
        let joined: String = text.split_whitespace().collect();
        assert!(joined.contains("learning_rate=0.05,"), "{text}");
        assert!(text.lines().count() > 3, "{text}");
        let wide = TableExporter.render_width(&rank(&recs), &[], None);
        assert_eq!(wide.lines().count(), 3, "{wide}");
    }

    #[test]
    fn never_started_tasks_are_one_count_and_the_missing_list_is_bounded() {
        let mut recs = vec![sample(0, "Ridge()", Status::Ok, Some(55.0))];
        for i in 1..=1500 {
            let mut r = sample(i, &format!("Lasso(alpha={i})"), Status::Cancelled, None);
            r.attempt = 0;
            r.pid = 0;
            recs.push(r);
        }
        let missing: Vec<String> = recs[1..].iter().map(|r| r.key.clone()).collect();
        let text = TableExporter.render(&rank(&recs), &missing);
        assert!(text.lines().count() < 10, "{text}");
        assert!(
            text.contains("1,500 not started: rerun with --resume"),
            "{text}"
        );
        assert!(text.contains("(1,490 more)"), "{text}");
        assert_eq!(thousands(19_541), "19,541");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1_000_000), "1,000,000");
    }
}
