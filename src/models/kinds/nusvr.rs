//! NuSVR: nu-support vector regression with our SMO solver (`crate::svm`).

use crate::models::params::{f, p, Bound};
use crate::models::ParamType;

super::svm::svm_kind! {
    /// scikit-learn's `NuSVR`.
    NuSvr(NuSvrParams): "NuSVR",
    aliases &["nusvr", "nu_svr"],
    doc "nu-support vector regression (our SMO solver, as libsvm)",
    nu: p(
        "nu",
        ParamType::Float {
            lo: Bound::Excl(0.0),
            hi: Bound::Incl(1.0),
        },
        f(0.5),
        "upper bound on the fraction of errors, lower bound on support vectors",
    ),
    solver Nu
}
