//! `rule-actions.write-to-s3`, rendered through its typed parameters: the statements in order,
//! the key by ARN or by alias, and the combinations of key parameters that are refused.

#![allow(
    clippy::unwrap_used,
    reason = "test helpers fail the test on an unexpected error"
)]

use mmpolicy_core::Provider;
use mmpolicy_core::types::{KeyPrefixScope, Partition};
use mmpolicy_rule_actions::{WriteToS3, WriteToS3Params};
use serde_json::{Value, json};

fn params(extra: Value) -> WriteToS3Params {
    let mut p = json!({"bucket": "mail-in", "key_prefix": "inbound/"});
    p.as_object_mut()
        .unwrap()
        .extend(extra.as_object().unwrap().clone());
    serde_json::from_value(p).unwrap()
}

fn sids(p: &WriteToS3Params) -> Vec<String> {
    WriteToS3::render(p)
        .unwrap()
        .statements()
        .iter()
        .filter_map(|s| s.sid.as_deref().map(str::to_owned))
        .collect()
}

#[test]
fn objects_then_bucket_then_the_key() {
    assert_eq!(
        sids(&params(json!({}))),
        ["WriteToS3PutObject", "WriteToS3ListBucket"]
    );
    let by_arn = params(json!({
        "kms_key_arn": "arn:aws-cn:kms:cn-north-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"
    }));
    assert_eq!(
        sids(&by_arn),
        [
            "WriteToS3PutObject",
            "WriteToS3ListBucket",
            "WriteToS3EncryptWithKey"
        ]
    );
    // The bucket is in the key's partition.
    let doc = serde_json::to_value(WriteToS3::render(&by_arn).unwrap()).unwrap();
    assert_eq!(
        doc["Statement"][0]["Resource"],
        "arn:aws-cn:s3:::mail-in/inbound/*"
    );
    let by_alias = params(json!({
        "kms_key_alias": "alias/mail", "account_id": "111122223333", "region": "eu-west-1"
    }));
    let doc = serde_json::to_value(WriteToS3::render(&by_alias).unwrap()).unwrap();
    assert_eq!(
        doc["Statement"][2]["Resource"],
        "arn:aws:kms:eu-west-1:111122223333:key/*"
    );
    assert_eq!(
        doc["Statement"][2]["Condition"]["ForAnyValue:StringEquals"]["kms:ResourceAliases"],
        json!(["alias/mail"])
    );
}

#[test]
fn key_parameters_that_do_not_fit_together_are_refused() {
    let arn = "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";
    for (extra, field) in [
        (
            json!({"kms_key_arn": arn, "kms_key_alias": "alias/mail"}),
            "kms_key_alias",
        ),
        (
            json!({"kms_key_arn": arn, "account_id": "111122223333"}),
            "account_id",
        ),
        (json!({"kms_key_arn": arn, "region": "us-east-1"}), "region"),
        (json!({"kms_key_alias": "alias/mail"}), "kms_key_alias"),
        (json!({"account_id": "111122223333"}), "account_id"),
        (json!({"region": "us-east-1"}), "region"),
        (
            json!({"kms_key_arn": arn, "partition": "aws-cn"}),
            "partition",
        ),
    ] {
        let e = WriteToS3::render(&params(extra.clone())).unwrap_err();
        assert_eq!(e.field, field, "{extra}: {e}");
    }
}

#[test]
fn the_whole_bucket_is_asked_for_with_a_star() {
    let mut p = params(json!({}));
    p.key_prefix = KeyPrefixScope::WholeBucket;
    p.partition = Some(Partition::AwsUsGov);
    let doc = serde_json::to_value(WriteToS3::render(&p).unwrap()).unwrap();
    assert_eq!(
        doc["Statement"][0]["Resource"],
        "arn:aws-us-gov:s3:::mail-in/*"
    );
}

/// A multipart upload to an SSE-KMS bucket needs `kms:Decrypt` besides a data key; both are
/// allowed through S3 in the key's region only, whichever way the key is named.
#[test]
fn the_key_statement_allows_decrypt_for_multipart_uploads_through_s3_only() {
    for extra in [
        json!({"kms_key_arn": "arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"}),
        json!({"kms_key_alias": "alias/mail", "account_id": "111122223333", "region": "eu-west-1"}),
    ] {
        let doc = serde_json::to_value(WriteToS3::render(&params(extra.clone())).unwrap()).unwrap();
        let key = &doc["Statement"][2];
        assert_eq!(
            key["Action"],
            json!(["kms:Decrypt", "kms:GenerateDataKey*"]),
            "{extra}"
        );
        assert_eq!(
            key["Condition"]["StringEquals"]["kms:ViaService"], "s3.eu-west-1.amazonaws.com",
            "{extra}"
        );
    }
}
