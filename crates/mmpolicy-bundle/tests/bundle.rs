//! The deployment bundle, planned through the registry with every feature linked: the
//! example deployment, partial deployments, and bad files.

#![allow(
    clippy::unwrap_used,
    clippy::panic,
    reason = "test helpers fail the test on an unexpected error"
)]

use mmpolicy::sections;
use mmpolicy::{InvalidParams, PolicyKind};
use mmpolicy_bundle::{Bundle, Format as BundleFormat, deployment_schema, plan_bundle};
use mmpolicy_core::target::{RoleRef, Target};
use serde_json::{Value, json};

const EXAMPLE: &str = include_str!("../../../examples/deployment.toml");

fn plan_toml(text: &str) -> Result<Bundle, InvalidParams> {
    plan_bundle(text, BundleFormat::Toml)
}

const HEAD: &str = "account_id = \"111122223333\"\nregion = \"us-east-1\"\n";

fn files(b: &Bundle) -> Vec<&str> {
    b.policies.iter().map(|p| p.file.as_str()).collect()
}

/// Each section is named after a linked feature (a feature may have none); today's features
/// all have one.
#[test]
fn sections_are_named_after_features() {
    let names: Vec<&str> = sections().iter().map(|s| s.name()).collect();
    assert!(
        names.iter().all(|n| mmpolicy::FEATURES.contains(n)),
        "{names:?} against {:?}",
        mmpolicy::FEATURES
    );
    assert_eq!(
        names,
        [
            "archiving",
            "ingress",
            "operators",
            "rule-actions",
            "smtp-relay"
        ]
    );
    assert_eq!(mmpolicy::registry().features(), mmpolicy::FEATURES);
}

#[test]
fn the_example_deployment_plans_every_policy() {
    let b = plan_toml(EXAMPLE).unwrap();
    assert_eq!(
        files(&b),
        [
            "archiving.identity.json",
            "archiving.export-identity.json",
            "archiving.export-bucket-policy.json",
            "archiving.kms-identity.json",
            "archiving.key-policy.json",
            "ingress.secret-policy.json",
            "ingress.key-policy.json",
            "rule-actions.trust-policy.json",
            "rule-actions.role-policy.json",
            "rule-actions.key-policy.json",
            "smtp-relay.secret-policy.json",
            "smtp-relay.key-policy.json",
        ]
    );
    let role = b
        .policies
        .iter()
        .find(|p| p.file == "rule-actions.role-policy.json")
        .unwrap();
    assert_eq!(role.kind, PolicyKind::Identity);
    assert_eq!(
        role.providers,
        [
            "rule-actions.write-to-s3",
            "rule-actions.deliver-to-mailbox",
            "rule-actions.send-to-internet",
            "rule-actions.bounce",
            "rule-actions.deliver-to-q-business",
            "rule-actions.publish-to-sns",
            "rule-actions.invoke-lambda",
        ]
    );
    let sids: Vec<&str> = role
        .policy
        .statements()
        .iter()
        .filter_map(|s| s.sid.as_deref())
        .collect();
    let mut unique = sids.clone();
    unique.sort_unstable();
    unique.dedup();
    assert_eq!(sids.len(), unique.len(), "{sids:?}");
    assert_eq!(
        sids.len(),
        role.policy.statements().len(),
        "every statement has a Sid"
    );
    assert!(
        role.attach_to.contains("MailManagerRuleSetRole"),
        "{}",
        role.attach_to
    );

    // The trust policy names the one rule set.
    let trust = b
        .policies
        .iter()
        .find(|p| p.kind == PolicyKind::Trust)
        .unwrap();
    assert!(trust.policy.to_compact_json().contains(
        "\"aws:SourceArn\":\"arn:aws:ses:us-east-1:111122223333:mailmanager-rule-set/rs-4k7m2p9q1s3u5w7y0a2c4e6g8i\""
    ));

    // A bundled policy is the provider's own rendering of the same values.
    let archiving = mmpolicy::registry().get("archiving.identity").unwrap();
    let alone = archiving
        .render_value(&json!({
            "account_id": "111122223333", "region": "us-east-1",
            "archive_id": "a-9f8e7d6c5b4a3210fedcba9876",
            "create_tags": {"team": ["mail-operations"], "cost-center": ["cc-1234", "cc-5678"]}
        }))
        .unwrap();
    assert_eq!(b.policies[0].policy, alone);

    // The index lists each file once, and the files are the policies plus the index.
    let index = b.index();
    assert_eq!(index["policies"].as_array().unwrap().len(), 12);
    assert_eq!(
        index["policies"][4],
        json!({
            "file": "archiving.key-policy.json",
            "providers": ["archiving.key-policy"],
            "kind": "key",
            "attach_to": "KMS key `arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab`: merge these statements into its key policy",
            "target": {
                "service": "kms", "resource_type": "key", "attach": "key-policy",
                "arn": "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"
            },
            "shape": "statements"
        })
    );
    let written = b.files();
    assert_eq!(written.len(), 13);
    assert_eq!(written.last().unwrap().0, "bundle.json");
    // A key policy is written as the statements to merge, an identity policy whole.
    let file = |name: &str| -> Value {
        let (_, text) = written.iter().find(|(n, _)| n == name).unwrap();
        serde_json::from_str(text).unwrap()
    };
    assert_eq!(
        file("archiving.key-policy.json")[0]["Sid"],
        "AllowArchiveUsersThroughSes"
    );
    assert_eq!(file("archiving.identity.json")["Version"], "2012-10-17");
}

#[test]
fn a_json_file_plans_the_same_bundle() {
    let value: Value = toml::from_str(EXAMPLE).unwrap();
    let json_text = serde_json::to_string_pretty(&value).unwrap();
    assert_eq!(
        plan_bundle(&json_text, BundleFormat::Json).unwrap(),
        plan_toml(EXAMPLE).unwrap()
    );
}

#[test]
fn only_the_sections_present_produce_policies() {
    let b = plan_toml(&format!(
        "{HEAD}[archiving]\narchive_id = \"*\"\nprincipal_arn = \"arn:aws:iam::111122223333:user/alice\"\n"
    ))
    .unwrap();
    assert_eq!(files(&b), ["archiving.identity.json"]);
    assert!(
        b.policies[0].attach_to.starts_with("IAM user `alice`"),
        "{}",
        b.policies[0].attach_to
    );

    let b = plan_toml(&format!(
        "{HEAD}[rule-actions]\nrule_set_id = \"*\"\n[rule-actions.invoke-lambda]\nfunction_arn = \"arn:aws:lambda:us-east-1:111122223333:function:f\"\n"
    ))
    .unwrap();
    assert_eq!(
        files(&b),
        [
            "rule-actions.trust-policy.json",
            "rule-actions.role-policy.json"
        ]
    );
    assert_eq!(b.policies[1].providers, ["rule-actions.invoke-lambda"]);
    assert_eq!(b.policies[1].policy.statements().len(), 1);
    assert!(
        b.policies[0]
            .policy
            .to_compact_json()
            .contains("mailmanager-rule-set/*")
    );

    let b = plan_toml(&format!(
        "{HEAD}[ingress]\ningress_point_id = \"*\"\n[smtp-relay]\nrelay_id = \"*\"\n"
    ))
    .unwrap();
    assert_eq!(
        files(&b),
        [
            "ingress.secret-policy.json",
            "ingress.key-policy.json",
            "smtp-relay.secret-policy.json",
            "smtp-relay.key-policy.json"
        ]
    );
}

fn check_error(text: &str, line: Option<usize>, needles: &[&str]) {
    let e = plan_toml(text).unwrap_err();
    assert_eq!(e.line, line, "{e:?}");
    for n in needles {
        assert!(e.message.contains(n), "`{n}` not in: {}", e.message);
    }
    assert!(!e.message.ends_with('.'), "{}", e.message);
    assert!(!e.message.contains('\n'), "{}", e.message);
}

#[test]
fn bad_files_name_the_key_and_the_line() {
    // A misspelt top-level key.
    check_error(
        "account_id = \"111122223333\"\nregoin = \"us-east-1\"\n",
        Some(2),
        &["unknown key `regoin`", "`region`"],
    );
    // A misspelt section.
    check_error(
        &format!("{HEAD}\n[archive]\narchive_id = \"*\"\n"),
        Some(4),
        &["unknown key `archive`", "`archiving`"],
    );
    // A misspelt key in a section's sub-table.
    check_error(
        &format!("{HEAD}[rule-actions.write-to-s3]\nbucket = \"b-1\"\nkms_key = \"alias/x\"\n"),
        Some(5),
        &[
            "unknown key `kms_key`",
            "[rule-actions.write-to-s3]",
            "`kms_key_alias`",
        ],
    );
    // A misspelt action table.
    check_error(
        &format!("{HEAD}[rule-actions.write-to-s4]\nbucket = \"b-1\"\n"),
        Some(3),
        &["unknown key `write-to-s4`", "[rule-actions]"],
    );
    // A refused value.
    check_error(
        &format!(
            "{HEAD}[archiving]\narchive_id = \"MyArchiveID\"\nprincipal_arn = \"arn:aws:iam::111122223333:role/r\"\n"
        ),
        Some(4),
        &["invalid `archiving.archive_id` `MyArchiveID`"],
    );
    // A group as principal.
    check_error(
        &format!(
            "{HEAD}[archiving]\narchive_id = \"*\"\nprincipal_arn = \"arn:aws:iam::111122223333:group/g\"\n"
        ),
        Some(5),
        &["`archiving.principal_arn`", "group cannot be a principal"],
    );
}

#[test]
fn values_that_do_not_fit_together_name_their_path() {
    check_error(
        &format!(
            "{HEAD}[archiving]\narchive_id = \"*\"\nprincipal_arn = \"arn:aws:iam::111122223333:role/r\"\nkms_key_arn = \"arn:aws:kms:us-west-2:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab\"\n"
        ),
        Some(6),
        &[
            "invalid `archiving.kms_key_arn`",
            "deployment's region `us-east-1`",
        ],
    );
    check_error(
        &format!("{HEAD}[rule-actions]\nrule_set_id = \"rs-4k7m2p9q1s3u5w7y0a2c4e6g8i\"\n"),
        Some(3),
        &[
            "`[rule-actions]` names no action",
            "`[rule-actions.write-to-s3]`",
        ],
    );
    check_error(
        &format!(
            "{HEAD}[rule-actions]\nrule_set_id = \"*\"\nrole_arn = \"arn:aws:iam::111122223333:user/u\"\n[rule-actions.invoke-lambda]\nfunction_arn = \"arn:aws:lambda:us-east-1:111122223333:function:f\"\n"
        ),
        Some(5),
        &["invalid `rule-actions.role_arn`", "not a user"],
    );
    check_error(
        &format!(
            "{HEAD}[rule-actions]\nrule_set_id = \"*\"\n[rule-actions.publish-to-sns]\ntopic_arn = \"arn:aws:sns:us-east-1:111122223333:t\"\nkms_key_arn = \"arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab\"\n"
        ),
        Some(7),
        &["invalid `rule-actions.publish-to-sns.kms_key_arn`"],
    );
    check_error(
        HEAD,
        None,
        &["no policy", "`[archiving]`", "`[rule-actions]`"],
    );
}

#[test]
fn the_schema_describes_every_key_of_the_example() {
    let schema = deployment_schema().to_value();
    assert_eq!(schema["additionalProperties"], false);
    let example: Value = toml::from_str(EXAMPLE).unwrap();
    let defs = &schema["$defs"];
    let resolve = |s: &Value| -> Value {
        match s.get("$ref").and_then(Value::as_str) {
            Some(r) => defs[r.rsplit('/').next().unwrap()].clone(),
            None => s.clone(),
        }
    };
    for (key, value) in example.as_object().unwrap() {
        let prop = &schema["properties"][key];
        assert!(prop.is_object(), "`{key}` is not in the schema");
        if let Value::Object(table) = value {
            let section = resolve(prop);
            assert_eq!(section["additionalProperties"], false, "{key}");
            for inner in table.keys() {
                assert!(
                    section["properties"][inner].is_object(),
                    "`{key}.{inner}` is not in the schema"
                );
            }
        }
    }
    for name in ["ingress", "smtp-relay", "archiving", "rule-actions"] {
        assert!(
            schema["properties"][name]["description"].is_string(),
            "{name}"
        );
    }
}

#[test]
fn several_actions_of_a_kind_share_the_role_policy() {
    let key = "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";
    let text = format!(
        "{HEAD}[rule-actions]\nrule_set_id = \"*\"\n[[rule-actions.publish-to-sns]]\ntopic_arn = \"arn:aws:sns:us-east-1:111122223333:a\"\nkms_key_arn = \"{key}\"\n\n[[rule-actions.publish-to-sns]]\ntopic_arn = \"arn:aws:sns:us-east-1:111122223333:b\"\nkms_key_arn = \"{key}\"\n"
    );
    let b = plan_toml(&text).unwrap();
    let role = &b.policies[1];
    assert_eq!(role.providers, ["rule-actions.publish-to-sns"]);
    let got: Vec<(Option<&str>, String)> = role
        .policy
        .statements()
        .iter()
        .map(|s| {
            (
                s.sid.as_deref(),
                serde_json::to_string(&s.resource).unwrap(),
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            (
                Some("PublishToSns"),
                "[\"arn:aws:sns:us-east-1:111122223333:a\",\"arn:aws:sns:us-east-1:111122223333:b\"]"
                    .to_owned()
            ),
            (Some("PublishToSnsUseKey"), format!("\"{key}\"")),
        ],
        "the publish statements differ only in their topic and become one; the second key statement is an exact duplicate and is dropped"
    );

    // An unknown key in the second table is reported at its line.
    check_error(
        &format!("{text}topic = \"x\"\n"),
        Some(12),
        &["unknown key `topic` in `[[rule-actions.publish-to-sns]]` number 2"],
    );
    // A key in another region than the second topic: the error names that table and line.
    check_error(
        &text.replace(
            &format!("b\"\nkms_key_arn = \"{key}\""),
            "b\"\nkms_key_arn = \"arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab\"",
        ),
        Some(11),
        &["invalid `rule-actions.publish-to-sns[1].kms_key_arn`", "`us-east-1`"],
    );
    // An empty list is refused.
    let e = plan_bundle(
        r#"{"account_id": "111122223333", "region": "us-east-1", "rule-actions": {"invoke-lambda": []}}"#,
        BundleFormat::Json,
    )
    .unwrap_err();
    assert!(e.message.contains("an empty list"), "{}", e.message);
}

fn target_of(b: &Bundle, file: &str) -> Target {
    b.policies
        .iter()
        .find(|p| p.file == file)
        .map(|p| p.target.clone())
        .unwrap()
}

#[test]
fn each_section_gives_its_policies_a_structured_target() {
    let b = plan_toml(EXAMPLE).unwrap();
    let rule_set_role = RoleRef::Created {
        logical_name: "RuleSetRole".into(),
        role_name: "MailManagerRuleSetRole".into(),
    };
    assert_eq!(
        target_of(&b, "rule-actions.trust-policy.json"),
        Target::TrustPolicy {
            role: rule_set_role.clone()
        }
    );
    assert_eq!(
        target_of(&b, "rule-actions.role-policy.json"),
        Target::RolePolicy {
            role: rule_set_role,
            policy_name: "mmpolicy.rule-actions.role-policy".into()
        }
    );
    assert_eq!(
        target_of(&b, "archiving.kms-identity.json"),
        Target::RolePolicy {
            role: RoleRef::Existing {
                role_name: "MailArchiveOperators".into()
            },
            policy_name: "mmpolicy.archiving.kms-identity".into()
        }
    );
    assert_eq!(
        target_of(&b, "archiving.export-bucket-policy.json"),
        Target::BucketPolicy {
            bucket: "example-mail-archive-exports".into(),
            owned: false
        }
    );
    assert_eq!(
        target_of(&b, "ingress.secret-policy.json"),
        Target::SecretPolicy { secret_arn: None }
    );
    assert_eq!(
        target_of(&b, "smtp-relay.key-policy.json"),
        Target::KeyPolicy { key_arn: None }
    );
}

#[test]
fn targets_follow_the_values_given() {
    let text = format!(
        "{HEAD}
[archiving]
archive_id = \"*\"
principal_arn = \"arn:aws:iam::111122223333:user/ops/archivist\"
[archiving.export]
bucket = \"exports-bucket\"
key_prefix = \"*\"
bucket_owned_by_deployment = true
[rule-actions]
rule_set_id = \"*\"
[rule-actions.write-to-s3]
bucket = \"inbound\"
key_prefix = \"*\"
[ingress]
ingress_point_id = \"*\"
secret_arn = \"arn:aws:secretsmanager:us-east-1:111122223333:secret:smtp-AbCdEf\"
kms_key_arn = \"arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab\"
"
    );
    let b = plan_toml(&text).unwrap();
    assert_eq!(
        target_of(&b, "archiving.identity.json"),
        Target::UserPolicy {
            user_name: "archivist".into(),
            policy_name: "mmpolicy.archiving.identity".into()
        }
    );
    assert_eq!(
        target_of(&b, "archiving.export-bucket-policy.json"),
        Target::BucketPolicy {
            bucket: "exports-bucket".into(),
            owned: true
        }
    );
    assert_eq!(
        target_of(&b, "rule-actions.trust-policy.json"),
        Target::TrustPolicy {
            role: RoleRef::Created {
                logical_name: "RuleSetRole".into(),
                role_name: "MailManagerRuleSetRole".into()
            }
        }
    );
    assert_eq!(
        target_of(&b, "ingress.secret-policy.json"),
        Target::SecretPolicy {
            secret_arn: Some(
                "arn:aws:secretsmanager:us-east-1:111122223333:secret:smtp-AbCdEf".into()
            )
        }
    );
    assert_eq!(
        target_of(&b, "ingress.key-policy.json"),
        Target::KeyPolicy {
            key_arn: Some(
                "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"
                    .into()
            )
        }
    );
}

#[test]
fn a_secret_or_key_of_another_account_or_region_is_refused() {
    let other_account = format!(
        "{HEAD}[smtp-relay]\nrelay_id = \"*\"\nsecret_arn = \"arn:aws:secretsmanager:us-east-1:444455556666:secret:relay-AbCdEf\"\n"
    );
    let e = plan_toml(&other_account).unwrap_err();
    assert_eq!(e.path, "smtp-relay.secret_arn");
    assert!(
        e.message.contains("account `444455556666`"),
        "{}",
        e.message
    );
    assert_eq!(e.line, Some(5));
    let other_region = format!(
        "{HEAD}[ingress]\ningress_point_id = \"*\"\nkms_key_arn = \"arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab\"\n"
    );
    let e = plan_toml(&other_region).unwrap_err();
    assert_eq!(e.path, "ingress.kms_key_arn");
    assert!(e.message.contains("region `eu-west-1`"), "{}", e.message);
}

const KEY: &str = "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";
const ROLE: &str = "arn:aws:iam::111122223333:role/MailManagerRuleSetRole";

fn policy<'a>(b: &'a Bundle, file: &str) -> &'a mmpolicy_bundle::PlannedPolicy {
    b.policies.iter().find(|p| p.file == file).unwrap()
}

/// No finding at `warning` or above in the entry as the bundle writes it (a key-policy entry
/// as the statements to merge into the key's policy).
fn lints_clean(p: &mmpolicy_bundle::PlannedPolicy) {
    use mmpolicy_lint::{Catalog, Severity, lint_str};
    let text = p.policy.to_pretty_json_as(p.kind.shape());
    let report = lint_str(&text, Some(p.kind), Catalog::embedded()).unwrap();
    let findings: Vec<_> = report.at_least(Severity::Warning).collect();
    assert!(findings.is_empty(), "{}: {findings:?}", p.file);
}

#[test]
fn a_named_write_to_s3_key_gets_the_roles_key_policy_statement() {
    let b = plan_toml(&format!(
        "{HEAD}[rule-actions]\nrule_set_id = \"*\"\n[rule-actions.write-to-s3]\nbucket = \"mail-in\"\nkey_prefix = \"*\"\nkms_key_arn = \"{KEY}\"\n"
    ))
    .unwrap();
    assert_eq!(
        files(&b),
        [
            "rule-actions.trust-policy.json",
            "rule-actions.role-policy.json",
            "rule-actions.key-policy.json"
        ]
    );
    let key = policy(&b, "rule-actions.key-policy.json");
    assert_eq!(key.kind, PolicyKind::Key);
    assert_eq!(key.providers, ["rule-actions.key-policy"]);
    assert_eq!(
        key.target,
        Target::KeyPolicy {
            key_arn: Some(KEY.into())
        }
    );
    assert_eq!(
        key.attach_to,
        format!("KMS key `{KEY}`: merge these statements into its key policy")
    );
    // The role's statement on the key, as the role's permission policy has it, with the role
    // as principal and `*` (the key itself) as resource.
    assert_eq!(
        serde_json::to_value(&key.policy).unwrap()["Statement"],
        json!([{
            "Sid": "RuleSetRoleWritesToS3WithKey",
            "Effect": "Allow",
            "Principal": {"AWS": ROLE},
            "Action": ["kms:Decrypt", "kms:GenerateDataKey*"],
            "Resource": "*",
            "Condition": {"StringEquals": {"kms:ViaService": "s3.us-east-1.amazonaws.com"}}
        }])
    );
    let role = serde_json::to_value(&policy(&b, "rule-actions.role-policy.json").policy).unwrap();
    let on_key = role["Statement"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["Resource"] == KEY)
        .unwrap();
    let mine = &serde_json::to_value(&key.policy).unwrap()["Statement"][0];
    assert_eq!(on_key["Action"], mine["Action"]);
    assert_eq!(on_key["Condition"], mine["Condition"]);
    lints_clean(key);
}

#[test]
fn without_a_key_arn_no_key_policy_is_planned() {
    for key in ["", "kms_key_alias = \"alias/inbound-mail\"\n"] {
        let b = plan_toml(&format!(
            "{HEAD}[rule-actions]\nrule_set_id = \"*\"\n[rule-actions.write-to-s3]\nbucket = \"mail-in\"\nkey_prefix = \"*\"\n{key}"
        ))
        .unwrap();
        assert_eq!(
            files(&b),
            [
                "rule-actions.trust-policy.json",
                "rule-actions.role-policy.json"
            ],
            "{key}"
        );
    }
}

#[test]
fn actions_sharing_a_key_share_its_key_policy_and_the_role_given_is_the_principal() {
    let other = "arn:aws:kms:us-east-1:111122223333:key/0987dcba-09fe-87dc-65ba-ab0987654321";
    let b = plan_toml(&format!(
        "{HEAD}[rule-actions]\nrule_set_id = \"*\"\nrole_arn = \"arn:aws:iam::111122223333:role/mail/Rules\"\n\
         [rule-actions.publish-to-sns]\ntopic_arn = \"arn:aws:sns:us-east-1:111122223333:t\"\nkms_key_arn = \"{KEY}\"\n\
         [rule-actions.deliver-to-q-business]\napplication_id = \"a1b2c3d4-5678-90ab-cdef-111122223333\"\n\
         index_id = \"b2c3d4e5-6789-01ab-cdef-111122223333\"\nkms_key_arn = \"{KEY}\"\n\
         [rule-actions.write-to-s3]\nbucket = \"mail-in\"\nkey_prefix = \"*\"\nkms_key_arn = \"{other}\"\n"
    ))
    .unwrap();
    assert_eq!(
        files(&b),
        [
            "rule-actions.trust-policy.json",
            "rule-actions.role-policy.json",
            // In the order the actions are planned: Write to S3 first.
            "rule-actions.key-policy.0987dcba-09fe-87dc-65ba-ab0987654321.json",
            "rule-actions.key-policy.1234abcd-12ab-34cd-56ef-1234567890ab.json"
        ]
    );
    let shared = policy(
        &b,
        "rule-actions.key-policy.1234abcd-12ab-34cd-56ef-1234567890ab.json",
    );
    assert_eq!(
        serde_json::to_value(&shared.policy).unwrap()["Statement"],
        json!([
            {
                "Sid": "RuleSetRoleDeliversToQBusinessWithKey",
                "Effect": "Allow",
                "Principal": {"AWS": "arn:aws:iam::111122223333:role/mail/Rules"},
                "Action": ["kms:DescribeKey", "kms:Encrypt", "kms:GenerateDataKey*"],
                "Resource": "*",
                "Condition": {"StringEquals": {
                    "kms:ViaService": "qbusiness.us-east-1.amazonaws.com",
                    "kms:CallerAccount": "111122223333"
                }}
            },
            {
                "Sid": "RuleSetRolePublishesToSnsWithKey",
                "Effect": "Allow",
                "Principal": {"AWS": "arn:aws:iam::111122223333:role/mail/Rules"},
                "Action": ["kms:Decrypt", "kms:GenerateDataKey*"],
                "Resource": "*",
                "Condition": {"StringEquals": {"kms:ViaService": "sns.us-east-1.amazonaws.com"}}
            }
        ])
    );
    for p in &b.policies {
        if p.kind == PolicyKind::Key {
            lints_clean(p);
        }
    }
}

#[test]
fn two_sections_naming_one_key_merge_their_statements_into_one_file() {
    let b = plan_toml(&format!(
        "{HEAD}[archiving]\narchive_id = \"*\"\nprincipal_arn = \"arn:aws:iam::111122223333:role/Ops\"\nkms_key_arn = \"{KEY}\"\n\
         [rule-actions]\nrule_set_id = \"*\"\n[rule-actions.write-to-s3]\nbucket = \"mail-in\"\nkey_prefix = \"*\"\nkms_key_arn = \"{KEY}\"\n"
    ))
    .unwrap();
    let keys: Vec<&mmpolicy_bundle::PlannedPolicy> = b
        .policies
        .iter()
        .filter(|p| p.kind == PolicyKind::Key)
        .collect();
    assert_eq!(keys.len(), 1, "{:?}", files(&b));
    let key = keys[0];
    assert_eq!(key.file, "archiving.key-policy.json");
    assert_eq!(
        key.providers,
        ["archiving.key-policy", "rule-actions.key-policy"]
    );
    let sids: Vec<&str> = key
        .policy
        .statements()
        .iter()
        .filter_map(|s| s.sid.as_deref())
        .collect();
    assert_eq!(
        sids,
        [
            "AllowArchiveUsersThroughSes",
            "AllowSesToUseArchiveKey",
            "RuleSetRoleWritesToS3WithKey"
        ]
    );
    assert_eq!(
        key.attach_to,
        format!("KMS key `{KEY}`: merge these statements into its key policy")
    );
    lints_clean(key);
}

#[test]
fn targets_in_another_region_are_refused_where_they_cannot_work() {
    let q = |key: &str| {
        format!(
            "{HEAD}[rule-actions]\nrule_set_id = \"*\"\n[rule-actions.deliver-to-q-business]\napplication_id = \"a1b2c3d4-5678-90ab-cdef-111122223333\"\nindex_id = \"b2c3d4e5-6789-01ab-cdef-111122223333\"\nkms_key_arn = \"{key}\"\n"
        )
    };
    check_error(
        &q(&KEY.replace("us-east-1", "eu-west-1")),
        Some(8),
        &[
            "invalid `rule-actions.deliver-to-q-business.kms_key_arn`",
            "the key is in region `eu-west-1`, the deployment in `us-east-1`",
            "names the Amazon Q Business application by id",
            "use a key of region `us-east-1`",
        ],
    );
    assert!(plan_toml(&q(KEY)).is_ok());
    // A topic of another region than the deployment's is accepted; its key must be in the
    // topic's region.
    let sns = |topic: &str, key: &str| {
        format!(
            "{HEAD}[rule-actions]\nrule_set_id = \"*\"\n[rule-actions.publish-to-sns]\ntopic_arn = \"arn:aws:sns:{topic}:111122223333:t\"\nkms_key_arn = \"arn:aws:kms:{key}:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab\"\n"
        )
    };
    check_error(
        &sns("eu-west-1", "us-east-1"),
        Some(7),
        &[
            "invalid `rule-actions.publish-to-sns.kms_key_arn`",
            "the key is in region `us-east-1` but the SNS topic in `eu-west-1`",
            "use a key of region `eu-west-1`",
        ],
    );
    let b = plan_toml(&sns("eu-west-1", "eu-west-1")).unwrap();
    let key = policy(&b, "rule-actions.key-policy.json");
    assert!(
        key.policy
            .to_compact_json()
            .contains("\"kms:ViaService\":\"sns.eu-west-1.amazonaws.com\""),
        "{}",
        key.policy.to_compact_json()
    );
    assert!(plan_toml(&sns("us-east-1", "us-east-1")).is_ok());
    // A function of another region is accepted.
    assert!(
        plan_toml(&format!(
            "{HEAD}[rule-actions]\nrule_set_id = \"*\"\n[rule-actions.invoke-lambda]\nfunction_arn = \"arn:aws:lambda:eu-west-1:111122223333:function:f\"\n"
        ))
        .is_ok()
    );
    // The archive's key must be in the deployment's region.
    check_error(
        &format!(
            "{HEAD}[archiving]\narchive_id = \"*\"\nprincipal_arn = \"arn:aws:iam::111122223333:role/r\"\nkms_key_arn = \"{}\"\n",
            KEY.replace("us-east-1", "us-west-2")
        ),
        Some(6),
        &[
            "invalid `archiving.kms_key_arn`",
            "the key is in region `us-west-2`, the deployment in `us-east-1`",
            "`kms:ViaService` = `ses.us-east-1.amazonaws.com`",
        ],
    );
}
