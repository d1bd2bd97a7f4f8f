//! Where a policy goes: the structured [`Target`] a deployment section gives each policy it
//! plans, as the bundle's index records it and as the deployment formats (CloudFormation,
//! Terraform, the AWS CLI) read it.
//!
//! It lives in core because the sections that choose targets are in feature crates, which
//! depend on core only; the bundle writes targets and the formats read them.

use crate::provider::PolicyKind;
use serde::{Deserialize, Serialize};
use std::fmt;

/// Where one policy document is attached, and how.
///
/// A target names the resource (by name, or by ARN where AWS addresses it so) and the way the
/// document attaches to it. Serialised, it is the flat record tools read from the index,
/// without parsing prose:
///
/// ```
/// use mmpolicy_core::target::{RoleRef, Target};
/// let target = Target::RolePolicy {
///     role: RoleRef::Existing { role_name: "MailArchiveOperators".into() },
///     policy_name: "mmpolicy.archiving.identity".into(),
/// };
/// assert_eq!(
///     serde_json::to_value(&target).unwrap(),
///     serde_json::json!({
///         "service": "iam", "resource_type": "role", "name": "MailArchiveOperators",
///         "attach": "inline-role-policy", "policy_name": "mmpolicy.archiving.identity",
///     })
/// );
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(into = "TargetRecord", try_from = "TargetRecord")]
pub enum Target {
    /// An inline permission policy of an IAM role.
    RolePolicy {
        /// The role.
        role: RoleRef,
        /// The name of the inline policy (`[A-Za-z0-9+=,.@_-]`, at most 128 characters).
        policy_name: String,
    },
    /// An inline permission policy of an IAM user.
    UserPolicy {
        /// The user's name.
        user_name: String,
        /// The name of the inline policy.
        policy_name: String,
    },
    /// The trust policy of an IAM role: who may assume it.
    TrustPolicy {
        /// The role.
        role: RoleRef,
    },
    /// The bucket policy of an S3 bucket.
    BucketPolicy {
        /// The bucket's name.
        bucket: String,
        /// Whether the deployment owns the bucket's whole policy. When it does, CloudFormation
        /// and Terraform put the document in place of the bucket's policy; when it does not,
        /// the statements are merged into the policy the bucket has.
        owned: bool,
    },
    /// The resource policy of a Secrets Manager secret.
    SecretPolicy {
        /// The secret's ARN, when the deployment names it; otherwise each format asks for it
        /// (a template parameter, a variable, an environment variable).
        secret_arn: Option<String>,
    },
    /// The key policy of a KMS key. A key policy is the key's whole access control, so the
    /// statements are always merged into the policy the key has, never put in its place.
    KeyPolicy {
        /// The key's ARN, when the deployment names it; otherwise each format asks for it.
        key_arn: Option<String>,
    },
}

/// An IAM role a policy is attached to.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum RoleRef {
    /// A role the deployment creates (the rule set's execution role): CloudFormation and
    /// Terraform declare it, the AWS CLI script creates it when it does not exist.
    Created {
        /// The name the formats give the role's declaration (`RuleSetRole`): letters and
        /// digits, starting with a capital letter.
        logical_name: String,
        /// The role's name in the account (the default of the parameter that names it).
        role_name: String,
    },
    /// A role that exists already and that the deployment does not own.
    Existing {
        /// The role's name in the account.
        role_name: String,
    },
}

impl RoleRef {
    /// The role's name in the account.
    pub fn role_name(&self) -> &str {
        match self {
            RoleRef::Created { role_name, .. } | RoleRef::Existing { role_name } => role_name,
        }
    }
}

/// How a document attaches to its resource.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Attach {
    /// An inline policy of an IAM role (`iam:PutRolePolicy`).
    InlineRolePolicy,
    /// An inline policy of an IAM user (`iam:PutUserPolicy`).
    InlineUserPolicy,
    /// A role's trust policy (`iam:UpdateAssumeRolePolicy`).
    TrustPolicy,
    /// A bucket policy (`s3:PutBucketPolicy`).
    BucketPolicy,
    /// A secret's resource policy (`secretsmanager:PutResourcePolicy`).
    SecretResourcePolicy,
    /// A key policy (`kms:PutKeyPolicy`).
    KeyPolicy,
}

impl Attach {
    /// The form the index writes (`inline-role-policy`).
    pub fn as_str(self) -> &'static str {
        match self {
            Attach::InlineRolePolicy => "inline-role-policy",
            Attach::InlineUserPolicy => "inline-user-policy",
            Attach::TrustPolicy => "trust-policy",
            Attach::BucketPolicy => "bucket-policy",
            Attach::SecretResourcePolicy => "secret-resource-policy",
            Attach::KeyPolicy => "key-policy",
        }
    }
}

impl fmt::Display for Attach {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Target {
    /// The AWS service that owns the resource, as its ARNs name it (`iam`, `s3`,
    /// `secretsmanager`, `kms`).
    pub fn service(&self) -> &'static str {
        match self {
            Target::RolePolicy { .. } | Target::UserPolicy { .. } | Target::TrustPolicy { .. } => {
                "iam"
            }
            Target::BucketPolicy { .. } => "s3",
            Target::SecretPolicy { .. } => "secretsmanager",
            Target::KeyPolicy { .. } => "kms",
        }
    }

    /// The resource type, as AWS's service authorization reference names it (`role`, `user`,
    /// `bucket`, `Secret`, `key`), lowercased.
    pub fn resource_type(&self) -> &'static str {
        match self {
            Target::RolePolicy { .. } | Target::TrustPolicy { .. } => "role",
            Target::UserPolicy { .. } => "user",
            Target::BucketPolicy { .. } => "bucket",
            Target::SecretPolicy { .. } => "secret",
            Target::KeyPolicy { .. } => "key",
        }
    }

    /// The resource's name (roles, users, buckets) or ARN (secrets, keys); `None` for a secret
    /// or key the deployment does not name.
    pub fn arn_or_name(&self) -> Option<&str> {
        match self {
            Target::RolePolicy { role, .. } | Target::TrustPolicy { role } => {
                Some(role.role_name())
            }
            Target::UserPolicy { user_name, .. } => Some(user_name),
            Target::BucketPolicy { bucket, .. } => Some(bucket),
            Target::SecretPolicy { secret_arn } => secret_arn.as_deref(),
            Target::KeyPolicy { key_arn } => key_arn.as_deref(),
        }
    }

    /// How the document attaches to the resource.
    pub fn attaches(&self) -> Attach {
        match self {
            Target::RolePolicy { .. } => Attach::InlineRolePolicy,
            Target::UserPolicy { .. } => Attach::InlineUserPolicy,
            Target::TrustPolicy { .. } => Attach::TrustPolicy,
            Target::BucketPolicy { .. } => Attach::BucketPolicy,
            Target::SecretPolicy { .. } => Attach::SecretResourcePolicy,
            Target::KeyPolicy { .. } => Attach::KeyPolicy,
        }
    }

    /// The kind of document the target takes.
    pub fn kind(&self) -> PolicyKind {
        match self {
            Target::RolePolicy { .. } | Target::UserPolicy { .. } => PolicyKind::Identity,
            Target::TrustPolicy { .. } => PolicyKind::Trust,
            Target::BucketPolicy { .. } => PolicyKind::Bucket,
            Target::SecretPolicy { .. } => PolicyKind::Secret,
            Target::KeyPolicy { .. } => PolicyKind::Key,
        }
    }

    /// Whether the document is merged into the resource's existing policy rather than put in
    /// its place, by every format (key policies, and bucket policies the deployment does not
    /// own).
    pub fn merges(&self) -> bool {
        matches!(
            self,
            Target::KeyPolicy { .. } | Target::BucketPolicy { owned: false, .. }
        )
    }

    /// Checks the names and ARNs the target holds, which the formats write into templates and
    /// scripts: the reason of the refusal, naming the value.
    pub fn check(&self) -> Result<(), String> {
        fn name(what: &str, v: &str, max: usize) -> Result<(), String> {
            let ok = !v.is_empty()
                && v.len() <= max
                && v.chars()
                    .all(|c| c.is_ascii_alphanumeric() || "+=,.@_-".contains(c));
            if ok {
                Ok(())
            } else {
                Err(format!(
                    "invalid {what} `{v}`: expected 1 to {max} letters, digits and `+=,.@_-`"
                ))
            }
        }
        fn arn(what: &str, service: &str, v: &str) -> Result<(), String> {
            let parts: Vec<&str> = v.splitn(6, ':').collect();
            let ok = parts.len() == 6
                && parts[0] == "arn"
                && parts[2] == service
                && !v.contains("${")
                && v.chars()
                    .all(|c| c.is_ascii_graphic() && !"\"'\\`$".contains(c));
            if ok {
                Ok(())
            } else {
                Err(format!(
                    "invalid {what} `{v}`: expected an ARN `arn:<partition>:{service}:<region>:<account>:...`"
                ))
            }
        }
        fn role(r: &RoleRef) -> Result<(), String> {
            if let RoleRef::Created { logical_name, .. } = r {
                let ok = logical_name.starts_with(|c: char| c.is_ascii_uppercase())
                    && logical_name.len() <= 64
                    && logical_name.chars().all(|c| c.is_ascii_alphanumeric());
                if !ok {
                    return Err(format!(
                        "invalid logical name `{logical_name}`: expected letters and digits, starting with a capital letter"
                    ));
                }
            }
            name("role name", r.role_name(), 64)
        }
        match self {
            Target::RolePolicy {
                role: r,
                policy_name,
            } => {
                role(r)?;
                name("policy name", policy_name, 128)
            }
            Target::UserPolicy {
                user_name,
                policy_name,
            } => {
                name("user name", user_name, 64)?;
                name("policy name", policy_name, 128)
            }
            Target::TrustPolicy { role: r } => role(r),
            Target::BucketPolicy { bucket, .. } => {
                let ok = (3..=63).contains(&bucket.len())
                    && bucket.chars().all(|c| {
                        c.is_ascii_lowercase() || c.is_ascii_digit() || c == '.' || c == '-'
                    });
                if ok {
                    Ok(())
                } else {
                    Err(format!(
                        "invalid bucket name `{bucket}`: expected 3 to 63 lowercase letters, digits, `.` and `-`"
                    ))
                }
            }
            Target::SecretPolicy { secret_arn } => secret_arn
                .as_deref()
                .map_or(Ok(()), |v| arn("secret ARN", "secretsmanager", v)),
            Target::KeyPolicy { key_arn } => key_arn
                .as_deref()
                .map_or(Ok(()), |v| arn("key ARN", "kms", v)),
        }
    }
}

/// The flat form of a [`Target`] in the index.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct TargetRecord {
    service: String,
    resource_type: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    arn: Option<String>,
    attach: Attach,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    policy_name: Option<String>,
    /// Set for a role the deployment creates: the name of its declaration.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    logical_name: Option<String>,
    /// Set for buckets.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    owned: Option<bool>,
}

impl From<Target> for TargetRecord {
    fn from(t: Target) -> Self {
        let mut r = TargetRecord {
            service: t.service().to_owned(),
            resource_type: t.resource_type().to_owned(),
            name: None,
            arn: None,
            attach: t.attaches(),
            policy_name: None,
            logical_name: None,
            owned: None,
        };
        let role = |r: &mut TargetRecord, role: RoleRef| match role {
            RoleRef::Created {
                logical_name,
                role_name,
            } => {
                r.name = Some(role_name);
                r.logical_name = Some(logical_name);
            }
            RoleRef::Existing { role_name } => r.name = Some(role_name),
        };
        match t {
            Target::RolePolicy {
                role: ro,
                policy_name,
            } => {
                role(&mut r, ro);
                r.policy_name = Some(policy_name);
            }
            Target::UserPolicy {
                user_name,
                policy_name,
            } => {
                r.name = Some(user_name);
                r.policy_name = Some(policy_name);
            }
            Target::TrustPolicy { role: ro } => role(&mut r, ro),
            Target::BucketPolicy { bucket, owned } => {
                r.name = Some(bucket);
                r.owned = Some(owned);
            }
            Target::SecretPolicy { secret_arn } => r.arn = secret_arn,
            Target::KeyPolicy { key_arn } => r.arn = key_arn,
        }
        r
    }
}

impl TryFrom<TargetRecord> for Target {
    type Error = String;

    fn try_from(r: TargetRecord) -> Result<Self, String> {
        let missing = |field: &str| format!("a `{}` target needs `{field}`", r.attach);
        let role = |r: &TargetRecord| -> Result<RoleRef, String> {
            let role_name = r.name.clone().ok_or_else(|| missing("name"))?;
            Ok(match r.logical_name.clone() {
                Some(logical_name) => RoleRef::Created {
                    logical_name,
                    role_name,
                },
                None => RoleRef::Existing { role_name },
            })
        };
        let target = match r.attach {
            Attach::InlineRolePolicy => Target::RolePolicy {
                role: role(&r)?,
                policy_name: r
                    .policy_name
                    .clone()
                    .ok_or_else(|| missing("policy_name"))?,
            },
            Attach::InlineUserPolicy => Target::UserPolicy {
                user_name: r.name.clone().ok_or_else(|| missing("name"))?,
                policy_name: r
                    .policy_name
                    .clone()
                    .ok_or_else(|| missing("policy_name"))?,
            },
            Attach::TrustPolicy => Target::TrustPolicy { role: role(&r)? },
            Attach::BucketPolicy => Target::BucketPolicy {
                bucket: r.name.clone().ok_or_else(|| missing("name"))?,
                owned: r.owned.ok_or_else(|| missing("owned"))?,
            },
            Attach::SecretResourcePolicy => Target::SecretPolicy {
                secret_arn: r.arn.clone(),
            },
            Attach::KeyPolicy => Target::KeyPolicy {
                key_arn: r.arn.clone(),
            },
        };
        if target.service() != r.service || target.resource_type() != r.resource_type {
            return Err(format!(
                "a `{}` target is service `{}` resource type `{}`, not `{}` `{}`",
                r.attach,
                target.service(),
                target.resource_type(),
                r.service,
                r.resource_type
            ));
        }
        // The record must hold exactly what its target keeps, so that nothing is dropped.
        if TargetRecord::from(target.clone()) != r {
            return Err(format!(
                "a `{}` target holds a field it does not take",
                r.attach
            ));
        }
        target.check()?;
        Ok(target)
    }
}
