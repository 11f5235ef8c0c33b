//! What NuSVR and SVR share: the kernel and solver parameters. Their type and defaults are
//! the solver's own ([`SvmParams`]); this file maps them to scikit-learn's parameter names.

use ndarray::{ArrayView1, ArrayView2};

use crate::models::kind::{dims, Predictor, Values};
use crate::models::params::{ignored, int, p, Bound, POSITIVE};
use crate::models::{ModelError, ParamDef, ParamType, Value};
use crate::svm::{Gamma, Kernel, SvmParams, SvrKind};

/// Every kernel, in the order `kernel=` lists them.
const KERNELS: [Kernel; 4] = [Kernel::Rbf, Kernel::Linear, Kernel::Poly, Kernel::Sigmoid];

/// scikit-learn's name of a kernel.
fn kernel_name(k: Kernel) -> &'static str {
    match k {
        Kernel::Rbf => "rbf",
        Kernel::Linear => "linear",
        Kernel::Poly => "poly",
        Kernel::Sigmoid => "sigmoid",
    }
}

fn gamma_value(g: Gamma) -> Value {
    match g {
        Gamma::Scale => Value::Str("scale".into()),
        Gamma::Auto => Value::Str("auto".into()),
        Gamma::Value(x) => Value::Float(x),
    }
}

/// The kind's own parameter `head` (nu or epsilon), then the shared ones with the solver's
/// defaults.
pub(super) fn table(head: ParamDef) -> Vec<ParamDef> {
    static KERNEL_NAMES: std::sync::OnceLock<Vec<&'static str>> = std::sync::OnceLock::new();
    let kernel_names = KERNEL_NAMES.get_or_init(|| KERNELS.map(kernel_name).to_vec());
    let d = SvmParams::default();
    vec![
        head,
        p(
            "C",
            POSITIVE,
            Value::Float(d.c),
            "regularisation: penalty on errors",
        ),
        p(
            "kernel",
            ParamType::Choice(kernel_names),
            Value::Str(kernel_name(d.kernel).into()),
            "kernel function",
        ),
        p(
            "degree",
            int(0),
            Value::Int(d.degree.into()),
            "degree of the 'poly' kernel",
        ),
        p(
            "gamma",
            ParamType::Gamma,
            gamma_value(d.gamma),
            "kernel coefficient: 'scale' = 1/(n_features*X.var()), 'auto' = 1/n_features",
        ),
        p(
            "coef0",
            ParamType::Float {
                lo: Bound::None,
                hi: Bound::None,
            },
            Value::Float(d.coef0),
            "independent term of 'poly' and 'sigmoid' kernels",
        ),
        p(
            "shrinking",
            ParamType::Bool,
            Value::Bool(d.shrinking),
            "use the shrinking heuristic",
        ),
        p("tol", POSITIVE, Value::Float(d.tol), "stopping tolerance"),
        p(
            "cache_size",
            POSITIVE,
            Value::Float(d.cache_size_mb),
            "kernel cache in MB (speed only; never changes results)",
        ),
        p(
            "max_iter",
            int(-1),
            Value::Int(d.max_iter),
            "iteration limit; -1 means none",
        ),
        ignored(
            "verbose",
            ParamType::Bool,
            Value::Bool(false),
            "ignored: no effect on results",
        ),
    ]
}

/// The shared parameters from checked values.
pub(super) fn build(v: &Values) -> SvmParams {
    let kernel = v.str("kernel");
    SvmParams {
        c: v.float("C"),
        kernel: KERNELS
            .into_iter()
            .find(|k| kernel_name(*k) == kernel)
            .unwrap_or(Kernel::Rbf),
        degree: v.int("degree").clamp(0, u32::MAX as i64) as u32,
        gamma: match v.get("gamma") {
            Value::Str(s) if s == "auto" => Gamma::Auto,
            Value::Float(x) => Gamma::Value(x),
            _ => Gamma::Scale,
        },
        coef0: v.float("coef0"),
        shrinking: v.bool("shrinking"),
        tol: v.float("tol"),
        // the cache only changes speed; the user's value is a memory budget and is kept
        cache_size_mb: v.float("cache_size"),
        max_iter: v.int("max_iter"),
    }
}

/// The kind's own parameter, then the shared ones, in table order.
pub(super) fn values(head: (&'static str, f64), s: &SvmParams) -> Vec<(&'static str, Value)> {
    vec![
        (head.0, Value::Float(head.1)),
        ("C", Value::Float(s.c)),
        ("kernel", Value::Str(kernel_name(s.kernel).into())),
        ("degree", Value::Int(s.degree.into())),
        ("gamma", gamma_value(s.gamma)),
        ("coef0", Value::Float(s.coef0)),
        ("shrinking", Value::Bool(s.shrinking)),
        ("tol", Value::Float(s.tol)),
        ("cache_size", Value::Float(s.cache_size_mb)),
        ("max_iter", Value::Int(s.max_iter)),
    ]
}

/// The SMO solver's cost: quadratic in the rows.
pub(super) fn cost(n_rows: usize, n_features: usize) -> f64 {
    let (n, f) = dims(n_rows, n_features);
    0.05 * n * n * f
}

/// Fits NuSVR or SVR (`kind`, named `name`) with our SMO solver (`crate::svm`).
pub(super) fn fit(
    name: &'static str,
    kind: SvrKind,
    params: &SvmParams,
    x: ArrayView2<f64>,
    y: ArrayView1<f64>,
) -> Result<Predictor<'static>, ModelError> {
    let model = crate::svm::fit(x, y, kind, params).map_err(|e| ModelError::Fit {
        kind: name,
        message: e.to_string(),
    })?;
    Ok(Box::new(move |x| Ok(model.predict(x))))
}

/// Writes an SVM kind: `$marker` with its [`Kind`](crate::models::Kind) implementation, whose
/// parameters `$params` are its own `$head` (table entry `$head_def`) and the shared `svm`, and
/// which solves `SvrKind::$solver`.
macro_rules! svm_kind {
    (
        $(#[$attr:meta])* $marker:ident($params:ident): $name:literal, aliases $aliases:expr,
        doc $doc:literal, $head:ident: $head_def:expr, solver $solver:ident
    ) => {
        $(#[$attr])*
        pub struct $marker;

        #[doc = concat!("Parameters of ", $name, ".")]
        #[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
        pub struct $params {
            pub $head: f64,
            /// `C`, `kernel`, `degree`, `gamma`, `coef0`, `shrinking`, `tol`, `cache_size`
            /// (as `cache_size_mb`), `max_iter`.
            pub svm: $crate::svm::SvmParams,
        }

        impl $crate::models::Kind for $marker {
            type Params = $params;
            const NAME: &'static str = $name;
            const ALIASES: &'static [&'static str] = $aliases;
            const DOC: &'static str = $doc;

            fn params() -> Vec<$crate::models::ParamDef> {
                super::svm::table($head_def)
            }
            fn build(v: &$crate::models::Values) -> Result<$params, $crate::models::BuildError> {
                Ok($params {
                    $head: v.float(stringify!($head)),
                    svm: super::svm::build(v),
                })
            }
            fn values(p: &$params) -> Vec<(&'static str, $crate::models::Value)> {
                super::svm::values((stringify!($head), p.$head), &p.svm)
            }
            fn min_rows(_: &$params) -> usize {
                1
            }
            fn expected_cost(_: &$params, n_rows: usize, n_features: usize) -> f64 {
                super::svm::cost(n_rows, n_features)
            }
            fn fit<'a>(
                p: &$params,
                x: ndarray::ArrayView2<'a, f64>,
                y: ndarray::ArrayView1<'a, f64>,
            ) -> Result<$crate::models::Predictor<'a>, $crate::models::ModelError> {
                let kind = $crate::svm::SvrKind::$solver { $head: p.$head };
                super::svm::fit($name, kind, &p.svm, x, y)
            }
        }
    };
}
pub(super) use svm_kind;
