//! The requests each provider declares, evaluated with `mmpolicy-eval` against the policy it
//! renders: SES reads the secret and decrypts its key for the named ingress point only.

#![allow(
    clippy::unwrap_used,
    clippy::panic,
    reason = "test helpers unwrap and panic, as the tests do"
)]

use mmpolicy_core::{ExpectedRequest, Provider};
use mmpolicy_eval::required::{audited, near_misses};
use mmpolicy_ingress::{IngressParams, KeyPolicy, SecretPolicy};
use serde_json::json;

/// `P`'s declared requests for `params`, audited: every request needed allowed, every near miss
/// denied, every statement needed.
fn check<P: Provider + Default>(params: &P::Params) -> Vec<ExpectedRequest> {
    audited::<P>(&serde_json::to_value(params).unwrap()).unwrap_or_else(|e| panic!("{e}"))
}

fn every_ingress_point() -> IngressParams {
    serde_json::from_value(json!({
        "account_id": "111122223333", "region": "eu-west-1", "ingress_point_id": "*"
    }))
    .unwrap()
}

#[test]
fn the_secret_policy_lets_ses_read_for_the_named_ingress_point_only() {
    let requests = check::<SecretPolicy>(&SecretPolicy::example());
    let misses = near_misses(&requests);
    assert!(misses.contains(&"SES acting for another account's resource (the confused deputy)"));
    assert!(misses.contains(&"SES acting for another resource of the account"));
    let read = &requests[0];
    assert_eq!(read.action, "secretsmanager:GetSecretValue");
    assert_eq!(
        read.context_value("aws:SourceArn"),
        Some(
            "arn:aws:ses:us-east-1:111122223333:mailmanager-ingress-point/inp-7x3kq9b2m4n8p1r5t6v0w2y4z8"
        )
    );
}

#[test]
fn the_key_policy_lets_ses_decrypt_through_secrets_manager_only() {
    let requests = check::<KeyPolicy>(&KeyPolicy::example());
    assert!(
        near_misses(&requests)
            .contains(&"the key used through another service than Secrets Manager")
    );
}

#[test]
fn every_ingress_point_of_the_account_still_excludes_other_accounts() {
    for requests in [
        check::<SecretPolicy>(&every_ingress_point()),
        check::<KeyPolicy>(&every_ingress_point()),
    ] {
        let misses = near_misses(&requests);
        assert!(
            misses.contains(&"SES acting for another account's resource (the confused deputy)")
        );
        assert!(!misses.contains(&"SES acting for another resource of the account"));
    }
}

#[test]
fn an_audit_of_parameters_that_do_not_render_names_the_provider_and_the_field() {
    let e = audited::<SecretPolicy>(&json!({
        "account_id": "1", "region": "eu-west-1", "ingress_point_id": "inp-1"
    }))
    .unwrap_err();
    assert!(
        e.starts_with("ingress.secret-policy: does not render"),
        "{e}"
    );
    assert!(e.contains("`account_id`"), "{e}");
}
