//! Our own libsvm-class SMO solver for epsilon-SVR and nu-SVR (scikit-learn's `SVR` and `NuSVR`):
//! this module only re-exports; see `params`, `kernel`, `cache`, `solver` and `svr`.

mod cache;
mod kernel;
mod params;
mod solver;
mod svr;

pub use kernel::{dot, dot_seq, exp_in_place, kernel_row, KernelFn, Samples, PANEL};
pub use params::{Gamma, Kernel, SvmError, SvmParams, SvrKind};
pub use svr::{fit, SvrModel};
