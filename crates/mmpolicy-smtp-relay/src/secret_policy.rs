//! The Secrets Manager resource policy of the secret: `smtp-relay.secret-policy`.

use crate::FEATURE;
use mmpolicy_core::arns::ses_secret_statement;
use mmpolicy_core::requests::ses_secret_requests;
use mmpolicy_core::{ExpectedRequest, InvalidValue, PolicyDocument, PolicyKind, Provider};

use crate::RelayParams;

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
        from using your secret through SES (the confused-deputy problem).\n\n\
        **Merge, do not replace.** mmpolicy writes the statements as a list to merge into the \
        secret's existing resource policy (`mmpolicy merge`), so that other grants on the \
        secret stay; `--whole-document` gives a whole policy for a secret that has none.\n\n\
        **Creation order.** AWS needs this policy in place to create the SMTP relay, yet the SMTP relay's \
        id exists only once it is created. Apply it first with `relay_id = \"*\"` (every SMTP relay of \
        the account in the region), create the SMTP relay, then render it again with the new id \
        and replace the first version, narrowing it to that one SMTP relay.";
    const SOURCE: &'static str = "AWS, *Permission policies for Mail Manager*, \"Secrets Manager secrets resource permission policy for SMTP relay\".";
    const CORRECTIONS: &'static [&'static str] = &[
        "The page's secret policy uses account `888888888888` and its key policy `000000000000`; mmpolicy uses the one account you give in both.",
        "`aws:SourceArn` names the one relay `relay_id` gives, instead of every relay of the account (which `relay_id = \"*\"` asks for explicitly).",
    ];

    fn example() -> RelayParams {
        RelayParams::example()
    }

    fn render(p: &RelayParams) -> Result<PolicyDocument, InvalidValue> {
        Ok(PolicyDocument::one(ses_secret_statement(
            "AllowMailManagerRelayToReadSecret",
            &[
                "secretsmanager:GetSecretValue",
                "secretsmanager:DescribeSecret",
            ],
            p.account_id,
            p.source_arn()?,
        )))
    }

    fn required_requests(p: &RelayParams) -> Result<Vec<ExpectedRequest>, InvalidValue> {
        Ok(ses_secret_requests(
            &[
                "secretsmanager:GetSecretValue",
                "secretsmanager:DescribeSecret",
            ],
            &p.source()?,
        ))
    }
}
