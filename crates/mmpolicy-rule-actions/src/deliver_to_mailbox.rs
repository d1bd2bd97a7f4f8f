//! What the Deliver to mailbox rule action needs: `rule-actions.deliver-to-mailbox`.

use crate::FEATURE;
use crate::place::*;
use crate::place::{ROLE, by_role};
use crate::types::*;
use mmpolicy_core::types::{AccountId, Partition, Region, example};
use mmpolicy_core::{
    ExpectedRequest, InvalidValue, PolicyDocument, PolicyKind, Provider, Statement,
};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

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
        Ok(PolicyDocument::one(
            Statement::allow()
                .sid("DeliverToMailbox")
                .actions(&["workmail:DeliverToMailbox"])
                .resources([place.arn(
                    "workmail",
                    &["organization/", p.workmail_organization_id.as_str()],
                )]),
        ))
    }

    fn required_requests(p: &DeliverToMailboxParams) -> Result<Vec<ExpectedRequest>, InvalidValue> {
        let place = Place::new(p.account_id, p.region, p.partition)?;
        let organization =
            |id: &str| place.arn("workmail", &[format!("organization/{id}").as_str()]);
        Ok(by_role(
            vec![
                ExpectedRequest::allow(
                    ROLE,
                    "workmail:DeliverToMailbox",
                    organization(p.workmail_organization_id.as_ref()),
                    "deliver to the organization's mailboxes",
                ),
                ExpectedRequest::deny(
                    ROLE,
                    "workmail:DeliverToMailbox",
                    organization("m-00000000000000000000000000000000"),
                    "another WorkMail organization",
                ),
            ],
            p.account_id,
        ))
    }
}
