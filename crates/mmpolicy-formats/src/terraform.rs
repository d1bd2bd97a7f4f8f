//! The Terraform form: `main.tf`, `variables.tf` and `outputs.tf`.
//!
//! Every policy is a `data "aws_iam_policy_document"` block (its statements with `sid`,
//! `effect`, `actions`/`not_actions`, `resources`/`not_resources`, `principals` and
//! `condition` blocks, as Terraform writes them), attached with `aws_iam_role` (roles the
//! deployment creates; their ARNs are outputs), `aws_iam_role_policy`, `aws_iam_user_policy`,
//! `aws_secretsmanager_secret_policy` and `aws_s3_bucket_policy` (buckets whose whole policy
//! the deployment owns). What it does not own is a variable, with the deployment's value as
//! default when it names one.
//!
//! Key policies (and policies of buckets the deployment does not own) are described but not
//! attached: `aws_kms_key_policy` would replace the key's whole policy. `merge-policies.sh`
//! beside the configuration merges them with `mmpolicy merge` (see [`crate::aws_cli`]).

use crate::cloudformation::Ids;
use crate::inputs::Inputs;
use crate::{
    Deployment, FormatError, OutputFile, Placement, RoleRef, Target, aws_cli, header, snake,
};
use serde_json::Value;
use std::fmt::Write as _;

/// The configuration's main file.
pub const MAIN: &str = "main.tf";
/// The variables' file.
pub const VARIABLES: &str = "variables.tf";
/// The outputs' file.
pub const OUTPUTS: &str = "outputs.tf";
/// Checkov's suppressions for key policies, with the reason checkov shows.
const KEY_POLICY_SKIPS: &str = "  #checkov:skip=CKV_AWS_111:a key policy's Resource \"*\" is the key itself, and its grants are limited by principal and conditions\n  #checkov:skip=CKV_AWS_356:a key policy's Resource \"*\" is the key itself: a key policy cannot name another resource\n";

/// Checkov's suppression for a user's policy: the deployment names a user, not a role.
const USER_POLICY_SKIP: &str = "  #checkov:skip=CKV_AWS_40:the deployment names an IAM user as the principal; name a role in the deployment file to attach to a role instead\n";

/// The file name of the script that merges what Terraform cannot.
pub const MERGE_SCRIPT: &str = "merge-policies.sh";

/// The files of the Terraform form: `main.tf`, `variables.tf`, `outputs.tf` and, when the
/// deployment has key policies or policies of buckets it does not own, `merge-policies.sh`
/// and those policy files.
pub fn write(deployment: &Deployment) -> Result<Vec<OutputFile>, FormatError> {
    let inputs = Inputs::of(deployment);
    let placements = deployment.placements();
    let mut ids = Ids::default();
    let mut main = header("#", MAIN);
    main.push_str(
        "\nterraform {\n  required_providers {\n    aws = {\n      source  = \"hashicorp/aws\"\n      version = \">= 5.0\"\n    }\n  }\n}\n",
    );
    // Every document, as a data block named after its file.
    let mut data_names = Vec::new();
    for p in placements {
        let name = ids.take(&snake(p.stem()));
        main.push('\n');
        if p.target().merges() {
            let _ = writeln!(
                main,
                "# Merged into the current {} by {MERGE_SCRIPT}, not attached here: Terraform\n\
                 # would replace the whole policy.",
                match p.target() {
                    Target::KeyPolicy { .. } => "key policy",
                    _ => "bucket policy",
                }
            );
        }
        let mut block = data_block(&name, p)?;
        if matches!(p.target(), Target::KeyPolicy { .. }) {
            // Checkov reads these as identity policies; in a key policy `Resource: "*"` is the key.
            block = block.replacen(" {\n", &format!(" {{\n{KEY_POLICY_SKIPS}"), 1);
        }
        main.push_str(&block);
        data_names.push(name);
    }
    let doc = |i: usize| format!("data.aws_iam_policy_document.{}.json", data_names[i]);
    let var = |i: usize| format!("var.{}", inputs.of_placement(i).name);
    let index_of = |file: &str| placements.iter().position(|p| p.file() == file);

    let mut used: Vec<usize> = Vec::new();
    let mut merged: Vec<usize> = Vec::new();
    let mut outputs = header("#", OUTPUTS);
    let mut role_ids = Vec::new();
    for role in deployment.created_roles() {
        let Some(trust) = role.trust.and_then(|t| index_of(t.file())) else {
            continue;
        };
        used.push(trust);
        let id = ids.take(&snake(role.logical_name));
        let _ = write!(
            main,
            "\nresource \"aws_iam_role\" \"{id}\" {{\n{}}}\n",
            attributes(
                1,
                &[
                    ("name", var(trust)),
                    (
                        "description",
                        hcl_string(&format!(
                            "Amazon SES Mail Manager: {}, written by mmpolicy",
                            role.role_name
                        )),
                    ),
                    ("assume_role_policy", doc(trust)),
                ]
            )
        );
        let _ = write!(
            outputs,
            "\noutput \"{id}_arn\" {{\n{}}}\n",
            attributes(
                1,
                &[
                    (
                        "description",
                        hcl_string(&format!("The ARN of the role {}", role.logical_name)),
                    ),
                    ("value", format!("aws_iam_role.{id}.arn")),
                ]
            )
        );
        role_ids.push((role.role_name.to_owned(), id));
    }

    let groups = deployment.replaced_resource_policies();
    for (i, p) in placements.iter().enumerate() {
        let name = &data_names[i];
        match p.target() {
            Target::TrustPolicy {
                role: RoleRef::Created { .. },
            } => {}
            Target::TrustPolicy { .. } => {
                return Err(FormatError::Unsupported {
                    file: p.file().to_owned(),
                    format: "Terraform",
                    what: "change the trust policy of a role the configuration does not create",
                });
            }
            Target::RolePolicy { role, policy_name } => {
                let role_attr = match role {
                    RoleRef::Created { role_name, .. } => role_ids
                        .iter()
                        .find(|(n, _)| n == role_name)
                        .map(|(_, id)| format!("aws_iam_role.{id}.id"))
                        .unwrap_or_else(|| var(i)),
                    RoleRef::Existing { .. } => var(i),
                };
                used.push(i);
                let _ = write!(
                    main,
                    "\nresource \"aws_iam_role_policy\" \"{name}\" {{\n{}}}\n",
                    attributes(
                        1,
                        &[
                            ("name", hcl_string(policy_name)),
                            ("role", role_attr),
                            ("policy", doc(i)),
                        ]
                    )
                );
            }
            Target::UserPolicy { policy_name, .. } => {
                used.push(i);
                let _ = write!(
                    main,
                    "\nresource \"aws_iam_user_policy\" \"{name}\" {{\n{USER_POLICY_SKIP}{}}}\n",
                    attributes(
                        1,
                        &[
                            ("name", hcl_string(policy_name)),
                            ("user", var(i)),
                            ("policy", doc(i)),
                        ]
                    )
                );
            }
            target if target.merges() => merged.push(i),
            target => {
                used.push(i);
                let Some(group) = groups.iter().find(|g| g.first().file() == p.file()) else {
                    continue;
                };
                let policy = if group.placements.len() == 1 {
                    doc(i)
                } else {
                    // Several policies for one resource: one document with all their statements.
                    let combined = ids.take(&format!("{name}_combined"));
                    let sources: Vec<String> = group
                        .placements
                        .iter()
                        .filter_map(|q| index_of(q.file()))
                        .map(doc)
                        .collect();
                    let _ = write!(
                        main,
                        "\ndata \"aws_iam_policy_document\" \"{combined}\" {{\n{}}}\n",
                        attributes(1, &[("source_policy_documents", list(1, &sources))])
                    );
                    format!("data.aws_iam_policy_document.{combined}.json")
                };
                let (kind, attrs) = match target {
                    Target::BucketPolicy { .. } => (
                        "aws_s3_bucket_policy",
                        vec![("bucket", var(i)), ("policy", policy)],
                    ),
                    _ => (
                        "aws_secretsmanager_secret_policy",
                        vec![
                            ("secret_arn", var(i)),
                            ("policy", policy),
                            ("block_public_policy", "true".to_owned()),
                        ],
                    ),
                };
                let _ = write!(
                    main,
                    "\nresource \"{kind}\" \"{name}\" {{\n{}}}\n",
                    attributes(1, &attrs)
                );
            }
        }
    }

    let mut variables = header("#", VARIABLES);
    for input in inputs.used_by(used.iter().copied()) {
        let mut attrs = vec![
            ("description", hcl_string(&input.description)),
            ("type", "string".to_owned()),
        ];
        if let Some(default) = &input.default {
            attrs.push(("default", hcl_string(default)));
        }
        let _ = write!(
            variables,
            "\nvariable \"{}\" {{\n{}}}\n",
            input.name,
            attributes(1, &attrs)
        );
    }

    let mut files = vec![
        (MAIN.to_owned(), main),
        (VARIABLES.to_owned(), variables),
        (OUTPUTS.to_owned(), outputs),
    ];
    if !merged.is_empty() {
        let intro = format!(
            "Merges the statements that the Terraform configuration describes but cannot attach\n\
             (key policies, and policies of buckets the deployment does not own) into the current\n\
             policies of account {} ({}) with `mmpolicy merge`, keeping every other statement.\n\
             Running it again changes nothing.",
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

/// The `data "aws_iam_policy_document"` block of a placement.
fn data_block(name: &str, p: &Placement) -> Result<String, FormatError> {
    data_block_of(name, p.file(), p.document())
}

/// The `data "aws_iam_policy_document"` block named `name` of `doc`, a policy document from
/// `file`.
pub(crate) fn data_block_of(name: &str, file: &str, doc: &Value) -> Result<String, FormatError> {
    let unsupported = |reason: String| FormatError::Document {
        file: file.to_owned(),
        reason,
    };
    let mut top = Vec::new();
    for (key, value) in doc.as_object().into_iter().flatten() {
        match key.as_str() {
            "Version" => top.push(("version", hcl_value(value))),
            "Id" => top.push(("policy_id", hcl_value(value))),
            "Statement" => {}
            other => {
                return Err(unsupported(format!(
                    "it has `{other}`, which `aws_iam_policy_document` cannot write"
                )));
            }
        }
    }
    let mut out = format!("data \"aws_iam_policy_document\" \"{name}\" {{\n");
    out.push_str(&attributes(1, &top));
    let statements = doc
        .get("Statement")
        .and_then(Value::as_array)
        .map_or(&[][..], Vec::as_slice);
    for (n, st) in statements.iter().enumerate() {
        out.push('\n');
        out.push_str(
            &statement(st)
                .map_err(|reason| unsupported(format!("statement {}: {reason}", n + 1)))?,
        );
    }
    out.push_str("}\n");
    Ok(out)
}

/// One `statement` block, indented one level.
fn statement(st: &Value) -> Result<String, String> {
    let mut attrs = Vec::new();
    let mut blocks = String::new();
    for (key, value) in st.as_object().into_iter().flatten() {
        let name = match key.as_str() {
            "Sid" => "sid",
            "Effect" => "effect",
            "Action" => "actions",
            "NotAction" => "not_actions",
            "Resource" => "resources",
            "NotResource" => "not_resources",
            "Principal" | "NotPrincipal" => {
                let block = if key == "Principal" {
                    "principals"
                } else {
                    "not_principals"
                };
                let pairs: Vec<(String, Vec<String>)> = match value {
                    Value::String(s) if s == "*" => vec![("*".to_owned(), vec!["*".to_owned()])],
                    Value::Object(map) => map
                        .iter()
                        .map(|(t, ids)| Ok((t.clone(), strings(ids)?)))
                        .collect::<Result<_, String>>()?,
                    _ => return Err(format!("`{key}` is neither `*` nor an object")),
                };
                for (ty, ids) in pairs {
                    let _ = write!(
                        blocks,
                        "\n    {block} {{\n{}    }}\n",
                        attributes(
                            3,
                            &[
                                ("type", hcl_string(&ty)),
                                ("identifiers", list(3, &quoted(&ids)))
                            ]
                        )
                    );
                }
                continue;
            }
            "Condition" => {
                let Value::Object(ops) = value else {
                    return Err("`Condition` is not an object".to_owned());
                };
                for (op, keys) in ops {
                    let Value::Object(keys) = keys else {
                        return Err(format!("condition `{op}` is not an object"));
                    };
                    for (variable, values) in keys {
                        let _ = write!(
                            blocks,
                            "\n    condition {{\n{}    }}\n",
                            attributes(
                                3,
                                &[
                                    ("test", hcl_string(op)),
                                    ("variable", hcl_string(variable)),
                                    ("values", list(3, &quoted(&strings(values)?))),
                                ]
                            )
                        );
                    }
                }
                continue;
            }
            other => {
                return Err(format!(
                    "`{other}` cannot be written by `aws_iam_policy_document`"
                ));
            }
        };
        let rendered = match (name, value) {
            ("sid" | "effect", v) => hcl_value(v),
            (_, v) => list(2, &quoted(&strings(v)?)),
        };
        attrs.push((name, rendered));
    }
    Ok(format!(
        "  statement {{\n{}{blocks}  }}\n",
        attributes(2, &attrs)
    ))
}

/// A string or a list of scalars, as strings (a condition's `true` is `"true"`).
fn strings(v: &Value) -> Result<Vec<String>, String> {
    let one = |v: &Value| match v {
        Value::String(s) => Ok(s.clone()),
        Value::Bool(_) | Value::Number(_) => Ok(v.to_string()),
        _ => Err(format!("`{v}` is not a string")),
    };
    match v {
        Value::Array(list) => list.iter().map(one).collect(),
        other => Ok(vec![one(other)?]),
    }
}

fn quoted(items: &[String]) -> Vec<String> {
    items.iter().map(|s| hcl_string(s)).collect()
}

/// A list of rendered values: on one line when short, else one item a line at `level`.
fn list(level: usize, items: &[String]) -> String {
    let line = format!("[{}]", items.join(", "));
    if items.len() <= 1 || line.len() <= 60 {
        return line;
    }
    let pad = "  ".repeat(level + 1);
    let mut out = String::from("[\n");
    for item in items {
        let _ = writeln!(out, "{pad}{item},");
    }
    out.push_str(&"  ".repeat(level));
    out.push(']');
    out
}

/// Attributes at `level`, their `=` aligned as `terraform fmt` aligns them.
fn attributes(level: usize, attrs: &[(&str, String)]) -> String {
    let width = attrs.iter().map(|(k, _)| k.len()).max().unwrap_or(0);
    let pad = "  ".repeat(level);
    let mut out = String::new();
    for (k, v) in attrs {
        let _ = writeln!(out, "{pad}{k:<width$} = {v}");
    }
    out
}

/// A JSON scalar as HCL.
fn hcl_value(v: &Value) -> String {
    match v {
        Value::String(s) => hcl_string(s),
        other => hcl_string(&other.to_string()),
    }
}

/// A quoted HCL string: JSON's escapes, and template sequences (`${`, `%{`) escaped so that
/// IAM's policy variables stay literal.
pub(crate) fn hcl_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '$' | '%' if chars.peek() == Some(&'{') => {
                out.push(c);
                out.push(c);
            }
            c if c.is_control() => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn hcl_strings_escape_quotes_and_template_sequences() {
        assert_eq!(hcl_string("a\"b\\c"), r#""a\"b\\c""#);
        assert_eq!(
            hcl_string("arn:aws:s3:::b/${aws:username}/%{x}"),
            r#""arn:aws:s3:::b/$${aws:username}/%%{x}""#
        );
        assert_eq!(hcl_string("$x %y"), r#""$x %y""#);
    }

    #[test]
    fn statement_block_names_every_field_as_terraform_does() {
        let st = json!({"Sid": "S", "Effect": "Deny", "NotAction": "s3:*", "NotResource": ["a", "b"],
            "NotPrincipal": {"AWS": ["arn:aws:iam::111122223333:root"]},
            "Condition": {"Bool": {"aws:SecureTransport": false}}});
        assert_eq!(
            statement(&st).unwrap(),
            r#"  statement {
    sid           = "S"
    effect        = "Deny"
    not_actions   = ["s3:*"]
    not_resources = ["a", "b"]

    not_principals {
      type        = "AWS"
      identifiers = ["arn:aws:iam::111122223333:root"]
    }

    condition {
      test     = "Bool"
      variable = "aws:SecureTransport"
      values   = ["false"]
    }
  }
"#
        );
    }

    #[test]
    fn statement_with_a_field_terraform_cannot_write_is_refused() {
        let err = statement(&json!({"Effect": "Allow", "Extra": 1})).unwrap_err();
        assert_eq!(
            err,
            "`Extra` cannot be written by `aws_iam_policy_document`"
        );
        let err = statement(&json!({"Principal": "x"})).unwrap_err();
        assert_eq!(err, "`Principal` is neither `*` nor an object");
    }

    #[test]
    fn wildcard_principal_is_type_star() {
        let text = statement(&json!({"Principal": "*"})).unwrap();
        assert!(
            text.contains("type        = \"*\"\n      identifiers = [\"*\"]"),
            "{text}"
        );
    }
}
