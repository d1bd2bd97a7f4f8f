//! `rule-actions.deliver-to-q-business`, rendered through its typed parameters: the KMS
//! statement carries the actions and conditions of AWS's current page.

#![allow(
    clippy::unwrap_used,
    reason = "test helpers fail the test on an unexpected error"
)]

use mmpolicy_core::Provider;
use mmpolicy_rule_actions::{DeliverToQBusiness, DeliverToQBusinessParams};
use serde_json::{Value, json};

fn render(extra: Value) -> Value {
    let mut p = json!({
        "account_id": "111122223333",
        "region": "eu-west-1",
        "application_id": "a1b2c3d4-5678-90ab-cdef-111122223333",
        "index_id": "b2c3d4e5-6789-01ab-cdef-111122223333",
    });
    p.as_object_mut()
        .unwrap()
        .extend(extra.as_object().unwrap().clone());
    let params: DeliverToQBusinessParams = serde_json::from_value(p).unwrap();
    serde_json::to_value(DeliverToQBusiness::render(&params).unwrap()).unwrap()
}

#[test]
fn key_statement_has_the_pages_actions_and_conditions() {
    let doc = render(json!({
        "kms_key_arn": "arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"
    }));
    let key = &doc["Statement"][1];
    assert_eq!(key["Sid"], "DeliverToQBusinessUseKey");
    let mut actions: Vec<&str> = key["Action"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a.as_str().unwrap())
        .collect();
    actions.sort_unstable();
    assert_eq!(
        actions,
        ["kms:DescribeKey", "kms:Encrypt", "kms:GenerateDataKey*"]
    );
    assert_eq!(
        key["Condition"]["StringEquals"]["kms:ViaService"],
        "qbusiness.eu-west-1.amazonaws.com"
    );
    assert_eq!(
        key["Condition"]["StringEquals"]["kms:CallerAccount"],
        "111122223333"
    );
}

#[test]
fn without_a_key_there_is_no_kms_statement() {
    let doc = render(json!({}));
    assert_eq!(doc["Statement"].as_array().unwrap().len(), 1);
}
