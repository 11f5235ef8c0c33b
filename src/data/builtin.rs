//! The built-in dataset: diabetes, as smartcore ships it.

use super::{DataError, Dataset, LoadOptions, Table};
use crate::prep::Column;

/// The diabetes dataset shipped with smartcore (442 rows, 10 features, target "disease
/// progression"), split as any table is (see [`super::load`]).
pub fn builtin_diabetes(split: &super::SplitOptions) -> Result<Dataset, DataError> {
    let ds = smartcore::dataset::diabetes::load_dataset();
    let (n, f) = (ds.num_samples, ds.num_features);
    let columns: Vec<Column> = (0..f)
        .map(|j| {
            let values = (0..n).map(|i| f64::from(ds.data[i * f + j])).collect();
            Column::numeric(ds.feature_names[j].clone(), values)
        })
        .collect();
    let y: Vec<f64> = ds.target.iter().map(|&v| f64::from(v)).collect();
    let target = ds
        .target_names
        .first()
        .cloned()
        .unwrap_or_else(|| "target".to_string());
    let mut names = ds.feature_names.clone();
    names.push(target.clone());
    let table = Table {
        feature_cols: (0..f).collect(),
        columns,
        y,
        target_name: target,
        path: "diabetes (built-in)".into(),
        has_header: true,
        names,
        target_col: f,
        id_cols: Vec::new(),
        missing_target: Vec::new(),
        missing_target_lines: Vec::new(),
    };
    let mut ds = super::load::finish(table, None, &LoadOptions::default(), split)?;
    // the built-in data has always said only what it is
    ds.description = ds
        .description
        .replacen(&format!(" split with seed {}", split.seed), "", 1);
    Ok(ds)
}
