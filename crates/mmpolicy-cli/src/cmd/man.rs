//! `mmpolicy man`: the manual page, in roff, from the command's own definition.

use crate::error::CliError;
use crate::output;
use clap::CommandFactory;

/// Print the manual page of mmpolicy, or of one of its commands, in roff on stdout.
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Examples:
  mmpolicy man | man -l -
  mmpolicy man bundle | man -l -
  mmpolicy man > ~/.local/share/man/man1/mmpolicy.1")]
pub struct Args {
    /// A command (`bundle`, `lint`, ...) for its own page; the main page without one.
    command: Option<String>,
}

pub fn run(args: &Args) -> Result<(), CliError> {
    let main = crate::Cli::command();
    let page = match &args.command {
        None => main,
        Some(name) => {
            let Some(sub) = main.find_subcommand(name) else {
                let names: Vec<String> = main
                    .get_subcommands()
                    .map(|s| format!("`{}`", s.get_name()))
                    .collect();
                return Err(CliError::usage(format!(
                    "no command `{name}`: choose one of {}",
                    names.join(", ")
                )));
            };
            // The page of `mmpolicy bundle` is named `mmpolicy-bundle`, as git's are.
            let full = format!("mmpolicy-{}", sub.get_name());
            sub.clone()
                .display_name(full)
                .bin_name(format!("mmpolicy {}", sub.get_name()))
                .version(env!("CARGO_PKG_VERSION"))
        }
    };
    let mut roff = Vec::new();
    clap_mangen::Man::new(page)
        .render(&mut roff)
        .map_err(CliError::internal)?;
    let roff = String::from_utf8(roff).map_err(CliError::internal)?;
    output::print(&roff)
}
