//! mmpolicy feature crate: the two policies a Mail Manager **SMTP relay** needs when the
//! credentials for the downstream SMTP server live in a Secrets Manager secret encrypted with a
//! customer managed KMS key.
//!
//! - `smtp-relay.secret-policy`: the secret's resource policy, letting SES read the secret;
//! - `smtp-relay.key-policy`: the key-policy statement letting SES decrypt it through Secrets
//!   Manager.
//!
//! Both use one account id and one region (AWS's page mixes two accounts in this pair), are
//! scoped to the one relay given (or, asked with `*`, to every one), and carry `aws:SourceAccount` and `aws:SourceArn`.

use mmpolicy_core::arns::{ses_arn, ses_secret_key_statement, ses_secret_statement};
use mmpolicy_core::types::{
    AccountId, Partition, Region, RelayId, Scope, example, resolve_partition,
};
use mmpolicy_core::{InvalidValue, PolicyDocument, PolicyKind, Provider, Text, register_provider};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// The feature name of this crate's providers.
pub const FEATURE: &str = "smtp-relay";

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
    fn source_arn(&self) -> Result<Text, InvalidValue> {
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

    fn example() -> Self {
        RelayParams {
            account_id: example::account_id(),
            region: example::region(),
            partition: None,
            relay_id: Scope::One(example::parse("r-4f8a2c6e0b9d1f3a5c7e9b2d4f6a")),
        }
    }
}

/// `smtp-relay.secret-policy`: the Secrets Manager resource policy of the relay's secret.
#[derive(Debug, Clone, Copy, Default)]
pub struct SecretPolicy;

impl Provider for SecretPolicy {
    type Params = RelayParams;
    const ID: &'static str = "smtp-relay.secret-policy";
    const FEATURE: &'static str = FEATURE;
    const KIND: PolicyKind = PolicyKind::Secret;
    const TITLE: &'static str = "Secrets Manager resource policy for an SMTP relay";
    const DESCRIPTION: &'static str = "Attach to the Secrets Manager secret that holds the \
        credentials Mail Manager presents to the downstream SMTP server, as the secret's \
        resource policy. The SMTP relay reads the secret (`secretsmanager:GetSecretValue`, \
        `secretsmanager:DescribeSecret`) each time it relays; without this policy the relay \
        cannot be created. `aws:SourceAccount` and `aws:SourceArn` stop another account's relay \
        from using your secret through SES (the confused-deputy problem).";
    const SOURCE: &'static str = "AWS, *Permission policies for Mail Manager*, \"Secrets Manager secrets resource permission policy for SMTP relay\".";
    const CORRECTIONS: &'static [&'static str] = &[
        "The page's secret policy uses account `888888888888` and its key policy `000000000000`; mmpolicy uses the one account you give in both.",
        "`aws:SourceArn` names the one relay `relay_id` gives, instead of every relay of the account (which `relay_id = \"*\"` asks for explicitly).",
    ];

    fn example() -> RelayParams {
        RelayParams::example()
    }

    fn render(p: &RelayParams) -> Result<PolicyDocument, InvalidValue> {
        Ok(PolicyDocument::new(vec![ses_secret_statement(
            "AllowMailManagerRelayToReadSecret",
            &[
                "secretsmanager:GetSecretValue",
                "secretsmanager:DescribeSecret",
            ],
            p.account_id,
            p.source_arn()?,
        )]))
    }
}

/// `smtp-relay.key-policy`: the KMS key policy statement for the key that encrypts the secret.
#[derive(Debug, Clone, Copy, Default)]
pub struct KeyPolicy;

impl Provider for KeyPolicy {
    type Params = RelayParams;
    const ID: &'static str = "smtp-relay.key-policy";
    const FEATURE: &'static str = FEATURE;
    const KIND: PolicyKind = PolicyKind::Key;
    const TITLE: &'static str = "KMS key policy statement for an SMTP relay's secret";
    const DESCRIPTION: &'static str = "Add to the key policy of the customer managed KMS key \
        that encrypts the SMTP relay's secret. SES decrypts the secret and describes the key \
        (`kms:Decrypt`, `kms:DescribeKey`) only through Secrets Manager in the relay's region \
        (`kms:ViaService`) and only for your relay (`aws:SourceAccount`, `aws:SourceArn`).\n\n\
        **Merge, do not replace.** A key policy is the whole access control of a key: applying \
        a document that holds only this statement removes every other grant, including your \
        account's, and can lock you out of the key. Render with `--statement-only` and add the \
        statement to the key's existing policy.";
    const SOURCE: &'static str = "AWS, *Permission policies for Mail Manager*, \"KMS customer managed key (CMK) key policy for SMTP relay\".";
    const CORRECTIONS: &'static [&'static str] = &[
        "The page's key policy uses account `000000000000` while its secret policy uses `888888888888`; mmpolicy uses the one account you give in both.",
        "`kms:ViaService` follows the relay's region and partition instead of a fixed `us-east-1`.",
    ];

    fn example() -> RelayParams {
        RelayParams::example()
    }

    fn render(p: &RelayParams) -> Result<PolicyDocument, InvalidValue> {
        Ok(PolicyDocument::new(vec![ses_secret_key_statement(
            "AllowMailManagerRelayToDecryptSecret",
            &["kms:Decrypt", "kms:DescribeKey"],
            p.region,
            p.account_id,
            p.source_arn()?,
        )]))
    }
}

register_provider!(SecretPolicy);
register_provider!(KeyPolicy);

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{Value, json};

    fn render<P: Provider<Params = RelayParams>>(params: Value) -> Value {
        let params: RelayParams = serde_json::from_value(params).unwrap();
        serde_json::to_value(P::render(&params).unwrap()).unwrap()
    }

    #[test]
    fn secret_and_key_policies_name_the_same_single_account() {
        // The page's pair uses 888888888888 in one and 000000000000 in the other.
        let params = json!({"account_id": "444455556666", "region": "us-east-1", "relay_id": "*"});
        for doc in [
            render::<SecretPolicy>(params.clone()),
            render::<KeyPolicy>(params),
        ] {
            let s = &doc["Statement"][0];
            assert_eq!(
                s["Condition"]["StringEquals"]["aws:SourceAccount"],
                "444455556666"
            );
            assert_eq!(
                s["Condition"]["ArnLike"]["aws:SourceArn"],
                "arn:aws:ses:us-east-1:444455556666:mailmanager-smtp-relay/*"
            );
        }
    }

    #[test]
    fn actions_are_those_of_the_page() {
        let params =
            json!({"account_id": "444455556666", "region": "us-east-1", "relay_id": "r-1"});
        let secret = render::<SecretPolicy>(params.clone());
        assert_eq!(
            secret["Statement"][0]["Action"],
            json!([
                "secretsmanager:GetSecretValue",
                "secretsmanager:DescribeSecret"
            ])
        );
        let key = render::<KeyPolicy>(params);
        assert_eq!(
            key["Statement"][0]["Action"],
            json!(["kms:Decrypt", "kms:DescribeKey"])
        );
        assert_eq!(
            key["Statement"][0]["Condition"]["StringEquals"]["kms:ViaService"],
            "secretsmanager.us-east-1.amazonaws.com"
        );
        assert_eq!(
            key["Statement"][0]["Condition"]["ArnLike"]["aws:SourceArn"],
            "arn:aws:ses:us-east-1:444455556666:mailmanager-smtp-relay/r-1"
        );
    }

    #[test]
    fn relay_ids_that_widen_are_refused() {
        for bad in [json!("r-*"), json!("r/1"), json!("R-1"), json!(null)] {
            let err = serde_json::from_value::<RelayParams>(
                json!({"account_id": "444455556666", "region": "us-east-1", "relay_id": bad}),
            );
            assert!(err.is_err(), "{bad}");
        }
        let err = serde_json::from_value::<RelayParams>(
            json!({"account_id": "444455556666", "region": "us-east-1"}),
        )
        .unwrap_err();
        assert!(
            err.to_string().contains("missing field `relay_id`"),
            "{err}"
        );
        let all = serde_json::from_value::<RelayParams>(
            json!({"account_id": "444455556666", "region": "us-east-1", "relay_id": "*"}),
        )
        .unwrap();
        assert_eq!(all.relay_id, Scope::All);
    }
}

/// The `[smtp-relay]` table of a deployment bundle.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RelaySectionConfig {
    /// The SMTP relay allowed to use the secret, or `*` for every relay of the account in the
    /// region (an explicit wildcard).
    pub relay_id: Scope<RelayId>,
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
            )?,
            PlannedPolicy::render::<KeyPolicy>(
                &params,
                "the KMS key that encrypts that secret: merge this statement into its key policy",
            )?,
        ])
    }
}

mmpolicy_core::register_section!(RelaySection);
