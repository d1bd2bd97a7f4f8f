//! The corrections mmpolicy makes to AWS's page *Permission policies for Mail Manager*, each
//! tested so that the page's version would fail, and every action of every provider checked
//! against the resource types AWS's catalog gives it.

#![allow(
    clippy::unwrap_used,
    clippy::panic,
    reason = "test helpers fail the test on an unexpected error"
)]

use mmpolicy::{PolicyDocument, PolicyKind, Statement};
use mmpolicy_catalog::ActionLookup;
use serde_json::{Value, json};

fn render(id: &str, params: Value) -> Result<PolicyDocument, mmpolicy::RenderError> {
    mmpolicy::registry().get(id).unwrap().render_value(&params)
}

fn example(id: &str) -> PolicyDocument {
    let p = mmpolicy::registry().get(id).unwrap();
    p.render_value(&p.example_params()).unwrap()
}

fn actions(st: &Statement) -> Vec<&str> {
    st.action
        .as_ref()
        .map(|a| a.iter().collect())
        .unwrap_or_default()
}

fn resources(st: &Statement) -> Vec<&str> {
    st.resource
        .as_ref()
        .map(|a| a.iter().map(|s| s.as_ref()).collect())
        .unwrap_or_default()
}

fn condition(st: &Statement, op: &str, key: &str) -> Option<Vec<String>> {
    let values = st.condition.as_ref()?.get(op)?.get(key)?;
    Some(values.iter().map(ToString::to_string).collect())
}

/// Every action of every provider's example is in AWS's catalog (`mmpolicy-catalog`, generated
/// from AWS's service authorization data), and (in identity and bucket policies, whose
/// `Resource` names resources) sits on resources of a type it accepts, or on `"*"` where it
/// accepts none. An action that requires several resource types is given one of each.
#[test]
fn every_action_is_on_resources_it_accepts() {
    let catalog = mmpolicy_catalog::Catalog::embedded();
    let mut checked = 0;
    for provider in mmpolicy::registry().iter() {
        let doc = provider.render_value(&provider.example_params()).unwrap();
        for st in doc.statements() {
            for action in actions(st) {
                let ActionLookup::Found(service, found) = catalog.lookup_action(action) else {
                    panic!("{}: `{action}` is not in AWS's catalog", provider.id());
                };
                if !matches!(provider.kind(), PolicyKind::Identity | PolicyKind::Bucket) {
                    continue;
                }
                for entry in found {
                    let accepted: Vec<_> = entry
                        .resource_types()
                        .iter()
                        .map(|t| {
                            service.resource_type(t.name()).unwrap_or_else(|| {
                                panic!("`{action}`: no resource type `{}`", t.name())
                            })
                        })
                        .collect();
                    for resource in resources(st) {
                        if accepted.is_empty() {
                            assert_eq!(
                                resource,
                                "*",
                                "{}: `{action}` accepts no resource type",
                                provider.id()
                            );
                        } else {
                            assert!(
                                accepted.iter().any(|t| t.matches(resource)),
                                "{}: `{action}` does not accept `{resource}`",
                                provider.id()
                            );
                        }
                        checked += 1;
                    }
                    let required: Vec<_> = entry
                        .resource_types()
                        .iter()
                        .zip(&accepted)
                        .filter(|(t, _)| t.required())
                        .map(|(_, r)| r)
                        .collect();
                    if required.len() > 1 {
                        for t in required {
                            assert!(
                                resources(st).iter().any(|r| t.matches(r)),
                                "{}: `{action}` requires a resource of the form `{}`",
                                provider.id(),
                                t.arn_format()
                            );
                        }
                    }
                }
            }
        }
    }
    assert!(checked > 0, "no resource was checked");
}

#[test]
fn a_resource_of_another_type_is_caught() {
    let catalog = mmpolicy_catalog::Catalog::embedded();
    let ActionLookup::Found(service, found) = catalog.lookup_action("ses:GetArchive") else {
        panic!("`ses:GetArchive` is not in AWS's catalog");
    };
    let archive = service
        .resource_type(found[0].resource_types()[0].name())
        .unwrap();
    assert!(archive.matches("arn:aws:ses:us-east-1:111122223333:mailmanager-archive/*"));
    assert!(!archive.matches("arn:aws:ses:us-east-1:111122223333:mailmanager-rule-set/x"));
}

// ---------------------------------------------------------------------------------------------
// Archiving

#[test]
fn list_actions_are_on_star_in_a_statement_of_their_own() {
    for archive in ["a-9f8e7d6c5b4a3210fedcba9876", "*"] {
        let doc = render(
            "archiving.identity",
            json!({"account_id": "111122223333", "region": "eu-west-1", "archive_id": archive}),
        )
        .unwrap();
        let list = [
            "ses:ListArchives",
            "ses:ListArchiveSearches",
            "ses:ListArchiveExports",
        ];
        let mut seen = 0;
        for st in doc.statements() {
            let acts = actions(st);
            if acts.iter().any(|a| list.contains(a)) {
                seen += acts.len();
                assert!(
                    acts.iter().all(|a| list.contains(a)),
                    "{acts:?} mixes List actions with others"
                );
                assert_eq!(
                    resources(st),
                    ["*"],
                    "the page's `mailmanager-archive/*` grants nothing"
                );
            }
            for r in resources(st) {
                if r.contains(":mailmanager-archive/") {
                    assert!(
                        !acts.iter().any(|a| list.contains(a)),
                        "List action on `{r}`"
                    );
                }
            }
        }
        assert_eq!(seen, 3);
    }
}

#[test]
fn create_tags_use_string_equals_and_limit_tag_keys() {
    let doc = example("archiving.identity");
    let create = &doc.statements()[0];
    assert_eq!(
        condition(create, "StringEquals", "aws:RequestTag/team"),
        Some(vec!["mail-operations".to_owned()])
    );
    assert!(
        create
            .condition
            .as_ref()
            .unwrap()
            .get("ForAnyValue:StringEquals")
            .is_none()
    );
    assert_eq!(
        condition(create, "ForAllValues:StringEquals", "aws:TagKeys"),
        Some(vec!["team".to_owned()])
    );
    // Without create_tags, no TagResource and no condition.
    let doc = render(
        "archiving.identity",
        json!({"account_id": "111122223333", "region": "us-east-1", "archive_id": "*"}),
    )
    .unwrap();
    assert_eq!(actions(&doc.statements()[0]), ["ses:CreateArchive"]);
    assert!(doc.statements()[0].condition.is_none());
    let e = render(
        "archiving.identity",
        json!({"account_id": "111122223333", "region": "us-east-1", "archive_id": "*", "create_tags": {"team": []}}),
    )
    .unwrap_err();
    assert_eq!(e.field(), Some("create_tags"), "{e}");
}

#[test]
fn archive_key_identity_and_key_policy_name_the_same_region() {
    let key = "arn:aws:kms:us-west-2:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";
    let identity = render("archiving.kms-identity", json!({"kms_key_arn": key})).unwrap();
    assert_eq!(resources(&identity.statements()[0]), [key]);
    let policy = render(
        "archiving.key-policy",
        json!({"kms_key_arn": key, "principal_arn": "arn:aws:iam::111122223333:role/Ops"}),
    )
    .unwrap();
    assert_eq!(
        condition(&policy.statements()[0], "StringEquals", "kms:ViaService"),
        Some(vec!["ses.us-west-2.amazonaws.com".to_owned()]),
        "the page's us-east-1 would never match a us-west-2 key"
    );
}

#[test]
fn a_group_cannot_be_the_key_policy_principal() {
    let e = render(
        "archiving.key-policy",
        json!({
            "kms_key_arn": "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab",
            "principal_arn": "arn:aws:iam::111122223333:group/MailAdmins"
        }),
    )
    .unwrap_err();
    assert_eq!(e.field(), Some("principal_arn"));
    assert!(e.to_string().contains("group cannot be a principal"), "{e}");
    assert!(
        e.to_string()
            .contains("arn:aws:iam::111122223333:group/MailAdmins"),
        "{e}"
    );
}

#[test]
fn archiving_names_no_confused_deputy_keys_and_every_other_service_statement_does() {
    for provider in mmpolicy::registry().iter() {
        let doc = provider.render_value(&provider.example_params()).unwrap();
        for st in doc.statements() {
            let has = |key: &str| {
                st.condition
                    .as_ref()
                    .is_some_and(|c| c.values().any(|m| m.contains_key(key)))
            };
            if provider.feature() == "archiving" {
                assert!(
                    !has("aws:SourceAccount") && !has("aws:SourceArn"),
                    "{}",
                    provider.id()
                );
                continue;
            }
            let names_service = st
                .principal
                .as_ref()
                .is_some_and(|p| serde_json::to_value(p).unwrap().get("Service").is_some());
            if names_service {
                assert!(
                    has("aws:SourceAccount") && has("aws:SourceArn"),
                    "{}",
                    provider.id()
                );
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Rule actions

#[test]
fn trust_policy_source_arn_is_the_rule_set_or_every_rule_set() {
    let doc = render(
        "rule-actions.trust-policy",
        json!({"account_id": "111122223333", "region": "eu-central-1", "rule_set_id": "*"}),
    )
    .unwrap();
    assert_eq!(
        condition(&doc.statements()[0], "ArnLike", "aws:SourceArn"),
        Some(vec![
            "arn:aws:ses:eu-central-1:111122223333:mailmanager-rule-set/*".to_owned()
        ])
    );
}

#[test]
fn the_workmail_organization_arn_has_no_stray_bracket() {
    let doc = example("rule-actions.deliver-to-mailbox");
    let r = resources(&doc.statements()[0]);
    assert!(!r[0].contains('>'), "{r:?}");
    assert!(r[0].ends_with(":organization/m-0123456789abcdef0123456789abcdef"));
    let e = render(
        "rule-actions.deliver-to-mailbox",
        json!({"account_id": "111122223333", "region": "us-east-1", "workmail_organization_id": "MyWorkMailOrganizationID>"}),
    )
    .unwrap_err();
    assert_eq!(e.field(), Some("workmail_organization_id"), "{e}");
}

#[test]
fn a_key_alias_is_a_condition_never_a_resource() {
    let doc = example("rule-actions.write-to-s3");
    let kms = doc
        .statements()
        .iter()
        .find(|s| actions(s).contains(&"kms:GenerateDataKey*"))
        .unwrap();
    assert_eq!(resources(kms), ["arn:aws:kms:us-east-1:111122223333:key/*"]);
    assert_eq!(
        condition(kms, "ForAnyValue:StringEquals", "kms:ResourceAliases"),
        Some(vec!["alias/inbound-mail".to_owned()])
    );
    assert!(!resources(kms).iter().any(|r| r.contains(":alias/")));

    let base = json!({"bucket": "example-inbound-mail", "key_prefix": "*"});
    let with = |extra: Value| {
        let mut v = base.clone();
        v.as_object_mut()
            .unwrap()
            .extend(extra.as_object().unwrap().clone());
        render("rule-actions.write-to-s3", v)
    };
    // An alias ARN in `kms_key_arn` is refused, pointing at `kms_key_alias`.
    let e = with(json!({"kms_key_arn": "arn:aws:kms:us-east-1:111122223333:alias/inbound-mail"}))
        .unwrap_err();
    assert_eq!(e.field(), Some("kms_key_arn"));
    assert!(e.to_string().contains("kms_key_alias"), "{e}");
    // A key ARN names that key.
    let doc = with(json!({"kms_key_arn": "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"})).unwrap();
    assert_eq!(
        resources(&doc.statements()[2]),
        ["arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"]
    );
    // ... used only through S3 in the key's region.
    assert_eq!(
        condition(&doc.statements()[2], "StringEquals", "kms:ViaService"),
        Some(vec!["s3.us-east-1.amazonaws.com".to_owned()])
    );
    assert_eq!(doc.statements()[2].condition.as_ref().unwrap().len(), 1);
    // Both, or an alias without its account and region, are refused.
    let e = with(json!({"kms_key_arn": "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab", "kms_key_alias": "alias/x"})).unwrap_err();
    assert_eq!(e.field(), Some("kms_key_alias"), "{e}");
    let e = with(json!({"kms_key_alias": "alias/x"})).unwrap_err();
    assert!(
        e.to_string().contains("needs `account_id` and `region`"),
        "{e}"
    );
    let e = with(json!({"account_id": "111122223333"})).unwrap_err();
    assert_eq!(e.field(), Some("account_id"), "{e}");
    // Without a key, no KMS statement.
    assert_eq!(with(json!({})).unwrap().statements().len(), 2);
}

#[test]
fn q_business_and_sns_key_statements_belong_to_the_role_on_the_one_key() {
    for (id, service) in [
        (
            "rule-actions.deliver-to-q-business",
            "qbusiness.us-east-1.amazonaws.com",
        ),
        ("rule-actions.publish-to-sns", "sns.us-east-1.amazonaws.com"),
    ] {
        let provider = mmpolicy::registry().get(id).unwrap();
        assert_eq!(provider.kind(), PolicyKind::Identity);
        let doc = example(id);
        let kms = doc
            .statements()
            .iter()
            .find(|s| actions(s).iter().any(|a| a.starts_with("kms:")))
            .unwrap();
        assert!(
            kms.principal.is_none(),
            "{id}: an identity statement names no principal"
        );
        assert_eq!(
            resources(kms),
            ["arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"],
            "{id}: the one key, not the page's `key/*`"
        );
        assert_eq!(
            condition(kms, "StringEquals", "kms:ViaService"),
            Some(vec![service.to_owned()]),
            "{id}"
        );
    }
}

#[test]
fn keys_in_another_region_than_their_service_are_refused() {
    let other = "arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";
    let e = render(
        "rule-actions.publish-to-sns",
        json!({"topic_arn": "arn:aws:sns:us-east-1:111122223333:t", "kms_key_arn": other}),
    )
    .unwrap_err();
    assert_eq!(e.field(), Some("kms_key_arn"), "{e}");
    assert!(e.to_string().contains("`us-east-1`"), "{e}");
    let e = render(
        "rule-actions.deliver-to-q-business",
        json!({
            "account_id": "111122223333", "region": "us-east-1",
            "application_id": "a1b2c3d4-5678-90ab-cdef-111122223333",
            "index_id": "b2c3d4e5-6789-01ab-cdef-111122223333",
            "kms_key_arn": other
        }),
    )
    .unwrap_err();
    assert_eq!(e.field(), Some("kms_key_arn"), "{e}");
}

#[test]
fn wildcards_and_unknown_fields_are_refused() {
    for (id, params, field) in [
        (
            "rule-actions.invoke-lambda",
            json!({"function_arn": "arn:aws:lambda:us-east-1:111122223333:function:*"}),
            "function_arn",
        ),
        (
            "rule-actions.publish-to-sns",
            json!({"topic_arn": "arn:aws:sns:us-east-1:111122223333:*"}),
            "topic_arn",
        ),
        (
            "rule-actions.send-to-internet",
            json!({"account_id": "111122223333", "region": "us-east-1", "sending_identity": "*.example.com"}),
            "sending_identity",
        ),
        (
            "rule-actions.trust-policy",
            json!({"account_id": "111122223333", "region": "us-east-1", "rule_set_id": "rs-*"}),
            "rule_set_id",
        ),
        (
            "archiving.export-identity",
            json!({"bucket": "b*"}),
            "bucket",
        ),
        (
            "rule-actions.invoke-lambda",
            json!({"function_arn": "arn:aws:lambda:us-east-1:111122223333:function:f", "qualifier": "1"}),
            "",
        ),
    ] {
        let e = render(id, params).unwrap_err();
        if field.is_empty() {
            assert!(
                e.to_string().contains("unknown parameter `qualifier`"),
                "{id}: {e}"
            );
        } else {
            assert_eq!(e.field(), Some(field), "{id}: {e}");
        }
    }
}

#[test]
fn describe_reads_maps_keyed_by_a_validated_type() {
    let provider = mmpolicy::registry().get("archiving.identity").unwrap();
    let docs = mmpolicy::param_docs(provider);
    let tags = docs.iter().find(|d| d.name == "create_tags").unwrap();
    assert_eq!(
        tags.type_name,
        "map of tag key → list of allowed tag values"
    );
    assert!(!tags.required);
}

/// The statement of `doc` that holds `action`, among others or alone.
fn holding<'a>(doc: &'a PolicyDocument, action: &str) -> &'a Statement {
    doc.statements()
        .iter()
        .find(|s| actions(s).contains(&action))
        .unwrap_or_else(|| panic!("no statement of `{action}` in {doc:?}"))
}

#[test]
fn archive_keys_are_used_only_through_ses_in_the_keys_region() {
    // The page's identity statement allows the key from anywhere; its key policy allows the
    // same principal only through SES: the identity policy now says so too.
    for (key, via, principal) in [
        (
            "arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab",
            "ses.eu-west-1.amazonaws.com",
            "arn:aws:iam::111122223333:role/R",
        ),
        (
            "arn:aws-cn:kms:cn-north-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab",
            "ses.cn-north-1.amazonaws.com.cn",
            "arn:aws-cn:iam::111122223333:role/R",
        ),
    ] {
        let doc = render("archiving.kms-identity", json!({"kms_key_arn": key})).unwrap();
        let st = &doc.statements()[0];
        assert_eq!(resources(st), [key]);
        assert_eq!(
            condition(st, "StringEquals", "kms:ViaService"),
            Some(vec![via.to_owned()])
        );
        // The key policy names the same service endpoint.
        let policy = render(
            "archiving.key-policy",
            json!({"kms_key_arn": key, "principal_arn": principal}),
        )
        .unwrap();
        assert_eq!(
            condition(&policy.statements()[0], "StringEquals", "kms:ViaService"),
            Some(vec![via.to_owned()])
        );
    }
}

#[test]
fn write_to_s3_keys_are_used_only_through_s3_in_the_keys_region() {
    let by_arn = render(
        "rule-actions.write-to-s3",
        json!({"bucket": "abc", "key_prefix": "*", "kms_key_arn": "arn:aws:kms:eu-central-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"}),
    )
    .unwrap();
    assert_eq!(
        condition(
            holding(&by_arn, "kms:GenerateDataKey*"),
            "StringEquals",
            "kms:ViaService"
        ),
        Some(vec!["s3.eu-central-1.amazonaws.com".to_owned()])
    );
    let by_alias = render(
        "rule-actions.write-to-s3",
        json!({"bucket": "abc", "key_prefix": "*", "kms_key_alias": "alias/k", "account_id": "111122223333", "region": "us-gov-west-1"}),
    )
    .unwrap();
    let st = holding(&by_alias, "kms:GenerateDataKey*");
    assert_eq!(
        condition(st, "StringEquals", "kms:ViaService"),
        Some(vec!["s3.us-gov-west-1.amazonaws.com".to_owned()])
    );
    assert_eq!(
        condition(st, "ForAnyValue:StringEquals", "kms:ResourceAliases"),
        Some(vec!["alias/k".to_owned()])
    );
}

/// `s3:ListBucket` is deliberately not narrowed with `s3:prefix`: the same permission
/// authorizes `HeadBucket`, whose requests carry no prefix, and AWS does not document which of
/// them SES makes; a prefix condition could break a deployment that works with AWS's policy.
#[test]
fn listing_a_bucket_is_not_conditioned_on_a_prefix() {
    let prefixed = json!({"bucket": "abc", "key_prefix": "mail/in/"});
    for id in [
        "rule-actions.write-to-s3",
        "archiving.export-identity",
        "archiving.export-bucket-policy",
    ] {
        let doc = render(id, prefixed.clone()).unwrap();
        let with = |action: &str| {
            doc.statements()
                .iter()
                .find(|st| actions(st).contains(&action))
                .unwrap()
        };
        let list = with("s3:ListBucket");
        assert_eq!(resources(list), ["arn:aws:s3:::abc"], "{id}");
        assert_eq!(condition(list, "StringLike", "s3:prefix"), None, "{id}");
        // The objects are still limited to the prefix.
        assert_eq!(
            resources(with("s3:PutObject")),
            ["arn:aws:s3:::abc/mail/in/*"],
            "{id}"
        );
    }
}

/// The secret policy and key statement of an ingress endpoint or SMTP relay are needed to
/// create it, before its id exists: each says to apply it first with `*`, then narrow it.
#[test]
fn secret_and_key_policies_describe_the_two_step_creation_order() {
    for (id, field) in [
        ("ingress.secret-policy", "ingress_point_id"),
        ("ingress.key-policy", "ingress_point_id"),
        ("smtp-relay.secret-policy", "relay_id"),
        ("smtp-relay.key-policy", "relay_id"),
    ] {
        let description = mmpolicy::registry().get(id).unwrap().description();
        assert!(description.contains("**Creation order.**"), "{id}");
        assert!(
            description.contains(&format!("`{field} = \"*\"`")),
            "{id}: {description}"
        );
        assert!(description.contains("narrowing it"), "{id}");
    }
}
