//! What the Deliver to Amazon Q Business rule action needs: `rule-actions.deliver-to-q-business`.

use crate::FEATURE;
use crate::place::*;
use crate::place::{ROLE, by_role, key_requests};
use crate::types::*;
use mmpolicy_core::types::{AccountId, KmsKeyArn, Partition, Region, example};
use mmpolicy_core::{
    ExpectedRequest, InvalidValue, PolicyDocument, PolicyKind, Provider, Statement,
};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Parameters of `rule-actions.deliver-to-q-business`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DeliverToQBusinessParams {
    /// The account of the Amazon Q Business application.
    pub account_id: AccountId,
    /// The region of the Amazon Q Business application.
    pub region: Region,
    /// The partition; it follows from the region, so give it only to double-check.
    #[serde(
        default,
        deserialize_with = "mmpolicy_core::types::optional",
        skip_serializing_if = "Option::is_none"
    )]
    pub partition: Option<Partition>,
    /// The Amazon Q Business application that receives the messages.
    pub application_id: QBusinessApplicationId,
    /// The index of the application the messages are stored in.
    pub index_id: QBusinessIndexId,
    /// The customer managed KMS key of the application, if it uses one (in the same region).
    #[serde(
        default,
        deserialize_with = "mmpolicy_core::types::optional",
        skip_serializing_if = "Option::is_none"
    )]
    pub kms_key_arn: Option<KmsKeyArn>,
}

/// `rule-actions.deliver-to-q-business`: what the Deliver to Amazon Q Business action needs.
#[derive(Debug, Clone, Copy, Default)]
pub struct DeliverToQBusiness;

impl Provider for DeliverToQBusiness {
    type Params = DeliverToQBusinessParams;
    const ID: &'static str = "rule-actions.deliver-to-q-business";
    const FEATURE: &'static str = FEATURE;
    const KIND: PolicyKind = PolicyKind::Identity;
    const TITLE: &'static str =
        "Permission policy for the Deliver to Amazon Q Business rule action";
    const DESCRIPTION: &'static str = "Attach to the rule set's execution role when a rule \
        delivers messages to an Amazon Q Business application: it allows \
        `qbusiness:BatchPutDocument` on the application and its index, and, when the \
        application is encrypted with a customer managed key, the KMS actions AWS's current page \
        lists (`kms:GenerateDataKey*`, `kms:Encrypt`, `kms:DescribeKey`) on that key, through \
        Amazon Q Business only (`kms:ViaService`) and for calls on behalf of the application's \
        account (`kms:CallerAccount`).\n\n\
        Newer than the reference page this project follows: its facts come from AWS's current \
        version of the page and the Mail Manager API reference (`DeliverToQBusinessAction`: \
        the role \"must have access to the qbusiness:BatchPutDocument API for the given \
        application and index\").\n\n\
        The key statement works only with the key's policy: IAM policies count for a KMS key only when the key's policy lets them (AWS KMS \
        Developer Guide, *Key policies in AWS KMS*: \"Unless the key policy explicitly allows \
        it, you cannot use IAM policies to allow access to a KMS key.\"), as the default key \
        policy does with its statement for the account (`arn:<partition>:iam::<account>:root`). \
        For a key whose policy has no such statement, add `rule-actions.key-policy` to the key's \
        policy; the deployment bundle plans it for every key named by ARN.\n\n\
        Regions: the action names the application by id (`ApplicationId`), not by ARN, so the \
        application is in the rule set's region; its key must be in that region too (Amazon Q \
        Business uses it through `qbusiness.<region>.amazonaws.com`), and a key of another \
        region is refused.";
    const SOURCE: &'static str = "AWS, *Permission policies for Mail Manager* (current version), \"Deliver to Amazon Q Business\"; Mail Manager API reference, `DeliverToQBusinessAction`; Service Authorization Reference for Amazon Q Business (`BatchPutDocument` requires the `application` and `index` resource types); AWS KMS Developer Guide, *Key policies in AWS KMS*.";
    const CORRECTIONS: &'static [&'static str] = &[
        "The page's KMS statement is written as a key-policy statement without a `Principal` and on `key/*`: KMS rejects a key-policy statement without a principal. It is emitted here as a statement of the role's identity policy, on the one key, with `kms:ViaService` = `qbusiness.<region>.amazonaws.com`.",
        "`Resource` names both the application and its index, the two resource types `BatchPutDocument` requires.",
        "Earlier versions of this policy allowed `kms:Decrypt` and `kms:GenerateDataKey*` on the key; the actions are now the page's (`kms:GenerateDataKey*`, `kms:Encrypt`, `kms:DescribeKey`), with no `kms:Decrypt`: delivering writes documents and nothing AWS publishes says the role reads them back.",
    ];

    fn example() -> DeliverToQBusinessParams {
        DeliverToQBusinessParams {
            account_id: example::account_id(),
            region: example::region(),
            partition: None,
            application_id: example::parse("a1b2c3d4-5678-90ab-cdef-111122223333"),
            index_id: example::parse("b2c3d4e5-6789-01ab-cdef-111122223333"),
            kms_key_arn: Some(example_key()),
        }
    }

    fn render(p: &DeliverToQBusinessParams) -> Result<PolicyDocument, InvalidValue> {
        let place = Place::new(p.account_id, p.region, p.partition)?;
        let application = p.application_id.as_str();
        let mut statements = vec![
            Statement::allow()
                .sid("DeliverToQBusiness")
                .actions(&["qbusiness:BatchPutDocument"])
                .resources([
                    place.arn("qbusiness", &["application/", application]),
                    place.arn(
                        "qbusiness",
                        &["application/", application, "/index/", p.index_id.as_str()],
                    ),
                ]),
        ];
        if let Some(key) = &p.kms_key_arn {
            key_in_region(key, p.region, "Amazon Q Business application")?;
            statements.push(
                Statement::allow()
                    .sid("DeliverToQBusinessUseKey")
                    .actions(Q_BUSINESS_KEY_ACTIONS)
                    .resources([key.as_str().to_owned()])
                    .condition(
                        "StringEquals",
                        "kms:ViaService",
                        [p.region.service_endpoint("qbusiness")],
                    )
                    .condition(
                        "StringEquals",
                        "kms:CallerAccount",
                        [p.account_id.as_str().to_owned()],
                    ),
            );
        }
        Ok(PolicyDocument::new(statements))
    }

    fn required_requests(
        p: &DeliverToQBusinessParams,
    ) -> Result<Vec<ExpectedRequest>, InvalidValue> {
        let place = Place::new(p.account_id, p.region, p.partition)?;
        let application = format!("application/{}", p.application_id);
        let index = place.arn(
            "qbusiness",
            &[format!("{application}/index/{}", p.index_id).as_str()],
        );
        let mut out = vec![
            ExpectedRequest::allow(
                ROLE,
                "qbusiness:BatchPutDocument",
                place.arn("qbusiness", &[application.as_str()]),
                "add the message to the application",
            ),
            ExpectedRequest::allow(
                ROLE,
                "qbusiness:BatchPutDocument",
                &index,
                "add the message to the index",
            ),
            ExpectedRequest::deny(
                ROLE,
                "qbusiness:BatchPutDocument",
                place.arn(
                    "qbusiness",
                    &["application/00000000-0000-0000-0000-000000000000"],
                ),
                "another application",
            ),
            ExpectedRequest::deny(
                ROLE,
                "qbusiness:BatchDeleteDocument",
                &index,
                "delivery only adds documents",
            ),
        ];
        if let Some(key) = &p.kms_key_arn {
            key_in_region(key, p.region, "Amazon Q Business application")?;
            out.extend(
                key_requests(
                    Q_BUSINESS_KEY_ACTIONS,
                    key,
                    "qbusiness",
                    "encrypt the documents with the application's key",
                )
                .into_iter()
                .map(|r| r.with("kms:CallerAccount", &[p.account_id.as_str()])),
            );
        }
        Ok(by_role(out, p.account_id))
    }
}
