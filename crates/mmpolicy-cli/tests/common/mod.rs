//! What the CLI tests share: the binary, what a run of it gives back, and a folder's listing.
#![allow(
    clippy::unwrap_used,
    reason = "test helpers: a failed unwrap is a broken test setup, and fails the test"
)]
#![allow(dead_code, reason = "each test file uses the helpers it needs")]

use assert_cmd::Command;
use std::path::Path;

/// The `mmpolicy` binary of this build.
pub fn mmpolicy() -> Command {
    Command::cargo_bin("mmpolicy").unwrap()
}

/// Runs `cmd`; returns its exit code, stdout and stderr.
pub fn outcome(cmd: &mut Command) -> (i32, String, String) {
    let out = cmd.output().unwrap();
    (
        out.status.code().unwrap(),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

/// The names in a folder, sorted (dot files included).
pub fn listing(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}
