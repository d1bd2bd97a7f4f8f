//! The identity policy of the caller of `StartArchiveExport`: `archiving.export-identity`.

use crate::FEATURE;
use crate::export::{EXPORT_OBJECT_ACTIONS, ExportParams};
use mmpolicy_core::{
    ExpectedRequest, InvalidValue, PolicyDocument, PolicyKind, Provider, Statement,
};

/// `archiving.export-identity`: what the caller of `StartArchiveExport` needs on the bucket.
#[derive(Debug, Clone, Copy, Default)]
pub struct ExportIdentity;

impl Provider for ExportIdentity {
    type Params = ExportParams;
    const ID: &'static str = "archiving.export-identity";
    const FEATURE: &'static str = FEATURE;
    const KIND: PolicyKind = PolicyKind::Identity;
    const TITLE: &'static str = "IAM identity policy for exporting an archive to S3";
    const DESCRIPTION: &'static str = "Attach to the IAM role (or user) that calls \
        `StartArchiveExport`, beside `archiving.identity`. Mail Manager checks, with forward \
        access sessions, that the caller may itself write to the destination bucket before it \
        starts the export: that check is what protects the bucket, since archiving supports no \
        `aws:SourceAccount`/`aws:SourceArn` condition.";
    const SOURCE: &'static str =
        "AWS, *Permission policies for Mail Manager*, \"Archiving export\" (identity policy).";
    const CORRECTIONS: &'static [&'static str] = &[
        "The object statement can be limited to the folder exports are written to (`key_prefix`), instead of the whole bucket.",
        "The partition of the bucket ARN is a parameter instead of a fixed `aws`.",
    ];

    fn example() -> ExportParams {
        ExportParams::example()
    }

    fn render(p: &ExportParams) -> Result<PolicyDocument, InvalidValue> {
        let (bucket, objects) = p.arns();
        let mut statements = vec![p.bucket_statement(bucket, None, "ExportDestinationBucket")];
        statements.push(
            Statement::allow()
                .sid("ExportDestinationObjects")
                .actions(EXPORT_OBJECT_ACTIONS)
                .resources([objects]),
        );
        Ok(PolicyDocument::new(statements))
    }

    fn required_requests(p: &ExportParams) -> Result<Vec<ExpectedRequest>, InvalidValue> {
        Ok(p.requests("the identity that starts the export"))
    }
}
