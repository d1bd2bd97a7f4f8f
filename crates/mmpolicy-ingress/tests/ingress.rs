//! The `ingress` policies, rendered through their typed parameters.

#![allow(
    clippy::unwrap_used,
    reason = "test helpers fail the test on an unexpected error"
)]

use mmpolicy_core::PolicyProvider;
use mmpolicy_core::Provider;
use mmpolicy_ingress::*;
use serde_json::{Value, json};

fn render<P: Provider<Params = IngressParams>>(params: Value) -> Value {
    let params: IngressParams = serde_json::from_value(params).unwrap();
    serde_json::to_value(P::render(&params).unwrap()).unwrap()
}

#[test]
fn an_explicit_wildcard_allows_every_ingress_point_of_the_account() {
    let doc = render::<SecretPolicy>(
        json!({"account_id": "444455556666", "region": "eu-west-1", "ingress_point_id": "*"}),
    );
    let s = &doc["Statement"][0];
    assert_eq!(
        s["Condition"]["ArnLike"]["aws:SourceArn"],
        "arn:aws:ses:eu-west-1:444455556666:mailmanager-ingress-point/*"
    );
    assert_eq!(
        s["Condition"]["StringEquals"]["aws:SourceAccount"],
        "444455556666"
    );
    assert_eq!(s["Action"], "secretsmanager:GetSecretValue");
    assert_eq!(s["Resource"], "*");
}

#[test]
fn key_policy_is_a_complete_document_with_via_service_in_the_same_region() {
    let doc = render::<KeyPolicy>(
        json!({"account_id": "444455556666", "region": "ap-southeast-2",
        "ingress_point_id": "inp-aaaaaaaaaaaaaaaaaaaaaaaaaa"}),
    );
    // The page gives a bare statement; a key policy needs Version and Statement.
    assert_eq!(doc["Version"], "2012-10-17");
    let s = &doc["Statement"][0];
    assert_eq!(s["Principal"]["Service"], "ses.amazonaws.com");
    assert_eq!(s["Action"], "kms:Decrypt");
    assert_eq!(
        s["Condition"]["StringEquals"]["kms:ViaService"],
        "secretsmanager.ap-southeast-2.amazonaws.com"
    );
    assert_eq!(
        s["Condition"]["ArnLike"]["aws:SourceArn"],
        "arn:aws:ses:ap-southeast-2:444455556666:mailmanager-ingress-point/inp-aaaaaaaaaaaaaaaaaaaaaaaaaa"
    );
}

#[test]
fn china_regions_use_their_partition_and_endpoint_suffix() {
    let doc = render::<KeyPolicy>(
        json!({"account_id": "444455556666", "region": "cn-north-1", "ingress_point_id": "*"}),
    );
    let s = &doc["Statement"][0];
    assert_eq!(
        s["Condition"]["StringEquals"]["kms:ViaService"],
        "secretsmanager.cn-north-1.amazonaws.com.cn"
    );
    assert_eq!(
        s["Condition"]["ArnLike"]["aws:SourceArn"],
        "arn:aws-cn:ses:cn-north-1:444455556666:mailmanager-ingress-point/*"
    );
}

#[test]
fn a_partition_that_contradicts_the_region_is_refused() {
    let params: IngressParams = serde_json::from_value(
        json!({"account_id": "444455556666", "region": "us-gov-west-1", "partition": "aws",
               "ingress_point_id": "*"}),
    )
    .unwrap();
    let err = SecretPolicy::render(&params).unwrap_err();
    assert_eq!(err.field, "partition");
    assert!(
        err.to_string()
            .contains("region `us-gov-west-1` is in partition `aws-us-gov`"),
        "{err}"
    );
}

#[test]
fn a_partial_wildcard_id_is_refused() {
    let err = serde_json::from_value::<IngressParams>(
        json!({"account_id": "444455556666", "region": "us-east-1", "ingress_point_id": "inp-*"}),
    )
    .unwrap_err();
    assert!(
        err.to_string()
            .contains("a wildcard is accepted only alone"),
        "{err}"
    );
}

#[test]
fn a_missing_or_null_ingress_point_is_refused_not_widened() {
    let err = serde_json::from_value::<IngressParams>(
        json!({"account_id": "444455556666", "region": "us-east-1"}),
    )
    .unwrap_err();
    assert!(
        err.to_string().contains("missing field `ingress_point_id`"),
        "{err}"
    );
    let err = SecretPolicy
        .render_value(&json!({"account_id": "444455556666", "region": "us-east-1",
                              "ingress_point_id": null}))
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "invalid `ingress_point_id`: `null` is not allowed; give an id, or `\"*\"` for every one of the account and region"
    );
    let err = SecretPolicy
        .render_value(&json!({"account_id": "444455556666", "region": "us-east-1",
                              "ingress_point_id": "*", "partition": null}))
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "invalid `partition`: `null` is not allowed; give a value, or leave the parameter out"
    );
}
