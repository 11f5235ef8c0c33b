//! slurm (to be written).
