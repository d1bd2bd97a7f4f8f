//! Where rendered policies go: an NDJSON stream, or one file per parameter set with an index.

use crate::engine::{BulkError, LineError, OutputError, Rendered, Sink};
use mmpolicy::{PolicyDocument, Shape, Statement};
use std::collections::HashSet;
use std::io::Write;
use std::path::{Path, PathBuf};

/// Writes each policy as one compact JSON line; bad lines (with `keep_going`) go to an optional
/// errors writer as NDJSON.
#[derive(Debug)]
pub struct NdjsonSink<W: Write, E: Write = std::io::Sink> {
    out: W,
    errors: Option<E>,
    with_line: bool,
}

impl<W: Write> NdjsonSink<W> {
    /// Policies to `out`; bad lines are only counted (and reported by the caller's own sink).
    pub fn new(out: W) -> Self {
        NdjsonSink {
            out,
            errors: None,
            with_line: false,
        }
    }
}

impl<W: Write, E: Write> NdjsonSink<W, E> {
    /// Policies to `out`, bad lines to `errors` as NDJSON.
    pub fn with_errors(out: W, errors: E) -> Self {
        NdjsonSink {
            out,
            errors: Some(errors),
            with_line: false,
        }
    }

    /// Wraps each policy with its input line: `{"line":12,"policy":{...}}`, so that output
    /// lines can be matched to input lines when some fail.
    pub fn with_line(mut self, with_line: bool) -> Self {
        self.with_line = with_line;
        self
    }

    /// The writers back, for flushing and closing.
    pub fn into_inner(self) -> (W, Option<E>) {
        (self.out, self.errors)
    }
}

impl<W: Write, E: Write> Sink for NdjsonSink<W, E> {
    fn policy(&mut self, policy: &Rendered<'_>) -> Result<(), BulkError> {
        if self.with_line {
            write!(self.out, "{{\"line\":{},\"policy\":", policy.line).map_err(BulkError::Write)?;
            self.out.write_all(policy.json).map_err(BulkError::Write)?;
            return self.out.write_all(b"}\n").map_err(BulkError::Write);
        }
        self.out.write_all(policy.json).map_err(BulkError::Write)?;
        self.out.write_all(b"\n").map_err(BulkError::Write)
    }

    fn error(&mut self, error: &LineError) -> Result<(), BulkError> {
        write_error(self.errors.as_mut(), error)
    }

    fn ndjson(&mut self) -> Option<&mut dyn Write> {
        (!self.with_line).then_some(&mut self.out as &mut dyn Write)
    }
}

/// Appends a bad line to an errors file, when there is one.
fn write_error<E: Write>(errors: Option<&mut E>, error: &LineError) -> Result<(), BulkError> {
    if let Some(errors) = errors {
        writeln!(errors, "{}", error.to_json()).map_err(BulkError::Write)?;
    }
    Ok(())
}

/// The name of the index file that [`DirSink`] writes beside the policies.
pub const INDEX_FILE: &str = "index.ndjson";

/// Writes each policy, pretty-printed as `mmpolicy render` prints it, to `<dir>/<name>.json`,
/// the name read from one parameter (`--name-from account_id`), and one line per file to
/// `<dir>/index.ndjson`: `{"line":2,"name":"111122223333","file":"111122223333.json"}`.
///
/// Names must be safe file names (letters, digits, `.`, `_` and `-`, not starting with `.`, at
/// most 200 characters) and unique ignoring case; a line whose name is missing, unsafe or taken
/// is a bad line.
#[derive(Debug)]
pub struct DirSink<E: Write = std::io::Sink> {
    dir: PathBuf,
    column: String,
    index: std::io::BufWriter<std::fs::File>,
    taken: HashSet<String>,
    errors: Option<E>,
}

impl DirSink {
    /// Writes into `dir` (which exists), naming files from the parameter `column`.
    pub fn new(dir: &Path, column: &str) -> Result<Self, BulkError> {
        let index = std::fs::File::create(dir.join(INDEX_FILE)).map_err(BulkError::Write)?;
        Ok(DirSink {
            dir: dir.to_owned(),
            column: column.to_owned(),
            index: std::io::BufWriter::new(index),
            taken: HashSet::new(),
            errors: None,
        })
    }
}

impl<E: Write> DirSink<E> {
    /// Also writes bad lines to `errors` as NDJSON.
    pub fn with_errors<F: Write>(self, errors: F) -> DirSink<F> {
        DirSink {
            dir: self.dir,
            column: self.column,
            index: self.index,
            taken: self.taken,
            errors: Some(errors),
        }
    }

    /// Flushes the index, and gives back the errors writer.
    pub fn finish(mut self) -> Result<Option<E>, BulkError> {
        self.index.flush().map_err(BulkError::Write)?;
        Ok(self.errors)
    }

    /// The file name for one parameter set, or why there is none.
    fn name_of(&mut self, policy: &Rendered<'_>) -> Result<String, LineError> {
        let column = &self.column;
        let fail = |message: String| LineError {
            line: policy.line,
            field: Some(column.clone()),
            message,
        };
        let params: serde_json::Map<String, serde_json::Value> =
            serde_json::from_str(policy.params)
                .map_err(|e| fail(format!("invalid parameters: {e}")))?;
        let name = match params.get(column) {
            Some(serde_json::Value::String(s)) => s.clone(),
            Some(_) => {
                return Err(fail(format!(
                    "invalid `{column}`: `--name-from` needs a string parameter to name the file"
                )));
            }
            None => {
                return Err(fail(format!(
                    "missing `{column}`: `--name-from {column}` names each file from it, so every line needs one"
                )));
            }
        };
        if let Err(rule) = check_file_name(&name) {
            return Err(fail(format!("invalid `{column}` `{name}`: {rule}")));
        }
        if !self.taken.insert(name.to_ascii_lowercase()) {
            return Err(fail(format!(
                "invalid `{column}` `{name}`: an earlier line already names a file `{name}.json` (names must be unique, ignoring case): choose a column whose values differ"
            )));
        }
        Ok(name)
    }
}

/// Checks that `name` is safe as a file name on every system.
pub fn check_file_name(name: &str) -> Result<(), &'static str> {
    if name.is_empty() || name.len() > 200 {
        return Err("a file name has 1 to 200 characters");
    }
    if name.starts_with('.') {
        return Err("a file name must not start with `.`");
    }
    if !name
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'))
    {
        return Err("a file name has only letters, digits, `.`, `_` and `-`");
    }
    Ok(())
}

impl<E: Write> Sink for DirSink<E> {
    fn policy(&mut self, policy: &Rendered<'_>) -> Result<(), BulkError> {
        let name = self.name_of(policy).map_err(BulkError::Line)?;
        // The policy as the provider's kind is written: a document, or (key, secret and bucket
        // policies) the list of its statements to merge.
        let reread = |e: serde_json::Error| OutputError::ReRead(e.to_string());
        let pretty = if policy.json.first() == Some(&b'[') {
            let statements: Vec<Statement> = serde_json::from_slice(policy.json).map_err(reread)?;
            PolicyDocument::new(statements).to_pretty_json_as(Shape::Statements)
        } else {
            let document: PolicyDocument = serde_json::from_slice(policy.json).map_err(reread)?;
            document.to_pretty_json()
        };
        let file = format!("{name}.json");
        std::fs::write(self.dir.join(&file), pretty).map_err(BulkError::Write)?;
        let mut entry = serde_json::Map::new();
        entry.insert("line".into(), policy.line.into());
        entry.insert("name".into(), name.into());
        entry.insert("file".into(), file.into());
        writeln!(self.index, "{}", serde_json::Value::Object(entry)).map_err(BulkError::Write)
    }

    fn error(&mut self, error: &LineError) -> Result<(), BulkError> {
        write_error(self.errors.as_mut(), error)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_are_checked() {
        for good in ["111122223333", "eu-west-1", "a.b_c-D"] {
            assert_eq!(check_file_name(good), Ok(()), "{good}");
        }
        for bad in [
            "",
            ".hidden",
            "..",
            "a/b",
            "a\\b",
            "a b",
            "é",
            &"x".repeat(201),
        ] {
            assert!(check_file_name(bad).is_err(), "{bad}");
        }
    }
}
