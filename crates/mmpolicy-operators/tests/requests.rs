//! The requests each provider declares, evaluated with `mmpolicy-eval` against the policy it
//! renders: every required request allowed, every near miss denied.

#![allow(
    clippy::unwrap_used,
    clippy::panic,
    reason = "test helpers unwrap and panic, as the tests do"
)]

use mmpolicy_catalog::Catalog;
use mmpolicy_core::Provider;
use mmpolicy_eval::{
    Context, Decision, Policy, PolicySet, Principal, Request, ResourcePolicyKind, evaluate,
};
use mmpolicy_operators::{
    ArchiveReader, Deployer, DeployerParams, Expect, ExpectedRequest, Logging, LoggingParams,
    ReadOnly, RequiredRequests,
};
use serde_json::json;

/// Evaluates every declared request of `P` for `params` against the policy `P` renders.
fn check<P: RequiredRequests>(params: &P::Params) -> Vec<ExpectedRequest> {
    let doc = P::render(params).unwrap();
    let policy = Policy::from_value(&serde_json::to_value(&doc).unwrap()).unwrap();
    let value = serde_json::to_value(params).unwrap();
    let account = value["account_id"].as_str().unwrap();
    let set = PolicySet::new().with_identity(P::ID, policy);
    let principal = Principal::parse(&format!("arn:aws:iam::{account}:role/Operator")).unwrap();
    let requests = P::required_requests(params).unwrap();
    let mut failures = Vec::new();
    for r in &requests {
        let mut context = Context::new();
        for (key, values) in &r.context {
            context
                .insert_entry(&format!("{key}={}", values.join(",")), Catalog::embedded())
                .unwrap();
        }
        let request =
            Request::new(principal.clone(), r.action, r.resource.clone()).with_context(context);
        // A KMS key is used only if its key policy lets the account's IAM policies count: the
        // default key policy, as every key the deployer names has unless its owner changed it.
        let set = if r.action.starts_with("kms:") {
            let key_policy = Policy::from_value(&json!({"Version": "2012-10-17", "Statement": [{
                "Effect": "Allow", "Principal": {"AWS": format!("arn:aws:iam::{account}:root")},
                "Action": "kms:*", "Resource": "*"}]}))
            .unwrap();
            set.clone()
                .with_resource("default key policy", ResourcePolicyKind::Key, key_policy)
        } else {
            set.clone()
        };
        let decision = evaluate(&set, &request).unwrap().decision;
        let ok = match r.expect {
            Expect::Allow => decision == Decision::Allowed,
            Expect::Deny => decision != Decision::Allowed,
        };
        if !ok {
            failures.push(format!(
                "{}: {} {} on {} ({}): {decision:?}",
                P::ID,
                match r.expect {
                    Expect::Allow => "needs",
                    Expect::Deny => "must not get",
                },
                r.action,
                r.resource,
                r.why
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert!(
        requests.iter().any(|r| r.expect == Expect::Allow),
        "{}",
        P::ID
    );
    assert!(
        requests.iter().any(|r| r.expect == Expect::Deny),
        "{}: no near miss",
        P::ID
    );
    requests
}

#[test]
fn the_deployer_passes_only_its_rule_set_roles_and_only_to_ses() {
    let requests = check::<Deployer>(&Deployer::example());
    for why in [
        "another account's rule set role",
        "the rule set role passed to another service",
        "an add-on subscription not named",
        "a resource that does not carry the confinement tags",
    ] {
        assert!(
            requests
                .iter()
                .any(|r| r.why == why && r.expect == Expect::Deny),
            "{why}"
        );
    }
}

#[test]
fn the_deployer_without_optional_parameters_still_creates_and_manages() {
    let params: DeployerParams =
        serde_json::from_value(json!({"account_id": "444455556666", "region": "eu-west-1"}))
            .unwrap();
    check::<Deployer>(&params);
}

#[test]
fn the_read_only_role_reads_and_changes_nothing() {
    check::<ReadOnly>(&ReadOnly::example());
}

#[test]
fn the_archive_reader_reads_named_archives_only_and_never_exports() {
    let requests = check::<ArchiveReader>(&ArchiveReader::example());
    assert!(requests.iter().any(|r| r.why == "an archive not named"));
}

#[test]
fn logging_is_allowed_for_named_resources_and_the_chosen_destination() {
    check::<Logging>(&Logging::example());
    for destination in [
        json!({"type": "s3", "bucket": "mail-logs"}),
        json!({"type": "firehose", "delivery_stream": "mail-logs"}),
    ] {
        let params: LoggingParams = serde_json::from_value(json!({
            "account_id": "111122223333", "region": "eu-west-1",
            "rule_set_ids": "*", "ingress_point_ids": ["inp-1a2b3c4d5e6f7g8h9i0j1k2l3m"],
            "destination": destination,
        }))
        .unwrap();
        check::<Logging>(&params);
    }
}
