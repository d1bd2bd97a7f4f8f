//! What may be written where: an output is never an input or another output, and a folder is
//! never replaced when it is one a user cannot afford to lose.
//!
//! Files are compared by what they are, not by how they are named: two paths are the same
//! file when they lead to the same device and inode (through links, `..` or another spelling),
//! or, for files that do not exist yet, when their normalised absolute paths are equal.

use crate::error::CliError;
use std::path::{Component, Path, PathBuf};

/// A path given on the command line, and how messages name it (`--output out.ndjson`).
#[derive(Debug, Clone)]
pub struct Named {
    /// The option and its value, as messages show it.
    pub label: String,
    /// The path.
    pub path: PathBuf,
    /// The device and inode of an open stream (stdin or stdout), when it is a regular file.
    pub stream: Option<(u64, u64)>,
}

impl Named {
    /// A path given as `option`.
    pub fn path(option: &str, path: &Path) -> Self {
        Named {
            label: format!("{option} {}", path.display()),
            path: path.to_owned(),
            stream: None,
        }
    }

    /// Standard input or output, compared by the file it is redirected from or to (a pipe or
    /// a terminal is never the same file as anything).
    pub fn stream(label: &str, id: Option<(u64, u64)>) -> Option<Self> {
        id.map(|id| Named {
            label: label.to_owned(),
            path: PathBuf::new(),
            stream: Some(id),
        })
    }

    /// The device and inode of what this names, when it exists.
    fn id(&self) -> Option<(u64, u64)> {
        self.stream.or_else(|| identity(&self.path))
    }
}

/// The device and inode of the file at `path` (through links), when it exists.
#[cfg(unix)]
pub fn identity(path: &Path) -> Option<(u64, u64)> {
    use std::os::unix::fs::MetadataExt;
    std::fs::metadata(path).ok().map(|m| (m.dev(), m.ino()))
}

/// The device and inode of a file: unknown elsewhere than Unix (names are compared instead).
#[cfg(not(unix))]
pub fn identity(_path: &Path) -> Option<(u64, u64)> {
    None
}

/// The device and inode of the regular file standard input reads from, if it does.
#[cfg(unix)]
pub fn stdin_identity() -> Option<(u64, u64)> {
    use std::os::fd::AsFd;
    stream_identity(std::io::stdin().as_fd())
}

/// The device and inode of the regular file standard output writes to, if it does.
#[cfg(unix)]
pub fn stdout_identity() -> Option<(u64, u64)> {
    use std::os::fd::AsFd;
    stream_identity(std::io::stdout().as_fd())
}

#[cfg(unix)]
fn stream_identity(fd: std::os::fd::BorrowedFd<'_>) -> Option<(u64, u64)> {
    use std::os::unix::fs::MetadataExt;
    let file = std::fs::File::from(fd.try_clone_to_owned().ok()?);
    let meta = file.metadata().ok()?;
    meta.is_file().then(|| (meta.dev(), meta.ino()))
}

/// Standard input's file: unknown elsewhere than Unix.
#[cfg(not(unix))]
pub fn stdin_identity() -> Option<(u64, u64)> {
    None
}

/// Standard output's file: unknown elsewhere than Unix.
#[cfg(not(unix))]
pub fn stdout_identity() -> Option<(u64, u64)> {
    None
}

/// `path` made absolute and without `.` or `..`: through links where it exists; where it does
/// not, by its words, then through links as far as its folders exist.
pub fn normalised(path: &Path) -> PathBuf {
    if let Ok(p) = std::fs::canonicalize(path) {
        return p;
    }
    let absolute = match std::env::current_dir() {
        Ok(cwd) => cwd.join(path),
        Err(_) => path.to_owned(),
    };
    let mut lexical = PathBuf::new();
    for c in absolute.components() {
        match c {
            Component::ParentDir => {
                lexical.pop();
            }
            Component::CurDir => {}
            other => lexical.push(other.as_os_str()),
        }
    }
    let mut existing = lexical.as_path();
    let mut rest = Vec::new();
    loop {
        if let Ok(mut out) = std::fs::canonicalize(existing) {
            out.extend(rest.iter().rev());
            return out;
        }
        match (existing.parent(), existing.file_name()) {
            (Some(parent), Some(name)) => {
                rest.push(name.to_owned());
                existing = parent;
            }
            _ => return lexical,
        }
    }
}

/// Whether two names lead to the same file (or would, once created).
pub fn same(a: &Named, b: &Named) -> bool {
    match (a.id(), b.id()) {
        (Some(x), Some(y)) => x == y,
        _ => a.stream.is_none() && b.stream.is_none() && normalised(&a.path) == normalised(&b.path),
    }
}

/// Refuses an output that is the same file as an input or as another output.
pub fn check_distinct(inputs: &[Named], outputs: &[Named]) -> Result<(), CliError> {
    for (i, output) in outputs.iter().enumerate() {
        if let Some(input) = inputs.iter().find(|input| same(output, input)) {
            return Err(CliError::usage(format!(
                "`{}` is the same file as `{}`: writing it would destroy the input; give another output",
                output.label, input.label
            )));
        }
        if let Some(other) = outputs.iter().skip(i + 1).find(|o| same(output, o)) {
            return Err(CliError::usage(format!(
                "`{}` and `{}` are the same file: each output needs its own path",
                output.label, other.label
            )));
        }
    }
    Ok(())
}

/// Refuses to replace a folder a user cannot afford to lose, even with `--force`: `/`, the
/// home folder, the current folder or one that holds it, and a folder that holds `.git`.
pub fn check_replaceable(option: &str, dir: &Path) -> Result<(), CliError> {
    let real = normalised(dir);
    let shown = dir.display();
    let refuse = |why: &str| {
        Err(CliError::usage(format!(
            "`{option} {shown}` would replace {why}, which mmpolicy never does (not even with `--force`): give a new folder for the output"
        )))
    };
    if real.parent().is_none() {
        return refuse("the root folder");
    }
    let home = std::env::var_os("HOME").map(|h| normalised(Path::new(&h)));
    if home.as_ref().is_some_and(|h| *h == real) {
        return refuse("your home folder");
    }
    if std::env::current_dir()
        .ok()
        .map(|c| normalised(&c))
        .is_some_and(|cwd| cwd.starts_with(&real))
    {
        return refuse("the current folder (or a folder holding it)");
    }
    if std::fs::symlink_metadata(real.join(".git")).is_ok() {
        return refuse("a folder holding `.git` (a repository)");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_of_missing_files_are_normalised() {
        let dir = tempfile::tempdir().unwrap();
        let a = dir.path().join("x/../out.ndjson");
        let b = dir.path().join("./out.ndjson");
        assert_eq!(normalised(&a), normalised(&b));
        assert!(same(&Named::path("--a", &a), &Named::path("--b", &b)));
        let c = dir.path().join("other.ndjson");
        assert!(!same(&Named::path("--a", &a), &Named::path("--c", &c)));
    }

    #[test]
    fn links_to_one_file_are_the_same_file() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("in.ndjson");
        std::fs::write(&file, "{}").unwrap();
        let hard = dir.path().join("hard.ndjson");
        std::fs::hard_link(&file, &hard).unwrap();
        assert!(same(&Named::path("--a", &file), &Named::path("--b", &hard)));
    }
}
