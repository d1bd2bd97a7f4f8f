//! The archive key's policy statement letting SES use it: `archiving.key-policy`.

use crate::FEATURE;
use crate::kms_identity::example_key;
use mmpolicy_core::arns::{SES_SERVICE_PRINCIPAL, with_key_administrator};
use mmpolicy_core::types::{KmsKeyArn, PrincipalArn, example};
use mmpolicy_core::{
    ExpectedRequest, InvalidValue, PolicyDocument, PolicyKind, Principal, Provider, Statement,
};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// The KMS actions SES uses on an archive's customer managed key, as the page's key policy
/// lists them.
const KEY_POLICY_ACTIONS: &[&str] = &["kms:Decrypt", "kms:GenerateDataKey*", "kms:DescribeKey"];

/// Parameters of `archiving.key-policy`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct KeyPolicyParams {
    /// The IAM role or user that works with the archive (a group cannot be a principal).
    pub principal_arn: PrincipalArn,
    /// The customer managed KMS key that encrypts the archive; its region is the region of
    /// `kms:ViaService`.
    pub kms_key_arn: KmsKeyArn,
}

/// `archiving.key-policy`: the statements of the archive key's policy.
#[derive(Debug, Clone, Copy, Default)]
pub struct KeyPolicy;

impl Provider for KeyPolicy {
    type Params = KeyPolicyParams;
    const ID: &'static str = "archiving.key-policy";
    const FEATURE: &'static str = FEATURE;
    const KIND: PolicyKind = PolicyKind::Key;
    const TITLE: &'static str = "KMS key policy statements for an archive's customer managed key";
    const DESCRIPTION: &'static str = "Add to the key policy of the customer managed KMS key \
        that encrypts an archive. The first statement lets your role or user use the key, only \
        through SES in the key's region (`kms:ViaService`); the second lets SES itself use it. \
        Archiving supports no `aws:SourceAccount`/`aws:SourceArn` condition, so the SES \
        statement has none.\n\n\
        **Merge, do not replace.** A key policy is the whole access control of a key: a \
        document that held only these statements would remove every other grant, including your \
        account's, and could lock you out of the key. So mmpolicy writes the statements as a \
        list to merge into the key's existing policy (`mmpolicy merge`, which replaces a \
        statement with the same `Sid` and keeps every other). For a new key, \
        `--whole-document` gives a whole key policy that starts with AWS's default \
        statement, `Enable IAM User Permissions` (the account may manage the key).";
    const SOURCE: &'static str = "AWS, *Permission policies for Mail Manager*, \"Archiving encryption at rest with KMS CMK\" (key policy).";
    const CORRECTIONS: &'static [&'static str] = &[
        "`kms:ViaService` is `ses.<region of the key>.amazonaws.com`: the page's key is in us-west-2 but its `kms:ViaService` says us-east-1, so the statement would never match.",
        "The principal is a user or role ARN; the page's `MyUserRoleOrGroupName` suggests a group, which cannot be a principal and is refused.",
    ];

    fn example() -> KeyPolicyParams {
        KeyPolicyParams {
            principal_arn: example::parse("arn:aws:iam::111122223333:role/MailArchiveOperators"),
            kms_key_arn: example_key(),
        }
    }

    fn render(p: &KeyPolicyParams) -> Result<PolicyDocument, InvalidValue> {
        let key = &p.kms_key_arn;
        if p.principal_arn.partition() != key.partition() {
            return Err(InvalidValue::new(
                "principal_arn",
                p.principal_arn.as_str(),
                format!(
                    "the principal is in partition `{}` but the key in `{}`: name a principal of the key's partition",
                    p.principal_arn.partition(),
                    key.partition()
                ),
            ));
        }
        Ok(PolicyDocument::new(vec![
            Statement::allow()
                .sid("AllowArchiveUsersThroughSes")
                .principal(Principal::aws(p.principal_arn.as_str().to_owned()))
                .actions(KEY_POLICY_ACTIONS)
                .resources(["*"])
                .condition(
                    "StringEquals",
                    "kms:ViaService",
                    [key.region().service_endpoint("ses")],
                ),
            Statement::allow()
                .sid("AllowSesToUseArchiveKey")
                .principal(Principal::service(SES_SERVICE_PRINCIPAL))
                .actions(KEY_POLICY_ACTIONS)
                .resources(["*"]),
        ]))
    }

    fn whole_document(p: &KeyPolicyParams) -> Result<PolicyDocument, InvalidValue> {
        let key = &p.kms_key_arn;
        Ok(with_key_administrator(
            Self::render(p)?,
            key.partition(),
            key.account(),
        ))
    }

    fn required_requests(p: &KeyPolicyParams) -> Result<Vec<ExpectedRequest>, InvalidValue> {
        KeyPolicy::render(p)?;
        let key = p.kms_key_arn.as_str();
        let user = p.principal_arn.as_str();
        let via = |service: &str| p.kms_key_arn.region().service_endpoint(service);
        let mut out = Vec::new();
        for action in KEY_POLICY_ACTIONS {
            let action = action.trim_end_matches('*');
            out.push(
                ExpectedRequest::allow(
                    "the archive's users",
                    action,
                    key,
                    "use the archive's key through SES",
                )
                .by_arn(user)
                .with("kms:ViaService", &[&via("ses")]),
            );
            out.push(
                ExpectedRequest::allow("Mail Manager", action, key, "encrypt and read the archive")
                    .by_service(SES_SERVICE_PRINCIPAL),
            );
        }
        out.push(
            ExpectedRequest::deny(
                "the archive's users",
                "kms:Decrypt",
                key,
                "the key used outside SES",
            )
            .by_arn(user)
            .with("kms:ViaService", &[&via("s3")]),
        );
        out.push(
            ExpectedRequest::deny(
                "the archive's users",
                "kms:ScheduleKeyDeletion",
                key,
                "no key administration",
            )
            .by_arn(user)
            .with("kms:ViaService", &[&via("ses")]),
        );
        out.push(
            ExpectedRequest::deny(
                "another role",
                "kms:Decrypt",
                key,
                "a principal the key policy does not name",
            )
            .by_arn(format!(
                "arn:{}:iam::{}:role/SomeoneElse",
                p.principal_arn.partition().as_str(),
                p.principal_arn.account().as_str()
            ))
            .with("kms:ViaService", &[&via("ses")]),
        );
        Ok(out)
    }
}
