//! The requests each provider declares, evaluated with `mmpolicy-eval` against the policy it
//! renders: SES reads the secret and decrypts its key for the named relay only.

#![allow(
    clippy::unwrap_used,
    clippy::panic,
    reason = "test helpers unwrap and panic, as the tests do"
)]

use mmpolicy_core::{ExpectedRequest, Provider};
use mmpolicy_eval::required::{audited, near_misses};
use mmpolicy_smtp_relay::{KeyPolicy, RelayParams, SecretPolicy};
use serde_json::json;

/// `P`'s declared requests for `params`, audited: every request needed allowed, every near miss
/// denied, every statement needed.
fn check<P: Provider + Default>(params: &P::Params) -> Vec<ExpectedRequest> {
    audited::<P>(&serde_json::to_value(params).unwrap()).unwrap_or_else(|e| panic!("{e}"))
}

fn every_relay() -> RelayParams {
    serde_json::from_value(json!({
        "account_id": "111122223333", "region": "eu-west-1", "relay_id": "*"
    }))
    .unwrap()
}

#[test]
fn the_secret_policy_lets_ses_read_for_the_named_relay_only() {
    let requests = check::<SecretPolicy>(&SecretPolicy::example());
    let misses = near_misses(&requests);
    assert!(misses.contains(&"SES acting for another account's resource (the confused deputy)"));
    assert!(misses.contains(&"SES acting for another resource of the account"));
    let read = &requests[0];
    assert_eq!(read.action, "secretsmanager:GetSecretValue");
    assert_eq!(
        read.context_value("aws:SourceArn"),
        Some(
            "arn:aws:ses:us-east-1:111122223333:mailmanager-smtp-relay/r-4f8a2c6e0b9d1f3a5c7e9b2d4f6a"
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
fn every_relay_of_the_account_still_excludes_other_accounts() {
    for requests in [
        check::<SecretPolicy>(&every_relay()),
        check::<KeyPolicy>(&every_relay()),
    ] {
        let misses = near_misses(&requests);
        assert!(
            misses.contains(&"SES acting for another account's resource (the confused deputy)")
        );
        assert!(!misses.contains(&"SES acting for another resource of the account"));
    }
}
