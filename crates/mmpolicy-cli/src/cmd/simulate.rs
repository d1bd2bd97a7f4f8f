//! `mmpolicy simulate`: would AWS allow this request under these policies?

use super::TextOrJson;
use crate::error::CliError;
use crate::{input, output};
use mmpolicy_eval::{
    Context, Decision, Evaluation, Policy, PolicySet, Principal, Request, ResourcePolicyKind,
};

const AFTER_HELP: &str = "\
The decision follows AWS's policy evaluation logic: an explicit deny wins; within one account
an identity policy or the resource policy may allow; across accounts both must; a service
principal has no identity policy; a KMS key policy (and a role's trust policy) must allow the
principal or delegate to its account before identity policies count.

Exit codes: 0 when the request is allowed, 1 when it is denied, 2 on bad input.

Examples:
  mmpolicy simulate --resource-policy secret.json --principal ses.amazonaws.com \\
      --action secretsmanager:GetSecretValue \\
      --resource arn:aws:secretsmanager:eu-west-1:111122223333:secret:smtp-AbCdEf \\
      --context aws:SourceAccount=111122223333 \\
      --context aws:SourceArn=arn:aws:ses:eu-west-1:111122223333:mailmanager-ingress-point/inp-1
  mmpolicy simulate --policy role.json --principal arn:aws:iam::111122223333:role/ops \\
      --action ses:GetArchive --resource arn:aws:ses:eu-west-1:111122223333:mailmanager-archive/a-1 \\
      --format json";

/// Decide whether a request is allowed by identity and resource policies, and say which
/// statements decided it.
#[derive(Debug, clap::Args)]
#[command(after_help = AFTER_HELP)]
pub struct Args {
    /// An identity policy of the principal (a JSON policy document). Repeatable.
    #[arg(long = "policy", value_name = "FILE")]
    policies: Vec<String>,
    /// The resource's policy: a key policy, bucket policy, secret policy or trust policy.
    #[arg(long, value_name = "FILE")]
    resource_policy: Option<String>,
    /// What kind of resource policy it is; by default it follows from the action's service
    /// (`kms` → key, `sts:AssumeRole*` → trust, `s3` → bucket, `secretsmanager` → secret).
    #[arg(long, value_enum, requires = "resource_policy")]
    resource_policy_kind: Option<Kind>,
    /// Who makes the request: an account id, an IAM user or role ARN, an assumed-role session
    /// ARN (`arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION`) or a service principal
    /// (`ses.amazonaws.com`).
    #[arg(long, value_name = "PRINCIPAL")]
    principal: String,
    /// The action, `service:Name` (`secretsmanager:GetSecretValue`).
    #[arg(long, value_name = "ACTION")]
    action: String,
    /// The resource ARN the action is on.
    #[arg(long, value_name = "ARN")]
    resource: String,
    /// The account that owns the resource, for ARNs that name none (S3 buckets and objects).
    #[arg(long, value_name = "ACCOUNT")]
    resource_account: Option<String>,
    /// A request context key, `KEY=VALUE`, typed as AWS types the key (a list key takes
    /// `a,b`). Repeatable; a key given twice has both values.
    #[arg(long = "context", value_name = "KEY=VALUE")]
    context: Vec<String>,
    /// `text` for people, `json` for scripts: `{"decision": ..., "statements": [...]}`.
    #[arg(long, value_enum, default_value_t = TextOrJson::Text)]
    format: TextOrJson,
}

/// Kinds of resource policy, as the command line names them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum Kind {
    Key,
    Trust,
    Bucket,
    Secret,
    Other,
}

impl From<Kind> for ResourcePolicyKind {
    fn from(kind: Kind) -> Self {
        match kind {
            Kind::Key => ResourcePolicyKind::Key,
            Kind::Trust => ResourcePolicyKind::Trust,
            Kind::Bucket => ResourcePolicyKind::Bucket,
            Kind::Secret => ResourcePolicyKind::Secret,
            Kind::Other => ResourcePolicyKind::Other,
        }
    }
}

/// The kind of resource policy an action is decided by, from its service.
fn kind_of_action(action: &str) -> ResourcePolicyKind {
    let action = action.to_ascii_lowercase();
    let service = action.split(':').next().unwrap_or_default();
    match service {
        "kms" => ResourcePolicyKind::Key,
        "s3" => ResourcePolicyKind::Bucket,
        "secretsmanager" => ResourcePolicyKind::Secret,
        "sts" if action.starts_with("sts:assumerole") => ResourcePolicyKind::Trust,
        _ => ResourcePolicyKind::Other,
    }
}

pub fn run(args: &Args) -> Result<(), CliError> {
    if args.policies.is_empty() && args.resource_policy.is_none() {
        return Err(CliError::usage(
            "no policy to evaluate: give `--policy FILE` (identity policies) or `--resource-policy FILE`, or both",
        ));
    }
    let mut set = PolicySet::new();
    for path in &args.policies {
        set = set.with_identity(path.clone(), read_policy(path)?);
    }
    if let Some(path) = &args.resource_policy {
        let kind = args
            .resource_policy_kind
            .map_or_else(|| kind_of_action(&args.action), ResourcePolicyKind::from);
        set = set.with_resource(path.clone(), kind, read_policy(path)?);
    }
    let principal = Principal::parse(&args.principal)
        .map_err(|e| CliError::usage(format!("invalid `--principal`: {e}")))?;
    let catalog = mmpolicy_catalog::Catalog::embedded();
    let mut context = Context::new();
    for entry in &args.context {
        // A key given again adds its values: the request then holds several.
        let mut one = Context::new();
        one.insert_entry(entry, catalog)
            .map_err(|e| CliError::usage(format!("invalid `--context`: {e}")))?;
        for key in one.keys() {
            let mut values = context.get(key).map(<[_]>::to_vec).unwrap_or_default();
            values.extend(one.get(key).map(<[_]>::to_vec).unwrap_or_default());
            context.insert_list(key, values);
        }
    }
    let mut request =
        Request::new(principal, args.action.clone(), args.resource.clone()).with_context(context);
    if let Some(account) = &args.resource_account {
        if account.len() != 12 || !account.bytes().all(|b| b.is_ascii_digit()) {
            return Err(CliError::usage(format!(
                "invalid `--resource-account` `{}`: expected exactly 12 digits",
                mmpolicy::error::escape(account)
            )));
        }
        request = request.with_resource_account(account.clone());
    }
    let evaluation = mmpolicy_eval::evaluate(&set, &request).map_err(CliError::usage)?;
    let text = match args.format {
        TextOrJson::Json => output::pretty(&evaluation)?,
        TextOrJson::Text => text(&evaluation),
    };
    output::print(&text)?;
    match evaluation.decision {
        Decision::Allowed => Ok(()),
        Decision::ExplicitlyDenied | Decision::ImplicitlyDenied => Err(CliError::Denied),
    }
}

/// Reads one policy file (`-` for stdin) and parses it.
fn read_policy(path: &str) -> Result<Policy, CliError> {
    let text = input::read_text(path)?;
    Policy::parse(&text).map_err(|e| CliError::usage(format!("{path}: {e}")))
}

/// The evaluation for people: the decision, the deciding statements, then why the others did
/// not decide.
fn text(evaluation: &Evaluation) -> String {
    let name = |s: &mmpolicy_eval::StatementRef| {
        let sid = s
            .sid
            .as_deref()
            .map(|sid| format!(" `{sid}`"))
            .unwrap_or_default();
        format!(
            "{} statement {}{sid} ({:?})",
            s.policy,
            s.index + 1,
            s.effect
        )
    };
    let decision = match evaluation.decision {
        Decision::Allowed => "allowed",
        Decision::ExplicitlyDenied => "explicitly denied",
        Decision::ImplicitlyDenied => "implicitly denied (nothing allows it)",
    };
    let mut out = format!("decision: {decision}\n");
    if !evaluation.deciding.is_empty() {
        out.push_str("decided by:\n");
        for s in &evaluation.deciding {
            out.push_str(&format!("  {}\n", name(s)));
        }
    }
    if !evaluation.others.is_empty() {
        out.push_str("did not decide:\n");
        for (s, why) in &evaluation.others {
            out.push_str(&format!("  {}: {why}\n", name(s)));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_resource_policy_kind_follows_the_service() {
        for (action, kind) in [
            ("kms:Decrypt", ResourcePolicyKind::Key),
            ("KMS:GenerateDataKey", ResourcePolicyKind::Key),
            ("s3:PutObject", ResourcePolicyKind::Bucket),
            ("secretsmanager:GetSecretValue", ResourcePolicyKind::Secret),
            ("sts:AssumeRole", ResourcePolicyKind::Trust),
            ("sts:GetCallerIdentity", ResourcePolicyKind::Other),
            ("sns:Publish", ResourcePolicyKind::Other),
        ] {
            assert_eq!(kind_of_action(action), kind, "{action}");
        }
    }
}
