//! Scoring: the regression metrics of a prediction against the truth, as scikit-learn
//! computes them (`mean_squared_error` then `sqrt`, `mean_absolute_error`, `r2_score`).

use ndarray::ArrayView1;
use serde::{Deserialize, Serialize};

/// Test-set metrics of one prediction.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Metrics {
    pub rmse: f64,
    pub mae: f64,
    pub r2: f64,
}

#[derive(Debug, thiserror::Error, PartialEq)]
pub enum MetricsError {
    #[error("prediction has {predicted} values for {truth} test rows")]
    Length { predicted: usize, truth: usize },
    #[error("no test rows to score")]
    Empty,
    #[error("the model predicted a non-finite value ({value}) for test row {row}")]
    NonFinite { row: usize, value: f64 },
}

/// RMSE, MAE and R² of `pred` against `truth`. R² follows scikit-learn: 1 - SS_res / SS_tot,
/// and when the truth is constant, 1.0 for a perfect prediction, else 0.0.
pub fn metrics(truth: ArrayView1<f64>, pred: ArrayView1<f64>) -> Result<Metrics, MetricsError> {
    if truth.len() != pred.len() {
        return Err(MetricsError::Length {
            predicted: pred.len(),
            truth: truth.len(),
        });
    }
    if truth.is_empty() {
        return Err(MetricsError::Empty);
    }
    if let Some((row, &value)) = pred.iter().enumerate().find(|(_, v)| !v.is_finite()) {
        return Err(MetricsError::NonFinite { row, value });
    }
    let n = truth.len() as f64;
    let mean = truth.sum() / n;
    let (mut sse, mut sae, mut sst) = (0.0, 0.0, 0.0);
    for (&t, &p) in truth.iter().zip(pred.iter()) {
        let e = t - p;
        sse += e * e;
        sae += e.abs();
        sst += (t - mean) * (t - mean);
    }
    let r2 = if sst > 0.0 {
        1.0 - sse / sst
    } else if sse == 0.0 {
        1.0
    } else {
        0.0
    };
    Ok(Metrics {
        rmse: (sse / n).sqrt(),
        mae: sae / n,
        r2,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;

    #[test]
    fn matches_hand_computed_values() {
        let t = array![3.0, -0.5, 2.0, 7.0];
        let p = array![2.5, 0.0, 2.0, 8.0];
        let m = metrics(t.view(), p.view()).unwrap();
        // scikit-learn: mean_squared_error = 0.375, mean_absolute_error = 0.5, r2 = 0.9486081370449679
        assert!((m.rmse - 0.375f64.sqrt()).abs() < 1e-15);
        assert!((m.mae - 0.5).abs() < 1e-15);
        assert!((m.r2 - 0.948_608_137_044_967_9).abs() < 1e-12);
    }

    #[test]
    fn rejects_bad_predictions() {
        let t = array![1.0, 2.0];
        assert_eq!(
            metrics(t.view(), array![1.0].view()),
            Err(MetricsError::Length {
                predicted: 1,
                truth: 2
            })
        );
        assert!(matches!(
            metrics(t.view(), array![1.0, f64::NAN].view()),
            Err(MetricsError::NonFinite { row: 1, .. })
        ));
        let c = array![2.0, 2.0];
        assert_eq!(metrics(c.view(), c.view()).unwrap().r2, 1.0);
    }
}
