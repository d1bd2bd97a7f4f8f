//! The `[operators]` table of the deployment file: one subtable per provider, each naming the
//! role it is attached to; the policies of one role are merged into one identity policy.

use crate::FEATURE;
use crate::archive_reader::{ArchiveReader, ArchiveReaderParams};
use crate::deployer::{Deployer, DeployerParams, Tags};
use crate::logging::{Destination, Logging, LoggingParams};
use crate::read_only::{ReadOnly, ReadOnlyParams};
use crate::types::{AddonSubscriptionArn, IdList, RoleName};
use mmpolicy_core::section::{BundleCommon, PlannedPolicy, Section, TableOrList};
use mmpolicy_core::target::{RoleRef, Target};
use mmpolicy_core::types::SecretArn;
use mmpolicy_core::types::{ArchiveId, IngressPointId, KmsKeyArn, PrincipalArn, RuleSetId};
use mmpolicy_core::{InvalidValue, Provider};
use schemars::JsonSchema;
use serde::Deserialize;

/// `[operators.deployer]`: the parameters of `operators.deployer` without the deployment's
/// account, region and partition.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DeployerTable {
    /// The IAM role the policy is attached to.
    pub role_name: RoleName,
    /// The roles the deployer's rule sets run with (roles of the deployment's account).
    #[serde(default, deserialize_with = "mmpolicy_core::types::optional")]
    pub rule_set_role_arns: Option<Vec<PrincipalArn>>,
    /// The secrets ingress points and SMTP relays are given.
    #[serde(default, deserialize_with = "mmpolicy_core::types::optional")]
    pub secret_arns: Option<Vec<SecretArn>>,
    /// The KMS keys that encrypt those secrets and archives.
    #[serde(default, deserialize_with = "mmpolicy_core::types::optional")]
    pub kms_key_arns: Option<Vec<KmsKeyArn>>,
    /// The add-on subscriptions the deployer may create add-on instances of.
    #[serde(default, deserialize_with = "mmpolicy_core::types::optional")]
    pub addon_subscription_arns: Option<Vec<AddonSubscriptionArn>>,
    /// Confines the deployer to resources carrying these tags.
    #[serde(
        default,
        deserialize_with = "mmpolicy_core::types::optional_unique_map"
    )]
    pub tags: Option<Tags>,
}

/// `[operators.read-only]`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ReadOnlyTable {
    /// The IAM role the policy is attached to.
    pub role_name: RoleName,
}

/// `[operators.archive-reader]`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ArchiveReaderTable {
    /// The IAM role the policy is attached to.
    pub role_name: RoleName,
    /// The archives whose messages may be searched and read, or `*` for every one.
    pub archive_ids: IdList<ArchiveId>,
}

/// `[operators.logging]`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct LoggingTable {
    /// The IAM role the policy is attached to.
    pub role_name: RoleName,
    /// The ingress points whose logs may be enabled, or `*` for every one.
    #[serde(default, deserialize_with = "mmpolicy_core::types::optional")]
    pub ingress_point_ids: Option<IdList<IngressPointId>>,
    /// The rule sets whose logs may be enabled, or `*` for every one.
    #[serde(default, deserialize_with = "mmpolicy_core::types::optional")]
    pub rule_set_ids: Option<IdList<RuleSetId>>,
    /// Where the logs go.
    pub destination: Destination,
}

/// The `[operators]` table: any of its four subtables, each once or as an array of tables.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct OperatorsSectionConfig {
    /// Roles that deploy Mail Manager (`operators.deployer`).
    #[serde(default, deserialize_with = "mmpolicy_core::types::optional")]
    pub deployer: Option<TableOrList<DeployerTable>>,
    /// Roles that read Mail Manager's configuration (`operators.read-only`).
    #[serde(
        default,
        rename = "read-only",
        deserialize_with = "mmpolicy_core::types::optional"
    )]
    pub read_only: Option<TableOrList<ReadOnlyTable>>,
    /// Roles that search archived mail (`operators.archive-reader`).
    #[serde(
        default,
        rename = "archive-reader",
        deserialize_with = "mmpolicy_core::types::optional"
    )]
    pub archive_reader: Option<TableOrList<ArchiveReaderTable>>,
    /// Roles that enable Mail Manager's logs (`operators.logging`).
    #[serde(default, deserialize_with = "mmpolicy_core::types::optional")]
    pub logging: Option<TableOrList<LoggingTable>>,
}

/// The operators part of a deployment bundle: one identity policy per named role.
#[derive(Debug, Clone, Copy, Default)]
pub struct OperatorsSection;

/// Renders `P` for one role, planned into the role's file (`operators.role-<name>.json`), where
/// the bundle merges it with the role's other operators policies.
fn for_role<P: Provider>(
    params: &P::Params,
    role: &RoleName,
    path: &str,
) -> Result<PlannedPolicy, InvalidValue> {
    let target = Target::RolePolicy {
        role: RoleRef::Existing {
            role_name: role.to_string(),
        },
        policy_name: format!("mmpolicy.{FEATURE}"),
    };
    let planned = PlannedPolicy::render::<P>(
        params,
        format!("IAM role `{role}`, as a permission policy"),
        target,
    )
    .map_err(|e| InvalidValue {
        field: format!("{path}.{}", e.field).into(),
        ..e
    })?;
    Ok(planned.in_file(format!("{FEATURE}.role-{role}.json")))
}

impl Section for OperatorsSection {
    type Config = OperatorsSectionConfig;
    const NAME: &'static str = FEATURE;
    const DESCRIPTION: &'static str = "The identity policies of the people and pipelines that \
        deploy and operate Mail Manager: `[operators.deployer]`, `[operators.read-only]`, \
        `[operators.archive-reader]` and `[operators.logging]`, each naming the IAM role \
        (`role_name`) it is attached to; the policies of one role are merged into one \
        identity policy.";

    fn plan(
        common: &BundleCommon,
        config: &OperatorsSectionConfig,
    ) -> Result<Vec<PlannedPolicy>, InvalidValue> {
        let mut out = Vec::new();
        let partition = Some(common.partition);
        if let Some(tables) = &config.deployer {
            for (path, t) in tables.named("deployer") {
                let params = DeployerParams {
                    account_id: common.account_id,
                    region: common.region,
                    partition,
                    rule_set_role_arns: t.rule_set_role_arns.clone(),
                    secret_arns: t.secret_arns.clone(),
                    kms_key_arns: t.kms_key_arns.clone(),
                    addon_subscription_arns: t.addon_subscription_arns.clone(),
                    tags: t.tags.clone(),
                };
                out.push(for_role::<Deployer>(&params, &t.role_name, &path)?);
            }
        }
        if let Some(tables) = &config.read_only {
            for (path, t) in tables.named("read-only") {
                let params = ReadOnlyParams {
                    account_id: common.account_id,
                    region: common.region,
                    partition,
                };
                out.push(for_role::<ReadOnly>(&params, &t.role_name, &path)?);
            }
        }
        if let Some(tables) = &config.archive_reader {
            for (path, t) in tables.named("archive-reader") {
                let params = ArchiveReaderParams {
                    account_id: common.account_id,
                    region: common.region,
                    partition,
                    archive_ids: t.archive_ids.clone(),
                };
                out.push(for_role::<ArchiveReader>(&params, &t.role_name, &path)?);
            }
        }
        if let Some(tables) = &config.logging {
            for (path, t) in tables.named("logging") {
                let params = LoggingParams {
                    account_id: common.account_id,
                    region: common.region,
                    partition,
                    ingress_point_ids: t.ingress_point_ids.clone(),
                    rule_set_ids: t.rule_set_ids.clone(),
                    destination: t.destination.clone(),
                };
                out.push(for_role::<Logging>(&params, &t.role_name, &path)?);
            }
        }
        Ok(out)
    }
}
