//! Errors of parsing parameters and rendering policies.

use std::borrow::Cow;
use thiserror::Error;

/// A value that a parameter type refused.
///
/// Its message names the field, the value and the rule:
/// ``invalid `account_id` `12345`: expected exactly 12 digits``.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("invalid `{field}` {}", self.detail())]
pub struct ParamError {
    /// The parameter name (`account_id`), or the path to it (`archive.kms_key_arn`).
    pub field: Cow<'static, str>,
    /// The value as given, with control characters escaped.
    pub value: String,
    /// What the value should have been, and how to fix it.
    pub rule: Cow<'static, str>,
}

impl ParamError {
    /// A refusal of `value` for `field` because of `rule`.
    pub fn new(
        field: impl Into<Cow<'static, str>>,
        value: &str,
        rule: impl Into<Cow<'static, str>>,
    ) -> Self {
        ParamError {
            field: field.into(),
            value: escape(value),
            rule: rule.into(),
        }
    }

    /// The message without the field: ``` `12345`: expected exactly 12 digits ```.
    pub fn detail(&self) -> String {
        format!("`{}`: {}", self.value, self.rule)
    }

    /// The same refusal reported against another field name.
    pub fn with_field(mut self, field: impl Into<Cow<'static, str>>) -> Self {
        self.field = field.into();
        self
    }
}

/// Escapes control characters and truncates very long values so that a message stays one
/// readable line.
fn escape(value: &str) -> String {
    const MAX: usize = 120;
    let mut out = String::new();
    for (i, c) in value.chars().enumerate() {
        if i == MAX {
            out.push('…');
            break;
        }
        if c.is_control() {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    out
}

/// A parameter set that could not be read: bad JSON, an unknown field, a missing field, or a
/// value that a parameter type refused.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("{message}")]
pub struct ParamsError {
    /// The path of the offending field (`account_id`, `create_tags.env`); empty for the whole set.
    pub path: String,
    /// The complete one-line message.
    pub message: String,
    /// The line in the input, when known.
    pub line: Option<usize>,
}

impl ParamsError {
    /// Builds the error of a failed deserialisation from the serde path and the inner message.
    pub fn from_parts(path: String, inner: String, line: Option<usize>) -> Self {
        // `serde_path_to_error` writes `.` for the whole set and `?` where it could not tell
        // (a syntax error before any key); neither names a field.
        let path = if path == "." || path == "?" {
            String::new()
        } else {
            path
        };
        let inner = humanize(&inner);
        let message = if let Some(rest) = unknown_field_tail(&inner) {
            // serde: "unknown field `x`, expected one of `a`, `b`"; the path names `x` in full.
            let name = if path.is_empty() { "?" } else { path.as_str() };
            format!("unknown field `{name}`{rest}")
        } else if let Some(field) = missing_field(&inner) {
            let full = if path.is_empty() {
                field.to_owned()
            } else {
                format!("{path}.{field}")
            };
            format!("missing parameter `{full}`: add it")
        } else if path.is_empty() {
            format!("invalid parameters: {inner}")
        } else if inner.starts_with('`') {
            // A value refused by a parameter type: "`value`: rule".
            format!("invalid `{path}` {inner}")
        } else {
            format!("invalid `{path}`: {inner}")
        };
        ParamsError {
            path,
            message,
            line,
        }
    }

    /// The error with the provider named where it helps: a missing parameter points to
    /// `mmpolicy describe <that provider's id>`, which lists every parameter.
    pub fn for_provider(mut self, id: &str) -> Self {
        if self.message.starts_with("missing parameter") {
            self.message.push_str(&format!(
                " (`mmpolicy describe {id}` lists every parameter)"
            ));
        }
        self
    }

    /// Converts a failed `serde_json` deserialisation tracked by `serde_path_to_error`.
    pub fn from_json(err: serde_path_to_error::Error<serde_json::Error>) -> Self {
        let path = err.path().to_string();
        let inner = err.inner();
        let line = (inner.line() > 0).then(|| inner.line());
        if matches!(
            inner.classify(),
            serde_json::error::Category::Syntax | serde_json::error::Category::Eof
        ) {
            return ParamsError {
                path: String::new(),
                message: format!("invalid parameters: not valid JSON: {inner}"),
                line,
            };
        }
        ParamsError::from_parts(path, strip_json_location(inner), line)
    }
}

impl From<ParamError> for ParamsError {
    fn from(e: ParamError) -> Self {
        ParamsError {
            path: e.field.to_string(),
            message: e.to_string(),
            line: None,
        }
    }
}

/// Rewrites serde's wording where it would show a Rust type or leave the fix unsaid.
fn humanize(inner: &str) -> String {
    let mut text = inner.to_owned();
    // "expected struct IngressParams" / "expected struct IngressParams with 4 elements".
    if let Some(at) = text.find("expected struct ") {
        text.truncate(at);
        text.push_str("expected an object of named parameters");
    }
    if let Some(at) = text.find("expected a map") {
        text.truncate(at);
        text.push_str("expected an object of named values");
    }
    if text.starts_with("invalid type: ") && text.ends_with("expected a string") {
        text.push_str(": write the value in quotes");
    }
    text
}

/// The field of serde's "missing field `x`" message.
fn missing_field(inner: &str) -> Option<&str> {
    inner
        .strip_prefix("missing field `")
        .and_then(|rest| rest.strip_suffix('`'))
}

/// The part after the field name of serde's "unknown field `x`, expected ..." message, with
/// the comma turned into a colon; `None` for any other message.
fn unknown_field_tail(inner: &str) -> Option<String> {
    let after = inner.strip_prefix("unknown field `")?;
    let (_, rest) = after.split_once('`')?;
    Some(match rest.strip_prefix(", ") {
        Some(expected) => format!(": {expected}"),
        None => rest.to_owned(),
    })
}

/// `serde_json` appends " at line L column C" to its messages; the path says more, so drop it.
fn strip_json_location(err: &serde_json::Error) -> String {
    let text = err.to_string();
    if err.line() == 0 {
        return text;
    }
    let suffix = format!(" at line {} column {}", err.line(), err.column());
    text.strip_suffix(&suffix)
        .map(str::to_owned)
        .unwrap_or(text)
}

/// Why a provider could not render a policy.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum RenderError {
    /// The parameters could not be read.
    #[error(transparent)]
    Params(#[from] ParamsError),
    /// The parameters were read but do not fit together (a key in another region, a partition
    /// that does not match the region).
    #[error(transparent)]
    Invalid(#[from] ParamError),
}

impl RenderError {
    /// The path of the offending field, when one is to blame.
    pub fn field(&self) -> Option<&str> {
        match self {
            RenderError::Params(e) => (!e.path.is_empty()).then_some(e.path.as_str()),
            RenderError::Invalid(e) => Some(&e.field),
        }
    }
}

/// A provider id that is not in the registry.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("unknown provider `{id}`{}", suggestion(.closest))]
pub struct UnknownProvider {
    /// The id asked for.
    pub id: String,
    /// The closest registered ids, best first.
    pub closest: Vec<&'static str>,
}

fn suggestion(closest: &[&str]) -> String {
    match closest {
        [] => ": run `mmpolicy list` to see every provider".to_owned(),
        [one] => format!(": did you mean `{one}`?"),
        many => {
            let quoted: Vec<String> = many.iter().map(|s| format!("`{s}`")).collect();
            format!(": did you mean one of {}?", quoted.join(", "))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn param_error_message_names_field_value_and_rule() {
        let e = ParamError::new("account_id", "12345", "expected exactly 12 digits");
        assert_eq!(
            e.to_string(),
            "invalid `account_id` `12345`: expected exactly 12 digits"
        );
    }

    #[test]
    fn control_characters_are_escaped() {
        let e = ParamError::new("bucket", "a\nb", "x");
        assert_eq!(e.to_string(), "invalid `bucket` `a\\nb`: x");
    }

    #[test]
    fn params_error_from_type_and_from_serde() {
        assert_eq!(
            ParamsError::from_parts("region".into(), "`mars-1`: no such region".into(), None)
                .message,
            "invalid `region` `mars-1`: no such region"
        );
        assert_eq!(
            ParamsError::from_parts(".".into(), "missing field `region`".into(), None).message,
            "missing parameter `region`: add it"
        );
        assert_eq!(
            ParamsError::from_parts("export".into(), "missing field `bucket`".into(), None).message,
            "missing parameter `export.bucket`: add it"
        );
        assert_eq!(
            ParamsError::from_parts(
                ".".into(),
                "invalid length 0, expected struct IngressParams with 4 elements".into(),
                None
            )
            .message,
            "invalid parameters: invalid length 0, expected an object of named parameters"
        );
        assert_eq!(
            ParamsError::from_parts(
                "account_id".into(),
                "invalid type: integer `111122223333`, expected a string".into(),
                None
            )
            .message,
            "invalid `account_id`: invalid type: integer `111122223333`, expected a string: write the value in quotes"
        );
        assert_eq!(
            ParamsError::from_parts(
                "archive.x".into(),
                "unknown field `x`, expected `a` or `b`".into(),
                None
            )
            .message,
            "unknown field `archive.x`: expected `a` or `b`"
        );
        let unknown = ParamsError::from_parts("?".into(), "key must be a string".into(), None);
        assert_eq!(unknown.message, "invalid parameters: key must be a string");
        assert_eq!(unknown.path, "");
    }

    #[test]
    fn unknown_provider_suggests() {
        let e = UnknownProvider {
            id: "ingres.key-policy".into(),
            closest: vec!["ingress.key-policy"],
        };
        assert_eq!(
            e.to_string(),
            "unknown provider `ingres.key-policy`: did you mean `ingress.key-policy`?"
        );
    }
}
