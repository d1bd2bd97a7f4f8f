//! Guessing the kind of a document when the caller does not say.

use crate::PolicyKind;
use crate::document::Document;

/// The kind a document looks like, and why; or why none could be told.
///
/// - no statement names a principal: `identity`;
/// - principals and only `sts:` actions: `trust` (a `Resource` there is then reported);
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
    if actions.is_empty() {
        return Err("principals but no `Action` to tell the kind from: pass `--kind`".into());
    }
    let all = |prefix: &str| actions.iter().all(|a| a.starts_with(prefix));
    // A trust policy that wrongly names a `Resource` is still a trust policy: guessing it
    // lets the check that reports the `Resource` fire.
    if all("sts:") {
        return Ok((
            PolicyKind::Trust,
            "principals with only `sts:` actions".into(),
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
    let mut services: Vec<&str> = actions
        .iter()
        .map(|a| a.split_once(':').map_or(a.as_str(), |(s, _)| s))
        .collect();
    services.sort_unstable();
    services.dedup();
    let shown = services
        .iter()
        .take(4)
        .map(|s| format!("`{s}`"))
        .collect::<Vec<_>>()
        .join(", ");
    let more = if services.len() > 4 { ", ..." } else { "" };
    if services == ["*"] {
        Err("principals with the action `*` (every service): pass `--kind`".into())
    } else if services.len() == 1 {
        Err(format!(
            "principals with actions of {shown} only, which is none of the trust (`sts`), key (`kms`), secret (`secretsmanager`) or bucket (`s3`) kinds: pass `--kind`"
        ))
    } else {
        Err(format!(
            "principals with actions of several services ({shown}{more}): pass `--kind`"
        ))
    }
}
