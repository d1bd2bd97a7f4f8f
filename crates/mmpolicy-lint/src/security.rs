//! Security checks: grants wider than they look.
//!
//! **Confused deputy.** A statement that lets an AWS service act (`"Service": "..."`) should
//! say on whose behalf, with `aws:SourceAccount`/`aws:SourceArn` (or `aws:SourceOrgID`,
//! `aws:SourceOrgPaths`), where the service sends them. The service authorization data does
//! not say which services send them (no action lists them), so support is read from
//! [`SUPPORTS_SOURCE_KEYS`], a table of service principals AWS documents as sending them, and
//! from the statement's actions when the data does list the keys.
//!
//! Some features of a supporting service do not send them. [`NO_SOURCE_KEYS`] lists those,
//! by service principal and the actions the feature needs; a statement that matches an entry
//! needs no confused-deputy condition (none is reported without one), and one that requires
//! such a key is reported ([`Rule::ConfusedDeputyUnsupported`]): the feature's requests never
//! carry it, so the grant never applies. The one entry today is Mail Manager archiving: its export to S3 and its
//! KMS encryption at rest, which AWS's page says "doesn't support confused deputy condition
//! keys" (it checks the caller's own access to the bucket with Forward Access Sessions).

use crate::actions::Resolved;
use crate::conditions::parse_operator;
use crate::document::{Document, Stmt, scalar_text};
use crate::{Finding, PolicyKind, Rule, ptr};
use mmpolicy_catalog::pattern::wildcard_matches_ignore_case;
use serde_json::Value;

/// Service principals that AWS documents as sending `aws:SourceArn`/`aws:SourceAccount` when
/// they act on your resources.
pub const SUPPORTS_SOURCE_KEYS: &[&str] = &[
    "ses.amazonaws.com",
    "sns.amazonaws.com",
    "s3.amazonaws.com",
    "logging.s3.amazonaws.com",
    "cloudtrail.amazonaws.com",
    "config.amazonaws.com",
    "delivery.logs.amazonaws.com",
    "events.amazonaws.com",
    "scheduler.amazonaws.com",
];

/// A feature of a service that does not send the confused-deputy keys: the statement's
/// actions all lie in `within` and include one of `needs_one_of`.
#[derive(Debug)]
pub struct NoSourceKeys {
    /// The service principal.
    pub principal: &'static str,
    /// The feature, for the message.
    pub feature: &'static str,
    /// Every action of the statement is one of these.
    pub within: &'static [&'static str],
    /// ... and one of these is there (what tells the feature apart from one that does send
    /// the keys, e.g. SES receipt rules writing to S3 with `s3:PutObject` alone).
    pub needs_one_of: &'static [&'static str],
}

/// The features that do not send the confused-deputy keys.
pub const NO_SOURCE_KEYS: &[NoSourceKeys] = &[
    NoSourceKeys {
        principal: "ses.amazonaws.com",
        feature: "Mail Manager archive export to S3",
        within: &[
            "s3:ListBucket",
            "s3:GetBucketLocation",
            "s3:PutObject",
            "s3:PutObjectAcl",
            "s3:PutObjectTagging",
            "s3:GetObject",
        ],
        needs_one_of: &[
            "s3:ListBucket",
            "s3:GetBucketLocation",
            "s3:PutObjectAcl",
            "s3:PutObjectTagging",
            "s3:GetObject",
        ],
    },
    NoSourceKeys {
        principal: "ses.amazonaws.com",
        feature: "Mail Manager archive encryption with a customer managed KMS key",
        within: &[
            "kms:Decrypt",
            "kms:DescribeKey",
            "kms:GenerateDataKey",
            "kms:GenerateDataKey*",
        ],
        needs_one_of: &["kms:GenerateDataKey", "kms:GenerateDataKey*"],
    },
];

/// The confused-deputy keys.
pub(crate) const SOURCE_KEYS: &[&str] = &[
    "aws:SourceAccount",
    "aws:SourceArn",
    "aws:SourceOrgID",
    "aws:SourceOrgPaths",
];

/// Keys that limit who the caller is, for `Principal: "*"`.
const CALLER_KEYS: &[&str] = &[
    "aws:SourceAccount",
    "aws:SourceArn",
    "aws:SourceOrgID",
    "aws:SourceOrgPaths",
    "aws:PrincipalAccount",
    "aws:PrincipalArn",
    "aws:PrincipalOrgID",
    "aws:PrincipalOrgPaths",
    "aws:PrincipalServiceName",
    "aws:SourceVpc",
    "aws:SourceVpce",
    "aws:SourceVpcArn",
    "aws:SourceIp",
    "aws:VpceAccount",
    "aws:VpceOrgID",
    "aws:VpceOrgPaths",
    "aws:userid",
    "aws:username",
    "kms:CallerAccount",
];

/// The principal values of one type (`Service`, `AWS`), with their pointers.
fn principal_values<'a>(p: &str, v: &'a Value, kind: &str) -> Vec<(String, &'a str)> {
    let Some(vals) = v.as_object().and_then(|m| m.get(kind)) else {
        return Vec::new();
    };
    let kp = ptr(p, kind);
    match vals {
        Value::String(s) => vec![(kp, s.as_str())],
        Value::Array(a) => a
            .iter()
            .enumerate()
            .filter_map(|(i, x)| x.as_str().map(|s| (ptr(&kp, i), s)))
            .collect(),
        _ => Vec::new(),
    }
}

pub(crate) fn check(
    s: &Stmt<'_>,
    res: &Resolved<'_>,
    kind: Option<PolicyKind>,
    out: &mut Vec<Finding>,
) {
    if let Some((p, v)) = &s.principal {
        if s.is_allow() {
            confused_deputy(s, res, p, v, out);
            star_principal(s, p, v, out);
        }
        for (ip, arn) in principal_values(p, v, "AWS") {
            if is_group_arn(arn) {
                out.push(Finding::new(
                    Rule::GroupPrincipal,
                    ip,
                    format!("`{arn}` is an IAM group, which cannot be a principal (AWS rejects the policy): name the role or user, or attach an identity policy to the group"),
                ));
            }
        }
    }
    if !s.is_allow() {
        return;
    }
    if let Some(na) = &s.not_action {
        out.push(Finding::new(
            Rule::AllowNotAction,
            na.ptr.clone(),
            "`Allow` with `NotAction` grants every other action, including those AWS adds later: list the allowed actions in `Action`",
        ));
    }
    if let Some(nr) = &s.not_resource {
        out.push(Finding::new(
            Rule::AllowNotResource,
            nr.ptr.clone(),
            "`Allow` with `NotResource` grants every other resource, in every account it can reach: list the resources in `Resource`",
        ));
    }
    if let Some((np, _)) = &s.not_principal {
        out.push(Finding::new(
            Rule::AllowNotPrincipal,
            np.clone(),
            "`Allow` with `NotPrincipal` grants everyone but the principals named, anonymous users included: name the allowed principals in `Principal`",
        ));
    }
    pass_role(s, out);
    wide_grants(s, res, kind, out);
}

/// Whether `resource` is every resource: `"*"`, or an ARN whose resource part is only `*`
/// (`arn:aws:s3:::*`, `arn:aws:ses:us-east-1:111122223333:*`, `arn:aws:s3:::*/*`).
fn every_resource(resource: &str) -> bool {
    resource == "*" || arn_resource_is_star(resource)
}

/// Whether `resource` is an ARN whose resource part is made of `*` alone (with `/` between).
fn arn_resource_is_star(resource: &str) -> bool {
    resource.starts_with("arn:")
        && resource
            .splitn(6, ':')
            .nth(5)
            .is_some_and(|r| r.contains('*') && r.bytes().all(|b| matches!(b, b'*' | b'/')))
}

/// `svc:*` or `*` on every resource (S012); a narrower action on an ARN that names every
/// resource of its service (S013), unless the action accepts no resource type (then `"*"` is
/// what it needs, see C005). Not in key and secret policies, where `"*"` is the key or secret
/// the policy is attached to, nor in trust policies, which have no resource.
fn wide_grants(s: &Stmt<'_>, res: &Resolved<'_>, kind: Option<PolicyKind>, out: &mut Vec<Finding>) {
    if matches!(
        kind,
        Some(PolicyKind::Key | PolicyKind::Secret | PolicyKind::Trust)
    ) {
        return;
    }
    let (Some(actions), Some(resources)) = (&s.action, &s.resource) else {
        return;
    };
    let Some((_, all)) = resources.items.iter().find(|(_, r)| every_resource(r)) else {
        return;
    };
    for (ap, action) in &actions.items {
        let service = action.split_once(':').map(|(svc, _)| svc);
        let whole_service = match service {
            None => *action == "*",
            Some(svc) => action.len() == svc.len() + 2 && action.ends_with(":*"),
        };
        if !whole_service {
            continue;
        }
        let what = match service {
            None => "every action of every AWS service: full administrator access".to_owned(),
            Some(svc) => format!("every action of `{svc}`, those AWS adds later included"),
        };
        out.push(Finding::new(
            Rule::WildcardActionOnAllResources,
            ap.clone(),
            format!(
                "`{action}` on `{all}` allows {what}, on every resource: list the actions the holder needs and name the resources they act on"
            ),
        ));
    }
    for item in &res.items {
        let text = item.text.as_str();
        if text.ends_with(":*") && !text[..text.len() - 2].contains(['*', '?']) {
            continue;
        }
        // An action that accepts no resource type is authorized only against `"*"`.
        if item.expansion.resource_types.is_empty() {
            continue;
        }
        let prefix = item.service.prefix();
        let wide = resources.items.iter().find(|(_, r)| {
            arn_resource_is_star(r)
                && r.split(':')
                    .nth(2)
                    .is_some_and(|svc| svc.eq_ignore_ascii_case(prefix))
        });
        if let Some((_, r)) = wide {
            out.push(Finding::new(
                Rule::ActionOnEveryResource,
                item.ptr.clone(),
                format!(
                    "`{text}` on `{r}` reaches every `{prefix}` resource the ARN's region and account allow ({}): name the resources it acts on",
                    if prefix.eq_ignore_ascii_case("s3") {
                        "every bucket, in any account whose bucket policy lets it"
                    } else {
                        "not one you chose"
                    }
                ),
            ));
        }
    }
}

/// How well the statement's conditions pin one key.
enum Limit {
    /// No condition names the key.
    Absent,
    /// Conditions name it but match any value, or a request without it: why.
    Ineffective(String),
    /// A condition that the request must meet with a specific value.
    Effective,
}

/// A value that matches anything under a `...Like` operator: only `*` and `?`.
fn wildcard_only(v: &Value) -> bool {
    let text = scalar_text(v);
    !text.is_empty() && text.bytes().all(|b| matches!(b, b'*' | b'?'))
}

/// Whether the statement's conditions limit `key` to specific values: an operator that needs
/// the key in the request (no `IfExists`, no negation, not `Null`), and no value that is
/// only wildcards.
fn limit(s: &Stmt<'_>, key: &str) -> Limit {
    let mut why = None;
    for c in s
        .conditions
        .iter()
        .filter(|c| c.key.eq_ignore_ascii_case(key))
    {
        let Some(op) = parse_operator(c.op) else {
            continue;
        };
        if op.if_exists {
            why.get_or_insert_with(|| {
                format!(
                    "`{}` on `{}` also matches a request without the key",
                    c.op, c.key
                )
            });
        } else if !op.needs_key() {
            why.get_or_insert_with(|| {
                format!(
                    "`{}` on `{}` does not require a matching value",
                    c.op, c.key
                )
            });
        } else if let Some((_, v)) = c.values.iter().find(|(_, v)| wildcard_only(v)) {
            why.get_or_insert_with(|| {
                format!(
                    "`{}` on `{}` with `\"{}\"` names no specific value",
                    c.op,
                    c.key,
                    scalar_text(v)
                )
            });
        } else if !c.values.is_empty() {
            return Limit::Effective;
        }
    }
    match why {
        Some(w) => Limit::Ineffective(w),
        None => Limit::Absent,
    }
}

fn effective(s: &Stmt<'_>, key: &str) -> bool {
    matches!(limit(s, key), Limit::Effective)
}

fn confused_deputy(s: &Stmt<'_>, res: &Resolved<'_>, p: &str, v: &Value, out: &mut Vec<Finding>) {
    let account = limit(s, "aws:SourceAccount");
    let arn = limit(s, "aws:SourceArn");
    // An organization-wide limit is the documented alternative for resources shared
    // across the accounts of an organization.
    let org = effective(s, "aws:SourceOrgID") || effective(s, "aws:SourceOrgPaths");
    let (account_ok, arn_ok) = (
        matches!(account, Limit::Effective),
        matches!(arn, Limit::Effective),
    );
    let limited = org || (account_ok && arn_ok);
    let actions: Vec<&str> = s
        .action
        .iter()
        .flat_map(|a| &a.items)
        .map(|(_, a)| *a)
        .collect();
    let data_says = res.items.iter().any(|i| i.expansion.names_source_keys);
    let open_account = source_arn_with_open_account(s);
    for (sp, service) in principal_values(p, v, "Service") {
        let exempt = NO_SOURCE_KEYS.iter().find(|e| {
            e.principal.eq_ignore_ascii_case(service)
                && !actions.is_empty()
                && actions
                    .iter()
                    .all(|a| e.within.iter().any(|w| w.eq_ignore_ascii_case(a)))
                && actions
                    .iter()
                    .any(|a| e.needs_one_of.iter().any(|w| w.eq_ignore_ascii_case(a)))
        });
        if let Some(e) = exempt {
            // Without the keys is right for these features; requiring them is the mistake:
            // the feature's requests never carry them, so the grant never applies.
            if org || account_ok || arn_ok {
                out.push(Finding::new(
                    Rule::ConfusedDeputyUnsupported,
                    sp,
                    format!("`{service}` is limited by a confused-deputy key, but {} does not send `aws:SourceAccount`, `aws:SourceArn` or the organization keys (AWS documents it): the condition never holds and the feature is denied; remove those conditions from this statement", e.feature),
                ));
            }
            continue;
        }
        if limited {
            continue;
        }
        if !(data_says
            || SUPPORTS_SOURCE_KEYS
                .iter()
                .any(|k| k.eq_ignore_ascii_case(service)))
        {
            continue;
        }
        const FIX: &str = "add `\"StringEquals\": {\"aws:SourceAccount\": \"<your account>\"}` and `\"ArnLike\": {\"aws:SourceArn\": \"<the calling resource's arn>\"}`";
        let finding = match (&account, &arn) {
            // `aws:SourceArn` alone, every value naming the account: what AWS's own documented
            // policies write; the account is fixed through the ARN.
            (_, Limit::Effective) if open_account.is_none() => continue,
            (_, Limit::Effective) => Finding::new(
                Rule::PartialConfusedDeputyKeys,
                sp,
                format!(
                    "service principal `{service}` is limited by `aws:SourceArn` but not `aws:SourceAccount`, and the `aws:SourceArn` value `{}` leaves the account open: other accounts' resources can act through this statement; name the account in the ARN, or add `\"StringEquals\": {{\"aws:SourceAccount\": \"<your account>\"}}`",
                    open_account.as_deref().unwrap_or_default()
                ),
            ),
            (Limit::Effective, _) => Finding::new(
                Rule::PartialConfusedDeputyKeys,
                sp,
                format!(
                    "service principal `{service}` is limited by `aws:SourceAccount` but not `aws:SourceArn` (AWS recommends both): other accounts are kept out, but any of the service's resources in your account can act through this statement; add `\"ArnLike\": {{\"aws:SourceArn\": \"<the calling resource's arn>\"}}`"
                ),
            ),
            (Limit::Ineffective(why), _) | (_, Limit::Ineffective(why)) => Finding::new(
                Rule::MissingConfusedDeputyKeys,
                sp,
                format!(
                    "service principal `{service}` is not limited to your resources (confused deputy): {why}, so it limits nothing; {FIX}, without `IfExists` or a bare `\"*\"`"
                ),
            ),
            (Limit::Absent, Limit::Absent) => Finding::new(
                Rule::MissingConfusedDeputyKeys,
                sp,
                format!(
                    "service principal `{service}` is not limited to your resources (confused deputy): {FIX}"
                ),
            ),
        };
        out.push(finding);
    }
}

/// The first `aws:SourceArn` value, among the conditions the request must meet, whose account
/// field is empty, `*` or holds a wildcard or a variable (`arn:aws:ses:us-east-1:*:...`); `None`
/// when every value names one account.
fn source_arn_with_open_account(s: &Stmt<'_>) -> Option<String> {
    s.conditions
        .iter()
        .filter(|c| c.key.eq_ignore_ascii_case("aws:SourceArn"))
        .filter(|c| parse_operator(c.op).is_some_and(|op| !op.if_exists && op.needs_key()))
        .flat_map(|c| &c.values)
        .map(|(_, v)| scalar_text(v))
        .find(|arn| {
            let account = arn.split(':').nth(4).unwrap_or_default();
            account.is_empty() || account.contains(['*', '?']) || account.contains("${")
        })
}

fn star_principal(s: &Stmt<'_>, p: &str, v: &Value, out: &mut Vec<Finding>) {
    let mut stars: Vec<String> = Vec::new();
    if v.as_str() == Some("*") {
        stars.push(p.to_owned());
    }
    stars.extend(
        principal_values(p, v, "AWS")
            .into_iter()
            .filter(|(_, a)| *a == "*")
            .map(|(ip, _)| ip),
    );
    if stars.is_empty() || CALLER_KEYS.iter().any(|k| effective(s, k)) {
        return;
    }
    for sp in stars {
        out.push(Finding::new(
            Rule::UnconditionedStarPrincipal,
            sp,
            "`\"*\"` as principal allows anyone, in any account, anonymous included: name the principals, or add a condition on the caller such as `aws:PrincipalOrgID` or `aws:SourceAccount`",
        ));
    }
}

fn pass_role(s: &Stmt<'_>, out: &mut Vec<Finding>) {
    let Some(actions) = &s.action else {
        return;
    };
    let passes = actions
        .items
        .iter()
        .find(|(_, a)| wildcard_matches_ignore_case(a, "iam:PassRole"));
    let Some((_, action)) = passes else {
        return;
    };
    // `iam:PassedToService` limits what the roles can be passed to, which is what Access
    // Analyzer asks for, and `iam:AssociatedResourceArn` what they can be attached to: no
    // finding then (but not with `IfExists`, which lets a request without the key through).
    if effective(s, "iam:PassedToService") || effective(s, "iam:AssociatedResourceArn") {
        return;
    }
    if let Some(nr) = &s.not_resource {
        out.push(Finding::new(
            Rule::PassRoleOnStar,
            nr.ptr.clone(),
            format!("`{action}` with `NotResource` lets the holder pass every role but the ones listed, and gain its permissions: name the roles in `Resource` and add `iam:PassedToService`"),
        ));
    }
    let Some(resources) = &s.resource else {
        return;
    };
    for (rp, r) in &resources.items {
        if *r == "*" {
            out.push(Finding::new(
                Rule::PassRoleOnStar,
                rp.clone(),
                format!("`{action}` on `\"*\"` lets the holder pass any role, and gain its permissions: name the roles (`arn:aws:iam::111122223333:role/name`) and add `iam:PassedToService`"),
            ));
        }
    }
}

/// A key policy in which no Allow lets the account, or a role or user of it, manage the key
/// (`kms:PutKeyPolicy`, which `kms:*` includes): the key cannot be managed once the policy is
/// in place, and KMS refuses such a policy unless its lockout safety check is bypassed.
pub(crate) fn key_administrator(
    doc: &Document<'_>,
    kind: Option<PolicyKind>,
    out: &mut Vec<Finding>,
) {
    // A bare statement (E006 says so) or a list of statements is a fragment to merge into a
    // policy, not the policy: the policy it is merged into has its own administrator.
    if kind != Some(PolicyKind::Key)
        || doc.statements.is_empty()
        || doc.bare_statement
        || doc.statement_list
    {
        return;
    }
    let manages = |s: &Stmt<'_>| {
        let Some((p, v)) = &s.principal else {
            return false;
        };
        s.is_allow()
            && principal_values(p, v, "AWS")
                .iter()
                .any(|(_, a)| account_principal(a))
            && s.action
                .iter()
                .flat_map(|a| &a.items)
                .any(|(_, a)| wildcard_matches_ignore_case(a, "kms:PutKeyPolicy"))
    };
    if doc.statements.iter().any(manages) {
        return;
    }
    out.push(Finding::new(
        Rule::KeyWithoutAdministrator,
        "/Statement",
        "no statement lets the account or an administrator manage the key (`kms:PutKeyPolicy`): with this policy alone nobody can change it, and KMS refuses it unless its lockout safety check is bypassed; add AWS's default statement, `{\"Sid\": \"Enable IAM User Permissions\", \"Effect\": \"Allow\", \"Principal\": {\"AWS\": \"arn:aws:iam::<your account>:root\"}, \"Action\": \"kms:*\", \"Resource\": \"*\"}`, or merge these statements into the key's existing policy with `mmpolicy merge`",
    ));
}

/// The account (`111122223333`, `arn:aws:iam::111122223333:root`) or one of its roles or
/// users, by ARN.
fn account_principal(value: &str) -> bool {
    let account_id = |a: &str| a.len() == 12 && a.bytes().all(|b| b.is_ascii_digit());
    if account_id(value) {
        return true;
    }
    let parts: Vec<&str> = value.splitn(6, ':').collect();
    match parts.as_slice() {
        ["arn", _, "iam", "", account, resource] => {
            account_id(account)
                && (*resource == "root"
                    || resource.starts_with("role/")
                    || resource.starts_with("user/"))
        }
        _ => false,
    }
}

fn is_group_arn(arn: &str) -> bool {
    let mut parts = arn.splitn(6, ':');
    matches!(
        (parts.next(), parts.next(), parts.next(), parts.nth(2)),
        (Some("arn"), Some(_), Some("iam"), Some(res)) if res.starts_with("group/")
    )
}
