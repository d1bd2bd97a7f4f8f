//! mmpolicy feature crate: the **rule set execution role**, the IAM role SES assumes to run
//! the actions of a Mail Manager rule set.
//!
//! - `rule-actions.trust-policy`: the role's trust policy, letting SES assume it for your rule
//!   set only (`aws:SourceAccount`, `aws:SourceArn`);
//! - one identity policy per rule action that reaches another service: `write-to-s3`,
//!   `deliver-to-mailbox`, `send-to-internet`, `deliver-to-q-business`, `publish-to-sns` and
//!   `invoke-lambda`.
//!
//! In the deployment bundle (`[rule-actions]`), the actions of one rule set share one role:
//! its trust policy, and one permission policy merging every action's statements.

use mmpolicy_core::arns::{SES_SERVICE_PRINCIPAL, s3_arn, ses_arn};
use mmpolicy_core::section::{BundleCommon, PlannedPolicy, Section, TableOrList};
use mmpolicy_core::types::{
    AccountId, BucketName, KeyPrefixScope, KmsKeyArn, Partition, PrincipalArn, PrincipalKind,
    Region, RuleSetId, Scope, SesIdentity, example, resolve_partition,
};
use mmpolicy_core::{
    InvalidValue, PolicyDocument, PolicyKind, Principal, Provider, Statement, register_provider,
    register_section,
};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

pub mod types;

pub use types::{
    ConfigurationSetName, KmsKeyAlias, LambdaFunctionArn, QBusinessApplicationId, QBusinessIndexId,
    SnsTopicArn, WorkMailOrganizationId,
};

/// The feature name of this crate's providers.
pub const FEATURE: &str = "rule-actions";

/// The file of the merged permission policy of the rule set's role, in a bundle.
pub const ROLE_POLICY_FILE: &str = "rule-actions.role-policy.json";

/// The KMS actions a role needs to publish to an encrypted SNS topic or deliver to an
/// encrypted Amazon Q Business application.
const ENCRYPT_ACTIONS: &[&str] = &["kms:Decrypt", "kms:GenerateDataKey*"];

/// Generating the data keys of SSE-KMS for the objects the Write to S3 action writes.
const WRITE_TO_S3_KEY_ACTIONS: &[&str] = &["kms:GenerateDataKey*"];

/// The account, region and optional partition that most rule-action policies take.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Place {
    partition: Partition,
    region: Region,
    account: AccountId,
}

impl Place {
    fn new(
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

    /// `arn:<partition>:<service>:<region>:<account>:<resource>`.
    fn arn(&self, service: &str, resource: &str) -> String {
        format!(
            "arn:{}:{service}:{}:{}:{resource}",
            self.partition, self.region, self.account
        )
    }
}

/// Refuses a KMS key that is not in `region`, where the service using it runs.
fn key_in_region(key: &KmsKeyArn, region: Region, what: &str) -> Result<(), InvalidValue> {
    if key.region() == region {
        return Ok(());
    }
    Err(InvalidValue::new(
        "kms_key_arn",
        key.as_str(),
        format!("the key must be in the region of the {what} (`{region}`)"),
    ))
}

fn example_key() -> KmsKeyArn {
    example::parse("arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab")
}

// ---------------------------------------------------------------------------------------------
// Trust policy

/// Parameters of `rule-actions.trust-policy`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TrustParams {
    /// The account that owns the rule set.
    pub account_id: AccountId,
    /// The region of the rule set.
    pub region: Region,
    /// The partition; it follows from the region, so give it only to double-check.
    #[serde(
        default,
        deserialize_with = "mmpolicy_core::types::optional",
        skip_serializing_if = "Option::is_none"
    )]
    pub partition: Option<Partition>,
    /// The rule set allowed to use the role, or `*` for every rule set of the account in the
    /// region (`mailmanager-rule-set/*`, an explicit wildcard).
    pub rule_set_id: Scope<RuleSetId>,
}

/// `rule-actions.trust-policy`: the trust policy of the rule set's execution role.
#[derive(Debug, Clone, Copy, Default)]
pub struct TrustPolicy;

impl Provider for TrustPolicy {
    type Params = TrustParams;
    const ID: &'static str = "rule-actions.trust-policy";
    const FEATURE: &'static str = FEATURE;
    const KIND: PolicyKind = PolicyKind::Trust;
    const TITLE: &'static str = "Trust policy of a rule set's execution role";
    const DESCRIPTION: &'static str = "Set as the trust policy of the IAM role that a Mail \
        Manager rule set uses to run its actions (write to S3, deliver to a mailbox, send to the \
        internet, deliver to Amazon Q Business, publish to SNS, invoke Lambda). SES assumes the \
        role only for your rule set: `aws:SourceAccount` and `aws:SourceArn` stop another \
        account's rule set from using it (the confused-deputy problem). Attach the permission \
        policies of the actions the rule set uses to the same role.";
    const SOURCE: &'static str = "AWS, *Permission policies for Mail Manager*, \"Permission and trust polices to execute rule actions\".";
    const CORRECTIONS: &'static [&'static str] = &[
        "`aws:SourceArn` names the one rule set `rule_set_id` gives, instead of every rule set of the account (which `rule_set_id = \"*\"` asks for explicitly).",
        "One account id everywhere: the page's placeholders mix accounts between sections.",
    ];

    fn example() -> TrustParams {
        TrustParams {
            account_id: example::account_id(),
            region: example::region(),
            partition: None,
            rule_set_id: Scope::One(example::parse("rs-4k7m2p9q1s3u5w7y0a2c4e6g8i")),
        }
    }

    fn render(p: &TrustParams) -> Result<PolicyDocument, InvalidValue> {
        let partition = resolve_partition(p.region, p.partition)?;
        let source = ses_arn(
            partition,
            p.region,
            p.account_id,
            "mailmanager-rule-set",
            p.rule_set_id.arn_suffix(),
        );
        Ok(PolicyDocument::new(vec![
            Statement::allow()
                .sid("AllowMailManagerRuleSetToAssumeRole")
                .principal(Principal::service(SES_SERVICE_PRINCIPAL))
                .actions(&["sts:AssumeRole"])
                .source_conditions(p.account_id, source),
        ]))
    }
}

// ---------------------------------------------------------------------------------------------
// Write to S3

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
        generate data keys with it, through S3 only (`kms:ViaService`). With a `key_prefix`, \
        the role may list only that folder of the bucket.";
    const SOURCE: &'static str = "AWS, *Permission policies for Mail Manager*, \"Permission policy for Write to S3 rule action\".";
    const CORRECTIONS: &'static [&'static str] = &[
        "A key alias never goes in an IAM `Resource` (an alias ARN matches nothing there): a key given by alias is written as `key/*` narrowed by `ForAnyValue:StringEquals` on `kms:ResourceAliases`, as the page does; a key given by ARN names that key.",
        "The object statement can be limited to the folder the action writes to (`key_prefix`).",
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
        let kms = match (&p.kms_key_arn, &p.kms_key_alias) {
            (Some(arn), Some(_)) => {
                return Err(InvalidValue::new(
                    "kms_key_alias",
                    p.kms_key_alias.as_ref().map_or("", KmsKeyAlias::as_str),
                    format!(
                        "give the key once: `kms_key_arn` (`{arn}`) or `kms_key_alias`, not both"
                    ),
                ));
            }
            (Some(arn), None) => {
                if let Some(account) = p.account_id {
                    return Err(InvalidValue::new(
                        "account_id",
                        account.as_str(),
                        "`account_id` and `region` only go with `kms_key_alias`: the key ARN already names them",
                    ));
                }
                if let Some(region) = p.region {
                    return Err(InvalidValue::new(
                        "region",
                        region.as_str(),
                        "`account_id` and `region` only go with `kms_key_alias`: the key ARN already names them",
                    ));
                }
                Some((
                    arn.partition(),
                    Statement::allow()
                        .sid("WriteToS3EncryptWithKey")
                        .actions(WRITE_TO_S3_KEY_ACTIONS)
                        .resources([arn.as_str().to_owned()])
                        .condition(
                            "StringEquals",
                            "kms:ViaService",
                            [arn.region().service_endpoint("s3")],
                        ),
                ))
            }
            (None, Some(alias)) => {
                let (Some(account), Some(region)) = (p.account_id, p.region) else {
                    return Err(InvalidValue::new(
                        "kms_key_alias",
                        alias.as_str(),
                        "a key given by alias needs `account_id` and `region` (the key's) to be named in the policy",
                    ));
                };
                let place = Place::new(account, region, None)?;
                Some((
                    place.partition,
                    Statement::allow()
                        .sid("WriteToS3EncryptWithKeyAlias")
                        .actions(WRITE_TO_S3_KEY_ACTIONS)
                        .resources([place.arn("kms", "key/*")])
                        .condition_list(
                            "ForAnyValue:StringEquals",
                            "kms:ResourceAliases",
                            [alias.as_str().to_owned()],
                        )
                        .condition(
                            "StringEquals",
                            "kms:ViaService",
                            [region.service_endpoint("s3")],
                        ),
                ))
            }
            (None, None) => {
                if let Some(account) = p.account_id {
                    return Err(InvalidValue::new(
                        "account_id",
                        account.as_str(),
                        "`account_id` and `region` only go with `kms_key_alias`",
                    ));
                }
                if let Some(region) = p.region {
                    return Err(InvalidValue::new(
                        "region",
                        region.as_str(),
                        "`account_id` and `region` only go with `kms_key_alias`",
                    ));
                }
                None
            }
        };
        let partition = match (p.partition, kms.as_ref().map(|k| k.0)) {
            (Some(given), Some(key)) if given != key => {
                return Err(InvalidValue::new(
                    "partition",
                    given.as_str(),
                    format!(
                        "the key is in partition `{key}`; leave `partition` out or make it match"
                    ),
                ));
            }
            (Some(given), _) => given,
            (None, Some(key)) => key,
            (None, None) => Partition::Aws,
        };
        let objects = p.key_prefix.objects_in(&p.bucket);
        let mut statements = vec![
            Statement::allow()
                .sid("WriteToS3PutObject")
                .actions(&["s3:PutObject"])
                .resources([s3_arn(partition, &objects)]),
            // Not narrowed with `s3:prefix`: `s3:ListBucket` also authorizes `HeadBucket`,
            // which carries no prefix, and AWS does not say which of them SES makes.
            Statement::allow()
                .sid("WriteToS3ListBucket")
                .actions(&["s3:ListBucket"])
                .resources([s3_arn(partition, p.bucket.as_str())]),
        ];
        if let Some((_, st)) = kms {
            statements.push(st);
        }
        Ok(PolicyDocument::new(statements))
    }
}

// ---------------------------------------------------------------------------------------------
// Deliver to mailbox

/// Parameters of `rule-actions.deliver-to-mailbox`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DeliverToMailboxParams {
    /// The account of the WorkMail organization.
    pub account_id: AccountId,
    /// The region of the WorkMail organization.
    pub region: Region,
    /// The partition; it follows from the region, so give it only to double-check.
    #[serde(
        default,
        deserialize_with = "mmpolicy_core::types::optional",
        skip_serializing_if = "Option::is_none"
    )]
    pub partition: Option<Partition>,
    /// The WorkMail organization whose mailboxes receive the messages.
    pub workmail_organization_id: WorkMailOrganizationId,
}

/// `rule-actions.deliver-to-mailbox`: what the Deliver to mailbox action needs.
#[derive(Debug, Clone, Copy, Default)]
pub struct DeliverToMailbox;

impl Provider for DeliverToMailbox {
    type Params = DeliverToMailboxParams;
    const ID: &'static str = "rule-actions.deliver-to-mailbox";
    const FEATURE: &'static str = FEATURE;
    const KIND: PolicyKind = PolicyKind::Identity;
    const TITLE: &'static str = "Permission policy for the Deliver to mailbox rule action";
    const DESCRIPTION: &'static str = "Attach to the rule set's execution role when a rule \
        delivers messages to Amazon WorkMail mailboxes: it allows \
        `workmail:DeliverToMailbox` into the one organization.";
    const SOURCE: &'static str = "AWS, *Permission policies for Mail Manager*, \"Permission policy for Deliver to mailbox rule action\".";
    const CORRECTIONS: &'static [&'static str] = &[
        "The organization ARN carries no stray `>` (the page's `organization/MyWorkMailOrganizationID>`), and the id is validated (`m-` and 32 hexadecimal digits).",
    ];

    fn example() -> DeliverToMailboxParams {
        DeliverToMailboxParams {
            account_id: example::account_id(),
            region: example::region(),
            partition: None,
            workmail_organization_id: example::parse("m-0123456789abcdef0123456789abcdef"),
        }
    }

    fn render(p: &DeliverToMailboxParams) -> Result<PolicyDocument, InvalidValue> {
        let place = Place::new(p.account_id, p.region, p.partition)?;
        Ok(PolicyDocument::new(vec![
            Statement::allow()
                .sid("DeliverToMailbox")
                .actions(&["workmail:DeliverToMailbox"])
                .resources([place.arn(
                    "workmail",
                    &format!("organization/{}", p.workmail_organization_id),
                )]),
        ]))
    }
}

// ---------------------------------------------------------------------------------------------
// Send to internet

/// Parameters of `rule-actions.send-to-internet`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SendToInternetParams {
    /// The account of the sending identity.
    pub account_id: AccountId,
    /// The region of the sending identity.
    pub region: Region,
    /// The partition; it follows from the region, so give it only to double-check.
    #[serde(
        default,
        deserialize_with = "mmpolicy_core::types::optional",
        skip_serializing_if = "Option::is_none"
    )]
    pub partition: Option<Partition>,
    /// The verified SES identity (domain or address) the messages are sent from.
    pub sending_identity: SesIdentity,
    /// The SES configuration set used when sending, if any: the role may then use it too.
    #[serde(
        default,
        deserialize_with = "mmpolicy_core::types::optional",
        skip_serializing_if = "Option::is_none"
    )]
    pub configuration_set: Option<ConfigurationSetName>,
}

/// `rule-actions.send-to-internet`: what the Send to internet action needs.
#[derive(Debug, Clone, Copy, Default)]
pub struct SendToInternet;

impl Provider for SendToInternet {
    type Params = SendToInternetParams;
    const ID: &'static str = "rule-actions.send-to-internet";
    const FEATURE: &'static str = FEATURE;
    const KIND: PolicyKind = PolicyKind::Identity;
    const TITLE: &'static str = "Permission policy for the Send to internet rule action";
    const DESCRIPTION: &'static str = "Attach to the rule set's execution role when a rule \
        sends messages on to the internet: it allows `ses:SendEmail` and `ses:SendRawEmail` \
        from the one verified identity, and with the configuration set when one is given.";
    const SOURCE: &'static str = "AWS, *Permission policies for Mail Manager*, \"Permission policy for Send to internet rule action\"; resource types from the Service Authorization Reference for Amazon SES (`SendEmail` and `SendRawEmail` accept `identity` and `configuration-set`).";
    const CORRECTIONS: &'static [&'static str] = &[
        "With a configuration set, its ARN is added to `Resource`: SES authorizes the send against the configuration set too.",
    ];

    fn example() -> SendToInternetParams {
        SendToInternetParams {
            account_id: example::account_id(),
            region: example::region(),
            partition: None,
            sending_identity: example::parse("example.com"),
            configuration_set: Some(example::parse("outbound-tracking")),
        }
    }

    fn render(p: &SendToInternetParams) -> Result<PolicyDocument, InvalidValue> {
        let partition = resolve_partition(p.region, p.partition)?;
        let mut resources = vec![ses_arn(
            partition,
            p.region,
            p.account_id,
            "identity",
            p.sending_identity.as_str(),
        )];
        if let Some(set) = &p.configuration_set {
            resources.push(ses_arn(
                partition,
                p.region,
                p.account_id,
                "configuration-set",
                set.as_str(),
            ));
        }
        Ok(PolicyDocument::new(vec![
            Statement::allow()
                .sid("SendToInternet")
                .actions(&["ses:SendEmail", "ses:SendRawEmail"])
                .resources(resources),
        ]))
    }
}

// ---------------------------------------------------------------------------------------------
// Deliver to Amazon Q Business

/// Parameters of `rule-actions.deliver-to-q-business`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DeliverToQBusinessParams {
    /// The account of the Amazon Q Business application.
    pub account_id: AccountId,
    /// The region of the Amazon Q Business application.
    pub region: Region,
    /// The partition; it follows from the region, so give it only to double-check.
    #[serde(
        default,
        deserialize_with = "mmpolicy_core::types::optional",
        skip_serializing_if = "Option::is_none"
    )]
    pub partition: Option<Partition>,
    /// The Amazon Q Business application that receives the messages.
    pub application_id: QBusinessApplicationId,
    /// The index of the application the messages are stored in.
    pub index_id: QBusinessIndexId,
    /// The customer managed KMS key of the application, if it uses one (in the same region).
    #[serde(
        default,
        deserialize_with = "mmpolicy_core::types::optional",
        skip_serializing_if = "Option::is_none"
    )]
    pub kms_key_arn: Option<KmsKeyArn>,
}

/// `rule-actions.deliver-to-q-business`: what the Deliver to Amazon Q Business action needs.
#[derive(Debug, Clone, Copy, Default)]
pub struct DeliverToQBusiness;

impl Provider for DeliverToQBusiness {
    type Params = DeliverToQBusinessParams;
    const ID: &'static str = "rule-actions.deliver-to-q-business";
    const FEATURE: &'static str = FEATURE;
    const KIND: PolicyKind = PolicyKind::Identity;
    const TITLE: &'static str =
        "Permission policy for the Deliver to Amazon Q Business rule action";
    const DESCRIPTION: &'static str = "Attach to the rule set's execution role when a rule \
        delivers messages to an Amazon Q Business application: it allows \
        `qbusiness:BatchPutDocument` on the application and its index, and, when the \
        application is encrypted with a customer managed key, using the key through Amazon Q \
        Business only (`kms:ViaService`).\n\n\
        Newer than the reference page this project follows: its facts come from AWS's current \
        version of the page and the Mail Manager API reference (`DeliverToQBusinessAction`: \
        the role \"must have access to the qbusiness:BatchPutDocument API for the given \
        application and index\").";
    const SOURCE: &'static str = "AWS, *Permission policies for Mail Manager* (current version), \"Deliver to Amazon Q Business\"; Mail Manager API reference, `DeliverToQBusinessAction`; Service Authorization Reference for Amazon Q Business (`BatchPutDocument` requires the `application` and `index` resource types).";
    const CORRECTIONS: &'static [&'static str] = &[
        "The page's KMS statement is written as a key-policy statement without a `Principal` and on `key/*`: KMS rejects a key-policy statement without a principal. It is emitted here as a statement of the role's identity policy, on the one key, with `kms:ViaService` = `qbusiness.<region>.amazonaws.com`.",
        "`Resource` names both the application and its index, the two resource types `BatchPutDocument` requires.",
    ];

    fn example() -> DeliverToQBusinessParams {
        DeliverToQBusinessParams {
            account_id: example::account_id(),
            region: example::region(),
            partition: None,
            application_id: example::parse("a1b2c3d4-5678-90ab-cdef-111122223333"),
            index_id: example::parse("b2c3d4e5-6789-01ab-cdef-111122223333"),
            kms_key_arn: Some(example_key()),
        }
    }

    fn render(p: &DeliverToQBusinessParams) -> Result<PolicyDocument, InvalidValue> {
        let place = Place::new(p.account_id, p.region, p.partition)?;
        let application = format!("application/{}", p.application_id);
        let mut statements = vec![
            Statement::allow()
                .sid("DeliverToQBusiness")
                .actions(&["qbusiness:BatchPutDocument"])
                .resources([
                    place.arn("qbusiness", &application),
                    place.arn("qbusiness", &format!("{application}/index/{}", p.index_id)),
                ]),
        ];
        if let Some(key) = &p.kms_key_arn {
            key_in_region(key, p.region, "Amazon Q Business application")?;
            statements.push(
                Statement::allow()
                    .sid("DeliverToQBusinessUseKey")
                    .actions(ENCRYPT_ACTIONS)
                    .resources([key.as_str().to_owned()])
                    .condition(
                        "StringEquals",
                        "kms:ViaService",
                        [p.region.service_endpoint("qbusiness")],
                    ),
            );
        }
        Ok(PolicyDocument::new(statements))
    }
}

// ---------------------------------------------------------------------------------------------
// Publish to SNS

/// Parameters of `rule-actions.publish-to-sns`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PublishToSnsParams {
    /// The SNS topic the messages are published to.
    pub topic_arn: SnsTopicArn,
    /// The customer managed KMS key of the topic's server-side encryption, if any (in the
    /// topic's region).
    #[serde(
        default,
        deserialize_with = "mmpolicy_core::types::optional",
        skip_serializing_if = "Option::is_none"
    )]
    pub kms_key_arn: Option<KmsKeyArn>,
}

/// `rule-actions.publish-to-sns`: what the Publish to SNS action needs.
#[derive(Debug, Clone, Copy, Default)]
pub struct PublishToSns;

impl Provider for PublishToSns {
    type Params = PublishToSnsParams;
    const ID: &'static str = "rule-actions.publish-to-sns";
    const FEATURE: &'static str = FEATURE;
    const KIND: PolicyKind = PolicyKind::Identity;
    const TITLE: &'static str = "Permission policy for the Publish to SNS rule action";
    const DESCRIPTION: &'static str = "Attach to the rule set's execution role when a rule \
        publishes messages to an SNS topic: it allows `sns:Publish` on the one topic and, when \
        the topic is encrypted with a customer managed key, using the key through SNS only \
        (`kms:ViaService`).\n\n\
        Newer than the reference page this project follows: its facts come from AWS's current \
        version of the page and the Mail Manager API reference (`SnsAction`).";
    const SOURCE: &'static str = "AWS, *Permission policies for Mail Manager* (current version), \"Publish to Amazon SNS\"; Mail Manager API reference, `SnsAction`; Amazon SNS Developer Guide, encryption at rest (publishers need `kms:GenerateDataKey*` and `kms:Decrypt`).";
    const CORRECTIONS: &'static [&'static str] = &[
        "The page's KMS statement is written as a key-policy statement without a `Principal` and on `key/*`: KMS rejects a key-policy statement without a principal. It is emitted here as a statement of the role's identity policy, on the one key.",
        "`kms:ViaService` is `sns.<region>.amazonaws.com`: the page's SNS statement says `qbusiness`.",
    ];

    fn example() -> PublishToSnsParams {
        PublishToSnsParams {
            topic_arn: example::parse("arn:aws:sns:us-east-1:111122223333:inbound-mail"),
            kms_key_arn: Some(example_key()),
        }
    }

    fn render(p: &PublishToSnsParams) -> Result<PolicyDocument, InvalidValue> {
        let mut statements = vec![
            Statement::allow()
                .sid("PublishToSns")
                .actions(&["sns:Publish"])
                .resources([p.topic_arn.as_str().to_owned()]),
        ];
        if let Some(key) = &p.kms_key_arn {
            key_in_region(key, p.topic_arn.region(), "SNS topic")?;
            statements.push(
                Statement::allow()
                    .sid("PublishToSnsUseKey")
                    .actions(ENCRYPT_ACTIONS)
                    .resources([key.as_str().to_owned()])
                    .condition(
                        "StringEquals",
                        "kms:ViaService",
                        [p.topic_arn.region().service_endpoint("sns")],
                    ),
            );
        }
        Ok(PolicyDocument::new(statements))
    }
}

// ---------------------------------------------------------------------------------------------
// Invoke Lambda

/// Parameters of `rule-actions.invoke-lambda`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct InvokeLambdaParams {
    /// The Lambda function the action invokes, exactly as the rule names it (a qualified ARN
    /// allows only that version or alias).
    pub function_arn: LambdaFunctionArn,
}

/// `rule-actions.invoke-lambda`: what the Invoke Lambda action needs.
#[derive(Debug, Clone, Copy, Default)]
pub struct InvokeLambda;

impl Provider for InvokeLambda {
    type Params = InvokeLambdaParams;
    const ID: &'static str = "rule-actions.invoke-lambda";
    const FEATURE: &'static str = FEATURE;
    const KIND: PolicyKind = PolicyKind::Identity;
    const TITLE: &'static str = "Permission policy for the Invoke Lambda rule action";
    const DESCRIPTION: &'static str = "Attach to the rule set's execution role when a rule \
        invokes a Lambda function: it allows `lambda:InvokeFunction` on the one function.\n\n\
        Not on AWS's reference page: its facts come from the Mail Manager API reference, where \
        the action's role \"must be able to invoke the function\", and the Service \
        Authorization Reference for AWS Lambda.";
    const SOURCE: &'static str = "Mail Manager API reference, the Invoke Lambda rule action (its role must be able to invoke the function); Service Authorization Reference for AWS Lambda (`InvokeFunction` requires the `function` resource type).";
    const CORRECTIONS: &'static [&'static str] = &[];

    fn example() -> InvokeLambdaParams {
        InvokeLambdaParams {
            function_arn: example::parse(
                "arn:aws:lambda:us-east-1:111122223333:function:classify-inbound-mail",
            ),
        }
    }

    fn render(p: &InvokeLambdaParams) -> Result<PolicyDocument, InvalidValue> {
        Ok(PolicyDocument::new(vec![
            Statement::allow()
                .sid("InvokeLambda")
                .actions(&["lambda:InvokeFunction"])
                .resources([p.function_arn.as_str().to_owned()]),
        ]))
    }
}

register_provider!(TrustPolicy);
register_provider!(WriteToS3);
register_provider!(DeliverToMailbox);
register_provider!(SendToInternet);
register_provider!(DeliverToQBusiness);
register_provider!(PublishToSns);
register_provider!(InvokeLambda);

// ---------------------------------------------------------------------------------------------
// Bundle section

/// The `[rule-actions]` table of a deployment bundle: one rule set's execution role.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RuleActionsSectionConfig {
    /// The rule set that uses the role, or `*` to let every rule set of the account in the
    /// region use it (an explicit wildcard).
    pub rule_set_id: Scope<RuleSetId>,
    /// The execution role's ARN, if you know it already: the index names it as the place to
    /// attach the policies.
    #[serde(default, deserialize_with = "mmpolicy_core::types::optional")]
    pub role_arn: Option<PrincipalArn>,
    /// The Write to S3 action (a list of tables for several buckets).
    #[serde(default, rename = "write-to-s3")]
    pub write_to_s3: Option<TableOrList<WriteToS3Config>>,
    /// The Deliver to mailbox action (a list of tables for several organizations).
    #[serde(
        default,
        rename = "deliver-to-mailbox",
        deserialize_with = "mmpolicy_core::types::optional"
    )]
    pub deliver_to_mailbox: Option<TableOrList<DeliverToMailboxConfig>>,
    /// The Send to internet action (a list of tables for several identities).
    #[serde(
        default,
        rename = "send-to-internet",
        deserialize_with = "mmpolicy_core::types::optional"
    )]
    pub send_to_internet: Option<TableOrList<SendToInternetConfig>>,
    /// The Deliver to Amazon Q Business action (a list of tables for several applications).
    #[serde(
        default,
        rename = "deliver-to-q-business",
        deserialize_with = "mmpolicy_core::types::optional"
    )]
    pub deliver_to_q_business: Option<TableOrList<DeliverToQBusinessConfig>>,
    /// The Publish to SNS action (a list of tables for several topics).
    #[serde(
        default,
        rename = "publish-to-sns",
        deserialize_with = "mmpolicy_core::types::optional"
    )]
    pub publish_to_sns: Option<TableOrList<PublishToSnsParams>>,
    /// The Invoke Lambda action (a list of tables for several functions).
    #[serde(
        default,
        rename = "invoke-lambda",
        deserialize_with = "mmpolicy_core::types::optional"
    )]
    pub invoke_lambda: Option<TableOrList<InvokeLambdaParams>>,
}

/// `[rule-actions.write-to-s3]`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(extend("not" = {"required": ["kms_key_arn", "kms_key_alias"]}))]
pub struct WriteToS3Config {
    /// The S3 bucket that received messages are written to.
    pub bucket: BucketName,
    /// The folder the action writes to, or `*` for the whole bucket (an explicit wildcard).
    pub key_prefix: KeyPrefixScope,
    /// The bucket's SSE-KMS customer managed key, by ARN (or give `kms_key_alias`).
    #[serde(default, deserialize_with = "mmpolicy_core::types::optional")]
    pub kms_key_arn: Option<KmsKeyArn>,
    /// The bucket's SSE-KMS customer managed key, by alias, in the deployment's account and
    /// region.
    #[serde(default, deserialize_with = "mmpolicy_core::types::optional")]
    pub kms_key_alias: Option<KmsKeyAlias>,
}

/// `[rule-actions.deliver-to-mailbox]`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DeliverToMailboxConfig {
    /// The WorkMail organization whose mailboxes receive the messages.
    pub workmail_organization_id: WorkMailOrganizationId,
}

/// `[rule-actions.send-to-internet]`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SendToInternetConfig {
    /// The verified SES identity (domain or address) the messages are sent from.
    pub sending_identity: SesIdentity,
    /// The SES configuration set used when sending, if any.
    #[serde(default, deserialize_with = "mmpolicy_core::types::optional")]
    pub configuration_set: Option<ConfigurationSetName>,
}

/// `[rule-actions.deliver-to-q-business]`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DeliverToQBusinessConfig {
    /// The Amazon Q Business application that receives the messages.
    pub application_id: QBusinessApplicationId,
    /// The index of the application the messages are stored in.
    pub index_id: QBusinessIndexId,
    /// The application's customer managed KMS key, if it uses one.
    #[serde(default, deserialize_with = "mmpolicy_core::types::optional")]
    pub kms_key_arn: Option<KmsKeyArn>,
}

/// The rule set execution role part of a deployment bundle.
#[derive(Debug, Clone, Copy, Default)]
pub struct RuleActionsSection;

impl Section for RuleActionsSection {
    type Config = RuleActionsSectionConfig;
    const NAME: &'static str = FEATURE;
    const DESCRIPTION: &'static str = "The execution role of one rule set: its trust policy, \
        and one permission policy merging the statements of every rule action configured \
        below it (`[rule-actions.write-to-s3]`, `[rule-actions.deliver-to-mailbox]`, \
        `[rule-actions.send-to-internet]`, `[rule-actions.deliver-to-q-business]`, \
        `[rule-actions.publish-to-sns]`, `[rule-actions.invoke-lambda]`): a table per action, \
        or an array of tables (`[[rule-actions.publish-to-sns]]`) for several of a kind.";

    fn plan(
        common: &BundleCommon,
        c: &RuleActionsSectionConfig,
    ) -> Result<Vec<PlannedPolicy>, InvalidValue> {
        let role = match &c.role_arn {
            Some(arn) if arn.kind() != PrincipalKind::Role => {
                return Err(InvalidValue::new(
                    "role_arn",
                    arn.as_str(),
                    "SES assumes a role to run rule actions: give the ARN of an IAM role, not a user",
                ));
            }
            Some(arn) => {
                let name = arn.as_str().rsplit('/').next().unwrap_or(arn.as_str());
                format!("IAM role `{name}` ({arn})")
            }
            None => "the rule set's execution role (the IAM role SES assumes to run rule actions)"
                .to_owned(),
        };
        let (account_id, region, partition) =
            (common.account_id, common.region, Some(common.partition));
        let mut actions = Vec::new();
        for (table, a) in c.write_to_s3.iter().flat_map(|l| l.named("write-to-s3")) {
            let with_alias = a.kms_key_alias.is_some();
            actions.push(
                PlannedPolicy::render::<WriteToS3>(
                    &WriteToS3Params {
                        bucket: a.bucket.clone(),
                        key_prefix: a.key_prefix.clone(),
                        kms_key_arn: a.kms_key_arn.clone(),
                        kms_key_alias: a.kms_key_alias.clone(),
                        account_id: with_alias.then_some(account_id),
                        region: with_alias.then_some(region),
                        partition,
                    },
                    "",
                )
                .map_err(|e| prefixed(&table, e))?,
            );
        }
        for (table, a) in c
            .deliver_to_mailbox
            .iter()
            .flat_map(|l| l.named("deliver-to-mailbox"))
        {
            actions.push(
                PlannedPolicy::render::<DeliverToMailbox>(
                    &DeliverToMailboxParams {
                        account_id,
                        region,
                        partition,
                        workmail_organization_id: a.workmail_organization_id.clone(),
                    },
                    "",
                )
                .map_err(|e| prefixed(&table, e))?,
            );
        }
        for (table, a) in c
            .send_to_internet
            .iter()
            .flat_map(|l| l.named("send-to-internet"))
        {
            actions.push(
                PlannedPolicy::render::<SendToInternet>(
                    &SendToInternetParams {
                        account_id,
                        region,
                        partition,
                        sending_identity: a.sending_identity.clone(),
                        configuration_set: a.configuration_set.clone(),
                    },
                    "",
                )
                .map_err(|e| prefixed(&table, e))?,
            );
        }
        for (table, a) in c
            .deliver_to_q_business
            .iter()
            .flat_map(|l| l.named("deliver-to-q-business"))
        {
            actions.push(
                PlannedPolicy::render::<DeliverToQBusiness>(
                    &DeliverToQBusinessParams {
                        account_id,
                        region,
                        partition,
                        application_id: a.application_id.clone(),
                        index_id: a.index_id.clone(),
                        kms_key_arn: a.kms_key_arn.clone(),
                    },
                    "",
                )
                .map_err(|e| prefixed(&table, e))?,
            );
        }
        for (table, a) in c
            .publish_to_sns
            .iter()
            .flat_map(|l| l.named("publish-to-sns"))
        {
            actions.push(
                PlannedPolicy::render::<PublishToSns>(a, "").map_err(|e| prefixed(&table, e))?,
            );
        }
        for (table, a) in c
            .invoke_lambda
            .iter()
            .flat_map(|l| l.named("invoke-lambda"))
        {
            actions.push(
                PlannedPolicy::render::<InvokeLambda>(a, "").map_err(|e| prefixed(&table, e))?,
            );
        }
        if actions.is_empty() {
            return Err(InvalidValue::new(
                "",
                "",
                "names no action that needs the execution role: add at least one of `[rule-actions.write-to-s3]`, `[rule-actions.deliver-to-mailbox]`, `[rule-actions.send-to-internet]`, `[rule-actions.deliver-to-q-business]`, `[rule-actions.publish-to-sns]`, `[rule-actions.invoke-lambda]`",
            ));
        }
        let trust = PlannedPolicy::render::<TrustPolicy>(
            &TrustParams {
                account_id,
                region,
                partition,
                rule_set_id: c.rule_set_id.clone(),
            },
            format!("{role}, as its trust policy"),
        )?;
        // Every action's policy goes to the role's one permission policy: the bundle merges
        // the policies a section plans under one file.
        let attach_to = format!("{role}, as a permission policy");
        let mut planned = vec![trust];
        planned.extend(actions.into_iter().map(|a| PlannedPolicy {
            attach_to: attach_to.clone(),
            ..a.in_file(ROLE_POLICY_FILE)
        }));
        Ok(planned)
    }
}

/// Puts a rule action's field under its table: `write-to-s3.kms_key_arn`, or
/// `publish-to-sns[1].kms_key_arn` for the second of an array of tables.
fn prefixed(table: &str, e: InvalidValue) -> InvalidValue {
    let field = format!("{table}.{}", e.field);
    e.with_field(field)
}

register_section!(RuleActionsSection);
