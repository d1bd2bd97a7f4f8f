//! One policy as the snippet of the CloudFormation property or Terraform block it belongs in
//! (`mmpolicy render --format`), to paste into a template or configuration of one's own.
//!
//! CloudFormation and Terraform set a resource's whole policy: give them the whole document
//! (for a key policy, the one that keeps AWS's default administrator statement). To add
//! statements to a policy neither tool manages, merge them with `mmpolicy merge` instead.

use crate::yaml::Yaml;
use crate::{FormatError, snake, terraform};
use mmpolicy_core::PolicyKind;
use serde_json::Value;

/// The CloudFormation property that holds a policy of `kind`, and where it is.
fn cloudformation_home(kind: PolicyKind) -> (&'static str, &'static str) {
    match kind {
        PolicyKind::Identity => (
            "PolicyDocument",
            "an `AWS::IAM::RolePolicy` (or an entry of an `AWS::IAM::Role`'s `Policies`)",
        ),
        PolicyKind::Trust => ("AssumeRolePolicyDocument", "an `AWS::IAM::Role`"),
        PolicyKind::Key => ("KeyPolicy", "an `AWS::KMS::Key`"),
        PolicyKind::Secret => ("ResourcePolicy", "an `AWS::SecretsManager::ResourcePolicy`"),
        PolicyKind::Bucket => ("PolicyDocument", "an `AWS::S3::BucketPolicy`"),
    }
}

/// The Terraform resource whose argument takes a policy of `kind`.
fn terraform_home(kind: PolicyKind) -> &'static str {
    match kind {
        PolicyKind::Identity => "the `policy` of an `aws_iam_role_policy`",
        PolicyKind::Trust => "the `assume_role_policy` of an `aws_iam_role`",
        PolicyKind::Key => "the `policy` of an `aws_kms_key` (or an `aws_kms_key_policy`)",
        PolicyKind::Secret => "the `policy` of an `aws_secretsmanager_secret_policy`",
        PolicyKind::Bucket => "the `policy` of an `aws_s3_bucket_policy`",
    }
}

/// `document`, a policy of `kind`, as the CloudFormation property it belongs in (YAML, with a
/// comment naming the resource type).
pub fn cloudformation(kind: PolicyKind, document: &Value) -> String {
    let (property, resource) = cloudformation_home(kind);
    let mut out = format!("# The `{property}` property of {resource}.\n");
    out.push_str(&Yaml::map([(property, Yaml::from_json(document))]).to_text());
    out
}

/// `document`, a policy of `kind` rendered by provider `id`, as a Terraform
/// `data "aws_iam_policy_document"` block named after the provider, with a comment naming the
/// argument its `json` goes to.
pub fn terraform(id: &str, kind: PolicyKind, document: &Value) -> Result<String, FormatError> {
    let name = snake(id);
    let mut out = format!(
        "# `data.aws_iam_policy_document.{name}.json` is {}.\n",
        terraform_home(kind)
    );
    out.push_str(&terraform::data_block_of(&name, id, document)?);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn key_policy() -> Value {
        json!({"Version": "2012-10-17", "Statement": [{
            "Sid": "AllowSes", "Effect": "Allow",
            "Principal": {"Service": "ses.amazonaws.com"},
            "Action": "kms:Decrypt", "Resource": "*",
            "Condition": {"StringEquals": {"aws:SourceAccount": "111122223333"}}
        }]})
    }

    #[test]
    fn a_key_policy_is_the_key_policy_property_of_a_kms_key() {
        assert_eq!(
            cloudformation(PolicyKind::Key, &key_policy()),
            "# The `KeyPolicy` property of an `AWS::KMS::Key`.\n\
             KeyPolicy:\n  \
               Version: \"2012-10-17\"\n  \
               Statement:\n    \
                 - Sid: \"AllowSes\"\n      \
                   Effect: \"Allow\"\n      \
                   Principal:\n        \
                     Service: \"ses.amazonaws.com\"\n      \
                   Action: \"kms:Decrypt\"\n      \
                   Resource: \"*\"\n      \
                   Condition:\n        \
                     StringEquals:\n          \
                       \"aws:SourceAccount\": \"111122223333\"\n"
        );
    }

    #[test]
    fn a_key_policy_is_a_policy_document_data_block_named_after_the_provider() {
        let text = terraform("ingress.key-policy", PolicyKind::Key, &key_policy()).unwrap();
        assert!(
            text.starts_with(
                "# `data.aws_iam_policy_document.ingress_key_policy.json` is the `policy` of an `aws_kms_key`"
            ),
            "{text}"
        );
        assert!(
            text.contains("data \"aws_iam_policy_document\" \"ingress_key_policy\" {\n"),
            "{text}"
        );
        assert!(
            text.contains("identifiers = [\"ses.amazonaws.com\"]"),
            "{text}"
        );
        assert!(text.contains("variable = \"aws:SourceAccount\""), "{text}");
    }
}
