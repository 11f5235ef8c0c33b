//! `fitpool inspect`: one row per input column (type, holes, levels, what the pipeline does
//! with it, warnings), then the encoded features.

use crate::data::Dataset;

/// The inspect table of a loaded dataset.
pub fn inspect_table(data: &Dataset) -> String {
    let width = data
        .columns
        .iter()
        .map(|c| c.name.chars().count())
        .chain([6, data.target_name.chars().count()])
        .max()
        .unwrap_or(6)
        .min(40);
    let mut out = format!("{}\n\n", data.description);
    out.push_str(&format!(
        "{:<width$}  {:<11}  {:>7}  {:>8}  {}\n",
        "column", "type", "missing", "distinct", "pipeline"
    ));
    out.push_str(&format!(
        "{:<width$}  {:<11}  {:>7}  {:>8}  {}\n",
        data.target_name, "target", 0, "", "predicted"
    ));
    for c in &data.columns {
        let name: String = c.name.chars().take(width).collect();
        out.push_str(&format!(
            "{name:<width$}  {:<11}  {:>7}  {:>8}  {}{}\n",
            c.kind,
            c.missing,
            c.distinct,
            c.action,
            c.warning
                .as_deref()
                .map(|w| format!("  [{w}]"))
                .unwrap_or_default()
        ));
    }
    out.push_str(&format!(
        "\n{} features after encoding: {}\n",
        data.feature_names.len(),
        data.feature_names.join(", ")
    ));
    out
}
