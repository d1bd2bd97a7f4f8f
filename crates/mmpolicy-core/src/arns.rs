//! ARN builders and statement pieces shared by the feature crates, so each ARN format and each
//! confused-deputy condition is written once.

use crate::model::{Statement, Text};
use crate::types::{AccountId, Partition, Region};

/// The service principal of SES, Mail Manager included.
pub const SES_SERVICE_PRINCIPAL: &str = "ses.amazonaws.com";

/// `arn:<partition>:ses:<region>:<account>:<resource type>/<suffix>`: a Mail Manager or SES
/// resource (`mailmanager-ingress-point`, `mailmanager-archive`, `identity`, ...). A shared
/// text: the statements of a policy that name it hold one copy.
pub fn ses_arn(
    partition: Partition,
    region: Region,
    account: AccountId,
    resource_type: &str,
    suffix: &str,
) -> Text {
    Text::concat(&[
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

/// `arn:<partition>:s3:::<bucket and key pattern>`, as a shared text.
pub fn s3_arn(partition: Partition, path: &str) -> Text {
    Text::concat(&["arn:", partition.as_str(), ":s3:::", path])
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
    actions: &'static [&'static str],
    account: AccountId,
    source_arn: Text,
) -> Statement {
    Statement::allow()
        .sid(sid)
        .principal(crate::Principal::service(SES_SERVICE_PRINCIPAL))
        .actions(actions)
        .resources(["*"])
        .source_conditions(account, source_arn)
}

/// The key-policy statement that lets SES decrypt a secret's KMS key, only through Secrets
/// Manager in `region` (`kms:ViaService`) and only for `source_arn` of `account`.
pub fn ses_secret_key_statement(
    sid: &'static str,
    actions: &'static [&'static str],
    region: Region,
    account: AccountId,
    source_arn: Text,
) -> Statement {
    Statement::allow()
        .sid(sid)
        .principal(crate::Principal::service(SES_SERVICE_PRINCIPAL))
        .actions(actions)
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
    fn arns_are_joined_from_their_parts() {
        let region = Region::new("eu-west-1").unwrap();
        let account = AccountId::new("111122223333").unwrap();
        let partition = region.partition();
        assert_eq!(
            ses_arn(
                partition,
                region,
                account,
                "mailmanager-archive",
                "a-0123456789abcdef"
            ),
            "arn:aws:ses:eu-west-1:111122223333:mailmanager-archive/a-0123456789abcdef"
        );
        assert_eq!(s3_arn(partition, "bucket/*"), "arn:aws:s3:::bucket/*");
    }
}
