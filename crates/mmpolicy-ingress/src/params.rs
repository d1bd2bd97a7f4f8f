//! The parameters both policies of the feature take.

use mmpolicy_core::arns::ses_arn;
use mmpolicy_core::requests::Source;
use mmpolicy_core::types::{
    AccountId, IngressPointId, Partition, Region, Scope, example, resolve_partition,
};
use mmpolicy_core::{InvalidValue, Text};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Parameters of both ingress endpoint policies.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct IngressParams {
    /// The account that owns the ingress endpoint, the secret and the key.
    pub account_id: AccountId,
    /// The region of the ingress endpoint (the secret and key are in the same region).
    pub region: Region,
    /// Only to double-check the partition the region belongs to.
    #[serde(
        default,
        deserialize_with = "mmpolicy_core::types::optional",
        skip_serializing_if = "Option::is_none"
    )]
    pub partition: Option<Partition>,
    /// The ingress point allowed to use the secret, or `*` for every ingress point of the
    /// account in the region (`mailmanager-ingress-point/*`, an explicit wildcard).
    pub ingress_point_id: Scope<IngressPointId>,
}

impl IngressParams {
    /// `aws:SourceArn`: the one ingress point, or all of them in the account and region.
    pub(crate) fn source_arn(&self) -> Result<Text, InvalidValue> {
        let partition = resolve_partition(self.region, self.partition)?;
        Ok(ses_arn(
            partition,
            self.region,
            self.account_id,
            "mailmanager-ingress-point",
            self.ingress_point_id.arn_suffix(),
        ))
    }

    /// The ingress point SES reads the secret for, as the requests name it.
    pub(crate) fn source(&self) -> Result<Source<'_>, InvalidValue> {
        Ok(Source {
            partition: resolve_partition(self.region, self.partition)?,
            region: self.region,
            account: self.account_id,
            resource_type: "mailmanager-ingress-point",
            id: match &self.ingress_point_id {
                Scope::One(id) => Some(id.as_ref()),
                Scope::All => None,
            },
            example_id: "inp-0a1b2c3d4e5f6g7h8i9j0k1l2m",
        })
    }

    pub(crate) fn example() -> Self {
        IngressParams {
            account_id: example::account_id(),
            region: example::region(),
            partition: None,
            ingress_point_id: Scope::One(example::parse("inp-7x3kq9b2m4n8p1r5t6v0w2y4z8")),
        }
    }
}
