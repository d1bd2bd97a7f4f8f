//! The CLI's error: a message and the exit code it maps to.

use std::process::ExitCode;

/// A failed command.
#[derive(Debug)]
pub enum CliError {
    /// Bad usage or invalid input: exit code 2.
    Usage(String),
    /// A file, a folder or standard output that cannot be read or written (the message names
    /// it and says why): exit code 2.
    Io(String),
    /// A failure that is not the user's: exit code 1.
    Internal(String),
    /// `mmpolicy lint` found problems (already printed on stdout): exit code 1.
    Findings,
    /// `mmpolicy simulate` decided the request is denied (the decision was already printed):
    /// exit code 1.
    Denied,
    /// Some of the work failed and each failure was already reported (`bulk --keep-going`,
    /// `check` with a request not as expected): exit code 1, nothing more to say.
    Failed,
}

impl CliError {
    /// Bad usage or invalid input.
    pub fn usage(message: impl std::fmt::Display) -> Self {
        CliError::Usage(message.to_string())
    }

    /// A failed read or write: `what` names the file and the action (`cannot write
    /// \`out.ndjson\``), `e` says why.
    pub fn io(what: impl std::fmt::Display, e: &std::io::Error) -> Self {
        CliError::Io(format!("{what}: {}", io_reason(e)))
    }

    /// An internal failure.
    pub fn internal(message: impl std::fmt::Display) -> Self {
        CliError::Internal(message.to_string())
    }

    /// Prints the message on stderr and returns the exit code.
    pub fn report(self) -> ExitCode {
        match self {
            CliError::Usage(m) | CliError::Io(m) => {
                eprintln!("error: {m}");
                ExitCode::from(2)
            }
            CliError::Internal(m) => {
                eprintln!("internal error: {m}");
                ExitCode::from(1)
            }
            CliError::Findings => ExitCode::from(1),
            CliError::Denied => ExitCode::from(1),
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

/// An I/O error in the words of a message: lowercase, without the OS's error number.
pub fn io_reason(e: &std::io::Error) -> String {
    use std::io::ErrorKind;
    match e.kind() {
        ErrorKind::NotFound => "no such file or folder".to_owned(),
        ErrorKind::PermissionDenied => "permission denied".to_owned(),
        ErrorKind::IsADirectory => "it is a folder, not a file".to_owned(),
        ErrorKind::InvalidData => "it is not UTF-8 text".to_owned(),
        _ => {
            let text = e.to_string();
            let text = match text.find(" (os error") {
                Some(at) => &text[..at],
                None => &text,
            };
            let mut chars = text.chars();
            match chars.next() {
                Some(first) => first.to_lowercase().chain(chars).collect(),
                None => "unknown error".to_owned(),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn io_reasons_are_lowercase_words() {
        let e = std::io::Error::from(std::io::ErrorKind::NotFound);
        assert_eq!(io_reason(&e), "no such file or folder");
        let e = std::io::Error::from_raw_os_error(28);
        assert_eq!(io_reason(&e), "no space left on device");
    }
}
