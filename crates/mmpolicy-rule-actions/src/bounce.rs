//! What the Bounce rule action needs: `rule-actions.bounce`.

use crate::FEATURE;
use crate::place::{ROLE, by_role};
use mmpolicy_core::arns::ses_arn;
use mmpolicy_core::types::{AccountId, Partition, Region, SesIdentity, example, resolve_partition};
use mmpolicy_core::{
    ExpectedRequest, InvalidValue, PolicyDocument, PolicyKind, Provider, Statement,
};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Parameters of `rule-actions.bounce`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct BounceParams {
    /// The account of the sending identity.
    pub account_id: AccountId,
    /// The region of the sending identity.
    pub region: Region,
    /// The partition; it follows from the region, so give it only to double-check.
    #[serde(
        default,
        deserialize_with = "mmpolicy_core::types::optional",
        skip_serializing_if = "Option::is_none"
    )]
    pub partition: Option<Partition>,
    /// The verified SES identity (domain or address) the bounce messages are sent from.
    pub sending_identity: SesIdentity,
}

/// `rule-actions.bounce`: what the Bounce action needs.
#[derive(Debug, Clone, Copy, Default)]
pub struct Bounce;

impl Provider for Bounce {
    type Params = BounceParams;
    const ID: &'static str = "rule-actions.bounce";
    const FEATURE: &'static str = FEATURE;
    const KIND: PolicyKind = PolicyKind::Identity;
    const TITLE: &'static str = "Permission policy for the Bounce rule action";
    const DESCRIPTION: &'static str = "Attach to the rule set's execution role when a rule \
        bounces messages: the action's role (`BounceAction.RoleArn`, required) sends the \
        bounce from a verified identity, so it needs `ses:SendBounce` on that one identity.\n\n\
        Not on AWS's reference page: its facts come from the Mail Manager API reference \
        (`BounceAction`) and the Service Authorization Reference for Amazon SES \
        (`SendBounce` requires the `identity` resource type).";
    const SOURCE: &'static str = "Mail Manager API reference, `BounceAction` (`RoleArn`, required); Service Authorization Reference for Amazon SES (`SendBounce` requires the `identity` resource type).";
    const CORRECTIONS: &'static [&'static str] = &[];

    fn example() -> BounceParams {
        BounceParams {
            account_id: example::account_id(),
            region: example::region(),
            partition: None,
            sending_identity: example::parse("example.com"),
        }
    }

    fn render(p: &BounceParams) -> Result<PolicyDocument, InvalidValue> {
        let partition = resolve_partition(p.region, p.partition)?;
        Ok(PolicyDocument::one(
            Statement::allow()
                .sid("Bounce")
                .actions(&["ses:SendBounce"])
                .resources([ses_arn(
                    partition,
                    p.region,
                    p.account_id,
                    "identity",
                    p.sending_identity.as_str(),
                )]),
        ))
    }

    fn required_requests(p: &BounceParams) -> Result<Vec<ExpectedRequest>, InvalidValue> {
        let partition = resolve_partition(p.region, p.partition)?;
        let identity =
            |name: &str| ses_arn(partition, p.region, p.account_id, "identity", name).into_string();
        let own = identity(p.sending_identity.as_str());
        Ok(by_role(
            vec![
                ExpectedRequest::allow(ROLE, "ses:SendBounce", &own, "bounce from the identity"),
                ExpectedRequest::deny(
                    ROLE,
                    "ses:SendBounce",
                    identity("another-identity.example"),
                    "another sending identity",
                ),
                ExpectedRequest::deny(ROLE, "ses:SendEmail", &own, "a bounce only, no other mail"),
            ],
            p.account_id,
        ))
    }
}
