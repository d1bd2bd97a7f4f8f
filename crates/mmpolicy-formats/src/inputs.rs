//! What a deployment attaches to but does not own, and the name of the role it creates: the
//! inputs of every format (template parameters, Terraform variables, environment variables of
//! the script), named once here so that the three formats agree.

use crate::{Deployment, Placement, RoleRef, Target, snake};

/// What an input holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum InputKind {
    /// The name of a role the deployment creates.
    CreatedRoleName,
    /// The name of an existing role.
    RoleName,
    /// The name of an existing user.
    UserName,
    /// A bucket's name.
    BucketName,
    /// A secret's ARN.
    SecretArn,
    /// A key's ARN.
    KeyArn,
}

/// One input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Input {
    /// The name in snake case (`ingress_secret_arn`).
    pub name: String,
    /// What it holds.
    pub kind: InputKind,
    /// The deployment's value, if it names one.
    pub default: Option<String>,
    /// One sentence saying what it is.
    pub description: String,
}

impl Input {
    /// `IngressSecretArn`.
    pub fn pascal(&self) -> String {
        crate::pascal(&self.name)
    }

    /// `INGRESS_SECRET_ARN`.
    pub fn upper(&self) -> String {
        self.name.to_ascii_uppercase()
    }
}

/// Every input of a deployment, and which placement uses which.
#[derive(Debug, Clone)]
pub(crate) struct Inputs {
    list: Vec<Input>,
    /// For each placement, in order, the index of its input.
    of_placement: Vec<usize>,
}

impl Inputs {
    /// The inputs of `deployment`, in order of first use.
    pub fn of(deployment: &Deployment) -> Inputs {
        let mut list: Vec<Input> = Vec::new();
        // For each input, what identifies its resource: the kind and the value, or the
        // feature when the deployment gives no value.
        let mut keys: Vec<(InputKind, String)> = Vec::new();
        let mut of_placement = Vec::new();
        for p in deployment.placements() {
            let (kind, base, value, description) = describe(p);
            let key = (
                kind,
                value
                    .clone()
                    .unwrap_or_else(|| format!("\u{0}{}", p.feature())),
            );
            let i = match keys.iter().position(|k| *k == key) {
                Some(i) => i,
                None => {
                    let mut name = base.clone();
                    let mut n = 2;
                    while list.iter().any(|i| i.name == name) {
                        name = format!("{base}{n}");
                        n += 1;
                    }
                    keys.push(key);
                    list.push(Input {
                        name,
                        kind,
                        default: value,
                        description,
                    });
                    list.len() - 1
                }
            };
            of_placement.push(i);
        }
        Inputs { list, of_placement }
    }

    /// The input of the placement at `index` in the deployment.
    pub fn of_placement(&self, index: usize) -> &Input {
        &self.list[self.of_placement[index]]
    }

    /// The inputs used by the placements `indices`, in order of first use, each once.
    pub fn used_by(&self, indices: impl IntoIterator<Item = usize>) -> Vec<&Input> {
        let mut used: Vec<usize> = indices.into_iter().map(|i| self.of_placement[i]).collect();
        used.sort_unstable();
        used.dedup();
        used.into_iter().map(|i| &self.list[i]).collect()
    }
}

/// The kind, name, value and description of a placement's input.
fn describe(p: &Placement) -> (InputKind, String, Option<String>, String) {
    let feature = p.feature();
    let words = feature.replace('-', " ");
    match p.target() {
        Target::RolePolicy { role, .. } | Target::TrustPolicy { role } => match role {
            RoleRef::Created {
                logical_name,
                role_name,
            } => (
                InputKind::CreatedRoleName,
                format!("{}_name", snake(logical_name)),
                Some(role_name.clone()),
                format!("The name of the IAM role the deployment creates for {words}"),
            ),
            RoleRef::Existing { role_name } => (
                InputKind::RoleName,
                format!("{}_role_name", snake(feature)),
                Some(role_name.clone()),
                format!(
                    "The name of the existing IAM role the {words} permission policies are attached to"
                ),
            ),
        },
        Target::UserPolicy { user_name, .. } => (
            InputKind::UserName,
            format!("{}_user_name", snake(feature)),
            Some(user_name.clone()),
            format!(
                "The name of the existing IAM user the {words} permission policies are attached to"
            ),
        ),
        Target::BucketPolicy { bucket, .. } => (
            InputKind::BucketName,
            format!("{}_bucket_name", snake(feature)),
            Some(bucket.clone()),
            format!("The name of the S3 bucket that takes the {words} bucket policy"),
        ),
        Target::SecretPolicy { secret_arn } => (
            InputKind::SecretArn,
            format!("{}_secret_arn", snake(feature)),
            secret_arn.clone(),
            format!("The ARN of the Secrets Manager secret that holds the {words} credentials"),
        ),
        Target::KeyPolicy { key_arn } => (
            InputKind::KeyArn,
            format!("{}_key_arn", snake(feature)),
            key_arn.clone(),
            format!("The ARN of the KMS key that takes the {words} key-policy statements"),
        ),
    }
}
