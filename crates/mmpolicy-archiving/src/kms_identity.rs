//! The identity policy of archive users on the archive's KMS key: `archiving.kms-identity`.

use crate::FEATURE;
use mmpolicy_core::types::{KmsKeyArn, example};
use mmpolicy_core::{
    ExpectedRequest, InvalidValue, PolicyDocument, PolicyKind, Provider, Statement,
};

/// Who makes the requests of the archive key's identity policy.
const WHO: &str = "the archive's users";
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Parameters of `archiving.kms-identity`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct KmsIdentityParams {
    /// The customer managed KMS key that encrypts the archive (its ARN, not an alias).
    pub kms_key_arn: KmsKeyArn,
}

pub(crate) fn example_key() -> KmsKeyArn {
    example::parse("arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab")
}

/// `archiving.kms-identity`: what archive users need on the archive's customer managed key.
#[derive(Debug, Clone, Copy, Default)]
pub struct KmsIdentity;

impl Provider for KmsIdentity {
    type Params = KmsIdentityParams;
    const ID: &'static str = "archiving.kms-identity";
    const FEATURE: &'static str = FEATURE;
    const KIND: PolicyKind = PolicyKind::Identity;
    const TITLE: &'static str = "IAM identity policy for an archive's customer managed KMS key";
    const DESCRIPTION: &'static str = "Attach to the IAM role (or user) that works with an \
        archive encrypted with a customer managed KMS key, beside `archiving.identity`: every \
        archiving API call uses the key, through SES, and the policy allows the key only \
        through SES in the key's region (`kms:ViaService`). The key's policy must allow the \
        same principal too (`archiving.key-policy`); both follow the key's region.\n\n\
        This identity policy counts for the key only when the key's policy lets IAM policies \
        count (AWS KMS Developer Guide, *Key policies in AWS KMS*: \"Unless the key policy \
        explicitly allows it, you cannot use IAM policies to allow access to a KMS key.\"), as \
        the default key policy does with its statement for the account \
        (`arn:<partition>:iam::<account>:root`). `archiving.key-policy` names the principal \
        itself, with the same `kms:ViaService`, so the two together work whichever way the key \
        policy is written; the deployment bundle plans both when `[archiving]` names the key.";
    const SOURCE: &'static str = "AWS, *Permission policies for Mail Manager*, \"Archiving encryption at rest with KMS CMK\" (identity policy); AWS KMS Developer Guide, *Key policies in AWS KMS*.";
    const CORRECTIONS: &'static [&'static str] = &[
        "The key ARN is validated (a key, not an alias) and its region is the one `archiving.key-policy` uses for `kms:ViaService`; the page names a key in us-west-2 but `ses.us-east-1.amazonaws.com` in the key policy.",
        "The key may be used only through SES in the key's region (`kms:ViaService` = `ses.<region of the key>.amazonaws.com`), as the page's key policy already requires of the same principal, instead of directly from anywhere; archiving reaches the key only through SES, so nothing that works with the page's key policy stops working.",
    ];

    fn example() -> KmsIdentityParams {
        KmsIdentityParams {
            kms_key_arn: example_key(),
        }
    }

    fn render(p: &KmsIdentityParams) -> Result<PolicyDocument, InvalidValue> {
        Ok(PolicyDocument::one(
            Statement::allow()
                .sid("UseArchiveKey")
                .actions(&["kms:DescribeKey", "kms:Decrypt", "kms:GenerateDataKey"])
                .resources([p.kms_key_arn.as_str().to_owned()])
                .condition(
                    "StringEquals",
                    "kms:ViaService",
                    [p.kms_key_arn.region().service_endpoint("ses")],
                ),
        ))
    }

    fn required_requests(p: &KmsIdentityParams) -> Result<Vec<ExpectedRequest>, InvalidValue> {
        let key = p.kms_key_arn.as_str();
        let via = |service: &str| p.kms_key_arn.region().service_endpoint(service);
        let mut out: Vec<ExpectedRequest> =
            ["kms:DescribeKey", "kms:Decrypt", "kms:GenerateDataKey"]
                .into_iter()
                .map(|action| {
                    ExpectedRequest::allow(WHO, action, key, "use the archive's key through SES")
                        .with("kms:ViaService", &[&via("ses")])
                })
                .collect();
        out.push(
            ExpectedRequest::deny(WHO, "kms:Decrypt", key, "the key used outside SES")
                .with("kms:ViaService", &[&via("s3")]),
        );
        out.push(
            ExpectedRequest::deny(WHO, "kms:ScheduleKeyDeletion", key, "no key administration")
                .with("kms:ViaService", &[&via("ses")]),
        );
        Ok(out
            .into_iter()
            .map(|r| r.holder_in(p.kms_key_arn.account().as_str()))
            .collect())
    }
}
