//! Temporary files and folders: named so that a later run can tell them apart, registered so
//! that a signal does not leave them behind, and removed when a crashed run left them.
//!
//! Every temporary name starts with `.mmpolicy-<what>-<pid>-` (`what` is `bulk` or `bundle`),
//! the id of the process that made it. While a run is in progress, its temporaries are in a
//! registry that the CLI's signal handler empties ([`remove_registered`]) before exiting. A
//! run killed without a chance to clean up (`kill -9`, a crash, a power cut) leaves them; the
//! next run writing to the same folder removes the ones that are stale ([`stale`]): made by a
//! process that no longer runs, and untouched for [`STALE_AFTER`].

use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

/// The start of every temporary name mmpolicy makes.
pub const PREFIX: &str = ".mmpolicy-";

/// How long a temporary of a process that no longer runs is left alone: long enough that a
/// process of another machine writing to a shared folder (whose id means nothing here) is done.
pub const STALE_AFTER: Duration = Duration::from_secs(10 * 60);

/// A list of temporaries to remove on a signal.
#[derive(Debug, Default)]
pub struct Registry(Mutex<Vec<PathBuf>>);

impl Registry {
    /// An empty registry.
    pub const fn new() -> Self {
        Registry(Mutex::new(Vec::new()))
    }

    /// Holds the registry: while the guard lives, a signal handler waits before removing
    /// anything, so a rename or a swap of a registered temporary is never cut in half.
    pub fn lock(&self) -> MutexGuard<'_, Vec<PathBuf>> {
        self.0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Removes every registered temporary, and returns holding the registry, so that nothing
    /// can register or rename until the process exits.
    pub fn remove_all(&self) -> MutexGuard<'_, Vec<PathBuf>> {
        let mut registry = self.lock();
        for path in registry.drain(..) {
            remove(&path);
        }
        registry
    }
}

/// The temporaries of this process that a signal must remove.
static REGISTRY: Registry = Registry::new();

/// The prefix of this process's temporary names for `what` (`bulk`, `bundle`).
pub fn temp_prefix(what: &str) -> String {
    format!("{PREFIX}{what}-{}-", std::process::id())
}

/// Holds this process's registry (see [`Registry::lock`]).
pub fn lock() -> MutexGuard<'static, Vec<PathBuf>> {
    REGISTRY.lock()
}

/// Adds a temporary to remove on a signal.
pub fn register(path: &Path) {
    lock().push(path.to_owned());
}

/// Removes a temporary from the registry (it was renamed into place, or removed).
pub fn unregister(path: &Path) {
    lock().retain(|p| p != path);
}

/// Removes every temporary this process registered, and returns holding the registry, so that
/// nothing can register or rename until the process exits. For the signal handler.
pub fn remove_registered() -> MutexGuard<'static, Vec<PathBuf>> {
    REGISTRY.remove_all()
}

/// Removes a file, or a folder and everything in it (a link itself, not what it points to);
/// what cannot be removed stays.
pub fn remove(path: &Path) {
    match std::fs::symlink_metadata(path) {
        Ok(m) if m.is_dir() => {
            let _ = std::fs::remove_dir_all(path);
        }
        Ok(_) => {
            let _ = std::fs::remove_file(path);
        }
        Err(_) => {}
    }
}

/// The temporaries for `what` in `dir` that a run which no longer exists left behind: named
/// `.mmpolicy-<what>-<pid>-…` with the id of a process that is not running, and not modified
/// for [`STALE_AFTER`]. Whatever cannot be read is left out.
pub fn stale(dir: &Path, what: &str) -> Vec<PathBuf> {
    let prefix = format!("{PREFIX}{what}-");
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut found = Vec::new();
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(rest) = name.to_str().and_then(|n| n.strip_prefix(&prefix)) else {
            continue;
        };
        let Some(pid) = rest
            .split_once('-')
            .and_then(|(pid, _)| pid.parse::<u32>().ok())
        else {
            continue;
        };
        if pid == std::process::id() || process_runs(pid) {
            continue;
        }
        let old = entry
            .metadata()
            .and_then(|m| m.modified())
            .ok()
            .and_then(|t| t.elapsed().ok())
            .is_some_and(|age| age >= STALE_AFTER);
        if old {
            found.push(entry.path());
        }
    }
    found.sort();
    found
}

/// Removes the stale temporaries of `bulk` runs in `dir` (files and folders that only a bulk
/// run writes into).
pub fn remove_stale_bulk(dir: &Path) {
    for path in stale(dir, "bulk") {
        remove(&path);
    }
}

/// Whether a process with this id runs (or may: anything but a clear "no such process").
#[cfg(unix)]
fn process_runs(pid: u32) -> bool {
    let Some(pid) = i32::try_from(pid)
        .ok()
        .and_then(rustix::process::Pid::from_raw)
    else {
        return false;
    };
    !matches!(
        rustix::process::test_kill_process(pid),
        Err(rustix::io::Errno::SRCH)
    )
}

/// Whether a process with this id runs: always assumed elsewhere than Unix.
#[cfg(not(unix))]
fn process_runs(_pid: u32) -> bool {
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A process id no system gives out (Linux's largest is 2^22).
    const DEAD: u32 = 999_999_999;

    fn age(path: &Path, by: Duration) {
        let f = std::fs::File::open(path).unwrap();
        f.set_modified(std::time::SystemTime::now() - by).unwrap();
    }

    #[test]
    fn stale_temporaries_are_old_and_of_a_dead_process() {
        let dir = tempfile::tempdir().unwrap();
        let old_dead = dir.path().join(format!(".mmpolicy-bulk-{DEAD}-a.tmp"));
        let new_dead = dir.path().join(format!(".mmpolicy-bulk-{DEAD}-b.tmp"));
        let old_mine = dir
            .path()
            .join(format!(".mmpolicy-bulk-{}-c.tmp", std::process::id()));
        let old_other = dir.path().join(format!(".other-bulk-{DEAD}-d.tmp"));
        for p in [&old_dead, &new_dead, &old_mine, &old_other] {
            std::fs::write(p, "x").unwrap();
        }
        for p in [&old_dead, &old_mine, &old_other] {
            age(p, STALE_AFTER * 2);
        }
        assert_eq!(stale(dir.path(), "bulk"), std::slice::from_ref(&old_dead));
        assert!(stale(dir.path(), "bundle").is_empty());
        remove_stale_bulk(dir.path());
        assert!(!old_dead.exists());
        assert!(new_dead.exists() && old_mine.exists() && old_other.exists());
    }

    #[test]
    fn the_registry_removes_what_is_registered() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("f");
        let folder = dir.path().join("d");
        std::fs::write(&file, "x").unwrap();
        std::fs::create_dir(&folder).unwrap();
        std::fs::write(folder.join("inner"), "x").unwrap();
        let kept = dir.path().join("kept");
        std::fs::write(&kept, "x").unwrap();
        let registry = Registry::new();
        registry.lock().extend([file.clone(), folder.clone()]);
        drop(registry.remove_all());
        assert!(!file.exists() && !folder.exists());
        assert!(kept.exists());
    }
}
