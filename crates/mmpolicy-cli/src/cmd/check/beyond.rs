//! What a user's policy grants the principals of a provider's requests beyond the provider's
//! needs: simple heuristics over the statements, measured against the provider's own rendered
//! policy.
//!
//! Only `Allow` statements that grant a *needed* action (one of the provider's `Allow`
//! requests) to a principal that makes it are looked at: what the policy grants other people
//! is not this provider's business.
//!
//! - **wider resource**: a resource pattern of such a statement that no statement of the
//!   rendered policy allowing the same action covers (a rendered pattern covers it when it
//!   matches the user's pattern read as plain text: `arn:aws:s3:::b/*` covers
//!   `arn:aws:s3:::b/in/*`, not `arn:aws:s3:::*`); `NotResource` is always wider;
//! - **wildcard action**: an action pattern with `*` or `?` that matches a needed action but is
//!   not one of the rendered policy's patterns (`s3:*` where `s3:PutObject` is needed);
//!   `NotAction` is always one;
//! - **confused deputy**: a statement whose `Principal` names a service, with neither
//!   `aws:SourceAccount` nor `aws:SourceArn` in its conditions, where the rendered policy
//!   fixes one of them (services that do not support them, such as archiving, are spared).

use mmpolicy::{Expect, PolicyKind, RequestPrincipal};
use mmpolicy_eval::required::Checked;
use serde::Serialize;
use serde_json::Value;
use std::fmt;

/// One grant beyond the provider's needs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Warning {
    /// `wider_resource`, `wildcard_action` or `confused_deputy`.
    pub code: &'static str,
    /// The statement's 0-based index.
    pub index: usize,
    /// Its `Sid`, if it has one.
    pub sid: Option<String>,
    /// What it grants, and what the provider needs, in one line.
    pub message: String,
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sid = self
            .sid
            .as_deref()
            .map(|s| format!(" `{s}`"))
            .unwrap_or_default();
        write!(
            f,
            "statement {}{sid}: {}: {}",
            self.index + 1,
            self.code.replace('_', " "),
            self.message
        )
    }
}

/// The warnings for the user's policy `user` (a document as JSON, of `kind`), against the
/// provider's `rendered` document and the evaluated requests.
pub fn warnings(
    kind: PolicyKind,
    user: &Value,
    rendered: &Value,
    checked: &[Checked<'_>],
) -> Vec<Warning> {
    let needed: Vec<&Checked<'_>> = checked
        .iter()
        .filter(|c| c.request.expect == Expect::Allow)
        .collect();
    let own = statements(rendered);
    let own_has_source = own.iter().any(has_source_condition);
    let mut out = Vec::new();
    for (index, st) in statements(user).iter().enumerate() {
        if st.get("Effect").and_then(Value::as_str) != Some("Allow") {
            continue;
        }
        let sid = st.get("Sid").and_then(Value::as_str).map(str::to_owned);
        let warn = |out: &mut Vec<Warning>, code, message| {
            let w = Warning {
                code,
                index,
                sid: sid.clone(),
                message,
            };
            if !out.contains(&w) {
                out.push(w);
            }
        };
        let reached: Vec<&&Checked<'_>> = needed
            .iter()
            .filter(|c| grants_action(st, c.request.action))
            .filter(|c| kind == PolicyKind::Identity || names_principal(st, &c.request.principal))
            .collect();
        if reached.is_empty() {
            continue;
        }
        for c in &reached {
            let action = c.request.action;
            if st.get("NotAction").is_some() {
                warn(
                    &mut out,
                    "wildcard_action",
                    format!("`NotAction` grants `{action}` and every action it does not list"),
                );
            }
            for pattern in strings(st.get("Action")) {
                let wild = pattern.contains(['*', '?']);
                if wild
                    && matches(&pattern, action, true)
                    && !own
                        .iter()
                        .any(|o| strings(o.get("Action")).contains(&pattern))
                {
                    warn(
                        &mut out,
                        "wildcard_action",
                        format!(
                            "`{pattern}` grants every action it matches; the provider needs `{action}`"
                        ),
                    );
                }
            }
            if st.get("NotResource").is_some() {
                warn(
                    &mut out,
                    "wider_resource",
                    format!("`NotResource` grants `{action}` on every resource it does not list"),
                );
            }
            let own_resources: Vec<String> = own
                .iter()
                .filter(|o| grants_action(o, action))
                .flat_map(|o| strings(o.get("Resource")))
                .collect();
            for resource in strings(st.get("Resource")) {
                if !own_resources.iter().any(|o| matches(o, &resource, false)) {
                    warn(
                        &mut out,
                        "wider_resource",
                        format!(
                            "grants `{action}` on `{resource}`; the provider's policy grants it on {} only",
                            own_resources
                                .iter()
                                .map(|r| format!("`{r}`"))
                                .collect::<Vec<_>>()
                                .join(", ")
                        ),
                    );
                }
            }
        }
        let service = reached.iter().find_map(|c| match &c.request.principal {
            RequestPrincipal::Service(s) if names_principal(st, &c.request.principal) => Some(*s),
            _ => None,
        });
        if let Some(service) = service {
            if own_has_source && !has_source_condition(st) {
                warn(
                    &mut out,
                    "confused_deputy",
                    format!(
                        "allows `{service}` without `aws:SourceAccount` or `aws:SourceArn`: SES could use it for another account's resource; add the conditions the provider's policy has"
                    ),
                );
            }
        }
    }
    out
}

/// The statements of a document (`Statement` as a list or one object).
fn statements(document: &Value) -> Vec<Value> {
    match document.get("Statement") {
        Some(Value::Array(list)) => list.clone(),
        Some(one @ Value::Object(_)) => vec![one.clone()],
        _ => Vec::new(),
    }
}

/// A string or a list of strings, as `Action` and `Resource` hold them.
fn strings(value: Option<&Value>) -> Vec<String> {
    match value {
        Some(Value::String(s)) => vec![s.clone()],
        Some(Value::Array(list)) => list
            .iter()
            .filter_map(Value::as_str)
            .map(str::to_owned)
            .collect(),
        _ => Vec::new(),
    }
}

/// Whether the statement's `Action` (or `NotAction`) grants `action`.
fn grants_action(st: &Value, action: &str) -> bool {
    if let Some(not) = st.get("NotAction") {
        return !strings(Some(not)).iter().any(|p| matches(p, action, true));
    }
    strings(st.get("Action"))
        .iter()
        .any(|p| matches(p, action, true))
}

/// Whether the statement's `Principal` names the request's principal: `*`, the service, or
/// the ARN (the holder of an identity policy is never named by a resource policy's check
/// here).
fn names_principal(st: &Value, principal: &RequestPrincipal) -> bool {
    let Some(p) = st.get("Principal") else {
        return false;
    };
    if p.as_str() == Some("*") {
        return true;
    }
    let entries = |key: &str| strings(p.get(key));
    match principal {
        RequestPrincipal::Service(service) => entries("Service").iter().any(|s| s == service),
        RequestPrincipal::Arn(arn) => {
            let account = arn.split(':').nth(4).unwrap_or_default();
            entries("AWS").iter().any(|a| {
                a == "*" || a == arn || a == account || a.ends_with(&format!(":{account}:root"))
            })
        }
        RequestPrincipal::Holder { .. } => entries("AWS").iter().any(|a| a == "*"),
    }
}

/// Whether any condition of the statement names `aws:SourceAccount` or `aws:SourceArn`.
fn has_source_condition(st: &Value) -> bool {
    st.get("Condition")
        .and_then(Value::as_object)
        .is_some_and(|ops| {
            ops.values().filter_map(Value::as_object).any(|keys| {
                keys.keys().any(|k| {
                    k.eq_ignore_ascii_case("aws:SourceAccount")
                        || k.eq_ignore_ascii_case("aws:SourceArn")
                })
            })
        })
}

/// IAM's wildcard match: `*` any run of characters, `?` one; `text` is read as plain text.
fn matches(pattern: &str, text: &str, ignore_case: bool) -> bool {
    let (p, t): (Vec<char>, Vec<char>) = if ignore_case {
        (
            pattern.to_lowercase().chars().collect(),
            text.to_lowercase().chars().collect(),
        )
    } else {
        (pattern.chars().collect(), text.chars().collect())
    };
    let (mut pi, mut ti) = (0, 0);
    let (mut star, mut mark) = (None, 0);
    while ti < t.len() {
        if pi < p.len() && (p[pi] == '?' || p[pi] == t[ti]) {
            pi += 1;
            ti += 1;
        } else if pi < p.len() && p[pi] == '*' {
            star = Some(pi);
            pi += 1;
            mark = ti;
        } else if let Some(s) = star {
            pi = s + 1;
            mark += 1;
            ti = mark;
        } else {
            return false;
        }
    }
    while pi < p.len() && p[pi] == '*' {
        pi += 1;
    }
    pi == p.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pattern_covers_the_patterns_it_matches_as_text() {
        assert!(matches("arn:aws:s3:::b/*", "arn:aws:s3:::b/in/*", false));
        assert!(matches("*", "arn:aws:s3:::b/*", false));
        assert!(!matches("arn:aws:s3:::b/in/*", "arn:aws:s3:::b/*", false));
        assert!(!matches("arn:aws:s3:::b/*", "*", false));
        assert!(matches("S3:Put*", "s3:putobject", true));
        assert!(!matches("s3:Get?", "s3:GetObject", true));
    }
}
