//! The destination bucket's policy letting SES write exports: `archiving.export-bucket-policy`.

use crate::FEATURE;
use crate::export::{EXPORT_OBJECT_ACTIONS, ExportParams};
use mmpolicy_core::Expect;
use mmpolicy_core::arns::SES_SERVICE_PRINCIPAL;
use mmpolicy_core::{
    ExpectedRequest, InvalidValue, PolicyDocument, PolicyKind, Principal, Provider, Statement,
};

/// `archiving.export-bucket-policy`: the destination bucket's policy letting SES write exports.
#[derive(Debug, Clone, Copy, Default)]
pub struct ExportBucketPolicy;

impl Provider for ExportBucketPolicy {
    type Params = ExportParams;
    const ID: &'static str = "archiving.export-bucket-policy";
    const FEATURE: &'static str = FEATURE;
    const KIND: PolicyKind = PolicyKind::Bucket;
    const TITLE: &'static str = "S3 bucket policy for archive exports";
    const DESCRIPTION: &'static str = "Attach to the S3 bucket that archive exports are written \
        to, as (part of) its bucket policy. It lets SES list the bucket and write the exported \
        messages. Archiving supports no `aws:SourceAccount`/`aws:SourceArn` condition (AWS's \
        page says so), so none is added: Mail Manager instead checks that the caller of \
        `StartArchiveExport` may write to the bucket (see `archiving.export-identity`).\n\n\
        **Merge, do not replace.** mmpolicy writes the statements as a list to merge into the \
        bucket's existing policy (`mmpolicy merge`): S3 has no safety check, and a document \
        holding only these statements would remove every other grant on the bucket. \
        `--whole-document` gives a whole policy for a bucket that has none.";
    const SOURCE: &'static str = "AWS, *Permission policies for Mail Manager*, \"Archiving export\" (destination bucket policy and the note on confused-deputy condition keys).";
    const CORRECTIONS: &'static [&'static str] = &[
        "The object statement can be limited to the folder exports are written to (`key_prefix`), instead of the whole bucket.",
        "No `aws:SourceAccount`/`aws:SourceArn` condition: archiving does not support them, as the page notes.",
    ];

    fn example() -> ExportParams {
        ExportParams::example()
    }

    fn render(p: &ExportParams) -> Result<PolicyDocument, InvalidValue> {
        let (bucket, objects) = p.arns();
        let ses = || Principal::service(SES_SERVICE_PRINCIPAL);
        let mut statements =
            vec![p.bucket_statement(bucket, Some(ses()), "AllowSesToLocateExportBucket")];
        statements.push(
            Statement::allow()
                .sid("AllowSesToWriteExports")
                .principal(ses())
                .actions(EXPORT_OBJECT_ACTIONS)
                .resources([objects]),
        );
        Ok(PolicyDocument::new(statements))
    }

    fn required_requests(p: &ExportParams) -> Result<Vec<ExpectedRequest>, InvalidValue> {
        let mut out: Vec<ExpectedRequest> = p
            .requests("Mail Manager")
            .into_iter()
            .map(|r| r.by_service(SES_SERVICE_PRINCIPAL))
            .collect();
        if let Some(write) = out.get(1).cloned() {
            out.push(ExpectedRequest {
                expect: Expect::Deny,
                why: "another service writing to the bucket",
                ..write.by_service("lambda.amazonaws.com")
            });
        }
        Ok(out)
    }
}
