//! The key-policy statement of the key that encrypts the secret: `smtp-relay.key-policy`.

use crate::FEATURE;
use mmpolicy_core::arns::{ses_secret_key_statement, with_key_administrator};
use mmpolicy_core::requests::ses_secret_key_requests;
use mmpolicy_core::types::resolve_partition;
use mmpolicy_core::{ExpectedRequest, InvalidValue, PolicyDocument, PolicyKind, Provider};

use crate::RelayParams;

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
        **Merge, do not replace.** A key policy is the whole access control of a key: a \
        document that held only this statement would remove every other grant, including your \
        account's, and could lock you out of the key. So mmpolicy writes the statement as a \
        list to merge into the key's existing policy (`mmpolicy merge`, which replaces a \
        statement with the same `Sid` and keeps every other). For a new key, \
        `--whole-document` gives a whole key policy that starts with AWS's default \
        statement, `Enable IAM User Permissions` (the account may manage the key).\n\n\
        **Creation order.** AWS needs this policy in place to create the SMTP relay, yet the SMTP relay's \
        id exists only once it is created. Apply it first with `relay_id = \"*\"` (every SMTP relay of \
        the account in the region), create the SMTP relay, then render it again with the new id \
        and replace the first version, narrowing it to that one SMTP relay.";
    const SOURCE: &'static str = "AWS, *Permission policies for Mail Manager*, \"KMS customer managed key (CMK) key policy for SMTP relay\".";
    const CORRECTIONS: &'static [&'static str] = &[
        "The page's key policy uses account `000000000000` while its secret policy uses `888888888888`; mmpolicy uses the one account you give in both.",
        "`kms:ViaService` follows the relay's region and partition instead of a fixed `us-east-1`.",
    ];

    fn example() -> RelayParams {
        RelayParams::example()
    }

    fn render(p: &RelayParams) -> Result<PolicyDocument, InvalidValue> {
        Ok(PolicyDocument::one(ses_secret_key_statement(
            "AllowMailManagerRelayToDecryptSecret",
            &["kms:Decrypt", "kms:DescribeKey"],
            p.region,
            p.account_id,
            p.source_arn()?,
        )))
    }

    fn whole_document(p: &Self::Params) -> Result<PolicyDocument, InvalidValue> {
        let partition = resolve_partition(p.region, p.partition)?;
        Ok(with_key_administrator(
            Self::render(p)?,
            partition,
            p.account_id,
        ))
    }

    fn required_requests(p: &RelayParams) -> Result<Vec<ExpectedRequest>, InvalidValue> {
        Ok(ses_secret_key_requests(
            &["kms:Decrypt", "kms:DescribeKey"],
            &p.source()?,
        ))
    }
}
