//! What several rule-action providers share: the account and region they name, the KMS
//! actions of an encrypted target, and the check that a key is in its service's region.

use mmpolicy_core::types::{AccountId, KmsKeyArn, Partition, Region, example, resolve_partition};
use mmpolicy_core::{ExpectedRequest, InvalidValue, Text, arns};

/// The KMS actions of an upload to an SSE-KMS bucket: a data key for each object, and
/// `kms:Decrypt` to complete a multipart upload.
pub(crate) const S3_KEY_ACTIONS: &[&str] = &["kms:Decrypt", "kms:GenerateDataKey*"];

/// The KMS actions a role needs to publish to an encrypted SNS topic (Amazon SNS Developer
/// Guide: publishers need `kms:GenerateDataKey*` and `kms:Decrypt`).
pub(crate) const SNS_KEY_ACTIONS: &[&str] = &["kms:Decrypt", "kms:GenerateDataKey*"];

/// The KMS actions a role needs to deliver to an Amazon Q Business application encrypted with
/// a customer managed key, as AWS's current *Permission policies for Mail Manager* lists them.
pub(crate) const Q_BUSINESS_KEY_ACTIONS: &[&str] =
    &["kms:DescribeKey", "kms:Encrypt", "kms:GenerateDataKey*"];

/// The account, region and optional partition that most rule-action policies take.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Place {
    pub(crate) partition: Partition,
    pub(crate) region: Region,
    pub(crate) account: AccountId,
}

impl Place {
    pub(crate) fn new(
        account: AccountId,
        region: Region,
        partition: Option<Partition>,
    ) -> Result<Self, InvalidValue> {
        Ok(Place {
            partition: resolve_partition(region, partition)?,
            region,
            account,
        })
    }

    /// `arn:<partition>:<service>:<region>:<account>:<resource>`, the resource in the pieces it
    /// is made of (`&["organization/", id]`).
    pub(crate) fn arn(&self, service: &str, resource: &[&str]) -> Text {
        arns::arn(self.partition, service, self.region, self.account, resource)
    }
}

/// Refuses a KMS key that is not in `region`, where the service using it runs.
pub(crate) fn key_in_region(
    key: &KmsKeyArn,
    region: Region,
    what: &str,
) -> Result<(), InvalidValue> {
    if key.region() == region {
        return Ok(());
    }
    Err(InvalidValue::new(
        "kms_key_arn",
        key.as_str(),
        format!(
            "the key is in region `{}` but the {what} in `{region}`: the {what} is encrypted with a key of its own region only; use a key of region `{region}`",
            key.region()
        ),
    ))
}

/// The KMS key of the examples.
pub(crate) fn example_key() -> KmsKeyArn {
    example::parse("arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab")
}

/// Who makes a rule action's requests: the rule set's role, as SES assumes it.
pub(crate) const ROLE: &str = "the rule set role";

/// The requests of a key statement that lets the rule set role use `key` through `service`
/// (`kms:ViaService`, its endpoint in `region`): each of `actions` (a trailing `*` read as
/// the action it starts), then the near miss of the key used through another service.
pub(crate) fn key_requests(
    actions: &'static [&'static str],
    key: &KmsKeyArn,
    service: &str,
    why: &'static str,
) -> Vec<ExpectedRequest> {
    let via = key.region().service_endpoint(service);
    let mut out: Vec<ExpectedRequest> = actions
        .iter()
        .map(|action| {
            ExpectedRequest::allow(ROLE, action.trim_end_matches('*'), key.as_str(), why)
                .with("kms:ViaService", &[&via])
        })
        .collect();
    if let Some(action) = actions.first() {
        let other = if service == "lambda" { "s3" } else { "lambda" };
        out.push(
            ExpectedRequest::deny(
                ROLE,
                action.trim_end_matches('*'),
                key.as_str(),
                "the key used through another service",
            )
            .with("kms:ViaService", &[&key.region().service_endpoint(other)]),
        );
    }
    out
}

/// `requests` made by the rule set role in `account`.
pub(crate) fn by_role(requests: Vec<ExpectedRequest>, account: AccountId) -> Vec<ExpectedRequest> {
    requests
        .into_iter()
        .map(|r| r.holder_in(account.as_str()))
        .collect()
}
