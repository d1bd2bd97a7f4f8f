//! `rule-actions.key-policy`, rendered through its typed parameters: the role is the
//! principal, and parameters that cannot make a working statement are refused.

#![allow(
    clippy::unwrap_used,
    reason = "test helpers fail the test on an unexpected error"
)]

use mmpolicy_core::Provider;
use mmpolicy_rule_actions::{KeyPolicy, KeyPolicyParams};
use serde_json::json;

const KEY: &str = "arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";

fn params(role: &str, used_by: serde_json::Value) -> KeyPolicyParams {
    serde_json::from_value(json!({"role_arn": role, "kms_key_arn": KEY, "used_by": used_by}))
        .unwrap()
}

#[test]
fn write_to_s3_uses_the_key_through_s3_in_the_keys_region() {
    let doc = KeyPolicy::render(&params(
        "arn:aws:iam::111122223333:role/Rules",
        json!(["write-to-s3"]),
    ))
    .unwrap();
    assert_eq!(
        serde_json::to_value(doc).unwrap()["Statement"],
        json!([{
            "Sid": "RuleSetRoleWritesToS3WithKey",
            "Effect": "Allow",
            "Principal": {"AWS": "arn:aws:iam::111122223333:role/Rules"},
            "Action": ["kms:Decrypt", "kms:GenerateDataKey*"],
            "Resource": "*",
            "Condition": {"StringEquals": {"kms:ViaService": "s3.eu-west-1.amazonaws.com"}}
        }])
    );
}

#[test]
fn users_empty_and_repeated_actions_are_refused() {
    let e = KeyPolicy::render(&params(
        "arn:aws:iam::111122223333:user/u",
        json!(["write-to-s3"]),
    ))
    .unwrap_err();
    assert_eq!(e.field, "role_arn");
    assert!(e.rule.contains("not a user"), "{e}");
    let e = KeyPolicy::render(&params("arn:aws:iam::111122223333:role/r", json!([]))).unwrap_err();
    assert_eq!(e.field, "used_by");
    let e = KeyPolicy::render(&params(
        "arn:aws:iam::111122223333:role/r",
        json!(["publish-to-sns", "publish-to-sns"]),
    ))
    .unwrap_err();
    assert_eq!(
        e.to_string(),
        "invalid `used_by` `publish-to-sns`: name each rule action once"
    );
    let e = KeyPolicy::render(&params(
        "arn:aws-cn:iam::111122223333:role/r",
        json!(["write-to-s3"]),
    ))
    .unwrap_err();
    assert_eq!(e.field, "role_arn");
    assert!(e.rule.contains("partition `aws-cn`"), "{e}");
}
