//! `mmpolicy completions`: the shell completion script, from the command's own definition.

use crate::error::CliError;
use crate::output;
use clap::CommandFactory;

/// Print the completion script of a shell on stdout.
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Install, for example:
  bash:        mmpolicy completions bash > ~/.local/share/bash-completion/completions/mmpolicy
  zsh:         mmpolicy completions zsh > ~/.zfunc/_mmpolicy   (with ~/.zfunc in $fpath)
  fish:        mmpolicy completions fish > ~/.config/fish/completions/mmpolicy.fish
  powershell:  mmpolicy completions powershell >> $PROFILE")]
pub struct Args {
    /// The shell.
    #[arg(value_enum)]
    shell: clap_complete::Shell,
}

pub fn run(args: &Args) -> Result<(), CliError> {
    let mut command = crate::Cli::command();
    let mut script = Vec::new();
    clap_complete::generate(args.shell, &mut command, "mmpolicy", &mut script);
    let script = String::from_utf8(script).map_err(CliError::internal)?;
    output::print(&script)
}
