//! mmpolicy feature crate: the two policies an authenticated Mail Manager **ingress endpoint**
//! needs when its SMTP credentials live in a Secrets Manager secret encrypted with a customer
//! managed KMS key.
//!
//! - `ingress.secret-policy`: the secret's resource policy, letting SES read the secret;
//! - `ingress.key-policy`: the key-policy statement letting SES decrypt it through Secrets
//!   Manager.
//!
//! Both are scoped to the one ingress point given (or, asked with `*`, to every one), and carry the confused-deputy
//! conditions `aws:SourceAccount` and `aws:SourceArn`.

use mmpolicy_core::arns::{ses_arn, ses_secret_key_statement, ses_secret_statement};
use mmpolicy_core::types::{
    AccountId, IngressPointId, Partition, Region, Scope, example, resolve_partition,
};
use mmpolicy_core::{InvalidValue, PolicyDocument, PolicyKind, Provider, Text, register_provider};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// The feature name of this crate's providers.
pub const FEATURE: &str = "ingress";

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
    fn source_arn(&self) -> Result<Text, InvalidValue> {
        let partition = resolve_partition(self.region, self.partition)?;
        Ok(ses_arn(
            partition,
            self.region,
            self.account_id,
            "mailmanager-ingress-point",
            self.ingress_point_id.arn_suffix(),
        ))
    }

    fn example() -> Self {
        IngressParams {
            account_id: example::account_id(),
            region: example::region(),
            partition: None,
            ingress_point_id: Scope::One(example::parse("inp-7x3kq9b2m4n8p1r5t6v0w2y4z8")),
        }
    }
}

/// `ingress.secret-policy`: the Secrets Manager resource policy of the ingress endpoint's secret.
#[derive(Debug, Clone, Copy, Default)]
pub struct SecretPolicy;

impl Provider for SecretPolicy {
    type Params = IngressParams;
    const ID: &'static str = "ingress.secret-policy";
    const FEATURE: &'static str = FEATURE;
    const KIND: PolicyKind = PolicyKind::Secret;
    const TITLE: &'static str = "Secrets Manager resource policy for an ingress endpoint";
    const DESCRIPTION: &'static str = "Attach to the Secrets Manager secret that holds the SMTP \
        credentials of an authenticated ingress endpoint, as the secret's resource policy. Mail \
        Manager reads the secret (`secretsmanager:GetSecretValue`) to check the credentials that \
        SMTP clients present; without this policy the ingress endpoint cannot be created. The \
        `aws:SourceAccount` and `aws:SourceArn` conditions stop another account's ingress \
        endpoint from using your secret through SES (the confused-deputy problem).";
    const SOURCE: &'static str = "AWS, *Permission policies for Mail Manager*, \"Secrets Manager secrets resource permission policy for ingress endpoint\".";
    const CORRECTIONS: &'static [&'static str] = &[
        "The page's placeholder `\"Id\": \"Id\"` is left out: it identifies nothing.",
        "`aws:SourceArn` names the one ingress point `ingress_point_id` gives, instead of every ingress point of the account (which `ingress_point_id = \"*\"` asks for explicitly).",
    ];

    fn example() -> IngressParams {
        IngressParams::example()
    }

    fn render(p: &IngressParams) -> Result<PolicyDocument, InvalidValue> {
        Ok(PolicyDocument::new(vec![ses_secret_statement(
            "AllowMailManagerIngressToReadSecret",
            &["secretsmanager:GetSecretValue"],
            p.account_id,
            p.source_arn()?,
        )]))
    }
}

/// `ingress.key-policy`: the KMS key policy statement for the key that encrypts the secret.
#[derive(Debug, Clone, Copy, Default)]
pub struct KeyPolicy;

impl Provider for KeyPolicy {
    type Params = IngressParams;
    const ID: &'static str = "ingress.key-policy";
    const FEATURE: &'static str = FEATURE;
    const KIND: PolicyKind = PolicyKind::Key;
    const TITLE: &'static str = "KMS key policy statement for an ingress endpoint's secret";
    const DESCRIPTION: &'static str = "Add to the key policy of the customer managed KMS key \
        that encrypts the ingress endpoint's secret. SES decrypts the secret (`kms:Decrypt`) \
        only through Secrets Manager in the endpoint's region (`kms:ViaService`) and only for \
        your ingress endpoint (`aws:SourceAccount`, `aws:SourceArn`).\n\n\
        **Merge, do not replace.** A key policy is the whole access control of a key: applying \
        a document that holds only this statement removes every other grant, including your \
        account's, and can lock you out of the key. Render with `--statement-only` and add the \
        statement to the key's existing policy.";
    const SOURCE: &'static str = "AWS, *Permission policies for Mail Manager*, \"KMS customer managed key (CMK) key policy for ingress endpoint\".";
    const CORRECTIONS: &'static [&'static str] = &[
        "The page gives a bare statement; mmpolicy renders a complete policy document, and the bare statement with `--statement-only`.",
        "`kms:ViaService` follows the endpoint's region and partition (`secretsmanager.<region>.amazonaws.com`, `.amazonaws.com.cn` in China) instead of a fixed `us-east-1`.",
    ];

    fn example() -> IngressParams {
        IngressParams::example()
    }

    fn render(p: &IngressParams) -> Result<PolicyDocument, InvalidValue> {
        Ok(PolicyDocument::new(vec![ses_secret_key_statement(
            "AllowMailManagerIngressToDecryptSecret",
            &["kms:Decrypt"],
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
    use mmpolicy_core::PolicyProvider;
    use serde_json::{Value, json};

    fn render<P: Provider<Params = IngressParams>>(params: Value) -> Value {
        let params: IngressParams = serde_json::from_value(params).unwrap();
        serde_json::to_value(P::render(&params).unwrap()).unwrap()
    }

    #[test]
    fn an_explicit_wildcard_allows_every_ingress_point_of_the_account() {
        let doc = render::<SecretPolicy>(
            json!({"account_id": "444455556666", "region": "eu-west-1", "ingress_point_id": "*"}),
        );
        let s = &doc["Statement"][0];
        assert_eq!(
            s["Condition"]["ArnLike"]["aws:SourceArn"],
            "arn:aws:ses:eu-west-1:444455556666:mailmanager-ingress-point/*"
        );
        assert_eq!(
            s["Condition"]["StringEquals"]["aws:SourceAccount"],
            "444455556666"
        );
        assert_eq!(s["Action"], "secretsmanager:GetSecretValue");
        assert_eq!(s["Resource"], "*");
    }

    #[test]
    fn key_policy_is_a_complete_document_with_via_service_in_the_same_region() {
        let doc = render::<KeyPolicy>(
            json!({"account_id": "444455556666", "region": "ap-southeast-2",
            "ingress_point_id": "inp-aaaaaaaaaaaaaaaaaaaaaaaaaa"}),
        );
        // The page gives a bare statement; a key policy needs Version and Statement.
        assert_eq!(doc["Version"], "2012-10-17");
        let s = &doc["Statement"][0];
        assert_eq!(s["Principal"]["Service"], "ses.amazonaws.com");
        assert_eq!(s["Action"], "kms:Decrypt");
        assert_eq!(
            s["Condition"]["StringEquals"]["kms:ViaService"],
            "secretsmanager.ap-southeast-2.amazonaws.com"
        );
        assert_eq!(
            s["Condition"]["ArnLike"]["aws:SourceArn"],
            "arn:aws:ses:ap-southeast-2:444455556666:mailmanager-ingress-point/inp-aaaaaaaaaaaaaaaaaaaaaaaaaa"
        );
    }

    #[test]
    fn china_regions_use_their_partition_and_endpoint_suffix() {
        let doc = render::<KeyPolicy>(
            json!({"account_id": "444455556666", "region": "cn-north-1", "ingress_point_id": "*"}),
        );
        let s = &doc["Statement"][0];
        assert_eq!(
            s["Condition"]["StringEquals"]["kms:ViaService"],
            "secretsmanager.cn-north-1.amazonaws.com.cn"
        );
        assert_eq!(
            s["Condition"]["ArnLike"]["aws:SourceArn"],
            "arn:aws-cn:ses:cn-north-1:444455556666:mailmanager-ingress-point/*"
        );
    }

    #[test]
    fn a_partition_that_contradicts_the_region_is_refused() {
        let params: IngressParams = serde_json::from_value(
            json!({"account_id": "444455556666", "region": "us-gov-west-1", "partition": "aws",
                   "ingress_point_id": "*"}),
        )
        .unwrap();
        let err = SecretPolicy::render(&params).unwrap_err();
        assert_eq!(err.field, "partition");
        assert!(
            err.to_string()
                .contains("region `us-gov-west-1` is in partition `aws-us-gov`"),
            "{err}"
        );
    }

    #[test]
    fn a_partial_wildcard_id_is_refused() {
        let err = serde_json::from_value::<IngressParams>(
            json!({"account_id": "444455556666", "region": "us-east-1", "ingress_point_id": "inp-*"}),
        )
        .unwrap_err();
        assert!(
            err.to_string()
                .contains("a wildcard is accepted only alone"),
            "{err}"
        );
    }

    #[test]
    fn a_missing_or_null_ingress_point_is_refused_not_widened() {
        let err = serde_json::from_value::<IngressParams>(
            json!({"account_id": "444455556666", "region": "us-east-1"}),
        )
        .unwrap_err();
        assert!(
            err.to_string().contains("missing field `ingress_point_id`"),
            "{err}"
        );
        let err = SecretPolicy
            .render_value(&json!({"account_id": "444455556666", "region": "us-east-1",
                                  "ingress_point_id": null}))
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            "invalid `ingress_point_id`: `null` is not allowed; give an id, or `\"*\"` for every one of the account and region"
        );
        let err = SecretPolicy
            .render_value(&json!({"account_id": "444455556666", "region": "us-east-1",
                                  "ingress_point_id": "*", "partition": null}))
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            "invalid `partition`: `null` is not allowed; give a value, or leave the parameter out"
        );
    }
}

/// The `[ingress]` table of a deployment bundle.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct IngressSectionConfig {
    /// The ingress point allowed to use the secret, or `*` for every ingress point of the
    /// account in the region (an explicit wildcard).
    pub ingress_point_id: Scope<IngressPointId>,
}

/// The ingress endpoint part of a deployment bundle: the secret's resource policy and the
/// key-policy statement of the key that encrypts it.
#[derive(Debug, Clone, Copy, Default)]
pub struct IngressSection;

impl mmpolicy_core::section::Section for IngressSection {
    type Config = IngressSectionConfig;
    const NAME: &'static str = FEATURE;
    const DESCRIPTION: &'static str = "An authenticated ingress endpoint whose SMTP credentials \
        live in a Secrets Manager secret encrypted with a customer managed KMS key: the \
        secret's resource policy and the key's policy statement.";

    fn plan(
        common: &mmpolicy_core::section::BundleCommon,
        config: &IngressSectionConfig,
    ) -> Result<Vec<mmpolicy_core::section::PlannedPolicy>, InvalidValue> {
        use mmpolicy_core::section::PlannedPolicy;
        let params = IngressParams {
            account_id: common.account_id,
            region: common.region,
            partition: Some(common.partition),
            ingress_point_id: config.ingress_point_id.clone(),
        };
        let endpoint = match &config.ingress_point_id {
            Scope::One(id) => format!("ingress point `{id}`"),
            Scope::All => "the ingress endpoint".to_owned(),
        };
        Ok(vec![
            PlannedPolicy::render::<SecretPolicy>(
                &params,
                format!(
                    "the Secrets Manager secret holding the SMTP credentials of {endpoint}, as its resource policy"
                ),
            )?,
            PlannedPolicy::render::<KeyPolicy>(
                &params,
                "the KMS key that encrypts that secret: merge this statement into its key policy",
            )?,
        ])
    }
}

mmpolicy_core::register_section!(IngressSection);
