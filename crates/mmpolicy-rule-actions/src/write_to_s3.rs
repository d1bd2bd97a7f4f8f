//! What the Write to S3 rule action needs: `rule-actions.write-to-s3`.

use crate::FEATURE;
use crate::place::*;
use crate::types::*;
use mmpolicy_core::arns::s3_arn;
use mmpolicy_core::types::{
    AccountId, BucketName, KeyPrefixScope, KmsKeyArn, Partition, Region, example,
};
use mmpolicy_core::{
    ExpectedRequest, InvalidValue, PolicyDocument, PolicyKind, Provider, Statement,
};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Parameters of `rule-actions.write-to-s3`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(extend(
    "not" = {"required": ["kms_key_arn", "kms_key_alias"]},
    "dependentRequired" = {
        "kms_key_alias": ["account_id", "region"],
        "account_id": ["kms_key_alias"],
        "region": ["kms_key_alias"]
    }
))]
pub struct WriteToS3Params {
    /// The S3 bucket that received messages are written to.
    pub bucket: BucketName,
    /// The folder the action writes to (its object key prefix), or `*` for the whole bucket
    /// (an explicit wildcard).
    pub key_prefix: KeyPrefixScope,
    /// The customer managed KMS key of the bucket's SSE-KMS encryption, by ARN. Give this or
    /// `kms_key_alias`, not both; leave both out when the bucket does not use SSE-KMS with a
    /// customer managed key.
    #[serde(
        default,
        deserialize_with = "mmpolicy_core::types::optional",
        skip_serializing_if = "Option::is_none"
    )]
    pub kms_key_arn: Option<KmsKeyArn>,
    /// The customer managed KMS key of the bucket's SSE-KMS encryption, by alias
    /// (`alias/<name>`); needs `account_id` and `region`, the key's.
    #[serde(
        default,
        deserialize_with = "mmpolicy_core::types::optional",
        skip_serializing_if = "Option::is_none"
    )]
    pub kms_key_alias: Option<KmsKeyAlias>,
    /// The account of the key named by `kms_key_alias`.
    #[serde(
        default,
        deserialize_with = "mmpolicy_core::types::optional",
        skip_serializing_if = "Option::is_none"
    )]
    pub account_id: Option<AccountId>,
    /// The region of the key named by `kms_key_alias`.
    #[serde(
        default,
        deserialize_with = "mmpolicy_core::types::optional",
        skip_serializing_if = "Option::is_none"
    )]
    pub region: Option<Region>,
    /// The partition of the bucket (`aws` unless it is in China or GovCloud; with a key, the
    /// key's partition).
    #[serde(
        default,
        deserialize_with = "mmpolicy_core::types::optional",
        skip_serializing_if = "Option::is_none"
    )]
    pub partition: Option<Partition>,
}

/// `rule-actions.write-to-s3`: what the Write to S3 action needs.
#[derive(Debug, Clone, Copy, Default)]
pub struct WriteToS3;

impl Provider for WriteToS3 {
    type Params = WriteToS3Params;
    const ID: &'static str = "rule-actions.write-to-s3";
    const FEATURE: &'static str = FEATURE;
    const KIND: PolicyKind = PolicyKind::Identity;
    const TITLE: &'static str = "Permission policy for the Write to S3 rule action";
    const DESCRIPTION: &'static str = "Attach to the rule set's execution role (see \
        `rule-actions.trust-policy`) when a rule writes received messages to an S3 bucket. If \
        the bucket encrypts with SSE-KMS and a customer managed key, give the key \
        (`kms_key_arn`, or `kms_key_alias` with `account_id` and `region`) so the role may \
        generate data keys with it and decrypt them, through S3 only (`kms:ViaService`). With \
        a `key_prefix`, the role may list only that folder of the bucket.\n\n\
        `kms:Decrypt` is there because S3 uploads a large object in parts, and a multipart \
        upload to an SSE-KMS bucket needs `kms:Decrypt` as well as `kms:GenerateDataKey` \
        (messages reach about 40 MB). Open question: the Mail Manager API reference \
        (`S3Action`) also names `kms:Encrypt`, which AWS's page and S3's documentation do not \
        ask for; it is not emitted until AWS says which call needs it.\n\n\
        The key statement works only with the key's policy: IAM policies count for a KMS key only when the key's policy lets them (AWS KMS \
        Developer Guide, *Key policies in AWS KMS*: \"Unless the key policy explicitly allows \
        it, you cannot use IAM policies to allow access to a KMS key.\"), as the default key \
        policy does with its statement for the account (`arn:<partition>:iam::<account>:root`). \
        For a key whose policy has no such statement, add `rule-actions.key-policy` to the key's \
        policy; the deployment bundle plans it for every key named by ARN (a key given \
        by alias is not: the alias does not name the key's ARN, so write that key's statement \
        yourself or give `kms_key_arn`).\n\n\
        Regions: a bucket's ARN names no region, and the action may write to a bucket of any \
        region; the key must be in the bucket's region (S3 encrypts with a key of the bucket's \
        region), and `kms:ViaService` names S3 in the key's region.";
    const SOURCE: &'static str = "AWS, *Permission policies for Mail Manager*, \"Permission policy for Write to S3 rule action\"; Amazon S3 User Guide, *Uploading and copying objects using multipart upload* and *Specifying server-side encryption with AWS KMS (SSE-KMS)* (a multipart upload with SSE-KMS needs `kms:GenerateDataKey` and `kms:Decrypt`); Mail Manager API reference, `S3Action`; AWS KMS Developer Guide, *Key policies in AWS KMS*.";
    const CORRECTIONS: &'static [&'static str] = &[
        "A key alias never goes in an IAM `Resource` (an alias ARN matches nothing there): a key given by alias is written as `key/*` narrowed by `ForAnyValue:StringEquals` on `kms:ResourceAliases`, as the page does; a key given by ARN names that key.",
        "The object statement can be limited to the folder the action writes to (`key_prefix`).",
        "`kms:Decrypt` is added to the page's `kms:GenerateDataKey*`, under the same `kms:ViaService` condition: S3 needs it to complete a multipart upload to an SSE-KMS bucket, and a message of tens of megabytes may be uploaded in parts.",
        "The key may be used only through S3 in the key's region (`kms:ViaService` = `s3.<region>.amazonaws.com`): SSE-KMS has S3 call KMS for the role, with a key in the bucket's region, so the role cannot use the key directly for anything else.",
    ];

    fn example() -> WriteToS3Params {
        WriteToS3Params {
            bucket: example::parse("example-inbound-mail"),
            key_prefix: KeyPrefixScope::Prefix(example::parse("inbound/")),
            kms_key_arn: None,
            kms_key_alias: Some(example::parse("alias/inbound-mail")),
            account_id: Some(example::account_id()),
            region: Some(example::region()),
            partition: None,
        }
    }

    fn render(p: &WriteToS3Params) -> Result<PolicyDocument, InvalidValue> {
        let key = p.key()?;
        let partition = p.partition(key.as_ref())?;
        let mut statements = vec![
            Statement::allow()
                .sid("WriteToS3PutObject")
                .actions(&["s3:PutObject"])
                .resources([s3_arn(partition, &p.key_prefix.objects_in(&p.bucket))]),
            // Not narrowed with `s3:prefix`: `s3:ListBucket` also authorizes `HeadBucket`,
            // which carries no prefix, and AWS does not say which of them SES makes.
            Statement::allow()
                .sid("WriteToS3ListBucket")
                .actions(&["s3:ListBucket"])
                .resources([s3_arn(partition, p.bucket.as_str())]),
        ];
        statements.extend(key.map(|key| {
            match key {
                Key::Arn(arn) => Statement::allow()
                    .sid("WriteToS3EncryptWithKey")
                    .actions(S3_KEY_ACTIONS)
                    .resources([arn.as_str().to_owned()])
                    .condition(
                        "StringEquals",
                        "kms:ViaService",
                        [arn.region().service_endpoint("s3")],
                    ),
                Key::Alias(alias, place) => Statement::allow()
                    .sid("WriteToS3EncryptWithKeyAlias")
                    .actions(S3_KEY_ACTIONS)
                    .resources([place.arn("kms", &["key/*"])])
                    .condition_list(
                        "ForAnyValue:StringEquals",
                        "kms:ResourceAliases",
                        [alias.as_str().to_owned()],
                    )
                    .condition(
                        "StringEquals",
                        "kms:ViaService",
                        [place.region.service_endpoint("s3")],
                    ),
            }
        }));
        Ok(PolicyDocument::new(statements))
    }

    fn required_requests(p: &WriteToS3Params) -> Result<Vec<ExpectedRequest>, InvalidValue> {
        let key = p.key()?;
        let partition = p.partition(key.as_ref())?;
        let objects = p.key_prefix.objects_in(&p.bucket);
        let object = s3_arn(partition, &objects.replace('*', "message-0001")).into_string();
        let bucket = s3_arn(partition, p.bucket.as_str()).into_string();
        let mut out = vec![
            ExpectedRequest::allow(ROLE, "s3:PutObject", &object, "write the message"),
            ExpectedRequest::allow(ROLE, "s3:ListBucket", &bucket, "check the bucket"),
            ExpectedRequest::deny(
                ROLE,
                "s3:PutObject",
                s3_arn(partition, "another-bucket/message-0001").into_string(),
                "another bucket",
            ),
            ExpectedRequest::deny(ROLE, "s3:DeleteObject", &object, "writing only, no delete"),
        ];
        if let KeyPrefixScope::Prefix(_) = p.key_prefix {
            out.push(ExpectedRequest::deny(
                ROLE,
                "s3:PutObject",
                s3_arn(partition, &format!("{}/outside-the-prefix", p.bucket)).into_string(),
                "a key outside the prefix",
            ));
        }
        match key {
            None => {}
            Some(Key::Arn(arn)) => out.extend(key_requests(
                S3_KEY_ACTIONS,
                arn,
                "s3",
                "write to the bucket encrypted with its key",
            )),
            Some(Key::Alias(alias, place)) => {
                let key_arn = place.arn("kms", &["key/1234abcd-12ab-34cd-56ef-1234567890ab"]);
                let via = place.region.service_endpoint("s3");
                for action in S3_KEY_ACTIONS {
                    out.push(
                        ExpectedRequest::allow(
                            ROLE,
                            action.trim_end_matches('*'),
                            &key_arn,
                            "write to the bucket encrypted with the aliased key",
                        )
                        .with("kms:ResourceAliases", &[alias.as_str()])
                        .with("kms:ViaService", &[&via]),
                    );
                }
                out.push(
                    ExpectedRequest::deny(
                        ROLE,
                        "kms:GenerateDataKey",
                        &key_arn,
                        "a key without the alias",
                    )
                    .with("kms:ResourceAliases", &["alias/another-key"])
                    .with("kms:ViaService", &[&via]),
                );
            }
        }
        Ok(out)
    }
}

/// The bucket's customer managed key, by ARN or by alias (with the key's account and region).
enum Key<'a> {
    Arn(&'a KmsKeyArn),
    Alias(&'a KmsKeyAlias, Place),
}

impl Key<'_> {
    fn partition(&self) -> Partition {
        match self {
            Key::Arn(arn) => arn.partition(),
            Key::Alias(_, place) => place.partition,
        }
    }
}

impl WriteToS3Params {
    /// The key, when one is given; refuses a key given twice, an alias without its account
    /// and region, and an account or region without an alias.
    fn key(&self) -> Result<Option<Key<'_>>, InvalidValue> {
        let only_with_alias = |detail: &'static str| {
            let given = match (&self.account_id, &self.region) {
                (Some(account), _) => Some(("account_id", account.as_str())),
                (None, Some(region)) => Some(("region", region.as_str())),
                (None, None) => None,
            };
            match given {
                Some((field, value)) => Err(InvalidValue::new(field, value, detail)),
                None => Ok(()),
            }
        };
        match (&self.kms_key_arn, &self.kms_key_alias) {
            (Some(arn), Some(alias)) => Err(InvalidValue::new(
                "kms_key_alias",
                alias.as_str(),
                format!("give the key once: `kms_key_arn` (`{arn}`) or `kms_key_alias`, not both"),
            )),
            (Some(arn), None) => {
                only_with_alias(
                    "`account_id` and `region` only go with `kms_key_alias`: the key ARN already names them",
                )?;
                Ok(Some(Key::Arn(arn)))
            }
            (None, Some(alias)) => {
                let (Some(account), Some(region)) = (self.account_id, self.region) else {
                    return Err(InvalidValue::new(
                        "kms_key_alias",
                        alias.as_str(),
                        "a key given by alias needs `account_id` and `region` (the key's) to be named in the policy",
                    ));
                };
                Ok(Some(Key::Alias(alias, Place::new(account, region, None)?)))
            }
            (None, None) => {
                only_with_alias("`account_id` and `region` only go with `kms_key_alias`")?;
                Ok(None)
            }
        }
    }

    /// The partition of the bucket: `partition`, else the key's, else `aws`; refused when it
    /// is not the key's.
    fn partition(&self, key: Option<&Key<'_>>) -> Result<Partition, InvalidValue> {
        match (self.partition, key.map(Key::partition)) {
            (Some(given), Some(key)) if given != key => Err(InvalidValue::new(
                "partition",
                given.as_str(),
                format!("the key is in partition `{key}`; leave `partition` out or make it match"),
            )),
            (Some(given), _) => Ok(given),
            (None, Some(key)) => Ok(key),
            (None, None) => Ok(Partition::Aws),
        }
    }
}
