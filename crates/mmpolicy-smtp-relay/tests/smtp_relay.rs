//! The `smtp-relay` policies, rendered through their typed parameters.

#![allow(
    clippy::unwrap_used,
    reason = "test helpers fail the test on an unexpected error"
)]

use mmpolicy_core::Provider;
use mmpolicy_core::types::Scope;
use mmpolicy_smtp_relay::*;
use serde_json::{Value, json};

fn render<P: Provider<Params = RelayParams>>(params: Value) -> Value {
    let params: RelayParams = serde_json::from_value(params).unwrap();
    serde_json::to_value(P::render(&params).unwrap()).unwrap()
}

#[test]
fn secret_and_key_policies_name_the_same_single_account() {
    // The page's pair uses 888888888888 in one and 000000000000 in the other.
    let params = json!({"account_id": "444455556666", "region": "us-east-1", "relay_id": "*"});
    for doc in [
        render::<SecretPolicy>(params.clone()),
        render::<KeyPolicy>(params),
    ] {
        let s = &doc["Statement"][0];
        assert_eq!(
            s["Condition"]["StringEquals"]["aws:SourceAccount"],
            "444455556666"
        );
        assert_eq!(
            s["Condition"]["ArnLike"]["aws:SourceArn"],
            "arn:aws:ses:us-east-1:444455556666:mailmanager-smtp-relay/*"
        );
    }
}

#[test]
fn actions_are_those_of_the_page() {
    let params = json!({"account_id": "444455556666", "region": "us-east-1", "relay_id": "r-1"});
    let secret = render::<SecretPolicy>(params.clone());
    assert_eq!(
        secret["Statement"][0]["Action"],
        json!([
            "secretsmanager:GetSecretValue",
            "secretsmanager:DescribeSecret"
        ])
    );
    let key = render::<KeyPolicy>(params);
    assert_eq!(
        key["Statement"][0]["Action"],
        json!(["kms:Decrypt", "kms:DescribeKey"])
    );
    assert_eq!(
        key["Statement"][0]["Condition"]["StringEquals"]["kms:ViaService"],
        "secretsmanager.us-east-1.amazonaws.com"
    );
    assert_eq!(
        key["Statement"][0]["Condition"]["ArnLike"]["aws:SourceArn"],
        "arn:aws:ses:us-east-1:444455556666:mailmanager-smtp-relay/r-1"
    );
}

#[test]
fn relay_ids_that_widen_are_refused() {
    for bad in [json!("r-*"), json!("r/1"), json!("R-1"), json!(null)] {
        let err = serde_json::from_value::<RelayParams>(
            json!({"account_id": "444455556666", "region": "us-east-1", "relay_id": bad}),
        );
        assert!(err.is_err(), "{bad}");
    }
    let err = serde_json::from_value::<RelayParams>(
        json!({"account_id": "444455556666", "region": "us-east-1"}),
    )
    .unwrap_err();
    assert!(
        err.to_string().contains("missing field `relay_id`"),
        "{err}"
    );
    let all = serde_json::from_value::<RelayParams>(
        json!({"account_id": "444455556666", "region": "us-east-1", "relay_id": "*"}),
    )
    .unwrap();
    assert_eq!(all.relay_id, Scope::All);
}
