//! A crate under `crates/` that registers providers must be named by the facade: Rust links
//! only the crates that code names, and an unnamed feature crate's providers would silently
//! vanish from the registry.

#![allow(
    clippy::unwrap_used,
    clippy::panic,
    reason = "test helpers unwrap and panic, as the tests do"
)]

use std::path::Path;

/// The `.rs` files under `dir`, recursively.
fn rust_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

#[test]
fn every_crate_that_registers_providers_is_named_by_the_facade() {
    let crates = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let facade =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("src/lib.rs")).unwrap();
    let manifest =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("Cargo.toml")).unwrap();
    let mut registering = Vec::new();
    for entry in std::fs::read_dir(&crates).unwrap() {
        let dir = entry.unwrap().path();
        let name = dir.file_name().unwrap().to_string_lossy().into_owned();
        // Core defines the macro (its docs and tests use it without registering anything).
        if name == "mmpolicy-core" || !dir.join("src").is_dir() {
            continue;
        }
        let mut files = Vec::new();
        rust_files(&dir.join("src"), &mut files);
        let registers = files.iter().any(|f| {
            std::fs::read_to_string(f).unwrap().lines().any(|l| {
                let l = l.trim_start();
                !l.starts_with("//") && l.contains("register_provider!(")
            })
        });
        if registers {
            registering.push(name);
        }
    }
    assert!(registering.len() >= 5, "{registering:?}");
    let mut missing = Vec::new();
    for name in &registering {
        let ident = name.replace('-', "_");
        let named = facade.lines().any(|l| {
            let l = l.trim_start();
            !l.starts_with("//") && l.contains(&format!("=> {ident} as "))
        });
        let depended = manifest
            .lines()
            .any(|l| l.starts_with(&format!("{name} = ")));
        if !named || !depended {
            missing.push(name.as_str());
        }
    }
    assert!(
        missing.is_empty(),
        "these crates register providers but the facade does not name them (add a line to `features!` in crates/mmpolicy/src/lib.rs, a dependency and a cargo feature): {missing:?}"
    );
}
