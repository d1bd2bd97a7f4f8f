//! `operators.archive-reader`: search and read the messages of the named archives.

use crate::actions::{ARCHIVE_LIST, ARCHIVE_READ};
use crate::types::IdList;
use crate::{FEATURE, HOLDER};
use mmpolicy_core::ExpectedRequest;
use mmpolicy_core::arns::ses_arn;
use mmpolicy_core::types::{AccountId, ArchiveId, Partition, Region, example, resolve_partition};
use mmpolicy_core::{InvalidValue, PolicyDocument, PolicyKind, Provider, Statement};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Parameters of `operators.archive-reader`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ArchiveReaderParams {
    /// The account that owns the archives.
    pub account_id: AccountId,
    /// The region of the archives.
    pub region: Region,
    /// Only to double-check the partition the region belongs to.
    #[serde(
        default,
        deserialize_with = "mmpolicy_core::types::optional",
        skip_serializing_if = "Option::is_none"
    )]
    pub partition: Option<Partition>,
    /// The archives whose messages may be searched and read, or `*` for every archive of the
    /// account in the region (an explicit wildcard).
    pub archive_ids: IdList<ArchiveId>,
}

/// `operators.archive-reader`: the identity policy of the people who search archived mail.
#[derive(Debug, Clone, Copy, Default)]
pub struct ArchiveReader;

impl Provider for ArchiveReader {
    type Params = ArchiveReaderParams;
    const ID: &'static str = "operators.archive-reader";
    const FEATURE: &'static str = FEATURE;
    const KIND: PolicyKind = PolicyKind::Identity;
    const TITLE: &'static str = "Search and read the messages of named archives";
    const DESCRIPTION: &'static str = "Attach to the IAM role of the people who search \
        archived mail (compliance, legal, support): they start and stop searches, read the \
        results and the messages (`GetArchiveMessage`, `GetArchiveMessageContent`) of the \
        named archives only. No export (`StartArchiveExport` writes mail to S3, where it \
        escapes the archive's retention and access control), no change and no delete. \
        `ListArchives` and `ListArchiveSearches` accept no resource type, so they are granted \
        on `\"*\"`: the holder sees the names of every archive of the account, not their mail.";
    const SOURCE: &'static str = "AWS, *Service Authorization Reference*, \"Actions, resources, and condition keys for Amazon SES\" (the archive actions and the `mailmanager-archive` resource type); AWS, *Amazon SES Developer Guide*, \"Email archiving in Mail Manager\" (searching and exporting archived messages).";

    fn example() -> ArchiveReaderParams {
        ArchiveReaderParams {
            account_id: example::account_id(),
            region: example::region(),
            partition: None,
            archive_ids: IdList::Some(vec![example::parse("a-7x3kq9b2m4n8p1r5t6v0w2y4z8")]),
        }
    }

    fn render(p: &ArchiveReaderParams) -> Result<PolicyDocument, InvalidValue> {
        let partition = resolve_partition(p.region, p.partition)?;
        Ok(PolicyDocument::new(vec![
            Statement::allow()
                .sid("SearchAndReadNamedArchives")
                .actions(ARCHIVE_READ)
                .resources(p.archive_ids.arn_suffixes().into_iter().map(|id| {
                    ses_arn(partition, p.region, p.account_id, "mailmanager-archive", id)
                })),
            Statement::allow()
                .sid("ListArchivesAndSearches")
                .actions(ARCHIVE_LIST)
                .resources(["*"]),
        ]))
    }

    fn required_requests(p: &ArchiveReaderParams) -> Result<Vec<ExpectedRequest>, InvalidValue> {
        let partition = resolve_partition(p.region, p.partition)?;
        let arn = |id: &str| {
            ses_arn(partition, p.region, p.account_id, "mailmanager-archive", id).into_string()
        };
        let named = match &p.archive_ids {
            IdList::All => arn("a-1a2b3c4d5e6f7g8h9i0j1k2l3m"),
            IdList::Some(ids) => ids.first().map(|id| arn(id.as_str())).unwrap_or_default(),
        };
        let mut out = vec![
            ExpectedRequest::allow(
                HOLDER,
                "ses:StartArchiveSearch",
                &named,
                "search a named archive",
            ),
            ExpectedRequest::allow(
                HOLDER,
                "ses:GetArchiveSearchResults",
                &named,
                "read the results",
            ),
            ExpectedRequest::allow(
                HOLDER,
                "ses:GetArchiveMessageContent",
                &named,
                "read a message",
            ),
            ExpectedRequest::allow(HOLDER, "ses:ListArchives", "*", "find the archive"),
            ExpectedRequest::deny(HOLDER, "ses:StartArchiveExport", &named, "no export"),
            ExpectedRequest::deny(HOLDER, "ses:DeleteArchive", &named, "no delete"),
            ExpectedRequest::deny(
                HOLDER,
                "ses:UpdateArchive",
                &named,
                "no change to retention",
            ),
        ];
        if let IdList::Some(_) = p.archive_ids {
            out.push(ExpectedRequest::deny(
                HOLDER,
                "ses:GetArchiveMessageContent",
                arn("a-0000000000000000000000000000"),
                "an archive not named",
            ));
        }
        Ok(crate::held_in(out, p.account_id))
    }
}
