//! How statements and policies combine into a decision: principals, `Not` elements, explicit
//! deny, same-account and cross-account requests, the KMS key-policy rule, service principals
//! with `aws:SourceAccount`/`aws:SourceArn` (the shape of Mail Manager's secret and key
//! policies), and what the evaluation reports. Every case runs through `check`.
#![allow(
    clippy::unwrap_used,
    clippy::panic,
    reason = "test helpers: a failed unwrap or panic is a failed test"
)]

use mmpolicy_catalog::Catalog;
use mmpolicy_eval::{
    Context, Decision, EvalError, NotApplied, Policy, PolicySet, Principal, Request,
    ResourcePolicyKind, evaluate,
};
use serde_json::{Value, json};

const ACCOUNT: &str = "111122223333";
const OTHER: &str = "444455556666";
const SECRET: &str = "arn:aws:secretsmanager:eu-west-1:111122223333:secret:smtp-AbCdEf";
const KEY: &str = "arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";
const INGRESS: &str = "arn:aws:ses:eu-west-1:111122223333:mailmanager-ingress-point/inp-1";

fn policy(statements: Value) -> Policy {
    Policy::from_value(&json!({"Version": "2012-10-17", "Statement": statements})).unwrap()
}

/// One request: principal, action, resource and `KEY=VALUE` context entries typed by the
/// catalog.
struct Req<'a> {
    principal: &'a str,
    action: &'a str,
    resource: &'a str,
    context: &'a [&'a str],
}

fn request(r: &Req<'_>) -> Request {
    let mut context = Context::new();
    for entry in r.context {
        context.insert_entry(entry, Catalog::embedded()).unwrap();
    }
    Request::new(Principal::parse(r.principal).unwrap(), r.action, r.resource).with_context(context)
}

/// Evaluates and asserts the decision and the `Sid`s of the deciding statements.
fn check(set: &PolicySet, r: Req<'_>, decision: Decision, deciding: &[&str]) {
    let got = evaluate(set, &request(&r)).unwrap();
    let sids: Vec<&str> = got
        .deciding
        .iter()
        .map(|s| s.sid.as_deref().unwrap_or("-"))
        .collect();
    assert_eq!(
        (got.decision, sids.as_slice()),
        (decision, deciding),
        "{} {} {} {:?}: {:#?}",
        r.principal,
        r.action,
        r.resource,
        r.context,
        got.others
    );
}

fn allow(sid: &str, action: &str, resource: &str) -> Value {
    json!({"Sid": sid, "Effect": "Allow", "Action": action, "Resource": resource})
}

#[test]
fn identity_policies_actions_and_resources() {
    let set = PolicySet::new()
        .with_identity(
            "read",
            policy(json!([
                allow("Get", "S3:get*", "arn:aws:s3:::bucket/*"),
                allow("List", "s3:ListBucke?", "arn:aws:s3:::bucket"),
                {"Sid": "Home", "Effect": "Allow", "Action": "s3:PutObject", "Resource": "arn:aws:s3:::bucket/home/${aws:username}/*"},
                {"Sid": "AllButIam", "Effect": "Allow", "NotAction": ["iam:*", "s3:*"], "Resource": "*"},
                {"Sid": "NotSecrets", "Effect": "Allow", "Action": "kms:ListKeys", "NotResource": "arn:aws:secretsmanager:*"},
            ])),
        );
    let user = "arn:aws:iam::111122223333:user/alice";
    let r = |action, resource, context| Req {
        principal: user,
        action,
        resource,
        context,
    };
    check(
        &set,
        r("s3:GetObject", "arn:aws:s3:::bucket/a/b:c", &[]),
        Decision::Allowed,
        &["Get"],
    );
    check(
        &set,
        r("s3:GetObject", "arn:aws:s3:::bucket", &[]),
        Decision::ImplicitlyDenied,
        &[],
    );
    check(
        &set,
        r("s3:GetObject", "arn:aws:s3:::Bucket/a", &[]),
        Decision::ImplicitlyDenied,
        &[],
    );
    check(
        &set,
        r("s3:listbucket", "arn:aws:s3:::bucket", &[]),
        Decision::Allowed,
        &["List"],
    );
    check(
        &set,
        r("s3:ListBuckets", "arn:aws:s3:::bucket", &[]),
        Decision::ImplicitlyDenied,
        &[],
    );
    check(
        &set,
        r(
            "s3:PutObject",
            "arn:aws:s3:::bucket/home/alice/x",
            &["aws:username=alice"],
        ),
        Decision::Allowed,
        &["Home"],
    );
    check(
        &set,
        r(
            "s3:PutObject",
            "arn:aws:s3:::bucket/home/bob/x",
            &["aws:username=alice"],
        ),
        Decision::ImplicitlyDenied,
        &[],
    );
    // A variable without a value matches nothing.
    check(
        &set,
        r("s3:PutObject", "arn:aws:s3:::bucket/home//x", &[]),
        Decision::ImplicitlyDenied,
        &[],
    );
    check(
        &set,
        r("sns:Publish", "arn:aws:sns:eu-west-1:111122223333:t", &[]),
        Decision::Allowed,
        &["AllButIam"],
    );
    check(
        &set,
        r("iam:CreateUser", "arn:aws:iam::111122223333:user/x", &[]),
        Decision::ImplicitlyDenied,
        &[],
    );
    check(
        &set,
        r("kms:ListKeys", "*", &[]),
        Decision::Allowed,
        &["AllButIam", "NotSecrets"],
    );
}

#[test]
fn explicit_deny_beats_allow() {
    let set = PolicySet::new()
        .with_identity("allow", policy(json!([allow("All", "*", "*")])))
        .with_identity(
            "deny",
            policy(
                json!({"Sid": "NoDelete", "Effect": "Deny", "Action": "s3:Delete*", "Resource": "*",
                "Condition": {"BoolIfExists": {"aws:MultiFactorAuthPresent": "false"}}}),
            ),
        );
    let r = |action, context| Req {
        principal: "arn:aws:iam::111122223333:role/admin",
        action,
        resource: "arn:aws:s3:::bucket/x",
        context,
    };
    check(
        &set,
        r("s3:DeleteObject", &[]),
        Decision::ExplicitlyDenied,
        &["NoDelete"],
    );
    check(
        &set,
        r("s3:DeleteObject", &["aws:MultiFactorAuthPresent=true"]),
        Decision::Allowed,
        &["All"],
    );
    check(&set, r("s3:GetObject", &[]), Decision::Allowed, &["All"]);
    // A deny in the resource policy wins over an allow in an identity policy.
    let set = set.with_resource(
        "bucket",
        ResourcePolicyKind::Bucket,
        policy(json!({"Sid": "NoHttp", "Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": "*",
            "Condition": {"Bool": {"aws:SecureTransport": "false"}}})),
    );
    check(
        &set,
        r("s3:GetObject", &["aws:SecureTransport=false"]),
        Decision::ExplicitlyDenied,
        &["NoHttp"],
    );
    let got = evaluate(
        &set,
        &request(&r("s3:GetObject", &["aws:SecureTransport=false"])),
    )
    .unwrap();
    assert!(got.others.iter().any(|(s, why)| s.sid.as_deref() == Some("All") && *why == NotApplied::OverriddenByDeny));
}

#[test]
fn principals_in_resource_policies() {
    let bucket = |principal: Value, not: bool| {
        let key = if not { "NotPrincipal" } else { "Principal" };
        PolicySet::new().with_resource(
            "bucket",
            ResourcePolicyKind::Bucket,
            policy(json!({"Sid": "P", "Effect": "Allow", key: principal, "Action": "s3:GetObject", "Resource": "arn:aws:s3:::bucket/*"})),
        )
    };
    let r = |principal| Req {
        principal,
        action: "s3:GetObject",
        resource: "arn:aws:s3:::bucket/k",
        context: &[],
    };
    let role = "arn:aws:iam::111122223333:role/app";
    let session = "arn:aws:sts::111122223333:assumed-role/app/i-0abc";
    let cases: [(Value, bool, &str, Decision); 16] = [
        (json!("*"), false, role, Decision::Allowed),
        (json!({"AWS": "*"}), false, role, Decision::Allowed),
        (json!({"AWS": role}), false, role, Decision::Allowed),
        (json!({"AWS": role}), false, session, Decision::Allowed),
        (
            json!({"AWS": "arn:aws:iam::111122223333:role/path/app"}),
            false,
            session,
            Decision::Allowed,
        ),
        (
            json!({"AWS": "arn:aws:iam::111122223333:role/other"}),
            false,
            session,
            Decision::ImplicitlyDenied,
        ),
        (json!({"AWS": [session]}), false, session, Decision::Allowed),
        (
            json!({"AWS": "arn:aws:iam::111122223333:user/alice"}),
            false,
            "arn:aws:iam::111122223333:user/alice",
            Decision::Allowed,
        ),
        (
            json!({"AWS": "arn:aws:iam::111122223333:user/alice"}),
            false,
            "arn:aws:iam::111122223333:user/bob",
            Decision::ImplicitlyDenied,
        ),
        // The account names the account: its principals need an identity policy too.
        (
            json!({"AWS": ACCOUNT}),
            false,
            role,
            Decision::ImplicitlyDenied,
        ),
        (
            json!({"AWS": "arn:aws:iam::111122223333:root"}),
            false,
            session,
            Decision::ImplicitlyDenied,
        ),
        (json!({"AWS": ACCOUNT}), false, ACCOUNT, Decision::Allowed),
        (
            json!({"Service": "ses.amazonaws.com"}),
            false,
            role,
            Decision::ImplicitlyDenied,
        ),
        (
            json!({"Federated": "cognito-identity.amazonaws.com"}),
            false,
            role,
            Decision::ImplicitlyDenied,
        ),
        (
            json!({"AWS": "arn:aws:iam::111122223333:role/other"}),
            true,
            role,
            Decision::Allowed,
        ),
        (
            json!({"AWS": role}),
            true,
            session,
            Decision::ImplicitlyDenied,
        ),
    ];
    for (principal, not, who, want) in cases {
        let deciding: &[&str] = if want == Decision::Allowed {
            &["P"]
        } else {
            &[]
        };
        check(&bucket(principal, not), r(who), want, deciding);
    }
}

#[test]
fn same_account_identity_or_resource_allows() {
    let user = "arn:aws:iam::111122223333:user/alice";
    let identity = policy(json!([allow(
        "Id",
        "secretsmanager:GetSecretValue",
        SECRET
    )]));
    let resource = |who: &str| {
        policy(
            json!({"Sid": "Res", "Effect": "Allow", "Principal": {"AWS": who},
            "Action": "secretsmanager:GetSecretValue", "Resource": "*"}),
        )
    };
    let r = Req {
        principal: user,
        action: "secretsmanager:GetSecretValue",
        resource: SECRET,
        context: &[],
    };
    let only_identity = PolicySet::new().with_identity("id", identity.clone());
    check(&only_identity, Req { ..r }, Decision::Allowed, &["Id"]);
    let only_resource =
        PolicySet::new().with_resource("secret", ResourcePolicyKind::Secret, resource(user));
    check(&only_resource, Req { ..r }, Decision::Allowed, &["Res"]);
    let account_only =
        PolicySet::new().with_resource("secret", ResourcePolicyKind::Secret, resource(ACCOUNT));
    check(&account_only, Req { ..r }, Decision::ImplicitlyDenied, &[]);
    let both = account_only.with_identity("id", identity);
    check(&both, r, Decision::Allowed, &["Id", "Res"]);
}

#[test]
fn cross_account_needs_both() {
    let other_role = "arn:aws:iam::444455556666:role/reader";
    let identity = PolicySet::new().with_identity(
        "id",
        policy(json!([allow(
            "Id",
            "s3:GetObject",
            "arn:aws:s3:::bucket/*"
        )])),
    );
    let bucket = |who: &str| {
        policy(
            json!({"Sid": "Res", "Effect": "Allow", "Principal": {"AWS": who},
            "Action": "s3:GetObject", "Resource": "arn:aws:s3:::bucket/*"}),
        )
    };
    let req = |principal| {
        request(&Req {
            principal,
            action: "s3:GetObject",
            resource: "arn:aws:s3:::bucket/k",
            context: &[],
        })
        .with_resource_account(ACCOUNT)
    };
    let decide = |set: &PolicySet, principal| evaluate(set, &req(principal)).unwrap().decision;
    assert_eq!(decide(&identity, other_role), Decision::ImplicitlyDenied);
    let resource_only =
        PolicySet::new().with_resource("bucket", ResourcePolicyKind::Bucket, bucket(other_role));
    assert_eq!(
        decide(&resource_only, other_role),
        Decision::ImplicitlyDenied
    );
    let both =
        identity
            .clone()
            .with_resource("bucket", ResourcePolicyKind::Bucket, bucket(other_role));
    assert_eq!(decide(&both, other_role), Decision::Allowed);
    // Naming the other account is enough on the resource side.
    let to_account = identity.with_resource("bucket", ResourcePolicyKind::Bucket, bucket(OTHER));
    assert_eq!(decide(&to_account, other_role), Decision::Allowed);
    let got = evaluate(&resource_only, &req(other_role)).unwrap();
    assert_eq!(got.others[0].1, NotApplied::NeedsIdentityAllowCrossAccount);
    // The resource account comes from the ARN when it has one.
    let set =
        PolicySet::new().with_identity("id", policy(json!([allow("Id", "secretsmanager:*", "*")])));
    check(
        &set,
        Req {
            principal: other_role,
            action: "secretsmanager:GetSecretValue",
            resource: SECRET,
            context: &[],
        },
        Decision::ImplicitlyDenied,
        &[],
    );
}

#[test]
fn kms_key_policy_must_allow() {
    let role = "arn:aws:iam::111122223333:role/app";
    let identity = policy(json!([allow("Id", "kms:Decrypt", KEY)]));
    let key_policy = |who: &str, action: &str| {
        policy(
            json!({"Sid": "Key", "Effect": "Allow", "Principal": {"AWS": who}, "Action": action, "Resource": "*"}),
        )
    };
    let r = || Req {
        principal: role,
        action: "kms:Decrypt",
        resource: KEY,
        context: &[],
    };
    // Identity policy alone: the key policy is missing, so nothing lets it count.
    check(
        &PolicySet::new().with_identity("id", identity.clone()),
        r(),
        Decision::ImplicitlyDenied,
        &[],
    );
    // The default key policy delegates to the account: identity policies count.
    let delegated = PolicySet::new()
        .with_identity("id", identity.clone())
        .with_resource(
            "key",
            ResourcePolicyKind::Key,
            key_policy("arn:aws:iam::111122223333:root", "kms:*"),
        );
    check(&delegated, r(), Decision::Allowed, &["Key", "Id"]);
    let by_id = PolicySet::new()
        .with_identity("id", identity.clone())
        .with_resource(
            "key",
            ResourcePolicyKind::Key,
            key_policy(ACCOUNT, "kms:Decrypt"),
        );
    check(&by_id, r(), Decision::Allowed, &["Key", "Id"]);
    // Delegation without an identity allow is not enough.
    let no_identity = PolicySet::new().with_resource(
        "key",
        ResourcePolicyKind::Key,
        key_policy("arn:aws:iam::111122223333:root", "kms:*"),
    );
    check(&no_identity, r(), Decision::ImplicitlyDenied, &[]);
    // A key policy that names another principal does not delegate.
    let other = PolicySet::new()
        .with_identity("id", identity.clone())
        .with_resource(
            "key",
            ResourcePolicyKind::Key,
            key_policy("arn:aws:iam::111122223333:role/admin", "kms:*"),
        );
    check(&other, r(), Decision::ImplicitlyDenied, &[]);
    let got = evaluate(&other, &request(&r())).unwrap();
    let why: Vec<(Option<&str>, &NotApplied)> = got
        .others
        .iter()
        .map(|(s, w)| (s.sid.as_deref(), w))
        .collect();
    assert_eq!(
        why,
        [
            (Some("Id"), &NotApplied::NeedsResourcePolicyDelegation),
            (Some("Key"), &NotApplied::PrincipalNotMatched)
        ]
    );
    // Delegation for another action does not count.
    let wrong_action = PolicySet::new()
        .with_identity("id", identity)
        .with_resource(
            "key",
            ResourcePolicyKind::Key,
            key_policy(ACCOUNT, "kms:Encrypt"),
        );
    check(&wrong_action, r(), Decision::ImplicitlyDenied, &[]);
    // The key policy alone, naming the principal: allowed.
    let direct = PolicySet::new().with_resource(
        "key",
        ResourcePolicyKind::Key,
        key_policy(role, "kms:Decrypt"),
    );
    check(&direct, r(), Decision::Allowed, &["Key"]);
}

/// Mail Manager's ingress secret policy and key policy: `ses.amazonaws.com` reads the secret
/// (and decrypts with the key) for one ingress point of one account.
#[test]
fn service_principal_with_source_conditions() {
    let conditions = json!({
        "StringEquals": {"aws:SourceAccount": ACCOUNT},
        "ArnLike": {"aws:SourceArn": "arn:aws:ses:eu-west-1:111122223333:mailmanager-ingress-point/inp-1"}
    });
    let secret = PolicySet::new()
        .with_identity("id", policy(json!([allow("Everything", "*", "*")])))
        .with_resource(
            "secret",
            ResourcePolicyKind::Secret,
            policy(json!({"Sid": "MailManager", "Effect": "Allow", "Principal": {"Service": "ses.amazonaws.com"},
                "Action": "secretsmanager:GetSecretValue", "Resource": "*", "Condition": conditions})),
        );
    let key = PolicySet::new().with_resource(
        "key",
        ResourcePolicyKind::Key,
        policy(json!([
            {"Sid": "Root", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:root"}, "Action": "kms:*", "Resource": "*"},
            {"Sid": "MailManager", "Effect": "Allow", "Principal": {"Service": "ses.amazonaws.com"},
                "Action": "kms:Decrypt", "Resource": "*", "Condition": conditions}
        ])),
    );
    let ok_context: &[&str] = &[
        "aws:SourceAccount=111122223333",
        &format!("aws:SourceArn={INGRESS}"),
    ];
    let other_account: &[&str] = &[
        "aws:SourceAccount=444455556666",
        "aws:SourceArn=arn:aws:ses:eu-west-1:444455556666:mailmanager-ingress-point/inp-1",
    ];
    let other_ingress: &[&str] = &[
        "aws:SourceAccount=111122223333",
        "aws:SourceArn=arn:aws:ses:eu-west-1:111122223333:mailmanager-ingress-point/inp-2",
    ];
    let no_source: &[&str] = &[];
    let ses = "ses.amazonaws.com";
    let cases = [
        (
            &secret,
            "secretsmanager:GetSecretValue",
            SECRET,
            ok_context,
            Decision::Allowed,
        ),
        (
            &secret,
            "secretsmanager:GetSecretValue",
            SECRET,
            other_account,
            Decision::ImplicitlyDenied,
        ),
        (
            &secret,
            "secretsmanager:GetSecretValue",
            SECRET,
            other_ingress,
            Decision::ImplicitlyDenied,
        ),
        (
            &secret,
            "secretsmanager:GetSecretValue",
            SECRET,
            no_source,
            Decision::ImplicitlyDenied,
        ),
        (
            &secret,
            "secretsmanager:PutSecretValue",
            SECRET,
            ok_context,
            Decision::ImplicitlyDenied,
        ),
        (&key, "kms:Decrypt", KEY, ok_context, Decision::Allowed),
        (
            &key,
            "kms:Decrypt",
            KEY,
            other_ingress,
            Decision::ImplicitlyDenied,
        ),
        (
            &key,
            "kms:Encrypt",
            KEY,
            ok_context,
            Decision::ImplicitlyDenied,
        ),
    ];
    for (set, action, resource, context, want) in cases {
        let deciding: &[&str] = if want == Decision::Allowed {
            &["MailManager"]
        } else {
            &[]
        };
        check(
            set,
            Req {
                principal: ses,
                action,
                resource,
                context,
            },
            want,
            deciding,
        );
    }
    // Identity policies do not apply to a service, and the failing condition is named.
    let got = evaluate(
        &secret,
        &request(&Req {
            principal: ses,
            action: "secretsmanager:GetSecretValue",
            resource: SECRET,
            context: other_ingress,
        }),
    )
    .unwrap();
    assert_eq!(got.others[0].1, NotApplied::ServicePrincipal);
    assert_eq!(
        got.others[1].1.to_string(),
        "condition `ArnLike` on `aws:SourceArn` failed: the request has `arn:aws:ses:eu-west-1:111122223333:mailmanager-ingress-point/inp-2`"
    );
}

#[test]
fn evaluation_serialises_for_json_output() {
    let set = PolicySet::new().with_identity(
        "id",
        policy(json!([allow("Get", "s3:GetObject", "*"), {"Effect": "Allow", "Action": "s3:PutObject", "Resource": "*"}])),
    );
    let got = evaluate(
        &set,
        &request(&Req {
            principal: "arn:aws:iam::111122223333:user/a",
            action: "s3:GetObject",
            resource: "arn:aws:s3:::b/k",
            context: &[],
        }),
    )
    .unwrap();
    assert_eq!(
        serde_json::to_value(&got).unwrap(),
        json!({"decision": "Allowed", "statements": [
            {"policy": "id", "index": 0, "sid": "Get", "effect": "Allow", "deciding": true},
            {"policy": "id", "index": 1, "sid": null, "effect": "Allow", "deciding": false,
             "reason": "action_not_matched", "message": "the action did not match"}
        ]})
    );
}

#[test]
fn misplaced_policies_are_errors() {
    let r = request(&Req {
        principal: "arn:aws:iam::111122223333:user/a",
        action: "s3:GetObject",
        resource: "arn:aws:s3:::b/k",
        context: &[],
    });
    let cases = [
        (
            PolicySet::new().with_identity(
                "id",
                policy(
                    json!({"Effect": "Allow", "Principal": "*", "Action": "s3:*", "Resource": "*"}),
                ),
            ),
            "policy `id`: statement 0 has a `Principal`: identity policies have none (the principal is the identity they are attached to); pass it as a resource policy",
        ),
        (
            PolicySet::new()
                .with_identity("id", policy(json!({"Effect": "Allow", "Action": "s3:*"}))),
            "policy `id`: statement 0 has neither `Resource` nor `NotResource`: an identity policy names the resources it applies to",
        ),
        (
            PolicySet::new().with_resource(
                "b",
                ResourcePolicyKind::Bucket,
                policy(json!({"Effect": "Allow", "Action": "s3:*", "Resource": "*"})),
            ),
            "policy `b`: statement 0 has no `Principal`: a resource policy names who it applies to",
        ),
    ];
    for (set, want) in cases {
        assert_eq!(evaluate(&set, &r).unwrap_err().to_string(), want);
    }
}

#[test]
fn malformed_policies_are_errors() {
    let cases = [
        (
            json!([]),
            "malformed policy at ``: the list of statements is empty: give at least one statement",
        ),
        (
            json!("s3:GetObject"),
            "malformed policy at ``: a policy is an object: `{\"Version\": \"2012-10-17\", \"Statement\": [...]}`, or a list of statements",
        ),
        (
            json!({"Version": "2012-10-17"}),
            "malformed policy at ``: the policy has no `Statement`",
        ),
        (
            json!({"Statement": [1]}),
            "malformed policy at `/Statement/0`: a statement is an object",
        ),
        (
            json!({"Statement": {"Effect": "allow", "Action": "s3:*", "Resource": "*"}}),
            "malformed policy at `/Statement/Effect`: `Effect` is `Allow` or `Deny`",
        ),
        (
            json!({"Statement": {"Effect": "Allow", "Resource": "*"}}),
            "malformed policy at `/Statement`: the statement has neither `Action` nor `NotAction`",
        ),
        (
            json!({"Statement": {"Effect": "Allow", "Action": "s3:*", "NotAction": "s3:*", "Resource": "*"}}),
            "malformed policy at `/Statement`: the statement has both `Action` and `NotAction`: keep one",
        ),
        (
            json!({"Statement": {"Effect": "Allow", "Action": ["s3:*", 5], "Resource": "*"}}),
            "malformed policy at `/Statement/Action/1`: each `Action` entry is a string",
        ),
        (
            json!({"Statement": {"Effect": "Allow", "Action": "GetObject", "Resource": "*"}}),
            "malformed policy at `/Statement/Action`: `GetObject` is not an action: expected `service:Name` or `*`",
        ),
        (
            json!({"Statement": {"Effect": "Allow", "Action": "s3:*", "Resource": []}}),
            "malformed policy at `/Statement/Resource`: `Resource` is a string or a non-empty list of strings",
        ),
        (
            json!({"Statement": {"Effect": "Allow", "Action": "s3:*", "Resource": "*", "Principal": "arn:aws:iam::111122223333:root"}}),
            "malformed policy at `/Statement/Principal`: a principal is `\"*\"` or an object such as `{\"AWS\": \"arn:aws:iam::111122223333:root\"}` or `{\"Service\": \"ses.amazonaws.com\"}`",
        ),
        (
            json!({"Statement": {"Effect": "Allow", "Action": "s3:*", "Resource": "*", "Principal": {"Aws": "*"}}}),
            "malformed policy at `/Statement/Principal/Aws`: `Aws` is not a principal type: expected `AWS`, `Service`, `Federated` or `CanonicalUser`",
        ),
        (
            json!({"Statement": {"Effect": "Allow", "Actions": "s3:*", "Resource": "*"}}),
            "malformed policy at `/Statement/Actions`: `Actions` is not a statement element: expected `Sid`, `Effect`, `Principal`, `NotPrincipal`, `Action`, `NotAction`, `Resource`, `NotResource` or `Condition`",
        ),
    ];
    for (doc, want) in cases {
        assert_eq!(
            Policy::from_value(&doc).unwrap_err().to_string(),
            want,
            "{doc}"
        );
    }
}

#[test]
fn principal_strings() {
    let cases = [
        ("ses.amazonaws.com", Ok("ses.amazonaws.com")),
        ("123456789012", Ok("arn:aws:iam::123456789012:root")),
        (
            "arn:aws:iam::123456789012:root",
            Ok("arn:aws:iam::123456789012:root"),
        ),
        (
            "arn:aws:iam::123456789012:role/x",
            Ok("arn:aws:iam::123456789012:role/x"),
        ),
        (
            "arn:aws:iam::123456789012:user/p/x",
            Ok("arn:aws:iam::123456789012:user/p/x"),
        ),
        (
            "arn:aws:sts::123456789012:assumed-role/x/s",
            Ok("arn:aws:sts::123456789012:assumed-role/x/s"),
        ),
        ("12345", Err("it is none of these forms")),
        (
            "arn:aws:iam::12345:role/x",
            Err("the account is not 12 digits"),
        ),
        (
            "arn:aws:iam::123456789012:group/x",
            Err("an IAM principal is `root`, `user/NAME` or `role/NAME`"),
        ),
        (
            "arn:aws:sts::123456789012:federated-user/x",
            Err("an STS principal is `assumed-role/ROLE/SESSION`"),
        ),
        ("arn:aws:s3:::bucket", Err("the ARN is not of IAM or STS")),
        ("arn:aws:iam", Err("an ARN has six colon-separated parts")),
    ];
    for (text, want) in cases {
        let got = Principal::parse(text)
            .map(|p| p.to_string())
            .map_err(|e| match e {
                EvalError::InvalidPrincipal { reason, .. } => reason,
                other => panic!("{other}"),
            });
        assert_eq!(
            got.as_ref().map(String::as_str).map_err(String::as_str),
            want,
            "{text}"
        );
    }
    assert_eq!(
        Principal::parse("x").unwrap_err().to_string(),
        "invalid principal `x`: it is none of these forms; expected an account id (`123456789012`), an IAM ARN (`arn:aws:iam::123456789012:role/name`, `:user/name`, `:root`), a role session (`arn:aws:sts::123456789012:assumed-role/role/session`) or a service (`ses.amazonaws.com`)"
    );
}

#[test]
fn context_entries_take_the_catalog_type() {
    let catalog = Catalog::embedded();
    let cases: [(&str, Result<&[&str], &str>); 9] = [
        ("aws:SourceAccount=111122223333", Ok(&["111122223333"])),
        (
            "aws:CurrentTime=2025-06-01T00:00:00Z",
            Ok(&["2025-06-01T00:00:00Z"]),
        ),
        ("aws:SourceIp=203.0.113.7", Ok(&["203.0.113.7"])),
        ("aws:TagKeys=env,team", Ok(&["env", "team"])),
        ("aws:TagKeys=", Ok(&[])),
        (
            "kms:ViaService=secretsmanager.eu-west-1.amazonaws.com",
            Ok(&["secretsmanager.eu-west-1.amazonaws.com"]),
        ),
        (
            "aws:CurrentTime=tomorrow",
            Err(
                "invalid context entry `aws:CurrentTime=tomorrow`: `aws:CurrentTime` is of type `Date`, and `tomorrow` is not a date in ISO 8601 (`2025-01-31T12:00:00Z`) or epoch seconds",
            ),
        ),
        (
            "aws:SecureTransport=yes",
            Err(
                "invalid context entry `aws:SecureTransport=yes`: `aws:SecureTransport` is of type `Bool`, and `yes` is not `true` or `false`",
            ),
        ),
        (
            "aws:SourceAccount",
            Err(
                "invalid context entry `aws:SourceAccount`: expected `KEY=VALUE`, such as `aws:SourceAccount=111122223333`",
            ),
        ),
    ];
    for (entry, want) in cases {
        let mut ctx = Context::new();
        let got = ctx.insert_entry(entry, catalog).map_err(|e| e.to_string());
        match want {
            Ok(values) => {
                assert_eq!(got, Ok(()), "{entry}");
                let key = entry.split('=').next().unwrap();
                let texts: Vec<&str> = ctx
                    .get(&key.to_uppercase())
                    .unwrap()
                    .iter()
                    .map(|v| v.text())
                    .collect();
                assert_eq!(texts, values, "{entry}");
            }
            Err(message) => assert_eq!(got, Err(message.to_owned()), "{entry}"),
        }
    }
}
