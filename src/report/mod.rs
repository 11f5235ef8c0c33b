//! Results as records: the journal (JSON lines, one per finished task, durable), the ranked
//! table and its exporters (table, JSON, CSV, the HTML report), and merging of shard journals.
//!
//! This layer knows nothing of processes or models: it sees [`TaskRecord`]s.

mod charts;
mod csv_export;
pub mod cv;
pub mod html;
mod inspect;
mod journal;
mod json_export;
mod merge;
mod predictions;
mod record;
mod table;

pub use charts::ChartError;
pub use csv_export::CsvExporter;
pub use inspect::inspect_table;
pub use journal::{read_journal, Journal, JournalContents, JournalError, TailRepair};
pub use json_export::JsonExporter;
pub use merge::{check_one_dataset, merge, MergeError, Merged};
pub use predictions::{predictions_csv, TaskPredictions};
#[cfg(test)]
pub(crate) use record::sample as sample_record;
pub use record::{
    hex_floats, parse_hex_floats, rank, Line, PartRecord, PlanRecord, Status, TaskRecord,
};
pub use table::{
    bytes as format_bytes, never_started, sig as format_sig, thousands as format_count,
    TableExporter,
};

/// An output format of the ranked results.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Table,
    Json,
    Csv,
}

/// Renders ranked records (best first, failures after) into one format.
pub trait Exporter {
    fn render(&self, ranked: &[&TaskRecord], missing: &[String]) -> String;
}

/// The exporter for `format`.
pub fn exporter(format: Format) -> Box<dyn Exporter> {
    match format {
        Format::Table => Box::new(TableExporter),
        Format::Json => Box::new(JsonExporter),
        Format::Csv => Box::new(CsvExporter),
    }
}
