//! [`ModelSpec`]'s kind-independent side: building a spec from a kind name and parameters with
//! validation ([`build_spec`]), its errors ([`BuildError`]), and scikit-learn repr display.

use std::collections::BTreeMap;

use super::kind::Values;
use super::params::{did_you_mean, Value};
use super::registry::{find_kind, kinds, ModelSpec};
use super::KindDef;

/// Why a kind and its parameters do not make a valid [`ModelSpec`].
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum BuildError {
    #[error("unknown model kind '{name}'{}; accepted: {accepted}", suggest(.suggestion))]
    UnknownKind {
        name: String,
        suggestion: Option<&'static str>,
        accepted: String,
    },
    #[error("{kind} has no parameter '{name}'{}; accepted: {accepted}", suggest(.suggestion))]
    UnknownParam {
        kind: &'static str,
        name: String,
        suggestion: Option<&'static str>,
        accepted: String,
    },
    #[error("{kind}: parameter '{name}' given twice")]
    Duplicate { kind: &'static str, name: String },
    #[error("{kind}: {name}={got} is not accepted; {name} must be {expected}")]
    BadValue {
        kind: &'static str,
        name: &'static str,
        got: String,
        expected: String,
    },
    #[error("{kind}: {message}")]
    Unsupported {
        kind: &'static str,
        /// The parameter at fault.
        name: &'static str,
        message: String,
    },
}

fn suggest(s: &Option<&'static str>) -> String {
    s.map(|s| format!(" (did you mean '{s}'?)"))
        .unwrap_or_default()
}

impl BuildError {
    /// The parameter the error is about, if it is about one.
    pub fn param(&self) -> Option<&str> {
        match self {
            BuildError::UnknownKind { .. } => None,
            BuildError::UnknownParam { name, .. } | BuildError::Duplicate { name, .. } => {
                Some(name)
            }
            BuildError::BadValue { name, .. } | BuildError::Unsupported { name, .. } => Some(name),
        }
    }
}

/// Every kind's class name and aliases, for error messages.
pub fn accepted_kinds() -> String {
    kinds()
        .iter()
        .map(|k| format!("{} ({})", k.name, k.aliases.join(", ")))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Looks a kind up by class name or alias, with an error listing all kinds.
pub fn lookup_kind(name: &str) -> Result<&'static KindDef, BuildError> {
    find_kind(name).ok_or_else(|| BuildError::UnknownKind {
        name: name.to_string(),
        suggestion: did_you_mean(
            name,
            kinds()
                .iter()
                .flat_map(|k| std::iter::once(k.name).chain(k.aliases.iter().copied())),
        ),
        accepted: accepted_kinds(),
    })
}

/// Builds a spec from a kind name (or alias) and `name = value` pairs; unnamed parameters take
/// scikit-learn's defaults. Checks names, types and ranges.
pub fn build_spec(kind: &str, params: &[(String, Value)]) -> Result<ModelSpec, BuildError> {
    let def = lookup_kind(kind)?;
    let mut values: BTreeMap<&'static str, Value> = BTreeMap::new();
    let mut ignored: Vec<&'static str> = Vec::new();
    for (name, value) in params {
        let Some(pd) = def.param(name) else {
            return Err(BuildError::UnknownParam {
                kind: def.name,
                name: name.clone(),
                suggestion: did_you_mean(name, def.params.iter().map(|p| p.name)),
                accepted: def.params_list(),
            });
        };
        let checked = pd.ty.check(value).ok_or_else(|| BuildError::BadValue {
            kind: def.name,
            name: pd.name,
            got: format!("{value} ({})", value.type_name()),
            expected: pd.ty.describe(),
        })?;
        if ignored.contains(&pd.name) || values.contains_key(pd.name) {
            return Err(BuildError::Duplicate {
                kind: def.name,
                name: name.clone(),
            });
        }
        if pd.ignored {
            ignored.push(pd.name);
            continue;
        }
        if values.insert(pd.name, checked).is_some() {
            return Err(BuildError::Duplicate {
                kind: def.name,
                name: name.clone(),
            });
        }
    }
    (def.build)(&Values { def, values })
}

impl ModelSpec {
    /// The kind with every parameter at scikit-learn's default.
    pub fn default_of(kind: &str) -> Result<ModelSpec, BuildError> {
        build_spec(kind, &[])
    }

    /// The parameters that differ from scikit-learn's defaults, sorted by name as
    /// scikit-learn's repr sorts them.
    pub fn changed_values(&self) -> Vec<(&'static str, Value)> {
        let def = self.def();
        let mut changed: Vec<_> = self
            .values()
            .into_iter()
            .filter(|(name, v)| def.param(name).is_none_or(|p| p.default != *v))
            .collect();
        changed.sort_by(|a, b| a.0.cmp(b.0));
        changed
    }

    /// scikit-learn's repr: the class name and only the non-default parameters, sorted by
    /// name, e.g. `RandomForestRegressor(max_depth=12, n_estimators=300)`, `NuSVR()`.
    pub fn display(&self) -> String {
        let args = self
            .changed_values()
            .into_iter()
            .map(|(n, v)| format!("{n}={v}"))
            .collect::<Vec<_>>()
            .join(", ");
        format!("{}({args})", self.kind_name())
    }
}

impl std::fmt::Display for ModelSpec {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.display())
    }
}
