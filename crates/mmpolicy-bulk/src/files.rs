//! Outputs that appear whole or not at all: a file or a directory is written under a temporary
//! name beside its destination and renamed into place only when the run succeeds. A failed or
//! interrupted run leaves nothing behind (the temporary is removed when dropped, or by the
//! signal handler through [`cleanup`]).
//!
//! What is written gets the permissions a shell's `>` would give it: an existing file keeps its
//! own, a new one gets `0666` less the umask (`0644` under umask `022`), a new folder `0777`
//! less the umask. A destination reached through a symbolic link is written through it: the
//! link stays and its target gets the new contents, as `cp` and `>` do. A file with several
//! names (hard links) is rewritten in place when the run succeeds, so that every name sees the
//! new contents (that last copy is not atomic).

use crate::cleanup;
use crate::engine::{BulkError, OutputError};
use std::fs::File;
use std::io::{Seek, Write};
use std::path::{Path, PathBuf};

/// The folder a path is in (`.` for a bare file name).
pub fn parent_of(path: &Path) -> &Path {
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
    /// A temporary renamed over the destination.
    Temp(tempfile::NamedTempFile),
    /// A temporary copied into the destination, which has other names.
    Linked(tempfile::NamedTempFile),
    /// The destination itself, a device or a pipe.
    Direct(File),
}

/// True when `path` exists and is something other than a regular file (or a link to one).
pub fn is_special(path: &Path) -> bool {
    std::fs::metadata(path).is_ok_and(|m| !m.is_file() && !m.is_dir())
}

/// The path to write for `dest`: `dest` itself, or the file its symbolic link points to.
pub fn through_links(dest: &Path) -> Result<PathBuf, BulkError> {
    match std::fs::symlink_metadata(dest) {
        Ok(m) if m.file_type().is_symlink() => std::fs::canonicalize(dest).map_err(|e| {
            BulkError::from(OutputError::BrokenLink {
                path: dest.to_owned(),
                source: e,
            })
        }),
        _ => Ok(dest.to_owned()),
    }
}

/// The number of names a file has.
#[cfg(unix)]
fn links(meta: &std::fs::Metadata) -> u64 {
    std::os::unix::fs::MetadataExt::nlink(meta)
}

/// The number of names a file has: one, where it cannot be told.
#[cfg(not(unix))]
fn links(_meta: &std::fs::Metadata) -> u64 {
    1
}

/// Permissions `0o666` (files) or `0o777` (folders), which creation reduces by the umask;
/// `None` where there are no such modes.
#[cfg(unix)]
pub fn default_permissions(folder: bool) -> Option<std::fs::Permissions> {
    Some(std::os::unix::fs::PermissionsExt::from_mode(if folder {
        0o777
    } else {
        0o666
    }))
}

/// The permissions a new file or folder gets: the system's default elsewhere than Unix.
#[cfg(not(unix))]
pub fn default_permissions(_folder: bool) -> Option<std::fs::Permissions> {
    None
}

impl AtomicFile {
    /// Creates the temporary file in `dest`'s folder (the folder of the file a link points to),
    /// or opens `dest` itself when it is a device or a pipe.
    pub fn create(dest: &Path) -> Result<Self, BulkError> {
        if is_special(dest) {
            let file = std::fs::OpenOptions::new()
                .write(true)
                .open(dest)
                .map_err(|e| OutputError::Open {
                    path: dest.to_owned(),
                    source: e,
                })?;
            return Ok(AtomicFile {
                target: Target::Direct(file),
                dest: dest.to_owned(),
            });
        }
        let dest = through_links(dest)?;
        let existing = std::fs::metadata(&dest)
            .ok()
            .filter(std::fs::Metadata::is_file);
        let permissions = match &existing {
            Some(m) => Some(m.permissions()),
            None => default_permissions(false),
        };
        let folder = parent_of(&dest);
        cleanup::remove_stale_bulk(folder);
        let temp = {
            // Registered under the lock, so that a signal finds it from its first instant.
            let mut registry = cleanup::lock();
            let prefix = cleanup::temp_prefix("bulk");
            let mut builder = tempfile::Builder::new();
            builder.prefix(&prefix).suffix(".tmp");
            if let Some(permissions) = permissions {
                builder.permissions(permissions);
            }
            let temp = builder.tempfile_in(folder).map_err(|e| {
                BulkError::from(OutputError::CreateBeside {
                    what: "file",
                    path: dest.to_owned(),
                    source: e,
                })
            })?;
            registry.push(temp.path().to_owned());
            temp
        };
        let target = if existing.as_ref().is_some_and(|m| links(m) > 1) {
            Target::Linked(temp)
        } else {
            Target::Temp(temp)
        };
        Ok(AtomicFile { target, dest })
    }

    /// The file to write to: the temporary, or the device itself.
    pub fn file(&mut self) -> &mut File {
        match &mut self.target {
            Target::Temp(temp) | Target::Linked(temp) => temp.as_file_mut(),
            Target::Direct(file) => file,
        }
    }

    /// The path of the destination (the file a link points to).
    pub fn dest(&self) -> &Path {
        &self.dest
    }

    /// Flushes the file to disk and renames it to its destination, replacing any file there
    /// (a device or pipe was written directly: nothing to rename; a file with other names is
    /// rewritten in place).
    pub fn commit(self) -> Result<(), BulkError> {
        let dest = self.dest;
        let cannot = |e: std::io::Error| {
            BulkError::from(OutputError::WriteFile {
                path: dest.clone(),
                source: e,
            })
        };
        match self.target {
            Target::Direct(mut file) => file.flush().map_err(cannot),
            Target::Temp(temp) => {
                temp.as_file().sync_all().map_err(cannot)?;
                let mut registry = cleanup::lock();
                registry.retain(|p| p != temp.path());
                temp.persist(&dest).map_err(|e| {
                    BulkError::from(OutputError::Rename {
                        path: dest.clone(),
                        source: e.error,
                    })
                })?;
                Ok(())
            }
            Target::Linked(mut temp) => {
                temp.as_file_mut().rewind().map_err(cannot)?;
                let mut out = std::fs::OpenOptions::new()
                    .write(true)
                    .truncate(true)
                    .open(&dest)
                    .map_err(cannot)?;
                std::io::copy(temp.as_file_mut(), &mut out).map_err(cannot)?;
                out.sync_all().map_err(cannot)?;
                let mut registry = cleanup::lock();
                registry.retain(|p| p != temp.path());
                drop(temp);
                Ok(())
            }
        }
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
    /// Checks the destination (the folder a link points to) and creates the temporary
    /// directory beside it.
    pub fn create(dest: &Path) -> Result<Self, BulkError> {
        let dest = through_links(dest)?;
        check_dir_free(&dest)?;
        let permissions = match std::fs::metadata(&dest) {
            Ok(m) => Some(m.permissions()),
            Err(_) => default_permissions(true),
        };
        let folder = parent_of(&dest);
        cleanup::remove_stale_bulk(folder);
        let mut registry = cleanup::lock();
        let prefix = cleanup::temp_prefix("bulk");
        let mut builder = tempfile::Builder::new();
        builder.prefix(&prefix).suffix(".tmp");
        if let Some(permissions) = permissions {
            builder.permissions(permissions);
        }
        let temp = builder.tempdir_in(folder).map_err(|e| {
            BulkError::from(OutputError::CreateBeside {
                what: "directory",
                path: dest.clone(),
                source: e,
            })
        })?;
        registry.push(temp.path().to_owned());
        Ok(AtomicDir { temp, dest })
    }

    /// The temporary directory, to write into.
    pub fn path(&self) -> &Path {
        self.temp.path()
    }

    /// Renames the directory to its destination, which must still be missing or empty (a
    /// rename replaces an empty folder in one step, and fails on one that is not).
    pub fn commit(self) -> Result<(), BulkError> {
        check_dir_free(&self.dest)?;
        let mut registry = cleanup::lock();
        let temp = self.temp.keep();
        registry.retain(|p| p != &temp);
        let mut renamed = std::fs::rename(&temp, &self.dest);
        if renamed.is_err() && self.dest.is_dir() {
            // Where a rename does not replace an empty folder.
            renamed =
                std::fs::remove_dir(&self.dest).and_then(|()| std::fs::rename(&temp, &self.dest));
        }
        renamed.map_err(|e| {
            let _ = std::fs::remove_dir_all(&temp);
            BulkError::from(OutputError::Rename {
                path: self.dest.clone(),
                source: e,
            })
        })
    }
}

/// Swaps two folders in one step, so that each path always names one of them: `Ok(false)` when
/// the system or the file system cannot (the caller then falls back to two renames).
pub fn exchange(a: &Path, b: &Path) -> std::io::Result<bool> {
    #[cfg(any(target_os = "linux", target_os = "android"))]
    {
        use rustix::fs::{CWD, RenameFlags, renameat_with};
        use rustix::io::Errno;
        match renameat_with(CWD, a, CWD, b, RenameFlags::EXCHANGE) {
            Ok(()) => Ok(true),
            Err(Errno::INVAL | Errno::NOSYS | Errno::OPNOTSUPP) => Ok(false),
            Err(e) => Err(e.into()),
        }
    }
    #[cfg(not(any(target_os = "linux", target_os = "android")))]
    {
        let _ = (a, b);
        Ok(false)
    }
}

/// Renames `from` to `to`, failing when `to` exists (also when it appears in the meantime,
/// where the system can tell).
pub fn rename_new(from: &Path, to: &Path) -> std::io::Result<()> {
    #[cfg(any(target_os = "linux", target_os = "android"))]
    {
        use rustix::fs::{CWD, RenameFlags, renameat_with};
        use rustix::io::Errno;
        match renameat_with(CWD, from, CWD, to, RenameFlags::NOREPLACE) {
            Ok(()) => return Ok(()),
            Err(Errno::INVAL | Errno::NOSYS | Errno::OPNOTSUPP) => {}
            Err(e) => return Err(e.into()),
        }
    }
    if std::fs::symlink_metadata(to).is_ok() {
        return Err(std::io::Error::from(std::io::ErrorKind::AlreadyExists));
    }
    std::fs::rename(from, to)
}

/// Refuses a destination directory that exists and holds anything.
fn check_dir_free(dest: &Path) -> Result<(), BulkError> {
    let Ok(mut entries) = std::fs::read_dir(dest) else {
        if dest.exists() {
            return Err(OutputError::NotADirectory {
                path: dest.to_owned(),
            }
            .into());
        }
        return Ok(());
    };
    if entries.next().is_some() {
        return Err(OutputError::NotEmpty {
            path: dest.to_owned(),
        }
        .into());
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
    fn folders_are_exchanged_and_new_names_are_not_replaced() {
        let dir = tempfile::tempdir().unwrap();
        let (a, b) = (dir.path().join("a"), dir.path().join("b"));
        std::fs::create_dir(&a).unwrap();
        std::fs::create_dir(&b).unwrap();
        std::fs::write(a.join("from-a"), "").unwrap();
        if exchange(&a, &b).unwrap() {
            assert!(b.join("from-a").exists() && !a.join("from-a").exists());
        }
        let c = dir.path().join("c");
        std::fs::write(&c, "c").unwrap();
        let e = rename_new(&c, &a).unwrap_err();
        assert_eq!(e.kind(), std::io::ErrorKind::AlreadyExists);
        rename_new(&c, &dir.path().join("d")).unwrap();
    }

    #[cfg(unix)]
    #[test]
    fn links_are_written_through() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("target.ndjson");
        std::fs::write(&target, "old\n").unwrap();
        let link = dir.path().join("link.ndjson");
        std::os::unix::fs::symlink(&target, &link).unwrap();
        let mut f = AtomicFile::create(&link).unwrap();
        f.file().write_all(b"new\n").unwrap();
        f.commit().unwrap();
        assert!(
            std::fs::symlink_metadata(&link)
                .unwrap()
                .file_type()
                .is_symlink()
        );
        assert_eq!(std::fs::read_to_string(&target).unwrap(), "new\n");

        let hard = dir.path().join("hard.ndjson");
        std::fs::hard_link(&target, &hard).unwrap();
        let mut f = AtomicFile::create(&hard).unwrap();
        f.file().write_all(b"newer\n").unwrap();
        f.commit().unwrap();
        assert_eq!(std::fs::read_to_string(&target).unwrap(), "newer\n");
        assert_eq!(std::fs::read_to_string(&hard).unwrap(), "newer\n");
    }

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
