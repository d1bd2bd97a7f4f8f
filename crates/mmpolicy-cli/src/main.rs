//! `mmpolicy`: render, describe and check the AWS permission policies that Amazon SES Mail
//! Manager needs.
//!
//! Exit codes: 0 success; 2 bad usage or invalid parameters (the message on stderr names the
//! field, the value and the rule); 1 an internal error. Nothing is printed on stdout when a
//! command fails (except by `bulk` streaming to stdout, whose lines before the failure stay
//! written).
//!
//! `mmpolicy lint` also exits 1 when it finds problems of severity `warning` or worse (the
//! findings are then on stdout), and `bulk --keep-going` when some lines failed.

mod cmd;
mod error;
mod input;
mod output;

use clap::{Parser, Subcommand};
use std::process::ExitCode;

const AFTER_HELP: &str = "\
Examples:
  mmpolicy list
  mmpolicy describe ingress.key-policy
  mmpolicy render ingress.secret-policy --set account_id=111122223333 --set region=eu-west-1
  mmpolicy render smtp-relay.key-policy --params relay.json --statement-only
  mmpolicy schema ingress.secret-policy > ingress.schema.json
  mmpolicy bundle deployment.toml --out policies/
  mmpolicy lint policy.json --kind key
  mmpolicy bulk ingress.secret-policy --input accounts.ndjson --output policies.ndjson

Every provider, its parameters and an example: `mmpolicy describe --all`. The deployment file:
`mmpolicy describe deployment`. Shell completions: `mmpolicy completions bash|zsh|fish|powershell`;
the manual page: `mmpolicy man`.";

/// Render, describe and check the AWS permission policies that Amazon SES Mail Manager needs.
#[derive(Debug, Parser)]
#[command(name = "mmpolicy", version, about, after_help = AFTER_HELP)]
pub(crate) struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    List(cmd::list::Args),
    Describe(cmd::describe::Args),
    Render(cmd::render::Args),
    Schema(cmd::schema::Args),
    Bundle(cmd::bundle::Args),
    Lint(cmd::lint::Args),
    Bulk(cmd::bulk::Args),
    Completions(cmd::completions::Args),
    Man(cmd::man::Args),
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            // clap prints help and version on stdout with success, usage errors on stderr.
            let _ = e.print();
            return if e.use_stderr() {
                ExitCode::from(2)
            } else {
                ExitCode::SUCCESS
            };
        }
    };
    let result = match cli.command {
        Command::List(args) => cmd::list::run(&args),
        Command::Describe(args) => cmd::describe::run(&args),
        Command::Render(args) => cmd::render::run(&args),
        Command::Schema(args) => cmd::schema::run(&args),
        Command::Bundle(args) => cmd::bundle::run(&args),
        Command::Lint(args) => cmd::lint::run(&args),
        Command::Bulk(args) => cmd::bulk::run(&args),
        Command::Completions(args) => cmd::completions::run(&args),
        Command::Man(args) => cmd::man::run(&args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => e.report(),
    }
}
