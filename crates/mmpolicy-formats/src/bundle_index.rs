//! TEMPORARY ADAPTER, to be replaced when the bundle writes structured targets: reads a
//! folder written by `mmpolicy bundle` (its `bundle.json` and policy files) into a
//! [`Deployment`], mapping each policy's `kind`, `providers` and `attach_to` prose to a
//! [`Target`].
//!
//! The prose is not an interface: this module only recognises the sentences the bundle
//! writes today, and refuses any other. What the prose does not say is filled in here:
//!
//! - the rule set's execution role (`rule-actions.*`) is created by the deployment, as
//!   `RuleSetRole`, named after `role_arn` or else `MailManagerRuleSetRole`;
//! - each inline policy is named `mmpolicy.<file stem>`;
//! - the archive export bucket's whole policy is owned by the deployment;
//! - secrets are not named (the bundle has no `secret_arn` yet), nor are the keys of
//!   `ingress` and `smtp-relay` (no `kms_key_arn` yet): every format asks for them.

use crate::{Deployment, FormatError, Placement, RoleRef, Target};
use serde_json::Value;
use std::path::Path;
use thiserror::Error;

/// The logical name of the rule set's execution role.
pub const RULE_SET_ROLE: &str = "RuleSetRole";

/// The name of the rule set's execution role when the deployment does not give `role_arn`.
pub const DEFAULT_RULE_SET_ROLE_NAME: &str = "MailManagerRuleSetRole";

/// Why a bundle folder cannot be read as a deployment.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum BundleIndexError {
    /// A file cannot be read.
    #[error("cannot read `{path}`: {source}")]
    Read {
        /// The file.
        path: String,
        /// Why.
        source: std::io::Error,
    },
    /// A file is not JSON.
    #[error("`{path}` is not valid JSON: {source}")]
    Json {
        /// The file.
        path: String,
        /// Why.
        source: serde_json::Error,
    },
    /// The index lacks a field or holds one of another type.
    #[error("`bundle.json` has no string `{0}`: give a folder written by `mmpolicy bundle`")]
    Field(String),
    /// A policy's place is not one this adapter knows.
    #[error("`{file}`: unknown place `{attach_to}` for a `{kind}` policy")]
    Unknown {
        /// The policy's file.
        file: String,
        /// Its kind.
        kind: String,
        /// Its place, as the index writes it.
        attach_to: String,
    },
    /// The placements do not make a deployment.
    #[error(transparent)]
    Format(#[from] FormatError),
}

/// Reads the bundle folder `dir` as a deployment.
pub fn read(dir: &Path) -> Result<Deployment, BundleIndexError> {
    let index = read_json(&dir.join("bundle.json"))?;
    let field = |v: &Value, name: &str| -> Result<String, BundleIndexError> {
        v.get(name)
            .and_then(Value::as_str)
            .map(str::to_owned)
            .ok_or_else(|| BundleIndexError::Field(name.to_owned()))
    };
    let mut placements = Vec::new();
    for entry in index
        .get("policies")
        .and_then(Value::as_array)
        .ok_or_else(|| BundleIndexError::Field("policies".to_owned()))?
    {
        let file = field(entry, "file")?;
        let kind = field(entry, "kind")?;
        let attach_to = field(entry, "attach_to")?;
        let rule_set = entry
            .get("providers")
            .and_then(Value::as_array)
            .is_some_and(|ps| {
                ps.iter()
                    .filter_map(Value::as_str)
                    .all(|p| p.starts_with("rule-actions."))
            });
        let stem = file.strip_suffix(".json").unwrap_or(&file).to_owned();
        let target = target(&kind, &attach_to, rule_set, &stem).ok_or_else(|| {
            BundleIndexError::Unknown {
                file: file.clone(),
                kind: kind.clone(),
                attach_to: attach_to.clone(),
            }
        })?;
        let document = read_json(&dir.join(&file))?;
        placements.push(Placement::new(file, target, document)?);
    }
    Ok(Deployment::new(
        field(&index, "account_id")?,
        field(&index, "region")?,
        placements,
    )?)
}

fn read_json(path: &Path) -> Result<Value, BundleIndexError> {
    let name = path.display().to_string();
    let text = std::fs::read_to_string(path).map_err(|source| BundleIndexError::Read {
        path: name.clone(),
        source,
    })?;
    serde_json::from_str(&text).map_err(|source| BundleIndexError::Json { path: name, source })
}

/// The text between the first pair of backticks after `prefix`, when `text` starts with it.
fn quoted_after<'a>(text: &'a str, prefix: &str) -> Option<&'a str> {
    let rest = text.strip_prefix(prefix)?.strip_prefix('`')?;
    rest.split_once('`').map(|(name, _)| name)
}

/// The target the bundle's prose names, or `None` for prose this adapter does not know.
fn target(kind: &str, attach_to: &str, rule_set: bool, stem: &str) -> Option<Target> {
    let policy_name = format!("mmpolicy.{stem}");
    let role = || -> Option<RoleRef> {
        let name = quoted_after(attach_to, "IAM role ");
        if rule_set {
            let default = attach_to.starts_with("the rule set's execution role");
            let role_name = match name {
                Some(n) => n.to_owned(),
                None if default => DEFAULT_RULE_SET_ROLE_NAME.to_owned(),
                None => return None,
            };
            Some(RoleRef::Created {
                logical_name: RULE_SET_ROLE.to_owned(),
                role_name,
            })
        } else {
            name.map(|n| RoleRef::Existing {
                role_name: n.to_owned(),
            })
        }
    };
    match kind {
        "identity" => match quoted_after(attach_to, "IAM user ") {
            Some(user) => Some(Target::UserPolicy {
                user_name: user.to_owned(),
                policy_name,
            }),
            None => Some(Target::RolePolicy {
                role: role()?,
                policy_name,
            }),
        },
        "trust" => Some(Target::TrustPolicy { role: role()? }),
        "bucket" => quoted_after(attach_to, "S3 bucket ").map(|b| Target::BucketPolicy {
            bucket: b.to_owned(),
            owned: true,
        }),
        "secret" if attach_to.starts_with("the Secrets Manager secret") => {
            Some(Target::SecretPolicy { secret_arn: None })
        }
        "key" => match quoted_after(attach_to, "KMS key ") {
            Some(arn) => Some(Target::KeyPolicy {
                key_arn: Some(arn.to_owned()),
            }),
            None if attach_to.starts_with("the KMS key") => {
                Some(Target::KeyPolicy { key_arn: None })
            }
            None => None,
        },
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prose_of_each_kind_maps_to_its_target() {
        let t = target(
            "identity",
            "IAM role `Ops` (arn:aws:iam::111122223333:role/Ops), as a permission policy",
            false,
            "archiving.identity",
        );
        assert_eq!(
            t,
            Some(Target::RolePolicy {
                role: RoleRef::Existing {
                    role_name: "Ops".into()
                },
                policy_name: "mmpolicy.archiving.identity".into()
            })
        );
        let t = target(
            "trust",
            "the rule set's execution role (the IAM role SES assumes to run rule actions), as its trust policy",
            true,
            "rule-actions.trust-policy",
        );
        assert_eq!(
            t,
            Some(Target::TrustPolicy {
                role: RoleRef::Created {
                    logical_name: "RuleSetRole".into(),
                    role_name: "MailManagerRuleSetRole".into()
                }
            })
        );
        let t = target(
            "identity",
            "IAM user `ann` (arn), as a permission policy",
            false,
            "a.b",
        );
        assert!(matches!(t, Some(Target::UserPolicy { .. })));
        let t = target(
            "key",
            "the KMS key that encrypts that secret: merge",
            false,
            "i.k",
        );
        assert_eq!(t, Some(Target::KeyPolicy { key_arn: None }));
        assert_eq!(target("key", "some key", false, "i.k"), None);
        assert_eq!(target("bucket", "a bucket", false, "i.k"), None);
        assert_eq!(target("other", "IAM role `x`", false, "i.k"), None);
    }

    #[test]
    fn example_bundle_reads_into_every_target() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/example-bundle");
        let d = read(&dir).unwrap();
        let attaches: Vec<&str> = d
            .placements()
            .iter()
            .map(|p| p.target().attaches().as_str())
            .collect();
        assert_eq!(
            attaches,
            [
                "inline-role-policy",
                "inline-role-policy",
                "bucket-policy",
                "inline-role-policy",
                "key-policy",
                "secret-resource-policy",
                "key-policy",
                "trust-policy",
                "inline-role-policy",
                "secret-resource-policy",
                "key-policy",
            ]
        );
    }

    #[test]
    fn missing_folder_is_reported_with_its_path() {
        let err = read(Path::new("/nonexistent/bundle")).unwrap_err();
        assert!(
            err.to_string()
                .starts_with("cannot read `/nonexistent/bundle/bundle.json`"),
            "{err}"
        );
    }
}
