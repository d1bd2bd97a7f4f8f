//! `archiving.identity` evaluated with `mmpolicy-eval`, request by request: a new archive may
//! be created with the required tags, the named archive may be tagged with them, and no other
//! existing archive may be re-tagged.

#![allow(
    clippy::unwrap_used,
    reason = "test helpers fail the test on an unexpected error"
)]

use mmpolicy_archiving::{ArchivingParams, Identity};
use mmpolicy_core::Provider;
use mmpolicy_eval::{
    Context, ContextValue, Decision, Policy, PolicySet, Principal, Request, evaluate,
};
use serde_json::json;

const NAMED: &str =
    "arn:aws:ses:eu-west-1:111122223333:mailmanager-archive/a-9f8e7d6c5b4a3210fedcba9876";
const OTHER: &str =
    "arn:aws:ses:eu-west-1:111122223333:mailmanager-archive/a-0000000000000000000000000000";

/// The decision of `action` on `resource`, for a request carrying `tags` (key, value), against
/// the policy rendered for the named archive with `team` in `mail` or `ops` required.
fn decide(archive_id: &str, action: &str, resource: &str, tags: &[(&str, &str)]) -> Decision {
    let params: ArchivingParams = serde_json::from_value(json!({
        "account_id": "111122223333", "region": "eu-west-1", "archive_id": archive_id,
        "create_tags": {"team": ["mail", "ops"]}
    }))
    .unwrap();
    let doc = serde_json::to_value(Identity::render(&params).unwrap()).unwrap();
    let set = PolicySet::new().with_identity(Identity::ID, Policy::from_value(&doc).unwrap());
    let mut context = Context::new();
    for (key, value) in tags {
        context.insert(
            format!("aws:RequestTag/{key}"),
            ContextValue::string(*value),
        );
    }
    context.insert_list(
        "aws:TagKeys",
        tags.iter().map(|(k, _)| ContextValue::string(*k)).collect(),
    );
    let principal =
        Principal::parse("arn:aws:iam::111122223333:role/MailArchiveOperators").unwrap();
    let request = Request::new(principal, action, resource).with_context(context);
    evaluate(&set, &request).unwrap().decision
}

const ONE: &str = "a-9f8e7d6c5b4a3210fedcba9876";

#[test]
fn a_new_archive_may_be_created_with_the_required_tags_only() {
    // The new archive's id is not known before it exists: any archive of the account.
    let new =
        "arn:aws:ses:eu-west-1:111122223333:mailmanager-archive/a-1111111111111111111111111111";
    assert_eq!(
        decide(ONE, "ses:CreateArchive", new, &[("team", "mail")]),
        Decision::Allowed
    );
    assert_ne!(
        decide(ONE, "ses:CreateArchive", new, &[("team", "finance")]),
        Decision::Allowed,
        "a tag value that is not listed"
    );
    assert_ne!(
        decide(
            ONE,
            "ses:CreateArchive",
            new,
            &[("team", "mail"), ("owner", "x")]
        ),
        Decision::Allowed,
        "a tag key that is not listed"
    );
    assert_ne!(
        decide(ONE, "ses:CreateArchive", new, &[]),
        Decision::Allowed,
        "without the required tag"
    );
}

#[test]
fn another_existing_archive_cannot_be_retagged() {
    assert_ne!(
        decide(ONE, "ses:TagResource", OTHER, &[("team", "mail")]),
        Decision::Allowed
    );
}

#[test]
fn the_named_archive_may_be_tagged_with_the_allowed_tags() {
    assert_eq!(
        decide(ONE, "ses:TagResource", NAMED, &[("team", "ops")]),
        Decision::Allowed
    );
    assert_ne!(
        decide(ONE, "ses:TagResource", NAMED, &[("team", "finance")]),
        Decision::Allowed
    );
}

#[test]
fn every_archive_may_be_tagged_when_every_archive_is_named() {
    assert_eq!(
        decide("*", "ses:TagResource", OTHER, &[("team", "mail")]),
        Decision::Allowed
    );
}
