//! The `[archiving]` section of the deployment file.

use crate::FEATURE;
use crate::identity::create_tags_schema;
use crate::{
    ArchivingParams, CreateTags, ExportBucketPolicy, ExportIdentity, ExportParams, Identity,
    KeyPolicy, KeyPolicyParams, KmsIdentity, KmsIdentityParams,
};
use mmpolicy_core::section::{BundleCommon, PlannedPolicy, Section};
use mmpolicy_core::target::{RoleRef, Target};
use mmpolicy_core::types::{
    ArchiveId, BucketName, KeyPrefixScope, KmsKeyArn, PrincipalArn, PrincipalKind, Scope,
};
use mmpolicy_core::{InvalidValue, Provider};
use schemars::JsonSchema;
use serde::Deserialize;

/// The `[archiving]` table of a deployment bundle.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ArchivingSectionConfig {
    /// The archive that may be read, searched, exported, updated and deleted, or `*` for every
    /// archive of the account in the region.
    pub archive_id: Scope<ArchiveId>,
    /// The IAM role (or user) of the people or tools that work with the archive: the identity
    /// policies are attached to it, and the key policy names it.
    pub principal_arn: PrincipalArn,
    /// Tags a new archive must be created with: tag key → allowed values.
    #[serde(
        default,
        deserialize_with = "mmpolicy_core::types::optional_unique_map"
    )]
    #[schemars(schema_with = "create_tags_schema")]
    pub create_tags: Option<CreateTags>,
    /// The customer managed KMS key that encrypts the archive, in the deployment's region;
    /// adds `archiving.kms-identity` and `archiving.key-policy`.
    #[serde(default, deserialize_with = "mmpolicy_core::types::optional")]
    pub kms_key_arn: Option<KmsKeyArn>,
    /// Where archive exports are written; adds `archiving.export-identity` and
    /// `archiving.export-bucket-policy`.
    #[serde(default, deserialize_with = "mmpolicy_core::section::optional_table")]
    pub export: Option<ExportSectionConfig>,
}

/// The `[archiving.export]` table.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ExportSectionConfig {
    /// The S3 bucket that exports are written to.
    pub bucket: BucketName,
    /// The folder of the bucket that exports are written to, or `*` for the whole bucket (an
    /// explicit wildcard).
    pub key_prefix: KeyPrefixScope,
    /// Whether the deployment owns the bucket's whole policy. By default it does not: the
    /// bucket policy's statements are merged into the policy the bucket has, never put in its
    /// place.
    #[serde(default)]
    pub bucket_owned_by_deployment: bool,
}

/// The archiving part of a deployment bundle.
#[derive(Debug, Clone, Copy, Default)]
pub struct ArchivingSection;

/// Where an identity policy of the archive's principal goes: an inline policy named
/// `mmpolicy.<provider id>` of the role, or of the user.
fn identity_target(p: &PrincipalArn, provider: &str) -> Target {
    let policy_name = format!("mmpolicy.{provider}");
    match p.kind() {
        PrincipalKind::Role => Target::RolePolicy {
            role: RoleRef::Existing {
                role_name: p.name().to_owned(),
            },
            policy_name,
        },
        PrincipalKind::User => Target::UserPolicy {
            user_name: p.name().to_owned(),
            policy_name,
        },
    }
}

/// How a bundle names a principal: `IAM role \`name\` (arn)`.
fn describe_principal(p: &PrincipalArn) -> String {
    let kind = match p.kind() {
        PrincipalKind::Role => "IAM role",
        PrincipalKind::User => "IAM user",
    };
    let name = p.as_str().rsplit('/').next().unwrap_or(p.as_str());
    format!("{kind} `{name}` ({}), as a permission policy", p.as_str())
}

impl Section for ArchivingSection {
    type Config = ArchivingSectionConfig;
    const NAME: &'static str = FEATURE;
    const DESCRIPTION: &'static str = "Email archiving: the identity policy of the archive's \
        users, and optionally the export policies (`[archiving.export]`) and the customer \
        managed key's policies (`kms_key_arn`).";

    fn plan(
        common: &BundleCommon,
        c: &ArchivingSectionConfig,
    ) -> Result<Vec<PlannedPolicy>, InvalidValue> {
        if c.principal_arn.partition() != common.partition {
            return Err(InvalidValue::new(
                "principal_arn",
                c.principal_arn.as_str(),
                format!(
                    "the principal is in partition `{}` but the deployment in `{}`",
                    c.principal_arn.partition(),
                    common.partition
                ),
            ));
        }
        let user = describe_principal(&c.principal_arn);
        let mut out = vec![PlannedPolicy::render::<Identity>(
            &ArchivingParams {
                account_id: common.account_id,
                region: common.region,
                partition: Some(common.partition),
                archive_id: c.archive_id.clone(),
                create_tags: c.create_tags.clone(),
            },
            user.clone(),
            identity_target(&c.principal_arn, Identity::ID),
        )?];
        if let Some(export) = &c.export {
            let params = ExportParams {
                bucket: export.bucket.clone(),
                key_prefix: export.key_prefix.clone(),
                partition: Some(common.partition),
            };
            out.push(PlannedPolicy::render::<ExportIdentity>(
                &params,
                user.clone(),
                identity_target(&c.principal_arn, ExportIdentity::ID),
            )?);
            let bucket_place = if export.bucket_owned_by_deployment {
                "as its bucket policy"
            } else {
                "merge these statements into its bucket policy"
            };
            out.push(PlannedPolicy::render::<ExportBucketPolicy>(
                &params,
                format!("S3 bucket `{}`: {bucket_place}", export.bucket),
                Target::BucketPolicy {
                    bucket: export.bucket.to_string(),
                    owned: export.bucket_owned_by_deployment,
                },
            )?);
        }
        if let Some(key) = &c.kms_key_arn {
            if key.region() != common.region {
                return Err(InvalidValue::new(
                    "kms_key_arn",
                    key.as_str(),
                    format!(
                        "the key is in region `{}`, the deployment in `{}`: the archive is in the deployment's region, and SES uses the archive's key of that region only (`kms:ViaService` = `{}`); use a key of the deployment's region `{}`",
                        key.region(),
                        common.region,
                        common.region.service_endpoint("ses"),
                        common.region
                    ),
                ));
            }
            out.push(PlannedPolicy::render::<KmsIdentity>(
                &KmsIdentityParams {
                    kms_key_arn: key.clone(),
                },
                user,
                identity_target(&c.principal_arn, KmsIdentity::ID),
            )?);
            out.push(PlannedPolicy::render::<KeyPolicy>(
                &KeyPolicyParams {
                    principal_arn: c.principal_arn.clone(),
                    kms_key_arn: key.clone(),
                },
                format!(
                    "KMS key `{}`: merge these statements into its key policy",
                    key.as_str()
                ),
                Target::KeyPolicy {
                    key_arn: Some(key.as_str().to_owned()),
                },
            )?);
        }
        Ok(out)
    }
}
