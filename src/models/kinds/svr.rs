//! SVR: epsilon-support vector regression with our SMO solver (`crate::svm`).

use crate::models::params::{f, p, NON_NEGATIVE};

super::svm::svm_kind! {
    /// scikit-learn's `SVR`.
    Svr(SvrParams): "SVR",
    aliases &["svr"],
    doc "epsilon-support vector regression (our SMO solver, as libsvm)",
    epsilon: p("epsilon", NON_NEGATIVE, f(0.1), "width of the no-penalty tube"),
    solver Epsilon
}
