//! The CloudFormation form: `template.yaml`, and the policies CloudFormation cannot merge
//! written beside it with the script that merges them.
//!
//! The template declares each role the deployment creates (`AWS::IAM::Role` with its trust
//! policy and permission policies; its ARN is an output), the permission policies of existing
//! roles and users (`AWS::IAM::RolePolicy`, `AWS::IAM::UserPolicy`), the secrets' resource
//! policies (`AWS::SecretsManager::ResourcePolicy`) and the policies of the buckets whose
//! whole policy the deployment owns (`AWS::S3::BucketPolicy`). What it does not own (existing
//! role and user names, secret ARNs, bucket names) is a parameter, with the deployment's value
//! as default when it names one.
//!
//! A key policy is the key's whole access control, and CloudFormation can only replace it on
//! a key the stack creates. Key-policy statements (and those of buckets the deployment does
//! not own) are therefore written beside the template, with `merge-policies.sh`, which merges
//! them into the current policies with `mmpolicy merge` (see [`crate::aws_cli`]).

use crate::inputs::Inputs;
use crate::yaml::Yaml;
use crate::{Deployment, FormatError, OutputFile, RoleRef, Target, aws_cli, header, pascal};
use std::collections::BTreeSet;

/// The template's file name.
pub const TEMPLATE: &str = "template.yaml";

/// The file name of the script that merges what the template cannot.
pub const MERGE_SCRIPT: &str = "merge-policies.sh";

/// The files of the CloudFormation form: `template.yaml` and, when the deployment has key
/// policies or policies of buckets it does not own, `merge-policies.sh` and those policy
/// files.
pub fn write(deployment: &Deployment) -> Result<Vec<OutputFile>, FormatError> {
    let inputs = Inputs::of(deployment);
    let placements = deployment.placements();
    let mut ids = Ids::default();
    let mut resources: Vec<(String, Yaml)> = Vec::new();
    let mut outputs: Vec<(String, Yaml)> = Vec::new();
    let mut in_template: Vec<usize> = Vec::new();
    let mut merged: Vec<usize> = Vec::new();
    for input in inputs.used_by(0..placements.len()) {
        ids.reserve(&input.pascal());
    }
    let index_of = |file: &str| placements.iter().position(|p| p.file() == file);

    for role in deployment.created_roles() {
        let Some(trust) = role.trust else {
            // Deployment::new refuses a created role without a trust policy.
            continue;
        };
        let trust_index = index_of(trust.file()).unwrap_or_default();
        in_template.push(trust_index);
        let policies: Vec<Yaml> = role
            .policies
            .iter()
            .map(|p| {
                let name = match p.target() {
                    Target::RolePolicy { policy_name, .. } => policy_name.as_str(),
                    _ => p.stem(),
                };
                Yaml::map([
                    ("PolicyName", Yaml::str(name)),
                    ("PolicyDocument", Yaml::from_json(p.document())),
                ])
            })
            .collect();
        in_template.extend(role.policies.iter().filter_map(|p| index_of(p.file())));
        let id = ids.take(role.logical_name);
        let mut properties = vec![
            (
                "RoleName",
                Yaml::reference(inputs.of_placement(trust_index).pascal()),
            ),
            (
                "Description",
                Yaml::str(format!(
                    "Amazon SES Mail Manager: {}, written by mmpolicy",
                    role.role_name
                )),
            ),
            (
                "AssumeRolePolicyDocument",
                Yaml::from_json(trust.document()),
            ),
        ];
        if !policies.is_empty() {
            properties.push(("Policies", Yaml::Seq(policies)));
        }
        resources.push((
            id.clone(),
            Yaml::map([
                ("Type", Yaml::Scalar("AWS::IAM::Role".into())),
                ("Properties", Yaml::map(properties)),
            ]),
        ));
        outputs.push((
            ids.take(&format!("{id}Arn")),
            Yaml::map([
                (
                    "Description",
                    Yaml::str(format!("The ARN of the role {id}")),
                ),
                ("Value", Yaml::Tag("!GetAtt", format!("{id}.Arn"))),
            ]),
        ));
    }

    let groups = deployment.replaced_resource_policies();
    for (i, p) in placements.iter().enumerate() {
        let input = || Yaml::reference(inputs.of_placement(i).pascal());
        let resource = match p.target() {
            Target::TrustPolicy {
                role: RoleRef::Created { .. },
            }
            | Target::RolePolicy {
                role: RoleRef::Created { .. },
                ..
            } => continue,
            Target::TrustPolicy { .. } => {
                return Err(FormatError::Unsupported {
                    file: p.file().to_owned(),
                    format: "CloudFormation",
                    what: "change the trust policy of a role the stack does not create",
                });
            }
            Target::RolePolicy { policy_name, .. } => Yaml::map([
                ("Type", Yaml::Scalar("AWS::IAM::RolePolicy".into())),
                (
                    "Properties",
                    Yaml::map([
                        ("RoleName", input()),
                        ("PolicyName", Yaml::str(policy_name.as_str())),
                        ("PolicyDocument", Yaml::from_json(p.document())),
                    ]),
                ),
            ]),
            Target::UserPolicy { policy_name, .. } => Yaml::map([
                ("Type", Yaml::Scalar("AWS::IAM::UserPolicy".into())),
                (
                    "Properties",
                    Yaml::map([
                        ("UserName", input()),
                        ("PolicyName", Yaml::str(policy_name.as_str())),
                        ("PolicyDocument", Yaml::from_json(p.document())),
                    ]),
                ),
            ]),
            target if target.merges() => {
                merged.push(i);
                continue;
            }
            target => {
                // A secret or an owned bucket: one resource per group, at its first placement.
                let Some(group) = groups.iter().find(|g| g.first().file() == p.file()) else {
                    in_template.push(i);
                    continue;
                };
                let document = Yaml::from_json(&group.document());
                let properties = match target {
                    Target::BucketPolicy { .. } => {
                        Yaml::map([("Bucket", input()), ("PolicyDocument", document)])
                    }
                    _ => Yaml::map([
                        ("SecretId", input()),
                        ("ResourcePolicy", document),
                        ("BlockPublicPolicy", Yaml::Scalar("true".into())),
                    ]),
                };
                let kind = match target {
                    Target::BucketPolicy { .. } => "AWS::S3::BucketPolicy",
                    _ => "AWS::SecretsManager::ResourcePolicy",
                };
                in_template.push(i);
                resources.push((
                    ids.take(&pascal(group.stem())),
                    Yaml::map([
                        ("Type", Yaml::Scalar(kind.into())),
                        ("Properties", properties),
                    ]),
                ));
                continue;
            }
        };
        in_template.push(i);
        resources.push((ids.take(&pascal(p.stem())), resource));
    }

    let parameters: Vec<(String, Yaml)> = inputs
        .used_by(in_template.iter().copied())
        .into_iter()
        .map(|input| {
            let mut fields = vec![
                ("Type", Yaml::Scalar("String".into())),
                ("Description", Yaml::str(input.description.as_str())),
                ("MinLength", Yaml::Scalar("1".into())),
            ];
            if let Some(default) = &input.default {
                fields.push(("Default", Yaml::str(default.as_str())));
            }
            (input.pascal(), Yaml::map(fields))
        })
        .collect();

    let mut top = vec![
        ("AWSTemplateFormatVersion", Yaml::str("2010-09-09")),
        (
            "Description",
            Yaml::str(format!(
                "Amazon SES Mail Manager policies of account {} in {}, written by mmpolicy",
                deployment.account_id(),
                deployment.region()
            )),
        ),
    ];
    if !parameters.is_empty() {
        top.push(("Parameters", Yaml::map(parameters)));
    }
    top.push(("Resources", Yaml::map(resources)));
    if !outputs.is_empty() {
        top.push(("Outputs", Yaml::map(outputs)));
    }
    let mut text = header("#", TEMPLATE);
    if !merged.is_empty() {
        text.push_str(&format!(
            "#\n# Key policies, and bucket policies the deployment does not own, are not in this\n\
             # template: CloudFormation cannot merge statements into a policy it does not manage.\n\
             # {MERGE_SCRIPT} beside it merges them with `mmpolicy merge`.\n"
        ));
    }
    text.push_str(&Yaml::map(top).to_text());

    let mut files = vec![(TEMPLATE.to_owned(), text)];
    if !merged.is_empty() {
        let intro = format!(
            "Merges the statements that {TEMPLATE} cannot hold (key policies, and policies of\n\
             buckets the deployment does not own) into the current policies of account {}\n\
             ({}) with `mmpolicy merge`, keeping every other statement. Running it again\n\
             changes nothing.",
            deployment.account_id(),
            deployment.region()
        );
        files.push((
            MERGE_SCRIPT.to_owned(),
            aws_cli::script(deployment, MERGE_SCRIPT, &intro, &merged),
        ));
        files.extend(aws_cli::policy_files(deployment, &merged));
    }
    Ok(files)
}

/// Logical ids, each used once: a taken id gets a number.
#[derive(Default)]
pub(crate) struct Ids(BTreeSet<String>);

impl Ids {
    /// `base`, or `base2`, `base3`, ... when taken.
    pub(crate) fn take(&mut self, base: &str) -> String {
        let mut id = base.to_owned();
        let mut n = 2;
        while self.0.contains(&id) {
            id = format!("{base}{n}");
            n += 1;
        }
        self.0.insert(id.clone());
        id
    }

    /// Marks `id` as taken.
    fn reserve(&mut self, id: &str) {
        self.0.insert(id.to_owned());
    }
}
