//! The parameters both policies of the feature take.

use mmpolicy_core::arns::ses_arn;
use mmpolicy_core::requests::Source;
use mmpolicy_core::types::{
    AccountId, Partition, Region, RelayId, Scope, example, resolve_partition,
};
use mmpolicy_core::{InvalidValue, Text};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Parameters of both SMTP relay policies.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RelayParams {
    /// The account that owns the SMTP relay, the secret and the key.
    pub account_id: AccountId,
    /// The region of the SMTP relay (the secret and key are in the same region).
    pub region: Region,
    /// Only to double-check the partition the region belongs to.
    #[serde(
        default,
        deserialize_with = "mmpolicy_core::types::optional",
        skip_serializing_if = "Option::is_none"
    )]
    pub partition: Option<Partition>,
    /// The SMTP relay allowed to use the secret, or `*` for every relay of the account in the
    /// region (`mailmanager-smtp-relay/*`, an explicit wildcard).
    pub relay_id: Scope<RelayId>,
}

impl RelayParams {
    /// `aws:SourceArn`: the one relay, or all of them in the account and region.
    pub(crate) fn source_arn(&self) -> Result<Text, InvalidValue> {
        let partition = resolve_partition(self.region, self.partition)?;
        let suffix = self.relay_id.arn_suffix();
        Ok(ses_arn(
            partition,
            self.region,
            self.account_id,
            "mailmanager-smtp-relay",
            suffix,
        ))
    }

    /// The relay SES reads the secret for, as the requests name it.
    pub(crate) fn source(&self) -> Result<Source<'_>, InvalidValue> {
        Ok(Source {
            partition: resolve_partition(self.region, self.partition)?,
            region: self.region,
            account: self.account_id,
            resource_type: "mailmanager-smtp-relay",
            id: match &self.relay_id {
                Scope::One(id) => Some(id.as_ref()),
                Scope::All => None,
            },
            example_id: "r-0a1b2c3d4e5f6g7h8i9j0k1l2m",
        })
    }

    pub(crate) fn example() -> Self {
        RelayParams {
            account_id: example::account_id(),
            region: example::region(),
            partition: None,
            relay_id: Scope::One(example::parse("r-4f8a2c6e0b9d1f3a5c7e9b2d4f6a")),
        }
    }
}
