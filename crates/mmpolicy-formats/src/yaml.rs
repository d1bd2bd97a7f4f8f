//! A small YAML writer for CloudFormation templates: block mappings and sequences, every
//! string double-quoted (JSON's escapes are YAML's), and CloudFormation's short-form tags.

use serde_json::Value;

/// A YAML node.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Yaml {
    /// A string, written double-quoted.
    Str(String),
    /// A number, boolean or null, written as JSON writes it.
    Scalar(String),
    /// A short-form intrinsic function with a scalar argument: `!Ref Name`.
    Tag(&'static str, String),
    /// A sequence.
    Seq(Vec<Yaml>),
    /// A mapping, in order.
    Map(Vec<(String, Yaml)>),
}

impl Yaml {
    /// A string node.
    pub fn str(s: impl Into<String>) -> Yaml {
        Yaml::Str(s.into())
    }

    /// `!Ref name`.
    pub fn reference(name: impl Into<String>) -> Yaml {
        Yaml::Tag("!Ref", name.into())
    }

    /// A mapping from pairs.
    pub fn map<K: Into<String>>(pairs: impl IntoIterator<Item = (K, Yaml)>) -> Yaml {
        Yaml::Map(pairs.into_iter().map(|(k, v)| (k.into(), v)).collect())
    }

    /// The node of a JSON value.
    pub fn from_json(v: &Value) -> Yaml {
        match v {
            Value::String(s) => Yaml::Str(s.clone()),
            Value::Array(list) => Yaml::Seq(list.iter().map(Yaml::from_json).collect()),
            Value::Object(map) => Yaml::Map(
                map.iter()
                    .map(|(k, v)| (k.clone(), Yaml::from_json(v)))
                    .collect(),
            ),
            other => Yaml::Scalar(other.to_string()),
        }
    }

    /// The node as a YAML document body (no `---`), each line ending in a newline.
    pub fn to_text(&self) -> String {
        let mut out = String::new();
        match self {
            Yaml::Map(pairs) if !pairs.is_empty() => write_map(&mut out, pairs, 0),
            Yaml::Seq(items) if !items.is_empty() => write_seq(&mut out, items, 0),
            other => {
                out.push_str(&inline(other));
                out.push('\n');
            }
        }
        out
    }
}

/// A key, plain when it cannot be mistaken for anything else, else quoted.
fn key(k: &str) -> String {
    let plain = k.starts_with(|c: char| c.is_ascii_alphabetic())
        && k.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    let reserved = matches!(
        k.to_ascii_lowercase().as_str(),
        "y" | "n" | "yes" | "no" | "on" | "off" | "true" | "false" | "null"
    );
    if plain && !reserved {
        k.to_owned()
    } else {
        quote(k)
    }
}

/// A double-quoted scalar.
fn quote(s: &str) -> String {
    // JSON's escapes are all valid in YAML double-quoted scalars.
    serde_json::to_string(s).unwrap_or_default()
}

/// A node that fits on one line: scalars, tags, empty collections.
fn inline(node: &Yaml) -> String {
    match node {
        Yaml::Str(s) => quote(s),
        Yaml::Scalar(s) => s.clone(),
        Yaml::Tag(tag, arg) => format!("{tag} {arg}"),
        Yaml::Seq(_) => "[]".to_owned(),
        Yaml::Map(_) => "{}".to_owned(),
    }
}

fn is_block(node: &Yaml) -> bool {
    match node {
        Yaml::Seq(items) => !items.is_empty(),
        Yaml::Map(pairs) => !pairs.is_empty(),
        _ => false,
    }
}

fn write_map(out: &mut String, pairs: &[(String, Yaml)], indent: usize) {
    let pad = " ".repeat(indent);
    for (k, v) in pairs {
        out.push_str(&pad);
        out.push_str(&key(k));
        out.push(':');
        match v {
            Yaml::Map(inner) if !inner.is_empty() => {
                out.push('\n');
                write_map(out, inner, indent + 2);
            }
            Yaml::Seq(items) if !items.is_empty() => {
                out.push('\n');
                write_seq(out, items, indent + 2);
            }
            other => {
                out.push(' ');
                out.push_str(&inline(other));
                out.push('\n');
            }
        }
    }
}

fn write_seq(out: &mut String, items: &[Yaml], indent: usize) {
    let pad = " ".repeat(indent);
    for item in items {
        out.push_str(&pad);
        out.push('-');
        match item {
            Yaml::Map(pairs) if !pairs.is_empty() => {
                // The first pair on the dash's line, the others under it.
                let mut first = String::new();
                write_map(&mut first, pairs, indent + 2);
                out.push(' ');
                out.push_str(first.trim_start_matches(' '));
            }
            Yaml::Seq(inner) if !inner.is_empty() => {
                out.push('\n');
                write_seq(out, inner, indent + 2);
            }
            other => {
                debug_assert!(!is_block(other));
                out.push(' ');
                out.push_str(&inline(other));
                out.push('\n');
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn policy_document_as_block_yaml() {
        let doc = json!({"Version": "2012-10-17", "Statement": [
            {"Sid": "A", "Effect": "Allow", "Principal": {"Service": "ses.amazonaws.com"},
             "Action": ["kms:Decrypt", "kms:GenerateDataKey*"], "Resource": "*",
             "Condition": {"StringEquals": {"aws:SourceAccount": "111122223333"}, "Bool": {"aws:SecureTransport": false}}},
            {"Sid": "B", "Effect": "Deny", "NotAction": [], "Resource": {}}]});
        let text = Yaml::from_json(&doc).to_text();
        assert_eq!(
            text,
            r#"Version: "2012-10-17"
Statement:
  - Sid: "A"
    Effect: "Allow"
    Principal:
      Service: "ses.amazonaws.com"
    Action:
      - "kms:Decrypt"
      - "kms:GenerateDataKey*"
    Resource: "*"
    Condition:
      StringEquals:
        "aws:SourceAccount": "111122223333"
      Bool:
        "aws:SecureTransport": false
  - Sid: "B"
    Effect: "Deny"
    NotAction: []
    Resource: {}
"#
        );
    }

    #[test]
    fn keys_that_yaml_would_misread_are_quoted() {
        let node = Yaml::map([
            ("yes", Yaml::str("a\"b\n")),
            ("a b", Yaml::reference("X")),
            ("Plain-Key_1", Yaml::Scalar("3".into())),
        ]);
        assert_eq!(
            node.to_text(),
            "\"yes\": \"a\\\"b\\n\"\n\"a b\": !Ref X\nPlain-Key_1: 3\n"
        );
    }

    #[test]
    fn nested_sequences_indent_under_their_dash() {
        let node = Yaml::Seq(vec![Yaml::Seq(vec![Yaml::str("a")]), Yaml::str("b")]);
        assert_eq!(node.to_text(), "-\n  - \"a\"\n- \"b\"\n");
    }
}
