//! The key-policy statement of the key that encrypts the secret: `ingress.key-policy`.

use crate::FEATURE;
use mmpolicy_core::arns::ses_secret_key_statement;
use mmpolicy_core::requests::ses_secret_key_requests;
use mmpolicy_core::{ExpectedRequest, InvalidValue, PolicyDocument, PolicyKind, Provider};

use crate::IngressParams;

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
        statement to the key's existing policy.\n\n\
        **Creation order.** AWS needs this policy in place to create the ingress endpoint, yet the ingress endpoint's \
        id exists only once it is created. Apply it first with `ingress_point_id = \"*\"` (every ingress endpoint of \
        the account in the region), create the ingress endpoint, then render it again with the new id \
        and replace the first version, narrowing it to that one ingress endpoint.";
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

    fn required_requests(p: &IngressParams) -> Result<Vec<ExpectedRequest>, InvalidValue> {
        Ok(ses_secret_key_requests(&["kms:Decrypt"], &p.source()?))
    }
}
