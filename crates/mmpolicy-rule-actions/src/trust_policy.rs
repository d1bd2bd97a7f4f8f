//! The trust policy of the rule set's execution role: `rule-actions.trust-policy`.

use crate::FEATURE;
use mmpolicy_core::Expect;
use mmpolicy_core::arns::{SES_SERVICE_PRINCIPAL, ses_arn};
use mmpolicy_core::requests::Source;
use mmpolicy_core::types::{
    AccountId, Partition, Region, RuleSetId, Scope, example, resolve_partition,
};
use mmpolicy_core::{
    ExpectedRequest, InvalidValue, PolicyDocument, PolicyKind, Principal, Provider, Statement,
};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Parameters of `rule-actions.trust-policy`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TrustParams {
    /// The account that owns the rule set.
    pub account_id: AccountId,
    /// The region of the rule set.
    pub region: Region,
    /// The partition; it follows from the region, so give it only to double-check.
    #[serde(
        default,
        deserialize_with = "mmpolicy_core::types::optional",
        skip_serializing_if = "Option::is_none"
    )]
    pub partition: Option<Partition>,
    /// The rule set allowed to use the role, or `*` for every rule set of the account in the
    /// region (`mailmanager-rule-set/*`, an explicit wildcard).
    pub rule_set_id: Scope<RuleSetId>,
}

/// `rule-actions.trust-policy`: the trust policy of the rule set's execution role.
#[derive(Debug, Clone, Copy, Default)]
pub struct TrustPolicy;

impl Provider for TrustPolicy {
    type Params = TrustParams;
    const ID: &'static str = "rule-actions.trust-policy";
    const FEATURE: &'static str = FEATURE;
    const KIND: PolicyKind = PolicyKind::Trust;
    const TITLE: &'static str = "Trust policy of a rule set's execution role";
    const DESCRIPTION: &'static str = "Set as the trust policy of the IAM role that a Mail \
        Manager rule set uses to run its actions (write to S3, deliver to a mailbox, send to the \
        internet, deliver to Amazon Q Business, publish to SNS, invoke Lambda). SES assumes the \
        role only for your rule set: `aws:SourceAccount` and `aws:SourceArn` stop another \
        account's rule set from using it (the confused-deputy problem). Attach the permission \
        policies of the actions the rule set uses to the same role.";
    const SOURCE: &'static str = "AWS, *Permission policies for Mail Manager*, \"Permission and trust polices to execute rule actions\".";
    const CORRECTIONS: &'static [&'static str] = &[
        "`aws:SourceArn` names the one rule set `rule_set_id` gives, instead of every rule set of the account (which `rule_set_id = \"*\"` asks for explicitly).",
        "One account id everywhere: the page's placeholders mix accounts between sections.",
    ];

    fn example() -> TrustParams {
        TrustParams {
            account_id: example::account_id(),
            region: example::region(),
            partition: None,
            rule_set_id: Scope::One(example::parse("rs-4k7m2p9q1s3u5w7y0a2c4e6g8i")),
        }
    }

    fn render(p: &TrustParams) -> Result<PolicyDocument, InvalidValue> {
        let partition = resolve_partition(p.region, p.partition)?;
        let source = ses_arn(
            partition,
            p.region,
            p.account_id,
            "mailmanager-rule-set",
            p.rule_set_id.arn_suffix(),
        );
        Ok(PolicyDocument::one(
            Statement::allow()
                .sid("AllowMailManagerRuleSetToAssumeRole")
                .principal(Principal::service(SES_SERVICE_PRINCIPAL))
                .actions(&["sts:AssumeRole"])
                .source_conditions(p.account_id, source),
        ))
    }

    fn required_requests(p: &TrustParams) -> Result<Vec<ExpectedRequest>, InvalidValue> {
        let partition = resolve_partition(p.region, p.partition)?;
        let source = Source {
            partition,
            region: p.region,
            account: p.account_id,
            resource_type: "mailmanager-rule-set",
            id: match &p.rule_set_id {
                Scope::One(id) => Some(id.as_ref()),
                Scope::All => None,
            },
            example_id: "rs-0a1b2c3d4e5f6g7h8i9j0k1l2m",
        };
        // The role the trust policy is attached to; its name is the user's.
        let role = format!(
            "arn:{}:iam::{}:role/MailManagerRuleSetRole",
            partition.as_str(),
            p.account_id.as_str()
        );
        let assume = ExpectedRequest::allow(
            "Mail Manager",
            "sts:AssumeRole",
            &role,
            "assume the role to run the rule set's actions",
        );
        let mut out = source.requests(assume.clone());
        out.push(ExpectedRequest {
            expect: Expect::Deny,
            why: "another service assuming the role",
            ..assume
                .by_service("lambda.amazonaws.com")
                .from_source(p.account_id.as_str(), &source.arn())
        });
        Ok(out)
    }
}
