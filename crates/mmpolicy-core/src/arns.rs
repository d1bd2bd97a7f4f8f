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
    concat(&ses_arn_pieces(
        partition,
        region,
        &account,
        resource_type,
        suffix,
    ))
}

/// The pieces of [`ses_arn`], in order.
fn ses_arn_pieces<'a>(
    partition: Partition,
    region: Region,
    account: &'a AccountId,
    resource_type: &'a str,
    suffix: &'a str,
) -> [&'a str; 10] {
    [
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
    ]
}

/// [`ses_arn`] as a [`Text::shared`], for an ARN that several statements of a policy hold:
/// built in a buffer the thread reuses, so the shared copy is the only allocation.
pub fn shared_ses_arn(
    partition: Partition,
    region: Region,
    account: AccountId,
    resource_type: &str,
    suffix: &str,
) -> Text {
    thread_local! {
        static SCRATCH: std::cell::RefCell<String> = const { std::cell::RefCell::new(String::new()) };
    }
    SCRATCH.with_borrow_mut(|arn| {
        arn.clear();
        for piece in ses_arn_pieces(partition, region, &account, resource_type, suffix) {
            arn.push_str(piece);
        }
        Text::shared(arn.as_str())
    })
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
/// one Mail Manager resource (`source_arn`) of `account`. `actions` is the provider's
/// constant list (declared with `texts!`).
pub fn ses_secret_statement(
    sid: &'static str,
    actions: &'static [Text],
    account: AccountId,
    source_arn: String,
) -> Statement {
    Statement::allow()
        .sid(sid)
        .principal(crate::Principal::service(SES_SERVICE_PRINCIPAL))
        .fixed_actions(actions)
        .resources(["*"])
        .source_conditions(account, source_arn)
}

/// The key-policy statement that lets SES decrypt a secret's KMS key, only through Secrets
/// Manager in `region` (`kms:ViaService`) and only for `source_arn` of `account`. `actions` is
/// the provider's constant list (declared with `texts!`).
pub fn ses_secret_key_statement(
    sid: &'static str,
    actions: &'static [Text],
    region: Region,
    account: AccountId,
    source_arn: String,
) -> Statement {
    Statement::allow()
        .sid(sid)
        .principal(crate::Principal::service(SES_SERVICE_PRINCIPAL))
        .fixed_actions(actions)
        .resources(["*"])
        .condition(
            "StringEquals",
            "kms:ViaService",
            [region.service_endpoint("secretsmanager")],
        )
        .source_conditions(account, source_arn)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_shared_arn_is_the_same_text_and_the_buffer_keeps_nothing_between_calls() {
        let region = Region::new("eu-west-1").unwrap();
        let account = AccountId::new("111122223333").unwrap();
        let partition = region.partition();
        let long = shared_ses_arn(
            partition,
            region,
            account,
            "mailmanager-archive",
            "a-0123456789abcdef",
        );
        let short = shared_ses_arn(partition, region, account, "mailmanager-archive", "*");
        assert_eq!(
            long,
            "arn:aws:ses:eu-west-1:111122223333:mailmanager-archive/a-0123456789abcdef"
        );
        assert_eq!(
            short,
            "arn:aws:ses:eu-west-1:111122223333:mailmanager-archive/*"
        );
        assert_eq!(
            short.as_str(),
            ses_arn(partition, region, account, "mailmanager-archive", "*")
        );
    }
}
