//! Writing to stdout: all at once at the end, so that a failure prints nothing, and quietly
//! when the reader has gone (`mmpolicy ... | head`).

use crate::error::CliError;
use std::io::Write;

/// Writes `text` to stdout. A closed pipe is not an error.
pub fn print(text: &str) -> Result<(), CliError> {
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        Err(e) => Err(CliError::io("cannot write to standard output", &e)),
    }
}

/// Pretty JSON with a final newline.
pub fn pretty<T: serde::Serialize>(value: &T) -> Result<String, CliError> {
    let mut s = serde_json::to_string_pretty(value).map_err(CliError::internal)?;
    s.push('\n');
    Ok(s)
}
