//! What the Send to internet rule action needs: `rule-actions.send-to-internet`.

use crate::FEATURE;
use crate::place::{ROLE, by_role};
use crate::types::*;
use mmpolicy_core::arns::ses_arn;
use mmpolicy_core::types::{AccountId, Partition, Region, SesIdentity, example, resolve_partition};
use mmpolicy_core::{
    ExpectedRequest, InvalidValue, PolicyDocument, PolicyKind, Provider, Statement,
};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Parameters of `rule-actions.send-to-internet`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SendToInternetParams {
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
    /// The verified SES identity (domain or address) the messages are sent from.
    pub sending_identity: SesIdentity,
    /// The SES configuration set used when sending, if any: the role may then use it too.
    #[serde(
        default,
        deserialize_with = "mmpolicy_core::types::optional",
        skip_serializing_if = "Option::is_none"
    )]
    pub configuration_set: Option<ConfigurationSetName>,
}

/// `rule-actions.send-to-internet`: what the Send to internet action needs.
#[derive(Debug, Clone, Copy, Default)]
pub struct SendToInternet;

impl Provider for SendToInternet {
    type Params = SendToInternetParams;
    const ID: &'static str = "rule-actions.send-to-internet";
    const FEATURE: &'static str = FEATURE;
    const KIND: PolicyKind = PolicyKind::Identity;
    const TITLE: &'static str = "Permission policy for the Send to internet rule action";
    const DESCRIPTION: &'static str = "Attach to the rule set's execution role when a rule \
        sends messages on to the internet: it allows `ses:SendEmail` and `ses:SendRawEmail` \
        from the one verified identity, and with the configuration set when one is given.";
    const SOURCE: &'static str = "AWS, *Permission policies for Mail Manager*, \"Permission policy for Send to internet rule action\"; resource types from the Service Authorization Reference for Amazon SES (`SendEmail` and `SendRawEmail` accept `identity` and `configuration-set`).";
    const CORRECTIONS: &'static [&'static str] = &[
        "With a configuration set, its ARN is added to `Resource`: SES authorizes the send against the configuration set too.",
    ];

    fn example() -> SendToInternetParams {
        SendToInternetParams {
            account_id: example::account_id(),
            region: example::region(),
            partition: None,
            sending_identity: example::parse("example.com"),
            configuration_set: Some(example::parse("outbound-tracking")),
        }
    }

    fn render(p: &SendToInternetParams) -> Result<PolicyDocument, InvalidValue> {
        let partition = resolve_partition(p.region, p.partition)?;
        let arn =
            |resource_type, name| ses_arn(partition, p.region, p.account_id, resource_type, name);
        let identity = arn("identity", p.sending_identity.as_str());
        let set = p
            .configuration_set
            .as_ref()
            .map(|set| arn("configuration-set", set.as_str()));
        Ok(PolicyDocument::one(
            Statement::allow()
                .sid("SendToInternet")
                .actions(&["ses:SendEmail", "ses:SendRawEmail"])
                .resources(std::iter::once(identity).chain(set)),
        ))
    }

    fn required_requests(p: &SendToInternetParams) -> Result<Vec<ExpectedRequest>, InvalidValue> {
        let partition = resolve_partition(p.region, p.partition)?;
        let arn =
            |t: &str, name: &str| ses_arn(partition, p.region, p.account_id, t, name).into_string();
        let identity = arn("identity", p.sending_identity.as_str());
        let mut out = Vec::new();
        for action in ["ses:SendEmail", "ses:SendRawEmail"] {
            out.push(ExpectedRequest::allow(
                ROLE,
                action,
                &identity,
                "send from the identity",
            ));
            if let Some(set) = &p.configuration_set {
                out.push(ExpectedRequest::allow(
                    ROLE,
                    action,
                    arn("configuration-set", set.as_str()),
                    "send with the configuration set",
                ));
            }
        }
        out.push(ExpectedRequest::deny(
            ROLE,
            "ses:SendEmail",
            arn("identity", "another-identity.example"),
            "another sending identity",
        ));
        out.push(ExpectedRequest::deny(
            ROLE,
            "ses:SendBounce",
            &identity,
            "sending only, no bounce",
        ));
        Ok(by_role(out, p.account_id))
    }
}
