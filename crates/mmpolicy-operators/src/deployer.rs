//! `operators.deployer`: create, update, delete and tag every Mail Manager resource type.

use crate::actions::{CREATE, DEPLOYER_LIST, MANAGE};
use crate::types::{AddonSubscriptionArn, non_empty};
use crate::{FEATURE, HOLDER, every};
use mmpolicy_core::ExpectedRequest;
use mmpolicy_core::arns::{SES_SERVICE_PRINCIPAL, ses_arn};
use mmpolicy_core::types::SecretArn;
use mmpolicy_core::types::{
    AccountId, KmsKeyArn, Partition, PrincipalArn, PrincipalKind, Region, TagKey, TagValue,
    example, resolve_partition,
};
use mmpolicy_core::{InvalidValue, PolicyDocument, PolicyKind, Provider, Statement};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Tag confinement: each tag key and the values it may have.
pub type Tags = BTreeMap<TagKey, Vec<TagValue>>;

/// Parameters of `operators.deployer`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DeployerParams {
    /// The account the deployer creates Mail Manager resources in.
    pub account_id: AccountId,
    /// The region it creates them in.
    pub region: Region,
    /// Only to double-check the partition the region belongs to.
    #[serde(
        default,
        deserialize_with = "mmpolicy_core::types::optional",
        skip_serializing_if = "Option::is_none"
    )]
    pub partition: Option<Partition>,
    /// The roles the deployer's rule sets run with (`CreateRuleSet` and `UpdateRuleSet` pass
    /// them to SES with `iam:PassRole`), roles of `account_id`. Left out, the deployer passes
    /// no role: rule set actions that need one cannot be configured.
    #[serde(
        default,
        deserialize_with = "mmpolicy_core::types::optional",
        skip_serializing_if = "Option::is_none"
    )]
    pub rule_set_role_arns: Option<Vec<PrincipalArn>>,
    /// The Secrets Manager secrets that ingress points and SMTP relays are given (in the
    /// account and region); the deployer may describe these only.
    #[serde(
        default,
        deserialize_with = "mmpolicy_core::types::optional",
        skip_serializing_if = "Option::is_none"
    )]
    pub secret_arns: Option<Vec<SecretArn>>,
    /// The KMS keys that encrypt those secrets (and archives); the deployer may describe these
    /// only.
    #[serde(
        default,
        deserialize_with = "mmpolicy_core::types::optional",
        skip_serializing_if = "Option::is_none"
    )]
    pub kms_key_arns: Option<Vec<KmsKeyArn>>,
    /// The add-on subscriptions the deployer may create add-on instances of
    /// (`ses:AddonSubscriptionArn`). Left out, no add-on instance can be created.
    #[serde(
        default,
        deserialize_with = "mmpolicy_core::types::optional",
        skip_serializing_if = "Option::is_none"
    )]
    pub addon_subscription_arns: Option<Vec<AddonSubscriptionArn>>,
    /// Confines the deployer to tagged resources: it creates resources only with these tags
    /// (`aws:RequestTag`) and changes only resources that carry them (`aws:ResourceTag`).
    #[serde(
        default,
        deserialize_with = "mmpolicy_core::types::optional_unique_map",
        skip_serializing_if = "Option::is_none"
    )]
    pub tags: Option<Tags>,
}

/// `operators.deployer`: the identity policy of the people or pipelines that deploy Mail
/// Manager.
#[derive(Debug, Clone, Copy, Default)]
pub struct Deployer;

impl Provider for Deployer {
    type Params = DeployerParams;
    const ID: &'static str = "operators.deployer";
    const FEATURE: &'static str = FEATURE;
    const KIND: PolicyKind = PolicyKind::Identity;
    const TITLE: &'static str = "Deploy and maintain Mail Manager resources";
    const DESCRIPTION: &'static str = "Attach to the IAM role of the pipeline (CloudFormation, \
        Terraform, CDK) or the people that create Mail Manager: it creates, updates, deletes, \
        reads back and tags ingress points, SMTP relays, rule sets, traffic policies, \
        archives, address lists, add-on subscriptions and add-on instances in one account and \
        region, instead of `ses:*` on `*`. The resources' ids are chosen by AWS at creation, \
        so the statements name every resource of each type in the account and region \
        (`mailmanager-rule-set/*`); `tags` confines them to the resources carrying the given \
        tags. `iam:PassRole` is allowed on the named rule set roles only and only towards \
        SES (`iam:PassedToService`), since `CreateRuleSet` and `UpdateRuleSet` pass the \
        role that rule actions run with; `secretsmanager:DescribeSecret` and \
        `kms:DescribeKey` on the named secrets and keys only (Mail Manager itself reads the \
        secret, through the secret's and key's policies: see `ingress.*` and \
        `smtp-relay.*`); `CreateAddonInstance` only for the named add-on subscriptions \
        (`ses:AddonSubscriptionArn`).";
    const SOURCE: &'static str = "AWS, *Service Authorization Reference*, \"Actions, resources, and condition keys for Amazon SES\" (the Mail Manager actions, their resource types and the `ses:AddonSubscriptionArn` key); AWS IAM User Guide, \"Granting a user permissions to pass a role to an AWS service\" (`iam:PassRole`, `iam:PassedToService`); AWS IAM User Guide, \"Controlling access to AWS resources using tags\" (`aws:RequestTag`, `aws:ResourceTag`).";

    fn example() -> DeployerParams {
        let mut tags = Tags::new();
        tags.insert(
            example::parse("team"),
            vec![example::parse("mail-platform")],
        );
        DeployerParams {
            account_id: example::account_id(),
            region: example::region(),
            partition: None,
            rule_set_role_arns: Some(vec![example::parse(
                "arn:aws:iam::111122223333:role/MailManagerRuleSetRole",
            )]),
            secret_arns: Some(vec![example::parse(
                "arn:aws:secretsmanager:us-east-1:111122223333:secret:mail/ingress-smtp-AbCdEf",
            )]),
            kms_key_arns: Some(vec![example::parse(
                "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab",
            )]),
            addon_subscription_arns: Some(vec![example::parse(
                "arn:aws:ses:us-east-1:111122223333:addon-subscription/as-1a2b3c4d5e6f7g8h9i0j1k2l3m",
            )]),
            tags: Some(tags),
        }
    }

    fn render(p: &DeployerParams) -> Result<PolicyDocument, InvalidValue> {
        let partition = resolve_partition(p.region, p.partition)?;
        let roles = non_empty("rule_set_role_arns", &p.rule_set_role_arns)?;
        let secrets = non_empty("secret_arns", &p.secret_arns)?;
        let keys = non_empty("kms_key_arns", &p.kms_key_arns)?;
        let addons = non_empty("addon_subscription_arns", &p.addon_subscription_arns)?;
        for role in roles {
            if role.kind() != PrincipalKind::Role {
                return Err(InvalidValue::new(
                    "rule_set_role_arns",
                    role.as_str(),
                    "a rule set runs with a role, not a user: give the role's ARN",
                ));
            }
            if role.account() != p.account_id {
                return Err(InvalidValue::new(
                    "rule_set_role_arns",
                    role.as_str(),
                    format!(
                        "the role is in account `{}`, not `{}`: a rule set runs with a role of its own account",
                        role.account(),
                        p.account_id
                    ),
                ));
            }
        }
        for secret in secrets {
            same_place(
                "secret_arns",
                secret.as_str(),
                secret.account(),
                secret.region(),
                p,
            )?;
        }
        for key in keys {
            same_place("kms_key_arns", key.as_str(), key.account(), key.region(), p)?;
        }
        for addon in addons {
            same_place(
                "addon_subscription_arns",
                addon.as_str(),
                addon.account(),
                addon.region(),
                p,
            )?;
        }
        let tags = match &p.tags {
            Some(t) if t.is_empty() => {
                return Err(InvalidValue::new(
                    "tags",
                    "{}",
                    "give at least one tag key with its allowed values, or leave `tags` out",
                ));
            }
            Some(t) => {
                if let Some((key, _)) = t.iter().find(|(_, v)| v.is_empty()) {
                    return Err(InvalidValue::new(
                        "tags",
                        key.as_str(),
                        "list at least one allowed value for the tag key",
                    ));
                }
                Some(t)
            }
            None => None,
        };
        let confine = |st: Statement, key: &str| match tags {
            None => st,
            Some(tags) => tags.iter().fold(st, |st, (k, values)| {
                st.condition_list(
                    "StringEquals",
                    [key, k.as_str()].concat(),
                    values.iter().map(TagValue::as_text),
                )
            }),
        };
        let every = |t: &str| every(partition, p.region, p.account_id, t);

        let mut statements: Vec<Statement> = CREATE
            .iter()
            .map(|(sid, t, actions)| {
                confine(
                    Statement::allow()
                        .sid(*sid)
                        .actions(*actions)
                        .resources([every(t)]),
                    "aws:RequestTag/",
                )
            })
            .collect();
        if !addons.is_empty() {
            statements.push(confine(
                Statement::allow()
                    .sid("CreateAddonInstancesOfNamedSubscriptions")
                    .actions(&["ses:CreateAddonInstance"])
                    .resources([every("addon-instance")])
                    .condition_list(
                        "ArnEquals",
                        "ses:AddonSubscriptionArn",
                        addons.iter().map(|a| a.as_str().to_owned()),
                    ),
                "aws:RequestTag/",
            ));
        }
        statements.extend(MANAGE.iter().map(|(sid, t, actions)| {
            confine(
                Statement::allow()
                    .sid(*sid)
                    .actions(*actions)
                    .resources([every(t)]),
                "aws:ResourceTag/",
            )
        }));
        statements.push(
            Statement::allow()
                .sid("ListMailManagerResources")
                .actions(DEPLOYER_LIST)
                .resources(["*"]),
        );
        if !roles.is_empty() {
            statements.push(
                Statement::allow()
                    .sid("PassRuleSetRolesToMailManager")
                    .actions(&["iam:PassRole"])
                    .resources(roles.iter().map(|r| r.as_str().to_owned()))
                    .condition(
                        "StringEquals",
                        "iam:PassedToService",
                        [SES_SERVICE_PRINCIPAL],
                    ),
            );
        }
        if !secrets.is_empty() {
            statements.push(
                Statement::allow()
                    .sid("DescribeNamedSecrets")
                    .actions(&["secretsmanager:DescribeSecret"])
                    .resources(secrets.iter().map(|s| s.as_str().to_owned())),
            );
        }
        if !keys.is_empty() {
            statements.push(
                Statement::allow()
                    .sid("DescribeNamedKeys")
                    .actions(&["kms:DescribeKey"])
                    .resources(keys.iter().map(|k| k.as_str().to_owned())),
            );
        }
        Ok(PolicyDocument::new(statements))
    }

    fn required_requests(p: &DeployerParams) -> Result<Vec<ExpectedRequest>, InvalidValue> {
        Deployer::render(p)?;
        let partition = resolve_partition(p.region, p.partition)?;
        let arn =
            |t: &str, id: &str| ses_arn(partition, p.region, p.account_id, t, id).into_string();
        let tag = |mut r: ExpectedRequest, key: &str| {
            if let Some(tags) = &p.tags {
                for (k, v) in tags {
                    let value = v
                        .first()
                        .map(TagValue::as_str)
                        .unwrap_or_default()
                        .to_owned();
                    r.context.push(([key, k.as_str()].concat(), vec![value]));
                }
            }
            r
        };
        let rule_set = arn("mailmanager-rule-set", "rs-1a2b3c4d5e6f7g8h9i0j1k2l3m");
        let mut out = vec![
            tag(
                ExpectedRequest::allow(HOLDER, "ses:CreateRuleSet", &rule_set, "create a rule set"),
                "aws:RequestTag/",
            ),
            tag(
                ExpectedRequest::allow(
                    HOLDER,
                    "ses:CreateIngressPoint",
                    arn(
                        "mailmanager-ingress-point",
                        "inp-1a2b3c4d5e6f7g8h9i0j1k2l3m",
                    ),
                    "create an ingress point",
                ),
                "aws:RequestTag/",
            ),
            tag(
                ExpectedRequest::allow(HOLDER, "ses:UpdateRuleSet", &rule_set, "update a rule set"),
                "aws:ResourceTag/",
            ),
            tag(
                ExpectedRequest::allow(
                    HOLDER,
                    "ses:DeleteTrafficPolicy",
                    arn(
                        "mailmanager-traffic-policy",
                        "mpf-1a2b3c4d5e6f7g8h9i0j1k2l3m",
                    ),
                    "delete a traffic policy",
                ),
                "aws:ResourceTag/",
            ),
            tag(
                ExpectedRequest::allow(
                    HOLDER,
                    "ses:TagResource",
                    arn("mailmanager-archive", "a-1a2b3c4d5e6f7g8h9i0j1k2l3m"),
                    "tag an archive",
                ),
                "aws:ResourceTag/",
            ),
            ExpectedRequest::allow(HOLDER, "ses:ListRuleSets", "*", "list rule sets"),
        ];
        // Every resource type is created, and managed, by the statement of its type.
        for (_, t, actions) in CREATE {
            for action in *actions {
                out.push(tag(
                    ExpectedRequest::allow(
                        HOLDER,
                        action,
                        arn(t, "example"),
                        "create a resource of each type",
                    ),
                    "aws:RequestTag/",
                ));
            }
        }
        for (_, t, actions) in MANAGE {
            if let Some(action) = actions.first() {
                out.push(tag(
                    ExpectedRequest::allow(
                        HOLDER,
                        action,
                        arn(t, "example"),
                        "manage a resource of each type",
                    ),
                    "aws:ResourceTag/",
                ));
            }
        }
        if let Some(tags) = &p.tags {
            if tags.keys().next().is_some() {
                out.push(ExpectedRequest::deny(
                    HOLDER,
                    "ses:CreateRuleSet",
                    &rule_set,
                    "a resource created without the confinement tags",
                ));
                out.push(ExpectedRequest::deny(
                    HOLDER,
                    "ses:DeleteRuleSet",
                    &rule_set,
                    "a resource that does not carry the confinement tags",
                ));
            }
        }
        if let Some(roles) = &p.rule_set_role_arns {
            for role in roles {
                out.push(
                    ExpectedRequest::allow(
                        HOLDER,
                        "iam:PassRole",
                        role.as_str(),
                        "pass the rule set role to SES",
                    )
                    .with("iam:PassedToService", &[SES_SERVICE_PRINCIPAL]),
                );
                out.push(
                    ExpectedRequest::deny(
                        HOLDER,
                        "iam:PassRole",
                        role.as_str(),
                        "the rule set role passed to another service",
                    )
                    .with("iam:PassedToService", &["lambda.amazonaws.com"]),
                );
            }
            let other_account = if p.account_id.as_str() == "444455556666" {
                "777788889999"
            } else {
                "444455556666"
            };
            out.push(
                ExpectedRequest::deny(
                    HOLDER,
                    "iam:PassRole",
                    format!(
                        "arn:{}:iam::{other_account}:role/MailManagerRuleSetRole",
                        partition.as_str()
                    ),
                    "another account's rule set role",
                )
                .with("iam:PassedToService", &[SES_SERVICE_PRINCIPAL]),
            );
            out.push(
                ExpectedRequest::deny(
                    HOLDER,
                    "iam:PassRole",
                    format!(
                        "arn:{}:iam::{}:role/AdminRole",
                        partition.as_str(),
                        p.account_id.as_str()
                    ),
                    "a role of the account that is not a named rule set role",
                )
                .with("iam:PassedToService", &[SES_SERVICE_PRINCIPAL]),
            );
        }
        if let Some(secrets) = &p.secret_arns {
            for s in secrets {
                out.push(ExpectedRequest::allow(
                    HOLDER,
                    "secretsmanager:DescribeSecret",
                    s.as_str(),
                    "check the secret given to an ingress point or relay",
                ));
                out.push(ExpectedRequest::deny(
                    HOLDER,
                    "secretsmanager:GetSecretValue",
                    s.as_str(),
                    "the deployer never reads the credentials",
                ));
            }
        }
        if let Some(keys) = &p.kms_key_arns {
            for k in keys {
                out.push(ExpectedRequest::allow(
                    HOLDER,
                    "kms:DescribeKey",
                    k.as_str(),
                    "check the key of a secret or archive",
                ));
                out.push(ExpectedRequest::deny(
                    HOLDER,
                    "kms:Decrypt",
                    k.as_str(),
                    "the deployer never decrypts",
                ));
            }
        }
        let instance = arn("addon-instance", "ai-1a2b3c4d5e6f7g8h9i0j1k2l3m");
        if let Some(addons) = &p.addon_subscription_arns {
            for a in addons {
                out.push(tag(
                    ExpectedRequest::allow(
                        HOLDER,
                        "ses:CreateAddonInstance",
                        &instance,
                        "create an instance of a named add-on subscription",
                    )
                    .with("ses:AddonSubscriptionArn", &[a.as_str()]),
                    "aws:RequestTag/",
                ));
            }
        }
        out.push(tag(
            ExpectedRequest::deny(
                HOLDER,
                "ses:CreateAddonInstance",
                &instance,
                "an add-on subscription not named",
            )
            .with(
                "ses:AddonSubscriptionArn",
                &[arn("addon-subscription", "as-9z9z9z9z9z9z9z9z9z9z9z9z9z").as_str()],
            ),
            "aws:RequestTag/",
        ));
        Ok(crate::held_in(out, p.account_id))
    }
}

/// Refuses a resource of another account or region than the deployment's.
fn same_place(
    field: &'static str,
    arn: &str,
    account: AccountId,
    region: Region,
    p: &DeployerParams,
) -> Result<(), InvalidValue> {
    if account != p.account_id || region != p.region {
        return Err(InvalidValue::new(
            field,
            arn,
            format!(
                "expected a resource of account `{}` in region `{}`, where Mail Manager runs",
                p.account_id, p.region
            ),
        ));
    }
    Ok(())
}
