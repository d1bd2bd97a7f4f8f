//! `mmpolicy render`: one policy from one parameter set.

use crate::error::CliError;
use crate::{input, output};
use mmpolicy::Shape;
use std::path::Path;

const AFTER_HELP: &str = "\
Parameters come from a file, from --set pairs, or from the provider's example; --set may also
override single fields of a file or of the example.
  --set key=value   sets a string (account ids are strings: --set account_id=012345678901)
  --set key:=JSON   sets any JSON value (--set 'create_tags:={\"team\":[\"mail\"]}')

What is printed:
  identity and trust policies   the whole policy document
  key, secret, bucket policies  the list of statements to merge into the resource's existing
                                policy (`mmpolicy merge`): a document holding only them would
                                replace every other grant, and a key policy without its
                                administrator statement locks the account out of the key
  --statement-only              the list of statements, for every kind
  --whole-document              the whole document, for every kind; a key policy starts with
                                AWS's default statement `Enable IAM User Permissions`
  --format cloudformation       the whole document as the property of the CloudFormation
                                resource that holds it (YAML)
  --format terraform            the whole document as a `data \"aws_iam_policy_document\"` block

Examples:
  mmpolicy render ingress.secret-policy --example
  mmpolicy render ingress.secret-policy --set account_id=111122223333 --set region=eu-west-1
  mmpolicy render smtp-relay.key-policy --params relay.toml > relay-key-statements.json
  mmpolicy render smtp-relay.key-policy --params relay.toml --whole-document   (a new key)
  mmpolicy render rule-actions.trust-policy --example --format terraform
  mmpolicy render ingress.key-policy --params - < params.json

A parameter file (or standard input) may hold at most 16 MiB.

`mmpolicy describe` with a provider id lists its parameters; `mmpolicy describe --all`, every
provider's.";

/// Render one policy on stdout: JSON, or a CloudFormation or Terraform snippet.
#[derive(Debug, clap::Args)]
#[command(after_help = AFTER_HELP)]
pub struct Args {
    /// The provider id, as `mmpolicy list` shows it.
    id: String,
    /// Read the parameters from a JSON file, a TOML file (`.toml`), or `-` for JSON on stdin.
    #[arg(long, value_name = "FILE|-", conflicts_with = "example")]
    params: Option<String>,
    /// Set one parameter: `key=value` for a string, `key:=json` for any JSON value. Repeatable.
    #[arg(long = "set", value_name = "KEY=VALUE")]
    sets: Vec<String>,
    /// Start from the provider's example parameters.
    #[arg(long)]
    example: bool,
    /// Print the JSON on one line.
    #[arg(long)]
    compact: bool,
    /// Print only the list of statements, to merge into an existing policy (`mmpolicy
    /// merge`); the default for key, secret and bucket policies.
    #[arg(long, conflicts_with_all = ["whole_document", "format"])]
    statement_only: bool,
    /// Print the whole document, for a resource with no policy of its kind yet; a key policy
    /// starts with AWS's default administrator statement, so the account keeps the key.
    #[arg(long)]
    whole_document: bool,
    /// Print JSON, or the whole document as the CloudFormation property or Terraform
    /// `aws_iam_policy_document` block it belongs in.
    #[arg(long, value_enum, default_value_t = Format::Json)]
    format: Format,
}

/// What `render` prints.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum Format {
    /// JSON: the document, or the statements to merge (see below).
    Json,
    /// YAML: the property of the CloudFormation resource that holds the policy.
    Cloudformation,
    /// HCL: a `data "aws_iam_policy_document"` block.
    Terraform,
}

pub fn run(args: &Args) -> Result<(), CliError> {
    let provider = mmpolicy::registry().get(&args.id)?;
    let kind = provider.kind();
    let whole = args.whole_document || args.format != Format::Json;
    // The parameters as JSON, kept when the whole document is rendered from them too.
    let mut whole_params = serde_json::Value::Null;
    let policy = match (&args.params, args.example) {
        (Some(path), _) => {
            let text = input::read_text(path)?;
            let format = mmpolicy_bundle::Format::from_path(Path::new(path));
            if format == mmpolicy_bundle::Format::Json && args.sets.is_empty() {
                // Straight from the text, so that errors can carry a line number.
                let policy = provider.render_str(&text).map_err(|e| located(path, e))?;
                if whole {
                    whole_params = input::parse_params(path, &text)?;
                }
                policy
            } else {
                let mut params = input::parse_params(path, &text)?;
                input::apply_sets(&mut params, &args.sets)?;
                let policy = provider.render_value(&params).map_err(|e| {
                    // Find the line of the offending key in the file, as bundle files do.
                    let line = e
                        .field()
                        .and_then(|field| mmpolicy_bundle::position::locate(&text, format, field));
                    match line {
                        Some(line) => CliError::usage(format!("{path}:{line}: {e}")),
                        None => located(path, e),
                    }
                })?;
                whole_params = params;
                policy
            }
        }
        (None, true) => {
            let mut params = provider.example_params();
            input::apply_sets(&mut params, &args.sets)?;
            let policy = provider.render_value(&params)?;
            whole_params = params;
            policy
        }
        (None, false) if !args.sets.is_empty() => {
            let mut params = serde_json::Value::Object(serde_json::Map::new());
            input::apply_sets(&mut params, &args.sets)?;
            let policy = provider.render_value(&params)?;
            whole_params = params;
            policy
        }
        (None, false) => {
            return Err(CliError::usage(format!(
                "no parameters: give `--params FILE`, `--set key=value` or `--example` (see `mmpolicy describe {}`)",
                provider.id()
            )));
        }
    };
    // The parameters were read and checked above; the whole document is rendered from the
    // same parameter set.
    let policy = if whole && kind.shape() == Shape::Statements {
        provider.render_whole_document(&whole_params)?
    } else {
        policy
    };
    let shape = if args.statement_only {
        Shape::Statements
    } else if whole {
        Shape::Document
    } else {
        kind.shape()
    };
    let text = match args.format {
        Format::Json if args.compact => policy.to_compact_json_as(shape) + "\n",
        Format::Json => policy.to_pretty_json_as(shape),
        Format::Cloudformation => {
            mmpolicy_formats::snippet::cloudformation(kind, &document(&policy)?)
        }
        Format::Terraform => {
            mmpolicy_formats::snippet::terraform(provider.id(), kind, &document(&policy)?)
                .map_err(|e| CliError::usage(e.to_string()))?
        }
    };
    output::print(&text)
}

fn document(policy: &mmpolicy::PolicyDocument) -> Result<serde_json::Value, CliError> {
    serde_json::to_value(policy).map_err(CliError::internal)
}

/// Prefixes an error with the file (and line) it came from.
fn located(path: &str, e: mmpolicy::RenderError) -> CliError {
    match &e {
        mmpolicy::RenderError::Params(p) if p.line.is_some() => {
            CliError::usage(format!("{path}:{}: {e}", p.line.unwrap_or_default()))
        }
        _ => CliError::usage(format!("{path}: {e}")),
    }
}
