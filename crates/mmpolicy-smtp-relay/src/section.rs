//! The `[smtp-relay]` section of the deployment file.

use crate::FEATURE;
use mmpolicy_core::InvalidValue;
use mmpolicy_core::types::{KmsKeyArn, RelayId, Scope, SecretArn};
use schemars::JsonSchema;
use serde::Deserialize;

use crate::{KeyPolicy, RelayParams, SecretPolicy};

/// The `[smtp-relay]` table of a deployment bundle.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RelaySectionConfig {
    /// The SMTP relay allowed to use the secret, or `*` for every relay of the account in the
    /// region (an explicit wildcard).
    pub relay_id: Scope<RelayId>,
    /// The Secrets Manager secret holding the credentials, in the deployment's account and
    /// region; when left out, each deployment format asks for it.
    #[serde(default, deserialize_with = "mmpolicy_core::types::optional")]
    pub secret_arn: Option<SecretArn>,
    /// The customer managed KMS key that encrypts the secret, in the deployment's account and
    /// region; when left out, each deployment format asks for it.
    #[serde(default, deserialize_with = "mmpolicy_core::types::optional")]
    pub kms_key_arn: Option<KmsKeyArn>,
}

/// The SMTP relay part of a deployment bundle: the secret's resource policy and the key-policy
/// statement of the key that encrypts it.
#[derive(Debug, Clone, Copy, Default)]
pub struct RelaySection;

impl mmpolicy_core::section::Section for RelaySection {
    type Config = RelaySectionConfig;
    const NAME: &'static str = FEATURE;
    const DESCRIPTION: &'static str = "An SMTP relay whose credentials for the downstream server \
        live in a Secrets Manager secret encrypted with a customer managed KMS key: the \
        secret's resource policy and the key's policy statement.";

    fn plan(
        common: &mmpolicy_core::section::BundleCommon,
        config: &RelaySectionConfig,
    ) -> Result<Vec<mmpolicy_core::section::PlannedPolicy>, InvalidValue> {
        use mmpolicy_core::section::PlannedPolicy;
        let (secret_target, key_target) = common
            .secret_and_key_targets(config.secret_arn.as_ref(), config.kms_key_arn.as_ref())?;
        let params = RelayParams {
            account_id: common.account_id,
            region: common.region,
            partition: Some(common.partition),
            relay_id: config.relay_id.clone(),
        };
        let relay = match &config.relay_id {
            Scope::One(id) => format!("SMTP relay `{id}`"),
            Scope::All => "the SMTP relay".to_owned(),
        };
        Ok(vec![
            PlannedPolicy::render::<SecretPolicy>(
                &params,
                format!(
                    "the Secrets Manager secret holding the credentials of {relay}, as its resource policy"
                ),
                secret_target,
            )?,
            PlannedPolicy::render::<KeyPolicy>(
                &params,
                "the KMS key that encrypts that secret: merge this statement into its key policy",
                key_target,
            )?,
        ])
    }
}
