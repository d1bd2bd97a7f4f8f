//! ARN builders and statement pieces shared by the feature crates, so each ARN format and each
//! confused-deputy condition is written once.

use crate::model::{PolicyDocument, Statement, Text};
use crate::types::{AccountId, Partition, Region};

/// The service principal of SES, Mail Manager included.
pub const SES_SERVICE_PRINCIPAL: &str = "ses.amazonaws.com";

/// `arn:<partition>:<service>:<region>:<account>:<resource>`, the resource given in the pieces
/// it is made of (`&["application/", id]`), joined into one text: the ARN of a resource in one
/// account and region, written the way it reads.
#[inline]
pub fn arn(
    partition: Partition,
    service: &str,
    region: Region,
    account: AccountId,
    resource: &[&str],
) -> Text {
    let head = [
        "arn:",
        partition.as_str(),
        ":",
        service,
        ":",
        region.as_str(),
        ":",
        account.as_str(),
        ":",
    ];
    Text::join(&head, resource)
}

/// `arn:<partition>:ses:<region>:<account>:<resource type>/<suffix>`: a Mail Manager or SES
/// resource (`mailmanager-ingress-point`, `mailmanager-archive`, `identity`, ...).
#[inline]
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

/// `arn:<partition>:s3:::<bucket and key pattern>`.
#[inline]
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

/// The `Sid` of AWS's default key-policy statement, kept as AWS writes it so that merging
/// [`key_administrator_statement`] into a key with AWS's default policy changes nothing.
pub const KEY_ADMINISTRATOR_SID: &str = "Enable IAM User Permissions";

/// AWS's default key-policy statement: the account (`arn:<partition>:iam::<account>:root`)
/// may do everything with the key (`kms:*` on `*`, which in a key policy is this key), so that
/// IAM policies of the account count and the key stays manageable. A key policy without it,
/// or another statement letting an administrator manage the key, locks the account out.
pub fn key_administrator_statement(partition: Partition, account: AccountId) -> Statement {
    Statement::allow()
        .sid(KEY_ADMINISTRATOR_SID)
        .principal(crate::Principal::aws(Text::concat(&[
            "arn:",
            partition.as_str(),
            ":iam::",
            account.as_str(),
            ":root",
        ])))
        .actions(&["kms:*"])
        .resources(["*"])
}

/// A whole key policy: [`key_administrator_statement`] first, then `document`'s statements.
/// What a key-policy provider's [`Provider::whole_document`](crate::Provider::whole_document)
/// returns.
pub fn with_key_administrator(
    document: PolicyDocument,
    partition: Partition,
    account: AccountId,
) -> PolicyDocument {
    let mut statements = vec![key_administrator_statement(partition, account)];
    statements.extend(document.statements().iter().cloned());
    PolicyDocument::new(statements)
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
        assert_eq!(
            arn(
                partition,
                "qbusiness",
                region,
                account,
                &["application/", "a", "/index/", "i"]
            ),
            "arn:aws:qbusiness:eu-west-1:111122223333:application/a/index/i"
        );
        assert_eq!(
            arn(partition, "kms", region, account, &["key/*"]),
            "arn:aws:kms:eu-west-1:111122223333:key/*"
        );
    }

    #[test]
    fn a_whole_key_policy_starts_with_aws_default_administrator_statement() {
        let region = Region::new("cn-north-1").unwrap();
        let account = AccountId::new("111122223333").unwrap();
        let ses = Statement::allow().sid("Ses").actions(&["kms:Decrypt"]);
        let whole = with_key_administrator(
            PolicyDocument::new(vec![ses.clone()]),
            region.partition(),
            account,
        );
        assert_eq!(
            serde_json::to_value(&whole).unwrap(),
            serde_json::json!({"Version": "2012-10-17", "Statement": [
                {"Sid": "Enable IAM User Permissions", "Effect": "Allow",
                 "Principal": {"AWS": "arn:aws-cn:iam::111122223333:root"},
                 "Action": "kms:*", "Resource": "*"},
                {"Sid": "Ses", "Effect": "Allow", "Action": "kms:Decrypt"}
            ]})
        );
    }
}
