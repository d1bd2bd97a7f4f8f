//! The requests each rule action's policy declares, evaluated with `mmpolicy-eval` against
//! the policy it renders: the rule set role reaches its target and nothing beside it, and only
//! SES, for the account's rule sets, assumes the role.

#![allow(
    clippy::unwrap_used,
    clippy::panic,
    reason = "test helpers unwrap and panic, as the tests do"
)]

use mmpolicy_core::{ExpectedRequest, Provider, RequestPrincipal};
use mmpolicy_eval::required::{audited, near_misses};
use mmpolicy_rule_actions::{
    Bounce, DeliverToMailbox, DeliverToQBusiness, InvokeLambda, PublishToSns, SendToInternet,
    TrustPolicy, WriteToS3,
};
use serde_json::{Value, json};

/// Provider `P`'s declared requests for `params`, audited: every request needed allowed, every
/// near miss denied, every statement needed.
fn check<P: Provider + Default>(params: Value) -> Vec<ExpectedRequest> {
    audited::<P>(&params).unwrap_or_else(|e| panic!("{e}"))
}

fn example<P: Provider + Default>() -> Vec<ExpectedRequest> {
    check::<P>(serde_json::to_value(P::example()).unwrap())
}

#[test]
fn every_rule_action_example_reaches_its_target_only() {
    for requests in [
        example::<Bounce>(),
        example::<DeliverToMailbox>(),
        example::<DeliverToQBusiness>(),
        example::<InvokeLambda>(),
        example::<PublishToSns>(),
        example::<SendToInternet>(),
        example::<WriteToS3>(),
    ] {
        assert!(
            requests
                .iter()
                .all(|r| matches!(r.principal, RequestPrincipal::Holder { .. }))
        );
    }
}

#[test]
fn the_trust_policy_lets_ses_assume_the_role_for_the_named_rule_set_only() {
    let requests = example::<TrustPolicy>();
    assert_eq!(requests[0].action, "sts:AssumeRole");
    assert_eq!(
        requests[0].principal,
        RequestPrincipal::Service("ses.amazonaws.com")
    );
    let misses = near_misses(&requests);
    for why in [
        "SES acting for another account's resource (the confused deputy)",
        "SES acting for another resource of the account",
        "another service assuming the role",
    ] {
        assert!(misses.contains(&why), "{why}");
    }
    let every = check::<TrustPolicy>(
        json!({"account_id": "111122223333", "region": "eu-west-1", "rule_set_id": "*"}),
    );
    assert!(!near_misses(&every).contains(&"SES acting for another resource of the account"));
}

#[test]
fn encrypted_targets_use_their_key_through_their_service_only() {
    for requests in [example::<PublishToSns>(), example::<DeliverToQBusiness>()] {
        assert!(near_misses(&requests).contains(&"the key used through another service"));
    }
    let by_arn = check::<WriteToS3>(json!({
        "bucket": "inbound-mail", "key_prefix": "*",
        "kms_key_arn": "arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"
    }));
    assert!(near_misses(&by_arn).contains(&"the key used through another service"));
    assert!(!near_misses(&by_arn).contains(&"a key outside the prefix"));
    let by_alias = example::<WriteToS3>();
    assert!(near_misses(&by_alias).contains(&"a key without the alias"));
    assert!(near_misses(&by_alias).contains(&"a key outside the prefix"));
}

#[test]
fn targets_without_a_key_need_no_kms_request() {
    for requests in [
        check::<PublishToSns>(json!({"topic_arn": "arn:aws:sns:eu-west-1:111122223333:mail"})),
        check::<WriteToS3>(json!({"bucket": "inbound-mail", "key_prefix": "mail/"})),
        check::<SendToInternet>(json!({
            "account_id": "111122223333", "region": "eu-west-1",
            "sending_identity": "example.com"
        })),
    ] {
        assert!(requests.iter().all(|r| !r.action.starts_with("kms:")));
    }
}
