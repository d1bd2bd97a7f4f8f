//! The requests made with a provider's policy, and the near misses it must deny: data built
//! from the same parameters as the policy, which `mmpolicy check`, the reference and each
//! feature crate's tests evaluate against a policy document.
//!
//! A provider returns them from [`Provider::required_requests`](crate::Provider::required_requests):
//! every request that Mail Manager (or the people the policy names) makes with the policy,
//! expected [`Expect::Allow`], then near misses (another account, another resource, another
//! action) expected [`Expect::Deny`].
//!
//! ```
//! use mmpolicy_core::requests::{ExpectedRequest, RequestPrincipal, SES};
//!
//! let read = ExpectedRequest::allow(
//!     "Mail Manager",
//!     "secretsmanager:GetSecretValue",
//!     "arn:aws:secretsmanager:us-east-1:111122223333:secret:smtp-AbCdEf",
//!     "read the SMTP credentials",
//! )
//! .by_service(SES)
//! .with("aws:SourceAccount", &["111122223333"]);
//! assert_eq!(read.principal, RequestPrincipal::Service(SES));
//! ```

use serde::Serialize;

use crate::arns::ses_arn;
use crate::types::{AccountId, Partition, Region};

/// The service principal of Amazon SES, which Mail Manager acts as.
pub const SES: &str = crate::arns::SES_SERVICE_PRINCIPAL;

/// An account other than `account`, for the near misses of another account.
pub fn other_account(account: AccountId) -> &'static str {
    if account.as_str() == "444455556666" {
        "777788889999"
    } else {
        "444455556666"
    }
}

/// The Mail Manager resource SES acts for, as the confused-deputy keys name it
/// (`aws:SourceAccount`, `aws:SourceArn`).
#[derive(Debug, Clone, Copy)]
pub struct Source<'a> {
    /// The resource's partition.
    pub partition: Partition,
    /// The resource's region.
    pub region: Region,
    /// The resource's account.
    pub account: AccountId,
    /// Its ARN resource type (`mailmanager-ingress-point`).
    pub resource_type: &'a str,
    /// Its id, or `None` when the policy names every resource of the type (`*`).
    pub id: Option<&'a str>,
    /// An id of the type's form, used when `id` is `None` and for near misses.
    pub example_id: &'a str,
}

impl Source<'_> {
    /// The ARN of the resource (of an example one when the policy names every one).
    pub fn arn(&self) -> String {
        self.arn_in(self.account, self.id.unwrap_or(self.example_id))
    }

    fn arn_in(&self, account: AccountId, id: &str) -> String {
        ses_arn(self.partition, self.region, account, self.resource_type, id).into_string()
    }

    /// `request` made by SES for this resource, then its near misses: SES acting for the same
    /// kind of resource in another account, and (when the policy names one resource) for
    /// another resource of the account.
    pub fn requests(&self, request: ExpectedRequest) -> Vec<ExpectedRequest> {
        let account = self.account.as_str();
        let mut out = vec![
            request
                .clone()
                .by_service(SES)
                .from_source(account, &self.arn()),
        ];
        let other = other_account(self.account);
        let other_arn = AccountId::new(other)
            .map(|a| self.arn_in(a, self.id.unwrap_or(self.example_id)))
            .unwrap_or_default();
        out.push(ExpectedRequest {
            expect: Expect::Deny,
            why: "SES acting for another account's resource (the confused deputy)",
            ..request
                .clone()
                .by_service(SES)
                .from_source(other, &other_arn)
        });
        if self.id.is_some() {
            let another = self.arn_in(self.account, self.example_id);
            out.push(ExpectedRequest {
                expect: Expect::Deny,
                why: "SES acting for another resource of the account",
                ..request.by_service(SES).from_source(account, &another)
            });
        }
        out
    }
}

/// The ARN standing for the secret a secret policy is attached to (its name is the user's;
/// the policy's `Resource` is `*`).
pub fn attached_secret(source: &Source<'_>) -> String {
    format!(
        "arn:{}:secretsmanager:{}:{}:secret:mail-manager-credentials-AbCdEf",
        source.partition.as_str(),
        source.region.as_str(),
        source.account.as_str()
    )
}

/// The ARN standing for the KMS key a key policy is attached to.
pub fn attached_key(partition: Partition, region: Region, account: AccountId) -> String {
    format!(
        "arn:{}:kms:{}:{}:key/1234abcd-12ab-34cd-56ef-1234567890ab",
        partition.as_str(),
        region.as_str(),
        account.as_str()
    )
}

/// The requests of a secret policy built with [`ses_secret_statement`](crate::arns::ses_secret_statement):
/// SES makes each of `actions` on the secret for `source`; near misses are another account's
/// and another resource's, and a write to the secret.
pub fn ses_secret_requests(
    actions: &'static [&'static str],
    source: &Source<'_>,
) -> Vec<ExpectedRequest> {
    let secret = attached_secret(source);
    let mut out: Vec<ExpectedRequest> = actions
        .iter()
        .flat_map(|action| {
            source.requests(ExpectedRequest::allow(
                "Mail Manager",
                action,
                &secret,
                "read the credentials for the resource",
            ))
        })
        .collect();
    out.push(
        ExpectedRequest::deny(
            "Mail Manager",
            "secretsmanager:PutSecretValue",
            &secret,
            "SES never changes the secret",
        )
        .by_service(SES)
        .from_source(source.account.as_str(), &source.arn()),
    );
    out
}

/// The requests of a key-policy statement built with
/// [`ses_secret_key_statement`](crate::arns::ses_secret_key_statement): SES makes each of
/// `actions` on the key through Secrets Manager for `source`; near misses are another
/// account's and another resource's, and the key used through another service.
pub fn ses_secret_key_requests(
    actions: &'static [&'static str],
    source: &Source<'_>,
) -> Vec<ExpectedRequest> {
    let key = attached_key(source.partition, source.region, source.account);
    let via = source.region.service_endpoint("secretsmanager");
    let mut out: Vec<ExpectedRequest> = actions
        .iter()
        .flat_map(|action| {
            source.requests(
                ExpectedRequest::allow(
                    "Mail Manager",
                    action,
                    &key,
                    "decrypt the secret through Secrets Manager",
                )
                .with("kms:ViaService", &[&via]),
            )
        })
        .collect();
    if let Some(action) = actions.first() {
        out.push(
            ExpectedRequest::deny(
                "Mail Manager",
                action,
                &key,
                "the key used through another service than Secrets Manager",
            )
            .by_service(SES)
            .with("kms:ViaService", &[&source.region.service_endpoint("s3")])
            .from_source(source.account.as_str(), &source.arn()),
        );
    }
    out
}

/// Whether a request must be allowed or denied.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Expect {
    /// It is needed: the policy must allow it.
    Allow,
    /// A near miss: the policy must not allow it.
    Deny,
}

/// Who makes a request.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RequestPrincipal {
    /// The role or user an identity policy is attached to, in `account` (the resource's
    /// account when `None`: the parameters of some policies name no account).
    Holder {
        /// The holder's account id, when the parameters name it.
        account: Option<String>,
    },
    /// An AWS service principal (`ses.amazonaws.com`): a resource policy (key, bucket,
    /// secret, trust) must allow it, as it has no identity policy.
    Service(&'static str),
    /// A named IAM role or user ARN, as a key policy names it.
    Arn(String),
}

impl RequestPrincipal {
    /// The principal in the words of the reference: `the policy's holder`, the service
    /// principal or the ARN.
    pub fn describe(&self) -> String {
        match self {
            RequestPrincipal::Holder { account: None } => "the policy's holder".to_owned(),
            RequestPrincipal::Holder {
                account: Some(account),
            } => format!("the policy's holder in `{account}`"),
            RequestPrincipal::Service(service) => format!("`{service}`"),
            RequestPrincipal::Arn(arn) => format!("`{arn}`"),
        }
    }
}

/// One request made with a policy (or a near miss the policy must deny).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ExpectedRequest {
    /// Who makes it.
    pub principal: RequestPrincipal,
    /// Who makes it, in a few words (`the deployer role`, `Mail Manager`).
    pub principal_hint: &'static str,
    /// The action, `service:Name`.
    pub action: &'static str,
    /// The resource's ARN, or `*` for actions that take none.
    pub resource: String,
    /// The account that owns the resource, for ARNs that name none (S3 buckets and objects);
    /// `None` takes the ARN's account, or the principal's.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub resource_account: Option<String>,
    /// The request's condition keys and their values (several for a multi-valued key).
    pub context: Vec<(String, Vec<String>)>,
    /// Allowed or denied.
    pub expect: Expect,
    /// Why it is needed, or what the near miss is, in one line.
    pub why: &'static str,
}

impl ExpectedRequest {
    /// A request the policy's holder needs allowed.
    pub fn allow(
        principal_hint: &'static str,
        action: &'static str,
        resource: impl Into<String>,
        why: &'static str,
    ) -> Self {
        ExpectedRequest {
            principal: RequestPrincipal::Holder { account: None },
            principal_hint,
            action,
            resource: resource.into(),
            resource_account: None,
            context: Vec::new(),
            expect: Expect::Allow,
            why,
        }
    }

    /// A near miss by the policy's holder that must be denied.
    pub fn deny(
        principal_hint: &'static str,
        action: &'static str,
        resource: impl Into<String>,
        why: &'static str,
    ) -> Self {
        ExpectedRequest {
            expect: Expect::Deny,
            ..ExpectedRequest::allow(principal_hint, action, resource, why)
        }
    }

    /// The same request made by a service principal (`ses.amazonaws.com`).
    pub fn by_service(mut self, service: &'static str) -> Self {
        self.principal = RequestPrincipal::Service(service);
        self
    }

    /// The same request made by a named role or user.
    pub fn by_arn(mut self, arn: impl Into<String>) -> Self {
        self.principal = RequestPrincipal::Arn(arn.into());
        self
    }

    /// The same request made by the policy's holder in `account`.
    pub fn holder_in(mut self, account: impl Into<String>) -> Self {
        self.principal = RequestPrincipal::Holder {
            account: Some(account.into()),
        };
        self
    }

    /// The same request on a resource owned by `account` (for ARNs that name none).
    pub fn resource_account(mut self, account: impl Into<String>) -> Self {
        self.resource_account = Some(account.into());
        self
    }

    /// The same request with a condition key set to `values`.
    pub fn with(mut self, key: impl Into<String>, values: &[&str]) -> Self {
        self.context
            .push((key.into(), values.iter().map(|v| (*v).to_owned()).collect()));
        self
    }

    /// The same request with `aws:SourceAccount` and `aws:SourceArn` set, as AWS sets them
    /// when a service acts for a resource (the confused-deputy keys).
    pub fn from_source(self, account: &str, source_arn: &str) -> Self {
        self.with("aws:SourceAccount", &[account])
            .with("aws:SourceArn", &[source_arn])
    }

    /// The value of a context key, when the request has exactly one.
    pub fn context_value(&self, key: &str) -> Option<&str> {
        self.context
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(key))
            .and_then(|(_, values)| match values.as_slice() {
                [one] => Some(one.as_str()),
                _ => None,
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_near_miss_differs_from_its_request_only_in_what_is_expected() {
        let allow = ExpectedRequest::allow("x", "s3:GetObject", "arn:aws:s3:::b/k", "read");
        let deny = ExpectedRequest::deny("x", "s3:GetObject", "arn:aws:s3:::b/k", "read");
        assert_eq!(deny.expect, Expect::Deny);
        assert_eq!(
            ExpectedRequest {
                expect: Expect::Allow,
                ..deny
            },
            allow
        );
    }

    #[test]
    fn source_conditions_set_both_confused_deputy_keys() {
        let r = ExpectedRequest::allow("ses", "sts:AssumeRole", "*", "assume")
            .by_service(SES)
            .from_source("111122223333", "arn:aws:ses:us-east-1:111122223333:x/y");
        assert_eq!(r.context_value("aws:sourceaccount"), Some("111122223333"));
        assert_eq!(
            r.context_value("aws:SourceArn"),
            Some("arn:aws:ses:us-east-1:111122223333:x/y")
        );
        assert_eq!(r.principal.describe(), "`ses.amazonaws.com`");
    }
}
