//! The errors of the SLURM layer.

use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum SlurmError {
    /// `--shard` text that is not `K/N` with `1 <= K <= N`.
    #[error("invalid shard '{text}': {reason} (expected K/N with 1 <= K <= N, e.g. 1/3)")]
    InvalidShard { text: String, reason: String },
    /// A SLURM variable that is not a number.
    #[error("environment variable {var}={value:?} is not a non-negative integer")]
    BadVariable { var: &'static str, value: String },
    /// SLURM variables that do not describe one shard of a regular task list.
    #[error("cannot tell this process's shard from the SLURM environment: {0}; pass --shard K/N")]
    Inconsistent(String),
    /// `SbatchOptions` that cannot make a valid script.
    #[error("invalid sbatch options: {0}")]
    Options(String),
    #[error("cannot write {path}: {source}")]
    Write {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("cannot run {program} (is SLURM installed and on PATH?): {source}")]
    Spawn {
        program: String,
        #[source]
        source: std::io::Error,
    },
    #[error("sbatch {script} failed ({status}): {stderr}")]
    Sbatch {
        script: PathBuf,
        status: String,
        stderr: String,
    },
    #[error("sbatch --parsable printed {0:?}, not a job id")]
    JobId(String),
    #[error("merge job not submitted, so array job {array_job} was cancelled: {source}")]
    MergeNotSubmitted {
        array_job: u64,
        #[source]
        source: Box<SlurmError>,
    },
}
