//! The template of a feature crate: **address lists**, the lists of addresses a Mail Manager
//! rule set or traffic policy checks senders and recipients against.
//!
//! Copy this crate to start a feature (`docs/extending.md` walks through it). It uses only the
//! public API of `mmpolicy-core`: a validated id type of its own declared with
//! [`mmpolicy_core::mail_manager_id!`], one provider, and its registration. It has no section in
//! the deployment file, which a feature may leave out: its provider is then rendered one at a
//! time (`mmpolicy render address-lists.reader ...`).

use mmpolicy_core::arns::ses_arn;
use mmpolicy_core::types::{AccountId, Partition, Region, Scope, example, resolve_partition};
use mmpolicy_core::{
    ExpectedRequest, InvalidValue, PolicyDocument, PolicyKind, Provider, Statement,
    register_provider,
};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// The feature name of this crate's providers.
pub const FEATURE: &str = "address-lists";

mmpolicy_core::mail_manager_id!(
    /// The id of a Mail Manager address list (`al-` and 24 to 62 lowercase letters or digits).
    AddressListId, field = "address_list_id", title = "address list id", prefix = Some("al-"),
    pattern = "^al-[a-z0-9]{24,62}$", example = "al-1a2b3c4d5e6f7g8h9i0j1k2l3m"
);

/// Parameters of `address-lists.reader`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ReaderParams {
    /// The account that owns the address list.
    pub account_id: AccountId,
    /// The region of the address list.
    pub region: Region,
    /// The partition; it follows from the region, so give it only to double-check.
    #[serde(
        default,
        deserialize_with = "mmpolicy_core::types::optional",
        skip_serializing_if = "Option::is_none"
    )]
    pub partition: Option<Partition>,
    /// The address list to read, or `*` for every address list of the account in the region
    /// (an explicit wildcard).
    pub address_list_id: Scope<AddressListId>,
}

/// `address-lists.reader`: reading an address list and its members.
#[derive(Debug, Clone, Copy, Default)]
pub struct Reader;

impl Provider for Reader {
    type Params = ReaderParams;
    const ID: &'static str = "address-lists.reader";
    const FEATURE: &'static str = FEATURE;
    const KIND: PolicyKind = PolicyKind::Identity;
    const TITLE: &'static str = "Identity policy for reading an address list";
    const DESCRIPTION: &'static str = "Attach to the IAM role or user that reviews an address \
        list: it allows reading the list and its members, on the one list.";
    const SOURCE: &'static str =
        "Mail Manager API reference, `GetAddressList` and `ListMembersOfAddressList`.";

    fn example() -> ReaderParams {
        ReaderParams {
            account_id: example::account_id(),
            region: example::region(),
            partition: None,
            address_list_id: Scope::One(example::parse("al-4k7m2p9q1s3u5w7y0a2c4e6g8i")),
        }
    }

    fn render(p: &ReaderParams) -> Result<PolicyDocument, InvalidValue> {
        let partition = resolve_partition(p.region, p.partition)?;
        Ok(PolicyDocument::one(
            Statement::allow()
                .sid("ReadAddressList")
                .actions(&["ses:GetAddressList", "ses:ListMembersOfAddressList"])
                .resources([ses_arn(
                    partition,
                    p.region,
                    p.account_id,
                    "mailmanager-address-list",
                    p.address_list_id.arn_suffix(),
                )]),
        ))
    }

    fn required_requests(p: &ReaderParams) -> Result<Vec<ExpectedRequest>, InvalidValue> {
        const WHO: &str = "the reviewer";
        let partition = resolve_partition(p.region, p.partition)?;
        let list = |id: &str| {
            ses_arn(
                partition,
                p.region,
                p.account_id,
                "mailmanager-address-list",
                id,
            )
            .into_string()
        };
        let named = list(match &p.address_list_id {
            Scope::One(id) => id.as_str(),
            Scope::All => "al-4k7m2p9q1s3u5w7y0a2c4e6g8i",
        });
        let mut out = vec![
            ExpectedRequest::allow(WHO, "ses:GetAddressList", &named, "read the list"),
            ExpectedRequest::allow(
                WHO,
                "ses:ListMembersOfAddressList",
                &named,
                "read its members",
            ),
            ExpectedRequest::deny(
                WHO,
                "ses:DeleteAddressList",
                &named,
                "no change to the list",
            ),
        ];
        if let Scope::One(_) = p.address_list_id {
            out.push(ExpectedRequest::deny(
                WHO,
                "ses:GetAddressList",
                list("al-0000000000000000000000000000"),
                "another address list",
            ));
        }
        Ok(out
            .into_iter()
            .map(|r| r.holder_in(p.account_id.as_str()))
            .collect())
    }
}

register_provider!(Reader);
