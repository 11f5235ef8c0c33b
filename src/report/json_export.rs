//! JSON export: `{"results": [...ranked records...], "missing": [...]}`. Each record has the
//! journal's fields plus `rank`, as in the CSV export: 1, 2, ... for the successes in rank
//! order, `null` for the rest.

use super::record::{Status, TaskRecord};
use super::Exporter;
use serde_json::Value;

pub struct JsonExporter;

impl Exporter for JsonExporter {
    fn render(&self, ranked: &[&TaskRecord], missing: &[String]) -> String {
        let mut rank = 0u64;
        let results: Vec<Value> = ranked
            .iter()
            .map(|r| {
                let mut v = serde_json::to_value(r).expect("records always serialize");
                let this = (r.status == Status::Ok).then(|| {
                    rank += 1;
                    rank
                });
                if let Value::Object(fields) = &mut v {
                    fields.insert("rank".into(), this.into());
                }
                v
            })
            .collect();
        let doc = serde_json::json!({ "results": results, "missing": missing });
        let mut s = serde_json::to_string_pretty(&doc).expect("records always serialize");
        s.push('\n');
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::record::{rank, sample};
    use crate::report::CsvExporter;

    #[test]
    fn results_carry_the_same_rank_as_the_csv_rows() {
        let recs = vec![
            sample(0, "A", Status::Crashed, None),
            sample(1, "B", Status::Ok, Some(3.0)),
            sample(2, "C", Status::Ok, Some(1.0)),
        ];
        let ranked = rank(&recs);
        let doc: Value = serde_json::from_str(&JsonExporter.render(&ranked, &[])).unwrap();
        let got: Vec<(&str, Value)> = doc["results"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| (r["model"].as_str().unwrap(), r["rank"].clone()))
            .collect();
        assert_eq!(got, [("C", 1.into()), ("B", 2.into()), ("A", Value::Null)]);
        let csv = CsvExporter.render(&ranked, &[]);
        let mut rd = csv::Reader::from_reader(csv.as_bytes());
        let csv_ranks: Vec<String> = rd.records().map(|r| r.unwrap()[0].to_string()).collect();
        let json_ranks: Vec<String> = got
            .iter()
            .map(|(_, v)| v.as_u64().map(|n| n.to_string()).unwrap_or_default())
            .collect();
        assert_eq!(csv_ranks, json_ranks);
        // and every CSV column is a JSON field
        let header = csv::Reader::from_reader(csv.as_bytes())
            .headers()
            .unwrap()
            .clone();
        for col in header.iter() {
            assert!(doc["results"][0].get(col).is_some(), "no {col} in JSON");
        }
    }
}
