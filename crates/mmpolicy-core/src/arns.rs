//! ARN builders and statement pieces shared by the feature crates, so each ARN format and each
//! confused-deputy condition is written once.

use crate::model::{Statement, Text};
use crate::types::{AccountId, Partition, Region};

/// The service principal of SES, Mail Manager included.
pub const SES_SERVICE_PRINCIPAL: &str = "ses.amazonaws.com";

/// `arn:<partition>:ses:<region>:<account>:<resource type>/<suffix>`: a Mail Manager or SES
/// resource (`mailmanager-ingress-point`, `mailmanager-archive`, `identity`, ...).
pub fn ses_arn(
    partition: Partition,
    region: Region,
    account: AccountId,
    resource_type: &str,
    suffix: &str,
) -> String {
    // Concatenated rather than `format!`ed: this runs once per policy on the bulk path.
    concat(&[
        "arn:",
        partition.as_str(),
        ":ses:",
        region.as_str(),
        ":",
        account.as_str(),
        ":",
        resource_type,
        "/",
        suffix,
    ])
}

/// `arn:<partition>:s3:::<bucket and key pattern>`.
pub fn s3_arn(partition: Partition, path: &str) -> String {
    concat(&["arn:", partition.as_str(), ":s3:::", path])
}

/// The pieces joined into one string allocated at its final size.
pub(crate) fn concat(pieces: &[&str]) -> String {
    let mut out = String::with_capacity(pieces.iter().map(|p| p.len()).sum());
    for piece in pieces {
        out.push_str(piece);
    }
    out
}

impl Statement {
    /// Adds the confused-deputy conditions AWS recommends on a statement naming a service
    /// principal: `StringEquals aws:SourceAccount` and `ArnLike aws:SourceArn`.
    pub fn source_conditions(self, account: AccountId, source_arn: impl Into<Text>) -> Self {
        self.condition(
            "StringEquals",
            "aws:SourceAccount",
            [account.as_str().to_owned()],
        )
        .condition("ArnLike", "aws:SourceArn", [source_arn.into()])
    }
}

/// The statement of a Secrets Manager resource policy that lets SES read a secret on behalf of
/// one Mail Manager resource (`source_arn`) of `account`.
pub fn ses_secret_statement(
    sid: &'static str,
    actions: &[&'static str],
    account: AccountId,
    source_arn: String,
) -> Statement {
    Statement::allow()
        .sid(sid)
        .principal(crate::Principal::service(SES_SERVICE_PRINCIPAL))
        .actions(actions.iter().copied())
        .resources(["*"])
        .source_conditions(account, source_arn)
}

/// The key-policy statement that lets SES decrypt a secret's KMS key, only through Secrets
/// Manager in `region` (`kms:ViaService`) and only for `source_arn` of `account`.
pub fn ses_secret_key_statement(
    sid: &'static str,
    actions: &[&'static str],
    region: Region,
    account: AccountId,
    source_arn: String,
) -> Statement {
    Statement::allow()
        .sid(sid)
        .principal(crate::Principal::service(SES_SERVICE_PRINCIPAL))
        .actions(actions.iter().copied())
        .resources(["*"])
        .condition(
            "StringEquals",
            "kms:ViaService",
            [region.service_endpoint("secretsmanager")],
        )
        .source_conditions(account, source_arn)
}
