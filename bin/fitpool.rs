//! The fitpool command line: parse, build the plan, run it, render. Thin by design: the work
//! is in the library.

use anyhow::{Context, Result};
use clap::{Args, Parser, Subcommand};
use fitpool::data::{self, ColumnRef, HeaderMode, LoadOptions};
use fitpool::exit_code as exit;
use fitpool::models;
use fitpool::plan::{Entry, Plan, SplitMode};
use fitpool::pool::{cpus, memory, PoolConfig};
use fitpool::progress::{Progress, ProgressChoice, ProgressMode};
use fitpool::report::{self, read_journal, Format};
use fitpool::run::{self, RunSettings};
use fitpool::slurm::{self, SbatchOptions, Shard};
use fitpool::{spec, units};
use std::path::PathBuf;
use std::process::ExitCode;

/// Fit many regression models at once, one forked worker process per model, ranked by test RMSE.
#[derive(Parser)]
#[command(name = "fitpool", version, about, propagate_version = true)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Fit every model of the lineup in its own worker process and rank them by test RMSE.
    #[command(allow_negative_numbers = true)]
    Run(Box<RunArgs>),
    /// List every model kind with its parameters and defaults.
    Models,
    /// Show how each column of a table is read and encoded, before a long run.
    #[command(allow_negative_numbers = true)]
    Inspect(InspectArgs),
    /// Rank the results of several journals (e.g. the shards of a SLURM job array) together.
    Merge(MergeArgs),
    /// Write the HTML report of several journals (e.g. the shards of a SLURM job array).
    Report(ReportArgs),
    /// Write (or submit) an sbatch script: a job array of `fitpool run` shards plus a merge job.
    Slurm(SlurmArgs),
    /// Predict new rows with a model saved by `fitpool run --save` (the model is fitted
    /// again on the training rows saved with it: the same model, bit for bit).
    #[command(long_about = PREDICT_ABOUT)]
    Predict(PredictArgs),
}

const PREDICT_ABOUT: &str = "\
Predict new rows with a model saved by `fitpool run --save DIR` or `--save-best N`.

DATA (CSV or Parquet) is read as the training file was read (header, delimiter, missing-value \
markers), its columns found by name: every column the model was trained on must be there (a \
missing one is an error naming it, exit 2), others (the target, if present) are ignored. A \
category unseen in training is encoded as in training: all zeros (one-hot) or -1 (ordinal). \
Writes CSV: the row number (0-based), or the training's id column when the file has it, and \
the prediction, with Rust's shortest round-trip float formatting.

What a model file holds: the learned pipeline (imputation, encoding, scaling), the columns \
and their types, the target's name, the model's spec, the run's data fingerprint, and the \
prepared training rows and target. It does not hold the fitted model's internal state: \
loading a file fits the model again on those rows (every kind is deterministic given its \
parameters, so this is the very model the run scored, bit for bit). So a file is about 8 \
bytes per training row and feature, and each prediction costs one fit of the model. \
A file of a newer format, a truncated, corrupted or foreign file is refused with the reason \
(exit 2).";

#[derive(Args)]
struct PredictArgs {
    /// A model file written by `fitpool run --save` / `--save-best`.
    #[arg(value_name = "MODEL_FILE")]
    model: PathBuf,
    /// The rows to predict (CSV, or Parquet by its .parquet extension).
    #[arg(value_name = "DATA")]
    data: PathBuf,
    /// Write the predictions to this CSV file instead of stdout.
    #[arg(short = 'o', long = "output", value_name = "OUT.csv")]
    output: Option<PathBuf>,
}

/// `fitpool run`'s options alone, to check what `fitpool slurm` passes through.
#[derive(Parser)]
#[command(
    name = "fitpool run",
    no_binary_name = true,
    allow_negative_numbers = true
)]
struct RunOnly {
    #[command(flatten)]
    _args: RunArgs,
}

#[derive(Args, Clone)]
struct RunArgs {
    #[command(flatten)]
    data: DataArgs,
    /// A model in scikit-learn's repr syntax, e.g. 'RandomForestRegressor(n_estimators=300)'
    /// or an alias such as 'rf', 'nusvr', 'ridge(alpha=0.5)'. Repeatable.
    /// `-m all`: every kind with its defaults (`fitpool models`).
    #[arg(short = 'm', long = "model", value_name = "SPEC")]
    models: Vec<String>,
    /// Kinds to leave out of the lineup (class names or aliases), e.g. with `-m all`:
    /// --exclude GaussianProcessRegressor,KernelRidge. Repeatable or comma-separated.
    #[arg(long, value_name = "KIND", value_delimiter = ',')]
    exclude: Vec<String>,
    /// A lineup file (TOML); lists of values expand to a grid. Default lineup, without -m or
    /// --models: the article's RandomForestRegressor(), NuSVR(), Ridge(), ElasticNet().
    #[arg(long = "models", value_name = "FILE")]
    lineup: Option<PathBuf>,
    /// Worker processes [default: the usable CPUs (affinity, cgroup quota, SLURM), at most one per task].
    #[arg(short = 'j', long, value_parser = at_least_one)]
    workers: Option<usize>,
    /// Kill a task that runs longer than this (e.g. 90s, 10m, 1h).
    #[arg(long, value_parser = positive_duration)]
    timeout: Option<std::time::Duration>,
    /// Fit forests and bagging ensembles in parts, each in its own worker, with the very
    /// same result: `auto` when one model would otherwise keep a worker busy while the
    /// others idle; `never`; or N parts per such model.
    #[arg(long, value_parser = parse_split, default_value = "auto", value_name = "auto|never|N")]
    split: SplitMode,
    /// Retries for a task whose worker died (killed, segfault, OOM killer).
    #[arg(long, default_value_t = 1)]
    retries: u32,
    /// Write every model's predictions on the scored rows (test rows, or out-of-fold rows
    /// under --cv) to this CSV: row, [fold,] actual, one column per model.
    #[arg(long, value_name = "FILE.csv")]
    predictions: Option<PathBuf>,
    /// Save every model whose tasks all ended ok to this directory, one file per model
    /// (see `fitpool predict --help`); under --cv, the model fitted on all training rows.
    #[arg(long, value_name = "DIR")]
    save: Option<PathBuf>,
    /// Save only the N best models by the ranking [directory: --save, else fitpool-models].
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..))]
    save_best: Option<u64>,
    /// Write an HTML report (one self-contained file that opens offline): the ranked table,
    /// failures, charts of RMSE, fit time and the best models' predictions, the settings.
    #[arg(long, value_name = "FILE.html")]
    report: Option<PathBuf>,
    /// Replace a worker after it has run this many tasks.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..))]
    max_tasks_per_worker: Option<u64>,
    /// Cap each worker's address space (e.g. 4G); a task that hits it is reported out of
    /// memory. Default: a fair share, the memory available at the start divided by the
    /// workers (on top of what each inherits from the parent); `none` for no cap.
    #[arg(long, value_parser = parse_mem_limit, value_name = "SIZE|none")]
    mem_limit: Option<MemLimit>,
    /// Output format of the ranked results on stdout.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    format: Format,
    /// Append every finished task to this JSON-lines file, durably. May contain {shard} and {job}.
    #[arg(long, value_name = "FILE")]
    journal: Option<String>,
    /// Skip the tasks that the journal already finished (with any outcome but cancelled; an
    /// interrupted or time-limited run is finished by rerunning it with --resume).
    #[arg(long, requires = "journal")]
    resume: bool,
    /// Run only shard K of N of the lineup (1-based, e.g. 2/3) [default: from SLURM's job-array
    /// or srun variables when present].
    #[arg(long, value_name = "K/N")]
    shard: Option<Shard>,
    /// Progress on stderr: a live view on a terminal, plain lines otherwise.
    #[arg(long, value_enum, default_value_t = ProgressChoice::Auto)]
    progress: ProgressChoice,
}

#[derive(Args, Clone)]
struct DataArgs {
    /// Training data (CSV). Without --train, a built-in dataset (diabetes, 442 rows) is used.
    #[arg(long, value_name = "FILE")]
    train: Option<PathBuf>,
    /// Test data (CSV, same columns). Without it, --train is split (--test-size, --seed).
    #[arg(long, value_name = "FILE", requires = "train")]
    test: Option<PathBuf>,
    /// The first row is a header [default: detected].
    #[arg(long, conflicts_with = "no_header")]
    header: bool,
    /// The first row is data.
    #[arg(long)]
    no_header: bool,
    /// Columns to drop, such as an id (0-based index or header name; repeatable or comma-separated).
    #[arg(
        long = "id-col",
        value_name = "COL",
        value_delimiter = ',',
        allow_hyphen_values = true
    )]
    id_cols: Vec<ColumnRef>,
    /// The target column (0-based index, -1 for the last, or a header name) [default: the last].
    #[arg(long, value_name = "COL", allow_hyphen_values = true)]
    target: Option<ColumnRef>,
    /// Fraction of rows held out for testing when there is no --test, as scikit-learn's
    /// train_test_split(test_size=F, random_state=SEED) picks them [default: 0.2].
    #[arg(long, value_name = "F", conflicts_with = "test")]
    test_size: Option<f64>,
    /// Seed of the train/test split (numpy's RandomState: 0 to 4294967295).
    #[arg(long, default_value_t = 0, value_parser = seed)]
    seed: u64,
    /// Field delimiter of the CSV files.
    #[arg(long, default_value = ",")]
    delimiter: char,
    /// More cells that mean "missing", besides pandas' defaults (NA, NaN, null, empty, ...).
    #[arg(long, value_name = "A,B", value_delimiter = ',')]
    na_values: Vec<String>,
    /// Read these columns as categories, whatever they hold (comma-separated or repeated).
    #[arg(
        long,
        value_name = "COL",
        value_delimiter = ',',
        allow_hyphen_values = true
    )]
    categorical: Vec<ColumnRef>,
    /// These columns must be numeric: text in one is an error with its line and column.
    #[arg(
        long,
        value_name = "COL",
        value_delimiter = ',',
        allow_hyphen_values = true
    )]
    numeric: Vec<ColumnRef>,
    /// Keep a column that looks like an id, a row number or a constant.
    #[arg(
        long,
        value_name = "COL",
        value_delimiter = ',',
        allow_hyphen_values = true
    )]
    keep: Vec<ColumnRef>,
    /// Drop the rows whose target is missing (otherwise they are an error).
    #[arg(long)]
    drop_missing_target: bool,
    /// Standardize the numeric features (StandardScaler, learned on the training rows).
    #[arg(long)]
    scale: bool,
    /// Cross-validate every model: scikit-learn's KFold(K, shuffle=True, random_state=SEED);
    /// each (model, fold) is its own task, the pipeline learned on each fold's training rows.
    #[arg(long, value_name = "K", value_parser = clap::value_parser!(u32).range(2..))]
    cv: Option<u32>,
    /// Repeat the K folds R times with new shuffles (RepeatedKFold).
    #[arg(long, value_name = "R", requires = "cv", value_parser = clap::value_parser!(u32).range(1..))]
    cv_repeats: Option<u32>,
    /// GroupKFold(K) on this column's labels: a group is never in two folds (the column is
    /// not a feature).
    #[arg(long, value_name = "COL", requires = "cv", conflicts_with_all = ["cv_repeats", "cv_time"], allow_hyphen_values = true)]
    groups: Option<ColumnRef>,
    /// TimeSeriesSplit(K) in file order: each fold trains on the rows before its test rows.
    #[arg(long, requires = "cv", conflicts_with = "cv_repeats")]
    cv_time: bool,
    /// The user's own folds (PredefinedSplit): this column's value is the test fold of the
    /// row, -1 for never (the column is not a feature).
    #[arg(
        long,
        value_name = "COL",
        conflicts_with = "cv",
        allow_hyphen_values = true
    )]
    fold_col: Option<ColumnRef>,
    /// Categorical columns with at most this many levels are one-hot encoded, the others
    /// ordinal encoded.
    #[arg(long, value_name = "N", default_value_t = fitpool::prep::DEFAULT_MAX_ONEHOT)]
    max_onehot: usize,
}

#[derive(Args)]
struct InspectArgs {
    /// The table (CSV); the same data options as `fitpool run`.
    #[arg(value_name = "FILE")]
    file: Option<PathBuf>,
    #[command(flatten)]
    data: DataArgs,
}

#[derive(Args)]
struct MergeArgs {
    /// Journals to merge (JSON lines written by `fitpool run --journal`).
    #[arg(required = true, value_name = "JOURNAL")]
    journals: Vec<PathBuf>,
    #[arg(long, value_enum, default_value_t = Format::Table)]
    format: Format,
    /// Merge journals written for different data (their rows are kept apart, not ranked as
    /// one lineup); without it that is an error.
    #[arg(long)]
    allow_mixed: bool,
}

#[derive(Args)]
struct ReportArgs {
    /// Journals to report on together (JSON lines written by `fitpool run --journal`).
    #[arg(required = true, value_name = "JOURNAL")]
    journals: Vec<PathBuf>,
    /// The HTML file to write.
    #[arg(short = 'o', long = "output", value_name = "FILE.html")]
    output: PathBuf,
    /// Report on journals written for different data (see `fitpool merge --allow-mixed`).
    #[arg(long)]
    allow_mixed: bool,
}

#[derive(Args)]
struct SlurmArgs {
    /// Number of array tasks (shards).
    #[arg(long)]
    array: usize,
    /// CPUs per array task (the worker count of each shard).
    #[arg(long)]
    cpus_per_task: usize,
    /// Time limit of each array task (SLURM syntax, e.g. 1:00:00).
    #[arg(long)]
    time: Option<String>,
    #[arg(long)]
    partition: Option<String>,
    /// Memory per array task (SLURM syntax, e.g. 8G).
    #[arg(long)]
    mem: Option<String>,
    #[arg(long, default_value = "fitpool")]
    job_name: String,
    /// Directory for journals, logs and the merged results.
    #[arg(long, default_value = "fitpool-runs")]
    output_dir: PathBuf,
    /// Seconds before the time limit at which SLURM sends SIGTERM to fitpool.
    #[arg(long, default_value_t = 60)]
    grace: u32,
    /// Submit with sbatch instead of printing the scripts.
    #[arg(long)]
    submit: bool,
    /// `fitpool run` options for every shard (after `--`).
    #[arg(last = true, value_name = "RUN OPTIONS")]
    run_args: Vec<String>,
}

fn at_least_one(s: &str) -> Result<usize, String> {
    match s.parse::<usize>() {
        Ok(n) if n >= 1 => Ok(n),
        _ => Err(format!("'{s}' is not a whole number of at least 1")),
    }
}

/// A split seed: a negative one is refused here with the range, as clap would otherwise take
/// `-1` for an option.
fn seed(s: &str) -> Result<u64, String> {
    s.trim().parse::<u64>().map_err(|_| {
        format!("invalid --seed {s}: scikit-learn's splits take a seed from 0 to 4294967295")
    })
}

fn positive_duration(s: &str) -> Result<std::time::Duration, String> {
    match units::parse_duration(s) {
        Ok(d) if !d.is_zero() => Ok(d),
        Ok(_) => Err("the timeout must be longer than zero".into()),
        Err(e) => Err(e.to_string()),
    }
}

/// In a worker, a failed allocation reports "out of memory" to the parent and ends the
/// worker, without std's raw `memory allocation of N bytes failed` line on the terminal.
#[global_allocator]
static ALLOC: fitpool::pool::WorkerAlloc = fitpool::pool::WorkerAlloc;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Run(args) => cmd_run(*args),
        Command::Models => cmd_models(),
        Command::Inspect(args) => cmd_inspect(args),
        Command::Merge(args) => cmd_merge(args),
        Command::Report(args) => cmd_report(args),
        Command::Slurm(args) => cmd_slurm(args),
        Command::Predict(args) => cmd_predict(args),
    };
    match result {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            eprintln!("error: {}", exit::error_line(e.chain()));
            ExitCode::from(exit::of_error(e.chain()))
        }
    }
}

/// Writes to stdout; a reader that went away (`fitpool run | head`) is not an error worth a
/// panic: everything is in the journal already.
fn emit(text: &str) {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    let _ = out.write_all(text.as_bytes()).and_then(|()| out.flush());
}

fn load_data(d: &DataArgs) -> Result<data::Dataset> {
    let split = data::SplitOptions {
        test_size: d.test_size.unwrap_or(0.2),
        seed: d.seed,
        cv: cv_options(d),
        holdout: d.test_size.is_some(),
    };
    let Some(train) = &d.train else {
        return Ok(data::builtin_diabetes(&split)?);
    };
    let opts = LoadOptions {
        header: match (d.header, d.no_header) {
            (true, _) => HeaderMode::Yes,
            (_, true) => HeaderMode::No,
            _ => HeaderMode::Auto,
        },
        id_cols: d.id_cols.clone(),
        target: d.target.clone(),
        delimiter: u8::try_from(d.delimiter)
            .context("the delimiter must be one ASCII character")?,
        na_values: d.na_values.clone(),
        categorical: d.categorical.clone(),
        numeric: d.numeric.clone(),
        keep: d.keep.clone(),
        drop_missing_target: d.drop_missing_target,
        prep: fitpool::prep::PrepOptions {
            scale: d.scale,
            max_onehot: d.max_onehot,
        },
    };
    Ok(data::load(train, d.test.as_deref(), &opts, &split)?)
}

/// The cross-validation the options ask for.
fn cv_options(d: &DataArgs) -> Option<data::CvOptions> {
    use fitpool::split::SplitSpec;
    let seed = i64::try_from(d.seed).unwrap_or(i64::MAX);
    let spec = match (d.cv, &d.fold_col) {
        (None, None) => return None,
        (None, Some(_)) => SplitSpec::Predefined,
        (Some(k), _) => {
            let k = k as usize;
            if d.groups.is_some() {
                SplitSpec::GroupKFold {
                    k,
                    shuffle: false,
                    seed: None,
                }
            } else if d.cv_time {
                SplitSpec::TimeSeries {
                    k,
                    test_size: None,
                    gap: 0,
                    max_train_size: None,
                }
            } else if let Some(r) = d.cv_repeats {
                SplitSpec::RepeatedKFold {
                    k,
                    repeats: r as usize,
                    seed,
                }
            } else {
                SplitSpec::KFold {
                    k,
                    shuffle: true,
                    seed: Some(seed),
                }
            }
        }
    };
    Some(data::CvOptions {
        spec,
        groups: d.groups.clone(),
        fold_col: d.fold_col.clone(),
    })
}

fn lineup(args: &RunArgs) -> Result<Vec<Entry>> {
    let mut specs = Vec::new();
    if let Some(path) = &args.lineup {
        specs.extend(spec::load_lineup(path)?.into_iter().map(Entry::plain));
    }
    for text in &args.models {
        if text.trim().eq_ignore_ascii_case("all") {
            specs.extend(spec::all_kinds().into_iter().map(Entry::plain));
            continue;
        }
        specs.push(spec::parse_entry(text).with_context(|| format!("in -m '{text}'"))?);
    }
    if specs.is_empty() {
        specs = spec::default_lineup()
            .into_iter()
            .map(Entry::plain)
            .collect();
    }
    let excluded = spec::excluded_kinds(&args.exclude).context("in --exclude")?;
    specs.retain(|e| !excluded.contains(&e.spec.kind_name()));
    if specs.is_empty() {
        anyhow::bail!("--exclude leaves no model to run");
    }
    Ok(specs)
}

fn cmd_run(args: RunArgs) -> Result<u8> {
    let specs = lineup(&args)?;
    let data = load_data(&args.data)?;
    let mut plan = Plan::with_folds(
        specs,
        data.x_train.nrows(),
        data.x_train.ncols(),
        shard(&args)?,
        &scoring(&data),
    )?;
    let cpu_cap = slurm::cpus_per_task(&env);
    plan.split(
        cpus::workers_for(args.workers, cpu_cap, usize::MAX),
        args.split,
    );
    let settings = run_settings(&args, &plan);
    warn_oversubscribed(&settings.pool, plan.pieces());
    let mode = args.progress.mode();
    if mode != ProgressMode::Quiet {
        for note in &data.notes {
            eprintln!("fitpool: {note}");
        }
        announce(&plan, &data);
    }
    // a SIGINT/SIGTERM from here until the results are out is recorded, not fatal: one that
    // comes just after the run (scancel signals the workers and the parent alike) ends the
    // process with the results written and the signal's exit code, not killed by it
    let hold = fitpool::pool::TerminationHold::new()?;
    let outcome = run::execute(&plan, &data, &settings, &mut Progress::new(mode))?;
    for note in &outcome.notes {
        eprintln!("fitpool: {note}");
    }
    emit(&render(args.format, &outcome.records, &outcome.missing));
    if let Some(path) = &args.predictions {
        let mut models: Vec<String> = Vec::new();
        for t in &plan.tasks {
            if !models.contains(&t.id.model) {
                models.push(t.id.model.clone());
            }
        }
        let text = report::predictions_csv(&models, &outcome.predictions);
        if let Err(e) = std::fs::write(path, text) {
            eprintln!("error: cannot write predictions {}: {e}", path.display());
            return Ok(2);
        }
    }
    if let Some(path) = &args.report {
        let input = report::html::ReportInput {
            title: "fitpool run".into(),
            records: &outcome.records,
            missing: &outcome.missing,
            rows: report::html::Rows::Some(&outcome.predictions),
            settings: report_settings(&args, &data, &plan, &settings),
            columns: &data.columns,
        };
        if let Err(e) = write_report(path, &input) {
            eprintln!("error: {e:#}");
            return Ok(exit::SYSTEM);
        }
    }
    let interrupted = outcome.interrupted.or(hold.received());
    // --save refits models in this process, which a Ctrl-C must still stop
    drop(hold);
    if args.save.is_some() || args.save_best.is_some() {
        if let Some(code) = save_models(&args, &plan, &data, &outcome) {
            return Ok(code);
        }
    }
    if let Some(e) = &outcome.journal_error {
        eprintln!("error: {e}; the results above are complete, the journal is not");
        return Ok(exit::journal_code(e));
    }
    Ok(exit::of_results(
        &outcome.records,
        outcome.missing.len(),
        interrupted,
    ))
}

/// `--save` / `--save-best`: the models written after the run; `Some(code)` when they
/// cannot be (the results are shown already).
fn save_models(
    args: &RunArgs,
    plan: &Plan,
    data: &data::Dataset,
    outcome: &run::RunOutcome,
) -> Option<u8> {
    use fitpool::model_file::{self, ReadSettings, Which};
    let dir = args
        .save
        .clone()
        .unwrap_or_else(|| PathBuf::from(model_file::DEFAULT_DIR));
    let which = match args.save_best {
        Some(n) => Which::Best(usize::try_from(n).unwrap_or(usize::MAX)),
        None => Which::All,
    };
    let settings = ReadSettings {
        delimiter: u8::try_from(args.data.delimiter).unwrap_or(b','),
        na_values: args.data.na_values.clone(),
    };
    let quiet = args.progress.mode() == ProgressMode::Quiet;
    match model_file::save_models(
        plan,
        data,
        &outcome.records,
        &outcome.missing,
        which,
        &dir,
        &settings,
    ) {
        Ok(files) => {
            if !quiet {
                eprintln!(
                    "fitpool: saved {} model(s) to {}{}",
                    files.len(),
                    dir.display(),
                    if args.save.is_none() {
                        " (the default directory of --save-best; --save DIR to choose)"
                    } else {
                        ""
                    }
                );
            }
            None
        }
        Err(e) => {
            eprintln!("error: {}", exit::error_line(error_chain(&e)));
            Some(exit::of_error(error_chain(&e)))
        }
    }
}

/// An error and its sources.
fn error_chain<'e>(
    e: &'e (dyn std::error::Error + 'static),
) -> impl Iterator<Item = &'e (dyn std::error::Error + 'static)> {
    std::iter::successors(Some(e), |e| e.source())
}

fn cmd_predict(args: PredictArgs) -> Result<u8> {
    let model = fitpool::model_file::SavedModel::load(&args.model)?;
    let (labels, y) = model.predict(&args.data)?;
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(model.csv_header())?;
    for (label, v) in labels.iter().zip(&y) {
        w.write_record([label.as_str(), v.to_string().as_str()])?;
    }
    let bytes = w.into_inner().context("cannot write the predictions")?;
    match &args.output {
        Some(path) => std::fs::write(path, &bytes)
            .with_context(|| format!("cannot write predictions {}", path.display()))?,
        None => emit(&String::from_utf8_lossy(&bytes)),
    }
    Ok(exit::OK)
}

/// The ranked results: one row per task, or one per model over its folds under
/// cross-validation.
fn render(format: Format, records: &[report::TaskRecord], missing: &[String]) -> String {
    if records.iter().any(|r| r.fold.is_some()) || missing.iter().any(|k| k.contains(" fold ")) {
        report::cv::render(format, records, missing)
    } else {
        report::exporter(format).render(&report::rank(records), missing)
    }
}

/// What each model is scored on: the folds, and the test rows when there are any.
fn scoring(data: &data::Dataset) -> fitpool::plan::Scoring {
    let folds = data.cv.as_ref().map_or(&[][..], |cv| &cv.folds[..]);
    fitpool::plan::Scoring {
        folds: folds.len(),
        fold_rows: folds.iter().map(|f| f.train.len()).sum::<usize>() / folds.len().max(1),
        holdout: data.x_test.nrows() > 0,
    }
}

/// `--shard`, or the shard SLURM's job-array or srun variables give.
fn shard(args: &RunArgs) -> Result<Option<Shard>> {
    Ok(match args.shard {
        Some(s) => Some(s),
        None => slurm::detect_shard(&env)?.map(|(s, _)| s),
    })
}

fn env(key: &str) -> Option<String> {
    std::env::var(key).ok()
}

/// `--mem-limit`: a size, or `none`.
#[derive(Clone, Copy, Debug)]
enum MemLimit {
    Size(u64),
    None,
}

fn parse_split(text: &str) -> Result<SplitMode, String> {
    match text {
        "auto" => Ok(SplitMode::Auto),
        "never" => Ok(SplitMode::Never),
        n => match n.parse::<usize>() {
            Ok(k) if k >= 1 => Ok(SplitMode::Parts(k)),
            _ => Err(format!(
                "expected auto, never or a number of parts >= 1, got {n:?}"
            )),
        },
    }
}

fn parse_mem_limit(text: &str) -> Result<MemLimit, String> {
    if text.eq_ignore_ascii_case("none") {
        return Ok(MemLimit::None);
    }
    units::parse_size(text)
        .map(MemLimit::Size)
        .map_err(|e| format!("{e} (or none)"))
}

/// Each worker's memory limit and the words a task that reaches it is reported with.
fn memory_limit(args: &RunArgs, cpu_cap: Option<usize>, tasks: usize) -> (Option<u64>, String) {
    match args.mem_limit {
        Some(MemLimit::Size(n)) => (
            Some(n),
            format!("reached --mem-limit {}", units::format_size(n)),
        ),
        Some(MemLimit::None) => (None, "out of memory (no --mem-limit)".into()),
        None => {
            let workers = cpus::workers_for(args.workers, cpu_cap, tasks);
            match memory::fair_share(workers) {
                Some(share) => (
                    Some(share.limit),
                    format!(
                        "reached its fair share of memory ({} available / {} worker(s)); \
                         --mem-limit raises it",
                        units::format_size(share.available),
                        share.workers
                    ),
                ),
                None => (None, "out of memory".into()),
            }
        }
    }
}

fn run_settings(args: &RunArgs, plan: &Plan) -> RunSettings {
    let job = slurm::job_id(&env);
    let journal = args.journal.as_deref().map(|t| {
        PathBuf::from(slurm::expand_journal_name(
            t,
            plan.shard.as_ref(),
            job.as_deref(),
        ))
    });
    let cpu_cap = slurm::cpus_per_task(&env);
    let (mem_limit, oom_message) = memory_limit(args, cpu_cap, plan.pieces());
    RunSettings {
        pool: PoolConfig {
            workers: args.workers,
            cpu_cap,
            task_timeout: args.timeout,
            retries: args.retries,
            max_tasks_per_worker: args.max_tasks_per_worker,
            mem_limit,
            tick: Some(std::time::Duration::from_millis(200)),
            ..PoolConfig::default()
        },
        journal,
        resume: args.resume,
        predictions: args.predictions.is_some() || args.report.is_some(),
        oom_message,
    }
}

/// What the report says of a run's settings.
fn report_settings(
    args: &RunArgs,
    data: &data::Dataset,
    plan: &Plan,
    settings: &RunSettings,
) -> Vec<(String, String)> {
    let d = &args.data;
    let file = |p: &Option<PathBuf>| p.as_ref().map(|p| p.display().to_string());
    let mut s = vec![("data".to_string(), data.description.clone())];
    s.push((
        "training file".into(),
        file(&d.train).unwrap_or_else(|| "built-in diabetes".into()),
    ));
    if let Some(t) = file(&d.test) {
        s.push(("test file".into(), t));
    }
    s.push(("data fingerprint".into(), data::fingerprint(data)));
    s.push(("target".into(), data.target_name.clone()));
    let split = match (cv_options(d), &d.test) {
        (Some(cv), _) => cv.spec.repr(),
        (None, Some(_)) => "the test file's rows".into(),
        (None, None) => format!(
            "train_test_split(test_size={}, random_state={})",
            d.test_size.unwrap_or(0.2),
            d.seed
        ),
    };
    s.push(("validation".into(), split));
    s.push(("seed".into(), d.seed.to_string()));
    s.push((
        "scaling".into(),
        if d.scale { "StandardScaler" } else { "none" }.into(),
    ));
    s.push((
        "tasks".into(),
        format!("{} ({} model(s))", plan.tasks.len(), plan.lineup.len()),
    ));
    let p = &settings.pool;
    let workers = cpus::workers_for(p.workers, p.cpu_cap, plan.pieces());
    s.push(("workers".into(), workers.to_string()));
    if let Some(t) = args.timeout {
        s.push(("timeout per task".into(), format!("{:?}", t)));
    }
    if let Some(shard) = &plan.shard {
        s.push(("shard".into(), shard.to_string()));
    }
    report::html::stamp(&mut s, run::now());
    s
}

/// Renders and writes an HTML report.
fn write_report(path: &std::path::Path, input: &report::html::ReportInput) -> Result<()> {
    let html = report::html::render_html(input)?;
    std::fs::write(path, html).with_context(|| format!("cannot write report {}", path.display()))
}

/// More workers than usable CPUs (`--workers 200` on 2 CPUs) is allowed, but not silently.
fn warn_oversubscribed(pool: &PoolConfig, tasks: usize) {
    let cpus = cpus::default_workers(pool.cpu_cap);
    let workers = cpus::workers_for(pool.workers, pool.cpu_cap, tasks);
    if workers > cpus {
        eprintln!(
            "warning: {workers} workers on {cpus} usable CPU(s): they share the CPUs, so each \
             task runs slower and memory use grows with the workers"
        );
    }
}

/// The run's first words on stderr: what runs, on what.
fn announce(plan: &Plan, data: &data::Dataset) {
    if plan.repeated > 0 {
        eprintln!(
            "fitpool: {} repeated model(s) in the lineup dropped: each runs once",
            plan.repeated
        );
    }
    eprintln!(
        "fitpool: {} task(s){} on {}",
        plan.tasks.len(),
        plan.shard
            .as_ref()
            .map(|s| format!(" (shard {s} of a lineup of {})", plan.lineup.len()))
            .unwrap_or_default(),
        data.description
    );
    let split: Vec<&fitpool::plan::Task> =
        plan.tasks.iter().filter(|t| !t.parts.is_empty()).collect();
    if !split.is_empty() {
        let parts: usize = split.iter().map(|t| t.parts.len()).sum();
        eprintln!(
            "fitpool: {} task(s) fitted in {parts} parts (forest or bagging: same result, \
             spread over idle workers; --split never turns it off)",
            split.len()
        );
    }
}

fn cmd_inspect(mut args: InspectArgs) -> Result<u8> {
    if args.file.is_some() {
        args.data.train = args.file.take();
    }
    let data = load_data(&args.data)?;
    for note in &data.notes {
        eprintln!("fitpool: {note}");
    }
    emit(&report::inspect_table(&data));
    Ok(exit::OK)
}

fn cmd_models() -> Result<u8> {
    let mut text = String::new();
    for kind in models::catalogue() {
        text.push_str(&format!(
            "{}  (aliases: {})\n",
            kind.name,
            kind.aliases.join(", ")
        ));
        for p in &kind.params {
            text.push_str(&format!(
                "    {:<20} = {:<12} {}\n",
                p.name, p.default, p.doc
            ));
        }
        text.push('\n');
    }
    emit(&text);
    Ok(exit::OK)
}

fn cmd_merge(args: MergeArgs) -> Result<u8> {
    let mut contents = Vec::new();
    for path in &args.journals {
        contents.push(read_journal(path, false)?);
    }
    if !args.allow_mixed {
        report::check_one_dataset(args.journals.iter().map(PathBuf::as_path).zip(&contents))?;
    }
    let merged = report::merge(&contents);
    if merged.datasets.len() > 1 {
        eprintln!(
            "warning: the journals were written for {} different datasets: \
             each dataset's results are ranked side by side",
            merged.datasets.len()
        );
    }
    if merged.torn > 0 {
        eprintln!(
            "note: {} journal(s) end in a line cut short (a run killed while writing); it was ignored",
            merged.torn
        );
    }
    emit(&render(args.format, &merged.records, &merged.missing));
    if !merged.missing.is_empty() {
        eprintln!("error: {} task(s) have no result", merged.missing.len());
    }
    Ok(exit::of_results(
        &merged.records,
        merged.missing.len(),
        None,
    ))
}

fn cmd_report(args: ReportArgs) -> Result<u8> {
    let mut contents = Vec::new();
    for path in &args.journals {
        contents.push(read_journal(path, false)?);
    }
    if !args.allow_mixed {
        report::check_one_dataset(args.journals.iter().map(PathBuf::as_path).zip(&contents))?;
    }
    let merged = report::merge(&contents);
    let plans: Vec<&report::PlanRecord> = contents.iter().flat_map(|c| &c.plans).collect();
    let mut settings = report::html::journal_settings(&args.journals, &plans, &merged.records);
    report::html::stamp(&mut settings, run::now());
    let input = report::html::ReportInput {
        title: "fitpool report".into(),
        records: &merged.records,
        missing: &merged.missing,
        rows: report::html::Rows::Absent(
            "journals keep each task's scores, not its predictions (fitpool run --report \
             FILE.html draws them)"
                .into(),
        ),
        settings,
        columns: &[],
    };
    write_report(&args.output, &input)?;
    eprintln!("fitpool: report written to {}", args.output.display());
    Ok(exit::OK)
}

fn cmd_slurm(args: SlurmArgs) -> Result<u8> {
    // a typo in the run options fails here, not on the cluster an hour later
    if let Err(e) = RunOnly::try_parse_from(&args.run_args) {
        e.exit();
    }
    let fitpool = std::env::current_exe().context("cannot find the fitpool binary's path")?;
    let output_dir = std::path::absolute(&args.output_dir)?;
    let opts = SbatchOptions {
        array: args.array,
        cpus_per_task: args.cpus_per_task,
        time: args.time,
        partition: args.partition,
        mem: args.mem,
        job_name: args.job_name,
        output_dir,
        fitpool,
        run_args: args.run_args,
        grace_seconds: args.grace,
    };
    opts.validate()?;
    if args.submit {
        let info = slurm::submit(&opts)?;
        println!(
            "submitted array job {} ({} shard{}) and merge job {}",
            info.array_job,
            opts.array,
            if opts.array == 1 { "" } else { "s" },
            info.merge_job
        );
        println!(
            "scripts: {} {}",
            info.array_script.display(),
            info.merge_script.display()
        );
        println!(
            "results: {}/results.txt once job {} ends",
            opts.output_dir.display(),
            info.merge_job
        );
    } else {
        let (array, merge) = slurm::sbatch_scripts(&opts);
        emit(&format!("{array}\n{merge}\n"));
    }
    Ok(exit::OK)
}
