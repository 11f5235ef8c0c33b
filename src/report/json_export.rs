//! JSON export: `{"results": [...ranked records...], "missing": [...]}`.

use super::record::TaskRecord;
use super::Exporter;

pub struct JsonExporter;

impl Exporter for JsonExporter {
    fn render(&self, ranked: &[&TaskRecord], missing: &[String]) -> String {
        let doc = serde_json::json!({ "results": ranked, "missing": missing });
        let mut s = serde_json::to_string_pretty(&doc).expect("records always serialize");
        s.push('\n');
        s
    }
}
