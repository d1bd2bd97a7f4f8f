//! Reads a folder written by `mmpolicy bundle` (its `bundle.json` index and policy files) into
//! a [`Deployment`]: each index entry's structured `target` and the policy file it names.
//! Nothing is guessed: an entry without a `target` is refused.

use crate::{Deployment, FormatError, Placement, Target};
use serde_json::Value;
use std::path::Path;
use thiserror::Error;

/// Why a bundle folder cannot be read as a deployment.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum BundleDirError {
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
    #[error("`bundle.json` has no valid `{0}`: give a folder written by `mmpolicy bundle`")]
    Field(String),
    /// An entry's target is not a target.
    #[error("`bundle.json`: the target of `{file}` is refused: {reason}")]
    Target {
        /// The policy's file.
        file: String,
        /// Why.
        reason: String,
    },
    /// The placements do not make a deployment.
    #[error(transparent)]
    Format(#[from] FormatError),
}

/// Reads the bundle folder `dir` as a deployment.
pub fn read(dir: &Path) -> Result<Deployment, BundleDirError> {
    let index = read_json(&dir.join("bundle.json"))?;
    let field = |v: &Value, name: &str| -> Result<String, BundleDirError> {
        v.get(name)
            .and_then(Value::as_str)
            .map(str::to_owned)
            .ok_or_else(|| BundleDirError::Field(name.to_owned()))
    };
    let mut placements = Vec::new();
    for entry in index
        .get("policies")
        .and_then(Value::as_array)
        .ok_or_else(|| BundleDirError::Field("policies".to_owned()))?
    {
        let file = field(entry, "file")?;
        let target = entry
            .get("target")
            .ok_or_else(|| BundleDirError::Field(format!("policies[].target` of `{file}")))?;
        let target: Target =
            serde_json::from_value(target.clone()).map_err(|e| BundleDirError::Target {
                file: file.clone(),
                reason: e.to_string(),
            })?;
        if file.contains(['/', '\\']) {
            return Err(FormatError::FileName(file).into());
        }
        let document = read_json(&dir.join(&file))?;
        placements.push(Placement::new(file, target, document)?);
    }
    Ok(Deployment::new(
        field(&index, "account_id")?,
        field(&index, "region")?,
        placements,
    )?)
}

fn read_json(path: &Path) -> Result<Value, BundleDirError> {
    let name = path.display().to_string();
    let text = std::fs::read_to_string(path).map_err(|source| BundleDirError::Read {
        path: name.clone(),
        source,
    })?;
    serde_json::from_str(&text).map_err(|source| BundleDirError::Json { path: name, source })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::RoleRef;

    fn example() -> std::path::PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/example-bundle")
    }

    #[test]
    fn example_bundle_reads_each_target_from_the_index() {
        let d = read(&example()).unwrap();
        let target = |file: &str| {
            d.placements()
                .iter()
                .find(|p| p.file() == file)
                .map(|p| p.target().clone())
        };
        assert_eq!(
            target("rule-actions.trust-policy.json"),
            Some(Target::TrustPolicy {
                role: RoleRef::Created {
                    logical_name: "RuleSetRole".into(),
                    role_name: "MailManagerRuleSetRole".into()
                }
            })
        );
        assert_eq!(
            target("archiving.export-bucket-policy.json"),
            Some(Target::BucketPolicy {
                bucket: "example-mail-archive-exports".into(),
                owned: false
            })
        );
        assert_eq!(
            target("ingress.secret-policy.json"),
            Some(Target::SecretPolicy { secret_arn: None })
        );
    }

    #[test]
    fn entry_without_target_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("bundle.json"),
            r#"{"account_id": "111122223333", "region": "us-east-1", "policies": [{"file": "a.json", "kind": "identity", "attach_to": "the role"}]}"#,
        )
        .unwrap();
        let err = read(dir.path()).unwrap_err();
        assert!(err.to_string().contains("target"), "{err}");
    }

    #[test]
    fn missing_folder_is_reported_with_its_path() {
        let err = read(Path::new("/nonexistent/bundle")).unwrap_err();
        assert!(
            err.to_string().contains("/nonexistent/bundle/bundle.json"),
            "{err}"
        );
    }
}
