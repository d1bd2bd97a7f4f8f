//! A deployment's policies in the forms that put them into an account: a CloudFormation
//! template ([`cloudformation`]), a Terraform configuration ([`terraform`]) and an AWS CLI
//! script ([`aws_cli`]).
//!
//! The input is neutral: a [`Deployment`] is the account, the region and a list of
//! [`Placement`]s, each a policy document (as JSON, exactly as written to its file) with the
//! structured [`Target`] it attaches to. Each format returns the files it writes, as
//! `(path relative to the output folder, contents)`, deterministic: the same deployment always
//! gives the same bytes.
//!
//! What the deployment attaches to but does not own (existing roles, secrets, buckets, keys)
//! becomes an input of every format: a template parameter, a Terraform variable, an
//! environment variable of the script, with the deployment's value as its default when it
//! names one. Key policies, and bucket policies the deployment does not own, are merged into
//! the resource's existing policy with `mmpolicy merge`, never put in its place: the AWS CLI
//! script does it itself, and CloudFormation and Terraform write a script that does it beside
//! their files, since neither can merge into a policy they do not manage.

pub mod aws_cli;
pub mod bundle_dir;
pub mod cloudformation;
mod inputs;
pub mod snippet;
pub mod terraform;
mod yaml;

pub use mmpolicy_core::target::{Attach, RoleRef, Target};

use mmpolicy_core::{PolicyKind, Shape};
use serde_json::Value;
use std::collections::BTreeSet;
use thiserror::Error;

/// A file a format writes: its path relative to the output folder (`/`-separated), and its
/// contents.
pub type OutputFile = (String, String);

/// Why a deployment cannot be written in a format.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum FormatError {
    /// A policy's file name is not a plain `.json` file name.
    #[error(
        "invalid policy file name `{0}`: expected a plain file name ending in `.json`, such as `ingress.secret-policy.json`"
    )]
    FileName(String),
    /// Two policies have the same file name.
    #[error("two policies are written to `{0}`: give each its own file")]
    DuplicateFile(String),
    /// A policy document is not a JSON policy document.
    #[error("`{file}` is not a policy document: {reason}")]
    Document {
        /// The policy's file.
        file: String,
        /// What is wrong.
        reason: String,
    },
    /// A target holds an invalid name or ARN.
    #[error("`{file}`: {reason}")]
    Target {
        /// The policy's file.
        file: String,
        /// What is wrong.
        reason: String,
    },
    /// A role the deployment creates has no trust policy, or two.
    #[error(
        "role `{role}` is created by the deployment and needs exactly one trust policy, not {count}: give it one"
    )]
    TrustPolicies {
        /// The role's name.
        role: String,
        /// How many trust policies it has.
        count: usize,
    },
    /// One role name is used both for a role the deployment creates and for one it does not.
    #[error(
        "role `{0}` is both created by the deployment and an existing role: name the created role differently"
    )]
    RoleOwnership(String),
    /// A format cannot attach a policy to its target.
    #[error("`{file}`: {format} cannot {what}: use the AWS CLI script for this policy")]
    Unsupported {
        /// The policy's file.
        file: String,
        /// The format.
        format: &'static str,
        /// What it cannot do.
        what: &'static str,
    },
}

/// One policy document and where it goes.
#[derive(Debug, Clone, PartialEq)]
pub struct Placement {
    file: String,
    target: Target,
    /// The document; a list of statements is held as a document around it.
    document: Value,
    /// Whether the file holds the document or only its statements.
    shape: Shape,
}

impl Placement {
    /// A placement of `document` under the file name `file`, attached to `target`.
    /// `document` is a policy document (an object with a `Statement` list), or a list of
    /// statements to merge into the resource's existing policy, as `mmpolicy bundle` writes
    /// key, secret and bucket policies.
    pub fn new(
        file: impl Into<String>,
        target: Target,
        document: Value,
    ) -> Result<Self, FormatError> {
        let file = file.into();
        let list_reason = match &document {
            Value::Array(list) if list.is_empty() => Some("it is an empty list of statements"),
            Value::Array(list) if !list.iter().all(Value::is_object) => {
                Some("it is a list, but not of statements")
            }
            _ => None,
        };
        if let Some(reason) = list_reason {
            return Err(FormatError::Document {
                file,
                reason: reason.to_owned(),
            });
        }
        let (document, shape) = match document {
            Value::Array(statements) => (
                serde_json::json!({"Version": "2012-10-17", "Statement": statements}),
                Shape::Statements,
            ),
            document => (document, Shape::Document),
        };
        let plain = file.len() > ".json".len()
            && file.ends_with(".json")
            && !file.starts_with('.')
            && file
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "._-".contains(c));
        if !plain {
            return Err(FormatError::FileName(file));
        }
        let reason = match document.get("Statement") {
            _ if !document.is_object() => Some("it is not a JSON object"),
            Some(Value::Array(list)) if list.iter().all(Value::is_object) => None,
            Some(_) => Some("`Statement` is not a list of statements"),
            None => Some("it has no `Statement`"),
        };
        if let Some(reason) = reason {
            return Err(FormatError::Document {
                file,
                reason: reason.to_owned(),
            });
        }
        if let Err(reason) = target.check() {
            return Err(FormatError::Target { file, reason });
        }
        Ok(Placement {
            file,
            target,
            document,
            shape,
        })
    }

    /// The file name the document is written to (`ingress.secret-policy.json`).
    pub fn file(&self) -> &str {
        &self.file
    }

    /// The file name without `.json` (`ingress.secret-policy`).
    pub fn stem(&self) -> &str {
        self.file.strip_suffix(".json").unwrap_or(&self.file)
    }

    /// The feature the file belongs to, its name up to the first dot (`ingress`).
    pub fn feature(&self) -> &str {
        self.stem().split('.').next().unwrap_or_default()
    }

    /// Where the document is attached.
    pub fn target(&self) -> &Target {
        &self.target
    }

    /// The document (around the statements, when the file holds only statements).
    pub fn document(&self) -> &Value {
        &self.document
    }

    /// Whether the file holds the whole document or the statements to merge.
    pub fn shape(&self) -> Shape {
        self.shape
    }

    /// The kind of the document, which follows from its target.
    pub fn kind(&self) -> PolicyKind {
        self.target.kind()
    }

    /// The document as its file holds it (the document, or its statements): pretty JSON and
    /// a final newline, as `mmpolicy bundle` writes it.
    pub fn file_contents(&self) -> String {
        let held = match self.shape {
            Shape::Document => &self.document,
            Shape::Statements => self.document.get("Statement").unwrap_or(&Value::Null),
        };
        let mut s = serde_json::to_string_pretty(held).unwrap_or_default();
        s.push('\n');
        s
    }

    /// The statements of the document.
    fn statements(&self) -> &[Value] {
        self.document
            .get("Statement")
            .and_then(Value::as_array)
            .map_or(&[], Vec::as_slice)
    }
}

/// A whole deployment: where it is, and every policy it places.
#[derive(Debug, Clone, PartialEq)]
pub struct Deployment {
    account_id: String,
    region: String,
    placements: Vec<Placement>,
}

impl Deployment {
    /// A deployment in `account_id` and `region` (as validated by the bundle), placing
    /// `placements` in order. Refuses two placements with one file, a created role without
    /// exactly one trust policy, and a role name used both for a created and an existing role.
    pub fn new(
        account_id: impl Into<String>,
        region: impl Into<String>,
        placements: Vec<Placement>,
    ) -> Result<Self, FormatError> {
        let mut files = BTreeSet::new();
        for p in &placements {
            if !files.insert(p.file.as_str()) {
                return Err(FormatError::DuplicateFile(p.file.clone()));
            }
        }
        let roles = |created: bool| -> BTreeSet<&str> {
            placements
                .iter()
                .filter_map(|p| match &p.target {
                    Target::RolePolicy { role, .. } | Target::TrustPolicy { role } => Some(role),
                    _ => None,
                })
                .filter(|r| matches!(r, RoleRef::Created { .. }) == created)
                .map(RoleRef::role_name)
                .collect()
        };
        let (created, existing) = (roles(true), roles(false));
        if let Some(both) = created.intersection(&existing).next() {
            return Err(FormatError::RoleOwnership((*both).to_owned()));
        }
        for role in created {
            let count = placements
                .iter()
                .filter(|p| matches!(&p.target, Target::TrustPolicy { role: r } if r.role_name() == role))
                .count();
            if count != 1 {
                return Err(FormatError::TrustPolicies {
                    role: role.to_owned(),
                    count,
                });
            }
        }
        Ok(Deployment {
            account_id: account_id.into(),
            region: region.into(),
            placements,
        })
    }

    /// The account that owns the deployment.
    pub fn account_id(&self) -> &str {
        &self.account_id
    }

    /// The region of the deployment.
    pub fn region(&self) -> &str {
        &self.region
    }

    /// The placements, in order.
    pub fn placements(&self) -> &[Placement] {
        &self.placements
    }

    /// The roles the deployment creates, in order of first mention: the role, its trust
    /// policy and its permission policies.
    fn created_roles(&self) -> Vec<CreatedRole<'_>> {
        let mut out: Vec<CreatedRole<'_>> = Vec::new();
        for p in &self.placements {
            let role = match &p.target {
                Target::RolePolicy { role, .. } | Target::TrustPolicy { role } => role,
                _ => continue,
            };
            let RoleRef::Created {
                logical_name,
                role_name,
            } = role
            else {
                continue;
            };
            let i = match out.iter().position(|r| r.role_name == role_name) {
                Some(i) => i,
                None => {
                    out.push(CreatedRole {
                        logical_name,
                        role_name,
                        trust: None,
                        policies: Vec::new(),
                    });
                    out.len() - 1
                }
            };
            match &p.target {
                Target::TrustPolicy { .. } => out[i].trust = Some(p),
                _ => out[i].policies.push(p),
            }
        }
        out
    }

    /// The resource policies put in place of the resource's policy (secrets, owned buckets),
    /// one per resource: placements on one resource are combined, their statements in order.
    fn replaced_resource_policies(&self) -> Vec<ResourcePolicy<'_>> {
        let mut out: Vec<ResourcePolicy<'_>> = Vec::new();
        for p in &self.placements {
            if !matches!(
                p.target,
                Target::SecretPolicy { .. } | Target::BucketPolicy { owned: true, .. }
            ) {
                continue;
            }
            let same = |r: &ResourcePolicy<'_>| {
                let a = r.placements[0];
                a.target.attaches() == p.target.attaches()
                    && match (a.target.arn_or_name(), p.target.arn_or_name()) {
                        (Some(x), Some(y)) => x == y,
                        _ => a.feature() == p.feature(),
                    }
            };
            match out.iter_mut().find(|r| same(r)) {
                Some(r) => r.placements.push(p),
                None => out.push(ResourcePolicy {
                    placements: vec![p],
                }),
            }
        }
        out
    }
}

/// A role the deployment creates, with its policies.
struct CreatedRole<'a> {
    logical_name: &'a str,
    role_name: &'a str,
    trust: Option<&'a Placement>,
    policies: Vec<&'a Placement>,
}

/// The policy of one secret or owned bucket, from one or more placements.
struct ResourcePolicy<'a> {
    placements: Vec<&'a Placement>,
}

impl ResourcePolicy<'_> {
    /// The first placement, which names the resource.
    fn first(&self) -> &Placement {
        self.placements[0]
    }

    /// The document: the first placement's, with the statements of the others appended.
    fn document(&self) -> Value {
        let mut doc = self.first().document.clone();
        if let Some(Value::Array(list)) = doc.get_mut("Statement") {
            for p in &self.placements[1..] {
                list.extend(p.statements().iter().cloned());
            }
        }
        doc
    }

    /// A name for the declaration: the first placement's file stem.
    fn stem(&self) -> &str {
        self.first().stem()
    }
}

/// `ingress.secret-policy` as `IngressSecretPolicy`: letters and digits only.
pub(crate) fn pascal(text: &str) -> String {
    text.split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| {
            let mut cs = w.chars();
            cs.next()
                .map(|c| c.to_ascii_uppercase().to_string() + cs.as_str())
                .unwrap_or_default()
        })
        .collect()
}

/// `ingress.secret-policy` as `ingress_secret_policy`; `RuleSetRole` as `rule_set_role`.
pub(crate) fn snake(text: &str) -> String {
    let mut out = String::new();
    let mut prev_lower = false;
    for c in text.chars() {
        if c.is_ascii_alphanumeric() {
            if c.is_ascii_uppercase() && prev_lower {
                out.push('_');
            }
            out.push(c.to_ascii_lowercase());
            prev_lower = c.is_ascii_lowercase() || c.is_ascii_digit();
        } else {
            if !out.is_empty() && !out.ends_with('_') {
                out.push('_');
            }
            prev_lower = false;
        }
    }
    out.trim_end_matches('_').to_owned()
}

/// The header every generated file starts with, after `comment` (`#`).
pub(crate) fn header(comment: &str, what: &str) -> String {
    format!(
        "{comment} {what}, generated by mmpolicy from the deployment's policies.\n\
         {comment} Do not edit: change the deployment file and write it again.\n"
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn doc() -> Value {
        json!({"Version": "2012-10-17", "Statement": [{"Sid": "A", "Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]})
    }

    fn trust(role: &str) -> Placement {
        let role = RoleRef::Created {
            logical_name: "RuleSetRole".into(),
            role_name: role.into(),
        };
        Placement::new("t.json", Target::TrustPolicy { role }, doc()).unwrap()
    }

    #[test]
    fn placement_refuses_a_path_as_file_name() {
        for file in ["../a.json", "a/b.json", ".json", "a.txt", "a b.json"] {
            let err = Placement::new(file, Target::KeyPolicy { key_arn: None }, doc());
            assert_eq!(err, Err(FormatError::FileName(file.into())), "{file}");
        }
    }

    #[test]
    fn placement_refuses_what_is_not_a_policy_document() {
        for (document, reason) in [
            (json!("a"), "it is not a JSON object"),
            (json!([]), "it is an empty list of statements"),
            (
                json!([{"Effect": "Allow"}, 1]),
                "it is a list, but not of statements",
            ),
            (json!({"Version": "2012-10-17"}), "it has no `Statement`"),
            (
                json!({"Statement": {"Effect": "Allow"}}),
                "`Statement` is not a list of statements",
            ),
        ] {
            let err = Placement::new("a.json", Target::KeyPolicy { key_arn: None }, document)
                .unwrap_err();
            assert_eq!(
                err.to_string(),
                format!("`a.json` is not a policy document: {reason}")
            );
        }
    }

    #[test]
    fn a_list_of_statements_is_placed_as_a_document_and_written_back_as_a_list() {
        let statements = json!([{"Sid": "A", "Effect": "Allow", "Action": "kms:Decrypt"}]);
        let p = Placement::new(
            "k.json",
            Target::KeyPolicy { key_arn: None },
            statements.clone(),
        )
        .unwrap();
        assert_eq!(p.shape(), Shape::Statements);
        assert_eq!(
            p.document(),
            &json!({"Version": "2012-10-17", "Statement": statements})
        );
        assert_eq!(
            serde_json::from_str::<Value>(&p.file_contents()).unwrap(),
            statements
        );
        assert_eq!(trust("r").shape(), Shape::Document);
    }

    #[test]
    fn placement_refuses_a_value_that_would_break_a_script() {
        let bad = [
            Target::BucketPolicy {
                bucket: "a'b".into(),
                owned: true,
            },
            Target::SecretPolicy {
                secret_arn: Some("arn:aws:secretsmanager:us-east-1:1:secret:x$(id)".into()),
            },
            Target::KeyPolicy {
                key_arn: Some("arn:aws:s3:::bucket:x".into()),
            },
            Target::UserPolicy {
                user_name: "a b".into(),
                policy_name: "p".into(),
            },
            Target::TrustPolicy {
                role: RoleRef::Created {
                    logical_name: "rule-set".into(),
                    role_name: "r".into(),
                },
            },
        ];
        for target in bad {
            let err = Placement::new("a.json", target.clone(), doc());
            assert!(
                matches!(err, Err(FormatError::Target { .. })),
                "{target:?}: {err:?}"
            );
        }
    }

    #[test]
    fn deployment_needs_one_trust_policy_per_created_role() {
        let policy = Placement::new(
            "p.json",
            Target::RolePolicy {
                role: RoleRef::Created {
                    logical_name: "RuleSetRole".into(),
                    role_name: "R".into(),
                },
                policy_name: "p".into(),
            },
            doc(),
        )
        .unwrap();
        let err = Deployment::new("111122223333", "us-east-1", vec![policy.clone()]).unwrap_err();
        assert_eq!(
            err.to_string(),
            "role `R` is created by the deployment and needs exactly one trust policy, not 0: give it one"
        );
        assert!(Deployment::new("111122223333", "us-east-1", vec![policy, trust("R")]).is_ok());
    }

    #[test]
    fn deployment_refuses_one_file_twice_and_a_role_both_created_and_existing() {
        let err = Deployment::new("1", "r", vec![trust("R"), trust("R")]).unwrap_err();
        assert_eq!(err, FormatError::DuplicateFile("t.json".into()));
        let existing = Placement::new(
            "e.json",
            Target::RolePolicy {
                role: RoleRef::Existing {
                    role_name: "R".into(),
                },
                policy_name: "p".into(),
            },
            doc(),
        )
        .unwrap();
        let err = Deployment::new("1", "r", vec![trust("R"), existing]).unwrap_err();
        assert_eq!(err, FormatError::RoleOwnership("R".into()));
    }

    #[test]
    fn names_convert_between_cases() {
        assert_eq!(pascal("smtp-relay.secret-policy"), "SmtpRelaySecretPolicy");
        assert_eq!(
            snake("smtp-relay.secret-policy"),
            "smtp_relay_secret_policy"
        );
        assert_eq!(snake("RuleSetRole"), "rule_set_role");
        assert_eq!(snake("Ingress2Key"), "ingress2_key");
    }

    #[test]
    fn target_record_round_trips_and_refuses_stray_fields() {
        let targets = [
            Target::RolePolicy {
                role: RoleRef::Created {
                    logical_name: "RuleSetRole".into(),
                    role_name: "MailManagerRuleSetRole".into(),
                },
                policy_name: "mmpolicy.rule-actions.role-policy".into(),
            },
            Target::UserPolicy {
                user_name: "archivist".into(),
                policy_name: "p".into(),
            },
            Target::TrustPolicy {
                role: RoleRef::Existing {
                    role_name: "R".into(),
                },
            },
            Target::BucketPolicy {
                bucket: "example-bucket".into(),
                owned: false,
            },
            Target::SecretPolicy { secret_arn: None },
            Target::KeyPolicy {
                key_arn: Some("arn:aws:kms:us-east-1:111122223333:key/k".into()),
            },
        ];
        for t in targets {
            let value = serde_json::to_value(&t).unwrap();
            assert_eq!(value["service"], t.service());
            assert_eq!(value["resource_type"], t.resource_type());
            assert_eq!(value["attach"], t.attaches().as_str());
            let back: Target = serde_json::from_value(value).unwrap();
            assert_eq!(back, t);
        }
        let stray = json!({"service": "kms", "resource_type": "key", "attach": "key-policy", "owned": true});
        let err = serde_json::from_value::<Target>(stray).unwrap_err();
        assert!(
            err.to_string().contains("holds a field it does not take"),
            "{err}"
        );
        let wrong = json!({"service": "s3", "resource_type": "key", "attach": "key-policy"});
        let err = serde_json::from_value::<Target>(wrong).unwrap_err();
        assert!(
            err.to_string()
                .contains("is service `kms` resource type `key`"),
            "{err}"
        );
    }
}
