//! What the Publish to SNS rule action needs: `rule-actions.publish-to-sns`.

use crate::FEATURE;
use crate::place::*;
use crate::place::{ROLE, by_role, key_requests};
use crate::types::*;
use mmpolicy_core::types::{KmsKeyArn, example};
use mmpolicy_core::{
    ExpectedRequest, InvalidValue, PolicyDocument, PolicyKind, Provider, Statement,
};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Parameters of `rule-actions.publish-to-sns`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PublishToSnsParams {
    /// The SNS topic the messages are published to.
    pub topic_arn: SnsTopicArn,
    /// The customer managed KMS key of the topic's server-side encryption, if any (in the
    /// topic's region).
    #[serde(
        default,
        deserialize_with = "mmpolicy_core::types::optional",
        skip_serializing_if = "Option::is_none"
    )]
    pub kms_key_arn: Option<KmsKeyArn>,
}

/// `rule-actions.publish-to-sns`: what the Publish to SNS action needs.
#[derive(Debug, Clone, Copy, Default)]
pub struct PublishToSns;

impl Provider for PublishToSns {
    type Params = PublishToSnsParams;
    const ID: &'static str = "rule-actions.publish-to-sns";
    const FEATURE: &'static str = FEATURE;
    const KIND: PolicyKind = PolicyKind::Identity;
    const TITLE: &'static str = "Permission policy for the Publish to SNS rule action";
    const DESCRIPTION: &'static str = "Attach to the rule set's execution role when a rule \
        publishes messages to an SNS topic: it allows `sns:Publish` on the one topic and, when \
        the topic is encrypted with a customer managed key, using the key through SNS only \
        (`kms:ViaService`).\n\n\
        Newer than the reference page this project follows: its facts come from AWS's current \
        version of the page and the Mail Manager API reference (`SnsAction`).\n\n\
        The key statement works only with the key's policy: IAM policies count for a KMS key only when the key's policy lets them (AWS KMS \
        Developer Guide, *Key policies in AWS KMS*: \"Unless the key policy explicitly allows \
        it, you cannot use IAM policies to allow access to a KMS key.\"), as the default key \
        policy does with its statement for the account (`arn:<partition>:iam::<account>:root`). \
        For a key whose policy has no such statement, add `rule-actions.key-policy` to the key's \
        policy; the deployment bundle plans it for every key named by ARN.\n\n\
        Regions: a topic of another region than the rule set's is accepted: `SnsAction` takes \
        a topic ARN of any region (its pattern allows every region), AWS's Mail Manager pages \
        do not require the rule set's region (the same-region rule of SES receipt rules, \
        *Publish to Amazon SNS topic action*, is about the older receiving rules), and SNS \
        publishes to a topic from any region. The topic's key must be in the topic's region \
        (SNS encrypts with a key of its own region); a key of another region is refused.";
    const SOURCE: &'static str = "AWS, *Permission policies for Mail Manager* (current version), \"Publish to Amazon SNS\"; Mail Manager API reference, `SnsAction`; Amazon SNS Developer Guide, encryption at rest (publishers need `kms:GenerateDataKey*` and `kms:Decrypt`); AWS KMS Developer Guide, *Key policies in AWS KMS*; Amazon SES Developer Guide, *Publish to Amazon SNS topic action* (receipt rules only).";
    const CORRECTIONS: &'static [&'static str] = &[
        "The page's KMS statement is written as a key-policy statement without a `Principal` and on `key/*`: KMS rejects a key-policy statement without a principal. It is emitted here as a statement of the role's identity policy, on the one key.",
        "`kms:ViaService` is `sns.<region>.amazonaws.com`: the page's SNS statement says `qbusiness`.",
    ];

    fn example() -> PublishToSnsParams {
        PublishToSnsParams {
            topic_arn: example::parse("arn:aws:sns:us-east-1:111122223333:inbound-mail"),
            kms_key_arn: Some(example_key()),
        }
    }

    fn render(p: &PublishToSnsParams) -> Result<PolicyDocument, InvalidValue> {
        let mut statements = vec![
            Statement::allow()
                .sid("PublishToSns")
                .actions(&["sns:Publish"])
                .resources([p.topic_arn.as_str().to_owned()]),
        ];
        if let Some(key) = &p.kms_key_arn {
            key_in_region(key, p.topic_arn.region(), "SNS topic")?;
            statements.push(
                Statement::allow()
                    .sid("PublishToSnsUseKey")
                    .actions(SNS_KEY_ACTIONS)
                    .resources([key.as_str().to_owned()])
                    .condition(
                        "StringEquals",
                        "kms:ViaService",
                        [p.topic_arn.region().service_endpoint("sns")],
                    ),
            );
        }
        Ok(PolicyDocument::new(statements))
    }

    fn required_requests(p: &PublishToSnsParams) -> Result<Vec<ExpectedRequest>, InvalidValue> {
        let topic = p.topic_arn.as_str();
        let another = match topic.rsplit_once(':') {
            Some((head, _)) => format!("{head}:another-topic"),
            None => String::new(),
        };
        let mut out = vec![
            ExpectedRequest::allow(ROLE, "sns:Publish", topic, "publish the message"),
            ExpectedRequest::deny(ROLE, "sns:Publish", another, "another topic"),
            ExpectedRequest::deny(
                ROLE,
                "sns:Subscribe",
                topic,
                "publishing only, no subscription",
            ),
        ];
        if let Some(key) = &p.kms_key_arn {
            key_in_region(key, p.topic_arn.region(), "SNS topic")?;
            out.extend(key_requests(
                SNS_KEY_ACTIONS,
                key,
                "sns",
                "publish to the encrypted topic",
            ));
        }
        Ok(by_role(out, p.topic_arn.account()))
    }
}
