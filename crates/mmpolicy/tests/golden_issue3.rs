//! Golden output of the archiving and rule-action providers, for their example parameters.
//!
//! Each expected document was written by hand from AWS's page (*Permission policies for Mail
//! Manager*) with mmpolicy's corrections applied, not copied from the code: a change in the
//! rendered policy fails here and must be reviewed against the page.

#![allow(
    clippy::unwrap_used,
    clippy::panic,
    reason = "test helpers fail the test on an unexpected error"
)]

use serde_json::{Value, json};

/// Renders provider `id` with its example parameters and compares with `expected`.
fn check(id: &str, expected: Value) {
    let provider = mmpolicy::registry().get(id).unwrap();
    let policy = provider.render_value(&provider.example_params()).unwrap();
    let actual = serde_json::to_value(&policy).unwrap();
    assert_eq!(
        actual,
        expected,
        "{id} renders:\n{}",
        serde_json::to_string_pretty(&actual).unwrap()
    );
}

const ARCHIVE: &str =
    "arn:aws:ses:us-east-1:111122223333:mailmanager-archive/a-9f8e7d6c5b4a3210fedcba9876";
const KEY: &str = "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";

#[test]
fn archiving_identity() {
    check(
        "archiving.identity",
        json!({
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Sid": "CreateArchivesWithRequiredTags",
                    "Effect": "Allow",
                    "Action": ["ses:CreateArchive", "ses:TagResource"],
                    "Resource": "arn:aws:ses:us-east-1:111122223333:mailmanager-archive/*",
                    "Condition": {
                        "StringEquals": { "aws:RequestTag/team": ["mail-operations"] },
                        "ForAllValues:StringEquals": { "aws:TagKeys": ["team"] }
                    }
                },
                {
                    "Sid": "ListArchivesSearchesAndExports",
                    "Effect": "Allow",
                    "Action": ["ses:ListArchives", "ses:ListArchiveSearches", "ses:ListArchiveExports"],
                    "Resource": "*"
                },
                {
                    "Sid": "ManageArchive",
                    "Effect": "Allow",
                    "Action": ["ses:GetArchive", "ses:DeleteArchive", "ses:UpdateArchive"],
                    "Resource": ARCHIVE
                },
                {
                    "Sid": "SearchArchive",
                    "Effect": "Allow",
                    "Action": ["ses:GetArchiveSearch", "ses:GetArchiveSearchResults", "ses:StartArchiveSearch", "ses:StopArchiveSearch"],
                    "Resource": ARCHIVE
                },
                {
                    "Sid": "ReadArchivedMessages",
                    "Effect": "Allow",
                    "Action": ["ses:GetArchiveMessage", "ses:GetArchiveMessageContent"],
                    "Resource": ARCHIVE
                },
                {
                    "Sid": "ExportArchive",
                    "Effect": "Allow",
                    "Action": ["ses:GetArchiveExport", "ses:StartArchiveExport", "ses:StopArchiveExport"],
                    "Resource": ARCHIVE
                },
                {
                    "Sid": "ManageArchiveTags",
                    "Effect": "Allow",
                    "Action": ["ses:ListTagsForResource", "ses:UntagResource"],
                    "Resource": ARCHIVE
                }
            ]
        }),
    );
}

#[test]
fn archiving_export_identity() {
    check(
        "archiving.export-identity",
        json!({
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Sid": "ExportDestinationBucket",
                    "Effect": "Allow",
                    "Action": ["s3:ListBucket", "s3:GetBucketLocation"],
                    "Resource": "arn:aws:s3:::example-mail-archive-exports"
                },
                {
                    "Sid": "ExportDestinationObjects",
                    "Effect": "Allow",
                    "Action": ["s3:PutObject", "s3:PutObjectAcl", "s3:PutObjectTagging", "s3:GetObject"],
                    "Resource": "arn:aws:s3:::example-mail-archive-exports/exports/*"
                }
            ]
        }),
    );
}

#[test]
fn archiving_export_bucket_policy() {
    check(
        "archiving.export-bucket-policy",
        json!({
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Sid": "AllowSesToLocateExportBucket",
                    "Effect": "Allow",
                    "Principal": { "Service": "ses.amazonaws.com" },
                    "Action": ["s3:ListBucket", "s3:GetBucketLocation"],
                    "Resource": "arn:aws:s3:::example-mail-archive-exports"
                },
                {
                    "Sid": "AllowSesToWriteExports",
                    "Effect": "Allow",
                    "Principal": { "Service": "ses.amazonaws.com" },
                    "Action": ["s3:PutObject", "s3:PutObjectAcl", "s3:PutObjectTagging", "s3:GetObject"],
                    "Resource": "arn:aws:s3:::example-mail-archive-exports/exports/*"
                }
            ]
        }),
    );
}

#[test]
fn archiving_kms_identity() {
    check(
        "archiving.kms-identity",
        json!({
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Sid": "UseArchiveKey",
                    "Effect": "Allow",
                    "Action": ["kms:DescribeKey", "kms:Decrypt", "kms:GenerateDataKey"],
                    "Resource": KEY,
                    "Condition": { "StringEquals": { "kms:ViaService": "ses.us-east-1.amazonaws.com" } }
                }
            ]
        }),
    );
}

#[test]
fn archiving_key_policy() {
    let actions = json!(["kms:Decrypt", "kms:GenerateDataKey*", "kms:DescribeKey"]);
    check(
        "archiving.key-policy",
        json!({
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Sid": "AllowArchiveUsersThroughSes",
                    "Effect": "Allow",
                    "Principal": { "AWS": "arn:aws:iam::111122223333:role/MailArchiveOperators" },
                    "Action": actions,
                    "Resource": "*",
                    "Condition": { "StringEquals": { "kms:ViaService": "ses.us-east-1.amazonaws.com" } }
                },
                {
                    "Sid": "AllowSesToUseArchiveKey",
                    "Effect": "Allow",
                    "Principal": { "Service": "ses.amazonaws.com" },
                    "Action": actions,
                    "Resource": "*"
                }
            ]
        }),
    );
}

#[test]
fn rule_actions_trust_policy() {
    check(
        "rule-actions.trust-policy",
        json!({
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Sid": "AllowMailManagerRuleSetToAssumeRole",
                    "Effect": "Allow",
                    "Principal": { "Service": "ses.amazonaws.com" },
                    "Action": "sts:AssumeRole",
                    "Condition": {
                        "StringEquals": { "aws:SourceAccount": "111122223333" },
                        "ArnLike": { "aws:SourceArn": "arn:aws:ses:us-east-1:111122223333:mailmanager-rule-set/rs-4k7m2p9q1s3u5w7y0a2c4e6g8i" }
                    }
                }
            ]
        }),
    );
}

#[test]
fn rule_actions_write_to_s3() {
    check(
        "rule-actions.write-to-s3",
        json!({
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Sid": "WriteToS3PutObject",
                    "Effect": "Allow",
                    "Action": "s3:PutObject",
                    "Resource": "arn:aws:s3:::example-inbound-mail/inbound/*"
                },
                {
                    "Sid": "WriteToS3ListBucket",
                    "Effect": "Allow",
                    "Action": "s3:ListBucket",
                    "Resource": "arn:aws:s3:::example-inbound-mail"
                },
                {
                    "Sid": "WriteToS3EncryptWithKeyAlias",
                    "Effect": "Allow",
                    "Action": "kms:GenerateDataKey*",
                    "Resource": "arn:aws:kms:us-east-1:111122223333:key/*",
                    "Condition": {
                        "ForAnyValue:StringEquals": { "kms:ResourceAliases": ["alias/inbound-mail"] },
                        "StringEquals": { "kms:ViaService": "s3.us-east-1.amazonaws.com" }
                    }
                }
            ]
        }),
    );
}

#[test]
fn rule_actions_deliver_to_mailbox() {
    check(
        "rule-actions.deliver-to-mailbox",
        json!({
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Sid": "DeliverToMailbox",
                    "Effect": "Allow",
                    "Action": "workmail:DeliverToMailbox",
                    "Resource": "arn:aws:workmail:us-east-1:111122223333:organization/m-0123456789abcdef0123456789abcdef"
                }
            ]
        }),
    );
}

#[test]
fn rule_actions_send_to_internet() {
    check(
        "rule-actions.send-to-internet",
        json!({
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Sid": "SendToInternet",
                    "Effect": "Allow",
                    "Action": ["ses:SendEmail", "ses:SendRawEmail"],
                    "Resource": [
                        "arn:aws:ses:us-east-1:111122223333:identity/example.com",
                        "arn:aws:ses:us-east-1:111122223333:configuration-set/outbound-tracking"
                    ]
                }
            ]
        }),
    );
}

#[test]
fn rule_actions_deliver_to_q_business() {
    check(
        "rule-actions.deliver-to-q-business",
        json!({
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Sid": "DeliverToQBusiness",
                    "Effect": "Allow",
                    "Action": "qbusiness:BatchPutDocument",
                    "Resource": [
                        "arn:aws:qbusiness:us-east-1:111122223333:application/a1b2c3d4-5678-90ab-cdef-111122223333",
                        "arn:aws:qbusiness:us-east-1:111122223333:application/a1b2c3d4-5678-90ab-cdef-111122223333/index/b2c3d4e5-6789-01ab-cdef-111122223333"
                    ]
                },
                {
                    "Sid": "DeliverToQBusinessUseKey",
                    "Effect": "Allow",
                    "Action": ["kms:Decrypt", "kms:GenerateDataKey*"],
                    "Resource": KEY,
                    "Condition": { "StringEquals": { "kms:ViaService": "qbusiness.us-east-1.amazonaws.com" } }
                }
            ]
        }),
    );
}

#[test]
fn rule_actions_publish_to_sns() {
    check(
        "rule-actions.publish-to-sns",
        json!({
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Sid": "PublishToSns",
                    "Effect": "Allow",
                    "Action": "sns:Publish",
                    "Resource": "arn:aws:sns:us-east-1:111122223333:inbound-mail"
                },
                {
                    "Sid": "PublishToSnsUseKey",
                    "Effect": "Allow",
                    "Action": ["kms:Decrypt", "kms:GenerateDataKey*"],
                    "Resource": KEY,
                    "Condition": { "StringEquals": { "kms:ViaService": "sns.us-east-1.amazonaws.com" } }
                }
            ]
        }),
    );
}

#[test]
fn rule_actions_invoke_lambda() {
    check(
        "rule-actions.invoke-lambda",
        json!({
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Sid": "InvokeLambda",
                    "Effect": "Allow",
                    "Action": "lambda:InvokeFunction",
                    "Resource": "arn:aws:lambda:us-east-1:111122223333:function:classify-inbound-mail"
                }
            ]
        }),
    );
}
