//! Merging statements into a policy that already exists.
//!
//! A key, bucket or secret policy is one document per resource: putting mmpolicy's document in
//! its place would remove every other grant (for a key, possibly the account's own access).
//! [`merge`] instead upserts mmpolicy's statements into the existing document by `Sid`: a
//! statement whose `Sid` the base already has replaces that statement where it stands, any
//! other is appended, and everything else in the base (its other statements and their order,
//! `Version`, `Id`) is kept. Merging the same statements again changes nothing, so a deploy
//! script can merge on every run.
//!
//! ```
//! let base = serde_json::json!({"Version": "2012-10-17", "Statement": [
//!     {"Sid": "EnableRoot", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:root"},
//!      "Action": "kms:*", "Resource": "*"}]});
//! let add = serde_json::json!([{"Sid": "AllowSes", "Effect": "Allow",
//!     "Principal": {"Service": "ses.amazonaws.com"}, "Action": "kms:Decrypt", "Resource": "*"}]);
//! let merged = mmpolicy_merge::merge(&base, &[("statement.json", &add)])?;
//! assert_eq!(merged.document["Statement"].as_array().map(Vec::len), Some(2));
//! assert_eq!(merged.added, ["AllowSes"]);
//! let again = mmpolicy_merge::merge(&merged.document, &[("statement.json", &add)])?;
//! assert_eq!(again.document, merged.document);
//! # Ok::<(), mmpolicy_merge::MergeError>(())
//! ```

use mmpolicy_core::PolicyKind;
use serde_json::{Map, Value};
use thiserror::Error;

/// Why a merge was refused. Nothing is merged when any part is refused.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum MergeError {
    /// The base is not a policy document.
    #[error("the base policy {0}")]
    Base(String),
    /// A file to add holds no statements mmpolicy can merge.
    #[error("`{file}` {reason}")]
    Add {
        /// The name of the file.
        file: String,
        /// What is wrong with it.
        reason: String,
    },
    /// A statement to add has no `Sid`, so it cannot be matched with the base's.
    #[error(
        "`{file}` statement {index} has no `Sid`: merging upserts by `Sid`, so give every statement to add one"
    )]
    NoSid {
        /// The name of the file.
        file: String,
        /// The statement's 1-based position in it.
        index: usize,
    },
    /// The base holds a `Sid` twice, so it is not clear which statement to replace.
    #[error(
        "the base policy has two statements with `Sid` `{0}`: make the Sids unique before merging (AWS requires them unique in key and bucket policies)"
    )]
    AmbiguousSid(String),
    /// One file to add holds a `Sid` twice.
    #[error("`{file}` has two statements with `Sid` `{sid}`: give each its own")]
    DuplicateSid {
        /// The name of the file.
        file: String,
        /// The repeated Sid.
        sid: String,
    },
    /// The merged document is larger than AWS accepts for its kind.
    #[error(
        "the merged {kind} policy would have {size} {unit}, over AWS's limit of {limit}: remove statements from the base or split the grant"
    )]
    TooLarge {
        /// The kind whose limit applies.
        kind: &'static str,
        /// The merged document's size.
        size: usize,
        /// AWS's limit for the kind.
        limit: usize,
        /// What is counted.
        unit: &'static str,
    },
}

/// The merged document, and what the merge did.
#[derive(Debug, Clone, PartialEq)]
pub struct Merged {
    /// The base with the statements upserted.
    pub document: Value,
    /// The Sids of the base's statements that were replaced (and differed).
    pub replaced: Vec<String>,
    /// The Sids of the statements appended.
    pub added: Vec<String>,
    /// The Sids of the statements that were already there, the same.
    pub unchanged: Vec<String>,
}

impl Merged {
    /// Whether the merge changed the base.
    pub fn changed(&self) -> bool {
        !self.replaced.is_empty() || !self.added.is_empty()
    }
}

/// Upserts the statements of each of `adds` (`(name, value)`: a policy document, a list of
/// statements, or one statement) into `base`, in order.
pub fn merge(base: &Value, adds: &[(&str, &Value)]) -> Result<Merged, MergeError> {
    let Value::Object(base) = base else {
        return Err(MergeError::Base(format!(
            "is {}, not a policy document (`{{\"Version\": ..., \"Statement\": [...]}}`)",
            kind_of(base)
        )));
    };
    let mut statements: Vec<Value> = match base.get("Statement") {
        None => Vec::new(),
        Some(Value::Array(list)) => list.clone(),
        Some(one @ Value::Object(_)) => vec![one.clone()],
        Some(other) => {
            return Err(MergeError::Base(format!(
                "has a `Statement` that is {}: expected a list of statements",
                kind_of(other)
            )));
        }
    };
    for (i, st) in statements.iter().enumerate() {
        if !st.is_object() {
            return Err(MergeError::Base(format!(
                "has a statement {} that is {}, not an object",
                i + 1,
                kind_of(st)
            )));
        }
        if let Some(sid) = sid_of(st) {
            if statements[..i].iter().any(|o| sid_of(o) == Some(sid)) {
                return Err(MergeError::AmbiguousSid(sid.to_owned()));
            }
        }
    }
    let (mut replaced, mut added, mut unchanged) = (Vec::new(), Vec::new(), Vec::new());
    for (file, add) in adds {
        for st in statements_to_add(file, add)? {
            // `statements_to_add` refused every statement without a Sid.
            let sid = sid_of(&st).unwrap_or_default().to_owned();
            match statements
                .iter_mut()
                .find(|o| sid_of(o) == Some(sid.as_str()))
            {
                Some(existing) if *existing == st => unchanged.push(sid),
                Some(existing) => {
                    *existing = st;
                    replaced.push(sid);
                }
                None => {
                    statements.push(st);
                    added.push(sid);
                }
            }
        }
    }
    let mut document = Map::new();
    if !base.contains_key("Version") {
        document.insert("Version".to_owned(), Value::from("2012-10-17"));
    }
    let mut placed = false;
    for (key, value) in base {
        if key == "Statement" {
            document.insert(key.clone(), Value::Array(statements.clone()));
            placed = true;
        } else {
            document.insert(key.clone(), value.clone());
        }
    }
    if !placed {
        document.insert("Statement".to_owned(), Value::Array(statements));
    }
    Ok(Merged {
        document: Value::Object(document),
        replaced,
        added,
        unchanged,
    })
}

/// The statements of one file to add, each checked to have a Sid, none repeated.
fn statements_to_add(file: &str, add: &Value) -> Result<Vec<Value>, MergeError> {
    let refuse = |reason: String| MergeError::Add {
        file: file.to_owned(),
        reason,
    };
    let list: Vec<Value> = match add {
        Value::Array(list) => list.clone(),
        Value::Object(map) => match map.get("Statement") {
            Some(Value::Array(list)) => list.clone(),
            Some(one @ Value::Object(_)) => vec![one.clone()],
            Some(other) => {
                return Err(refuse(format!(
                    "has a `Statement` that is {}: expected a list of statements",
                    kind_of(other)
                )));
            }
            None if map.contains_key("Effect") => vec![add.clone()],
            None => {
                return Err(refuse(
                    "is neither a policy document, a list of statements nor a statement: it has no `Statement` and no `Effect`".to_owned(),
                ));
            }
        },
        other => {
            return Err(refuse(format!(
                "is {}: expected a policy document, a list of statements or a statement",
                kind_of(other)
            )));
        }
    };
    let mut seen: Vec<&str> = Vec::new();
    for (i, st) in list.iter().enumerate() {
        if !st.is_object() {
            return Err(refuse(format!(
                "has a statement {} that is {}, not an object",
                i + 1,
                kind_of(st)
            )));
        }
        let Some(sid) = sid_of(st) else {
            return Err(MergeError::NoSid {
                file: file.to_owned(),
                index: i + 1,
            });
        };
        if seen.contains(&sid) {
            return Err(MergeError::DuplicateSid {
                file: file.to_owned(),
                sid: sid.to_owned(),
            });
        }
        seen.push(sid);
    }
    Ok(list)
}

/// The statement's `Sid`, when it is a non-empty string.
fn sid_of(st: &Value) -> Option<&str> {
    st.get("Sid")
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
}

/// What a JSON value is, in words.
fn kind_of(value: &Value) -> &'static str {
    match value {
        Value::Null => "`null`",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}

/// The pretty JSON of a merged document, as `merge` writes it: two-space indentation and a
/// final newline.
pub fn to_pretty(document: &Value) -> String {
    let mut text = serde_json::to_string_pretty(document).unwrap_or_default();
    text.push('\n');
    text
}

/// Checks the merged document's size against AWS's limit for `kind` (measured as AWS measures
/// it: see [`PolicyKind::measure`]).
pub fn check_size(kind: PolicyKind, text: &str) -> Result<(), MergeError> {
    let size = kind.measure(text);
    if size.is_over() {
        return Err(MergeError::TooLarge {
            kind: kind.as_str(),
            size: size.size,
            limit: size.limit,
            unit: size.unit,
        });
    }
    Ok(())
}
