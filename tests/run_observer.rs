//! The runner through the library: a plan executed with a recording observer sees every task
//! start before it finishes, in task ids, and the run's start and end once.

use fitpool::data::{builtin_diabetes, SplitOptions};
use fitpool::events::Recorder;
use fitpool::plan::Plan;
use fitpool::pool::PoolConfig;
use fitpool::run::{execute, RunSettings};
use fitpool::spec::parse_model;

#[test]
fn an_observer_hears_each_task_start_and_finish_in_task_ids() {
    let data = builtin_diabetes(&SplitOptions::holdout(0.2, 0)).unwrap();
    let specs = ["ridge", "lasso", "knn", "ridge"]
        .iter()
        .map(|s| parse_model(s).unwrap())
        .collect();
    let plan = Plan::new(specs, data.x_train.nrows(), data.x_train.ncols(), None).unwrap();
    assert_eq!(plan.repeated, 1);
    let settings = RunSettings {
        pool: PoolConfig {
            workers: Some(2),
            allow_threads: true,
            handle_signals: false,
            ..PoolConfig::default()
        },
        journal: None,
        resume: false,
        predictions: false,
    };
    let mut seen = Recorder::default();
    let outcome = execute(&plan, &data, &settings, &mut seen).unwrap();
    assert_eq!(outcome.records.len(), 3);
    assert!(outcome.missing.is_empty());
    let lines = &seen.seen;
    assert_eq!(
        lines.first().map(String::as_str),
        Some("started 3 resumed 0")
    );
    assert_eq!(lines.last().map(String::as_str), Some("done"));
    for model in ["Ridge()", "Lasso()", "KNeighborsRegressor()"] {
        let start = lines.iter().position(|l| *l == format!("task {model} 1"));
        let end = lines
            .iter()
            .position(|l| *l == format!("finished {model} ok"));
        assert!(
            matches!((start, end), (Some(s), Some(e)) if s < e),
            "{model}: {lines:?}"
        );
    }
    assert_eq!(lines.len(), 2 + 2 * 3, "{lines:?}");
}
