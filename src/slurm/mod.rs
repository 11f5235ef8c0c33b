//! Running on a SLURM cluster: which shard of the task list this process runs, how tasks are
//! split between shards, and the sbatch scripts that run a job array plus a merge job.

mod assign;
mod error;
mod sbatch;
mod shard;

pub use assign::assign;
pub use error::SlurmError;
pub use sbatch::{sbatch_scripts, shell_quote, submit, write_scripts, SbatchOptions, SubmitInfo};
pub use shard::{cpus_per_task, detect_shard, expand_journal_name, job_id, Shard, ShardSource};
