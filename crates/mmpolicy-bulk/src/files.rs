//! Outputs that appear whole or not at all: a file or a directory is written under a temporary
//! name beside its destination and renamed into place only when the run succeeds. A failed or
//! interrupted run leaves nothing behind (the temporary is removed when dropped).

use crate::engine::BulkError;
use std::fs::File;
use std::path::{Path, PathBuf};

/// The folder a path is in (`.` for a bare file name).
fn parent_of(path: &Path) -> &Path {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    }
}

/// A file written under a temporary name and renamed to its destination by [`commit`](Self::commit).
///
/// A destination that exists and is not a regular file (`/dev/null`, a named pipe, a terminal)
/// is written directly: renaming over it would replace the device or pipe with a file.
#[derive(Debug)]
pub struct AtomicFile {
    target: Target,
    dest: PathBuf,
}

#[derive(Debug)]
enum Target {
    Temp(tempfile::NamedTempFile),
    Direct(File),
}

/// True when `path` exists and is something other than a regular file (or a link to one).
pub fn is_special(path: &Path) -> bool {
    std::fs::metadata(path).is_ok_and(|m| !m.is_file() && !m.is_dir())
}

impl AtomicFile {
    /// Creates the temporary file in `dest`'s folder, or opens `dest` itself when it is a
    /// device or a pipe.
    pub fn create(dest: &Path) -> Result<Self, BulkError> {
        if is_special(dest) {
            let file = std::fs::OpenOptions::new()
                .write(true)
                .open(dest)
                .map_err(|e| BulkError::Output(format!("cannot open `{}`: {e}", dest.display())))?;
            return Ok(AtomicFile {
                target: Target::Direct(file),
                dest: dest.to_owned(),
            });
        }
        let temp = tempfile::Builder::new()
            .prefix(".mmpolicy-bulk-")
            .suffix(".tmp")
            .tempfile_in(parent_of(dest))
            .map_err(|e| {
                BulkError::Output(format!(
                    "cannot create a file beside `{}`: {e}",
                    dest.display()
                ))
            })?;
        Ok(AtomicFile {
            target: Target::Temp(temp),
            dest: dest.to_owned(),
        })
    }

    /// The file to write to: the temporary, or the device itself.
    pub fn file(&mut self) -> &mut File {
        match &mut self.target {
            Target::Temp(temp) => temp.as_file_mut(),
            Target::Direct(file) => file,
        }
    }

    /// Flushes the file to disk and renames it to its destination, replacing any file there
    /// (a device or pipe was written directly: nothing to rename).
    pub fn commit(self) -> Result<(), BulkError> {
        let temp = match self.target {
            Target::Temp(temp) => temp,
            Target::Direct(_) => return Ok(()),
        };
        temp.as_file().sync_all().map_err(BulkError::Write)?;
        let dest = self.dest;
        temp.persist(&dest).map_err(|e| {
            BulkError::Output(format!(
                "cannot rename the output to `{}`: {}",
                dest.display(),
                e.error
            ))
        })?;
        Ok(())
    }
}

/// A directory written under a temporary name and renamed to its destination by
/// [`commit`](Self::commit). The destination must not exist, or be an empty directory.
#[derive(Debug)]
pub struct AtomicDir {
    temp: tempfile::TempDir,
    dest: PathBuf,
}

impl AtomicDir {
    /// Checks the destination and creates the temporary directory beside it.
    pub fn create(dest: &Path) -> Result<Self, BulkError> {
        check_dir_free(dest)?;
        let temp = tempfile::Builder::new()
            .prefix(".mmpolicy-bulk-")
            .suffix(".tmp")
            .tempdir_in(parent_of(dest))
            .map_err(|e| {
                BulkError::Output(format!(
                    "cannot create a directory beside `{}`: {e}",
                    dest.display()
                ))
            })?;
        Ok(AtomicDir {
            temp,
            dest: dest.to_owned(),
        })
    }

    /// The temporary directory, to write into.
    pub fn path(&self) -> &Path {
        self.temp.path()
    }

    /// Renames the directory to its destination.
    pub fn commit(self) -> Result<(), BulkError> {
        check_dir_free(&self.dest)?;
        if self.dest.is_dir() {
            std::fs::remove_dir(&self.dest).map_err(|e| {
                BulkError::Output(format!("cannot replace `{}`: {e}", self.dest.display()))
            })?;
        }
        let temp = self.temp.keep();
        std::fs::rename(&temp, &self.dest).map_err(|e| {
            let _ = std::fs::remove_dir_all(&temp);
            BulkError::Output(format!(
                "cannot rename the output to `{}`: {e}",
                self.dest.display()
            ))
        })
    }
}

/// Refuses a destination directory that exists and holds anything.
fn check_dir_free(dest: &Path) -> Result<(), BulkError> {
    let Ok(mut entries) = std::fs::read_dir(dest) else {
        if dest.exists() {
            return Err(BulkError::Output(format!(
                "`{}` exists and is not a directory: choose another `--out-dir`",
                dest.display()
            )));
        }
        return Ok(());
    };
    if entries.next().is_some() {
        return Err(BulkError::Output(format!(
            "`{}` is not empty: choose a new `--out-dir`, or remove the old one first",
            dest.display()
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_device_is_written_directly_and_stays_a_device() {
        let null = Path::new("/dev/null");
        assert!(is_special(null));
        let mut out = AtomicFile::create(null).unwrap();
        std::io::Write::write_all(out.file(), b"x\n").unwrap();
        out.commit().unwrap();
        let meta = std::fs::metadata(null).unwrap();
        assert!(!meta.is_file(), "/dev/null is still a device");
    }
    use std::io::Write;

    #[test]
    fn a_file_appears_only_on_commit() {
        let dir = tempfile::tempdir().unwrap();
        let dest = dir.path().join("out.ndjson");
        let mut f = AtomicFile::create(&dest).unwrap();
        f.file().write_all(b"x\n").unwrap();
        assert!(!dest.exists());
        f.commit().unwrap();
        assert_eq!(std::fs::read_to_string(&dest).unwrap(), "x\n");

        let dest2 = dir.path().join("never.ndjson");
        drop(AtomicFile::create(&dest2).unwrap());
        assert!(!dest2.exists());
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn a_directory_appears_only_on_commit_and_never_over_files() {
        let dir = tempfile::tempdir().unwrap();
        let dest = dir.path().join("policies");
        let d = AtomicDir::create(&dest).unwrap();
        std::fs::write(d.path().join("a.json"), "{}").unwrap();
        assert!(!dest.exists());
        d.commit().unwrap();
        assert!(dest.join("a.json").exists());

        let e = AtomicDir::create(&dest).unwrap_err();
        assert!(e.to_string().contains("is not empty"), "{e}");
        drop(AtomicDir::create(&dir.path().join("other")).unwrap());
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }
}
