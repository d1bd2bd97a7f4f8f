//! `rule-actions.bounce`: `ses:SendBounce` on the one sending identity, alone and in the rule
//! set role's permission policy.

#![allow(
    clippy::unwrap_used,
    reason = "test helpers fail the test on an unexpected error"
)]

use mmpolicy_core::Provider;
use mmpolicy_core::section::{BundleCommon, DeploymentSection};
use mmpolicy_core::types::{Partition, example};
use mmpolicy_rule_actions::{Bounce, BounceParams, RuleActionsSection};
use serde_json::json;

#[test]
fn send_bounce_on_the_one_identity() {
    let p: BounceParams = serde_json::from_value(json!({
        "account_id": "111122223333", "region": "us-gov-west-1", "sending_identity": "bounces@example.com"
    }))
    .unwrap();
    let doc = serde_json::to_value(Bounce::render(&p).unwrap()).unwrap();
    assert_eq!(
        doc["Statement"],
        json!([{
            "Sid": "Bounce",
            "Effect": "Allow",
            "Action": "ses:SendBounce",
            "Resource": "arn:aws-us-gov:ses:us-gov-west-1:111122223333:identity/bounces@example.com"
        }])
    );
}

#[test]
fn a_wildcard_identity_is_refused() {
    let p: Result<BounceParams, _> = serde_json::from_value(json!({
        "account_id": "111122223333", "region": "us-east-1", "sending_identity": "*"
    }));
    assert!(p.is_err());
}

#[test]
fn the_bounce_table_is_merged_into_the_role_policy() {
    let common = BundleCommon {
        account_id: example::account_id(),
        region: example::region(),
        partition: Partition::Aws,
    };
    let planned = RuleActionsSection
        .plan_table(
            &json!({"rule_set_id": "*", "bounce": {"sending_identity": "example.com"}}),
            &common,
        )
        .unwrap();
    let role = planned
        .iter()
        .find(|p| p.file == mmpolicy_rule_actions::ROLE_POLICY_FILE)
        .unwrap();
    assert_eq!(role.providers, ["rule-actions.bounce"]);
    let doc = serde_json::to_value(&role.policy).unwrap();
    assert_eq!(doc["Statement"][0]["Action"], "ses:SendBounce");
    assert_eq!(
        doc["Statement"][0]["Resource"],
        "arn:aws:ses:us-east-1:111122223333:identity/example.com"
    );
}
