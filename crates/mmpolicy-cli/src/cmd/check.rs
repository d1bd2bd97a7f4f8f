//! `mmpolicy check`: does a policy you have let Mail Manager do what it needs, deny the near
//! misses, and grant no more than the provider's own policy?

mod beyond;

use super::TextOrJson;
use crate::error::CliError;
use crate::{input, output};
use mmpolicy::{Expect, ExpectedRequest, PolicyDocument, PolicyKind};
use mmpolicy_eval::required::{Checked, check_requests, policy_set, to_request};
use mmpolicy_eval::{Decision, Policy, StatementRef};
use serde::Serialize;
use std::path::Path;

pub use beyond::Warning;

const AFTER_HELP: &str = "\
With a provider id, --policy names your policy of the provider's kind: the identity policy
of the role or user for identity providers; the key, bucket or secret policy, or the role's
trust policy, otherwise. A whole policy document or a JSON list of statements is read. The
parameters (--params, --set, --example, as `render` takes them) say what the policy is for:
the requests Mail Manager (or the people the policy names) makes with it, and the near misses
it must deny (`mmpolicy describe ID` lists them). Each request is evaluated as AWS does, with
the policy alone (a key policy must allow a service principal itself; a `kms:` request of an
identity policy is evaluated beside the key's default key policy).

With a deployment file and --deployed DIR, every policy the deployment plans (as `mmpolicy
bundle` writes it) is checked against the file of the same name in DIR, fetched from the
account (for example with `aws iam get-role-policy`, `aws kms get-key-policy`,
`aws s3api get-bucket-policy`, `aws secretsmanager get-resource-policy`). A missing file is
reported as a failure.

Warnings (they do not change the exit code) name what a statement grants the same principal
beyond the provider's needs:
  wider resource     a statement allows a needed action on a resource pattern that no
                     statement of the provider's own policy covers (`*`, a whole bucket)
  wildcard action    a statement allows a needed action through an action pattern with `*`
                     that the provider's own policy does not use (`s3:*`)
  confused deputy    a statement allows a service principal without `aws:SourceAccount` or
                     `aws:SourceArn`, where the provider's own policy has them

Exit codes: 0 when every needed request is allowed and every near miss denied, 1 otherwise,
2 on bad input (a file that cannot be read, a policy that is not a policy, bad parameters).

Examples:
  mmpolicy check ingress.secret-policy --policy secret.json --example
  mmpolicy check rule-actions.write-to-s3 --policy role-policy.json --params write.toml
  mmpolicy check archiving.key-policy --policy key.json --set principal_arn=... --set kms_key_arn=...
  mmpolicy check deployment.toml --deployed fetched/ --format json";

/// Check your policies against what Mail Manager needs: every request it makes allowed, every
/// near miss denied, and what they grant beyond that.
#[derive(Debug, clap::Args)]
#[command(after_help = AFTER_HELP)]
pub struct Args {
    /// A provider id (`mmpolicy list`), or with `--deployed` a deployment file (TOML or JSON).
    target: String,
    /// Your policy of the provider's kind (a policy document or a JSON list of statements).
    #[arg(long, value_name = "FILE", conflicts_with = "deployed")]
    policy: Option<String>,
    /// Read the parameters from a JSON file, a TOML file (`.toml`), or `-` for JSON on stdin.
    #[arg(long, value_name = "FILE|-", conflicts_with_all = ["example", "deployed"])]
    params: Option<String>,
    /// Set one parameter: `key=value` for a string, `key:=json` for any JSON value. Repeatable.
    #[arg(long = "set", value_name = "KEY=VALUE", conflicts_with = "deployed")]
    sets: Vec<String>,
    /// Start from the provider's example parameters.
    #[arg(long, conflicts_with = "deployed")]
    example: bool,
    /// The folder of the deployed policies, one file per bundle entry, named as `mmpolicy
    /// bundle` names them (`bundle.json`'s `file` fields).
    #[arg(long, value_name = "DIR")]
    deployed: Option<String>,
    /// `text` for people, `json` for scripts.
    #[arg(long, value_enum, default_value_t = TextOrJson::Text)]
    format: TextOrJson,
}

/// One request and its outcome, as printed.
#[derive(Debug, Serialize)]
struct RequestReport {
    /// Who makes it.
    principal: String,
    action: &'static str,
    resource: String,
    expect: Expect,
    why: &'static str,
    decision: Decision,
    /// Whether the decision is the expected one.
    passed: bool,
    /// The statements that decided it (none for an implicit deny).
    statements: Vec<StatementRef>,
}

/// The check of one policy file.
#[derive(Debug, Serialize)]
struct FileReport {
    /// The policy file.
    policy: String,
    /// The providers whose requests are checked.
    providers: Vec<&'static str>,
    kind: PolicyKind,
    /// The file is absent from `--deployed`.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    missing: bool,
    /// Near misses left out because another provider merged into the same document needs
    /// them.
    #[serde(skip_serializing_if = "is_zero")]
    near_misses_needed_by_another_provider: usize,
    passed: bool,
    requests: Vec<RequestReport>,
    warnings: Vec<Warning>,
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}

pub fn run(args: &Args) -> Result<(), CliError> {
    let reports = match &args.deployed {
        Some(dir) => check_deployment(&args.target, Path::new(dir))?,
        None => vec![check_provider(args)?],
    };
    let passed = reports.iter().all(|r| r.passed);
    let text = match args.format {
        TextOrJson::Json => output::pretty(&serde_json::json!({
            "passed": passed,
            "policies": reports,
        }))?,
        TextOrJson::Text => reports.iter().map(text).collect::<Vec<_>>().join("\n"),
    };
    output::print(&text)?;
    if passed {
        Ok(())
    } else {
        Err(CliError::Failed)
    }
}

/// `check ID --policy FILE ...`.
fn check_provider(args: &Args) -> Result<FileReport, CliError> {
    let provider = mmpolicy::registry().get(&args.target)?;
    let Some(path) = &args.policy else {
        return Err(CliError::usage(format!(
            "no policy to check: give `--policy FILE`, your {} policy (or a deployment file with `--deployed DIR`)",
            provider.kind()
        )));
    };
    let params = match (&args.params, args.example) {
        (Some(file), _) => {
            let text = input::read_text(file)?;
            let mut params = input::parse_params(file, &text)?;
            input::apply_sets(&mut params, &args.sets)?;
            params
        }
        (None, true) => {
            let mut params = provider.example_params();
            input::apply_sets(&mut params, &args.sets)?;
            params
        }
        (None, false) if !args.sets.is_empty() => {
            let mut params = serde_json::Value::Object(serde_json::Map::new());
            input::apply_sets(&mut params, &args.sets)?;
            params
        }
        (None, false) => {
            return Err(CliError::usage(format!(
                "no parameters: give `--params FILE`, `--set key=value` or `--example` (see `mmpolicy describe {}`)",
                provider.id()
            )));
        }
    };
    let named = |e: mmpolicy::RenderError| match &args.params {
        Some(file) => CliError::usage(format!("{file}: {e}")),
        None => CliError::usage(e),
    };
    let rendered = provider.render_value(&params).map_err(named)?;
    let requests = provider.required_requests_value(&params).map_err(named)?;
    let (value, policy) = read_policy(path)?;
    report(
        path,
        vec![provider.id()],
        provider.kind(),
        &value,
        &policy,
        &rendered,
        &requests,
    )
}

/// `check DEPLOYMENT --deployed DIR`.
fn check_deployment(file: &str, dir: &Path) -> Result<Vec<FileReport>, CliError> {
    if !dir.is_dir() {
        return Err(CliError::usage(format!(
            "`--deployed {}` is not a folder: give the folder holding the deployed policies, one file per bundle entry",
            dir.display()
        )));
    }
    let text = input::read_text(file)?;
    let format = mmpolicy_bundle::Format::from_path(Path::new(file));
    let bundle = mmpolicy_bundle::plan_bundle(&text, format).map_err(|e| match e.line {
        Some(line) => CliError::usage(format!("{file}:{line}: {e}")),
        None => CliError::usage(format!("{file}: {e}")),
    })?;
    let mut reports = Vec::with_capacity(bundle.policies.len());
    for planned in &bundle.policies {
        let path = dir.join(&planned.file);
        let shown = path.display().to_string();
        if !path.exists() {
            reports.push(FileReport {
                policy: shown,
                providers: planned.providers.clone(),
                kind: planned.kind,
                missing: true,
                near_misses_needed_by_another_provider: 0,
                passed: false,
                requests: Vec::new(),
                warnings: Vec::new(),
            });
            continue;
        }
        let (value, policy) = read_policy(&shown)?;
        // A document merged from several providers (the rule set role's permission policy)
        // may need what one provider's near miss denies: a near miss that mmpolicy's own
        // merged document allows is another provider's need, not a miss.
        let own =
            Policy::from_value(&document_value(&planned.policy)?).map_err(CliError::internal)?;
        let mut dropped = 0;
        let requests: Vec<ExpectedRequest> = planned
            .requests
            .iter()
            .filter(|r| {
                let keep = r.expect == Expect::Allow
                    || planned.providers.len() < 2
                    || !allowed(planned.kind, &own, r);
                dropped += usize::from(!keep);
                keep
            })
            .cloned()
            .collect();
        let mut report = report(
            &shown,
            planned.providers.clone(),
            planned.kind,
            &value,
            &policy,
            &planned.policy,
            &requests,
        )?;
        report.near_misses_needed_by_another_provider = dropped;
        reports.push(report);
    }
    Ok(reports)
}

/// Whether `policy` (of `kind`) allows `request`; false when it cannot be evaluated.
fn allowed(kind: PolicyKind, policy: &Policy, request: &ExpectedRequest) -> bool {
    let Ok(evaluated) = to_request(request) else {
        return false;
    };
    policy_set(kind, "own", policy, &evaluated)
        .and_then(|set| mmpolicy_eval::evaluate(&set, &evaluated))
        .is_ok_and(|e| e.decision == Decision::Allowed)
}

fn document_value(document: &PolicyDocument) -> Result<serde_json::Value, CliError> {
    serde_json::to_value(document).map_err(CliError::internal)
}

/// Reads a policy file: a policy document, a JSON list of statements, or one statement.
fn read_policy(path: &str) -> Result<(serde_json::Value, Policy), CliError> {
    let text = input::read_text(path)?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    // Not JSON: the evaluator's parser says where, in the words `simulate` uses.
    let value: serde_json::Value = match serde_json::from_str(text) {
        Ok(value) => value,
        Err(_) => {
            let reason = Policy::parse(text)
                .err()
                .map_or_else(|| "not a policy".to_owned(), |e| e.to_string());
            return Err(CliError::usage(format!("{path}: {reason}")));
        }
    };
    let value = match value {
        serde_json::Value::Array(statements) => {
            serde_json::json!({"Version": "2012-10-17", "Statement": statements})
        }
        serde_json::Value::Object(map)
            if !map.contains_key("Statement") && map.contains_key("Effect") =>
        {
            serde_json::json!({"Version": "2012-10-17", "Statement": [map]})
        }
        other => other,
    };
    let policy = Policy::from_value(&value).map_err(|e| CliError::usage(format!("{path}: {e}")))?;
    Ok((value, policy))
}

/// Evaluates `requests` against the user's `policy` and looks for grants beyond `rendered`.
fn report(
    path: &str,
    providers: Vec<&'static str>,
    kind: PolicyKind,
    value: &serde_json::Value,
    policy: &Policy,
    rendered: &PolicyDocument,
    requests: &[ExpectedRequest],
) -> Result<FileReport, CliError> {
    let checked = check_requests(kind, path, policy, requests)
        .map_err(|e| CliError::usage(format!("{path}: {e}")))?;
    let requests: Vec<RequestReport> = checked.iter().map(|c| request_report(path, c)).collect();
    let warnings = beyond::warnings(kind, value, &document_value(rendered)?, &checked);
    Ok(FileReport {
        policy: path.to_owned(),
        providers,
        kind,
        missing: false,
        near_misses_needed_by_another_provider: 0,
        passed: requests.iter().all(|r| r.passed),
        requests,
        warnings,
    })
}

/// The request's outcome; its deciding statements are the user's (`path`'s) when any of them
/// decided (a `kms:` request of an identity policy is also allowed by the key's default key
/// policy, which is not the user's to fix).
fn request_report(path: &str, c: &Checked<'_>) -> RequestReport {
    let r = c.request;
    let deciding = &c.evaluation.deciding;
    let statements = if deciding.iter().any(|s| s.policy == path) {
        deciding
            .iter()
            .filter(|s| s.policy == path)
            .cloned()
            .collect()
    } else {
        deciding.clone()
    };
    RequestReport {
        principal: r.principal.describe().replace('`', ""),
        action: r.action,
        resource: r.resource.clone(),
        expect: r.expect,
        why: r.why,
        decision: c.evaluation.decision,
        passed: c.passed(),
        statements,
    }
}

/// The report for people.
fn text(report: &FileReport) -> String {
    let providers = report.providers.join(", ");
    if report.missing {
        return format!(
            "{} ({providers}): FAILED: the file is missing: fetch the deployed {} policy into it\n",
            report.policy, report.kind
        );
    }
    let failed = report.requests.iter().filter(|r| !r.passed).count();
    let mut out = format!(
        "{} ({providers}): {}\n",
        report.policy,
        if failed == 0 {
            format!("passed: {} requests as expected", report.requests.len())
        } else {
            format!(
                "FAILED: {failed} of {} requests not as expected",
                report.requests.len()
            )
        }
    );
    for r in &report.requests {
        let decided = match (r.decision, r.statements.first()) {
            (Decision::ImplicitlyDenied, _) => "nothing allows it".to_owned(),
            (_, Some(s)) => format!("by {}", statement_name(s)),
            (_, None) => String::new(),
        };
        let outcome = match r.decision {
            Decision::Allowed => "allowed",
            Decision::ExplicitlyDenied => "denied",
            Decision::ImplicitlyDenied => "denied",
        };
        let what = match r.expect {
            Expect::Allow => "needs",
            Expect::Deny => "near miss",
        };
        out.push_str(&format!(
            "  {} {what}: {} `{}` on `{}` ({}): {outcome}, {decided}\n",
            if r.passed { "ok  " } else { "FAIL" },
            r.principal,
            r.action,
            r.resource,
            r.why,
        ));
    }
    if report.near_misses_needed_by_another_provider > 0 {
        out.push_str(&format!(
            "  ({} near misses left out: another provider merged into this document needs them)\n",
            report.near_misses_needed_by_another_provider
        ));
    }
    for w in &report.warnings {
        out.push_str(&format!("  warning: {w}\n"));
    }
    out
}

/// `statement 2 \`Sid\``: 1-based, as people count.
fn statement_name(s: &StatementRef) -> String {
    match &s.sid {
        Some(sid) => format!("statement {} `{sid}`", s.index + 1),
        None => format!("statement {}", s.index + 1),
    }
}
