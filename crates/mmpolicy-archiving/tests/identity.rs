//! `archiving.identity`, rendered through its typed parameters: the statements in order, the
//! archive named by every statement on it, and the tags a new archive must carry.

#![allow(
    clippy::unwrap_used,
    reason = "test helpers fail the test on an unexpected error"
)]

use mmpolicy_archiving::{ArchivingParams, Identity};
use mmpolicy_core::Provider;
use serde_json::json;

fn render(params: serde_json::Value) -> serde_json::Value {
    let p: ArchivingParams = serde_json::from_value(params).unwrap();
    serde_json::to_value(Identity::render(&p).unwrap()).unwrap()
}

#[test]
fn statements_come_in_order_and_name_the_archive() {
    let doc = render(json!({
        "account_id": "111122223333", "region": "eu-west-1",
        "archive_id": "a-9f8e7d6c5b4a3210fedcba9876"
    }));
    let sids: Vec<&str> = doc["Statement"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["Sid"].as_str().unwrap())
        .collect();
    assert_eq!(
        sids,
        [
            "CreateArchives",
            "ListArchivesSearchesAndExports",
            "ManageArchive",
            "SearchArchive",
            "ReadArchivedMessages",
            "ExportArchive",
            "ManageArchiveTags"
        ]
    );
    for st in &doc["Statement"].as_array().unwrap()[2..] {
        assert_eq!(
            st["Resource"],
            "arn:aws:ses:eu-west-1:111122223333:mailmanager-archive/a-9f8e7d6c5b4a3210fedcba9876"
        );
    }
    assert_eq!(doc["Statement"][1]["Resource"], "*");
}

#[test]
fn required_tags_become_conditions_and_an_empty_list_is_refused() {
    let doc = render(json!({
        "account_id": "111122223333", "region": "eu-west-1", "archive_id": "*",
        "create_tags": {"team": ["mail", "ops"]}
    }));
    let create = &doc["Statement"][0];
    assert_eq!(create["Sid"], "CreateArchivesWithRequiredTags");
    assert_eq!(create["Action"], "ses:CreateArchive");
    assert_eq!(
        create["Resource"],
        "arn:aws:ses:eu-west-1:111122223333:mailmanager-archive/*"
    );
    assert_eq!(
        create["Condition"]["StringEquals"]["aws:RequestTag/team"],
        json!(["mail", "ops"])
    );
    assert_eq!(
        create["Condition"]["ForAllValues:StringEquals"]["aws:TagKeys"],
        json!(["team"])
    );
    let p: ArchivingParams = serde_json::from_value(json!({
        "account_id": "111122223333", "region": "eu-west-1", "archive_id": "*",
        "create_tags": {"team": []}
    }))
    .unwrap();
    assert_eq!(Identity::render(&p).unwrap_err().field, "create_tags");
}

#[test]
fn tagging_is_granted_on_the_named_archive_only() {
    let doc = render(json!({
        "account_id": "111122223333", "region": "eu-west-1",
        "archive_id": "a-9f8e7d6c5b4a3210fedcba9876",
        "create_tags": {"team": ["mail", "ops"]}
    }));
    let tag = &doc["Statement"][1];
    assert_eq!(tag["Sid"], "TagArchiveWithRequiredTags");
    assert_eq!(tag["Action"], "ses:TagResource");
    assert_eq!(
        tag["Resource"],
        "arn:aws:ses:eu-west-1:111122223333:mailmanager-archive/a-9f8e7d6c5b4a3210fedcba9876"
    );
    assert_eq!(
        tag["Condition"],
        json!({
            "StringEquals": {"aws:RequestTag/team": ["mail", "ops"]},
            "ForAllValues:StringEquals": {"aws:TagKeys": ["team"]}
        })
    );
    // No statement but this one grants `ses:TagResource`.
    let tagging: Vec<&serde_json::Value> = doc["Statement"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s.to_string().contains("ses:TagResource"))
        .collect();
    assert_eq!(tagging, [tag]);
}
