//! The key-policy statements that let the rule set's role use a customer managed key:
//! `rule-actions.key-policy`.

use crate::FEATURE;
use crate::place::{
    Q_BUSINESS_KEY_ACTIONS, S3_KEY_ACTIONS, SNS_KEY_ACTIONS, example_key, key_requests,
};
use mmpolicy_core::arns::with_key_administrator;
use mmpolicy_core::types::{KmsKeyArn, PrincipalArn, PrincipalKind, example};
use mmpolicy_core::{
    ExpectedRequest, InvalidValue, PolicyDocument, PolicyKind, Principal, Provider, Statement,
};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// A rule action that uses a customer managed key through its service.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
#[schemars(title = "rule action: `write-to-s3`, `deliver-to-q-business` or `publish-to-sns`")]
pub enum KeyUse {
    /// Write to S3: S3 encrypts the message with the bucket's key (SSE-KMS).
    WriteToS3,
    /// Deliver to Amazon Q Business: the application encrypts with its key.
    DeliverToQBusiness,
    /// Publish to SNS: SNS encrypts the topic's messages with its key.
    PublishToSns,
}

impl KeyUse {
    /// The action's table name in the deployment file (`write-to-s3`).
    pub fn as_str(self) -> &'static str {
        match self {
            KeyUse::WriteToS3 => "write-to-s3",
            KeyUse::DeliverToQBusiness => "deliver-to-q-business",
            KeyUse::PublishToSns => "publish-to-sns",
        }
    }
}

/// Parameters of `rule-actions.key-policy`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct KeyPolicyParams {
    /// The rule set's execution role, the principal of the statements.
    pub role_arn: PrincipalArn,
    /// The customer managed KMS key whose policy takes the statements; its region is the
    /// region of `kms:ViaService`.
    pub kms_key_arn: KmsKeyArn,
    /// The rule actions that use the key, each once: `write-to-s3`, `deliver-to-q-business`,
    /// `publish-to-sns`.
    pub used_by: Vec<KeyUse>,
}

/// `rule-actions.key-policy`: the key-policy statements of the rule set's role.
#[derive(Debug, Clone, Copy, Default)]
pub struct KeyPolicy;

impl Provider for KeyPolicy {
    type Params = KeyPolicyParams;
    const ID: &'static str = "rule-actions.key-policy";
    const FEATURE: &'static str = FEATURE;
    const KIND: PolicyKind = PolicyKind::Key;
    const TITLE: &'static str =
        "KMS key policy statements letting the rule set's role use a customer managed key";
    const DESCRIPTION: &'static str = "Add to the key policy of a customer managed KMS key \
        that a rule action uses (the bucket's key of Write to S3, the application's key of \
        Deliver to Amazon Q Business, the topic's key of Publish to SNS). The role's permission \
        policy (`rule-actions.write-to-s3`, `rule-actions.deliver-to-q-business`, \
        `rule-actions.publish-to-sns`) allows the key, but an identity policy counts for a KMS \
        key only when the key policy lets it: when the key policy holds the statement that \
        gives the account (`arn:<partition>:iam::<account>:root`) access. These statements let \
        the role use the key whichever way the key policy is written: one per action, with \
        the same actions and conditions as the role's statement on the key (`kms:ViaService`, \
        and `kms:CallerAccount` for Amazon Q Business), the role as `Principal` and \
        `\"Resource\": \"*\"` (in a key policy, the key itself).\n\n\
        **Merge, do not replace.** A key policy is the whole access control of a key: a \
        document that held only these statements would remove every other grant, including \
        your account's, and could lock you out of the key. So mmpolicy writes the statements \
        as a list to merge into the key's existing policy (`mmpolicy merge`); for a new key, \
        `--whole-document` gives a whole key policy that starts with AWS's default statement, \
        `Enable IAM User Permissions`. KMS refuses a key policy naming a role that does not exist yet: create the role \
        first.";
    const SOURCE: &'static str = "AWS KMS Developer Guide, *Key policies in AWS KMS* (\"Unless the key policy explicitly allows it, you cannot use IAM policies to allow access to a KMS key\") and *Default key policy* (\"Allows access to the AWS account and enables IAM policies\"); AWS, *Permission policies for Mail Manager* (current version), \"Deliver to Amazon Q Business\" and \"Publish to Amazon SNS\", whose KMS statements are written as key-policy statements.";
    const CORRECTIONS: &'static [&'static str] = &[
        "The page's KMS statements for Amazon Q Business and SNS have no `Principal`, which KMS rejects in a key policy: the principal is the rule set's role.",
        "`kms:ViaService` names the service of the action in the key's region (`s3`, `qbusiness`, `sns`); the page's SNS statement says `qbusiness`.",
    ];

    fn example() -> KeyPolicyParams {
        KeyPolicyParams {
            role_arn: example::parse("arn:aws:iam::111122223333:role/MailManagerRuleSetRole"),
            kms_key_arn: example_key(),
            used_by: vec![KeyUse::DeliverToQBusiness, KeyUse::PublishToSns],
        }
    }

    fn render(p: &KeyPolicyParams) -> Result<PolicyDocument, InvalidValue> {
        let key = &p.kms_key_arn;
        let role = &p.role_arn;
        if role.kind() != PrincipalKind::Role {
            return Err(InvalidValue::new(
                "role_arn",
                role.as_str(),
                "SES assumes a role to run rule actions: give the ARN of the rule set's IAM role, not a user",
            ));
        }
        if role.partition() != key.partition() {
            return Err(InvalidValue::new(
                "role_arn",
                role.as_str(),
                format!(
                    "the role is in partition `{}` but the key in `{}`: name a role of the key's partition",
                    role.partition(),
                    key.partition()
                ),
            ));
        }
        if p.used_by.is_empty() {
            return Err(InvalidValue::new(
                "used_by",
                "[]",
                "name at least one rule action that uses the key: `write-to-s3`, `deliver-to-q-business` or `publish-to-sns`",
            ));
        }
        let mut statements = Vec::new();
        for (i, used) in p.used_by.iter().enumerate() {
            if p.used_by[..i].contains(used) {
                return Err(InvalidValue::new(
                    "used_by",
                    used.as_str(),
                    "name each rule action once",
                ));
            }
            let role_statement = Statement::allow()
                .principal(Principal::aws(role.as_str().to_owned()))
                .resources(["*"]);
            statements.push(match used {
                KeyUse::WriteToS3 => role_statement
                    .sid("RuleSetRoleWritesToS3WithKey")
                    .actions(S3_KEY_ACTIONS)
                    .condition(
                        "StringEquals",
                        "kms:ViaService",
                        [key.region().service_endpoint("s3")],
                    ),
                KeyUse::DeliverToQBusiness => role_statement
                    .sid("RuleSetRoleDeliversToQBusinessWithKey")
                    .actions(Q_BUSINESS_KEY_ACTIONS)
                    .condition(
                        "StringEquals",
                        "kms:ViaService",
                        [key.region().service_endpoint("qbusiness")],
                    )
                    .condition(
                        "StringEquals",
                        "kms:CallerAccount",
                        [role.account().as_str().to_owned()],
                    ),
                KeyUse::PublishToSns => role_statement
                    .sid("RuleSetRolePublishesToSnsWithKey")
                    .actions(SNS_KEY_ACTIONS)
                    .condition(
                        "StringEquals",
                        "kms:ViaService",
                        [key.region().service_endpoint("sns")],
                    ),
            });
        }
        Ok(PolicyDocument::new(statements))
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
        Self::render(p)?;
        let key = &p.kms_key_arn;
        let role = &p.role_arn;
        let mut out = Vec::new();
        for used in &p.used_by {
            let (actions, service, why) = match used {
                KeyUse::WriteToS3 => (
                    S3_KEY_ACTIONS,
                    "s3",
                    "write messages to the encrypted bucket",
                ),
                KeyUse::DeliverToQBusiness => (
                    Q_BUSINESS_KEY_ACTIONS,
                    "qbusiness",
                    "deliver messages to the encrypted application",
                ),
                KeyUse::PublishToSns => (SNS_KEY_ACTIONS, "sns", "publish to the encrypted topic"),
            };
            for request in key_requests(actions, key, service, why) {
                let request = request.by_arn(role.as_str());
                out.push(match used {
                    KeyUse::DeliverToQBusiness => {
                        request.with("kms:CallerAccount", &[role.account().as_str()])
                    }
                    KeyUse::WriteToS3 | KeyUse::PublishToSns => request,
                });
            }
        }
        out.push(
            ExpectedRequest::deny(
                "another role",
                "kms:Decrypt",
                key.as_str(),
                "a principal the key policy does not name",
            )
            .by_arn(format!(
                "arn:{}:iam::{}:role/SomeoneElse",
                role.partition().as_str(),
                role.account().as_str()
            ))
            .with("kms:ViaService", &[&key.region().service_endpoint("s3")]),
        );
        Ok(out)
    }
}
