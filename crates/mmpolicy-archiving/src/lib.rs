//! mmpolicy feature crate: the policies of Mail Manager **email archiving**.
//!
//! - `archiving.identity`: the IAM identity policy of the people or tools that create, search,
//!   read and export archives;
//! - `archiving.export-identity` and `archiving.export-bucket-policy`: the extra identity
//!   policy, and the destination bucket's policy, that `StartArchiveExport` needs;
//! - `archiving.kms-identity` and `archiving.key-policy`: the identity policy and the key
//!   policy for an archive encrypted with a customer managed KMS key.
//!
//! Archiving does not support the confused-deputy condition keys (`aws:SourceAccount`,
//! `aws:SourceArn`): AWS's page says so, and none is added here. The crate also contributes the
//! `[archiving]` table of the deployment bundle.

use mmpolicy_core::arns::{SES_SERVICE_PRINCIPAL, s3_arn, ses_arn};
use mmpolicy_core::section::{BundleCommon, PlannedPolicy, Section};
use mmpolicy_core::types::{
    AccountId, ArchiveId, BucketName, KeyPrefixScope, KmsKeyArn, Partition, PrincipalArn,
    PrincipalKind, Region, Scope, TagKey, TagValue, example, resolve_partition,
};
use mmpolicy_core::{
    InvalidValue, PolicyDocument, PolicyKind, Principal, Provider, Statement, Text,
    register_provider, register_section,
};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The feature name of this crate's providers.
pub const FEATURE: &str = "archiving";

/// The actions that list archives, searches and exports. They accept no resource type, so
/// they only work with `"Resource": "*"`, in a statement of their own.
pub const LIST_ACTIONS: &[&str] = &[
    "ses:ListArchives",
    "ses:ListArchiveSearches",
    "ses:ListArchiveExports",
];

/// The KMS actions SES uses on an archive's customer managed key, as the page's key policy
/// lists them.
const KEY_POLICY_ACTIONS: &[&str] = &["kms:Decrypt", "kms:GenerateDataKey*", "kms:DescribeKey"];

/// The S3 actions an export needs on the objects it writes.
const EXPORT_OBJECT_ACTIONS: &[&str] = &[
    "s3:PutObject",
    "s3:PutObjectAcl",
    "s3:PutObjectTagging",
    "s3:GetObject",
];

/// Tags that a new archive must carry: tag key → the values allowed for it.
pub type CreateTags = BTreeMap<TagKey, Vec<TagValue>>;

/// Parameters of `archiving.identity`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ArchivingParams {
    /// The account that owns the archives.
    pub account_id: AccountId,
    /// The region of the archives.
    pub region: Region,
    /// The partition; it follows from the region, so give it only to double-check.
    #[serde(
        default,
        deserialize_with = "mmpolicy_core::types::optional",
        skip_serializing_if = "Option::is_none"
    )]
    pub partition: Option<Partition>,
    /// The archive that may be read, searched, exported, updated and deleted, or `*` for every
    /// archive of the account in the region (an explicit wildcard).
    pub archive_id: Scope<ArchiveId>,
    /// Tags a new archive must be created with: tag key → allowed values. When given,
    /// `ses:TagResource` is allowed with `CreateArchive`, only for these keys and values; when
    /// left out, archives are created untagged.
    #[serde(
        default,
        deserialize_with = "mmpolicy_core::types::optional_unique_map",
        skip_serializing_if = "Option::is_none"
    )]
    #[schemars(schema_with = "create_tags_schema")]
    pub create_tags: Option<CreateTags>,
}

/// The schema of an optional `create_tags`: as derived, and, as the providers require, at least
/// one tag key and at least one value for each.
fn create_tags_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
    let mut schema = generator.subschema_for::<Option<CreateTags>>();
    schema.insert("minProperties".to_owned(), 1.into());
    schema.insert(
        "title".to_owned(),
        "map of tag key → list of allowed tag values".into(),
    );
    if let Some(patterns) = schema
        .get_mut("patternProperties")
        .and_then(|p| p.as_object_mut())
    {
        for values in patterns.values_mut().filter_map(|v| v.as_object_mut()) {
            values.insert("minItems".to_owned(), 1.into());
        }
    }
    schema
}

impl ArchivingParams {
    fn example() -> Self {
        let mut tags = CreateTags::new();
        tags.insert(
            example::parse("team"),
            vec![example::parse("mail-operations")],
        );
        ArchivingParams {
            account_id: example::account_id(),
            region: example::region(),
            partition: None,
            archive_id: Scope::One(example::parse("a-9f8e7d6c5b4a3210fedcba9876")),
            create_tags: Some(tags),
        }
    }
}

/// `archiving.identity`: the IAM identity policy for archiving operations.
#[derive(Debug, Clone, Copy, Default)]
pub struct Identity;

impl Provider for Identity {
    type Params = ArchivingParams;
    const ID: &'static str = "archiving.identity";
    const FEATURE: &'static str = FEATURE;
    const KIND: PolicyKind = PolicyKind::Identity;
    const TITLE: &'static str = "IAM identity policy for email archiving";
    const DESCRIPTION: &'static str = "Attach to the IAM role (or user) of the people or tools \
        that work with Mail Manager archives, as a permission policy. It allows creating \
        archives (with the tags you require), listing archives, searches and exports, and \
        reading, searching, exporting, updating, deleting and untagging the archive you name \
        (or every archive, with `archive_id = \"*\"`). Exporting also needs \
        `archiving.export-identity` and `archiving.export-bucket-policy`; an archive encrypted \
        with a customer managed key also needs `archiving.kms-identity` and \
        `archiving.key-policy`.";
    const SOURCE: &'static str = "AWS, *Permission policies for Mail Manager*, \"Basic Archiving IAM identity policies\"; resource types checked against the Service Authorization Reference for Amazon SES (`ses:List*` actions accept no resource type).";
    const CORRECTIONS: &'static [&'static str] = &[
        "`ses:ListArchives`, `ses:ListArchiveSearches` and `ses:ListArchiveExports` accept no resource type: the page scopes them to `mailmanager-archive/*`, which grants nothing. They get `\"Resource\": \"*\"` in a statement of their own.",
        "`aws:RequestTag/<key>` holds one value per request: it is tested with `StringEquals` (any of the listed values), not the page's `ForAnyValue:StringEquals`, which IAM Access Analyzer flags on a single-valued key; `aws:TagKeys` is limited to the listed keys with `ForAllValues:StringEquals`.",
        "The page's placeholder `aws:RequestTag/key-name` becomes the tag keys and values you give in `create_tags`; without them, `ses:TagResource` is left out.",
    ];

    fn example() -> ArchivingParams {
        ArchivingParams::example()
    }

    fn render(p: &ArchivingParams) -> Result<PolicyDocument, InvalidValue> {
        let partition = resolve_partition(p.region, p.partition)?;
        let every_archive = ses_arn(
            partition,
            p.region,
            p.account_id,
            "mailmanager-archive",
            "*",
        );
        let this_archive = ses_arn(
            partition,
            p.region,
            p.account_id,
            "mailmanager-archive",
            p.archive_id.arn_suffix(),
        );
        Ok(PolicyDocument::new(vec![
            create_archives(every_archive, p.create_tags.as_ref())?,
            Statement::allow()
                .sid("ListArchivesSearchesAndExports")
                .actions(LIST_ACTIONS)
                .resources(["*"]),
            Statement::allow()
                .sid("ManageArchive")
                .actions(&["ses:GetArchive", "ses:DeleteArchive", "ses:UpdateArchive"])
                .resources([&this_archive]),
            Statement::allow()
                .sid("SearchArchive")
                .actions(&[
                    "ses:GetArchiveSearch",
                    "ses:GetArchiveSearchResults",
                    "ses:StartArchiveSearch",
                    "ses:StopArchiveSearch",
                ])
                .resources([&this_archive]),
            Statement::allow()
                .sid("ReadArchivedMessages")
                .actions(&["ses:GetArchiveMessage", "ses:GetArchiveMessageContent"])
                .resources([&this_archive]),
            Statement::allow()
                .sid("ExportArchive")
                .actions(&[
                    "ses:GetArchiveExport",
                    "ses:StartArchiveExport",
                    "ses:StopArchiveExport",
                ])
                .resources([&this_archive]),
            Statement::allow()
                .sid("ManageArchiveTags")
                .actions(&["ses:ListTagsForResource", "ses:UntagResource"])
                .resources([this_archive]),
        ]))
    }
}

/// The statement creating archives: untagged, or only with the tags `create_tags` requires.
fn create_archives(
    every_archive: Text,
    create_tags: Option<&CreateTags>,
) -> Result<Statement, InvalidValue> {
    let Some(tags) = create_tags else {
        return Ok(Statement::allow()
            .sid("CreateArchives")
            .actions(&["ses:CreateArchive"])
            .resources([every_archive]));
    };
    if tags.is_empty() {
        return Err(InvalidValue::new(
            "create_tags",
            "{}",
            "give at least one tag key with its allowed values, or leave `create_tags` out",
        ));
    }
    let mut st = Statement::allow()
        .sid("CreateArchivesWithRequiredTags")
        .actions(&["ses:CreateArchive", "ses:TagResource"])
        .resources([every_archive]);
    for (key, values) in tags {
        if values.is_empty() {
            return Err(InvalidValue::new(
                "create_tags",
                key.as_str(),
                "list at least one allowed value for the tag key",
            ));
        }
        st = st.condition_list(
            "StringEquals",
            ["aws:RequestTag/", key.as_str()].concat(),
            values.iter().map(TagValue::as_text),
        );
    }
    Ok(st.condition_list(
        "ForAllValues:StringEquals",
        "aws:TagKeys",
        tags.keys().map(TagKey::as_text),
    ))
}

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
    fn example() -> Self {
        ExportParams {
            bucket: example::parse("example-mail-archive-exports"),
            key_prefix: KeyPrefixScope::Prefix(example::parse("exports/")),
            partition: None,
        }
    }

    /// The bucket ARN and the ARN pattern of the objects exports write.
    fn arns(&self) -> (Text, Text) {
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
    fn bucket_statement(
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
}

/// `archiving.export-identity`: what the caller of `StartArchiveExport` needs on the bucket.
#[derive(Debug, Clone, Copy, Default)]
pub struct ExportIdentity;

impl Provider for ExportIdentity {
    type Params = ExportParams;
    const ID: &'static str = "archiving.export-identity";
    const FEATURE: &'static str = FEATURE;
    const KIND: PolicyKind = PolicyKind::Identity;
    const TITLE: &'static str = "IAM identity policy for exporting an archive to S3";
    const DESCRIPTION: &'static str = "Attach to the IAM role (or user) that calls \
        `StartArchiveExport`, beside `archiving.identity`. Mail Manager checks, with forward \
        access sessions, that the caller may itself write to the destination bucket before it \
        starts the export: that check is what protects the bucket, since archiving supports no \
        `aws:SourceAccount`/`aws:SourceArn` condition.";
    const SOURCE: &'static str =
        "AWS, *Permission policies for Mail Manager*, \"Archiving export\" (identity policy).";
    const CORRECTIONS: &'static [&'static str] = &[
        "The object statement can be limited to the folder exports are written to (`key_prefix`), instead of the whole bucket.",
        "The partition of the bucket ARN is a parameter instead of a fixed `aws`.",
    ];

    fn example() -> ExportParams {
        ExportParams::example()
    }

    fn render(p: &ExportParams) -> Result<PolicyDocument, InvalidValue> {
        let (bucket, objects) = p.arns();
        let mut statements = vec![p.bucket_statement(bucket, None, "ExportDestinationBucket")];
        statements.push(
            Statement::allow()
                .sid("ExportDestinationObjects")
                .actions(EXPORT_OBJECT_ACTIONS)
                .resources([objects]),
        );
        Ok(PolicyDocument::new(statements))
    }
}

/// `archiving.export-bucket-policy`: the destination bucket's policy letting SES write exports.
#[derive(Debug, Clone, Copy, Default)]
pub struct ExportBucketPolicy;

impl Provider for ExportBucketPolicy {
    type Params = ExportParams;
    const ID: &'static str = "archiving.export-bucket-policy";
    const FEATURE: &'static str = FEATURE;
    const KIND: PolicyKind = PolicyKind::Bucket;
    const TITLE: &'static str = "S3 bucket policy for archive exports";
    const DESCRIPTION: &'static str = "Attach to the S3 bucket that archive exports are written \
        to, as (part of) its bucket policy. It lets SES list the bucket and write the exported \
        messages. Archiving supports no `aws:SourceAccount`/`aws:SourceArn` condition (AWS's \
        page says so), so none is added: Mail Manager instead checks that the caller of \
        `StartArchiveExport` may write to the bucket (see `archiving.export-identity`). If the \
        bucket already has a policy, add these statements to it.";
    const SOURCE: &'static str = "AWS, *Permission policies for Mail Manager*, \"Archiving export\" (destination bucket policy and the note on confused-deputy condition keys).";
    const CORRECTIONS: &'static [&'static str] = &[
        "The object statement can be limited to the folder exports are written to (`key_prefix`), instead of the whole bucket.",
        "No `aws:SourceAccount`/`aws:SourceArn` condition: archiving does not support them, as the page notes.",
    ];

    fn example() -> ExportParams {
        ExportParams::example()
    }

    fn render(p: &ExportParams) -> Result<PolicyDocument, InvalidValue> {
        let (bucket, objects) = p.arns();
        let ses = || Principal::service(SES_SERVICE_PRINCIPAL);
        let mut statements =
            vec![p.bucket_statement(bucket, Some(ses()), "AllowSesToLocateExportBucket")];
        statements.push(
            Statement::allow()
                .sid("AllowSesToWriteExports")
                .principal(ses())
                .actions(EXPORT_OBJECT_ACTIONS)
                .resources([objects]),
        );
        Ok(PolicyDocument::new(statements))
    }
}

/// Parameters of `archiving.kms-identity`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct KmsIdentityParams {
    /// The customer managed KMS key that encrypts the archive (its ARN, not an alias).
    pub kms_key_arn: KmsKeyArn,
}

fn example_key() -> KmsKeyArn {
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
        same principal too (`archiving.key-policy`); both follow the key's region.";
    const SOURCE: &'static str = "AWS, *Permission policies for Mail Manager*, \"Archiving encryption at rest with KMS CMK\" (identity policy).";
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
        Ok(PolicyDocument::new(vec![
            Statement::allow()
                .sid("UseArchiveKey")
                .actions(&["kms:DescribeKey", "kms:Decrypt", "kms:GenerateDataKey"])
                .resources([p.kms_key_arn.as_str().to_owned()])
                .condition(
                    "StringEquals",
                    "kms:ViaService",
                    [p.kms_key_arn.region().service_endpoint("ses")],
                ),
        ]))
    }
}

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
        **Merge, do not replace.** A key policy is the whole access control of a key: applying \
        a document that holds only these statements removes every other grant, including your \
        account's, and can lock you out of the key. Render with `--statement-only` and add the \
        statements to the key's existing policy.";
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
}

register_provider!(Identity);
register_provider!(ExportIdentity);
register_provider!(ExportBucketPolicy);
register_provider!(KmsIdentity);
register_provider!(KeyPolicy);

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
}

/// The archiving part of a deployment bundle.
#[derive(Debug, Clone, Copy, Default)]
pub struct ArchivingSection;

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
            )?);
            out.push(PlannedPolicy::render::<ExportBucketPolicy>(
                &params,
                format!("S3 bucket `{}`, as its bucket policy", export.bucket),
            )?);
        }
        if let Some(key) = &c.kms_key_arn {
            if key.region() != common.region {
                return Err(InvalidValue::new(
                    "kms_key_arn",
                    key.as_str(),
                    format!(
                        "the archive's key must be in the deployment's region `{}`",
                        common.region
                    ),
                ));
            }
            out.push(PlannedPolicy::render::<KmsIdentity>(
                &KmsIdentityParams {
                    kms_key_arn: key.clone(),
                },
                user,
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
            )?);
        }
        Ok(out)
    }
}

register_section!(ArchivingSection);
