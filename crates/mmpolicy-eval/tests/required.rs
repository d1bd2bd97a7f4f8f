//! Declared requests evaluated against a policy of a provider's kind: the holder of an
//! identity policy, a service principal under a resource policy, and statement removal.

#![allow(clippy::unwrap_used, reason = "tests unwrap")]

use mmpolicy_core::{ExpectedRequest, PolicyKind};
use mmpolicy_eval::Policy;
use mmpolicy_eval::required::{check_requests, statement_removals};
use serde_json::json;

const SECRET: &str = "arn:aws:secretsmanager:eu-west-1:111122223333:secret:smtp-AbCdEf";
const SOURCE: &str = "arn:aws:ses:eu-west-1:111122223333:mailmanager-ingress-point/inp-1";

fn secret_policy() -> serde_json::Value {
    json!({"Version": "2012-10-17", "Statement": [{
        "Sid": "Read", "Effect": "Allow", "Principal": {"Service": "ses.amazonaws.com"},
        "Action": "secretsmanager:GetSecretValue", "Resource": "*",
        "Condition": {"StringEquals": {"aws:SourceAccount": "111122223333"},
                      "ArnLike": {"aws:SourceArn": SOURCE}}}]})
}

fn read(expect_allow: bool, account: &str) -> ExpectedRequest {
    let r = if expect_allow {
        ExpectedRequest::allow("ses", "secretsmanager:GetSecretValue", SECRET, "read")
    } else {
        ExpectedRequest::deny(
            "ses",
            "secretsmanager:GetSecretValue",
            SECRET,
            "other account",
        )
    };
    r.by_service("ses.amazonaws.com")
        .from_source(account, &SOURCE.replace("111122223333", account))
}

#[test]
fn a_secret_policy_alone_decides_a_service_principal() {
    let policy = Policy::from_value(&secret_policy()).unwrap();
    let requests = [read(true, "111122223333"), read(false, "444455556666")];
    let checked = check_requests(PolicyKind::Secret, "secret", &policy, &requests).unwrap();
    assert!(checked.iter().all(|c| c.passed()), "{checked:?}");
    assert_eq!(
        checked[0].evaluation.deciding[0].sid.as_deref(),
        Some("Read")
    );
}

#[test]
fn a_near_miss_that_is_allowed_fails() {
    let policy = Policy::from_value(&json!({"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": {"Service": "ses.amazonaws.com"},
        "Action": "secretsmanager:GetSecretValue", "Resource": "*"}]}))
    .unwrap();
    let requests = [read(false, "444455556666")];
    let checked = check_requests(PolicyKind::Secret, "secret", &policy, &requests).unwrap();
    assert!(!checked[0].passed());
}

#[test]
fn an_identity_policy_with_a_kms_action_counts_through_the_default_key_policy() {
    let key = "arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";
    let policy = Policy::from_value(&json!({"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Action": "kms:Decrypt", "Resource": key}]}))
    .unwrap();
    let requests = [ExpectedRequest::allow(
        "role",
        "kms:Decrypt",
        key,
        "decrypt",
    )];
    let checked = check_requests(PolicyKind::Identity, "role", &policy, &requests).unwrap();
    assert!(checked[0].passed(), "{:?}", checked[0].evaluation);
}

#[test]
fn removing_a_needed_statement_names_the_request_that_fails() {
    let mut document = secret_policy();
    document["Statement"].as_array_mut().unwrap().push(json!({
        "Sid": "Extra", "Effect": "Allow", "Principal": {"Service": "ses.amazonaws.com"},
        "Action": "secretsmanager:DescribeSecret", "Resource": "*"}));
    let removals =
        statement_removals(PolicyKind::Secret, &document, &[read(true, "111122223333")]).unwrap();
    assert_eq!(removals.len(), 2);
    assert_eq!(removals[0].sid.as_deref(), Some("Read"));
    assert_eq!(removals[0].failing.len(), 1);
    assert!(
        removals[0].failing[0].starts_with("needs `secretsmanager:GetSecretValue` on"),
        "{}",
        removals[0].failing[0]
    );
    assert_eq!(removals[1].sid.as_deref(), Some("Extra"));
    assert!(removals[1].failing.is_empty());
}
