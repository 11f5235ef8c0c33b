//! CSV export, one row per task in rank order (a header row first).

use super::record::{Status, TaskRecord};
use super::Exporter;

pub struct CsvExporter;

impl Exporter for CsvExporter {
    fn render(&self, ranked: &[&TaskRecord], _missing: &[String]) -> String {
        let mut w = csv::Writer::from_writer(Vec::new());
        let header = [
            "rank",
            "model",
            "rmse",
            "mae",
            "r2",
            "fit_seconds",
            "predict_seconds",
            "peak_rss_bytes",
            "status",
            "message",
            "pid",
            "attempt",
            "wall_seconds",
        ];
        w.write_record(header).expect("writing to memory");
        let mut rank = 0;
        for r in ranked {
            let f = |v: Option<f64>| v.map(|x| x.to_string()).unwrap_or_default();
            let rank_cell = if r.status == Status::Ok {
                rank += 1;
                rank.to_string()
            } else {
                String::new()
            };
            w.write_record([
                rank_cell,
                r.model.clone(),
                f(r.rmse),
                f(r.mae),
                f(r.r2),
                f(r.fit_seconds),
                f(r.predict_seconds),
                r.peak_rss_bytes.map(|b| b.to_string()).unwrap_or_default(),
                r.status.as_str().to_string(),
                r.message.clone().unwrap_or_default(),
                r.pid.to_string(),
                r.attempt.to_string(),
                r.wall_seconds.to_string(),
            ])
            .expect("writing to memory");
        }
        String::from_utf8(w.into_inner().expect("flushing to memory"))
            .expect("csv of utf-8 is utf-8")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::record::{rank, sample};

    #[test]
    fn quotes_model_reprs_with_commas() {
        let recs = vec![sample(
            0,
            "Ridge(alpha=0.5, tol=1e-3)",
            Status::Ok,
            Some(2.0),
        )];
        let text = CsvExporter.render(&rank(&recs), &[]);
        let mut rd = csv::Reader::from_reader(text.as_bytes());
        let row = rd.records().next().unwrap().unwrap();
        assert_eq!(&row[0], "1");
        assert_eq!(&row[1], "Ridge(alpha=0.5, tol=1e-3)");
        assert_eq!(&row[2], "2");
    }
}
