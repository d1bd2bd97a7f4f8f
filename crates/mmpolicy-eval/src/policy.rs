//! A policy read for evaluation: its statements, each with its effect, what it names
//! (`Action`/`NotAction`, `Resource`/`NotResource`, `Principal`/`NotPrincipal`) and its
//! conditions.
//!
//! AWS, "IAM JSON policy element reference": `Statement` is one object or a list; `Action`,
//! `Resource` and their `Not` forms are a string or a list of strings.

use serde_json::{Map, Value};

use crate::EvalError;
use crate::condition::Condition;
use crate::principal::PrincipalElement;

/// `Allow` or `Deny`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
pub enum Effect {
    /// The statement allows.
    Allow,
    /// The statement denies.
    Deny,
}

/// A list element and whether it is the `Not` form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Names {
    pub(crate) not: bool,
    pub(crate) items: Vec<String>,
}

/// One statement.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Statement {
    pub(crate) sid: Option<String>,
    pub(crate) effect: Effect,
    pub(crate) action: Names,
    /// `None` when the statement has neither `Resource` nor `NotResource` (trust policies).
    pub(crate) resource: Option<Names>,
    /// With whether it is `NotPrincipal`.
    pub(crate) principal: Option<(bool, PrincipalElement)>,
    pub(crate) conditions: Vec<Condition>,
}

/// A policy document, read and checked: ready to evaluate any number of times.
#[derive(Debug, Clone, PartialEq)]
pub struct Policy {
    pub(crate) statements: Vec<Statement>,
}

impl Policy {
    /// Reads policy text (JSON; a leading byte-order mark is ignored).
    pub fn parse(text: &str) -> Result<Policy, EvalError> {
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let value: Value = serde_json::from_str(text).map_err(|e| {
            let full = e.to_string();
            let suffix = format!(" at line {} column {}", e.line(), e.column());
            EvalError::Json {
                line: e.line(),
                column: e.column(),
                message: full.strip_suffix(&suffix).unwrap_or(&full).to_owned(),
            }
        })?;
        Policy::from_value(&value)
    }

    /// Reads a parsed policy document, or a list of statements (as mmpolicy writes key,
    /// secret and bucket policies to merge), evaluated as a document holding them.
    pub fn from_value(value: &Value) -> Result<Policy, EvalError> {
        let root = match value {
            Value::Object(root) => root,
            Value::Array(items) if items.is_empty() => {
                return Err(EvalError::malformed(
                    "",
                    "the list of statements is empty: give at least one statement",
                ));
            }
            Value::Array(items) => {
                return Ok(Policy {
                    statements: read_statements(items, "")?,
                });
            }
            _ => {
                return Err(EvalError::malformed(
                    "",
                    "a policy is an object: `{\"Version\": \"2012-10-17\", \"Statement\": [...]}`, or a list of statements",
                ));
            }
        };
        let statements = match root.get("Statement") {
            Some(Value::Object(o)) => vec![read_statement(o, "/Statement")?],
            Some(Value::Array(items)) => read_statements(items, "/Statement")?,
            Some(_) => {
                return Err(EvalError::malformed(
                    "/Statement",
                    "`Statement` is an object or a list of objects",
                ));
            }
            None => {
                return Err(EvalError::malformed("", "the policy has no `Statement`"));
            }
        };
        Ok(Policy { statements })
    }

    /// How many statements the policy has.
    pub fn len(&self) -> usize {
        self.statements.len()
    }

    /// Whether the policy has no statement.
    pub fn is_empty(&self) -> bool {
        self.statements.is_empty()
    }
}

/// The statements of a list whose pointer is `base`.
fn read_statements(items: &[Value], base: &str) -> Result<Vec<Statement>, EvalError> {
    items
        .iter()
        .enumerate()
        .map(|(i, item)| {
            let p = ptr(base, i);
            match item {
                Value::Object(o) => read_statement(o, &p),
                _ => Err(EvalError::malformed(p, "a statement is an object")),
            }
        })
        .collect()
}

impl std::str::FromStr for Policy {
    type Err = EvalError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Policy::parse(s)
    }
}

impl TryFrom<&Value> for Policy {
    type Error = EvalError;
    fn try_from(value: &Value) -> Result<Self, Self::Error> {
        Policy::from_value(value)
    }
}

fn read_statement(o: &Map<String, Value>, p: &str) -> Result<Statement, EvalError> {
    for key in o.keys() {
        if !matches!(
            key.as_str(),
            "Sid"
                | "Effect"
                | "Principal"
                | "NotPrincipal"
                | "Action"
                | "NotAction"
                | "Resource"
                | "NotResource"
                | "Condition"
        ) {
            return Err(EvalError::malformed(
                ptr(p, key),
                format!(
                    "`{key}` is not a statement element: expected `Sid`, `Effect`, `Principal`, `NotPrincipal`, `Action`, `NotAction`, `Resource`, `NotResource` or `Condition`"
                ),
            ));
        }
    }
    let sid = match o.get("Sid") {
        None => None,
        Some(Value::String(s)) => Some(s.clone()),
        Some(_) => return Err(EvalError::malformed(ptr(p, "Sid"), "`Sid` is a string")),
    };
    let effect = match o.get("Effect").and_then(Value::as_str) {
        Some("Allow") => Effect::Allow,
        Some("Deny") => Effect::Deny,
        _ => {
            return Err(EvalError::malformed(
                ptr(p, "Effect"),
                "`Effect` is `Allow` or `Deny`",
            ));
        }
    };
    let action = pair(o, p, "Action", "NotAction")?.ok_or_else(|| {
        EvalError::malformed(p, "the statement has neither `Action` nor `NotAction`")
    })?;
    for a in &action.items {
        if a != "*" && !a.contains(':') {
            return Err(EvalError::malformed(
                ptr(p, if action.not { "NotAction" } else { "Action" }),
                format!("`{a}` is not an action: expected `service:Name` or `*`"),
            ));
        }
    }
    let resource = pair(o, p, "Resource", "NotResource")?;
    let principal = match (o.get("Principal"), o.get("NotPrincipal")) {
        (Some(_), Some(_)) => {
            return Err(EvalError::malformed(
                p,
                "the statement has both `Principal` and `NotPrincipal`: keep one",
            ));
        }
        (Some(v), None) => Some((false, read_principal(v, &ptr(p, "Principal"))?)),
        (None, Some(v)) => Some((true, read_principal(v, &ptr(p, "NotPrincipal"))?)),
        (None, None) => None,
    };
    let conditions = match o.get("Condition") {
        Some(v) => Condition::parse_block(v, &ptr(p, "Condition"))?,
        None => Vec::new(),
    };
    Ok(Statement {
        sid,
        effect,
        action,
        resource,
        principal,
        conditions,
    })
}

/// Reads `name` or `not_name` (not both) as a string or a list of strings.
fn pair(
    o: &Map<String, Value>,
    p: &str,
    name: &str,
    not_name: &str,
) -> Result<Option<Names>, EvalError> {
    let (not, key, value) = match (o.get(name), o.get(not_name)) {
        (Some(_), Some(_)) => {
            return Err(EvalError::malformed(
                p,
                format!("the statement has both `{name}` and `{not_name}`: keep one"),
            ));
        }
        (Some(v), None) => (false, name, v),
        (None, Some(v)) => (true, not_name, v),
        (None, None) => return Ok(None),
    };
    let items = strings(value, &ptr(p, key), key)?;
    Ok(Some(Names { not, items }))
}

/// A string or a non-empty list of strings.
fn strings(value: &Value, p: &str, what: &str) -> Result<Vec<String>, EvalError> {
    match value {
        Value::String(s) => Ok(vec![s.clone()]),
        Value::Array(items) if !items.is_empty() => items
            .iter()
            .enumerate()
            .map(|(i, v)| match v {
                Value::String(s) => Ok(s.clone()),
                _ => Err(EvalError::malformed(
                    ptr(p, i),
                    format!("each `{what}` entry is a string"),
                )),
            })
            .collect(),
        _ => Err(EvalError::malformed(
            p,
            format!("`{what}` is a string or a non-empty list of strings"),
        )),
    }
}

fn read_principal(value: &Value, p: &str) -> Result<PrincipalElement, EvalError> {
    match value {
        Value::String(s) if s == "*" => Ok(PrincipalElement::Everyone),
        Value::Object(map) if !map.is_empty() => {
            let (mut aws, mut service, mut other) = (Vec::new(), Vec::new(), Vec::new());
            for (kind, v) in map {
                let names = strings(v, &ptr(p, kind), kind)?;
                match kind.as_str() {
                    "AWS" => aws.extend(names),
                    "Service" => service.extend(names),
                    "Federated" | "CanonicalUser" => other.extend(names),
                    _ => {
                        return Err(EvalError::malformed(
                            ptr(p, kind),
                            format!(
                                "`{kind}` is not a principal type: expected `AWS`, `Service`, `Federated` or `CanonicalUser`"
                            ),
                        ));
                    }
                }
            }
            Ok(PrincipalElement::Map {
                aws,
                service,
                other,
            })
        }
        _ => Err(EvalError::malformed(
            p,
            "a principal is `\"*\"` or an object such as `{\"AWS\": \"arn:aws:iam::111122223333:root\"}` or `{\"Service\": \"ses.amazonaws.com\"}`",
        )),
    }
}

/// Appends a reference token to a JSON pointer, escaping `~` and `/`.
pub(crate) fn ptr(base: &str, token: impl std::fmt::Display) -> String {
    let token = token.to_string().replace('~', "~0").replace('/', "~1");
    format!("{base}/{token}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_list_of_statements_reads_as_a_policy_holding_them() {
        let list = r#"[{"Effect": "Allow", "Action": "kms:Decrypt", "Resource": "*"},
                       {"Effect": "Deny", "Action": "kms:*", "Resource": "*"}]"#;
        assert_eq!(Policy::parse(list).unwrap().len(), 2);
        let empty = Policy::parse("[]").unwrap_err().to_string();
        assert!(empty.contains("the list of statements is empty"), "{empty}");
        let not_statement =
            Policy::parse(r#"[{"Effect": "Allow", "Action": "a:b", "Resource": "*"}, 3]"#)
                .unwrap_err()
                .to_string();
        assert!(
            not_statement.contains("a statement is an object"),
            "{not_statement}"
        );
        assert!(not_statement.contains("/1"), "{not_statement}");
        assert!(Policy::parse("\"s3:GetObject\"").is_err());
    }
}
