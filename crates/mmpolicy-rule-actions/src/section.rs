//! The `[rule-actions]` section of the deployment file: one rule set's execution role, its trust policy and one permission policy holding every action's statements.

use crate::FEATURE;
use crate::types::*;
use crate::{
    Bounce, BounceParams, DeliverToMailbox, DeliverToMailboxParams, DeliverToQBusiness,
    DeliverToQBusinessParams, InvokeLambda, InvokeLambdaParams, KeyPolicy, KeyPolicyParams, KeyUse,
    PublishToSns, PublishToSnsParams, ROLE_POLICY_FILE, SendToInternet, SendToInternetParams,
    TrustParams, TrustPolicy, WriteToS3, WriteToS3Params,
};
use mmpolicy_core::section::{BundleCommon, PlannedPolicy, Section, TableOrList};
use mmpolicy_core::target::{RoleRef, Target};
use mmpolicy_core::types::{
    AccountId, BucketName, KeyPrefixScope, KmsKeyArn, Region, RuleSetId, Scope, SesIdentity,
};
use mmpolicy_core::types::{PrincipalArn, PrincipalKind};
use mmpolicy_core::{InvalidValue, Provider};
use schemars::JsonSchema;
use serde::Deserialize;

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
    /// The Bounce action (a list of tables for several identities).
    #[serde(
        default,
        rename = "bounce",
        deserialize_with = "mmpolicy_core::types::optional"
    )]
    pub bounce: Option<TableOrList<BounceConfig>>,
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
    /// The bucket's SSE-KMS customer managed key, by ARN (or give `kms_key_alias`); adds the
    /// role's statement to the key's policy (`rule-actions.key-policy`).
    #[serde(default, deserialize_with = "mmpolicy_core::types::optional")]
    pub kms_key_arn: Option<KmsKeyArn>,
    /// The bucket's SSE-KMS customer managed key, by alias, in the deployment's account and
    /// region (no key-policy statement is planned: the alias does not name the key's ARN).
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

/// `[rule-actions.bounce]`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct BounceConfig {
    /// The verified SES identity (domain or address) the bounce messages are sent from.
    pub sending_identity: SesIdentity,
}

/// `[rule-actions.deliver-to-q-business]`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DeliverToQBusinessConfig {
    /// The Amazon Q Business application that receives the messages.
    pub application_id: QBusinessApplicationId,
    /// The index of the application the messages are stored in.
    pub index_id: QBusinessIndexId,
    /// The application's customer managed KMS key, if it uses one, in the deployment's region;
    /// adds the role's statement to the key's policy (`rule-actions.key-policy`).
    #[serde(default, deserialize_with = "mmpolicy_core::types::optional")]
    pub kms_key_arn: Option<KmsKeyArn>,
}

/// The logical name of the rule set's execution role, which the deployment creates, in the
/// deployment formats (the CloudFormation resource, the Terraform resource).
pub const RULE_SET_ROLE: &str = "RuleSetRole";

/// The name of the rule set's execution role when the deployment does not give `role_arn`.
pub const DEFAULT_RULE_SET_ROLE_NAME: &str = "MailManagerRuleSetRole";

/// The rule set execution role part of a deployment bundle.
#[derive(Debug, Clone, Copy, Default)]
pub struct RuleActionsSection;

impl Section for RuleActionsSection {
    type Config = RuleActionsSectionConfig;
    const NAME: &'static str = FEATURE;
    const DESCRIPTION: &'static str = "The execution role of one rule set: its trust policy, \
        and one permission policy merging the statements of every rule action configured \
        below it (`[rule-actions.write-to-s3]`, `[rule-actions.deliver-to-mailbox]`, \
        `[rule-actions.send-to-internet]`, `[rule-actions.bounce]`, \
        `[rule-actions.deliver-to-q-business]`, \
        `[rule-actions.publish-to-sns]`, `[rule-actions.invoke-lambda]`): a table per action, \
        or an array of tables (`[[rule-actions.publish-to-sns]]`) for several of a kind. Each \
        customer managed key named by ARN (`kms_key_arn`) also gets the role's key-policy \
        statements (`rule-actions.key-policy`), to merge into the key's policy.";

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
        let created = RoleRef::Created {
            logical_name: RULE_SET_ROLE.to_owned(),
            role_name: c
                .role_arn
                .as_ref()
                .map_or(DEFAULT_RULE_SET_ROLE_NAME, PrincipalArn::name)
                .to_owned(),
        };
        // The role as a key policy names it: the ARN given, or the ARN of the role the
        // deployment creates under its default name.
        let role_arn = match &c.role_arn {
            Some(arn) => arn.clone(),
            None => PrincipalArn::new(&format!(
                "arn:{}:iam::{}:role/{DEFAULT_RULE_SET_ROLE_NAME}",
                common.partition, common.account_id
            ))?,
        };
        let mut keys = KeyUses::default();
        let permission = Target::RolePolicy {
            role: created.clone(),
            policy_name: format!(
                "mmpolicy.{}",
                ROLE_POLICY_FILE
                    .strip_suffix(".json")
                    .unwrap_or(ROLE_POLICY_FILE)
            ),
        };
        let (account_id, region, partition) =
            (common.account_id, common.region, Some(common.partition));
        let mut actions = Vec::new();
        for (table, a) in c.write_to_s3.iter().flat_map(|l| l.named("write-to-s3")) {
            key_in_account(a.kms_key_arn.as_ref(), account_id).map_err(|e| prefixed(&table, e))?;
            keys.add(a.kms_key_arn.as_ref(), KeyUse::WriteToS3);
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
                    permission.clone(),
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
                    permission.clone(),
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
                    permission.clone(),
                )
                .map_err(|e| prefixed(&table, e))?,
            );
        }
        for (table, a) in c.bounce.iter().flat_map(|l| l.named("bounce")) {
            actions.push(
                PlannedPolicy::render::<Bounce>(
                    &BounceParams {
                        account_id,
                        region,
                        partition,
                        sending_identity: a.sending_identity.clone(),
                    },
                    "",
                    permission.clone(),
                )
                .map_err(|e| prefixed(&table, e))?,
            );
        }
        for (table, a) in c
            .deliver_to_q_business
            .iter()
            .flat_map(|l| l.named("deliver-to-q-business"))
        {
            key_in_account(a.kms_key_arn.as_ref(), account_id)
                .and_then(|()| q_business_key_in_region(a.kms_key_arn.as_ref(), region))
                .map_err(|e| prefixed(&table, e))?;
            keys.add(a.kms_key_arn.as_ref(), KeyUse::DeliverToQBusiness);
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
                    permission.clone(),
                )
                .map_err(|e| prefixed(&table, e))?,
            );
        }
        for (table, a) in c
            .publish_to_sns
            .iter()
            .flat_map(|l| l.named("publish-to-sns"))
        {
            in_account(
                "topic_arn",
                a.topic_arn.as_str(),
                a.topic_arn.account(),
                account_id,
                "SNS topic",
                "a topic policy allowing the role `sns:Publish`",
            )
            .and_then(|()| key_in_account(a.kms_key_arn.as_ref(), account_id))
            .map_err(|e| prefixed(&table, e))?;
            keys.add(a.kms_key_arn.as_ref(), KeyUse::PublishToSns);
            actions.push(
                PlannedPolicy::render::<PublishToSns>(a, "", permission.clone())
                    .map_err(|e| prefixed(&table, e))?,
            );
        }
        for (table, a) in c
            .invoke_lambda
            .iter()
            .flat_map(|l| l.named("invoke-lambda"))
        {
            in_account(
                "function_arn",
                a.function_arn.as_str(),
                a.function_arn.account(),
                account_id,
                "Lambda function",
                "a resource-based permission for the role (`aws lambda add-permission`)",
            )
            .map_err(|e| prefixed(&table, e))?;
            actions.push(
                PlannedPolicy::render::<InvokeLambda>(a, "", permission.clone())
                    .map_err(|e| prefixed(&table, e))?,
            );
        }
        if actions.is_empty() {
            return Err(InvalidValue::new(
                "",
                "",
                "names no action that needs the execution role: add at least one of `[rule-actions.write-to-s3]`, `[rule-actions.deliver-to-mailbox]`, `[rule-actions.send-to-internet]`, `[rule-actions.bounce]`, `[rule-actions.deliver-to-q-business]`, `[rule-actions.publish-to-sns]`, `[rule-actions.invoke-lambda]`",
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
            Target::TrustPolicy { role: created },
        )?;
        // Every action's policy goes to the role's one permission policy: the bundle merges
        // the policies a section plans under one file.
        let attach_to = format!("{role}, as a permission policy");
        let mut planned = vec![trust];
        planned.extend(actions.into_iter().map(|a| PlannedPolicy {
            attach_to: attach_to.clone(),
            ..a.in_file(ROLE_POLICY_FILE)
        }));
        // One key-policy file per key, holding the statements of every action that uses it.
        let several = keys.0.len() > 1;
        for (key, used_by) in keys.0 {
            let file = if several {
                // The key id: the ARN's last segment (`key/<key id>`).
                let id = key.as_str().rsplit('/').next().unwrap_or_default();
                format!("{}.{id}.json", KeyPolicy::ID)
            } else {
                format!("{}.json", KeyPolicy::ID)
            };
            let attach_to = format!(
                "KMS key `{}`: merge these statements into its key policy",
                key.as_str()
            );
            let target = Target::KeyPolicy {
                key_arn: Some(key.as_str().to_owned()),
            };
            let params = KeyPolicyParams {
                role_arn: role_arn.clone(),
                kms_key_arn: key,
                used_by,
            };
            planned.push(
                PlannedPolicy::render::<KeyPolicy>(&params, attach_to, target)?.in_file(file),
            );
        }
        Ok(planned)
    }
}

/// The customer managed keys the actions name by ARN, in order of first mention, with the
/// actions that use each (once each).
#[derive(Default)]
struct KeyUses(Vec<(KmsKeyArn, Vec<KeyUse>)>);

impl KeyUses {
    fn add(&mut self, key: Option<&KmsKeyArn>, used: KeyUse) {
        let Some(key) = key else { return };
        match self.0.iter_mut().find(|(k, _)| k == key) {
            Some((_, uses)) if uses.contains(&used) => {}
            Some((_, uses)) => uses.push(used),
            None => self.0.push((key.clone(), vec![used])),
        }
    }
}

/// Refuses an Amazon Q Business application key outside the deployment's region: Mail Manager
/// names the application by id, so the application is in the rule set's region, and Amazon Q
/// Business uses a key of its own region only.
fn q_business_key_in_region(
    key: Option<&KmsKeyArn>,
    deployment: Region,
) -> Result<(), InvalidValue> {
    match key {
        Some(key) if key.region() != deployment => Err(InvalidValue::new(
            "kms_key_arn",
            key.as_str(),
            format!(
                "the key is in region `{}`, the deployment in `{deployment}`: Mail Manager names the Amazon Q Business application by id, so the application is in the rule set's region, and Amazon Q Business uses the key through `{}` only (`kms:ViaService`); use a key of region `{deployment}`",
                key.region(),
                deployment.service_endpoint("qbusiness")
            ),
        )),
        _ => Ok(()),
    }
}

/// Puts a rule action's field under its table: `write-to-s3.kms_key_arn`, or
/// `publish-to-sns[1].kms_key_arn` for the second of an array of tables.
fn prefixed(table: &str, e: InvalidValue) -> InvalidValue {
    let field = format!("{table}.{}", e.field);
    e.with_field(field)
}

/// Refuses a target in another account than the deployment's: the role's identity statement
/// alone cannot reach it, the target also needs `missing`, which mmpolicy does not render.
fn in_account(
    field: &'static str,
    value: &str,
    target: AccountId,
    deployment: AccountId,
    what: &str,
    missing: &str,
) -> Result<(), InvalidValue> {
    if target == deployment {
        return Ok(());
    }
    Err(InvalidValue::new(
        field,
        value,
        format!(
            "the {what} is in account `{target}`, the deployment in `{deployment}`: the {what} also needs {missing}, which mmpolicy does not render yet; use a {what} of account `{deployment}`"
        ),
    ))
}

/// Refuses a KMS key in another account than the deployment's: its key policy would also have
/// to allow the role.
fn key_in_account(key: Option<&KmsKeyArn>, deployment: AccountId) -> Result<(), InvalidValue> {
    match key {
        Some(key) => in_account(
            "kms_key_arn",
            key.as_str(),
            key.account(),
            deployment,
            "KMS key",
            "a key policy statement allowing the role",
        ),
        None => Ok(()),
    }
}
