//! IAM's grammar: `Version`, the elements and their combinations, principals per kind, `Sid`,
//! characters and size.

use crate::document::{Document, STATEMENT, Stmt, TOP_LEVEL, json_type};
use crate::{Finding, PolicyKind, Rule, ptr};
use serde_json::Value;
use std::collections::HashMap;

pub(crate) fn check(
    doc: &Document<'_>,
    value: &Value,
    text: Option<&str>,
    kind: Option<PolicyKind>,
    out: &mut Vec<Finding>,
) {
    if doc.statement_list {
        // The statements of a policy to merge them into: no policy around them to check.
    } else if let Some(root) = doc.root {
        document_shape(doc, root, out);
    } else {
        return;
    }
    for stmt in &doc.statements {
        statement(stmt, kind, doc.bare_statement, out);
    }
    sids(doc, kind, out);
    if kind == Some(PolicyKind::Bucket) {
        bucket_resources(doc, out);
    }
    characters(value, "", out);
    if let Some(kind) = kind {
        size(value, text, kind, out);
    }
}

/// A bare statement, or the top level of a document.
fn document_shape(
    doc: &Document<'_>,
    root: &serde_json::Map<String, Value>,
    out: &mut Vec<Finding>,
) {
    if doc.bare_statement {
        out.push(Finding::new(
            Rule::MissingStatement,
            "",
            "the document is a bare statement: wrap it as `{\"Version\": \"2012-10-17\", \"Statement\": [ ... ]}`, or add it to an existing policy's `Statement` list",
        ));
    } else {
        top_level(root, out);
    }
}

fn top_level(root: &serde_json::Map<String, Value>, out: &mut Vec<Finding>) {
    match root.get("Version") {
        None => out.push(Finding::new(
            Rule::MissingVersion,
            "",
            "the policy has no `Version`: add `\"Version\": \"2012-10-17\"` (without it AWS does not expand policy variables)",
        )),
        Some(Value::String(v)) if v == "2012-10-17" => {}
        Some(Value::String(v)) if v == "2008-10-17" => out.push(Finding::new(
            Rule::OldVersion,
            "/Version",
            "`Version` `2008-10-17` does not expand policy variables: use `2012-10-17`",
        )),
        Some(other) => out.push(Finding::new(
            Rule::InvalidVersion,
            "/Version",
            format!(
                "`Version` is {}: use `\"2012-10-17\"` (a date AWS defines, not today's)",
                match other {
                    Value::String(s) => format!("`{s}`"),
                    v => json_type(v).to_owned(),
                }
            ),
        )),
    }
    if let Some(id) = root.get("Id") {
        if !id.is_string() {
            out.push(Finding::new(
                Rule::InvalidValue,
                "/Id",
                format!(
                    "`Id` is {}: make it a string or leave it out",
                    json_type(id)
                ),
            ));
        }
    }
    for key in root.keys() {
        if !TOP_LEVEL.contains(&key.as_str()) {
            out.push(Finding::new(
                Rule::UnknownElement,
                ptr("", key),
                format!(
                    "unknown top-level element `{key}`: a policy has only `Version`, `Id` and `Statement`{}",
                    did_you_mean(key, TOP_LEVEL)
                ),
            ));
        }
    }
    match root.get("Statement") {
        None => out.push(Finding::new(
            Rule::MissingStatement,
            "",
            "the policy has no `Statement`: add `\"Statement\": [ ... ]` with at least one statement",
        )),
        Some(Value::Array(a)) if a.is_empty() => out.push(Finding::new(
            Rule::MissingStatement,
            "/Statement",
            "`Statement` is an empty list: a policy needs at least one statement",
        )),
        Some(Value::Array(_) | Value::Object(_)) => {}
        Some(other) => out.push(Finding::new(
            Rule::MissingStatement,
            "/Statement",
            format!(
                "`Statement` is {}: write a list of statement objects",
                json_type(other)
            ),
        )),
    }
}

/// `, did you mean `X`` when a known name differs only in case or by a letter or two.
fn did_you_mean(key: &str, known: &[&str]) -> String {
    known
        .iter()
        .find(|k| k.eq_ignore_ascii_case(key) || close(k, key))
        .map(|k| format!(" (did you mean `{k}`?)"))
        .unwrap_or_default()
}

fn close(a: &str, b: &str) -> bool {
    let (a, b) = (a.to_ascii_lowercase(), b.to_ascii_lowercase());
    a.len().abs_diff(b.len()) <= 1 && a.chars().zip(b.chars()).filter(|(x, y)| x != y).count() <= 1
}

fn statement(s: &Stmt<'_>, kind: Option<PolicyKind>, bare: bool, out: &mut Vec<Finding>) {
    let here = if s.ptr.is_empty() {
        "the statement"
    } else {
        "statement"
    };
    for key in s.obj.keys() {
        let known =
            STATEMENT.contains(&key.as_str()) || (bare && TOP_LEVEL.contains(&key.as_str()));
        if !known {
            out.push(Finding::new(
                Rule::UnknownElement,
                ptr(&s.ptr, key),
                format!(
                    "unknown statement element `{key}`: remove it{}",
                    did_you_mean(key, STATEMENT)
                ),
            ));
        }
    }
    match (&s.action, &s.not_action) {
        (None, None) => out.push(Finding::new(
            Rule::MissingAction,
            s.ptr.clone(),
            format!("{here} has no `Action`: list the actions it allows or denies"),
        )),
        (Some(_), Some(n)) => out.push(Finding::new(
            Rule::ActionAndNotAction,
            n.ptr.clone(),
            "statement has both `Action` and `NotAction`: keep one (prefer `Action`)",
        )),
        _ => {}
    }
    let trust = kind == Some(PolicyKind::Trust);
    match (&s.resource, &s.not_resource) {
        (None, None) if !trust && kind.is_some() => out.push(Finding::new(
            Rule::MissingResource,
            s.ptr.clone(),
            format!(
                "{here} has no `Resource`: add the ARNs it applies to{}",
                if matches!(kind, Some(PolicyKind::Key | PolicyKind::Secret)) {
                    " (`\"*\"` in a key or secret policy)"
                } else {
                    ""
                }
            ),
        )),
        (Some(_), Some(n)) => out.push(Finding::new(
            Rule::ResourceAndNotResource,
            n.ptr.clone(),
            "statement has both `Resource` and `NotResource`: keep one (prefer `Resource`)",
        )),
        _ => {}
    }
    let Some(kind) = kind else {
        return;
    };
    let principal = s.principal.as_ref().or(s.not_principal.as_ref());
    match (kind, principal) {
        (PolicyKind::Identity, Some((p, _))) => out.push(Finding::new(
            Rule::PrincipalInIdentityPolicy,
            p.clone(),
            "an identity policy names no principal (it applies to the role or user it is attached to): remove it, or lint this document with the kind it is attached as",
        )),
        (PolicyKind::Identity, None) => {}
        (k, None) => out.push(Finding::new(
            Rule::MissingPrincipal,
            s.ptr.clone(),
            format!(
                "{here} has no `Principal`, which a {k} policy requires: name who it applies to, e.g. `\"Principal\": {{\"Service\": \"ses.amazonaws.com\"}}`"
            ),
        )),
        (_, Some((p, v))) => principal_shape(p, v, out),
    }
    if kind == PolicyKind::Trust {
        for r in [&s.resource, &s.not_resource].into_iter().flatten() {
            out.push(Finding::new(
                Rule::ResourceInTrustPolicy,
                r.ptr.clone(),
                "a trust policy has no `Resource` (the resource is the role itself): remove it",
            ));
        }
        for (p, a) in s.action.iter().flat_map(|a| &a.items) {
            let lower = a.to_ascii_lowercase();
            if !(lower.starts_with("sts:") || lower == "*") {
                out.push(Finding::new(
                    Rule::TrustAction,
                    p.clone(),
                    format!("`{a}` is not an `sts:` action: a trust policy allows `sts:AssumeRole` (and `sts:TagSession`, `sts:SetSourceIdentity`); grant `{a}` in the role's permission policy"),
                ));
            }
        }
    }
    if matches!(kind, PolicyKind::Key | PolicyKind::Secret) {
        let what = if kind == PolicyKind::Key {
            "key"
        } else {
            "secret"
        };
        if let Some(r) = &s.resource {
            for (p, v) in &r.items {
                if *v != "*" {
                    out.push(Finding::new(
                        Rule::ResourceNotStar,
                        p.clone(),
                        format!("resource `{v}` in a {what} policy: use `\"*\"`, which means the {what} the policy is attached to"),
                    ));
                }
            }
        }
        if let Some(r) = &s.not_resource {
            out.push(Finding::new(
                Rule::ResourceNotStar,
                r.ptr.clone(),
                format!("`NotResource` in a {what} policy: use `\"Resource\": \"*\"`"),
            ));
        }
    }
}

/// S3 rejects a bucket policy whose resources are not the bucket it is attached to and its
/// objects (`MalformedPolicy: Policy has invalid resource`).
fn bucket_resources(doc: &Document<'_>, out: &mut Vec<Finding>) {
    let mut first: Option<(&str, &str)> = None;
    for s in &doc.statements {
        for list in [&s.resource, &s.not_resource].into_iter().flatten() {
            for (p, r) in &list.items {
                let bucket = r
                    .strip_prefix("arn:")
                    .and_then(|rest| rest.split_once(":s3:::"))
                    .map(|(_, res)| res.split('/').next().unwrap_or(res));
                let Some(bucket) = bucket else {
                    if *r != "*" && r.starts_with("arn:") {
                        out.push(Finding::new(
                            Rule::BucketResource,
                            p.clone(),
                            format!("resource `{r}` is not in an S3 bucket: a bucket policy grants on its bucket (`arn:aws:s3:::bucket`) and its objects (`arn:aws:s3:::bucket/*`) only"),
                        ));
                    }
                    continue;
                };
                match first {
                    None => first = Some((bucket, r)),
                    Some((b, other))
                        if b != bucket
                            && !b.contains(['*', '?'])
                            && !bucket.contains(['*', '?']) =>
                    {
                        out.push(Finding::new(
                            Rule::BucketResource,
                            p.clone(),
                            format!("resource `{r}` names bucket `{bucket}`, but `{other}` names `{b}`: a bucket policy grants on the one bucket it is attached to"),
                        ));
                    }
                    Some(_) => {}
                }
            }
        }
    }
}

fn principal_shape(p: &str, v: &Value, out: &mut Vec<Finding>) {
    const TYPES: &[&str] = &["AWS", "Service", "Federated", "CanonicalUser"];
    match v {
        Value::String(s) if s == "*" => {}
        Value::Object(map) if !map.is_empty() => {
            for (k, vals) in map {
                let kp = ptr(p, k);
                if !TYPES.contains(&k.as_str()) {
                    out.push(Finding::new(
                        Rule::InvalidPrincipal,
                        kp.clone(),
                        format!(
                            "unknown principal type `{k}`: use `AWS`, `Service`, `Federated` or `CanonicalUser`{}",
                            did_you_mean(k, TYPES)
                        ),
                    ));
                    continue;
                }
                let items: Vec<(String, &Value)> = match vals {
                    Value::Array(a) if !a.is_empty() => {
                        a.iter().enumerate().map(|(i, x)| (ptr(&kp, i), x)).collect()
                    }
                    Value::String(_) => vec![(kp.clone(), vals)],
                    other => {
                        out.push(Finding::new(
                            Rule::InvalidPrincipal,
                            kp.clone(),
                            format!("principal `{k}` is {}: write a string or a non-empty list of strings", json_type(other)),
                        ));
                        continue;
                    }
                };
                for (ip, item) in items {
                    let Some(s) = item.as_str() else {
                        out.push(Finding::new(
                            Rule::InvalidPrincipal,
                            ip,
                            format!("principal `{k}` holds {}: write a string", json_type(item)),
                        ));
                        continue;
                    };
                    if let Some(msg) = principal_value_problem(k, s) {
                        out.push(Finding::new(Rule::InvalidPrincipal, ip, msg));
                    }
                }
            }
        }
        other => out.push(Finding::new(
            Rule::InvalidPrincipal,
            p.to_owned(),
            format!(
                "`Principal` is {}: write `\"*\"` or `{{\"AWS\": \"arn:aws:iam::111122223333:root\"}}`, `{{\"Service\": \"ses.amazonaws.com\"}}`",
                match other {
                    Value::String(s) => format!("`{s}`"),
                    v => json_type(v).to_owned(),
                }
            ),
        )),
    }
}

fn principal_value_problem(kind: &str, s: &str) -> Option<String> {
    match kind {
        "AWS" => {
            let ok = s == "*"
                || (s.len() == 12 && s.bytes().all(|b| b.is_ascii_digit()))
                || (s.starts_with("arn:") && s.split(':').count() >= 6);
            (!ok).then(|| {
                format!("principal `{s}` under `AWS` is neither `\"*\"`, a 12-digit account id nor an ARN: write `arn:aws:iam::111122223333:role/name` or the account id")
            })
        }
        "Service" => {
            let ok = s == "*"
                || (s.contains('.') && !s.contains(char::is_whitespace) && !s.starts_with("arn:"));
            (!ok).then(|| {
                format!("service principal `{s}` is not a service name: write it as `service.amazonaws.com`")
            })
        }
        _ => None,
    }
}

fn sids(doc: &Document<'_>, kind: Option<PolicyKind>, out: &mut Vec<Finding>) {
    let spaces = matches!(kind, Some(PolicyKind::Key) | None);
    let mut seen: HashMap<&str, usize> = HashMap::new();
    for s in &doc.statements {
        let Some((p, sid)) = &s.sid else {
            continue;
        };
        let bad: Vec<char> = sid
            .chars()
            .filter(|c| !(c.is_ascii_alphanumeric() || (spaces && *c == ' ')))
            .collect();
        if !bad.is_empty() {
            let shown: String = bad.iter().take(3).collect();
            out.push(Finding::new(
                Rule::InvalidSid,
                p.clone(),
                format!(
                    "`Sid` `{sid}` has characters AWS rejects (`{shown}`): use only letters and digits{}",
                    if spaces { " and spaces" } else { "" }
                ),
            ));
        }
        if let Some(first) = seen.insert(sid, s.index) {
            out.push(Finding::new(
                Rule::DuplicateSid,
                p.clone(),
                format!("`Sid` `{sid}` is also the `Sid` of statement {first}: give each statement its own"),
            ));
        }
    }
}

/// AWS accepts tab, newline, carriage return and U+0020..=U+00FF.
fn allowed(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{ff}')
}

fn characters(v: &Value, p: &str, out: &mut Vec<Finding>) {
    let report = |s: &str, p: String, out: &mut Vec<Finding>| {
        if let Some(c) = s.chars().find(|c| !allowed(*c)) {
            out.push(Finding::new(
                Rule::InvalidCharacter,
                p,
                format!(
                    "character U+{:04X} is outside what AWS accepts (tab, newline, U+0020 to U+00FF): replace it",
                    u32::from(c)
                ),
            ));
        }
    };
    match v {
        Value::String(s) => report(s, p.to_owned(), out),
        Value::Array(a) => {
            for (i, x) in a.iter().enumerate() {
                characters(x, &ptr(p, i), out);
            }
        }
        Value::Object(m) => {
            for (k, x) in m {
                let kp = ptr(p, k);
                report(k, kp.clone(), out);
                characters(x, &kp, out);
            }
        }
        _ => {}
    }
}

/// The size limit of a kind, its unit, and how the size is measured.
fn size(v: &Value, text: Option<&str>, kind: PolicyKind, out: &mut Vec<Finding>) {
    let minified;
    let text = match text {
        Some(t) => t,
        None => {
            minified = serde_json::to_string(v).unwrap_or_default();
            &minified
        }
    };
    let non_white = || text.chars().filter(|c| !c.is_whitespace()).count();
    let (size, limit, unit) = match kind {
        PolicyKind::Identity => (non_white(), 6_144, "characters without white space"),
        PolicyKind::Trust => (non_white(), 2_048, "characters without white space"),
        PolicyKind::Key => (text.len(), 32_768, "bytes"),
        PolicyKind::Bucket => (text.len(), 20_480, "bytes"),
        PolicyKind::Secret => (text.chars().count(), 20_480, "characters"),
    };
    if size > limit {
        let fix = match kind {
            PolicyKind::Identity => "split it into several managed policies",
            PolicyKind::Trust => {
                "merge statements, or ask AWS to raise the role trust policy quota"
            }
            _ => "merge statements or remove unused ones",
        };
        out.push(Finding::new(
            Rule::PolicyTooLarge,
            "",
            format!("the {kind} policy is {size} {unit}, over AWS's limit of {limit}: {fix}"),
        ));
    }
}
