//! Parsing model specs: scikit-learn's repr syntax (`RandomForestRegressor(max_depth=12)`,
//! aliases such as `rf(n_estimators=50)`) and lineup files (TOML, where lists expand to a
//! grid, or one spec per line).
//!
//! # Lineup files
//!
//! A TOML lineup lists models in two ways, which may be mixed:
//!
//! ```toml
//! # Specs in scikit-learn's repr syntax, taken as they are.
//! models = ["RandomForestRegressor()", "NuSVR(C=10)", "ridge(alpha=0.5)"]
//!
//! # One table per kind: `kind` is a class name or alias; every other key is a parameter.
//! # A list gives several values: the table expands to every combination (a grid).
//! [[model]]
//! kind = "RandomForestRegressor"
//! n_estimators = [100, 300]
//! max_depth = [8, 12, "None"]    # TOML has no null: the string "None" means None
//!
//! [[model]]
//! kind = "ElasticNet"
//! alpha = [0.01, 0.1, 1.0]
//! l1_ratio = 0.2
//! ```
//!
//! The specs come in this order: first `models`, then each `[[model]]` table in file order,
//! each grid in the order of scikit-learn's `ParameterGrid` (parameters sorted by name, the
//! last one varying fastest). The example above gives 3 + 6 + 3 = 12 specs. A grid may hold at
//! most [`MAX_GRID`] specs.
//!
//! Any other file (not ending in `.toml`) is read as one spec per line; blank lines and text
//! after `#` are ignored.

use std::fmt;
use std::ops::Range;
use std::path::Path;

use crate::models::{build_spec, BuildError, ModelSpec, Value};

/// The most specs one `[[model]]` table may expand to.
pub const MAX_GRID: usize = 100_000;

/// Where in a text or file an error is: `origin:line:column`, or `column N` in a bare spec.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Location {
    /// A file name, or empty for a spec given on the command line.
    pub origin: String,
    /// 1-based.
    pub line: usize,
    /// 1-based, in characters.
    pub column: usize,
}

impl Location {
    fn in_text(origin: &str, text: &str, offset: usize) -> Location {
        let offset = offset.min(text.len());
        let before = &text[..offset];
        let line = before.matches('\n').count() + 1;
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        Location {
            origin: origin.to_string(),
            line,
            column: text[line_start..offset].chars().count() + 1,
        }
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.origin.is_empty() && self.line == 1 {
            write!(f, "column {}", self.column)
        } else if self.origin.is_empty() {
            write!(f, "line {}, column {}", self.line, self.column)
        } else {
            write!(f, "{}:{}:{}", self.origin, self.line, self.column)
        }
    }
}

/// Why a spec or lineup could not be read.
#[derive(Debug, thiserror::Error)]
pub enum SpecError {
    /// Malformed syntax.
    #[error("{at}: {message}")]
    Syntax { at: Location, message: String },
    /// Well-formed, but an unknown kind or parameter, or a bad value.
    #[error("{at}: {source}")]
    Invalid {
        at: Location,
        #[source]
        source: Box<BuildError>,
    },
    #[error("cannot read lineup {path}: {source}")]
    Io {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error("{origin}: the lineup has no models")]
    Empty { origin: String },
}

impl SpecError {
    /// Where the error is, if it is in a text.
    pub fn location(&self) -> Option<&Location> {
        match self {
            SpecError::Syntax { at, .. } | SpecError::Invalid { at, .. } => Some(at),
            _ => None,
        }
    }
}

/// Parses one spec in scikit-learn's repr syntax: `Name` or `Name(param=value, ...)`, where
/// `Name` is a class name (any case, with or without a module path such as
/// `sklearn.svm.NuSVR`) or an alias and values are `None`, `True`, `False`,
/// strings in `'` or `"`, ints or floats (`1e-3`). Unnamed parameters take scikit-learn's
/// defaults.
pub fn parse_model(text: &str) -> Result<ModelSpec, SpecError> {
    parse_model_at(text, "", text, 0)
}

/// Parses `text`, which sits at byte `base` of `whole` in `origin`, for error locations.
fn parse_model_at(
    text: &str,
    origin: &str,
    whole: &str,
    base: usize,
) -> Result<ModelSpec, SpecError> {
    let at = |offset: usize| Location::in_text(origin, whole, base + offset);
    let call = Parser::new(text)
        .call()
        .map_err(|(offset, message)| SpecError::Syntax {
            at: at(offset),
            message,
        })?;
    let params: Vec<(String, Value)> = call
        .args
        .iter()
        .map(|a| (a.name.clone(), a.value.clone()))
        .collect();
    build_spec(&call.name, &params).map_err(|source| {
        let offset = match source.param() {
            Some(p) => call
                .args
                .iter()
                .rev()
                .find(|a| a.name == p)
                .map_or(call.name_span.start, |a| a.span.start),
            None => call.name_span.start,
        };
        SpecError::Invalid {
            at: at(offset),
            source: Box::new(source),
        }
    })
}

struct Arg {
    name: String,
    value: Value,
    /// Of `name=value`.
    span: Range<usize>,
}

struct Call {
    name: String,
    name_span: Range<usize>,
    args: Vec<Arg>,
}

/// A small recursive-descent parser over bytes; errors are `(byte offset, message)`.
struct Parser<'a> {
    s: &'a str,
    pos: usize,
    /// How deep in nested specs the parser is.
    depth: usize,
}

type PResult<T> = Result<T, (usize, String)>;

impl<'a> Parser<'a> {
    fn new(s: &'a str) -> Self {
        Parser {
            s,
            pos: 0,
            depth: 0,
        }
    }

    fn peek(&self) -> Option<char> {
        self.s[self.pos..].chars().next()
    }

    fn ws(&mut self) {
        while let Some(c) = self.peek() {
            if c.is_whitespace() {
                self.pos += c.len_utf8();
            } else {
                break;
            }
        }
    }

    fn describe_here(&self) -> String {
        match self.peek() {
            Some(c) => format!("'{c}'"),
            None => "the end".into(),
        }
    }

    fn ident(&mut self, what: &str) -> PResult<(String, Range<usize>)> {
        let start = self.pos;
        match self.peek() {
            Some(c) if c.is_ascii_alphabetic() || c == '_' => {}
            _ => {
                return Err((
                    start,
                    format!("expected {what}, found {}", self.describe_here()),
                ))
            }
        }
        while let Some(c) = self.peek() {
            if c.is_ascii_alphanumeric() || c == '_' {
                self.pos += 1;
            } else {
                break;
            }
        }
        Ok((self.s[start..self.pos].to_string(), start..self.pos))
    }

    fn call(&mut self) -> PResult<Call> {
        let call = self.call_inner()?;
        if self.pos < self.s.len() {
            return Err((
                self.pos,
                format!("unexpected {} after the model spec", self.describe_here()),
            ));
        }
        Ok(call)
    }

    /// A nested spec as a value (`estimator=Ridge(alpha=2)`), built at once; how deep specs
    /// may nest is bounded so that no input can exhaust the stack.
    fn nested(&mut self) -> PResult<Value> {
        const MAX_DEPTH: usize = 8;
        if self.depth >= MAX_DEPTH {
            return Err((
                self.pos,
                format!("model specs nest at most {MAX_DEPTH} deep"),
            ));
        }
        self.depth += 1;
        let start = self.pos;
        let call = self.call_inner();
        self.depth -= 1;
        let call = call?;
        let params: Vec<(String, Value)> = call
            .args
            .iter()
            .map(|a| (a.name.clone(), a.value.clone()))
            .collect();
        build_spec(&call.name, &params)
            .map(|m| Value::Model(Box::new(m)))
            .map_err(|e| {
                let at = e
                    .param()
                    .and_then(|p| call.args.iter().rev().find(|a| a.name == p))
                    .map_or(start, |a| a.span.start);
                (at, e.to_string())
            })
    }

    fn call_inner(&mut self) -> PResult<Call> {
        self.ws();
        if self.peek().is_none() {
            return Err((
                self.pos,
                "empty model spec; expected e.g. 'Ridge(alpha=0.5)'".into(),
            ));
        }
        let (mut name, mut name_span) =
            self.ident("a model name such as 'RandomForestRegressor' or 'rf'")?;
        // a module path, as in `sklearn.ensemble.RandomForestRegressor`: keep the class name
        while self.peek() == Some('.') {
            self.pos += 1;
            (name, name_span) = self.ident("a class name after '.'")?;
        }
        self.ws();
        let mut args = Vec::new();
        if self.peek() == Some('(') {
            self.pos += 1;
            self.ws();
            while self.peek() != Some(')') {
                args.push(self.arg()?);
                self.ws();
                match self.peek() {
                    Some(',') => {
                        self.pos += 1;
                        self.ws();
                    }
                    Some(')') => {}
                    _ => {
                        return Err((
                            self.pos,
                            format!("expected ',' or ')', found {}", self.describe_here()),
                        ))
                    }
                }
            }
            self.pos += 1;
            self.ws();
        }
        Ok(Call {
            name,
            name_span,
            args,
        })
    }

    fn arg(&mut self) -> PResult<Arg> {
        const POSITIONAL: &str = "positional arguments are not accepted: write name=value";
        let start = self.pos;
        let name = match self.peek() {
            Some(c) if c.is_ascii_alphabetic() || c == '_' => self.ident("a parameter name")?.0,
            _ => return Err((start, POSITIONAL.into())),
        };
        self.ws();
        if self.peek() != Some('=') {
            return Err(if matches!(name.as_str(), "None" | "True" | "False") {
                (start, POSITIONAL.into())
            } else {
                let found = self.describe_here();
                (
                    self.pos,
                    format!("expected '=' after '{name}', found {found}"),
                )
            });
        }
        self.pos += 1;
        self.ws();
        let value = self.value()?;
        Ok(Arg {
            name,
            value,
            span: start..self.pos,
        })
    }

    fn value(&mut self) -> PResult<Value> {
        let start = self.pos;
        match self.peek() {
            Some(q @ ('\'' | '"')) => {
                self.pos += 1;
                let body_start = self.pos;
                match self.s[self.pos..].find(q) {
                    Some(len) => {
                        self.pos += len + 1;
                        Ok(Value::Str(
                            self.s[body_start..body_start + len].to_string().into(),
                        ))
                    }
                    None => Err((start, "unterminated string".into())),
                }
            }
            Some(c) if c.is_ascii_alphabetic() => {
                let (word, _) = self.ident("a value")?;
                // infinity as Python writes it: `inf`, `np.inf`, `numpy.inf`, `math.inf`
                if word == "inf" {
                    return Ok(Value::Float(f64::INFINITY));
                }
                if matches!(word.as_str(), "np" | "numpy" | "math")
                    && self.s[self.pos..].starts_with(".inf")
                    && !self.s[self.pos + 4..]
                        .starts_with(|c: char| c.is_ascii_alphanumeric() || c == '_')
                {
                    self.pos += 4;
                    return Ok(Value::Float(f64::INFINITY));
                }
                if matches!(
                    self.s[self.pos..].trim_start().chars().next(),
                    Some('(' | '.')
                ) {
                    self.pos = start;
                    return self.nested();
                }
                match word.as_str() {
                    "None" => Ok(Value::None),
                    "True" => Ok(Value::Bool(true)),
                    "False" => Ok(Value::Bool(false)),
                    _ => Err((
                        start,
                        format!(
                            "expected a value (None, True, False, a number or a quoted string), \
                             found '{word}'; strings need quotes: '{word}'"
                        ),
                    )),
                }
            }
            Some('-') if self.s[self.pos + 1..].starts_with("inf") => {
                self.pos += 1;
                match self.value()? {
                    Value::Float(x) if x.is_infinite() => Ok(Value::Float(-x)),
                    _ => Err((start, "expected a number after '-'".into())),
                }
            }
            Some(c) if c.is_ascii_digit() || matches!(c, '+' | '-' | '.') => self.number(),
            Some(open @ ('(' | '[')) => self.tuple(if open == '(' { ')' } else { ']' }),
            _ => Err((
                start,
                format!(
                    "expected a value (None, True, False, a number or a quoted string), found {}",
                    self.describe_here()
                ),
            )),
        }
    }

    /// A tuple or list of numbers, `(0.1, 1.0, 10.0)`, `[1, 2]`, `(0.5,)`.
    fn tuple(&mut self, close: char) -> PResult<Value> {
        let start = self.pos;
        self.pos += 1;
        let mut items = Vec::new();
        loop {
            self.ws();
            if self.peek() == Some(close) {
                self.pos += 1;
                break;
            }
            let at = self.pos;
            match self.number() {
                Ok(Value::Int(i)) => items.push(i as f64),
                Ok(Value::Float(x)) => items.push(x),
                Ok(_) => return Err((at, "expected a number".into())),
                Err(e) => return Err(e),
            }
            self.ws();
            match self.peek() {
                Some(',') => self.pos += 1,
                Some(c) if c == close => {}
                _ => {
                    return Err((
                        self.pos,
                        format!(
                            "expected ',' or '{close}' in the tuple opened here, found {}",
                            self.describe_here()
                        ),
                    ))
                }
            }
        }
        if items.is_empty() {
            return Err((start, "an empty tuple is not a parameter value".into()));
        }
        Ok(Value::Floats(items))
    }

    fn number(&mut self) -> PResult<Value> {
        let start = self.pos;
        while let Some(c) = self.peek() {
            let prev = self.s[..self.pos].chars().last();
            let sign_ok =
                matches!(c, '+' | '-') && (self.pos == start || matches!(prev, Some('e' | 'E')));
            if c.is_ascii_digit() || matches!(c, '.' | 'e' | 'E' | '_') || sign_ok {
                self.pos += 1;
            } else {
                break;
            }
        }
        let raw = &self.s[start..self.pos];
        let text: String = raw.chars().filter(|c| *c != '_').collect();
        let is_float = text.contains(['.', 'e', 'E']);
        if !is_float {
            if let Ok(i) = text.parse::<i64>() {
                return Ok(Value::Int(i));
            }
        } else if let Ok(x) = text.parse::<f64>() {
            if x.is_finite() {
                return Ok(Value::Float(x));
            }
        }
        Err((start, format!("'{raw}' is not a number")))
    }
}

/// A model of the command line: a spec (see [`parse_model`]), or scikit-learn's
/// `make_pipeline(StandardScaler(), SPEC)`, which standardizes the numeric features for that
/// model alone (a lineup mixing trees and kernels scales only the kernels).
pub fn parse_entry(text: &str) -> Result<crate::plan::Entry, SpecError> {
    let t = text.trim();
    let Some(inner) = t
        .strip_prefix("make_pipeline(")
        .and_then(|r| r.strip_suffix(')'))
    else {
        return Ok(crate::plan::Entry::plain(parse_model(text)?));
    };
    let start = text.find("make_pipeline(").unwrap_or(0) + "make_pipeline(".len();
    let bad = |message: &str| SpecError::Syntax {
        at: Location::in_text("", text, start),
        message: message.to_string(),
    };
    let Some((first, rest)) = inner.split_once(',') else {
        return Err(bad("expected make_pipeline(StandardScaler(), MODEL)"));
    };
    if first.split_whitespace().collect::<String>() != "StandardScaler()" {
        return Err(bad(
            "the only step fitpool takes before a model is StandardScaler(): \
             make_pipeline(StandardScaler(), MODEL)",
        ));
    }
    let offset = start + first.len() + 1;
    let spec = parse_model(rest).map_err(|e| match e {
        SpecError::Syntax { at, message } => SpecError::Syntax {
            at: Location::in_text("", text, offset + at.column.saturating_sub(1)),
            message,
        },
        SpecError::Invalid { at, source } => SpecError::Invalid {
            at: Location::in_text("", text, offset + at.column.saturating_sub(1)),
            source,
        },
        e => e,
    })?;
    Ok(crate::plan::Entry { spec, scale: true })
}

/// The article's four models: `RandomForestRegressor()`, `NuSVR()`, `Ridge()`, `ElasticNet()`.
pub fn default_lineup() -> Vec<ModelSpec> {
    ["RandomForestRegressor", "NuSVR", "Ridge", "ElasticNet"]
        .iter()
        .map(|k| ModelSpec::default_of(k).expect("built-in kinds exist"))
        .collect()
}

/// `-m all`: every registered kind with its defaults, in the registry's order (as
/// `fitpool models` lists them), lazypredict's "every regressor" run.
pub fn all_kinds() -> Vec<ModelSpec> {
    crate::models::kinds()
        .iter()
        .filter_map(|k| ModelSpec::default_of(k.name).ok())
        .collect()
}

/// `--exclude`: the kinds named (class names or aliases, case-insensitive, as `-m` takes
/// them), or the first unknown name's error with its closest match.
pub fn excluded_kinds(names: &[String]) -> Result<Vec<&'static str>, BuildError> {
    names
        .iter()
        .map(|n| crate::models::lookup_kind(n.trim()).map(|k| k.name))
        .collect()
}

/// Reads a lineup file: TOML if the name ends in `.toml`, else one spec per line (see the
/// module docs).
pub fn load_lineup(path: &Path) -> Result<Vec<ModelSpec>, SpecError> {
    let origin = path.display().to_string();
    let text = std::fs::read_to_string(path).map_err(|source| SpecError::Io {
        path: origin.clone(),
        source,
    })?;
    if path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("toml"))
    {
        parse_lineup_toml(&text, &origin)
    } else {
        parse_lineup_lines(&text, &origin)
    }
}

/// Parses one spec per line; blank lines and text after `#` are ignored.
pub fn parse_lineup_lines(text: &str, origin: &str) -> Result<Vec<ModelSpec>, SpecError> {
    let mut specs = Vec::new();
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let content = line.split('#').next().unwrap_or("");
        if !content.trim().is_empty() {
            specs.push(parse_model_at(content.trim_end(), origin, text, offset)?);
        }
        offset += line.len();
    }
    if specs.is_empty() {
        return Err(SpecError::Empty {
            origin: origin.into(),
        });
    }
    Ok(specs)
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct LineupFile {
    #[serde(default)]
    models: Vec<toml::Spanned<String>>,
    #[serde(default)]
    model: Vec<
        toml::Spanned<
            std::collections::BTreeMap<toml::Spanned<String>, toml::Spanned<toml::Value>>,
        >,
    >,
}

/// Parses a TOML lineup (see the module docs for the format); `origin` names it in errors.
pub fn parse_lineup_toml(text: &str, origin: &str) -> Result<Vec<ModelSpec>, SpecError> {
    let file: LineupFile = toml::from_str(text).map_err(|e| SpecError::Syntax {
        at: Location::in_text(origin, text, e.span().map_or(0, |s| s.start)),
        message: format!(
            "{}; a lineup has `models = [\"Name(p=v)\", ...]` and/or [[model]] tables with \
             `kind = \"Name\"` and parameters",
            e.message().trim_end()
        ),
    })?;
    let mut specs = Vec::new();
    for s in &file.models {
        // The string's text starts after its opening quote.
        let base = s.span().start + 1;
        specs.push(
            parse_model_at(s.get_ref(), origin, text, base)
                .map_err(|e| relocate_string_error(e, origin, text, s.span().start))?,
        );
    }
    for table in &file.model {
        expand_table(table, text, origin, &mut specs)?;
    }
    if specs.is_empty() {
        return Err(SpecError::Empty {
            origin: origin.into(),
        });
    }
    Ok(specs)
}

/// Escapes in a TOML string shift offsets; if that happened, point at the string's start.
fn relocate_string_error(e: SpecError, origin: &str, text: &str, start: usize) -> SpecError {
    let fix = |at: Location| {
        let here = Location::in_text(origin, text, start);
        if at.line == here.line {
            at
        } else {
            here
        }
    };
    match e {
        SpecError::Syntax { at, message } => SpecError::Syntax {
            at: fix(at),
            message,
        },
        SpecError::Invalid { at, source } => SpecError::Invalid {
            at: fix(at),
            source,
        },
        other => other,
    }
}

type SpannedTable =
    toml::Spanned<std::collections::BTreeMap<toml::Spanned<String>, toml::Spanned<toml::Value>>>;

fn expand_table(
    table: &SpannedTable,
    text: &str,
    origin: &str,
    out: &mut Vec<ModelSpec>,
) -> Result<(), SpecError> {
    let at = |offset: usize| Location::in_text(origin, text, offset);
    let map = table.get_ref();
    let Some((_, kind)) = map.iter().find(|(k, _)| k.get_ref() == "kind") else {
        return Err(SpecError::Syntax {
            at: at(table.span().start),
            message: "this [[model]] table has no `kind = \"...\"` (a class name or alias)".into(),
        });
    };
    let toml::Value::String(kind_name) = kind.get_ref() else {
        return Err(SpecError::Syntax {
            at: at(kind.span().start),
            message: "`kind` must be a string, e.g. kind = \"RandomForestRegressor\"".into(),
        });
    };
    // Parameters sorted by name (BTreeMap order), each with its candidate values.
    // (name, values, key offset, value offset)
    let mut axes: Vec<(&str, Vec<Value>, usize, usize)> = Vec::new();
    for (key, value) in map.iter().filter(|(k, _)| k.get_ref() != "kind") {
        let offset = value.span().start;
        let values = match value.get_ref() {
            toml::Value::Array(items) => {
                if items.is_empty() {
                    return Err(SpecError::Syntax {
                        at: at(offset),
                        message: format!("'{}' has an empty list of values", key.get_ref()),
                    });
                }
                items
                    .iter()
                    .map(|v| scalar(v, key.get_ref()).map_err(|m| (offset, m)))
                    .collect::<Result<Vec<_>, _>>()
            }
            v => scalar(v, key.get_ref())
                .map(|x| vec![x])
                .map_err(|m| (offset, m)),
        }
        .map_err(|(o, message)| SpecError::Syntax { at: at(o), message })?;
        axes.push((key.get_ref(), values, key.span().start, offset));
    }
    let total = axes
        .iter()
        .try_fold(1usize, |acc, (_, v, _, _)| acc.checked_mul(v.len()))
        .filter(|t| *t <= MAX_GRID);
    let Some(total) = total else {
        return Err(SpecError::Syntax {
            at: at(table.span().start),
            message: format!("this [[model]] table expands to more than {MAX_GRID} specs"),
        });
    };
    let mut index = vec![0usize; axes.len()];
    for _ in 0..total {
        let params: Vec<(String, Value)> = axes
            .iter()
            .zip(&index)
            .map(|((name, values, _, _), &i)| (name.to_string(), values[i].clone()))
            .collect();
        let spec = build_spec(kind_name, &params).map_err(|source| {
            let offset = match source.param() {
                Some(p) => axes
                    .iter()
                    .find(|a| a.0 == p)
                    .map_or(kind.span().start, |a| {
                        // a bad value points at the value, an unknown name at the name
                        match source {
                            BuildError::BadValue { .. } | BuildError::Unsupported { .. } => a.3,
                            _ => a.2,
                        }
                    }),
                None => kind.span().start,
            };
            SpecError::Invalid {
                at: at(offset),
                source: Box::new(source),
            }
        })?;
        out.push(spec);
        // Odometer: the last parameter varies fastest, as sklearn's ParameterGrid.
        for k in (0..index.len()).rev() {
            index[k] += 1;
            if index[k] < axes[k].1.len() {
                break;
            }
            index[k] = 0;
        }
    }
    Ok(())
}

fn scalar(v: &toml::Value, key: &str) -> Result<Value, String> {
    Ok(match v {
        toml::Value::String(s) if s == "None" => Value::None,
        // a nested estimator, as in `estimator = "Ridge(alpha=2)"`
        toml::Value::String(s) if s.trim_end().ends_with(')') && s.contains('(') => {
            match parse_model(s) {
                Ok(m) => Value::Model(Box::new(m)),
                Err(e) => return Err(format!("'{key}': {e}")),
            }
        }
        toml::Value::String(s) => Value::Str(s.clone().into()),
        toml::Value::Integer(i) => Value::Int(*i),
        toml::Value::Float(x) => Value::Float(*x),
        toml::Value::Boolean(b) => Value::Bool(*b),
        toml::Value::Array(_) => {
            return Err(format!(
                "'{key}': nested lists are not accepted; give a flat list"
            ))
        }
        other => {
            return Err(format!(
            "'{key}': a {} is not a parameter value; use a number, a boolean, a string or \"None\"",
            other.type_str()
        ))
        }
    })
}
