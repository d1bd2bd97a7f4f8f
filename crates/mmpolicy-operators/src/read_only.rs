//! `operators.read-only`: every Mail Manager `Get` and `List` action, and nothing else.

use crate::actions::{LIST, READ};
use crate::{FEATURE, HOLDER, every};
use mmpolicy_core::ExpectedRequest;
use mmpolicy_core::types::{AccountId, Partition, Region, example, resolve_partition};
use mmpolicy_core::{InvalidValue, PolicyDocument, PolicyKind, Provider, Statement};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Parameters of `operators.read-only`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ReadOnlyParams {
    /// The account whose Mail Manager resources may be read.
    pub account_id: AccountId,
    /// The region of those resources.
    pub region: Region,
    /// Only to double-check the partition the region belongs to.
    #[serde(
        default,
        deserialize_with = "mmpolicy_core::types::optional",
        skip_serializing_if = "Option::is_none"
    )]
    pub partition: Option<Partition>,
}

/// `operators.read-only`: the identity policy of people and tools that look at Mail Manager.
#[derive(Debug, Clone, Copy, Default)]
pub struct ReadOnly;

impl Provider for ReadOnly {
    type Params = ReadOnlyParams;
    const ID: &'static str = "operators.read-only";
    const FEATURE: &'static str = FEATURE;
    const KIND: PolicyKind = PolicyKind::Identity;
    const TITLE: &'static str = "Read-only access to Mail Manager";
    const DESCRIPTION: &'static str = "Attach to the IAM role (or user) of people and tools \
        that look at Mail Manager without changing it: dashboards, auditors, on-call \
        engineers. It grants every Mail Manager `Get` and `List` action and nothing else: the \
        `List` actions that accept no resource type on `\"*\"` (IAM authorizes them only \
        there), the others on the account's Mail Manager resources in the region. It reads \
        archived messages too (`GetArchiveMessage`, `GetArchiveMessageContent`, search \
        results): give `operators.archive-reader` instead where mail content must stay with \
        fewer people. AWS's managed policy `AmazonSESReadOnlyAccess` grants `ses:Get*` and \
        `ses:List*` on `*`, which also covers every SES sending resource.";
    const SOURCE: &'static str = "AWS, *Service Authorization Reference*, \"Actions, resources, and condition keys for Amazon SES\" (the Mail Manager actions, their resource types and condition keys).";

    fn example() -> ReadOnlyParams {
        ReadOnlyParams {
            account_id: example::account_id(),
            region: example::region(),
            partition: None,
        }
    }

    fn render(p: &ReadOnlyParams) -> Result<PolicyDocument, InvalidValue> {
        let partition = resolve_partition(p.region, p.partition)?;
        let mut statements: Vec<Statement> = READ
            .iter()
            .map(|(sid, t, actions)| {
                Statement::allow()
                    .sid(*sid)
                    .actions(*actions)
                    .resources([every(partition, p.region, p.account_id, t)])
            })
            .collect();
        statements.push(
            Statement::allow()
                .sid("ListMailManagerResources")
                .actions(LIST)
                .resources(["*"]),
        );
        Ok(PolicyDocument::new(statements))
    }

    fn required_requests(p: &ReadOnlyParams) -> Result<Vec<ExpectedRequest>, InvalidValue> {
        let partition = resolve_partition(p.region, p.partition)?;
        let arn = |t: &str, id: &str| {
            mmpolicy_core::arns::ses_arn(partition, p.region, p.account_id, t, id).into_string()
        };
        let rule_set = arn("mailmanager-rule-set", "rs-1a2b3c4d5e6f7g8h9i0j1k2l3m");
        let archive = arn("mailmanager-archive", "a-1a2b3c4d5e6f7g8h9i0j1k2l3m");
        let other_region = format!(
            "arn:{}:ses:{}:{}:mailmanager-rule-set/rs-1a2b3c4d5e6f7g8h9i0j1k2l3m",
            partition.as_str(),
            if p.region.as_str() == "eu-west-1" {
                "eu-central-1"
            } else {
                "eu-west-1"
            },
            p.account_id.as_str()
        );
        let out = vec![
            ExpectedRequest::allow(HOLDER, "ses:GetRuleSet", &rule_set, "read a rule set"),
            ExpectedRequest::allow(HOLDER, "ses:ListIngressPoints", "*", "list ingress points"),
            ExpectedRequest::allow(
                HOLDER,
                "ses:GetArchiveSearchResults",
                &archive,
                "read search results",
            ),
            ExpectedRequest::deny(
                HOLDER,
                "ses:UpdateRuleSet",
                &rule_set,
                "read-only: no update",
            ),
            ExpectedRequest::deny(
                HOLDER,
                "ses:StartArchiveSearch",
                &archive,
                "read-only: no new search",
            ),
            ExpectedRequest::deny(
                HOLDER,
                "ses:DeleteArchive",
                &archive,
                "read-only: no delete",
            ),
            ExpectedRequest::deny(
                HOLDER,
                "ses:GetRuleSet",
                other_region,
                "another region's rule set",
            ),
            ExpectedRequest::deny(
                HOLDER,
                "ses:GetEmailIdentity",
                arn("identity", "example.com"),
                "an SES sending resource, not Mail Manager",
            ),
        ];
        // Every resource type is read by the statement of its type.
        let mut out = out;
        for (_, t, actions) in READ {
            if let Some(action) = actions.first() {
                out.push(ExpectedRequest::allow(
                    HOLDER,
                    action,
                    arn(t, "example"),
                    "read a resource of each type",
                ));
            }
        }
        Ok(crate::held_in(out, p.account_id))
    }
}
