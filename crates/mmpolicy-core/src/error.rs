//! Errors of parsing parameters and rendering policies.

use std::borrow::Cow;
use thiserror::Error;

/// One value that was refused: by its parameter type, or because it does not fit with the
/// other values of the set ([`InvalidParams`] is the error of a whole set).
///
/// Its message names the field, the value and the rule:
/// ``invalid `account_id` `12345`: expected exactly 12 digits``.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("invalid `{}` {}", escape(&self.field), self.detail())]
pub struct InvalidValue {
    /// The parameter name (`account_id`), or the path to it (`archive.kms_key_arn`).
    pub field: Cow<'static, str>,
    /// The value as given, escaped and shortened by [`quote_value`].
    pub value: String,
    /// What the value should have been, and how to fix it.
    pub rule: Cow<'static, str>,
}

impl InvalidValue {
    /// A refusal of `value` for `field` because of `rule`.
    pub fn new(
        field: impl Into<Cow<'static, str>>,
        value: &str,
        rule: impl Into<Cow<'static, str>>,
    ) -> Self {
        InvalidValue {
            field: field.into(),
            value: quote_value(value),
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

/// The longest value, in characters, that a message quotes whole; a longer one is shortened
/// by [`quote_value`].
pub const QUOTED_MAX: usize = 64;

/// Whether `c` must not reach a terminal as it is: control characters (a line break would forge
/// a second message line, an escape sequence would recolour or rewrite the screen), the
/// bidirectional controls that reorder what is shown, and the invisible characters that hide
/// text (zero-width spaces and joiners, the byte order mark, the line and paragraph separators).
fn must_escape(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{200b}'..='\u{200f}'
                | '\u{2028}'..='\u{202e}'
                | '\u{2060}'..='\u{2069}'
                | '\u{061c}'
                | '\u{feff}'
                | '\u{fff9}'..='\u{fffb}'
        )
}

/// The text of a message with every character that could forge or hide part of it written as
/// an escape: `\n`, `\r`, `\t`, and `\u{1b}`, `\u{202e}` style for the others. Every
/// error that quotes user input displays through this function, so that a message stays one
/// honest line whatever the input holds. Escaping is idempotent: an escape is printable text.
pub fn escape(text: &str) -> Cow<'_, str> {
    if !text.chars().any(must_escape) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if must_escape(c) => out.extend(c.escape_unicode()),
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// A value as a message quotes it: [escaped](escape), and when it is longer than
/// [`QUOTED_MAX`] characters, its first [`QUOTED_MAX`] characters, `…` and its length
/// (`aaaa… (5000 characters)`), so that a message stays readable.
pub fn quote_value(value: &str) -> String {
    let count = value.chars().count();
    if count <= QUOTED_MAX {
        return escape(value).into_owned();
    }
    let head: String = value.chars().take(QUOTED_MAX).collect();
    format!("{}… ({count} characters)", escape(&head))
}

/// A parameter set that could not be read: bad JSON, an unknown field, a missing field, or a
/// value that a parameter type refused.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("{}", escape(&self.message))]
pub struct InvalidParams {
    /// The path of the offending field (`account_id`, `create_tags.env`); empty for the whole set.
    pub path: String,
    /// The complete one-line message.
    pub message: String,
    /// The line in the input, when known.
    pub line: Option<usize>,
}

/// What a message calls the names of the input it reads: the parameters of a provider
/// (`render`, `bulk`) or the keys of a deployment file (`bundle`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Noun {
    /// A provider's parameters: ``missing parameter `region`: add it``.
    Parameter,
    /// A deployment file's keys, in tables: ``missing key `bucket` in `[archiving.export]`: add it``.
    Key,
}

impl InvalidParams {
    /// The one mapper from serde's messages to mmpolicy's: builds the error of a failed
    /// deserialisation from the serde path, serde's message and the line, naming the input's
    /// names with `noun`. Rust type names never reach the message, a missing name says to add
    /// it, an unknown one lists the valid ones, and a refused value names its path.
    pub fn from_serde(
        noun: Noun,
        path: impl Into<String>,
        inner: &str,
        line: Option<usize>,
    ) -> Self {
        let path = path.into();
        // `serde_path_to_error` writes `.` for the whole set and `?` where it could not tell
        // (a syntax error before any key); neither names a field.
        let path = if path == "." || path == "?" {
            String::new()
        } else {
            path
        };
        let inner = humanize(inner, noun);
        if let Some(rest) = unknown_field_tail(&inner) {
            return unknown(noun, path, &inner, &rest, line);
        }
        // The path holds the user's keys: a huge one is shortened where the message names it.
        let shown = quote_value(&path);
        let message = if let Some(field) = missing_field(&inner) {
            match noun {
                Noun::Parameter if path.is_empty() => {
                    format!("missing parameter `{field}`: add it")
                }
                Noun::Parameter => format!("missing parameter `{shown}.{field}`: add it"),
                Noun::Key if path.is_empty() => format!("missing key `{field}`: add it"),
                Noun::Key => format!("missing key `{field}` in {}: add it", table_name(&shown)),
            }
        } else if path.is_empty() {
            match noun {
                Noun::Parameter => format!("invalid parameters: {inner}"),
                Noun::Key => inner,
            }
        } else if noun == Noun::Key
            && (inner.starts_with("unknown key") || inner.starts_with("duplicate key"))
        {
            inner
        } else if inner.starts_with('`') && !inner.starts_with(NULL_REFUSED) {
            // A value refused by a parameter type: "`value`: rule".
            format!("invalid `{shown}` {inner}")
        } else {
            format!("invalid `{shown}`: {inner}")
        };
        InvalidParams {
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
            return InvalidParams {
                path: String::new(),
                message: format!("invalid parameters: not valid JSON: {inner}"),
                line,
            };
        }
        InvalidParams::from_serde(Noun::Parameter, path, &strip_json_location(inner), line)
    }
}

impl From<InvalidValue> for InvalidParams {
    fn from(e: InvalidValue) -> Self {
        InvalidParams {
            path: e.field.to_string(),
            message: e.to_string(),
            line: None,
        }
    }
}

/// How every refusal of a JSON `null` starts: a `null` is never taken as "left out", so that a
/// missing value in exported data cannot silently change what a policy grants.
pub const NULL_REFUSED: &str = "`null` is not allowed";

/// Rewrites serde's wording where it would show a Rust type or leave the fix unsaid.
fn humanize(inner: &str, noun: Noun) -> String {
    if inner.starts_with("invalid type: null,") {
        return format!("{NULL_REFUSED}; give a value");
    }
    let mut text = shorten_quoted_string(inner);
    // "expected struct IngressParams" / "expected struct IngressParams with 4 elements".
    if let Some(at) = text.find("expected struct ") {
        text.truncate(at);
        text.push_str(match noun {
            Noun::Parameter => "expected an object of named parameters",
            Noun::Key => "expected a table",
        });
    }
    if text.contains("expected a sequence") {
        text = text.replace("expected a sequence", "expected a list");
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

/// serde quotes a refused string whole (`invalid type: string "…", expected a map`); a huge one
/// is shortened as [`quote_value`] shortens values.
fn shorten_quoted_string(inner: &str) -> String {
    const LEAD: &str = "invalid type: string \"";
    let shortened = inner.strip_prefix(LEAD).and_then(|rest| {
        let end = rest.rfind("\", expected")?;
        let quoted = &rest[..end];
        (quoted.chars().count() > QUOTED_MAX)
            .then(|| format!("{LEAD}{}{}", quote_value(quoted), &rest[end..]))
    });
    shortened.unwrap_or_else(|| inner.to_owned())
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

/// The error of a name the input may not hold. A parameter is named by its whole path
/// (``unknown parameter `archive.x`: expected `a` or `b` ``); a key by its name and its table
/// (``unknown key `x` in `[archive]`: expected `a` or `b` ``).
fn unknown(
    noun: Noun,
    path: String,
    inner: &str,
    rest: &str,
    line: Option<usize>,
) -> InvalidParams {
    match noun {
        Noun::Parameter => {
            let name = if path.is_empty() {
                "?".to_owned()
            } else {
                quote_value(&path)
            };
            InvalidParams {
                message: format!("unknown parameter `{name}`{rest}"),
                path,
                line,
            }
        }
        Noun::Key => {
            let key = inner
                .strip_prefix("unknown field `")
                .and_then(|k| k.split_once('`'))
                .map_or("", |(k, _)| k);
            // Some deserialisers track the unknown key itself as part of the path.
            let path = if path == key {
                String::new()
            } else {
                path.strip_suffix(&format!(".{key}"))
                    .map(str::to_owned)
                    .unwrap_or(path)
            };
            let message = if path.is_empty() {
                format!("unknown key `{}`{rest}", quote_value(key))
            } else {
                format!(
                    "unknown key `{}` in {}{rest}",
                    quote_value(key),
                    table_name(&quote_value(&path))
                )
            };
            InvalidParams {
                path,
                message,
                line,
            }
        }
    }
}

/// How a message names the table at `path`: `[archiving.export]`, or for the third of an
/// array of tables, `[[rule-actions.publish-to-sns]]` number 3.
fn table_name(path: &str) -> String {
    let indexed = path
        .strip_suffix(']')
        .and_then(|p| p.rsplit_once('['))
        .and_then(|(base, i)| i.parse::<usize>().ok().map(|i| (base, i)));
    match indexed {
        Some((base, i)) => format!("`[[{base}]]` number {}", i + 1),
        None => format!("`[{path}]`"),
    }
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
    Params(#[from] InvalidParams),
    /// The parameters were read but do not fit together (a key in another region, a partition
    /// that does not match the region).
    #[error(transparent)]
    Invalid(#[from] InvalidValue),
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
#[error("unknown provider `{}`{}", quote_value(&self.id), suggestion(.closest))]
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
        let e = InvalidValue::new("account_id", "12345", "expected exactly 12 digits");
        assert_eq!(
            e.to_string(),
            "invalid `account_id` `12345`: expected exactly 12 digits"
        );
    }

    #[test]
    fn control_characters_are_escaped() {
        let e = InvalidValue::new("bucket", "a\nb", "x");
        assert_eq!(e.to_string(), "invalid `bucket` `a\\nb`: x");
    }

    #[test]
    fn messages_escape_line_breaks_terminal_escapes_and_invisible_characters() {
        let forged = "evil\nerror: fake\u{1b}[31m\u{202e}x\u{200b}\u{2028}\t";
        let escaped = r"evil\nerror: fake\u{1b}[31m\u{202e}x\u{200b}\u{2028}\t";
        assert_eq!(escape(forged), escaped);
        assert_eq!(escape(escaped), escaped, "escaping twice changes nothing");
        // In a value, in a field name (a key of the input), and in a whole message.
        let e = InvalidValue::new("bucket", forged, "x");
        assert_eq!(e.to_string(), format!("invalid `bucket` `{escaped}`: x"));
        let e = InvalidValue::new(forged.to_owned(), "v", "x");
        assert_eq!(e.to_string(), format!("invalid `{escaped}` `v`: x"));
        let e = InvalidParams::from_serde(
            Noun::Parameter,
            forged.to_owned(),
            &format!("unknown field `{forged}`, expected `a`"),
            None,
        );
        assert_eq!(
            e.to_string(),
            format!("unknown parameter `{escaped}`: expected `a`")
        );
        let e = UnknownProvider {
            id: forged.to_owned(),
            closest: vec![],
        };
        assert!(e.to_string().contains(escaped), "{e}");
        for e in [
            InvalidValue::new(forged.to_owned(), forged, "x").to_string(),
            InvalidParams::from_serde(Noun::Parameter, forged.to_owned(), "`v`: x", None)
                .to_string(),
        ] {
            assert!(
                !e.chars()
                    .any(|c| c.is_control() || ('\u{2000}'..='\u{206f}').contains(&c)),
                "{e:?}"
            );
        }
    }

    #[test]
    fn a_huge_value_is_shortened_with_its_length() {
        let huge = "a".repeat(5000);
        let e = InvalidValue::new("bucket", &huge, "x");
        assert_eq!(
            e.to_string(),
            format!(
                "invalid `bucket` `{}… (5000 characters)`: x",
                "a".repeat(64)
            )
        );
        let e = InvalidParams::from_serde(
            Noun::Parameter,
            "create_tags",
            &format!("invalid type: string \"{huge}\", expected a map"),
            None,
        );
        assert!(e.message.len() < 200, "{}", e.message);
        assert!(e.message.contains("… (5000 characters)"), "{}", e.message);
        let e = InvalidParams::from_serde(
            Noun::Parameter,
            huge.clone(),
            &format!("unknown field `{huge}`, expected `a`"),
            None,
        );
        assert!(e.message.len() < 200, "{}", e.message);
        assert_eq!(quote_value(&"é".repeat(64)), "é".repeat(64));
    }

    #[test]
    fn a_null_is_refused_naming_the_field() {
        assert_eq!(
            InvalidParams::from_serde(
                Noun::Parameter,
                "region",
                "invalid type: null, expected a string",
                None
            )
            .message,
            "invalid `region`: `null` is not allowed; give a value"
        );
        assert_eq!(
            InvalidParams::from_serde(
                Noun::Parameter,
                "ingress_point_id",
                "`null` is not allowed; give an id",
                None
            )
            .message,
            "invalid `ingress_point_id`: `null` is not allowed; give an id"
        );
    }

    #[test]
    fn params_error_from_type_and_from_serde() {
        assert_eq!(
            InvalidParams::from_serde(Noun::Parameter, "region", "`mars-1`: no such region", None)
                .message,
            "invalid `region` `mars-1`: no such region"
        );
        assert_eq!(
            InvalidParams::from_serde(Noun::Parameter, ".", "missing field `region`", None).message,
            "missing parameter `region`: add it"
        );
        assert_eq!(
            InvalidParams::from_serde(Noun::Parameter, "export", "missing field `bucket`", None)
                .message,
            "missing parameter `export.bucket`: add it"
        );
        assert_eq!(
            InvalidParams::from_serde(
                Noun::Parameter,
                ".",
                "invalid length 0, expected struct IngressParams with 4 elements",
                None
            )
            .message,
            "invalid parameters: invalid length 0, expected an object of named parameters"
        );
        assert_eq!(
            InvalidParams::from_serde(
                Noun::Parameter,
                "account_id",
                "invalid type: integer `111122223333`, expected a string",
                None
            )
            .message,
            "invalid `account_id`: invalid type: integer `111122223333`, expected a string: write the value in quotes"
        );
        assert_eq!(
            InvalidParams::from_serde(
                Noun::Parameter,
                "archive.x",
                "unknown field `x`, expected `a` or `b`",
                None
            )
            .message,
            "unknown parameter `archive.x`: expected `a` or `b`"
        );
        let unknown = InvalidParams::from_serde(Noun::Parameter, "?", "key must be a string", None);
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
