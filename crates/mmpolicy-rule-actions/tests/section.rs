//! `[rule-actions]` in the deployment file: targets in another account than the deployment's
//! are refused with what they would also need.

#![allow(
    clippy::unwrap_used,
    clippy::panic,
    reason = "test helpers fail the test on an unexpected error"
)]

use mmpolicy_core::section::{BundleCommon, DeploymentSection, SectionError};
use mmpolicy_core::types::{Partition, example};
use mmpolicy_rule_actions::RuleActionsSection;
use serde_json::{Value, json};

const OTHER_KEY: &str =
    "arn:aws:kms:us-east-1:444455556666:key/1234abcd-12ab-34cd-56ef-1234567890ab";

fn refusal(table: Value) -> String {
    let common = BundleCommon {
        account_id: example::account_id(),
        region: example::region(),
        partition: Partition::Aws,
    };
    let mut t = json!({"rule_set_id": "*"});
    t.as_object_mut()
        .unwrap()
        .extend(table.as_object().unwrap().clone());
    match RuleActionsSection.plan_table(&t, &common) {
        Err(SectionError::Plan(e)) => e.to_string(),
        other => panic!("expected a refusal, got {other:?}"),
    }
}

#[test]
fn targets_in_another_account_are_refused_naming_what_is_missing() {
    for (table, says) in [
        (
            json!({"invoke-lambda": {"function_arn": "arn:aws:lambda:us-east-1:444455556666:function:f"}}),
            "the Lambda function is in account `444455556666`, the deployment in `111122223333`: the Lambda function also needs a resource-based permission for the role (`aws lambda add-permission`)",
        ),
        (
            json!({"publish-to-sns": {"topic_arn": "arn:aws:sns:us-east-1:444455556666:t"}}),
            "the SNS topic also needs a topic policy allowing the role `sns:Publish`",
        ),
        (
            json!({"publish-to-sns": {"topic_arn": "arn:aws:sns:us-east-1:111122223333:t", "kms_key_arn": OTHER_KEY}}),
            "the KMS key also needs a key policy statement allowing the role",
        ),
        (
            json!({"write-to-s3": {"bucket": "mail-in", "key_prefix": "*", "kms_key_arn": OTHER_KEY}}),
            "the KMS key is in account `444455556666`",
        ),
        (
            json!({"deliver-to-q-business": {
                "application_id": "a1b2c3d4-5678-90ab-cdef-111122223333",
                "index_id": "b2c3d4e5-6789-01ab-cdef-111122223333",
                "kms_key_arn": OTHER_KEY
            }}),
            "does not render yet",
        ),
    ] {
        let e = refusal(table.clone());
        assert!(e.contains(says), "{table}: {e}");
    }
}
