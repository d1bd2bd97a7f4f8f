//! Guessing the kind of a document when the caller does not say.

use crate::PolicyKind;
use crate::document::Document;

/// The kind a document looks like, and why; or why none could be told.
///
/// - no statement names a principal: `identity`;
/// - principals, `sts:` actions and no `Resource`: `trust`;
/// - principals and only `kms:` actions: `key`; only `secretsmanager:`: `secret`; only
///   `s3:`: `bucket`.
pub fn guess_kind(document: &serde_json::Value) -> Result<(PolicyKind, String), String> {
    let mut ignored = Vec::new();
    guess(&Document::read(document, &mut ignored))
}

pub(crate) fn guess(doc: &Document<'_>) -> Result<(PolicyKind, String), String> {
    if doc.statements.is_empty() {
        return Err("the document has no statement to guess the kind from".into());
    }
    let principals = doc
        .statements
        .iter()
        .any(|s| s.principal.is_some() || s.not_principal.is_some());
    if !principals {
        return Ok((
            PolicyKind::Identity,
            "no statement names a principal".into(),
        ));
    }
    let actions: Vec<String> = doc
        .statements
        .iter()
        .flat_map(|s| s.action.iter().chain(&s.not_action))
        .flat_map(|l| &l.items)
        .map(|(_, a)| a.to_ascii_lowercase())
        .collect();
    let resources = doc
        .statements
        .iter()
        .any(|s| s.resource.is_some() || s.not_resource.is_some());
    let all = |prefix: &str| !actions.is_empty() && actions.iter().all(|a| a.starts_with(prefix));
    if all("sts:") && !resources {
        return Ok((
            PolicyKind::Trust,
            "principals with `sts:` actions and no resource".into(),
        ));
    }
    for (prefix, kind) in [
        ("kms:", PolicyKind::Key),
        ("secretsmanager:", PolicyKind::Secret),
        ("s3:", PolicyKind::Bucket),
    ] {
        if all(prefix) {
            return Ok((kind, format!("principals with only `{prefix}` actions")));
        }
    }
    Err("principals with actions of several services: pass `--kind`".into())
}
