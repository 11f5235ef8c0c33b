//! `--predictions FILE.csv`: one row per scored row (and fold, under cross-validation), the
//! actual target, then one column per model named by its repr. Floats are written with
//! Rust's shortest round-trip formatting, so reading a cell back gives the same `f64`.

use std::collections::BTreeMap;

/// One task's predictions on the rows it scored.
#[derive(Clone, Debug, PartialEq)]
pub struct TaskPredictions {
    pub model: String,
    /// `None`: the train/test split's test rows; `Some(k)`: fold `k`'s held-out rows.
    pub fold: Option<u32>,
    /// Indices over all rows: the training file's rows from 0, then the test file's.
    pub rows: Vec<usize>,
    pub y_true: Vec<f64>,
    pub y_pred: Vec<f64>,
}

/// One output row's actual target and its cell per model.
type Cells = (f64, Vec<Option<f64>>);

/// The CSV text: header `row[,fold],actual,<model>...`, models in `models` order (those
/// without predictions get an empty column), rows sorted by (row, fold).
pub fn predictions_csv(models: &[String], preds: &[TaskPredictions]) -> String {
    let cv = preds.iter().any(|p| p.fold.is_some());
    let col: BTreeMap<&str, usize> = models
        .iter()
        .enumerate()
        .map(|(i, m)| (m.as_str(), i))
        .collect();
    let mut rows: BTreeMap<(usize, Option<u32>), Cells> = BTreeMap::new();
    for p in preds {
        let Some(&c) = col.get(p.model.as_str()) else {
            continue;
        };
        for ((&r, &t), &v) in p.rows.iter().zip(&p.y_true).zip(&p.y_pred) {
            let e = rows
                .entry((r, p.fold))
                .or_insert_with(|| (t, vec![None; models.len()]));
            e.1[c] = Some(v);
        }
    }
    let mut w = csv::Writer::from_writer(Vec::new());
    let mut header = vec!["row".to_string()];
    if cv {
        header.push("fold".into());
    }
    header.push("actual".into());
    header.extend(models.iter().cloned());
    let mut out = Vec::new();
    out.push(header);
    for ((r, fold), (t, vals)) in &rows {
        let mut line = vec![r.to_string()];
        if cv {
            line.push(fold.map(|f| f.to_string()).unwrap_or_default());
        }
        line.push(t.to_string());
        line.extend(
            vals.iter()
                .map(|v| v.map(|x| x.to_string()).unwrap_or_default()),
        );
        out.push(line);
    }
    for line in out {
        // writing to memory cannot fail
        let _ = w.write_record(&line);
    }
    let bytes = w.into_inner().unwrap_or_default();
    String::from_utf8_lossy(&bytes).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_row_per_scored_row_one_column_per_model() {
        let models = vec!["A()".to_string(), "B(x=1)".to_string()];
        let preds = vec![
            TaskPredictions {
                model: "B(x=1)".into(),
                fold: None,
                rows: vec![7, 3],
                y_true: vec![1.5, 2.0],
                y_pred: vec![0.1, 0.30000000000000004],
            },
            TaskPredictions {
                model: "A()".into(),
                fold: None,
                rows: vec![7, 3],
                y_true: vec![1.5, 2.0],
                y_pred: vec![1.0, 2.0],
            },
        ];
        let s = predictions_csv(&models, &preds);
        let lines: Vec<&str> = s.lines().collect();
        assert_eq!(lines[0], "row,actual,A(),B(x=1)");
        assert_eq!(lines[1], "3,2,2,0.30000000000000004");
        assert_eq!(lines[2], "7,1.5,1,0.1");
        assert_eq!(lines.len(), 3);
        let back: f64 = lines[1].rsplit(',').next().unwrap().parse().unwrap();
        assert_eq!(back.to_bits(), 0.30000000000000004f64.to_bits());
    }

    #[test]
    fn folds_get_their_own_column() {
        let models = vec!["A()".to_string()];
        let preds = vec![TaskPredictions {
            model: "A()".into(),
            fold: Some(1),
            rows: vec![0],
            y_true: vec![3.0],
            y_pred: vec![4.0],
        }];
        let s = predictions_csv(&models, &preds);
        assert_eq!(s, "row,fold,actual,A()\n0,1,3,4\n");
    }
}
