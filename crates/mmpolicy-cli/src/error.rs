//! The CLI's error: a message and the exit code it maps to.

use std::process::ExitCode;

/// A failed command.
#[derive(Debug)]
pub enum CliError {
    /// Bad usage or invalid input: exit code 2.
    Usage(String),
    /// A failure that is not the user's: exit code 1.
    Internal(String),
    /// `mmpolicy lint` found problems (already printed on stdout): exit code 1.
    Findings,
    /// Some of the work failed and each failure was already reported (`bulk --keep-going`):
    /// exit code 1, nothing more to say.
    Failed,
}

impl CliError {
    /// Bad usage or invalid input.
    pub fn usage(message: impl std::fmt::Display) -> Self {
        CliError::Usage(message.to_string())
    }

    /// An internal failure.
    pub fn internal(message: impl std::fmt::Display) -> Self {
        CliError::Internal(message.to_string())
    }

    /// Prints the message on stderr and returns the exit code.
    pub fn report(self) -> ExitCode {
        match self {
            CliError::Usage(m) => {
                eprintln!("error: {m}");
                ExitCode::from(2)
            }
            CliError::Internal(m) => {
                eprintln!("internal error: {m}");
                ExitCode::from(1)
            }
            CliError::Findings => ExitCode::from(1),
            CliError::Failed => ExitCode::from(1),
        }
    }
}

impl From<mmpolicy::UnknownProvider> for CliError {
    fn from(e: mmpolicy::UnknownProvider) -> Self {
        CliError::usage(e)
    }
}

impl From<mmpolicy::RenderError> for CliError {
    fn from(e: mmpolicy::RenderError) -> Self {
        CliError::usage(e)
    }
}
