//! The requests each provider declares, evaluated with `mmpolicy-eval` against the policy it
//! renders: every required request allowed, every near miss denied.

#![allow(
    clippy::unwrap_used,
    clippy::panic,
    reason = "test helpers unwrap and panic, as the tests do"
)]

use mmpolicy_core::{Expect, ExpectedRequest, Provider};
use mmpolicy_eval::required::audited;
use mmpolicy_operators::{
    ArchiveReader, Deployer, DeployerParams, Logging, LoggingParams, ReadOnly,
};
use serde_json::json;

/// `P`'s declared requests for `params`, audited: every request needed allowed, every near miss
/// denied, every statement needed.
fn check<P: Provider + Default>(params: &P::Params) -> Vec<ExpectedRequest> {
    audited::<P>(&serde_json::to_value(params).unwrap()).unwrap_or_else(|e| panic!("{e}"))
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
