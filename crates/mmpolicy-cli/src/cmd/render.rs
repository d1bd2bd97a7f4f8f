//! `mmpolicy render`: one policy from one parameter set.

use crate::error::CliError;
use crate::{input, output};
use std::path::Path;

const AFTER_HELP: &str = "\
Parameters come from a file, from --set pairs, or from the provider's example; --set may also
override single fields of a file or of the example.
  --set key=value   sets a string (account ids are strings: --set account_id=012345678901)
  --set key:=JSON   sets any JSON value (--set 'create_tags:={\"team\":[\"mail\"]}')

Examples:
  mmpolicy render ingress.secret-policy --example
  mmpolicy render ingress.secret-policy --set account_id=111122223333 --set region=eu-west-1
  mmpolicy render smtp-relay.key-policy --params relay.toml --statement-only
  mmpolicy render ingress.key-policy --params - < params.json

A parameter file (or standard input) may hold at most 16 MiB.

`mmpolicy describe` with a provider id lists its parameters; `mmpolicy describe --all`, every
provider's.";

/// Render one policy as JSON on stdout.
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
    /// Print only the statement (a list when there are several), to merge into an existing
    /// policy: the way to add a key-policy statement without replacing the key's policy.
    #[arg(long)]
    statement_only: bool,
}

pub fn run(args: &Args) -> Result<(), CliError> {
    let provider = mmpolicy::registry().get(&args.id)?;
    let policy = match (&args.params, args.example) {
        (Some(path), _) => {
            let text = input::read_text(path)?;
            let format = mmpolicy_bundle::Format::from_path(Path::new(path));
            if format == mmpolicy_bundle::Format::Json && args.sets.is_empty() {
                // Straight from the text, so that errors can carry a line number.
                provider.render_str(&text).map_err(|e| located(path, e))?
            } else {
                let mut params = input::parse_params(path, &text)?;
                input::apply_sets(&mut params, &args.sets)?;
                provider.render_value(&params).map_err(|e| {
                    // Find the line of the offending key in the file, as bundle files do.
                    let line = e
                        .field()
                        .and_then(|field| mmpolicy_bundle::position::locate(&text, format, field));
                    match line {
                        Some(line) => CliError::usage(format!("{path}:{line}: {e}")),
                        None => located(path, e),
                    }
                })?
            }
        }
        (None, true) => {
            let mut params = provider.example_params();
            input::apply_sets(&mut params, &args.sets)?;
            provider.render_value(&params)?
        }
        (None, false) if !args.sets.is_empty() => {
            let mut params = serde_json::Value::Object(serde_json::Map::new());
            input::apply_sets(&mut params, &args.sets)?;
            provider.render_value(&params)?
        }
        (None, false) => {
            return Err(CliError::usage(format!(
                "no parameters: give `--params FILE`, `--set key=value` or `--example` (see `mmpolicy describe {}`)",
                provider.id()
            )));
        }
    };
    let text = if args.statement_only {
        let statements = policy.statements();
        let value = match statements {
            [one] => serde_json::to_value(one),
            many => serde_json::to_value(many),
        }
        .map_err(CliError::internal)?;
        if args.compact {
            serde_json::to_string(&value).map_err(CliError::internal)? + "\n"
        } else {
            output::pretty(&value)?
        }
    } else if args.compact {
        policy.to_compact_json() + "\n"
    } else {
        policy.to_pretty_json()
    };
    output::print(&text)
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
