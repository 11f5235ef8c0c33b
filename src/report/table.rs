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
    fn render(&self, ranked: &[&TaskRecord], missing: &[String]) -> String {
        let mut rows: Vec<[String; 9]> = Vec::with_capacity(ranked.len());
        let mut rank = 0;
        for r in ranked {
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
        let mut out = String::new();
        let header = HEADERS.map(String::from);
        for row in std::iter::once(&header).chain(&rows) {
            let mut line = String::new();
            for (i, cell) in row.iter().enumerate() {
                let pad = widths[i] - cell.chars().count();
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
        if !missing.is_empty() {
            out.push_str(&format!(
                "\n{} task(s) without a result: {}\n",
                missing.len(),
                missing.join(", ")
            ));
        }
        out
    }
}

fn status_text(r: &TaskRecord) -> String {
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
    const UNITS: [&str; 4] = ["KiB", "MiB", "GiB", "TiB"];
    let mut v = b as f64 / 1024.0;
    let mut unit = 0;
    while v >= 1024.0 && unit < UNITS.len() - 1 {
        v /= 1024.0;
        unit += 1;
    }
    format!("{v:.1} {}", UNITS[unit])
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
}
