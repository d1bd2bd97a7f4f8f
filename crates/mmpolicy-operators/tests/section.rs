//! The `[operators]` table of the deployment file, planned through core's section API as the
//! bundle plans it: one policy per provider table, filed per role.

#![allow(
    clippy::unwrap_used,
    clippy::panic,
    reason = "test helpers unwrap and panic, as the tests do"
)]

use mmpolicy_core::section::{BundleCommon, DeploymentSection, SectionError};
use mmpolicy_core::types::example;
use mmpolicy_operators::OperatorsSection;
use serde_json::json;

fn common() -> BundleCommon {
    BundleCommon {
        account_id: example::account_id(),
        region: example::region(),
        partition: example::region().partition(),
    }
}

#[test]
fn each_table_is_planned_into_the_file_of_its_role() {
    let table = json!({
        "deployer": {"role_name": "Deployer", "tags": {"team": ["mail"]}},
        "read-only": [{"role_name": "OnCall"}, {"role_name": "Auditor"}],
        "archive-reader": {"role_name": "Compliance", "archive_ids": "*"},
        "logging": {"role_name": "Deployer", "rule_set_ids": "*",
                    "destination": {"type": "s3", "bucket": "mail-logs"}},
    });
    let planned = OperatorsSection.plan_table(&table, &common()).unwrap();
    let files: Vec<(&str, &str)> = planned
        .iter()
        .map(|p| (p.file.as_str(), p.providers[0]))
        .collect();
    assert_eq!(
        files,
        [
            ("operators.role-Deployer.json", "operators.deployer"),
            ("operators.role-OnCall.json", "operators.read-only"),
            ("operators.role-Auditor.json", "operators.read-only"),
            ("operators.role-Compliance.json", "operators.archive-reader"),
            ("operators.role-Deployer.json", "operators.logging"),
        ]
    );
    // One role, one place to attach: the bundle merges the policies of one file.
    assert_eq!(planned[0].attach_to, planned[4].attach_to);
}

#[test]
fn a_refused_value_names_its_table() {
    let table = json!({"deployer": {"role_name": "Deployer",
        "rule_set_role_arns": ["arn:aws:iam::444455556666:role/Other"]}});
    let Err(SectionError::Plan(e)) = OperatorsSection.plan_table(&table, &common()) else {
        panic!("another account's role was accepted");
    };
    assert_eq!(e.field, "deployer.rule_set_role_arns");
    assert!(e.rule.contains("account `444455556666`"), "{e}");
    let table = json!({"archive-reader": {"role_name": "R", "archive_ids": null}});
    let Err(SectionError::Read { path, message }) = OperatorsSection.plan_table(&table, &common())
    else {
        panic!("null was accepted");
    };
    assert_eq!(path, "archive-reader.archive_ids");
    assert!(message.contains("`null` is not allowed"), "{message}");
}
