//! `operators.logging`: what enabling Mail Manager's logs needs.

use crate::actions::{LOG_DELIVERY, LOG_DESCRIBE, LOG_GROUP_POLICY};
use crate::types::{DeliveryStreamName, IdList, LogGroupName};
use crate::{FEATURE, HOLDER};
use mmpolicy_core::ExpectedRequest;
use mmpolicy_core::arns::{s3_arn, ses_arn};
use mmpolicy_core::types::{
    AccountId, BucketName, IngressPointId, Partition, Region, RuleSetId, example, resolve_partition,
};
use mmpolicy_core::{InvalidValue, PolicyDocument, PolicyKind, Provider, Statement, Text};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Where Mail Manager's logs are delivered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "type", rename_all = "kebab-case", deny_unknown_fields)]
#[schemars(title = "log destination: CloudWatch Logs, S3 or Firehose")]
pub enum Destination {
    /// A CloudWatch Logs log group of the account and region.
    CloudwatchLogs {
        /// The log group's name.
        log_group: LogGroupName,
    },
    /// An S3 bucket of the account.
    S3 {
        /// The bucket's name.
        bucket: BucketName,
    },
    /// A Firehose stream of the account and region.
    Firehose {
        /// The stream's name.
        delivery_stream: DeliveryStreamName,
    },
}

/// Parameters of `operators.logging`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct LoggingParams {
    /// The account of the Mail Manager resources and of the destination.
    pub account_id: AccountId,
    /// The region of the Mail Manager resources (and of a log group or stream destination).
    pub region: Region,
    /// Only to double-check the partition the region belongs to.
    #[serde(
        default,
        deserialize_with = "mmpolicy_core::types::optional",
        skip_serializing_if = "Option::is_none"
    )]
    pub partition: Option<Partition>,
    /// The ingress points whose logs may be enabled, or `*` for every one of the account in
    /// the region (an explicit wildcard). Give this, `rule_set_ids`, or both.
    #[serde(
        default,
        deserialize_with = "mmpolicy_core::types::optional",
        skip_serializing_if = "Option::is_none"
    )]
    pub ingress_point_ids: Option<IdList<IngressPointId>>,
    /// The rule sets whose logs may be enabled, or `*` for every one of the account in the
    /// region (an explicit wildcard). Give this, `ingress_point_ids`, or both.
    #[serde(
        default,
        deserialize_with = "mmpolicy_core::types::optional",
        skip_serializing_if = "Option::is_none"
    )]
    pub rule_set_ids: Option<IdList<RuleSetId>>,
    /// Where the logs go: `{ type = "cloudwatch-logs", log_group = ... }`,
    /// `{ type = "s3", bucket = ... }` or `{ type = "firehose", delivery_stream = ... }`.
    pub destination: Destination,
}

impl LoggingParams {
    /// The ARNs of the ingress points and rule sets whose logs are delivered.
    fn sources(&self, partition: Partition) -> Result<Vec<Text>, InvalidValue> {
        let mut out = Vec::new();
        if let Some(ids) = &self.ingress_point_ids {
            for id in ids.arn_suffixes() {
                out.push(ses_arn(
                    partition,
                    self.region,
                    self.account_id,
                    "mailmanager-ingress-point",
                    id,
                ));
            }
        }
        if let Some(ids) = &self.rule_set_ids {
            for id in ids.arn_suffixes() {
                out.push(ses_arn(
                    partition,
                    self.region,
                    self.account_id,
                    "mailmanager-rule-set",
                    id,
                ));
            }
        }
        if out.is_empty() {
            return Err(InvalidValue::new(
                "ingress_point_ids",
                "",
                "give `ingress_point_ids`, `rule_set_ids` or both: the resources whose logs are enabled",
            ));
        }
        Ok(out)
    }

    /// The destination's ARN, as `logs:DeliveryDestinationResourceArn` gives it.
    fn destination_arn(&self, partition: Partition) -> Text {
        let (p, r, a) = (
            partition.as_str(),
            self.region.as_str(),
            self.account_id.as_str(),
        );
        match &self.destination {
            Destination::CloudwatchLogs { log_group } => Text::concat(&[
                "arn:",
                p,
                ":logs:",
                r,
                ":",
                a,
                ":log-group:",
                log_group.as_str(),
            ]),
            Destination::S3 { bucket } => s3_arn(partition, bucket.as_str()),
            Destination::Firehose { delivery_stream } => Text::concat(&[
                "arn:",
                p,
                ":firehose:",
                r,
                ":",
                a,
                ":deliverystream/",
                delivery_stream.as_str(),
            ]),
        }
    }

    /// `arn:<partition>:logs:<region>:<account>:<type>:*`.
    fn logs_arn(&self, partition: Partition, resource_type: &str) -> Text {
        Text::concat(&[
            "arn:",
            partition.as_str(),
            ":logs:",
            self.region.as_str(),
            ":",
            self.account_id.as_str(),
            ":",
            resource_type,
            ":*",
        ])
    }
}

/// `operators.logging`: the identity policy of whoever enables Mail Manager's logs.
#[derive(Debug, Clone, Copy, Default)]
pub struct Logging;

impl Provider for Logging {
    type Params = LoggingParams;
    const ID: &'static str = "operators.logging";
    const FEATURE: &'static str = FEATURE;
    const KIND: PolicyKind = PolicyKind::Identity;
    const TITLE: &'static str = "Enable Mail Manager logs to one destination";
    const DESCRIPTION: &'static str = "Attach to the IAM role of the people or pipeline that \
        turn on Mail Manager's logs (ingress point traffic, rule set actions). Mail Manager \
        delivers them as CloudWatch Logs *vended logs*: the caller creates a delivery source \
        for the resource (allowed by `ses:AllowVendedLogDeliveryForResource` on the named \
        ingress points and rule sets, and `logs:PutDeliverySource` only for them through \
        `logs:LogGeneratingResourceArns`), a delivery destination for the one destination \
        given (`logs:DeliveryDestinationResourceArn`) and the delivery between them. CloudWatch \
        Logs then writes the destination's resource policy as the caller: the log groups' \
        resource policy (`logs:PutResourcePolicy` accepts no resource type, so it is granted \
        on `\"*\"`), the bucket policy of the S3 bucket, or, for Firehose, the stream's tag \
        and the log delivery service-linked role. Delivery sources, destinations and \
        deliveries are named by the caller, so they are granted in the account and region \
        (`delivery-source:*`).";
    const SOURCE: &'static str = "AWS, *Amazon SES Developer Guide*, \"Mail Manager logging\"; AWS, *Amazon CloudWatch Logs User Guide*, \"Enable logging from AWS services\" (the vended-log delivery permissions, and those of each destination: CloudWatch Logs, Amazon S3, Firehose); AWS, *Service Authorization Reference*, \"Actions, resources, and condition keys for Amazon SES\" (`ses:AllowVendedLogDeliveryForResource`).";

    fn example() -> LoggingParams {
        LoggingParams {
            account_id: example::account_id(),
            region: example::region(),
            partition: None,
            ingress_point_ids: Some(IdList::Some(vec![example::parse(
                "inp-7x3kq9b2m4n8p1r5t6v0w2y4z8",
            )])),
            rule_set_ids: Some(IdList::Some(vec![example::parse(
                "rs-7x3kq9b2m4n8p1r5t6v0w2y4z8",
            )])),
            destination: Destination::CloudwatchLogs {
                log_group: example::parse("/aws/vendedlogs/mailmanager"),
            },
        }
    }

    fn render(p: &LoggingParams) -> Result<PolicyDocument, InvalidValue> {
        let partition = resolve_partition(p.region, p.partition)?;
        let sources = p.sources(partition)?;
        let destination = p.destination_arn(partition);
        let mut statements = vec![
            Statement::allow()
                .sid("AllowVendedLogDeliveryForMailManager")
                .actions(&["ses:AllowVendedLogDeliveryForResource"])
                .resources(sources.iter().cloned()),
            Statement::allow()
                .sid("PutDeliverySourcesOfNamedResources")
                .actions(&["logs:PutDeliverySource"])
                .resources([p.logs_arn(partition, "delivery-source")])
                .condition_list(
                    "ForAllValues:ArnLike",
                    "logs:LogGeneratingResourceArns",
                    sources.iter().cloned(),
                )
                .condition("Null", "logs:LogGeneratingResourceArns", ["false"]),
            Statement::allow()
                .sid("PutDeliveryDestinationOfTheDestination")
                .actions(&["logs:PutDeliveryDestination"])
                .resources([p.logs_arn(partition, "delivery-destination")])
                .condition(
                    "ArnEquals",
                    "logs:DeliveryDestinationResourceArn",
                    [destination.clone()],
                ),
            Statement::allow()
                .sid("DescribeLogDeliveries")
                .actions(LOG_DESCRIBE)
                .resources(["*"]),
        ];
        statements.extend(LOG_DELIVERY.iter().map(|(sid, types, actions)| {
            Statement::allow()
                .sid(*sid)
                .actions(*actions)
                .resources(types.iter().map(|t| p.logs_arn(partition, t)))
        }));
        match &p.destination {
            Destination::CloudwatchLogs { .. } => statements.push(
                Statement::allow()
                    .sid("UpdateLogGroupResourcePolicyForDelivery")
                    .actions(LOG_GROUP_POLICY)
                    .resources(["*"]),
            ),
            Destination::S3 { .. } => statements.push(
                Statement::allow()
                    .sid("UpdateBucketPolicyForDelivery")
                    .actions(&["s3:GetBucketPolicy", "s3:PutBucketPolicy"])
                    .resources([destination]),
            ),
            Destination::Firehose { .. } => {
                statements.push(
                    Statement::allow()
                        .sid("TagStreamForDelivery")
                        .actions(&["firehose:TagDeliveryStream"])
                        .resources([destination]),
                );
                statements.push(
                    Statement::allow()
                        .sid("CreateLogDeliveryServiceLinkedRole")
                        .actions(&["iam:CreateServiceLinkedRole"])
                        .resources([Text::concat(&[
                            "arn:",
                            partition.as_str(),
                            ":iam::",
                            p.account_id.as_str(),
                            ":role/aws-service-role/delivery.logs.amazonaws.com/AWSServiceRoleForLogDelivery",
                        ])])
                        .condition("StringEquals", "iam:AWSServiceName", ["delivery.logs.amazonaws.com"]),
                );
            }
        }
        Ok(PolicyDocument::new(statements))
    }

    fn required_requests(p: &LoggingParams) -> Result<Vec<ExpectedRequest>, InvalidValue> {
        let partition = resolve_partition(p.region, p.partition)?;
        let sources = p.sources(partition)?;
        let destination = p.destination_arn(partition).into_string();
        let first = sources
            .first()
            .map(|s| s.as_str().replace('*', "inp-1a2b3c4d5e6f7g8h9i0j1k2l3m"))
            .unwrap_or_default();
        let source_arn = p
            .logs_arn(partition, "delivery-source")
            .as_str()
            .replace('*', "mailmanager-logs");
        let dest_arn = p
            .logs_arn(partition, "delivery-destination")
            .as_str()
            .replace('*', "mailmanager-logs");
        let other = ses_arn(
            partition,
            p.region,
            p.account_id,
            "mailmanager-ingress-point",
            "inp-0000000000000000000000000000",
        )
        .into_string();
        let named_all = p
            .ingress_point_ids
            .as_ref()
            .is_some_and(|l| matches!(l, IdList::All));
        let mut out = vec![
            ExpectedRequest::allow(
                HOLDER,
                "ses:AllowVendedLogDeliveryForResource",
                &first,
                "let a named resource deliver logs",
            ),
            ExpectedRequest::allow(
                HOLDER,
                "logs:PutDeliverySource",
                &source_arn,
                "create the delivery source of a named resource",
            )
            .with("logs:LogGeneratingResourceArns", &[first.as_str()]),
            ExpectedRequest::allow(
                HOLDER,
                "logs:PutDeliveryDestination",
                &dest_arn,
                "create the delivery destination",
            )
            .with(
                "logs:DeliveryDestinationResourceArn",
                &[destination.as_str()],
            ),
            ExpectedRequest::allow(
                HOLDER,
                "logs:CreateDelivery",
                p.logs_arn(partition, "delivery")
                    .as_str()
                    .replace('*', "d1"),
                "connect source and destination",
            ),
            ExpectedRequest::deny(
                HOLDER,
                "logs:PutDeliveryDestination",
                &dest_arn,
                "another destination",
            )
            .with(
                "logs:DeliveryDestinationResourceArn",
                &[format!("arn:{}:s3:::someone-elses-bucket", partition.as_str()).as_str()],
            ),
        ];
        if !named_all {
            out.push(
                ExpectedRequest::deny(
                    HOLDER,
                    "logs:PutDeliverySource",
                    &source_arn,
                    "an ingress point not named",
                )
                .with("logs:LogGeneratingResourceArns", &[other.as_str()]),
            );
            out.push(ExpectedRequest::deny(
                HOLDER,
                "ses:AllowVendedLogDeliveryForResource",
                &other,
                "an ingress point not named",
            ));
        }
        out.push(ExpectedRequest::allow(
            HOLDER,
            "logs:DescribeDeliveries",
            "*",
            "see the deliveries",
        ));
        // Each delivery statement serves the first resource type it names.
        for (_, types, actions) in LOG_DELIVERY {
            if let (Some(t), Some(action)) = (types.first(), actions.first()) {
                out.push(ExpectedRequest::allow(
                    HOLDER,
                    action,
                    p.logs_arn(partition, t)
                        .as_str()
                        .replace('*', "mailmanager-logs"),
                    "manage the deliveries",
                ));
            }
        }
        if let Destination::Firehose { .. } = &p.destination {
            out.push(
                ExpectedRequest::allow(
                    HOLDER,
                    "iam:CreateServiceLinkedRole",
                    format!(
                        "arn:{}:iam::{}:role/aws-service-role/delivery.logs.amazonaws.com/AWSServiceRoleForLogDelivery",
                        partition.as_str(),
                        p.account_id.as_str()
                    ),
                    "create the role log delivery writes to the stream with",
                )
                .with("iam:AWSServiceName", &["delivery.logs.amazonaws.com"]),
            );
        }
        match &p.destination {
            Destination::CloudwatchLogs { .. } => out.push(ExpectedRequest::allow(
                HOLDER,
                "logs:PutResourcePolicy",
                "*",
                "let the delivery write to the log group",
            )),
            Destination::S3 { .. } => out.push(ExpectedRequest::allow(
                HOLDER,
                "s3:PutBucketPolicy",
                &destination,
                "let the delivery write to the bucket",
            )),
            Destination::Firehose { .. } => out.push(ExpectedRequest::allow(
                HOLDER,
                "firehose:TagDeliveryStream",
                &destination,
                "mark the stream for log delivery",
            )),
        }
        Ok(crate::held_in(out, p.account_id))
    }
}
