//! The Secrets Manager resource policy of the secret: `ingress.secret-policy`.

use crate::FEATURE;
use mmpolicy_core::arns::ses_secret_statement;
use mmpolicy_core::requests::ses_secret_requests;
use mmpolicy_core::{ExpectedRequest, InvalidValue, PolicyDocument, PolicyKind, Provider};

use crate::IngressParams;

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
        endpoint from using your secret through SES (the confused-deputy problem).\n\n\
        **Merge, do not replace.** mmpolicy writes the statement as a list to merge into the \
        secret's existing resource policy (`mmpolicy merge`), so that other grants on the \
        secret stay; `--whole-document` gives a whole policy for a secret that has none.\n\n\
        **Creation order.** AWS needs this policy in place to create the ingress endpoint, yet the ingress endpoint's \
        id exists only once it is created. Apply it first with `ingress_point_id = \"*\"` (every ingress endpoint of \
        the account in the region), create the ingress endpoint, then render it again with the new id \
        and replace the first version, narrowing it to that one ingress endpoint.";
    const SOURCE: &'static str = "AWS, *Permission policies for Mail Manager*, \"Secrets Manager secrets resource permission policy for ingress endpoint\".";
    const CORRECTIONS: &'static [&'static str] = &[
        "The page's placeholder `\"Id\": \"Id\"` is left out: it identifies nothing.",
        "`aws:SourceArn` names the one ingress point `ingress_point_id` gives, instead of every ingress point of the account (which `ingress_point_id = \"*\"` asks for explicitly).",
    ];

    fn example() -> IngressParams {
        IngressParams::example()
    }

    fn render(p: &IngressParams) -> Result<PolicyDocument, InvalidValue> {
        Ok(PolicyDocument::one(ses_secret_statement(
            "AllowMailManagerIngressToReadSecret",
            &["secretsmanager:GetSecretValue"],
            p.account_id,
            p.source_arn()?,
        )))
    }

    fn required_requests(p: &IngressParams) -> Result<Vec<ExpectedRequest>, InvalidValue> {
        Ok(ses_secret_requests(
            &["secretsmanager:GetSecretValue"],
            &p.source()?,
        ))
    }
}
