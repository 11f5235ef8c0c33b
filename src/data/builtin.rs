//! The built-in dataset: diabetes, as smartcore ships it.

use ndarray::{Array1, Array2};

use super::{train_test_split, DataError, Dataset};

/// The diabetes dataset shipped with smartcore (442 rows, 10 features, target "disease
/// progression"), split with [`train_test_split`]. Fails only for an invalid `test_size`.
pub fn builtin_diabetes(test_size: f64, seed: u64) -> Result<Dataset, DataError> {
    let ds = smartcore::dataset::diabetes::load_dataset();
    let x: Vec<f64> = ds.data.iter().map(|&v| f64::from(v)).collect();
    let x = Array2::from_shape_vec((ds.num_samples, ds.num_features), x)
        .expect("smartcore's diabetes data has num_samples * num_features values");
    let y: Array1<f64> = ds.target.iter().map(|&v| f64::from(v)).collect();
    let (x_train, y_train, x_test, y_test) = train_test_split(&x, &y, test_size, seed)?;
    let description = format!(
        "diabetes (built-in): {} train / {} test rows, {} features",
        y_train.len(),
        y_test.len(),
        x_train.ncols()
    );
    let columns = ds
        .feature_names
        .iter()
        .map(|name| super::ColumnInfo {
            name: name.clone(),
            kind: "numeric",
            missing: 0,
            distinct: 0,
            action: "as is".into(),
            warning: None,
        })
        .collect();
    Ok(Dataset {
        x_train,
        y_train,
        x_test,
        y_test,
        feature_names: ds.feature_names,
        columns,
        notes: Vec::new(),
        pipeline: None,
        target_name: ds
            .target_names
            .first()
            .cloned()
            .unwrap_or_else(|| "target".to_string()),
        description,
    })
}
