//! `mmpolicy`: render, describe and check the AWS permission policies that Amazon SES Mail
//! Manager needs.
//!
//! Exit codes: 0 success; 2 bad usage, invalid parameters (the message on stderr names the
//! field, the value and the rule) or a file that cannot be read or written (the message names
//! it and says why); 1 an internal error; 130, 143 and 129 after SIGINT, SIGTERM and SIGHUP
//! (the temporary files of the run removed first). Nothing is printed on stdout when a
//! command fails (except by `bulk` streaming to stdout, whose lines before the failure stay
//! written).
//!
//! `mmpolicy lint` also exits 1 when it finds problems of severity `warning` or worse (the
//! findings are then on stdout), `simulate` when the request is denied, `check` when a needed
//! request is denied or a near miss allowed, and `bulk --keep-going` when some lines failed.
//!
//! The command is also a library, [`run`], so that a program linking more feature crates (a
//! feature crate's own test binary, a tool built on mmpolicy) runs the same command over its
//! registry.

mod cmd;
mod error;
mod input;
mod output;
mod paths;

use clap::{Parser, Subcommand};
use std::process::ExitCode;

const AFTER_HELP: &str = "\
Examples:
  mmpolicy list
  mmpolicy describe ingress.key-policy
  mmpolicy render ingress.secret-policy --set account_id=111122223333 --set region=eu-west-1
  mmpolicy render smtp-relay.key-policy --params relay.json > statements.json
  mmpolicy merge current-key-policy.json statements.json
  mmpolicy schema ingress.secret-policy > ingress.schema.json
  mmpolicy bundle deployment.toml --out policies/
  mmpolicy lint policy.json --kind key
  mmpolicy bulk ingress.secret-policy --input accounts.ndjson --output policies.ndjson
  mmpolicy check ingress.secret-policy --policy secret.json --example

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
    Merge(cmd::merge::Args),
    Simulate(cmd::simulate::Args),
    Check(cmd::check::Args),
    Completions(cmd::completions::Args),
    Man(cmd::man::Args),
}

/// On SIGINT, SIGTERM or SIGHUP: removes the run's temporary files and folders, then exits
/// with 128 plus the signal's number, as a shell reports a command killed by it.
#[cfg(unix)]
fn clean_up_on_signals() {
    use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
    let Ok(mut signals) = signal_hook::iterator::Signals::new([SIGINT, SIGTERM, SIGHUP]) else {
        return;
    };
    std::thread::spawn(move || {
        if let Some(signal) = signals.forever().next() {
            // Held until the process ends: no rename or swap starts after the removal.
            let _registry = mmpolicy_bulk::cleanup::remove_registered();
            std::process::exit(128 + signal);
        }
    });
}

/// Signals are left to the system elsewhere than Unix.
#[cfg(not(unix))]
fn clean_up_on_signals() {}

/// Runs the `mmpolicy` command with `args` (the program name first, as
/// [`std::env::args_os`] gives them) over the providers linked into this program, and returns
/// its exit code.
pub fn run<I, T>(args: I) -> ExitCode
where
    I: IntoIterator<Item = T>,
    T: Into<std::ffi::OsString> + Clone,
{
    clean_up_on_signals();
    let cli = match Cli::try_parse_from(args) {
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
        Command::Merge(args) => cmd::merge::run(&args),
        Command::Simulate(args) => cmd::simulate::run(&args),
        Command::Check(args) => cmd::check::run(&args),
        Command::Completions(args) => cmd::completions::run(&args),
        Command::Man(args) => cmd::man::run(&args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => e.report(),
    }
}
