//! `mmpolicy`: render, describe and check the AWS permission policies that Amazon SES Mail
//! Manager needs. The command is [`mmpolicy_cli::run`].

use std::process::ExitCode;

fn main() -> ExitCode {
    mmpolicy_cli::run(std::env::args_os())
}
