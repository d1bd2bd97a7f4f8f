//! The identity policy of archive users: `archiving.identity`.

use crate::FEATURE;
use mmpolicy_core::Expect;
use mmpolicy_core::arns::ses_arn;
use mmpolicy_core::types::{
    AccountId, ArchiveId, Partition, Region, Scope, TagKey, TagValue, example, resolve_partition,
};
use mmpolicy_core::{
    ExpectedRequest, InvalidValue, PolicyDocument, PolicyKind, Provider, Statement, Text,
};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The actions that list archives, searches and exports. They accept no resource type, so
/// they only work with `"Resource": "*"`, in a statement of their own.
pub const LIST_ACTIONS: &[&str] = &[
    "ses:ListArchives",
    "ses:ListArchiveSearches",
    "ses:ListArchiveExports",
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
pub(crate) fn create_tags_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
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
    pub(crate) fn example() -> Self {
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
        reading, searching, exporting, updating, deleting, tagging and untagging the archive you \
        name (or every archive, with `archive_id = \"*\"`). Exporting also needs \
        `archiving.export-identity` and `archiving.export-bucket-policy`; an archive encrypted \
        with a customer managed key also needs `archiving.kms-identity` and \
        `archiving.key-policy`.\n\n\
        Tags: `ses:CreateArchive` is allowed on every new archive, only with the tags of \
        `create_tags` (`aws:RequestTag/<key>` and `aws:TagKeys`, which the Service \
        Authorization Reference lists for `CreateArchive`); `ses:TagResource` is allowed on the \
        named archive only, with the same tags. The page grants `ses:TagResource` on \
        `mailmanager-archive/*`, which also lets the holder re-tag every existing archive. \
        Limits: IAM cannot tell a `TagResource` call made while creating an archive from one \
        on an existing archive: for `ses:TagResource`, AWS lists no `aws:ResourceTag` key and no \
        key naming the creating action. This policy relies on `ses:CreateArchive` authorizing \
        the tags of the request it creates, as the reference's keys for `CreateArchive` say; \
        if AWS also checks `ses:TagResource` on the new archive, a tagged `CreateArchive` is \
        denied, and the only grant that works is the page's `ses:TagResource` on \
        `mailmanager-archive/*` (or `archive_id = \"*\"`).";
    const SOURCE: &'static str = "AWS, *Permission policies for Mail Manager*, \"Basic Archiving IAM identity policies\"; resource types and condition keys checked against the Service Authorization Reference for Amazon SES (`ses:List*` actions accept no resource type; `CreateArchive` takes `aws:RequestTag/${TagKey}` and `aws:TagKeys`; `TagResource` takes `aws:RequestTag/${TagKey}`, `aws:TagKeys` and `ses:ApiVersion`, and no `aws:ResourceTag` on `mailmanager-archive`).";
    const CORRECTIONS: &'static [&'static str] = &[
        "`ses:ListArchives`, `ses:ListArchiveSearches` and `ses:ListArchiveExports` accept no resource type: the page scopes them to `mailmanager-archive/*`, which grants nothing. They get `\"Resource\": \"*\"` in a statement of their own.",
        "`aws:RequestTag/<key>` holds one value per request: it is tested with `StringEquals` (any of the listed values), not the page's `ForAnyValue:StringEquals`, which IAM Access Analyzer flags on a single-valued key; `aws:TagKeys` is limited to the listed keys with `ForAllValues:StringEquals`.",
        "The page's placeholder `aws:RequestTag/key-name` becomes the tag keys and values you give in `create_tags`; without them, `ses:TagResource` is left out.",
        "`ses:TagResource` is allowed on the named archive only, not with `ses:CreateArchive` on `mailmanager-archive/*`: on every archive it lets the holder re-tag any existing archive with the allowed tags, and `ses:TagResource` has no condition key (`aws:ResourceTag`, or one naming the creating action) that would keep it to new archives. Tags on create are authorized by `ses:CreateArchive` with `aws:RequestTag` and `aws:TagKeys`.",
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
        let mut statements = create_archives(every_archive, &this_archive, p.create_tags.as_ref())?;
        statements.extend([
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
        ]);
        Ok(PolicyDocument::new(statements))
    }

    fn required_requests(p: &ArchivingParams) -> Result<Vec<ExpectedRequest>, InvalidValue> {
        Identity::render(p)?;
        const WHO: &str = "the archive's users";
        let partition = resolve_partition(p.region, p.partition)?;
        let archive = |id: &str| {
            ses_arn(partition, p.region, p.account_id, "mailmanager-archive", id).into_string()
        };
        let new_archive = archive("a-0a1b2c3d4e5f6g7h8i9j0k1l2m");
        let this = match &p.archive_id {
            Scope::One(id) => archive(id.as_ref()),
            Scope::All => new_archive.clone(),
        };
        let mut create =
            ExpectedRequest::allow(WHO, "ses:CreateArchive", &new_archive, "create an archive");
        let mut wrong_tag = None;
        if let Some(tags) = &p.create_tags {
            let keys: Vec<&str> = tags.keys().map(TagKey::as_str).collect();
            for (key, values) in tags {
                let value = values.first().map(TagValue::as_str).unwrap_or_default();
                create = create.with(["aws:RequestTag/", key.as_str()].concat(), &[value]);
            }
            create = create.with("aws:TagKeys", &keys);
            if let Some(key) = keys.first() {
                wrong_tag = Some(ExpectedRequest {
                    expect: Expect::Deny,
                    why: "an archive created without the required tag value",
                    context: vec![
                        (
                            ["aws:RequestTag/", key].concat(),
                            vec!["another-value".to_owned()],
                        ),
                        ("aws:TagKeys".to_owned(), vec![(*key).to_owned()]),
                    ],
                    ..create.clone()
                });
            }
        }
        let mut out = vec![create.clone()];
        out.extend(wrong_tag);
        if p.create_tags.is_some() {
            // Tagging with the required tags: the named archive may be re-tagged, another one not.
            let tag = |resource: String, expect: Expect, why: &'static str| ExpectedRequest {
                action: "ses:TagResource",
                resource,
                expect,
                why,
                ..create.clone()
            };
            out.push(tag(
                this.clone(),
                Expect::Allow,
                "tag the archive with the required tags",
            ));
            if let Scope::One(_) = p.archive_id {
                out.push(tag(
                    archive("a-9z8y7x6w5v4u3t2s1r0q9p8o7n"),
                    Expect::Deny,
                    "re-tag another existing archive",
                ));
            }
        }
        for (action, why) in [
            ("ses:GetArchive", "read the archive's settings"),
            ("ses:StartArchiveSearch", "search the archive"),
            ("ses:GetArchiveMessageContent", "read an archived message"),
            ("ses:StartArchiveExport", "export the archive"),
            ("ses:UntagResource", "manage the archive's tags"),
        ] {
            out.push(ExpectedRequest::allow(WHO, action, &this, why));
        }
        out.push(ExpectedRequest::allow(
            WHO,
            "ses:ListArchives",
            "*",
            "find the archive",
        ));
        if let Scope::One(_) = p.archive_id {
            out.push(ExpectedRequest::deny(
                WHO,
                "ses:GetArchiveMessageContent",
                archive("a-9z8y7x6w5v4u3t2s1r0q9p8o7n"),
                "another archive",
            ));
        }
        out.push(ExpectedRequest::deny(
            WHO,
            "ses:DeleteIngressPoint",
            ses_arn(
                partition,
                p.region,
                p.account_id,
                "mailmanager-ingress-point",
                "inp-0a1b2c3d4e5f6g7h8i9j0k1l2m",
            )
            .into_string(),
            "archiving only, no other Mail Manager resource",
        ));
        Ok(out
            .into_iter()
            .map(|r| r.holder_in(p.account_id.as_str()))
            .collect())
    }
}

/// The statements creating archives: untagged, or only with the tags `create_tags` requires;
/// with tags, also tagging the named archive (`this_archive`) with those tags.
fn create_archives(
    every_archive: Text,
    this_archive: &Text,
    create_tags: Option<&CreateTags>,
) -> Result<Vec<Statement>, InvalidValue> {
    let Some(tags) = create_tags else {
        return Ok(vec![
            Statement::allow()
                .sid("CreateArchives")
                .actions(&["ses:CreateArchive"])
                .resources([every_archive]),
        ]);
    };
    if tags.is_empty() {
        return Err(InvalidValue::new(
            "create_tags",
            "{}",
            "give at least one tag key with its allowed values, or leave `create_tags` out",
        ));
    }
    if let Some((key, _)) = tags.iter().find(|(_, values)| values.is_empty()) {
        return Err(InvalidValue::new(
            "create_tags",
            key.as_str(),
            "list at least one allowed value for the tag key",
        ));
    }
    let with_tags = |st: Statement| {
        tags.iter()
            .fold(st, |st, (key, values)| {
                st.condition_list(
                    "StringEquals",
                    ["aws:RequestTag/", key.as_str()].concat(),
                    values.iter().map(TagValue::as_text),
                )
            })
            .condition_list(
                "ForAllValues:StringEquals",
                "aws:TagKeys",
                tags.keys().map(TagKey::as_text),
            )
    };
    Ok(vec![
        with_tags(
            Statement::allow()
                .sid("CreateArchivesWithRequiredTags")
                .actions(&["ses:CreateArchive"])
                .resources([every_archive]),
        ),
        with_tags(
            Statement::allow()
                .sid("TagArchiveWithRequiredTags")
                .actions(&["ses:TagResource"])
                .resources([this_archive.clone()]),
        ),
    ])
}
