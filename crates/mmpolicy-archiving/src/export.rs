//! The parameters the two export policies share, and the S3 actions an export needs on its objects.

use mmpolicy_core::arns::s3_arn;
use mmpolicy_core::types::{BucketName, KeyPrefixScope, Partition, example};
use mmpolicy_core::{ExpectedRequest, Principal, Statement, Text};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// The S3 actions an export needs on the objects it writes.
pub(crate) const EXPORT_OBJECT_ACTIONS: &[&str] = &[
    "s3:PutObject",
    "s3:PutObjectAcl",
    "s3:PutObjectTagging",
    "s3:GetObject",
];

/// Parameters of the two export policies.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ExportParams {
    /// The S3 bucket that exports are written to.
    pub bucket: BucketName,
    /// The folder of the bucket that exports are written to, or `*` for the whole bucket (an
    /// explicit wildcard).
    pub key_prefix: KeyPrefixScope,
    /// The partition of the bucket (`aws` unless the bucket is in China or GovCloud).
    #[serde(
        default,
        deserialize_with = "mmpolicy_core::types::optional",
        skip_serializing_if = "Option::is_none"
    )]
    pub partition: Option<Partition>,
}

impl ExportParams {
    pub(crate) fn example() -> Self {
        ExportParams {
            bucket: example::parse("example-mail-archive-exports"),
            key_prefix: KeyPrefixScope::Prefix(example::parse("exports/")),
            partition: None,
        }
    }

    /// The bucket ARN and the ARN pattern of the objects exports write.
    pub(crate) fn arns(&self) -> (Text, Text) {
        let partition = self.partition.unwrap_or(Partition::Aws);
        let objects = self.key_prefix.objects_in(&self.bucket);
        (
            s3_arn(partition, self.bucket.as_str()),
            s3_arn(partition, &objects),
        )
    }

    /// The statement on the bucket itself: listing it and reading its location. It is not
    /// narrowed to `key_prefix` with `s3:prefix`: `s3:ListBucket` also authorizes `HeadBucket`,
    /// whose requests carry no `s3:prefix`, and AWS does not document which of them SES makes,
    /// so a condition there could break exports that work with AWS's policy.
    pub(crate) fn bucket_statement(
        &self,
        bucket_arn: Text,
        principal: Option<Principal>,
        sid: &'static str,
    ) -> Statement {
        let st = Statement::allow()
            .sid(sid)
            .actions(&["s3:ListBucket", "s3:GetBucketLocation"])
            .resources([bucket_arn]);
        match principal {
            Some(p) => st.principal(p),
            None => st,
        }
    }

    /// The requests an export makes on the destination, by `who`: locate the bucket and write
    /// each export object; near misses are another bucket, a key outside the prefix and a
    /// delete.
    pub(crate) fn requests(&self, who: &'static str) -> Vec<ExpectedRequest> {
        let partition = self.partition.unwrap_or(Partition::Aws);
        let (bucket, objects) = self.arns();
        let object = objects.as_str().replace('*', "export-0001/messages.zip");
        let mut out = vec![
            ExpectedRequest::allow(
                who,
                "s3:GetBucketLocation",
                bucket.as_str(),
                "locate the bucket",
            ),
            ExpectedRequest::allow(who, "s3:PutObject", &object, "write the export"),
            ExpectedRequest::deny(
                who,
                "s3:PutObject",
                s3_arn(partition, "another-bucket/messages.zip").into_string(),
                "another bucket",
            ),
            ExpectedRequest::deny(who, "s3:DeleteObject", &object, "an export never deletes"),
        ];
        if let KeyPrefixScope::Prefix(_) = self.key_prefix {
            out.push(ExpectedRequest::deny(
                who,
                "s3:PutObject",
                s3_arn(
                    partition,
                    &format!("{}/outside-the-prefix.zip", self.bucket),
                )
                .into_string(),
                "a key outside the prefix",
            ));
        }
        out
    }
}
